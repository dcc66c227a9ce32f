//! The benchmark input: `DIR/cur-synthetic-ROWS.csv.gz`, generated once and reused, with a sidecar
//! `DIR/cur-synthetic-ROWS.json` recording its sizes (so a reused file still has its uncompressed size).

use super::generate::{SEED, Written, write_cur};
use anyhow::Context;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The input file of a benchmark run.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// The `.csv.gz` file.
    pub path: PathBuf,
    /// Data rows.
    pub rows: u64,
    /// Columns, when known.
    pub columns: Option<usize>,
    /// Size of the file.
    pub compressed_bytes: u64,
    /// CSV size before compression, when known.
    pub uncompressed_bytes: Option<u64>,
    /// Generation time, or `None` when an existing file was reused.
    pub generated_in: Option<Duration>,
}

/// The file for `rows` rows under `dir`.
pub fn path_for(dir: &Path, rows: u64) -> PathBuf {
    dir.join(format!("cur-synthetic-{rows}.csv.gz"))
}

fn sidecar_for(dir: &Path, rows: u64) -> PathBuf {
    dir.join(format!("cur-synthetic-{rows}.json"))
}

/// Reuses `DIR/cur-synthetic-ROWS.csv.gz` when it exists, else generates it (written to a
/// `.partial` file first, so an interrupted run never leaves a truncated file to reuse).
///
/// # Errors
/// Creating `dir` or writing the files.
pub fn ensure(dir: &Path, rows: u64) -> anyhow::Result<Dataset> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let path = path_for(dir, rows);
    let sidecar = sidecar_for(dir, rows);
    if path.exists() {
        let compressed_bytes = std::fs::metadata(&path)
            .with_context(|| format!("reading {}", path.display()))?
            .len();
        let known = read_sidecar(&sidecar)
            .filter(|w| w.rows == rows && w.compressed_bytes == compressed_bytes);
        return Ok(Dataset {
            path,
            rows,
            columns: known.map(|w| w.columns),
            compressed_bytes,
            uncompressed_bytes: known.map(|w| w.uncompressed_bytes),
            generated_in: None,
        });
    }
    println!("Generating {} ({rows} rows)…", path.display());
    let started = Instant::now();
    let partial = path.with_extension("gz.partial");
    let written = write_cur(&partial, rows, |n| {
        println!(
            "  {:>12} rows  {:>6.1} s",
            group(n),
            started.elapsed().as_secs_f64()
        );
    })?;
    write_sidecar(&sidecar, &written)?;
    std::fs::rename(&partial, &path)
        .with_context(|| format!("renaming {} to {}", partial.display(), path.display()))?;
    Ok(Dataset {
        path,
        rows: written.rows,
        columns: Some(written.columns),
        compressed_bytes: written.compressed_bytes,
        uncompressed_bytes: Some(written.uncompressed_bytes),
        generated_in: Some(started.elapsed()),
    })
}

fn write_sidecar(path: &Path, w: &Written) -> anyhow::Result<()> {
    let json = serde_json::json!({
        "rows": w.rows,
        "columns": w.columns,
        "uncompressed_bytes": w.uncompressed_bytes,
        "compressed_bytes": w.compressed_bytes,
        "seed": SEED,
        "generator": "greenops bench ingest (synthetic legacy AWS CUR)",
    });
    std::fs::write(path, format!("{json:#}\n"))
        .with_context(|| format!("writing {}", path.display()))
}

fn read_sidecar(path: &Path) -> Option<Written> {
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    Some(Written {
        rows: v.get("rows")?.as_u64()?,
        columns: usize::try_from(v.get("columns")?.as_u64()?).ok()?,
        uncompressed_bytes: v.get("uncompressed_bytes")?.as_u64()?,
        compressed_bytes: v.get("compressed_bytes")?.as_u64()?,
    })
}

/// `1234567` → `1,234,567`.
pub fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}
