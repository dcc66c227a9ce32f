//! Manifests: what a committed partition contains, and the commit records that publish them.
//!
//! A partition manifest lists every data file of the partition with its row count, size and
//! SHA-256, the schema version, and the source files (with their SHA-256) the rows came from. A
//! commit record is one entry of a table's log and carries the manifests of every partition the
//! commit replaced: the whole partition set becomes visible in one step.

use crate::partition::PartitionKey;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One data file of a committed partition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// File name inside the partition folder.
    pub name: String,
    /// Rows in the file.
    pub rows: u64,
    /// Size in bytes.
    pub bytes: u64,
    /// Lower-case hex SHA-256 of the file's bytes.
    pub sha256: String,
}

/// One input file that contributed rows to a partition.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SourceFile {
    /// Path or URL of the source file as given to greenops.
    pub uri: String,
    /// Size in bytes.
    pub bytes: u64,
    /// Lower-case hex SHA-256 of the file's bytes.
    pub sha256: String,
}

/// Everything committed for one partition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartitionManifest {
    /// Table name.
    pub table: String,
    /// Partition key.
    pub key: PartitionKey,
    /// Version of the table schema the files were written with.
    pub schema_version: u32,
    /// Commit number (log version) that published this manifest.
    pub version: u64,
    /// Run that wrote the files.
    pub run_id: String,
    /// When the commit happened (from the warehouse clock).
    pub committed_at: DateTime<Utc>,
    /// Total rows over all files.
    pub rows: u64,
    /// Total bytes over all files.
    pub bytes: u64,
    /// The data files.
    pub files: Vec<FileEntry>,
    /// The source files the rows came from.
    pub sources: Vec<SourceFile>,
    /// When the provider produced the export (newest source file time, or the provider's own
    /// export time where the format records one).
    #[serde(default)]
    pub exported_at: Option<DateTime<Utc>>,
    /// Free-form facts about the partition (source kind, billing status, export version, …).
    #[serde(default)]
    pub properties: BTreeMap<String, serde_json::Value>,
}

/// One entry of a table's commit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommitRecord {
    /// Commit number, 1-based, gap-free.
    pub version: u64,
    /// Table name.
    pub table: String,
    /// Run that made the commit.
    pub run_id: String,
    /// When the commit happened.
    pub committed_at: DateTime<Utc>,
    /// greenops version that wrote the commit.
    pub code_version: String,
    /// Manifests of the partitions this commit replaces (or creates).
    pub partitions: Vec<PartitionManifest>,
}

/// Name of the manifest copy kept inside each published partition folder.
pub const PARTITION_MANIFEST_FILE: &str = "_manifest.json";
