//! Data-quality gates run on the staged rows before anything is committed.
//!
//! Blocking checks (any failure refuses the commit, exit code 3):
//! * required FOCUS columns are not null;
//! * enumerated columns hold FOCUS values (after case normalisation at ingest);
//! * BillingCurrency and PricingCurrency are ISO 4217 codes;
//! * `ChargePeriodStart < ChargePeriodEnd`;
//! * the charge period lies inside the billing period, give or take 14 hours (the largest UTC
//!   offset: providers such as GCP and OCI close months in a local time zone while greenops keeps
//!   UTC instants — the FOCUS 1.0 sample has an Oracle row at 2024-09-30T22:00Z billed in October),
//!   except for corrections and adjustments, which may restate earlier periods;
//! * per source file, the rows and the Σ BilledCost written equal those of the source file,
//!   computed by a separate read of the file (where the adapter can state them).
//!
//! Warnings (reported, never blocking): services outside the category tables (ServiceCategory
//! `Other` or null) and region ids greenops does not know (`jobs/data/known_regions.csv`).

use super::normalize::allowed_values;
use polars::prelude::*;
use std::collections::HashSet;
use std::fmt;
use std::sync::LazyLock;
use warehouse::PartitionKey;
use warehouse::schema::{COST_COLUMNS, COST_PARTITION_COLUMNS, ColumnKind};

/// How much a failed check matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The commit is refused.
    Blocking,
    /// Reported only.
    Warning,
}

impl Severity {
    /// Lower-case name, as stored in the `data_quality` table.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Blocking => "blocking",
            Severity::Warning => "warning",
        }
    }
}

/// One check over all staged rows of one partition.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckOutcome {
    /// Partition (provider/account/period), or the source file for per-file checks.
    pub scope: String,
    /// The partitions the checked rows belong to.
    pub partitions: Vec<PartitionKey>,
    /// Check name, e.g. `not_null`.
    pub check: String,
    /// Column checked.
    pub column: String,
    /// Severity.
    pub severity: Severity,
    /// Rows checked.
    pub checked_rows: u64,
    /// Rows that failed.
    pub failed_rows: u64,
    /// The first failing row: file, row and value.
    pub example: Option<String>,
}

/// Every check outcome of one ingest.
#[derive(Debug, Clone, Default)]
pub struct QualityReport {
    /// Outcomes, failed or not.
    pub outcomes: Vec<CheckOutcome>,
}

impl QualityReport {
    /// Failed blocking checks.
    pub fn blocking(&self) -> impl Iterator<Item = &CheckOutcome> {
        self.outcomes
            .iter()
            .filter(|o| o.severity == Severity::Blocking && o.failed_rows > 0)
    }

    /// Failed warnings.
    pub fn warnings(&self) -> impl Iterator<Item = &CheckOutcome> {
        self.outcomes
            .iter()
            .filter(|o| o.severity == Severity::Warning && o.failed_rows > 0)
    }

    /// Whether the commit must be refused.
    pub fn is_blocked(&self) -> bool {
        self.blocking().next().is_some()
    }
}

impl fmt::Display for CheckOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}({}): {} of {} rows",
            self.scope, self.check, self.column, self.failed_rows, self.checked_rows
        )?;
        if let Some(e) = &self.example {
            write!(f, ", e.g. {e}")?;
        }
        Ok(())
    }
}

struct Check {
    name: &'static str,
    column: &'static str,
    severity: Severity,
    /// True where the row fails.
    failing: Expr,
}

static CURRENCIES: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../../data/iso4217_currencies.txt")
        .split_whitespace()
        .collect()
});

static KNOWN_REGIONS: LazyLock<HashSet<(String, String)>> = LazyLock::new(|| {
    include_str!("../../data/known_regions.csv")
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(','))
        .map(|(p, r)| (p.to_string(), r.to_string()))
        .collect()
});

const TOLERANCE_MICROS: i64 = 14 * 3600 * 1_000_000;

fn checks() -> Vec<Check> {
    let mut out = Vec::new();
    for c in COST_COLUMNS {
        if c.required {
            out.push(Check {
                name: "not_null",
                column: c.name,
                severity: Severity::Blocking,
                failing: col(c.name).is_null(),
            });
        }
        if c.kind == ColumnKind::Enum {
            let valid = allowed_values(c.name)
                .iter()
                .fold(lit(false), |acc, v| acc.or(col(c.name).eq(lit(*v))));
            out.push(Check {
                name: "allowed_value",
                column: c.name,
                severity: Severity::Blocking,
                failing: col(c.name).is_not_null().and(valid.not()),
            });
        }
    }
    for column in ["BillingCurrency", "PricingCurrency"] {
        out.push(Check {
            name: "currency_code",
            column,
            severity: Severity::Blocking,
            failing: unknown_currency(column),
        });
    }
    let micros = |c: &str| col(c).dt().timestamp(TimeUnit::Microseconds);
    out.push(Check {
        name: "start_before_end",
        column: "ChargePeriodStart",
        severity: Severity::Blocking,
        failing: col("ChargePeriodStart").gt_eq(col("ChargePeriodEnd")),
    });
    // corrections and adjustments may restate earlier periods (FOCUS ChargeClass "Correction";
    // GCP `adjustment` rows carry usage from months before their invoice month)
    let may_restate = col("ChargeClass")
        .eq(lit("Correction"))
        .or(col("ChargeCategory").eq(lit("Adjustment")))
        .fill_null(lit(false));
    out.push(Check {
        name: "inside_billing_period",
        column: "ChargePeriodStart",
        severity: Severity::Blocking,
        failing: may_restate.not().and(
            micros("ChargePeriodStart")
                .lt(micros("BillingPeriodStart") - lit(TOLERANCE_MICROS))
                .or(micros("ChargePeriodEnd")
                    .gt(micros("BillingPeriodEnd") + lit(TOLERANCE_MICROS))),
        ),
    });
    out.push(Check {
        name: "known_service",
        column: "ServiceCategory",
        severity: Severity::Warning,
        failing: col("ServiceCategory")
            .is_null()
            .or(col("ServiceCategory").eq(lit("Other"))),
    });
    out.push(Check {
        name: "known_region",
        column: "RegionId",
        severity: Severity::Warning,
        failing: unknown_region(),
    });
    out
}

fn unknown_currency(column: &'static str) -> Expr {
    col(column).map(
        |c| {
            let out: BooleanChunked = c
                .str()?
                .iter()
                .map(|v| Some(v.is_some_and(|v| !CURRENCIES.contains(v))))
                .collect();
            Ok(out.with_name(c.name().clone()).into_column())
        },
        |_, f| Ok(Field::new(f.name().clone(), DataType::Boolean)),
    )
}

fn unknown_region() -> Expr {
    as_struct(vec![
        col(COST_PARTITION_COLUMNS[0]).alias("p"),
        col("RegionId").alias("r"),
    ])
    .map(
        |c| {
            let fields = c.struct_()?.fields_as_series();
            let (p, r) = (fields[0].str()?, fields[1].cast(&DataType::String)?);
            let out: BooleanChunked = p
                .iter()
                .zip(r.str()?.iter())
                .map(|(p, r)| match (p, r) {
                    (Some(p), Some(r)) if matches!(p, "aws" | "azure" | "gcp") => {
                        Some(!KNOWN_REGIONS.contains(&(p.to_string(), r.trim().to_lowercase())))
                    }
                    _ => Some(false),
                })
                .collect();
            Ok(out.with_name(c.name().clone()).into_column())
        },
        |_, f| Ok(Field::new(f.name().clone(), DataType::Boolean)),
    )
}

/// Runs every row-level check on `staged` (the staged rows with partition columns), per partition.
///
/// # Errors
/// polars failures reading the staged files.
pub fn evaluate(staged: LazyFrame) -> PolarsResult<QualityReport> {
    let checks = checks();
    // pass 1: failure counts per partition — sums only, so the streaming engine keeps it bounded
    let mut aggs = vec![len().alias("__rows")];
    for (i, c) in checks.iter().enumerate() {
        aggs.push(
            c.failing
                .clone()
                .fill_null(lit(false))
                .sum()
                .alias(format!("f{i}")),
        );
    }
    let keys: Vec<Expr> = COST_PARTITION_COLUMNS.iter().map(|c| col(*c)).collect();
    let df = staged
        .clone()
        .group_by(keys)
        .agg(aggs)
        .sort(COST_PARTITION_COLUMNS, Default::default())
        .collect_with_engine(Engine::Streaming)?
        .unwrap_single();
    let keys = partition_keys(&df)?;
    let rows = df.column("__rows")?.cast(&DataType::UInt64)?;
    let mut report = QualityReport::default();
    for (i, c) in checks.iter().enumerate() {
        let failed = df.column(&format!("f{i}"))?.cast(&DataType::UInt64)?;
        for (p, key) in keys.iter().enumerate() {
            let failed_rows = failed.u64()?.get(p).unwrap_or(0);
            // pass 2, only for failures: the first failing row of the partition
            let example = if failed_rows > 0 {
                first_failure(&staged, c, key)?
            } else {
                None
            };
            report.outcomes.push(CheckOutcome {
                scope: key.to_string(),
                partitions: vec![key.clone()],
                check: c.name.to_string(),
                column: c.column.to_string(),
                severity: c.severity,
                checked_rows: rows.u64()?.get(p).unwrap_or(0),
                failed_rows,
                example,
            });
        }
    }
    Ok(report)
}

/// `file row N: value` of the first row of `key` failing `check`.
fn first_failure(
    staged: &LazyFrame,
    check: &Check,
    key: &PartitionKey,
) -> PolarsResult<Option<String>> {
    let in_partition = col(COST_PARTITION_COLUMNS[0])
        .eq(lit(key.provider.clone()))
        .and(col(COST_PARTITION_COLUMNS[1]).eq(lit(key.billing_account.clone())))
        .and(col(COST_PARTITION_COLUMNS[2]).eq(lit(key.billing_period.clone())));
    let example = concat_str(
        [
            col("x_SourceFile"),
            lit(" row "),
            col("x_SourceRow").cast(DataType::String),
            lit(": "),
            col(check.column)
                .cast(DataType::String)
                .fill_null(lit("null")),
        ],
        "",
        false,
    );
    let df = staged
        .clone()
        .filter(in_partition.and(check.failing.clone().fill_null(lit(false))))
        .select([example.alias("e"), col("x_SourceFile"), col("x_SourceRow")])
        .sort(["x_SourceFile", "x_SourceRow"], Default::default())
        .limit(1)
        .collect_with_engine(Engine::Streaming)?
        .unwrap_single();
    Ok(df.column("e")?.str()?.get(0).map(str::to_string))
}

/// The partition key of every row of a frame holding the partition columns.
pub(crate) fn partition_keys(df: &DataFrame) -> PolarsResult<Vec<PartitionKey>> {
    let cols: Vec<StringChunked> = COST_PARTITION_COLUMNS
        .iter()
        .map(|c| Ok(df.column(c)?.str()?.clone()))
        .collect::<PolarsResult<_>>()?;
    (0..df.height())
        .map(|i| {
            let v = |c: usize| cols[c].get(i).unwrap_or("");
            PartitionKey::new(v(0), v(1), v(2)).map_err(|e| polars_err!(ComputeError: "{e}"))
        })
        .collect()
}
