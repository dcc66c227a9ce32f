//! FOCUS 1.0–1.3 cost and usage files (CSV, CSV.gz, Parquet).
//!
//! Columns are matched by name, case-insensitively, never by position; names from earlier
//! versions are accepted (`Provider`, `UsageQuantity`, `AmortizedCost`, `ChargeType`, …) and
//! FOCUS 1.3's `ServiceProviderName` stands in for the deprecated `ProviderName`. Literal `NULL`
//! and empty cells are nulls; enumerations are normalised to the spec's spelling; timestamps are
//! accepted with or without `T`/`Z`. Columns greenops does not keep are listed in the summary.

use super::canonical::{CanonicalFrame, first_of, row, text};
use super::normalize::{enum_expr, json_fields, tags_from_json};
use super::parse::{Origin, measurement};
use super::scan::scan_raw;
use super::source::{InputFile, inputs_at, is_data_file};
use super::{Adapter, Export, FileContext};
use crate::error::{JobError, Result};
use crate::ingest::billed::BilledColumns;
use polars::prelude::*;
use std::collections::HashMap;
use std::path::Path;
use warehouse::schema::{COST_COLUMNS, ColumnKind, billing_status};

/// Adapter for FOCUS files.
#[derive(Debug, Default)]
pub struct FocusAdapter;

/// Older or alternative names of canonical columns.
const ALIASES: &[(&str, &str)] = &[
    ("Provider", "ProviderName"),
    ("ServiceProviderName", "ProviderName"),
    ("Publisher", "PublisherName"),
    ("InvoiceIssuer", "InvoiceIssuerName"),
    ("UsageQuantity", "ConsumedQuantity"),
    ("UsageUnit", "ConsumedUnit"),
    ("AmortizedCost", "EffectiveCost"),
    ("ChargeType", "ChargeCategory"),
    ("Region", "RegionId"),
];

/// Columns without which a file is not a FOCUS cost and usage file.
const REQUIRED: &[&str] = &[
    "BilledCost",
    "BillingAccountId",
    "BillingCurrency",
    "BillingPeriodStart",
    "ChargePeriodStart",
];

impl Adapter for FocusAdapter {
    fn name(&self) -> &'static str {
        "focus"
    }

    fn discover(&self, path: &Path) -> Result<Export> {
        Ok(Export {
            files: inputs_at(path, is_data_file)?,
            ..Default::default()
        })
    }

    fn canonical(
        &self,
        file: &InputFile,
        header: &[String],
        ctx: &FileContext,
    ) -> Result<LazyFrame> {
        let resolved = resolve_header(header);
        let missing: Vec<&str> = REQUIRED
            .iter()
            .copied()
            .filter(|c| !resolved.contains_key(c))
            .collect();
        if !missing.is_empty() {
            return Err(JobError::BadFile {
                file: file.display(),
                reason: format!(
                    "not a recognisable FOCUS cost and usage header: missing {} (header starts {:?})",
                    missing.join(", "),
                    header.iter().take(6).collect::<Vec<_>>()
                ),
            });
        }
        let origin = Origin::new(&file.display());
        let mut frame = CanonicalFrame::new();
        for spec in COST_COLUMNS {
            let Some(source) = resolved.get(spec.name) else {
                continue;
            };
            let raw = text_or_typed(source, spec.kind);
            let expr = match spec.kind {
                ColumnKind::Money => origin.money(raw, source),
                ColumnKind::Quantity => origin.quantity(raw, source),
                ColumnKind::Timestamp => origin.timestamp(raw, source),
                ColumnKind::Enum => enum_expr(raw, spec.name),
                ColumnKind::Float => measurement(raw),
                ColumnKind::Json if spec.name == "Tags" => {
                    let [tags, raw_tags] =
                        frame.shared(tags_from_json(raw, &file.display(), source));
                    frame.set("x_RawTags", raw_tags);
                    tags
                }
                ColumnKind::Text | ColumnKind::Json | ColumnKind::Integer => raw,
            };
            frame.set(spec.name, expr);
        }
        frame
            .set(
                "x_SourceKind",
                lit(format!("focus-{}", focus_version(header, &resolved))),
            )
            .set("x_SourceFile", lit(file.display()))
            .set("x_SourceRow", row().cast(DataType::Int64))
            .set("x_IngestRunId", lit(ctx.run_id.clone()))
            .set(
                "x_BillingStatus",
                if resolved.contains_key("InvoiceId") {
                    when(text(&resolved["InvoiceId"]).is_null())
                        .then(lit(billing_status::UNKNOWN))
                        .otherwise(lit(billing_status::FINAL))
                } else {
                    lit(billing_status::UNKNOWN)
                },
            );
        // carbon estimation needs instance shape: FOCUS carries it in SkuPriceDetails (1.1+)
        if let Some(details) = resolved.get("SkuPriceDetails") {
            let [instance, cores, memory] = frame.shared(json_fields(
                text(details),
                ["InstanceType", "CoreCount", "MemorySize"],
            ));
            for (column, value) in [
                ("x_InstanceType", instance),
                ("x_vCPUs", measurement(cores)),
                ("x_MemoryGB", measurement(memory)),
            ] {
                if !frame.has(column) {
                    frame.set(column, value);
                }
            }
        }
        if !frame.has("ChargeCategory") {
            frame.set("ChargeCategory", lit("Usage"));
        }
        // FOCUS requires ListCost and ContractedCost, but exporters leave them null (the Oracle
        // rows of the FOCUS 1.0 sample): each falls back to the other, then to BilledCost.
        let (list, contracted, billed) = (
            frame.get("ListCost"),
            frame.get("ContractedCost"),
            frame.get("BilledCost"),
        );
        let chain =
            |order: [&Option<Expr>; 3]| first_of(order.into_iter().flatten().cloned().collect());
        frame.set("ContractedCost", chain([&contracted, &list, &billed]));
        frame.set("ListCost", chain([&list, &contracted, &billed]));
        let raw = scan_raw(file, &["", "NULL"]).map_err(|e| JobError::BadFile {
            file: file.display(),
            reason: e.to_string(),
        })?;
        Ok(frame.apply(raw))
    }

    fn billed_columns(&self, header: &[String]) -> Option<BilledColumns> {
        let billed = resolve_header(header).remove("BilledCost")?;
        Some(BilledColumns {
            columns: vec![billed],
            null_tokens: &["NULL"],
        })
    }

    fn provider_key(&self) -> Expr {
        col("ProviderName").map(
            |c| {
                let out: StringChunked = c.str()?.iter().map(|v| v.map(provider_slug)).collect();
                Ok(out.with_name(c.name().clone()).into_column())
            },
            |_, f| Ok(Field::new(f.name().clone(), DataType::String)),
        )
    }
}

fn text_or_typed(source: &str, kind: ColumnKind) -> Expr {
    match kind {
        // text columns: blank → null; parsed kinds accept whatever type the file has
        ColumnKind::Text | ColumnKind::Enum | ColumnKind::Json => text(source),
        _ => col(source),
    }
}

/// Canonical column → the file's column name.
fn resolve_header(header: &[String]) -> HashMap<&'static str, String> {
    let mut out = HashMap::new();
    for spec in COST_COLUMNS {
        if let Some(h) = header.iter().find(|h| h.eq_ignore_ascii_case(spec.name)) {
            out.insert(spec.name, h.clone());
        }
    }
    for (alias, canonical) in ALIASES {
        if out.contains_key(canonical) {
            continue;
        }
        if let Some(h) = header.iter().find(|h| h.eq_ignore_ascii_case(alias)) {
            out.insert(*canonical, h.clone());
        }
    }
    out
}

/// The FOCUS version a header belongs to, from the columns each version introduced.
fn focus_version(header: &[String], resolved: &HashMap<&'static str, String>) -> &'static str {
    let has = |c: &str| resolved.get(c).is_some();
    let in_header = |c: &str| header.iter().any(|h| h.eq_ignore_ascii_case(c));
    if in_header("ServiceProviderName")
        || in_header("HostProviderName")
        || in_header("ContractApplied")
    {
        "1.3"
    } else if has("InvoiceId") || has("PricingCurrency") {
        "1.2"
    } else if has("ServiceSubcategory") || has("SkuMeter") {
        "1.1"
    } else {
        "1.0"
    }
}

/// The provider partition value for a FOCUS ProviderName.
pub fn provider_slug(name: &str) -> String {
    let lower = name.trim().to_lowercase();
    match lower.as_str() {
        "aws" | "amazon web services" | "amazon" => "aws".into(),
        "microsoft" | "azure" | "microsoft azure" => "azure".into(),
        "google" | "google cloud" | "gcp" | "google cloud platform" => "gcp".into(),
        "oracle" | "oci" | "oracle cloud infrastructure" => "oci".into(),
        _ => {
            let slug: String = lower
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                .collect();
            let slug = slug
                .split('-')
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join("-");
            if slug.is_empty() {
                "unknown".into()
            } else {
                slug
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_resolve_case_insensitively_and_by_alias() {
        let header: Vec<String> = [
            "billedcost",
            "Provider",
            "ServiceProviderName",
            "UsageQuantity",
        ]
        .map(String::from)
        .to_vec();
        let r = resolve_header(&header);
        assert_eq!(r["BilledCost"], "billedcost");
        assert_eq!(r["ProviderName"], "Provider");
        assert_eq!(r["ConsumedQuantity"], "UsageQuantity");
    }

    #[test]
    fn provider_slugs() {
        assert_eq!(provider_slug("AWS"), "aws");
        assert_eq!(provider_slug("Microsoft"), "azure");
        assert_eq!(provider_slug("Oracle"), "oci");
        assert_eq!(provider_slug("Acme Cloud, Inc."), "acme-cloud-inc");
    }
}
