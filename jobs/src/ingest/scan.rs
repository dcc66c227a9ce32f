//! Raw scans of source files: every CSV column as text (Parquet and NDJSON as typed), plus a
//! 1-based row number.

use super::parse::ROW;
use super::source::{FileFormat, InputFile};
use polars::prelude::*;

/// Scans `file` lazily. CSV columns are all read as text (the adapters parse them, with errors
/// that name the row), under the names [`InputFile::header`] reads; gzip is decompressed as a
/// stream. `null_tokens` are read as nulls (CSV
/// only). NDJSON keeps its nested objects and arrays as structs and lists; its schema is inferred
/// from every line (a field that is `[]` or `null` on the first lines must not hide its type),
/// and its row number counts objects.
///
/// # Errors
/// polars refusing the file.
pub fn scan_raw(file: &InputFile, null_tokens: &[&str]) -> PolarsResult<LazyFrame> {
    let path = PlRefPath::new(file.path.display().to_string());
    let row_index = Some(RowIndex {
        name: ROW.into(),
        offset: 1,
    });
    match file.format {
        FileFormat::Parquet => {
            let args = ScanArgsParquet {
                row_index,
                ..Default::default()
            };
            LazyFrame::scan_parquet(path, args)
        }
        FileFormat::NdJson => LazyJsonLineReader::new(path)
            .with_infer_schema_length(None)
            .with_row_index(row_index)
            .finish(),
        FileFormat::Csv { .. } => LazyCsvReader::new(path)
            .with_has_header(true)
            .with_schema(text_schema(file)?)
            .with_infer_schema_length(Some(0))
            .with_null_values(Some(NullValues::AllColumns(
                null_tokens.iter().map(|t| (*t).into()).collect(),
            )))
            .with_missing_is_null(true)
            .with_row_index(row_index)
            .finish(),
    }
}

/// The all-text schema of a CSV file from its header, so polars does not infer one: inference
/// reads the start of the file again, and (polars 0.55, reading without memory maps) never
/// returns on a truncated CSV.gz. `None` (infer) when names repeat or are blank, which polars
/// renames its own way.
fn text_schema(file: &InputFile) -> PolarsResult<Option<SchemaRef>> {
    let header = file
        .header()
        .map_err(|e| polars_err!(ComputeError: "{e}"))?;
    let mut seen = std::collections::HashSet::new();
    if header
        .iter()
        .any(|h| h.is_empty() || !seen.insert(h.as_str()))
    {
        return Ok(None);
    }
    Ok(Some(Arc::new(
        header
            .into_iter()
            .map(|h| Field::new(h.into(), DataType::String))
            .collect(),
    )))
}
