//! The header of the synthetic legacy CUR: 115 `category/Column` names in the order AWS writes them
//! (identity, bill, lineItem, product, pricing, reservation, savingsPlan, resourceTags).

/// Declares a header: an enum whose discriminants index a name list.
macro_rules! columns {
    ($(#[$doc:meta])* $enum:ident, $header:ident; $($id:ident => $name:literal,)*) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[repr(usize)]
        // some columns stay empty on every synthetic row, as in real exports: never named in code
        #[allow(dead_code)]
        pub enum $enum {
            $(
                #[doc = $name]
                $id,
            )*
        }

        /// Column names, in file order (`Enum::X as usize` indexes this).
        pub const $header: &[&str] = &[$($name,)*];
    };
}
pub(super) use columns;

columns! {
    /// A column of the synthetic CUR; its discriminant is its position in [`HEADER`].
    Col, HEADER;
    LineItemId => "identity/LineItemId",
    TimeInterval => "identity/TimeInterval",
    InvoiceId => "bill/InvoiceId",
    InvoicingEntity => "bill/InvoicingEntity",
    BillingEntity => "bill/BillingEntity",
    BillType => "bill/BillType",
    PayerAccountId => "bill/PayerAccountId",
    BillingPeriodStartDate => "bill/BillingPeriodStartDate",
    BillingPeriodEndDate => "bill/BillingPeriodEndDate",
    UsageAccountId => "lineItem/UsageAccountId",
    LineItemType => "lineItem/LineItemType",
    UsageStartDate => "lineItem/UsageStartDate",
    UsageEndDate => "lineItem/UsageEndDate",
    ProductCode => "lineItem/ProductCode",
    UsageType => "lineItem/UsageType",
    Operation => "lineItem/Operation",
    AvailabilityZone => "lineItem/AvailabilityZone",
    ResourceId => "lineItem/ResourceId",
    UsageAmount => "lineItem/UsageAmount",
    NormalizationFactor => "lineItem/NormalizationFactor",
    NormalizedUsageAmount => "lineItem/NormalizedUsageAmount",
    CurrencyCode => "lineItem/CurrencyCode",
    UnblendedRate => "lineItem/UnblendedRate",
    UnblendedCost => "lineItem/UnblendedCost",
    BlendedRate => "lineItem/BlendedRate",
    BlendedCost => "lineItem/BlendedCost",
    LineItemDescription => "lineItem/LineItemDescription",
    TaxType => "lineItem/TaxType",
    LegalEntity => "lineItem/LegalEntity",
    ProductName => "product/ProductName",
    CapacityStatus => "product/capacitystatus",
    ClockSpeed => "product/clockSpeed",
    CurrentGeneration => "product/currentGeneration",
    DatabaseEngine => "product/databaseEngine",
    DeploymentOption => "product/deploymentOption",
    FromLocation => "product/fromLocation",
    Group => "product/group",
    InstanceFamily => "product/instanceFamily",
    InstanceType => "product/instanceType",
    LicenseModel => "product/licenseModel",
    Location => "product/location",
    LocationType => "product/locationType",
    MarketOption => "product/marketoption",
    Memory => "product/memory",
    NetworkPerformance => "product/networkPerformance",
    OperatingSystem => "product/operatingSystem",
    ProductOperation => "product/operation",
    PhysicalProcessor => "product/physicalProcessor",
    PreInstalledSw => "product/preInstalledSw",
    ProcessorArchitecture => "product/processorArchitecture",
    ProductFamily => "product/productFamily",
    Region => "product/region",
    RegionCode => "product/regionCode",
    ServiceCode => "product/servicecode",
    ServiceName => "product/servicename",
    Sku => "product/sku",
    StorageClass => "product/storageClass",
    StorageMedia => "product/storageMedia",
    Tenancy => "product/tenancy",
    ToLocation => "product/toLocation",
    TransferType => "product/transferType",
    ProductUsageType => "product/usagetype",
    Vcpu => "product/vcpu",
    VolumeApiName => "product/volumeApiName",
    VolumeType => "product/volumeType",
    LeaseContractLength => "pricing/LeaseContractLength",
    OfferingClass => "pricing/OfferingClass",
    PurchaseOption => "pricing/PurchaseOption",
    RateCode => "pricing/RateCode",
    RateId => "pricing/RateId",
    PricingCurrency => "pricing/currency",
    PublicOnDemandCost => "pricing/publicOnDemandCost",
    PublicOnDemandRate => "pricing/publicOnDemandRate",
    Term => "pricing/term",
    Unit => "pricing/unit",
    RiAmortizedUpfrontCostForUsage => "reservation/AmortizedUpfrontCostForUsage",
    RiAmortizedUpfrontFeeForBillingPeriod => "reservation/AmortizedUpfrontFeeForBillingPeriod",
    RiAvailabilityZone => "reservation/AvailabilityZone",
    RiEffectiveCost => "reservation/EffectiveCost",
    RiEndTime => "reservation/EndTime",
    RiModificationStatus => "reservation/ModificationStatus",
    RiNormalizedUnitsPerReservation => "reservation/NormalizedUnitsPerReservation",
    RiNumberOfReservations => "reservation/NumberOfReservations",
    RiRecurringFeeForUsage => "reservation/RecurringFeeForUsage",
    RiReservationArn => "reservation/ReservationARN",
    RiStartTime => "reservation/StartTime",
    RiTotalReservedNormalizedUnits => "reservation/TotalReservedNormalizedUnits",
    RiTotalReservedUnits => "reservation/TotalReservedUnits",
    RiUnitsPerReservation => "reservation/UnitsPerReservation",
    RiUnusedAmortizedUpfrontFeeForBillingPeriod => "reservation/UnusedAmortizedUpfrontFeeForBillingPeriod",
    RiUnusedNormalizedUnitQuantity => "reservation/UnusedNormalizedUnitQuantity",
    RiUnusedQuantity => "reservation/UnusedQuantity",
    RiUnusedRecurringFee => "reservation/UnusedRecurringFee",
    RiUpfrontValue => "reservation/UpfrontValue",
    SpAmortizedUpfrontCommitmentForBillingPeriod => "savingsPlan/AmortizedUpfrontCommitmentForBillingPeriod",
    SpEndTime => "savingsPlan/EndTime",
    SpOfferingType => "savingsPlan/OfferingType",
    SpPaymentOption => "savingsPlan/PaymentOption",
    SpPurchaseTerm => "savingsPlan/PurchaseTerm",
    SpRecurringCommitmentForBillingPeriod => "savingsPlan/RecurringCommitmentForBillingPeriod",
    SpRegion => "savingsPlan/Region",
    SpArn => "savingsPlan/SavingsPlanARN",
    SpEffectiveCost => "savingsPlan/SavingsPlanEffectiveCost",
    SpRate => "savingsPlan/SavingsPlanRate",
    SpStartTime => "savingsPlan/StartTime",
    SpTotalCommitmentToDate => "savingsPlan/TotalCommitmentToDate",
    SpUsedCommitment => "savingsPlan/UsedCommitment",
    TagApplication => "resourceTags/user:Application",
    TagBusinessUnit => "resourceTags/user:BusinessUnit",
    TagCostCenter => "resourceTags/user:CostCenter",
    TagEnvironment => "resourceTags/user:Environment",
    TagName => "resourceTags/user:Name",
    TagOwner => "resourceTags/user:Owner",
    TagProject => "resourceTags/user:Project",
    TagTeam => "resourceTags/user:Team",
}

/// The tag columns except `user:Name`, in header order (their values come from small pools).
pub const POOLED_TAGS: [Col; 7] = [
    Col::TagApplication,
    Col::TagBusinessUnit,
    Col::TagCostCenter,
    Col::TagEnvironment,
    Col::TagOwner,
    Col::TagProject,
    Col::TagTeam,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discriminants_index_the_header() {
        assert_eq!(HEADER[Col::LineItemId as usize], "identity/LineItemId");
        assert_eq!(
            HEADER[Col::UnblendedCost as usize],
            "lineItem/UnblendedCost"
        );
        assert_eq!(HEADER[Col::TagTeam as usize], "resourceTags/user:Team");
        assert_eq!(Col::TagTeam as usize, HEADER.len() - 1);
        let mut names = HEADER.to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), HEADER.len());
    }
}
