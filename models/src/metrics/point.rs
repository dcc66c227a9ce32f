//! Point-forecast accuracy: sMAPE, MASE, WAPE, bias and MAE.
//!
//! All functions compare `actual[i]` with `forecast[i]` over the common length of both slices and
//! return `None` when the metric is undefined (empty input, zero denominator).

/// Mean absolute error.
pub fn mae(actual: &[f64], forecast: &[f64]) -> Option<f64> {
    mean_pointwise(actual, forecast, |a, f| (a - f).abs())
}

/// Symmetric MAPE in percent, M4 definition: `mean(200 · |y − ŷ| / (|y| + |ŷ|))`.
///
/// A point where both the actual and the forecast are zero counts as a perfect forecast (0).
pub fn smape(actual: &[f64], forecast: &[f64]) -> Option<f64> {
    mean_pointwise(actual, forecast, |a, f| {
        let denom = a.abs() + f.abs();
        if denom == 0.0 {
            0.0
        } else {
            200.0 * (a - f).abs() / denom
        }
    })
}

/// Mean of `error(actual, forecast)` over the common length; `None` when it is 0.
fn mean_pointwise(
    actual: &[f64],
    forecast: &[f64],
    error: impl Fn(f64, f64) -> f64,
) -> Option<f64> {
    let n = actual.len().min(forecast.len());
    if n == 0 {
        return None;
    }
    let sum: f64 = actual
        .iter()
        .zip(forecast)
        .map(|(a, f)| error(*a, *f))
        .sum();
    Some(sum / n as f64)
}

/// MASE scale: the in-sample mean absolute error of the seasonal-naive forecast with period `m`
/// on the training part, `mean(|y_t − y_{t−m}|)` for `t = m..n` (M4: `m = 1` for daily and weekly
/// data). `None` when the training part has no more than `m` points or `m` is 0.
pub fn mase_scale(train: &[f64], m: usize) -> Option<f64> {
    if m == 0 || train.len() <= m {
        return None;
    }
    let sum: f64 = train.windows(m + 1).map(|w| (w[m] - w[0]).abs()).sum();
    Some(sum / (train.len() - m) as f64)
}

/// Mean absolute scaled error: MAE of the forecast divided by [`mase_scale`] of the training part.
/// `None` when the scale is undefined or zero (a constant training series).
pub fn mase(train: &[f64], actual: &[f64], forecast: &[f64], m: usize) -> Option<f64> {
    let scale = mase_scale(train, m)?;
    if scale <= 0.0 || !scale.is_finite() {
        return None;
    }
    Some(mae(actual, forecast)? / scale)
}

/// Weighted absolute percentage error in percent: `100 · Σ|y − ŷ| / Σ|y|` (dollar-weighted, so it
/// aggregates across series). `None` when all actuals are zero.
pub fn wape(actual: &[f64], forecast: &[f64]) -> Option<f64> {
    percent_of_actuals(actual, forecast, |a, f| (a - f).abs())
}

/// Bias in percent: `100 · Σ(ŷ − y) / Σ|y|`, the mean error over the mean actual. Positive values
/// mean over-forecasting. `None` when all actuals are zero.
pub fn bias(actual: &[f64], forecast: &[f64]) -> Option<f64> {
    percent_of_actuals(actual, forecast, |a, f| f - a)
}

/// `100 · Σ error(y, ŷ) / Σ|y|`; `None` when all actuals are zero.
fn percent_of_actuals(
    actual: &[f64],
    forecast: &[f64],
    error: impl Fn(f64, f64) -> f64,
) -> Option<f64> {
    let (err, total) = actual
        .iter()
        .zip(forecast)
        .fold((0.0, 0.0), |(e, t), (a, f)| {
            (e + error(*a, *f), t + a.abs())
        });
    (total > 0.0).then(|| 100.0 * err / total)
}
