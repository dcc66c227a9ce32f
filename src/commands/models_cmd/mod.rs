//! `greenops models forecast | detect | evaluate`: the models on any `timestamp,value` CSV, so
//! they can be checked on outside series.

mod evaluate;
mod series_csv;

use crate::cli::{ModelsCommand, ModelsDetectArgs, ModelsForecastArgs};
use crate::exit::Exit;
use models::anomaly::{AnomalyConfig, detect};
use models::forecast::{ForecastConfig, forecast};

pub async fn run(cmd: ModelsCommand) -> anyhow::Result<Exit> {
    // fitting is CPU-bound: keep it off the async runtime's threads
    tokio::task::spawn_blocking(move || match cmd {
        ModelsCommand::Forecast(args) => run_forecast(&args),
        ModelsCommand::Detect(args) => run_detect(&args),
        ModelsCommand::Evaluate(args) => evaluate::run(&args),
    })
    .await?
}

/// The shortest text that reads back as the same number.
fn number(v: f64) -> String {
    format!("{v}")
}

fn run_forecast(args: &ModelsForecastArgs) -> anyhow::Result<Exit> {
    anyhow::ensure!(args.horizon > 0, "--horizon must be at least 1");
    let series = series_csv::read(&args.input)?;
    let f = forecast(&series, args.horizon, &ForecastConfig::default())?;
    let column = |values: &[f64]| values.iter().copied().map(number).collect::<Vec<_>>();
    series_csv::write(
        &args.out,
        &f.timestamps,
        &[
            ("forecast", column(&f.point)),
            ("lo80", column(&f.lo80)),
            ("hi80", column(&f.hi80)),
            ("lo95", column(&f.lo95)),
            ("hi95", column(&f.hi95)),
        ],
    )?;
    println!(
        "{} steps forecast with {} from {} observations → {}",
        f.len(),
        f.model,
        series.len(),
        args.out.display()
    );
    if let Some(reason) = &f.fallback {
        println!("fallback: {reason}");
    }
    Ok(Exit::Ok)
}

fn run_detect(args: &ModelsDetectArgs) -> anyhow::Result<Exit> {
    let series = series_csv::read(&args.input)?;
    let config = AnomalyConfig::for_series(&series);
    let d = detect(&series, &config)?;
    let mut flagged = vec![false; series.len()];
    for a in &d.anomalies {
        for f in flagged.iter_mut().take(a.end_index + 1).skip(a.start_index) {
            *f = true;
        }
    }
    series_csv::write(
        &args.out,
        &series.timestamps,
        &[
            ("value", series.values.iter().copied().map(number).collect()),
            ("score", d.combined.iter().copied().map(number).collect()),
            (
                "is_anomaly",
                flagged.iter().map(|f| f.to_string()).collect(),
            ),
        ],
    )?;
    println!(
        "{} anomalies in {} observations → {}",
        d.anomalies.len(),
        series.len(),
        args.out.display()
    );
    for a in &d.anomalies {
        println!(
            "  {:<16} {} … {}  actual {:.3} vs expected {:.3} ({:+.1}%)",
            a.kind.as_str(),
            a.start,
            a.end,
            a.actual,
            a.expected,
            100.0 * a.impact_pct
        );
    }
    Ok(Exit::Ok)
}
