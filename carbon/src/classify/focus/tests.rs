use super::*;
use crate::usage::UnknownBy;

fn row<'a>(service: &'a str, description: &'a str, unit: &'a str, qty: f64) -> FocusRow<'a> {
    FocusRow {
        service_name: service,
        description,
        unit,
        quantity: qty,
        cost: 2.0,
        instance_type: None,
        vcpu: None,
        days_in_month: 30,
    }
}

fn classify(r: &FocusRow<'_>, provider: Provider) -> Vec<Usage> {
    classify_focus(r, provider, Mode::Corrected, Coefficients::ccf_app())
}

#[test]
fn shapes_are_found_in_descriptions() {
    let cases = [
        (
            "$0.34 per On Demand Linux c5.2xlarge Instance Hour",
            Some("c5.2xlarge"),
        ),
        ("RDS PostgreSQL db.r6g.large", Some("db.r6g.large")),
        (
            "AWS Marketplace hourly software usage|us-east-1|m5.2xlarge",
            Some("m5.2xlarge"),
        ),
        (
            "$0.19152 per On Demand Linux m7i-flex.xlarge Instance Hour",
            Some("m7i-flex.xlarge"),
        ),
        ("$0.045 per NAT Gateway Hour", None),
        ("USD 0.10 per hour", None),
    ];
    for (description, shape) in cases {
        assert_eq!(shape_in(description).as_deref(), shape, "{description}");
    }
}

#[test]
fn an_aws_instance_hour_is_classified_as_its_cur_row() {
    // g5.4xlarge: 16 vCPUs and one A10G GPU; CCF's AWS rules give compute and GPU usage
    let r = row(
        "Amazon Elastic Compute Cloud",
        "$1.624 per On Demand Linux g5.4xlarge Instance Hour",
        "Hours",
        2.0,
    );
    let cur = classify_aws(
        &AwsRow {
            product_code: "AmazonEC2",
            usage_type: "BoxUsage:g5.4xlarge",
            pricing_unit: "Hrs",
            usage_amount: 2.0,
            cost: 2.0,
            vcpu: None,
            line_item_type: "Usage",
            days_in_month: 30,
        },
        Mode::Corrected,
        Coefficients::ccf_app(),
    );
    let usage = classify(&r, Provider::Aws);
    assert_eq!(usage, cur);
    assert!(matches!(usage[0], Usage::Compute { vcpu_hours, .. } if vcpu_hours == 32.0));
    assert!(matches!(usage[1], Usage::Gpu { gpu_hours, .. } if gpu_hours == 2.0));
    // the shape may come from SkuPriceDetails instead (FOCUS 1.1+), with the service code
    let mut r = row("AmazonEC2", "Linux on-demand", "Hours", 1.0);
    r.instance_type = Some("m6i.large");
    assert!(
        matches!(classify(&r, Provider::Aws)[0], Usage::Compute { vcpu_hours, .. } if vcpu_hours == 2.0)
    );
}

#[test]
fn aws_storage_and_transfer_descriptions_use_cur_rules() {
    let gp3 = row(
        "Amazon Elastic Compute Cloud",
        "$0.08 per GB-month of General Purpose (gp3) provisioned storage - US East",
        "GB-Months",
        100.0,
    );
    assert_eq!(
        classify(&gp3, Provider::Aws),
        [Usage::Storage {
            tb_hours: 72.0,
            ssd: true,
            replication: Some("EC2_EBS_VOLUME".into())
        }]
    );
    let snapshot = row(
        "Amazon Elastic Compute Cloud",
        "$0.05 per GB-Month of snapshot data stored - US West (Oregon)",
        "GB-Months",
        10.0,
    );
    assert!(matches!(&classify(&snapshot, Provider::Aws)[0],
        Usage::Storage { ssd: false, replication, .. } if replication.as_deref() == Some("EC2_EBS_SNAPSHOT")));
    let out = row(
        "Amazon Elastic Compute Cloud",
        "$0.085 per GB - next 40 TB / month data transfer out",
        "GB",
        3.0,
    );
    assert_eq!(
        classify(&out, Provider::Aws),
        [Usage::Networking { gb: 3.0 }]
    );
}

#[test]
fn provider_neutral_rules() {
    // Azure FOCUS: a premium SSD disk month, egress, and an unknown meter scaled by usage amount
    let disk = row(
        "Azure DB for MySQL",
        "Azure Database for MySQL Single Server General Purpose - Storage Data Stored",
        "GB/Month",
        10.0,
    );
    assert!(matches!(classify(&disk, Provider::Azure)[0],
        Usage::Storage { tb_hours, ssd: false, replication: None } if (tb_hours - 7.2).abs() < 1e-12));
    let vcpu = row(
        "Amazon Relational Database Service",
        "Aurora vCPU",
        "vCPU-Hours",
        4.0,
    );
    assert!(
        matches!(classify(&vcpu, Provider::Aws)[0], Usage::Compute { vcpu_hours, .. } if vcpu_hours == 4.0)
    );
    let defender = row(
        "Azure Kubernetes Service",
        "Microsoft Defender for Containers - Standard vCore vCore Pack",
        "Units/Hour",
        5.0,
    );
    assert!(matches!(&classify(&defender, Provider::Azure)[0],
        Usage::Unknown { by: UnknownBy::Usage, amount, unit } if *amount == 5.0 && unit == "Units/Hour"));
    let nat = row(
        "Amazon Elastic Compute Cloud",
        "$0.045 per NAT Gateway Hour",
        "Hours",
        5.0,
    );
    assert!(matches!(&classify(&nat, Provider::Aws)[0],
        Usage::Unknown { by: UnknownBy::Cost, amount, .. } if *amount == 2.0));
}

#[test]
fn software_and_support_fees_are_not_counted() {
    for description in [
        "AWS Marketplace hourly software usage|us-east-1|m5.2xlarge",
        "USD 0.10 per hour per vCPU running RDS Extended Support for MySQL",
    ] {
        let r = row(
            "Amazon Relational Database Service",
            description,
            "vCPU-Hours",
            1.0,
        );
        assert!(
            matches!(classify(&r, Provider::Aws)[0], Usage::Unsupported { .. }),
            "{description}"
        );
    }
}
