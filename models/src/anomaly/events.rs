//! Grouping flagged points into anomalies and naming their type.
//!
//! Type rule, applied at the onset `s` with direction `d = sign(z[s])`:
//! - **sustained** when the median residual z over `s..s+k` (k = `shift_confirm`, cut at the
//!   end of the data) has sign `d` and magnitude ≥ `shift_min_z`; the type is therefore final
//!   `k − 1` points after the onset (the alert itself is raised at the onset);
//! - **new-service ramp**: upward, sustained, and the median |value| over the `ramp_lookback`
//!   points before the onset is ≤ `ramp_zero_fraction` × the value at onset (the series was ~0);
//! - **level shift**: sustained otherwise; **spike** / **drop**: not sustained, up / down.
//!
//! Detection delay of a level shift (daily defaults): a shift that makes its first point
//! anomalous (|z| ≥ 3.5) is flagged on that point and typed 2 days later (`shift_confirm` 3); a
//! smaller one (≥ 2σ) is flagged by the sustained score once the median of 5 residual z's
//! crosses 2, i.e. 2–4 days after the change. Typing reads the `shift_confirm` points from the
//! onset, so a type is only as final as `kind_confirmed` says.

use chrono::NaiveDateTime;

use super::config::EventConfig;
use super::stats::median;

/// The type of an anomaly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AnomalyKind {
    /// Short upward excursion.
    Spike,
    /// Short downward excursion.
    Drop,
    /// Sustained change of level (either direction).
    LevelShift,
    /// A series that was about zero starts and keeps growing (a new service, account, region).
    NewServiceRamp,
}

impl AnomalyKind {
    /// Lower-case name (`spike`, `drop`, `level_shift`, `new_service_ramp`).
    pub fn as_str(self) -> &'static str {
        match self {
            AnomalyKind::Spike => "spike",
            AnomalyKind::Drop => "drop",
            AnomalyKind::LevelShift => "level_shift",
            AnomalyKind::NewServiceRamp => "new_service_ramp",
        }
    }
}

/// One detected anomaly: a run of flagged points (gaps ≤ `merge_gap` merged).
#[derive(Debug, Clone, PartialEq)]
pub struct Anomaly {
    /// Index of the first flagged point (the onset; detection time).
    pub start_index: usize,
    /// Index of the last flagged point.
    pub end_index: usize,
    /// Index of the highest combined score.
    pub peak_index: usize,
    /// Timestamp of the onset.
    pub start: NaiveDateTime,
    /// Timestamp of the last flagged point.
    pub end: NaiveDateTime,
    /// Type (see the module docs for the rule).
    pub kind: AnomalyKind,
    /// False when fewer than `shift_confirm` points followed the onset, so the type may change.
    pub kind_confirmed: bool,
    /// Highest combined score in the run (1 = threshold).
    pub peak_score: f64,
    /// Sum of actual values over the run.
    pub actual: f64,
    /// Sum over the run of what was expected before its onset (see
    /// [`super::Detection::impact_expected`]).
    pub expected: f64,
    /// `actual − expected` over the run (signed; same unit as the series).
    pub impact: f64,
    /// `impact / |expected|` (±∞ when nothing was expected).
    pub impact_pct: f64,
}

/// Runs of `true` in `flags`, merging runs separated by at most `merge_gap` `false`s; returns
/// inclusive `(first, last)` index pairs.
pub fn flag_runs(flags: &[bool], merge_gap: usize) -> Vec<(usize, usize)> {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for (i, _) in flags.iter().enumerate().filter(|(_, f)| **f) {
        match runs.last_mut() {
            Some((_, last)) if i - *last <= merge_gap + 1 => *last = i,
            _ => runs.push((i, i)),
        }
    }
    runs
}

/// Per-point inputs of [`build_anomalies`].
pub struct EventInputs<'a> {
    /// Timestamps.
    pub timestamps: &'a [NaiveDateTime],
    /// Observed values.
    pub values: &'a [f64],
    /// Expected values (one step ahead).
    pub expected: &'a [f64],
    /// Expected values for impact sums (frozen at each anomaly's onset).
    pub impact_expected: &'a [f64],
    /// Signed residual z (detector 1).
    pub z: &'a [f64],
    /// Combined score (≥ 1 flags the point).
    pub combined: &'a [f64],
}

/// Splits runs where the residual changes sign, so a spike next to a drop are two anomalies.
fn split_on_sign(runs: Vec<(usize, usize)>, flags: &[bool], resid: &[f64]) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(runs.len());
    for (s, e) in runs {
        let mut start = s;
        let mut last = s;
        for i in (s + 1..=e).filter(|i| flags[*i]) {
            if (resid[i] >= 0.0) != (resid[start] >= 0.0) {
                out.push((start, last));
                start = i;
            }
            last = i;
        }
        out.push((start, last));
    }
    out
}

/// Runs of flagged points (combined score ≥ 1), with gaps of at most `merge_gap` unflagged
/// points merged and, if `cfg.split_on_sign`, split where the residual changes sign; inclusive
/// `(first, last)` index pairs.
pub fn anomaly_runs(combined: &[f64], residuals: &[f64], cfg: &EventConfig) -> Vec<(usize, usize)> {
    let flags: Vec<bool> = combined.iter().map(|s| *s >= 1.0).collect();
    let runs = flag_runs(&flags, cfg.merge_gap);
    if cfg.split_on_sign {
        split_on_sign(runs, &flags, residuals)
    } else {
        runs
    }
}

/// Types and sizes each run of [`anomaly_runs`]; sums use `inp.impact_expected`.
pub fn build_anomalies(
    inp: &EventInputs<'_>,
    runs: &[(usize, usize)],
    cfg: &EventConfig,
) -> Vec<Anomaly> {
    runs.iter()
        .map(|&(s, e)| {
            let peak = (s..=e)
                .max_by(|a, b| inp.combined[*a].total_cmp(&inp.combined[*b]))
                .unwrap_or(s);
            let (kind, kind_confirmed) = classify(inp, s, cfg);
            let finite = |v: &f64| if v.is_finite() { *v } else { 0.0 };
            let actual: f64 = inp.values[s..=e].iter().map(finite).sum();
            let expected: f64 = inp.impact_expected[s..=e].iter().map(finite).sum();
            let impact = actual - expected;
            Anomaly {
                start_index: s,
                end_index: e,
                peak_index: peak,
                start: inp.timestamps[s],
                end: inp.timestamps[e],
                kind,
                kind_confirmed,
                peak_score: inp.combined[peak],
                actual,
                expected,
                impact,
                impact_pct: relative(impact, expected),
            }
        })
        .collect()
}

/// `impact / |expected|`, ±∞ (or 0 for no impact) when nothing was expected.
pub fn relative(impact: f64, expected: f64) -> f64 {
    if expected.abs() > 0.0 {
        impact / expected.abs()
    } else if impact == 0.0 {
        0.0
    } else {
        impact.signum() * f64::INFINITY
    }
}

/// Type of the anomaly starting at `s`, and whether the confirmation window was complete.
fn classify(inp: &EventInputs<'_>, s: usize, cfg: &EventConfig) -> (AnomalyKind, bool) {
    let n = inp.values.len();
    let z0 = inp.z[s];
    let resid0 = inp.values[s] - inp.expected[s];
    let up = if z0 != 0.0 { z0 > 0.0 } else { resid0 >= 0.0 };
    let stop = (s + cfg.shift_confirm).min(n);
    let confirmed = s + cfg.shift_confirm <= n;
    let sustained_z = median(&inp.z[s..stop]).unwrap_or(0.0);
    let sustained = (sustained_z > 0.0) == up && sustained_z.abs() >= cfg.shift_min_z;
    let before = &inp.values[s.saturating_sub(cfg.ramp_lookback)..s];
    let was_zero = !before.is_empty()
        && median(&before.iter().map(|v| v.abs()).collect::<Vec<_>>())
            .is_some_and(|m| m <= cfg.ramp_zero_fraction * inp.values[s].abs());
    let kind = match (up, sustained) {
        (true, true) if was_zero => AnomalyKind::NewServiceRamp,
        (_, true) => AnomalyKind::LevelShift,
        (true, false) => AnomalyKind::Spike,
        (false, false) => AnomalyKind::Drop,
    };
    (kind, confirmed)
}
