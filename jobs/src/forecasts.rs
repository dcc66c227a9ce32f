//! The forecast job: daily series per measure and dimension (from [`crate::series`]) → one linfa
//! forecast each to the end of the month after the partition, with 80/95 % intervals and the
//! fitted model's artifact, in the `forecasts` table; and the projected total of every month
//! the horizon touches (actual to date + forecast of the rest, with intervals) in
//! `month_projections`. Both are partitioned `provider=all/billing_account=all/
//! billing_period=<month forecast from>`, so a re-run replaces that month's rows.

use crate::error::Result;
use crate::ingest::Progress;
pub use crate::series::SeriesSpec;
use crate::series::{DailySeries, read_families};
use chrono::{Datelike, NaiveDate};
use models::forecast::{Forecast, ForecastConfig, MonthEndProjection, project_months};
use polars::prelude::*;
use warehouse::Warehouse;

/// Name of the daily forecasts table.
pub const FORECASTS_TABLE: &str = "forecasts";

/// Name of the month-total projections table.
pub const PROJECTIONS_TABLE: &str = "month_projections";

/// What to forecast.
#[derive(Debug, Clone)]
pub struct ForecastRequest {
    /// Run id recorded on every row.
    pub run_id: String,
    /// Last billing period (`YYYY-MM`) of the history; forecasts run to the end of the next.
    pub through: String,
    /// Series families (each value of each dimension is a series).
    pub series: Vec<SeriesSpec>,
    /// greenops version and commit, recorded with the model.
    pub code_version: String,
}

/// What a forecast run produced.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ForecastSummary {
    /// Series forecast.
    pub series: usize,
    /// Daily rows written (series × days).
    pub rows: usize,
    /// Month projections written.
    pub projections: usize,
    /// Series that fell back to the seasonal naive (short history).
    pub fallbacks: usize,
    /// Series skipped because they have no cost in the partition's month (discontinued
    /// services, closed accounts): forecasting them would extrapolate from a stale past.
    pub stale: usize,
}

/// One fitted series.
struct Fitted {
    spec: SeriesSpec,
    key: String,
    daily: Forecast,
    months: Vec<MonthEndProjection>,
}

/// Forecasts every series and commits the `forecasts` and `month_projections` partitions of
/// `request.through`. `progress` is asked before the commits whether to stop.
///
/// # Errors
/// Warehouse, polars or model failures (a malformed `through` is a bad value);
/// [`crate::JobError::Cancelled`] when stopped, with nothing committed.
pub async fn forecast_costs(
    warehouse: &Warehouse,
    request: &ForecastRequest,
    progress: &dyn Progress,
) -> Result<ForecastSummary> {
    let end = end_of_next_month(&request.through)?;
    let mut inputs = read_families(warehouse, &request.series, &request.through, progress).await?;
    let month_start = end
        .with_day(1)
        .and_then(|d| d.checked_sub_months(chrono::Months::new(1)))
        .unwrap_or(end);
    let before = inputs.len();
    inputs.retain(|(_, s)| s.days.last().is_some_and(|d| *d >= month_start));
    let stale = before - inputs.len();
    progress.phase("forecasting");
    let fitted: Vec<Fitted> =
        crate::blocking::run(move || inputs.into_iter().map(fit(end)).collect::<Result<Vec<_>>>())
            .await??;
    let mut rows = Rows::default();
    let mut months = MonthRows::default();
    let mut summary = ForecastSummary {
        stale,
        ..Default::default()
    };
    for f in &fitted {
        summary.series += 1;
        summary.fallbacks += usize::from(f.daily.fallback.is_some());
        rows.push(f, &request.code_version);
        months.push(f);
    }
    summary.rows = rows.day.len();
    summary.projections = months.month.len();
    if progress.should_stop() {
        return Err(crate::JobError::Cancelled);
    }
    progress.phase("committing");
    let (run, period) = (&request.run_id, &request.through);
    let df = rows.frame(request)?;
    crate::derived::commit_period(warehouse, FORECASTS_TABLE, run, period, df).await?;
    let df = months.frame(request)?;
    crate::derived::commit_period(warehouse, PROJECTIONS_TABLE, run, period, df).await?;
    Ok(summary)
}

/// Fits one series through `end`.
fn fit(end: NaiveDate) -> impl Fn((SeriesSpec, DailySeries)) -> Result<Fitted> {
    move |(spec, s)| {
        let series = s.to_series();
        let (daily, months) =
            project_months(&series, end, &ForecastConfig::default()).map_err(|e| {
                crate::JobError::Polars(PolarsError::ComputeError(
                    format!(
                        "forecast of {} by {}={}: {e}",
                        spec.measure, spec.dimension, s.key
                    )
                    .into(),
                ))
            })?;
        Ok(Fitted {
            spec,
            key: s.key,
            daily,
            months,
        })
    }
}

/// Last day of the month after `YYYY-MM`.
fn end_of_next_month(period: &str) -> Result<NaiveDate> {
    let bad = || crate::JobError::BadValue {
        file: "partition".into(),
        row: 0,
        column: "billing_period".into(),
        reason: format!("`{period}` is not YYYY-MM"),
    };
    let first =
        NaiveDate::parse_from_str(&format!("{period}-01"), "%Y-%m-%d").map_err(|_| bad())?;
    let after_next = first
        .checked_add_months(chrono::Months::new(2))
        .ok_or_else(bad)?;
    after_next
        .pred_opt()
        .filter(|d| d.day() >= 28)
        .ok_or_else(bad)
}

/// Columns of the forecasts table, row by row.
#[derive(Default)]
struct Rows {
    measure: Vec<String>,
    dimension: Vec<String>,
    key: Vec<String>,
    day: Vec<String>,
    values: [Vec<f64>; 5],
    model: Vec<String>,
    fallback: Vec<Option<String>>,
    training_start: Vec<Option<String>>,
    training_end: Vec<Option<String>>,
    hyperparameters: Vec<String>,
    coefficients: Vec<String>,
    validation_mase: Vec<Option<f64>>,
    code_version: Vec<String>,
}

impl Rows {
    fn push(&mut self, fitted: &Fitted, code_version: &str) {
        let f = &fitted.daily;
        let a = &f.artifact;
        let params = a
            .hyperparameters
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(";");
        // feature → coefficient, in feature order, so the fitted model can be rebuilt
        let coefficients = serde_json::Value::Object(
            a.feature_names
                .iter()
                .zip(&a.coefficients)
                .map(|(name, c)| (name.clone(), serde_json::json!(c)))
                .collect(),
        )
        .to_string();
        let date = |t: Option<chrono::NaiveDateTime>| t.map(|t| t.date().to_string());
        for (i, t) in f.timestamps.iter().enumerate() {
            self.measure.push(fitted.spec.measure.to_string());
            self.dimension.push(fitted.spec.dimension.to_string());
            self.key.push(fitted.key.clone());
            self.day.push(t.date().to_string());
            for (column, v) in self
                .values
                .iter_mut()
                .zip([&f.point, &f.lo80, &f.hi80, &f.lo95, &f.hi95])
            {
                column.push(v[i]);
            }
            self.model.push(f.model.clone());
            self.fallback.push(f.fallback.clone());
            self.training_start.push(date(a.training_start));
            self.training_end.push(date(a.training_end));
            self.hyperparameters.push(params.clone());
            self.coefficients.push(coefficients.clone());
            self.validation_mase.push(a.validation.mase);
            self.code_version.push(code_version.to_string());
        }
    }

    fn frame(self, request: &ForecastRequest) -> Result<DataFrame> {
        let n = self.day.len();
        let [point, lo80, hi80, lo95, hi95] = self.values;
        let columns = vec![
            Column::new("measure".into(), self.measure),
            Column::new("dimension".into(), self.dimension),
            Column::new("key".into(), self.key),
            Column::new("day".into(), self.day),
            Column::new("forecast".into(), point),
            Column::new("lo80".into(), lo80),
            Column::new("hi80".into(), hi80),
            Column::new("lo95".into(), lo95),
            Column::new("hi95".into(), hi95),
            Column::new("model".into(), self.model),
            Column::new("fallback".into(), self.fallback),
            Column::new("training_start".into(), self.training_start),
            Column::new("training_end".into(), self.training_end),
            Column::new("hyperparameters".into(), self.hyperparameters),
            Column::new("coefficients".into(), self.coefficients),
            Column::new("validation_mase".into(), self.validation_mase),
            Column::new("code_version".into(), self.code_version),
            Column::new("run_id".into(), vec![request.run_id.as_str(); n]),
        ];
        Ok(DataFrame::new_infer_height(columns)?)
    }
}

/// Columns of the month projections table, row by row.
#[derive(Default)]
struct MonthRows {
    measure: Vec<String>,
    dimension: Vec<String>,
    key: Vec<String>,
    month: Vec<String>,
    last_observed: Vec<String>,
    days_observed: Vec<u32>,
    days_forecast: Vec<u32>,
    actual_to_date: Vec<f64>,
    forecast_remaining: Vec<f64>,
    values: [Vec<f64>; 5],
    model: Vec<String>,
}

impl MonthRows {
    fn push(&mut self, fitted: &Fitted) {
        for m in &fitted.months {
            self.measure.push(fitted.spec.measure.to_string());
            self.dimension.push(fitted.spec.dimension.to_string());
            self.key.push(fitted.key.clone());
            self.month.push(m.month_start.format("%Y-%m").to_string());
            self.last_observed.push(m.last_observed.to_string());
            self.days_observed
                .push(u32::try_from(m.days_observed).unwrap_or(u32::MAX));
            self.days_forecast
                .push(u32::try_from(m.days_remaining).unwrap_or(u32::MAX));
            self.actual_to_date.push(m.actual_to_date);
            self.forecast_remaining.push(m.forecast_remaining);
            for (column, v) in self
                .values
                .iter_mut()
                .zip([m.total, m.lo80, m.hi80, m.lo95, m.hi95])
            {
                column.push(v);
            }
            self.model.push(fitted.daily.model.clone());
        }
    }

    fn frame(self, request: &ForecastRequest) -> Result<DataFrame> {
        let n = self.month.len();
        let [total, lo80, hi80, lo95, hi95] = self.values;
        let columns = vec![
            Column::new("measure".into(), self.measure),
            Column::new("dimension".into(), self.dimension),
            Column::new("key".into(), self.key),
            Column::new("month".into(), self.month),
            Column::new("last_observed".into(), self.last_observed),
            Column::new("days_observed".into(), self.days_observed),
            Column::new("days_forecast".into(), self.days_forecast),
            Column::new("actual_to_date".into(), self.actual_to_date),
            Column::new("forecast_remaining".into(), self.forecast_remaining),
            Column::new("projected_total".into(), total),
            Column::new("lo80".into(), lo80),
            Column::new("hi80".into(), hi80),
            Column::new("lo95".into(), lo95),
            Column::new("hi95".into(), hi95),
            Column::new("model".into(), self.model),
            Column::new("run_id".into(), vec![request.run_id.as_str(); n]),
        ];
        Ok(DataFrame::new_infer_height(columns)?)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn horizons_end_with_the_month_after_the_partition() {
        assert_eq!(
            super::end_of_next_month("2024-01").unwrap().to_string(),
            "2024-02-29"
        );
        assert_eq!(
            super::end_of_next_month("2023-12").unwrap().to_string(),
            "2024-01-31"
        );
        assert!(super::end_of_next_month("2023-13").is_err());
    }
}
