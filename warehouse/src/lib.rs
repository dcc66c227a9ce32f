//! The greenops warehouse: canonical tables as hive-partitioned Parquet on `object_store`.
//!
//! * [`schema`] — the canonical cost table (FOCUS 1.2 columns + greenops `x_` columns).
//! * [`Warehouse`] — an opened root (`var/warehouse`, `file:///…`, `s3://bucket/prefix`); S3
//!   settings come from the `AWS_*` environment or [`StoreOptions`].
//! * Writes go through [`Staging`] and [`Warehouse::commit`] (see [`commit`] for the protocol):
//!   nothing half-written is ever visible, and re-committing a partition replaces it.
//! * Reads go through [`Warehouse::scan`], which prunes partitions from the manifests and returns
//!   a polars `LazyFrame`.
//! * [`Warehouse::verify`] checks every file against its manifest's SHA-256.
//!
//! Layout of a root:
//!
//! ```text
//! ROOT/cost/provider=aws/billing_account=123/billing_period=2024-09/part-<run>-00000.parquet
//! ROOT/cost/provider=aws/billing_account=123/billing_period=2024-09/_manifest.json
//! ROOT/_log/cost/00000000000000000001.json      commit records (the source of truth)
//! ROOT/_staging/<run>/…                          uncommitted output (never under cost/)
//! ```

pub mod clock;
pub mod commit;
pub mod error;
mod failpoint;
mod handle;
mod inventory;
pub mod location;
pub mod log;
pub mod manifest;
pub mod partition;
mod scan;
pub mod schema;
mod staging;
mod verify;

pub use clock::{Clock, FixedClock, SharedClock, SystemClock};
pub use commit::{CommitInfo, RecoveryReport};
pub use error::{Blame, Result, WarehouseError};
pub use failpoint::FailPoint;
pub use handle::Warehouse;
pub use inventory::TableInventory;
pub use location::{Location, StoreOptions};
pub use manifest::{CommitRecord, FileEntry, PartitionManifest, SourceFile};
pub use partition::{PartitionFilter, PartitionKey};
pub use scan::TableScan;
pub use staging::{StagedPartition, Staging, sha256_hex};
pub use verify::{Problem, VerifyReport};
