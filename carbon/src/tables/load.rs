//! Builds [`Coefficients`] from the embedded files of `data/ccf-app-2024-03-25/`.

use std::collections::HashMap;

use super::constants::{self, provider_in, provider_of};
use super::instances::{self, AzureTables};
use super::table::Table;
use super::{CCF_APP_VERSION, Coefficients, Microarchitecture, grid};

/// Loads one embedded CSV of the coefficient set.
macro_rules! embedded {
    ($file:literal) => {
        Table::load(
            $file,
            include_str!(concat!("../../data/ccf-app-2024-03-25/", $file)),
        )
    };
}

/// The GPU name used for loose matching: lower case, without "tesla", single spaces.
pub(crate) fn normalise_gpu(model: &str) -> String {
    model
        .split_whitespace()
        .filter(|w| !w.eq_ignore_ascii_case("tesla"))
        .map(str::to_ascii_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Parses every table; panics (file, line) on malformed data.
pub(crate) fn ccf_app() -> Coefficients {
    let microarchitectures = embedded!("microarchitecture_watts_per_vcpu.csv")
        .rows()
        .map(|r| {
            let key = (provider_of(&r), r.str("microarchitecture").to_string());
            let m = Microarchitecture {
                min_watts: r.f64("min_watts_per_vcpu"),
                max_watts: r.f64("max_watts_per_vcpu"),
                gb_per_chip: r.opt_f64("gb_per_physical_chip"),
            };
            (key, m)
        })
        .collect();

    let gpu_table = embedded!("gpu_watts.csv");
    let mut gpus = HashMap::new();
    let mut gpus_normalised = HashMap::new();
    let mut gpu_sums = [(0.0, 0.0, 0.0); 3];
    for r in gpu_table.rows() {
        let provider = provider_of(&r);
        let watts = (r.f64("min_watts_idle"), r.f64("max_watts_100pct"));
        let model = r.str("gpu");
        gpus.insert((provider, model.to_string()), watts);
        gpus_normalised.insert((provider, normalise_gpu(model)), watts);
        let sum = &mut gpu_sums[constants::index(provider)];
        *sum = (sum.0 + watts.0, sum.1 + watts.1, sum.2 + 1.0);
    }
    let gpu_averages = gpu_sums.map(|(min, max, n)| {
        assert!(n > 0.0, "gpu_watts.csv: a provider has no GPU");
        (min / n, max / n)
    });

    let replication = embedded!("replication_factors.csv")
        .rows()
        .map(|r| {
            let key = (provider_of(&r), r.str("factor_key").to_string());
            (key, r.f64("replication_factor"))
        })
        .collect();

    let grid_factors = [
        grid::load(&embedded!("grid_emission_factors_aws.csv"), "tCO2e_per_kWh"),
        grid::load(
            &embedded!("grid_emission_factors_gcp.csv"),
            "location_based_tCO2e_per_kWh",
        ),
        grid::load(
            &embedded!("grid_emission_factors_azure.csv"),
            "tCO2e_per_kWh",
        ),
    ];

    let (aws_instances, aws_services) = instances::aws(
        &embedded!("aws_ec2_instance_types.csv"),
        &embedded!("aws_instance_type_processors.csv"),
        &embedded!("aws_other_service_instance_vcpus.csv"),
    );

    let azure_vms = instances::azure(&AzureTables {
        series: &embedded!("azure_vm_types.csv"),
        by_meter: &embedded!("azure_vcpu_memory_by_meter.csv"),
        constrained: &embedded!("azure_constrained_vcpu_vm_types.csv"),
        gpus: &embedded!("azure_gpu_vm_types.csv"),
    });

    Coefficients {
        version: CCF_APP_VERSION,
        constants: constants::load(&embedded!("provider_constants.csv")),
        gcp_pue: embedded!("gcp_pue_by_region.csv")
            .rows()
            .map(|r| (r.str("region").to_string(), r.f64("pue_trailing_12_month")))
            .collect(),
        microarchitectures,
        gpus,
        gpus_normalised,
        gpu_averages,
        replication,
        grid: grid_factors,
        azure_regions: grid::azure_aliases(&embedded!("azure_region_name_aliases.csv")),
        aws_instances,
        aws_services,
        aws_regions: embedded!("aws_region_names_to_codes.csv")
            .rows()
            .map(|r| {
                (
                    r.str("region_name").to_string(),
                    r.str("region_code").to_string(),
                )
            })
            .collect(),
        gcp_machines: instances::gcp(&embedded!("gcp_machine_types.csv")),
        gcp_prefix_processors: embedded!("gcp_machine_prefix_processors.csv")
            .rows()
            .map(|r| {
                (
                    r.str("prefix_or_shared_core").to_string(),
                    r.list("compute_processors"),
                )
            })
            .collect(),
        azure_vms,
        azure_fixed_sizes: embedded!("azure_fixed_size_lookup_gb.csv")
            .rows()
            .map(|r| {
                let key = (r.str("table").to_string(), r.str("key").to_string());
                (key, r.f64("gigabytes"))
            })
            .collect(),
        oci_regions: Table::load(
            "oci_region_grids.csv",
            include_str!("../../data/greenops-oci-proxy-2026-11/oci_region_grids.csv"),
        )
        .rows()
        .map(|r| {
            let proxy = (
                provider_in(&r, "proxy_provider"),
                r.str("proxy_region").to_string(),
            );
            (r.str("oci_region").to_string(), proxy)
        })
        .collect(),
    }
}
