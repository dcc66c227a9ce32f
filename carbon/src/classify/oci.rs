//! Oracle Cloud Infrastructure rows → usage, for the OCI proxy estimate (methodology:
//! docs/carbon-methodology.md, "OCI proxy"). CCF has no OCI rules; these are greenops' own.
//!
//! OCI meters usage in units written either as the cost report's `cost/billingUnitReadable`
//! (`1 NONE HOURS OCPUS`, `1 GiB MONTHS STORAGE_SIZE`: scale, size unit, time unit, metric) or as
//! a FOCUS unit (`OCPU Hours`, `GB Hours`, `Gigabyte Per Hour`); both are read here.

use crate::usage::{UnknownBy, Usage};

/// The fields OCI classification reads (cost report or FOCUS columns).
#[derive(Debug, Clone, Copy)]
pub struct OciRow<'a> {
    /// `product/service` / `ServiceName` (e.g. `COMPUTE`, `BLOCK_STORAGE`).
    pub service: &'a str,
    /// `product/Description` / `ChargeDescription` (e.g. `Standard - E4 - Memory`).
    pub description: &'a str,
    /// `cost/billingUnitReadable` or the FOCUS `PricingUnit`/`ConsumedUnit`.
    pub unit: &'a str,
    /// `usage/billedQuantity` / `ConsumedQuantity`, in `unit`.
    pub quantity: f64,
    /// The row's cost (what unknown rows are scaled by).
    pub cost: f64,
    /// Days in the row's (UTC) month, for month units.
    pub days_in_month: u32,
}

/// What an OCI unit measures.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Metric {
    Ocpu,
    Memory,
    Storage,
    Transfer,
    Other,
}

/// A parsed OCI unit: scale × size (in GB) per time unit (in hours) of a metric.
#[derive(Debug, Clone, Copy, PartialEq)]
struct OciUnit {
    scale: f64,
    gb: Option<f64>,
    hours: Option<f64>,
    metric: Metric,
}

/// Shape families (`Standard - E4`, `VM.Standard.A1.Flex`) → the microarchitecture whose
/// watts the proxy uses, and vCPUs per OCPU (2 on x86, where an OCPU is one core with two
/// threads; 1 on Ampere A1). Ampere Altra has the Neoverse N1 cores of AWS Graviton2, whose
/// CCF watts stand in for it.
const SHAPES: [(&str, &str, f64); 7] = [
    ("E2", "AMD EPYC 1st Gen", 2.0),
    ("E3", "AMD EPYC 2nd Gen", 2.0),
    ("E4", "AMD EPYC 3rd Gen", 2.0),
    ("E5", "AMD EPYC 4th Gen", 2.0),
    ("A1", "AWS Graviton2", 1.0),
    ("X7", "Skylake", 2.0),
    ("X9", "Ice Lake", 2.0),
];

/// Classifies one OCI row: OCPU-hours are compute, memory GB-hours memory, storage TB-hours
/// storage (SSD unless object, archive or image storage), outbound data transfer networking;
/// everything else is unknown usage scaled by cost.
pub fn classify_oci(row: &OciRow<'_>) -> Vec<Usage> {
    let unit = parse_unit(row.unit, row.description, row.days_in_month);
    let amount = row.quantity * unit.scale;
    let description = row.description.to_ascii_lowercase();
    let usage = match (unit.metric, unit.gb, unit.hours) {
        (Metric::Ocpu, _, hours) => {
            let (processor, vcpus_per_ocpu) = shape_of(row.description);
            Some(Usage::Compute {
                vcpu_hours: amount * hours.unwrap_or(1.0) * vcpus_per_ocpu,
                instance_hours: 0.0,
                instance_type: None,
                processors: processor.map(str::to_string).into_iter().collect(),
            })
        }
        (Metric::Memory, Some(gb), Some(hours)) => Some(Usage::Memory {
            gb_hours: amount * gb * hours,
        }),
        (Metric::Storage, Some(gb), Some(hours)) => {
            let object = ["object storage", "archive", "container image"]
                .iter()
                .any(|k| description.contains(k));
            Some(Usage::Storage {
                tb_hours: amount * gb * hours / 1000.0,
                ssd: !object,
                replication: Some(if object { "S3" } else { "EC2_EBS_VOLUME" }.to_string()),
            })
        }
        (Metric::Transfer, Some(gb), _) if description.contains("outbound data transfer") => {
            Some(Usage::Networking { gb: amount * gb })
        }
        _ => None,
    };
    vec![usage.unwrap_or_else(|| Usage::Unknown {
        by: UnknownBy::Cost,
        amount: row.cost,
        unit: row.unit.to_string(),
    })]
}

/// The microarchitecture and vCPUs per OCPU of a shape named in a description (`None` and 2
/// when the family is not recognised: the proxy's unknown-processor watts apply).
fn shape_of(description: &str) -> (Option<&'static str>, f64) {
    description
        .split(|c: char| !c.is_ascii_alphanumeric())
        .find_map(|token| SHAPES.iter().find(|(family, _, _)| *family == token))
        .map_or((None, 2.0), |(_, processor, per_ocpu)| {
            (Some(*processor), *per_ocpu)
        })
}

fn parse_unit(unit: &str, description: &str, days_in_month: u32) -> OciUnit {
    let upper = unit.to_ascii_uppercase();
    let tokens: Vec<&str> = upper
        .split(|c: char| c.is_whitespace() || c == '/' || c == '-')
        .filter(|t| !t.is_empty())
        .collect();
    let has = |words: &[&str]| tokens.iter().any(|t| words.contains(t));
    let scale = tokens
        .first()
        .and_then(|t| t.parse::<f64>().ok())
        .unwrap_or(1.0);
    let gb = [
        (["GIB", "GIBIBYTE", "GIBIBYTES"], 1.073_741_824),
        (["TIB", "TEBIBYTE", "TEBIBYTES"], 1_099.511_627_776),
        (["GB", "GIGABYTE", "GIGABYTES"], 1.0),
        (["TB", "TERABYTE", "TERABYTES"], 1000.0),
    ]
    .iter()
    .find(|(words, _)| has(words))
    .map(|(_, gb)| *gb);
    let hours = if has(&["HOURS", "HOUR", "HRS"]) {
        Some(1.0)
    } else if has(&["MONTHS", "MONTH"]) {
        Some(24.0 * f64::from(days_in_month))
    } else {
        None
    };
    let memory_described = description.to_ascii_lowercase().contains("memory");
    let metric = if has(&["OCPUS", "OCPU"]) {
        Metric::Ocpu
    } else if has(&["DATA_TRANSFERRED"]) || (gb.is_some() && hours.is_none()) {
        Metric::Transfer
    } else if has(&["MEMORY"]) || (gb.is_some() && hours == Some(1.0) && memory_described) {
        Metric::Memory
    } else if has(&["STORAGE_SIZE"]) || (gb.is_some() && hours.is_some()) {
        Metric::Storage
    } else {
        Metric::Other
    };
    OciUnit {
        scale,
        gb,
        hours,
        metric,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row<'a>(service: &'a str, description: &'a str, unit: &'a str, qty: f64) -> OciRow<'a> {
        OciRow {
            service,
            description,
            unit,
            quantity: qty,
            cost: 0.5,
            days_in_month: 30,
        }
    }

    #[test]
    fn cost_report_and_focus_units_parse_alike() {
        let readable = parse_unit("1 NONE HOURS OCPUS", "Standard - E4", 30);
        let focus = parse_unit("OCPU Hours", "Standard - E4", 30);
        assert_eq!(readable, focus);
        assert_eq!(readable.metric, Metric::Ocpu);
        let storage = parse_unit("1 GiB MONTHS STORAGE_SIZE", "Block Volume - Storage", 30);
        assert_eq!(
            (storage.gb, storage.hours, storage.metric),
            (Some(1.073_741_824), Some(720.0), Metric::Storage)
        );
        let memory = parse_unit("Gigabyte Per Hour", "Standard - A1 - Memory", 30);
        assert_eq!(memory.metric, Metric::Memory);
        let points = parse_unit("1000000 NONE NONE DATAPOINTS", "Monitoring", 30);
        assert_eq!((points.scale, points.metric), (1_000_000.0, Metric::Other));
    }

    #[test]
    fn ocpu_hours_are_vcpu_hours_of_the_shape() {
        // 3 OCPU-hours of E4 (x86: 2 vCPUs per OCPU) → 6 vCPU-hours on AMD Milan
        let e4 = classify_oci(&row("COMPUTE", "Standard - E4", "1 NONE HOURS OCPUS", 3.0));
        assert_eq!(
            e4,
            [Usage::Compute {
                vcpu_hours: 6.0,
                instance_hours: 0.0,
                instance_type: None,
                processors: vec!["AMD EPYC 3rd Gen".into()],
            }]
        );
        // Ampere A1: one vCPU per OCPU
        let a1 = classify_oci(&row("COMPUTE", "Standard - A1", "OCPU Per Hour", 3.0));
        assert!(
            matches!(&a1[0], Usage::Compute { vcpu_hours, processors, .. }
            if *vcpu_hours == 3.0 && processors == &["AWS Graviton2".to_string()])
        );
        // an unknown family: 2 vCPUs per OCPU, the unknown-processor watts
        let x = classify_oci(&row("COMPUTE", "Optimized3", "OCPU Hours", 1.0));
        assert!(
            matches!(&x[0], Usage::Compute { vcpu_hours, processors, .. }
            if *vcpu_hours == 2.0 && processors.is_empty())
        );
    }

    #[test]
    fn memory_storage_and_transfer() {
        let memory = classify_oci(&row(
            "COMPUTE",
            "Standard - E4 - Memory",
            "1 GiB HOURS MEMORY",
            16.0,
        ));
        assert_eq!(
            memory,
            [Usage::Memory {
                gb_hours: 16.0 * 1.073_741_824
            }]
        );
        // 100 GiB for a whole 30-day month on block volumes: SSD, EBS-like replication
        let block = classify_oci(&row(
            "BLOCK_STORAGE",
            "Block Volume - Storage",
            "1 GiB MONTHS STORAGE_SIZE",
            100.0,
        ));
        match &block[0] {
            Usage::Storage {
                tb_hours,
                ssd: true,
                replication,
            } => {
                assert!((tb_hours - 100.0 * 1.073_741_824 * 720.0 / 1000.0).abs() < 1e-9);
                assert_eq!(replication.as_deref(), Some("EC2_EBS_VOLUME"));
            }
            other => panic!("{other:?}"),
        }
        let object = classify_oci(&row(
            "OBJECTSTORE",
            "Object Storage - Storage",
            "1 GiB MONTHS STORAGE_SIZE",
            1.0,
        ));
        assert!(matches!(&object[0], Usage::Storage { ssd: false, .. }));
        let egress = classify_oci(&row(
            "NETWORK",
            "Outbound Data Transfer Zone 1",
            "1 GiB HOURS DATA_TRANSFERRED",
            10.0,
        ));
        assert_eq!(
            egress,
            [Usage::Networking {
                gb: 10.0 * 1.073_741_824
            }]
        );
        // streaming PUT/GET is data transferred but not egress; a per-instance hour has no shape
        for (service, description, unit) in [
            (
                "ORACLE_STREAMING_SERVICE",
                "Streaming - PUT or GET",
                "1 GiB NONE DATA_TRANSFERRED",
            ),
            (
                "MYSQL",
                "MySQL Database for HeatWave - Standard - Node per hour",
                "1 NONE HOURS INSTANCE",
            ),
        ] {
            let usage = classify_oci(&row(service, description, unit, 1.0));
            assert!(
                matches!(&usage[0], Usage::Unknown { by: UnknownBy::Cost, amount, .. } if *amount == 0.5),
                "{description}: {usage:?}"
            );
        }
    }
}
