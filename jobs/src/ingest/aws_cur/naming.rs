//! The three AWS CUR naming styles, resolved to one set of column keys.
//!
//! * legacy CSV: `lineItem/UnblendedCost`, `resourceTags/user:Team`
//! * Athena / legacy Parquet: `line_item_unblended_cost`, `resource_tags_user_team`
//! * CUR 2.0: the Athena names, with tags in one `resource_tags` map column
//!
//! Keys are the Athena spelling, which the legacy names convert to mechanically
//! (`reservation/ReservationARN` → `reservation_reservation_a_r_n`).

use std::collections::HashMap;

/// The naming style of a CUR file, recognised from its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CurStyle {
    /// `category/Column` headers.
    Legacy,
    /// snake_case headers, tags as one column each.
    Athena,
    /// snake_case headers, tags in a `resource_tags` map.
    Cur2,
}

impl CurStyle {
    /// Name recorded in `x_SourceKind`.
    pub fn source_kind(self) -> &'static str {
        match self {
            CurStyle::Legacy => "aws-cur-legacy",
            CurStyle::Athena => "aws-cur-athena",
            CurStyle::Cur2 => "aws-cur2",
        }
    }
}

/// A resolved CUR header.
#[derive(Debug, Clone)]
pub struct CurColumns {
    /// Naming style.
    pub style: CurStyle,
    /// Athena key → column name in the file.
    pub by_key: HashMap<String, String>,
    /// Tag columns: (column name in the file, raw tag key).
    pub tag_columns: Vec<(String, String)>,
}

impl CurColumns {
    /// Recognises the style and resolves every column. `None` when this is not a CUR header.
    pub fn resolve(header: &[String]) -> Option<Self> {
        let legacy = header.iter().any(|h| h.starts_with("lineItem/"));
        let snake = header
            .iter()
            .any(|h| h == "line_item_unblended_cost" || h == "line_item_line_item_type");
        let style = if legacy {
            CurStyle::Legacy
        } else if snake && header.iter().any(|h| h == "resource_tags") {
            CurStyle::Cur2
        } else if snake {
            CurStyle::Athena
        } else {
            return None;
        };
        let mut by_key = HashMap::new();
        let mut tag_columns = Vec::new();
        for h in header {
            if let Some(tag) = h.strip_prefix("resourceTags/") {
                tag_columns.push((h.clone(), tag.to_string()));
            } else if let Some(tag) = h.strip_prefix("resource_tags_") {
                tag_columns.push((h.clone(), tag.to_string()));
            } else {
                let key = if style == CurStyle::Legacy {
                    athena_key(h)
                } else {
                    h.to_ascii_lowercase()
                };
                by_key.entry(key).or_insert_with(|| h.clone());
            }
        }
        Some(Self {
            style,
            by_key,
            tag_columns,
        })
    }

    /// The file's column for an Athena key.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.by_key.get(key).map(String::as_str)
    }
}

/// `lineItem/UnblendedCost` → `line_item_unblended_cost`; `reservation/ReservationARN` →
/// `reservation_reservation_a_r_n` (as AWS's Athena integration names them).
pub fn athena_key(legacy: &str) -> String {
    let (category, name) = legacy.split_once('/').unwrap_or(("", legacy));
    let snake = |s: &str| {
        let mut out = String::new();
        for (i, ch) in s.chars().enumerate() {
            if ch.is_ascii_uppercase() {
                if i > 0 {
                    out.push('_');
                }
                out.push(ch.to_ascii_lowercase());
            } else if ch.is_ascii_alphanumeric() {
                out.push(ch);
            } else {
                out.push('_');
            }
        }
        out
    };
    if category.is_empty() {
        snake(name)
    } else {
        format!("{}_{}", snake(category), snake(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_names_convert_like_athena() {
        assert_eq!(
            athena_key("lineItem/UnblendedCost"),
            "line_item_unblended_cost"
        );
        assert_eq!(
            athena_key("reservation/ReservationARN"),
            "reservation_reservation_a_r_n"
        );
        assert_eq!(athena_key("bill/PayerAccountId"), "bill_payer_account_id");
        assert_eq!(
            athena_key("savingsPlan/SavingsPlanARN"),
            "savings_plan_savings_plan_a_r_n"
        );
        assert_eq!(athena_key("product/instanceType"), "product_instance_type");
        assert_eq!(athena_key("product/vcpu"), "product_vcpu");
    }

    #[test]
    fn styles_are_recognised() {
        let h = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            CurColumns::resolve(&h(&["lineItem/UnblendedCost"]))
                .unwrap()
                .style,
            CurStyle::Legacy
        );
        assert_eq!(
            CurColumns::resolve(&h(&["line_item_unblended_cost"]))
                .unwrap()
                .style,
            CurStyle::Athena
        );
        assert_eq!(
            CurColumns::resolve(&h(&["line_item_unblended_cost", "resource_tags"]))
                .unwrap()
                .style,
            CurStyle::Cur2
        );
        assert!(CurColumns::resolve(&h(&["BilledCost"])).is_none());
    }
}
