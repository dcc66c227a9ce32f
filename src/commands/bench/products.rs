//! The product table of the synthetic CUR: ~30 AWS services and the usage types each bills, with
//! us-east-1 on-demand list rates (scaled per region in [`super::world`]).

use super::catalog::{Amount, Detail, IdKind, Instance, Product, Spec};

const BASE: Spec = Spec {
    usage: "",
    operation: "",
    unit: "",
    family: "",
    rate: 0.0,
    what: "",
    amount: Amount::Units,
    id: IdKind::None,
    detail: Detail::None,
};

const fn ec2(
    itype: &'static str,
    family: &'static str,
    vcpu: &'static str,
    memory: &'static str,
    factor: f64,
) -> Instance {
    Instance {
        itype,
        family,
        vcpu,
        memory,
        factor,
        processor: "Intel Xeon Platinum 8175",
        clock: "3.1 GHz",
        network: "Up to 10 Gigabit",
    }
}

const fn box_usage(
    usage: &'static str,
    rate: f64,
    what: &'static str,
    instance: &'static Instance,
) -> Spec {
    Spec {
        usage,
        operation: "RunInstances",
        unit: "Hrs",
        family: "Compute Instance",
        rate,
        what,
        amount: Amount::Hours,
        id: IdKind::Hex("i-"),
        detail: Detail::Instance(instance),
    }
}

const fn product(
    code: &'static str,
    name: &'static str,
    weight: u64,
    specs: &'static [Spec],
) -> Product {
    Product {
        code,
        name,
        weight,
        global: false,
        specs,
    }
}

const fn global(
    code: &'static str,
    name: &'static str,
    weight: u64,
    specs: &'static [Spec],
) -> Product {
    Product {
        code,
        name,
        weight,
        global: true,
        specs,
    }
}

#[rustfmt::skip]
mod instances {
    use super::{Instance, ec2};
    pub const M5L: Instance = ec2("m5.large", "General purpose", "2", "8 GiB", 4.0);
    pub const M5XL: Instance = ec2("m5.xlarge", "General purpose", "4", "16 GiB", 8.0);
    pub const C52XL: Instance = Instance { processor: "Intel Xeon Platinum 8124M", clock: "3.4 GHz",
        ..ec2("c5.2xlarge", "Compute optimized", "8", "16 GiB", 16.0) };
    pub const R5L: Instance = ec2("r5.large", "Memory optimized", "2", "16 GiB", 4.0);
    pub const T3M: Instance = Instance { network: "Up to 5 Gigabit",
        ..ec2("t3.medium", "General purpose", "2", "4 GiB", 2.0) };
    pub const M6GL: Instance = Instance { processor: "AWS Graviton2 Processor", clock: "2.5 GHz",
        ..ec2("m6g.large", "General purpose", "2", "8 GiB", 4.0) };
    pub const DBR5L: Instance = ec2("db.r5.large", "Memory optimized", "2", "16 GiB", 4.0);
    pub const CACHEM5L: Instance = ec2("cache.m5.large", "Standard", "2", "6.38 GiB", 4.0);
    pub const DC2L: Instance = ec2("dc2.large", "Dense Compute", "2", "15 GiB", 4.0);
    pub const MLT3M: Instance = ec2("ml.t3.medium", "Standard", "2", "4 GiB", 2.0);
}
use instances::*;

/// `lineItem/ProductCode` and name of Savings Plan fee rows.
pub const SAVINGS_PLANS: (&str, &str) =
    ("ComputeSavingsPlans", "Savings Plans for AWS Compute usage");

/// The products billed (weights are shares of resources, per mille), with their usage types.
#[rustfmt::skip]
pub static PRODUCTS: &[Product] = &[
    product("AmazonEC2", "Amazon Elastic Compute Cloud", 300, &[
        box_usage("BoxUsage:m5.large", 0.096, "On Demand Linux m5.large Instance Hour", &M5L),
        box_usage("BoxUsage:m5.xlarge", 0.192, "On Demand Linux m5.xlarge Instance Hour", &M5XL),
        box_usage("BoxUsage:c5.2xlarge", 0.34, "On Demand Linux c5.2xlarge Instance Hour", &C52XL),
        box_usage("BoxUsage:r5.large", 0.126, "On Demand Linux r5.large Instance Hour", &R5L),
        box_usage("BoxUsage:t3.medium", 0.0416, "On Demand Linux t3.medium Instance Hour", &T3M),
        box_usage("BoxUsage:m6g.large", 0.077, "On Demand Linux m6g.large Instance Hour", &M6GL),
        Spec { usage: "EBS:VolumeUsage.gp3", operation: "CreateVolume-Gp3", unit: "GB-Mo", family: "Storage",
            rate: 0.08, what: "GB-month of General Purpose (gp3) provisioned storage", amount: Amount::GbMonth,
            id: IdKind::Hex("vol-"), detail: Detail::Storage("General Purpose", "SSD-backed", "gp3", "General Purpose") },
        Spec { usage: "NatGateway-Hours", operation: "NatGateway", unit: "Hrs", family: "NAT Gateway", rate: 0.045,
            what: "NAT Gateway Hour", amount: Amount::Hours, id: IdKind::Hex("nat-"), ..BASE },
    ]),
    product("AmazonS3", "Amazon Simple Storage Service", 120, &[
        Spec { usage: "TimedStorage-ByteHrs", operation: "StandardStorage", unit: "GB-Mo", family: "Storage",
            rate: 0.023, what: "GB - first 50 TB / month of storage used", amount: Amount::GbMonth,
            id: IdKind::Bucket, detail: Detail::Storage("General Purpose", "", "", "Standard") },
        Spec { usage: "Requests-Tier1", operation: "PutObject", unit: "Requests", family: "API Request",
            rate: 0.000005, what: "PUT, COPY, POST, or LIST requests", amount: Amount::Requests,
            id: IdKind::Bucket, ..BASE },
    ]),
    product("AmazonRDS", "Amazon Relational Database Service", 50, &[
        Spec { usage: "InstanceUsage:db.r5.large", operation: "CreateDBInstance:0002", unit: "Hrs",
            family: "Database Instance", rate: 0.25,
            what: "RDS db.r5.large Single-AZ instance hour (or partial hour) running MySQL",
            amount: Amount::Hours, id: IdKind::Arn("rds", "db:"), detail: Detail::Database(&DBR5L, "MySQL") },
        Spec { usage: "RDS:GP2-Storage", operation: "CreateDBInstance:0002", unit: "GB-Mo",
            family: "Database Storage", rate: 0.115, what: "GB-month of provisioned gp2 storage running MySQL",
            amount: Amount::GbMonth, id: IdKind::Arn("rds", "db:"), ..BASE },
    ]),
    product("AWSLambda", "AWS Lambda", 80, &[
        Spec { usage: "Lambda-GB-Second", operation: "Invoke", unit: "Lambda-GB-Second", family: "Serverless",
            rate: 0.0000166667, what: "AWS Lambda - Total Compute, per GB-second", amount: Amount::GbSeconds,
            id: IdKind::Arn("lambda", "function:"), ..BASE },
        Spec { usage: "Request", operation: "Invoke", unit: "Requests", family: "Serverless", rate: 0.0000002,
            what: "AWS Lambda - Total Requests", amount: Amount::Requests,
            id: IdKind::Arn("lambda", "function:"), ..BASE },
    ]),
    product("AmazonCloudWatch", "AmazonCloudWatch", 60, &[
        Spec { usage: "TimedStorage-ByteHrs", operation: "HourlyStorageMetering", unit: "GB-Mo",
            family: "Storage Snapshot", rate: 0.03, what: "GB-mo of log storage", amount: Amount::GbMonth,
            id: IdKind::Arn("logs", "log-group:/aws/lambda/"), ..BASE },
    ]),
    product("AmazonDynamoDB", "Amazon DynamoDB", 40, &[
        Spec { usage: "WriteCapacityUnit-Hrs", operation: "CommittedThroughput", unit: "WriteCapacityUnit-Hrs",
            family: "Provisioned IOPS", rate: 0.00065, what: "WriteCapacityUnit-Hrs, provisioned capacity",
            amount: Amount::Units, id: IdKind::Arn("dynamodb", "table/"), ..BASE },
    ]),
    product("AmazonEKS", "Amazon Elastic Container Service for Kubernetes", 8, &[
        Spec { usage: "AmazonEKS-Hours:perCluster", operation: "CreateOperation", unit: "Hours", family: "Compute",
            rate: 0.1, what: "hour per Amazon EKS cluster", amount: Amount::Hours,
            id: IdKind::Arn("eks", "cluster/"), ..BASE },
    ]),
    product("AmazonECS", "Amazon Elastic Container Service", 25, &[
        Spec { usage: "Fargate-vCPU-Hours:perCPU", operation: "FargateTask", unit: "hours", family: "Compute",
            rate: 0.04048, what: "vCPU per hour, Fargate", amount: Amount::Units,
            id: IdKind::Arn("ecs", "task/"), ..BASE },
    ]),
    product("AWSDataTransfer", "AWS Data Transfer", 50, &[
        Spec { usage: "DataTransfer-Out-Bytes", operation: "RunInstances", unit: "GB", family: "Data Transfer",
            rate: 0.09, what: "GB - first 10 TB / month data transfer out beyond the global free tier",
            amount: Amount::Gb, detail: Detail::Transfer("AWS Outbound"), ..BASE },
    ]),
    product("AmazonVPC", "Amazon Virtual Private Cloud", 30, &[
        Spec { usage: "VpcEndpoint-Hours", operation: "VpcEndpoint", unit: "Hrs", family: "VpcEndpoint",
            rate: 0.01, what: "VPC endpoint per AZ hour", amount: Amount::Hours, id: IdKind::Hex("vpce-"), ..BASE },
    ]),
    product("AmazonElastiCache", "Amazon ElastiCache", 15, &[
        Spec { usage: "NodeUsage:cache.m5.large", operation: "CreateCacheCluster:0002", unit: "NodeHour",
            family: "Cache Instance", rate: 0.156, what: "Redis cache.m5.large node hour, or partial hour",
            amount: Amount::Hours, id: IdKind::Arn("elasticache", "cluster:"),
            detail: Detail::Database(&CACHEM5L, "Redis") },
    ]),
    product("AmazonRedshift", "Amazon Redshift", 4, &[
        Spec { usage: "Node:dc2.large", operation: "RunComputeNode:0001", unit: "Hrs", family: "Compute Instance",
            rate: 0.25, what: "DC2.Large Compute Node-Hour (or partial hour)", amount: Amount::Hours,
            id: IdKind::Arn("redshift", "cluster:"), detail: Detail::Database(&DC2L, "Redshift") },
    ]),
    product("AmazonSNS", "Amazon Simple Notification Service", 15, &[
        Spec { usage: "Requests-Tier1", operation: "Publish", unit: "Requests", family: "API Request",
            rate: 0.0000005, what: "Amazon SNS request", amount: Amount::Requests,
            id: IdKind::Arn("sns", "topic-"), ..BASE },
    ]),
    product("AWSQueueService", "Amazon Simple Queue Service", 20, &[
        Spec { usage: "Requests-RBP", operation: "SendMessage", unit: "Requests", family: "API Request",
            rate: 0.0000004, what: "Requests, Standard queue", amount: Amount::Requests,
            id: IdKind::Arn("sqs", "queue-"), ..BASE },
    ]),
    product("AWSELB", "Elastic Load Balancing", 25, &[
        Spec { usage: "LoadBalancerUsage", operation: "LoadBalancing:Application", unit: "Hrs",
            family: "Load Balancer-Application", rate: 0.0225,
            what: "Application LoadBalancer-hour (or partial hour)", amount: Amount::Hours,
            id: IdKind::Arn("elasticloadbalancing", "loadbalancer/app/"), ..BASE },
    ]),
    global("AmazonRoute53", "Amazon Route 53", 12, &[
        Spec { usage: "HostedZone", operation: "", unit: "HostedZone", family: "DNS Zone", rate: 0.5,
            what: "Hosted Zone for the first 25 Hosted Zones", amount: Amount::MonthFraction,
            id: IdKind::GlobalArn("route53", "hostedzone/Z"), ..BASE },
    ]),
    global("AmazonCloudFront", "Amazon CloudFront", 10, &[
        Spec { usage: "US-DataTransfer-Out-Bytes", operation: "GET", unit: "GB", family: "Data Transfer",
            rate: 0.085, what: "GB - first 10 TB / month data transfer out, United States", amount: Amount::Gb,
            id: IdKind::GlobalArn("cloudfront", "distribution/E"), detail: Detail::Transfer("CloudFront Outbound") },
    ]),
    product("awskms", "AWS Key Management Service", 20, &[
        Spec { usage: "KMS-Keys", operation: "CreateKey", unit: "Keys", family: "Encryption Key", rate: 1.0,
            what: "customer managed key per month", amount: Amount::MonthFraction,
            id: IdKind::Arn("kms", "key/"), ..BASE },
    ]),
    product("AWSSecretsManager", "AWS Secrets Manager", 15, &[
        Spec { usage: "AWSSecretsManager-Secrets", operation: "", unit: "Secrets", family: "Secret", rate: 0.4,
            what: "secret per month", amount: Amount::MonthFraction,
            id: IdKind::Arn("secretsmanager", "secret:"), ..BASE },
    ]),
    product("AmazonEFS", "Amazon Elastic File System", 8, &[
        Spec { usage: "TimedStorage-ByteHrs", operation: "", unit: "GB-Mo", family: "Storage", rate: 0.3,
            what: "GB-Month for Standard storage class", amount: Amount::GbMonth,
            id: IdKind::Arn("elasticfilesystem", "file-system/fs-"),
            detail: Detail::Storage("General Purpose", "SSD", "", "") },
    ]),
    product("AmazonKinesis", "Amazon Kinesis", 7, &[
        Spec { usage: "Storage-ShardHour", operation: "shardHourStorage", unit: "ShardHour",
            family: "Kinesis Streams", rate: 0.015, what: "shard hour", amount: Amount::Hours,
            id: IdKind::Arn("kinesis", "stream/"), ..BASE },
    ]),
    product("AWSGlue", "AWS Glue", 9, &[
        Spec { usage: "ETL-DPU-Hour", operation: "Jobrun", unit: "DPU-Hour", family: "AWS Glue", rate: 0.44,
            what: "DPU-Hour for each Apache Spark or Spark Streaming job, billed per second",
            amount: Amount::Units, id: IdKind::Arn("glue", "job/"), ..BASE },
    ]),
    product("AmazonAthena", "Amazon Athena", 6, &[
        Spec { usage: "DataScannedInTB", operation: "RunQueries", unit: "Terabytes", family: "Athena Queries",
            rate: 5.0, what: "TB scanned, Athena queries", amount: Amount::Units,
            id: IdKind::Arn("athena", "workgroup/"), ..BASE },
    ]),
    product("AWSCloudTrail", "AWS CloudTrail", 3, &[
        Spec { usage: "PaidEventsRecorded", operation: "None", unit: "Events",
            family: "Management Tools - AWS CloudTrail", rate: 0.000002, what: "data event recorded",
            amount: Amount::Requests, id: IdKind::Arn("cloudtrail", "trail/"), ..BASE },
    ]),
    product("AWSConfig", "AWS Config", 12, &[
        Spec { usage: "ConfigurationItemRecorded", operation: "None", unit: "ConfigurationItemRecorded",
            family: "Management Tools - AWS Config", rate: 0.003, what: "Configuration Item recorded, in region",
            amount: Amount::Units, ..BASE },
    ]),
    product("AmazonGuardDuty", "Amazon GuardDuty", 8, &[
        Spec { usage: "PaidEventsAnalyzed", operation: "", unit: "Events", family: "Security Services",
            rate: 0.000004, what: "event analyzed", amount: Amount::Requests,
            id: IdKind::Arn("guardduty", "detector/"), ..BASE },
    ]),
    product("AWSBackup", "AWS Backup", 10, &[
        Spec { usage: "WarmStorage-ByteHrs-EFS", operation: "Storage", unit: "GB-Mo", family: "Storage",
            rate: 0.05, what: "GB-Month of EFS backup storage", amount: Amount::GbMonth,
            id: IdKind::Arn("backup", "backup-vault:"), ..BASE },
    ]),
    product("AmazonSageMaker", "Amazon SageMaker", 6, &[
        Spec { usage: "Notebk:ml.t3.medium", operation: "RunInstance", unit: "Hrs", family: "ML Instance",
            rate: 0.05, what: "SageMaker Notebook Instance ml.t3.medium", amount: Amount::Hours,
            id: IdKind::Arn("sagemaker", "notebook-instance/"), detail: Detail::Database(&MLT3M, "") },
    ]),
    product("AmazonECR", "Amazon EC2 Container Registry (ECR)", 12, &[
        Spec { usage: "TimedStorage-ByteHrs", operation: "", unit: "GB-Mo", family: "EC2 Container Registry",
            rate: 0.1, what: "GB-month of data storage", amount: Amount::GbMonth,
            id: IdKind::Arn("ecr", "repository/"), ..BASE },
    ]),
    product("AmazonStates", "AWS Step Functions", 5, &[
        Spec { usage: "StateTransition", operation: "StartExecution", unit: "StateTransitions",
            family: "Orchestration", rate: 0.000025, what: "state transition, Standard workflows",
            amount: Amount::Requests, id: IdKind::Arn("states", "stateMachine:"), ..BASE },
    ]),
    global("AWSCostExplorer", "AWS Cost Explorer", 1, &[
        Spec { usage: "APIRequest", operation: "", unit: "Requests",
            family: "Management Tools - AWS Cost Explorer", rate: 0.01, what: "Cost Explorer API request",
            amount: Amount::Units, ..BASE },
    ]),
];
