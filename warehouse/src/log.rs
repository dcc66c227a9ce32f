//! The commit log of a table: `_log/<table>/<version>.json`, one immutable object per commit,
//! created with put-if-absent. The highest version wins; replaying the log gives the current
//! manifest of every partition.
//!
//! ```text
//!   _log/cost/00000000000000000001.json   ← commit 1: partitions A, B
//!   _log/cost/00000000000000000002.json   ← commit 2: partition B again (replaces commit 1's B)
//!   current state: A@1, B@2
//! ```
//!
//! Only `PutMode::Create` is needed, which local folders, S3 and in-memory stores all implement
//! atomically; two writers racing for the same version get `AlreadyExists` and the loser retries.

use crate::error::{Result, WarehouseError};
use crate::manifest::{CommitRecord, PartitionManifest};
use crate::partition::PartitionKey;
use futures::TryStreamExt;
use object_store::path::Path as StorePath;
use object_store::{ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload};
use std::collections::BTreeMap;

/// Folder of a table's log.
pub fn log_dir(table: &str) -> StorePath {
    StorePath::from(format!("_log/{table}"))
}

fn log_object(table: &str, version: u64) -> StorePath {
    StorePath::from(format!("_log/{table}/{version:020}.json"))
}

/// The replayed state of a table.
#[derive(Debug, Clone, Default)]
pub struct TableState {
    /// Highest committed version (0 = empty table).
    pub version: u64,
    /// Current manifest of every partition.
    pub partitions: BTreeMap<PartitionKey, PartitionManifest>,
}

/// Reads and replays the whole log of `table`.
///
/// # Errors
/// Storage failures, or [`WarehouseError::CorruptMetadata`] for unreadable records or gaps.
pub async fn read_state(store: &dyn ObjectStore, table: &str) -> Result<TableState> {
    Ok(replay(&history(store, table).await?))
}

/// The state after `records` (a whole log, oldest first).
pub fn replay(records: &[CommitRecord]) -> TableState {
    let mut state = TableState::default();
    for record in records {
        for manifest in &record.partitions {
            state
                .partitions
                .insert(manifest.key.clone(), manifest.clone());
        }
        state.version = record.version;
    }
    state
}

/// Every commit record of `table`, oldest first (what replaced what, and when: restatements).
///
/// # Errors
/// Storage failures, or [`WarehouseError::CorruptMetadata`] for unreadable records or gaps.
pub async fn history(store: &dyn ObjectStore, table: &str) -> Result<Vec<CommitRecord>> {
    let versions = versions(store.list(Some(&log_dir(table)))).await?;
    let mut records = Vec::with_capacity(versions.len());
    for (expected, (version, path)) in (1u64..).zip(versions) {
        if version != expected {
            return Err(WarehouseError::CorruptMetadata {
                path: path.to_string(),
                reason: format!("log gap: expected version {expected}, found {version}"),
            });
        }
        records.push(read_record(store, &path).await?);
    }
    Ok(records)
}

/// The commit records of `table` newer than `version`, oldest first. Lists only the log objects
/// after `version` (S3 `start-after`), so it costs one request however long the log is.
///
/// # Errors
/// Storage failures, or [`WarehouseError::CorruptMetadata`] for unreadable records.
pub async fn records_after(
    store: &dyn ObjectStore,
    table: &str,
    version: u64,
) -> Result<Vec<CommitRecord>> {
    let listing = store.list_with_offset(Some(&log_dir(table)), &log_object(table, version));
    let mut records = Vec::new();
    for (v, path) in versions(listing).await? {
        if v > version {
            records.push(read_record(store, &path).await?);
        }
    }
    Ok(records)
}

/// The commit objects of a log listing, by version.
async fn versions(
    listing: futures::stream::BoxStream<'static, object_store::Result<object_store::ObjectMeta>>,
) -> Result<Vec<(u64, StorePath)>> {
    let mut versions: Vec<(u64, StorePath)> = listing
        .map_err(WarehouseError::from)
        .try_filter_map(|meta| async move {
            let name = meta.location.filename().unwrap_or_default().to_string();
            Ok(name
                .strip_suffix(".json")
                .and_then(|v| v.parse::<u64>().ok())
                .map(|v| (v, meta.location)))
        })
        .try_collect()
        .await?;
    versions.sort();
    Ok(versions)
}

async fn read_record(store: &dyn ObjectStore, path: &StorePath) -> Result<CommitRecord> {
    let bytes = store.get(path).await?.bytes().await?;
    serde_json::from_slice(&bytes).map_err(|e| WarehouseError::CorruptMetadata {
        path: path.to_string(),
        reason: e.to_string(),
    })
}

/// Publishes `record` as version `record.version`.
///
/// # Errors
/// [`WarehouseError::CommitConflict`] when another writer created that version first.
pub async fn append(store: &dyn ObjectStore, record: &CommitRecord) -> Result<()> {
    let body = serde_json::to_vec_pretty(record)?;
    let opts = PutOptions {
        mode: PutMode::Create,
        ..Default::default()
    };
    match store
        .put_opts(
            &log_object(&record.table, record.version),
            PutPayload::from(body),
            opts,
        )
        .await
    {
        Ok(_) => Ok(()),
        Err(object_store::Error::AlreadyExists { .. }) => Err(WarehouseError::CommitConflict {
            table: record.table.clone(),
            version: record.version,
        }),
        Err(e) => Err(e.into()),
    }
}
