//! AWS Cost and Usage Report rows → usage (methodology: CCF's AWS classification, §3.1).

use super::lists::AWS;
use crate::tables::Coefficients;
use crate::usage::{Mode, UnknownBy, Usage};

/// The CUR fields classification reads (from FOCUS-aligned rows: `x_ServiceCode`,
/// `x_UsageType`, `PricingUnit`/`ConsumedUnit`, `ConsumedQuantity`, `x_vCPUs`, `x_ChargeType`).
#[derive(Debug, Clone, Copy)]
pub struct AwsRow<'a> {
    /// `lineItem/ProductCode` (e.g. `AmazonEC2`).
    pub product_code: &'a str,
    /// `lineItem/UsageType` (e.g. `USE2-BoxUsage:m5.xlarge`).
    pub usage_type: &'a str,
    /// `pricing/unit` (e.g. `Hrs`, `GB-Mo`).
    pub pricing_unit: &'a str,
    /// `lineItem/UsageAmount`.
    pub usage_amount: f64,
    /// The row's cost (what unknown rows are scaled by).
    pub cost: f64,
    /// `product/vcpu`, when the CUR has it.
    pub vcpu: Option<f64>,
    /// `lineItem/LineItemType`.
    pub line_item_type: &'a str,
    /// Days in the row's (UTC) month, for GB-month → TB-hours.
    pub days_in_month: u32,
}

const COMPUTE_UNITS: [&str; 6] = ["Hrs", "Hours", "hours", "vCPU-Hours", "DPU-Hour", "ACU-Hr"];
const STORAGE_UNITS: [&str; 5] = ["GB-Mo", "GB-Month", "GB-Mp", "GB-month", "GB-Hours"];
const LAMBDA_UNITS: [&str; 3] = ["seconds", "Second", "Lambda-GB-Second"];
const TRANSFER_UNITS: [&str; 2] = ["GB", "GigaBytes"];
/// Prefixes CCF strips from an instance type before looking it up.
const INSTANCE_PREFIXES: [&str; 7] = ["db.", "cache.", "dax.", "dms.", "ml.", "mq.", "Kafka."];

/// Classifies one CUR row. A compute row on a GPU instance yields compute and GPU usage.
pub fn classify_aws(row: &AwsRow<'_>, mode: Mode, c: &Coefficients) -> Vec<Usage> {
    let ut = row.usage_type;
    let unsupported = |reason: String| vec![Usage::Unsupported { reason }];
    let unknown = || {
        vec![Usage::Unknown {
            by: UnknownBy::Cost,
            amount: row.cost,
            unit: row.pricing_unit.to_string(),
        }]
    };
    if !AWS.equals_any("LINE_ITEM_TYPES", row.line_item_type) {
        return unsupported(format!(
            "line item type {} carries no usage",
            row.line_item_type
        ));
    }
    if AWS.contains_any("UNSUPPORTED_USAGE_TYPES", ut) {
        return unsupported(format!(
            "usage type {ut} is counted elsewhere or is not usage"
        ));
    }
    // pre-cleaning as CCF does it
    let (unit, amount) = if ut.contains("Fargate-GB-Hours") {
        ("GB-Hours", row.usage_amount)
    } else if row.product_code == "AmazonRedshift" && row.pricing_unit == "seconds" {
        ("Hrs", row.usage_amount / 3600.0)
    } else {
        (row.pricing_unit, row.usage_amount)
    };
    if AWS.contains_any("UNKNOWN_USAGE_TYPES", ut) || !AWS.equals_any("KNOWN_USAGE_UNITS", unit) {
        return unknown();
    }
    if COMPUTE_UNITS.contains(&unit) {
        return compute(row, amount, c).unwrap_or_else(unknown);
    }
    if STORAGE_UNITS.contains(&unit) {
        return match storage(row, unit, amount, mode) {
            Some(usage) => vec![usage],
            None => unsupported(format!("storage usage type {ut} is neither SSD nor HDD")),
        };
    }
    if LAMBDA_UNITS.contains(&unit) {
        let processors = if ut.ends_with("-ARM") {
            vec!["AWS Graviton2".to_string()]
        } else {
            vec![]
        };
        return vec![Usage::Compute {
            vcpu_hours: amount / 3600.0,
            instance_hours: 0.0,
            instance_type: None,
            processors,
        }];
    }
    if TRANSFER_UNITS.contains(&unit) {
        let networking = AWS.ends_with_any("NETWORKING_USAGE_TYPES", ut);
        return match (networking, row.product_code == "AmazonCloudFront", mode) {
            (true, false, _) => vec![Usage::Networking { gb: amount }],
            // D8: CCF drops CDN traffic; corrected mode estimates it like other unknown usage
            (true, true, Mode::Corrected) => unknown(),
            _ => unsupported(format!(
                "data transfer {ut} is not inter-region or egress traffic"
            )),
        };
    }
    unknown()
}

/// vCPU-hours (and GPU-hours) of a compute row; `None` when its vCPUs cannot be found.
fn compute(row: &AwsRow<'_>, hours: f64, c: &Coefficients) -> Option<Vec<Usage>> {
    let ut = row.usage_type;
    let instance_name = instance_type_of(ut);
    let instance = c.aws_instance(&instance_name);
    let processors = instance.map(|i| i.processors.clone()).unwrap_or_default();
    let (vcpu_hours, instance_hours) = if row.product_code == "AWSGlue" {
        (4.0 * hours, 0.0)
    } else if row.product_code == "AmazonSimpleDB" {
        (hours, 0.0)
    } else if ut.contains("Aurora:ServerlessUsage") {
        (hours / 4.0, 0.0)
    } else if ut.contains("Fargate-vCPU-Hours") || ut.contains("CPUCredits") {
        (hours, 0.0)
    } else if let Some(i) = instance.filter(|i| i.burstable_baseline_pct.is_some()) {
        let baseline = i.burstable_baseline_pct.unwrap_or(50.0);
        (i.vcpu * (baseline / 50.0) * hours, hours)
    } else {
        let vcpu = row.vcpu.filter(|v| *v > 0.0).or(instance.map(|i| i.vcpu))?;
        (vcpu * hours, hours)
    };
    let mut usage = vec![Usage::Compute {
        vcpu_hours,
        instance_hours,
        instance_type: instance.map(|i| i.name.clone()),
        processors,
    }];
    if let Some(i) = instance.filter(|i| i.gpu_count > 0.0) {
        usage.push(Usage::Gpu {
            gpu_hours: i.gpu_count * hours,
            model: i.gpu_model.clone(),
        });
    }
    Some(usage)
}

/// The instance type in a usage type: text after the last `:`, without service prefixes;
/// `…xl` becomes `…xlarge`.
pub fn instance_type_of(usage_type: &str) -> String {
    let tail = usage_type.rsplit(':').next().unwrap_or(usage_type);
    let tail = INSTANCE_PREFIXES
        .iter()
        .find_map(|p| tail.strip_prefix(p))
        .unwrap_or(tail);
    if tail.ends_with("xl") {
        format!("{tail}arge")
    } else {
        tail.to_string()
    }
}

/// TB-hours and media of a storage row; `None` when the type is neither SSD nor HDD.
fn storage(row: &AwsRow<'_>, unit: &str, gb: f64, mode: Mode) -> Option<Usage> {
    let ut = row.usage_type;
    let ssd_service = AWS.ends_with_any("SSD_SERVICES", row.product_code) && !ut.contains("Backup");
    let ssd = if AWS.ends_with_any("SSD_USAGE_TYPES", ut) || ssd_service {
        true
    } else if AWS.ends_with_any("HDD_USAGE_TYPES", ut) {
        false
    } else {
        return None;
    };
    let byte_hours = AWS.ends_with_any("BYTE_HOURS_USAGE_TYPES", ut);
    let tb_hours = if byte_hours && mode == Mode::Ccf {
        // D3: CCF reads these GB-month amounts as byte-hours
        gb / 1_099_511_627_776.0
    } else if unit == "GB-Hours" {
        gb / 1000.0
    } else {
        (gb / 1000.0) * (24.0 * f64::from(row.days_in_month))
    };
    Some(Usage::Storage {
        tb_hours,
        ssd,
        replication: Some(replication_key(row.product_code, ut).to_string()),
    })
}

/// CCF's replication factor key for an AWS storage row (§2.4).
pub fn replication_key(product: &str, ut: &str) -> &'static str {
    match product {
        "AmazonS3"
            if ["TimedStorage-ZIA", "EarlyDelete-ZIA", "TimedStorage-RRS"]
                .iter()
                .any(|k| ut.contains(k)) =>
        {
            "S3_ONE_ZONE_REDUCED_REDUNDANCY"
        }
        "AmazonS3" if ut.contains("TimedStorage") || ut.contains("EarlyDelete") => "S3",
        "AmazonEC2" if ut.contains("VolumeUsage") => "EC2_EBS_VOLUME",
        "AmazonEC2" if ut.contains("SnapshotUsage") => "EC2_EBS_SNAPSHOT",
        "AmazonEFS" if ut.contains("ZIA") => "EFS_ONE_ZONE",
        "AmazonEFS" => "EFS",
        "AmazonRDS" if ut.contains("BackupUsage") => "RDS_BACKUP",
        "AmazonRDS" if ut.contains("Aurora") => "RDS_AURORA",
        "AmazonRDS" if ut.contains("Multi-AZ") => "RDS_MULTI_AZ",
        "AmazonDocDB" if ut.contains("BackupUsage") => "DOCUMENT_DB_BACKUP",
        "AmazonDocDB" => "DOCUMENT_DB_STORAGE",
        "AmazonDynamoDB" => "DYNAMO_DB",
        "AmazonECR" if ut.contains("TimedStorage") => "ECR_STORAGE",
        "AmazonElastiCache" if ut.contains("BackupUsage") => "DOCUMENT_ELASTICACHE_BACKUP",
        "AmazonSimpleDB" if ut.contains("TimedStorage") => "SIMPLE_DB",
        _ => "DEFAULT",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row<'a>(product: &'a str, ut: &'a str, unit: &'a str, amount: f64) -> AwsRow<'a> {
        AwsRow {
            product_code: product,
            usage_type: ut,
            pricing_unit: unit,
            usage_amount: amount,
            cost: 12.5,
            vcpu: None,
            line_item_type: "Usage",
            days_in_month: 30,
        }
    }

    fn classify(r: &AwsRow<'_>, mode: Mode) -> Vec<Usage> {
        classify_aws(r, mode, Coefficients::ccf_app())
    }

    #[test]
    fn instance_types_are_read_out_of_usage_types() {
        assert_eq!(instance_type_of("USE2-BoxUsage:m5.xlarge"), "m5.xlarge");
        assert_eq!(instance_type_of("InstanceUsage:db.r5.large"), "r5.large");
        assert_eq!(instance_type_of("NodeUsage:cache.t3.micro"), "t3.micro");
        assert_eq!(instance_type_of("EU-BoxUsage:c5.2xl"), "c5.2xlarge");
    }

    #[test]
    fn an_ec2_instance_row_is_compute_with_vcpu_hours_from_the_instance_table() {
        // m5.xlarge has 4 vCPUs: 24 h → 96 vCPU-hours, 24 instance-hours
        let usage = classify(
            &row("AmazonEC2", "BoxUsage:m5.xlarge", "Hrs", 24.0),
            Mode::Ccf,
        );
        match &usage[..] {
            [
                Usage::Compute {
                    vcpu_hours,
                    instance_hours,
                    instance_type,
                    processors,
                },
            ] => {
                assert_eq!(*vcpu_hours, 96.0);
                assert_eq!(*instance_hours, 24.0);
                assert_eq!(instance_type.as_deref(), Some("m5.xlarge"));
                assert!(!processors.is_empty());
            }
            other => panic!("{other:?}"),
        }
        // product/vcpu wins over the table when present
        let mut r = row("AmazonEC2", "BoxUsage:m5.xlarge", "Hrs", 24.0);
        r.vcpu = Some(8.0);
        assert!(
            matches!(classify(&r, Mode::Ccf)[0], Usage::Compute { vcpu_hours, .. } if vcpu_hours == 192.0)
        );
    }

    #[test]
    fn special_compute_units() {
        let glue = classify(
            &row("AWSGlue", "USE1-ETL-DPU-Hour", "DPU-Hour", 2.0),
            Mode::Ccf,
        );
        assert!(matches!(glue[0], Usage::Compute { vcpu_hours, .. } if vcpu_hours == 8.0));
        let aurora = classify(
            &row("AmazonRDS", "Aurora:ServerlessUsage", "ACU-Hr", 10.0),
            Mode::Ccf,
        );
        assert!(matches!(aurora[0], Usage::Compute { vcpu_hours, .. } if vcpu_hours == 2.5));
        let lambda = classify(
            &row(
                "AWSLambda",
                "Lambda-GB-Second-ARM",
                "Lambda-GB-Second",
                7200.0,
            ),
            Mode::Ccf,
        );
        match &lambda[0] {
            Usage::Compute {
                vcpu_hours,
                processors,
                ..
            } => {
                assert_eq!(*vcpu_hours, 2.0);
                assert_eq!(processors, &["AWS Graviton2".to_string()]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn burstable_instances_count_their_baseline() {
        let c = Coefficients::ccf_app();
        let t3 = c.aws_instance("t3.medium").expect("t3.medium in the table");
        let baseline = t3.burstable_baseline_pct.expect("t3 is burstable");
        let usage = classify(
            &row("AmazonEC2", "BoxUsage:t3.medium", "Hrs", 10.0),
            Mode::Ccf,
        );
        let expected = t3.vcpu * (baseline / 50.0) * 10.0;
        assert!(
            matches!(usage[0], Usage::Compute { vcpu_hours, .. } if (vcpu_hours - expected).abs() < 1e-12)
        );
    }

    #[test]
    fn storage_media_units_and_replication() {
        // gp2 EBS: SSD, 100 GB-Mo in a 30-day month = 0.1 TB × 720 h = 72 TB-hours, EBS volume RF key
        let gp2 = classify(
            &row("AmazonEC2", "EBS:VolumeUsage.gp2", "GB-Mo", 100.0),
            Mode::Ccf,
        );
        assert_eq!(
            gp2,
            [Usage::Storage {
                tb_hours: 72.0,
                ssd: true,
                replication: Some("EC2_EBS_VOLUME".into())
            }]
        );
        // S3 standard: HDD; CCF reads GB-Mo as byte-hours (D3), corrected trusts the unit
        let s3 = row("AmazonS3", "TimedStorage-ByteHrs", "GB-Mo", 1000.0);
        match (
            &classify(&s3, Mode::Ccf)[0],
            &classify(&s3, Mode::Corrected)[0],
        ) {
            (
                Usage::Storage {
                    tb_hours: ccf,
                    ssd: false,
                    replication: r1,
                },
                Usage::Storage {
                    tb_hours: fixed,
                    ssd: false,
                    replication: r2,
                },
            ) => {
                assert!((ccf - 1000.0 / 1_099_511_627_776.0).abs() < 1e-24);
                assert_eq!(*fixed, 720.0);
                assert_eq!((r1.as_deref(), r2.as_deref()), (Some("S3"), Some("S3")));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn networking_unknown_and_unsupported_rows() {
        let out = classify(
            &row("AmazonEC2", "USE1-DataTransfer-Out-Bytes", "GB", 10.0),
            Mode::Ccf,
        );
        assert_eq!(out, [Usage::Networking { gb: 10.0 }]);
        let cdn = row("AmazonCloudFront", "US-DataTransfer-Out-Bytes", "GB", 10.0);
        assert!(matches!(
            classify(&cdn, Mode::Ccf)[0],
            Usage::Unsupported { .. }
        ));
        assert!(
            matches!(classify(&cdn, Mode::Corrected)[0], Usage::Unknown { by: UnknownBy::Cost, amount, .. } if amount == 12.5)
        );
        let nat = classify(
            &row("AmazonEC2", "USE1-NatGateway-Hours", "Hrs", 5.0),
            Mode::Ccf,
        );
        assert!(matches!(
            nat[0],
            Usage::Unknown {
                by: UnknownBy::Cost,
                ..
            }
        ));
        let odd_unit = classify(
            &row("AmazonSNS", "Requests-Tier1", "Requests", 5.0),
            Mode::Ccf,
        );
        assert!(matches!(odd_unit[0], Usage::Unknown { .. }));
        let ecs = classify(
            &row("AmazonECS", "USE1-ECS-EC2-vCPU-Hours", "hours", 5.0),
            Mode::Ccf,
        );
        assert!(matches!(ecs[0], Usage::Unsupported { .. }));
        let mut tax = row("AmazonEC2", "BoxUsage:m5.xlarge", "Hrs", 1.0);
        tax.line_item_type = "Tax";
        assert!(matches!(
            classify(&tax, Mode::Ccf)[0],
            Usage::Unsupported { .. }
        ));
    }
}
