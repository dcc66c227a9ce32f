//! Hand-worked Google Cloud examples (methodology §1–§3.2), `Ccf` mode unless a test says
//! otherwise. Fleet PUE 1.1; us-central1 PUE 1.11, grid factor 0.000456 t/kWh.

use crate::common::{assert_close, instance_row, with_flag};
use carbon::estimate::{Estimate, estimate, flags};
use carbon::tables::Coefficients;
use carbon::usage::{Mode, Provider, Usage, UsageKind};

fn gcp(usage: &Usage, region: &str, mode: Mode) -> Vec<Estimate> {
    estimate(usage, Provider::Gcp, region, mode, Coefficients::ccf_app())
}

#[test]
fn n1_standard_4_compute_uses_the_median_and_regional_pue() {
    // 345600 vCPU-seconds of N1 cores = 96 vCPU-h = 24 machine-hours of n1-standard-4
    let row = instance_row(Provider::Gcp, "n1-standard-4", 24.0);
    let e = gcp(&row, "us-central1", Mode::Ccf);
    assert_eq!(e.len(), 1, "GCP bills memory separately: no add-on: {e:?}");
    assert!(e[0].flags.is_empty(), "{:?}", e[0].flags);
    // n1 = Skylake|Broadwell|Haswell|Sandy Bridge|Ivy Bridge → median 1.00 / 4.74 W
    // avgW = 1.00 + 0.5 × 3.74 = 2.87; kWh = ((2.87 × 96) × 1.11) / 1000 = 0.3058272
    assert_close(e[0].kwh, 0.3058272);
    // t = 0.3058272 × 0.000456 = 0.0001394572032
    assert_close(e[0].location_t, 0.0001394572032);
    // embodied (SCI in both modes): 1.6771 × (24 / 35040) × (4 / 96) = 4.786244292237443e-5
    assert_close(e[0].embodied_t, 4.786244292237443e-5);
    // ccf_reported = 0.3058272 + 4.786244292237443e-5 / 0.000456 = 0.41078869763678603
    assert_close(e[0].ccf_reported_kwh, 0.41078869763678603);
    let corrected = gcp(&row, "us-central1", Mode::Corrected);
    assert_eq!(corrected[0].embodied_t, e[0].embodied_t);
    assert_eq!(corrected[0].ccf_reported_kwh, corrected[0].kwh);
}

#[test]
fn shared_core_machines_fall_back_to_the_gcp_median() {
    // f1-micro (shared core) is "Unknown" → GCP median 0.68 / 4.11 W: avgW = 0.68 + 0.5 × 3.43
    // = 2.395; 1 vCPU × 20 h = 20 vCPU-h in us-east1 (fleet PUE 1.1):
    // kWh = ((2.395 × 20) × 1.1) / 1000 = 0.05269
    let e = gcp(
        &instance_row(Provider::Gcp, "f1-micro", 20.0),
        "us-east1",
        Mode::Ccf,
    );
    assert_close(e[0].kwh, 0.05269);
    assert!(e[0].flags.contains(&flags::PROCESSOR_FALLBACK));
}

#[test]
fn memory_storage_and_networking() {
    // memory: 100 GB × 24 h = 2400 GB-h in europe-west1 (PUE 1.09):
    // kWh = (2400 × 0.000392) × 1.09 = 0.9408 × 1.09 = 1.025472; t = × 0.00011 = 0.00011280192
    let m = gcp(
        &Usage::Memory { gb_hours: 2400.0 },
        "europe-west1",
        Mode::Ccf,
    );
    assert_eq!(m[0].kind, UsageKind::Memory);
    assert_close(m[0].kwh, 1.025472);
    assert_close(m[0].location_t, 0.00011280192);
    // Cloud Storage single-region (RF 2), 1 TB for a 30-day month = 720 TB-h, HDD, us-east1:
    // kWh = (((720 × 0.65) × 1.1) × 2) / 1000 = ((468 × 1.1) × 2) / 1000 = 1.0296
    // t = 1.0296 × 0.000434 = 0.0004468464
    let gcs = Usage::Storage {
        tb_hours: 720.0,
        ssd: false,
        replication: Some("CLOUD_STORAGE_SINGLE_REGION".into()),
    };
    let s = gcp(&gcs, "us-east1", Mode::Ccf);
    assert_close(s[0].kwh, 1.0296);
    assert_close(s[0].location_t, 0.0004468464);
    // egress 50 GB from us-central1: kWh = (50 × 0.001) × 1.11 = 0.0555; t = × 0.000456 = 0.000025308
    let n = gcp(&Usage::Networking { gb: 50.0 }, "us-central1", Mode::Ccf);
    assert_close(n[0].kwh, 0.0555);
    assert_close(n[0].location_t, 0.000025308);
}

#[test]
fn gpu_sku_model_names_match_the_table_loosely() {
    // "Nvidia Tesla T4" (SKU) = "Nvidia T4" (table) 8 / 71 W: avgW = 8 + 0.5 × 63 = 39.5
    // 10 GPU-h in us-east1: kWh = ((39.5 × 10) × 1.1) / 1000 = 0.4345
    let gpu = Usage::Gpu {
        gpu_hours: 10.0,
        model: Some("Nvidia Tesla T4".into()),
    };
    let e = gcp(&gpu, "us-east1", Mode::Ccf);
    assert_close(e[0].kwh, 0.4345);
    assert!(with_flag(&e, flags::GPU_FALLBACK).is_none());
}
