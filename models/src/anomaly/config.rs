//! Detector settings, with defaults derived from the spacing of the timestamps.

use chrono::TimeDelta;

use super::error::AnomalyError;
use crate::series::Series;

/// How the expected value of each point is computed (see [`super::baseline`]).
#[derive(Debug, Clone, PartialEq)]
pub struct BaselineConfig {
    /// Seasonal period in points (7 for daily data, 288 for 5-minute data); `None` or `Some(1)`
    /// for a non-seasonal trailing median.
    pub period: Option<usize>,
    /// Number of past seasons whose same-phase values enter the seasonal median.
    pub seasons: usize,
    /// Recent points carried to the scored point's phase and averaged by median (without a
    /// period: the trailing-median window).
    pub level_window: usize,
}

/// Detector 1: robust z-score of residuals against their own trailing window.
#[derive(Debug, Clone, PartialEq)]
pub struct RobustConfig {
    /// Trailing window (points, excluding the scored point) for the residual median and MAD.
    pub window: usize,
    /// Points at the start of the series that are never scored (warm-up).
    pub warmup: usize,
    /// |z| at which a point is anomalous.
    pub threshold: f64,
    /// Absolute floor of the residual scale (same unit as the series).
    pub min_scale_abs: f64,
    /// Floor of the residual scale as a fraction of |expected value|.
    pub min_scale_rel: f64,
    /// Points of the sustained-deviation median (`median(z[t−k+1..=t])`).
    pub sustain_window: usize,
    /// |median z| over `sustain_window` points that is as anomalous as `threshold` for one
    /// point (calibrated on Gaussian noise: about 1e-4 per point either way).
    pub sustain_threshold: f64,
    /// Past scored points whose |z| quantile can raise the threshold.
    pub tail_window: usize,
    /// Quantile of past |z| used for the threshold (0.95).
    pub tail_quantile: f64,
    /// Multiplier of that quantile (2: no effect on Gaussian residuals).
    pub tail_factor: f64,
}

/// Detector 2: Gaussian mixture (linfa-clustering) density of per-point feature vectors.
#[derive(Debug, Clone, PartialEq)]
pub struct DensityConfig {
    /// Mixture components.
    pub components: usize,
    /// Scored points needed before the first fit.
    pub min_train: usize,
    /// At most this many most recent scored points are used for each fit.
    pub train_window: usize,
    /// Refit once this many new points exist since the last fit (earlier while the training set
    /// is still doubling).
    pub refit_every: usize,
    /// Score at which a point is anomalous, in units of the training points' NLL spread
    /// (`(NLL − Q50) / (Q99 − Q50)`, see [`super::density`]).
    pub threshold: f64,
    /// Short window (points) of the volatility feature.
    pub short_window: usize,
    /// EM iteration cap per fit.
    pub max_iterations: u64,
}

/// How flagged points are grouped into anomalies and typed.
#[derive(Debug, Clone, PartialEq)]
pub struct EventConfig {
    /// Flagged points separated by at most this many unflagged points form one anomaly.
    pub merge_gap: usize,
    /// Split anomalies where the residual changes sign (daily data: an over-spend day next to an
    /// under-spend day are two findings; intraday: one volatile episode).
    pub split_on_sign: bool,
    /// Points (from the onset) whose median residual z decides "level shift" versus
    /// spike/drop; the type is therefore known `shift_confirm − 1` points after the onset.
    pub shift_confirm: usize,
    /// |median z| over the confirmation points at which the change counts as sustained.
    pub shift_min_z: f64,
    /// Points before the onset inspected for a "new service" (series that was ~0).
    pub ramp_lookback: usize,
    /// The pre-onset median |value| must be at most this fraction of the value at onset.
    pub ramp_zero_fraction: f64,
}

/// All settings of [`super::detect`].
#[derive(Debug, Clone, PartialEq)]
pub struct AnomalyConfig {
    /// Expected-value model.
    pub baseline: BaselineConfig,
    /// Residual robust-z detector.
    pub robust: RobustConfig,
    /// Density detector; `None` disables it (the combined score is then the robust score).
    pub density: Option<DensityConfig>,
    /// Grouping and typing of anomalies.
    pub events: EventConfig,
}

impl AnomalyConfig {
    /// Defaults for daily data: weekly season (7) over 4 weeks, 8-week residual window,
    /// 14-day warm-up (AWS needs 10 days), |z| ≥ 3.5, level-shift type confirmed over 3 days.
    ///
    /// Tail rule of both cadences: `tail_factor · Q_tail_quantile(|N(0,1)|)` ≈ 3.5 daily
    /// (1.8 × 1.96) and 3.9 intraday (1.5 × 2.58), at or just above the fixed threshold, so
    /// Gaussian residuals are unaffected, and the tail window holds about
    /// 20 points beyond the quantile (365 days × 5 % here, 7 days × 288 × 1 % intraday) — a
    /// threshold rises only for series that exceed it routinely, not after one incident.
    pub fn daily() -> Self {
        AnomalyConfig {
            baseline: BaselineConfig {
                period: Some(7),
                seasons: 4,
                level_window: 7,
            },
            robust: RobustConfig {
                window: 56,
                warmup: 14,
                threshold: 3.5,
                min_scale_abs: 1e-9,
                min_scale_rel: 0.005,
                sustain_window: 5,
                sustain_threshold: 2.0,
                tail_window: 365,
                tail_quantile: 0.95,
                tail_factor: 1.8,
            },
            density: Some(DensityConfig {
                components: 3,
                min_train: 56,
                train_window: 365,
                refit_every: 91,
                threshold: 2.0,
                short_window: 7,
                max_iterations: 100,
            }),
            events: EventConfig {
                merge_gap: 2,
                split_on_sign: true,
                shift_confirm: 3,
                shift_min_z: 2.0,
                ramp_lookback: 14,
                ramp_zero_fraction: 0.05,
            },
        }
    }

    /// Defaults for sub-daily data with `points_per_day` observations a day (288 for 5-minute
    /// data): daily season over 4 days, 2-day residual window, 1-day warm-up, tail quantile
    /// 0.99 × 1.5 over 7 days, anomalies closer than an hour merged.
    pub fn intraday(points_per_day: usize) -> Self {
        let p = points_per_day.max(2);
        let hour = (p / 24).max(1);
        AnomalyConfig {
            baseline: BaselineConfig {
                period: Some(p),
                seasons: 4,
                level_window: 2 * hour,
            },
            robust: RobustConfig {
                window: 2 * p,
                warmup: p,
                threshold: 3.5,
                min_scale_abs: 1e-9,
                min_scale_rel: 0.005,
                sustain_window: hour,
                sustain_threshold: 1.5,
                tail_window: 7 * p,
                tail_quantile: 0.99,
                tail_factor: 1.5,
            },
            density: Some(DensityConfig {
                components: 3,
                min_train: p,
                train_window: 7 * p,
                refit_every: p,
                threshold: 2.0,
                short_window: hour,
                max_iterations: 100,
            }),
            events: EventConfig {
                merge_gap: hour,
                split_on_sign: false,
                shift_confirm: hour,
                shift_min_z: 2.0,
                ramp_lookback: p / 2,
                ramp_zero_fraction: 0.05,
            },
        }
    }

    /// Defaults for coarser-than-daily data (weekly, monthly): no season, short windows.
    pub fn coarse() -> Self {
        let mut cfg = AnomalyConfig::daily();
        cfg.baseline.period = None;
        cfg.baseline.level_window = 4;
        cfg.robust.window = 26;
        cfg.robust.warmup = 8;
        cfg.robust.tail_window = 104;
        if let Some(d) = cfg.density.as_mut() {
            d.min_train = 26;
            d.train_window = 156;
            d.refit_every = 26;
            d.short_window = 4;
        }
        cfg.events.ramp_lookback = 4;
        cfg
    }

    /// Defaults chosen from the median spacing of `series`' timestamps: ~1 day → [`daily`],
    /// shorter → [`intraday`] with the matching points per day, longer → [`coarse`].
    ///
    /// [`daily`]: AnomalyConfig::daily
    /// [`intraday`]: AnomalyConfig::intraday
    /// [`coarse`]: AnomalyConfig::coarse
    pub fn for_series(series: &Series) -> Self {
        match median_spacing(series) {
            Some(step) if step < TimeDelta::hours(20) && step > TimeDelta::zero() => {
                let per_day = (86_400.0 / step.num_seconds().max(1) as f64).round() as usize;
                AnomalyConfig::intraday(per_day)
            }
            Some(step) if step > TimeDelta::hours(28) => AnomalyConfig::coarse(),
            _ => AnomalyConfig::daily(),
        }
    }

    /// Checks ranges; every detector entry point calls it.
    pub fn validate(&self) -> Result<(), AnomalyError> {
        let bad = |m: &str| Err(AnomalyError::InvalidConfig(m.to_string()));
        let pos = |x: f64| x > 0.0;
        let nonneg = |x: f64| x >= 0.0;
        if self.baseline.seasons == 0 || self.baseline.level_window == 0 {
            return bad("baseline.seasons and baseline.level_window must be ≥ 1");
        }
        if self.robust.sustain_window == 0 || !pos(self.robust.sustain_threshold) {
            return bad("robust.sustain_window ≥ 1 and robust.sustain_threshold > 0");
        }
        if self.robust.window < 3 {
            return bad("robust.window must be ≥ 3");
        }
        if !pos(self.robust.threshold) || !pos(self.robust.min_scale_abs) {
            return bad("robust.threshold and robust.min_scale_abs must be > 0");
        }
        if !nonneg(self.robust.min_scale_rel) {
            return bad("robust.min_scale_rel must be ≥ 0");
        }
        if let Some(d) = &self.density {
            if d.components == 0 || d.max_iterations == 0 || d.short_window == 0 {
                return bad("density.components, max_iterations and short_window must be ≥ 1");
            }
            if d.min_train < 4 * d.components || d.train_window < d.min_train {
                return bad("density.min_train ≥ 4·components and train_window ≥ min_train");
            }
            if d.refit_every == 0 || !pos(d.threshold) {
                return bad("density.refit_every ≥ 1 and density.threshold > 0");
            }
        }
        if self.events.shift_confirm == 0 || !nonneg(self.events.ramp_zero_fraction) {
            return bad("events.shift_confirm ≥ 1 and events.ramp_zero_fraction ≥ 0");
        }
        Ok(())
    }
}

/// Median difference between consecutive timestamps (`None` with fewer than two points).
pub fn median_spacing(series: &Series) -> Option<TimeDelta> {
    let mut steps: Vec<i64> = series
        .timestamps
        .windows(2)
        .map(|w| (w[1] - w[0]).num_seconds())
        .collect();
    if steps.is_empty() {
        return None;
    }
    let mid = steps.len() / 2;
    let (_, m, _) = steps.select_nth_unstable(mid);
    Some(TimeDelta::seconds(*m))
}
