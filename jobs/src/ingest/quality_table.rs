//! The `data_quality` table: every check outcome of every committed ingest, partitioned like
//! the cost table so that a partition's checks are replaced together with its rows.

use super::quality::CheckOutcome;
use crate::error::Result;
use polars::prelude::*;
use warehouse::Warehouse;
use warehouse::schema::{DATA_QUALITY_TABLE, timestamp_dtype};

/// Writes the outcomes of `run_id` (one row per partition and check) and commits them.
///
/// # Errors
/// Warehouse failures.
pub async fn record(warehouse: &Warehouse, run_id: &str, outcomes: &[CheckOutcome]) -> Result<()> {
    let checked_at = warehouse.clock().now().timestamp_micros();
    let mut cols: [Vec<Option<String>>; 8] = Default::default();
    let (mut checked, mut failed, mut at) = (Vec::new(), Vec::new(), Vec::new());
    for o in outcomes {
        for key in &o.partitions {
            let text = [
                Some(key.provider.clone()),
                Some(key.billing_account.clone()),
                Some(key.billing_period.clone()),
                Some(run_id.to_string()),
                Some(o.check.clone()),
                Some(o.column.clone()),
                Some(o.severity.name().to_string()),
                o.example.clone(),
            ];
            for (c, v) in cols.iter_mut().zip(text) {
                c.push(v);
            }
            checked.push(o.checked_rows as i64);
            failed.push(o.failed_rows as i64);
            at.push(checked_at);
        }
    }
    if at.is_empty() {
        return Ok(());
    }
    let names = [
        "provider",
        "billing_account",
        "billing_period",
        "run_id",
        "check_name",
        "column_name",
        "severity",
        "example",
    ];
    let mut columns: Vec<Column> = names
        .iter()
        .zip(cols)
        .map(|(n, v)| Column::new((*n).into(), v))
        .collect();
    columns.push(Column::new("checked_rows".into(), checked));
    columns.push(Column::new("failed_rows".into(), failed));
    columns.push(Column::new("checked_at".into(), at).cast(&timestamp_dtype())?);
    let df = DataFrame::new_infer_height(columns)?;
    let lf = df.lazy().select([
        col("provider"),
        col("billing_account"),
        col("billing_period"),
        col("run_id"),
        col("checked_at"),
        col("check_name"),
        col("column_name"),
        col("severity"),
        col("checked_rows"),
        col("failed_rows"),
        col("example"),
    ]);
    crate::derived::commit_like_cost(warehouse, DATA_QUALITY_TABLE, run_id, lf).await?;
    Ok(())
}
