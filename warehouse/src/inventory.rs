//! `ls`: the tables of a warehouse and their partitions.

use crate::error::Result;
use crate::handle::Warehouse;
use crate::manifest::PartitionManifest;
use futures::TryStreamExt;
use object_store::ObjectStore;
use object_store::path::Path as StorePath;

/// One table and its committed partitions.
#[derive(Debug, Clone)]
pub struct TableInventory {
    /// Table name.
    pub table: String,
    /// Committed version.
    pub version: u64,
    /// Current manifests, in partition order.
    pub partitions: Vec<PartitionManifest>,
}

impl TableInventory {
    /// Total rows.
    pub fn rows(&self) -> u64 {
        self.partitions.iter().map(|p| p.rows).sum()
    }

    /// Total bytes of data files.
    pub fn bytes(&self) -> u64 {
        self.partitions.iter().map(|p| p.bytes).sum()
    }
}

impl Warehouse {
    /// Names of the tables that have a commit log.
    ///
    /// # Errors
    /// Storage failures.
    pub async fn tables(&self) -> Result<Vec<String>> {
        let listing = self
            .store
            .list_with_delimiter(Some(&StorePath::from("_log")))
            .await?;
        let mut tables: Vec<String> = listing
            .common_prefixes
            .iter()
            .filter_map(|p| p.filename().map(str::to_string))
            .collect();
        tables.sort();
        Ok(tables)
    }

    /// Every table with its partitions.
    ///
    /// # Errors
    /// Storage failures or corrupt metadata.
    pub async fn inventory(&self) -> Result<Vec<TableInventory>> {
        let mut out = Vec::new();
        for table in self.tables().await? {
            let state = self.state(&table).await?;
            out.push(TableInventory {
                table,
                version: state.version,
                partitions: state.partitions.into_values().collect(),
            });
        }
        Ok(out)
    }

    /// Number of objects left in staging (runs in progress or abandoned on an object store).
    ///
    /// # Errors
    /// Storage failures.
    pub async fn staging_objects(&self) -> Result<usize> {
        let store: &dyn ObjectStore = self.store.as_ref();
        let n = store
            .list(Some(&StorePath::from("_staging")))
            .try_fold(0usize, |n, _| async move { Ok(n + 1) })
            .await?;
        Ok(n)
    }
}
