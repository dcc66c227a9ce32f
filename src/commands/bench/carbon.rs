//! `greenops bench carbon`: carbon estimation over a large synthetic cost table.
//!
//! The synthetic CUR of `bench ingest` is ingested once into `DIR/wh-carbon-<rows>` (reused
//! afterwards); then `greenops carbon estimate` (a child process) and the DuckDB reference
//! (`bench/duckdb_carbon.py`: the same scan of the cost table and the same grouping) run on it.

use super::{dataset, measure, reference, show};
use crate::cli::{BenchCarbonArgs, BenchFormat};
use crate::exit::Exit;
use anyhow::Context;
use reference::Reference;
use std::process::Command;

/// Runs the benchmark.
///
/// # Errors
/// Generating or ingesting the input, or an engine failing.
pub fn run(args: &BenchCarbonArgs) -> anyhow::Result<Exit> {
    anyhow::ensure!(args.rows > 0, "--rows must be at least 1");
    let input = dataset::ensure_in_child(&args.dir, args.rows, BenchFormat::CurCsv)?;
    let exe = std::env::current_exe().context("locating the greenops binary")?;
    let warehouse = args.dir.join(format!("wh-carbon-{}", args.rows));
    let ready = warehouse.join("cost.ready");
    if !ready.exists() {
        super::empty(&warehouse)?;
        println!(
            "Preparing the cost table ({} rows) in {}",
            args.rows,
            warehouse.display()
        );
        let status = Command::new(&exe)
            .arg("--warehouse")
            .arg(&warehouse)
            .args(["ingest", "aws-cur"])
            .arg(&input.path)
            .status()
            .context("running greenops ingest")?;
        anyhow::ensure!(
            status.success(),
            "ingesting {} failed",
            input.path.display()
        );
        std::fs::write(&ready, b"").context("marking the cost table ready")?;
    }
    let mut cmd = Command::new(&exe);
    cmd.arg("--warehouse")
        .arg(&warehouse)
        .args(["carbon", "estimate", "--json"]);
    println!("\ngreenops: {}", show(&cmd));
    let g = measure::run(&mut cmd, "greenops")?;
    anyhow::ensure!(
        g.status.success(),
        "greenops carbon estimate failed ({})",
        g.status
    );
    let summary: serde_json::Value =
        serde_json::from_str(g.stdout.trim()).context("reading the carbon summary")?;
    let mut lines = vec![line("greenops", args.rows, g.wall, g.peak_rss_bytes)];
    match reference::prepare(
        &args.python,
        reference::DUCKDB_CARBON,
        &[warehouse.as_os_str()],
    ) {
        Reference::Skipped(why) => lines.push(format!("DuckDB reference skipped: {why}.")),
        Reference::Ready(mut cmd) => {
            println!("duckdb:   {}", show(&cmd));
            let d = measure::run(&mut cmd, "duckdb  ")?;
            anyhow::ensure!(
                d.status.success(),
                "the DuckDB reference failed ({})",
                d.status
            );
            lines.push(line("duckdb", args.rows, d.wall, d.peak_rss_bytes));
        }
    }
    println!(
        "\nCarbon over {} cost rows ({} usage groups → {} carbon rows, {:.3} kWh):",
        args.rows,
        summary["groups"],
        summary["rows"],
        summary["kwh"].as_f64().unwrap_or(0.0)
    );
    println!(
        "  {:<9} {:>9} {:>14} {:>12}",
        "engine", "wall s", "rows/s", "peak RSS"
    );
    for l in lines {
        println!("  {l}");
    }
    println!(
        "  (DuckDB does the scan and grouping only; greenops also classifies, estimates and commits.)"
    );
    Ok(Exit::Ok)
}

fn line(engine: &str, rows: u64, wall: std::time::Duration, rss: Option<u64>) -> String {
    let secs = wall.as_secs_f64();
    let rate = if secs > 0.0 { rows as f64 / secs } else { 0.0 };
    let rss = rss.map_or("?".to_string(), |b| format!("{} MiB", b / (1024 * 1024)));
    format!("{engine:<9} {secs:>9.2} {rate:>14.0} {rss:>12}")
}
