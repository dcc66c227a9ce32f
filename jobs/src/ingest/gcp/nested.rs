//! Repeated fields (credits, labels) in whichever shape the file has them: a text cell holding
//! JSON or a Python literal (CSV), or a list of structs (NDJSON, Parquet). Both become [`Lit`]
//! values, one per row, so the rules on top of them are written once.

use super::literal::{Lit, parse};
use crate::error::bad_value_polars;
use crate::ingest::parse::ROW;
use polars::prelude::*;
use std::sync::Arc;

/// A text expression computed per row from the literal value of `raw`: `rule` gets the row's
/// value (`None` for an empty cell) and returns the output text or the reason the row is bad,
/// which stops the ingest with a bad value naming `file`, the row and `column`.
pub fn per_row<F>(raw: Expr, file: &str, column: &str, rule: F) -> Expr
where
    F: Fn(Option<&Lit>) -> Result<Option<String>, String> + Send + Sync + 'static,
{
    let file: Arc<str> = file.into();
    let column: Arc<str> = column.into();
    as_struct(vec![
        raw.alias("value"),
        col(ROW).cast(DataType::UInt64).alias("row"),
    ])
    .map(
        move |c| {
            let fields = c.struct_()?.fields_as_series();
            let rows = fields[1].u64()?;
            let values = row_literals(&fields[0])?;
            let mut out = Vec::with_capacity(values.len());
            for (i, value) in values.into_iter().enumerate() {
                let result = value.and_then(|v| rule(v.as_ref()));
                match result {
                    Ok(text) => out.push(text),
                    Err(reason) => {
                        let row = rows.get(i).unwrap_or(0);
                        return Err(bad_value_polars(&file, row, &column, &reason));
                    }
                }
            }
            let out: StringChunked = out.into_iter().collect();
            Ok(out.with_name(c.name().clone()).into_column())
        },
        |_, f| Ok(Field::new(f.name().clone(), DataType::String)),
    )
}

/// One literal per row of `value`: text cells are parsed (blank → `None`), lists are converted
/// element by element, a column of nulls is all `None`.
pub fn row_literals(value: &Series) -> PolarsResult<Vec<Result<Option<Lit>, String>>> {
    Ok(match value.dtype() {
        DataType::Null => vec![Ok(None); value.len()],
        DataType::String => value
            .str()?
            .iter()
            .map(|v| match v.map(str::trim) {
                None | Some("") => Ok(None),
                Some(text) => parse(text).map(Some).map_err(|e| {
                    format!(
                        "{} is neither JSON nor a Python literal: {e}",
                        shorten(text)
                    )
                }),
            })
            .collect(),
        DataType::List(_) => {
            let mut out = Vec::with_capacity(value.len());
            for entry in value.list()?.amortized_iter() {
                out.push(Ok(match entry {
                    None => None,
                    Some(items) => Some(Lit::List(literals(items.as_ref())?)),
                }));
            }
            out
        }
        other => {
            let reason = format!("a column of type {other} is not a list");
            vec![Err(reason); value.len()]
        }
    })
}

/// The elements of `s` as literals (structs become dicts, lists lists, numbers keep the text
/// polars gives them, which for floats is the shortest form that round-trips).
fn literals(s: &Series) -> PolarsResult<Vec<Lit>> {
    let values: Vec<Lit> = match s.dtype() {
        DataType::Null => vec![Lit::Null; s.len()],
        DataType::Boolean => s
            .bool()?
            .iter()
            .map(|b| b.map_or(Lit::Null, Lit::Bool))
            .collect(),
        DataType::String => s
            .str()?
            .iter()
            .map(|v| v.map_or(Lit::Null, |v| Lit::Str(v.to_string())))
            .collect(),
        DataType::Struct(_) => {
            let fields = s.struct_()?.fields_as_series();
            let columns = fields
                .iter()
                .map(|f| Ok((f.name().to_string(), literals(f)?)))
                .collect::<PolarsResult<Vec<_>>>()?;
            (0..s.len())
                .map(|i| {
                    Lit::Dict(
                        columns
                            .iter()
                            .map(|(name, values)| (Lit::Str(name.clone()), values[i].clone()))
                            .collect(),
                    )
                })
                .collect()
        }
        DataType::List(_) => {
            let mut out = Vec::with_capacity(s.len());
            for entry in s.list()?.amortized_iter() {
                out.push(match entry {
                    None => Lit::Null,
                    Some(items) => Lit::List(literals(items.as_ref())?),
                });
            }
            out
        }
        dt if dt.is_primitive_numeric() || dt.is_decimal() => {
            let text = s.cast(&DataType::String)?;
            text.str()?
                .iter()
                .map(|v| v.map_or(Lit::Null, |v| Lit::Num(v.to_string())))
                .collect()
        }
        _ => {
            let text = s.cast(&DataType::String)?;
            text.str()?
                .iter()
                .map(|v| v.map_or(Lit::Null, |v| Lit::Str(v.to_string())))
                .collect()
        }
    };
    // struct rows that are null as a whole
    if matches!(s.dtype(), DataType::Struct(_)) && s.null_count() > 0 {
        let nulls = s.is_null();
        return Ok(values
            .into_iter()
            .zip(nulls.iter())
            .map(|(v, null)| if null == Some(true) { Lit::Null } else { v })
            .collect());
    }
    Ok(values)
}

/// A value for an error message, cut to a readable length.
pub fn shorten(text: &str) -> String {
    const MAX: usize = 120;
    if text.chars().count() <= MAX {
        format!("{text:?}")
    } else {
        let head: String = text.chars().take(MAX).collect();
        format!("{head:?}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_list_columns_give_the_same_literals() {
        let text = Series::new(
            "credits".into(),
            [
                Some("[{'amount': -1.5, 'type': 'PROMOTION'}]"),
                Some(""),
                None,
            ],
        );
        let from_text = row_literals(&text).unwrap();

        let amount = Series::new("amount".into(), [-1.5f64]);
        let kind = Series::new("type".into(), ["PROMOTION"]);
        let one = StructChunked::from_series("".into(), 1, [amount, kind].iter())
            .unwrap()
            .into_series();
        let empty = one.clear();
        let list = Series::new("credits".into(), [Some(one), Some(empty)]);
        let from_list = row_literals(&list).unwrap();

        assert_eq!(from_text[0], from_list[0]);
        assert_eq!(from_text[1], Ok(None));
        assert_eq!(from_list[1], Ok(Some(Lit::List(vec![]))));
        assert_eq!(from_text[2], Ok(None));
        let Ok(Some(v)) = &from_list[0] else { panic!() };
        let Lit::List(items) = v else { panic!() };
        assert_eq!(items[0].get("amount"), Some(&Lit::Num("-1.5".into())));
    }

    #[test]
    fn bad_text_names_the_value() {
        let text = Series::new("credits".into(), ["not a list"]);
        let err = row_literals(&text).unwrap().remove(0).unwrap_err();
        assert!(
            err.contains("\"not a list\" is neither JSON nor a Python literal"),
            "{err}"
        );
    }
}
