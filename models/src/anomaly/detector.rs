//! Entry points: score a series and list its anomalies.

use super::baseline::{Scratch, expected_at, expected_values, inactive, residuals};
use super::combine::combine;
use super::config::AnomalyConfig;
use super::density::density_scores;
use super::error::AnomalyError;
use super::events::{Anomaly, EventInputs, anomaly_runs, build_anomalies};
use super::robust::{robust_scores, robust_z_scores};
use super::signals::{N_FEATURES, SignalInputs, SignalParams, feature_rows};
use crate::series::Series;

/// Per-point scores and the anomalies of one series.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Detection {
    /// Expected value per point (from earlier points only, or supplied by the caller).
    pub expected: Vec<f64>,
    /// Expected value used for impacts: inside an anomaly, what the baseline expected from the
    /// data before the anomaly's onset (so a level shift or ramp is measured against the level
    /// before the change, not against a baseline that has started to follow it); elsewhere, and
    /// for caller-supplied expectations, equal to `expected`.
    pub impact_expected: Vec<f64>,
    /// `actual − expected` per point.
    pub residuals: Vec<f64>,
    /// Detector 1: signed robust z of the residual (0 where not scored).
    pub robust_z: Vec<f64>,
    /// Detector 1's score in threshold units (max of its point and sustained scores, see
    /// [`super::robust`]).
    pub robust: Vec<f64>,
    /// Detector 2: density score (`NaN` where the model was not available yet or the detector
    /// is off).
    pub density: Vec<f64>,
    /// Combined score in threshold units (≥ 1 = anomalous point).
    pub combined: Vec<f64>,
    /// Anomalies (runs of flagged points), in time order.
    pub anomalies: Vec<Anomaly>,
    /// Successful density-model fits.
    pub density_fits: usize,
    /// Failed density-model fits (the previous model was kept).
    pub density_failed_fits: usize,
}

/// A valid config and one timestamp per value.
fn check_input(series: &Series, cfg: &AnomalyConfig) -> Result<(), AnomalyError> {
    cfg.validate()?;
    check_len(
        "series.timestamps",
        series.values.len(),
        series.timestamps.len(),
    )
}

/// Scores `series` against the robust seasonal baseline of [`super::baseline`].
pub fn detect(series: &Series, cfg: &AnomalyConfig) -> Result<Detection, AnomalyError> {
    check_input(series, cfg)?;
    let expected = expected_values(&series.values, &cfg.baseline);
    score(series, expected, cfg, true)
}

/// Scores `series` against caller-supplied expected values (e.g. one-step-ahead forecasts);
/// `expected[t]` must not use `series.values[t..]`. `NaN` marks points without an expectation.
pub fn detect_with_expected(
    series: &Series,
    expected: &[f64],
    cfg: &AnomalyConfig,
) -> Result<Detection, AnomalyError> {
    check_input(series, cfg)?;
    check_len("expected", series.values.len(), expected.len())?;
    score(series, expected.to_vec(), cfg, false)
}

fn check_len(what: &'static str, expected: usize, got: usize) -> Result<(), AnomalyError> {
    if expected == got {
        Ok(())
    } else {
        Err(AnomalyError::LengthMismatch {
            what,
            expected,
            got,
        })
    }
}

/// Scores residuals against `expected`; `freeze` recomputes the expectation inside anomalies
/// from the data before their onset (only meaningful for the built-in baseline).
fn score(
    series: &Series,
    expected: Vec<f64>,
    cfg: &AnomalyConfig,
    freeze: bool,
) -> Result<Detection, AnomalyError> {
    let values = &series.values;
    let residuals = residuals(values, &expected);
    let robust_z = robust_z_scores(&residuals, &expected, &cfg.robust);
    let mut density = vec![f64::NAN; values.len()];
    let (mut fits, mut failed) = (0, 0);
    if let Some(dcfg) = &cfg.density {
        let from = cfg.robust.warmup.min(values.len());
        let inputs = SignalInputs {
            values,
            residuals: &residuals,
            expected: &expected,
            z: &robust_z,
        };
        let params = SignalParams {
            window: cfg.robust.window,
            sustain: cfg.robust.sustain_window,
            short_window: dcfg.short_window,
            min_scale_abs: cfg.robust.min_scale_abs,
            min_scale_rel: cfg.robust.min_scale_rel,
        };
        let rows = feature_rows(&inputs, &params, from);
        let trainable: Vec<bool> = (from..values.len())
            .map(|t| !inactive(values[t], expected[t]))
            .collect();
        let run = density_scores(&rows, N_FEATURES, &trainable, dcfg);
        density[from..].copy_from_slice(&run.scores);
        (fits, failed) = (run.fits, run.failed_fits);
    }
    let dthr = cfg.density.as_ref().map_or(1.0, |d| d.threshold);
    let scores = robust_scores(&robust_z, &cfg.robust);
    let combined = combine(&scores.point, &scores.sustained, &density, dthr);
    let robust = scores.overall();
    let runs = anomaly_runs(&combined, &residuals, &cfg.events);
    let mut impact_expected = expected.clone();
    if freeze {
        let mut scratch = Scratch::default();
        for &(s, e) in &runs {
            for (t, slot) in impact_expected.iter_mut().enumerate().take(e + 1).skip(s) {
                let frozen = expected_at(values, s, t, &cfg.baseline, &mut scratch);
                if frozen.is_finite() {
                    *slot = frozen;
                }
            }
        }
    }
    let inputs = EventInputs {
        timestamps: &series.timestamps,
        values,
        expected: &expected,
        impact_expected: &impact_expected,
        z: &robust_z,
        combined: &combined,
    };
    let anomalies = build_anomalies(&inputs, &runs, &cfg.events);
    Ok(Detection {
        expected,
        impact_expected,
        residuals,
        robust_z,
        robust,
        density,
        combined,
        anomalies,
        density_fits: fits,
        density_failed_fits: failed,
    })
}

/// [`detect`] on many series, split over `threads` OS threads (results in input order).
pub fn detect_many(
    series: &[Series],
    cfg: &AnomalyConfig,
    threads: usize,
) -> Vec<Result<Detection, AnomalyError>> {
    let threads = threads.max(1);
    let chunk = series.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = series
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || part.iter().map(|s| detect(s, cfg)).collect::<Vec<_>>())
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| match h.join() {
                Ok(v) => v,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}
