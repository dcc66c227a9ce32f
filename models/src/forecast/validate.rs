//! Input checks shared by every forecaster.

use super::error::ForecastError;
use crate::series::Series;

/// Check that `series` is non-empty, has one finite value per timestamp and strictly ascending
/// timestamps.
pub fn check_series(series: &Series) -> Result<(), ForecastError> {
    if series.timestamps.len() != series.values.len() {
        return Err(ForecastError::LengthMismatch {
            timestamps: series.timestamps.len(),
            values: series.values.len(),
        });
    }
    if series.is_empty() {
        return Err(ForecastError::EmptySeries);
    }
    if let Some(index) = series.values.iter().position(|v| !v.is_finite()) {
        return Err(ForecastError::NonFinite { index });
    }
    if let Some(i) = series.timestamps.windows(2).position(|w| w[1] <= w[0]) {
        return Err(ForecastError::Unordered { index: i + 1 });
    }
    Ok(())
}

/// True when no value is negative (forecasts may then be clipped at zero).
pub fn non_negative(values: &[f64]) -> bool {
    values.iter().all(|v| *v >= 0.0)
}
