//! FOCUS rows that carry no provider usage type (FOCUS exports, not CUR/billing-export/cost
//! details) → usage, from `ServiceName`, `ChargeDescription`, the pricing unit and the instance
//! shape of `SkuPriceDetails` (methodology: docs/carbon-methodology.md, "FOCUS rows").
//!
//! AWS rows whose description names a CUR usage pattern (an instance hour, an EBS volume or
//! snapshot, S3 storage, data transfer out) are rewritten as that CUR row and classified by
//! CCF's AWS rules, so a FOCUS export and the CUR it came from agree. Every other row goes
//! through provider-neutral rules: month storage units are storage, egress is networking,
//! vCPU-hours and instance hours of a known shape are compute, software and support fees are
//! not counted, and the rest is unknown usage.

use super::aws::{AwsRow, classify_aws};
use crate::tables::Coefficients;
use crate::usage::{Mode, Provider, Usage};

/// The FOCUS fields classification reads.
#[derive(Debug, Clone, Copy)]
pub struct FocusRow<'a> {
    /// `ServiceName` (e.g. `Amazon Elastic Compute Cloud`, `AmazonEC2`).
    pub service_name: &'a str,
    /// `ChargeDescription` (e.g. `$0.34 per On Demand Linux c5.2xlarge Instance Hour`).
    pub description: &'a str,
    /// `PricingUnit` (else `ConsumedUnit`).
    pub unit: &'a str,
    /// `ConsumedQuantity` (else `PricingQuantity`).
    pub quantity: f64,
    /// The row's cost.
    pub cost: f64,
    /// Instance shape from `SkuPriceDetails` (`x_InstanceType`), when present.
    pub instance_type: Option<&'a str>,
    /// vCPUs from `SkuPriceDetails` (`x_vCPUs`), when present.
    pub vcpu: Option<f64>,
    /// Days in the row's (UTC) month, for month units.
    pub days_in_month: u32,
}

/// Display names of AWS services → CUR product codes (FOCUS 1.0 exports use display names).
const AWS_PRODUCT_CODES: [(&str, &str); 12] = [
    ("Amazon Elastic Compute Cloud", "AmazonEC2"),
    ("Amazon Simple Storage Service", "AmazonS3"),
    ("Amazon Relational Database Service", "AmazonRDS"),
    ("Amazon ElastiCache", "AmazonElastiCache"),
    ("Amazon Elastic File System", "AmazonEFS"),
    ("Amazon DynamoDB", "AmazonDynamoDB"),
    ("Amazon CloudFront", "AmazonCloudFront"),
    ("AWS Lambda", "AWSLambda"),
    ("Amazon Virtual Private Cloud", "AmazonVPC"),
    ("Elastic Load Balancing", "AWSELB"),
    ("Amazon Redshift", "AmazonRedshift"),
    ("Amazon OpenSearch Service", "AmazonES"),
];

/// Classifies one FOCUS row of `provider` (unknown usage is scaled the provider's CCF way).
pub fn classify_focus(
    row: &FocusRow<'_>,
    provider: Provider,
    mode: Mode,
    c: &Coefficients,
) -> Vec<Usage> {
    let description = row.description.to_ascii_lowercase();
    if ["marketplace", "software usage", "extended support"]
        .iter()
        .any(|k| description.contains(k))
    {
        return vec![Usage::Unsupported {
            reason: format!("`{}` is a software or support fee", row.description),
        }];
    }
    if provider == Provider::Aws
        && let Some((product_code, usage_type, pricing_unit)) = aws_equivalent(row, &description)
    {
        let cur = AwsRow {
            product_code,
            usage_type: &usage_type,
            pricing_unit,
            usage_amount: row.quantity,
            cost: row.cost,
            vcpu: row.vcpu,
            line_item_type: "Usage",
            days_in_month: row.days_in_month,
        };
        return classify_aws(&cur, mode, c);
    }
    neutral(row, &description, provider, c)
}

/// The CUR product code, usage type and pricing unit an AWS FOCUS row stands for, when its
/// description or shape says.
fn aws_equivalent(
    row: &FocusRow<'_>,
    description: &str,
) -> Option<(&'static str, String, &'static str)> {
    let product = AWS_PRODUCT_CODES
        .iter()
        .find(|(name, code)| row.service_name == *name || row.service_name == *code)
        .map(|(_, code)| *code)?;
    let unit = normalised_unit(row.unit);
    if is_hours(&unit)
        && let Some(shape) = row
            .instance_type
            .map(str::to_string)
            .or_else(|| shape_in(row.description))
    {
        let usage_type = match product {
            "AmazonRDS" => format!("InstanceUsage:{shape}"),
            "AmazonElastiCache" => format!("NodeUsage:{shape}"),
            _ => format!("BoxUsage:{shape}"),
        };
        return Some((product, usage_type, "Hrs"));
    }
    if is_month_storage(&unit) {
        let usage_type = match product {
            "AmazonEC2" => ["gp2", "gp3", "io1", "io2"]
                .iter()
                .find(|v| description.contains(&format!("({v})")))
                .map(|v| format!("EBS:VolumeUsage.{v}"))
                .or_else(|| {
                    description
                        .contains("magnetic")
                        .then(|| "EBS:VolumeUsage".to_string())
                })
                .or_else(|| {
                    description
                        .contains("snapshot")
                        .then(|| "EBS:SnapshotUsage".to_string())
                }),
            "AmazonS3" if description.contains("standard") => {
                Some("TimedStorage-ByteHrs".to_string())
            }
            _ => None,
        }?;
        return Some((product, usage_type, "GB-Mo"));
    }
    if unit == "gb" && description.contains("data transfer out") && product != "AmazonCloudFront" {
        return Some((product, "DataTransfer-Out-Bytes".to_string(), "GB"));
    }
    None
}

/// Provider-neutral rules.
fn neutral(
    row: &FocusRow<'_>,
    description: &str,
    provider: Provider,
    c: &Coefficients,
) -> Vec<Usage> {
    let unit = normalised_unit(row.unit);
    let usage = if is_month_storage(&unit) {
        let gb = if unit.starts_with("gib") {
            1.073_741_824
        } else {
            1.0
        };
        let ssd = [
            "ssd",
            "gp2",
            "gp3",
            "io1",
            "io2",
            "premium",
            "provisioned iops",
            "nvme",
        ]
        .iter()
        .any(|k| description.contains(k));
        Some(Usage::Storage {
            tb_hours: row.quantity * gb * 24.0 * f64::from(row.days_in_month) / 1000.0,
            ssd,
            replication: None,
        })
    } else if (unit == "gb" || unit == "gib")
        && [
            "data transfer out",
            "outbound data transfer",
            "egress",
            "inter-region",
            "inter region",
        ]
        .iter()
        .any(|k| description.contains(k))
    {
        let gb = if unit == "gib" { 1.073_741_824 } else { 1.0 };
        Some(Usage::Networking {
            gb: row.quantity * gb,
        })
    } else if unit == "vcpuhours" || unit == "vcpuhour" {
        Some(Usage::Compute {
            vcpu_hours: row.quantity,
            instance_hours: 0.0,
            instance_type: None,
            processors: Vec::new(),
        })
    } else if is_hours(&unit) {
        row.instance_type
            .map(str::to_string)
            .or_else(|| shape_in(row.description))
            .and_then(|shape| c.instance(provider, &shape))
            .map(|i| Usage::Compute {
                vcpu_hours: row.vcpu.filter(|v| *v > 0.0).unwrap_or(i.vcpu) * row.quantity,
                instance_hours: row.quantity,
                instance_type: Some(i.name.clone()),
                processors: i.processors.clone(),
            })
    } else {
        None
    };
    let mut out: Vec<Usage> = usage.into_iter().collect();
    // a GPU shape runs its GPUs for the same hours
    if let Some(Usage::Compute {
        instance_type: Some(name),
        instance_hours,
        ..
    }) = out.first()
        && let Some(i) = c.instance(provider, name).filter(|i| i.gpu_count > 0.0)
    {
        out.push(Usage::Gpu {
            gpu_hours: i.gpu_count * instance_hours,
            model: i.gpu_model.clone(),
        });
    }
    if out.is_empty() {
        out.push(unknown(row, provider, c));
    }
    out
}

/// An unknown row, scaled the provider's CCF way (AWS by cost, GCP and Azure by usage amount).
fn unknown(row: &FocusRow<'_>, provider: Provider, c: &Coefficients) -> Usage {
    let by = c.constants(provider).unknown_usage_by;
    Usage::Unknown {
        by,
        amount: match by {
            crate::usage::UnknownBy::Cost => row.cost,
            crate::usage::UnknownBy::Usage => row.quantity,
        },
        unit: row.unit.to_string(),
    }
}

/// A unit lower-cased without spaces, `-`, `/` and `_` (`GB-Months`, `GB/Month` → `gbmonths`,
/// `gbmonth`).
fn normalised_unit(unit: &str) -> String {
    unit.chars()
        .filter(|c| !matches!(c, ' ' | '-' | '/' | '_'))
        .flat_map(char::to_lowercase)
        .collect()
}

fn is_hours(unit: &str) -> bool {
    matches!(
        unit,
        "hours" | "hour" | "hrs" | "hr" | "instancehour" | "instancehours"
    )
}

fn is_month_storage(unit: &str) -> bool {
    matches!(
        unit,
        "gbmonth" | "gbmonths" | "gbmo" | "gibmonth" | "gibmonths" | "gbmp"
    )
}

/// An instance shape written in a description (`… Linux c5.2xlarge Instance Hour`,
/// `RDS PostgreSQL db.r6g.large`, `… | m5.2xlarge`).
fn shape_in(description: &str) -> Option<String> {
    const SIZES: [&str; 6] = ["nano", "micro", "small", "medium", "large", "metal"];
    description
        .split(|c: char| c.is_whitespace() || matches!(c, '|' | ',' | '(' | ')'))
        .find(|token| {
            let Some((family, size)) = token.rsplit_once('.') else {
                return false;
            };
            let family = family.rsplit('.').next().unwrap_or(family);
            family
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_lowercase())
                && family.chars().any(|c| c.is_ascii_digit())
                && SIZES
                    .iter()
                    .any(|s| size.ends_with(s) || size.starts_with("metal"))
        })
        .map(str::to_string)
}

#[cfg(test)]
mod tests;
