//! `Ccf` vs `Corrected`: the documented defects D1 (embodied ÷ vCPU twice), D2 (embodied as
//! pseudo-energy) and D5 (GCP multi-region factors summed), hand-worked.

use crate::common::{assert_close, instance_row, with_flag};
use carbon::estimate::{estimate, flags};
use carbon::tables::Coefficients;
use carbon::usage::{Mode, Provider, Usage};

#[test]
fn d1_corrected_embodied_is_ccf_times_the_vcpu_count() {
    let c = Coefficients::ccf_app();
    for (provider, name, region, vcpu) in [
        (Provider::Aws, "m5.xlarge", "us-east-1", 4.0),
        (Provider::Aws, "m5.12xlarge", "us-east-1", 48.0),
        (Provider::Azure, "D2 v2", "westeurope", 2.0),
    ] {
        let row = instance_row(provider, name, 10.0);
        let ccf = estimate(&row, provider, region, Mode::Ccf, c);
        let corrected = estimate(&row, provider, region, Mode::Corrected, c);
        assert_close(corrected[0].embodied_t / ccf[0].embodied_t, vcpu);
    }
    // Ccf's AWS embodied does not depend on the size: TE × 10 / (35040 × 96) for every m5 size
    //   = 1.6103792 × 10 / 3363840 = 4.78732401065449e-6
    for name in ["m5.large", "m5.xlarge", "m5.24xlarge"] {
        let row = instance_row(Provider::Aws, name, 10.0);
        let e = estimate(&row, Provider::Aws, "us-east-1", Mode::Ccf, c);
        assert_close(e[0].embodied_t, 4.78732401065449e-6);
    }
    // GCP is already right in CCF: both modes agree
    let n1 = instance_row(Provider::Gcp, "n1-standard-8", 10.0);
    let ccf = estimate(&n1, Provider::Gcp, "us-east1", Mode::Ccf, c);
    let corrected = estimate(&n1, Provider::Gcp, "us-east1", Mode::Corrected, c);
    assert_eq!(ccf[0].embodied_t, corrected[0].embodied_t);
}

#[test]
fn d2_embodied_is_pseudo_energy_only_in_ccf_reported_kwh() {
    let c = Coefficients::ccf_app();
    let row = instance_row(Provider::Aws, "m5.xlarge", 24.0);
    let ccf = estimate(&row, Provider::Aws, "us-east-1", Mode::Ccf, c);
    let corrected = estimate(&row, Provider::Aws, "us-east-1", Mode::Corrected, c);
    // operational energy and emissions are the same in both modes: 0.2674968 kWh
    assert_eq!(ccf[0].kwh, corrected[0].kwh);
    assert_close(ccf[0].kwh, 0.2674968);
    // Ccf: 0.2674968 + 1.1489577625570776e-5 / 0.000379069 = 0.297806790069277
    assert_close(ccf[0].ccf_reported_kwh, 0.297806790069277);
    // Corrected: no pseudo-kWh
    assert_eq!(corrected[0].ccf_reported_kwh, corrected[0].kwh);
    // the embodied share is reported separately in both modes
    assert!(ccf[0].embodied_t > 0.0 && corrected[0].embodied_t > 0.0);
    assert_eq!(ccf[0].location_t, corrected[0].location_t);
}

#[test]
fn d5_gcp_multi_region_factor_is_a_sum_in_ccf_and_a_mean_when_corrected() {
    let c = Coefficients::ccf_app();
    // 720 TB-h multi-region Cloud Storage (RF 2) in "us": kWh = (((720 × 0.65) × 1.1) × 2) / 1000
    //   = 1.0296 in both modes
    let gcs = Usage::Storage {
        tb_hours: 720.0,
        ssd: false,
        replication: Some("CLOUD_STORAGE_MULTI_REGION".into()),
    };
    let ccf = estimate(&gcs, Provider::Gcp, "us", Mode::Ccf, c);
    let corrected = estimate(&gcs, Provider::Gcp, "us", Mode::Corrected, c);
    assert_close(ccf[0].kwh, 1.0296);
    assert_eq!(ccf[0].kwh, corrected[0].kwh);
    // Ccf: the table's sum 0.002805 → t = 1.0296 × 0.002805 = 0.002888028
    assert_close(ccf[0].location_t, 0.002888028);
    assert!(ccf[0].flags.is_empty());
    // Corrected: mean of us-central1 456, us-east1 434, us-east4 309, us-east5 309, us-west1 60,
    // us-west2 190, us-west3 448, us-west4 365, us-south1 296 g/kWh = 2867 / 9 g/kWh
    //   = 0.000318555…; t = 1.0296 × 0.002867 / 9 = 0.0029518632 / 9 = 0.0003279848
    assert_close(corrected[0].location_t, 0.0003279848);
    assert!(with_flag(&corrected, flags::GRID_FACTOR_MULTI_REGION_MEAN).is_some());
    // single regions are the same in both modes
    let east = estimate(&gcs, Provider::Gcp, "us-east1", Mode::Corrected, c);
    assert_close(east[0].location_t, 0.0004468464);
}
