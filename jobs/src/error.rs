//! Errors of job kinds.

use std::path::PathBuf;
use warehouse::{Blame, WarehouseError};

/// Errors raised by greenops jobs.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JobError {
    /// A value in an input file is malformed.
    #[error("{file}: row {row}, column {column}: {reason}")]
    BadValue {
        /// The input file.
        file: String,
        /// Data row, 1 = the first row after the header.
        row: u64,
        /// Column as named in the file.
        column: String,
        /// What is wrong.
        reason: String,
    },
    /// An input file as a whole cannot be used.
    #[error("{file}: {reason}")]
    BadFile {
        /// The input file.
        file: String,
        /// What is wrong.
        reason: String,
    },
    /// The path given to a job does not exist or holds nothing to ingest.
    #[error("{path}: {reason}")]
    BadPath {
        /// The path given.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// No exchange rate for a row's currency and date in the configured table.
    #[error("{file}: row {row}: {reason}")]
    MissingRate {
        /// The input file.
        file: String,
        /// Data row.
        row: u64,
        /// Which pair and date.
        reason: String,
    },
    /// Blocking data-quality checks failed; nothing was committed.
    #[error("data-quality checks failed, nothing was committed:\n  - {}", failures.join("\n  - "))]
    QualityGate {
        /// One line per failed check.
        failures: Vec<String>,
    },
    /// The warehouse failed.
    #[error(transparent)]
    Warehouse(#[from] WarehouseError),
    /// polars failed outside of a specific value.
    #[error("polars: {0}")]
    Polars(#[from] polars::error::PolarsError),
    /// The run was cancelled (or timed out) and stopped at a safe point before committing.
    #[error("stopped before committing: the run was cancelled or timed out")]
    Cancelled,
    /// Writing or sending a message failed; nothing was sent unless the server accepted it.
    #[error("delivery failed{}: {reason}", if *transient { " (transient, a retry may succeed)" } else { "" })]
    Delivery {
        /// What failed: names the bad address, or the server (`host:port`) and attempts made;
        /// never a credential.
        reason: String,
        /// Whether a later retry may succeed (unreachable server, timeout, 4xx reply).
        transient: bool,
    },
    /// File system failure.
    #[error("I/O error on {path}: {source}")]
    Io {
        /// The path involved.
        path: String,
        /// Underlying error.
        source: std::io::Error,
    },
}

impl JobError {
    /// Who has to act on this error.
    pub fn blame(&self) -> Blame {
        match self {
            JobError::BadValue { .. } | JobError::BadFile { .. } | JobError::QualityGate { .. } => {
                Blame::InputData
            }
            JobError::BadPath { .. }
            | JobError::MissingRate { .. }
            | JobError::Delivery {
                transient: false, ..
            } => Blame::Config,
            JobError::Warehouse(e) => e.blame(),
            JobError::Polars(_) => Blame::Internal,
            JobError::Io { .. }
            | JobError::Delivery {
                transient: true, ..
            }
            | JobError::Cancelled => Blame::External,
        }
    }

    pub(crate) fn io(path: impl std::fmt::Display, source: std::io::Error) -> Self {
        JobError::Io {
            path: path.to_string(),
            source,
        }
    }
}

/// Result alias for jobs.
pub type Result<T, E = JobError> = std::result::Result<T, E>;

/// Prefix polars errors raised by greenops' own parsing functions carry, so that the structured
/// error can be recovered from polars' error chain.
pub(crate) const BAD_VALUE_MARKER: &str = "greenops-bad-value\u{1f}";

/// Encodes a [`JobError::BadValue`] into a polars error message (UDFs can only return polars errors).
pub(crate) fn bad_value_polars(
    file: &str,
    row: u64,
    column: &str,
    reason: &str,
) -> polars::error::PolarsError {
    polars::error::PolarsError::ComputeError(
        format!("{BAD_VALUE_MARKER}{file}\u{1f}{row}\u{1f}{column}\u{1f}{reason}").into(),
    )
}

/// Prefix of a missing exchange rate raised inside polars.
pub(crate) const MISSING_RATE_MARKER: &str = "greenops-missing-rate\u{1f}";

/// Encodes a [`JobError::MissingRate`] into a polars error message.
pub(crate) fn missing_rate_polars(
    file: &str,
    row: u64,
    reason: &str,
) -> polars::error::PolarsError {
    polars::error::PolarsError::ComputeError(
        format!("{MISSING_RATE_MARKER}{file}\u{1f}{row}\u{1f}{reason}").into(),
    )
}

/// Turns a polars error back into the structured error it carries, if any.
pub(crate) fn from_polars(err: polars::error::PolarsError, file_hint: Option<&str>) -> JobError {
    let text = err.to_string();
    if let Some(pos) = text.find(MISSING_RATE_MARKER) {
        let mut parts = text[pos + MISSING_RATE_MARKER.len()..].splitn(3, '\u{1f}');
        if let (Some(file), Some(row), Some(reason)) = (parts.next(), parts.next(), parts.next()) {
            return JobError::MissingRate {
                file: file.to_string(),
                row: row.parse().unwrap_or(0),
                reason: reason.lines().next().unwrap_or(reason).to_string(),
            };
        }
    }
    if let Some(pos) = text.find(BAD_VALUE_MARKER) {
        let rest = &text[pos + BAD_VALUE_MARKER.len()..];
        let mut parts = rest.splitn(4, '\u{1f}');
        if let (Some(file), Some(row), Some(column), Some(reason)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        {
            return JobError::BadValue {
                file: file.to_string(),
                row: row.parse().unwrap_or(0),
                column: column.to_string(),
                reason: reason.lines().next().unwrap_or(reason).to_string(),
            };
        }
    }
    match file_hint {
        Some(file) => JobError::BadFile {
            file: file.to_string(),
            reason: first_line(&text),
        },
        None => JobError::Polars(err),
    }
}

fn first_line(s: &str) -> String {
    s.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(s)
        .trim()
        .to_string()
}
