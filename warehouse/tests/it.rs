//! Commit protocol and scans through the library API, on a local warehouse.

use polars::prelude::*;
use warehouse::schema::{COST_COLUMNS, COST_TABLE, cost_schema};
use warehouse::{CommitInfo, FailPoint, FixedClock, Warehouse};

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

async fn write(
    wh: &Warehouse,
    run: &str,
    lf: LazyFrame,
    fail: Option<FailPoint>,
) -> warehouse::Result<()> {
    let staging = wh.staging(COST_TABLE, run, fail)?;
    let staging =
        tokio::task::spawn_blocking(move || staging.sink_partitioned(lf, keys()).map(|()| staging))
            .await
            .unwrap()?;
    wh.commit(staging, CommitInfo::default()).await.map(|_| ())
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
    let df = wh
        .scan(COST_TABLE)
        .select(["BilledCost"])
        .lazy()
        .await
        .unwrap()
        .select([len(), col("BilledCost").sum()])
        .collect()
        .unwrap();
    totals_of(&df)
}

/// (rows, Σ BilledCost) through `ROOT/cost/**/*.parquet` with hive partitioning, as other tools read it.
fn glob_totals(root: &std::path::Path) -> (u32, String) {
    let glob = format!("{}/cost/**/*.parquet", root.display());
    let args = ScanArgsParquet {
        hive_options: HiveOptions::new_enabled(),
        ..Default::default()
    };
    let df = LazyFrame::scan_parquet(PlRefPath::new(glob), args)
        .unwrap()
        .select([len(), col("BilledCost").sum()])
        .collect()
        .unwrap();
    totals_of(&df)
}

fn open(dir: &tempfile::TempDir) -> Warehouse {
    let clock = chrono::DateTime::parse_from_rfc3339("2026-11-01T03:15:00Z")
        .unwrap()
        .to_utc();
    Warehouse::open(dir.path().to_str().unwrap())
        .unwrap()
        .with_clock(std::sync::Arc::new(FixedClock(clock)))
}

#[tokio::test(flavor = "multi_thread")]
async fn failure_after_k_files_keeps_the_previous_commit_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let wh = open(&dir);
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
    assert_eq!(glob_totals(dir.path()), committed);

    for k in 0..4 {
        let err = write(
            &wh,
            &format!("run-fail-{k}"),
            frame(&["111", "222"], &["2026-09", "2026-10"], 99, 7),
            Some(FailPoint::AfterStagedFiles(k)),
        )
        .await
        .unwrap_err();
        assert!(err.to_string().contains("injected failure"), "{err}");
        assert_eq!(
            api_totals(&wh).await,
            committed,
            "API after a failure after {k} files"
        );
        assert_eq!(
            glob_totals(dir.path()),
            committed,
            "glob after a failure after {k} files"
        );
    }
    // a failed run discards its own staging; nothing is left for recovery to clean up
    let leftovers = std::fs::read_dir(dir.path().join("_staging")).map_or(0, |d| d.count());
    assert_eq!(leftovers, 0, "failed runs leave no staging behind");
    assert_eq!(wh.recover(COST_TABLE).await.unwrap().removed_staging, 0);
    assert!(wh.verify(COST_TABLE).await.unwrap().is_ok());
}

#[tokio::test(flavor = "multi_thread")]
async fn recommitting_replaces_only_the_partitions_written() {
    let dir = tempfile::tempdir().unwrap();
    let wh = open(&dir);
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
    assert_eq!(glob_totals(dir.path()).0, 13);
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
    assert!(wh.verify(COST_TABLE).await.unwrap().is_ok());
}

#[tokio::test(flavor = "multi_thread")]
async fn scans_prune_partitions_and_project_columns() {
    let dir = tempfile::tempdir().unwrap();
    let wh = open(&dir);
    write(
        &wh,
        "run-1",
        frame(&["111", "222"], &["2026-08", "2026-09", "2026-10"], 2, 1),
        None,
    )
    .await
    .unwrap();
    let df = wh
        .scan(COST_TABLE)
        .billing_accounts(["222"])
        .billing_periods(Some("2026-09"), None)
        .select(["billing_account", "billing_period", "BilledCost"])
        .lazy()
        .await
        .unwrap()
        .collect()
        .unwrap();
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
    let empty = wh
        .scan(COST_TABLE)
        .providers(["gcp"])
        .lazy()
        .await
        .unwrap()
        .collect()
        .unwrap();
    assert_eq!(empty.height(), 0);
    assert!(empty.width() > 60, "an empty scan keeps the schema");
}

#[tokio::test(flavor = "multi_thread")]
async fn recovery_removes_the_staging_of_a_crashed_run_but_not_of_a_running_one() {
    let dir = tempfile::tempdir().unwrap();
    let wh = open(&dir);
    // a process that died mid-write: its staging folder and an unheld lock file remain
    let crashed = dir.path().join("_staging/run-crashed/cost/provider=aws");
    std::fs::create_dir_all(&crashed).unwrap();
    std::fs::write(crashed.join("part.parquet"), b"partial").unwrap();
    std::fs::write(dir.path().join("_staging/run-crashed.lock"), b"").unwrap();
    // a run still staging holds its lock
    let running = wh.staging(COST_TABLE, "run-live", None).unwrap();
    let report = wh.recover(COST_TABLE).await.unwrap();
    assert_eq!(report.removed_staging, 1);
    assert!(!dir.path().join("_staging/run-crashed").exists());
    assert!(
        dir.path().join("_staging/run-live").exists(),
        "a live run keeps its staging"
    );
    drop(running);
    assert!(
        !dir.path().join("_staging/run-live").exists(),
        "dropped uncommitted staging is discarded"
    );
}
