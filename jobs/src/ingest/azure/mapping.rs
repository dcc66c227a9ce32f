//! EA, MCA and pay-as-you-go cost details → canonical columns (the rules are listed in the
//! module documentation of [`super`]).

use super::dataset::Dataset;
use super::dates::{day_start, month_start, next_day, next_month_start};
use super::header::{AzureColumns, Schema};
use super::lookups::{region_expr, resource_type_expr, service_columns};
use crate::error::{JobError, Result, bad_value_polars};
use crate::ingest::canonical::SharedColumns;
use crate::ingest::canonical::{CanonicalFrame, first_of, row, text};
use crate::ingest::normalize::{TAG_COLUMNS, json_fields, tags_from_json};
use crate::ingest::parse::{Origin, ROW, measurement};
use polars::prelude::*;
use std::sync::Arc;
use warehouse::schema::{billing_status, money_dtype};

/// Column keys (lower-case English names) of each field, in order of preference.
mod keys {
    pub const COST: &[&str] = &["costinbillingcurrency", "cost", "pretaxcost"];
    pub const CURRENCY: &[&str] = &["billingcurrencycode", "billingcurrency", "currency"];
    pub const DATE: &[&str] = &["date", "usagedatetime", "usagedate"];
    pub const ACCOUNT: &[&str] = &["billingaccountid", "billingprofileid", "subscriptionid"];
    pub const SUBSCRIPTION: &[&str] = &["subscriptionid", "subscriptionguid"];
    pub const QUANTITY: &[&str] = &["quantity", "usagequantity"];
    pub const RESOURCE_ID: &[&str] = &["resourceid", "instanceid", "instancename"];
    pub const LOCATION: &[&str] = &["resourcelocation", "location"];
    pub const COMMITMENT_ID: &[&str] = &["benefitid", "reservationid"];
    pub const COMMITMENT_NAME: &[&str] = &["benefitname", "reservationname"];
}

/// Resolved inputs of one file.
struct Inputs<'a> {
    cols: &'a AzureColumns,
    origin: Origin,
    file: Arc<str>,
}

impl Inputs<'_> {
    /// Text of the first non-blank of the file's columns among `keys` (typed null if none).
    fn t(&self, keys: &[&str]) -> Expr {
        let exprs: Vec<Expr> = keys
            .iter()
            .filter_map(|k| self.cols.get(&[k]))
            .map(text)
            .collect();
        if exprs.is_empty() {
            lit(NULL).cast(DataType::String)
        } else {
            first_of(exprs)
        }
    }

    /// Money from the first of `keys` the file has (null if none).
    fn money(&self, keys: &[&str]) -> Expr {
        self.cols
            .get(keys)
            .map_or_else(|| lit(NULL), |c| self.origin.money(col(c), c))
    }

    fn quantity(&self, keys: &[&str]) -> Expr {
        self.cols
            .get(keys)
            .map_or_else(|| lit(NULL), |c| self.origin.quantity(col(c), c))
    }

    fn timestamp(&self, keys: &[&str]) -> Expr {
        self.cols
            .get(keys)
            .map_or_else(|| lit(NULL), |c| self.origin.timestamp(col(c), c))
    }

    /// The first non-blank of `keys`, which must not be blank on any row.
    fn required(&self, keys: &[&str]) -> Expr {
        let column: Arc<str> = self.cols.get(keys).unwrap_or(keys[0]).into();
        let file = self.file.clone();
        as_struct(vec![
            self.t(keys).alias("value"),
            col(ROW).cast(DataType::UInt64).alias("row"),
        ])
        .map(
            move |c| {
                let fields = c.struct_()?.fields_as_series();
                let value = fields[0].cast(&DataType::String)?;
                if let Some(i) = value.str()?.iter().position(|v| v.is_none()) {
                    let row = fields[1].u64()?.get(i).unwrap_or(0);
                    return Err(bad_value_polars(&file, row, &column, "is empty"));
                }
                let mut value = value;
                value.rename(c.name().clone());
                Ok(value.into_column())
            },
            |_, f| Ok(Field::new(f.name().clone(), DataType::String)),
        )
    }
}

/// A per-row function of several text inputs, as a text column.
fn row_fn(inputs: Vec<Expr>, f: fn(&[Option<&str>]) -> Option<String>) -> Expr {
    as_struct(
        inputs
            .into_iter()
            .enumerate()
            .map(|(i, e)| e.alias(format!("i{i}")))
            .collect(),
    )
    .map(
        move |c| {
            let texts: Vec<Series> = c
                .struct_()?
                .fields_as_series()
                .iter()
                .map(|s| s.cast(&DataType::String))
                .collect::<PolarsResult<_>>()?;
            let cols: Vec<&StringChunked> =
                texts.iter().map(|s| s.str()).collect::<PolarsResult<_>>()?;
            let mut args = Vec::with_capacity(cols.len());
            let out: StringChunked = (0..c.len())
                .map(|i| {
                    args.clear();
                    args.extend(cols.iter().map(|col| col.get(i)));
                    f(&args)
                })
                .collect();
            Ok(out.with_name(c.name().clone()).into_column())
        },
        |_, f| Ok(Field::new(f.name().clone(), DataType::String)),
    )
}

/// A value folded for matching enumerations: lower case, letters and digits only.
fn fold(v: Option<&str>) -> Option<String> {
    let f: String = v?
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect::<String>()
        .to_lowercase();
    (!f.is_empty()).then_some(f)
}

/// ChargeType (absent: pay-as-you-go usage) → FOCUS ChargeCategory.
pub fn charge_category(charge_type: Option<&str>) -> &'static str {
    match fold(charge_type).as_deref() {
        None | Some("usage" | "unusedreservation" | "unusedsavingsplan") => "Usage",
        Some("purchase") => "Purchase",
        Some("tax") => "Tax",
        Some("refund" | "credit") => "Credit",
        _ => "Adjustment",
    }
}

fn usage_like(charge_type: Option<&str>) -> bool {
    charge_category(charge_type) == "Usage"
}

fn unused(charge_type: Option<&str>) -> bool {
    matches!(
        fold(charge_type).as_deref(),
        Some("unusedreservation" | "unusedsavingsplan")
    )
}

/// Frequency → FOCUS ChargeFrequency; blank or unknown: `Usage-Based` for usage, else null.
pub fn charge_frequency(frequency: Option<&str>, charge_type: Option<&str>) -> Option<String> {
    match fold(frequency).as_deref() {
        Some("onetime") => Some("One-Time".into()),
        Some("recurring") => Some("Recurring".into()),
        Some("usagebased") => Some("Usage-Based".into()),
        _ => usage_like(charge_type).then(|| "Usage-Based".into()),
    }
}

/// PricingModel → FOCUS PricingCategory; blank: for usage rows `Committed` when a commitment
/// discount applies, else `Standard`; null for other rows.
pub fn pricing_category(
    pricing_model: Option<&str>,
    charge_type: Option<&str>,
    commitment_id: Option<&str>,
) -> Option<String> {
    match fold(pricing_model).as_deref() {
        Some("ondemand") => Some("Standard".into()),
        Some("reservation" | "savingsplan") => Some("Committed".into()),
        Some("spot") => Some("Dynamic".into()),
        Some(_) => Some("Other".into()),
        None if !usage_like(charge_type) => None,
        None if commitment_id.is_some() => Some("Committed".into()),
        None => Some("Standard".into()),
    }
}

/// CommitmentDiscountType from PricingModel, else from the benefit id's resource provider.
pub fn commitment_type(pricing_model: Option<&str>, commitment_id: Option<&str>) -> Option<String> {
    let id = commitment_id?.to_lowercase();
    Some(
        match fold(pricing_model).as_deref() {
            Some("reservation") => "Reservation",
            Some("savingsplan") => "Savings Plan",
            _ if id.contains("/microsoft.capacity/") => "Reservation",
            _ if id.contains("/microsoft.billingbenefits/") => "Savings Plan",
            _ => return None,
        }
        .into(),
    )
}

/// The last segment of an ARM resource id (`…/providers/…/name` → `name`).
fn resource_name_of(resource_id: Option<&str>) -> Option<String> {
    let id = resource_id?.trim().trim_end_matches('/');
    if !id.to_lowercase().contains("/providers/") {
        return None;
    }
    id.rsplit('/')
        .next()
        .filter(|n| !n.is_empty())
        .map(str::to_string)
}

/// Tags text with the outer braces EA sometimes omits: `"a": "b"` → `{"a": "b"}`.
fn braced(tags: Expr) -> Expr {
    let t = tags.str().strip_chars(lit(NULL));
    when(
        t.clone()
            .is_null()
            .or(t.clone().str().starts_with(lit("{"))),
    )
    .then(t.clone())
    .otherwise(concat_str([lit("{"), t, lit("}")], "", false))
}

/// The canonical mapping of one EA/MCA/pay-as-you-go file, for `dataset`.
///
/// # Errors
/// [`JobError::BadFile`] when a column every row needs is missing.
pub fn map_columns(
    cols: &AzureColumns,
    file: &str,
    dataset: Dataset,
    run_id: &str,
) -> Result<CanonicalFrame> {
    for (what, keys) in [
        ("cost", keys::COST),
        ("usage date", keys::DATE),
        ("billing currency", keys::CURRENCY),
    ] {
        if cols.get(keys).is_none() {
            return Err(JobError::BadFile {
                file: file.to_string(),
                reason: format!("Azure cost file without a {what} column (one of {keys:?})"),
            });
        }
    }
    let account_keys: &[&str] = if cols.schema == Schema::Payg {
        &["subscriptionguid", "subscriptionid"]
    } else {
        keys::ACCOUNT
    };
    if cols.get(account_keys).is_none() {
        return Err(JobError::BadFile {
            file: file.to_string(),
            reason: format!(
                "Azure cost file without a billing account column (one of {account_keys:?})"
            ),
        });
    }
    let i = Inputs {
        cols,
        origin: Origin::new(file),
        file: file.into(),
    };
    let zero = || lit(0).cast(money_dtype());

    let cost = i.money(keys::COST).fill_null(zero());
    let charge_type = i.t(&["chargetype"]);
    let pricing_model = i.t(&["pricingmodel"]);
    let pm = pricing_model.clone().str().to_lowercase();
    let commitment_row = pm
        .clone()
        .eq(lit("reservation"))
        .or(pm.eq(lit("savingsplan")))
        .fill_null(lit(false));
    let ct = charge_type.clone().str().to_lowercase();
    // usage that consumed something (not unused commitment, purchases, tax, …)
    let consumed_row = ct.clone().is_null().or(ct.eq(lit("usage")));
    let (billed, effective) = match dataset {
        Dataset::Actual => (cost.clone(), cost.clone()),
        Dataset::Amortized => (
            when(commitment_row).then(zero()).otherwise(cost.clone()),
            cost.clone(),
        ),
    };

    // both prices must be there; a zero price on a row that cost something is Microsoft's
    // "not available" (marketplace, some reservation rows), not a price
    let quantity = i.quantity(keys::QUANTITY);
    let usable = |amount: Expr| {
        when(amount.clone().eq(zero()).and(cost.clone().neq(zero())))
            .then(lit(NULL).cast(money_dtype()))
            .otherwise(amount)
    };
    let priced =
        |price: Expr| usable((price * quantity.clone().cast(money_dtype())).cast(money_dtype()));
    let list = first_of(vec![
        usable(i.money(&["paygcostinbillingcurrency"])),
        priced(i.money(&["paygprice"])),
        cost.clone(),
    ]);
    let contracted = first_of(vec![priced(i.money(&["unitprice"])), cost.clone()]);

    let charge_day = day_start(i.origin.timestamp(
        i.required(keys::DATE),
        cols.get(keys::DATE).unwrap_or("Date"),
    ));
    let period_start = first_of(vec![
        day_start(i.timestamp(&["billingperiodstartdate"])),
        month_start(charge_day.clone()),
    ]);
    let period_end = first_of(vec![
        next_day(i.timestamp(&["billingperiodenddate"])),
        next_month_start(period_start.clone()),
    ]);

    let commitment_id = i.t(keys::COMMITMENT_ID);
    let resource_id = i.t(keys::RESOURCE_ID);
    let resource_type = first_of(vec![
        i.t(&["resourcetype"]),
        resource_type_expr(resource_id.clone()),
    ]);
    let consumed_service = i.t(&["consumedservice"]);
    let meter_category = i.t(&["metercategory"]);
    let services = service_columns(consumed_service.clone(), resource_type, meter_category);
    let location = i.t(keys::LOCATION);
    let additional_info = json_fields(i.t(&["additionalinfo"]), ["ServiceType", "VMSize", "VCPUs"]);
    let invoice = i.t(&["invoiceid"]);
    let status = if cols.schema == Schema::Payg || cols.get(&["invoiceid"]).is_none() {
        lit(billing_status::UNKNOWN)
    } else {
        when(invoice.clone().is_null())
            .then(lit(billing_status::ESTIMATED))
            .otherwise(lit(billing_status::FINAL))
    };
    let tag_columns = match cols.get(&["tags"]) {
        Some(c) => tags_from_json(braced(text(c)), file, c),
        None => SharedColumns::nulls(TAG_COLUMNS),
    };
    let account = if cols.schema == Schema::Payg {
        i.required(account_keys)
    } else {
        i.required(keys::ACCOUNT)
    };
    let subscription = i.t(keys::SUBSCRIPTION);

    let mut f = CanonicalFrame::new();
    let [tags, raw_tags] = f.shared(tag_columns);
    let [service_name, service_category, service_subcategory] = f.shared(services);
    let [service_type, vm_size, vcpus] = f.shared(additional_info);
    f.set("AvailabilityZone", i.t(&["availabilityzone"]))
        .set("BilledCost", billed)
        .set("BillingAccountId", account)
        .set("BillingAccountName", i.t(&["billingaccountname"]))
        .set(
            "BillingAccountType",
            if cols.schema == Schema::Payg {
                lit("Subscription")
            } else {
                lit(NULL).cast(DataType::String)
            },
        )
        .set("BillingCurrency", i.required(keys::CURRENCY))
        .set("BillingPeriodStart", period_start)
        .set("BillingPeriodEnd", period_end)
        .set(
            "ChargeCategory",
            row_fn(vec![charge_type.clone()], |a| {
                Some(charge_category(a[0]).into())
            }),
        )
        .set(
            "ChargeClass",
            row_fn(vec![charge_type.clone()], |a| {
                (fold(a[0]).as_deref() == Some("refund")).then(|| "Correction".into())
            }),
        )
        .set("ChargeDescription", i.t(&["productname", "product"]))
        .set(
            "ChargeFrequency",
            row_fn(vec![i.t(&["frequency"]), charge_type.clone()], |a| {
                charge_frequency(a[0], a[1])
            }),
        )
        .set("ChargePeriodStart", charge_day.clone())
        .set("ChargePeriodEnd", next_day(charge_day))
        .set(
            "CommitmentDiscountCategory",
            row_fn(vec![pricing_model.clone(), commitment_id.clone()], |a| {
                commitment_type(a[0], a[1])
                    .map(|t| if t == "Reservation" { "Usage" } else { "Spend" }.to_string())
            }),
        )
        .set("CommitmentDiscountId", commitment_id.clone())
        .set("CommitmentDiscountName", i.t(keys::COMMITMENT_NAME))
        .set(
            "CommitmentDiscountStatus",
            row_fn(vec![charge_type.clone(), commitment_id.clone()], |a| {
                if unused(a[0]) {
                    Some("Unused".into())
                } else {
                    (a[1].is_some() && fold(a[0]).as_deref() == Some("usage"))
                        .then(|| "Used".into())
                }
            }),
        )
        .set(
            "CommitmentDiscountType",
            row_fn(vec![pricing_model.clone(), commitment_id.clone()], |a| {
                commitment_type(a[0], a[1])
            }),
        )
        .set(
            "ConsumedQuantity",
            when(consumed_row)
                .then(quantity.clone())
                .otherwise(lit(NULL)),
        )
        .set("ConsumedUnit", i.t(&["unitofmeasure"]))
        .set("ContractedCost", contracted)
        .set("ContractedUnitPrice", i.money(&["unitprice"]))
        .set("EffectiveCost", effective)
        .set("InvoiceId", invoice)
        .set("InvoiceIssuerName", lit("Microsoft"))
        .set("ListCost", list)
        .set("ListUnitPrice", i.money(&["paygprice"]))
        .set(
            "PricingCategory",
            row_fn(
                vec![pricing_model, charge_type.clone(), commitment_id.clone()],
                |a| pricing_category(a[0], a[1], a[2]),
            ),
        )
        .set("PricingQuantity", quantity)
        .set("PricingUnit", i.t(&["unitofmeasure"]))
        .set("ProviderName", lit("Microsoft"))
        .set(
            "PublisherName",
            first_of(vec![i.t(&["publishername"]), lit("Microsoft")]),
        )
        .set("RegionId", region_expr(location.clone(), false))
        .set("RegionName", region_expr(location, true))
        .set("ResourceId", resource_id.clone().str().to_lowercase())
        .set(
            "ResourceName",
            first_of(vec![
                i.t(&["resourcename"]),
                row_fn(vec![resource_id], |a| resource_name_of(a[0])),
            ]),
        )
        .set("ServiceCategory", service_category)
        .set("ServiceName", service_name)
        .set("ServiceSubcategory", service_subcategory)
        .set("SkuId", i.t(&["productid", "meterid"]))
        .set("SkuMeter", i.t(&["metername"]))
        .set("SubAccountId", subscription.clone())
        .set("SubAccountName", i.t(&["subscriptionname"]))
        .set(
            "SubAccountType",
            when(subscription.is_not_null())
                .then(lit("Subscription"))
                .otherwise(lit(NULL).cast(DataType::String)),
        )
        .set("Tags", tags)
        .set(
            "x_SourceKind",
            lit(format!("{}-{}", cols.schema.source_kind(), dataset.name())),
        )
        .set("x_SourceFile", lit(file.to_string()))
        .set("x_SourceRow", row().cast(DataType::Int64))
        .set("x_IngestRunId", lit(run_id.to_string()))
        .set("x_BillingStatus", status)
        .set("x_ChargeType", charge_type)
        .set("x_ServiceCode", consumed_service)
        .set("x_UsageType", i.t(&["metername"]))
        .set("x_InstanceType", first_of(vec![service_type, vm_size]))
        .set("x_vCPUs", measurement(vcpus))
        .set("x_RawTags", raw_tags);
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charge_types_map_to_focus() {
        assert_eq!(charge_category(Some("Usage")), "Usage");
        assert_eq!(charge_category(Some("UnusedReservation")), "Usage");
        assert_eq!(charge_category(Some("Purchase")), "Purchase");
        assert_eq!(charge_category(Some("Refund")), "Credit");
        assert_eq!(charge_category(Some("RoundingAdjustment")), "Adjustment");
        assert_eq!(charge_category(None), "Usage");
        assert_eq!(
            charge_frequency(Some("OneTime"), Some("Purchase")).as_deref(),
            Some("One-Time")
        );
        assert_eq!(charge_frequency(None, Some("Purchase")), None);
        assert_eq!(
            pricing_category(Some("SavingsPlan"), Some("Usage"), None).as_deref(),
            Some("Committed")
        );
        assert_eq!(
            pricing_category(Some("Spot"), None, None).as_deref(),
            Some("Dynamic")
        );
        assert_eq!(pricing_category(None, Some("Tax"), None), None);
        assert_eq!(
            pricing_category(None, Some("Usage"), Some("id")).as_deref(),
            Some("Committed")
        );
        assert_eq!(
            commitment_type(
                None,
                Some("/providers/Microsoft.BillingBenefits/savingsPlanOrders/x")
            )
            .as_deref(),
            Some("Savings Plan")
        );
    }

    #[test]
    fn resource_names_come_from_arm_ids() {
        assert_eq!(
            resource_name_of(Some(
                "/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/virtualMachines/vm-1"
            ))
            .as_deref(),
            Some("vm-1")
        );
        assert_eq!(resource_name_of(Some("/subscriptions/rsid1")), None);
    }
}
