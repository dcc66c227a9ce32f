//! The training design matrix on first differences.

use std::ops::Range;

use super::config::FeatureSpec;
use super::lags::lag_row;

/// A design matrix (row-major) with its target `Δy_t`.
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    /// Number of rows.
    pub rows: usize,
    /// Number of columns ([`FeatureSpec::n_features`]).
    pub cols: usize,
    /// Row-major values, `rows × cols`.
    pub x: Vec<f64>,
    /// `y_t − y_{t−1}` for each row.
    pub target: Vec<f64>,
}

impl Design {
    /// Rows `t ∈ range` (clamped to `spec.warmup()..y.len()`) of the differenced design for
    /// series `y`, with `calendar` from [`super::calendar::differenced`] over at least `y.len()`
    /// timestamps.
    pub fn build(spec: &FeatureSpec, y: &[f64], calendar: &[f64], range: Range<usize>) -> Self {
        let cols = spec.n_features();
        let width = spec.n_calendar();
        let start = range.start.max(spec.warmup());
        let calendar_rows = calendar.len().checked_div(width).unwrap_or(usize::MAX);
        let end = range.end.min(y.len()).min(calendar_rows);
        let rows = end.saturating_sub(start);
        let mut x = Vec::with_capacity(rows * cols);
        let mut target = Vec::with_capacity(rows);
        for t in start..end.max(start) {
            x.extend_from_slice(&calendar[t * width..(t + 1) * width]);
            lag_row(spec, y, t, &mut x);
            target.push(y[t] - y[t - 1]);
        }
        Design {
            rows,
            cols,
            x,
            target,
        }
    }
}
