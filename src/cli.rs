//! Command-line arguments (clap). Validation and planning happen in [`crate::commands`].

use crate::exit::EXIT_CODES_HELP;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const ABOUT: &str = "Cloud cost (FinOps) and carbon (GreenOps) reporting: provider billing exports \
into a Parquet warehouse.";

const EXAMPLES: &str = "\
Examples:
  greenops ingest focus examples/exports/focus/focus1.0_official_sample_1000.csv
  greenops ingest aws-cur examples/exports/aws_cur/koku_cur_bucket_layout/my-prefix/my-report
  greenops --warehouse s3://finops-warehouse/prod ingest aws-cur ./cur/2026-11/
  greenops warehouse ls
  greenops warehouse verify";

/// greenops command line.
#[derive(Debug, Parser)]
#[command(name = "greenops", version, about = ABOUT, after_help = format!("{EXAMPLES}\n\n{EXIT_CODES_HELP}"))]
pub struct Cli {
    /// Warehouse root: a local path, file:///path or s3://bucket/prefix (credentials from AWS_* variables).
    #[arg(
        long,
        global = true,
        env = "GREENOPS_WAREHOUSE",
        default_value = "var/warehouse"
    )]
    pub warehouse: String,

    /// State database (run ledger): sqlite://PATH or postgres://…; keep passwords in GREENOPS_STATE, they are never printed.
    #[arg(
        long,
        global = true,
        env = "GREENOPS_STATE",
        default_value = "sqlite://var/state.db",
        hide_env_values = true
    )]
    pub state: String,

    /// More logging (-v info, -vv debug); GREENOPS_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the main job on embedded defaults: ingest the bundled sample exports into the local
    /// warehouse, list it and verify it.
    #[command(after_help = "Example:\n  greenops demo            # from the repository root")]
    Demo(DemoArgs),
    /// Ingest one export into the warehouse (replacing the partitions it covers).
    #[command(after_help = "\
Examples:
  greenops ingest focus export.csv.gz
  greenops ingest aws-cur ./bucket/prefix/report        # every billing period, by manifest
  greenops ingest aws-cur ./report/20181001-20181101/report-Manifest.json
  greenops ingest aws-cur ./cur_workshop/               # a folder of Parquet files

PATH is a file, a folder, or a report prefix holding CUR manifests; with manifests, only the
files of the latest report version are read. The export's (provider, billing account, billing
period) partitions are replaced whole; re-ingesting the same export changes nothing. An export
older than the committed one (by the provider's export time, else the files' modification time)
is refused unless --force is given.")]
    Ingest(IngestArgs),
    /// Inspect and check the warehouse.
    #[command(subcommand)]
    Warehouse(WarehouseCommand),
    /// Benchmarks (throughput and peak memory, side by side with DuckDB).
    #[command(subcommand)]
    Bench(BenchCommand),
}

/// `greenops demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Folder holding the bundled sample exports.
    #[arg(long, default_value = "examples/exports")]
    pub exports: PathBuf,
}

/// Export formats.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Kind {
    /// FOCUS 1.0–1.3 cost and usage (CSV, CSV.gz, Parquet).
    Focus,
    /// AWS Cost and Usage Report: legacy CSV, Athena/Parquet, CUR 2.0.
    AwsCur,
    /// Azure Cost Management exports: EA, MCA, pay-as-you-go, FocusCost (by manifest or file).
    Azure,
    /// Google Cloud billing export (BigQuery standard/detailed) as CSV, NDJSON or Parquet.
    Gcp,
    /// Oracle Cloud Infrastructure cost reports.
    Oci,
}

impl Kind {
    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Focus => "focus",
            Kind::AwsCur => "aws-cur",
            Kind::Azure => "azure",
            Kind::Gcp => "gcp",
            Kind::Oci => "oci",
        }
    }
}

/// `greenops ingest`.
#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Export format.
    pub kind: Kind,
    /// File, folder, or report prefix with manifests.
    pub path: PathBuf,
    /// Run id, letters, digits, `.`, `_` and `-` (default: a fresh time-ordered id).
    #[arg(long)]
    pub run_id: Option<String>,
    /// Print the summary as JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Replace committed partitions even when this export is older than theirs.
    #[arg(long)]
    pub force: bool,
    /// Reporting currency (ISO 4217) to convert costs into; needs --fx-rates.
    #[arg(long, env = "GREENOPS_REPORTING_CURRENCY", requires = "fx_rates")]
    pub reporting_currency: Option<String>,
    /// Exchange-rate table, CSV `date,from,to,rate` (date-effective; a missing rate is an error).
    #[arg(long, env = "GREENOPS_FX_RATES", requires = "reporting_currency")]
    pub fx_rates: Option<PathBuf>,
}

/// `greenops warehouse …`.
#[derive(Debug, Subcommand)]
pub enum WarehouseCommand {
    /// List tables and partitions with rows and sizes.
    Ls {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Check every committed file against its manifest (size, SHA-256); exit 1 on any mismatch.
    Verify,
    /// Export cost rows as FOCUS 1.2 files (CSV or Parquet) with a metadata document.
    #[command(after_help = "\
Examples:
  greenops warehouse export --focus 1.2 --out exports/
  greenops warehouse export --focus 1.2 --out exports/ --provider aws --from 2026-01 --to 2026-03 --format parquet")]
    Export(ExportArgs),
}

/// `greenops warehouse export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// FOCUS version to write (1.2 is supported).
    #[arg(long, value_name = "VERSION", default_value = "1.2")]
    pub focus: String,
    /// Output folder.
    #[arg(long)]
    pub out: PathBuf,
    /// Only these providers (repeatable).
    #[arg(long)]
    pub provider: Vec<String>,
    /// First billing period, YYYY-MM.
    #[arg(long)]
    pub from: Option<String>,
    /// Last billing period, YYYY-MM.
    #[arg(long)]
    pub to: Option<String>,
    /// File format.
    #[arg(long, value_enum, default_value = "csv")]
    pub format: ExportFormatArg,
}

/// Export file formats.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormatArg {
    /// CSV with a header, empty fields for nulls.
    Csv,
    /// Parquet (zstd).
    Parquet,
}

/// `greenops bench …`.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Generate a synthetic legacy CUR CSV.gz and ingest it with greenops and with DuckDB.
    #[command(after_help = "\
Example:
  greenops bench ingest --rows 5000000 --python .venv/bin/python

Prints rows/s, MB/s and peak RSS for both engines on the same file.")]
    Ingest(BenchIngestArgs),
}

/// `greenops bench ingest`.
#[derive(Debug, Args)]
pub struct BenchIngestArgs {
    /// Rows to generate.
    #[arg(long, default_value_t = 5_000_000)]
    pub rows: u64,
    /// Working folder (the generated file is reused when it already has the right size).
    #[arg(long, default_value = "var/bench")]
    pub dir: PathBuf,
    /// Python with duckdb installed, for the reference run (skipped when absent).
    #[arg(long, default_value = ".venv/bin/python")]
    pub python: PathBuf,
}
