//! The monthly ESG report: scope 2 location- and market-based, scope 3 embodied, the trend of
//! the last twelve months, intensity, breakdowns, coverage and methodology.

use super::{ReportRequest, provenance};
use crate::carbon::ESG_MONTHLY_TABLE;
use crate::columns::{floats, strings};
use crate::error::{JobError, Result};
use polars::prelude::*;
use reports::data::{CoverageRow, EsgData, EsgMonthRow, EsgTotals, Slice};
use reports::format::{number, percent, signed_percent};
use warehouse::Warehouse;
use warehouse::schema::CARBON_TABLE;

/// Months in the trend chart.
const TREND_MONTHS: usize = 12;
/// Regions listed.
const REGIONS: usize = 10;

pub(super) async fn build(warehouse: &Warehouse, request: &ReportRequest) -> Result<EsgData> {
    let month = request.partition.clone();
    let lf = warehouse
        .scan(ESG_MONTHLY_TABLE)
        .billing_periods(None, Some(&month))
        .lazy()
        .await?;
    let missing = || JobError::BadValue {
        file: ESG_MONTHLY_TABLE.into(),
        row: 0,
        column: "billing_period".into(),
        reason: format!(
            "no ESG figures for {month}: run the carbon job for it (or `greenops carbon estimate` \
             and `greenops carbon esg`) first"
        ),
    };
    if !lf.clone().collect_schema()?.contains("kwh") {
        return Err(missing());
    }
    let df = crate::blocking::collect_streaming(
        lf.sort(["billing_period"], SortMultipleOptions::default()),
    )
    .await?;
    let periods = strings(&df, "billing_period")?;
    let Some(last) = periods.iter().rposition(|p| *p == month) else {
        return Err(missing());
    };
    let f = |c: &str| floats(&df, c);
    let (kwh, location, market, embodied) = (
        f("kwh")?,
        f("scope2_location_tco2e")?,
        f("scope2_market_tco2e")?,
        f("scope3_embodied_tco2e")?,
    );
    let (total, share, spend, intensity, base) = (
        f("total_tco2e")?,
        f("estimated_share")?,
        f("spend")?,
        f("tco2e_per_1000_spend")?,
        f("base_year_pct")?,
    );
    let currency = strings(&df, "spend_currency")?;
    let methodology = strings(&df, "methodology")?;
    let first = (last + 1).saturating_sub(TREND_MONTHS);
    let trend = (first..=last)
        .map(|i| EsgMonthRow {
            month: periods[i].clone(),
            kwh: kwh[i].unwrap_or(0.0),
            location_t: location[i].unwrap_or(0.0),
            market_t: market[i],
            embodied_t: embodied[i].unwrap_or(0.0),
        })
        .collect();
    let t = |v: Option<f64>| number(v.unwrap_or(0.0), 3);
    let totals = EsgTotals {
        kwh: number(kwh[last].unwrap_or(0.0), 1),
        scope2_location: t(location[last]),
        scope2_market: market[last].map(|v| number(v, 3)),
        scope3_embodied: t(embodied[last]),
        total: t(total[last]),
        cost: spend[last].map_or("n/a".into(), |s| {
            format!("{} {}", number(s, 2), currency[last])
        }),
        intensity: intensity[last].map_or("n/a".into(), |v| number(v, 4)),
        estimated_share: percent(share[last].unwrap_or(0.0)),
    };
    let (by_provider, by_region, coverage) = breakdowns(warehouse, &month).await?;
    Ok(EsgData {
        provenance: provenance(warehouse, request, &[ESG_MONTHLY_TABLE, CARBON_TABLE]).await?,
        month: month.clone(),
        totals,
        trend,
        by_provider,
        by_region,
        methodology: methodology[last]
            .split(", ")
            .map(|m| m.trim().to_string())
            .filter(|m| !m.is_empty())
            .collect(),
        coverage,
        base_year: base[last]
            .and_then(|pct| signed_percent(pct / 100.0))
            .map(|p| {
                format!("Versus the base year's same month: {p} (location-based + embodied).")
            }),
    })
}

/// t CO2e (location-based + embodied) by provider and by region, and per-provider coverage.
async fn breakdowns(
    warehouse: &Warehouse,
    month: &str,
) -> Result<(Vec<Slice>, Vec<Slice>, Vec<CoverageRow>)> {
    let lf = warehouse
        .scan(CARBON_TABLE)
        .billing_periods(Some(month), Some(month))
        .lazy()
        .await?;
    if !lf.clone().collect_schema()?.contains("kwh") {
        return Ok(Default::default());
    }
    let t = (col("location_tco2e").fill_null(lit(0.0)) + col("embodied_tco2e").fill_null(lit(0.0)))
        .alias("t");
    let base = lf.select([
        col("provider"),
        col("region_id").fill_null(lit("")),
        t,
        col("kwh").fill_null(lit(0.0)),
        (col("estimated_share").fill_null(lit(0.0)) * col("kwh").fill_null(lit(0.0)))
            .alias("estimated_kwh"),
        col("flags").fill_null(lit("")),
    ]);
    let by = |key: &str| {
        base.clone()
            .group_by([col(key)])
            .agg([
                col("t").sum(),
                col("kwh").sum(),
                col("estimated_kwh").sum(),
                col("flags").str().join(",", true).alias("flags"),
            ])
            .sort(
                ["t", key],
                SortMultipleOptions::default().with_order_descending_multi([true, false]),
            )
    };
    let providers = crate::blocking::collect_streaming(by("provider")).await?;
    let regions = crate::blocking::collect_streaming(by("region_id")).await?;
    let slices = |df: &DataFrame, key: &str, limit: usize| -> Result<Vec<Slice>> {
        let (keys, values) = (strings(df, key)?, floats(df, "t")?);
        let whole: f64 = values.iter().flatten().sum();
        Ok(keys
            .into_iter()
            .zip(values)
            .take(limit)
            .map(|(k, v)| {
                let v = v.unwrap_or(0.0);
                Slice {
                    label: if k.is_empty() {
                        "(no region)".into()
                    } else {
                        k
                    },
                    value: v,
                    display: number(v, 3),
                    share: if whole > 0.0 {
                        percent(v / whole)
                    } else {
                        "n/a".into()
                    },
                }
            })
            .collect())
    };
    let (names, kwh, estimated, flags) = (
        strings(&providers, "provider")?,
        floats(&providers, "kwh")?,
        floats(&providers, "estimated_kwh")?,
        strings(&providers, "flags")?,
    );
    let mut coverage: Vec<CoverageRow> = (0..names.len())
        .map(|i| {
            let mut list: Vec<&str> = flags[i].split(',').filter(|f| !f.is_empty()).collect();
            list.sort_unstable();
            list.dedup();
            let total = kwh[i].unwrap_or(0.0);
            CoverageRow {
                provider: names[i].clone(),
                estimated_share: if total > 0.0 {
                    percent(estimated[i].unwrap_or(0.0) / total)
                } else {
                    "n/a".into()
                },
                flags: list.join(", "),
            }
        })
        .collect();
    coverage.sort_by(|a, b| a.provider.cmp(&b.provider));
    Ok((
        slices(&providers, "provider", usize::MAX)?,
        slices(&regions, "region_id", REGIONS)?,
        coverage,
    ))
}
