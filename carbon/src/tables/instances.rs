//! Instance, machine and VM types: vCPUs, memory, embodied emissions, family size, processors.

use std::collections::HashMap;

use super::table::{Row, Table};

/// One instance type (AWS), machine type (GCP) or VM size (Azure).
#[derive(Debug, Clone, PartialEq)]
pub struct InstanceType {
    /// The name as the table keys it (`m5.xlarge`, `n1-standard-4`, `D2 v2`).
    pub name: String,
    /// The family it belongs to: AWS family (`m5`), GCP machine family (`n1-standard`), Azure
    /// series (`D1-5 v2`); for Azure entries without a series, the table they come from
    /// (`constrained-vcpu`, `by-meter`).
    pub family: String,
    /// vCPUs.
    pub vcpu: f64,
    /// Memory in GB, when the table has it (GCP: never).
    pub memory_gb: Option<f64>,
    /// Embodied (manufacturing) emissions of the whole platform, t CO2e, when known.
    pub embodied_t: Option<f64>,
    /// vCPUs of the largest size in the family (CCF: the last-listed entry; for Azure
    /// constrained-vCPU sizes, the underlying size's vCPUs).
    pub largest_vcpu: f64,
    /// Memory of the family's last-listed entry, GB — CCF's "largest in family" for the memory
    /// add-on (§3.1). `None` where CCF computes no add-on (GCP; AWS families outside
    /// `EC2_INSTANCE_TYPES`/Redshift; Azure sizes outside the series table).
    pub largest_memory_gb: Option<f64>,
    /// Microarchitectures the vCPUs may run on, as CCF maps them (`Unknown` or empty: the
    /// provider's unknown-processor fallback).
    pub processors: Vec<String>,
    /// GPU model, for GPU instances (AWS, Azure).
    pub gpu_model: Option<String>,
    /// GPUs per instance (0 when none).
    pub gpu_count: f64,
    /// Burstable baseline utilisation, percent of each vCPU (AWS t2/t3/t3a/t4g).
    pub burstable_baseline_pct: Option<f64>,
}

/// An AWS managed-service node type from `aws_other_service_instance_vcpus.csv` (RDS,
/// ElastiCache, MSK, Redshift).
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceInstance {
    /// CCF table the entry comes from (`RDS_INSTANCE_TYPES`, `CACHE_NODE_TYPES`,
    /// `MSK_INSTANCE_TYPES`, `REDSHIFT_INSTANCE_TYPES`).
    pub table: String,
    /// Node type as keyed (`db.m5.large`, `cache.t3.micro`, `Kafka.m5.large`, `dc2.large`).
    pub name: String,
    /// vCPUs.
    pub vcpu: f64,
    /// Memory in GB, when listed (Redshift only).
    pub memory_gb: Option<f64>,
}

/// Memory of the last-listed entry per family, in table order.
fn last_memory_by_family<'t>(
    table: &'t Table,
    family_col: &str,
    mut keep: impl FnMut(&Row<'t>) -> bool,
) -> HashMap<&'t str, Option<f64>> {
    let mut last = HashMap::new();
    for r in table.rows() {
        if keep(&r) {
            last.insert(r.str(family_col), r.opt_f64("memory_gb"));
        }
    }
    last
}

/// AWS EC2 types (plus Redshift node types for the memory add-on), keyed by name.
pub(crate) fn aws(
    ec2: &Table,
    processors: &Table,
    services: &Table,
) -> (
    HashMap<String, InstanceType>,
    HashMap<String, ServiceInstance>,
) {
    let mapping: HashMap<&str, Vec<String>> = processors
        .rows()
        .map(|r| (r.str("instance_type"), r.list("compute_processors")))
        .collect();
    // CCF's memory add-on reads only `EC2_INSTANCE_TYPES` (and Redshift) families
    let last_memory = last_memory_by_family(ec2, "family", |r| {
        r.str("ccf_table") == "EC2_INSTANCE_TYPES"
    });
    let mut instances = HashMap::new();
    for r in ec2.rows() {
        let name = r.str("instance_type");
        let processors = mapping
            .get(name)
            .cloned()
            .unwrap_or_else(|| r.list("compute_processors"));
        let gpu_model = r.list("gpu_processors").into_iter().next();
        let instance = InstanceType {
            name: name.to_string(),
            family: r.str("family").to_string(),
            vcpu: r.f64("vcpu"),
            memory_gb: r.opt_f64("memory_gb"),
            embodied_t: r.opt_f64("embodied_scope3_tCO2e_platform"),
            largest_vcpu: r.f64("largest_vcpu_in_family"),
            largest_memory_gb: last_memory.get(r.str("family")).copied().flatten(),
            processors,
            gpu_model,
            gpu_count: r.opt_f64("gpu_count").unwrap_or(0.0),
            burstable_baseline_pct: r.opt_f64("burstable_baseline_pct"),
        };
        instances.entry(name.to_string()).or_insert(instance);
    }
    let mut service_instances = HashMap::new();
    let mut redshift: Vec<ServiceInstance> = Vec::new();
    for r in services.rows() {
        let entry = ServiceInstance {
            table: r.str("ccf_table").to_string(),
            name: r.str("instance_type").to_string(),
            vcpu: r.f64("vcpu"),
            memory_gb: r.opt_f64("memory_gb"),
        };
        if entry.table == "REDSHIFT_INSTANCE_TYPES" {
            redshift.push(entry.clone());
        }
        service_instances.entry(entry.name.clone()).or_insert(entry);
    }
    for node in &redshift {
        let family = node.name.split('.').next().unwrap_or(&node.name);
        let Some(last) = redshift
            .iter()
            .rev()
            .find(|n| n.name.split('.').next() == Some(family))
        else {
            continue;
        };
        instances
            .entry(node.name.clone())
            .or_insert_with(|| InstanceType {
                name: node.name.clone(),
                family: family.to_string(),
                vcpu: node.vcpu,
                memory_gb: node.memory_gb,
                embodied_t: None,
                largest_vcpu: last.vcpu,
                largest_memory_gb: last.memory_gb,
                processors: mapping.get(node.name.as_str()).cloned().unwrap_or_default(),
                gpu_model: None,
                gpu_count: 0.0,
                burstable_baseline_pct: None,
            });
    }
    (instances, service_instances)
}

/// GCP machine types, keyed by name (the first listing wins, as in CCF's family tables).
pub(crate) fn gcp(machines: &Table) -> HashMap<String, InstanceType> {
    let mut out = HashMap::new();
    for r in machines.rows() {
        let name = r.str("machine_type");
        out.entry(name.to_string()).or_insert_with(|| InstanceType {
            name: name.to_string(),
            family: r.str("family").to_string(),
            vcpu: r.f64("vcpu"),
            memory_gb: None,
            embodied_t: r.opt_f64("embodied_scope3_tCO2e_platform"),
            largest_vcpu: r.f64("largest_vcpu_in_family"),
            largest_memory_gb: None,
            processors: r.list("compute_processors"),
            gpu_model: None,
            gpu_count: 0.0,
            burstable_baseline_pct: None,
        });
    }
    out
}

/// The Azure tables a VM size is looked up in.
pub(crate) struct AzureTables<'t> {
    /// `azure_vm_types.csv` (series).
    pub(crate) series: &'t Table,
    /// `azure_vcpu_memory_by_meter.csv`.
    pub(crate) by_meter: &'t Table,
    /// `azure_constrained_vcpu_vm_types.csv`.
    pub(crate) constrained: &'t Table,
    /// `azure_gpu_vm_types.csv`.
    pub(crate) gpus: &'t Table,
}

/// Azure VM sizes keyed by meter name, in CCF's lookup order: series table, per-meter table,
/// constrained-vCPU table (the first listing of a name wins).
pub(crate) fn azure(t: &AzureTables<'_>) -> HashMap<String, InstanceType> {
    let gpus: HashMap<&str, (f64, Option<String>)> = t
        .gpus
        .rows()
        .map(|r| {
            let model = r.list("gpu_processors").into_iter().next();
            (r.str("meter_name_vm"), (r.f64("gpu_count"), model))
        })
        .collect();
    let last_memory = last_memory_by_family(t.series, "series", |_| true);
    let mut out: HashMap<String, InstanceType> = HashMap::new();
    let mut add = |mut vm: InstanceType| {
        if let Some((count, model)) = gpus.get(vm.name.as_str()) {
            vm.gpu_count = *count;
            vm.gpu_model = model.clone();
        }
        out.entry(vm.name.clone()).or_insert(vm);
    };
    for r in t.series.rows() {
        add(InstanceType {
            name: r.str("meter_name_vm").to_string(),
            family: r.str("series").to_string(),
            vcpu: r.f64("vcpu"),
            memory_gb: r.opt_f64("memory_gb"),
            embodied_t: r.opt_f64("embodied_scope3_tCO2e_platform"),
            largest_vcpu: r.f64("largest_vcpu_in_series"),
            largest_memory_gb: last_memory.get(r.str("series")).copied().flatten(),
            processors: r.list("compute_processors"),
            gpu_model: None,
            gpu_count: 0.0,
            burstable_baseline_pct: None,
        });
    }
    for r in t.by_meter.rows() {
        let vcpu = r.f64("vcpu");
        add(InstanceType {
            name: r.str("meter_name").to_string(),
            family: "by-meter".to_string(),
            vcpu,
            memory_gb: r.opt_f64("memory_gb"),
            embodied_t: None,
            largest_vcpu: vcpu,
            largest_memory_gb: None,
            processors: Vec::new(),
            gpu_model: None,
            gpu_count: 0.0,
            burstable_baseline_pct: None,
        });
    }
    for r in t.constrained.rows() {
        add(InstanceType {
            name: r.str("meter_name_vm").to_string(),
            family: "constrained-vcpu".to_string(),
            vcpu: r.f64("vcpu"),
            memory_gb: r.opt_f64("memory_gb"),
            embodied_t: r.opt_f64("embodied_scope3_tCO2e"),
            largest_vcpu: r.f64("underlying_vcpu"),
            largest_memory_gb: None,
            processors: Vec::new(),
            gpu_model: None,
            gpu_count: 0.0,
            burstable_baseline_pct: None,
        });
    }
    out
}
