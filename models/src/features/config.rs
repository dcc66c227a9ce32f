//! Which features to use ([`FeatureConfig`]) and their resolution for one series
//! ([`FeatureSpec`]).

use chrono::NaiveDateTime;

use super::cadence::{Cadence, Spacing};

/// Feature switches. Defaults suit daily cost series; data-dependent choices (lags, windows)
/// default to values derived from the cadence.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureConfig {
    /// Linear trend (a drift column after differencing).
    pub trend: bool,
    /// Six day-of-week dummies (Monday is the reference); daily series only.
    pub day_of_week: bool,
    /// Weekly Fourier pairs `sin/cos(2πk·day/7)`, `k = 1..K`; daily series only. Default 0: the
    /// day-of-week dummies already span every weekly shape; use this instead of the dummies for a
    /// smoother weekly profile.
    pub weekly_fourier: usize,
    /// Yearly Fourier pairs `sin/cos(2πk·day/365.25)`, `k = 1..K` (period 52.18 steps on weekly
    /// data), used only when the history spans at least [`Self::yearly_min_days`].
    pub yearly_fourier: usize,
    /// Minimum history span, in days, for the yearly terms (two years by default).
    pub yearly_min_days: f64,
    /// First-day-of-month and last-day-of-month dummies; daily series only.
    pub month_flags: bool,
    /// Lags `j` of the differenced series, `Δy_{t−j}`. `None`: `[1, 7]` daily, `[1, 2]`
    /// otherwise.
    pub diff_lags: Option<Vec<usize>>,
    /// Windows `w` of the level-gap features `y_{t−1} − mean(y_{t−w}..y_{t−1})` (mean reversion
    /// towards the recent level). `None`: `[7, 28]` daily, `[4, 13]` weekly, `[4]` otherwise.
    pub level_windows: Option<Vec<usize>>,
    /// A lag or window `L` is used only when the history has at least `min_rows_per_lag · L`
    /// points, so short histories keep enough training rows.
    pub min_rows_per_lag: usize,
}

impl Default for FeatureConfig {
    fn default() -> Self {
        FeatureConfig {
            trend: true,
            day_of_week: true,
            weekly_fourier: 0,
            yearly_fourier: 4,
            yearly_min_days: 730.0,
            month_flags: true,
            diff_lags: None,
            level_windows: None,
            min_rows_per_lag: 4,
        }
    }
}

/// The features of one series: a [`FeatureConfig`] resolved against the series' cadence and
/// history length.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureSpec {
    /// Spacing of the series.
    pub spacing: Spacing,
    /// Drift column present.
    pub trend: bool,
    /// Day-of-week dummies present.
    pub day_of_week: bool,
    /// Weekly Fourier pairs.
    pub weekly_fourier: usize,
    /// Yearly Fourier pairs (0 when the history is shorter than the configured minimum).
    pub yearly_fourier: usize,
    /// Month-start and month-end dummies present.
    pub month_flags: bool,
    /// Lags of the differenced series.
    pub diff_lags: Vec<usize>,
    /// Windows of the level-gap features.
    pub level_windows: Vec<usize>,
}

impl FeatureSpec {
    /// Resolve `config` for a series with these timestamps (ascending).
    pub fn resolve(config: &FeatureConfig, timestamps: &[NaiveDateTime]) -> Self {
        let spacing = Spacing::detect(timestamps);
        let daily = spacing.cadence == Cadence::Daily;
        let n = timestamps.len();
        let span_days = match (timestamps.first(), timestamps.last()) {
            (Some(a), Some(b)) => (*b - *a).num_seconds() as f64 / 86_400.0 + spacing.step_days(),
            _ => 0.0,
        };
        let (default_lags, default_windows) = match spacing.cadence {
            Cadence::Daily => (vec![1, 7], vec![7, 28]),
            Cadence::Weekly => (vec![1, 2], vec![4, 13]),
            Cadence::Other => (vec![1, 2], vec![4]),
        };
        let fits = |l: &usize| *l > 0 && n >= config.min_rows_per_lag.max(1) * l;
        let diff_lags = config.diff_lags.clone().unwrap_or(default_lags);
        let level_windows = config.level_windows.clone().unwrap_or(default_windows);
        FeatureSpec {
            spacing,
            trend: config.trend,
            day_of_week: daily && config.day_of_week,
            weekly_fourier: if daily { config.weekly_fourier } else { 0 },
            yearly_fourier: if span_days >= config.yearly_min_days && spacing.step_days() <= 31.0 {
                config.yearly_fourier
            } else {
                0
            },
            month_flags: daily && config.month_flags,
            diff_lags: diff_lags.into_iter().filter(fits).collect(),
            level_windows: level_windows
                .into_iter()
                .filter(|w| *w > 1 && fits(w))
                .collect(),
        }
    }

    /// Number of deterministic (calendar) columns, trend included.
    pub fn n_calendar(&self) -> usize {
        usize::from(self.trend)
            + if self.day_of_week { 6 } else { 0 }
            + 2 * self.weekly_fourier
            + 2 * self.yearly_fourier
            + if self.month_flags { 2 } else { 0 }
    }

    /// Number of data-dependent (lag) columns.
    pub fn n_lags(&self) -> usize {
        self.diff_lags.len() + self.level_windows.len()
    }

    /// Total number of columns.
    pub fn n_features(&self) -> usize {
        self.n_calendar() + self.n_lags()
    }

    /// First time index whose lag features are defined: `Δy_{t−j}` needs `t ≥ j + 1` and a
    /// window `w` needs `t ≥ w`. Always at least 1 (the target is a difference).
    pub fn warmup(&self) -> usize {
        let lags = self.diff_lags.iter().map(|j| j + 1).max().unwrap_or(1);
        let windows = self.level_windows.iter().copied().max().unwrap_or(1);
        lags.max(windows).max(1)
    }

    /// Which columns are calendar events (month start, month end): one flag per column.
    pub fn event_columns(&self) -> Vec<bool> {
        self.names()
            .iter()
            .map(|n| n == "month_start" || n == "month_end")
            .collect()
    }

    /// Column names, calendar columns first, in design-matrix order.
    pub fn names(&self) -> Vec<String> {
        let mut names = Vec::with_capacity(self.n_features());
        if self.trend {
            names.push("trend".to_string());
        }
        if self.day_of_week {
            for day in ["tue", "wed", "thu", "fri", "sat", "sun"] {
                names.push(format!("dow_{day}"));
            }
        }
        for k in 1..=self.weekly_fourier {
            names.push(format!("week_sin{k}"));
            names.push(format!("week_cos{k}"));
        }
        for k in 1..=self.yearly_fourier {
            names.push(format!("year_sin{k}"));
            names.push(format!("year_cos{k}"));
        }
        if self.month_flags {
            names.push("month_start".to_string());
            names.push("month_end".to_string());
        }
        for j in &self.diff_lags {
            names.push(format!("diff_lag{j}"));
        }
        for w in &self.level_windows {
            names.push(format!("level_gap{w}"));
        }
        names
    }
}
