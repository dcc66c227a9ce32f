//! Staging: where a run writes its output before it is committed.
//!
//! For a local warehouse the staging folder is `ROOT/_staging/<run>/<table>/`; for an object-store
//! warehouse polars writes to a local temporary folder that is then uploaded to the same key
//! prefix. Nothing under `_staging/` is matched by `ROOT/<table>/**/*.parquet`.
//!
//! A staging folder is guarded by an exclusive lock on `_staging/<run>.lock` for as long as the
//! [`Staging`] value lives, so recovery can tell an abandoned staging folder from a running one.

use crate::error::{Result, WarehouseError};
use crate::failpoint::FailPoint;
use crate::manifest::FileEntry;
use crate::partition::PartitionKey;
use polars::lazy::dsl::file_provider::{FileProviderArgs, FileProviderReturn, FileProviderType};
use polars::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Target size of one data file.
pub const TARGET_FILE_BYTES: u64 = 128 << 20;

/// A run's private output area for one table.
#[derive(Debug)]
pub struct Staging {
    pub(crate) table: String,
    pub(crate) run_id: String,
    /// Local folder polars writes into.
    pub(crate) local_dir: PathBuf,
    /// Whether the files must be uploaded to the store before commit (object-store warehouses).
    pub(crate) upload: bool,
    pub(crate) fail_point: Option<FailPoint>,
    pub(crate) _lock: Option<File>,
    /// Partitions written so far.
    pub(crate) written: Mutex<Vec<PartitionKey>>,
    /// Set once the commit record exists: the staged files are then needed to publish (or to
    /// roll forward after a crash) and must outlive this value.
    pub(crate) keep: bool,
    /// The run's lock file (removed with the staging area).
    pub(crate) lock_path: Option<PathBuf>,
}

/// A partition written to staging, with its file entries.
#[derive(Debug, Clone)]
pub struct StagedPartition {
    /// The partition.
    pub key: PartitionKey,
    /// Its data files, sorted by name.
    pub files: Vec<FileEntry>,
}

impl Staging {
    /// The run this staging area belongs to.
    pub fn run_id(&self) -> &str {
        &self.run_id
    }

    /// The table being written.
    pub fn table(&self) -> &str {
        &self.table
    }

    /// Streams `lf` into staging, one folder per distinct value of the three partition key
    /// expressions (provider, billing account, billing period), with the streaming engine.
    ///
    /// Blocking: call it from a blocking thread.
    ///
    /// # Errors
    /// Any polars error while reading the input or writing Parquet (bad input surfaces here).
    pub fn sink_partitioned(&self, lf: LazyFrame, keys: [Expr; 3]) -> Result<()> {
        let key_names = crate::schema::COST_PARTITION_COLUMNS;
        let key_exprs: Vec<Expr> = keys
            .into_iter()
            .zip(key_names)
            .map(|(e, n)| e.alias(format!("__{n}")))
            .collect();
        let run_id = self.run_id.clone();
        let started = Arc::new(AtomicUsize::new(0));
        let fail_after = match self.fail_point {
            Some(FailPoint::AfterStagedFiles(k)) => Some(k),
            _ => None,
        };
        // polars re-encodes '%' in returned paths, so files are written under a flat
        // `k<n>` folder per partition and moved to their hive folder afterwards.
        let folders: Arc<Mutex<HashMap<PartitionKey, usize>>> = Arc::default();
        let folders_cb = folders.clone();
        let provider = PlanCallback::new(move |args: FileProviderArgs| {
            let n = started.fetch_add(1, Ordering::SeqCst);
            if fail_after.is_some_and(|k| n >= k) {
                polars_bail!(ComputeError: "injected failure after {n} staged files");
            }
            let key = partition_key_of(&args.partition_keys)?;
            let mut map = folders_cb.lock().unwrap_or_else(|e| e.into_inner());
            let next = map.len();
            let folder = *map.entry(key).or_insert(next);
            Ok(FileProviderReturn::Path(format!(
                "k{folder}/part-{run_id}-{:05}.parquet",
                args.index_in_partition
            )))
        });
        let destination = SinkDestination::Partitioned {
            base_path: PlRefPath::new(self.local_dir.display().to_string()),
            file_path_provider: Some(FileProviderType::Function(provider)),
            partition_strategy: PartitionStrategy::Keyed {
                keys: key_exprs,
                include_keys: false,
                keys_pre_grouped: false,
            },
            max_rows_per_file: 0,
            approximate_bytes_per_file: TARGET_FILE_BYTES,
        };
        let options = ParquetWriteOptions {
            compression: ParquetCompression::Zstd(None),
            statistics: StatisticsOptions::default(),
            ..Default::default()
        };
        lf.sink(
            destination,
            FileWriteFormat::Parquet(std::sync::Arc::new(options)),
            UnifiedSinkArgs {
                mkdir: true,
                ..Default::default()
            },
        )?
        .collect_with_engine(Engine::Streaming)?;
        let folders = std::mem::take(&mut *folders.lock().unwrap_or_else(|e| e.into_inner()));
        let mut written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        for (key, n) in folders {
            let from = self.local_dir.join(format!("k{n}"));
            let to = self.local_dir.join(key.relative_dir());
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| WarehouseError::io(parent.display(), e))?;
            }
            std::fs::rename(&from, &to).map_err(|e| WarehouseError::io(to.display(), e))?;
            written.push(key);
        }
        written.sort();
        Ok(())
    }

    /// Writes `df` (without partition columns; it may have no rows) as the whole of partition
    /// `key`, so that committing it replaces what the partition held even when a re-run found
    /// nothing. For small derived tables; large ones stream through [`Self::sink_partitioned`].
    ///
    /// Blocking: call it from a blocking thread.
    ///
    /// # Errors
    /// I/O or Parquet encoding errors.
    pub fn write_partition(&self, key: &PartitionKey, df: &mut DataFrame) -> Result<()> {
        let dir = self.local_dir.join(key.relative_dir());
        std::fs::create_dir_all(&dir).map_err(|e| WarehouseError::io(dir.display(), e))?;
        let path = dir.join(format!("part-{}-00000.parquet", self.run_id));
        let file = File::create(&path).map_err(|e| WarehouseError::io(path.display(), e))?;
        ParquetWriter::new(file)
            .with_compression(ParquetCompression::Zstd(None))
            .finish(df)?;
        let mut written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        if !written.contains(key) {
            written.push(key.clone());
            written.sort();
        }
        Ok(())
    }

    /// Lists what has been staged, computing rows, bytes and SHA-256 of every file.
    ///
    /// # Errors
    /// I/O errors, or a staged folder that is not a partition folder.
    pub fn staged_partitions(&self) -> Result<Vec<StagedPartition>> {
        let keys = self
            .written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let mut out = Vec::new();
        for key in keys {
            let dir = self.local_dir.join(key.relative_dir());
            let mut files = Vec::new();
            for entry in
                std::fs::read_dir(&dir).map_err(|e| WarehouseError::io(dir.display(), e))?
            {
                let path = entry
                    .map_err(|e| WarehouseError::io(dir.display(), e))?
                    .path();
                if path.extension().is_some_and(|e| e == "parquet") {
                    files.push(describe_file(&path)?);
                }
            }
            files.sort_by(|a, b| a.name.cmp(&b.name));
            out.push(StagedPartition { key, files });
        }
        Ok(out)
    }
}

impl Staging {
    /// Everything staged so far as one `LazyFrame`, with the partition columns `provider`,
    /// `billing_account` and `billing_period` (for checks before the commit).
    ///
    /// # Errors
    /// I/O errors listing the staged files, or polars refusing the scan.
    pub fn lazy(&self) -> Result<LazyFrame> {
        let mut frames = Vec::new();
        for partition in self.staged_partitions()? {
            let dir = self.local_dir.join(partition.key.relative_dir());
            let paths: Vec<PlRefPath> = partition
                .files
                .iter()
                .map(|f| PlRefPath::new(dir.join(&f.name).display().to_string()))
                .collect();
            if paths.is_empty() {
                continue;
            }
            frames.push(crate::scan::with_partition_columns(
                LazyFrame::scan_parquet_files(paths.into_iter().collect(), Default::default())?,
                &partition.key,
            ));
        }
        Ok(crate::scan::concat_or_empty(
            frames,
            crate::schema::cost_schema(),
        )?)
    }
}

impl Drop for Staging {
    /// An uncommitted staging area is discarded: a refused or failed run leaves nothing behind.
    fn drop(&mut self) {
        if self.keep && !self.upload {
            return;
        }
        // After a failed sink, polars' writer tasks can still create a file for a moment after
        // the error is returned: remove until the folder stays gone.
        for _ in 0..10 {
            let _ignored = std::fs::remove_dir_all(&self.local_dir);
            if let Some(run_dir) = self.local_dir.parent() {
                let _ignored = std::fs::remove_dir(run_dir); // only if no other table staged there
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
            if !self.local_dir.exists() {
                break;
            }
        }
        if let Some(lock) = &self.lock_path {
            let _ignored = std::fs::remove_file(lock);
        }
    }
}

fn partition_key_of(keys: &DataFrame) -> PolarsResult<PartitionKey> {
    let value = |i: usize| -> PolarsResult<String> {
        let col = keys.columns()[i].cast(&DataType::String)?;
        Ok(col.str()?.get(0).unwrap_or_default().to_string())
    };
    PartitionKey::new(&value(0)?, &value(1)?, &value(2)?)
        .map_err(|e| polars_err!(ComputeError: "{e}"))
}

/// Rows, size and SHA-256 of one Parquet file.
pub(crate) fn describe_file(path: &Path) -> Result<FileEntry> {
    let io = |e| WarehouseError::io(path.display(), e);
    let mut file = File::open(path).map_err(io)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut bytes = 0u64;
    loop {
        let n = file.read(&mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        bytes += n as u64;
        hasher.update(&buf[..n]);
    }
    let rows = ParquetReader::new(File::open(path).map_err(io)?).num_rows()? as u64;
    Ok(FileEntry {
        name: path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string(),
        rows,
        bytes,
        sha256: hex::encode(hasher.finalize()),
    })
}

/// SHA-256 (hex) of a byte slice.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}
