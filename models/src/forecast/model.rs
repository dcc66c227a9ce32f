//! The ElasticNet forecaster: plan, search, final fit, forecast, intervals, artifact.

use super::baseline::{seasonal_naive, seasonal_naive_errors};
use super::config::ForecastConfig;
use super::error::{ForecastError, out_of_range};
use super::intervals::ErrorMatrix;
use super::path::simulate;
use super::regression::Scaled;
use super::result::{Forecast, ModelArtifact, ValidationSummary};
use super::select::{Selection, Target, fit_candidate, select};
use super::transform::Transform;
use super::validate::{check_series, non_negative};
use crate::features::{Cadence, Design, FeatureSpec, Spacing, calendar};
use crate::metrics::{mase_scale, smape};
use crate::series::Series;

/// Name of the regression model in [`Forecast::model`].
pub const MODEL_NAME: &str = "elasticnet_diff";

/// Forecast `h` steps of `series` with the ElasticNet regression on differenced features
/// (see [`crate::features`]), hyperparameters chosen by inner rolling validation, and 80/95 %
/// intervals from the validation errors. Histories shorter than the threshold of
/// [`ForecastConfig::min_history`] get the seasonal naive (period 7 for daily data, else 1) with
/// [`Forecast::fallback`] saying why.
pub fn forecast(
    series: &Series,
    h: usize,
    config: &ForecastConfig,
) -> Result<Forecast, ForecastError> {
    forecast_with_errors(series, h, config).map(|(f, _)| f)
}

/// Where the history is split for validation.
struct Plan {
    split: usize,
}

/// [`forecast`], also returning the out-of-sample error matrix behind the intervals.
pub(crate) fn forecast_with_errors(
    series: &Series,
    h: usize,
    config: &ForecastConfig,
) -> Result<(Forecast, ErrorMatrix), ForecastError> {
    check_series(series)?;
    check_config(config)?;
    let y = &series.values;
    let spec = FeatureSpec::resolve(&config.features, &series.timestamps);
    let plan = match plan(&spec, y.len(), config) {
        Ok(plan) => plan,
        Err(reason) => return fallback(series, &spec.spacing, h, reason),
    };
    let clip = config.clip_at_zero && non_negative(y);
    let n = y.len();
    let last = series.timestamps[n - 1];
    let future = spec.spacing.future(last, h).ok_or_else(out_of_range)?;
    let mut timeline = series.timestamps.clone();
    timeline.extend_from_slice(&future);
    let calendar = calendar::differenced(&spec, &timeline);

    let mut selection: Option<Selection> = None;
    let mut scores = Vec::new();
    let mut transformed: Vec<f64> = Vec::new();
    for transform in Transform::candidates(y, config.log_transform) {
        let z: Vec<f64> = y.iter().map(|v| transform.forward(*v)).collect();
        let target = Target {
            y,
            z: &z,
            transform,
        };
        let found = select(
            &spec,
            &target,
            &calendar,
            plan.split,
            h.max(1),
            config,
            clip,
        )?;
        scores.extend(found.scores.iter().cloned());
        if selection.as_ref().is_none_or(|s| found.mae < s.mae) {
            selection = Some(found);
            transformed = z;
        }
    }
    let mut selection =
        selection.ok_or_else(|| ForecastError::Invalid("no transform applies".to_string()))?;
    selection.scores = scores;
    let best = selection.best;
    let design = Design::build(&spec, &transformed, &calendar, 0..n);
    let scaled = Scaled::new(&design)?;
    let fitted = fit_candidate(&scaled, &best, &spec, config)?;
    let mut point = simulate(&spec, &fitted.coef, &transformed, &calendar, n, h);
    for p in point.iter_mut() {
        *p = best.transform.inverse(*p);
        if clip {
            *p = p.max(0.0);
        }
    }
    let [lo80, hi80, lo95, hi95] = selection
        .errors
        .bands(h)
        .apply(&point, best.transform, clip);

    let in_sample_mae = in_sample_mae(&design, &fitted.coef);
    let validation = summary(&selection, &y[..plan.split], spec.spacing.naive_period(), h);
    let artifact = ModelArtifact {
        model: MODEL_NAME.to_string(),
        training_start: series.timestamps.first().copied(),
        training_end: Some(last),
        training_points: n,
        feature_names: spec.names(),
        coefficients: fitted.coef,
        hyperparameters: vec![
            ("penalty".to_string(), fitted.penalty),
            ("penalty_ratio".to_string(), best.penalty_ratio),
            ("l1_ratio".to_string(), best.l1_ratio),
            (
                "events_only".to_string(),
                f64::from(u8::from(best.events_only)),
            ),
            (
                "log_transform".to_string(),
                f64::from(u8::from(best.transform == Transform::Log)),
            ),
            ("validation_points".to_string(), (n - plan.split) as f64),
        ],
        candidates: selection.scores,
        in_sample_mae,
        validation,
    };
    let forecast = Forecast {
        timestamps: future,
        point,
        lo80,
        hi80,
        lo95,
        hi95,
        model: MODEL_NAME.to_string(),
        fallback: None,
        artifact,
    };
    Ok((forecast, selection.errors_original))
}

/// Split for the validation window, or why the history is too short for the regression.
fn plan(spec: &FeatureSpec, n: usize, config: &ForecastConfig) -> Result<Plan, String> {
    let warmup = spec.warmup();
    let min_train = (config.rows_per_feature * spec.n_features()).max(14);
    let derived = warmup + min_train + config.min_validation;
    let required = config.min_history.unwrap_or(derived);
    let unit = match spec.spacing.cadence {
        Cadence::Daily => "days",
        Cadence::Weekly => "weeks",
        Cadence::Other => "points",
    };
    if n < required {
        return Err(format!("history of {n} {unit} is shorter than {required}"));
    }
    let wanted = (config.validation_fraction * n as f64).round() as usize;
    let val_len = wanted
        .clamp(
            config.min_validation,
            config.max_validation.max(config.min_validation),
        )
        .min(n.saturating_sub(warmup + min_train));
    if val_len == 0 || n - val_len < warmup + 2 {
        return Err(format!(
            "history of {n} {unit} leaves no room for a validation window"
        ));
    }
    Ok(Plan { split: n - val_len })
}

/// The seasonal-naive fallback with its reason.
fn fallback(
    series: &Series,
    spacing: &Spacing,
    h: usize,
    reason: String,
) -> Result<(Forecast, ErrorMatrix), ForecastError> {
    let m = spacing.naive_period();
    let mut forecast = seasonal_naive(series, m, h)?;
    forecast.fallback = Some(reason);
    Ok((forecast, seasonal_naive_errors(&series.values, m, h)))
}

fn check_config(config: &ForecastConfig) -> Result<(), ForecastError> {
    let bad = |what: &str| Err(ForecastError::Invalid(what.to_string()));
    if config
        .penalty_ratios
        .iter()
        .any(|r| !(*r > 0.0 && r.is_finite()))
    {
        return bad("penalty ratios must be positive and finite");
    }
    if config.l1_ratios.iter().any(|r| !(*r > 0.0 && *r <= 1.0)) {
        return bad("l1 ratios must be in (0, 1]");
    }
    if !(config.validation_fraction >= 0.0 && config.validation_fraction < 1.0) {
        return bad("validation fraction must be in [0, 1)");
    }
    if config.min_validation == 0 {
        return bad("the validation window needs at least one origin");
    }
    Ok(())
}

/// Mean absolute one-step error of the fit on its own rows.
fn in_sample_mae(design: &Design, coef: &[f64]) -> Option<f64> {
    if design.rows == 0 {
        return None;
    }
    let sum: f64 = design
        .x
        .chunks_exact(design.cols.max(1))
        .zip(&design.target)
        .map(|(row, t)| (t - row.iter().zip(coef).map(|(x, b)| x * b).sum::<f64>()).abs())
        .sum();
    Some(sum / design.rows as f64)
}

/// Validation scores of the selected candidate.
fn summary(selection: &Selection, train: &[f64], m: usize, h: usize) -> ValidationSummary {
    let (actual, forecast) = &selection.pairs;
    let n = actual.len();
    let mae = (n > 0).then(|| {
        actual
            .iter()
            .zip(forecast)
            .map(|(a, f)| (a - f).abs())
            .sum::<f64>()
            / n as f64
    });
    let scale = mase_scale(train, m).filter(|s| *s > 0.0);
    ValidationSummary {
        origins: selection.errors.origins(),
        horizon: h,
        mae,
        mase: mae.zip(scale).map(|(a, s)| a / s),
        smape: smape(actual, forecast),
    }
}
