//! Integration tests of the models crate (one binary).
mod anomaly_cost;
mod anomaly_synth;
mod anomaly_units;
mod backtest_cur;
mod forecast_fixtures;
mod forecast_m4;
mod forecast_unit;
mod metrics_m4_naive;
mod metrics_unit;
mod nab_data;
mod nab_eval;
