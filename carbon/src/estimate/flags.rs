//! Data-quality flags attached to estimates (the per-row provenance of methodology §9).

/// A processor group had a microarchitecture missing from the provider's table (or none at all):
/// the provider's unknown-processor watts (or GB per chip) were used (§2.2, §6 D7).
pub const PROCESSOR_FALLBACK: &str = "processor_fallback";
/// The GPU model is unknown: the provider's average GPU watts were used.
pub const GPU_FALLBACK: &str = "gpu_fallback";
/// A compute row got no embodied emissions: no instance type, or none in the tables, or no TE
/// (§6 D7, CCF issue #1375).
pub const EMBODIED_MISSING: &str = "embodied_missing";
/// The estimate is the memory add-on of an instance row (§3.1), reported as compute.
pub const MEMORY_ADDON: &str = "memory_addon";
/// The region has no grid factor of its own: the provider's `Unknown` factor was used.
pub const GRID_FACTOR_FALLBACK: &str = "grid_factor_fallback";
/// Corrected mode: a GCP dual/multi-region used the mean of its member regions (§6 D5).
pub const GRID_FACTOR_MULTI_REGION_MEAN: &str = "grid_factor_multi_region_mean";
/// The row could not be classified and was estimated from known rows (§4).
pub const UNKNOWN_ESTIMATED: &str = "unknown_estimated";
/// Unknown row scaled by cost (AWS).
pub const UNKNOWN_BY_COST: &str = "unknown_by_cost";
/// Unknown row scaled by usage amount (GCP, Azure).
pub const UNKNOWN_BY_USAGE: &str = "unknown_by_usage";
/// No known row shared the unknown row's pricing unit: it was estimated as 0.
pub const UNKNOWN_NO_RATIO: &str = "unknown_no_ratio";
/// An unknown row with no ratio for its unit, estimated (corrected mode) from its scope's
/// kWh per unit of cost over all known usage.
pub const UNKNOWN_SCOPE_RATIO: &str = "unknown_scope_ratio";
/// The provider has no CCF coefficients: a documented proxy estimated the row (OCI: AWS's
/// hardware coefficients and the grid factor of the OCI region's grid).
pub const PROVIDER_PROXY: &str = "provider_proxy";
