//! `focus-parquet`: the synthetic CUR's line items as a FOCUS 1.2 Parquet export, shaped like AWS
//! Data Exports' "FOCUS 1.2 with AWS columns": the 57 FOCUS columns plus `x_Operation`,
//! `x_ServiceCode` and `x_UsageType`; costs, prices and quantities as doubles, timestamps in
//! milliseconds (UTC), the rest as text. `Tags` and `SkuPriceDetails` are JSON text (AWS writes
//! maps there, which greenops' FOCUS adapter does not read). The values are derived per row in
//! [`super::focus_row`].

use super::focus_row::FocusMapper;
use super::generate::{Written, cur_rows};
use super::parquet::{Kind, ParquetSink, ROW_GROUP_ROWS};
use std::path::Path;

macro_rules! focus_columns {
    ($($id:ident => $kind:ident,)*) => {
        /// A column of the FOCUS file; its discriminant is its position in [`COLUMNS`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[repr(usize)]
        #[allow(non_camel_case_types)]
        pub enum F {
            $(
                #[doc = stringify!($id)]
                $id,
            )*
        }

        /// Column names and types, in file order (`F::X as usize` indexes this).
        pub const COLUMNS: &[(&str, Kind)] = &[$((stringify!($id), Kind::$kind),)*];
    };
}

focus_columns! {
    AvailabilityZone => Text,
    BilledCost => Double,
    BillingAccountId => Text,
    BillingAccountName => Text,
    BillingAccountType => Text,
    BillingCurrency => Text,
    BillingPeriodEnd => Timestamp,
    BillingPeriodStart => Timestamp,
    CapacityReservationId => Text,
    CapacityReservationStatus => Text,
    ChargeCategory => Text,
    ChargeClass => Text,
    ChargeDescription => Text,
    ChargeFrequency => Text,
    ChargePeriodEnd => Timestamp,
    ChargePeriodStart => Timestamp,
    CommitmentDiscountCategory => Text,
    CommitmentDiscountId => Text,
    CommitmentDiscountName => Text,
    CommitmentDiscountQuantity => Double,
    CommitmentDiscountStatus => Text,
    CommitmentDiscountType => Text,
    CommitmentDiscountUnit => Text,
    ConsumedQuantity => Double,
    ConsumedUnit => Text,
    ContractedCost => Double,
    ContractedUnitPrice => Double,
    EffectiveCost => Double,
    InvoiceId => Text,
    InvoiceIssuerName => Text,
    ListCost => Double,
    ListUnitPrice => Double,
    PricingCategory => Text,
    PricingCurrency => Text,
    PricingCurrencyContractedUnitPrice => Double,
    PricingCurrencyEffectiveCost => Double,
    PricingCurrencyListUnitPrice => Double,
    PricingQuantity => Double,
    PricingUnit => Text,
    ProviderName => Text,
    PublisherName => Text,
    RegionId => Text,
    RegionName => Text,
    ResourceId => Text,
    ResourceName => Text,
    ResourceType => Text,
    ServiceCategory => Text,
    ServiceName => Text,
    ServiceSubcategory => Text,
    SkuId => Text,
    SkuMeter => Text,
    SkuPriceDetails => Text,
    SkuPriceId => Text,
    SubAccountId => Text,
    SubAccountName => Text,
    SubAccountType => Text,
    Tags => Text,
    x_Operation => Text,
    x_ServiceCode => Text,
    x_UsageType => Text,
}

/// Writes `rows` rows to `path` (truncating it).
///
/// # Errors
/// Creating or writing the file.
pub fn write(path: &Path, rows: u64, progress: impl FnMut(u64)) -> anyhow::Result<Written> {
    let columns = COLUMNS
        .iter()
        .map(|(name, kind)| ((*name).to_string(), *kind))
        .collect();
    let mut sink = ParquetSink::create(path, columns, ROW_GROUP_ROWS)?;
    let mut mapper = FocusMapper::default();
    let rows = cur_rows(rows, progress, |cells| {
        mapper.row(cells, &mut sink);
        sink.end_row()
    })?;
    Ok(Written {
        rows,
        columns: COLUMNS.len(),
        uncompressed_bytes: None,
        compressed_bytes: sink.finish()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::*;

    #[test]
    fn same_rows_same_bytes_and_focus_values() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.parquet"), dir.path().join("b.parquet"));
        let wa = write(&a, 2_000, |_| {}).unwrap();
        assert_eq!(wa, write(&b, 2_000, |_| {}).unwrap());
        assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
        let df = ParquetReader::new(std::fs::File::open(&a).unwrap())
            .finish()
            .unwrap();
        assert_eq!(df.height(), 2_000);
        assert_eq!(df.width(), COLUMNS.len());
        for required in [
            "BilledCost",
            "EffectiveCost",
            "BillingAccountId",
            "ChargeCategory",
            "ChargePeriodStart",
            "BillingPeriodStart",
            "ProviderName",
        ] {
            assert_eq!(df.column(required).unwrap().null_count(), 0, "{required}");
        }
        let categories = df.column("ChargeCategory").unwrap().str().unwrap().clone();
        let count = |v: &str| categories.iter().filter(|c| *c == Some(v)).count();
        assert!(count("Usage") > 1_800, "{}", count("Usage"));
        assert!(count("Purchase") + count("Tax") + count("Credit") > 0);
        let tags = df.column("Tags").unwrap().str().unwrap().clone();
        let json = tags.iter().flatten().next().unwrap();
        let parsed: serde_json::Value = serde_json::from_str(json).unwrap();
        assert!(parsed.is_object(), "{json}");
    }
}
