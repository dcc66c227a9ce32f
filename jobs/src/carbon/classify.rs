//! Routes a grouped usage row to its classifier: the provider's own rules for CUR, billing
//! export and cost-details rows, the FOCUS rules for rows without a usage type, and the OCI
//! rules (estimated through the OCI proxy) for Oracle rows.

use super::read::UsageGroup;
use carbon::classify::{
    AwsRow, AzureRow, FocusRow, GcpRow, OciRow, classify_aws, classify_azure, classify_focus,
    classify_gcp, classify_oci,
};
use carbon::estimate::Basis;
use carbon::tables::Coefficients;
use carbon::usage::{Mode, Provider, UnknownBy, Usage};

/// The coefficient basis of the row and its usage. Providers greenops has no basis for have
/// none: their rows are reported as unclassified cost.
pub fn classify(g: &UsageGroup, mode: Mode, c: &Coefficients) -> (Option<Basis>, Vec<Usage>) {
    let days_in_month = days_in_month(&g.billing_period);
    let provider = match g.provider.as_str() {
        "aws" => Provider::Aws,
        "gcp" => Provider::Gcp,
        "azure" => Provider::Azure,
        "oci" => {
            let row = OciRow {
                service: &g.service,
                description: &g.description,
                unit: if g.usage_type.is_empty() {
                    &g.unit
                } else {
                    &g.usage_type
                },
                quantity: g.quantity,
                cost: g.cost,
                days_in_month,
            };
            return (Some(Basis::OciProxy), classify_oci(&row));
        }
        _ => {
            let unknown = Usage::Unknown {
                by: UnknownBy::Cost,
                amount: g.cost,
                unit: g.unit.clone(),
            };
            return (None, vec![unknown]);
        }
    };
    let usage = if g.usage_type.is_empty() {
        let row = FocusRow {
            service_name: &g.service,
            description: &g.description,
            unit: &g.unit,
            quantity: g.quantity,
            cost: g.cost,
            instance_type: (!g.instance_type.is_empty()).then_some(g.instance_type.as_str()),
            vcpu: g.vcpu,
            days_in_month,
        };
        classify_focus(&row, provider, mode, c)
    } else {
        match provider {
            Provider::Aws => {
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
                    days_in_month,
                };
                classify_aws(&row, mode, c)
            }
            Provider::Gcp => {
                let row = GcpRow {
                    service: &g.service,
                    sku: &g.usage_type,
                    unit: &g.unit,
                    amount: g.quantity,
                    machine_type: (!g.instance_type.is_empty()).then_some(g.instance_type.as_str()),
                };
                vec![classify_gcp(&row, c)]
            }
            Provider::Azure => {
                let row = AzureRow {
                    meter_category: &g.service,
                    meter_name: &g.usage_type,
                    unit: &g.unit,
                    quantity: g.quantity,
                };
                classify_azure(&row, mode, c)
            }
        }
    };
    (Some(Basis::Native(provider)), usage)
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
