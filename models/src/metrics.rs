//! Forecast accuracy metrics (M4 definitions where one exists), with no I/O.
//!
//! Point metrics ([`point`]): sMAPE, MASE (with its seasonal-naive scale), WAPE, bias, MAE.
//! Interval metrics ([`interval`]): empirical coverage and MSIS. Every function takes plain slices
//! so that callers can score any forecaster; the baselines themselves live in
//! [`crate::forecast::baseline`].

pub mod interval;
pub mod point;

pub use interval::{coverage, msis};
pub use point::{bias, mae, mase, mase_scale, smape, wape};
