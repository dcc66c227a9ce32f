//! Deterministic columns: known for any timestamp, past or future.

use std::f64::consts::TAU;

use chrono::{Datelike, NaiveDateTime};

use super::config::FeatureSpec;

/// Level-space calendar features of one timestamp, appended to `out` in
/// [`FeatureSpec::names`] order, trend excluded (its difference is the step count, added by
/// [`differenced`]).
pub fn level_row(spec: &FeatureSpec, ts: NaiveDateTime, out: &mut Vec<f64>) {
    let date = ts.date();
    if spec.day_of_week {
        let dow = date.weekday().num_days_from_monday();
        for d in 1..7 {
            out.push(if dow == d { 1.0 } else { 0.0 });
        }
    }
    let days = ts.and_utc().timestamp() as f64 / 86_400.0;
    for k in 1..=spec.weekly_fourier {
        let angle = TAU * k as f64 * days / 7.0;
        out.push(angle.sin());
        out.push(angle.cos());
    }
    for k in 1..=spec.yearly_fourier {
        let angle = TAU * k as f64 * days / 365.25;
        out.push(angle.sin());
        out.push(angle.cos());
    }
    if spec.month_flags {
        out.push(if date.day() == 1 { 1.0 } else { 0.0 });
        let last = date
            .succ_opt()
            .is_none_or(|next| next.month() != date.month());
        out.push(if last { 1.0 } else { 0.0 });
    }
}

/// First differences of the calendar columns for every timestamp, row-major with
/// [`FeatureSpec::n_calendar`] columns. Row `t` is `d(t) − d(t−1)`; the trend column holds the
/// number of steps between `t−1` and `t` (1 on a regular grid). Row 0 is all zeros.
pub fn differenced(spec: &FeatureSpec, timestamps: &[NaiveDateTime]) -> Vec<f64> {
    let width = spec.n_calendar();
    let mut out = vec![0.0; width * timestamps.len()];
    let mut prev: Vec<f64> = Vec::new();
    let mut cur: Vec<f64> = Vec::with_capacity(width);
    let step = spec.spacing.step.num_seconds().max(1) as f64;
    for (t, ts) in timestamps.iter().enumerate() {
        cur.clear();
        level_row(spec, *ts, &mut cur);
        if t > 0 {
            let row = &mut out[t * width..(t + 1) * width];
            let mut c = 0;
            if spec.trend {
                row[0] = (*ts - timestamps[t - 1]).num_seconds() as f64 / step;
                c = 1;
            }
            for (slot, (a, b)) in row[c..].iter_mut().zip(cur.iter().zip(&prev)) {
                *slot = a - b;
            }
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    out
}
