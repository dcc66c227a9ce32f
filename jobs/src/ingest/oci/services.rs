//! OCI `product/service` → FOCUS `ServiceCategory`, from `jobs/data/oci_service_categories.csv`.
//!
//! The table is hand-written (no upstream mapping exists); it covers every service in the bundled
//! sample — BLOCK_STORAGE, OBJECTSTORE → Storage; COMPUTE → Compute; DATABASE, MYSQL → Databases;
//! NETWORK → Networking; ORACLE_STREAMING_SERVICE → Analytics (as AWS Kinesis); TELEMETRY
//! (Monitoring) → Management and Governance — plus common OCI service names. Names match ignoring
//! ASCII case; anything else, and a missing service, is `Other`.

use polars::prelude::*;
use std::collections::HashMap;
use std::sync::LazyLock;

static CATEGORIES: LazyLock<HashMap<String, String>> = LazyLock::new(|| {
    include_str!("../../../data/oci_service_categories.csv")
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(','))
        .map(|(service, cat)| (service.trim().to_ascii_uppercase(), cat.trim().to_string()))
        .collect()
});

/// The FOCUS service category of one OCI service name.
pub fn category_of(service: Option<&str>) -> &'static str {
    service
        .and_then(|s| CATEGORIES.get(&s.trim().to_ascii_uppercase()))
        .map_or("Other", String::as_str)
}

/// Expression mapping a text column of OCI service names to FOCUS service categories.
pub fn service_category(service: Expr) -> Expr {
    service.map(
        |c| {
            let out: StringChunked = c.str()?.iter().map(|v| Some(category_of(v))).collect();
            Ok(out.with_name(c.name().clone()).into_column())
        },
        |_, field| Ok(Field::new(field.name().clone(), DataType::String)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::normalize::allowed_values;

    #[test]
    fn sample_services_are_categorised() {
        for (service, category) in [
            ("BLOCK_STORAGE", "Storage"),
            ("COMPUTE", "Compute"),
            ("DATABASE", "Databases"),
            ("MYSQL", "Databases"),
            ("NETWORK", "Networking"),
            ("OBJECTSTORE", "Storage"),
            ("ORACLE_STREAMING_SERVICE", "Analytics"),
            ("TELEMETRY", "Management and Governance"),
        ] {
            assert_eq!(category_of(Some(service)), category, "{service}");
        }
        assert_eq!(category_of(Some("compute")), "Compute");
        assert_eq!(category_of(Some("QUANTUM_TOASTER")), "Other");
        assert_eq!(category_of(None), "Other");
    }

    #[test]
    fn every_category_is_a_focus_value() {
        let allowed = allowed_values("ServiceCategory");
        assert!(CATEGORIES.len() > 8);
        for (service, category) in CATEGORIES.iter() {
            assert!(
                allowed.contains(&category.as_str()),
                "{service}: {category}"
            );
        }
    }
}
