//! The memory add-on of AWS and Azure instance rows (methodology §3.1): memory beyond what the
//! processor's SPECpower servers carry per chip.

use super::gb_per_chip;
use crate::tables::{Coefficients, InstanceType};
use crate::usage::Provider;

/// GB-hours of extra memory of an instance row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MemoryAddOn {
    /// GB-hours.
    pub gb_hours: f64,
    /// GB per chip came from the provider's unknown-processor value.
    pub fallback: bool,
}

/// CCF's add-on, in its operation order:
///
/// ```text
/// chips        = ceil(largest_vCPU / 96)          (AWS m5zn, z1d: 2)
/// mem_per_chip = largest_memory / chips
/// delta        = mem_per_chip − GB_per_chip(processors)      (no add-on unless > 0)
/// GB_h         = (delta / (largest_memory / instance_memory)) × instance_hours
/// ```
///
/// "Largest" is the family's last-listed entry. `None` for GCP (memory is billed on its own),
/// burstable types, types without family memory (see
/// [`InstanceType::largest_memory_gb`]) and a non-positive delta.
pub fn memory_addon(
    instance: &InstanceType,
    processors: &[String],
    instance_hours: f64,
    provider: Provider,
    c: &Coefficients,
) -> Option<MemoryAddOn> {
    if provider == Provider::Gcp || instance.burstable_baseline_pct.is_some() {
        return None;
    }
    let memory = instance.memory_gb.filter(|m| *m > 0.0)?;
    let largest_memory = instance.largest_memory_gb?;
    let chips = if provider == Provider::Aws && ["m5zn", "z1d"].contains(&instance.family.as_str())
    {
        2.0
    } else {
        (instance.largest_vcpu / 96.0).ceil()
    };
    let (per_chip, fallback) = gb_per_chip(provider, processors, c);
    let per_chip = per_chip?;
    let memory_per_chip = largest_memory / chips;
    if memory_per_chip - per_chip <= 0.0 {
        return None;
    }
    let delta = memory_per_chip - per_chip;
    let ratio = largest_memory / memory;
    Some(MemoryAddOn {
        gb_hours: (delta / ratio) * instance_hours,
        fallback,
    })
}
