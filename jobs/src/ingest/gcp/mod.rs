//! Google Cloud billing export (the BigQuery standard `gcp_billing_export_v1_*` and detailed
//! `gcp_billing_export_resource_v1_*` tables) as CSV, CSV.gz, NDJSON or Parquet files.
//!
//! Google exports billing data only to BigQuery; files come from query results (CSV: nested
//! fields flattened to dotted names like `service.description`, repeated fields as text holding
//! JSON or a Python literal list) or `EXPORT DATA` (NDJSON, Parquet: nested structs and lists).
//! Fields are found by their path in either shape ([`fields`]). A folder means every `.csv`,
//! `.csv.gz`, `.gz`, `.parquet`, `.json`, `.ndjson` and `.jsonl` file under it; formats are
//! recognised from the content (gzip-compressed NDJSON is not supported: decompress it first).
//!
//! A file is recognised by `billing_account_id`, `cost`, `currency` and `invoice.month` (or a
//! nested `invoice`); anything else is refused as "not a recognisable GCP billing export header".
//!
//! Mapping to FOCUS:
//! * ProviderName and InvoiceIssuerName "Google Cloud"; PublisherName = `seller_name` (Marketplace
//!   sellers), else "Google Cloud".
//! * BillingAccountId = `billing_account_id`; SubAccountId/SubAccountName = `project.id`/
//!   `project.name`; BillingCurrency = `currency`.
//! * Billing period from `invoice.month` (`YYYYMM`): BillingPeriodStart = the first instant of
//!   that month in UTC, BillingPeriodEnd = the first instant of the next month. Google's invoice
//!   month follows US Pacific time (usage around midnight can land in the adjacent month, which
//!   is why the invoice month, not `usage_start_time`, decides the period); greenops keys the
//!   period by the invoice month and keeps month boundaries in UTC like every other provider.
//!   An empty or malformed month is refused (Google sets it on every row).
//! * ChargePeriodStart/End = `usage_start_time`/`usage_end_time` (text such as
//!   `2022-08-01 03:00:00+00:00` or `… UTC`, or Parquet timestamps).
//! * Net cost = cost + sum(credits): BilledCost = `cost` + Σ `credits.amount` (what is
//!   invoiced; credit amounts are negative), summed exactly from the amounts' decimal text
//!   ([`credits`]); EffectiveCost = BilledCost (the export has no amortisation: commitment fees are
//!   their own SKUs; unlike focus_converters, greenops does not floor it at 0);
//!   ContractedCost = `cost` (before credits); ListCost = `cost_at_list` where present and
//!   non-empty, else `cost`. An empty `cost` counts as 0 (BigQuery's `cost` is never null) and
//!   no or empty `credits` as no credits.
//! * ChargeCategory from `cost_type`: regular → Usage, tax → Tax, adjustment and
//!   rounding_error → Adjustment, missing → Usage, any other value → Adjustment; the raw value
//!   is kept in `x_ChargeType`. ChargeFrequency is Usage-Based, One-Time for Tax.
//! * RegionId = `location.region`, else `location.location` (multi-regions such as `us`,
//!   `global`); AvailabilityZone = `location.zone`.
//! * ServiceName = `service.description`, `x_ServiceCode` = `service.id`; ServiceCategory from
//!   focus_converters' table of service descriptions (`jobs/data/gcp_service_categories.csv`),
//!   unknown or missing → Other.
//! * SkuId = `sku.id`; ChargeDescription and `x_UsageType` = `sku.description`.
//! * ConsumedQuantity/ConsumedUnit = `usage.amount`/`usage.unit`; PricingQuantity/PricingUnit =
//!   `usage.amount_in_pricing_units`/`usage.pricing_unit`.
//! * ResourceId = `resource.global_name`, ResourceName = `resource.name` (detailed export only).
//! * Tags/x_RawTags from `labels` (the `{key, value}` list as an object; the first of repeated
//!   keys wins). Project labels and resource-manager `tags` are not merged in.
//! * From `system_labels`: `compute.googleapis.com/cores` → x_vCPUs,
//!   `compute.googleapis.com/memory` (MB) → x_MemoryGB (÷ 1024),
//!   `compute.googleapis.com/machine_spec` → x_InstanceType.
//! * x_SourceKind "gcp-billing-export"; x_BillingStatus "Unknown" (the export does not say
//!   whether a month is closed; late rows arrive with a later `export_time`).
//! * Not mapped: InvoiceId (the export has none), commitment and pricing-category columns,
//!   unit prices (`price.*` of the detailed export).
//!
//! Credits, labels and invoice months that cannot be read stop the ingest with an error naming
//! the file, the row (the data row of a CSV, the object of an NDJSON file) and the column.

pub mod credits;
pub mod fields;
pub mod labels;
pub mod literal;
pub mod nested;
pub mod period;

use super::canonical::SharedColumns;
use super::canonical::{CanonicalFrame, first_of, row};
use super::normalize::{TAG_COLUMNS, tags_from_json};
use super::parse::{Origin, measurement};
use super::scan::scan_raw;
use super::source::{InputFile, inputs_at, is_data_file, is_ndjson_file};
use super::{Adapter, Export, FileContext};
use crate::error::{JobError, Result};
use fields::Fields;
use period::{Bound, invoice_month};
use polars::prelude::*;
use std::collections::HashMap;
use std::path::Path;
use std::sync::LazyLock;
use warehouse::schema::{billing_status, money_dtype};

/// Adapter for Google Cloud billing exports.
#[derive(Debug, Default)]
pub struct GcpAdapter;

/// `x_SourceKind` of every row.
pub const SOURCE_KIND: &str = "gcp-billing-export";

/// Service description (lower-cased) → FOCUS ServiceCategory.
static SERVICE_CATEGORIES: LazyLock<HashMap<String, String>> = LazyLock::new(|| {
    include_str!("../../../data/gcp_service_categories.csv")
        .lines()
        .skip(1)
        .filter_map(|l| l.rsplit_once(','))
        .map(|(name, cat)| (name.trim().to_lowercase(), cat.trim().to_string()))
        .collect()
});

impl Adapter for GcpAdapter {
    fn name(&self) -> &'static str {
        "gcp"
    }

    fn discover(&self, path: &Path) -> Result<Export> {
        Ok(Export {
            files: inputs_at(path, |p| is_data_file(p) || is_ndjson_file(p))?,
            ..Default::default()
        })
    }

    fn canonical(
        &self,
        file: &InputFile,
        header: &[String],
        ctx: &FileContext,
    ) -> Result<LazyFrame> {
        check_header(file, header)?;
        let mut raw = scan_raw(file, &[""]).map_err(|e| JobError::BadFile {
            file: file.display(),
            reason: e.to_string(),
        })?;
        let schema = raw.collect_schema().map_err(|e| JobError::BadFile {
            file: file.display(),
            reason: format!("cannot read the file's schema: {e}"),
        })?;
        let fields = Fields::new(schema);
        if !fields.has("invoice.month") {
            return Err(JobError::BadFile {
                file: file.display(),
                reason: "not a recognisable GCP billing export header: `invoice` has no `month`"
                    .into(),
            });
        }
        let frame = map_fields(&fields, file, ctx);
        Ok(frame.apply(raw))
    }

    fn provider_key(&self) -> Expr {
        lit("gcp")
    }

    fn source_totals(&self, file: &InputFile, header: &[String]) -> Result<Option<LazyFrame>> {
        if check_header(file, header).is_err() {
            return Ok(None);
        }
        let mut raw = scan_raw(file, &[""]).map_err(|e| JobError::BadFile {
            file: file.display(),
            reason: e.to_string(),
        })?;
        let schema = raw.collect_schema().map_err(|e| JobError::BadFile {
            file: file.display(),
            reason: e.to_string(),
        })?;
        let fields = Fields::new(schema);
        let (origin, name) = (Origin::new(&file.display()), file.display());
        let zero = || lit(0).cast(money_dtype());
        let cost = fields
            .get("cost")
            .map_or_else(zero, |e| origin.money(e, "cost").fill_null(zero()));
        let credits = match fields.get("credits") {
            Some(c) => origin.money(credits::credits_total(c, &name), "credits"),
            None => zero(),
        };
        let billed = (cost + credits).cast(money_dtype());
        Ok(Some(raw.select([
            len().alias("rows"),
            billed.sum().alias("billed"),
        ])))
    }
}

/// Refuses files without the fields every billing export row has.
fn check_header(file: &InputFile, header: &[String]) -> Result<()> {
    let has = |name: &str| header.iter().any(|h| h.eq_ignore_ascii_case(name));
    let mut missing: Vec<&str> = ["billing_account_id", "cost", "currency"]
        .into_iter()
        .filter(|c| !has(c))
        .collect();
    if !has("invoice.month") && !has("invoice") {
        missing.push("invoice.month");
    }
    if missing.is_empty() {
        return Ok(());
    }
    let hint = if header
        .first()
        .is_some_and(|h| h.trim_start().starts_with('{'))
    {
        " (this looks like gzip-compressed NDJSON, which is not supported: decompress it first)"
    } else {
        ""
    };
    Err(JobError::BadFile {
        file: file.display(),
        reason: format!(
            "not a recognisable GCP billing export header: missing {} (header starts {:?}){hint}",
            missing.join(", "),
            header.iter().take(6).collect::<Vec<_>>()
        ),
    })
}

fn map_fields(f: &Fields, file: &InputFile, ctx: &FileContext) -> CanonicalFrame {
    let origin = Origin::new(&file.display());
    let name = file.display();
    let t = |path: &str| f.text(path);
    let raw = |path: &str| f.get(path).unwrap_or_else(|| lit(NULL));
    let zero = || lit(0).cast(money_dtype());
    let money = |path: &str| {
        f.get(path)
            .map_or_else(|| lit(NULL).cast(money_dtype()), |e| origin.money(e, path))
    };
    let quantity = |path: &str| {
        f.get(path)
            .map_or_else(|| lit(NULL), |e| origin.quantity(e, path))
    };
    let ts = |path: &str| {
        f.get(path)
            .map_or_else(|| lit(NULL), |e| origin.timestamp(e, path))
    };

    let cost = money("cost").fill_null(zero());
    let credits = if f.has("credits") {
        origin.money(credits::credits_total(raw("credits"), &name), "credits")
    } else {
        zero()
    };
    let billed = (cost.clone() + credits).cast(money_dtype());
    let list = first_of(vec![money("cost_at_list"), cost.clone()]);
    let cost_type = t("cost_type");

    let tag_columns = if f.has("labels") {
        let json = labels::labels_json(raw("labels"), &name, "labels");
        tags_from_json(json, &name, "labels")
    } else {
        SharedColumns::nulls(TAG_COLUMNS)
    };
    // per-row functions only over columns the file has (a function of a literal is one row long)
    let system = |key: &'static str, to: DataType| {
        if f.has("system_labels") {
            let value = labels::label_value(raw("system_labels"), &name, "system_labels", key);
            match to {
                DataType::Float64 => measurement(value),
                _ => value,
            }
        } else {
            lit(NULL).cast(to)
        }
    };
    let by_cost_type = |rule: fn(Option<&str>) -> &'static str| {
        if f.has("cost_type") {
            map_text(cost_type.clone(), rule)
        } else {
            lit(rule(None))
        }
    };
    let category = if f.has("service.description") {
        service_category(t("service.description"))
    } else {
        lit(category_of(None))
    };

    let mut frame = CanonicalFrame::new();
    let [tags, raw_tags] = frame.shared(tag_columns);
    frame
        .set("AvailabilityZone", t("location.zone"))
        .set("BilledCost", billed.clone())
        .set("BillingAccountId", t("billing_account_id"))
        .set("BillingCurrency", t("currency"))
        .set(
            "BillingPeriodStart",
            invoice_month(raw("invoice.month"), &name, "invoice.month", Bound::Start),
        )
        .set(
            "BillingPeriodEnd",
            invoice_month(raw("invoice.month"), &name, "invoice.month", Bound::End),
        )
        .set("ChargeCategory", by_cost_type(charge_category))
        .set("ChargeDescription", t("sku.description"))
        .set("ChargeFrequency", by_cost_type(charge_frequency))
        .set("ChargePeriodStart", ts("usage_start_time"))
        .set("ChargePeriodEnd", ts("usage_end_time"))
        .set("ConsumedQuantity", quantity("usage.amount"))
        .set("ConsumedUnit", t("usage.unit"))
        .set("ContractedCost", cost)
        .set("EffectiveCost", billed)
        .set("InvoiceIssuerName", lit("Google Cloud"))
        .set("ListCost", list)
        .set("PricingQuantity", quantity("usage.amount_in_pricing_units"))
        .set("PricingUnit", t("usage.pricing_unit"))
        .set("ProviderName", lit("Google Cloud"))
        .set(
            "PublisherName",
            first_of(vec![t("seller_name"), lit("Google Cloud")]),
        )
        .set(
            "RegionId",
            first_of(vec![t("location.region"), t("location.location")]),
        )
        .set("ResourceId", t("resource.global_name"))
        .set("ResourceName", t("resource.name"))
        .set("ServiceCategory", category)
        .set("ServiceName", t("service.description"))
        .set("SkuId", t("sku.id"))
        .set("SubAccountId", t("project.id"))
        .set("SubAccountName", t("project.name"))
        .set("Tags", tags)
        .set("x_SourceKind", lit(SOURCE_KIND))
        .set("x_SourceFile", lit(name.clone()))
        .set("x_SourceRow", row().cast(DataType::Int64))
        .set("x_IngestRunId", lit(ctx.run_id.clone()))
        .set("x_BillingStatus", lit(billing_status::UNKNOWN))
        .set("x_ChargeType", cost_type.clone())
        .set("x_ServiceCode", t("service.id"))
        .set("x_UsageType", t("sku.description"))
        .set(
            "x_InstanceType",
            system("compute.googleapis.com/machine_spec", DataType::String),
        )
        .set(
            "x_vCPUs",
            system("compute.googleapis.com/cores", DataType::Float64),
        )
        .set(
            "x_MemoryGB",
            system("compute.googleapis.com/memory", DataType::Float64) / lit(1024.0),
        )
        .set("x_RawTags", raw_tags);
    frame
}

/// FOCUS ChargeCategory of a `cost_type` (`None` = the column is absent or empty).
pub fn charge_category(cost_type: Option<&str>) -> &'static str {
    match cost_type.map(|v| v.trim().to_ascii_lowercase()).as_deref() {
        None | Some("regular") => "Usage",
        Some("tax") => "Tax",
        _ => "Adjustment", // adjustment, rounding_error, and anything newer
    }
}

/// FOCUS ChargeFrequency of a `cost_type`.
pub fn charge_frequency(cost_type: Option<&str>) -> &'static str {
    if charge_category(cost_type) == "Tax" {
        "One-Time"
    } else {
        "Usage-Based"
    }
}

fn map_text(input: Expr, f: fn(Option<&str>) -> &'static str) -> Expr {
    input.map(
        move |c| {
            let out: StringChunked = c.str()?.iter().map(|v| Some(f(v))).collect();
            Ok(out.with_name(c.name().clone()).into_column())
        },
        |_, field| Ok(Field::new(field.name().clone(), DataType::String)),
    )
}

/// FOCUS ServiceCategory of a service description; unknown → Other.
pub fn category_of(description: Option<&str>) -> &'static str {
    description
        .and_then(|d| SERVICE_CATEGORIES.get(&d.trim().to_lowercase()))
        .map_or("Other", |c| {
            super::normalize::allowed_values("ServiceCategory")
                .iter()
                .find(|v| **v == c.as_str())
                .copied()
                .unwrap_or("Other")
        })
}

fn service_category(description: Expr) -> Expr {
    description.map(
        |c| {
            let out: StringChunked = c.str()?.iter().map(|v| Some(category_of(v))).collect();
            Ok(out.with_name(c.name().clone()).into_column())
        },
        |_, field| Ok(Field::new(field.name().clone(), DataType::String)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cost_types_map_to_focus_categories() {
        assert_eq!(charge_category(Some("regular")), "Usage");
        assert_eq!(charge_category(None), "Usage");
        assert_eq!(charge_category(Some("tax")), "Tax");
        assert_eq!(charge_category(Some("adjustment")), "Adjustment");
        assert_eq!(charge_category(Some("rounding_error")), "Adjustment");
        assert_eq!(charge_frequency(Some("tax")), "One-Time");
        assert_eq!(charge_frequency(Some("regular")), "Usage-Based");
        assert_eq!(charge_frequency(Some("adjustment")), "Usage-Based");
    }

    #[test]
    fn service_categories_come_from_the_table() {
        assert_eq!(category_of(Some("Compute Engine")), "Compute");
        assert_eq!(category_of(Some("BigQuery")), "Databases");
        assert_eq!(category_of(Some("Security Command Center")), "Security");
        assert_eq!(category_of(Some("Stackdriver Logging")), "Other");
        assert_eq!(category_of(None), "Other");
    }
}
