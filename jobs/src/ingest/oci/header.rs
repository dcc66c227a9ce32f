//! Recognising an OCI cost report header and resolving its columns.
//!
//! Columns are found by name, ignoring ASCII case, never by position. `tags/<namespace>.<key>`
//! columns (one per defined tag; names may contain `\` and other punctuation) become tags whose raw
//! key is `<namespace>.<key>`.

use std::collections::HashMap;

/// Columns without which a file is not an OCI cost report.
pub const REQUIRED: [&str; 3] = [
    "lineItem/tenantId",
    "cost/myCost",
    "lineItem/intervalUsageStart",
];

/// Prefix of the tag columns.
const TAG_PREFIX: &str = "tags/";

/// A resolved OCI cost report header.
#[derive(Debug, Clone)]
pub struct OciColumns {
    /// Lower-cased column name → the column's name in the file.
    by_name: HashMap<String, String>,
    /// Tag columns: (column name in the file, raw tag key `<namespace>.<key>`).
    pub tag_columns: Vec<(String, String)>,
}

impl OciColumns {
    /// Resolves `header`; `Err` lists the required columns it lacks.
    pub fn resolve(header: &[String]) -> Result<Self, Vec<&'static str>> {
        let mut by_name = HashMap::new();
        let mut tag_columns = Vec::new();
        for h in header {
            let tag = h
                .get(..TAG_PREFIX.len())
                .filter(|p| p.eq_ignore_ascii_case(TAG_PREFIX))
                .map(|_| &h[TAG_PREFIX.len()..]);
            match tag {
                Some(key) if !key.is_empty() => tag_columns.push((h.clone(), key.to_string())),
                _ => {
                    by_name
                        .entry(h.to_ascii_lowercase())
                        .or_insert_with(|| h.clone());
                }
            }
        }
        let cols = Self {
            by_name,
            tag_columns,
        };
        let missing: Vec<&'static str> = REQUIRED
            .into_iter()
            .filter(|c| cols.get(c).is_none())
            .collect();
        if missing.is_empty() {
            Ok(cols)
        } else {
            Err(missing)
        }
    }

    /// The file's spelling of column `name` (as OCI documents it, e.g. `cost/myCost`).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.by_name
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn resolves_columns_and_tags() {
        let cols = OciColumns::resolve(&h(&[
            "lineItem/tenantId",
            "COST/MYCOST",
            "lineItem/intervalUsageStart",
            "tags/Oracle-Tags.CreatedBy",
            r"tags/DevRel\redbull-analytics-hol-4cb4.release",
        ]))
        .unwrap();
        assert_eq!(cols.get("cost/myCost"), Some("COST/MYCOST"));
        assert_eq!(cols.get("cost/currencyCode"), None);
        assert_eq!(
            cols.tag_columns,
            vec![
                (
                    "tags/Oracle-Tags.CreatedBy".to_string(),
                    "Oracle-Tags.CreatedBy".to_string()
                ),
                (
                    r"tags/DevRel\redbull-analytics-hol-4cb4.release".to_string(),
                    r"DevRel\redbull-analytics-hol-4cb4.release".to_string()
                ),
            ]
        );
    }

    #[test]
    fn reports_missing_required_columns() {
        let missing =
            OciColumns::resolve(&h(&["lineItem/tenantId", "usage/billedQuantity"])).unwrap_err();
        assert_eq!(missing, vec!["cost/myCost", "lineItem/intervalUsageStart"]);
    }
}
