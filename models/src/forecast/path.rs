//! Recursive multi-step forecasts of the differenced regression.
//!
//! From an origin `o` (values `y[..o]` observed), step `k` predicts `Δŷ_{o+k−1}` from the calendar
//! row of its timestamp and lag columns computed on observed values and earlier predictions,
//! then `ŷ = previous + Δŷ`. No value at or after the origin is ever read.

use crate::features::FeatureSpec;
use crate::features::lags::lag_row;

/// `h` predictions from origin `o` (requires `spec.warmup() ≤ o ≤ y.len()` and a calendar with
/// at least `o + h` rows).
pub fn simulate(
    spec: &FeatureSpec,
    coef: &[f64],
    y: &[f64],
    calendar: &[f64],
    origin: usize,
    h: usize,
) -> Vec<f64> {
    let warmup = spec.warmup();
    let width = spec.n_calendar();
    let mut buf: Vec<f64> = Vec::with_capacity(warmup + h);
    buf.extend_from_slice(&y[origin - warmup..origin]);
    let mut row: Vec<f64> = Vec::with_capacity(coef.len());
    let mut out = Vec::with_capacity(h);
    for k in 0..h {
        let t = origin + k;
        row.clear();
        row.extend_from_slice(&calendar[t * width..(t + 1) * width]);
        lag_row(spec, &buf, warmup + k, &mut row);
        let delta: f64 = row.iter().zip(coef).map(|(x, b)| x * b).sum();
        let next = buf[warmup + k - 1] + delta;
        buf.push(next);
        out.push(next);
    }
    out
}
