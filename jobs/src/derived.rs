//! Derived tables (`data_quality`, `carbon`) are partitioned like `cost` — provider, billing
//! account, billing period — so a partition's derived rows are replaced together with its cost.

use crate::error::Result;
use polars::prelude::*;
use warehouse::{CommitInfo, PartitionKey, Warehouse};

/// Stages `lf` (which has `provider`, `billing_account` and `billing_period` columns) into
/// `table` and commits it in one step.
///
/// # Errors
/// Warehouse or polars failures; nothing is committed then.
pub(crate) async fn commit_like_cost(
    warehouse: &Warehouse,
    table: &str,
    run_id: &str,
    lf: LazyFrame,
) -> Result<()> {
    let staging = warehouse.staging(table, run_id, None)?;
    let keys = [
        col("provider"),
        col("billing_account"),
        col("billing_period"),
    ];
    let staging =
        crate::blocking::run(move || staging.sink_partitioned(lf, keys).map(|()| staging))
            .await??;
    commit_recomputed(warehouse, staging).await
}

/// Commits derived rows: recomputed from the warehouse, never older than what they replace.
async fn commit_recomputed(warehouse: &Warehouse, staging: warehouse::Staging) -> Result<()> {
    let info = CommitInfo {
        force: true,
        ..Default::default()
    };
    warehouse.commit(staging, info).await?;
    Ok(())
}

/// Commits `df` (no partition columns; possibly empty) as the whole of partition
/// `all/all/<period>` of `table`: the single-partition derived tables (`forecasts`,
/// `month_projections`, `anomalies`), where a re-run that finds nothing must still replace what
/// an earlier run wrote.
///
/// # Errors
/// Warehouse or polars failures; nothing is committed then.
pub(crate) async fn commit_period(
    warehouse: &Warehouse,
    table: &str,
    run_id: &str,
    period: &str,
    mut df: DataFrame,
) -> Result<()> {
    let key = PartitionKey::new("all", "all", period)?;
    let staging = warehouse.staging(table, run_id, None)?;
    let staging =
        crate::blocking::run(move || staging.write_partition(&key, &mut df).map(|()| staging))
            .await??;
    commit_recomputed(warehouse, staging).await
}
