//! Daily series out of the warehouse, the input of forecasting and anomaly detection: one
//! series per value of a dimension (or one total), every day of the range present (days without
//! rows are 0), in a deterministic order.

use crate::error::Result;
use chrono::NaiveDate;
use polars::prelude::*;
use std::collections::BTreeMap;
use warehouse::Warehouse;
use warehouse::schema::COST_TABLE;

/// What a series is split by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dimension {
    /// One series: everything.
    Total,
    /// One series per cost-table column value (`provider`, `billing_account`, `ServiceName`,
    /// `RegionId`, …).
    Column(String),
}

/// One daily series of one dimension value.
#[derive(Debug, Clone, PartialEq)]
pub struct DailySeries {
    /// The dimension value (`total` for [`Dimension::Total`], empty for rows without one).
    pub key: String,
    /// Consecutive days.
    pub days: Vec<NaiveDate>,
    /// Σ of the measure per day.
    pub values: Vec<f64>,
}

/// Daily Σ of a cost-table measure (`EffectiveCost` for amortised spend, `BilledCost` for
/// invoiced spend) per value of `dimension`, over billing periods `from..=to` (`YYYY-MM`, all
/// when `None`), each series spanning the first to the last day with cost rows.
///
/// # Errors
/// Warehouse or polars failures.
pub async fn daily_cost(
    warehouse: &Warehouse,
    dimension: &Dimension,
    measure: &str,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<Vec<DailySeries>> {
    let lf = warehouse
        .scan(COST_TABLE)
        .billing_periods(from, to)
        .lazy()
        .await?;
    let key = match dimension {
        Dimension::Total => lit("total"),
        Dimension::Column(c) => col(c.as_str()).cast(DataType::String).fill_null(lit("")),
    };
    let grouped = lf
        .select([
            key.alias("key"),
            col("ChargePeriodStart")
                .dt()
                .to_string("%Y-%m-%d")
                .alias("day"),
            col(measure)
                .cast(DataType::Float64)
                .fill_null(lit(0.0))
                .alias("value"),
        ])
        .group_by([col("key"), col("day")])
        .agg([col("value").sum()])
        .sort(["key", "day"], SortMultipleOptions::default());
    let df = crate::blocking::collect_streaming(grouped).await?;
    let keys = df.column("key")?.str()?.clone();
    let days = df.column("day")?.str()?.clone();
    let values = df.column("value")?.f64()?.clone();
    let mut by_key: BTreeMap<String, BTreeMap<NaiveDate, f64>> = BTreeMap::new();
    for i in 0..df.height() {
        let (Some(k), Some(d)) = (keys.get(i), days.get(i)) else {
            continue;
        };
        let day = NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|e| {
            crate::JobError::Polars(PolarsError::ComputeError(format!("day {d}: {e}").into()))
        })?;
        *by_key
            .entry(k.to_string())
            .or_default()
            .entry(day)
            .or_default() += values.get(i).unwrap_or(0.0);
    }
    Ok(by_key
        .into_iter()
        .filter_map(|(key, points)| {
            let (first, last) = (*points.keys().next()?, *points.keys().next_back()?);
            let days: Vec<NaiveDate> = first.iter_days().take_while(|d| *d <= last).collect();
            let values = days
                .iter()
                .map(|d| points.get(d).copied().unwrap_or(0.0))
                .collect();
            Some(DailySeries { key, days, values })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{IngestRequest, NoProgress, SourceKind, ingest};
    use std::path::Path;
    use std::sync::Arc;

    /// The WorkshopCUR's daily total from the warehouse equals the independently derived
    /// `daily_cost_total.csv` (Σ line_item_unblended_cost per usage day; models' fixtures).
    #[tokio::test]
    async fn the_daily_total_matches_the_independent_fixture() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let dir = tempfile::tempdir().unwrap();
        let wh = Warehouse::open(dir.path().to_str().unwrap()).unwrap();
        let request = IngestRequest {
            kind: SourceKind::AwsCur,
            path: root.join("examples/exports/cur_workshop"),
            run_id: "series-test".into(),
            fail_point: None,
            force: false,
            fx: None,
        };
        ingest(&wh, request, Arc::new(NoProgress)).await.unwrap();
        let series = daily_cost(&wh, &Dimension::Total, "BilledCost", None, None)
            .await
            .unwrap();
        assert_eq!(series.len(), 1);
        let total = &series[0];
        let text = std::fs::read_to_string(
            root.join("models/tests/fixtures/cur_workshop/daily_cost_total.csv"),
        )
        .unwrap();
        let expected: Vec<(String, f64)> = text
            .lines()
            .skip(1)
            .map(|l| {
                let (d, v) = l.split_once(',').unwrap();
                (d.to_string(), v.parse().unwrap())
            })
            .collect();
        assert_eq!(total.days.len(), expected.len());
        for ((day, value), (d, v)) in total.days.iter().zip(&total.values).zip(&expected) {
            assert_eq!(day.to_string(), *d);
            assert!((value - v).abs() < 1e-4, "{d}: {value} vs {v}");
        }
        let by_provider = daily_cost(
            &wh,
            &Dimension::Column("provider".into()),
            "EffectiveCost",
            None,
            None,
        )
        .await
        .unwrap();
        assert_eq!(by_provider.len(), 1);
        assert_eq!(by_provider[0].key, "aws");
        assert_eq!(by_provider[0].days, total.days);
    }
}
