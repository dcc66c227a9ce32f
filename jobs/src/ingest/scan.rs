//! Raw scans of source files: every CSV column as text (Parquet and NDJSON as typed), plus a
//! 1-based row number.

use super::parse::ROW;
use super::source::{FileFormat, InputFile};
use polars::prelude::*;

/// Scans `file` lazily. CSV columns are all read as text (the adapters parse them, with errors
/// that name the row); gzip is decompressed as a stream. `null_tokens` are read as nulls (CSV
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
            .with_infer_schema_length(Some(0))
            .with_null_values(Some(NullValues::AllColumns(
                null_tokens.iter().map(|t| (*t).into()).collect(),
            )))
            .with_missing_is_null(true)
            .with_row_index(row_index)
            .finish(),
    }
}
