//! `greenops bench ingest`: generates (or reuses) the input of the chosen format, then runs, each
//! as a child process, greenops (`greenops ingest ADAPTER FILE`), the DuckDB reference (the same
//! normalisation) and the polars reference (raw conversion to Parquet), and prints the table.

use super::dataset::{self, Dataset};
use super::measure::{self, Measured};
use super::reference::{self, DUCKDB_INGEST, POLARS_CONVERT, Reference, Script};
use super::report::{self, EngineRun};
use super::{dir_bytes, empty, show};
use crate::cli::{BenchFormat, BenchIngestArgs};
use crate::exit::Exit;
use anyhow::Context;
use clap::ValueEnum;
use std::ffi::OsStr;
use std::process::Command;

/// What the polars figures are.
const POLARS_NOTE: &str = "polars only rewrites the input as one Parquet file (CSV columns as \
    text, Parquet types unchanged): the floor for reading and writing these bytes, not the same \
    work.";

/// The `greenops ingest` adapter reading a format.
pub fn adapter(format: BenchFormat) -> &'static str {
    match format {
        BenchFormat::CurCsv | BenchFormat::CurParquet => "aws-cur",
        BenchFormat::AzureCsv => "azure",
        BenchFormat::FocusParquet => "focus",
    }
}

/// Runs the benchmark.
///
/// # Errors
/// Writing the input, starting the engines, or greenops (or a reference) failing.
pub fn run(args: &BenchIngestArgs) -> anyhow::Result<Exit> {
    anyhow::ensure!(args.rows > 0, "--rows must be at least 1");
    let input = dataset::ensure_in_child(&args.dir, args.rows, args.format)?;
    match input.generated_in {
        Some(took) => println!(
            "Generated {} in {:.1} s",
            input.path.display(),
            took.as_secs_f64()
        ),
        None => println!("Reusing {}", input.path.display()),
    }
    let mut runs = vec![greenops(args, &input)?];
    let mut notes = Vec::new();
    let mut failures = Vec::new();
    let format = args
        .format
        .to_possible_value()
        .map(|v| v.get_name().to_string())
        .unwrap_or_default();
    let references = [
        (
            DUCKDB_INGEST,
            "duckdb-out",
            "same projection, partitioned Parquet",
        ),
        (
            POLARS_CONVERT,
            "polars-out",
            "raw conversion, no normalisation",
        ),
    ];
    for (script, out_dir, work) in references {
        let out = args.dir.join(out_dir);
        empty(&out)?;
        let mut script_args: Vec<&OsStr> = Vec::new();
        if script.module == "duckdb" {
            script_args.extend([OsStr::new("--format"), OsStr::new(&format)]);
        }
        script_args.extend([input.path.as_os_str(), out.as_os_str()]);
        let mut cmd = match reference::prepare(&args.python, script, &script_args) {
            Reference::Skipped(why) => {
                notes.push(format!("{} reference skipped: {why}.", script.engine));
                continue;
            }
            Reference::Ready(cmd) => cmd,
        };
        let m = measured(&mut cmd, script)?;
        if !m.status.success() {
            failures.push(format!(
                "the {} reference failed ({}); its error is printed above",
                script.engine, m.status
            ));
            continue;
        }
        runs.push(EngineRun {
            engine: script.engine.into(),
            work: work.into(),
            rows: reference::rows_printed(&m.stdout),
            wall: m.wall,
            peak_rss_bytes: m.peak_rss_bytes,
            peak_anon_bytes: m.peak_anon_bytes,
            output_bytes: dir_bytes(&out),
        });
        if script.module == "polars" {
            notes.push(POLARS_NOTE.into());
        }
    }
    report::print(&input, &runs, &notes);
    match failures.first() {
        Some(f) => Err(anyhow::anyhow!(f.clone())),
        None => Ok(Exit::Ok),
    }
}

fn greenops(args: &BenchIngestArgs, input: &Dataset) -> anyhow::Result<EngineRun> {
    let warehouse = args.dir.join("wh-greenops");
    empty(&warehouse)?;
    let exe = std::env::current_exe().context("locating the greenops binary")?;
    let mut cmd = Command::new(&exe);
    cmd.arg("--warehouse")
        .arg(&warehouse)
        .args(["ingest", adapter(input.format)])
        .arg(&input.path);
    println!("\ngreenops: {}", show(&cmd));
    let m = measure::run(&mut cmd, "greenops")?;
    anyhow::ensure!(
        m.status.success(),
        "greenops ingest failed ({}) on {}; its error is printed above",
        m.status,
        input.path.display()
    );
    Ok(EngineRun {
        engine: "greenops".into(),
        work: format!(
            "ingest {}: normalise, validate, commit",
            adapter(input.format)
        ),
        rows: super::ingested_rows(&m.stdout),
        wall: m.wall,
        peak_rss_bytes: m.peak_rss_bytes,
        peak_anon_bytes: m.peak_anon_bytes,
        output_bytes: dir_bytes(&warehouse),
    })
}

fn measured(cmd: &mut Command, script: Script) -> anyhow::Result<Measured> {
    println!("\n{:<9} {}", format!("{}:", script.engine), show(cmd));
    measure::run(cmd, &format!("{:<8}", script.engine))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_format_has_its_adapter() {
        assert_eq!(adapter(BenchFormat::CurParquet), "aws-cur");
        assert_eq!(adapter(BenchFormat::AzureCsv), "azure");
        assert_eq!(adapter(BenchFormat::FocusParquet), "focus");
    }
}
