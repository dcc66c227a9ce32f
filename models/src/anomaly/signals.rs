//! Causal per-point feature vectors for the density detector.
//!
//! For each point `t` (all computed from points ≤ `t`), compressed with
//! `slog(x) = sign(x)·ln(1 + |x|)` so heavy tails do not dominate the mixture fit:
//! 1. residual z — detector 1's robust z;
//! 2. sustained z — median of the last `sustain_window` residual z's (level change);
//! 3. step z — robust z of `y[t] − y[t−1]` against the trailing window of steps;
//! 4. volatility — `ln` of the residual MAD over the last `short_window` points over the
//!    residual MAD of the trailing window before them (bursts and flat-lines).

use super::stats::{MAD_TO_SIGMA, median_mad_with, median_with};
use super::window::SortedWindow;

/// Number of features per point.
pub const N_FEATURES: usize = 4;

/// Inputs of [`feature_rows`], all of the series length.
pub struct SignalInputs<'a> {
    /// Observed values.
    pub values: &'a [f64],
    /// Residuals (actual − expected).
    pub residuals: &'a [f64],
    /// Expected values (for the scale floor).
    pub expected: &'a [f64],
    /// Detector 1's robust z.
    pub z: &'a [f64],
}

/// Window lengths and floors of [`feature_rows`].
pub struct SignalParams {
    /// Trailing window of detector 1.
    pub window: usize,
    /// Points of the sustained-z median.
    pub sustain: usize,
    /// Points of the short volatility window.
    pub short_window: usize,
    /// Absolute scale floor.
    pub min_scale_abs: f64,
    /// Scale floor relative to |expected|.
    pub min_scale_rel: f64,
}

/// Signed log compression.
pub fn slog(x: f64) -> f64 {
    if x.is_finite() {
        x.signum() * x.abs().ln_1p()
    } else {
        0.0
    }
}

/// Feature rows for points `from..n`, row-major (`(n − from) · N_FEATURES` values).
pub fn feature_rows(inp: &SignalInputs<'_>, p: &SignalParams, from: usize) -> Vec<f64> {
    let n = inp.values.len();
    let step = |t: usize| {
        if t == 0 {
            f64::NAN
        } else {
            inp.values[t] - inp.values[t - 1]
        }
    };
    let mut buf = Vec::with_capacity(p.short_window.max(p.sustain));
    let mut steps = SortedWindow::with_capacity(p.window + 1);
    let mut long = SortedWindow::with_capacity(p.window + 1);
    // `steps` holds step(t−W..t); `long` holds residuals[s−W..s] with s = t + 1 − short_window.
    let (mut steps_end, mut long_end) = (0usize, 0usize);
    let mut out = Vec::with_capacity(n.saturating_sub(from) * N_FEATURES);
    for t in from..n {
        while steps_end < t {
            steps.insert(step(steps_end));
            if steps_end >= p.window {
                steps.remove(step(steps_end - p.window));
            }
            steps_end += 1;
        }
        let short_start = (t + 1).saturating_sub(p.short_window);
        while long_end < short_start {
            long.insert(inp.residuals[long_end]);
            if long_end >= p.window {
                long.remove(inp.residuals[long_end - p.window]);
            }
            long_end += 1;
        }
        let floor = p.min_scale_abs.max(p.min_scale_rel * inp.expected[t].abs());
        let sustained = median_with(&inp.z[(t + 1).saturating_sub(p.sustain)..=t], &mut buf);
        let step_z = match steps.median_sigma(floor) {
            Some((med, sigma)) => (step(t) - med) / sigma,
            None => 0.0,
        };
        let short_mad = median_mad_with(&inp.residuals[short_start..=t], &mut buf).map(|m| m.1);
        let vol = match (short_mad, long.median_mad()) {
            (Some(s), Some((_, l))) => {
                ((MAD_TO_SIGMA * s + floor) / (MAD_TO_SIGMA * l + floor)).ln()
            }
            _ => 0.0,
        };
        out.extend([
            slog(inp.z[t]),
            slog(sustained.unwrap_or(0.0)),
            slog(step_z),
            vol,
        ]);
    }
    out
}
