//! Variance-stabilising transform of the series before fitting.

/// How values are transformed before the regression (chosen by validation with the other
/// hyperparameters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transform {
    /// Values as they are: additive calendar effects and additive errors.
    Level,
    /// Natural logarithm (strictly positive series only): multiplicative effects, errors
    /// proportional to the level. Forecasts are back-transformed medians.
    Log,
}

impl Transform {
    /// Name for artifacts (`level`, `log`).
    pub fn name(self) -> &'static str {
        match self {
            Transform::Level => "level",
            Transform::Log => "log",
        }
    }

    /// Transformed value.
    pub fn forward(self, v: f64) -> f64 {
        match self {
            Transform::Level => v,
            Transform::Log => v.ln(),
        }
    }

    /// Value on the original scale.
    pub fn inverse(self, v: f64) -> f64 {
        match self {
            Transform::Level => v,
            Transform::Log => v.exp(),
        }
    }

    /// Transforms applicable to `values`: the level always, the log when every value is
    /// strictly positive and `log_allowed`.
    pub fn candidates(values: &[f64], log_allowed: bool) -> Vec<Transform> {
        let mut out = vec![Transform::Level];
        if log_allowed && !values.is_empty() && values.iter().all(|v| *v > 0.0) {
            out.push(Transform::Log);
        }
        out
    }
}
