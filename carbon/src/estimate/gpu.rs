//! GPU: GPU-hours × average watts per GPU, with the compute formula (methodology §2.3).

use super::{Estimate, average_watts, compute_kwh, flags, grid_factor};
use crate::tables::Coefficients;
use crate::usage::{Mode, Provider, UsageKind};

/// GPU estimate of `gpu_hours` on a model (`None` or not in the table: the provider's average
/// GPU, flagged); replication factor 1.
pub fn gpu(
    gpu_hours: f64,
    model: Option<&str>,
    provider: Provider,
    region: &str,
    mode: Mode,
    c: &Coefficients,
) -> Estimate {
    let listed = model.and_then(|m| c.gpu_watts(provider, m));
    let (min, max) = listed.unwrap_or_else(|| c.gpu_average_watts(provider));
    let utilisation = c.constants(provider).average_cpu_utilisation_pct;
    let avg = average_watts(min, max, utilisation);
    let kwh = compute_kwh(avg, gpu_hours, c.pue(provider, region), 1.0);
    let mut estimate =
        Estimate::operational(UsageKind::Gpu, kwh, grid_factor(provider, region, mode, c));
    if listed.is_none() {
        estimate.flags.push(flags::GPU_FALLBACK);
    }
    estimate
}
