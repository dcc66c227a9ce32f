//! Raw scans of source files: every CSV column as text, plus a 1-based row number.

use super::parse::ROW;
use super::source::{FileFormat, InputFile};
use polars::prelude::*;

/// Scans `file` lazily. CSV columns are all read as text (the adapters parse them, with errors
/// that name the row); gzip is decompressed as a stream. `null_tokens` are read as nulls.
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
