//! Errors of the anomaly module.

use thiserror::Error;

/// What can go wrong when scoring, attributing or evaluating anomalies.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum AnomalyError {
    /// Two inputs that must have one entry per point have different lengths.
    #[error("length mismatch: {what} has {got} entries, the series has {expected}")]
    LengthMismatch {
        /// Which input is wrong.
        what: &'static str,
        /// Entries expected (the series length).
        expected: usize,
        /// Entries supplied.
        got: usize,
    },
    /// A configuration value is out of range.
    #[error("invalid anomaly configuration: {0}")]
    InvalidConfig(String),
    /// Labelled-window text (NAB `combined_windows.json` format) could not be parsed.
    #[error("cannot parse labelled windows at byte {offset}: {message}")]
    Parse {
        /// Byte offset of the problem.
        offset: usize,
        /// What was expected.
        message: String,
    },
}
