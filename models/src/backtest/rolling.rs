//! The rolling-origin loop.

use super::config::BacktestConfig;
use super::scores::{Accumulator, BacktestReport, Window};
use crate::forecast::validate::check_series;
use crate::forecast::{Forecast, ForecastConfig, ForecastError, forecast, seasonal_naive};
use crate::series::Series;

/// Per-origin MASE of each method (for plots and diagnostics).
#[derive(Debug, Clone, PartialEq)]
pub struct OriginResult {
    /// Observations before the origin.
    pub origin: usize,
    /// MASE of the forecaster.
    pub model: Option<f64>,
    /// MASE of the naive baseline.
    pub naive: Option<f64>,
    /// MASE of the seasonal-naive baseline.
    pub seasonal_naive: Option<f64>,
}

/// Backtest [`forecast`] with `forecast_config` on `series`.
pub fn backtest(
    series: &Series,
    config: &BacktestConfig,
    forecast_config: &ForecastConfig,
) -> Result<(BacktestReport, Vec<OriginResult>), ForecastError> {
    rolling_origin(series, config, |train, h| {
        forecast(train, h, forecast_config)
    })
}

/// Backtest any forecaster: at each origin of [`BacktestConfig::origin_indices`] call
/// `forecaster(prefix, horizon)` with only the values before the origin, and score it together
/// with the naive and seasonal-naive baselines on the next `horizon` actuals.
pub fn rolling_origin<F>(
    series: &Series,
    config: &BacktestConfig,
    mut forecaster: F,
) -> Result<(BacktestReport, Vec<OriginResult>), ForecastError>
where
    F: FnMut(&Series, usize) -> Result<Forecast, ForecastError>,
{
    check_series(series)?;
    let h = config.horizon;
    let origins = config.origin_indices(series.len());
    let (mut model, mut naive, mut snaive) = (
        Accumulator::default(),
        Accumulator::default(),
        Accumulator::default(),
    );
    let mut per_origin = Vec::with_capacity(origins.len());
    for &o in &origins {
        let train = Series::new(series.timestamps[..o].to_vec(), series.values[..o].to_vec());
        let actual = &series.values[o..o + h];
        let score = |acc: &mut Accumulator, f: &Forecast| -> Result<Option<f64>, ForecastError> {
            if f.len() < h {
                return Err(ForecastError::Invalid(format!(
                    "forecaster returned {} steps, {h} requested",
                    f.len()
                )));
            }
            if f.fallback.is_some() {
                acc.fallbacks += 1;
            }
            Ok(acc.add(&Window {
                train: &train.values,
                actual,
                point: &f.point[..h],
                bounds: [&f.lo80[..h], &f.hi80[..h], &f.lo95[..h], &f.hi95[..h]],
                season: config.season,
            }))
        };
        let m = score(&mut model, &forecaster(&train, h)?)?;
        let nv = score(&mut naive, &seasonal_naive(&train, 1, h)?)?;
        let sn = score(&mut snaive, &seasonal_naive(&train, config.season, h)?)?;
        per_origin.push(OriginResult {
            origin: o,
            model: m,
            naive: nv,
            seasonal_naive: sn,
        });
    }
    let report = BacktestReport {
        origins: origins.len(),
        horizon: h,
        model: model.finish("model"),
        naive: naive.finish("naive"),
        seasonal_naive: snaive.finish(&format!("seasonal_naive_{}", config.season)),
    };
    Ok((report, per_origin))
}
