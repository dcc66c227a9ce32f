//! The canonical cost table: FOCUS 1.2 columns with their FOCUS types, followed by the `x_`
//! columns greenops needs downstream (lineage, carbon inputs, native charge types).
//!
//! Money is `Decimal(38, 24)`: enough fractional digits for every sample export (AWS CUR writes up to
//! 21, Azure MCA up to 24) and fourteen integer digits per value and per total. Quantities are
//! `Decimal(38, 18)`. Timestamps are UTC microseconds.

use polars::prelude::{DataType, Field, Schema, TimeUnit, TimeZone};

/// Version of the canonical cost schema, recorded in every partition manifest.
pub const COST_SCHEMA_VERSION: u32 = 1;

/// Name of the cost table (and its folder under the warehouse root).
pub const COST_TABLE: &str = "cost";

/// Precision of every decimal column.
pub const DECIMAL_PRECISION: usize = 38;
/// Scale of money columns (costs and unit prices).
pub const MONEY_SCALE: usize = 24;
/// Scale of quantity columns.
pub const QUANTITY_SCALE: usize = 18;

/// The logical kind of a canonical column; decides its physical type and how sources are parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// Free text.
    Text,
    /// A FOCUS enumeration (normalised to the spec's spelling at ingest).
    Enum,
    /// A cost or unit price: `Decimal(38, 24)`.
    Money,
    /// A quantity: `Decimal(38, 18)`.
    Quantity,
    /// A UTC instant.
    Timestamp,
    /// A JSON object kept as text (Tags, SkuPriceDetails).
    Json,
    /// A floating-point measurement (not money): vCPUs, memory.
    Float,
    /// An integer.
    Integer,
}

impl ColumnKind {
    /// The polars type stored for this kind.
    pub fn dtype(self) -> DataType {
        match self {
            ColumnKind::Text | ColumnKind::Enum | ColumnKind::Json => DataType::String,
            ColumnKind::Money => money_dtype(),
            ColumnKind::Quantity => DataType::Decimal(DECIMAL_PRECISION, QUANTITY_SCALE),
            ColumnKind::Timestamp => timestamp_dtype(),
            ColumnKind::Float => DataType::Float64,
            ColumnKind::Integer => DataType::Int64,
        }
    }
}

/// The money type.
pub fn money_dtype() -> DataType {
    DataType::Decimal(DECIMAL_PRECISION, MONEY_SCALE)
}

/// The timestamp type (UTC, microseconds).
pub fn timestamp_dtype() -> DataType {
    DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))
}

/// One canonical column.
#[derive(Debug, Clone, Copy)]
pub struct ColumnSpec {
    /// Column name (FOCUS PascalCase, or `x_` for extensions).
    pub name: &'static str,
    /// Logical kind.
    pub kind: ColumnKind,
    /// Whether FOCUS forbids nulls in this column.
    pub required: bool,
}

const fn c(name: &'static str, kind: ColumnKind, required: bool) -> ColumnSpec {
    ColumnSpec {
        name,
        kind,
        required,
    }
}

use ColumnKind::*;

/// The canonical cost table, in storage order (FOCUS columns alphabetically, then `x_` columns).
pub const COST_COLUMNS: &[ColumnSpec] = &[
    c("AvailabilityZone", Text, false),
    c("BilledCost", Money, true),
    c("BillingAccountId", Text, true),
    c("BillingAccountName", Text, false),
    c("BillingAccountType", Text, false),
    c("BillingCurrency", Text, true),
    c("BillingPeriodEnd", Timestamp, true),
    c("BillingPeriodStart", Timestamp, true),
    c("CapacityReservationId", Text, false),
    c("CapacityReservationStatus", Enum, false),
    c("ChargeCategory", Enum, true),
    c("ChargeClass", Enum, false),
    c("ChargeDescription", Text, false),
    c("ChargeFrequency", Enum, false),
    c("ChargePeriodEnd", Timestamp, true),
    c("ChargePeriodStart", Timestamp, true),
    c("CommitmentDiscountCategory", Enum, false),
    c("CommitmentDiscountId", Text, false),
    c("CommitmentDiscountName", Text, false),
    c("CommitmentDiscountQuantity", Quantity, false),
    c("CommitmentDiscountStatus", Enum, false),
    c("CommitmentDiscountType", Text, false),
    c("CommitmentDiscountUnit", Text, false),
    c("ConsumedQuantity", Quantity, false),
    c("ConsumedUnit", Text, false),
    c("ContractedCost", Money, true),
    c("ContractedUnitPrice", Money, false),
    c("EffectiveCost", Money, true),
    c("InvoiceId", Text, false),
    c("InvoiceIssuerName", Text, false),
    c("ListCost", Money, true),
    c("ListUnitPrice", Money, false),
    c("PricingCategory", Enum, false),
    c("PricingCurrency", Text, false),
    c("PricingCurrencyContractedUnitPrice", Money, false),
    c("PricingCurrencyEffectiveCost", Money, false),
    c("PricingCurrencyListUnitPrice", Money, false),
    c("PricingQuantity", Quantity, false),
    c("PricingUnit", Text, false),
    c("ProviderName", Text, true),
    c("PublisherName", Text, false),
    c("RegionId", Text, false),
    c("RegionName", Text, false),
    c("ResourceId", Text, false),
    c("ResourceName", Text, false),
    c("ResourceType", Text, false),
    c("ServiceCategory", Enum, false),
    c("ServiceName", Text, false),
    c("ServiceSubcategory", Text, false),
    c("SkuId", Text, false),
    c("SkuMeter", Text, false),
    c("SkuPriceDetails", Json, false),
    c("SkuPriceId", Text, false),
    c("SubAccountId", Text, false),
    c("SubAccountName", Text, false),
    c("SubAccountType", Text, false),
    c("Tags", Json, false),
    // greenops extensions
    c("x_SourceKind", Text, true),
    c("x_SourceFile", Text, true),
    c("x_SourceRow", Integer, true),
    c("x_IngestRunId", Text, true),
    c("x_BillingStatus", Text, true),
    c("x_ChargeType", Text, false),
    c("x_ServiceCode", Text, false),
    c("x_UsageType", Text, false),
    c("x_Operation", Text, false),
    c("x_InstanceType", Text, false),
    c("x_vCPUs", Float, false),
    c("x_MemoryGB", Float, false),
    c("x_RawTags", Json, false),
    c("x_ReportingCurrency", Text, false),
    c("x_ReportingBilledCost", Money, false),
    c("x_ReportingEffectiveCost", Money, false),
    c("x_ReportingFxRate", Quantity, false),
];

/// Partition columns of the cost table, in path order. They live in the folder names
/// (`provider=…/billing_account=…/billing_period=YYYY-MM`), not in the files.
pub const COST_PARTITION_COLUMNS: [&str; 3] = ["provider", "billing_account", "billing_period"];

/// Values of `x_BillingStatus`.
pub mod billing_status {
    /// The invoice for the period has been issued.
    pub const FINAL: &str = "Final";
    /// No invoice yet (e.g. AWS CUR with an empty `bill/InvoiceId`): figures may still change.
    pub const ESTIMATED: &str = "Estimated";
    /// The source does not say.
    pub const UNKNOWN: &str = "Unknown";
}

/// Name of the carbon table: energy and emissions per day × billing account × service ×
/// region × usage kind, partitioned like the cost table.
pub const CARBON_TABLE: &str = "carbon";

/// Name of the data-quality table: one row per (ingest run, partition, check).
pub const DATA_QUALITY_TABLE: &str = "data_quality";

/// The polars schema of the data-quality table's data files (partitioned like the cost table).
pub fn data_quality_schema() -> Schema {
    [
        ("run_id", DataType::String),
        ("checked_at", timestamp_dtype()),
        ("check_name", DataType::String),
        ("column_name", DataType::String),
        ("severity", DataType::String),
        ("checked_rows", DataType::Int64),
        ("failed_rows", DataType::Int64),
        ("example", DataType::String),
    ]
    .into_iter()
    .map(|(n, t)| Field::new(n.into(), t))
    .collect()
}

/// The polars schema of the cost table's data files.
pub fn cost_schema() -> Schema {
    COST_COLUMNS
        .iter()
        .map(|c| Field::new(c.name.into(), c.kind.dtype()))
        .collect()
}

/// Looks up a canonical column by name.
pub fn cost_column(name: &str) -> Option<&'static ColumnSpec> {
    COST_COLUMNS.iter().find(|c| c.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn focus_columns_come_first_and_are_unique() {
        let names: Vec<_> = COST_COLUMNS.iter().map(|c| c.name).collect();
        let first_x = names.iter().position(|n| n.starts_with("x_")).unwrap();
        assert!(names[first_x..].iter().all(|n| n.starts_with("x_")));
        assert_eq!(first_x, 57, "FOCUS 1.2 has 57 columns");
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), names.len());
    }
}
