//! Azure Cost Management export manifests (`manifest.json`, versions `2021-01-01` and later).
//!
//! A manifest lists the blobs of one export run: `blobs[{blobName, byteCount, dataRowCount,
//! headerRowCount}]`; newer versions add `exportConfig{exportName, type, dataVersion,
//! resourceId, …}` and `runInfo{runId, submittedTime, startDate, endDate, …}`.
//!
//! * Blob names are storage paths (`cost/partitioned/20230101-20230131/202301041442/<guid>/
//!   000001.csv`), resolved against the local copy by their trailing components: the part after
//!   the manifest's own folder name when the blob name contains it, else the longest tail of the
//!   blob name that exists under the manifest's folder. A listed blob that cannot be found is a
//!   bad manifest (naming the manifest and the blob); files the manifest does not list are not read.
//! * `dataRowCount` (per blob) is checked against the data rows of the file.
//! * `exportConfig.type` decides the dataset (`ActualCost`, `AmortizedCost`, `FocusCost`).
//! * Manifests of the same export and date range (`exportConfig.exportName`/`type` and
//!   `runInfo.startDate`/`endDate`, all present) supersede each other: only the one with the
//!   latest `runInfo.submittedTime` is used, as a re-run rewrites the whole range. Manifests
//!   without that information are all used.

use super::dataset::Dataset;
use crate::error::{JobError, Result};
use crate::ingest::parse::parse_timestamp_micros;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The parts of a manifest greenops uses.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AzureManifest {
    /// Manifest format version.
    #[serde(default)]
    pub manifest_version: Option<String>,
    /// The listed blobs.
    #[serde(default)]
    pub blobs: Vec<Blob>,
    /// What the export is (newer manifests).
    #[serde(default)]
    pub export_config: Option<ExportConfig>,
    /// The run that wrote it (newer manifests).
    #[serde(default)]
    pub run_info: Option<RunInfo>,
}

/// One listed blob.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Blob {
    /// Storage path of the blob.
    pub blob_name: String,
    /// Data rows (without the header).
    #[serde(default)]
    pub data_row_count: Option<u64>,
}

/// `exportConfig`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportConfig {
    /// Export name.
    #[serde(default)]
    pub export_name: Option<String>,
    /// `ActualCost`, `AmortizedCost`, `FocusCost`, …
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// Scope of the export.
    #[serde(default)]
    pub resource_id: Option<String>,
}

/// `runInfo`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunInfo {
    /// Run id.
    #[serde(default)]
    pub run_id: Option<String>,
    /// When the run was submitted.
    #[serde(default)]
    pub submitted_time: Option<String>,
    /// First day exported.
    #[serde(default)]
    pub start_date: Option<String>,
    /// Last day exported.
    #[serde(default)]
    pub end_date: Option<String>,
}

impl AzureManifest {
    /// The dataset `exportConfig.type` names, if any.
    pub fn dataset(&self) -> Option<Dataset> {
        let kind = self.export_config.as_ref()?.kind.as_deref()?.to_lowercase();
        if kind.contains("amortized") {
            Some(Dataset::Amortized)
        } else if kind.contains("actual") || kind == "usage" {
            Some(Dataset::Actual)
        } else {
            None
        }
    }

    /// `runInfo.submittedTime` as UTC microseconds.
    pub fn submitted_micros(&self) -> Option<i64> {
        parse_timestamp_micros(self.run_info.as_ref()?.submitted_time.as_deref()?)
    }

    /// The (export, date range) this manifest covers, when the manifest says so.
    fn supersession_key(&self) -> Option<[String; 4]> {
        let c = self.export_config.as_ref()?;
        let r = self.run_info.as_ref()?;
        Some([
            c.export_name.clone()?.to_lowercase(),
            c.kind.clone()?.to_lowercase(),
            r.start_date.clone()?,
            r.end_date.clone()?,
        ])
    }
}

/// A manifest read from disk with its blobs resolved to local paths.
#[derive(Debug, Clone)]
pub struct ResolvedManifest {
    /// The manifest file.
    pub path: PathBuf,
    /// Parsed content.
    pub manifest: AzureManifest,
    /// (local path, expected data rows) per blob, in manifest order.
    pub files: Vec<(PathBuf, Option<u64>)>,
}

/// Reads `path` and resolves its blobs.
///
/// # Errors
/// Unreadable JSON, no blobs, or a listed blob that is not present.
pub fn read_manifest(path: &Path) -> Result<ResolvedManifest> {
    let bad = |reason: String| JobError::BadFile {
        file: path.display().to_string(),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|e| JobError::io(path.display(), e))?;
    let manifest: AzureManifest = serde_json::from_str(text.trim_start_matches('\u{feff}'))
        .map_err(|e| bad(format!("not an Azure export manifest: {e}")))?;
    if manifest.blobs.is_empty() {
        return Err(bad("the manifest lists no blobs".into()));
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut files = Vec::new();
    for blob in &manifest.blobs {
        let local = resolve_blob(dir, &blob.blob_name).ok_or_else(|| {
            bad(format!(
                "lists blob {:?}, which is not present next to the manifest",
                blob.blob_name
            ))
        })?;
        files.push((local, blob.data_row_count));
    }
    Ok(ResolvedManifest {
        path: path.to_path_buf(),
        manifest,
        files,
    })
}

fn resolve_blob(dir: &Path, blob: &str) -> Option<PathBuf> {
    let blob = blob.split("://").last().unwrap_or(blob);
    let parts: Vec<&str> = blob
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    if parts.is_empty() || parts.contains(&"..") {
        return None;
    }
    let join = |tail: &[&str]| tail.iter().fold(dir.to_path_buf(), |p, c| p.join(c));
    if let Some(dir_name) = dir.file_name().map(|n| n.to_string_lossy().to_string())
        && let Some(pos) = parts.iter().rposition(|p| *p == dir_name)
    {
        let candidate = join(&parts[pos + 1..]);
        if pos + 1 < parts.len() && candidate.is_file() {
            return Some(candidate);
        }
    }
    (0..parts.len())
        .map(|start| join(&parts[start..]))
        .find(|c| c.is_file())
}

/// Whether `path` names an export manifest (`manifest.json`, `…-manifest.json`, any case).
pub fn is_manifest(path: &Path) -> bool {
    path.file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .is_some_and(|n| n.ends_with("manifest.json"))
}

/// Every manifest under `dir`, sorted.
///
/// # Errors
/// I/O failures while listing.
pub fn find_manifests(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).map_err(|e| JobError::io(d.display(), e))? {
            let p = entry.map_err(|e| JobError::io(d.display(), e))?.path();
            if p.is_dir() {
                stack.push(p);
            } else if is_manifest(&p) {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Drops manifests superseded by a later run of the same export and date range; returns the
/// manifests kept (in their order) and the paths of those dropped.
pub fn latest_runs(manifests: Vec<ResolvedManifest>) -> (Vec<ResolvedManifest>, Vec<PathBuf>) {
    let mut dropped = Vec::new();
    let keep: Vec<bool> = manifests
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let Some(key) = m.manifest.supersession_key() else {
                return true;
            };
            let mine = (m.manifest.submitted_micros(), i);
            !manifests.iter().enumerate().any(|(j, other)| {
                j != i
                    && other.manifest.supersession_key().as_ref() == Some(&key)
                    && (other.manifest.submitted_micros(), j) > mine
            })
        })
        .collect();
    let mut kept = Vec::new();
    for (m, k) in manifests.into_iter().zip(keep) {
        if k {
            kept.push(m);
        } else {
            dropped.push(m.path);
        }
    }
    (kept, dropped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blobs_resolve_by_trailing_components() {
        let tmp = tempfile::tempdir().unwrap();
        let run = tmp
            .path()
            .join("export/20230101-20230131/202301041442/guid-1");
        std::fs::create_dir_all(&run).unwrap();
        std::fs::write(run.join("000001.csv"), "x\n").unwrap();
        assert_eq!(
            resolve_blob(
                &run,
                "cost/partitioned/20230101-20230131/202301041442/guid-1/000001.csv"
            ),
            Some(run.join("000001.csv"))
        );
        assert_eq!(
            resolve_blob(&run, "elsewhere/000001.csv"),
            Some(run.join("000001.csv"))
        );
        assert_eq!(resolve_blob(&run, "guid-1/000002.csv"), None);
        assert_eq!(resolve_blob(&run, "../000001.csv"), None);
    }

    #[test]
    fn the_koku_sample_manifest_parses_and_names_its_missing_blob() {
        let sample = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../examples/exports/azure/koku_azure_export_manifest.json");
        let text = std::fs::read_to_string(&sample).unwrap();
        let m: AzureManifest = serde_json::from_str(&text).unwrap();
        assert_eq!(m.manifest_version.as_deref(), Some("2021-01-01"));
        assert_eq!(m.blobs.len(), 1);
        assert_eq!(m.blobs[0].data_row_count, Some(490));
        assert!(m.dataset().is_none());
        let err = read_manifest(&sample).unwrap_err().to_string();
        assert!(
            err.contains("koku_azure_export_manifest.json") && err.contains("000001.csv"),
            "{err}"
        );
    }

    #[test]
    fn later_runs_supersede_earlier_ones() {
        let m = |path: &str, submitted: &str| ResolvedManifest {
            path: PathBuf::from(path),
            manifest: serde_json::from_str(&format!(
                r#"{{"blobs": [], "exportConfig": {{"exportName": "e", "type": "ActualCost"}},
                   "runInfo": {{"submittedTime": "{submitted}", "startDate": "2024-06-01",
                   "endDate": "2024-06-30"}}}}"#
            ))
            .unwrap(),
            files: vec![],
        };
        let (kept, dropped) = latest_runs(vec![
            m("a", "2024-06-02T00:00:00Z"),
            m("b", "2024-06-03T00:00:00Z"),
        ]);
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].path, PathBuf::from("b"));
        assert_eq!(dropped, vec![PathBuf::from("a")]);
    }
}
