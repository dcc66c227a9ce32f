//! `greenops models evaluate`: a rolling-origin backtest of the forecaster against naive and
//! seasonal-naive baselines, and, for a series with labelled anomaly windows, window-based
//! precision, recall, F1 and detection delay against a fixed-threshold baseline.

use super::series_csv;
use crate::cli::ModelsEvaluateArgs;
use crate::exit::Exit;
use chrono::TimeDelta;
use models::anomaly::eval::{
    FixedThreshold, WindowScore, onsets, parse_windows_json, probationary_points, score_windows,
};
use models::anomaly::{AnomalyConfig, detect};
use models::backtest::{BacktestConfig, MethodScores, backtest};
use models::forecast::ForecastConfig;
use models::series::Series;

pub fn run(args: &ModelsEvaluateArgs) -> anyhow::Result<Exit> {
    let series = series_csv::read(&args.input)?;
    let season = args.season.unwrap_or_else(|| default_season(&series));
    let config = BacktestConfig {
        horizon: args.horizon,
        origins: args.origins,
        step: args.step.unwrap_or(args.horizon),
        season,
        ..BacktestConfig::default()
    };
    let (report, _) = backtest(&series, &config, &ForecastConfig::default())?;
    let methods = [&report.model, &report.naive, &report.seasonal_naive];
    let anomalies = match &args.labels {
        Some(path) => Some(score_anomalies(&series, args, path)?),
        None => None,
    };
    if args.json {
        let json = serde_json::json!({
            "input": args.input.display().to_string(),
            "origins": report.origins, "horizon": report.horizon, "season": season,
            "forecast": methods.map(method_json),
            "anomalies": anomalies.as_ref().map(|[ours, fixed]| serde_json::json!({
                "detector": window_json(ours), "fixed_threshold": window_json(fixed),
            })),
        });
        println!("{json:#}");
        return Ok(Exit::Ok);
    }
    println!(
        "rolling-origin backtest of {}: {} origins × {} steps (seasonal period {season})",
        args.input.display(),
        report.origins,
        report.horizon
    );
    println!(
        "  {:<16} {:>7} {:>8} {:>8} {:>8} {:>6} {:>6}",
        "method", "MASE", "sMAPE%", "WAPE%", "bias%", "cov80", "cov95"
    );
    let cell = |v: Option<f64>, digits: usize| v.map_or("-".into(), |v| format!("{v:.digits$}"));
    for m in methods {
        println!(
            "  {:<16} {:>7} {:>8} {:>8} {:>8} {:>6} {:>6}",
            m.method,
            cell(m.mase, 3),
            cell(m.smape, 2),
            cell(m.wape, 2),
            cell(m.bias, 2),
            cell(m.coverage80, 2),
            cell(m.coverage95, 2)
        );
    }
    if let Some([ours, fixed]) = &anomalies {
        println!("anomaly windows ({} labelled):", ours.windows);
        for (name, s) in [("detector", ours), ("fixed 3σ", fixed)] {
            println!(
                "  {name:<16} precision {:.3}  recall {:.3}  F1 {:.3}  mean delay {}",
                s.precision(),
                s.recall(),
                s.f1(),
                s.mean_delay().map_or("-".into(), human)
            );
        }
    }
    Ok(Exit::Ok)
}

/// 7 for daily data (weekly season), else 1 (the M4 convention for weekly and coarser data).
fn default_season(series: &Series) -> usize {
    let day = series
        .timestamps
        .windows(2)
        .all(|w| w[1] - w[0] == TimeDelta::days(1));
    if day { 7 } else { 1 }
}

/// The detector and the fixed-threshold baseline scored against the labelled windows of
/// `--labels` (NAB `combined_windows.json` layout) under `--key` (default: the input's file
/// name), with NAB's probationary prefix unscored.
fn score_anomalies(
    series: &Series,
    args: &ModelsEvaluateArgs,
    labels: &std::path::Path,
) -> anyhow::Result<[WindowScore; 2]> {
    let text = std::fs::read_to_string(labels)
        .map_err(|e| anyhow::anyhow!("{}: {e}", labels.display()))?;
    let all = parse_windows_json(&text)?;
    let file_name = args
        .input
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let key = args.key.clone().unwrap_or(file_name);
    let windows = all
        .iter()
        .find(|(name, _)| *name == key || name.ends_with(&format!("/{key}")))
        .map(|(_, w)| w.clone())
        .ok_or_else(|| {
            anyhow::anyhow!("{}: no windows for `{key}` (use --key)", labels.display())
        })?;
    let config = AnomalyConfig::for_series(series);
    let detection = detect(series, &config)?;
    let ours: Vec<_> = detection.anomalies.iter().map(|a| a.start).collect();
    let fixed: Vec<_> = onsets(
        &FixedThreshold::default().flags(&series.values),
        config.events.merge_gap,
    )
    .into_iter()
    .map(|i| series.timestamps[i])
    .collect();
    let from = series
        .timestamps
        .get(probationary_points(series.len()))
        .copied();
    Ok([ours, fixed].map(|d| score_windows(&d, &windows, from)))
}

fn human(d: TimeDelta) -> String {
    let minutes = d.num_minutes();
    if minutes >= 24 * 60 {
        format!("{:.1} d", minutes as f64 / 1440.0)
    } else {
        format!("{:.1} h", minutes as f64 / 60.0)
    }
}

fn method_json(m: &MethodScores) -> serde_json::Value {
    serde_json::json!({
        "method": m.method, "mase": m.mase, "smape": m.smape, "wape": m.wape, "bias": m.bias,
        "coverage80": m.coverage80, "coverage95": m.coverage95, "msis": m.msis,
        "fallbacks": m.fallbacks,
    })
}

fn window_json(s: &WindowScore) -> serde_json::Value {
    serde_json::json!({
        "windows": s.windows, "true_positives": s.true_positives,
        "false_positives": s.false_positives, "false_negatives": s.false_negatives(),
        "precision": s.precision(), "recall": s.recall(), "f1": s.f1(),
        "mean_delay_minutes": s.mean_delay().map(|d| d.num_minutes()),
    })
}
