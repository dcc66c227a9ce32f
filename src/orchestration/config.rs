//! `orchestration.yaml`: sources, jobs, schedules and notification recipients, as typed config.
//!
//! Unknown keys are errors (with the line number from the YAML parser); references between
//! entries (a job's source, its `depends_on`) and the DAG are checked in [`super::dag`].

use super::duration::Span;
use super::partition::Partitioning;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The whole file.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OrchestrationConfig {
    /// File format version; `1`.
    pub version: u32,
    /// Where exports come from, by name.
    #[serde(default)]
    pub sources: BTreeMap<String, SourceConfig>,
    /// What runs, by name.
    pub jobs: BTreeMap<String, JobConfig>,
    /// Who hears about failures.
    #[serde(default)]
    pub notifications: Notifications,
    /// Carbon methodology settings (`carbon` jobs; defaults of `greenops carbon`).
    #[serde(default)]
    pub carbon: CarbonSettings,
    /// Series that `forecast` and `anomalies` jobs model, and alert thresholds.
    #[serde(default)]
    pub models: super::model_settings::ModelSettings,
    /// Report templates, budget and recipients.
    #[serde(default)]
    pub reports: super::report_settings::ReportSettings,
}

/// The `carbon` section.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CarbonSettings {
    /// `corrected` (default) or `ccf`.
    #[serde(default)]
    pub mode: CarbonModeName,
    /// Market-based factors CSV (`provider,region,from,to,tco2e_per_kwh,source`); without it
    /// there is no market-based figure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market_factors: Option<PathBuf>,
    /// Year each ESG month is compared with (same month of that year).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_year: Option<i32>,
}

/// Carbon methodology by name.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CarbonModeName {
    /// CCF with its documented defects fixed.
    #[default]
    Corrected,
    /// Cloud Carbon Footprint's arithmetic.
    Ccf,
}

impl CarbonModeName {
    /// The estimation mode.
    pub fn mode(self) -> carbon::usage::Mode {
        match self {
            CarbonModeName::Corrected => carbon::usage::Mode::Corrected,
            CarbonModeName::Ccf => carbon::usage::Mode::Ccf,
        }
    }
}

/// One export location.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SourceConfig {
    /// Export format.
    pub kind: SourceKindName,
    /// Folder, file or report prefix. `{partition}`, `{year}`, `{month}` and `{day}` are replaced
    /// by the run's partition, so a monthly job can read one month's folder.
    pub url: String,
    /// Credentials by *environment variable name* (never the value), e.g.
    /// `AWS_SECRET_ACCESS_KEY: PROD_CUR_SECRET` reads `PROD_CUR_SECRET` and passes it on as
    /// `AWS_SECRET_ACCESS_KEY`.
    #[serde(default)]
    pub credentials: BTreeMap<String, String>,
}

/// Export formats a source can hold (the `greenops ingest` kinds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKindName {
    /// FOCUS 1.0–1.3.
    Focus,
    /// AWS Cost and Usage Report.
    AwsCur,
    /// Azure Cost Management exports.
    Azure,
    /// Google Cloud billing export.
    Gcp,
    /// Oracle Cloud cost reports.
    Oci,
}

/// One job.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct JobConfig {
    /// What the job does.
    #[serde(rename = "type")]
    pub kind: JobKind,
    /// The source an `ingest` job reads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Jobs whose matching partitions must have succeeded first.
    #[serde(default)]
    pub depends_on: Vec<String>,
    /// Daily or monthly partitions.
    pub partitioning: Partitioning,
    /// First partition that exists (bounds catch-up and `backfill --from`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// When the scheduler enqueues it; absent means "only when triggered or as an upstream".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<ScheduleConfig>,
    /// Attempts and backoff.
    #[serde(default)]
    pub retries: RetryConfig,
    /// Longest one attempt may take.
    #[serde(default = "default_timeout")]
    pub timeout: Span,
    /// Most runs of this job at once across all workers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrency: Option<u32>,
    /// `required`: a run waits for `greenops approve RUN_ID` by someone other than its trigger.
    #[serde(default)]
    pub approval: Approval,
    /// Which report a `report` job renders and sends: `daily-digest` (daily partitioning),
    /// `esg-monthly` or `sox-monthly` (monthly); recipients come from `reports.recipients`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<String>,
}

fn default_timeout() -> Span {
    Span::from_secs(2 * 3600)
}

/// Job types: what a job's body does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    /// Billing export → warehouse cost table.
    Ingest,
    /// Cost → energy and emissions.
    Carbon,
    /// Cost forecasts.
    Forecast,
    /// Cost anomaly detection.
    Anomalies,
    /// Rendered report, delivered by email.
    Report,
}

impl JobKind {
    /// The name used in the config.
    pub fn name(self) -> &'static str {
        match self {
            JobKind::Ingest => "ingest",
            JobKind::Carbon => "carbon",
            JobKind::Forecast => "forecast",
            JobKind::Anomalies => "anomalies",
            JobKind::Report => "report",
        }
    }
}

/// A cron schedule in a time zone.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleConfig {
    /// Seconds-first cron (`sec min hour day-of-month month day-of-week [year]`), e.g.
    /// `0 15 3 * * *` for 03:15:00 daily. Day-of-week 1 is Sunday; names (MON) are clearer.
    pub cron: String,
    /// IANA time zone the cron is read in (default UTC, which has no DST surprises).
    #[serde(default = "default_timezone")]
    pub timezone: String,
    /// After downtime, ticks missed within this window are enqueued (catch-up); older ones are
    /// left to `greenops backfill`. `0s` disables catch-up.
    #[serde(default = "default_catch_up")]
    pub catch_up: Span,
    /// Which partition a tick processes: the one holding the day before the tick, minus
    /// `offset` partitions. `0` for a nightly refresh of the current month; `1` for a report
    /// on the 3rd about the month before.
    #[serde(default)]
    pub offset: u32,
}

fn default_timezone() -> String {
    "UTC".into()
}

fn default_catch_up() -> Span {
    Span::from_secs(3 * 86_400)
}

/// Retry policy: attempt `n` failing transiently waits `backoff × 2^(n-1)` (capped, ±20% jitter)
/// before attempt `n+1`, up to `max_attempts` in all. Bad input is never retried.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RetryConfig {
    /// Attempts in all, including the first.
    #[serde(default = "default_attempts")]
    pub max_attempts: u32,
    /// Wait before the second attempt.
    #[serde(default = "default_backoff")]
    pub backoff: Span,
    /// Longest wait between attempts.
    #[serde(default = "default_max_backoff")]
    pub max_backoff: Span,
}

impl Default for RetryConfig {
    fn default() -> Self {
        RetryConfig {
            max_attempts: default_attempts(),
            backoff: default_backoff(),
            max_backoff: default_max_backoff(),
        }
    }
}

fn default_attempts() -> u32 {
    3
}

fn default_backoff() -> Span {
    Span::from_secs(30)
}

fn default_max_backoff() -> Span {
    Span::from_secs(600)
}

/// Whether a run needs a second person's approval before it executes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Approval {
    /// Runs execute when due.
    #[default]
    None,
    /// Runs wait for `greenops approve`.
    Required,
}

/// Notification recipients.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Notifications {
    /// Addresses emailed when a run fails after its last attempt.
    #[serde(default)]
    pub on_failure: Vec<String>,
    /// Sender address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Folder receiving `.eml` files (the embedded default; SMTP comes with reports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outbox: Option<PathBuf>,
}

/// A loaded config with what the ledger records about it.
#[derive(Debug, Clone)]
pub struct LoadedConfig {
    /// Where it was read from.
    pub path: PathBuf,
    /// Parsed content.
    pub config: OrchestrationConfig,
    /// The file's text (for line numbers in later checks).
    pub text: String,
    /// SHA-256 of the file bytes.
    pub file_hash: String,
}

/// Why a config cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file cannot be read.
    #[error("{path}: {source}")]
    Read {
        /// File.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// YAML syntax, a wrong type or an unknown key (the message carries the line).
    #[error("{path}: {message}")]
    Parse {
        /// File.
        path: PathBuf,
        /// Parser message with line and column.
        message: String,
    },
    /// Semantic problems: unknown references, cycles, bad cron expressions.
    #[error("{path}: {} problem(s):\n  - {}", problems.len(), problems.join("\n  - "))]
    Invalid {
        /// File.
        path: PathBuf,
        /// One line per problem.
        problems: Vec<String>,
    },
    /// A job name the command refers to is not in the file.
    #[error("no job named `{job}` in {path} (jobs: {known})")]
    UnknownJob {
        /// File.
        path: PathBuf,
        /// Requested name.
        job: String,
        /// Names that exist.
        known: String,
    },
    /// A partition key that does not match the job's partitioning.
    #[error("`{key}` is not a {partitioning} partition (expected {expected})")]
    BadPartition {
        /// Given key.
        key: String,
        /// `daily` or `monthly`.
        partitioning: &'static str,
        /// Expected shape.
        expected: &'static str,
    },
}

impl LoadedConfig {
    /// What `pick` takes from the config at `path`, or its defaults when there is no file (a
    /// warehouse used without a pipeline); an error when the file exists but does not load.
    ///
    /// # Errors
    /// As [`Self::load`].
    pub fn section_or_default<T: Default>(
        path: &Path,
        pick: impl FnOnce(OrchestrationConfig) -> T,
    ) -> Result<T, ConfigError> {
        if !path.exists() {
            return Ok(T::default());
        }
        Ok(pick(Self::load(path)?.config))
    }

    /// Reads and parses a file; semantic checks are [`super::dag::Dag::build`]'s job.
    ///
    /// # Errors
    /// Unreadable file, YAML errors, wrong types and unknown keys (with line numbers).
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let bytes = std::fs::read(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let config: OrchestrationConfig =
            serde_yaml_ng::from_str(&text).map_err(|e| ConfigError::Parse {
                path: path.to_path_buf(),
                message: e.to_string(),
            })?;
        Ok(LoadedConfig {
            path: path.to_path_buf(),
            config,
            text,
            file_hash: hex::encode(Sha256::digest(&bytes)),
        })
    }

    /// The job called `name`.
    ///
    /// # Errors
    /// [`ConfigError::UnknownJob`].
    pub fn job(&self, name: &str) -> Result<&JobConfig, ConfigError> {
        self.config
            .jobs
            .get(name)
            .ok_or_else(|| ConfigError::UnknownJob {
                path: self.path.clone(),
                job: name.to_string(),
                known: self
                    .config
                    .jobs
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }

    /// Hash of what determines one job's behaviour: its own entry and its source's, so editing
    /// one job does not mark every other job's runs as run under a changed config.
    pub fn job_hash(&self, name: &str) -> String {
        let job = self.config.jobs.get(name);
        let source = job
            .and_then(|j| j.source.as_ref())
            .and_then(|s| self.config.sources.get(s));
        let canonical = serde_json::json!({ "job": job, "source": source });
        hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
    }

    /// 1-based line of the first line at or after `after_line` whose text contains `needle` as a
    /// YAML key or value; used to point semantic errors at the file.
    pub fn line_of(&self, needle: &str, after_line: usize) -> Option<usize> {
        self.text
            .lines()
            .enumerate()
            .skip(after_line.saturating_sub(1))
            .find(|(_, line)| {
                let code = line.split('#').next().unwrap_or("");
                code.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
                    .any(|word| word == needle)
            })
            .map(|(i, _)| i + 1)
    }

    /// Line where job `name`'s entry starts.
    pub fn job_line(&self, name: &str) -> Option<usize> {
        let jobs = self.line_of("jobs", 1)?;
        self.line_of(name, jobs)
    }
}
