//! Memory: GB-hours × 0.000392 kWh (methodology §1).

use super::{Estimate, grid_factor};
use crate::tables::Coefficients;
use crate::usage::{Mode, Provider, UsageKind};

/// kWh of memory, in CCF's order: `((GB_h × coefficient) × PUE) × RF`.
pub fn memory_kwh(gb_hours: f64, kwh_per_gb_hour: f64, pue: f64, replication: f64) -> f64 {
    ((gb_hours * kwh_per_gb_hour) * pue) * replication
}

/// Memory estimate of `gb_hours`; replication factor 1.
pub fn memory(
    gb_hours: f64,
    provider: Provider,
    region: &str,
    mode: Mode,
    c: &Coefficients,
) -> Estimate {
    let coefficient = c.constants(provider).memory_kwh_per_gb_hour;
    let kwh = memory_kwh(gb_hours, coefficient, c.pue(provider, region), 1.0);
    Estimate::operational(
        UsageKind::Memory,
        kwh,
        grid_factor(provider, region, mode, c),
    )
}
