//! Forecasting of daily (or weekly) series with 80 % and 95 % prediction intervals, with no I/O.
//!
//! [`forecast()`] fits an ElasticNet (linfa) on first differences of the design of
//! [`crate::features`] (trend → drift, day-of-week, Fourier, month flags, lags), picks the penalty
//! and L1 ratio by inner rolling validation ([`select`]), forecasts recursively ([`path`]) and
//! takes its intervals from the validation errors ([`intervals`]). Short histories fall back to
//! the seasonal naive of [`baseline`], with the reason in [`Forecast::fallback`].
//! [`month_end`] projects a month's total from actual-to-date plus the forecast of the remaining
//! days.

pub mod baseline;
pub mod config;
pub mod error;
pub mod intervals;
pub mod model;
pub mod month_end;
pub mod path;
pub mod regression;
pub mod result;
pub mod select;
pub mod transform;
pub mod validate;

pub use baseline::{naive, naive_point, seasonal_naive, seasonal_naive_point};
pub use config::ForecastConfig;
pub use error::ForecastError;
pub use model::forecast;
pub use month_end::{MonthEndProjection, project_month_end, project_months};
pub use result::{Forecast, ModelArtifact, ValidationSummary};
pub use transform::Transform;
