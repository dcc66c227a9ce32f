//! "Written equals source": per source file, the rows and the Σ BilledCost written to staging
//! must equal those computed from the file itself by a separate, mapping-independent read.

use super::Adapter;
use super::billed::SourceTotals;
use super::quality::{CheckOutcome, Severity};
use super::source::InputFile;
use crate::error::{Result, from_polars};
use polars::prelude::*;
use std::collections::BTreeMap;
use warehouse::PartitionKey;
use warehouse::schema::COST_PARTITION_COLUMNS;

/// Rows and Σ BilledCost (exact decimal text) of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Totals {
    rows: u64,
    billed: String,
}

/// Per written file: its totals, and the partitions it wrote to.
fn written_per_file(
    staged: LazyFrame,
) -> PolarsResult<BTreeMap<String, (Totals, Vec<PartitionKey>)>> {
    let df = staged
        .group_by([
            col("x_SourceFile"),
            col(COST_PARTITION_COLUMNS[0]),
            col(COST_PARTITION_COLUMNS[1]),
            col(COST_PARTITION_COLUMNS[2]),
        ])
        .agg([len().alias("rows"), col("BilledCost").sum().alias("billed")])
        .collect_with_engine(Engine::Streaming)?
        .unwrap_single();
    let file = df.column("x_SourceFile")?.str()?.clone();
    let rows = df.column("rows")?.cast(&DataType::UInt64)?;
    let billed = df
        .column("billed")?
        .cast(&DataType::Decimal(38, warehouse::schema::MONEY_SCALE))?;
    let keys = super::quality::partition_keys(&df)?;
    let mut out: BTreeMap<String, (i128, u64, Vec<PartitionKey>)> = BTreeMap::new();
    let billed = billed.decimal()?;
    for (i, key) in keys.into_iter().enumerate() {
        let entry = out
            .entry(file.get(i).unwrap_or("").to_string())
            .or_default();
        entry.0 += billed.physical().get(i).unwrap_or(0);
        entry.1 += rows.u64()?.get(i).unwrap_or(0);
        entry.2.push(key);
    }
    Ok(out
        .into_iter()
        .map(|(f, (b, r, p))| {
            (
                f,
                (
                    Totals {
                        rows: r,
                        billed: decimal_text(b),
                    },
                    p,
                ),
            )
        })
        .collect())
}

/// The adapter's own totals of `file`, read by a separate scan.
fn lazy_source_totals(adapter: &dyn Adapter, file: &InputFile) -> Result<Option<SourceTotals>> {
    let name = file.display();
    let header = file.header()?;
    let Some(source) = adapter.source_totals(file, &header)? else {
        return Ok(None);
    };
    let df = source
        .select([
            col("rows").cast(DataType::UInt64),
            col("billed").cast(warehouse::schema::money_dtype()),
        ])
        .collect_with_engine(Engine::Streaming)
        .map_err(|e| from_polars(e, Some(&name)))?
        .unwrap_single();
    Ok(Some(SourceTotals {
        rows: df.column("rows")?.u64()?.get(0).unwrap_or(0),
        billed: df
            .column("billed")?
            .decimal()?
            .physical()
            .get(0)
            .unwrap_or(0),
    }))
}

/// Exact text of an i128 at the money scale.
fn decimal_text(v: i128) -> String {
    let scale = warehouse::schema::MONEY_SCALE as u32;
    let sign = if v < 0 { "-" } else { "" };
    let v = v.unsigned_abs();
    let unit = 10u128.pow(scale);
    let frac = format!("{:0width$}", v % unit, width = scale as usize);
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        format!("{sign}{}", v / unit)
    } else {
        format!("{sign}{}.{frac}", v / unit)
    }
}

/// Compares, per file, what was written with what the file holds: `csv_totals` (from the record
/// check's pass) where present, else the adapter's [`Adapter::source_totals`]. Files whose
/// adapter cannot state their totals are compared on nothing (and listed as such in debug logs).
///
/// # Errors
/// Reading the staged data or a source file failed.
pub fn reconcile(
    adapter: &dyn Adapter,
    files: &[InputFile],
    csv_totals: &BTreeMap<String, SourceTotals>,
    staged: LazyFrame,
) -> Result<Vec<CheckOutcome>> {
    let written = written_per_file(staged)?;
    let mut out = Vec::new();
    for file in files {
        let name = file.display();
        let source = match csv_totals.get(&name) {
            Some(totals) => *totals,
            None => match lazy_source_totals(adapter, file)? {
                Some(totals) => totals,
                None => {
                    tracing::debug!(file = %name, "No source totals for this format; skipping reconciliation.");
                    continue;
                }
            },
        };
        let source_rows = source.rows;
        let source_billed = decimal_text(source.billed);
        let (got, partitions) = written.get(&name).cloned().unwrap_or((
            Totals {
                rows: 0,
                billed: "0".into(),
            },
            vec![],
        ));
        let outcome = |check: &str, failed: bool, detail: String| CheckOutcome {
            scope: name.clone(),
            partitions: partitions.clone(),
            check: check.to_string(),
            column: "BilledCost".to_string(),
            severity: Severity::Blocking,
            checked_rows: source_rows,
            failed_rows: u64::from(failed),
            example: failed.then_some(detail),
        };
        out.push(outcome(
            "source_rows",
            got.rows != source_rows,
            format!("source has {source_rows} rows, {} written", got.rows),
        ));
        out.push(outcome(
            "source_billed_total",
            got.billed != source_billed,
            format!(
                "source Σ BilledCost {source_billed}, written {}",
                got.billed
            ),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::decimal_text;

    #[test]
    fn decimal_text_is_exact() {
        let s = warehouse::schema::MONEY_SCALE as u32;
        assert_eq!(decimal_text(15 * 10i128.pow(s - 1)), "1.5");
        assert_eq!(decimal_text(-2 * 10i128.pow(s)), "-2");
        assert_eq!(decimal_text(1), "0.000000000000000000000001");
        assert_eq!(decimal_text(0), "0");
    }
}

#[cfg(test)]
mod gate_tests {
    use super::*;
    use crate::ingest::{Export, FileContext};

    /// An adapter whose source file holds 2 rows worth 3.5 in total.
    struct Fixed;

    impl Adapter for Fixed {
        fn name(&self) -> &'static str {
            "fixed"
        }
        fn discover(&self, _: &std::path::Path) -> Result<Export> {
            Ok(Export::default())
        }
        fn canonical(&self, _: &InputFile, _: &[String], _: &FileContext) -> Result<LazyFrame> {
            Ok(DataFrame::empty().lazy())
        }
        fn provider_key(&self) -> Expr {
            lit("x")
        }
        fn source_totals(&self, _: &InputFile, _: &[String]) -> Result<Option<LazyFrame>> {
            Ok(Some(df!("rows" => [2u64], "billed" => ["3.5"])?.lazy()))
        }
    }

    fn staged(file: &str, costs: &[&str]) -> LazyFrame {
        let n = costs.len();
        df!(
            "x_SourceFile" => vec![file; n],
            "provider" => vec!["aws"; n],
            "billing_account" => vec!["1"; n],
            "billing_period" => vec!["2026-10"; n],
            "BilledCost" => costs.to_vec(),
        )
        .unwrap()
        .lazy()
        .with_column(col("BilledCost").cast(warehouse::schema::money_dtype()))
    }

    #[test]
    fn a_lost_cent_blocks_the_commit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.csv");
        std::fs::write(&path, "a\n1\n2\n").unwrap();
        let file = InputFile::inspect(&path).unwrap();
        let ok = reconcile(
            &Fixed,
            std::slice::from_ref(&file),
            &BTreeMap::new(),
            staged(&file.display(), &["1.25", "2.25"]),
        )
        .unwrap();
        assert!(ok.iter().all(|o| o.failed_rows == 0), "{ok:?}");
        let lost = reconcile(
            &Fixed,
            std::slice::from_ref(&file),
            &BTreeMap::new(),
            staged(&file.display(), &["1.25", "2.24"]),
        )
        .unwrap();
        let failed: Vec<_> = lost
            .iter()
            .filter(|o| o.failed_rows > 0)
            .map(|o| o.check.as_str())
            .collect();
        assert_eq!(failed, ["source_billed_total"]);
        let dropped = reconcile(
            &Fixed,
            std::slice::from_ref(&file),
            &BTreeMap::new(),
            staged(&file.display(), &["3.5"]),
        )
        .unwrap();
        let failed: Vec<_> = dropped
            .iter()
            .filter(|o| o.failed_rows > 0)
            .map(|o| o.check.as_str())
            .collect();
        assert_eq!(failed, ["source_rows"]);
    }

    #[test]
    fn totals_from_the_record_pass_are_used_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.csv");
        std::fs::write(&path, "a\n1\n2\n").unwrap();
        let file = InputFile::inspect(&path).unwrap();
        let unit = 10i128.pow(warehouse::schema::MONEY_SCALE as u32);
        // the record pass saw 4.5 (the Fixed adapter's own scan would say 3.5)
        let csv_totals = BTreeMap::from([(
            file.display(),
            SourceTotals {
                rows: 2,
                billed: 45 * unit / 10,
            },
        )]);
        let failed = |costs: &[&str]| -> Vec<String> {
            reconcile(
                &Fixed,
                std::slice::from_ref(&file),
                &csv_totals,
                staged(&file.display(), costs),
            )
            .unwrap()
            .into_iter()
            .filter(|o| o.failed_rows > 0)
            .map(|o| o.check)
            .collect()
        };
        assert!(failed(&["2.25", "2.25"]).is_empty());
        assert_eq!(failed(&["1.25", "2.25"]), ["source_billed_total"]);
    }
}
