//! What a forecast returns: the forecast itself and the artifact describing the fitted model.

use chrono::NaiveDateTime;

/// Point forecasts with 80 % and 95 % prediction intervals, one entry per future step.
#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    /// Future timestamps, one step apart after the last observation.
    pub timestamps: Vec<NaiveDateTime>,
    /// Point forecast.
    pub point: Vec<f64>,
    /// Lower bound of the 80 % interval.
    pub lo80: Vec<f64>,
    /// Upper bound of the 80 % interval.
    pub hi80: Vec<f64>,
    /// Lower bound of the 95 % interval.
    pub lo95: Vec<f64>,
    /// Upper bound of the 95 % interval.
    pub hi95: Vec<f64>,
    /// Model that produced the forecast (`elasticnet_diff`, `seasonal_naive_7`, `naive`, …).
    pub model: String,
    /// Why the requested model was not used (short history), if it was not.
    pub fallback: Option<String>,
    /// Description of the fitted model.
    pub artifact: ModelArtifact,
}

impl Forecast {
    /// Number of forecast steps.
    pub fn len(&self) -> usize {
        self.point.len()
    }

    /// No forecast steps.
    pub fn is_empty(&self) -> bool {
        self.point.is_empty()
    }
}

/// A fitted model, in plain types so that callers can serialise it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ModelArtifact {
    /// Model name (same as [`Forecast::model`]).
    pub model: String,
    /// First training timestamp.
    pub training_start: Option<NaiveDateTime>,
    /// Last training timestamp (the forecast origin is one step later).
    pub training_end: Option<NaiveDateTime>,
    /// Observations in the training window.
    pub training_points: usize,
    /// Names of the regression columns (empty for baselines).
    pub feature_names: Vec<String>,
    /// Coefficients per column, in units of the differenced series per unit of the differenced
    /// feature (features were standardised for the fit; these are mapped back).
    pub coefficients: Vec<f64>,
    /// Named hyperparameters (`penalty`, `penalty_ratio`, `l1_ratio`, `period`, …).
    pub hyperparameters: Vec<(String, f64)>,
    /// Validation score (mean absolute multi-step error) of every searched candidate, labelled.
    pub candidates: Vec<(String, f64)>,
    /// Mean absolute one-step-ahead error of the final fit on its own training rows, on the
    /// fitted (possibly log) scale.
    pub in_sample_mae: Option<f64>,
    /// Out-of-sample scores on the inner validation window.
    pub validation: ValidationSummary,
}

/// Scores of the chosen model on its inner rolling validation (fitted before the window,
/// forecasting from every origin inside it).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ValidationSummary {
    /// Forecast origins evaluated.
    pub origins: usize,
    /// Steps ahead evaluated from each origin (at most).
    pub horizon: usize,
    /// Mean absolute error over all (origin, step) pairs.
    pub mae: Option<f64>,
    /// MAE divided by the in-sample naive-period MAE of the training part.
    pub mase: Option<f64>,
    /// M4 sMAPE (percent) over all (origin, step) pairs.
    pub smape: Option<f64>,
}
