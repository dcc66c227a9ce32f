//! Writes the synthetic input of a format, reporting progress: the CUR-based formats draw the
//! same line items (same seed), so `cur-csv`, `cur-parquet` and `focus-parquet` files of one row
//! count describe the same charges.

use super::rows::RowWriter;
use super::world::World;
use super::{azure_csv, cur_csv, cur_parquet, focus_parquet};
use crate::cli::BenchFormat;
use std::path::Path;

/// The seed of every generated file: the same row count always gives the same bytes.
pub const SEED: u64 = 0x6772_6565_6E6F_7073;

/// What was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    /// Data rows (without the header).
    pub rows: u64,
    /// Columns.
    pub columns: usize,
    /// Text bytes before compression, header included (CSV.gz only).
    pub uncompressed_bytes: Option<u64>,
    /// Bytes of the file.
    pub compressed_bytes: u64,
}

impl Written {
    /// What a CSV.gz of `rows` rows and `columns` columns came to.
    pub fn csv_gz(rows: u64, columns: usize, sizes: &super::csv_gz::CsvGzSizes) -> Self {
        Self {
            rows,
            columns,
            uncompressed_bytes: Some(sizes.uncompressed),
            compressed_bytes: sizes.compressed,
        }
    }
}

/// Writes `rows` rows of `format` to `path` (truncating it), calling `progress(rows_so_far)`
/// after each million rows.
///
/// # Errors
/// Creating or writing the file.
pub fn write(
    format: BenchFormat,
    path: &Path,
    rows: u64,
    progress: impl FnMut(u64),
) -> anyhow::Result<Written> {
    match format {
        BenchFormat::CurCsv => cur_csv::write(path, rows, progress),
        BenchFormat::CurParquet => cur_parquet::write(path, rows, progress),
        BenchFormat::AzureCsv => azure_csv::write(path, rows, progress),
        BenchFormat::FocusParquet => focus_parquet::write(path, rows, progress),
    }
}

/// Calls a progress callback each time another million rows are done.
pub struct Progress<F> {
    next: u64,
    report: F,
}

impl<F: FnMut(u64)> Progress<F> {
    /// Reports through `report`.
    pub fn new(report: F) -> Self {
        Self {
            next: 1_000_000,
            report,
        }
    }

    /// `rows` are done.
    pub fn at(&mut self, rows: u64) {
        if rows >= self.next {
            (self.report)(rows);
            self.next += 1_000_000;
        }
    }
}

/// Draws `rows` synthetic CUR line items, handing each row's cells (in
/// [`super::header::HEADER`] order) to `emit`; returns the rows drawn.
///
/// # Errors
/// `emit` failing.
pub fn cur_rows(
    rows: u64,
    progress: impl FnMut(u64),
    mut emit: impl FnMut(&[String]) -> anyhow::Result<()>,
) -> anyhow::Result<u64> {
    let world = World::build(SEED);
    let mut writer = RowWriter::new(&world, SEED ^ 0x5EED);
    let mut progress = Progress::new(progress);
    let mut written = 0u64;
    while written < rows {
        written += writer.next_line_item(rows - written, &mut emit)?;
        progress.at(written);
    }
    Ok(written)
}
