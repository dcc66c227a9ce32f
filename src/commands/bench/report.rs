//! The side-by-side table.

use super::dataset::{Dataset, group};
use std::time::Duration;

/// One engine's figures.
#[derive(Debug, Clone)]
pub struct EngineRun {
    /// `greenops`, `duckdb`.
    pub engine: String,
    /// Rows the engine reports having written.
    pub rows: Option<u64>,
    /// Wall time.
    pub wall: Duration,
    /// Peak RSS, bytes.
    pub peak_rss_bytes: Option<u64>,
    /// Size of what it wrote, bytes.
    pub output_bytes: u64,
}

const MB: f64 = 1e6;
const MIB: f64 = 1024.0 * 1024.0;

/// Prints the input, the machine and one line per engine.
pub fn print(input: &Dataset, runs: &[EngineRun], notes: &[String]) {
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    println!();
    println!("Machine: {cores} cores available");
    let columns = input
        .columns
        .map_or_else(String::new, |c| format!(", {c} columns"));
    let csv = input.uncompressed_bytes.map_or_else(
        || "uncompressed size unknown (no sidecar)".to_string(),
        |b| format!("{:.1} MB as CSV", b as f64 / MB),
    );
    println!("Input:   {}", input.path.display());
    println!(
        "         {} rows{columns}, {:.1} MB gzip, {csv}",
        group(input.rows),
        input.compressed_bytes as f64 / MB
    );
    println!();
    println!(
        "{:<9} {:>11} {:>9} {:>11} {:>10} {:>11} {:>13} {:>10}",
        "engine", "rows", "wall s", "rows/s", "gz MB/s", "CSV MB/s", "peak RSS MiB", "out MB"
    );
    for r in runs {
        let secs = r.wall.as_secs_f64().max(1e-9);
        let csv_rate = input
            .uncompressed_bytes
            .map_or("-".to_string(), |b| format!("{:.1}", b as f64 / MB / secs));
        println!(
            "{:<9} {:>11} {:>9.2} {:>11} {:>10.1} {:>11} {:>13} {:>10.1}",
            r.engine,
            r.rows.map_or("?".to_string(), group),
            secs,
            group((input.rows as f64 / secs).round() as u64),
            input.compressed_bytes as f64 / MB / secs,
            csv_rate,
            r.peak_rss_bytes
                .map_or("-".to_string(), |b| format!("{:.1}", b as f64 / MIB)),
            r.output_bytes as f64 / MB,
        );
    }
    if let [a, b] = runs {
        let rss = match (a.peak_rss_bytes, b.peak_rss_bytes) {
            (Some(x), Some(y)) if y > 0 => format!(", peak RSS ×{:.2}", x as f64 / y as f64),
            _ => String::new(),
        };
        println!(
            "{} / {}: wall time ×{:.2}{rss}",
            a.engine,
            b.engine,
            a.wall.as_secs_f64() / b.wall.as_secs_f64().max(1e-9)
        );
    }
    println!("(rows/s and MB/s are input rows and input bytes over wall time; MB = 10^6 bytes)");
    for n in notes {
        println!("Note: {n}");
    }
}
