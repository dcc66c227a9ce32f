//! AWS CUR report manifests: which files form a report version.
//!
//! Legacy CUR writes `<prefix>/<report>/<yyyymmdd-yyyymmdd>/<report>-Manifest.json` pointing at
//! the latest assembly (`<assemblyId>/<report>-<n>.csv.gz`); older assemblies stay in the bucket.
//! Only the files the manifest lists are read — globbing the folder would double count.
//! CUR 2.0 (Data Exports) writes `metadata/BILLING_PERIOD=YYYY-MM/<export>-Manifest.json` whose
//! `dataFiles` list the data objects.

use crate::error::{JobError, Result};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The parts of a manifest greenops uses.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CurManifest {
    /// Legacy: assembly id of the report version.
    #[serde(default)]
    pub assembly_id: Option<String>,
    /// CUR 2.0: execution id.
    #[serde(default)]
    pub execution_id: Option<String>,
    /// Legacy: bucket keys of the data files.
    #[serde(default)]
    pub report_keys: Vec<String>,
    /// CUR 2.0: data file URLs or keys.
    #[serde(default)]
    pub data_files: Vec<String>,
    /// Billing period.
    #[serde(default)]
    pub billing_period: Option<serde_json::Value>,
}

/// A manifest read from disk with the files it names resolved to local paths.
#[derive(Debug, Clone)]
pub struct ResolvedManifest {
    /// The manifest file.
    pub path: PathBuf,
    /// Parsed content.
    pub manifest: CurManifest,
    /// Data files, in manifest order.
    pub files: Vec<PathBuf>,
}

/// Reads `path` and resolves the files it lists.
///
/// Bucket keys are matched against the local copy of the bucket: a key's components after the
/// manifest's own folder name (the billing-period folder) are taken relative to that folder.
///
/// # Errors
/// Unreadable JSON, or a listed file that does not exist.
pub fn read_manifest(path: &Path) -> Result<ResolvedManifest> {
    let bad = |reason: String| JobError::BadFile {
        file: path.display().to_string(),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|e| JobError::io(path.display(), e))?;
    let manifest: CurManifest =
        serde_json::from_str(&text).map_err(|e| bad(format!("not a CUR manifest: {e}")))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let keys: Vec<&String> = manifest
        .report_keys
        .iter()
        .chain(&manifest.data_files)
        .collect();
    if keys.is_empty() {
        return Err(bad(
            "the manifest lists no data files (reportKeys/dataFiles)".into(),
        ));
    }
    let mut files = Vec::new();
    for key in keys {
        let local = resolve_key(dir, key).ok_or_else(|| {
            bad(format!(
                "lists {key:?}, which is not present next to the manifest"
            ))
        })?;
        files.push(local);
    }
    Ok(ResolvedManifest {
        path: path.to_path_buf(),
        manifest,
        files,
    })
}

fn resolve_key(dir: &Path, key: &str) -> Option<PathBuf> {
    let key = key
        .split("://")
        .last()
        .unwrap_or(key)
        .trim_start_matches('/');
    let parts: Vec<&str> = key.split('/').filter(|p| !p.is_empty()).collect();
    let dir_name = dir.file_name()?.to_string_lossy().to_string();
    // the key's tail after the manifest's folder, e.g. <assembly>/<report>-1.csv.gz
    if let Some(pos) = parts.iter().rposition(|p| *p == dir_name) {
        let candidate = parts[pos + 1..]
            .iter()
            .fold(dir.to_path_buf(), |p, c| p.join(c));
        if candidate.is_file() {
            return Some(candidate);
        }
    }
    // CUR 2.0: data/BILLING_PERIOD=…/file next to metadata/BILLING_PERIOD=…/manifest
    for start in 0..parts.len() {
        let mut base = dir.to_path_buf();
        for _ in 0..3 {
            let candidate = parts[start..].iter().fold(base.clone(), |p, c| p.join(c));
            if candidate.is_file() {
                return Some(candidate);
            }
            base = base.parent()?.to_path_buf();
        }
    }
    None
}

/// The manifests that decide a report prefix: each billing-period folder's top manifest, not the
/// copies inside assembly folders. If `dir` itself holds a manifest, that one alone.
///
/// # Errors
/// I/O failures while listing.
pub fn find_manifests(dir: &Path) -> Result<Vec<PathBuf>> {
    let own: Vec<PathBuf> = manifests_in(dir)?;
    if !own.is_empty() {
        return Ok(own);
    }
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let found = manifests_in(&d)?;
        if !found.is_empty() {
            out.extend(found);
            continue; // don't descend into assembly folders under a period folder
        }
        for entry in std::fs::read_dir(&d).map_err(|e| JobError::io(d.display(), e))? {
            let p = entry.map_err(|e| JobError::io(d.display(), e))?.path();
            if p.is_dir() {
                stack.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

fn manifests_in(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| JobError::io(dir.display(), e))? {
        let p = entry.map_err(|e| JobError::io(dir.display(), e))?.path();
        let name = p
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        if p.is_file() && name.ends_with("-Manifest.json") {
            out.push(p);
        }
    }
    out.sort();
    Ok(out)
}
