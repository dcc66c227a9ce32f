//! Rolling-origin backtest on the WorkshopCUR daily total cost (92 days of real AWS spend with
//! month-start spikes and two level drops).

use models::backtest::{BacktestConfig, BacktestReport, MethodScores, backtest};
use models::forecast::ForecastConfig;

use crate::forecast_fixtures::cur_daily_total;

fn show(report: &BacktestReport) {
    let line = |m: &MethodScores| {
        let f = |v: Option<f64>| v.map_or("n/a".to_string(), |v| format!("{v:.3}"));
        println!(
            "  {:18} MASE {} sMAPE {} WAPE {} bias {} cov80 {} cov95 {} MSIS {} fallbacks {}",
            m.method,
            f(m.mase),
            f(m.smape),
            f(m.wape),
            f(m.bias),
            f(m.coverage80),
            f(m.coverage95),
            f(m.msis),
            m.fallbacks
        );
    };
    println!(
        "cur_workshop daily total, h = {}, {} origins:",
        report.horizon, report.origins
    );
    line(&report.model);
    line(&report.naive);
    line(&report.seasonal_naive);
}

fn check(horizon: usize) {
    let series = cur_daily_total();
    assert_eq!(series.len(), 92);
    let config = BacktestConfig {
        horizon,
        origins: 6,
        step: 7,
        season: 7,
        min_train: 14,
    };
    let (report, _) = backtest(&series, &config, &ForecastConfig::default()).expect("backtest");
    show(&report);
    assert_eq!(report.origins, 6);
    let model = report.model.mase.expect("model MASE");
    let snaive = report.seasonal_naive.mase.expect("sNaive MASE");
    assert!(model < snaive, "MASE {model} vs seasonal naive {snaive}");
    let c80 = report.model.coverage80.expect("coverage");
    assert!((0.70..=0.90).contains(&c80), "80 % coverage {c80}");
}

#[test]
fn forecaster_beats_seasonal_naive_on_cur_workshop_h7() {
    check(7);
}

#[test]
fn forecaster_beats_seasonal_naive_on_cur_workshop_h14() {
    check(14);
}
