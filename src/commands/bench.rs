//! `greenops bench ingest`: generates a synthetic legacy AWS CUR (CSV.gz), ingests it with greenops
//! (this binary, as a child process) and with DuckDB (`bench/duckdb_ingest.py`, when the given
//! Python has duckdb), and prints wall time, throughput and peak RSS side by side.
//!
//! Everything lives under `--dir`: the input file and its sidecar (reused across runs), and the two
//! outputs `wh-greenops/` and `duckdb-out/` (emptied before each run). The global `--warehouse` is
//! not touched.

mod carbon;
mod catalog;
mod dataset;
mod generate;
mod header;
mod measure;
mod products;
mod reference;
mod report;
mod rng;
mod rows;
mod text;
mod world;

use crate::cli::{BenchCommand, BenchIngestArgs};
use crate::exit::Exit;
use anyhow::Context;
use reference::Reference;
use report::EngineRun;
use std::path::Path;
use std::process::Command;

/// Runs a benchmark command.
///
/// # Errors
/// Writing the input, starting the engines, or greenops (or the DuckDB reference) failing.
pub async fn run(cmd: BenchCommand, _warehouse: &str) -> anyhow::Result<Exit> {
    match cmd {
        BenchCommand::Ingest(args) => tokio::task::spawn_blocking(move || ingest(&args))
            .await
            .context("the benchmark task panicked")?,
        BenchCommand::Carbon(args) => tokio::task::spawn_blocking(move || carbon::run(&args))
            .await
            .context("the benchmark task panicked")?,
    }
}

fn ingest(args: &BenchIngestArgs) -> anyhow::Result<Exit> {
    anyhow::ensure!(args.rows > 0, "--rows must be at least 1");
    let input = dataset::ensure(&args.dir, args.rows)?;
    match input.generated_in {
        Some(took) => println!(
            "Generated {} in {:.1} s",
            input.path.display(),
            took.as_secs_f64()
        ),
        None => println!("Reusing {}", input.path.display()),
    }
    let mut runs = Vec::new();
    let mut notes = Vec::new();

    let warehouse = args.dir.join("wh-greenops");
    empty(&warehouse)?;
    let exe = std::env::current_exe().context("locating the greenops binary")?;
    let mut cmd = Command::new(&exe);
    cmd.arg("--warehouse")
        .arg(&warehouse)
        .args(["ingest", "aws-cur"])
        .arg(&input.path);
    println!("\ngreenops: {}", show(&cmd));
    let m = measure::run(&mut cmd, "greenops")?;
    anyhow::ensure!(
        m.status.success(),
        "greenops ingest failed ({}) on {}; its error is printed above",
        m.status,
        input.path.display()
    );
    runs.push(EngineRun {
        engine: "greenops".into(),
        rows: ingested_rows(&m.stdout),
        wall: m.wall,
        peak_rss_bytes: m.peak_rss_bytes,
        output_bytes: dir_bytes(&warehouse),
    });

    let out = args.dir.join("duckdb-out");
    empty(&out)?;
    let mut failure = None;
    match reference::prepare(&args.python, reference::INGEST_SCRIPT, &[&input.path, &out]) {
        Reference::Skipped(why) => notes.push(format!("DuckDB reference skipped: {why}.")),
        Reference::Ready(mut cmd) => {
            println!("\nduckdb:   {}", show(&cmd));
            let m = measure::run(&mut cmd, "duckdb  ")?;
            if m.status.success() {
                runs.push(EngineRun {
                    engine: "duckdb".into(),
                    rows: reference::rows_printed(&m.stdout),
                    wall: m.wall,
                    peak_rss_bytes: m.peak_rss_bytes,
                    output_bytes: dir_bytes(&out),
                });
            } else {
                failure = Some(format!(
                    "the DuckDB reference failed ({}); its error is printed above",
                    m.status
                ));
            }
        }
    }
    report::print(&input, &runs, &notes);
    match failure {
        Some(f) => Err(anyhow::anyhow!(f)),
        None => Ok(Exit::Ok),
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

    /// The generated file goes through `greenops ingest aws-cur` (the command line's own path).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn greenops_ingests_the_generated_file() {
        use clap::Parser;
        let dir = tempfile::tempdir().unwrap();
        let data = dataset::ensure(dir.path(), 3_000).unwrap();
        let wh = dir.path().join("wh");
        let args: [&std::ffi::OsStr; 8] = [
            "greenops".as_ref(),
            "--warehouse".as_ref(),
            wh.as_os_str(),
            "--state".as_ref(),
            "sqlite://unused.db".as_ref(),
            "ingest".as_ref(),
            "aws-cur".as_ref(),
            data.path.as_os_str(),
        ];
        let cli = crate::cli::Cli::try_parse_from(args).unwrap();
        assert_eq!(crate::commands::run(cli).await.unwrap(), Exit::Ok);
        let period = wh
            .join("cost/provider=aws")
            .read_dir()
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        assert!(
            period.join("billing_period=2026-10").is_dir(),
            "{}",
            period.display()
        );
    }
}
