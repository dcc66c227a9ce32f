//! Expected value of every point from strictly earlier points (no look-ahead).
//!
//! Seasonal rule (period `m`, `K` seasons, level window `w`):
//!
//! `expected[t] = median over j in [t−w, t) of ( y[j] + D(t, j) )`, with
//! `D(t, j) = median of { y[t − k·m] − y[j − k·m] : k = 1..K } ∪ {0}`
//!
//! — each recent point `j` is carried to `t`'s phase by the seasonal difference between the two
//! phases measured one, two, … K seasons earlier, shrunk towards 0: the extra 0 means a majority
//! of the seasons must agree on a difference (3 of 4), so a one-off ramp or spike in an earlier
//! season is not replayed as seasonality or extrapolated as trend. After a level shift the
//! median over `j` follows once more than half of the last `w` points have shifted; one spike
//! moves neither median much; and it does not overshoot when a ramp levels off (a seasonal
//! median re-levelled by past residuals does). Where no earlier season exists for a pair
//! (`j < m`), `D = 0`, so early points and non-seasonal series (`period` `None` or 1) get the
//! median of the last `w` values. The first point has no history and gets `NaN`.

use super::config::BaselineConfig;
use super::stats::median_with;

/// Expected value for every point of `values`, using only points before it (`NaN` where no
/// history exists).
pub fn expected_values(values: &[f64], cfg: &BaselineConfig) -> Vec<f64> {
    let mut scratch = Scratch::default();
    (0..values.len())
        .map(|t| expected_at(values, t, t, cfg, &mut scratch))
        .collect()
}

/// Reusable buffers of [`expected_at`].
#[derive(Debug, Default)]
pub struct Scratch {
    carried: Vec<f64>,
    diffs: Vec<f64>,
    buf: Vec<f64>,
}

/// Expected value of point `t` from the points before `history_end` only (`history_end ≤ t`;
/// equal for the one-step-ahead expectation). For `t > history_end` this is the expectation
/// frozen at `history_end` — what was expected before an anomaly starting there — and the
/// seasonal differences use only lags `k` with `t − k·m < history_end`.
pub fn expected_at(
    values: &[f64],
    history_end: usize,
    t: usize,
    cfg: &BaselineConfig,
    s: &mut Scratch,
) -> f64 {
    let period = cfg.period.unwrap_or(1);
    let h = history_end.min(t).min(values.len());
    s.carried.clear();
    let first_k = if period > 1 { (t - h) / period + 1 } else { 1 };
    for j in h.saturating_sub(cfg.level_window)..h {
        s.diffs.clear();
        if period > 1 {
            for k in first_k..first_k + cfg.seasons {
                let Some(jk) = j.checked_sub(k * period) else {
                    break;
                };
                s.diffs.push(values[t - k * period] - values[jk]);
            }
        }
        if !s.diffs.is_empty() {
            s.diffs.push(0.0);
        }
        let d = median_with(&s.diffs, &mut s.buf).unwrap_or(0.0);
        s.carried.push(values[j] + d);
    }
    median_with(&s.carried, &mut s.buf).unwrap_or(f64::NAN)
}

/// An inactive point: nothing expected and nothing observed (a service before it existed). It
/// says nothing about the noise of a series, so residual windows and density fits skip it.
pub fn inactive(value: f64, expected: f64) -> bool {
    value == 0.0 && expected == 0.0
}

/// Residuals `actual − expected` (NaN where either is missing).
pub fn residuals(values: &[f64], expected: &[f64]) -> Vec<f64> {
    values.iter().zip(expected).map(|(y, e)| y - e).collect()
}
