//! CCF's classification lists, read from the embedded classification tables.

use std::collections::BTreeMap;
use std::sync::LazyLock;

/// Lists by name (`SSD_USAGE_TYPES`, …) from one `*_usage_classification.csv`.
#[derive(Debug, Default)]
pub(crate) struct Lists(BTreeMap<String, Vec<String>>);

impl Lists {
    /// Parses `list,value,match_rule,effect` rows (header first).
    fn parse(name: &str, text: &str) -> Self {
        let records = crate::tables::csv::parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut lists: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for record in records.iter().skip(1) {
            let (Some(list), Some(value)) = (record.fields.first(), record.fields.get(1)) else {
                panic!("{name}:{}: expected list,value,…", record.line);
            };
            // `KNOWN_USAGE_UNITS (pricing_unit)` names the list `KNOWN_USAGE_UNITS`
            let list = list.split(" (").next().unwrap_or(list).trim().to_string();
            lists
                .entry(list)
                .or_default()
                .push(value.trim().to_string());
        }
        Lists(lists)
    }

    /// The values of a list (empty when the table has no such list).
    pub(crate) fn get(&self, list: &str) -> &[String] {
        self.0.get(list).map_or(&[], Vec::as_slice)
    }

    /// Does `text` end with any value of `list`?
    pub(crate) fn ends_with_any(&self, list: &str, text: &str) -> bool {
        self.get(list).iter().any(|v| text.ends_with(v.as_str()))
    }

    /// Does `text` end with or contain any value of `list`?
    pub(crate) fn contains_any(&self, list: &str, text: &str) -> bool {
        self.get(list).iter().any(|v| text.contains(v.as_str()))
    }

    /// Is `text` exactly one of the values of `list`?
    pub(crate) fn equals_any(&self, list: &str, text: &str) -> bool {
        self.get(list).iter().any(|v| v == text)
    }
}

/// AWS CUR lists.
pub(crate) static AWS: LazyLock<Lists> = LazyLock::new(|| {
    Lists::parse(
        "aws_cur_usage_classification.csv",
        include_str!("../../data/ccf-app-2024-03-25/aws_cur_usage_classification.csv"),
    )
});

/// Google Cloud billing export lists.
pub(crate) static GCP: LazyLock<Lists> = LazyLock::new(|| {
    Lists::parse(
        "gcp_billing_export_usage_classification.csv",
        include_str!("../../data/ccf-app-2024-03-25/gcp_billing_export_usage_classification.csv"),
    )
});

/// Azure cost-details lists.
pub(crate) static AZURE: LazyLock<Lists> = LazyLock::new(|| {
    Lists::parse(
        "azure_consumption_usage_classification.csv",
        include_str!("../../data/ccf-app-2024-03-25/azure_consumption_usage_classification.csv"),
    )
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_lists_load_with_the_expected_sizes() {
        assert_eq!(AWS.get("SSD_USAGE_TYPES").len(), 24);
        assert_eq!(AWS.get("HDD_USAGE_TYPES").len(), 53);
        assert_eq!(AWS.get("NETWORKING_USAGE_TYPES").len(), 14);
        assert_eq!(AWS.get("KNOWN_USAGE_UNITS").len(), 16);
        assert_eq!(AWS.get("UNSUPPORTED_USAGE_TYPES").len(), 6);
        assert!(AWS.equals_any("KNOWN_USAGE_UNITS", "GB-Mo"));
        for values in AWS.0.values() {
            assert!(
                values.iter().all(|v| !v.starts_with('"')),
                "no quoted values: {values:?}"
            );
        }
    }
}
