//! The versioned coefficient set: CCF's constants and lookup tables, embedded at compile time and
//! parsed once on first use.
//!
//! A table that fails to parse is a bug in the shipped data: the first call to
//! [`Coefficients::ccf_app`] panics naming the file and line (a unit test loads every table).

mod constants;
pub mod csv;
mod grid;
mod instances;
mod load;
mod table;

use std::collections::HashMap;
use std::sync::LazyLock;

pub use constants::ProviderConstants;
pub use grid::GCP_MULTI_REGIONS;
pub use instances::{InstanceType, ServiceInstance};

use crate::usage::Provider;
use constants::index;

/// Id of the embedded coefficient set (CCF app at commit b7a049c, 2024-03-25).
pub const CCF_APP_VERSION: &str = "ccf-app-2024-03-25";

/// Id of the OCI proxy table (greenops' own, `data/greenops-oci-proxy-2026-11/`).
pub const OCI_PROXY_VERSION: &str = "greenops-oci-proxy-2026-11";

static CCF_APP: LazyLock<Coefficients> = LazyLock::new(load::ccf_app);

/// Watts per vCPU and memory per chip of one microarchitecture.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Microarchitecture {
    pub(crate) min_watts: f64,
    pub(crate) max_watts: f64,
    pub(crate) gb_per_chip: Option<f64>,
}

/// One coefficient set: every constant and table the estimators and classifiers read.
#[derive(Debug)]
pub struct Coefficients {
    pub(crate) version: &'static str,
    pub(crate) constants: [ProviderConstants; 3],
    pub(crate) gcp_pue: HashMap<String, f64>,
    pub(crate) microarchitectures: HashMap<(Provider, String), Microarchitecture>,
    pub(crate) gpus: HashMap<(Provider, String), (f64, f64)>,
    pub(crate) gpus_normalised: HashMap<(Provider, String), (f64, f64)>,
    pub(crate) gpu_averages: [(f64, f64); 3],
    pub(crate) replication: HashMap<(Provider, String), f64>,
    pub(crate) grid: [HashMap<String, f64>; 3],
    pub(crate) azure_regions: HashMap<String, String>,
    pub(crate) aws_instances: HashMap<String, InstanceType>,
    pub(crate) aws_services: HashMap<String, ServiceInstance>,
    pub(crate) aws_regions: HashMap<String, String>,
    pub(crate) gcp_machines: HashMap<String, InstanceType>,
    pub(crate) gcp_prefix_processors: HashMap<String, Vec<String>>,
    pub(crate) azure_vms: HashMap<String, InstanceType>,
    pub(crate) azure_fixed_sizes: HashMap<(String, String), f64>,
    pub(crate) oci_regions: HashMap<String, (Provider, String)>,
}

impl Coefficients {
    /// The CCF application's coefficient set `ccf-app-2024-03-25` (parsed on first call).
    pub fn ccf_app() -> &'static Coefficients {
        &CCF_APP
    }

    /// Id of this set (`ccf-app-2024-03-25`); record it with every result.
    pub fn version(&self) -> &'static str {
        self.version
    }

    /// A provider's scalar constants (coefficients, fallback watts, lifespan, utilisation).
    pub fn constants(&self, provider: Provider) -> &ProviderConstants {
        &self.constants[index(provider)]
    }

    /// PUE of a region: GCP's trailing-12-month value where published (e.g. us-central1 1.11),
    /// else the provider's fleet average.
    pub fn pue(&self, provider: Provider, region: &str) -> f64 {
        match provider {
            Provider::Gcp => self.gcp_pue.get(region).copied(),
            Provider::Aws | Provider::Azure => None,
        }
        .unwrap_or(self.constants(provider).pue)
    }

    /// `(min, max)` watts per vCPU of a microarchitecture in the provider's table (`None`: not
    /// listed for that provider, e.g. AWS "Ice Lake").
    pub fn watts(&self, provider: Provider, microarchitecture: &str) -> Option<(f64, f64)> {
        self.microarchitectures
            .get(&(provider, microarchitecture.to_string()))
            .map(|m| (m.min_watts, m.max_watts))
    }

    /// GB of memory per physical chip of a microarchitecture (AWS and Azure only).
    pub fn gb_per_chip(&self, provider: Provider, microarchitecture: &str) -> Option<f64> {
        self.microarchitectures
            .get(&(provider, microarchitecture.to_string()))
            .and_then(|m| m.gb_per_chip)
    }

    /// `(min, max)` watts of one GPU of a model in the provider's table. Exact names first, then
    /// ignoring case and the word "Tesla" (GCP SKUs say "Nvidia Tesla T4", the table "Nvidia T4").
    pub fn gpu_watts(&self, provider: Provider, model: &str) -> Option<(f64, f64)> {
        self.gpus
            .get(&(provider, model.to_string()))
            .or_else(|| {
                self.gpus_normalised
                    .get(&(provider, load::normalise_gpu(model)))
            })
            .copied()
    }

    /// The provider's average GPU: mean of the min and of the max watts of its GPU table (used
    /// when the model is unknown).
    pub fn gpu_average_watts(&self, provider: Provider) -> (f64, f64) {
        self.gpu_averages[index(provider)]
    }

    /// Replication factor of a CCF key (`S3`, `EC2_EBS_VOLUME`, `STORAGE_LRS`, …); 1 when the
    /// provider has no such key.
    pub fn replication_factor(&self, provider: Provider, key: &str) -> f64 {
        self.replication
            .get(&(provider, key.to_string()))
            .copied()
            .unwrap_or(1.0)
    }

    /// Location-based grid factor of a region, t CO2e per kWh, falling back to the provider's
    /// `Unknown` row (AWS 0.00039278188, GCP 0.0003171470588, Azure 0.0003512799615). Azure
    /// regions are also found by alias (`eastus`, `US East` → `EastUS`).
    pub fn grid_factor(&self, provider: Provider, region: &str) -> f64 {
        self.grid_factor_listed(provider, region)
            .unwrap_or(self.grid[index(provider)][grid::UNKNOWN_REGION])
    }

    /// The region's own grid factor, `None` when the region is not listed (no fallback).
    pub fn grid_factor_listed(&self, provider: Provider, region: &str) -> Option<f64> {
        let factors = &self.grid[index(provider)];
        factors.get(region).copied().or_else(|| match provider {
            Provider::Azure => self
                .azure_region(region)
                .and_then(|canonical| factors.get(canonical).copied()),
            Provider::Aws | Provider::Gcp => None,
        })
    }

    /// Members of a GCP dual- or multi-region (`nam4`, `eur4`, `asia1`, `us`, `europe`, `asia`);
    /// see [`GCP_MULTI_REGIONS`].
    pub fn gcp_multi_region_members(&self, region: &str) -> Option<&'static [&'static str]> {
        GCP_MULTI_REGIONS
            .iter()
            .find(|(name, _)| *name == region)
            .map(|(_, members)| *members)
    }

    /// Mean of the member regions' grid factors of a GCP dual- or multi-region (the corrected
    /// factor of §6 D5), from this set's per-region values.
    pub fn gcp_multi_region_mean(&self, region: &str) -> Option<f64> {
        let members = self.gcp_multi_region_members(region)?;
        let sum: f64 = members
            .iter()
            .map(|m| self.grid_factor(Provider::Gcp, m))
            .sum();
        Some(sum / members.len() as f64)
    }

    /// An AWS EC2 instance type (`m5.xlarge`) or Redshift node type (`dc2.large`).
    pub fn aws_instance(&self, name: &str) -> Option<&InstanceType> {
        self.aws_instances.get(name)
    }

    /// A GCP machine type (`n1-standard-4`, `e2-medium`).
    pub fn gcp_machine(&self, name: &str) -> Option<&InstanceType> {
        self.gcp_machines.get(name)
    }

    /// An Azure VM size by meter name as the tables key it (`D2 v2`, `DS11-1 v2`, `P1 v2`):
    /// series table first, then the per-meter table, then the constrained-vCPU table.
    pub fn azure_vm(&self, name: &str) -> Option<&InstanceType> {
        self.azure_vms.get(name)
    }

    /// The provider's instance lookup ([`Self::aws_instance`], [`Self::gcp_machine`],
    /// [`Self::azure_vm`]).
    pub fn instance(&self, provider: Provider, name: &str) -> Option<&InstanceType> {
        match provider {
            Provider::Aws => self.aws_instance(name),
            Provider::Gcp => self.gcp_machine(name),
            Provider::Azure => self.azure_vm(name),
        }
    }

    /// An AWS managed-service node type (`db.m5.large`, `cache.t3.micro`, `Kafka.m5.large`,
    /// `dc2.large`) with its vCPUs.
    pub fn aws_service_instance(&self, name: &str) -> Option<&ServiceInstance> {
        self.aws_services.get(name)
    }

    /// AWS region code of a CUR region name (`US East (Ohio)` → `us-east-2`).
    pub fn aws_region_code(&self, name: &str) -> Option<&str> {
        self.aws_regions.get(name).map(String::as_str)
    }

    /// Canonical Azure region name (the grid table's key) of a name or alias.
    pub fn azure_region(&self, name: &str) -> Option<&str> {
        self.azure_regions.get(name).map(String::as_str)
    }

    /// Microarchitectures of a GCP machine-type prefix (`n1`, `e2`) or shared-core type
    /// (`e2-micro` → `Unknown`).
    pub fn gcp_prefix_processors(&self, prefix: &str) -> Option<&[String]> {
        self.gcp_prefix_processors.get(prefix).map(Vec::as_slice)
    }

    /// The provider region whose grid factor an OCI region uses (`us-sanjose-1` → AWS
    /// `us-west-1`); `None` for regions the proxy table leaves out.
    pub fn oci_region_proxy(&self, region: &str) -> Option<(Provider, &str)> {
        self.oci_regions
            .get(region)
            .map(|(provider, proxy)| (*provider, proxy.as_str()))
    }

    /// Fixed sizes in GB from `azure_fixed_size_lookup_gb.csv`: `table` is one of
    /// `CACHE_MEMORY_GB`, `SSD_MANAGED_DISKS_STORAGE_GB`, `HDD_MANAGED_DISKS_STORAGE_GB`,
    /// `CONTAINER_REGISTRY_STORAGE_GB`; `key` e.g. `P10`, `C1`, `Standard`.
    pub fn azure_fixed_size_gb(&self, table: &str, key: &str) -> Option<f64> {
        self.azure_fixed_sizes
            .get(&(table.to_string(), key.to_string()))
            .copied()
    }
}

#[cfg(test)]
mod tests;
