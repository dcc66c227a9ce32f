//! Rolling-origin evaluation of a forecaster against the naive and seasonal-naive baselines,
//! with no I/O.
//!
//! Origins are spaced [`BacktestConfig::step`] apart and end so that the last window finishes at
//! the end of the series (expanding window). At each origin every method sees only the values
//! before it; its `h`-step forecast is scored against the next `h` actuals.

pub mod config;
pub mod rolling;
pub mod scores;

pub use config::BacktestConfig;
pub use rolling::{OriginResult, backtest, rolling_origin};
pub use scores::{BacktestReport, MethodScores};
