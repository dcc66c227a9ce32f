//! Oracle Cloud Infrastructure cost reports (`reports/cost-csv/*.csv.gz`), CSV or CSV.gz, one
//! report per file; a folder means every cost report file under it.
//!
//! A file is an OCI cost report when its header has `lineItem/tenantId`, `cost/myCost` and
//! `lineItem/intervalUsageStart` (names matched ignoring ASCII case, never by position). Other
//! columns may be absent; their canonical columns are then null.
//!
//! Mapping to FOCUS:
//! * ProviderName, PublisherName, InvoiceIssuerName = `Oracle`; the partition provider is `oci`.
//! * BillingAccountId = `lineItem/tenantId` (the tenancy OCID: reports are delivered per tenancy);
//!   SubAccountId / SubAccountName = `product/compartmentId` / `product/compartmentName`.
//!   `cost/subscriptionId`, which focus_converters uses as the billing account, is not kept.
//! * BilledCost = `cost/myCost`. focus_converters maps `cost/myCostOverage` instead, which is empty
//!   on every row of the sample; that is a bug and is not copied. A blank `cost/myCost` counts as 0
//!   (BilledCost is never null). The overage columns (`usage/billedQuantityOverage`,
//!   `cost/unitPriceOverage`, `cost/myCostOverage`, `cost/overageFlag`) are not mapped.
//! * EffectiveCost = ContractedCost = ListCost = BilledCost: cost reports carry the price the
//!   tenancy pays and nothing else: no list price, no amortisation. ListCost is therefore the
//!   contracted cost, not a public list price. ContractedUnitPrice = `cost/unitPrice`.
//! * BillingCurrency = `cost/currencyCode`.
//! * ChargePeriodStart / End = `lineItem/intervalUsageStart` / `End` (both `2023-11-13T10:00Z`
//!   and `2023-11-13T11:00:00Z` forms occur, even in one row). OCI invoices by calendar month, so
//!   BillingPeriodStart is the first instant (UTC) of ChargePeriodStart's month and
//!   BillingPeriodEnd the first instant of the month after.
//! * ChargeCategory `Usage` and ChargeFrequency `Usage-Based` for every row (cost reports hold
//!   metered usage only); ChargeClass `Correction` where `lineItem/isCorrection` is `true` (any
//!   case), otherwise null. `lineItem/backreferenceNo`, which links a correction to the row it
//!   corrects, and `lineItem/referenceNo` have no canonical column and are not kept.
//! * ChargeDescription = `product/Description`; ServiceName = `product/service`; ServiceCategory
//!   from `jobs/data/oci_service_categories.csv` (see [`services`]); SkuId = `cost/productSku`.
//! * RegionId = `product/region`; AvailabilityZone = `product/availabilityDomain`;
//!   ResourceId = `product/resourceId`.
//! * ConsumedQuantity = PricingQuantity = `usage/billedQuantity`; ConsumedUnit = PricingUnit =
//!   `cost/skuUnitDescription`; x_UsageType = `cost/billingUnitReadable` (e.g.
//!   `1 NONE HOURS OCPUS`, the unit the carbon estimate needs).
//! * Tags / x_RawTags from the `tags/<namespace>.<key>` columns, raw key `<namespace>.<key>`;
//!   empty cells are absent tags.
//! * x_SourceKind `oci-cost-report`; x_BillingStatus `Unknown` (cost reports say nothing about
//!   invoicing).
//!
//! Values: costs and quantities may be in E-notation (`2.323760000E-9`) and are parsed exactly.
//! An empty `lineItem/tenantId`, `lineItem/intervalUsageStart`, `lineItem/intervalUsageEnd` or
//! `cost/currencyCode` is a bad value (they decide the partition and the totals). A row with more
//! or fewer fields than the header is refused before mapping (`../records.rs`, run by the driver): polars would
//! silently drop or pad the fields.
//!
//! OCI writes a month as many incremental report files, each holding only new rows, while an
//! ingest replaces whole (tenancy, month) partitions: ingest all of a month's reports together
//! (their folder), not one file at a time. In a folder, usage reports (paths containing
//! `usage-csv`, which hold no cost) are skipped.

mod header;
pub mod services;

use super::canonical::{CanonicalFrame, row, text};
use super::normalize::tags_from_columns;
use super::parse::{Origin, ROW};
use super::scan::scan_raw;
use super::source::{InputFile, inputs_at, is_data_file};
use super::{Adapter, Export, FileContext};
use crate::error::{JobError, Result, bad_value_polars};
use crate::ingest::billed::BilledColumns;
use header::OciColumns;
use polars::prelude::*;
use std::path::Path;
use std::sync::Arc;
use warehouse::schema::{billing_status, money_dtype};

/// `x_SourceKind` of every OCI row.
pub const SOURCE_KIND: &str = "oci-cost-report";

/// Adapter for Oracle Cloud Infrastructure cost reports.
#[derive(Debug, Default)]
pub struct OciAdapter;

impl Adapter for OciAdapter {
    fn name(&self) -> &'static str {
        "oci"
    }

    fn discover(&self, path: &Path) -> Result<Export> {
        Ok(Export {
            files: inputs_at(path, |p| {
                is_data_file(p) && !is_usage_report(p.strip_prefix(path).unwrap_or(p))
            })?,
            ..Default::default()
        })
    }

    fn canonical(
        &self,
        file: &InputFile,
        header: &[String],
        ctx: &FileContext,
    ) -> Result<LazyFrame> {
        let cols = OciColumns::resolve(header).map_err(|missing| JobError::BadFile {
            file: file.display(),
            reason: format!(
                "not a recognisable OCI cost report header: missing {} (header starts {:?})",
                missing.join(", "),
                header.iter().take(6).collect::<Vec<_>>()
            ),
        })?;
        let frame = map_columns(&cols, &Origin::new(&file.display()), file, ctx);
        let raw = scan_raw(file, &[""]).map_err(|e| JobError::BadFile {
            file: file.display(),
            reason: e.to_string(),
        })?;
        Ok(frame.apply(raw))
    }

    fn provider_key(&self) -> Expr {
        lit("oci")
    }

    fn short_rows_allowed(&self) -> bool {
        false
    }

    fn billed_columns(&self, header: &[String]) -> Option<BilledColumns> {
        let cols = OciColumns::resolve(header).ok()?;
        Some(BilledColumns {
            columns: vec![cols.get("cost/myCost")?.to_string()],
            null_tokens: &[],
        })
    }
}

/// Whether a file found in a folder is an OCI usage report (`reports/usage-csv/…`), not a cost report.
fn is_usage_report(relative: &Path) -> bool {
    relative
        .to_string_lossy()
        .to_ascii_lowercase()
        .contains("usage-csv")
}

fn map_columns(
    cols: &OciColumns,
    origin: &Origin,
    file: &InputFile,
    ctx: &FileContext,
) -> CanonicalFrame {
    let null_text = || lit(NULL).cast(DataType::String);
    let t = |name: &str| cols.get(name).map_or_else(null_text, text);
    let file_name: Arc<str> = file.display().into();
    // a required value: blank is an error naming the row
    let present = |name: &str| {
        cols.get(name).map_or_else(null_text, |c| {
            non_blank(text(c), file_name.clone(), c.into())
        })
    };
    let money = |name: &str| {
        cols.get(name)
            .map_or_else(|| lit(NULL), |c| origin.money(col(c), c))
    };
    let quantity = |name: &str| {
        cols.get(name)
            .map_or_else(|| lit(NULL), |c| origin.quantity(col(c), c))
    };
    let ts = |name: &str| {
        cols.get(name)
            .map_or_else(|| lit(NULL), |c| origin.timestamp(present(name), c))
    };

    let billed = money("cost/myCost").fill_null(lit(0).cast(money_dtype()));
    let charge_start = ts("lineItem/intervalUsageStart");
    let tag_columns = tags_from_columns(
        cols.tag_columns.iter().map(|(c, _)| text(c)).collect(),
        cols.tag_columns.iter().map(|(_, k)| k.clone()).collect(),
    );
    let correction = t("lineItem/isCorrection")
        .str()
        .strip_chars(lit(NULL))
        .str()
        .to_lowercase()
        .eq(lit("true"));

    let mut f = CanonicalFrame::new();
    let [tags, raw_tags] = f.shared(tag_columns);
    f.set("AvailabilityZone", t("product/availabilityDomain"))
        .set("BilledCost", billed.clone())
        .set("BillingAccountId", present("lineItem/tenantId"))
        .set("BillingCurrency", present("cost/currencyCode"))
        .set("BillingPeriodStart", month_start(charge_start.clone()))
        .set("BillingPeriodEnd", next_month_start(charge_start.clone()))
        .set("ChargeCategory", lit("Usage"))
        .set(
            "ChargeClass",
            when(correction)
                .then(lit("Correction"))
                .otherwise(null_text()),
        )
        .set("ChargeDescription", t("product/Description"))
        .set("ChargeFrequency", lit("Usage-Based"))
        .set("ChargePeriodEnd", ts("lineItem/intervalUsageEnd"))
        .set("ChargePeriodStart", charge_start)
        .set("ConsumedQuantity", quantity("usage/billedQuantity"))
        .set("ConsumedUnit", t("cost/skuUnitDescription"))
        .set("ContractedCost", billed.clone())
        .set("ContractedUnitPrice", money("cost/unitPrice"))
        .set("EffectiveCost", billed.clone())
        .set("InvoiceIssuerName", lit("Oracle"))
        .set("ListCost", billed)
        .set("PricingQuantity", quantity("usage/billedQuantity"))
        .set("PricingUnit", t("cost/skuUnitDescription"))
        .set("ProviderName", lit("Oracle"))
        .set("PublisherName", lit("Oracle"))
        .set("RegionId", t("product/region"))
        .set("ResourceId", t("product/resourceId"))
        .set(
            "ServiceCategory",
            services::service_category(t("product/service")),
        )
        .set("ServiceName", t("product/service"))
        .set("SkuId", t("cost/productSku"))
        .set("SubAccountId", t("product/compartmentId"))
        .set("SubAccountName", t("product/compartmentName"))
        .set("Tags", tags)
        .set("x_SourceKind", lit(SOURCE_KIND))
        .set("x_SourceFile", lit(file.display()))
        .set("x_SourceRow", row().cast(DataType::Int64))
        .set("x_IngestRunId", lit(ctx.run_id.clone()))
        .set("x_BillingStatus", lit(billing_status::UNKNOWN))
        .set("x_UsageType", t("cost/billingUnitReadable"))
        .set("x_RawTags", raw_tags);
    f
}

/// The first instant (UTC) of the calendar month of `instant`.
fn month_start(instant: Expr) -> Expr {
    instant.dt().truncate(lit("1mo"))
}

/// The first instant (UTC) of the calendar month after `instant`'s: a month start plus 32 days
/// always lies in the next month (months have 28–31 days), and truncating gives its first instant.
fn next_month_start(instant: Expr) -> Expr {
    let days_32 = lit(chrono::Duration::days(32)).cast(DataType::Duration(TimeUnit::Microseconds));
    (month_start(instant) + days_32).dt().truncate(lit("1mo"))
}

/// `value` unchanged, failing with a bad value naming the row when it is null (blank in the file).
fn non_blank(value: Expr, file: Arc<str>, column: Arc<str>) -> Expr {
    as_struct(vec![
        value.alias("value"),
        col(ROW).cast(DataType::UInt64).alias("row"),
    ])
    .map(
        move |c| {
            let fields = c.struct_()?.fields_as_series();
            let mut value = fields[0].clone();
            if let Some(i) = value.is_null().iter().position(|b| b == Some(true)) {
                let row = fields[1].u64()?.get(i).unwrap_or(0);
                return Err(bad_value_polars(
                    &file,
                    row,
                    &column,
                    "is empty; every OCI cost report row has a value here",
                ));
            }
            value.rename(c.name().clone());
            Ok(value.into_column())
        },
        |_, f| Ok(Field::new(f.name().clone(), DataType::String)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> i64 {
        super::super::parse::parse_timestamp_micros(s).unwrap()
    }

    #[test]
    fn billing_period_is_the_calendar_month() {
        let starts = [
            "2023-11-13T10:00:00Z",
            "2023-11-01T00:00:00Z",
            "2023-12-31T23:00:00Z",
            "2024-02-29T12:00:00Z",
            "2024-01-31T23:59:59Z",
        ];
        let micros: Vec<i64> = starts.iter().map(|s| utc(s)).collect();
        let df = df!("t" => micros).unwrap();
        let out = df
            .lazy()
            .select([col("t")
                .cast(warehouse::schema::timestamp_dtype())
                .alias("t")])
            .select([
                month_start(col("t")).alias("start"),
                next_month_start(col("t")).alias("end"),
            ])
            .collect()
            .unwrap();
        let as_micros = |name: &str| -> Vec<i64> {
            out.column(name)
                .unwrap()
                .cast(&DataType::Datetime(TimeUnit::Microseconds, None))
                .unwrap()
                .datetime()
                .unwrap()
                .physical()
                .iter()
                .map(Option::unwrap)
                .collect()
        };
        let expect = |v: &[&str]| v.iter().map(|s| utc(s)).collect::<Vec<_>>();
        assert_eq!(
            as_micros("start"),
            expect(&[
                "2023-11-01T00:00:00Z",
                "2023-11-01T00:00:00Z",
                "2023-12-01T00:00:00Z",
                "2024-02-01T00:00:00Z",
                "2024-01-01T00:00:00Z",
            ])
        );
        assert_eq!(
            as_micros("end"),
            expect(&[
                "2023-12-01T00:00:00Z",
                "2023-12-01T00:00:00Z",
                "2024-01-01T00:00:00Z",
                "2024-03-01T00:00:00Z",
                "2024-02-01T00:00:00Z",
            ])
        );
    }

    #[test]
    fn usage_reports_are_recognised_by_path() {
        assert!(is_usage_report(Path::new(
            "reports/usage-csv/0001000000123.csv.gz"
        )));
        assert!(is_usage_report(Path::new("reports_usage-csv_0001.csv.gz")));
        assert!(!is_usage_report(Path::new(
            "reports_cost-csv_0000000030000269.csv"
        )));
    }
}
