//! The commit protocol: staged files become the table's content in one step per partition set.
//!
//! ```text
//!  stage ──▶ (upload) ──▶ commit record ──▶ publish each partition ──▶ drop staging
//!  _staging/<run>/…        _log/<t>/<v>.json   <t>/<partition>/…
//!                          ▲ the commit point
//! ```
//!
//! * Before the commit point nothing is visible anywhere: a crash leaves only staging behind,
//!   which the next writer removes.
//! * The commit record (put-if-absent) makes the whole partition set current for the API at once.
//! * Publishing makes each partition's folder match its manifest: on a local folder by an atomic
//!   directory exchange (`renameat2(RENAME_EXCHANGE)`), so a reader of `<t>/**/*.parquet` sees either
//!   the old or the new files of a partition, never a mix; on object stores by copying the new
//!   objects, deleting the superseded ones and writing the partition's `_manifest.json` last.
//! * A crash after the commit point is rolled forward by [`Warehouse::recover`], which every writer
//!   runs before committing and every command that opens a local warehouse runs on start-up.

use crate::error::{Result, WarehouseError};
use crate::failpoint::FailPoint;
use crate::handle::Warehouse;
use crate::location::Location;
use crate::log;
use crate::manifest::{CommitRecord, PARTITION_MANIFEST_FILE, PartitionManifest, SourceFile};
use crate::schema::COST_SCHEMA_VERSION;
use crate::staging::Staging;
use futures::TryStreamExt;
use object_store::path::Path as StorePath;
use object_store::{ObjectStoreExt, PutPayload};
use std::collections::BTreeMap;
use std::path::Path;
use tokio::io::AsyncWriteExt;

/// What a commit adds besides the staged files.
#[derive(Debug, Clone, Default)]
pub struct CommitInfo {
    /// Source files of the export (recorded in every partition manifest).
    pub sources: Vec<SourceFile>,
    /// Facts recorded in every partition manifest.
    pub properties: BTreeMap<String, serde_json::Value>,
    /// When the provider produced the export. A partition whose committed export is newer is
    /// not replaced (see [`WarehouseError::StaleExport`]) unless `force` is set.
    pub exported_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Replace partitions even with an older export.
    pub force: bool,
}

/// What [`Warehouse::recover`] had to do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecoveryReport {
    /// Partitions whose committed files were published (rolled forward).
    pub published: usize,
    /// Abandoned staging folders removed.
    pub removed_staging: usize,
}

const MAX_COMMIT_ATTEMPTS: u32 = 5;

impl Warehouse {
    /// Commits everything staged in `staging`, replacing the partitions it wrote.
    ///
    /// # Errors
    /// Storage failures (nothing is visible then), or a failure after the commit point, which
    /// [`Warehouse::recover`] rolls forward.
    pub async fn commit(&self, mut staging: Staging, info: CommitInfo) -> Result<CommitRecord> {
        let outcome = self.commit_staged(&mut staging, info).await;
        if outcome.is_err() && !staging.keep && staging.upload {
            // refused before the commit point: drop what was uploaded to the store's staging
            if let Err(e) = self.remove_run_staging(&staging.run_id).await {
                tracing::warn!(run_id = %staging.run_id, error = %e, "Could not remove uploaded staging.");
            }
        }
        outcome
    }

    async fn commit_staged(&self, staging: &mut Staging, info: CommitInfo) -> Result<CommitRecord> {
        let staged = staging.staged_partitions()?;
        if staged.is_empty() {
            return Err(WarehouseError::CorruptMetadata {
                path: staging.local_dir.display().to_string(),
                reason: "nothing was staged".into(),
            });
        }
        if staging.upload {
            self.upload_staging(staging, &staged).await?;
        }
        if staging.fail_point == Some(FailPoint::BeforeCommit) {
            return Err(WarehouseError::Injected("before commit".into()));
        }
        let _lock = self.writer_lock(&staging.table).await?;
        self.recover_locked(&staging.table).await?;

        let mut sources = info.sources.clone();
        sources.sort();
        sources.dedup();
        let mut attempt = 0;
        let record = loop {
            attempt += 1;
            let state = self.state(&staging.table).await?;
            if !info.force {
                refuse_stale(&state, &staged, info.exported_at)?;
            }
            let version = state.version + 1;
            let committed_at = self.clock.now();
            let partitions = staged
                .iter()
                .map(|p| PartitionManifest {
                    table: staging.table.clone(),
                    key: p.key.clone(),
                    schema_version: COST_SCHEMA_VERSION,
                    version,
                    run_id: staging.run_id.clone(),
                    committed_at,
                    rows: p.files.iter().map(|f| f.rows).sum(),
                    bytes: p.files.iter().map(|f| f.bytes).sum(),
                    files: p.files.clone(),
                    sources: sources.clone(),
                    exported_at: info.exported_at,
                    properties: info.properties.clone(),
                })
                .collect();
            let record = CommitRecord {
                version,
                table: staging.table.clone(),
                run_id: staging.run_id.clone(),
                committed_at,
                code_version: self.code_version.clone(),
                partitions,
            };
            match log::append(self.store.as_ref(), &record).await {
                Ok(()) => {
                    staging.keep = true; // needed to publish, or to roll forward after a crash
                    break record;
                }
                Err(WarehouseError::CommitConflict { .. }) if attempt < MAX_COMMIT_ATTEMPTS => {
                    continue;
                }
                Err(e) => return Err(e),
            }
        };
        tracing::info!(table = %record.table, version = record.version, run_id = %record.run_id,
            partitions = record.partitions.len(), "Commit recorded.");
        if staging.fail_point == Some(FailPoint::AfterCommit) {
            return Err(WarehouseError::Injected("after commit".into()));
        }
        for manifest in &record.partitions {
            self.publish(manifest).await?;
        }
        self.mark_published(&record.table, record.version).await?;
        self.remove_run_staging(&staging.run_id).await?;
        Ok(record)
    }

    /// Rolls forward committed-but-unpublished partitions of `table` and removes abandoned staging.
    ///
    /// # Errors
    /// Storage failures, or a committed partition whose staged files are gone.
    pub async fn recover(&self, table: &str) -> Result<RecoveryReport> {
        let _lock = self.writer_lock(table).await?;
        self.recover_locked(table).await
    }

    async fn recover_locked(&self, table: &str) -> Result<RecoveryReport> {
        let mut report = RecoveryReport::default();
        let state = self.state(table).await?;
        if state.version > 0 && self.published_version(table).await? != Some(state.version) {
            for manifest in state.partitions.values() {
                if self.live_manifest_version(manifest).await? != Some(manifest.version) {
                    tracing::warn!(partition = %manifest.key, version = manifest.version,
                        "Rolling forward an unpublished commit.");
                    self.publish(manifest).await?;
                    report.published += 1;
                }
            }
            self.mark_published(table, state.version).await?;
        }
        report.removed_staging = self.remove_abandoned_staging()?;
        Ok(report)
    }

    async fn upload_staging(
        &self,
        staging: &Staging,
        staged: &[crate::StagedPartition],
    ) -> Result<()> {
        for partition in staged {
            for file in &partition.files {
                let local = staging
                    .local_dir
                    .join(partition.key.relative_dir())
                    .join(&file.name);
                let target = staged_object(
                    &staging.run_id,
                    &staging.table,
                    &partition.key.relative_dir(),
                    &file.name,
                );
                // streamed: multipart upload for large files, memory stays bounded
                let mut source = tokio::fs::File::open(&local)
                    .await
                    .map_err(|e| WarehouseError::io(local.display(), e))?;
                let mut sink = object_store::buffered::BufWriter::new(self.store.clone(), target);
                tokio::io::copy(&mut source, &mut sink)
                    .await
                    .map_err(|e| WarehouseError::io(local.display(), e))?;
                sink.shutdown()
                    .await
                    .map_err(|e| WarehouseError::io(local.display(), e))?;
            }
        }
        Ok(())
    }

    async fn publish(&self, manifest: &PartitionManifest) -> Result<()> {
        let rel = manifest.key.relative_dir();
        let manifest_json = serde_json::to_vec_pretty(manifest)?;
        match &self.location {
            Location::Local(root) => {
                let staged = root
                    .join("_staging")
                    .join(&manifest.run_id)
                    .join(&manifest.table)
                    .join(&rel);
                let live = root.join(&manifest.table).join(&rel);
                // the staged folder must hold exactly this commit's files (guards against publishing twice)
                if manifest
                    .files
                    .iter()
                    .any(|f| !staged.join(&f.name).is_file())
                {
                    return Err(missing_staging(manifest));
                }
                let manifest_path = staged.join(PARTITION_MANIFEST_FILE);
                std::fs::write(&manifest_path, &manifest_json)
                    .map_err(|e| WarehouseError::io(manifest_path.display(), e))?;
                swap_in(&staged, &live)?;
            }
            Location::S3 { .. } => {
                let live_dir = StorePath::from(format!("{}/{rel}", manifest.table));
                for file in &manifest.files {
                    let from = staged_object(&manifest.run_id, &manifest.table, &rel, &file.name);
                    self.store
                        .copy(&from, &live_dir.clone().join(file.name.as_str()))
                        .await?;
                }
                let existing: Vec<StorePath> = self
                    .store
                    .list(Some(&live_dir))
                    .map_ok(|m| m.location)
                    .try_collect()
                    .await?;
                for path in existing {
                    let name = path.filename().unwrap_or_default();
                    if name != PARTITION_MANIFEST_FILE
                        && !manifest.files.iter().any(|f| f.name == name)
                    {
                        self.store.delete(&path).await?;
                    }
                }
                self.store
                    .put(
                        &live_dir.clone().join(PARTITION_MANIFEST_FILE),
                        PutPayload::from(manifest_json),
                    )
                    .await?;
                for file in &manifest.files {
                    let staged = staged_object(&manifest.run_id, &manifest.table, &rel, &file.name);
                    self.store.delete(&staged).await?;
                }
            }
        }
        tracing::debug!(partition = %manifest.key, version = manifest.version, "Partition published.");
        Ok(())
    }

    async fn live_manifest_version(&self, manifest: &PartitionManifest) -> Result<Option<u64>> {
        let path = StorePath::from(format!(
            "{}/{}/{PARTITION_MANIFEST_FILE}",
            manifest.table,
            manifest.key.relative_dir()
        ));
        match self.store.get(&path).await {
            Ok(got) => {
                let bytes = got.bytes().await?;
                let live: PartitionManifest = serde_json::from_slice(&bytes).map_err(|e| {
                    WarehouseError::CorruptMetadata {
                        path: path.to_string(),
                        reason: e.to_string(),
                    }
                })?;
                Ok(Some(live.version))
            }
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    async fn published_version(&self, table: &str) -> Result<Option<u64>> {
        match self.store.get(&published_marker(table)).await {
            Ok(got) => Ok(String::from_utf8_lossy(&got.bytes().await?)
                .trim()
                .parse()
                .ok()),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    async fn mark_published(&self, table: &str, version: u64) -> Result<()> {
        self.store
            .put(
                &published_marker(table),
                PutPayload::from(version.to_string()),
            )
            .await?;
        Ok(())
    }

    async fn remove_run_staging(&self, run_id: &str) -> Result<()> {
        match &self.location {
            Location::Local(root) => {
                let dir = root.join("_staging").join(run_id);
                remove_dir_if_exists(&dir)?;
                let _ignored =
                    std::fs::remove_file(root.join("_staging").join(format!("{run_id}.lock")));
            }
            Location::S3 { .. } => {
                let prefix = StorePath::from(format!("_staging/{run_id}"));
                let leftovers: Vec<StorePath> = self
                    .store
                    .list(Some(&prefix))
                    .map_ok(|m| m.location)
                    .try_collect()
                    .await?;
                for path in leftovers {
                    self.store.delete(&path).await?;
                }
            }
        }
        Ok(())
    }

    /// Removes local staging folders whose run no longer holds its lock (crashed or finished).
    fn remove_abandoned_staging(&self) -> Result<usize> {
        let Some(root) = self.location.local_root() else {
            return Ok(0);
        };
        let base = root.join("_staging");
        let Ok(entries) = std::fs::read_dir(&base) else {
            return Ok(0);
        };
        let mut removed = 0;
        for entry in entries.flatten() {
            let path = entry.path();
            if !path.is_dir() {
                continue;
            }
            let lock_path = base.join(format!("{}.lock", entry.file_name().to_string_lossy()));
            let held = std::fs::File::open(&lock_path).is_ok_and(|f| f.try_lock().is_err());
            if !held {
                remove_dir_if_exists(&path)?;
                let _ignored = std::fs::remove_file(&lock_path);
                removed += 1;
            }
        }
        Ok(removed)
    }
}

/// Refuses to replace a partition whose committed export is newer than this one.
fn refuse_stale(
    state: &log::TableState,
    staged: &[crate::StagedPartition],
    exported_at: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<()> {
    let Some(new) = exported_at else {
        return Ok(());
    };
    for partition in staged {
        let Some(current) = state.partitions.get(&partition.key) else {
            continue;
        };
        if let Some(committed) = current.exported_at
            && committed > new
        {
            return Err(WarehouseError::StaleExport {
                partition: partition.key.to_string(),
                export: new,
                committed,
                run_id: current.run_id.clone(),
            });
        }
    }
    Ok(())
}

fn staged_object(run_id: &str, table: &str, rel_dir: &str, file: &str) -> StorePath {
    StorePath::from(format!("_staging/{run_id}/{table}/{rel_dir}/{file}"))
}

fn published_marker(table: &str) -> StorePath {
    StorePath::from(format!("_log/{table}/_published"))
}

fn missing_staging(manifest: &PartitionManifest) -> WarehouseError {
    WarehouseError::CorruptMetadata {
        path: format!(
            "_staging/{}/{}/{}",
            manifest.run_id,
            manifest.table,
            manifest.key.relative_dir()
        ),
        reason: format!(
            "commit {} of partition {} is not published and its staged files are gone",
            manifest.version, manifest.key
        ),
    }
}

fn remove_dir_if_exists(dir: &Path) -> Result<()> {
    match std::fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(WarehouseError::io(dir.display(), e)),
    }
}

/// Moves the folder `staged` to `live`. If `live` exists the two are exchanged atomically and the
/// old content (now at `staged`) is deleted.
fn swap_in(staged: &Path, live: &Path) -> Result<()> {
    if live.exists() {
        exchange(staged, live)?;
        remove_dir_if_exists(staged)
    } else {
        let parent = live.parent().expect("partition folders have parents");
        std::fs::create_dir_all(parent).map_err(|e| WarehouseError::io(parent.display(), e))?;
        std::fs::rename(staged, live).map_err(|e| WarehouseError::io(live.display(), e))
    }
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let ca = CString::new(a.as_os_str().as_bytes()).expect("paths have no NUL");
    let cb = CString::new(b.as_os_str().as_bytes()).expect("paths have no NUL");
    // SAFETY: both pointers are valid NUL-terminated strings for the duration of the call.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(WarehouseError::io(
            b.display(),
            std::io::Error::last_os_error(),
        ))
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(a: &Path, b: &Path) -> Result<()> {
    // Without an atomic exchange: move the old folder aside, then the new one in.
    let aside = a.with_extension("old");
    std::fs::rename(b, &aside).map_err(|e| WarehouseError::io(b.display(), e))?;
    std::fs::rename(a, b).map_err(|e| WarehouseError::io(b.display(), e))?;
    std::fs::rename(&aside, a).map_err(|e| WarehouseError::io(a.display(), e))
}
