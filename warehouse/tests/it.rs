//! Commit protocol and scans through the library API. Every case runs twice: on a local folder
//! (`<case>::local`) and on an S3-compatible server (`<case>::s3`: moto, started by
//! scripts/test.sh, which exports `GREENOPS_TEST_S3_ENDPOINT` and `GREENOPS_TEST_S3_BUCKET`;
//! moto enforces conditional writes like S3 does). Each S3 case writes under its own prefix.

use polars::prelude::*;
use std::collections::BTreeMap;
use std::path::PathBuf;
use warehouse::schema::{COST_COLUMNS, COST_TABLE, cost_schema};
use warehouse::{
    Clock, CommitInfo, CommitRecord, FailPoint, FixedClock, Staging, StoreOptions, SystemClock,
    Warehouse, WarehouseError,
};

/// Where a case's warehouse lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    Local,
    S3,
}

/// Declares `local` and `s3` tests running the async `$case(Backend)`.
macro_rules! on_both_backends {
    ($($case:ident),* $(,)?) => {$(
        mod $case {
            #[tokio::test(flavor = "multi_thread")]
            async fn local() {
                super::$case(super::Backend::Local).await
            }
            #[tokio::test(flavor = "multi_thread")]
            async fn s3() {
                super::$case(super::Backend::S3).await
            }
        }
    )*};
}

on_both_backends!(
    failure_while_staging_keeps_the_previous_commit_everywhere,
    crash_after_the_commit_record_is_rolled_forward,
    recommitting_replaces_only_the_partitions_written,
    scans_prune_partitions_and_project_columns,
    recovery_removes_abandoned_staging_but_not_a_running_run,
    concurrent_commits_never_lose_an_update,
);

/// Settings of the test S3 server. Outside scripts/test.sh the S3 cases fail: they never skip.
fn s3_options() -> StoreOptions {
    let endpoint = std::env::var("GREENOPS_TEST_S3_ENDPOINT").expect(
        "GREENOPS_TEST_S3_ENDPOINT is not set: run the tests with scripts/test.sh, which starts moto",
    );
    StoreOptions::default()
        .with("AWS_ENDPOINT_URL", endpoint)
        .with("AWS_ALLOW_HTTP", "true")
        .with("AWS_ACCESS_KEY_ID", "testing")
        .with("AWS_SECRET_ACCESS_KEY", "testing")
        .with("AWS_REGION", "us-east-1")
}

/// One case's warehouse: a folder in a temporary directory, or a fresh prefix in the test bucket.
struct Fixture {
    backend: Backend,
    url: String,
    _dir: tempfile::TempDir,
}

impl Fixture {
    fn new(backend: Backend, case: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = match backend {
            Backend::Local => dir.path().join("wh").display().to_string(),
            Backend::S3 => {
                s3_options(); // fails here when the test server is not configured
                let bucket = std::env::var("GREENOPS_TEST_S3_BUCKET")
                    .unwrap_or_else(|_| "greenops-test".into());
                let nanos = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos();
                format!("s3://{bucket}/wh-{case}-{}-{nanos}", std::process::id())
            }
        };
        Self {
            backend,
            url,
            _dir: dir,
        }
    }

    /// A handle on the warehouse (as a separate process would open it) with the fixed test clock.
    fn open(&self) -> Warehouse {
        let clock = chrono::DateTime::parse_from_rfc3339("2026-11-01T03:15:00Z")
            .unwrap()
            .to_utc();
        self.open_with_clock(FixedClock(clock))
    }

    fn open_with_clock(&self, clock: impl Clock + 'static) -> Warehouse {
        let wh = match self.backend {
            Backend::Local => Warehouse::open(&self.url),
            Backend::S3 => Warehouse::open_with_options(&self.url, s3_options()),
        };
        wh.unwrap().with_clock(std::sync::Arc::new(clock))
    }

    /// The folder of a local warehouse.
    fn root(&self) -> Option<PathBuf> {
        (self.backend == Backend::Local).then(|| PathBuf::from(&self.url))
    }

    /// What is left in staging: entries of `_staging/` (local) or objects under it (S3).
    async fn staging_leftovers(&self, wh: &Warehouse) -> usize {
        match self.root() {
            Some(root) => std::fs::read_dir(root.join("_staging")).map_or(0, |d| d.count()),
            None => wh.staging_objects().await.unwrap(),
        }
    }
}

/// A canonical cost frame with `rows` rows per (account, period) pair.
fn frame(accounts: &[&str], periods: &[&str], rows: usize, cost: i64) -> LazyFrame {
    let n = accounts.len() * periods.len() * rows;
    let mut acc = Vec::with_capacity(n);
    let mut per = Vec::with_capacity(n);
    for a in accounts {
        for p in periods {
            for _ in 0..rows {
                acc.push(a.to_string());
                per.push(format!("{p}-01T00:00:00Z"));
            }
        }
    }
    let schema = cost_schema();
    let columns: Vec<Column> = COST_COLUMNS
        .iter()
        .map(|c| {
            let dtype = schema.get(c.name).unwrap().clone();
            let s = match c.name {
                "BillingAccountId" => Series::new(c.name.into(), acc.clone()),
                "BillingPeriodStart" => Series::new(c.name.into(), per.clone())
                    .str()
                    .unwrap()
                    .as_datetime(
                        None,
                        TimeUnit::Microseconds,
                        false,
                        false,
                        Some(&TimeZone::UTC),
                        &StringChunked::from_slice("a".into(), &["raise"]),
                    )
                    .unwrap()
                    .into_series(),
                "BilledCost" | "EffectiveCost" => Series::new(c.name.into(), vec![cost; n])
                    .cast(&dtype)
                    .unwrap(),
                "ProviderName" => Series::new(c.name.into(), vec!["AWS"; n]),
                _ => Series::full_null(c.name.into(), n, &dtype),
            };
            s.cast(&dtype).unwrap().into_column()
        })
        .collect();
    DataFrame::new(n, columns).unwrap().lazy()
}

fn keys() -> [Expr; 3] {
    [
        lit("aws"),
        col("BillingAccountId"),
        col("BillingPeriodStart").dt().strftime("%Y-%m"),
    ]
}

/// Stages `lf` for `run` (polars writes on a blocking thread).
async fn stage(
    wh: &Warehouse,
    run: &str,
    lf: LazyFrame,
    fail: Option<FailPoint>,
) -> warehouse::Result<Staging> {
    let staging = wh.staging(COST_TABLE, run, fail)?;
    tokio::task::spawn_blocking(move || staging.sink_partitioned(lf, keys()).map(|()| staging))
        .await
        .unwrap()
}

async fn write(
    wh: &Warehouse,
    run: &str,
    lf: LazyFrame,
    fail: Option<FailPoint>,
) -> warehouse::Result<CommitRecord> {
    let staging = stage(wh, run, lf, fail).await?;
    wh.commit(staging, CommitInfo::default()).await
}

/// Collects on a blocking thread (polars drives cloud reads with its own runtime).
async fn collect(lf: LazyFrame) -> DataFrame {
    tokio::task::spawn_blocking(move || lf.collect().unwrap())
        .await
        .unwrap()
}

/// (rows, Σ BilledCost) of a `len()` / `BilledCost.sum()` result.
fn totals_of(df: &DataFrame) -> (u32, String) {
    let rows = df.column("len").unwrap().u32().unwrap().get(0).unwrap();
    let billed = df
        .column("BilledCost")
        .unwrap()
        .cast(&DataType::String)
        .unwrap();
    (
        rows,
        billed.str().unwrap().get(0).unwrap_or("0").to_string(),
    )
}

/// (rows, Σ BilledCost) through the scan API.
async fn api_totals(wh: &Warehouse) -> (u32, String) {
    let lf = wh
        .scan(COST_TABLE)
        .select(["BilledCost"])
        .lazy()
        .await
        .unwrap();
    totals_of(&collect(lf.select([len(), col("BilledCost").sum()])).await)
}

/// `ROOT/cost/**/*.parquet` with hive partitioning, as other tools read it (a local glob, or a
/// glob over the bucket through polars' S3 client).
fn glob(wh: &Warehouse) -> LazyFrame {
    let args = ScanArgsParquet {
        hive_options: HiveOptions::new_enabled(),
        cloud_options: wh.polars_cloud_options(),
        ..Default::default()
    };
    LazyFrame::scan_parquet(PlRefPath::new(wh.polars_uri("cost/**/*.parquet")), args).unwrap()
}

/// (rows, Σ BilledCost) through the glob.
async fn glob_totals(wh: &Warehouse) -> (u32, String) {
    totals_of(&collect(glob(wh).select([len(), col("BilledCost").sum()])).await)
}

/// Rows per (billing account, billing period) of a frame with hive or scan partition columns.
async fn rows_by_partition(lf: LazyFrame) -> BTreeMap<(String, String), u32> {
    let df = collect(
        lf.group_by([
            col("billing_account").cast(DataType::String),
            col("billing_period").cast(DataType::String),
        ])
        .agg([len()]),
    )
    .await;
    let accounts = df.column("billing_account").unwrap().str().unwrap();
    let periods = df.column("billing_period").unwrap().str().unwrap();
    let rows = df.column("len").unwrap().u32().unwrap();
    (0..df.height())
        .map(|i| {
            let key = (
                accounts.get(i).unwrap().to_string(),
                periods.get(i).unwrap().to_string(),
            );
            (key, rows.get(i).unwrap())
        })
        .collect()
}

async fn assert_verifies(wh: &Warehouse) {
    let report = wh.verify(COST_TABLE).await.unwrap();
    assert!(report.is_ok(), "verify: {:#?}", report.problems);
}

async fn failure_while_staging_keeps_the_previous_commit_everywhere(backend: Backend) {
    let fx = Fixture::new(backend, "failure-while-staging");
    let wh = fx.open();
    write(
        &wh,
        "run-1",
        frame(&["111", "222"], &["2026-09", "2026-10"], 10, 1),
        None,
    )
    .await
    .unwrap();
    let committed = api_totals(&wh).await;
    assert_eq!(committed.0, 40);
    assert_eq!(glob_totals(&wh).await, committed);

    let mut failures: Vec<(String, FailPoint)> = (0..4)
        .map(|k| (format!("after {k} files"), FailPoint::AfterStagedFiles(k)))
        .collect();
    failures.push(("before the commit record".into(), FailPoint::BeforeCommit));
    for (n, (what, fail)) in failures.into_iter().enumerate() {
        let err = write(
            &wh,
            &format!("run-fail-{n}"),
            frame(&["111", "222"], &["2026-09", "2026-10"], 99, 7),
            Some(fail),
        )
        .await
        .unwrap_err();
        assert!(err.to_string().contains("injected failure"), "{err}");
        assert_eq!(
            api_totals(&wh).await,
            committed,
            "API after a failure {what}"
        );
        assert_eq!(
            glob_totals(&wh).await,
            committed,
            "glob after a failure {what}"
        );
        // a failed run discards its own staging (on S3 also what it uploaded)
        assert_eq!(
            fx.staging_leftovers(&wh).await,
            0,
            "staging left behind by a failure {what}"
        );
    }
    assert_eq!(wh.state(COST_TABLE).await.unwrap().version, 1);
    assert_eq!(wh.recover(COST_TABLE).await.unwrap().removed_staging, 0);
    assert_verifies(&wh).await;
}

async fn crash_after_the_commit_record_is_rolled_forward(backend: Backend) {
    let fx = Fixture::new(backend, "crash-after-commit");
    let wh = fx.open();
    write(
        &wh,
        "run-1",
        frame(&["111", "222"], &["2026-10"], 10, 1),
        None,
    )
    .await
    .unwrap();
    let before = glob_totals(&wh).await;
    let err = write(
        &wh,
        "run-2",
        frame(&["111"], &["2026-10"], 3, 5),
        Some(FailPoint::AfterCommit),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("after commit"), "{err}");
    // committed but not yet published: glob readers still see the previous files
    assert_eq!(wh.state(COST_TABLE).await.unwrap().version, 2);
    assert_eq!(glob_totals(&wh).await, before);
    assert!(!wh.verify(COST_TABLE).await.unwrap().is_ok());

    // the next process rolls it forward
    let next = fx.open();
    let report = next.recover(COST_TABLE).await.unwrap();
    assert_eq!(report.published, 1, "{report:?}");
    assert_eq!(api_totals(&next).await, (13, glob_totals(&next).await.1));
    assert_eq!(glob_totals(&next).await.0, 13);
    assert_verifies(&next).await;
    assert_eq!(fx.staging_leftovers(&next).await, 0);
    // and it was recorded: the next recovery has nothing to do
    assert_eq!(next.recover(COST_TABLE).await.unwrap().published, 0);
}

async fn recommitting_replaces_only_the_partitions_written(backend: Backend) {
    let fx = Fixture::new(backend, "recommit");
    let wh = fx.open();
    write(
        &wh,
        "run-1",
        frame(&["111", "222"], &["2026-09"], 10, 1),
        None,
    )
    .await
    .unwrap();
    write(&wh, "run-2", frame(&["111"], &["2026-09"], 3, 5), None)
        .await
        .unwrap();
    // 111 replaced (3 × 5), 222 kept (10 × 1)
    assert_eq!(api_totals(&wh).await.0, 13);
    assert_eq!(glob_totals(&wh).await, api_totals(&wh).await);
    let state = wh.state(COST_TABLE).await.unwrap();
    assert_eq!(state.version, 2);
    let m = state
        .partitions
        .values()
        .find(|m| m.key.billing_account == "111")
        .unwrap();
    assert_eq!((m.run_id.as_str(), m.rows, m.version), ("run-2", 3, 2));
    assert_eq!(
        m.committed_at.to_rfc3339(),
        "2026-11-01T03:15:00+00:00",
        "time comes from the injected clock"
    );
    assert_eq!(m.files[0].sha256.len(), 64);
    assert_verifies(&wh).await;
    assert_eq!(fx.staging_leftovers(&wh).await, 0);
}

async fn scans_prune_partitions_and_project_columns(backend: Backend) {
    let fx = Fixture::new(backend, "scans");
    let wh = fx.open();
    write(
        &wh,
        "run-1",
        frame(&["111", "222"], &["2026-08", "2026-09", "2026-10"], 2, 1),
        None,
    )
    .await
    .unwrap();
    let lf = wh
        .scan(COST_TABLE)
        .billing_accounts(["222"])
        .billing_periods(Some("2026-09"), None)
        .select(["billing_account", "billing_period", "BilledCost"])
        .lazy()
        .await
        .unwrap();
    let df = collect(lf).await;
    assert_eq!(df.width(), 3);
    assert_eq!(df.height(), 4);
    let periods: std::collections::BTreeSet<_> = df
        .column("billing_period")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .flatten()
        .map(str::to_string)
        .collect();
    assert_eq!(
        periods.into_iter().collect::<Vec<_>>(),
        ["2026-09", "2026-10"]
    );
    let empty = collect(wh.scan(COST_TABLE).providers(["gcp"]).lazy().await.unwrap()).await;
    assert_eq!(empty.height(), 0);
    assert!(empty.width() > 60, "an empty scan keeps the schema");
}

async fn recovery_removes_abandoned_staging_but_not_a_running_run(backend: Backend) {
    let fx = Fixture::new(backend, "abandoned-staging");
    let wh = fx.open();
    // a process that died mid-write: a local staging folder with an unheld lock file, or on S3
    // what it uploaded to _staging/ before the commit record
    match fx.root() {
        Some(root) => {
            let crashed = root.join("_staging/run-crashed/cost/provider=aws");
            std::fs::create_dir_all(&crashed).unwrap();
            std::fs::write(crashed.join("part.parquet"), b"partial").unwrap();
            std::fs::write(root.join("_staging/run-crashed.lock"), b"").unwrap();
        }
        None => {
            use object_store::ObjectStoreExt;
            let path = object_store::path::Path::from(
                "_staging/run-crashed/cost/provider=aws/billing_account=1/billing_period=2026-10/part.parquet",
            );
            wh.store()
                .put(&path, b"partial".to_vec().into())
                .await
                .unwrap();
        }
    }
    // a run still staging
    let running = stage(&wh, "run-live", frame(&["111"], &["2026-10"], 4, 1), None)
        .await
        .unwrap();
    let first = wh.recover(COST_TABLE).await.unwrap();
    match backend {
        // the lock tells a crashed run from a running one
        Backend::Local => assert_eq!(first.removed_staging, 1),
        // without locks, an upload this recent may belong to a running run
        Backend::S3 => assert_eq!(first.removed_staging, 0),
    }
    // a day later the crashed run's upload is taken for abandoned
    let later = fx.open_with_clock(FixedClock(
        SystemClock.now() + warehouse::commit::ABANDONED_UPLOAD_AGE + chrono::TimeDelta::hours(1),
    ));
    let second = later.recover(COST_TABLE).await.unwrap();
    assert_eq!(first.removed_staging + second.removed_staging, 1);
    assert_eq!(
        fx.staging_leftovers(&wh).await,
        usize::from(backend == Backend::Local) * 2,
        "only the running run's folder and lock remain"
    );
    // the running run's staging survived both recoveries and commits whole
    wh.commit(running, CommitInfo::default()).await.unwrap();
    assert_eq!(api_totals(&wh).await.0, 4);
    assert_eq!(glob_totals(&wh).await.0, 4);
    assert_eq!(fx.staging_leftovers(&wh).await, 0);
    // dropped uncommitted staging is discarded
    let dropped = stage(
        &wh,
        "run-dropped",
        frame(&["222"], &["2026-10"], 1, 1),
        None,
    )
    .await
    .unwrap();
    drop(dropped);
    assert_eq!(fx.staging_leftovers(&wh).await, 0);
    assert_verifies(&wh).await;
}

/// Two writers (two handles, as two processes would hold) commit overlapping partition sets at
/// the same moment, several times over: each commit lands in the log in some order, or fails
/// with a conflict and changes nothing; every partition holds the rows of its latest commit, for
/// the API and for a reader of the glob alike; the table verifies and no staging is left. In the
/// last rounds the second writer crashes right after its commit record, whichever of the two
/// got the lower version: the next process's recovery still publishes it.
async fn concurrent_commits_never_lose_an_update(backend: Backend) {
    let fx = Fixture::new(backend, "concurrent");
    let periods = ["2026-09", "2026-10"];
    let first = fx.open();
    write(
        &first,
        "run-0",
        frame(&["111", "222", "333"], &periods, 2, 1),
        None,
    )
    .await
    .unwrap();
    let (a, b) = (fx.open(), fx.open());
    for round in 0..7 {
        let crash_b = round >= 4;
        let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(2));
        let writer = |wh: Warehouse, run: String, accounts: [&'static str; 2], rows, fail| {
            let barrier = barrier.clone();
            tokio::spawn(async move {
                let staging = stage(&wh, &run, frame(&accounts, &periods, rows, 1), fail)
                    .await
                    .unwrap();
                barrier.wait().await; // both commit at once
                (run, wh.commit(staging, CommitInfo::default()).await)
            })
        };
        // 222 is written by both
        let ta = writer(a.clone(), format!("run-a{round}"), ["111", "222"], 3, None);
        let fail_b = crash_b.then_some(FailPoint::AfterCommit);
        let tb = writer(
            b.clone(),
            format!("run-b{round}"),
            ["222", "333"],
            4,
            fail_b,
        );
        let outcomes = [ta.await.unwrap(), tb.await.unwrap()];

        let history = first.history(COST_TABLE).await.unwrap();
        for (run, outcome) in &outcomes {
            let in_log = history.iter().filter(|r| &r.run_id == run).count();
            match outcome {
                Ok(record) => {
                    assert_eq!(in_log, 1, "{run} committed once");
                    assert_eq!(history[record.version as usize - 1].run_id, *run);
                }
                Err(e @ WarehouseError::CommitConflict { .. }) => {
                    assert!(e.to_string().contains("concurrent writer"), "{e}");
                    assert_eq!(in_log, 0, "a refused commit changes nothing");
                }
                Err(e @ WarehouseError::Injected(_)) if crash_b => {
                    assert!(e.to_string().contains("after commit"), "{e}");
                    assert_eq!(in_log, 1, "{run} crashed after its commit record");
                }
                Err(e) => panic!("{run}: {e}"),
            }
        }
        // the next process rolls forward what a crash left unpublished
        let next = fx.open();
        let recovered = next.recover(COST_TABLE).await.unwrap();
        if !crash_b {
            assert_eq!(recovered.published, 0, "round {round}: all was published");
        }
        // every committed file is in place, nothing else is; then the rows of each partition
        // are those of the latest commit that wrote it
        assert_verifies(&next).await;
        let state = next.state(COST_TABLE).await.unwrap();
        let expected: BTreeMap<(String, String), u32> = state
            .partitions
            .values()
            .map(|m| {
                let rows = match &m.run_id[..5] {
                    "run-a" => 3,
                    "run-b" => 4,
                    _ => 2,
                };
                assert_eq!(m.rows, rows, "{m:?}");
                let key = (m.key.billing_account.clone(), m.key.billing_period.clone());
                (key, rows as u32)
            })
            .collect();
        let latest_222 = history
            .iter()
            .rev()
            .find(|r| r.partitions.iter().any(|m| m.key.billing_account == "222"))
            .unwrap();
        let live_222 = state
            .partitions
            .values()
            .find(|m| m.key.billing_account == "222");
        assert_eq!(live_222.unwrap().run_id, latest_222.run_id);
        let api = rows_by_partition(next.scan(COST_TABLE).lazy().await.unwrap()).await;
        assert_eq!(api, expected, "round {round}: API");
        assert_eq!(
            rows_by_partition(glob(&next)).await,
            expected,
            "round {round}: glob"
        );
        assert_eq!(fx.staging_leftovers(&next).await, 0);
    }
}
