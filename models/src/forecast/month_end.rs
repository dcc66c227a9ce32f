//! Month-end projection: actual-to-date plus the forecast of the remaining days.
//!
//! The interval of the month total comes from the same rolling out-of-sample errors as the daily
//! intervals, but summed along each origin's path before taking quantiles
//! ([`super::intervals::ErrorMatrix::partial_sums`]): daily errors are correlated (a level shift
//! misses every remaining day at once), so the sum of per-day bounds would be too wide when
//! errors cancel and the root-sum-of-squares too narrow when they do not.

use chrono::{Datelike, NaiveDate};

use super::config::ForecastConfig;
use super::error::ForecastError;
use super::model::forecast_with_errors;
use super::result::Forecast;
use super::validate::{check_series, non_negative};
use crate::features::{Cadence, Spacing};
use crate::series::Series;

/// Projected total of one calendar month.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthEndProjection {
    /// First day of the month.
    pub month_start: NaiveDate,
    /// Last day of the month.
    pub month_end: NaiveDate,
    /// Date of the last observation used (on or before the as-of date).
    pub last_observed: NaiveDate,
    /// Observations inside the month up to the as-of date.
    pub days_observed: usize,
    /// Days of the month after the last observation (forecast).
    pub days_remaining: usize,
    /// Sum of the observations inside the month up to the as-of date.
    pub actual_to_date: f64,
    /// Sum of the point forecasts of the remaining days.
    pub forecast_remaining: f64,
    /// Projected month total: actual-to-date plus forecast.
    pub total: f64,
    /// Lower bound of the 80 % interval of the total.
    pub lo80: f64,
    /// Upper bound of the 80 % interval of the total.
    pub hi80: f64,
    /// Lower bound of the 95 % interval of the total.
    pub lo95: f64,
    /// Upper bound of the 95 % interval of the total.
    pub hi95: f64,
    /// The forecast of the days after the last observation (model, fallback, artifact).
    pub daily: Forecast,
}

/// Project the total of the month containing `as_of` from the observations of a daily `series`
/// dated on or before `as_of` (later ones are ignored, so the projection can be backtested).
/// Days between the last observation and the month end are forecast with [`super::forecast`].
pub fn project_month_end(
    series: &Series,
    as_of: NaiveDate,
    config: &ForecastConfig,
) -> Result<MonthEndProjection, ForecastError> {
    check_series(series)?;
    let used = series
        .timestamps
        .iter()
        .take_while(|t| t.date() <= as_of)
        .count();
    if used == 0 {
        return Err(ForecastError::Invalid(format!(
            "no observation on or before {as_of}"
        )));
    }
    let history = Series::new(
        series.timestamps[..used].to_vec(),
        series.values[..used].to_vec(),
    );
    let month_end = last_day_of_month(as_of).ok_or_else(|| bad_date(as_of))?;
    let (_, mut months) = project_months(&history, month_end, config)?;
    months.pop().ok_or_else(|| bad_date(as_of))
}

/// One forecast of a daily `series` from its last observation through `through`, and the
/// projected total of every calendar month from the month of the last observation to the month
/// of `through` (actual to date plus the forecast of its remaining days, with intervals from
/// error paths summed over exactly those days). Each projection's `daily` is the whole forecast.
pub fn project_months(
    series: &Series,
    through: NaiveDate,
    config: &ForecastConfig,
) -> Result<(Forecast, Vec<MonthEndProjection>), ForecastError> {
    check_series(series)?;
    let spacing = Spacing::detect(&series.timestamps);
    if spacing.cadence != Cadence::Daily {
        return Err(ForecastError::Invalid(
            "month-end projection needs a daily series".into(),
        ));
    }
    let last_observed = series
        .timestamps
        .last()
        .map(|t| t.date())
        .ok_or_else(|| ForecastError::Invalid("empty series".into()))?;
    let h = usize::try_from((through - last_observed).num_days()).unwrap_or(0);
    let (daily, errors) = forecast_with_errors(series, h, config)?;
    let clip = non_negative(&series.values) && config.clip_at_zero;
    let mut months = Vec::new();
    let mut month_start = last_observed
        .with_day(1)
        .ok_or_else(|| bad_date(last_observed))?;
    while month_start <= through {
        let month_end = last_day_of_month(month_start).ok_or_else(|| bad_date(month_start))?;
        let in_month = |d: NaiveDate| d >= month_start && d <= month_end;
        let (days_observed, actual_to_date) = series
            .timestamps
            .iter()
            .zip(&series.values)
            .filter(|(t, _)| in_month(t.date()))
            .fold((0, 0.0), |(n, s), (_, v)| (n + 1, s + v));
        // forecast steps [first, last) fall in this month
        let first = daily
            .timestamps
            .iter()
            .position(|t| in_month(t.date()))
            .unwrap_or(h);
        let last = daily
            .timestamps
            .iter()
            .rposition(|t| in_month(t.date()))
            .map_or(first, |i| i + 1);
        let days_remaining = last - first;
        let forecast_remaining: f64 = daily.point[first..last].iter().sum();
        let total = actual_to_date + forecast_remaining;
        let (mut lo80, mut hi80, mut lo95, mut hi95) = (total, total, total, total);
        if days_remaining > 0 {
            let bands = errors.partial_sums(first + 1).bands(days_remaining);
            let k = days_remaining - 1;
            lo80 += bands.lo80[k];
            hi80 += bands.hi80[k];
            lo95 += bands.lo95[k];
            hi95 += bands.hi95[k];
        }
        if clip {
            lo80 = lo80.max(actual_to_date);
            lo95 = lo95.max(actual_to_date);
        }
        months.push(MonthEndProjection {
            month_start,
            month_end,
            last_observed,
            days_observed,
            days_remaining,
            actual_to_date,
            forecast_remaining,
            total,
            lo80,
            hi80,
            lo95,
            hi95,
            daily: daily.clone(),
        });
        month_start = month_end.succ_opt().ok_or_else(|| bad_date(month_end))?;
    }
    Ok((daily, months))
}

/// Last day of the month of `date`.
pub fn last_day_of_month(date: NaiveDate) -> Option<NaiveDate> {
    let (y, m) = if date.month() == 12 {
        (date.year() + 1, 1)
    } else {
        (date.year(), date.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)?.pred_opt()
}

fn bad_date(date: NaiveDate) -> ForecastError {
    ForecastError::Invalid(format!("cannot build the month of {date}"))
}
