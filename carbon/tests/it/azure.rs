//! Hand-worked Azure examples (methodology §1–§3.3), `Ccf` mode unless a test says otherwise.
//! PUE 1.185; eastus (= EastUS) 0.000379069 t/kWh.

use crate::common::{assert_close, instance_row, with_flag};
use carbon::estimate::{Estimate, estimate, flags};
use carbon::tables::Coefficients;
use carbon::usage::{Mode, Provider, Usage, UsageKind};

fn azure(usage: &Usage, region: &str, mode: Mode) -> Vec<Estimate> {
    estimate(
        usage,
        Provider::Azure,
        region,
        mode,
        Coefficients::ccf_app(),
    )
}

#[test]
fn d2_v2_compute_and_embodied_without_memory_addon() {
    let row = instance_row(Provider::Azure, "D2 v2", 24.0);
    let e = azure(&row, "eastus", Mode::Ccf);
    // processors Cascade Lake|Skylake|Broadwell|Haswell (mean):
    // min = (0.64 + 0.65 + 0.71 + 1.00)/4 = 0.75, max = (3.97 + 4.26 + 3.69 + 4.74)/4 = 4.165
    // avgW = 0.75 + 0.5 × 3.415 = 2.4575; 2 vCPU × 24 h = 48 vCPU-h
    // kWh = ((2.4575 × 48) × 1.185) / 1000 = (117.96 × 1.185) / 1000 = 0.1397826
    assert_close(e[0].kwh, 0.1397826);
    // t = 0.1397826 × 0.000379069 = 0.0000529872503994 (region found through its alias)
    assert_close(e[0].location_t, 0.0000529872503994);
    // memory add-on: series D1-5 v2 ends with D5 v2, 16 vCPU 56 GB → 1 chip, 56 GB per chip;
    // GB/chip = (98.12 + 81.32 + 69.65 + 27.71)/4 = 69.2 > 56 → delta < 0: no add-on
    assert_eq!(e.len(), 1, "{e:?}");
    // embodied Ccf: 1.2055 × ((24/2)/35040) × (2/16) = 5.160530821917808e-5
    assert_close(e[0].embodied_t, 5.160530821917808e-5);
    let corrected = azure(&row, "eastus", Mode::Corrected);
    // Corrected: 1.2055 × (24/35040) × (2/16) = 1.0321061643835616e-4 (= 2 vCPU × Ccf)
    assert_close(corrected[0].embodied_t, 1.0321061643835616e-4);
}

#[test]
fn d11_v2_has_a_memory_addon() {
    let e = azure(
        &instance_row(Provider::Azure, "D11 v2", 24.0),
        "westeurope",
        Mode::Ccf,
    );
    // series D11-15 v2 ends with D15 v2, 20 vCPU 140 GB → 1 chip; delta = 140 − 69.2 = 70.8;
    // ratio = 140 / 14 = 10; GB-h = (70.8 / 10) × 24 = 169.92
    // kWh = (169.92 × 0.000392) × 1.185 = 0.0789312384
    let addon = with_flag(&e, flags::MEMORY_ADDON).expect("memory add-on");
    assert_eq!(addon.kind, UsageKind::Compute);
    assert_close(addon.kwh, 0.0789312384);
}

#[test]
fn managed_disk_storage_with_disk_replication() {
    // P10 premium SSD (128 GB), one day: 128/1000 × 24 = 3.072 TB-h; STORAGE_DISKS RF 3
    let p10 = Usage::Storage {
        tb_hours: (128.0 / 1000.0) * 24.0,
        ssd: true,
        replication: Some("STORAGE_DISKS".into()),
    };
    let e = azure(&p10, "westeurope", Mode::Ccf);
    // kWh = (((3.072 × 1.2) × 1.185) × 3) / 1000 = ((3.6864 × 1.185) × 3) / 1000 = 0.013105152
    // t = 0.013105152 × 0.0003284 = 0.0000043037319168
    assert_close(e[0].kwh, 0.013105152);
    assert_close(e[0].location_t, 0.0000043037319168);
}

#[test]
fn gpu_vm_k80() {
    // NC6: 1 × K80 (35 / 306 W) × 24 h: avgW = 170.5; kWh = ((170.5 × 24) × 1.185) / 1000 = 4.84902
    let gpu = Usage::Gpu {
        gpu_hours: 24.0,
        model: Some("Nvidia Tesla K80".into()),
    };
    assert_close(azure(&gpu, "eastus", Mode::Ccf)[0].kwh, 4.84902);
}
