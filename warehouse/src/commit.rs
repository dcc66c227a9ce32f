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
//!   objects, writing the partition's `_manifest.json` (a conditional put against the one it
//!   replaces, and only over an older version) and then deleting the superseded objects.
//! * Local writers of a table are serialised by a lock file; object stores have no locks, so
//!   there two writers (or a writer and a recovering process) may publish at once: the
//!   conditional manifest write makes the newest commit win each partition, and an object is
//!   deleted only when no manifest of its commit or a newer one lists it.
//! * A crash after the commit point is rolled forward by [`Warehouse::recover`], which every writer
//!   runs before committing and every command that opens a local warehouse runs on start-up.
//!   `_log/<t>/_published` records the version up to which every commit is known published,
//!   so recovery only looks at the partitions when a commit may be unpublished.
//! * A run that crashed before its commit record leaves staging behind: a local folder no lock
//!   holds, removed by the next recovery; on an object store, uploads that recovery removes once
//!   they are older than [`ABANDONED_UPLOAD_AGE`].

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
use object_store::{ObjectStore, ObjectStoreExt, PutMode, PutPayload, UpdateVersion};
use std::collections::{BTreeMap, BTreeSet};
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
    /// Abandoned staging removed: local staging folders, or on an object store the runs whose
    /// uploads are older than [`ABANDONED_UPLOAD_AGE`].
    pub removed_staging: usize,
}

const MAX_COMMIT_ATTEMPTS: u32 = 5;

/// How old the newest object a run uploaded to an object store's `_staging/` must be before
/// recovery takes the run for abandoned and deletes its uploads. Object stores have no locks to
/// tell a crashed run from a running one; a run commits within moments of finishing its upload,
/// so a day is far beyond any live run.
pub const ABANDONED_UPLOAD_AGE: chrono::TimeDelta = chrono::TimeDelta::hours(24);

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
            if let Err(e) = self
                .remove_run_staging(&staging.run_id, &staging.table)
                .await
            {
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
        self.recover_locked(&staging.table, Some(&staging.run_id))
            .await?;

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
        // only when every earlier commit is known published: on an object store a concurrent
        // writer's earlier commit may still be publishing (or have crashed), and recovery must
        // not take the marker for proof that it was published
        if self.published_version(&record.table).await?.unwrap_or(0) + 1 == record.version {
            self.mark_published(&record.table, record.version).await?;
        }
        self.remove_run_staging(&staging.run_id, &staging.table)
            .await?;
        Ok(record)
    }

    /// Rolls forward committed-but-unpublished partitions of `table` and removes abandoned staging.
    ///
    /// # Errors
    /// Storage failures, or a committed partition whose staged files are gone.
    pub async fn recover(&self, table: &str) -> Result<RecoveryReport> {
        let _lock = self.writer_lock(table).await?;
        self.recover_locked(table, None).await
    }

    /// [`Warehouse::recover`] with the writer lock held; `committing` is the run about to commit,
    /// whose staging is never abandoned.
    async fn recover_locked(
        &self,
        table: &str,
        committing: Option<&str>,
    ) -> Result<RecoveryReport> {
        let mut report = RecoveryReport::default();
        let published = self.published_version(table).await?.unwrap_or(0);
        let history = log::history(self.store.as_ref(), table).await?;
        let state = log::replay(&history);
        if published < state.version {
            for manifest in state.partitions.values() {
                // newer than the log we read: a concurrent commit published it
                if self
                    .live_manifest_version(manifest)
                    .await?
                    .is_none_or(|live| live < manifest.version)
                {
                    tracing::warn!(partition = %manifest.key, version = manifest.version,
                        "Rolling forward an unpublished commit.");
                    self.publish(manifest).await?;
                    report.published += 1;
                }
            }
            self.mark_published(table, state.version).await?;
            if !matches!(self.location, Location::Local(_)) {
                // every partition of these commits is now live at its version or a newer one:
                // their uploads are not needed any more, also those of partitions a later commit
                // replaced, which the loop above did not publish (their runs may be gone)
                for record in history.iter().filter(|r| r.version > published) {
                    if committing != Some(record.run_id.as_str()) {
                        self.remove_run_staging(&record.run_id, table).await?;
                    }
                }
            }
        }
        report.removed_staging = match &self.location {
            Location::Local(_) => self.remove_abandoned_staging()?,
            Location::S3 { .. } => self.remove_abandoned_uploads(table, committing).await?,
        };
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
            Location::S3 { .. } => self.publish_to_store(manifest, manifest_json).await?,
        }
        tracing::debug!(partition = %manifest.key, version = manifest.version, "Partition published.");
        Ok(())
    }

    /// Publishes a partition on an object store, where publishers are not serialised by a lock:
    /// the committer, a concurrent committer of a newer version of the same partition, and a
    /// recovering process may all publish at once. The partition manifest is therefore written
    /// with a conditional put against the manifest read before (compare-and-swap), only while the
    /// live version is older than this one, and objects are deleted only when neither this
    /// commit nor a newer one of the partition lists them.
    async fn publish_to_store(&self, manifest: &PartitionManifest, json: Vec<u8>) -> Result<()> {
        let rel = manifest.key.relative_dir();
        let live_dir = StorePath::from(format!("{}/{rel}", manifest.table));
        let manifest_path = live_dir.clone().join(PARTITION_MANIFEST_FILE);
        let mut copied = false;
        let won = 'publish: loop {
            let live = self.live_manifest(&manifest_path).await?;
            let base = match live {
                Some((version, _)) if version >= manifest.version => {
                    break version == manifest.version;
                }
                Some((_, base)) => Some(base),
                None => None,
            };
            if !copied {
                for file in &manifest.files {
                    let from = staged_object(&manifest.run_id, &manifest.table, &rel, &file.name);
                    let to = live_dir.clone().join(file.name.as_str());
                    match self.store.copy(&from, &to).await {
                        Ok(()) => {}
                        // another process published this commit (or a newer one) and removed
                        // the staging: the next look at the live manifest ends the loop
                        Err(object_store::Error::NotFound { .. }) => {
                            match self.live_manifest(&manifest_path).await? {
                                Some((v, _)) if v >= manifest.version => continue 'publish,
                                _ => return Err(missing_staging(manifest)),
                            }
                        }
                        Err(e) => return Err(e.into()),
                    }
                }
                copied = true;
            }
            let mode = match base {
                Some(base) => PutMode::Update(base),
                None => PutMode::Create,
            };
            match self
                .store
                .put_opts(&manifest_path, PutPayload::from(json.clone()), mode.into())
                .await
            {
                Ok(_) => break true,
                // the manifest changed since it was read: look again
                Err(
                    object_store::Error::Precondition { .. }
                    | object_store::Error::AlreadyExists { .. },
                ) => continue,
                Err(e) => return Err(e.into()),
            }
        };
        if !won {
            tracing::debug!(partition = %manifest.key, version = manifest.version,
                "A newer commit of the partition is live; not publishing this one.");
        }
        self.remove_superseded(manifest, &live_dir, won).await?;
        for file in &manifest.files {
            let staged = staged_object(&manifest.run_id, &manifest.table, &rel, &file.name);
            delete_if_exists(self.store.as_ref(), &staged).await?;
        }
        Ok(())
    }

    /// Deletes the objects of a partition folder that no live or future manifest lists: those of
    /// commits older than `manifest` (and `manifest`'s own when `keep_own` is false, i.e. a newer
    /// commit is live). The log is read after the folder is listed, so any object listed that a
    /// newer commit copied in belongs to a commit record that the read sees.
    async fn remove_superseded(
        &self,
        manifest: &PartitionManifest,
        live_dir: &StorePath,
        keep_own: bool,
    ) -> Result<()> {
        let listed: Vec<StorePath> = self
            .store
            .list(Some(live_dir))
            .map_ok(|m| m.location)
            .try_collect()
            .await?;
        let own = |name: &str| keep_own && manifest.files.iter().any(|f| f.name == name);
        let candidates: Vec<StorePath> = listed
            .into_iter()
            .filter(|p| {
                let name = p.filename().unwrap_or_default();
                name != PARTITION_MANIFEST_FILE && !own(name)
            })
            .collect();
        if candidates.is_empty() {
            return Ok(());
        }
        let mut newer: BTreeSet<String> = BTreeSet::new();
        for record in
            log::records_after(self.store.as_ref(), &manifest.table, manifest.version).await?
        {
            for m in record.partitions.iter().filter(|m| m.key == manifest.key) {
                newer.extend(m.files.iter().map(|f| f.name.clone()));
            }
        }
        for path in candidates {
            if !newer.contains(path.filename().unwrap_or_default()) {
                delete_if_exists(self.store.as_ref(), &path).await?;
            }
        }
        Ok(())
    }

    /// The live manifest's version and the object version to update it against.
    async fn live_manifest(&self, path: &StorePath) -> Result<Option<(u64, UpdateVersion)>> {
        match self.store.get(path).await {
            Ok(got) => {
                let base = UpdateVersion {
                    e_tag: got.meta.e_tag.clone(),
                    version: got.meta.version.clone(),
                };
                let bytes = got.bytes().await?;
                let live: PartitionManifest = serde_json::from_slice(&bytes).map_err(|e| {
                    WarehouseError::CorruptMetadata {
                        path: path.to_string(),
                        reason: e.to_string(),
                    }
                })?;
                Ok(Some((live.version, base)))
            }
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    async fn live_manifest_version(&self, manifest: &PartitionManifest) -> Result<Option<u64>> {
        let path = StorePath::from(format!(
            "{}/{}/{PARTITION_MANIFEST_FILE}",
            manifest.table,
            manifest.key.relative_dir()
        ));
        Ok(self.live_manifest(&path).await?.map(|(version, _)| version))
    }

    /// The version up to which every commit of `table` is known to be published.
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

    /// Records that every commit of `table` up to `version` is published (never lowers it).
    async fn mark_published(&self, table: &str, version: u64) -> Result<()> {
        if self.published_version(table).await? >= Some(version) {
            return Ok(());
        }
        self.store
            .put(
                &published_marker(table),
                PutPayload::from(version.to_string()),
            )
            .await?;
        Ok(())
    }

    /// Removes the staging of `run_id`: on a local root its folder, on an object store the
    /// objects it uploaded for `table` (other tables of the run keep theirs).
    async fn remove_run_staging(&self, run_id: &str, table: &str) -> Result<()> {
        match &self.location {
            Location::Local(root) => {
                let dir = root.join("_staging").join(run_id);
                remove_dir_if_exists(&dir)?;
                let _ignored =
                    std::fs::remove_file(root.join("_staging").join(format!("{run_id}.lock")));
            }
            Location::S3 { .. } => {
                let prefix = StorePath::from(format!("_staging/{run_id}/{table}"));
                let leftovers: Vec<StorePath> = self
                    .store
                    .list(Some(&prefix))
                    .map_ok(|m| m.location)
                    .try_collect()
                    .await?;
                for path in leftovers {
                    delete_if_exists(self.store.as_ref(), &path).await?;
                }
            }
        }
        Ok(())
    }

    /// Removes what runs uploaded to `_staging/<run>/<table>/` of an object store and never
    /// committed: the uploads of a run whose newest object is older than
    /// [`ABANDONED_UPLOAD_AGE`] by the warehouse clock (a run commits within seconds of
    /// uploading; without locks on object stores, age is what tells a crashed run from a running
    /// one), except `committing`'s. Called after the table was rolled forward, so no committed
    /// run still needs its staged objects. Returns the number of runs removed.
    async fn remove_abandoned_uploads(
        &self,
        table: &str,
        committing: Option<&str>,
    ) -> Result<usize> {
        let objects: Vec<object_store::ObjectMeta> = self
            .store
            .list(Some(&StorePath::from("_staging")))
            .try_collect()
            .await?;
        let mut runs: BTreeMap<String, (chrono::DateTime<chrono::Utc>, Vec<StorePath>)> =
            BTreeMap::new();
        for meta in objects {
            let mut parts = meta.location.parts();
            let (_, Some(run), Some(t)) = (parts.next(), parts.next(), parts.next()) else {
                continue;
            };
            if t.as_ref() != table || committing == Some(run.as_ref()) {
                continue;
            }
            let entry = runs
                .entry(run.as_ref().to_string())
                .or_insert((meta.last_modified, Vec::new()));
            entry.0 = entry.0.max(meta.last_modified);
            entry.1.push(meta.location);
        }
        let cutoff = self.clock.now() - ABANDONED_UPLOAD_AGE;
        let mut removed = 0;
        for (run, (newest, paths)) in runs {
            if newest >= cutoff {
                continue;
            }
            tracing::warn!(run_id = %run, table, objects = paths.len(),
                "Removing the uploaded staging of an abandoned run.");
            for path in paths {
                delete_if_exists(self.store.as_ref(), &path).await?;
            }
            removed += 1;
        }
        Ok(removed)
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

/// Deletes `path`; an object already gone is fine (concurrent publishers delete the same ones).
async fn delete_if_exists(store: &dyn ObjectStore, path: &StorePath) -> Result<()> {
    match store.delete(path).await {
        Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
        Err(e) => Err(e.into()),
    }
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
