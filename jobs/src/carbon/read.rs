//! Reads the cost table's usage rows, grouped the way CCF groups billing data (day × account ×
//! region × service × usage type × unit × vCPU × instance type), with summed quantity and cost.

use crate::error::Result;
use polars::prelude::*;
use warehouse::Warehouse;
use warehouse::schema::COST_TABLE;

/// One grouped usage row.
#[derive(Debug, Clone)]
pub struct UsageGroup {
    /// Partition: provider (`aws`, `gcp`, `azure`, …).
    pub provider: String,
    /// Partition: billing account.
    pub billing_account: String,
    /// Partition: billing period `YYYY-MM`.
    pub billing_period: String,
    /// Charge day `YYYY-MM-DD` (UTC).
    pub day: String,
    /// `ServiceName`.
    pub service: String,
    /// `x_ServiceCode` (AWS product code, GCP service id, Azure consumed service).
    pub service_code: String,
    /// `RegionId`.
    pub region: String,
    /// `x_UsageType` (AWS usage type, GCP SKU description, Azure meter name).
    pub usage_type: String,
    /// The provider's own usage unit (AWS `pricing/unit`, GCP `usage.unit`, Azure unit of measure).
    pub unit: String,
    /// `x_vCPUs`.
    pub vcpu: Option<f64>,
    /// `x_InstanceType`.
    pub instance_type: String,
    /// `x_ChargeType` (AWS line item type).
    pub charge_type: String,
    /// `ChargeDescription`, kept only where classification reads it (rows without a usage
    /// type, and OCI rows): elsewhere it is empty, so that it does not split groups.
    pub description: String,
    /// Σ usage quantity.
    pub quantity: f64,
    /// Σ BilledCost.
    pub cost: f64,
}

/// Usage rows of billing periods `from..=to`, grouped, in a deterministic order.
///
/// # Errors
/// Warehouse or polars failures.
pub async fn usage_groups(
    warehouse: &Warehouse,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<Vec<UsageGroup>> {
    let lf = warehouse
        .scan(COST_TABLE)
        .billing_periods(from, to)
        .lazy()
        .await?;
    let text = |c: &str| col(c).cast(DataType::String).fill_null(lit(""));
    // GCP's usage.unit is ConsumedUnit (PricingUnit is its pricing unit); AWS and Azure price in
    // their usage unit
    let gcp = col("provider").eq(lit("gcp"));
    let unit = when(gcp.or(text("PricingUnit").eq(lit(""))))
        .then(text("ConsumedUnit"))
        .otherwise(text("PricingUnit"));
    let quantity = col("ConsumedQuantity")
        .cast(DataType::Float64)
        .fill_null(col("PricingQuantity").cast(DataType::Float64))
        .fill_null(lit(0.0));
    let keys = [
        "provider",
        "billing_account",
        "billing_period",
        "day",
        "service",
        "service_code",
        "region",
        "usage_type",
        "unit",
        "vcpu",
        "instance_type",
        "charge_type",
        "description",
    ];
    let grouped = lf
        .filter(col("ChargeCategory").eq(lit("Usage")))
        .select([
            col("provider"),
            col("billing_account"),
            col("billing_period"),
            col("ChargePeriodStart")
                .dt()
                .to_string("%Y-%m-%d")
                .alias("day"),
            text("ServiceName").alias("service"),
            text("x_ServiceCode").alias("service_code"),
            text("RegionId").alias("region"),
            text("x_UsageType").alias("usage_type"),
            unit.alias("unit"),
            col("x_vCPUs").cast(DataType::Float64).alias("vcpu"),
            text("x_InstanceType").alias("instance_type"),
            text("x_ChargeType").alias("charge_type"),
            when(
                text("x_UsageType")
                    .eq(lit(""))
                    .or(col("provider").eq(lit("oci"))),
            )
            .then(text("ChargeDescription"))
            .otherwise(lit(""))
            .alias("description"),
            quantity.alias("quantity"),
            col("BilledCost")
                .cast(DataType::Float64)
                .fill_null(lit(0.0))
                .alias("cost"),
        ])
        .group_by(keys.map(col))
        .agg([col("quantity").sum(), col("cost").sum()])
        .sort(keys, SortMultipleOptions::default());
    let df = crate::blocking::collect_streaming(grouped).await?;
    groups_of(&df)
}

fn groups_of(df: &DataFrame) -> Result<Vec<UsageGroup>> {
    use crate::columns::{floats as f, strings as s};
    let (s, f) = (|n: &str| s(df, n), |n: &str| f(df, n));
    let (provider, account, period, day) = (
        s("provider")?,
        s("billing_account")?,
        s("billing_period")?,
        s("day")?,
    );
    let (service, code, region, usage_type) = (
        s("service")?,
        s("service_code")?,
        s("region")?,
        s("usage_type")?,
    );
    let (unit, instance, charge) = (s("unit")?, s("instance_type")?, s("charge_type")?);
    let description = s("description")?;
    let (vcpu, quantity, cost) = (f("vcpu")?, f("quantity")?, f("cost")?);
    Ok((0..df.height())
        .map(|i| UsageGroup {
            provider: provider[i].clone(),
            billing_account: account[i].clone(),
            billing_period: period[i].clone(),
            day: day[i].clone(),
            service: service[i].clone(),
            service_code: code[i].clone(),
            region: region[i].clone(),
            usage_type: usage_type[i].clone(),
            unit: unit[i].clone(),
            vcpu: vcpu[i],
            instance_type: instance[i].clone(),
            charge_type: charge[i].clone(),
            description: description[i].clone(),
            quantity: quantity[i].unwrap_or(0.0),
            cost: cost[i].unwrap_or(0.0),
        })
        .collect())
}
