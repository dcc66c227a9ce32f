//! `verify`: every committed file is present, unchanged (SHA-256) and alone in its partition.

use crate::error::Result;
use crate::handle::Warehouse;
use crate::manifest::{PARTITION_MANIFEST_FILE, PartitionManifest};
use futures::TryStreamExt;
use object_store::ObjectStoreExt;
use object_store::path::Path as StorePath;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;

/// One discrepancy found by [`Warehouse::verify`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Object path relative to the warehouse root.
    pub path: String,
    /// What is wrong.
    pub reason: String,
}

/// The outcome of [`Warehouse::verify`].
#[derive(Debug, Clone, Default)]
pub struct VerifyReport {
    /// Committed table version checked.
    pub version: u64,
    /// Partitions checked.
    pub partitions: usize,
    /// Data files checked.
    pub files: usize,
    /// Bytes hashed.
    pub bytes: u64,
    /// Everything that did not match.
    pub problems: Vec<Problem>,
}

impl VerifyReport {
    /// Whether the table matches its manifests exactly.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

impl Warehouse {
    /// Checks every committed file of `table` against its manifest (size and SHA-256), and that
    /// no other Parquet file sits under the table folder where `<table>/**/*.parquet` would find it.
    ///
    /// # Errors
    /// Storage failures while reading (mismatches are reported, not raised).
    pub async fn verify(&self, table: &str) -> Result<VerifyReport> {
        let state = self.state(table).await?;
        let mut report = VerifyReport {
            version: state.version,
            ..Default::default()
        };
        let mut expected: BTreeSet<String> = BTreeSet::new();
        for manifest in state.partitions.values() {
            report.partitions += 1;
            let dir = format!("{table}/{}", manifest.key.relative_dir());
            self.check_partition_manifest(&dir, manifest, &mut report)
                .await?;
            for file in &manifest.files {
                let path = StorePath::from(format!("{dir}/{}", file.name));
                expected.insert(path.to_string());
                report.files += 1;
                match self.store.get(&path).await {
                    Ok(got) => {
                        // hashed as it streams: files can be large
                        let mut stream = got.into_stream();
                        let mut hasher = Sha256::new();
                        let mut size = 0u64;
                        while let Some(chunk) = stream.try_next().await? {
                            size += chunk.len() as u64;
                            hasher.update(&chunk);
                        }
                        report.bytes += size;
                        if size != file.bytes {
                            report.problems.push(Problem {
                                path: path.to_string(),
                                reason: format!("size {size} ≠ manifest {}", file.bytes),
                            });
                        } else if hex::encode(hasher.finalize()) != file.sha256 {
                            report.problems.push(Problem {
                                path: path.to_string(),
                                reason: "SHA-256 differs from the manifest".into(),
                            });
                        }
                    }
                    Err(object_store::Error::NotFound { .. }) => report.problems.push(Problem {
                        path: path.to_string(),
                        reason: "missing".into(),
                    }),
                    Err(e) => return Err(e.into()),
                }
            }
        }
        let listed: Vec<StorePath> = self
            .store
            .list(Some(&StorePath::from(table)))
            .map_ok(|m| m.location)
            .try_collect()
            .await?;
        for path in listed {
            if path.as_ref().ends_with(".parquet") && !expected.contains(path.as_ref()) {
                report.problems.push(Problem {
                    path: path.to_string(),
                    reason: "not in any committed manifest (a reader of the glob would see it)"
                        .into(),
                });
            }
        }
        Ok(report)
    }

    async fn check_partition_manifest(
        &self,
        dir: &str,
        manifest: &PartitionManifest,
        report: &mut VerifyReport,
    ) -> Result<()> {
        let path = StorePath::from(format!("{dir}/{PARTITION_MANIFEST_FILE}"));
        let problem = match self.store.get(&path).await {
            Ok(got) => match serde_json::from_slice::<PartitionManifest>(&got.bytes().await?) {
                Ok(live) if &live == manifest => None,
                Ok(live) => Some(format!(
                    "partition manifest is version {}, the log says {}",
                    live.version, manifest.version
                )),
                Err(e) => Some(format!("unreadable partition manifest: {e}")),
            },
            Err(object_store::Error::NotFound { .. }) => Some("partition manifest missing".into()),
            Err(e) => return Err(e.into()),
        };
        if let Some(reason) = problem {
            report.problems.push(Problem {
                path: path.to_string(),
                reason,
            });
        }
        Ok(())
    }
}
