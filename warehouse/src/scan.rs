//! Scans: a table's committed files as a polars `LazyFrame`, pruned by partition and projected.
//!
//! The file list comes from the committed manifests, never from a directory listing, so a scan
//! sees exactly the committed rows even while another run is staging or publishing.

use crate::error::Result;
use crate::handle::Warehouse;
use crate::partition::{PartitionFilter, PartitionKey};
use crate::schema::{COST_PARTITION_COLUMNS, cost_schema};
use object_store::path::Path as StorePath;
use polars::prelude::*;

/// Adds the partition columns of `key` as literals.
pub(crate) fn with_partition_columns(lf: LazyFrame, key: &PartitionKey) -> LazyFrame {
    lf.with_columns([
        lit(key.provider.clone()).alias(COST_PARTITION_COLUMNS[0]),
        lit(key.billing_account.clone()).alias(COST_PARTITION_COLUMNS[1]),
        lit(key.billing_period.clone()).alias(COST_PARTITION_COLUMNS[2]),
    ])
}

/// Concatenates partition frames, or an empty frame of `schema` + partition columns.
pub(crate) fn concat_or_empty(
    frames: Vec<LazyFrame>,
    mut schema: Schema,
) -> PolarsResult<LazyFrame> {
    if frames.is_empty() {
        for c in COST_PARTITION_COLUMNS {
            schema.with_column(c.into(), DataType::String);
        }
        return Ok(DataFrame::empty_with_schema(&schema).lazy());
    }
    concat(
        frames,
        UnionArgs {
            rechunk: false,
            parallel: true,
            ..Default::default()
        },
    )
}

/// The data schema of a known table (empty for tables without a fixed schema).
fn table_schema(table: &str) -> Schema {
    match table {
        crate::schema::COST_TABLE => cost_schema(),
        crate::schema::DATA_QUALITY_TABLE => crate::schema::data_quality_schema(),
        _ => Schema::default(),
    }
}

/// A scan being configured; finish with [`TableScan::lazy`].
#[derive(Debug, Clone)]
pub struct TableScan<'a> {
    warehouse: &'a Warehouse,
    table: String,
    filter: PartitionFilter,
    columns: Option<Vec<String>>,
}

impl Warehouse {
    /// Starts a scan of `table`.
    pub fn scan(&self, table: &str) -> TableScan<'_> {
        TableScan {
            warehouse: self,
            table: table.to_string(),
            filter: PartitionFilter::default(),
            columns: None,
        }
    }
}

impl<'a> TableScan<'a> {
    /// Keeps only partitions of these providers.
    pub fn providers<S: Into<String>>(mut self, providers: impl IntoIterator<Item = S>) -> Self {
        self.filter.providers = providers.into_iter().map(Into::into).collect();
        self
    }

    /// Keeps only partitions of these billing accounts.
    pub fn billing_accounts<S: Into<String>>(
        mut self,
        accounts: impl IntoIterator<Item = S>,
    ) -> Self {
        self.filter.billing_accounts = accounts.into_iter().map(Into::into).collect();
        self
    }

    /// Keeps billing periods in `from..=to` (`YYYY-MM`; either bound optional).
    pub fn billing_periods(mut self, from: Option<&str>, to: Option<&str>) -> Self {
        self.filter.from_period = from.map(str::to_string);
        self.filter.to_period = to.map(str::to_string);
        self
    }

    /// Uses a prepared filter.
    pub fn filter(mut self, filter: PartitionFilter) -> Self {
        self.filter = filter;
        self
    }

    /// Reads only these columns (data or partition columns).
    pub fn select<S: Into<String>>(mut self, columns: impl IntoIterator<Item = S>) -> Self {
        self.columns = Some(columns.into_iter().map(Into::into).collect());
        self
    }

    /// Builds the `LazyFrame`: data columns plus the partition columns
    /// `provider`, `billing_account`, `billing_period`.
    ///
    /// # Errors
    /// Storage failures reading the log, or polars refusing the scan.
    pub async fn lazy(self) -> Result<LazyFrame> {
        let state = self.warehouse.state(&self.table).await?;
        let cloud = self.warehouse.polars_cloud_options();
        let mut frames = Vec::new();
        let partitions = state
            .partitions
            .iter()
            .filter(|(k, _)| self.filter.matches(k));
        for (key, manifest) in partitions {
            if manifest.files.is_empty() {
                continue;
            }
            let paths: Vec<PlRefPath> = manifest
                .files
                .iter()
                .map(|f| {
                    let p = StorePath::from(format!(
                        "{}/{}/{}",
                        self.table,
                        key.relative_dir(),
                        f.name
                    ));
                    PlRefPath::new(self.warehouse.location.polars_uri(p.as_ref()))
                })
                .collect();
            let args = ScanArgsParquet {
                cloud_options: cloud.clone(),
                ..Default::default()
            };
            let lf = LazyFrame::scan_parquet_files(paths.into_iter().collect(), args)?;
            frames.push(with_partition_columns(lf, key));
        }
        let lf = concat_or_empty(frames, table_schema(&self.table))?;
        Ok(match self.columns {
            Some(cols) => lf.select(cols.iter().map(|c| col(c.as_str())).collect::<Vec<_>>()),
            None => lf,
        })
    }
}
