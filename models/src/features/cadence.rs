//! Spacing of a series, derived from the median gap between its timestamps.

use chrono::{NaiveDateTime, TimeDelta};

/// Calendar cadence of a series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cadence {
    /// One observation per day.
    Daily,
    /// One observation per week (M4 Weekly, weekly cost roll-ups).
    Weekly,
    /// Any other regular spacing (hourly, monthly, …): trend, yearly terms and lags only.
    Other,
}

/// The regular step of a series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spacing {
    /// Cadence class of the step.
    pub cadence: Cadence,
    /// Median gap between consecutive timestamps.
    pub step: TimeDelta,
}

impl Spacing {
    /// Daily spacing (the default when a series has fewer than two timestamps).
    pub fn daily() -> Self {
        Spacing {
            cadence: Cadence::Daily,
            step: TimeDelta::days(1),
        }
    }

    /// The spacing of `timestamps`: the median positive gap, classified as daily or weekly when it
    /// is within a minute of one or seven days. Fewer than two timestamps (or no positive gap)
    /// give [`Spacing::daily`].
    pub fn detect(timestamps: &[NaiveDateTime]) -> Self {
        let mut gaps: Vec<i64> = timestamps
            .windows(2)
            .map(|w| (w[1] - w[0]).num_seconds())
            .filter(|&s| s > 0)
            .collect();
        if gaps.is_empty() {
            return Spacing::daily();
        }
        gaps.sort_unstable();
        let median = gaps[gaps.len() / 2];
        let near = |days: i64| (median - days * 86_400).abs() <= 60;
        let cadence = if near(1) {
            Cadence::Daily
        } else if near(7) {
            Cadence::Weekly
        } else {
            Cadence::Other
        };
        Spacing {
            cadence,
            step: TimeDelta::seconds(median),
        }
    }

    /// The step in days (fractional for sub-daily data).
    pub fn step_days(&self) -> f64 {
        self.step.num_seconds() as f64 / 86_400.0
    }

    /// Steps per year (365.25 for daily data, 52.18 for weekly data).
    pub fn steps_per_year(&self) -> f64 {
        365.25 / self.step_days()
    }

    /// The seasonal period of the seasonal-naive baseline and fallback: 7 for daily data (one
    /// week), 1 otherwise (M4 uses `m = 1` for weekly data).
    pub fn naive_period(&self) -> usize {
        match self.cadence {
            Cadence::Daily => 7,
            Cadence::Weekly | Cadence::Other => 1,
        }
    }

    /// `h` timestamps after `last`, one step apart; `None` if they leave chrono's date range.
    pub fn future(&self, last: NaiveDateTime, h: usize) -> Option<Vec<NaiveDateTime>> {
        let mut out = Vec::with_capacity(h);
        let mut t = last;
        for _ in 0..h {
            t = t.checked_add_signed(self.step)?;
            out.push(t);
        }
        Some(out)
    }
}
