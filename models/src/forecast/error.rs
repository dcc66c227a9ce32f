//! Errors of the forecasting module.

use thiserror::Error;

/// What can go wrong when fitting a forecaster, forecasting or backtesting.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum ForecastError {
    /// The series has no observations.
    #[error("the series is empty")]
    EmptySeries,
    /// Timestamps and values have different lengths.
    #[error("the series has {timestamps} timestamps but {values} values")]
    LengthMismatch {
        /// Number of timestamps.
        timestamps: usize,
        /// Number of values.
        values: usize,
    },
    /// A value is NaN or infinite.
    #[error("value {index} of the series is not finite")]
    NonFinite {
        /// Position of the first bad value.
        index: usize,
    },
    /// Timestamps are not strictly ascending.
    #[error("timestamps are not strictly ascending at position {index}")]
    Unordered {
        /// Position of the first timestamp not after its predecessor.
        index: usize,
    },
    /// A configuration value or argument is out of range.
    #[error("invalid forecasting input: {0}")]
    Invalid(String),
    /// The regression solver failed.
    #[error("regression fit failed: {0}")]
    Fit(String),
}

/// The error for future timestamps beyond chrono's date range.
pub(crate) fn out_of_range() -> ForecastError {
    ForecastError::Invalid("forecast timestamps overflow the supported date range".to_string())
}
