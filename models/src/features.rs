//! Design matrices for the forecasting regression, with no I/O.
//!
//! [`cadence`] derives the spacing of a series (daily, weekly, other) from its timestamps;
//! [`FeatureConfig`] says which features to use and [`FeatureSpec`] resolves it for one series
//! (dropping features its history cannot support); [`calendar`] computes the deterministic
//! columns (trend, day of week, Fourier terms, month-start/-end flags) for any timestamp, so future
//! rows are known in advance; [`lags`] computes the data-dependent columns at a time `t` from values
//! before `t` only; [`design`] assembles the training matrix.
//!
//! The regression of [`crate::forecast`] is fitted on **first differences** (a regression with
//! random-walk errors): the target is `Δy_t = y_t − y_{t−1}` and every deterministic column is the
//! first difference of its level-space feature, so the linear trend becomes a constant drift
//! column and a month-start dummy becomes `+1` on the 1st and `−1` on the 2nd. Shrinking every
//! coefficient to zero gives the naive forecast, the strong baseline on daily and weekly data.

pub mod cadence;
pub mod calendar;
pub mod config;
pub mod design;
pub mod lags;

pub use cadence::{Cadence, Spacing};
pub use config::{FeatureConfig, FeatureSpec};
pub use design::Design;
