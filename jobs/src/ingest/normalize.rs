//! Normalisation of enumerations and tags to one spelling.

use super::canonical::{SharedColumns, shared_text_columns};
use crate::error::bad_value_polars;
use polars::prelude::*;
use serde_json::{Map, Value};
use std::sync::Arc;

/// FOCUS 1.2 allowed values per enumerated column (the spec's spelling).
pub fn allowed_values(column: &str) -> &'static [&'static str] {
    match column {
        "ChargeCategory" => &["Usage", "Purchase", "Tax", "Credit", "Adjustment"],
        "ChargeClass" => &["Correction"],
        "ChargeFrequency" => &["One-Time", "Recurring", "Usage-Based"],
        "PricingCategory" => &["Standard", "Committed", "Dynamic", "Other"],
        "CommitmentDiscountCategory" => &["Spend", "Usage"],
        "CommitmentDiscountStatus" | "CapacityReservationStatus" => &["Used", "Unused"],
        "ServiceCategory" => &[
            "AI and Machine Learning",
            "Analytics",
            "Business Applications",
            "Compute",
            "Databases",
            "Developer Tools",
            "Multicloud",
            "Identity",
            "Integration",
            "Internet of Things",
            "Management and Governance",
            "Media",
            "Migration",
            "Mobile",
            "Networking",
            "Security",
            "Storage",
            "Web",
            "Other",
        ],
        _ => &[],
    }
}

/// Maps a value to the spec's spelling, ignoring case, spaces, `-` and `_`
/// (`usage-based` → `Usage-Based`, `on demand` stays unknown). Unknown values are returned trimmed.
pub fn canonical_enum(column: &str, value: &str) -> String {
    let fold = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .collect::<String>()
            .to_lowercase()
    };
    let key = fold(value);
    allowed_values(column)
        .iter()
        .find(|v| fold(v) == key)
        .map_or_else(|| value.trim().to_string(), |v| (*v).to_string())
}

/// Expression applying [`canonical_enum`] to a text column.
pub fn enum_expr(raw: Expr, column: &'static str) -> Expr {
    raw.map(
        move |c| {
            let text = c.cast(&DataType::String)?;
            let out: StringChunked = text
                .str()?
                .iter()
                .map(|v| v.map(|v| canonical_enum(column, v)))
                .collect();
            Ok(out.with_name(c.name().clone()).into_column())
        },
        |_, f| Ok(Field::new(f.name().clone(), DataType::String)),
    )
}

/// Values of top-level keys of a JSON-object text column, as text (strings unquoted, other
/// values as JSON; text that is not an object gives nulls). Each row is parsed once for all
/// `keys` ([`SharedColumns`]).
pub fn json_fields<const N: usize>(raw: Expr, keys: [&'static str; N]) -> SharedColumns<N> {
    shared_text_columns(raw, keys, move |c| {
        let text = c.cast(&DataType::String)?;
        let mut out: [Vec<Option<String>>; N] = std::array::from_fn(|_| Vec::new());
        for v in text.str()?.iter() {
            let obj = v.and_then(|v| serde_json::from_str::<Value>(v).ok());
            for (key, column) in keys.iter().zip(out.iter_mut()) {
                column.push(obj.as_ref().and_then(|o| match o.get(key)? {
                    Value::String(s) => Some(s.clone()),
                    Value::Null => None,
                    other => Some(other.to_string()),
                }));
            }
        }
        Ok(out)
    })
}

/// The normalised form of a tag key: trimmed, lower-case, whitespace as `_`, and AWS's `user:` /
/// `user_` prefix for user-defined cost allocation tags removed (so `resourceTags/user:Team`,
/// `resource_tags_user_team` and a FOCUS `Team` tag agree).
pub fn normalize_tag_key(raw: &str) -> String {
    let k = raw.trim().to_lowercase();
    let k = k
        .strip_prefix("user:")
        .or_else(|| k.strip_prefix("user_"))
        .unwrap_or(&k);
    k.split_whitespace().collect::<Vec<_>>().join("_")
}

/// The two JSON columns a tag set becomes: `Tags` (normalised keys) and `x_RawTags` (keys as
/// exported). Keys that collide after normalisation keep the value of the first raw key in
/// sorted order. Valueless keys get `true`, as FOCUS asks.
pub fn tag_pair(raw: Map<String, Value>) -> (Option<String>, Option<String>) {
    if raw.is_empty() {
        return (None, None);
    }
    let mut normalized = Map::new();
    for (k, v) in &raw {
        let v = if v.is_null() {
            Value::Bool(true)
        } else {
            v.clone()
        };
        normalized.entry(normalize_tag_key(k)).or_insert(v);
    }
    (
        Some(Value::Object(normalized).to_string()),
        Some(Value::Object(raw).to_string()),
    )
}

/// The two tag columns, in the order the tag functions return them.
pub const TAG_COLUMNS: [&str; 2] = ["Tags", "x_RawTags"];

/// The tag maps of one batch, one per row.
type TagRows = Vec<Map<String, Value>>;

/// `Tags` and `x_RawTags` from `input`, whose batches `rows_of` turns into one tag map per row.
///
/// Each row's tags are parsed once for both ([`SharedColumns`]).
fn tag_exprs<F>(input: Expr, rows_of: F) -> SharedColumns<2>
where
    F: Fn(&Column) -> PolarsResult<TagRows> + Send + Sync + 'static,
{
    shared_text_columns(input, TAG_COLUMNS, move |c| {
        let (tags, raw) = rows_of(c)?.into_iter().map(tag_pair).unzip();
        Ok([tags, raw])
    })
}

/// Expressions for `Tags` and `x_RawTags` from a JSON-object text column (FOCUS `Tags`, CUR 2.0
/// `resource_tags` in CSV) or a Parquet MAP column (CUR 2.0 `resource_tags` in Parquet).
/// A text value that is not a JSON object is a bad value.
pub fn tags_from_json(raw: Expr, file: &str, column: &str) -> SharedColumns<2> {
    let file: Arc<str> = file.into();
    let column: Arc<str> = column.into();
    let input = as_struct(vec![
        raw.alias("value"),
        col(super::parse::ROW).cast(DataType::UInt64).alias("row"),
    ]);
    tag_exprs(input, move |c: &Column| {
        let fields = c.struct_()?.fields_as_series();
        if let DataType::List(_) = fields[0].dtype() {
            return map_rows(&fields[0]);
        }
        let text = fields[0].cast(&DataType::String)?;
        let rows = fields[1].u64()?;
        let mut out = Vec::with_capacity(text.len());
        for (i, v) in text.str()?.iter().enumerate() {
            out.push(match v.map(str::trim) {
                None | Some("") | Some("{}") => Map::new(),
                Some(s) => match serde_json::from_str::<Value>(s) {
                    Ok(Value::Object(m)) => m,
                    _ => {
                        let row = rows.get(i).unwrap_or(0);
                        let reason = format!("{s:?} is not a JSON object");
                        return Err(bad_value_polars(&file, row, &column, &reason));
                    }
                },
            });
        }
        Ok(out)
    })
}

/// Rows of a Parquet MAP column (read by polars as a list of `{key, value}` structs).
fn map_rows(list: &Series) -> PolarsResult<TagRows> {
    let mut out = Vec::with_capacity(list.len());
    for entry in list.list()?.amortized_iter() {
        let mut m = Map::new();
        if let Some(entries) = entry {
            let pairs = entries.as_ref().struct_()?.fields_as_series();
            if pairs.len() >= 2 {
                let keys = pairs[0].cast(&DataType::String)?;
                let values = pairs[1].cast(&DataType::String)?;
                for (k, v) in keys.str()?.iter().zip(values.str()?.iter()) {
                    if let (Some(k), Some(v)) = (k, v)
                        && !v.is_empty()
                    {
                        m.insert(k.to_string(), Value::String(v.to_string()));
                    }
                }
            }
        }
        out.push(m);
    }
    Ok(out)
}

/// Expressions for `Tags` and `x_RawTags` from one column per tag (`raw_keys[i]` names the tag
/// held by `columns[i]`), as in AWS CUR's `resourceTags/*` columns. Empty values are absent tags.
pub fn tags_from_columns(columns: Vec<Expr>, raw_keys: Vec<String>) -> SharedColumns<2> {
    if columns.is_empty() {
        return SharedColumns::nulls(TAG_COLUMNS);
    }
    let keys: Arc<[String]> = raw_keys.into();
    let input = as_struct(
        columns
            .into_iter()
            .enumerate()
            .map(|(i, e)| e.alias(format!("t{i}")))
            .collect(),
    );
    tag_exprs(input, move |c: &Column| {
        let texts: Vec<Series> = c
            .struct_()?
            .fields_as_series()
            .iter()
            .map(|f| f.cast(&DataType::String))
            .collect::<PolarsResult<_>>()?;
        let cols: Vec<&StringChunked> =
            texts.iter().map(|s| s.str()).collect::<PolarsResult<_>>()?;
        Ok((0..c.len())
            .map(|row| {
                keys.iter()
                    .zip(&cols)
                    .filter_map(|(k, col)| {
                        let v = col.get(row).filter(|v| !v.is_empty())?;
                        Some((k.clone(), Value::String(v.to_string())))
                    })
                    .collect()
            })
            .collect())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_take_the_spec_spelling() {
        assert_eq!(
            canonical_enum("ChargeFrequency", "Usage-based"),
            "Usage-Based"
        );
        assert_eq!(
            canonical_enum("ChargeFrequency", "usage based"),
            "Usage-Based"
        );
        assert_eq!(canonical_enum("ChargeCategory", "USAGE"), "Usage");
        assert_eq!(canonical_enum("ChargeCategory", " Weird "), "Weird");
    }

    #[test]
    fn json_fields_are_read_as_text() {
        let df = df!("d" => [Some(r#"{"CoreCount": 4, "InstanceType": "m5.xlarge"}"#), Some("{}"), Some("nope"), None])
            .unwrap();
        let out = df
            .lazy()
            .with_column(
                json_fields(col("d"), ["CoreCount", "InstanceType"])
                    .expr
                    .unwrap()
                    .alias("s"),
            )
            .select([
                col("s").struct_().field_by_name("CoreCount").alias("c"),
                col("s").struct_().field_by_name("InstanceType").alias("i"),
            ])
            .collect()
            .unwrap();
        let c: Vec<_> = out.column("c").unwrap().str().unwrap().iter().collect();
        assert_eq!(c, [Some("4"), None, None, None]);
        assert_eq!(
            out.column("i").unwrap().str().unwrap().get(0),
            Some("m5.xlarge")
        );
    }

    #[test]
    fn tags_are_parsed_once_for_both_columns() {
        use crate::ingest::canonical::CanonicalFrame;
        use std::sync::atomic::{AtomicUsize, Ordering};
        let calls = Arc::new(AtomicUsize::new(0)); // rows parsed
        let counted = calls.clone();
        let columns = tag_exprs(col("t"), move |c: &Column| {
            counted.fetch_add(c.len(), Ordering::SeqCst);
            Ok(c.str()?
                .iter()
                .map(|v| {
                    v.and_then(|v| serde_json::from_str(v).ok())
                        .unwrap_or_default()
                })
                .collect())
        });
        let df = df!("t" => [Some(r#"{"User:Team":"a"}"#), None]).unwrap();
        for engine in [Engine::InMemory, Engine::Streaming] {
            calls.store(0, Ordering::SeqCst);
            let mut frame = CanonicalFrame::new();
            let [tags, raw] = frame.shared(columns.clone());
            frame.set("Tags", tags).set("x_RawTags", raw);
            let out = frame
                .apply(df.clone().lazy())
                .select([col("Tags"), col("x_RawTags")])
                .collect_with_engine(engine)
                .unwrap()
                .unwrap_single();
            // every row parsed once (the streaming engine may split the rows into batches)
            assert_eq!(calls.load(Ordering::SeqCst), df.height(), "{engine:?}");
            let got = |c: &str| {
                out.column(c)
                    .unwrap()
                    .str()
                    .unwrap()
                    .get(0)
                    .map(str::to_string)
            };
            assert_eq!(got("Tags").as_deref(), Some(r#"{"team":"a"}"#));
            assert_eq!(got("x_RawTags").as_deref(), Some(r#"{"User:Team":"a"}"#));
        }
    }

    #[test]
    fn tag_keys_are_normalised_and_raw_kept() {
        let raw: Map<String, Value> =
            serde_json::from_str(r#"{"user:Team":"a","Cost Center":"b","flag":null}"#).unwrap();
        let (norm, raw) = tag_pair(raw);
        assert_eq!(
            norm.unwrap(),
            r#"{"cost_center":"b","flag":true,"team":"a"}"#
        );
        assert_eq!(
            raw.unwrap(),
            r#"{"Cost Center":"b","flag":null,"user:Team":"a"}"#
        );
    }
}
