//! What a billing row's usage is, once classified: the contract between classification
//! (per provider) and estimation (per usage kind).

/// Cloud provider (the coefficient tables and constants differ per provider).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Provider {
    /// Amazon Web Services.
    Aws,
    /// Google Cloud.
    Gcp,
    /// Microsoft Azure.
    Azure,
}

/// Which arithmetic produces the numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Cloud Carbon Footprint's arithmetic as coded (for reconciling with CCF users).
    Ccf,
    /// CCF with its documented defects fixed (the default for ESG reporting).
    Corrected,
}

/// Usage kinds reported in the carbon table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum UsageKind {
    /// vCPU-hours (and their memory add-on and embodied share).
    Compute,
    /// GPU-hours.
    Gpu,
    /// GB-hours of memory.
    Memory,
    /// TB-hours on SSD.
    StorageSsd,
    /// TB-hours on HDD.
    StorageHdd,
    /// GB transferred.
    Networking,
    /// Not classifiable: estimated from known kWh per cost or usage unit.
    Unknown,
}

/// How an unknown row is scaled to energy (CCF: AWS by cost, GCP and Azure by usage amount).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnknownBy {
    /// kWh per unit of cost.
    Cost,
    /// kWh per unit of usage amount (per pricing unit).
    Usage,
}

/// A classified row's usage, in the units the estimators take.
#[derive(Debug, Clone, PartialEq)]
pub enum Usage {
    /// Virtual CPUs running.
    Compute {
        /// vCPU-hours.
        vcpu_hours: f64,
        /// Instance-hours (for the memory add-on and embodied share); 0 when not an instance.
        instance_hours: f64,
        /// Instance or machine type when known (looked up in the coefficient tables).
        instance_type: Option<String>,
        /// Microarchitectures the vCPUs may run on (empty: the provider's unknown-processor watts).
        processors: Vec<String>,
    },
    /// GPUs running.
    Gpu {
        /// GPU-hours (GPU count × hours).
        gpu_hours: f64,
        /// GPU model (e.g. "Nvidia T4"); `None`: the provider's average GPU.
        model: Option<String>,
    },
    /// Memory held.
    Memory {
        /// GB-hours.
        gb_hours: f64,
    },
    /// Data stored.
    Storage {
        /// TB-hours.
        tb_hours: f64,
        /// SSD (else HDD).
        ssd: bool,
        /// Replication factor key (e.g. "S3", "EC2_EBS_VOLUME"); `None`: 1.
        replication: Option<String>,
    },
    /// Data moved between regions or out of the cloud.
    Networking {
        /// GB.
        gb: f64,
    },
    /// Not classifiable; estimated afterwards from known rows of the same scope.
    Unknown {
        /// Scaling basis.
        by: UnknownBy,
        /// Cost or usage amount of the row (per `by`).
        amount: f64,
        /// Pricing unit (ratios are per unit).
        unit: String,
    },
    /// Not counted (double-counted elsewhere, fees, licences).
    Unsupported {
        /// Why.
        reason: String,
    },
}
