//! Per-provider constants (`provider_constants.csv`).

use super::table::{Row, Table};
use crate::usage::{Provider, UnknownBy};

/// A provider's scalar constants, as the CCF app codes them (methodology §2.1).
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderConstants {
    /// Fleet-average power usage effectiveness (AWS 1.135, GCP 1.1, Azure 1.185). GCP regions
    /// with a published PUE use it instead ([`super::Coefficients::pue`]).
    pub pue: f64,
    /// SSD storage energy, Wh per TB-hour (1.2).
    pub ssd_wh_per_tb_hour: f64,
    /// HDD storage energy, Wh per TB-hour (0.65).
    pub hdd_wh_per_tb_hour: f64,
    /// Memory energy, kWh per GB-hour (0.000392).
    pub memory_kwh_per_gb_hour: f64,
    /// Networking energy, kWh per GB (0.001).
    pub networking_kwh_per_gb: f64,
    /// Watts per vCPU at idle for an unknown processor (AWS/Azure average 0.74, GCP median 0.68).
    pub unknown_min_watts: f64,
    /// Watts per vCPU at 100 % for an unknown processor (AWS 3.5, GCP 4.11, Azure 3.54).
    pub unknown_max_watts: f64,
    /// GB of memory per physical chip for an unknown processor (AWS 80.69, Azure 80.47; GCP has
    /// no memory add-on, `None`).
    pub unknown_gb_per_chip: Option<f64>,
    /// Expected server lifespan in hours for embodied emissions (35040 = 4 years).
    pub lifespan_hours: f64,
    /// Average CPU utilisation assumed for billing-based estimates, percent (50).
    pub average_cpu_utilisation_pct: f64,
    /// What unknown rows are scaled by (AWS: cost; GCP, Azure: usage amount).
    pub unknown_usage_by: UnknownBy,
}

/// The provider a table's `provider` cell names (`AWS`, `GCP`, `AZURE`).
pub(crate) fn provider_of(row: &Row<'_>) -> Provider {
    provider_in(row, "provider")
}

/// The provider a cell of column `column` names (`AWS`, `GCP`, `AZURE`).
pub(crate) fn provider_in(row: &Row<'_>, column: &str) -> Provider {
    match row.str(column) {
        "AWS" => Provider::Aws,
        "GCP" => Provider::Gcp,
        "AZURE" => Provider::Azure,
        other => panic!("{}: unknown provider {other:?}", row.at()),
    }
}

/// Index of a provider in per-provider arrays.
pub(crate) fn index(provider: Provider) -> usize {
    match provider {
        Provider::Aws => 0,
        Provider::Gcp => 1,
        Provider::Azure => 2,
    }
}

/// Builds the three providers' constants; panics when one is missing a constant.
pub(crate) fn load(table: &Table) -> [ProviderConstants; 3] {
    [Provider::Aws, Provider::Gcp, Provider::Azure].map(|provider| {
        let rows: Vec<Row<'_>> = table
            .rows()
            .filter(|r| provider_of(r) == provider)
            .collect();
        let find = |names: &[&str]| {
            rows.iter()
                .find(|r| names.contains(&r.str("constant")))
                .map(|r| r.f64("value"))
        };
        let need = |names: &[&str]| {
            find(names).unwrap_or_else(|| {
                panic!(
                    "provider_constants.csv: {provider:?} has no {}",
                    names.join(" or ")
                )
            })
        };
        let unknown_by = rows
            .iter()
            .find(|r| r.str("constant") == "ESTIMATE_UNKNOWN_USAGE_BY")
            .map(|r| match r.str("value") {
                "COST" => UnknownBy::Cost,
                "USAGE_AMOUNT" => UnknownBy::Usage,
                other => panic!("{}: unknown scaling {other:?}", r.at()),
            })
            .unwrap_or_else(|| {
                panic!("provider_constants.csv: {provider:?} has no ESTIMATE_UNKNOWN_USAGE_BY")
            });
        ProviderConstants {
            pue: need(&["PUE_AVG"]),
            ssd_wh_per_tb_hour: need(&["SSDCOEFFICIENT"]),
            hdd_wh_per_tb_hour: need(&["HDDCOEFFICIENT"]),
            memory_kwh_per_gb_hour: need(&["MEMORY_COEFFICIENT"]),
            networking_kwh_per_gb: need(&["NETWORKING_COEFFICIENT"]),
            unknown_min_watts: need(&["MIN_WATTS_AVG", "MIN_WATTS_MEDIAN"]),
            unknown_max_watts: need(&["MAX_WATTS_AVG", "MAX_WATTS_MEDIAN"]),
            unknown_gb_per_chip: find(&["MEMORY_AVG"]),
            lifespan_hours: need(&["SERVER_EXPECTED_LIFESPAN"]),
            average_cpu_utilisation_pct: need(&["AVG_CPU_UTILIZATION_2020"]),
            unknown_usage_by: unknown_by,
        }
    })
}
