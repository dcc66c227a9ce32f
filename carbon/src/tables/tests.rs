//! Loading the coefficient set: every table parses, and spot values match the methodology.

use super::*;
use crate::tables::csv;
use crate::usage::UnknownBy;

const PROVIDERS: [Provider; 3] = [Provider::Aws, Provider::Gcp, Provider::Azure];

#[test]
fn every_table_loads_with_its_row_count() {
    let c = load::ccf_app(); // not the LazyLock: a panic here names the file and line
    assert_eq!(c.version(), "ccf-app-2024-03-25");
    assert_eq!(c.microarchitectures.len(), 30);
    assert_eq!(c.gpus.len(), 28);
    assert_eq!(c.replication.len(), 37);
    assert_eq!(c.grid.each_ref().map(HashMap::len), [28, 42, 78]);
    assert_eq!(c.gcp_pue.len(), 8);
    // 516 EC2 types + the Redshift node types the EC2 table lacks (ra3.xlplus, dc1.large,
    // dc1.8xlarge)
    assert_eq!(c.aws_instances.len(), 519);
    assert_eq!(c.aws_services.len(), 146);
    assert_eq!(c.aws_regions.len(), 27);
    // 135 rows, e2-standard-32 and n1-standard-96 listed twice
    assert_eq!(c.gcp_machines.len(), 133);
    assert_eq!(c.gcp_prefix_processors.len(), 15);
    // 467 series rows (the nine E* v5 sizes listed twice) + 25 per-meter + 63 constrained
    assert_eq!(c.azure_vms.len(), 458 + 25 + 63);
    assert_eq!(c.azure_fixed_sizes.len(), 61);
    assert!(c.azure_regions.len() > 81);
}

#[test]
fn the_lazy_set_is_the_loaded_set() {
    let c = Coefficients::ccf_app();
    assert_eq!(c.version(), CCF_APP_VERSION);
    assert_eq!(c.aws_instances, load::ccf_app().aws_instances);
}

#[test]
fn classification_lists_are_well_formed_csv() {
    for (name, text) in [
        (
            "aws",
            include_str!("../../data/ccf-app-2024-03-25/aws_cur_usage_classification.csv"),
        ),
        (
            "gcp",
            include_str!(
                "../../data/ccf-app-2024-03-25/gcp_billing_export_usage_classification.csv"
            ),
        ),
        (
            "azure",
            include_str!(
                "../../data/ccf-app-2024-03-25/azure_consumption_usage_classification.csv"
            ),
        ),
    ] {
        let records = csv::parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(records.len() > 50, "{name}");
        assert!(
            records.iter().all(|r| r.fields.len() == 4),
            "{name}: 4 fields per row"
        );
    }
}

#[test]
fn provider_constants_match_the_methodology() {
    let c = Coefficients::ccf_app();
    let aws = c.constants(Provider::Aws);
    assert_eq!(
        (aws.pue, aws.unknown_min_watts, aws.unknown_max_watts),
        (1.135, 0.74, 3.5)
    );
    assert_eq!(aws.unknown_gb_per_chip, Some(80.69));
    assert_eq!(aws.unknown_usage_by, UnknownBy::Cost);
    let gcp = c.constants(Provider::Gcp);
    assert_eq!(
        (gcp.pue, gcp.unknown_min_watts, gcp.unknown_max_watts),
        (1.1, 0.68, 4.11)
    );
    assert_eq!(gcp.unknown_gb_per_chip, None);
    assert_eq!(gcp.unknown_usage_by, UnknownBy::Usage);
    let azure = c.constants(Provider::Azure);
    assert_eq!((azure.pue, azure.unknown_max_watts), (1.185, 3.54));
    assert_eq!(azure.unknown_gb_per_chip, Some(80.47));
    for p in PROVIDERS {
        let k = c.constants(p);
        assert_eq!((k.ssd_wh_per_tb_hour, k.hdd_wh_per_tb_hour), (1.2, 0.65));
        assert_eq!(
            (k.memory_kwh_per_gb_hour, k.networking_kwh_per_gb),
            (0.000392, 0.001)
        );
        assert_eq!(
            (k.lifespan_hours, k.average_cpu_utilisation_pct),
            (35040.0, 50.0)
        );
    }
}

#[test]
fn pue_is_per_region_for_gcp_only() {
    let c = Coefficients::ccf_app();
    assert_eq!(c.pue(Provider::Gcp, "us-central1"), 1.11);
    assert_eq!(c.pue(Provider::Gcp, "us-east1"), 1.1);
    assert_eq!(c.pue(Provider::Aws, "us-central1"), 1.135);
    assert_eq!(c.pue(Provider::Azure, "westeurope"), 1.185);
}

#[test]
fn watts_gpu_and_replication_lookups() {
    let c = Coefficients::ccf_app();
    assert_eq!(c.watts(Provider::Aws, "Haswell"), Some((1.0, 4.74)));
    assert_eq!(c.watts(Provider::Aws, "Ice Lake"), None);
    assert_eq!(
        c.watts(Provider::Gcp, "AMD EPYC 3rd Gen"),
        Some((0.45, 2.02))
    );
    assert_eq!(c.gb_per_chip(Provider::Aws, "Skylake"), Some(81.32));
    assert_eq!(c.gb_per_chip(Provider::Gcp, "Skylake"), None);
    assert_eq!(
        c.gpu_watts(Provider::Aws, "Nvidia Tesla V100"),
        Some((35.0, 306.0))
    );
    assert_eq!(
        c.gpu_watts(Provider::Gcp, "Nvidia Tesla T4"),
        Some((8.0, 71.0))
    );
    assert_eq!(c.gpu_watts(Provider::Azure, "Nvidia A10G"), None);
    // AWS: (26+18+8+35+35+35+46+9+36+26)/10 = 274/10, (229+153+71+306×3+407+76.5+306+229)/10
    let (min, max) = c.gpu_average_watts(Provider::Aws);
    assert!((min - 27.4).abs() < 1e-12 && (max - 238.95).abs() < 1e-12);
    assert_eq!(c.replication_factor(Provider::Aws, "S3"), 6.0);
    assert_eq!(c.replication_factor(Provider::Azure, "COSMOS_DB"), 4.0);
    assert_eq!(c.replication_factor(Provider::Gcp, "NO_SUCH_KEY"), 1.0);
}

#[test]
fn grid_factors_fall_back_to_unknown_and_resolve_azure_aliases() {
    let c = Coefficients::ccf_app();
    assert_eq!(c.grid_factor(Provider::Aws, "us-east-1"), 0.000379069);
    assert_eq!(c.grid_factor(Provider::Aws, "mars-north-1"), 0.00039278188);
    assert_eq!(c.grid_factor_listed(Provider::Aws, "mars-north-1"), None);
    assert_eq!(c.grid_factor(Provider::Gcp, "nowhere"), 0.0003171470588);
    assert_eq!(c.grid_factor(Provider::Gcp, "us"), 0.002805);
    assert_eq!(c.grid_factor(Provider::Azure, "eastus"), 0.000379069);
    assert_eq!(c.grid_factor(Provider::Azure, "US West 2"), 0.000322167);
    assert_eq!(c.grid_factor(Provider::Azure, "atlantis"), 0.0003512799615);
    assert_eq!(c.azure_region("uaen"), Some("uaenorth"));
}

#[test]
fn gcp_multi_region_members_sum_to_ccf_factors() {
    let c = Coefficients::ccf_app();
    for (region, members) in GCP_MULTI_REGIONS {
        let sum: f64 = members
            .iter()
            .map(|m| {
                // CCF's sums use Google's 394 g/kWh for us-central1 (the set lists 456)
                let f = c
                    .grid_factor_listed(Provider::Gcp, m)
                    .expect("member listed");
                if *m == "us-central1" { 0.000394 } else { f }
            })
            .sum();
        let listed = c.grid_factor(Provider::Gcp, region);
        assert!((sum - listed).abs() < 1e-12, "{region}: {sum} vs {listed}");
    }
    // nam4: (0.000456 + 0.000434) / 2 = 0.000445
    let mean = c.gcp_multi_region_mean("nam4").expect("nam4");
    assert!((mean - 0.000445).abs() < 1e-15);
    assert_eq!(c.gcp_multi_region_mean("us-east1"), None);
}

#[test]
fn aws_instances_carry_family_size_processors_and_flags() {
    let c = Coefficients::ccf_app();
    let m5 = c.aws_instance("m5.xlarge").expect("m5.xlarge");
    assert_eq!(
        (m5.family.as_str(), m5.vcpu, m5.memory_gb),
        ("m5", 4.0, Some(16.0))
    );
    assert_eq!((m5.largest_vcpu, m5.largest_memory_gb), (96.0, Some(384.0)));
    assert_eq!(m5.embodied_t, Some(1.6103792));
    assert_eq!(m5.processors, vec!["Skylake"]);
    let c5 = c.aws_instance("c5.large").expect("c5.large");
    assert_eq!(c5.processors, vec!["Cascade Lake", "Skylake"]);
    let t3 = c.aws_instance("t3.medium").expect("t3.medium");
    assert_eq!(
        (t3.burstable_baseline_pct, t3.largest_vcpu),
        (Some(20.0), 8.0)
    );
    let p3 = c.aws_instance("p3.8xlarge").expect("p3.8xlarge");
    assert_eq!(
        (p3.gpu_count, p3.gpu_model.as_deref()),
        (4.0, Some("Nvidia Tesla V100"))
    );
    // u-* families are outside EC2_INSTANCE_TYPES: CCF computes no memory add-on for them
    let u6 = c.aws_instance("u-6tb1.metal").expect("u-6tb1.metal");
    assert_eq!(u6.largest_memory_gb, None);
    let dc2 = c.aws_instance("dc2.large").expect("Redshift dc2.large");
    assert_eq!(
        (dc2.largest_vcpu, dc2.largest_memory_gb),
        (32.0, Some(244.0))
    );
    assert_eq!(
        c.aws_service_instance("db.m5.large").map(|s| s.vcpu),
        Some(2.0)
    );
    assert_eq!(c.aws_region_code("US East (Ohio)"), Some("us-east-2"));
}

#[test]
fn gcp_and_azure_types() {
    let c = Coefficients::ccf_app();
    let n1 = c.gcp_machine("n1-standard-4").expect("n1-standard-4");
    assert_eq!(
        (n1.vcpu, n1.largest_vcpu, n1.embodied_t),
        (4.0, 96.0, Some(1.6771))
    );
    assert_eq!(n1.processors.len(), 5);
    assert_eq!(
        c.gcp_prefix_processors("e2-micro"),
        Some(&["Unknown".to_string()][..])
    );
    let d2 = c.azure_vm("D2 v2").expect("D2 v2");
    assert_eq!(
        (d2.family.as_str(), d2.vcpu, d2.largest_vcpu),
        ("D1-5 v2", 2.0, 16.0)
    );
    assert_eq!(
        (d2.memory_gb, d2.largest_memory_gb),
        (Some(7.0), Some(56.0))
    );
    // the first listing of a duplicated size wins (E2 – E96 v5 before E2 – E104 v5)
    assert_eq!(c.azure_vm("E2 v5").map(|v| v.largest_vcpu), Some(96.0));
    let constrained = c.azure_vm("DS11-1 v2").expect("DS11-1 v2");
    assert_eq!((constrained.vcpu, constrained.largest_vcpu), (1.0, 2.0));
    assert_eq!(constrained.largest_memory_gb, None);
    assert_eq!(
        c.azure_vm("P1 v2").map(|v| v.family.as_str()),
        Some("by-meter")
    );
    let nc6 = c.azure_vm("NC6").expect("NC6");
    assert_eq!(
        (nc6.gpu_count, nc6.gpu_model.as_deref()),
        (1.0, Some("Nvidia Tesla K80"))
    );
    assert_eq!(
        c.azure_fixed_size_gb("SSD_MANAGED_DISKS_STORAGE_GB", "P10"),
        Some(128.0)
    );
}

#[test]
fn instance_processors_are_known_or_fall_back_visibly() {
    // every listed microarchitecture is either in the provider's watts table or one of the
    // names CCF has no watts for (the estimators flag those as `processor_fallback`)
    let c = Coefficients::ccf_app();
    let missing_ok = ["Unknown", "Ice Lake", "AWS Graviton", "AMD EPYC 3rd Gen"];
    for (provider, table) in [
        (Provider::Aws, &c.aws_instances),
        (Provider::Gcp, &c.gcp_machines),
        (Provider::Azure, &c.azure_vms),
    ] {
        for it in table.values() {
            for p in &it.processors {
                assert!(
                    c.watts(provider, p).is_some() || missing_ok.contains(&p.as_str()),
                    "{provider:?} {}: {p}",
                    it.name
                );
            }
        }
    }
}
