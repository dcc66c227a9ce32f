//! FOCUS 1.2 export: the cost table as FOCUS 1.2 cost and usage files, CSV or Parquet.
//!
//! * Columns: the 57 FOCUS 1.2 columns in the spec's alphabetical order, then greenops' `x_`
//!   columns (FOCUS requires custom columns to follow the FOCUS ones and start with `x_`).
//! * Types: costs and prices `DECIMAL(38,24)`, quantities `DECIMAL(38,18)`, instants UTC. In CSV,
//!   instants are written `YYYY-MM-DDTHH:MM:SSZ`, nulls as empty fields (FOCUS forbids
//!   placeholder strings), JSON columns as JSON text, decimals without exponent.
//! * Values: enumerations already carry the spec's spelling (normalised at ingest).
//! * Rows are ordered by provider, billing account, billing period, source file and row, so an
//!   export of the same warehouse state is byte-identical.
//! * Next to the data, `focus-metadata.json` describes the dataset (FOCUS 1.1+ metadata shape:
//!   FocusVersion, DataGenerator, CreationDate, column list with types).

use crate::error::{JobError, Result};
use polars::prelude::*;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use warehouse::schema::{COST_COLUMNS, COST_PARTITION_COLUMNS, COST_TABLE, ColumnKind};
use warehouse::{PartitionFilter, Warehouse};

/// File format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// Comma-separated values with a header.
    Csv,
    /// Apache Parquet (zstd).
    Parquet,
}

impl ExportFormat {
    fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Parquet => "parquet",
        }
    }
}

/// What an export wrote.
#[derive(Debug, Clone)]
pub struct ExportSummary {
    /// The data file.
    pub data_file: PathBuf,
    /// The metadata file.
    pub metadata_file: PathBuf,
    /// Rows written.
    pub rows: u64,
}

/// Writes the cost rows selected by `filter` as one FOCUS 1.2 file in `out`.
///
/// # Errors
/// Warehouse or polars failures, or an output folder that cannot be created.
pub async fn export_focus_1_2(
    warehouse: &Warehouse,
    filter: PartitionFilter,
    format: ExportFormat,
    out: &Path,
) -> Result<ExportSummary> {
    std::fs::create_dir_all(out).map_err(|e| JobError::io(out.display(), e))?;
    let data_file = out.join(format!("focus-1.2-cost-and-usage.{}", format.extension()));
    let metadata_file = out.join("focus-metadata.json");
    let lf = warehouse.scan(COST_TABLE).filter(filter).lazy().await?;
    let mut order: Vec<PlSmallStr> = COST_PARTITION_COLUMNS.iter().map(|c| (*c).into()).collect();
    order.extend(["x_SourceFile".into(), "x_SourceRow".into()]);
    let columns: Vec<Expr> = COST_COLUMNS.iter().map(|c| col(c.name)).collect();
    let lf = lf
        .sort(
            order,
            SortMultipleOptions::default().with_maintain_order(true),
        )
        .select(columns);
    let target = data_file.clone();
    let rows = tokio::task::spawn_blocking(move || -> PolarsResult<u64> {
        let write_format = match format {
            ExportFormat::Parquet => FileWriteFormat::Parquet(Arc::new(ParquetWriteOptions {
                compression: ParquetCompression::Zstd(None),
                ..Default::default()
            })),
            ExportFormat::Csv => FileWriteFormat::Csv(CsvWriterOptions {
                serialize_options: Arc::new(SerializeOptions {
                    datetime_format: Some("%Y-%m-%dT%H:%M:%SZ".into()),
                    null: "".into(),
                    ..Default::default()
                }),
                ..Default::default()
            }),
        };
        lf.sink(
            SinkDestination::File {
                target: SinkTarget::Path(PlRefPath::new(target.display().to_string())),
            },
            write_format,
            UnifiedSinkArgs {
                mkdir: true,
                ..Default::default()
            },
        )?
        .collect_with_engine(Engine::Streaming)?;
        let counted = match format {
            ExportFormat::Parquet => LazyFrame::scan_parquet(
                PlRefPath::new(target.display().to_string()),
                Default::default(),
            )?,
            ExportFormat::Csv => LazyCsvReader::new(PlRefPath::new(target.display().to_string()))
                .with_infer_schema_length(Some(0))
                .finish()?,
        }
        .select([len()])
        .collect()?;
        Ok(counted
            .column("len")?
            .cast(&DataType::UInt64)?
            .u64()?
            .get(0)
            .unwrap_or(0))
    })
    .await
    .map_err(|e| JobError::Polars(PolarsError::ComputeError(e.to_string().into())))??;

    let metadata = json!({
        "FocusVersion": "1.2",
        "DataGenerator": format!("greenops {}", env!("CARGO_PKG_VERSION")),
        "CreationDate": warehouse.clock().now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        "DatasetType": "CostAndUsage",
        "Files": [data_file.file_name().map(|n| n.to_string_lossy().to_string())],
        "Rows": rows,
        "Columns": COST_COLUMNS.iter().map(|c| json!({
            "ColumnName": c.name,
            "DataType": focus_type(c.kind),
            "Custom": c.name.starts_with("x_"),
        })).collect::<Vec<_>>(),
    });
    std::fs::write(
        &metadata_file,
        serde_json::to_vec_pretty(&metadata).unwrap_or_default(),
    )
    .map_err(|e| JobError::io(metadata_file.display(), e))?;
    Ok(ExportSummary {
        data_file,
        metadata_file,
        rows,
    })
}

fn focus_type(kind: ColumnKind) -> &'static str {
    match kind {
        ColumnKind::Text | ColumnKind::Enum => "String",
        ColumnKind::Money | ColumnKind::Quantity | ColumnKind::Float | ColumnKind::Integer => {
            "Decimal"
        }
        ColumnKind::Timestamp => "DateTime",
        ColumnKind::Json => "JSON",
    }
}
