//! Naive and seasonal-naive baselines, with intervals from their own rolling errors.

use super::error::{ForecastError, out_of_range};
use super::intervals::ErrorMatrix;
use super::result::{Forecast, ModelArtifact, ValidationSummary};
use super::transform::Transform;
use super::validate::{check_series, non_negative};
use crate::features::Spacing;
use crate::metrics::{mase_scale, smape};
use crate::series::Series;

/// Naive forecast: the last value repeated `h` times (empty for an empty history).
pub fn naive_point(history: &[f64], h: usize) -> Vec<f64> {
    seasonal_naive_point(history, 1, h)
}

/// Seasonal-naive forecast with period `m`: step `k` repeats the value one season before it,
/// `y[n − m + (k−1) mod m]`. With `m = 0` or fewer than `m` values it degrades to the naive
/// forecast; empty for an empty history.
pub fn seasonal_naive_point(history: &[f64], m: usize, h: usize) -> Vec<f64> {
    let n = history.len();
    if n == 0 {
        return Vec::new();
    }
    let m = if m == 0 || m > n { 1 } else { m };
    (0..h).map(|k| history[n - m + k % m]).collect()
}

/// Errors of the seasonal-naive forecast from every origin `o ≥ m` inside the history, at steps
/// `1..=h` (as many as the history allows).
pub fn seasonal_naive_errors(history: &[f64], m: usize, h: usize) -> ErrorMatrix {
    let n = history.len();
    let m = if m == 0 || m > n { 1 } else { m };
    let mut errors = ErrorMatrix::new();
    for o in m..n {
        let steps = h.min(n - o);
        let row = (0..steps)
            .map(|k| history[o + k] - history[o - m + k % m])
            .collect();
        errors.push(row);
    }
    errors
}

/// Naive forecast of `series` for `h` steps with empirical intervals.
pub fn naive(series: &Series, h: usize) -> Result<Forecast, ForecastError> {
    seasonal_naive(series, 1, h)
}

/// Seasonal-naive forecast of `series` (period `m`) for `h` steps, with 80/95 % intervals from
/// the seasonal-naive errors at every origin of the history (see [`super::intervals`]), clipped
/// at zero when the history is non-negative.
pub fn seasonal_naive(series: &Series, m: usize, h: usize) -> Result<Forecast, ForecastError> {
    check_series(series)?;
    let y = &series.values;
    let m_used = if m == 0 || m > y.len() { 1 } else { m };
    let point = seasonal_naive_point(y, m_used, h);
    let errors = seasonal_naive_errors(y, m_used, h);
    let [lo80, hi80, lo95, hi95] = errors
        .bands(h)
        .apply(&point, Transform::Level, non_negative(y));
    let spacing = Spacing::detect(&series.timestamps);
    let last = series.timestamps[series.timestamps.len() - 1];
    let timestamps = spacing.future(last, h).ok_or_else(out_of_range)?;
    let model = if m_used == 1 {
        "naive".to_string()
    } else {
        format!("seasonal_naive_{m_used}")
    };
    let validation = summary(y, &errors, m_used, h);
    Ok(Forecast {
        timestamps,
        point,
        lo80,
        hi80,
        lo95,
        hi95,
        model: model.clone(),
        fallback: None,
        artifact: ModelArtifact {
            model,
            training_start: series.timestamps.first().copied(),
            training_end: Some(last),
            training_points: y.len(),
            hyperparameters: vec![("period".to_string(), m_used as f64)],
            validation,
            ..ModelArtifact::default()
        },
    })
}

/// Scores of rolling in-history errors (`actual − forecast`) of a baseline.
fn summary(y: &[f64], errors: &ErrorMatrix, m: usize, h: usize) -> ValidationSummary {
    let abs: Vec<f64> = errors.iter().flatten().map(|e| e.abs()).collect();
    let mae = (!abs.is_empty()).then(|| abs.iter().sum::<f64>() / abs.len() as f64);
    let scale = mase_scale(y, m).filter(|s| *s > 0.0);
    let (mut actual, mut fc) = (Vec::new(), Vec::new());
    for (o, row) in errors.iter().enumerate() {
        for (k, e) in row.iter().enumerate() {
            let a = y[o + m + k];
            actual.push(a);
            fc.push(a - e);
        }
    }
    ValidationSummary {
        origins: errors.origins(),
        horizon: h,
        mae,
        mase: mae.zip(scale).map(|(a, s)| a / s),
        smape: smape(&actual, &fc),
    }
}
