//! A whole compute row: compute energy, embodied share and (AWS, Azure) the memory add-on.

use super::{Estimate, compute, embodied_t, flags, grid_factor, memory_addon, memory_kwh};
use crate::tables::Coefficients;
use crate::usage::{Mode, Provider, UsageKind};

/// The numbers of a [`crate::usage::Usage::Compute`] row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ComputeRow<'a> {
    /// vCPU-hours.
    pub vcpu_hours: f64,
    /// Instance-hours (0 when the row is not an instance).
    pub instance_hours: f64,
    /// Instance, machine or VM type, looked up in the provider's table.
    pub instance_type: Option<&'a str>,
    /// Microarchitectures (empty: unknown processor).
    pub processors: &'a [String],
}

/// The compute estimate (carrying the embodied share, and in `Ccf` mode its pseudo-kWh in
/// `ccf_reported_kwh`, §6 D2) followed, when there is one, by the memory add-on (kind
/// `Compute`, flagged [`flags::MEMORY_ADDON`]).
pub fn compute_row(
    row: &ComputeRow<'_>,
    provider: Provider,
    region: &str,
    mode: Mode,
    c: &Coefficients,
) -> Vec<Estimate> {
    let mut main = compute(row.vcpu_hours, row.processors, provider, region, mode, c);
    let instance = row
        .instance_type
        .and_then(|name| c.instance(provider, name));
    let factor = grid_factor(provider, region, mode, c);
    match instance.and_then(|i| embodied_t(i, row.instance_hours, provider, mode, c)) {
        Some(t) => {
            main.embodied_t = t;
            if mode == Mode::Ccf && factor.t_per_kwh > 0.0 {
                main.ccf_reported_kwh = main.kwh + t / factor.t_per_kwh;
            }
        }
        None => main.flags.push(flags::EMBODIED_MISSING),
    }
    let mut estimates = vec![main];
    let addon =
        instance.and_then(|i| memory_addon(i, row.processors, row.instance_hours, provider, c));
    if let Some(addon) = addon {
        let k = c.constants(provider);
        let kwh = memory_kwh(
            addon.gb_hours,
            k.memory_kwh_per_gb_hour,
            c.pue(provider, region),
            1.0,
        );
        let mut estimate = Estimate::operational(UsageKind::Compute, kwh, factor);
        estimate.flags.push(flags::MEMORY_ADDON);
        if addon.fallback {
            estimate.flags.push(flags::PROCESSOR_FALLBACK);
        }
        estimates.push(estimate);
    }
    estimates
}
