//! Compute: vCPU-hours × average watts per vCPU (methodology §1, §3).

use super::{Estimate, flags, grid_factor, processor_watts};
use crate::tables::Coefficients;
use crate::usage::{Mode, Provider, UsageKind};

/// Average watts at a utilisation: `min + (utilisation / 100) × (max − min)`.
pub fn average_watts(min: f64, max: f64, utilisation_pct: f64) -> f64 {
    min + (utilisation_pct / 100.0) * (max - min)
}

/// kWh of compute, in CCF's order: `((avgW × hours) × PUE × RF) / 1000`.
pub fn compute_kwh(average_watts: f64, hours: f64, pue: f64, replication: f64) -> f64 {
    ((average_watts * hours) * pue * replication) / 1000.0
}

/// Operational compute estimate of `vcpu_hours` on a processor group (empty: unknown
/// processor); replication factor 1. Embodied emissions are added by
/// [`super::compute_row`].
pub fn compute(
    vcpu_hours: f64,
    processors: &[String],
    provider: Provider,
    region: &str,
    mode: Mode,
    c: &Coefficients,
) -> Estimate {
    let watts = processor_watts(provider, processors, c);
    let utilisation = c.constants(provider).average_cpu_utilisation_pct;
    let avg = average_watts(watts.min, watts.max, utilisation);
    let kwh = compute_kwh(avg, vcpu_hours, c.pue(provider, region), 1.0);
    let mut estimate = Estimate::operational(
        UsageKind::Compute,
        kwh,
        grid_factor(provider, region, mode, c),
    );
    if watts.fallback {
        estimate.flags.push(flags::PROCESSOR_FALLBACK);
    }
    estimate
}
