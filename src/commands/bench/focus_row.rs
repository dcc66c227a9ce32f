//! One synthetic CUR line item as a FOCUS 1.2 row, by the rules AWS (and greenops' CUR adapter)
//! follow: BilledCost = UnblendedCost; EffectiveCost amortised per line item type; ChargeCategory
//! and ChargeFrequency from the line item type; commitment columns from the RI or Savings Plan ARN.

use super::focus_parquet::F;
use super::header::{Col, POOLED_TAGS};
use super::parquet::ParquetSink;
use std::collections::HashMap;
use std::sync::LazyLock;

/// AWS product code → FOCUS ServiceCategory (the table greenops' CUR adapter uses).
static CATEGORIES: LazyLock<HashMap<&'static str, &'static str>> = LazyLock::new(|| {
    include_str!("../../../jobs/data/aws_service_categories.csv")
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(','))
        .map(|(code, category)| (code.trim(), category.trim()))
        .collect()
});

/// Maps CUR cells to FOCUS columns, reusing its text buffers.
#[derive(Debug, Default)]
pub struct FocusMapper {
    tags: String,
    details: String,
    name: String,
}

impl FocusMapper {
    /// Sets every column of the sink's current row from the CUR `cells` (in
    /// [`super::header::HEADER`] order).
    pub fn row(&mut self, cells: &[String], sink: &mut ParquetSink) {
        let c = |col: Col| cells[col as usize].as_str();
        let num = |col: Col| c(col).parse::<f64>().ok();
        let t = |sink: &mut ParquetSink, f: F, v: &str| sink.text(f as usize, v);
        let d = |sink: &mut ParquetSink, f: F, v: Option<f64>| sink.double(f as usize, v);
        let lt = c(Col::LineItemType);
        let (sp, ri) = (c(Col::SpArn), c(Col::RiReservationArn));
        let unblended = num(Col::UnblendedCost);
        let contracted = if lt == "SavingsPlanNegation" {
            Some(0.0)
        } else {
            unblended
        };
        let effective = effective_cost(lt, unblended, &num, !ri.is_empty());
        let usage_like = matches!(lt, "Usage" | "DiscountedUsage" | "SavingsPlanCoveredUsage");

        t(sink, F::AvailabilityZone, c(Col::AvailabilityZone));
        d(sink, F::BilledCost, unblended);
        t(sink, F::BillingAccountId, c(Col::PayerAccountId));
        t(sink, F::BillingAccountName, "Acme Corp");
        t(sink, F::BillingAccountType, "Billing Account");
        t(sink, F::BillingCurrency, c(Col::CurrencyCode));
        t(sink, F::BillingPeriodEnd, c(Col::BillingPeriodEndDate));
        t(sink, F::BillingPeriodStart, c(Col::BillingPeriodStartDate));
        t(sink, F::CapacityReservationId, "");
        t(sink, F::CapacityReservationStatus, "");
        t(sink, F::ChargeCategory, charge_category(lt));
        t(sink, F::ChargeClass, "");
        t(sink, F::ChargeDescription, c(Col::LineItemDescription));
        t(sink, F::ChargeFrequency, charge_frequency(lt));
        t(sink, F::ChargePeriodEnd, c(Col::UsageEndDate));
        t(sink, F::ChargePeriodStart, c(Col::UsageStartDate));
        let (category, kind) = match (sp.is_empty(), ri.is_empty()) {
            (false, _) => ("Spend", "Savings Plan"),
            (true, false) => ("Usage", "Reserved Instance"),
            (true, true) => ("", ""),
        };
        t(sink, F::CommitmentDiscountCategory, category);
        t(
            sink,
            F::CommitmentDiscountId,
            if sp.is_empty() { ri } else { sp },
        );
        t(sink, F::CommitmentDiscountName, "");
        d(sink, F::CommitmentDiscountQuantity, None);
        let used = matches!(lt, "DiscountedUsage" | "SavingsPlanCoveredUsage");
        t(
            sink,
            F::CommitmentDiscountStatus,
            if used { "Used" } else { "" },
        );
        t(sink, F::CommitmentDiscountType, kind);
        t(sink, F::CommitmentDiscountUnit, "");
        let amount = num(Col::UsageAmount);
        d(sink, F::ConsumedQuantity, amount.filter(|_| usage_like));
        t(
            sink,
            F::ConsumedUnit,
            if usage_like { c(Col::Unit) } else { "" },
        );
        d(sink, F::ContractedCost, contracted);
        d(sink, F::ContractedUnitPrice, num(Col::UnblendedRate));
        d(sink, F::EffectiveCost, effective);
        t(sink, F::InvoiceId, c(Col::InvoiceId));
        t(sink, F::InvoiceIssuerName, c(Col::InvoicingEntity));
        d(
            sink,
            F::ListCost,
            num(Col::PublicOnDemandCost).or(contracted),
        );
        d(sink, F::ListUnitPrice, num(Col::PublicOnDemandRate));
        t(sink, F::PricingCategory, pricing_category(lt, c(Col::Term)));
        t(sink, F::PricingCurrency, c(Col::CurrencyCode));
        d(
            sink,
            F::PricingCurrencyContractedUnitPrice,
            num(Col::UnblendedRate),
        );
        d(sink, F::PricingCurrencyEffectiveCost, effective);
        d(
            sink,
            F::PricingCurrencyListUnitPrice,
            num(Col::PublicOnDemandRate),
        );
        d(sink, F::PricingQuantity, amount);
        t(sink, F::PricingUnit, c(Col::Unit));
        t(sink, F::ProviderName, "AWS");
        t(sink, F::PublisherName, c(Col::LegalEntity));
        t(sink, F::RegionId, c(Col::RegionCode));
        t(sink, F::RegionName, c(Col::Location));
        t(sink, F::ResourceId, c(Col::ResourceId));
        t(sink, F::ResourceName, c(Col::TagName));
        t(sink, F::ResourceType, "");
        let code = c(Col::ProductCode);
        let service_category = CATEGORIES.get(code).copied().unwrap_or("Other");
        t(sink, F::ServiceCategory, service_category);
        t(sink, F::ServiceName, c(Col::ProductName));
        t(sink, F::ServiceSubcategory, "");
        t(sink, F::SkuId, c(Col::Sku));
        t(sink, F::SkuMeter, c(Col::ProductFamily));
        sku_price_details(&mut self.details, cells);
        t(sink, F::SkuPriceDetails, &self.details);
        t(sink, F::SkuPriceId, c(Col::RateCode));
        let account = c(Col::UsageAccountId);
        self.name.clear();
        self.name.push_str("acme-");
        self.name
            .push_str(&account[account.len().saturating_sub(4)..]);
        t(sink, F::SubAccountId, account);
        t(sink, F::SubAccountName, &self.name);
        t(sink, F::SubAccountType, "Linked Account");
        tags_json(&mut self.tags, cells);
        t(sink, F::Tags, &self.tags);
        t(sink, F::x_Operation, c(Col::Operation));
        t(sink, F::x_ServiceCode, code);
        t(sink, F::x_UsageType, c(Col::UsageType));
    }
}

/// The amortised cost of a line item (as greenops' CUR adapter computes EffectiveCost).
fn effective_cost(
    lt: &str,
    unblended: Option<f64>,
    num: &impl Fn(Col) -> Option<f64>,
    reserved: bool,
) -> Option<f64> {
    let n0 = |col: Col| num(col).unwrap_or(0.0);
    Some(match lt {
        "SavingsPlanCoveredUsage" => n0(Col::SpEffectiveCost),
        "SavingsPlanRecurringFee" => n0(Col::SpTotalCommitmentToDate) - n0(Col::SpUsedCommitment),
        "SavingsPlanNegation" | "SavingsPlanUpfrontFee" => 0.0,
        "DiscountedUsage" => n0(Col::RiEffectiveCost),
        "RIFee" => {
            n0(Col::RiUnusedAmortizedUpfrontFeeForBillingPeriod) + n0(Col::RiUnusedRecurringFee)
        }
        "Fee" if reserved => 0.0,
        _ => return unblended,
    })
}

fn charge_category(lt: &str) -> &'static str {
    match lt {
        "Tax" => "Tax",
        "Credit" | "Refund" => "Credit",
        "Fee" | "RIFee" | "SavingsPlanUpfrontFee" | "SavingsPlanRecurringFee" => "Purchase",
        _ => "Usage",
    }
}

fn charge_frequency(lt: &str) -> &'static str {
    match lt {
        "RIFee" | "SavingsPlanRecurringFee" => "Recurring",
        "Fee" | "SavingsPlanUpfrontFee" | "Tax" | "Credit" | "Refund" => "One-Time",
        _ => "Usage-Based",
    }
}

fn pricing_category(lt: &str, term: &str) -> &'static str {
    match lt {
        "Tax" => "",
        "DiscountedUsage" | "SavingsPlanCoveredUsage" => "Committed",
        _ if term == "Reserved" => "Committed",
        _ => "Standard",
    }
}

/// `{"CoreCount":"2","InstanceType":"m5.large","MemorySize":"8 GiB"}` for instance rows, empty
/// otherwise.
fn sku_price_details(out: &mut String, cells: &[String]) {
    out.clear();
    let itype = cells[Col::InstanceType as usize].as_str();
    if itype.is_empty() {
        return;
    }
    out.push_str("{\"CoreCount\":");
    push_json_string(out, &cells[Col::Vcpu as usize]);
    out.push_str(",\"InstanceType\":");
    push_json_string(out, itype);
    out.push_str(",\"MemorySize\":");
    push_json_string(out, &cells[Col::Memory as usize]);
    out.push('}');
}

/// The resource's tags as a JSON object with AWS's keys (`{"user:Team":"data",…}`), empty when
/// it has none.
fn tags_json(out: &mut String, cells: &[String]) {
    out.clear();
    let name = std::iter::once((Col::TagName, "user:Name"));
    let pooled = POOLED_TAGS.iter().map(|c| (*c, tag_key(*c)));
    for (col, key) in name.chain(pooled) {
        let value = cells[col as usize].as_str();
        if value.is_empty() {
            continue;
        }
        out.push(if out.is_empty() { '{' } else { ',' });
        push_json_string(out, key);
        out.push(':');
        push_json_string(out, value);
    }
    if !out.is_empty() {
        out.push('}');
    }
}

fn tag_key(col: Col) -> &'static str {
    super::header::HEADER[col as usize]
        .strip_prefix("resourceTags/")
        .unwrap_or_default()
}

fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_are_escaped() {
        let mut s = String::new();
        push_json_string(&mut s, "say \"hi\"\\");
        assert_eq!(s, r#""say \"hi\"\\""#);
        assert_eq!(tag_key(Col::TagTeam), "user:Team");
    }
}
