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
  greenops warehouse verify
  greenops validate
  greenops run ingest_aws --partition 2026-10
  greenops backfill ingest_aws --from 2026-01 --to 2026-10 --concurrency 2
  greenops runs --status failed
  greenops audit verify";

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

    /// Pipeline definition (sources, jobs, schedules, recipients).
    #[arg(
        long,
        global = true,
        env = "GREENOPS_CONFIG",
        default_value = "orchestration.yaml"
    )]
    pub config: PathBuf,

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
    /// warehouse, list and verify it, estimate carbon, run the pipeline's ingest jobs through the
    /// run ledger, forecast, detect anomalies, and write the daily digest, ESG and SOX reports
    /// to the outbox.
    #[command(
        after_help = "Examples:\n  greenops demo                  # from the repository root\n  greenops demo --dir /tmp/demo  # everything under one folder"
    )]
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
    /// Benchmarks (throughput and peak memory, side by side with DuckDB and polars).
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Energy and emissions from the cost table (Cloud Carbon Footprint methodology).
    #[command(subcommand)]
    Carbon(CarbonCommand),
    /// Forecasting and anomaly detection on any `timestamp,value` CSV.
    #[command(subcommand)]
    Models(ModelsCommand),
    /// Render the daily digest, ESG and SOX reports from the warehouse.
    #[command(subcommand)]
    Report(ReportCommand),
    /// Check orchestration.yaml without touching anything; print the DAG and next due times.
    #[command(after_help = "\
Examples:
  greenops validate
  greenops validate deploy/prod-orchestration.yaml

Checks: YAML syntax and unknown keys (with line numbers), unknown sources and jobs, dependency
cycles, cron syntax and time zones, partition keys, recipients. Exit 4 when anything is wrong.")]
    Validate(ValidateArgs),
    /// Run one job for one partition now, in this process (records the run in the ledger).
    #[command(after_help = "\
Examples:
  greenops run ingest_aws --partition 2026-10
  greenops run esg_report --partition 2026-10 --with-upstream
  greenops run ingest_aws --dry-run
  greenops run ingest_aws --partition 2026-10 --queue     # hand it to `greenops worker`s instead

Without --partition the job's latest due partition is used. Failed attempts are retried with the
job's backoff. Exit 7 when a run ends failed, skipped or cancelled.")]
    Run(RunArgs),
    /// Run a job over a range of partitions, recorded as a backfill (listable, cancellable, resumable).
    #[command(
        args_conflicts_with_subcommands = true,
        subcommand_negates_reqs = true,
        after_help = "\
Examples:
  greenops backfill ingest_aws --from 2025-01 --to 2025-12 --dry-run
  greenops backfill ingest_aws --from 2025-01 --to 2025-12 --only failed --concurrency 3
  greenops backfill ingest_aws --from 2025-01 --to 2025-12 --queue   # for workers
  greenops backfill list
  greenops backfill cancel 0193c2a4
  greenops backfill resume 0193c2a4

--only missing runs partitions that never ran; failed adds failed, skipped and cancelled ones;
all re-runs everything. Cancelling stops queued runs at once and running ones at their next safe
point (before committing); committed partitions stay. Resume re-plans the failed and missing."
    )]
    Backfill(BackfillArgs),
    /// Run history: attempts with status, trigger, times, checksums and errors.
    #[command(
        args_conflicts_with_subcommands = true,
        after_help = "\
Examples:
  greenops runs
  greenops runs --job ingest_aws --status failed --since 2026-11-01
  greenops runs show 0193c2a4-7b1e"
    )]
    Runs(RunsArgs),
    /// Approve a run that needs a second person (jobs with `approval: required`).
    #[command(
        after_help = "Example:\n  GREENOPS_ACTOR=controller@corp greenops approve 0193c2a4-7b1e"
    )]
    Approve(ApproveArgs),
    /// The audit log: verify its hash chain, or list recent events.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Long-running: enqueue scheduled runs when their cron ticks (and catch up after downtime).
    #[command(after_help = "\
Examples:
  greenops scheduler                                  # until Ctrl-C
  greenops scheduler --once                           # one catch-up pass, then exit (cron-driven)
  greenops --state postgres://greenops@db/greenops scheduler

Several schedulers may run: each tick is enqueued once. Missed ticks inside a job's
schedule.catch_up window are enqueued on start; older ones are reported for a backfill.")]
    Scheduler(SchedulerArgs),
    /// Long-running: execute queued runs (many workers on many machines share a PostgreSQL queue).
    #[command(after_help = "\
Examples:
  greenops worker --concurrency 2
  greenops worker --exit-when-idle                    # drain the queue, then exit
  greenops --state postgres://greenops@db/greenops worker

A run starts once its upstream partitions succeeded; a failed upstream marks it skipped. Runs of
a worker that stops heartbeating are failed and retried by the others.")]
    Worker(WorkerArgs),
}

/// `greenops carbon …`.
#[derive(Debug, Subcommand)]
pub enum CarbonCommand {
    /// Estimate kWh and t CO2e per day, account, service, region and usage kind into the
    /// `carbon` table (replacing the billing months it covers).
    #[command(after_help = "\
Examples:
  greenops carbon estimate
  greenops carbon estimate --mode ccf --from 2026-01 --to 2026-03

`corrected` (the default) fixes the CCF defects named in docs/carbon-methodology.md; `ccf`
reproduces CCF's arithmetic for reconciling with its users. Prints the share of usage cost
classified per provider.")]
    Estimate(CarbonEstimateArgs),
    /// Build the monthly ESG dataset (`esg_monthly`) from the carbon and cost tables.
    #[command(after_help = "\
Examples:
  greenops carbon esg
  greenops carbon esg --from 2026-01 --to 2026-12 --base-year 2024

Per month: scope 2 location-based, scope 2 market-based (only where market factors exist;
never invented), scope 3 embodied, energy, spend, t CO2e per 1000 of spend, month-over-month,
year-over-year and base-year changes.")]
    Esg(CarbonEsgArgs),
}

/// `greenops carbon esg`.
#[derive(Debug, Args)]
pub struct CarbonEsgArgs {
    /// First billing period, YYYY-MM.
    #[arg(long)]
    pub from: Option<String>,
    /// Last billing period, YYYY-MM.
    #[arg(long)]
    pub to: Option<String>,
    /// Year to compare each month with (same month of that year) [default: the config's
    /// carbon.base_year].
    #[arg(long)]
    pub base_year: Option<i32>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Carbon methodology.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CarbonMode {
    /// Cloud Carbon Footprint's arithmetic as coded.
    Ccf,
    /// CCF with its documented defects fixed.
    Corrected,
}

/// `greenops carbon estimate`.
#[derive(Debug, Args)]
pub struct CarbonEstimateArgs {
    /// Methodology [default: the config's carbon.mode, else corrected].
    #[arg(long, value_enum)]
    pub mode: Option<CarbonMode>,
    /// First billing period, YYYY-MM.
    #[arg(long)]
    pub from: Option<String>,
    /// Last billing period, YYYY-MM.
    #[arg(long)]
    pub to: Option<String>,
    /// Market-based factors CSV `provider,region,from,to,tco2e_per_kwh,source` (contracts,
    /// certificates, provider figures) [default: the config's carbon.market_factors]; without
    /// it there is no market-based figure.
    #[arg(long, env = "GREENOPS_MARKET_FACTORS")]
    pub market_factors: Option<PathBuf>,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `greenops validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// File to check (default: --config).
    pub file: Option<PathBuf>,
}

/// `greenops run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Job name from orchestration.yaml.
    pub job: String,
    /// Partition key (YYYY-MM-DD daily, YYYY-MM monthly).
    #[arg(long)]
    pub partition: Option<String>,
    /// Also run the upstream jobs' partitions it reads (in dependency order).
    #[arg(long)]
    pub with_upstream: bool,
    /// Print what would run; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Enqueue for workers instead of running here.
    #[arg(long)]
    pub queue: bool,
    /// Report jobs: send the report again although this partition was already sent.
    #[arg(long)]
    pub resend: bool,
}

/// Which partitions a backfill (re)runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnlyMode {
    /// Partitions with no run yet.
    Missing,
    /// Missing plus failed, skipped and cancelled.
    Failed,
    /// Every partition, succeeded ones too.
    All,
}

/// Backfill order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OrderMode {
    /// Oldest partition first.
    Oldest,
    /// Newest partition first.
    Newest,
}

/// `greenops backfill`.
#[derive(Debug, Args)]
pub struct BackfillArgs {
    /// list, cancel or resume an existing backfill.
    #[command(subcommand)]
    pub action: Option<BackfillAction>,
    /// Job name.
    #[arg(required = true)]
    pub job: Option<String>,
    /// First partition.
    #[arg(long, required = true)]
    pub from: Option<String>,
    /// Last partition (included).
    #[arg(long, required = true)]
    pub to: Option<String>,
    /// Most partitions running at once.
    #[arg(long, default_value_t = 1)]
    pub concurrency: u32,
    /// Which partitions to run.
    #[arg(long, value_enum, default_value = "missing")]
    pub only: OnlyMode,
    /// Which end of the range goes first.
    #[arg(long, value_enum, default_value = "oldest")]
    pub order: OrderMode,
    /// Print the plan; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Enqueue for workers instead of running here.
    #[arg(long)]
    pub queue: bool,
}

/// `greenops backfill list|cancel|resume`.
#[derive(Debug, Subcommand)]
pub enum BackfillAction {
    /// List backfills with their progress.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Cancel: queued runs are cancelled, running ones stop at their next safe point.
    Cancel {
        /// Backfill id (or a unique prefix).
        id: String,
    },
    /// Resume: re-plan its failed, cancelled and missing partitions.
    Resume {
        /// Backfill id (or a unique prefix).
        id: String,
        /// Enqueue for workers instead of running here.
        #[arg(long)]
        queue: bool,
    },
}

/// `greenops runs`.
#[derive(Debug, Args)]
pub struct RunsArgs {
    /// `show ID`.
    #[command(subcommand)]
    pub action: Option<RunsAction>,
    /// Only this job.
    #[arg(long)]
    pub job: Option<String>,
    /// Only this status.
    #[arg(long, value_enum)]
    pub status: Option<crate::orchestration::state::runs::RunStatus>,
    /// Only runs queued on or after this date (YYYY-MM-DD) or time (RFC 3339).
    #[arg(long)]
    pub since: Option<String>,
    /// Only runs of this backfill.
    #[arg(long)]
    pub backfill: Option<String>,
    /// Most rows.
    #[arg(long, default_value_t = 50)]
    pub limit: i64,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `greenops runs show`.
#[derive(Debug, Subcommand)]
pub enum RunsAction {
    /// One run in full.
    Show {
        /// Run id (or a unique prefix of 8+ characters).
        id: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// `greenops approve`.
#[derive(Debug, Args)]
pub struct ApproveArgs {
    /// Run id (or a unique prefix).
    pub run_id: String,
    /// Also execute it here after approving (instead of leaving it to a worker).
    #[arg(long)]
    pub run: bool,
}

/// `greenops audit …`.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the hash chain; exit 1 naming the first broken link.
    Verify,
    /// Recent events, oldest first.
    Log {
        /// Most events.
        #[arg(long, default_value_t = 50)]
        limit: i64,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// `greenops scheduler`.
#[derive(Debug, Args)]
pub struct SchedulerArgs {
    /// One pass (enqueue what is due, catch up), then exit.
    #[arg(long)]
    pub once: bool,
    /// Pretend the current time is this (RFC 3339), to replay a window or rehearse downtime; with --once.
    #[arg(long, requires = "once")]
    pub now: Option<String>,
}

/// `greenops worker`.
#[derive(Debug, Args)]
pub struct WorkerArgs {
    /// Runs executed at once by this worker.
    #[arg(long, default_value_t = 1)]
    pub concurrency: usize,
    /// Exit when no run is queued or running (queued runs awaiting approval don't count).
    #[arg(long)]
    pub exit_when_idle: bool,
    /// Seconds without a heartbeat after which a running run is presumed lost and retried.
    #[arg(long, default_value_t = 60)]
    pub lease_secs: u64,
}

/// `greenops demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Put everything under DIR: DIR/warehouse, DIR/state.db, DIR/outbox, DIR/reports
    /// (default: the global --warehouse and --state, and var/outbox, var/reports).
    #[arg(long)]
    pub dir: Option<PathBuf>,
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
    /// Generate a synthetic billing export (legacy AWS CUR as CSV.gz or Parquet, Azure EA cost
    /// details, or FOCUS Parquet) and ingest it with greenops, with DuckDB doing the same
    /// normalisation, and with polars doing a plain conversion to Parquet.
    #[command(after_help = "\
Examples:
  greenops bench ingest --rows 5000000 --python .venv/bin/python
  greenops bench ingest --format cur-csv --rows 1000000       # legacy CUR CSV.gz, aws-cur
  greenops bench ingest --format cur-parquet --rows 1000000   # Athena-style CUR Parquet, aws-cur
  greenops bench ingest --format azure-csv --rows 1000000     # Azure EA actual cost CSV.gz, azure
  greenops bench ingest --format focus-parquet --rows 1000000 # FOCUS 1.2 Parquet, focus

The input is written once to DIR (cur-synthetic-N.csv.gz, cur-athena-synthetic-N.parquet,
azure-ea-synthetic-N.csv.gz, focus-synthetic-N.parquet, each with a .json sidecar of its sizes)
and reused by later runs; the same rows always give the same bytes.
Each engine runs as a child process: greenops (`greenops ingest ADAPTER FILE`), DuckDB
(bench/duckdb_ingest.py: the same projection onto the canonical columns, partitioned Parquet)
and polars (bench/polars_convert.py: raw conversion to Parquet, no normalisation, the
practical limit). A reference whose Python module is missing from --python is skipped with
a note (pip install -r bench/requirements.txt). Prints wall time, rows/s, MB/s and peak RSS
per engine, and greenops' time and memory relative to each reference.")]
    Ingest(BenchIngestArgs),
    /// Carbon estimation over a synthetic cost table (the generated CUR, ingested once), timed
    /// against DuckDB doing the same scan and grouping.
    #[command(after_help = "\
Example:
  greenops bench carbon --rows 10000000 --python .venv/bin/python

Prints cost rows/s and peak RSS of `greenops carbon estimate` and of the DuckDB reference.")]
    Carbon(BenchCarbonArgs),
    /// The incremental nightly run (one new day) on a warehouse holding twelve months: ingest of
    /// the month-to-date export, carbon, forecast, anomalies and the daily digest, each timed.
    #[command(after_help = "\
Example:
  greenops bench nightly --rows-per-day 20000

The history (twelve months of synthetic FOCUS CSV exports, ingested, carbon estimated) is
prepared once under DIR/nightly-<rows per day>/ and reused. Each step runs as its own greenops
process with the benchmark's warehouse, state database and pipeline; the table shows wall time
and peak RSS per step and in all.")]
    Nightly(BenchNightlyArgs),
    /// Write (or reuse) the input of `bench ingest` and exit. `bench ingest` runs this in a child
    /// process, so the generator's memory never counts in the engines' peak RSS (a child inherits
    /// its parent's high-water mark on Linux).
    #[command(hide = true)]
    Generate(BenchIngestArgs),
}

/// The synthetic input of `greenops bench ingest`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BenchFormat {
    /// Legacy AWS CUR, `category/Column` names, CSV.gz (`greenops ingest aws-cur`).
    CurCsv,
    /// The same CUR as Athena-style legacy Parquet: snake_case names, costs as doubles, period
    /// dates as timestamps (`greenops ingest aws-cur`).
    CurParquet,
    /// Azure EA cost details, actual cost, as Cost Management writes them (gzip-compressed CSV,
    /// `greenops ingest azure`).
    AzureCsv,
    /// FOCUS 1.2 Parquet as AWS Data Exports writes it, built from the synthetic CUR rows
    /// (`greenops ingest focus`).
    FocusParquet,
}

/// `greenops bench ingest`.
#[derive(Debug, Args)]
pub struct BenchIngestArgs {
    /// Rows to generate.
    #[arg(long, default_value_t = 5_000_000)]
    pub rows: u64,
    /// Input format.
    #[arg(long, value_enum, default_value_t = BenchFormat::CurCsv)]
    pub format: BenchFormat,
    /// Working folder (the generated file is reused when it already has the right size).
    #[arg(long, default_value = "var/bench")]
    pub dir: PathBuf,
    /// Python with duckdb and polars installed, for the reference runs (each is skipped when its
    /// module is missing).
    #[arg(long, default_value = ".venv/bin/python")]
    pub python: PathBuf,
}

/// `greenops bench nightly`.
#[derive(Debug, Args)]
pub struct BenchNightlyArgs {
    /// Cost rows per day in every export.
    #[arg(long, default_value_t = 20_000)]
    pub rows_per_day: u64,
    /// Working folder (the prepared history is reused).
    #[arg(long, default_value = "var/bench")]
    pub dir: PathBuf,
}

/// `greenops bench carbon`.
#[derive(Debug, Args)]
pub struct BenchCarbonArgs {
    /// Cost rows (the synthetic legacy CUR of `bench ingest`).
    #[arg(long, default_value_t = 5_000_000)]
    pub rows: u64,
    /// Working folder (the generated file and cost table are reused).
    #[arg(long, default_value = "var/bench")]
    pub dir: PathBuf,
    /// Python with duckdb installed, for the reference run (skipped when absent).
    #[arg(long, default_value = ".venv/bin/python")]
    pub python: PathBuf,
}

/// `greenops report …`.
#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Render a report into a folder without sending it: report.html (email body, charts as
    /// cid: images), report.txt, preview.html (open in a browser), CSV attachments, PNG charts.
    #[command(after_help = "\
Examples:
  greenops report render daily-digest --partition 2024-04-10 --out out/digest
  greenops report render esg-monthly --partition 2024-03 --out out/esg
  greenops report render sox-monthly --partition 2024-03 --out out/sox --templates my-templates/

Reports: daily-digest (partition YYYY-MM-DD), esg-monthly and sox-monthly (YYYY-MM).
Rendering the same partition of the same warehouse twice gives byte-identical files: the
data-as-of time comes from --as-of (default: the partition's end), never from the clock.
Templates: templates/ of the repository is compiled in; --templates (or `reports.templates`
in orchestration.yaml) points at a folder with the same six files to override them.")]
    Render(ReportRenderArgs),
}

fn parse_report(s: &str) -> Result<reports::ReportKind, String> {
    s.parse()
}

/// `greenops report render`.
#[derive(Debug, Args)]
pub struct ReportRenderArgs {
    /// daily-digest, esg-monthly or sox-monthly.
    #[arg(value_parser = parse_report)]
    pub report: reports::ReportKind,
    /// Day (daily-digest) or billing month (monthly reports).
    #[arg(long)]
    pub partition: String,
    /// Output folder (created).
    #[arg(long)]
    pub out: PathBuf,
    /// Template folder overriding the built-in templates.
    #[arg(long)]
    pub templates: Option<PathBuf>,
    /// Monthly budget for the digest (default: `reports.budget` in orchestration.yaml).
    #[arg(long)]
    pub budget: Option<f64>,
    /// Data-as-of timestamp shown in the report (RFC 3339; default: the end of the partition).
    #[arg(long)]
    pub as_of: Option<String>,
}

/// `greenops models …`.
#[derive(Debug, Subcommand)]
pub enum ModelsCommand {
    /// Forecast N steps with 80 % and 95 % prediction intervals.
    #[command(after_help = "\
Examples:
  greenops models forecast --input daily_cost.csv --horizon 14 --out forecast.csv

The input is a CSV with a header and two columns, timestamp (YYYY-MM-DD or
YYYY-MM-DD HH:MM:SS, UTC) and value, ascending in time. The output has the columns
timestamp,forecast,lo80,hi80,lo95,hi95. Short histories fall back to the seasonal naive, and
the command says why.")]
    Forecast(ModelsForecastArgs),
    /// Score every point and flag anomalies (spikes, drops, level shifts, new-service ramps).
    #[command(after_help = "\
Examples:
  greenops models detect --input daily_cost.csv --out scored.csv

The output has the columns timestamp,value,score,is_anomaly (score 1 = the threshold). Each
anomaly is listed with its type and its impact against what was expected.")]
    Detect(ModelsDetectArgs),
    /// Backtest the forecaster (rolling origin, no peeking) against naive baselines, and score
    /// the detector against labelled anomaly windows.
    #[command(after_help = "\
Examples:
  greenops models evaluate --input daily_cost.csv --horizon 14 --origins 6
  greenops models evaluate --input ec2_cpu_utilization_24ae8d.csv \\
      --labels combined_windows.json --key realAWSCloudwatch/ec2_cpu_utilization_24ae8d.csv

Reports MASE, sMAPE, WAPE, bias and 80/95 % interval coverage of the model, the naive and the
seasonal naive; with --labels (NAB's combined_windows.json layout), window precision, recall,
F1 and mean detection delay of the detector and of a fixed 3-sigma threshold.")]
    Evaluate(ModelsEvaluateArgs),
}

/// `greenops models forecast`.
#[derive(Debug, Args)]
pub struct ModelsForecastArgs {
    /// `timestamp,value` CSV.
    #[arg(long)]
    pub input: PathBuf,
    /// Steps to forecast.
    #[arg(long)]
    pub horizon: usize,
    /// Output CSV.
    #[arg(long)]
    pub out: PathBuf,
}

/// `greenops models detect`.
#[derive(Debug, Args)]
pub struct ModelsDetectArgs {
    /// `timestamp,value` CSV.
    #[arg(long)]
    pub input: PathBuf,
    /// Output CSV.
    #[arg(long)]
    pub out: PathBuf,
}

/// `greenops models evaluate`.
#[derive(Debug, Args)]
pub struct ModelsEvaluateArgs {
    /// `timestamp,value` CSV.
    #[arg(long)]
    pub input: PathBuf,
    /// Steps forecast from each origin.
    #[arg(long, default_value_t = 14)]
    pub horizon: usize,
    /// Number of forecast origins (the last ends at the last observation).
    #[arg(long, default_value_t = 6)]
    pub origins: usize,
    /// Steps between origins [default: the horizon].
    #[arg(long)]
    pub step: Option<usize>,
    /// Seasonal period of the seasonal naive and of MASE's scale [default: 7 for daily data,
    /// else 1].
    #[arg(long)]
    pub season: Option<usize>,
    /// Labelled anomaly windows (NAB combined_windows.json layout).
    #[arg(long)]
    pub labels: Option<PathBuf>,
    /// The series' key in --labels [default: the input's file name].
    #[arg(long, requires = "labels")]
    pub key: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}
