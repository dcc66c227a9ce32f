//! The daily cost digest: the day against its forecast, the month so far against budget and
//! projection, the services that moved most, and the month's alerted anomalies.

use super::{ReportRequest, previous_month, provenance};
use crate::anomalies::ANOMALIES_TABLE;
use crate::columns::{floats, strings};
use crate::error::Result;
use crate::forecasts::{FORECASTS_TABLE, PROJECTIONS_TABLE};
use crate::series::{DailySeries, Dimension, Measure, daily_series};
use chrono::{Datelike, NaiveDate};
use polars::prelude::*;
use reports::data::{
    AnomalyItem, ContributorItem, DayVsForecast, DigestData, MonthToDate, Mover, TrendPoint,
};
use reports::format::{number, percent, signed_percent};
use std::collections::BTreeMap;
use warehouse::Warehouse;
use warehouse::schema::COST_TABLE;

/// Digest settings.
#[derive(Debug, Clone, Default)]
pub struct DigestOptions {
    /// Monthly budget.
    pub budget: Option<f64>,
}

/// Days of actuals in the trend chart.
const TREND_DAYS: i64 = 28;
/// Movers listed.
const MOVERS: usize = 5;
/// Anomalies listed.
const ANOMALIES: usize = 10;

pub(super) async fn build(warehouse: &Warehouse, request: &ReportRequest) -> Result<DigestData> {
    let day = NaiveDate::parse_from_str(&request.partition, "%Y-%m-%d").map_err(|e| {
        crate::JobError::BadValue {
            file: "partition".into(),
            row: 0,
            column: "partition".into(),
            reason: e.to_string(),
        }
    })?;
    let month = day.format("%Y-%m").to_string();
    let from = previous_month(&month);
    let cost = Measure::Cost("EffectiveCost".into());
    let total = daily_series(
        warehouse,
        &Dimension::Total,
        &cost,
        Some(&from),
        Some(&month),
    )
    .await?
    .into_iter()
    .next();
    let services = daily_series(
        warehouse,
        &Dimension::Service,
        &cost,
        Some(&from),
        Some(&month),
    )
    .await?;
    let forecasts = forecast_rows(warehouse, day).await?;
    let value_on = |s: &DailySeries, d: NaiveDate| {
        s.days
            .iter()
            .position(|x| *x == d)
            .map_or(0.0, |i| s.values[i])
    };
    let actual = total.as_ref().map_or(0.0, |s| value_on(s, day));
    let month_start = day.with_day(1).unwrap_or(day);
    let mtd: f64 = total.as_ref().map_or(0.0, |s| {
        s.days
            .iter()
            .zip(&s.values)
            .filter(|(d, _)| **d >= month_start && **d <= day)
            .map(|(_, v)| v)
            .sum()
    });
    let days_in_month = models::forecast::month_end::last_day_of_month(day).map_or(30, |d| d.day());
    let yesterday = day_vs_forecast(actual, forecasts.get(&day));
    let projection = projection(warehouse, &month, day).await?;
    let budget = request.budget;
    let month_to_date = MonthToDate {
        month: month.clone(),
        actual_to_date: number(mtd, 2),
        days: format!("{} of {days_in_month}", day.day()),
        budget: budget.map(|b| number(b, 2)),
        budget_used: budget.filter(|b| *b > 0.0).map(|b| percent(mtd / b)),
        projected_total: projection.map(|p| number(p.0, 2)),
        projected_interval80: projection
            .map(|p| format!("{} – {}", number(p.1, 2), number(p.2, 2))),
        projected_vs_budget: projection
            .zip(budget.filter(|b| *b > 0.0))
            .and_then(|(p, b)| signed_percent(p.0 / b - 1.0)),
    };
    let mut trend: Vec<TrendPoint> = Vec::new();
    if let Some(s) = &total {
        for (d, v) in s.days.iter().zip(&s.values) {
            if *d <= day && (day - *d).num_days() < TREND_DAYS {
                trend.push(TrendPoint {
                    day: d.to_string(),
                    actual: Some(*v),
                    ..Default::default()
                });
            }
        }
    }
    // the forecast band to the end of the digest's month (the forecast runs further)
    let month_end = models::forecast::month_end::last_day_of_month(day).unwrap_or(day);
    for (d, f) in forecasts
        .iter()
        .filter(|(d, _)| **d > day && **d <= month_end)
    {
        trend.push(TrendPoint {
            day: d.to_string(),
            actual: None,
            forecast: Some(f.0),
            lo80: Some(f.1),
            hi80: Some(f.2),
        });
    }
    let currency = currency(warehouse, &month).await?;
    Ok(DigestData {
        provenance: provenance(
            warehouse,
            request,
            &[
                COST_TABLE,
                FORECASTS_TABLE,
                PROJECTIONS_TABLE,
                ANOMALIES_TABLE,
            ],
        )
        .await?,
        day: day.to_string(),
        currency,
        yesterday,
        month: month_to_date,
        movers: movers(&services, day),
        anomalies: anomalies(warehouse, &month, day).await?,
        trend,
    })
}

/// `(forecast, lo80, hi80)` per day: for `day` from forecasts made before it, for later days
/// from forecasts made with data through it at most; the latest such forecast run wins.
async fn forecast_rows(
    warehouse: &Warehouse,
    day: NaiveDate,
) -> Result<BTreeMap<NaiveDate, (f64, f64, f64)>> {
    let lf = warehouse.scan(FORECASTS_TABLE).lazy().await?;
    if !lf.clone().collect_schema()?.contains("forecast") {
        return Ok(BTreeMap::new());
    }
    let df = crate::blocking::collect_streaming(
        lf.filter(
            col("measure")
                .eq(lit("EffectiveCost"))
                .and(col("dimension").eq(lit("total"))),
        )
        .select([
            col("billing_period"),
            col("day"),
            col("training_end"),
            col("forecast"),
            col("lo80"),
            col("hi80"),
        ])
        .sort(["billing_period", "day"], SortMultipleOptions::default()),
    )
    .await?;
    let (periods, days, ends) = (
        strings(&df, "billing_period")?,
        strings(&df, "day")?,
        strings(&df, "training_end")?,
    );
    let (f, lo, hi) = (
        floats(&df, "forecast")?,
        floats(&df, "lo80")?,
        floats(&df, "hi80")?,
    );
    let mut out: BTreeMap<NaiveDate, (String, (f64, f64, f64))> = BTreeMap::new();
    for i in 0..df.height() {
        let (Ok(d), Ok(end)) = (
            NaiveDate::parse_from_str(&days[i], "%Y-%m-%d"),
            NaiveDate::parse_from_str(&ends[i], "%Y-%m-%d"),
        ) else {
            continue;
        };
        let eligible = if d == day {
            end < day
        } else {
            d > day && end <= day
        };
        if !eligible {
            continue;
        }
        let row = (
            f[i].unwrap_or(0.0),
            lo[i].unwrap_or(0.0),
            hi[i].unwrap_or(0.0),
        );
        match out.get(&d) {
            Some((p, _)) if *p >= periods[i] => {}
            _ => {
                out.insert(d, (periods[i].clone(), row));
            }
        }
    }
    Ok(out.into_iter().map(|(d, (_, row))| (d, row)).collect())
}

fn day_vs_forecast(actual: f64, forecast: Option<&(f64, f64, f64)>) -> DayVsForecast {
    DayVsForecast {
        actual: number(actual, 2),
        forecast: forecast.map(|f| number(f.0, 2)),
        interval80: forecast.map(|f| format!("{} – {}", number(f.1, 2), number(f.2, 2))),
        versus_forecast: forecast
            .filter(|f| f.0 != 0.0)
            .and_then(|f| signed_percent(actual / f.0 - 1.0)),
        within_interval: forecast.map(|f| actual >= f.1 && actual <= f.2),
    }
}

/// The latest projection of the month made with data through `day` at most:
/// `(total, lo80, hi80)`.
async fn projection(
    warehouse: &Warehouse,
    month: &str,
    day: NaiveDate,
) -> Result<Option<(f64, f64, f64)>> {
    let lf = warehouse.scan(PROJECTIONS_TABLE).lazy().await?;
    if !lf.clone().collect_schema()?.contains("projected_total") {
        return Ok(None);
    }
    let df = crate::blocking::collect_streaming(
        lf.filter(
            col("measure")
                .eq(lit("EffectiveCost"))
                .and(col("dimension").eq(lit("total")))
                .and(col("month").eq(lit(month.to_string())))
                .and(col("last_observed").lt_eq(lit(day.to_string()))),
        )
        .sort(["billing_period"], SortMultipleOptions::default())
        .select([col("projected_total"), col("lo80"), col("hi80")]),
    )
    .await?;
    let (t, lo, hi) = (
        floats(&df, "projected_total")?,
        floats(&df, "lo80")?,
        floats(&df, "hi80")?,
    );
    Ok(t.last().copied().flatten().map(|total| {
        (
            total,
            lo.last().copied().flatten().unwrap_or(total),
            hi.last().copied().flatten().unwrap_or(total),
        )
    }))
}

/// Services by |cost on `day` − mean of the 7 days before|, largest first.
fn movers(services: &[DailySeries], day: NaiveDate) -> Vec<Mover> {
    let mut moved: Vec<(f64, Mover)> = services
        .iter()
        .map(|s| {
            let on = |d: NaiveDate| {
                s.days
                    .iter()
                    .position(|x| *x == d)
                    .map_or(0.0, |i| s.values[i])
            };
            let today = on(day);
            let baseline = (1..=7).map(|k| on(day - chrono::Days::new(k))).sum::<f64>() / 7.0;
            let change = today - baseline;
            let key = if s.key.is_empty() {
                "(no service)".to_string()
            } else {
                s.key.clone()
            };
            (
                change,
                Mover {
                    dimension: "service".into(),
                    key,
                    day_cost: number(today, 2),
                    baseline: number(baseline, 2),
                    change: format!(
                        "{}{}",
                        if change >= 0.0 { "+" } else { "" },
                        number(change, 2)
                    ),
                    change_pct: (baseline > 0.0)
                        .then(|| signed_percent(change / baseline))
                        .flatten(),
                },
            )
        })
        .filter(|(change, _)| change.abs() >= 0.005)
        .collect();
    moved.sort_by(|a, b| b.0.abs().total_cmp(&a.0.abs()).then(a.1.key.cmp(&b.1.key)));
    moved.into_iter().take(MOVERS).map(|(_, m)| m).collect()
}

/// The month's anomalies alerted on or before `day`, latest alert first.
async fn anomalies(warehouse: &Warehouse, month: &str, day: NaiveDate) -> Result<Vec<AnomalyItem>> {
    let lf = warehouse
        .scan(ANOMALIES_TABLE)
        .billing_periods(Some(month), Some(month))
        .lazy()
        .await?;
    if !lf.clone().collect_schema()?.contains("alerted") {
        return Ok(Vec::new());
    }
    let df = crate::blocking::collect_streaming(
        lf.filter(col("alerted").and(col("alerted_day").lt_eq(lit(day.to_string()))))
            .sort(
                ["alerted_day", "measure", "dimension", "key"],
                SortMultipleOptions::default()
                    .with_order_descending_multi([true, false, false, false]),
            ),
    )
    .await?;
    let text = |c: &str| strings(&df, c);
    let (measure, dimension, key, kind) = (
        text("measure")?,
        text("dimension")?,
        text("key")?,
        text("kind")?,
    );
    let (start, end, alerted, contributors) = (
        text("start_day")?,
        text("end_day")?,
        text("alerted_day")?,
        text("contributors")?,
    );
    let ongoing: Vec<bool> = df
        .column("ongoing")?
        .bool()?
        .iter()
        .map(|v| v.unwrap_or(false))
        .collect();
    let (impact, pct) = (floats(&df, "impact")?, floats(&df, "impact_pct")?);
    let signed = |v: f64| format!("{}{}", if v >= 0.0 { "+" } else { "" }, number(v, 2));
    Ok((0..df.height())
        .take(ANOMALIES)
        .map(|i| {
            let series = if dimension[i] == "total" {
                format!("{} · total", measure[i])
            } else {
                format!("{} · {} = {}", measure[i], dimension[i], key[i])
            };
            let list: Vec<serde_json::Value> =
                serde_json::from_str(&contributors[i]).unwrap_or_default();
            AnomalyItem {
                series,
                kind: kind[i].clone(),
                start_day: start[i].clone(),
                end_day: if ongoing[i] {
                    "ongoing".into()
                } else {
                    end[i].clone()
                },
                alerted_day: alerted[i].clone(),
                impact: signed(impact[i].unwrap_or(0.0)),
                impact_pct: pct[i].and_then(signed_percent),
                contributors: list
                    .iter()
                    .take(3)
                    .map(|c| ContributorItem {
                        dimension: c["dimension"].as_str().unwrap_or_default().to_string(),
                        value: c["value"].as_str().unwrap_or_default().to_string(),
                        impact: signed(c["impact"].as_f64().unwrap_or(0.0)),
                        share: percent(c["share"].as_f64().unwrap_or(0.0)),
                    })
                    .collect(),
            }
        })
        .collect())
}

/// The month's billing currency (`mixed` when several, `USD` when there are no rows).
pub(super) async fn currency(warehouse: &Warehouse, month: &str) -> Result<String> {
    let lf = warehouse
        .scan(COST_TABLE)
        .billing_periods(Some(month), Some(month))
        .lazy()
        .await?;
    let df = crate::blocking::collect_streaming(
        lf.select([col("BillingCurrency").cast(DataType::String)])
            .unique(None, UniqueKeepStrategy::Any)
            .sort(["BillingCurrency"], SortMultipleOptions::default()),
    )
    .await?;
    let list = strings(&df, "BillingCurrency")?;
    Ok(match list.as_slice() {
        [] => "USD".into(),
        [one] => one.clone(),
        _ => "mixed".into(),
    })
}
