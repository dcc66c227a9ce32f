//! Networking: GB × 0.001 kWh, no replication (methodology §1).

use super::{Estimate, grid_factor};
use crate::tables::Coefficients;
use crate::usage::{Mode, Provider, UsageKind};

/// Networking estimate of `gb` transferred: `(GB × coefficient) × PUE`.
pub fn networking(
    gb: f64,
    provider: Provider,
    region: &str,
    mode: Mode,
    c: &Coefficients,
) -> Estimate {
    let kwh = (gb * c.constants(provider).networking_kwh_per_gb) * c.pue(provider, region);
    Estimate::operational(
        UsageKind::Networking,
        kwh,
        grid_factor(provider, region, mode, c),
    )
}
