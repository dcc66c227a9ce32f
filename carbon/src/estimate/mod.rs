//! Estimators: classified usage → operational energy, location-based emissions and embodied
//! emissions, one small pure function per usage kind (methodology §1, §3), in CCF's operation
//! order so that `Mode::Ccf` matches CCF's doubles (§6 "Precision for parity tests").
//!
//! Replication factors: [`crate::usage::Usage`] carries a replication key only for storage, so
//! compute, GPU and memory use a factor of 1 (× 1.0, exact); networking never has one.

mod basis;
mod compute;
mod compute_row;
mod embodied;
mod factor;
pub mod flags;
mod gpu;
mod memory;
mod memory_addon;
mod networking;
mod storage;
mod unknown;
mod watts;

pub use basis::Basis;
pub use compute::{average_watts, compute, compute_kwh};
pub use compute_row::{ComputeRow, compute_row};
pub use embodied::embodied_t;
pub use factor::{GridFactor, grid_factor};
pub use gpu::gpu;
pub use memory::{memory, memory_kwh};
pub use memory_addon::{MemoryAddOn, memory_addon};
pub use networking::networking;
pub use storage::storage;
pub use unknown::{UnknownRatios, estimate_unknown};
pub use watts::{ProcessorWatts, gb_per_chip, processor_watts};

use crate::tables::Coefficients;
use crate::usage::{Mode, Provider, Usage, UsageKind};

/// Energy and emissions of one usage kind of one billing row.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    /// What was estimated (the memory add-on of an instance row is `Compute`, flagged
    /// [`flags::MEMORY_ADDON`]).
    pub kind: UsageKind,
    /// Operational energy, kWh (PUE and replication included; never embodied pseudo-energy).
    pub kwh: f64,
    /// Operational location-based emissions, t CO2e (`kwh` × grid factor).
    pub location_t: f64,
    /// Embodied (hardware manufacturing) emissions, t CO2e; compute rows only.
    pub embodied_t: f64,
    /// The energy CCF would report (§6 D2): in `Ccf` mode `kwh` + `embodied_t` ÷ grid factor,
    /// in `Corrected` mode equal to `kwh`. For parity checks only — never report it as energy.
    pub ccf_reported_kwh: f64,
    /// Data-quality flags ([`flags`]).
    pub flags: Vec<&'static str>,
}

impl Estimate {
    /// An operational estimate: emissions from the grid factor, no embodied share.
    pub(crate) fn operational(kind: UsageKind, kwh: f64, factor: GridFactor) -> Self {
        Estimate {
            kind,
            kwh,
            location_t: kwh * factor.t_per_kwh,
            embodied_t: 0.0,
            ccf_reported_kwh: kwh,
            flags: factor.flag.into_iter().collect(),
        }
    }
}

/// Estimates one classified row. A compute row yields its compute estimate (with the embodied
/// share) and, for AWS/Azure instances, the memory add-on; GPU usage comes as its own
/// [`Usage::Gpu`] (the classifiers emit it next to the compute usage). `Unsupported` yields
/// nothing, and so does `Unknown`: unknown rows are estimated after the known rows, through
/// [`UnknownRatios`] and [`estimate_unknown`].
pub fn estimate(
    usage: &Usage,
    provider: Provider,
    region: &str,
    mode: Mode,
    c: &Coefficients,
) -> Vec<Estimate> {
    match usage {
        Usage::Compute {
            vcpu_hours,
            instance_hours,
            instance_type,
            processors,
        } => {
            let row = ComputeRow {
                vcpu_hours: *vcpu_hours,
                instance_hours: *instance_hours,
                instance_type: instance_type.as_deref(),
                processors,
            };
            compute_row(&row, provider, region, mode, c)
        }
        Usage::Gpu { gpu_hours, model } => {
            vec![gpu(*gpu_hours, model.as_deref(), provider, region, mode, c)]
        }
        Usage::Memory { gb_hours } => vec![memory(*gb_hours, provider, region, mode, c)],
        Usage::Storage {
            tb_hours,
            ssd,
            replication,
        } => vec![storage(
            *tb_hours,
            *ssd,
            replication.as_deref(),
            provider,
            region,
            mode,
            c,
        )],
        Usage::Networking { gb } => vec![networking(*gb, provider, region, mode, c)],
        Usage::Unknown { .. } | Usage::Unsupported { .. } => Vec::new(),
    }
}
