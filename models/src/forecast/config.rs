//! Forecaster settings.

use crate::features::FeatureConfig;

/// Settings of the ElasticNet forecaster ([`super::forecast`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastConfig {
    /// Which features to build.
    pub features: FeatureConfig,
    /// Penalty candidates as fractions of `λ_max` (the smallest penalty that zeroes every
    /// coefficient, computed per fit), searched by inner validation.
    pub penalty_ratios: Vec<f64>,
    /// L1 ratio candidates (1 = lasso, 0 = ridge; must be > 0 for `λ_max` to exist).
    pub l1_ratios: Vec<f64>,
    /// Also search the log transform (strictly positive series only) besides the level.
    pub log_transform: bool,
    /// Also consider all-zero coefficients, i.e. the naive forecast, in the search.
    pub naive_candidate: bool,
    /// With the naive candidate, also consider the naive adjusted for month-start/-end effects
    /// only (daily series with month flags).
    pub events_candidate: bool,
    /// Share of the history used as the inner validation window (origins), before clamping.
    pub validation_fraction: f64,
    /// Minimum length of the validation window, in steps.
    pub min_validation: usize,
    /// Maximum length of the validation window, in steps.
    pub max_validation: usize,
    /// Minimum training rows, as a multiple of the number of features (at least 14 rows).
    pub rows_per_feature: usize,
    /// Histories shorter than this fall back to the seasonal naive. `None`: warm-up + minimum
    /// training rows + minimum validation window (46 points for a default daily series).
    pub min_history: Option<usize>,
    /// Clip forecasts and bounds at zero when the history has no negative value (costs).
    pub clip_at_zero: bool,
    /// Coordinate-descent iteration cap per fit.
    pub max_iterations: u32,
    /// Coordinate-descent tolerance.
    pub tolerance: f64,
}

impl Default for ForecastConfig {
    fn default() -> Self {
        ForecastConfig {
            features: FeatureConfig::default(),
            penalty_ratios: vec![0.3, 0.1, 0.03, 0.01, 0.001],
            l1_ratios: vec![0.5, 0.95],
            log_transform: true,
            naive_candidate: true,
            events_candidate: true,
            validation_fraction: 0.4,
            min_validation: 14,
            max_validation: 182,
            rows_per_feature: 2,
            min_history: None,
            clip_at_zero: true,
            max_iterations: 1000,
            tolerance: 1e-4,
        }
    }
}
