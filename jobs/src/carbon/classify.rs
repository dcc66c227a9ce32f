//! Routes a grouped usage row to its provider's classifier.

use super::read::UsageGroup;
use carbon::classify::{AwsRow, AzureRow, GcpRow, classify_aws, classify_azure, classify_gcp};
use carbon::tables::Coefficients;
use carbon::usage::{Mode, Provider, UnknownBy, Usage};

/// The provider's coefficients to use, and the row's usage. Providers without CCF coefficients
/// (OCI) have none: their rows are reported as unclassified cost.
pub fn classify(g: &UsageGroup, mode: Mode, c: &Coefficients) -> (Option<Provider>, Vec<Usage>) {
    let by_cost = || {
        vec![Usage::Unknown {
            by: UnknownBy::Cost,
            amount: g.cost,
            unit: g.unit.clone(),
        }]
    };
    match g.provider.as_str() {
        // FOCUS exports carry no usage type: without one a row can only be estimated by cost
        "aws" if g.usage_type.is_empty() => (Some(Provider::Aws), by_cost()),
        "aws" => {
            let row = AwsRow {
                product_code: &g.service_code,
                usage_type: &g.usage_type,
                pricing_unit: &g.unit,
                usage_amount: g.quantity,
                cost: g.cost,
                vcpu: g.vcpu,
                line_item_type: if g.charge_type.is_empty() {
                    "Usage"
                } else {
                    &g.charge_type
                },
                days_in_month: days_in_month(&g.billing_period),
            };
            (Some(Provider::Aws), classify_aws(&row, mode, c))
        }
        "gcp" if g.usage_type.is_empty() => (Some(Provider::Gcp), by_cost()),
        "gcp" => {
            let row = GcpRow {
                service: &g.service,
                sku: &g.usage_type,
                unit: &g.unit,
                amount: g.quantity,
                machine_type: (!g.instance_type.is_empty()).then_some(g.instance_type.as_str()),
            };
            (Some(Provider::Gcp), vec![classify_gcp(&row, c)])
        }
        "azure" if g.usage_type.is_empty() => (Some(Provider::Azure), by_cost()),
        "azure" => {
            let row = AzureRow {
                meter_category: &g.service,
                meter_name: &g.usage_type,
                unit: &g.unit,
                quantity: g.quantity,
            };
            (Some(Provider::Azure), classify_azure(&row, mode, c))
        }
        _ => (None, by_cost()),
    }
}

/// Days in a `YYYY-MM` month (30 when the period is malformed).
fn days_in_month(period: &str) -> u32 {
    let mut parts = period.split('-');
    let (Some(Ok(y)), Some(Ok(m))) = (
        parts.next().map(str::parse::<i32>),
        parts.next().map(str::parse::<u32>),
    ) else {
        return 30;
    };
    let first = chrono::NaiveDate::from_ymd_opt(y, m, 1);
    let next = if m == 12 {
        chrono::NaiveDate::from_ymd_opt(y + 1, 1, 1)
    } else {
        chrono::NaiveDate::from_ymd_opt(y, m + 1, 1)
    };
    match (first, next) {
        (Some(a), Some(b)) => u32::try_from((b - a).num_days()).unwrap_or(30),
        _ => 30,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn month_lengths() {
        assert_eq!(super::days_in_month("2024-02"), 29);
        assert_eq!(super::days_in_month("2023-12"), 31);
        assert_eq!(super::days_in_month("bad"), 30);
    }
}
