//! Azure cost-details rows → usage (methodology: CCF's Azure classification, §3.3).
//!
//! `Mode::Corrected` scales block units (`10 Hours`, `100 GB/Month`, `50000 GB Seconds`) by their
//! block size, which CCF ignores (defect D4).

use super::lists::AZURE;
use crate::tables::Coefficients;
use crate::usage::{Mode, UnknownBy, Usage};

/// The cost-details fields classification reads.
#[derive(Debug, Clone, Copy)]
pub struct AzureRow<'a> {
    /// `MeterCategory` (e.g. `Virtual Machines`).
    pub meter_category: &'a str,
    /// `MeterName` (e.g. `D2 v2/DS2 v2`).
    pub meter_name: &'a str,
    /// `UnitOfMeasure` (e.g. `1 Hour`, `10 GB/Month`).
    pub unit: &'a str,
    /// `Quantity`.
    pub quantity: f64,
}

/// Classifies one cost-details row. A VM row on a GPU size yields compute and GPU usage.
pub fn classify_azure(row: &AzureRow<'_>, mode: Mode, c: &Coefficients) -> Vec<Usage> {
    let meter = row.meter_name;
    let unknown = || {
        vec![Usage::Unknown {
            by: UnknownBy::Usage,
            amount: row.quantity,
            unit: row.unit.to_string(),
        }]
    };
    if AZURE.contains_any("UNSUPPORTED_USAGE_TYPES", meter) {
        return vec![Usage::Unsupported {
            reason: format!("meter `{meter}` is not usage"),
        }];
    }
    if AZURE.contains_any("UNKNOWN_SERVICES", row.meter_category)
        || AZURE.contains_any("UNKNOWN_USAGE_TYPES", meter)
    {
        return unknown();
    }
    let block = match mode {
        Mode::Ccf => 1.0,
        Mode::Corrected => block_size(row.unit),
    };
    let quantity = row.quantity * block;
    if AZURE.equals_any("COMPUTE_USAGE_UNITS", row.unit) {
        return compute(meter, quantity, c);
    }
    if AZURE.equals_any("MEMORY_USAGE_UNITS", row.unit) {
        let per_second = row.unit.contains("Second");
        let gb_hours = if per_second {
            quantity / 3600.0
        } else {
            quantity
        };
        return vec![Usage::Memory { gb_hours }];
    }
    if AZURE.equals_any("STORAGE_USAGE_UNITS", row.unit) {
        let Some(ssd) = storage_media(meter, mode) else {
            return unknown();
        };
        let tb_hours = if row.unit == "1 TB/Month" {
            quantity * 24.0
        } else {
            (quantity / 1000.0) * 24.0
        };
        return vec![Usage::Storage {
            tb_hours,
            ssd,
            replication: Some(replication_key(row.meter_category, meter).to_string()),
        }];
    }
    if AZURE.equals_any("NETWORKING_USAGE_UNITS", row.unit)
        && AZURE.contains_any("NETWORKING_USAGE_TYPES", meter)
        && !meter.contains("To Any")
    {
        let gb = if row.unit.ends_with("TB") {
            quantity * 1000.0
        } else {
            quantity
        };
        return vec![Usage::Networking { gb }];
    }
    unknown()
}

/// The leading block size of a unit (`100 GB/Month` → 100; `1 Hour` → 1).
pub fn block_size(unit: &str) -> f64 {
    unit.split_whitespace()
        .next()
        .and_then(|n| n.parse::<f64>().ok())
        .unwrap_or(1.0)
}

/// The VM size a meter names: `D2 v2/DS2 v2` → `D2 v2`, `D4s v3 Spot` → `D4s v3`.
pub fn vm_size_of(meter: &str) -> &str {
    let first = meter.split('/').next().unwrap_or(meter).trim();
    first.strip_suffix(" Spot").unwrap_or(first).trim()
}

fn compute(meter: &str, hours: f64, c: &Coefficients) -> Vec<Usage> {
    let vm = c.azure_vm(vm_size_of(meter));
    // CCF: vCPUs from the VM tables, else 1
    let vcpu = vm.map_or(1.0, |v| v.vcpu);
    let mut usage = vec![Usage::Compute {
        vcpu_hours: vcpu * hours,
        instance_hours: hours,
        instance_type: vm.map(|v| v.name.clone()),
        processors: vm.map(|v| v.processors.clone()).unwrap_or_default(),
    }];
    if let Some(v) = vm.filter(|v| v.gpu_count > 0.0) {
        usage.push(Usage::Gpu {
            gpu_hours: v.gpu_count * hours,
            model: v.gpu_model.clone(),
        });
    }
    usage
}

/// SSD for premium/standard-SSD disk tiers (P*, E*) and CCF's storage meters; HDD for standard
/// HDD tiers (S*); `None` otherwise. CCF tests its storage list (which holds `LRS`) before the
/// S* tiers, so `S4 LRS Disk` counts as SSD; corrected mode decides by the tier first.
fn storage_media(meter: &str, mode: Mode) -> Option<bool> {
    let tier = meter.split_whitespace().next().unwrap_or("");
    let disk = |prefix: char| {
        tier.len() > 1 && tier.starts_with(prefix) && tier[1..].chars().all(|c| c.is_ascii_digit())
    };
    if mode == Mode::Corrected && disk('S') {
        return Some(false);
    }
    if disk('P') || disk('E') || AZURE.contains_any("STORAGE_USAGE_TYPES", meter) {
        Some(true)
    } else if disk('S') {
        Some(false)
    } else {
        None
    }
}

/// CCF's replication factor key for an Azure storage row (§2.4).
pub fn replication_key(category: &str, meter: &str) -> &'static str {
    let has = |k: &str| meter.contains(k);
    match category {
        "Storage" if has("GZRS") => "STORAGE_GZRS",
        "Storage" if has("GRS") => "STORAGE_GRS",
        "Storage" if has("ZRS") => "STORAGE_ZRS",
        "Storage" if has("Disk") || has("Managed") => "STORAGE_DISKS",
        "Storage" => "STORAGE_LRS",
        "Azure Database for MySQL" => "DATABASE_MYSQL",
        "Azure Cosmos DB" if has("Data Stored") => "COSMOS_DB",
        "SQL Database" if has("Data Stored") || has("vCore") => "SQL_DB",
        "Redis Cache" => "REDIS_CACHE",
        _ => "DEFAULT",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row<'a>(category: &'a str, meter: &'a str, unit: &'a str, quantity: f64) -> AzureRow<'a> {
        AzureRow {
            meter_category: category,
            meter_name: meter,
            unit,
            quantity,
        }
    }

    fn classify(r: &AzureRow<'_>, mode: Mode) -> Vec<Usage> {
        classify_azure(r, mode, Coefficients::ccf_app())
    }

    #[test]
    fn vm_meters_are_compute_and_block_units_scale_only_when_corrected() {
        assert_eq!(vm_size_of("D2 v2/DS2 v2"), "D2 v2");
        assert_eq!(vm_size_of("D4s v3 Spot"), "D4s v3");
        let vm = Coefficients::ccf_app()
            .azure_vm("D2 v2")
            .expect("D2 v2 in the VM table");
        let r = row("Virtual Machines", "D2 v2/DS2 v2", "10 Hours", 3.0);
        let ccf = classify(&r, Mode::Ccf);
        let fixed = classify(&r, Mode::Corrected);
        match (&ccf[0], &fixed[0]) {
            (
                Usage::Compute {
                    vcpu_hours: a,
                    instance_hours: ha,
                    ..
                },
                Usage::Compute {
                    vcpu_hours: b,
                    instance_hours: hb,
                    ..
                },
            ) => {
                assert_eq!(*a, vm.vcpu * 3.0, "D4: CCF ignores the 10-hour block");
                assert_eq!(*b, vm.vcpu * 30.0);
                assert_eq!((*ha, *hb), (3.0, 30.0));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn disks_memory_networking_and_the_rest() {
        let p10 = classify(&row("Storage", "P10 LRS Disk", "1 /Month", 1.0), Mode::Ccf);
        assert!(
            matches!(&p10[0], Usage::Storage { ssd: true, .. }),
            "{p10:?}"
        );
        let s4 = row("Storage", "S4 LRS Disk", "1 /Month", 1.0);
        assert!(
            matches!(
                &classify(&s4, Mode::Ccf)[0],
                Usage::Storage { ssd: true, .. }
            ),
            "as CCF"
        );
        let fixed = classify(&s4, Mode::Corrected);
        assert!(
            matches!(&fixed[0], Usage::Storage { ssd: false, .. }),
            "{fixed:?}"
        );
        let tb = classify(
            &row("Storage", "P30 LRS Disk", "1 TB/Month", 2.0),
            Mode::Ccf,
        );
        assert!(matches!(tb[0], Usage::Storage { tb_hours, .. } if tb_hours == 48.0));
        let fx = classify(
            &row("Functions", "Execution Time", "50000 GB Seconds", 7.2),
            Mode::Corrected,
        );
        assert!(
            matches!(fx[0], Usage::Memory { gb_hours } if (gb_hours - 100.0).abs() < 1e-9),
            "{fx:?}"
        );
        let out = classify(
            &row("Bandwidth", "Standard Data Transfer Out", "1 GB", 4.0),
            Mode::Ccf,
        );
        assert_eq!(out, [Usage::Networking { gb: 4.0 }]);
        let any = classify(
            &row(
                "Bandwidth",
                "Inter Continent Data Transfer Out To Any",
                "1 GB",
                4.0,
            ),
            Mode::Ccf,
        );
        assert!(matches!(any[0], Usage::Unknown { .. }));
        let lb = classify(
            &row("Load Balancer", "Data Processed", "1 GB", 4.0),
            Mode::Ccf,
        );
        assert!(matches!(
            lb[0],
            Usage::Unknown {
                by: UnknownBy::Usage,
                ..
            }
        ));
        let licence = classify(
            &row(
                "Virtual Machines Licenses",
                "Windows Server License",
                "1 Hour",
                1.0,
            ),
            Mode::Ccf,
        );
        assert!(matches!(licence[0], Usage::Unsupported { .. }));
    }
}
