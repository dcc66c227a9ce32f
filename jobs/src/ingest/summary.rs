//! The human-readable outcome of an ingest, computed from the committed data.

use super::quality::QualityReport;
use crate::error::Result;
use polars::prelude::*;
use std::collections::BTreeSet;
use std::fmt;
use std::time::Duration;
use warehouse::schema::{COST_TABLE, billing_status};
use warehouse::{CommitRecord, PartitionFilter, SourceFile, Warehouse};

/// Totals of one billing currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrencyTotals {
    /// ISO 4217 code.
    pub currency: String,
    /// Rows.
    pub rows: u64,
    /// Σ BilledCost, exact decimal text.
    pub billed_cost: String,
    /// Σ EffectiveCost, exact decimal text.
    pub effective_cost: String,
    /// Σ BilledCost in the reporting currency (`CODE amount`), when one is configured.
    pub reporting_billed_cost: Option<String>,
}

/// What an ingest committed.
#[derive(Debug, Clone)]
pub struct IngestSummary {
    /// Run id.
    pub run_id: String,
    /// Table version committed.
    pub version: u64,
    /// Rows committed.
    pub rows: u64,
    /// Partitions replaced.
    pub partitions: usize,
    /// Billing periods covered.
    pub billing_periods: Vec<String>,
    /// Billing accounts covered (provider/account).
    pub accounts: Vec<String>,
    /// Partitions (provider/account/period) holding estimated (not yet invoiced) rows.
    pub estimated: Vec<String>,
    /// Totals per billing currency.
    pub totals: Vec<CurrencyTotals>,
    /// Source files read.
    pub sources: Vec<SourceFile>,
    /// Notes the adapter recorded about the export (e.g. a missing Azure actual-cost dataset).
    pub notes: Vec<String>,
    /// Data-quality outcomes (all checks, failed or not).
    pub quality: QualityReport,
    /// Wall time.
    pub duration: Duration,
}

pub(super) async fn summarise(
    warehouse: &Warehouse,
    record: &CommitRecord,
    sources: Vec<SourceFile>,
    quality: QualityReport,
    duration: Duration,
) -> Result<IngestSummary> {
    let keys: BTreeSet<_> = record.partitions.iter().map(|p| p.key.clone()).collect();
    let filter = PartitionFilter {
        providers: keys.iter().map(|k| k.provider.clone()).collect(),
        billing_accounts: keys.iter().map(|k| k.billing_account.clone()).collect(),
        from_period: keys.iter().map(|k| k.billing_period.clone()).min(),
        to_period: keys.iter().map(|k| k.billing_period.clone()).max(),
    };
    let lf = warehouse.scan(COST_TABLE).filter(filter).lazy().await?;
    // the pruning filter is a box; keep exactly this commit's partitions
    let lf = lf.filter(col("x_IngestRunId").eq(lit(record.run_id.clone())));
    let (totals, estimated) = tokio::task::spawn_blocking(move || -> PolarsResult<_> {
        let by_currency = lf
            .clone()
            .group_by([col("BillingCurrency")])
            .agg([
                len().alias("rows"),
                col("BilledCost").sum(),
                col("EffectiveCost").sum(),
                col("x_ReportingBilledCost").sum(),
                col("x_ReportingCurrency").first(),
            ])
            .sort(["BillingCurrency"], Default::default())
            .collect_with_engine(Engine::Streaming)?
            .unwrap_single();
        let estimated = lf
            .filter(col("x_BillingStatus").eq(lit(billing_status::ESTIMATED)))
            .select([concat_str(
                [
                    col("provider"),
                    col("billing_account"),
                    col("billing_period"),
                ],
                "/",
                true,
            )
            .alias("p")])
            .unique(None, UniqueKeepStrategy::Any)
            .sort(["p"], Default::default())
            .collect_with_engine(Engine::Streaming)?
            .unwrap_single();
        Ok((by_currency, estimated))
    })
    .await
    .map_err(|e| PolarsError::ComputeError(e.to_string().into()))??;

    let cur = totals.column("BillingCurrency")?.str()?.clone();
    let rows = totals.column("rows")?.cast(&DataType::UInt64)?;
    let billed = totals.column("BilledCost")?.cast(&DataType::String)?;
    let effective = totals.column("EffectiveCost")?.cast(&DataType::String)?;
    let reporting = totals
        .column("x_ReportingBilledCost")?
        .cast(&DataType::String)?;
    let reporting_code = totals.column("x_ReportingCurrency")?.str()?.clone();
    let notes = record
        .partitions
        .iter()
        .flat_map(|p| p.properties.iter().filter(|(k, _)| k.ends_with("_note")))
        .filter_map(|(_, v)| v.as_str().map(str::to_string))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let totals: Vec<CurrencyTotals> = (0..totals.height())
        .map(|i| CurrencyTotals {
            currency: cur.get(i).unwrap_or("(none)").to_string(),
            rows: rows.u64().map(|r| r.get(i).unwrap_or(0)).unwrap_or(0),
            billed_cost: trim_decimal(billed.str().ok().and_then(|s| s.get(i)).unwrap_or("0")),
            effective_cost: trim_decimal(
                effective.str().ok().and_then(|s| s.get(i)).unwrap_or("0"),
            ),
            reporting_billed_cost: reporting_code
                .get(i)
                .zip(reporting.str().ok().and_then(|s| s.get(i)))
                .map(|(code, v)| format!("{code} {}", trim_decimal(v))),
        })
        .collect();
    let estimated = estimated
        .column("p")?
        .str()?
        .iter()
        .flatten()
        .map(str::to_string)
        .collect();
    Ok(IngestSummary {
        run_id: record.run_id.clone(),
        version: record.version,
        rows: record.partitions.iter().map(|p| p.rows).sum(),
        partitions: record.partitions.len(),
        billing_periods: keys
            .iter()
            .map(|k| k.billing_period.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
        accounts: keys
            .iter()
            .map(|k| format!("{}/{}", k.provider, k.billing_account))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
        estimated,
        totals,
        sources,
        notes,
        quality,
        duration,
    })
}

/// Drops trailing fractional zeros of a decimal string (`1.500000` → `1.5`, `2.000` → `2`).
pub fn trim_decimal(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

impl fmt::Display for IngestSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Ingested {} rows into {} partition(s) (commit {}, run {}) in {:.1}s",
            self.rows,
            self.partitions,
            self.version,
            self.run_id,
            self.duration.as_secs_f64()
        )?;
        writeln!(f, "  billing periods: {}", self.billing_periods.join(", "))?;
        writeln!(f, "  accounts:        {}", self.accounts.join(", "))?;
        if !self.estimated.is_empty() {
            writeln!(
                f,
                "  estimated (not yet invoiced): {}",
                self.estimated.join(", ")
            )?;
        }
        writeln!(
            f,
            "  {:<8} {:>10} {:>28} {:>28}",
            "currency", "rows", "BilledCost", "EffectiveCost"
        )?;
        for t in &self.totals {
            write!(
                f,
                "  {:<8} {:>10} {:>28} {:>28}",
                t.currency, t.rows, t.billed_cost, t.effective_cost
            )?;
            match &t.reporting_billed_cost {
                Some(r) => writeln!(f, "   (BilledCost = {r})")?,
                None => writeln!(f)?,
            }
        }
        for note in &self.notes {
            writeln!(f, "  note: {note}")?;
        }
        let warnings: Vec<String> = self.quality.warnings().map(ToString::to_string).collect();
        let passed = self.quality.outcomes.len() - warnings.len();
        writeln!(
            f,
            "  data quality: {passed} check(s) passed, {} warning(s)",
            warnings.len()
        )?;
        for w in &warnings {
            writeln!(f, "    warning: {w}")?;
        }
        write!(f, "  sources: {} file(s)", self.sources.len())
    }
}
