//! The shapes of the synthetic CUR's price list (regions, products, usage types) and the regions;
//! the product table itself is in [`super::products`].

/// An AWS region.
#[derive(Debug)]
pub struct Region {
    /// `us-east-1`.
    pub code: &'static str,
    /// Usage type prefix, `USE1`.
    pub prefix: &'static str,
    /// `product/location`.
    pub location: &'static str,
    /// Share of resources placed here.
    pub weight: u64,
    /// Price relative to us-east-1.
    pub price_factor: f64,
}

/// The regions resources live in.
pub static REGIONS: &[Region] = &[
    region("us-east-1", "USE1", "US East (N. Virginia)", 30, 1.0),
    region("us-east-2", "USE2", "US East (Ohio)", 8, 1.0),
    region("us-west-1", "USW1", "US West (N. California)", 3, 1.17),
    region("us-west-2", "USW2", "US West (Oregon)", 14, 1.0),
    region("eu-west-1", "EU", "EU (Ireland)", 12, 1.11),
    region("eu-west-2", "EUW2", "EU (London)", 4, 1.16),
    region("eu-central-1", "EUC1", "EU (Frankfurt)", 9, 1.19),
    region("eu-north-1", "EUN1", "EU (Stockholm)", 2, 1.06),
    region("ap-northeast-1", "APN1", "Asia Pacific (Tokyo)", 5, 1.29),
    region("ap-northeast-2", "APN2", "Asia Pacific (Seoul)", 2, 1.23),
    region(
        "ap-southeast-1",
        "APS1",
        "Asia Pacific (Singapore)",
        4,
        1.25,
    ),
    region("ap-southeast-2", "APS2", "Asia Pacific (Sydney)", 3, 1.25),
    region("ap-south-1", "APS3", "Asia Pacific (Mumbai)", 2, 1.05),
    region("ca-central-1", "CAN1", "Canada (Central)", 1, 1.11),
    region("sa-east-1", "SAE1", "South America (Sao Paulo)", 1, 1.59),
];

const fn region(
    code: &'static str,
    prefix: &'static str,
    location: &'static str,
    weight: u64,
    price_factor: f64,
) -> Region {
    Region {
        code,
        prefix,
        location,
        weight,
        price_factor,
    }
}

/// How a usage line's quantity is drawn.
#[derive(Debug, Clone, Copy)]
pub enum Amount {
    /// Instance hours: mostly 1.
    Hours,
    /// GB-months accrued in one hour.
    GbMonth,
    /// A monthly per-item price accrued in one hour.
    MonthFraction,
    /// Whole request counts.
    Requests,
    /// Gigabytes transferred or scanned.
    Gb,
    /// Lambda GB-seconds.
    GbSeconds,
    /// Other metered units (DPU-hours, capacity-unit hours).
    Units,
}

/// How resource ids of a usage type look.
#[derive(Debug, Clone, Copy)]
pub enum IdKind {
    /// No resource id.
    None,
    /// A prefix and 17 hex digits (`i-0123456789abcdef0`).
    Hex(&'static str),
    /// `arn:aws:SERVICE:REGION:ACCOUNT:PATHname-N`.
    Arn(&'static str, &'static str),
    /// `arn:aws:SERVICE::ACCOUNT:PATHID` (global services).
    GlobalArn(&'static str, &'static str),
    /// An S3 bucket name.
    Bucket,
}

/// Instance attributes (EC2, RDS, ElastiCache, Redshift, SageMaker).
#[derive(Debug)]
pub struct Instance {
    /// `m5.large`.
    pub itype: &'static str,
    /// `General purpose`.
    pub family: &'static str,
    /// vCPUs.
    pub vcpu: &'static str,
    /// `8 GiB`.
    pub memory: &'static str,
    /// RI normalization factor.
    pub factor: f64,
    /// `Intel Xeon Platinum 8175`.
    pub processor: &'static str,
    /// `3.1 GHz`.
    pub clock: &'static str,
    /// `Up to 10 Gigabit`.
    pub network: &'static str,
}

/// Product attributes a usage type fills beyond the common ones.
#[derive(Debug, Clone, Copy)]
pub enum Detail {
    /// Nothing more.
    None,
    /// A compute instance (RI- and Savings-Plan-eligible).
    Instance(&'static Instance),
    /// A database or cache node, with its engine.
    Database(&'static Instance, &'static str),
    /// Block or object storage: storage class, media, volume API name, volume type.
    Storage(&'static str, &'static str, &'static str, &'static str),
    /// Data transfer of this type.
    Transfer(&'static str),
}

/// One usage type of a product (before the region prefix).
#[derive(Debug)]
pub struct Spec {
    /// `BoxUsage:m5.large`.
    pub usage: &'static str,
    /// `RunInstances`.
    pub operation: &'static str,
    /// `pricing/unit`.
    pub unit: &'static str,
    /// `product/productFamily`.
    pub family: &'static str,
    /// us-east-1 on-demand rate per unit, USD.
    pub rate: f64,
    /// Description after `$RATE per `.
    pub what: &'static str,
    /// Quantity model.
    pub amount: Amount,
    /// Resource id format.
    pub id: IdKind,
    /// Extra product attributes.
    pub detail: Detail,
}

/// A billed service.
#[derive(Debug)]
pub struct Product {
    /// `lineItem/ProductCode`.
    pub code: &'static str,
    /// `product/ProductName`.
    pub name: &'static str,
    /// Share of resources (per mille).
    pub weight: u64,
    /// Global services have one usage type for all regions.
    pub global: bool,
    /// Usage types.
    pub specs: &'static [Spec],
}
