//! Ingest: provider exports → the warehouse's canonical cost table.
//!
//! ```text
//!   PATH ──adapter.discover──▶ Export (files chosen by manifests)
//!        ──adapter.canonical──▶ one LazyFrame per file (typed, FOCUS-named)
//!        ──concat + stream────▶ staging, partitioned by (provider, account, period)
//!        ──commit─────────────▶ partitions replaced in one step; summary from committed data
//! ```

pub mod aws_cur;
pub mod azure;
pub mod billed;
pub mod canonical;
pub mod focus;
pub mod fx;
pub mod gcp;
pub mod normalize;
pub mod oci;
pub mod parse;
pub mod quality;
mod quality_table;
mod reconcile;
mod records;
pub mod scan;
pub mod source;
mod summary;

use crate::error::{JobError, Result, from_polars};
use polars::prelude::*;
use source::InputFile;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use warehouse::schema::COST_TABLE;
use warehouse::{CommitInfo, FailPoint, Warehouse};

pub use summary::{CurrencyTotals, IngestSummary};

/// The export formats `greenops ingest` understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// FOCUS 1.0–1.3 cost and usage files.
    Focus,
    /// AWS Cost and Usage Report: legacy CSV, Athena/Parquet naming, CUR 2.0.
    AwsCur,
    /// Azure Cost Management exports (EA, MCA, pay-as-you-go, FocusCost).
    Azure,
    /// Google Cloud billing export (BigQuery standard/detailed) as CSV, NDJSON or Parquet.
    Gcp,
    /// Oracle Cloud Infrastructure cost reports.
    Oci,
}

impl SourceKind {
    /// The name used on the command line and in `x_SourceKind`.
    pub fn name(self) -> &'static str {
        match self {
            SourceKind::Focus => "focus",
            SourceKind::AwsCur => "aws-cur",
            SourceKind::Azure => "azure",
            SourceKind::Gcp => "gcp",
            SourceKind::Oci => "oci",
        }
    }

    fn adapter(self) -> Box<dyn Adapter> {
        match self {
            SourceKind::Focus => Box::new(focus::FocusAdapter),
            SourceKind::AwsCur => Box::new(aws_cur::AwsCurAdapter),
            SourceKind::Azure => Box::new(azure::AzureAdapter),
            SourceKind::Gcp => Box::new(gcp::GcpAdapter),
            SourceKind::Oci => Box::new(oci::OciAdapter),
        }
    }
}

/// The files forming one export, as decided by its manifests (or by the path given).
#[derive(Debug, Clone, Default)]
pub struct Export {
    /// Data files, in a deterministic order.
    pub files: Vec<InputFile>,
    /// Manifest files that selected them (recorded as sources too).
    pub manifests: Vec<PathBuf>,
    /// Facts about the export recorded in the partition manifests.
    pub properties: BTreeMap<String, serde_json::Value>,
    /// When the provider produced the export, if the format records it; otherwise the newest
    /// modification time of its files is used.
    pub exported_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Adapter-private facts `discover` decided about the whole export that mapping one file
    /// needs (e.g. which Azure dataset each file is); handed to `canonical` as
    /// [`FileContext::export_context`], not recorded.
    pub context: serde_json::Value,
}

impl Export {
    /// The export's production time: the recorded one, else the newest file modification time.
    pub fn production_time(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.exported_at.or_else(|| {
            let paths = self
                .files
                .iter()
                .map(|f| f.path.as_path())
                .chain(self.manifests.iter().map(PathBuf::as_path));
            paths
                .filter_map(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
                .max()
                .map(chrono::DateTime::<chrono::Utc>::from)
        })
    }
}

/// Context for mapping one file.
#[derive(Debug, Clone)]
pub struct FileContext {
    /// Run id stamped into `x_IngestRunId`.
    pub run_id: String,
    /// The export's [`Export::context`].
    pub export_context: serde_json::Value,
}

/// A provider format: which files form an export, and how one file maps onto the canonical table.
pub trait Adapter: Send + Sync {
    /// Kind name.
    fn name(&self) -> &'static str;
    /// Resolves the path given by the user into the export's files.
    ///
    /// # Errors
    /// Missing paths, unreadable manifests, manifests naming missing files.
    fn discover(&self, path: &Path) -> Result<Export>;
    /// Maps one file onto the canonical columns, and returns the partition key expressions
    /// (provider, billing account, billing period) evaluated on the canonical frame.
    ///
    /// # Errors
    /// [`JobError::BadFile`] when the header is not one this adapter recognises.
    fn canonical(
        &self,
        file: &InputFile,
        header: &[String],
        ctx: &FileContext,
    ) -> Result<LazyFrame>;
    /// The provider partition value, from the canonical frame.
    fn provider_key(&self) -> Expr;
    /// The raw columns whose first non-blank value is a row's BilledCost, for the "written
    /// equals source" gate; `None` (the default) when the format gives no such simple rule.
    fn billed_columns(&self, _header: &[String]) -> Option<billed::BilledColumns> {
        None
    }
    /// One row with `rows` and `billed` (Σ BilledCost) of `file`, computed from the raw file
    /// independently of [`Adapter::canonical`], for the "written equals source" gate. The
    /// default scans the [`Adapter::billed_columns`]; `None` when the format gives no rule.
    /// (CSV files with billed columns are totalled during the record check instead.)
    ///
    /// # Errors
    /// The file cannot be scanned.
    fn source_totals(&self, file: &InputFile, header: &[String]) -> Result<Option<LazyFrame>> {
        self.billed_columns(header)
            .map(|b| billed::lazy_totals(file, &b))
            .transpose()
    }
    /// Whether CSV rows may have fewer fields than the header (trailing columns then read as
    /// null). Rows with more fields are always refused.
    fn short_rows_allowed(&self) -> bool {
        true
    }
}

/// What to ingest.
#[derive(Debug, Clone)]
pub struct IngestRequest {
    /// Format of the export.
    pub kind: SourceKind,
    /// A file, a folder, or a report prefix with manifests.
    pub path: PathBuf,
    /// Run id.
    pub run_id: String,
    /// Failure injection for crash tests.
    pub fail_point: Option<FailPoint>,
    /// Replace committed partitions even when their export is newer than this one.
    pub force: bool,
    /// Reporting currency and exchange rates, if configured.
    pub fx: Option<std::sync::Arc<fx::FxTable>>,
}

/// Progress reporting hooks (a progress bar in the CLI).
pub trait Progress: Send + Sync {
    /// The export has `files` files totalling `bytes`.
    fn start(&self, files: usize, bytes: u64);
    /// `rows` more source rows have been read.
    fn rows(&self, rows: u64);
    /// A phase began ("reading", "committing", …).
    fn phase(&self, name: &str);
    /// Whether the run should stop at the next safe point (cancelled, timed out). Checked before
    /// the commit: stopping there leaves the committed data untouched.
    fn should_stop(&self) -> bool {
        false
    }
}

/// Progress that goes nowhere.
#[derive(Debug, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _: usize, _: u64) {}
    fn rows(&self, _: u64) {}
    fn phase(&self, _: &str) {}
}

/// Runs one ingest: discover, map, stage, commit, summarise.
///
/// # Errors
/// Bad input (naming file, row and column where known) or warehouse failures. On error nothing
/// is committed and the previously committed data is untouched.
pub async fn ingest(
    warehouse: &Warehouse,
    request: IngestRequest,
    progress: Arc<dyn Progress>,
) -> Result<IngestSummary> {
    let started = std::time::Instant::now();
    let adapter = request.kind.adapter();
    let export = adapter.discover(&request.path)?;
    if export.files.is_empty() {
        return Err(JobError::BadPath {
            path: request.path.clone(),
            reason: "no data files to ingest".into(),
        });
    }
    progress.start(
        export.files.len(),
        export.files.iter().map(|f| f.bytes).sum(),
    );

    progress.phase("reading");
    tracing::info!(run_id = %request.run_id, phase = "reading", "Ingest phase.");
    let ctx = FileContext {
        run_id: request.run_id.clone(),
        export_context: export.context.clone(),
    };
    let rows_read = Arc::new(AtomicU64::new(0));
    let mut frames = Vec::new();
    let mut headers = Vec::new();
    for file in &export.files {
        let header = file.header()?;
        let lf = adapter.canonical(file, &header, &ctx)?;
        frames.push(count_rows(lf, progress.clone(), rows_read.clone()));
        headers.push(header);
    }
    // hashing, the field-count check and the CSV files' own totals read the raw files on their
    // own thread, while polars reads
    let side_reads = {
        let files = export.files.clone();
        let manifests = export.manifests.clone();
        let kind = request.kind;
        std::thread::spawn(move || side_read(kind, &files, headers, &manifests))
    };
    let mut all = concat(
        frames,
        UnionArgs {
            rechunk: false,
            parallel: true,
            ..Default::default()
        },
    )?;
    if let Some(fx) = &request.fx {
        all = fx.apply(all);
    }
    let keys = [
        adapter.provider_key(),
        col("BillingAccountId"),
        col("BillingPeriodStart").dt().strftime("%Y-%m"),
    ];
    let staging = warehouse.staging(COST_TABLE, &request.run_id, request.fail_point)?;
    let sunk =
        tokio::task::spawn_blocking(move || staging.sink_partitioned(all, keys).map(|()| staging))
            .await
            .map_err(|e| JobError::Polars(PolarsError::ComputeError(e.to_string().into())))?;
    let staging = match sunk {
        Ok(staging) => staging,
        Err(warehouse::WarehouseError::Polars(e)) => {
            let single = (export.files.len() == 1).then(|| export.files[0].display());
            return Err(diagnose(
                e,
                single.as_deref(),
                &export.files,
                adapter.as_ref(),
                &ctx,
            ));
        }
        Err(e) => return Err(e.into()),
    };

    let SideReads {
        sources,
        csv_totals,
    } = side_reads.join().map_err(|_| {
        JobError::Polars(PolarsError::ComputeError("source check panicked".into()))
    })??;

    progress.phase("checking");
    tracing::info!(run_id = %request.run_id, phase = "checking", "Ingest phase.");
    let (staging, report) = {
        let kind = request.kind;
        let files = export.files.clone();
        tokio::task::spawn_blocking(move || -> Result<_> {
            let mut report = quality::evaluate(staging.lazy()?)?;
            let adapter = kind.adapter();
            report.outcomes.extend(reconcile::reconcile(
                adapter.as_ref(),
                &files,
                &csv_totals,
                staging.lazy()?,
            )?);
            Ok((staging, report))
        })
        .await
        .map_err(|e| JobError::Polars(PolarsError::ComputeError(e.to_string().into())))??
    };
    if report.is_blocked() {
        return Err(JobError::QualityGate {
            failures: report.blocking().map(ToString::to_string).collect(),
        });
    }

    if progress.should_stop() {
        return Err(JobError::Cancelled);
    }
    progress.phase("committing");
    tracing::info!(run_id = %request.run_id, phase = "committing", "Ingest phase.");
    let mut properties = export.properties.clone();
    properties.insert("source_kind".into(), adapter.name().into());
    let exported_at = export.production_time();
    let info = CommitInfo {
        sources: sources.clone(),
        properties,
        exported_at,
        force: request.force,
    };
    let record = warehouse.commit(staging, info).await?;

    quality_table::record(warehouse, &request.run_id, &report.outcomes).await?;

    progress.phase("summarising");
    tracing::info!(run_id = %request.run_id, phase = "summarising", "Ingest phase.");
    summary::summarise(warehouse, &record, sources, report, started.elapsed()).await
}

/// What the side thread learnt from the raw files.
struct SideReads {
    /// Every data file and manifest, hashed.
    sources: Vec<warehouse::SourceFile>,
    /// Rows and Σ billed cost of the CSV files whose adapter names their billed columns, by
    /// [`InputFile::display`].
    csv_totals: BTreeMap<String, billed::SourceTotals>,
}

/// Checks every CSV file's records (totalling it on the way where the adapter says how), and
/// hashes every file and manifest.
fn side_read(
    kind: SourceKind,
    files: &[InputFile],
    headers: Vec<Vec<String>>,
    manifests: &[PathBuf],
) -> Result<SideReads> {
    let adapter = kind.adapter();
    let mut out = SideReads {
        sources: Vec::new(),
        csv_totals: BTreeMap::new(),
    };
    for (file, header) in files.iter().zip(headers) {
        let totaliser = adapter
            .billed_columns(&header)
            .and_then(|b| billed::BilledTotaliser::new(file, &header, &b));
        let totals =
            records::check_records(file, header.len(), adapter.short_rows_allowed(), totaliser)?;
        if let Some(totals) = totals {
            out.csv_totals.insert(file.display(), totals);
        }
        out.sources.push(file.describe()?);
    }
    for manifest in manifests {
        out.sources.push(InputFile::inspect(manifest)?.describe()?);
    }
    Ok(out)
}

fn count_rows(lf: LazyFrame, progress: Arc<dyn Progress>, total: Arc<AtomicU64>) -> LazyFrame {
    // An element-wise pass-through on a column every row has: reports batch sizes as they stream.
    lf.with_column(col("x_SourceRow").map(
        move |c| {
            total.fetch_add(c.len() as u64, Ordering::Relaxed);
            progress.rows(c.len() as u64);
            Ok(c)
        },
        |_, f| Ok(f.clone()),
    ))
}

/// Turns a polars failure into an error naming the file: a bad value already carries file, row
/// and column; otherwise each file is read on its own to find the one that fails.
fn diagnose(
    err: PolarsError,
    single: Option<&str>,
    files: &[InputFile],
    adapter: &dyn Adapter,
    ctx: &FileContext,
) -> JobError {
    let structured = from_polars(err, single);
    if single.is_some() || matches!(structured, JobError::BadValue { .. }) {
        return structured;
    }
    for file in files {
        let header = match file.header() {
            Ok(h) => h,
            Err(e) => return e,
        };
        let check = adapter.canonical(file, &header, ctx).and_then(|lf| {
            lf.select([len()])
                .collect_with_engine(Engine::Streaming)
                .map_err(JobError::from)
        });
        if let Err(e) = check {
            return match e {
                JobError::Polars(p) => from_polars(p, Some(&file.display())),
                other => other,
            };
        }
    }
    structured
}

/// A fresh, sortable run id: `YYYYMMDDTHHMMSSZ-<8 hex>`.
pub fn new_run_id(now: chrono::DateTime<chrono::Utc>) -> String {
    let suffix = uuid::Uuid::now_v7().simple().to_string();
    format!(
        "{}-{}",
        now.format("%Y%m%dT%H%M%SZ"),
        &suffix[suffix.len() - 8..]
    )
}
