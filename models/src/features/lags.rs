//! Data-dependent columns at time `t`, computed from values before `t` only.

use super::config::FeatureSpec;

/// Lag columns at index `t` of `y` (which may hold forecasts after the origin), appended to `out`
/// in [`FeatureSpec::names`] order: `Δy_{t−j}` for each diff lag, then
/// `y_{t−1} − mean(y_{t−w}..y_{t−1})` for each level window. Requires `t ≥ spec.warmup()` and
/// `t ≤ y.len()`; only `y[..t]` is read.
pub fn lag_row(spec: &FeatureSpec, y: &[f64], t: usize, out: &mut Vec<f64>) {
    for &j in &spec.diff_lags {
        out.push(y[t - j] - y[t - j - 1]);
    }
    for &w in &spec.level_windows {
        let window = &y[t - w..t];
        let mean = window.iter().sum::<f64>() / w as f64;
        out.push(y[t - 1] - mean);
    }
}
