//! The monthly SOX cost report: billed and effective totals by billing account and service in
//! exact decimals, invoice reconciliation, restatements (commits that replaced the month's
//! cost) and provenance (input checksums, code version, approver).

use super::{ReportRequest, provenance};
use crate::columns::strings;
use crate::error::Result;
use polars::prelude::*;
use reports::data::{AmountRow, InputRow, InvoiceRow, RestatementRow, SoxData};
use reports::format::money;
use std::collections::BTreeSet;
use warehouse::Warehouse;
use warehouse::schema::COST_TABLE;

pub(super) async fn build(warehouse: &Warehouse, request: &ReportRequest) -> Result<SoxData> {
    let month = request.partition.clone();
    let lf = warehouse
        .scan(COST_TABLE)
        .billing_periods(Some(&month), Some(&month))
        .lazy()
        .await?;
    let sums = [
        col("BilledCost")
            .sum()
            .cast(DataType::String)
            .alias("billed"),
        col("EffectiveCost")
            .sum()
            .cast(DataType::String)
            .alias("effective"),
        col("BilledCost")
            .sum()
            .cast(DataType::Float64)
            .alias("value"),
    ];
    let accounts = crate::blocking::collect_streaming(
        lf.clone()
            .group_by([col("billing_account")])
            .agg(
                [col("BillingAccountName")
                    .cast(DataType::String)
                    .drop_nulls()
                    .first()
                    .alias("name")]
                .into_iter()
                .chain(sums.clone())
                .collect::<Vec<_>>(),
            )
            .sort(["billing_account"], SortMultipleOptions::default()),
    )
    .await?;
    let services = crate::blocking::collect_streaming(
        lf.clone()
            .group_by([col("ServiceName")
                .cast(DataType::String)
                .fill_null(lit("(no service)"))])
            .agg(sums.clone())
            .sort(
                ["value", "ServiceName"],
                SortMultipleOptions::default().with_order_descending_multi([true, false]),
            ),
    )
    .await?;
    let invoices = crate::blocking::collect_streaming(
        lf.clone()
            .filter(col("InvoiceId").is_not_null())
            .group_by([
                col("InvoiceId").cast(DataType::String),
                col("billing_account"),
            ])
            .agg([
                col("BilledCost")
                    .sum()
                    .cast(DataType::String)
                    .alias("billed"),
                len().alias("lines"),
            ])
            .sort(
                ["InvoiceId", "billing_account"],
                SortMultipleOptions::default(),
            ),
    )
    .await?;
    let totals = crate::blocking::collect_streaming(
        lf.select([
            col("BilledCost")
                .sum()
                .cast(DataType::String)
                .alias("billed"),
            col("BilledCost")
                .filter(col("InvoiceId").is_null())
                .sum()
                .cast(DataType::String)
                .alias("without_invoice"),
            col("BillingCurrency")
                .cast(DataType::String)
                .drop_nulls()
                .unique()
                .sort(SortOptions::default())
                .str()
                .join(",", true)
                .alias("currency"),
        ]),
    )
    .await?;
    let total_billed = exact(&strings(&totals, "billed")?.pop().unwrap_or_default());
    let without = exact(
        &strings(&totals, "without_invoice")?
            .pop()
            .unwrap_or_default(),
    );
    let currency = strings(&totals, "currency")?.pop().unwrap_or_default();
    let invoice_rows = invoice_rows(&invoices)?;
    let reconciled = !invoice_rows.is_empty() && is_zero(&without);
    let (restatements, inputs) = history(warehouse, &month, request).await?;
    Ok(SoxData {
        provenance: provenance(warehouse, request, &[COST_TABLE]).await?,
        month: month.clone(),
        currency: match currency.as_str() {
            "" => "USD".into(),
            c if c.contains(',') => "mixed".into(),
            c => c.into(),
        },
        total_billed: money(&total_billed),
        total_billed_exact: total_billed,
        by_account: amount_rows(&accounts, "billing_account", Some("name"))?,
        by_service: amount_rows(&services, "ServiceName", None)?,
        invoices: invoice_rows,
        reconciled,
        without_invoice: money(&without),
        restatements,
        previous_report: request.previous_report.map(|t| t.to_rfc3339()),
        inputs,
        approver: request.approver.clone(),
    })
}

/// Decimal text without trailing fractional zeros (`12.3400` → `12.34`, `5.000` → `5`).
fn exact(text: &str) -> String {
    if text.is_empty() {
        return "0".into();
    }
    if !text.contains('.') {
        return text.to_string();
    }
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn is_zero(text: &str) -> bool {
    text.trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
}

fn amount_rows(df: &DataFrame, key: &str, name: Option<&str>) -> Result<Vec<AmountRow>> {
    let keys = strings(df, key)?;
    let names = match name {
        Some(n) => strings(df, n)?,
        None => vec![String::new(); keys.len()],
    };
    let (billed, effective) = (strings(df, "billed")?, strings(df, "effective")?);
    let values = crate::columns::floats(df, "value")?;
    Ok((0..keys.len())
        .map(|i| {
            let (b, e) = (exact(&billed[i]), exact(&effective[i]));
            AmountRow {
                key: keys[i].clone(),
                name: names[i].clone(),
                billed: money(&b),
                billed_exact: b,
                effective: money(&e),
                effective_exact: e,
                value: values[i].unwrap_or(0.0),
            }
        })
        .collect())
}

fn invoice_rows(df: &DataFrame) -> Result<Vec<InvoiceRow>> {
    let (ids, accounts, billed) = (
        strings(df, "InvoiceId")?,
        strings(df, "billing_account")?,
        strings(df, "billed")?,
    );
    let lines = strings(df, "lines")?;
    Ok((0..ids.len())
        .map(|i| InvoiceRow {
            invoice_id: ids[i].clone(),
            account: accounts[i].clone(),
            lines_total: exact(&billed[i]),
            lines_billed: money(&exact(&billed[i])),
            lines: lines[i].parse().unwrap_or(0),
        })
        .collect())
}

/// Commits that replaced a partition of the month already committed (after the previous
/// report, when there was one), and the input files of the month's current partitions.
async fn history(
    warehouse: &Warehouse,
    month: &str,
    request: &ReportRequest,
) -> Result<(Vec<RestatementRow>, Vec<InputRow>)> {
    let mut seen = BTreeSet::new();
    let mut restatements = Vec::new();
    for record in warehouse.history(COST_TABLE).await? {
        let ours: Vec<_> = record
            .partitions
            .iter()
            .filter(|p| p.key.billing_period == month)
            .collect();
        if ours.is_empty() {
            continue;
        }
        let replaced = ours.iter().any(|p| seen.contains(&p.key));
        let after = request
            .previous_report
            .is_none_or(|t| record.committed_at > t);
        if replaced && after {
            restatements.push(RestatementRow {
                version: record.version,
                committed_at: record.committed_at.to_rfc3339(),
                run_id: record.run_id.clone(),
                partitions: ours
                    .iter()
                    .map(|p| format!("{}/{}", p.key.provider, p.key.billing_account))
                    .collect::<Vec<_>>()
                    .join(" "),
                rows: ours.iter().map(|p| p.rows).sum(),
            });
        }
        seen.extend(ours.iter().map(|p| p.key.clone()));
    }
    let state = warehouse.state(COST_TABLE).await?;
    let inputs: BTreeSet<(String, String)> = state
        .partitions
        .values()
        .filter(|p| p.key.billing_period == month)
        .flat_map(|p| p.sources.iter().map(|s| (s.uri.clone(), s.sha256.clone())))
        .collect();
    Ok((
        restatements,
        inputs
            .into_iter()
            .map(|(file, sha256)| InputRow { file, sha256 })
            .collect(),
    ))
}
