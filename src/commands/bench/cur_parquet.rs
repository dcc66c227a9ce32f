//! `cur-parquet`: the synthetic CUR as a legacy (Athena-integration) Parquet file: snake_case
//! names (`line_item_unblended_cost`, `resource_tags_user_team`) and AWS's column types: costs,
//! amounts and quantities as doubles, the billing and usage period bounds as timestamps, the rest
//! (rates included) as text. Empty cells are nulls.

use super::generate::{Written, cur_rows};
use super::header::{Col, HEADER};
use super::parquet::{Kind, ParquetSink, ROW_GROUP_ROWS};
use std::path::Path;

/// Columns AWS types as `timestamp`.
const TIMESTAMPS: &[Col] = &[
    Col::BillingPeriodStartDate,
    Col::BillingPeriodEndDate,
    Col::UsageStartDate,
    Col::UsageEndDate,
];

/// Columns AWS types as `double`.
const DOUBLES: &[Col] = &[
    Col::UsageAmount,
    Col::NormalizationFactor,
    Col::NormalizedUsageAmount,
    Col::UnblendedCost,
    Col::BlendedCost,
    Col::PublicOnDemandCost,
    Col::RiAmortizedUpfrontCostForUsage,
    Col::RiAmortizedUpfrontFeeForBillingPeriod,
    Col::RiEffectiveCost,
    Col::RiRecurringFeeForUsage,
    Col::RiUnusedAmortizedUpfrontFeeForBillingPeriod,
    Col::RiUnusedNormalizedUnitQuantity,
    Col::RiUnusedQuantity,
    Col::RiUnusedRecurringFee,
    Col::RiUpfrontValue,
    Col::SpAmortizedUpfrontCommitmentForBillingPeriod,
    Col::SpRecurringCommitmentForBillingPeriod,
    Col::SpEffectiveCost,
    Col::SpRate,
    Col::SpTotalCommitmentToDate,
    Col::SpUsedCommitment,
];

/// `lineItem/UnblendedCost` → `line_item_unblended_cost`, `reservation/ReservationARN` →
/// `reservation_reservation_a_r_n` (each capital starts a word), tags
/// `resourceTags/user:Team` → `resource_tags_user_team`, as AWS's Athena integration names them.
pub fn athena_name(legacy: &str) -> String {
    if let Some(tag) = legacy.strip_prefix("resourceTags/") {
        let key: String = tag
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .collect();
        return format!("resource_tags_{key}");
    }
    let mut out = String::with_capacity(legacy.len() + 8);
    for part in legacy.split('/') {
        if !out.is_empty() {
            out.push('_');
        }
        for (i, c) in part.chars().enumerate() {
            if c.is_ascii_uppercase() {
                if i > 0 {
                    out.push('_');
                }
                out.push(c.to_ascii_lowercase());
            } else if c.is_ascii_alphanumeric() {
                out.push(c);
            } else {
                out.push('_');
            }
        }
    }
    out
}

/// The file's columns, in [`HEADER`] order.
pub fn columns() -> Vec<(String, Kind)> {
    HEADER
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let is = |set: &[Col]| set.iter().any(|c| *c as usize == i);
            let kind = if is(TIMESTAMPS) {
                Kind::Timestamp
            } else if is(DOUBLES) {
                Kind::Double
            } else {
                Kind::Text
            };
            (athena_name(name), kind)
        })
        .collect()
}

/// Writes `rows` rows to `path` (truncating it).
///
/// # Errors
/// Creating or writing the file.
pub fn write(path: &Path, rows: u64, progress: impl FnMut(u64)) -> anyhow::Result<Written> {
    let mut sink = ParquetSink::create(path, columns(), ROW_GROUP_ROWS)?;
    let rows = cur_rows(rows, progress, |cells| {
        for (i, cell) in cells.iter().enumerate() {
            sink.text(i, cell);
        }
        sink.end_row()
    })?;
    Ok(Written {
        rows,
        columns: HEADER.len(),
        uncompressed_bytes: None,
        compressed_bytes: sink.finish()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jobs::ingest::aws_cur::naming::{CurColumns, CurStyle, athena_key};
    use polars::prelude::*;

    #[test]
    fn names_are_the_athena_names_greenops_resolves() {
        assert_eq!(
            athena_name("lineItem/UnblendedCost"),
            "line_item_unblended_cost"
        );
        assert_eq!(
            athena_name("resourceTags/user:CostCenter"),
            "resource_tags_user_costcenter"
        );
        let header: Vec<String> = columns().into_iter().map(|(n, _)| n).collect();
        let cols = CurColumns::resolve(&header).unwrap();
        assert_eq!(cols.style, CurStyle::Athena);
        assert_eq!(cols.tag_columns.len(), 8);
        for legacy in HEADER.iter().filter(|h| !h.starts_with("resourceTags/")) {
            assert!(cols.get(&athena_key(legacy)).is_some(), "{legacy}");
        }
    }

    #[test]
    fn same_rows_same_bytes_and_typed_columns() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.parquet"), dir.path().join("b.parquet"));
        let wa = write(&a, 700, |_| {}).unwrap();
        assert_eq!(wa, write(&b, 700, |_| {}).unwrap());
        assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
        let df = ParquetReader::new(std::fs::File::open(&a).unwrap())
            .finish()
            .unwrap();
        assert_eq!(df.height(), 700);
        assert_eq!(df.width(), HEADER.len());
        assert_eq!(
            df.column("line_item_unblended_cost").unwrap().dtype(),
            &DataType::Float64
        );
        assert!(matches!(
            df.column("line_item_usage_start_date").unwrap().dtype(),
            DataType::Datetime(TimeUnit::Milliseconds, Some(_))
        ));
        assert_eq!(
            df.column("line_item_usage_start_date")
                .unwrap()
                .null_count(),
            0
        );
        // every cost cell parsed (E-notation included)
        assert_eq!(
            df.column("line_item_unblended_cost").unwrap().null_count(),
            0
        );
    }
}
