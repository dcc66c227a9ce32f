//! Which grid emission factor an estimate uses (location-based, t CO2e per kWh).

use super::flags;
use crate::tables::Coefficients;
use crate::usage::{Mode, Provider};

/// A grid factor and, when it is not simply the region's listed value, why.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GridFactor {
    /// t CO2e per kWh.
    pub t_per_kwh: f64,
    /// [`flags::GRID_FACTOR_FALLBACK`] or [`flags::GRID_FACTOR_MULTI_REGION_MEAN`].
    pub flag: Option<&'static str>,
}

/// The region's factor: the table value (falling back to the provider's `Unknown` row); in
/// `Corrected` mode a GCP dual/multi-region uses the mean of its members instead of CCF's sum
/// (§6 D5, members in [`crate::tables::GCP_MULTI_REGIONS`]).
pub fn grid_factor(provider: Provider, region: &str, mode: Mode, c: &Coefficients) -> GridFactor {
    if mode == Mode::Corrected
        && provider == Provider::Gcp
        && let Some(mean) = c.gcp_multi_region_mean(region)
    {
        return GridFactor {
            t_per_kwh: mean,
            flag: Some(flags::GRID_FACTOR_MULTI_REGION_MEAN),
        };
    }
    match c.grid_factor_listed(provider, region) {
        Some(t_per_kwh) => GridFactor {
            t_per_kwh,
            flag: None,
        },
        None => GridFactor {
            t_per_kwh: c.grid_factor(provider, region),
            flag: Some(flags::GRID_FACTOR_FALLBACK),
        },
    }
}
