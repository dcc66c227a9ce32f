//! Hyperparameter search by inner, time-ordered validation.
//!
//! Each candidate is fitted on the rows before the split and forecasts recursively from every
//! origin from the split to the end of the history (using the true values before each origin and
//! nothing after it). The candidate with the lowest mean absolute multi-step error on the
//! original scale wins; its error matrices later give the prediction intervals.

use super::config::ForecastConfig;
use super::error::ForecastError;
use super::intervals::ErrorMatrix;
use super::path::simulate;
use super::regression::{Fitted, Scaled};
use super::transform::Transform;
use crate::features::{Design, FeatureSpec};

/// Penalty ratio of the events-only candidate (nearly least squares on two columns).
pub const EVENTS_PENALTY: f64 = 0.001;

/// Fit `candidate` on `scaled` (restricted to the event columns for the events-only candidate).
pub fn fit_candidate(
    scaled: &Scaled,
    candidate: &Candidate,
    spec: &FeatureSpec,
    config: &ForecastConfig,
) -> Result<Fitted, ForecastError> {
    let (ratio, l1, iters, tol) = (
        candidate.penalty_ratio,
        candidate.l1_ratio,
        config.max_iterations,
        config.tolerance,
    );
    if candidate.events_only {
        scaled
            .restricted(&spec.event_columns())
            .fit(ratio, l1, iters, tol)
    } else {
        scaled.fit(ratio, l1, iters, tol)
    }
}

/// One point of the hyperparameter grid.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    /// Transform of the values.
    pub transform: Transform,
    /// Penalty as a fraction of `λ_max` (≥ 1: all coefficients zero, the naive forecast).
    pub penalty_ratio: f64,
    /// L1 ratio of the ElasticNet penalty.
    pub l1_ratio: f64,
    /// Only the calendar-event columns (month start/end) are fitted: the naive forecast adjusted
    /// for billing-calendar spikes (in the spirit of M4's seasonally adjusted Naive2).
    pub events_only: bool,
}

impl Candidate {
    /// Human-readable label (`level:naive`, `level:events_only`, `log:ratio=0.1,l1=0.5`).
    pub fn label(&self) -> String {
        if self.events_only {
            format!("{}:events_only", self.transform.name())
        } else if self.penalty_ratio >= 1.0 {
            format!("{}:naive", self.transform.name())
        } else {
            format!(
                "{}:ratio={},l1={}",
                self.transform.name(),
                self.penalty_ratio,
                self.l1_ratio
            )
        }
    }

    /// The grid of `config` for one transform: the naive candidate first (if enabled), the
    /// events-only candidate (if enabled and the spec has event columns), then strongest to
    /// weakest penalty.
    pub fn grid(config: &ForecastConfig, spec: &FeatureSpec, transform: Transform) -> Vec<Self> {
        let mut grid = Vec::new();
        let base = Candidate {
            transform,
            penalty_ratio: 1.0,
            l1_ratio: 1.0,
            events_only: false,
        };
        if config.naive_candidate {
            grid.push(base);
            if spec.month_flags && config.events_candidate {
                grid.push(Candidate {
                    penalty_ratio: EVENTS_PENALTY,
                    events_only: true,
                    ..base
                });
            }
        }
        let mut ratios = config.penalty_ratios.clone();
        ratios.sort_by(|a, b| b.total_cmp(a));
        for penalty_ratio in ratios {
            for &l1_ratio in &config.l1_ratios {
                grid.push(Candidate {
                    penalty_ratio,
                    l1_ratio,
                    ..base
                });
            }
        }
        grid
    }
}

/// Outcome of the search.
#[derive(Debug, Clone)]
pub struct Selection {
    /// Winning candidate.
    pub best: Candidate,
    /// Its mean absolute validation error on the original scale.
    pub mae: f64,
    /// Its validation errors on the transformed scale, by origin and step (interval widths).
    pub errors: ErrorMatrix,
    /// Its validation errors on the original scale (`actual − forecast`; month totals).
    pub errors_original: ErrorMatrix,
    /// Actuals and forecasts behind `errors_original`, flattened (for sMAPE).
    pub pairs: (Vec<f64>, Vec<f64>),
    /// Mean absolute error of every candidate, labelled.
    pub scores: Vec<(String, f64)>,
}

/// The series being validated: original values, and their transform.
pub struct Target<'a> {
    /// Original values.
    pub y: &'a [f64],
    /// `transform.forward(y)`.
    pub z: &'a [f64],
    /// The transform.
    pub transform: Transform,
}

/// Search `config`'s grid for `target.transform` with training rows before `split` and
/// validation origins `split..n`, forecasting up to `h` steps from each.
pub fn select(
    spec: &FeatureSpec,
    target: &Target<'_>,
    calendar: &[f64],
    split: usize,
    h: usize,
    config: &ForecastConfig,
    clip: bool,
) -> Result<Selection, ForecastError> {
    let (y, z, transform) = (target.y, target.z, target.transform);
    let design = Design::build(spec, z, calendar, 0..split);
    let scaled = Scaled::new(&design)?;
    let mut best: Option<Selection> = None;
    let mut scores = Vec::new();
    for candidate in Candidate::grid(config, spec, transform) {
        let fitted = fit_candidate(&scaled, &candidate, spec, config)?;
        let mut errors = ErrorMatrix::new();
        let mut errors_original = ErrorMatrix::new();
        let (mut actual, mut forecast) = (Vec::new(), Vec::new());
        let mut abs_sum = 0.0;
        for origin in split..y.len() {
            let steps = h.min(y.len() - origin);
            let pred = simulate(spec, &fitted.coef, z, calendar, origin, steps);
            let (mut row, mut row_original) =
                (Vec::with_capacity(steps), Vec::with_capacity(steps));
            for (k, p) in pred.iter().enumerate() {
                let p = transform.inverse(*p);
                let p = if clip { p.max(0.0) } else { p };
                let a = y[origin + k];
                actual.push(a);
                forecast.push(p);
                abs_sum += (a - p).abs();
                row_original.push(a - p);
                row.push(z[origin + k] - transform.forward(p));
            }
            errors.push(row);
            errors_original.push(row_original);
        }
        let mae = abs_sum / actual.len().max(1) as f64;
        let mae = if mae.is_finite() { mae } else { f64::INFINITY };
        scores.push((candidate.label(), mae));
        if best.as_ref().is_none_or(|b| mae < b.mae) {
            best = Some(Selection {
                best: candidate,
                mae,
                errors,
                errors_original,
                pairs: (actual, forecast),
                scores: Vec::new(),
            });
        }
    }
    let mut selection =
        best.ok_or_else(|| ForecastError::Invalid("empty hyperparameter grid".to_string()))?;
    selection.scores = scores;
    Ok(selection)
}
