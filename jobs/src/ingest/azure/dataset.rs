//! Actual and amortized datasets: which one a file is, and how one run combines them.
//!
//! `discover` decides a [`Plan`] for the whole export and hands it to `canonical` through
//! [`crate::ingest::Export::context`] / [`crate::ingest::FileContext::export`].

use polars::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;
use std::sync::Arc;

/// The Cost Management dataset a cost-details file belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dataset {
    /// `ActualCost`: what is invoiced (commitment purchases in full, covered usage at 0).
    Actual,
    /// `AmortizedCost`: commitment purchases spread over the usage they cover.
    Amortized,
}

impl Dataset {
    /// Lower-case name (`actual`, `amortized`).
    pub fn name(self) -> &'static str {
        match self {
            Dataset::Actual => "actual",
            Dataset::Amortized => "amortized",
        }
    }
}

/// The dataset a path suggests: the deepest component of `path` whose name contains `amortized`
/// or `actual`, ignoring case (so the folder nearest the file decides); a component containing
/// both says nothing.
pub fn dataset_from_path(path: &Path) -> Option<Dataset> {
    path.components().rev().find_map(|c| {
        let name = c.as_os_str().to_string_lossy().to_lowercase();
        match (name.contains("amortized"), name.contains("actual")) {
            (true, false) => Some(Dataset::Amortized),
            (false, true) => Some(Dataset::Actual),
            _ => None,
        }
    })
}

/// What `discover` decided for the export, read back by `canonical`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Plan {
    /// Dataset per data file (keyed by its display path).
    pub files: BTreeMap<String, Dataset>,
    /// Scopes (see [`scope_key`]) for which this run holds amortized data while it also holds
    /// actual data: actual files keep only their commitment purchases in these scopes.
    pub amortized_scopes: BTreeSet<String>,
}

impl Plan {
    /// The plan stored in an export context (an empty plan when there is none).
    pub fn from_context(context: &serde_json::Value) -> Self {
        serde_json::from_value(context.clone()).unwrap_or_default()
    }

    /// The plan as an export context.
    pub fn to_context(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}

/// The scope of a canonical row: `BillingAccountId|BillingPeriodStart (YYYY-MM-DD)`.
pub fn scope_key() -> Expr {
    concat_str(
        [
            col("BillingAccountId"),
            col("BillingPeriodStart").dt().strftime("%Y-%m-%d"),
        ],
        "|",
        false,
    )
}

/// Whether each row's [`scope_key`] is one of `scopes`.
pub fn in_scopes(scopes: &BTreeSet<String>) -> Expr {
    let set: Arc<HashSet<String>> = Arc::new(scopes.iter().cloned().collect());
    scope_key().map(
        move |c| {
            let out: BooleanChunked = c
                .str()?
                .iter()
                .map(|v| Some(v.is_some_and(|v| set.contains(v))))
                .collect();
            Ok(out.with_name(c.name().clone()).into_column())
        },
        |_, f| Ok(Field::new(f.name().clone(), DataType::Boolean)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datasets_from_paths() {
        let d = |p: &str| dataset_from_path(Path::new(p));
        assert_eq!(d("exports/Amortized/part.csv"), Some(Dataset::Amortized));
        assert_eq!(d("exports/ActualCost/part.csv"), Some(Dataset::Actual));
        assert_eq!(
            d("actual_and_amortized/amortized/x.csv"),
            Some(Dataset::Amortized)
        );
        assert_eq!(d("actual_and_amortized/x.csv"), None);
        assert_eq!(
            d("/home/actualuser/amortized-2024/x.csv"),
            Some(Dataset::Amortized)
        );
        assert_eq!(d("exports/x.csv"), None);
    }

    #[test]
    fn plans_round_trip_through_the_context() {
        let mut p = Plan::default();
        p.files.insert("a.csv".into(), Dataset::Amortized);
        p.amortized_scopes.insert("1|2024-01-01".into());
        let back = Plan::from_context(&p.to_context());
        assert_eq!(back.files["a.csv"], Dataset::Amortized);
        assert!(back.amortized_scopes.contains("1|2024-01-01"));
        assert!(
            Plan::from_context(&serde_json::Value::Null)
                .files
                .is_empty()
        );
    }
}
