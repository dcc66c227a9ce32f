//! `greenops bench …`: throughput and peak memory of greenops beside reference engines.
//!
//! `bench ingest` generates a synthetic billing export (legacy AWS CUR as CSV.gz or Parquet, Azure
//! EA cost details, FOCUS Parquet), ingests it with greenops (this binary, as a child process),
//! with DuckDB doing the same normalisation (`bench/duckdb_ingest.py`) and with polars doing a
//! raw conversion (`bench/polars_convert.py`), and prints wall time, throughput and peak RSS side
//! by side. `bench carbon` times carbon estimation over the ingested CUR.
//!
//! Everything lives under `--dir`: the input files and their sidecars (reused across runs), and
//! the outputs `wh-greenops/`, `duckdb-out/` and `polars-out/` (emptied before each run). The
//! global `--warehouse` is not touched.

mod azure_catalog;
mod azure_csv;
mod azure_header;
mod azure_rows;
mod azure_world;
mod carbon;
mod catalog;
mod csv_gz;
mod cur_csv;
mod cur_parquet;
mod dataset;
mod focus_parquet;
mod focus_row;
mod generate;
mod header;
mod ingest;
mod measure;
mod nightly;
mod nightly_data;
mod parquet;
mod products;
mod reference;
mod report;
mod rng;
mod rows;
mod text;
mod world;

use crate::cli::BenchCommand;
use crate::exit::Exit;
use anyhow::Context;
use std::path::Path;
use std::process::Command;

/// Runs a benchmark command.
///
/// # Errors
/// Writing the input, starting the engines, or greenops (or a reference) failing.
pub async fn run(cmd: BenchCommand, _warehouse: &str) -> anyhow::Result<Exit> {
    match cmd {
        BenchCommand::Ingest(args) => tokio::task::spawn_blocking(move || ingest::run(&args))
            .await
            .context("the benchmark task panicked")?,
        BenchCommand::Carbon(args) => tokio::task::spawn_blocking(move || carbon::run(&args))
            .await
            .context("the benchmark task panicked")?,
        BenchCommand::Nightly(args) => tokio::task::spawn_blocking(move || nightly::run(&args))
            .await
            .context("the benchmark task panicked")?,
        BenchCommand::Generate(args) => tokio::task::spawn_blocking(move || {
            dataset::ensure(&args.dir, args.rows, args.format).map(|_| Exit::Ok)
        })
        .await
        .context("the generator task panicked")?,
    }
}

/// Removes `dir` so a run starts empty.
pub(crate) fn empty(dir: &Path) -> anyhow::Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).with_context(|| format!("removing {}", dir.display()))?;
    }
    Ok(())
}

/// Total size of the files under `dir` (0 when unreadable).
fn dir_bytes(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => dir_bytes(&e.path()),
            Ok(_) => e.metadata().map_or(0, |m| m.len()),
            Err(_) => 0,
        })
        .sum()
}

/// The row count in greenops' summary (`Ingested N rows into …`).
fn ingested_rows(stdout: &str) -> Option<u64> {
    stdout.lines().find_map(|l| {
        l.strip_prefix("Ingested ")?
            .split_whitespace()
            .next()?
            .parse()
            .ok()
    })
}

pub(crate) fn show(cmd: &Command) -> String {
    std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(|a| a.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::BenchFormat;

    #[test]
    fn reads_the_ingest_summary() {
        let out = "Ingested 1000 rows into 1 partition(s) (commit 1, run x) in 0.1s\n  billing periods: 2026-10\n";
        assert_eq!(ingested_rows(out), Some(1000));
        assert_eq!(ingested_rows("nothing"), None);
        assert_eq!(
            reference::rows_printed("elapsed: 1.0\nrows: 42\n"),
            Some(42)
        );
    }

    /// Ingests a small file of `format` through the command line's own path and returns the rows
    /// in the warehouse's cost table.
    async fn ingest_rows(format: BenchFormat, rows: u64) -> u64 {
        use clap::Parser;
        use polars::prelude::*;
        let dir = tempfile::tempdir().unwrap();
        let data = dataset::ensure(dir.path(), rows, format).unwrap();
        let wh = dir.path().join("wh");
        let state = format!("sqlite://{}", dir.path().join("state.db").display());
        let args: [&std::ffi::OsStr; 8] = [
            "greenops".as_ref(),
            "--warehouse".as_ref(),
            wh.as_os_str(),
            "--state".as_ref(),
            state.as_ref(),
            "ingest".as_ref(),
            ingest::adapter(format).as_ref(),
            data.path.as_os_str(),
        ];
        let cli = crate::cli::Cli::try_parse_from(args).unwrap();
        assert_eq!(crate::commands::run(cli).await.unwrap(), Exit::Ok);
        let glob = wh.join("cost/**/*.parquet").display().to_string();
        let counted = LazyFrame::scan_parquet(PlRefPath::new(glob), ScanArgsParquet::default())
            .unwrap()
            .select([len().alias("n")])
            .collect()
            .unwrap();
        let n = counted
            .column("n")
            .unwrap()
            .cast(&DataType::UInt64)
            .unwrap();
        n.u64().unwrap().get(0).unwrap()
    }

    /// Every generated format goes through its `greenops ingest` adapter without a validation
    /// error, every row landing in the cost table.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn greenops_ingests_every_generated_format() {
        for format in [
            BenchFormat::CurCsv,
            BenchFormat::CurParquet,
            BenchFormat::AzureCsv,
            BenchFormat::FocusParquet,
        ] {
            assert_eq!(ingest_rows(format, 3_000).await, 3_000, "{format:?}");
        }
    }
}
