//! Reading whole columns of a small collected frame into Rust vectors.

use crate::error::Result;
use polars::prelude::*;

/// Column `name` as text (null → empty).
pub(crate) fn strings(df: &DataFrame, name: &str) -> Result<Vec<String>> {
    let column = df.column(name)?.cast(&DataType::String)?;
    Ok(column
        .str()?
        .iter()
        .map(|v| v.unwrap_or_default().to_string())
        .collect())
}

/// Column `name` as floats (nulls kept).
pub(crate) fn floats(df: &DataFrame, name: &str) -> Result<Vec<Option<f64>>> {
    Ok(df
        .column(name)?
        .cast(&DataType::Float64)?
        .f64()?
        .iter()
        .collect())
}
