//! [`Warehouse`]: an opened warehouse root and its clock.

use crate::clock::{SharedClock, SystemClock};
use crate::error::{Result, WarehouseError};
use crate::failpoint::FailPoint;
use crate::location::{Location, StoreOptions};
use crate::log::{self, TableState};
use crate::staging::Staging;
use object_store::ObjectStore;
use polars::prelude::cloud::CloudOptions;
use std::fs::File;
use std::path::PathBuf;
use std::sync::Arc;

/// An opened warehouse: storage, location and clock.
#[derive(Debug, Clone)]
pub struct Warehouse {
    pub(crate) location: Location,
    pub(crate) store: Arc<dyn ObjectStore>,
    /// Settings of an `s3://` root, shared by the object store and polars scans.
    pub(crate) options: StoreOptions,
    pub(crate) clock: SharedClock,
    pub(crate) code_version: String,
}

impl Warehouse {
    /// Opens the warehouse at `url` (a local path, `file://…` or `s3://bucket/prefix`).
    /// S3 settings come from the `AWS_*` environment variables ([`StoreOptions::from_env`]).
    ///
    /// # Errors
    /// An unsupported URL, or storage that cannot be reached or created.
    pub fn open(url: &str) -> Result<Self> {
        Self::open_with_options(url, StoreOptions::from_env())
    }

    /// Opens the warehouse at `url` with explicit S3 settings: `options` override the `AWS_*`
    /// environment for both the object store and polars scans, e.g. for a test process talking
    /// to a local S3-compatible server (changing the environment of a multi-threaded process is
    /// unsound). Local roots ignore `options`.
    ///
    /// # Errors
    /// An unsupported URL, or storage that cannot be reached or created.
    pub fn open_with_options(url: &str, options: StoreOptions) -> Result<Self> {
        let location = Location::parse(url)?;
        let store = location.open_store(&options)?;
        Ok(Self {
            location,
            store,
            options,
            clock: Arc::new(SystemClock),
            code_version: env!("CARGO_PKG_VERSION").to_string(),
        })
    }

    /// Replaces the clock (tests, reproducible reruns).
    pub fn with_clock(mut self, clock: SharedClock) -> Self {
        self.clock = clock;
        self
    }

    /// Records `version` as the code version stamped into commits (e.g. with a git sha).
    pub fn with_code_version(mut self, version: impl Into<String>) -> Self {
        self.code_version = version.into();
        self
    }

    /// Where the warehouse lives.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// The object store rooted at the warehouse.
    pub fn store(&self) -> &Arc<dyn ObjectStore> {
        &self.store
    }

    /// Cloud options for polars reading this warehouse's objects directly (e.g. a hive glob
    /// over `<table>/**/*.parquet`); `None` for local folders.
    pub fn polars_cloud_options(&self) -> Option<CloudOptions> {
        self.location.polars_cloud_options(&self.options)
    }

    /// The URI polars reads `path` (relative to the warehouse root, e.g. `cost/**/*.parquet`)
    /// under: an absolute local path or `s3://bucket/prefix/path`.
    pub fn polars_uri(&self, path: &str) -> String {
        self.location.polars_uri(path)
    }

    /// The warehouse clock.
    pub fn clock(&self) -> &SharedClock {
        &self.clock
    }

    /// Every commit of `table`, oldest first.
    ///
    /// # Errors
    /// Storage failures or a corrupt log.
    pub async fn history(&self, table: &str) -> Result<Vec<crate::manifest::CommitRecord>> {
        crate::log::history(self.store.as_ref(), table).await
    }

    /// The committed state of `table` (replayed from its log).
    ///
    /// # Errors
    /// Storage failures or corrupt metadata.
    pub async fn state(&self, table: &str) -> Result<TableState> {
        log::read_state(self.store.as_ref(), table).await
    }

    /// Opens a staging area for `run_id` writing `table`.
    ///
    /// # Errors
    /// The staging folder cannot be created or locked.
    pub fn staging(
        &self,
        table: &str,
        run_id: &str,
        fail_point: Option<FailPoint>,
    ) -> Result<Staging> {
        let safe = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-');
        if run_id.is_empty() || run_id.starts_with('.') || !run_id.bytes().all(safe) {
            return Err(WarehouseError::InvalidRunId(run_id.to_string()));
        }
        let (local_dir, upload, lock, lock_path) = match &self.location {
            Location::Local(root) => {
                let base = root.join("_staging");
                std::fs::create_dir_all(&base)
                    .map_err(|e| WarehouseError::io(base.display(), e))?;
                let lock_path = base.join(format!("{run_id}.lock"));
                let lock = File::create(&lock_path)
                    .map_err(|e| WarehouseError::io(lock_path.display(), e))?;
                lock.lock()
                    .map_err(|e| WarehouseError::io(lock_path.display(), e))?;
                (
                    base.join(run_id).join(table),
                    false,
                    Some(lock),
                    Some(lock_path),
                )
            }
            // private to this handle: another process (or warehouse) may stage the same run id
            Location::S3 { .. } => (
                std::env::temp_dir()
                    .join(format!(
                        "greenops-staging-{run_id}-{}-{}",
                        std::process::id(),
                        unique_suffix()
                    ))
                    .join(table),
                true,
                None,
                None,
            ),
        };
        std::fs::create_dir_all(&local_dir)
            .map_err(|e| WarehouseError::io(local_dir.display(), e))?;
        Ok(Staging {
            table: table.to_string(),
            run_id: run_id.to_string(),
            local_dir,
            upload,
            fail_point,
            _lock: lock,
            written: Default::default(),
            keep: false,
            lock_path,
        })
    }

    /// Takes the per-table writer lock (local warehouses only; object stores rely on
    /// put-if-absent commit records instead). Waits without blocking the async runtime: a
    /// blocking `flock` would hold a worker thread, and two commits of one process (a run with
    /// its upstream jobs) could then starve the holder and never finish.
    pub(crate) async fn writer_lock(&self, table: &str) -> Result<Option<File>> {
        let Some(root) = self.location.local_root() else {
            return Ok(None);
        };
        let dir = root.join("_locks");
        std::fs::create_dir_all(&dir).map_err(|e| WarehouseError::io(dir.display(), e))?;
        let path: PathBuf = dir.join(format!("{table}.lock"));
        let file = File::create(&path).map_err(|e| WarehouseError::io(path.display(), e))?;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(Some(file)),
                Err(std::fs::TryLockError::WouldBlock) => {
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                }
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(WarehouseError::io(path.display(), e));
                }
            }
        }
    }
}

/// A suffix no other staging folder of this process has.
fn unique_suffix() -> String {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    format!("{nanos}-{n}")
}
