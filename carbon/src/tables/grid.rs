//! Grid emission factors (location-based, t CO2e per kWh) and GCP multi-region membership.

use std::collections::HashMap;

use super::table::Table;

/// The key every grid-factor table uses for its fallback row.
pub(crate) const UNKNOWN_REGION: &str = "Unknown";

/// GCP dual- and multi-regions and their member regions (methodology §6 D5).
///
/// CCF's factor for each of these is the *sum* of its members' 2021 intensities. The member lists
/// are recovered from the coefficient set itself: each is the only set of regions whose
/// location-based factors and CFE-adjusted factors both add up to the listed value (for `nam4`
/// and `us` with Google's published 394 g/kWh for `us-central1`, where the set lists 456); they
/// match Google's documented locations (e.g. `eur4` = Finland + Netherlands, `nam4` = Iowa +
/// South Carolina, `europe` = the EU regions, without London and Zurich).
pub const GCP_MULTI_REGIONS: [(&str, &[&str]); 6] = [
    ("asia1", &["asia-northeast1", "asia-northeast2"]),
    ("eur4", &["europe-north1", "europe-west4"]),
    ("nam4", &["us-central1", "us-east1"]),
    (
        "asia",
        &[
            "asia-east1",
            "asia-northeast1",
            "asia-northeast2",
            "asia-southeast1",
        ],
    ),
    (
        "europe",
        &[
            "europe-central2",
            "europe-north1",
            "europe-southwest1",
            "europe-west1",
            "europe-west3",
            "europe-west4",
            "europe-west8",
            "europe-west9",
        ],
    ),
    (
        "us",
        &[
            "us-central1",
            "us-east1",
            "us-east4",
            "us-east5",
            "us-west1",
            "us-west2",
            "us-west3",
            "us-west4",
            "us-south1",
        ],
    ),
];

/// Region → factor from a grid-factor table; panics when the `Unknown` fallback row is missing.
pub(crate) fn load(table: &Table, column: &str) -> HashMap<String, f64> {
    let factors: HashMap<String, f64> = table
        .rows()
        .map(|r| (r.str("region").to_string(), r.f64(column)))
        .collect();
    assert!(
        factors.contains_key(UNKNOWN_REGION),
        "grid factor table has no `{UNKNOWN_REGION}` row"
    );
    factors
}

/// Azure region alias → canonical region name (`eastus` → `EastUS`).
pub(crate) fn azure_aliases(table: &Table) -> HashMap<String, String> {
    let mut aliases = HashMap::new();
    for r in table.rows() {
        let canonical = r.str("canonical_name");
        aliases.insert(canonical.to_string(), canonical.to_string());
        for alias in r.list("aliases_pipe_separated") {
            aliases
                .entry(alias)
                .or_insert_with(|| canonical.to_string());
        }
    }
    aliases
}
