//! Google Cloud billing export rows → usage (methodology: CCF's GCP classification, §3.2).

use super::lists::GCP;
use crate::tables::Coefficients;
use crate::usage::{UnknownBy, Usage};

/// The billing-export fields classification reads (FOCUS-aligned: `ServiceName`,
/// `SkuPriceDetails`/`x_UsageType`, `ConsumedUnit`, `ConsumedQuantity`, the machine type).
#[derive(Debug, Clone, Copy)]
pub struct GcpRow<'a> {
    /// `service.description` (e.g. `Compute Engine`).
    pub service: &'a str,
    /// `sku.description` (e.g. `N1 Predefined Instance Core running in Americas`).
    pub sku: &'a str,
    /// `usage.unit` (`seconds`, `byte-seconds`, `bytes`, `requests`, …).
    pub unit: &'a str,
    /// `usage.amount`.
    pub amount: f64,
    /// The machine type from the `compute.googleapis.com/machine_spec` label, if any.
    pub machine_type: Option<&'a str>,
}

const GIB: f64 = 1_073_741_824.0;
const TIB: f64 = 1_099_511_627_776.0;
/// vCPUs CCF assumes per GKE cluster (its control plane runs on e2-medium).
const VCPUS_PER_GKE_CLUSTER: f64 = 3.0;
/// vCPUs CCF assumes per Cloud Composer environment.
const VCPUS_PER_COMPOSER_ENVIRONMENT: f64 = 14.0;

/// Classifies one billing-export row.
pub fn classify_gcp(row: &GcpRow<'_>, c: &Coefficients) -> Usage {
    let (sku, service) = (row.sku, row.service);
    if GCP.contains_any("UNSUPPORTED_USAGE_TYPES", sku) {
        return Usage::Unsupported {
            reason: format!("SKU `{sku}` is a fee or charge, not usage"),
        };
    }
    if GCP.contains_any("SERVICES_TO_OVERRIDE_USAGE_UNIT_AS_UNKNOWN", service) {
        return Usage::Unsupported {
            reason: format!("{service} usage is not estimated"),
        };
    }
    let unknown = || Usage::Unknown {
        by: UnknownBy::Usage,
        amount: row.amount,
        unit: row.unit.to_string(),
    };
    if sku.is_empty()
        || GCP.contains_any("UNKNOWN_SERVICE_TYPES", service)
        || GCP.contains_any("UNKNOWN_USAGE_TYPES", sku)
        || GCP.contains_any("UNKNOWN_USAGE_UNITS", row.unit)
    {
        return unknown();
    }
    let compute_sku = GCP.contains_any("COMPUTE_STRING_FORMATS", sku);
    match row.unit {
        "seconds" if compute_sku => compute(row, c),
        "byte-seconds" if GCP.contains_any("MEMORY_USAGE_TYPES", sku) && !compute_sku => {
            Usage::Memory {
                gb_hours: row.amount / GIB / 3600.0,
            }
        }
        "byte-seconds" => Usage::Storage {
            tb_hours: row.amount / TIB / 3600.0,
            ssd: sku.contains("SSD"),
            replication: Some(replication_key(service, sku).to_string()),
        },
        "bytes" if GCP.contains_any("NETWORKING_STRING_FORMATS", sku) => Usage::Networking {
            gb: row.amount / GIB,
        },
        "seconds" | "bytes" => unknown(),
        other => Usage::Unsupported {
            reason: format!(
                "usage unit `{other}` is not read (CCF reads seconds, byte-seconds, bytes, requests)"
            ),
        },
    }
}

fn compute(row: &GcpRow<'_>, c: &Coefficients) -> Usage {
    let hours = row.amount / 3600.0;
    if row.sku.contains("GPU") {
        return Usage::Gpu {
            gpu_hours: hours,
            model: gpu_model(row.sku),
        };
    }
    let vcpu_hours = if row.sku.contains("Kubernetes Clusters") {
        hours * VCPUS_PER_GKE_CLUSTER
    } else if row.service.contains("Cloud Composer") && row.sku.contains("vCPU") {
        hours * VCPUS_PER_COMPOSER_ENVIRONMENT
    } else {
        hours
    };
    let machine = row.machine_type.and_then(|m| c.gcp_machine(m));
    Usage::Compute {
        vcpu_hours,
        // core SKUs count vCPU-seconds: the machine-hours are vCPU-hours over the machine's vCPUs
        instance_hours: machine.map_or(0.0, |m| vcpu_hours / m.vcpu),
        instance_type: machine.map(|m| m.name.clone()),
        processors: machine.map(|m| m.processors.clone()).unwrap_or_default(),
    }
}

/// The GPU model a SKU names (`Nvidia Tesla T4 GPU running in Americas` → `Nvidia Tesla T4`).
fn gpu_model(sku: &str) -> Option<String> {
    let model = sku.split(" GPU").next()?.trim();
    let model = model.strip_prefix("Commitment v1: ").unwrap_or(model);
    (!model.is_empty()).then(|| model.to_string())
}

/// CCF's replication factor key for a GCP storage row (§2.4).
pub fn replication_key(service: &str, sku: &str) -> &'static str {
    match service {
        "Cloud Storage" if sku.contains("Dual-region") => "CLOUD_STORAGE_DUAL_REGION",
        "Cloud Storage" if sku.contains("Multi-region") => "CLOUD_STORAGE_MULTI_REGION",
        "Cloud Storage" => "CLOUD_STORAGE_SINGLE_REGION",
        "Compute Engine" if sku.contains("Regional") => "COMPUTE_ENGINE_REGIONAL_DISKS",
        "Cloud Filestore" => "CLOUD_FILESTORE",
        "Cloud SQL" if sku.contains("Regional") => "CLOUD_SQL_HIGH_AVAILABILITY",
        "Cloud Memorystore for Redis" if sku.contains("Standard") => "CLOUD_MEMORY_STORE_REDIS",
        "Kubernetes Engine" if sku.contains("Regional") || sku.contains("Autopilot") => {
            "KUBERNETES_ENGINE"
        }
        _ => "DEFAULT",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row<'a>(service: &'a str, sku: &'a str, unit: &'a str, amount: f64) -> GcpRow<'a> {
        GcpRow {
            service,
            sku,
            unit,
            amount,
            machine_type: None,
        }
    }

    fn classify(r: &GcpRow<'_>) -> Usage {
        classify_gcp(r, Coefficients::ccf_app())
    }

    #[test]
    fn core_seconds_are_vcpu_hours_and_machine_hours_follow_the_machine_type() {
        let mut r = row(
            "Compute Engine",
            "N1 Predefined Instance Core running in Americas",
            "seconds",
            14_400.0,
        );
        r.machine_type = Some("n1-standard-2");
        match classify(&r) {
            Usage::Compute {
                vcpu_hours,
                instance_hours,
                instance_type,
                processors,
            } => {
                assert_eq!(vcpu_hours, 4.0);
                assert_eq!(instance_hours, 2.0, "4 vCPU-hours on a 2-vCPU machine");
                assert_eq!(instance_type.as_deref(), Some("n1-standard-2"));
                assert!(!processors.is_empty());
            }
            other => panic!("{other:?}"),
        }
        let gke = classify(&row(
            "Kubernetes Engine",
            "Kubernetes Clusters",
            "seconds",
            3600.0,
        ));
        assert!(matches!(gke, Usage::Compute { vcpu_hours, .. } if vcpu_hours == 3.0));
    }

    #[test]
    fn memory_storage_networking_gpu() {
        let ram = classify(&row(
            "Compute Engine",
            "N1 Predefined Instance Ram running in Americas",
            "byte-seconds",
            GIB * 3600.0 * 8.0,
        ));
        assert_eq!(ram, Usage::Memory { gb_hours: 8.0 });
        let pd = classify(&row(
            "Compute Engine",
            "SSD backed PD Capacity",
            "byte-seconds",
            TIB * 3600.0,
        ));
        assert_eq!(
            pd,
            Usage::Storage {
                tb_hours: 1.0,
                ssd: true,
                replication: Some("DEFAULT".into())
            }
        );
        let gcs = classify(&row(
            "Cloud Storage",
            "Standard Storage US Multi-region",
            "byte-seconds",
            TIB * 7200.0,
        ));
        assert_eq!(
            gcs,
            Usage::Storage {
                tb_hours: 2.0,
                ssd: false,
                replication: Some("CLOUD_STORAGE_MULTI_REGION".into())
            }
        );
        let egress = classify(&row(
            "Compute Engine",
            "Network Internet Egress from Americas to EMEA",
            "bytes",
            GIB * 5.0,
        ));
        assert_eq!(egress, Usage::Networking { gb: 5.0 });
        let gpu = classify(&row(
            "Compute Engine",
            "Nvidia Tesla T4 GPU running in Americas",
            "seconds",
            7200.0,
        ));
        assert_eq!(
            gpu,
            Usage::Gpu {
                gpu_hours: 2.0,
                model: Some("Nvidia Tesla T4".into())
            }
        );
    }

    #[test]
    fn unknown_and_unsupported() {
        let fee = classify(&row(
            "Cloud Storage",
            "Early Delete Fee",
            "byte-seconds",
            1.0,
        ));
        assert!(matches!(fee, Usage::Unsupported { .. }));
        let dns = classify(&row("Cloud DNS", "ManagedZone", "seconds", 100.0));
        assert!(
            matches!(dns, Usage::Unknown { by: UnknownBy::Usage, amount, .. } if amount == 100.0)
        );
        let requests = classify(&row(
            "Cloud Storage",
            "Class A Operations",
            "requests",
            10.0,
        ));
        assert!(matches!(requests, Usage::Unknown { .. }));
        let other_seconds = classify(&row(
            "Compute Engine",
            "Licensing Fee for Windows",
            "seconds",
            10.0,
        ));
        assert!(
            matches!(other_seconds, Usage::Unsupported { .. }),
            "fee first"
        );
    }
}
