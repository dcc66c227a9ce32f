//! Prediction-interval metrics: empirical coverage and the M4 mean scaled interval score.

use super::point::mase_scale;

/// Share of actuals inside their closed interval `[lo, hi]`, in `[0, 1]`. `None` for no points.
pub fn coverage(actual: &[f64], lo: &[f64], hi: &[f64]) -> Option<f64> {
    let n = actual.len().min(lo.len()).min(hi.len());
    if n == 0 {
        return None;
    }
    let inside = (0..n)
        .filter(|&i| actual[i] >= lo[i] && actual[i] <= hi[i])
        .count();
    Some(inside as f64 / n as f64)
}

/// Mean scaled interval score (M4) of a `1 − alpha` interval (`alpha = 0.05` for 95 %):
/// `mean((hi − lo) + 2/alpha · (lo − y)·[y < lo] + 2/alpha · (y − hi)·[y > hi])` divided by
/// [`mase_scale`] of the training part with period `m`. `None` when the scale is undefined or zero.
pub fn msis(
    train: &[f64],
    actual: &[f64],
    lo: &[f64],
    hi: &[f64],
    alpha: f64,
    m: usize,
) -> Option<f64> {
    let n = actual.len().min(lo.len()).min(hi.len());
    let scale = mase_scale(train, m)?;
    if n == 0 || scale <= 0.0 || alpha <= 0.0 {
        return None;
    }
    let penalty = 2.0 / alpha;
    let sum: f64 = (0..n)
        .map(|i| {
            let (y, l, u) = (actual[i], lo[i], hi[i]);
            let below = if y < l { penalty * (l - y) } else { 0.0 };
            let above = if y > u { penalty * (y - u) } else { 0.0 };
            (u - l) + below + above
        })
        .sum();
    Some(sum / n as f64 / scale)
}
