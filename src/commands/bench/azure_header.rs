//! The header of the synthetic Azure export: the 55 columns of EA (Enterprise Agreement) cost
//! details, actual cost, in the order Cost Management writes them (as in
//! `examples/exports/azure/focus_converters_sample-anonymous-ea-export-dataset.csv`).

use super::header::columns;

columns! {
    /// A column of the synthetic Azure export; its discriminant is its position in [`HEADER`].
    Az, HEADER;
    InvoiceSectionName => "InvoiceSectionName",
    AccountName => "AccountName",
    AccountOwnerId => "AccountOwnerId",
    SubscriptionId => "SubscriptionId",
    SubscriptionName => "SubscriptionName",
    ResourceGroup => "ResourceGroup",
    ResourceLocation => "ResourceLocation",
    Date => "Date",
    ProductName => "ProductName",
    MeterCategory => "MeterCategory",
    MeterSubCategory => "MeterSubCategory",
    MeterId => "MeterId",
    MeterName => "MeterName",
    MeterRegion => "MeterRegion",
    UnitOfMeasure => "UnitOfMeasure",
    Quantity => "Quantity",
    EffectivePrice => "EffectivePrice",
    CostInBillingCurrency => "CostInBillingCurrency",
    CostCenter => "CostCenter",
    ConsumedService => "ConsumedService",
    ResourceId => "ResourceId",
    Tags => "Tags",
    OfferId => "OfferId",
    AdditionalInfo => "AdditionalInfo",
    ServiceInfo1 => "ServiceInfo1",
    ServiceInfo2 => "ServiceInfo2",
    ResourceName => "ResourceName",
    ReservationId => "ReservationId",
    ReservationName => "ReservationName",
    UnitPrice => "UnitPrice",
    ProductOrderId => "ProductOrderId",
    ProductOrderName => "ProductOrderName",
    Term => "Term",
    PublisherType => "PublisherType",
    PublisherName => "PublisherName",
    ChargeType => "ChargeType",
    Frequency => "Frequency",
    PricingModel => "PricingModel",
    AvailabilityZone => "AvailabilityZone",
    BillingAccountId => "BillingAccountId",
    BillingAccountName => "BillingAccountName",
    BillingCurrencyCode => "BillingCurrencyCode",
    BillingPeriodStartDate => "BillingPeriodStartDate",
    BillingPeriodEndDate => "BillingPeriodEndDate",
    BillingProfileId => "BillingProfileId",
    BillingProfileName => "BillingProfileName",
    InvoiceSectionId => "InvoiceSectionId",
    IsAzureCreditEligible => "IsAzureCreditEligible",
    PartNumber => "PartNumber",
    PayGPrice => "PayGPrice",
    PlanName => "PlanName",
    ServiceFamily => "ServiceFamily",
    CostAllocationRuleName => "CostAllocationRuleName",
    BenefitId => "benefitId",
    BenefitName => "benefitName",
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greenops_reads_it_as_ea_cost_details() {
        let header: Vec<String> = HEADER.iter().map(|h| h.to_string()).collect();
        let cols = jobs::ingest::azure::header::AzureColumns::resolve("synthetic.csv.gz", &header)
            .unwrap();
        assert_eq!(cols.schema, jobs::ingest::azure::header::Schema::Ea);
        assert_eq!(HEADER.len(), 55);
        assert_eq!(HEADER[Az::BenefitName as usize], "benefitName");
    }
}
