//! Forecasting and anomaly detection on time series (cost, kWh, t CO2e), with no I/O: callers
//! (the `jobs` crate, the `greenops models` command) read series and write results.

pub mod anomaly;
pub mod backtest;
pub mod features;
pub mod forecast;
pub mod metrics;
pub mod series;
