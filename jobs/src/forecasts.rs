//! The forecast job: daily cost series per dimension (from [`crate::series`]) → linfa forecasts
//! to the end of the month after the partition, with 80/95 % intervals and the fitted model's
//! artifact, in the `forecasts` table (one commit; partition `provider=all/billing_account=all/
//! billing_period=<month forecast from>`, so a re-run replaces that month's forecasts).

use crate::error::Result;
use crate::series::{DailySeries, Dimension, daily_cost};
use chrono::{Datelike, NaiveDate};
use models::forecast::{Forecast, ForecastConfig, forecast};
use models::series::Series;
use polars::prelude::*;
use warehouse::Warehouse;

/// Name of the forecasts table.
pub const FORECASTS_TABLE: &str = "forecasts";

/// What to forecast.
#[derive(Debug, Clone)]
pub struct ForecastRequest {
    /// Run id recorded on every row.
    pub run_id: String,
    /// Last billing period (`YYYY-MM`) of the history; forecasts run to the end of the next.
    pub through: String,
    /// Splits to forecast (each value of each dimension is a series).
    pub dimensions: Vec<Dimension>,
    /// Cost measure (`EffectiveCost`: amortised spend).
    pub measure: String,
    /// greenops version and commit, recorded with the model.
    pub code_version: String,
}

/// What a forecast run produced.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ForecastSummary {
    /// Series forecast.
    pub series: usize,
    /// Rows written (series × days).
    pub rows: usize,
    /// Series that fell back to the seasonal naive (short history).
    pub fallbacks: usize,
}

/// Forecasts every series and commits the `forecasts` partition of `request.through`.
///
/// # Errors
/// Warehouse, polars or model failures (a malformed `through` is a bad value).
pub async fn forecast_costs(
    warehouse: &Warehouse,
    request: &ForecastRequest,
) -> Result<ForecastSummary> {
    let end = end_of_next_month(&request.through)?;
    let mut inputs: Vec<(String, DailySeries)> = Vec::new();
    for dimension in &request.dimensions {
        let name = match dimension {
            Dimension::Total => "total".to_string(),
            Dimension::Column(c) => c.clone(),
        };
        for s in daily_cost(
            warehouse,
            dimension,
            &request.measure,
            None,
            Some(&request.through),
        )
        .await?
        {
            inputs.push((name.clone(), s));
        }
    }
    let fitted = crate::blocking::run(move || {
        inputs
            .into_iter()
            .map(|(dimension, s)| {
                let horizon = s
                    .days
                    .last()
                    .map_or(0, |last| (end - *last).num_days().max(0));
                let series = Series::new(
                    s.days
                        .iter()
                        .map(|d| d.and_time(chrono::NaiveTime::MIN))
                        .collect(),
                    s.values.clone(),
                );
                let f = forecast(&series, horizon as usize, &ForecastConfig::default());
                (dimension, s.key, f)
            })
            .collect::<Vec<_>>()
    })
    .await?;
    let mut rows = Rows::default();
    let mut summary = ForecastSummary::default();
    for (dimension, key, f) in fitted {
        let f = f.map_err(|e| {
            crate::JobError::Polars(PolarsError::ComputeError(
                format!("forecast of {dimension}={key}: {e}").into(),
            ))
        })?;
        summary.series += 1;
        summary.fallbacks += usize::from(f.fallback.is_some());
        rows.push(&dimension, &key, &f, &request.code_version);
    }
    summary.rows = rows.day.len();
    if summary.rows > 0 {
        let df = rows.frame(request)?;
        crate::derived::commit_like_cost(warehouse, FORECASTS_TABLE, &request.run_id, df.lazy())
            .await?;
    }
    Ok(summary)
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
    dimension: Vec<String>,
    key: Vec<String>,
    day: Vec<String>,
    values: [Vec<f64>; 5],
    model: Vec<String>,
    fallback: Vec<Option<String>>,
    training_start: Vec<Option<String>>,
    training_end: Vec<Option<String>>,
    hyperparameters: Vec<String>,
    validation_mase: Vec<Option<f64>>,
    code_version: Vec<String>,
}

impl Rows {
    fn push(&mut self, dimension: &str, key: &str, f: &Forecast, code_version: &str) {
        let a = &f.artifact;
        let params = a
            .hyperparameters
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(";");
        let date = |t: Option<chrono::NaiveDateTime>| t.map(|t| t.date().to_string());
        for (i, t) in f.timestamps.iter().enumerate() {
            self.dimension.push(dimension.to_string());
            self.key.push(key.to_string());
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
            self.validation_mase.push(a.validation.mase);
            self.code_version.push(code_version.to_string());
        }
    }

    fn frame(self, request: &ForecastRequest) -> Result<DataFrame> {
        let n = self.day.len();
        let [point, lo80, hi80, lo95, hi95] = self.values;
        let df = DataFrame::new_infer_height(vec![
            Column::new("provider".into(), vec!["all"; n]),
            Column::new("billing_account".into(), vec!["all"; n]),
            Column::new("billing_period".into(), vec![request.through.as_str(); n]),
            Column::new("dimension".into(), self.dimension),
            Column::new("key".into(), self.key),
            Column::new("day".into(), self.day),
            Column::new("measure".into(), vec![request.measure.as_str(); n]),
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
            Column::new("validation_mase".into(), self.validation_mase),
            Column::new("code_version".into(), self.code_version),
            Column::new("run_id".into(), vec![request.run_id.as_str(); n]),
        ])?;
        Ok(df)
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
