//! Hand-worked AWS examples (methodology §1–§3, coefficient set ccf-app-2024-03-25), `Ccf` mode
//! unless a test says otherwise. us-east-1: PUE 1.135, grid factor 0.000379069 t/kWh.

use crate::common::{assert_close, instance_row, with_flag};
use carbon::estimate::{Estimate, estimate, flags};
use carbon::tables::Coefficients;
use carbon::usage::{Mode, Provider, Usage, UsageKind};

fn aws(usage: &Usage, region: &str, mode: Mode) -> Vec<Estimate> {
    estimate(usage, Provider::Aws, region, mode, Coefficients::ccf_app())
}

#[test]
fn m5_xlarge_24_hours_compute_memory_addon_and_embodied() {
    let row = instance_row(Provider::Aws, "m5.xlarge", 24.0);
    let e = aws(&row, "us-east-1", Mode::Ccf);
    assert_eq!(e.len(), 2, "compute + memory add-on: {e:?}");
    let (compute, addon) = (&e[0], &e[1]);
    assert_eq!(
        (compute.kind, addon.kind),
        (UsageKind::Compute, UsageKind::Compute)
    );
    assert!(compute.flags.is_empty(), "{:?}", compute.flags);
    // m5.xlarge: 4 vCPU × 24 h = 96 vCPU-h on Skylake (the table's only processor for m5):
    // avgW = 0.65 + 0.5 × (4.26 − 0.65) = 2.455
    // kWh  = ((2.455 × 96) × 1.135 × 1) / 1000 = (235.68 × 1.135) / 1000 = 0.2674968
    assert_close(compute.kwh, 0.2674968);
    // t = 0.2674968 × 0.000379069 = 0.0001013997444792
    assert_close(compute.location_t, 0.0001013997444792);
    // memory add-on: m5 family's last entry m5.metal 96 vCPU, 384 GB → chips = ceil(96/96) = 1;
    // delta = 384/1 − 81.32 (Skylake GB/chip) = 302.68; ratio = 384/16 = 24;
    // GB-h = (302.68 / 24) × 24 = 302.68; kWh = ((302.68 × 0.000392) × 1.135) × 1 = 0.1346683856
    assert_eq!(addon.flags, vec![flags::MEMORY_ADDON]);
    assert_close(addon.kwh, 0.1346683856);
    // t = 0.1346683856 × 0.000379069 = 0.0000510486102610064
    assert_close(addon.location_t, 0.0000510486102610064);
    assert_eq!(addon.embodied_t, 0.0);
    // embodied, Ccf (D1): TE × ((24 / 4) / 35040) × (4 / 96) = 1.6103792 × 6 / 840960
    //   = 1.6103792 / 140160 = 1.1489577625570776e-5
    assert_close(compute.embodied_t, 1.1489577625570776e-5);
    // ccf_reported_kWh (D2) = 0.2674968 + 1.1489577625570776e-5 / 0.000379069
    //   = 0.2674968 + 0.030309990069277035 = 0.297806790069277
    assert_close(compute.ccf_reported_kwh, 0.297806790069277);
    assert_close(addon.ccf_reported_kwh, 0.1346683856);
}

#[test]
fn m5_xlarge_embodied_corrected_is_vcpu_times_ccf() {
    let row = instance_row(Provider::Aws, "m5.xlarge", 24.0);
    let ccf = aws(&row, "us-east-1", Mode::Ccf);
    let corrected = aws(&row, "us-east-1", Mode::Corrected);
    // Corrected: TE × (24 / 35040) × (4 / 96) = 1.6103792 / 35040 = 4.595831050228311e-5
    assert_close(corrected[0].embodied_t, 4.595831050228311e-5);
    // the D1 factor is the vCPU count: 4.595831050228311e-5 / 1.1489577625570776e-5 = 4
    assert_close(corrected[0].embodied_t / ccf[0].embodied_t, 4.0);
    // operational numbers do not depend on the mode
    assert_eq!(
        (corrected[0].kwh, corrected[0].location_t),
        (ccf[0].kwh, ccf[0].location_t)
    );
    assert_eq!(corrected[0].ccf_reported_kwh, corrected[0].kwh);
}

#[test]
fn c5_xlarge_uses_the_mean_of_cascade_lake_and_skylake() {
    let row = instance_row(Provider::Aws, "c5.xlarge", 24.0);
    let e = aws(&row, "us-east-1", Mode::Ccf);
    // min = (0.64 + 0.65)/2 = 0.645, max = (3.97 + 4.26)/2 = 4.115, avgW = 0.645 + 0.5 × 3.47 = 2.38
    // kWh = ((2.38 × 96) × 1.135) / 1000 = 0.2593248
    assert_close(e[0].kwh, 0.2593248);
    // add-on: c5.metal 96 vCPU 192 GB, 1 chip; GB/chip = (98.12 + 81.32)/2 = 89.72;
    // delta = 192 − 89.72 = 102.28; ratio = 192/8 = 24; GB-h = (102.28/24) × 24 = 102.28
    // kWh = (102.28 × 0.000392) × 1.135 = 0.0455064176
    assert_close(e[1].kwh, 0.0455064176);
}

#[test]
fn t3_medium_burstable_has_baseline_vcpu_hours_and_no_memory_addon() {
    let row = instance_row(Provider::Aws, "t3.medium", 24.0);
    let Usage::Compute { vcpu_hours, .. } = row else {
        panic!("compute row");
    };
    // 2 vCPU × (20 % baseline / 50) × 24 h = 19.2 vCPU-h
    assert_close(vcpu_hours, 19.2);
    let e = aws(&row, "us-east-1", Mode::Ccf);
    assert_eq!(e.len(), 1, "burstable: no memory add-on: {e:?}");
    // Cascade Lake avgW = 0.64 + 0.5 × 3.33 = 2.305; kWh = ((2.305 × 19.2) × 1.135) / 1000
    //   = (44.256 × 1.135) / 1000 = 0.05023056
    assert_close(e[0].kwh, 0.05023056);
    // embodied Ccf: 1.6103792 × ((24/2)/35040) × (2/8) = 1.3787493150684932e-4
    assert_close(e[0].embodied_t, 1.3787493150684932e-4);
    let corrected = aws(&row, "us-east-1", Mode::Corrected);
    // Corrected: 1.6103792 × (24/35040) × (2/8) = 2.7574986301369863e-4 (= 2 × Ccf)
    assert_close(corrected[0].embodied_t, 2.7574986301369863e-4);
}

#[test]
fn unknown_processor_uses_fallback_watts_and_is_flagged() {
    // m6i is mapped to "Unknown", c6i to "Ice Lake" (not in CCF's AWS table): both fall back
    for name in ["m6i.xlarge", "c6i.xlarge"] {
        let e = aws(
            &instance_row(Provider::Aws, name, 24.0),
            "us-east-1",
            Mode::Ccf,
        );
        // AWS fallback 0.74 / 3.5 W: avgW = 0.74 + 0.5 × 2.76 = 2.12
        // kWh = ((2.12 × 96) × 1.135) / 1000 = (203.52 × 1.135) / 1000 = 0.2309952
        assert_close(e[0].kwh, 0.2309952);
        assert!(
            e[0].flags.contains(&flags::PROCESSOR_FALLBACK),
            "{name}: {:?}",
            e[0].flags
        );
    }
    let e = aws(
        &instance_row(Provider::Aws, "m6i.xlarge", 24.0),
        "us-east-1",
        Mode::Ccf,
    );
    // add-on: m6i.metal 128 vCPU 512 GB → chips = ceil(128/96) = 2; 512/2 = 256;
    // GB/chip fallback 80.69 → delta 175.31; ratio 512/16 = 32; GB-h = (175.31/32) × 24 = 131.4825
    // kWh = (131.4825 × 0.000392) × 1.135 = 0.0584991939
    let addon = with_flag(&e, flags::MEMORY_ADDON).expect("memory add-on");
    assert_close(addon.kwh, 0.0584991939);
    assert!(addon.flags.contains(&flags::PROCESSOR_FALLBACK));
    // embodied: 1.7879024 × ((24/4)/35040) × (4/128) = 9.567114726027397e-6
    assert_close(e[0].embodied_t, 9.567114726027397e-6);
}

#[test]
fn a_row_without_instance_type_has_no_embodied_and_says_so() {
    // Lambda on Graviton2: 7200 GB-s → 2 vCPU-h; avgW = 0.47 + 0.5 × 1.22 = 1.08
    // kWh = ((1.08 × 2) × 1.135) / 1000 = 0.0024516
    let lambda = Usage::Compute {
        vcpu_hours: 2.0,
        instance_hours: 0.0,
        instance_type: None,
        processors: vec!["AWS Graviton2".into()],
    };
    let e = aws(&lambda, "us-east-1", Mode::Ccf);
    assert_eq!(e.len(), 1);
    assert_close(e[0].kwh, 0.0024516);
    assert_eq!(e[0].embodied_t, 0.0);
    assert_eq!(e[0].flags, vec![flags::EMBODIED_MISSING]);
}

#[test]
fn ssd_gp2_100_gb_month_with_ebs_replication() {
    // 100 GB-Mo in a 30-day month → (100 / 1000) × (24 × 30) = 72 TB-h; EC2_EBS_VOLUME RF = 2
    let gp2 = Usage::Storage {
        tb_hours: (100.0 / 1000.0) * (24.0 * 30.0),
        ssd: true,
        replication: Some("EC2_EBS_VOLUME".into()),
    };
    let e = aws(&gp2, "us-east-1", Mode::Ccf);
    assert_eq!(e[0].kind, UsageKind::StorageSsd);
    // kWh = (((72 × 1.2) × 1.135) × 2) / 1000 = ((86.4 × 1.135) × 2) / 1000 = 0.196128
    assert_close(e[0].kwh, 0.196128);
    // t = 0.196128 × 0.000379069 = 0.000074346044832
    assert_close(e[0].location_t, 0.000074346044832);
}

#[test]
fn hdd_s3_storage_with_s3_replication() {
    // 1000 GB-Mo of S3 Standard in a 31-day month → 1 × 744 = 744 TB-h; S3 RF = 6; eu-west-1
    let s3 = Usage::Storage {
        tb_hours: (1000.0 / 1000.0) * (24.0 * 31.0),
        ssd: false,
        replication: Some("S3".into()),
    };
    let e = aws(&s3, "eu-west-1", Mode::Ccf);
    assert_eq!(e[0].kind, UsageKind::StorageHdd);
    // kWh = (((744 × 0.65) × 1.135) × 6) / 1000 = ((483.6 × 1.135) × 6) / 1000 = 3.293316
    assert_close(e[0].kwh, 3.293316);
    // t = 3.293316 × 0.0002786 = 0.0009175178376
    assert_close(e[0].location_t, 0.0009175178376);
}

#[test]
fn networking_10_gb_has_no_replication() {
    let e = aws(&Usage::Networking { gb: 10.0 }, "us-east-1", Mode::Ccf);
    // kWh = (10 × 0.001) × 1.135 = 0.01135; t = 0.01135 × 0.000379069 = 0.00000430243315
    assert_close(e[0].kwh, 0.01135);
    assert_close(e[0].location_t, 0.00000430243315);
}

#[test]
fn gpu_p3_2xlarge_one_v100() {
    let gpu = Usage::Gpu {
        gpu_hours: 1.0 * 24.0,
        model: Some("Nvidia Tesla V100".into()),
    };
    let e = aws(&gpu, "us-east-1", Mode::Ccf);
    assert_eq!(e[0].kind, UsageKind::Gpu);
    // V100 35 / 306 W: avgW = 35 + 0.5 × 271 = 170.5; kWh = ((170.5 × 24) × 1.135) / 1000 = 4.64442
    assert_close(e[0].kwh, 4.64442);
    assert!(e[0].flags.is_empty());
    // unknown model → AWS average GPU (27.4 / 238.95 W): avgW = 27.4 + 0.5 × 211.55 = 133.175
    // kWh = ((133.175 × 24) × 1.135) / 1000 = (3196.2 × 1.135) / 1000 = 3.627687
    let e = aws(
        &Usage::Gpu {
            gpu_hours: 24.0,
            model: None,
        },
        "us-east-1",
        Mode::Ccf,
    );
    assert_close(e[0].kwh, 3.627687);
    assert_eq!(e[0].flags, vec![flags::GPU_FALLBACK]);
}

#[test]
fn unknown_region_uses_the_unknown_factor() {
    let e = aws(&Usage::Networking { gb: 10.0 }, "mars-north-1", Mode::Ccf);
    // t = 0.01135 × 0.00039278188 = 0.000004458074338
    assert_close(e[0].location_t, 0.000004458074338);
    assert_eq!(e[0].flags, vec![flags::GRID_FACTOR_FALLBACK]);
}

#[test]
fn unsupported_and_unknown_rows_yield_nothing_here() {
    let unsupported = Usage::Unsupported {
        reason: "fee".into(),
    };
    assert!(aws(&unsupported, "us-east-1", Mode::Ccf).is_empty());
    let unknown = Usage::Unknown {
        by: carbon::usage::UnknownBy::Cost,
        amount: 1.0,
        unit: "Hrs".into(),
    };
    assert!(aws(&unknown, "us-east-1", Mode::Corrected).is_empty());
}
