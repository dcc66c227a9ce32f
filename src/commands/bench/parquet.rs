//! A Parquet file written row by row with polars' batched writer: rows are collected into typed
//! column builders and written as one row group every [`ROW_GROUP_ROWS`] rows (zstd), so memory
//! is bounded by one row group whatever the row count.

use anyhow::Context;
use polars::io::parquet::write::{BatchedWriter, ParquetCompression, ParquetWriter};
use polars::prelude::{
    ChunkedBuilder, Column, DataFrame, DataType, Field, Float64Type, Int64Type, IntoColumn,
    IntoSeries, PlSmallStr, PrimitiveChunkedBuilder, Schema, StringChunkedBuilder, TimeUnit,
    TimeZone,
};
use std::fs::File;
use std::path::{Path, PathBuf};

/// Rows per row group: ~1M, about what AWS's and Azure's Parquet exports hold per group.
pub const ROW_GROUP_ROWS: usize = 1 << 20;

/// The Parquet type of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// UTF-8 text.
    Text,
    /// 64-bit float (costs, rates, quantities, as AWS writes them).
    Double,
    /// Milliseconds since the epoch, UTC (`timestamp[ms, tz=UTC]`).
    Timestamp,
}

enum Builder {
    Text(StringChunkedBuilder),
    Double(PrimitiveChunkedBuilder<Float64Type>),
    Timestamp(PrimitiveChunkedBuilder<Int64Type>),
}

impl Builder {
    fn new(name: &str, kind: Kind, capacity: usize) -> Self {
        let name = PlSmallStr::from_str(name);
        match kind {
            Kind::Text => Self::Text(StringChunkedBuilder::new(name, capacity)),
            Kind::Double => Self::Double(PrimitiveChunkedBuilder::new(name, capacity)),
            Kind::Timestamp => Self::Timestamp(PrimitiveChunkedBuilder::new(name, capacity)),
        }
    }

    fn finish(self) -> Column {
        match self {
            Self::Text(b) => b.finish().into_column(),
            Self::Double(b) => b.finish().into_column(),
            Self::Timestamp(b) => b
                .finish()
                .into_datetime(TimeUnit::Milliseconds, Some(TimeZone::UTC))
                .into_series()
                .into_column(),
        }
    }
}

/// An open Parquet file.
pub struct ParquetSink {
    path: PathBuf,
    columns: Vec<(String, Kind)>,
    writer: BatchedWriter<File>,
    builders: Vec<Builder>,
    rows_in_group: usize,
    group_rows: usize,
}

impl ParquetSink {
    /// Creates `path` (truncating it) for `columns`, in order, with row groups of `group_rows`.
    ///
    /// # Errors
    /// Creating the file.
    pub fn create(
        path: &Path,
        columns: Vec<(String, Kind)>,
        group_rows: usize,
    ) -> anyhow::Result<Self> {
        let file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
        let builders = new_builders(&columns, group_rows);
        let schema: Schema = builders
            .iter()
            .zip(&columns)
            .map(|(b, (name, _))| {
                let dtype = match b {
                    Builder::Text(_) => DataType::String,
                    Builder::Double(_) => DataType::Float64,
                    Builder::Timestamp(_) => {
                        DataType::Datetime(TimeUnit::Milliseconds, Some(TimeZone::UTC))
                    }
                };
                Field::new(PlSmallStr::from_str(name), dtype)
            })
            .collect();
        let writer = ParquetWriter::new(file)
            .with_compression(ParquetCompression::Zstd(None))
            .batched(&schema)
            .with_context(|| format!("starting the Parquet writer for {}", path.display()))?;
        Ok(Self {
            path: path.to_path_buf(),
            columns,
            writer,
            builders,
            rows_in_group: 0,
            group_rows,
        })
    }

    /// Sets column `i` of the current row from text: empty is null; a double or timestamp
    /// column parses it (`4.4e-05`; `2026-10-01T00:00:00Z`), null when it does not parse.
    pub fn text(&mut self, i: usize, v: &str) {
        if v.is_empty() {
            return self.null(i);
        }
        match &mut self.builders[i] {
            Builder::Text(b) => b.append_value(v),
            Builder::Double(b) => b.append_option(v.parse().ok()),
            Builder::Timestamp(b) => b.append_option(
                chrono::DateTime::parse_from_rfc3339(v)
                    .ok()
                    .map(|t| t.timestamp_millis()),
            ),
        }
    }

    /// Sets double column `i` of the current row.
    pub fn double(&mut self, i: usize, v: Option<f64>) {
        match &mut self.builders[i] {
            Builder::Double(b) => b.append_option(v),
            _ => unreachable!("column {i} is not a double column"),
        }
    }

    /// Sets column `i` of the current row to null.
    pub fn null(&mut self, i: usize) {
        match &mut self.builders[i] {
            Builder::Text(b) => b.append_null(),
            Builder::Double(b) => b.append_null(),
            Builder::Timestamp(b) => b.append_null(),
        }
    }

    /// Ends the current row (every column must have been set once); writes a row group when
    /// it is full.
    ///
    /// # Errors
    /// Writing the file.
    pub fn end_row(&mut self) -> anyhow::Result<()> {
        self.rows_in_group += 1;
        if self.rows_in_group >= self.group_rows {
            self.write_group()?;
        }
        Ok(())
    }

    fn write_group(&mut self) -> anyhow::Result<()> {
        if self.rows_in_group == 0 {
            return Ok(());
        }
        let full = std::mem::replace(
            &mut self.builders,
            new_builders(&self.columns, self.group_rows),
        );
        let columns: Vec<Column> = full.into_iter().map(Builder::finish).collect();
        let df = DataFrame::new(self.rows_in_group, columns)
            .with_context(|| format!("assembling a row group of {}", self.path.display()))?;
        self.writer
            .write_batch(&df)
            .with_context(|| format!("writing {}", self.path.display()))?;
        self.rows_in_group = 0;
        Ok(())
    }

    /// Writes the last row group and the footer; returns the file's size.
    ///
    /// # Errors
    /// Writing the file.
    pub fn finish(mut self) -> anyhow::Result<u64> {
        self.write_group()?;
        self.writer
            .finish()
            .with_context(|| format!("finishing {}", self.path.display()))?;
        drop(self.writer);
        Ok(std::fs::metadata(&self.path)
            .with_context(|| format!("reading {}", self.path.display()))?
            .len())
    }
}

fn new_builders(columns: &[(String, Kind)], capacity: usize) -> Vec<Builder> {
    columns
        .iter()
        .map(|(name, kind)| Builder::new(name, *kind, capacity))
        .collect()
}
