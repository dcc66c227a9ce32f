//! Derived tables (`data_quality`, `carbon`) are partitioned like `cost` — provider, billing
//! account, billing period — so a partition's derived rows are replaced together with its cost.

use crate::error::Result;
use polars::prelude::*;
use warehouse::{CommitInfo, Warehouse};

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
    // derived rows are recomputed, never older than what they replace
    let info = CommitInfo {
        force: true,
        ..Default::default()
    };
    warehouse.commit(staging, info).await?;
    Ok(())
}
