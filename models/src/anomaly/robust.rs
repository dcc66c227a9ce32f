//! Detector 1: robust z-score of residuals against their own trailing window, with a threshold
//! that rises on heavy-tailed series.
//!
//! - `z[t] = (r[t] − median(r[t−W..t])) / max(1.4826 · MAD(r[t−W..t]), floor)`, with
//!   `floor = max(min_scale_abs, min_scale_rel · |expected[t]|)`. The window ends before `t`, so
//!   a point never scores itself; inactive points (nothing expected, nothing observed) are left
//!   out of the window, and a window with fewer than [`MIN_WINDOW_POINTS`] informative
//!   residuals left measures the residual against the floor alone (a series that was inactive);
//!   points inside the warm-up get `z = 0`; |z| is clamped at [`MAX_Z`].
//! - Effective threshold `T[t] = max(threshold, tail_factor · Q_tail_quantile(|z| over the
//!   previous tail_window scored points))`: on Gaussian residuals `Q_0.95(|z|) ≈ 1.96`, so with
//!   `tail_factor = 2` the fixed threshold rules; series whose residuals routinely reach large
//!   |z| (daily transitions, switching workloads) need proportionally larger excursions.
//!   The quantile is used once [`MIN_TAIL_POINTS`] scored points exist.
//! - Sustained deviation `m[t] = median(z[t−k+1..=t])` (k = `sustain_window`): slow ramps and
//!   small level shifts that never make one point extreme; `m` is expressed in single-point
//!   units by `threshold / sustain_threshold`.
//! - Score (threshold units) `max(|z[t]|, |m[t]| · threshold / sustain_threshold) / T[t]`:
//!   ≥ 1 is anomalous.

use super::baseline::inactive;
use super::config::RobustConfig;
use super::stats::median_with;
use super::window::SortedWindow;

/// Fewest finite residuals in the trailing window for a point to be scored.
pub const MIN_WINDOW_POINTS: usize = 5;

/// |z| is clamped here (a point this far out is simply "off the scale").
pub const MAX_Z: f64 = 1e3;

/// Fewest past scored points before the tail quantile raises the threshold.
pub const MIN_TAIL_POINTS: usize = 50;

/// Signed robust z of every residual (0 where not scored). `expected` supplies the level used
/// by the relative scale floor and must have the length of `residuals`.
pub fn robust_z_scores(residuals: &[f64], expected: &[f64], cfg: &RobustConfig) -> Vec<f64> {
    let mut win = SortedWindow::with_capacity(cfg.window + 1);
    let mut out = Vec::with_capacity(residuals.len());
    for t in 0..residuals.len() {
        if t > 0 {
            win.insert(informative(residuals, expected, t - 1));
            if t > cfg.window {
                win.remove(informative(residuals, expected, t - 1 - cfg.window));
            }
        }
        let r = residuals[t];
        let floor = cfg.min_scale_abs.max(cfg.min_scale_rel * expected[t].abs());
        let z = if t < cfg.warmup || !r.is_finite() {
            0.0
        } else if win.len() >= MIN_WINDOW_POINTS {
            win.median_sigma(floor)
                .map_or(0.0, |(med, sigma)| (r - med) / sigma)
        } else if t.min(cfg.window) >= MIN_WINDOW_POINTS {
            // The window was (mostly) inactive: any activity is measured against the floor.
            r / floor
        } else {
            0.0
        };
        out.push(z.clamp(-MAX_Z, MAX_Z));
    }
    out
}

/// The residual at `i`, or `NaN` (left out of the window) for an [`inactive`] point.
fn informative(residuals: &[f64], expected: &[f64], i: usize) -> f64 {
    if inactive(residuals[i], expected[i]) {
        f64::NAN
    } else {
        residuals[i]
    }
}

/// Detector 1's scores in threshold units (see the module docs).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RobustScores {
    /// Single-point excursion `|z[t]| / T[t]`.
    pub point: Vec<f64>,
    /// Sustained deviation `|m[t]| · threshold / sustain_threshold / T[t]` (0 until
    /// `sustain_window` scored points exist).
    pub sustained: Vec<f64>,
}

impl RobustScores {
    /// `max(point, sustained)` per point: detector 1's overall score.
    pub fn overall(&self) -> Vec<f64> {
        self.point
            .iter()
            .zip(&self.sustained)
            .map(|(p, s)| p.max(*s))
            .collect()
    }
}

/// Detector 1's scores in threshold units (see the module docs).
pub fn robust_scores(z: &[f64], cfg: &RobustConfig) -> RobustScores {
    let mut tail = SortedWindow::with_capacity(cfg.tail_window + 1);
    let mut out = RobustScores {
        point: Vec::with_capacity(z.len()),
        sustained: Vec::with_capacity(z.len()),
    };
    let mut buf = Vec::with_capacity(cfg.sustain_window);
    let start = cfg.warmup.min(z.len());
    out.point
        .extend(z[..start].iter().map(|z| z.abs() / cfg.threshold));
    out.sustained.resize(start, 0.0);
    let sustain_scale = cfg.threshold / cfg.sustain_threshold;
    for t in start..z.len() {
        let mut thr = cfg.threshold;
        if tail.len() >= MIN_TAIL_POINTS
            && let Some(q) = tail.quantile(cfg.tail_quantile)
        {
            thr = thr.max(cfg.tail_factor * q);
        }
        let from = (t + 1).saturating_sub(cfg.sustain_window).max(start);
        let sustained = match median_with(&z[from..=t], &mut buf) {
            Some(m) if t + 1 - from == cfg.sustain_window => m.abs() * sustain_scale,
            _ => 0.0,
        };
        out.point.push(z[t].abs() / thr);
        out.sustained.push(sustained / thr);
        tail.insert(z[t].abs());
        if t >= start + cfg.tail_window {
            tail.remove(z[t - cfg.tail_window].abs());
        }
    }
    out
}
