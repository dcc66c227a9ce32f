//! Writes the `carbon` table: one row per (day, billing account, service, region, usage kind),
//! partitioned like `cost` so a month's carbon is replaced whole, in one commit.

use super::{CarbonKey, CarbonRequest, CarbonTotals, kind_name, mode_name};
use crate::error::Result;
use carbon::estimate::flags::PROVIDER_PROXY;
use carbon::tables::OCI_PROXY_VERSION;
use polars::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use warehouse::Warehouse;
use warehouse::schema::CARBON_TABLE;

/// Stages and commits `rows`; returns the number of partitions written.
///
/// # Errors
/// Warehouse or polars failures.
pub async fn write(
    warehouse: &Warehouse,
    request: &CarbonRequest,
    coefficients: &str,
    rows: &BTreeMap<CarbonKey, CarbonTotals>,
    market: &[Option<f64>],
) -> Result<usize> {
    if rows.is_empty() {
        return Ok(0);
    }
    let mut text: [Vec<String>; 8] = Default::default();
    let (mut kwh, mut location, mut embodied, mut share) = (vec![], vec![], vec![], vec![]);
    let mut flags: Vec<String> = Vec::new();
    let mut coefficient_sets: Vec<String> = Vec::new();
    let mut partitions = BTreeSet::new();
    for ((provider, account, period, day, service, region, kind), t) in rows {
        partitions.insert((provider, account, period));
        let input =
            format!("cost/provider={provider}/billing_account={account}/billing_period={period}");
        let values = [
            provider.clone(),
            account.clone(),
            period.clone(),
            day.clone(),
            service.clone(),
            region.clone(),
            kind_name(*kind).to_string(),
            input,
        ];
        for (column, v) in text.iter_mut().zip(values) {
            column.push(v);
        }
        kwh.push(t.kwh);
        location.push(t.location_t);
        embodied.push(t.embodied_t);
        share.push(if t.kwh > 0.0 {
            t.unknown_kwh / t.kwh
        } else {
            0.0
        });
        flags.push(t.flags.iter().copied().collect::<Vec<_>>().join(","));
        // proxy estimates also depend on the proxy table
        coefficient_sets.push(if t.flags.contains(PROVIDER_PROXY) {
            format!("{coefficients}+{OCI_PROXY_VERSION}")
        } else {
            coefficients.to_string()
        });
    }
    let n = kwh.len();
    debug_assert_eq!(market.len(), n);
    let names = [
        "provider",
        "billing_account",
        "billing_period",
        "day",
        "service_name",
        "region_id",
        "usage_kind",
        "input_partition",
    ];
    let mut columns: Vec<Column> = names
        .iter()
        .zip(text)
        .map(|(name, v)| Column::new((*name).into(), v))
        .collect();
    columns.extend([
        Column::new("kwh".into(), kwh),
        Column::new("location_tco2e".into(), location),
        Column::new("market_tco2e".into(), market.to_vec()),
        Column::new("embodied_tco2e".into(), embodied),
        Column::new("estimated_share".into(), share),
        Column::new("flags".into(), flags),
        Column::new("mode".into(), vec![mode_name(request.mode); n]),
        Column::new("coefficients".into(), coefficient_sets),
        Column::new("run_id".into(), vec![request.run_id.as_str(); n]),
    ]);
    let df = DataFrame::new_infer_height(columns)?;
    let lf = df
        .lazy()
        .with_column(col("day").str().to_date(StrptimeOptions::default()));
    crate::derived::commit_like_cost(warehouse, CARBON_TABLE, &request.run_id, lf).await?;
    Ok(partitions.len())
}
