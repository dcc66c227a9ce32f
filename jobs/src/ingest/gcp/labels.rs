//! `labels` and `system_labels`: repeated `{key, value}` records. User labels become the tag
//! columns (through [`tags_from_json`](crate::ingest::normalize::tags_from_json), after turning
//! the list into a JSON object); a few system labels carry the machine shape.

use super::literal::Lit;
use super::nested::per_row;
use polars::prelude::*;
use serde_json::{Map, Value};

/// A label list as a JSON object text (`[{key: a, value: b}]` → `{"a":"b"}`), or null when empty.
/// The first occurrence of a key wins. A cell that is not a list of `{key, value}` records (or
/// a JSON object) is a bad value in `column`.
pub fn labels_json(raw: Expr, file: &str, column: &str) -> Expr {
    per_row(raw, file, column, |value| {
        let map = label_map(value)?;
        Ok((!map.is_empty()).then(|| Value::Object(map).to_string()))
    })
}

/// The value of label `key` as text, or null when absent.
pub fn label_value(raw: Expr, file: &str, column: &str, key: &'static str) -> Expr {
    per_row(raw, file, column, move |value| {
        Ok(label_map(value)?.get(key).and_then(|v| match v {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            other => Some(other.to_string()),
        }))
    })
}

/// The labels of one row as a map.
///
/// # Errors
/// A shape other than a list of `{key, value}` records or an object.
pub fn label_map(value: Option<&Lit>) -> Result<Map<String, Value>, String> {
    let mut map = Map::new();
    match value {
        None | Some(Lit::Null) => {}
        Some(Lit::List(items)) => {
            for item in items {
                let key = match item.get("key") {
                    Some(k) => k.scalar_text(),
                    None if matches!(item, Lit::Dict(_)) => {
                        return Err("a label without a key".into());
                    }
                    None => return Err("labels must be {key, value} records".into()),
                };
                let Some(key) = key else {
                    return Err("a label key must be text".into());
                };
                let value = item.get("value").map_or(Value::Null, json_of);
                map.entry(key).or_insert(value);
            }
        }
        Some(Lit::Dict(pairs)) => {
            for (k, v) in pairs {
                let Some(key) = k.scalar_text() else {
                    return Err("a label key must be text".into());
                };
                map.entry(key).or_insert_with(|| json_of(v));
            }
        }
        Some(_) => return Err("labels must be a list of {key, value} records".into()),
    }
    Ok(map)
}

fn json_of(v: &Lit) -> Value {
    match v {
        Lit::Null => Value::Null,
        Lit::Bool(b) => Value::Bool(*b),
        Lit::Num(t) | Lit::Str(t) => Value::String(t.clone()),
        Lit::List(items) => Value::Array(items.iter().map(json_of).collect()),
        Lit::Dict(pairs) => Value::Object(
            pairs
                .iter()
                .filter_map(|(k, v)| Some((k.scalar_text()?, json_of(v))))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::super::literal::parse;
    use super::*;

    fn map(text: &str) -> Result<String, String> {
        let lit = parse(text).map_err(|e| e.to_string())?;
        label_map(Some(&lit)).map(|m| Value::Object(m).to_string())
    }

    #[test]
    fn key_value_lists_become_objects() {
        assert_eq!(
            map("[{'key': 'goog-resource-type', 'value': 'bigquery_resource'}, {'key': 'env', 'value': None}]")
                .unwrap(),
            r#"{"env":null,"goog-resource-type":"bigquery_resource"}"#
        );
        assert_eq!(
            map(r#"[{"key": "a", "value": "1"}, {"key": "a", "value": "2"}]"#).unwrap(),
            r#"{"a":"1"}"#
        );
        assert_eq!(map(r#"{"team": "core"}"#).unwrap(), r#"{"team":"core"}"#);
        assert_eq!(map("[]").unwrap(), "{}");
        assert!(label_map(None).unwrap().is_empty());
    }

    #[test]
    fn other_shapes_are_refused() {
        assert!(
            map("[{'value': 'x'}]")
                .unwrap_err()
                .contains("without a key")
        );
        assert!(map("['a']").unwrap_err().contains("{key, value}"));
        assert!(map("'text'").unwrap_err().contains("list of {key, value}"));
        assert!(
            map("[{'key': None, 'value': 'x'}]")
                .unwrap_err()
                .contains("must be text")
        );
    }
}
