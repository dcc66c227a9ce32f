//! AWS Cost and Usage Report: legacy CSV (`category/Column`), Athena/Parquet snake_case, and
//! CUR 2.0, each as CSV, CSV.gz or Parquet, recognised from the header.
//!
//! Mapping to FOCUS (see the tests for the figures):
//! * BilledCost = `lineItem/NetUnblendedCost` where present, else `lineItem/UnblendedCost`.
//! * EffectiveCost is the amortised cost per line item type: SavingsPlanCoveredUsage →
//!   `savingsPlan/SavingsPlanEffectiveCost`; SavingsPlanRecurringFee → TotalCommitmentToDate −
//!   UsedCommitment (the unused part); SavingsPlanNegation and SavingsPlanUpfrontFee → 0;
//!   DiscountedUsage → `reservation/EffectiveCost`; RIFee → UnusedAmortizedUpfrontFeeForBillingPeriod
//!   + UnusedRecurringFee; an RI `Fee` (with a ReservationARN) → 0; anything else → BilledCost.
//! * ChargeCategory: Tax → Tax; Credit → Credit; Refund → Credit with ChargeClass `Correction`;
//!   Fee, RIFee, SavingsPlanUpfrontFee, SavingsPlanRecurringFee → Purchase; usage and discount
//!   types → Usage; anything unknown → Adjustment.
//! * ContractedCost = UnblendedCost (0 for SavingsPlanNegation, which only cancels covered usage);
//!   ListCost = `pricing/publicOnDemandCost`, else ContractedCost.
//! * An empty `bill/InvoiceId` marks the row `x_BillingStatus = Estimated` (the month is not final).
//! * Schemas that drift between files are unioned by name: every file maps onto the same columns.

pub mod manifest;
pub mod naming;

use super::canonical::{CanonicalFrame, first_of, row, text};
use super::normalize::{tags_from_columns, tags_from_json};
use super::parse::{Origin, measurement};
use super::scan::scan_raw;
use super::source::{InputFile, inputs_at, is_data_file};
use super::{Adapter, Export, FileContext};
use crate::error::{JobError, Result};
use crate::ingest::billed::BilledColumns;
use naming::{CurColumns, CurStyle};
use polars::prelude::*;
use std::collections::HashMap;
use std::path::Path;
use std::sync::LazyLock;
use warehouse::schema::billing_status;

/// Adapter for AWS CUR exports.
#[derive(Debug, Default)]
pub struct AwsCurAdapter;

static SERVICE_CATEGORIES: LazyLock<HashMap<String, String>> = LazyLock::new(|| {
    include_str!("../../../data/aws_service_categories.csv")
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(','))
        .map(|(code, cat)| (code.trim().to_string(), cat.trim().to_string()))
        .collect()
});

impl Adapter for AwsCurAdapter {
    fn name(&self) -> &'static str {
        "aws-cur"
    }

    fn discover(&self, path: &Path) -> Result<Export> {
        if !path.exists() {
            return Err(JobError::BadPath {
                path: path.into(),
                reason: "does not exist".into(),
            });
        }
        let manifests = if path.is_dir() {
            manifest::find_manifests(path)?
        } else if path.to_string_lossy().ends_with("Manifest.json") {
            vec![path.to_path_buf()]
        } else {
            let files = vec![InputFile::inspect(path)?];
            return Ok(Export {
                files,
                ..Default::default()
            });
        };
        if manifests.is_empty() {
            // a plain folder of CUR files: every data file in it
            let files = inputs_at(path, is_data_file)?;
            return Ok(Export {
                files,
                ..Default::default()
            });
        }
        let mut export = Export::default();
        let mut versions = Vec::new();
        for m in &manifests {
            let resolved = manifest::read_manifest(m)?;
            for f in &resolved.files {
                export.files.push(InputFile::inspect(f)?);
            }
            if let Some(id) = resolved
                .manifest
                .assembly_id
                .clone()
                .or(resolved.manifest.execution_id.clone())
            {
                versions.push(serde_json::Value::String(id));
            }
            export.manifests.push(m.clone());
        }
        export
            .properties
            .insert("report_versions".into(), serde_json::Value::Array(versions));
        Ok(export)
    }

    fn canonical(
        &self,
        file: &InputFile,
        header: &[String],
        ctx: &FileContext,
    ) -> Result<LazyFrame> {
        let cols = CurColumns::resolve(header).ok_or_else(|| JobError::BadFile {
            file: file.display(),
            reason: format!(
                "not a recognisable AWS CUR header (no lineItem/… or line_item_… columns; header starts {:?})",
                header.iter().take(6).collect::<Vec<_>>()
            ),
        })?;
        for required in [
            "line_item_unblended_cost",
            "bill_payer_account_id",
            "line_item_usage_start_date",
        ] {
            if cols.get(required).is_none() {
                return Err(JobError::BadFile {
                    file: file.display(),
                    reason: format!("AWS CUR file without the {required} column"),
                });
            }
        }
        let origin = Origin::new(&file.display());
        let frame = map_columns(&cols, &origin, file, ctx);
        let raw = scan_raw(file, &[""]).map_err(|e| JobError::BadFile {
            file: file.display(),
            reason: e.to_string(),
        })?;
        Ok(frame.apply(raw))
    }

    fn billed_columns(&self, header: &[String]) -> Option<BilledColumns> {
        let cols = CurColumns::resolve(header)?;
        let unblended = cols.get("line_item_unblended_cost")?;
        let columns = ["line_item_net_unblended_cost"]
            .iter()
            .filter_map(|k| cols.get(k))
            .chain([unblended])
            .map(str::to_string)
            .collect();
        Some(BilledColumns {
            columns,
            null_tokens: &[],
        })
    }

    fn provider_key(&self) -> Expr {
        lit("aws")
    }
}

fn map_columns(
    cols: &CurColumns,
    origin: &Origin,
    file: &InputFile,
    ctx: &FileContext,
) -> CanonicalFrame {
    let t = |key: &str| {
        cols.get(key)
            .map_or_else(|| lit(NULL).cast(DataType::String), text)
    };
    let money = |key: &str| {
        cols.get(key)
            .map_or_else(|| lit(NULL), |c| origin.money(col(c), c))
    };
    let money0 = |key: &str| money(key).fill_null(lit(0).cast(warehouse::schema::money_dtype()));
    let quantity = |key: &str| {
        cols.get(key)
            .map_or_else(|| lit(NULL), |c| origin.quantity(col(c), c))
    };
    let ts = |key: &str| {
        cols.get(key)
            .map_or_else(|| lit(NULL), |c| origin.timestamp(col(c), c))
    };
    let lt = t("line_item_line_item_type");
    let is = |v: &str| lt.clone().eq(lit(v.to_string()));
    let zero = || lit(0).cast(warehouse::schema::money_dtype());

    let unblended = money("line_item_unblended_cost");
    let billed = if cols.get("line_item_net_unblended_cost").is_some() {
        first_of(vec![
            money("line_item_net_unblended_cost"),
            unblended.clone(),
        ])
    } else {
        unblended.clone()
    };
    let effective = when(is("SavingsPlanCoveredUsage"))
        .then(money0("savings_plan_savings_plan_effective_cost"))
        .when(is("SavingsPlanRecurringFee"))
        .then(
            money0("savings_plan_total_commitment_to_date")
                - money0("savings_plan_used_commitment"),
        )
        .when(is("SavingsPlanNegation").or(is("SavingsPlanUpfrontFee")))
        .then(zero())
        .when(is("DiscountedUsage"))
        .then(money0("reservation_effective_cost"))
        .when(is("RIFee"))
        .then(
            money0("reservation_unused_amortized_upfront_fee_for_billing_period")
                + money0("reservation_unused_recurring_fee"),
        )
        .when(is("Fee").and(t("reservation_reservation_a_r_n").is_not_null()))
        .then(zero())
        .otherwise(billed.clone());
    let contracted = when(is("SavingsPlanNegation"))
        .then(zero())
        .otherwise(unblended.clone());
    let list = first_of(vec![
        money("pricing_public_on_demand_cost"),
        contracted.clone(),
    ]);
    let usage_like = is("Usage")
        .or(is("DiscountedUsage"))
        .or(is("SavingsPlanCoveredUsage"));

    let sp_arn = t("savings_plan_savings_plan_a_r_n");
    let ri_arn = t("reservation_reservation_a_r_n");
    let commitment_id = first_of(vec![sp_arn.clone(), ri_arn.clone()]);
    let commitment_type = when(sp_arn.clone().is_not_null())
        .then(lit("Savings Plan"))
        .when(ri_arn.clone().is_not_null())
        .then(lit("Reserved Instance"))
        .otherwise(lit(NULL).cast(DataType::String));
    let commitment_category = when(sp_arn.is_not_null())
        .then(lit("Spend"))
        .when(ri_arn.is_not_null())
        .then(lit("Usage"))
        .otherwise(lit(NULL).cast(DataType::String));

    let term = t("pricing_term");
    let pricing_category = when(is("Tax"))
        .then(lit(NULL).cast(DataType::String))
        .when(
            is("DiscountedUsage")
                .or(is("SavingsPlanCoveredUsage"))
                .or(term.clone().eq(lit("Reserved"))),
        )
        .then(lit("Committed"))
        .when(term.eq(lit("Spot")))
        .then(lit("Dynamic"))
        .otherwise(lit("Standard"));

    let invoice = t("bill_invoice_id");
    let tag_columns = match cols.style {
        CurStyle::Cur2 => tags_from_json(col("resource_tags"), &file.display(), "resource_tags"),
        _ => tags_from_columns(
            cols.tag_columns.iter().map(|(c, _)| text(c)).collect(),
            cols.tag_columns.iter().map(|(_, k)| k.clone()).collect(),
        ),
    };

    let mut f = CanonicalFrame::new();
    let [tags, raw_tags] = f.shared(tag_columns);
    f.set("AvailabilityZone", t("line_item_availability_zone"))
        .set("BilledCost", billed)
        .set("BillingAccountId", t("bill_payer_account_id"))
        .set("BillingAccountName", t("bill_payer_account_name"))
        .set(
            "BillingCurrency",
            if cols.get("line_item_currency_code").is_some() {
                t("line_item_currency_code")
            } else {
                lit("USD")
            },
        )
        .set("BillingPeriodEnd", ts("bill_billing_period_end_date"))
        .set("BillingPeriodStart", ts("bill_billing_period_start_date"))
        .set("ChargeCategory", line_item_map(lt.clone(), charge_category))
        .set("ChargeClass", line_item_map(lt.clone(), charge_class))
        .set("ChargeDescription", t("line_item_line_item_description"))
        .set(
            "ChargeFrequency",
            line_item_map(lt.clone(), charge_frequency),
        )
        .set("ChargePeriodEnd", ts("line_item_usage_end_date"))
        .set("ChargePeriodStart", ts("line_item_usage_start_date"))
        .set("CommitmentDiscountCategory", commitment_category)
        .set("CommitmentDiscountId", commitment_id)
        .set(
            "CommitmentDiscountStatus",
            when(is("DiscountedUsage").or(is("SavingsPlanCoveredUsage")))
                .then(lit("Used"))
                .otherwise(lit(NULL).cast(DataType::String)),
        )
        .set("CommitmentDiscountType", commitment_type)
        .set(
            "ConsumedQuantity",
            when(usage_like)
                .then(quantity("line_item_usage_amount"))
                .otherwise(lit(NULL)),
        )
        .set("ConsumedUnit", t("pricing_unit"))
        .set("ContractedCost", contracted)
        .set("ContractedUnitPrice", money("line_item_unblended_rate"))
        .set("EffectiveCost", effective)
        .set("InvoiceId", invoice.clone())
        .set(
            "InvoiceIssuerName",
            first_of(vec![t("bill_invoicing_entity"), lit("AWS")]),
        )
        .set("ListCost", list)
        .set("ListUnitPrice", money("pricing_public_on_demand_rate"))
        .set("PricingCategory", pricing_category)
        .set("PricingQuantity", quantity("line_item_usage_amount"))
        .set("PricingUnit", t("pricing_unit"))
        .set("ProviderName", lit("AWS"))
        .set(
            "PublisherName",
            first_of(vec![
                t("line_item_legal_entity"),
                t("bill_billing_entity"),
                lit("AWS"),
            ]),
        )
        .set(
            "RegionId",
            first_of(vec![t("product_region_code"), t("product_region")]),
        )
        .set("RegionName", t("product_location"))
        .set("ResourceId", t("line_item_resource_id"))
        .set(
            "ServiceCategory",
            service_category(t("line_item_product_code")),
        )
        .set(
            "ServiceName",
            first_of(vec![t("product_product_name"), t("line_item_product_code")]),
        )
        .set("SkuId", t("product_sku"))
        .set(
            "SkuPriceId",
            first_of(vec![t("pricing_rate_code"), t("pricing_rate_id")]),
        )
        .set("SubAccountId", t("line_item_usage_account_id"))
        .set("SubAccountName", t("line_item_usage_account_name"))
        .set("Tags", tags)
        .set("x_SourceKind", lit(cols.style.source_kind()))
        .set("x_SourceFile", lit(file.display()))
        .set("x_SourceRow", row().cast(DataType::Int64))
        .set("x_IngestRunId", lit(ctx.run_id.clone()))
        .set(
            "x_BillingStatus",
            when(invoice.is_null())
                .then(lit(billing_status::ESTIMATED))
                .otherwise(lit(billing_status::FINAL)),
        )
        .set("x_ChargeType", lt)
        .set("x_ServiceCode", t("line_item_product_code"))
        .set("x_UsageType", t("line_item_usage_type"))
        .set("x_Operation", t("line_item_operation"))
        .set("x_InstanceType", t("product_instance_type"))
        .set("x_vCPUs", measurement(t("product_vcpu")))
        .set("x_MemoryGB", measurement(t("product_memory")))
        .set("x_RawTags", raw_tags);
    f
}

fn charge_category(lt: &str) -> Option<&'static str> {
    Some(match lt {
        "Tax" => "Tax",
        "Credit" | "Refund" => "Credit",
        "Fee" | "RIFee" | "SavingsPlanUpfrontFee" | "SavingsPlanRecurringFee" => "Purchase",
        "Usage"
        | "DiscountedUsage"
        | "SavingsPlanCoveredUsage"
        | "SavingsPlanNegation"
        | "BundledDiscount"
        | "Discount"
        | "EdpDiscount"
        | "PrivateRateDiscount"
        | "SppDiscount" => "Usage",
        _ => "Adjustment",
    })
}

fn charge_class(lt: &str) -> Option<&'static str> {
    (lt == "Refund").then_some("Correction")
}

fn charge_frequency(lt: &str) -> Option<&'static str> {
    Some(match lt {
        "RIFee" | "SavingsPlanRecurringFee" => "Recurring",
        "Fee" | "SavingsPlanUpfrontFee" | "Tax" | "Credit" | "Refund" => "One-Time",
        _ => "Usage-Based",
    })
}

fn line_item_map(lt: Expr, f: fn(&str) -> Option<&'static str>) -> Expr {
    lt.map(
        move |c| {
            let out: StringChunked = c.str()?.iter().map(|v| f(v.unwrap_or(""))).collect();
            Ok(out.with_name(c.name().clone()).into_column())
        },
        |_, field| Ok(Field::new(field.name().clone(), DataType::String)),
    )
}

fn service_category(product_code: Expr) -> Expr {
    product_code.map(
        |c| {
            let out: StringChunked = c
                .str()?
                .iter()
                .map(|v| {
                    Some(
                        v.and_then(|v| SERVICE_CATEGORIES.get(v))
                            .map_or("Other", String::as_str),
                    )
                })
                .collect();
            Ok(out.with_name(c.name().clone()).into_column())
        },
        |_, field| Ok(Field::new(field.name().clone(), DataType::String)),
    )
}
