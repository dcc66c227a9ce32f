//! The benchmark input: `DIR/<stem>-ROWS.<ext>` per format (e.g. `cur-synthetic-1000000.csv.gz`),
//! generated once and reused, with a sidecar `DIR/<stem>-ROWS.json` recording its sizes (so a
//! reused file still has its uncompressed size).

use super::generate::{SEED, Written, write};
use crate::cli::BenchFormat;
use anyhow::Context;
use clap::ValueEnum;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The input file of a benchmark run.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// Its format.
    pub format: BenchFormat,
    /// The file.
    pub path: PathBuf,
    /// Data rows.
    pub rows: u64,
    /// Columns, when known.
    pub columns: Option<usize>,
    /// Size of the file.
    pub compressed_bytes: u64,
    /// CSV size before compression, when known (CSV.gz formats).
    pub uncompressed_bytes: Option<u64>,
    /// Generation time, or `None` when an existing file was reused.
    pub generated_in: Option<Duration>,
}

/// File name stem and extension of a format.
fn naming(format: BenchFormat) -> (&'static str, &'static str) {
    match format {
        BenchFormat::CurCsv => ("cur-synthetic", "csv.gz"),
        BenchFormat::CurParquet => ("cur-athena-synthetic", "parquet"),
        BenchFormat::AzureCsv => ("azure-ea-synthetic", "csv.gz"),
        BenchFormat::FocusParquet => ("focus-synthetic", "parquet"),
    }
}

/// What a format's file is, for the sidecar and the report.
pub fn describe(format: BenchFormat) -> &'static str {
    match format {
        BenchFormat::CurCsv => "synthetic legacy AWS CUR, CSV.gz",
        BenchFormat::CurParquet => "synthetic legacy AWS CUR, Athena-style Parquet",
        BenchFormat::AzureCsv => "synthetic Azure EA cost details (actual), CSV.gz",
        BenchFormat::FocusParquet => "synthetic FOCUS 1.2 (AWS), Parquet",
    }
}

/// The file for `rows` rows of `format` under `dir`.
pub fn path_for(dir: &Path, rows: u64, format: BenchFormat) -> PathBuf {
    let (stem, ext) = naming(format);
    dir.join(format!("{stem}-{rows}.{ext}"))
}

fn sidecar_for(dir: &Path, rows: u64, format: BenchFormat) -> PathBuf {
    dir.join(format!("{}-{rows}.json", naming(format).0))
}

/// Reuses the file for `rows` rows of `format` when it exists, else generates it (written to a
/// `.partial` file first, so an interrupted run never leaves a truncated file to reuse).
///
/// # Errors
/// Creating `dir` or writing the files.
pub fn ensure(dir: &Path, rows: u64, format: BenchFormat) -> anyhow::Result<Dataset> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let path = path_for(dir, rows, format);
    let sidecar = sidecar_for(dir, rows, format);
    if path.exists() {
        let compressed_bytes = std::fs::metadata(&path)
            .with_context(|| format!("reading {}", path.display()))?
            .len();
        let known = read_sidecar(&sidecar)
            .filter(|w| w.rows == rows && w.compressed_bytes == compressed_bytes);
        return Ok(Dataset {
            format,
            path,
            rows,
            columns: known.map(|w| w.columns),
            compressed_bytes,
            uncompressed_bytes: known.and_then(|w| w.uncompressed_bytes),
            generated_in: None,
        });
    }
    println!("Generating {} ({rows} rows)…", path.display());
    let started = Instant::now();
    let mut partial = path.clone().into_os_string();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let written = write(format, &partial, rows, |n| {
        println!(
            "  {:>12} rows  {:>6.1} s",
            group(n),
            started.elapsed().as_secs_f64()
        );
    })?;
    write_sidecar(&sidecar, format, &written)?;
    std::fs::rename(&partial, &path)
        .with_context(|| format!("renaming {} to {}", partial.display(), path.display()))?;
    Ok(Dataset {
        format,
        path,
        rows: written.rows,
        columns: Some(written.columns),
        compressed_bytes: written.compressed_bytes,
        uncompressed_bytes: written.uncompressed_bytes,
        generated_in: Some(started.elapsed()),
    })
}

/// [`ensure`], generating a missing file in a child process (`greenops bench generate`), so this
/// process stays small: on Linux a spawned child starts with its parent's high-water RSS, which
/// would then show in every engine's peak RSS.
///
/// # Errors
/// The child failing, or [`ensure`]'s errors.
pub fn ensure_in_child(dir: &Path, rows: u64, format: BenchFormat) -> anyhow::Result<Dataset> {
    if path_for(dir, rows, format).exists() {
        return ensure(dir, rows, format);
    }
    let started = Instant::now();
    let exe = std::env::current_exe().context("locating the greenops binary")?;
    let name = format
        .to_possible_value()
        .map(|v| v.get_name().to_string())
        .unwrap_or_default();
    let status = std::process::Command::new(exe)
        .args([
            "bench",
            "generate",
            "--rows",
            &rows.to_string(),
            "--format",
            &name,
        ])
        .arg("--dir")
        .arg(dir)
        .status()
        .context("running greenops bench generate")?;
    anyhow::ensure!(status.success(), "generating the input failed ({status})");
    let mut data = ensure(dir, rows, format)?;
    data.generated_in = Some(started.elapsed());
    Ok(data)
}

fn write_sidecar(path: &Path, format: BenchFormat, w: &Written) -> anyhow::Result<()> {
    let json = serde_json::json!({
        "rows": w.rows,
        "columns": w.columns,
        "uncompressed_bytes": w.uncompressed_bytes,
        "compressed_bytes": w.compressed_bytes,
        "seed": SEED,
        "generator": format!("greenops bench ingest ({})", describe(format)),
    });
    std::fs::write(path, format!("{json:#}\n"))
        .with_context(|| format!("writing {}", path.display()))
}

fn read_sidecar(path: &Path) -> Option<Written> {
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    Some(Written {
        rows: v.get("rows")?.as_u64()?,
        columns: usize::try_from(v.get("columns")?.as_u64()?).ok()?,
        uncompressed_bytes: v
            .get("uncompressed_bytes")
            .and_then(serde_json::Value::as_u64),
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
