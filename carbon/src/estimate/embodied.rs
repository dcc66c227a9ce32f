//! Embodied emissions of the hardware an instance reserves (methodology §2.5, §6 D1).

use crate::tables::{Coefficients, InstanceType};
use crate::usage::{Mode, Provider};

/// Embodied t CO2e of `instance_hours` on an instance: SCI's
/// `TE × (TimeReserved / lifespan) × (vCPU / largest vCPU in family)`.
///
/// D1: for AWS and Azure, CCF codes TimeReserved as `usage_amount / vCPU` although the usage
/// amount already is instance-hours, so `Mode::Ccf` computes
/// `TE × ((hours / vCPU) / 35040) × (vCPU / largest)` = `TE × hours / (35040 × largest)`,
/// independent of the instance size; `Mode::Corrected` uses `TE × (hours / 35040) × (vCPU /
/// largest)`, larger by a factor equal to the vCPU count. GCP's TimeReserved is right in CCF
/// (vCPU-seconds ÷ vCPU ÷ 3600 = instance-hours): both modes use the SCI formula.
///
/// `None` when the instance has no TE or no vCPU counts (CCF reports 0; flag it).
pub fn embodied_t(
    instance: &InstanceType,
    instance_hours: f64,
    provider: Provider,
    mode: Mode,
    c: &Coefficients,
) -> Option<f64> {
    let te = instance.embodied_t?;
    let (vcpu, largest) = (instance.vcpu, instance.largest_vcpu);
    if vcpu <= 0.0 || largest <= 0.0 {
        return None;
    }
    let time_reserved = match (mode, provider) {
        (Mode::Ccf, Provider::Aws | Provider::Azure) => instance_hours / vcpu,
        _ => instance_hours,
    };
    let lifespan = c.constants(provider).lifespan_hours;
    Some(te * (time_reserved / lifespan) * (vcpu / largest))
}
