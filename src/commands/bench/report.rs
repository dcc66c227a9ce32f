//! The side-by-side table: one line per engine, then greenops relative to each reference.

use super::dataset::{Dataset, describe, group};
use std::time::Duration;

/// One engine's figures.
#[derive(Debug, Clone)]
pub struct EngineRun {
    /// `greenops`, `duckdb`, `polars`.
    pub engine: String,
    /// What it did, in a few words.
    pub work: String,
    /// Rows the engine reports having written.
    pub rows: Option<u64>,
    /// Wall time.
    pub wall: Duration,
    /// Peak RSS, bytes (including the pages of mapped input files).
    pub peak_rss_bytes: Option<u64>,
    /// Peak anonymous (private) resident memory, bytes.
    pub peak_anon_bytes: Option<u64>,
    /// Size of what it wrote, bytes.
    pub output_bytes: u64,
}

const MB: f64 = 1e6;
const MIB: f64 = 1024.0 * 1024.0;

/// Prints the input, the machine, one line per engine, greenops' ratios to each reference, and
/// the notes.
pub fn print(input: &Dataset, runs: &[EngineRun], notes: &[String]) {
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    println!();
    println!("Machine: {cores} cores available");
    println!(
        "Input:   {} ({})",
        input.path.display(),
        describe(input.format)
    );
    let columns = input
        .columns
        .map_or_else(String::new, |c| format!(", {c} columns"));
    let text = input
        .uncompressed_bytes
        .map_or_else(String::new, |b| format!(", {:.1} MB as CSV", b as f64 / MB));
    println!(
        "         {} rows{columns}, {:.1} MB file{text}",
        group(input.rows),
        input.compressed_bytes as f64 / MB
    );
    println!();
    println!(
        "{:<9} {:>12} {:>8} {:>10} {:>10} {:>9} {:>13} {:>9} {:>8}  work",
        "engine",
        "rows written",
        "wall s",
        "rows/s",
        "file MB/s",
        "CSV MB/s",
        "peak RSS MiB",
        "anon MiB",
        "out MB",
    );
    for r in runs {
        let secs = r.wall.as_secs_f64().max(1e-9);
        let csv_rate = input
            .uncompressed_bytes
            .map_or("-".to_string(), |b| format!("{:.1}", b as f64 / MB / secs));
        println!(
            "{:<9} {:>12} {:>8.2} {:>10} {:>10.1} {:>9} {:>13} {:>9} {:>8.1}  {}",
            r.engine,
            r.rows.map_or("?".to_string(), group),
            secs,
            group((input.rows as f64 / secs).round() as u64),
            input.compressed_bytes as f64 / MB / secs,
            csv_rate,
            mib(r.peak_rss_bytes),
            mib(r.peak_anon_bytes),
            r.output_bytes as f64 / MB,
            r.work,
        );
    }
    if let Some((ours, references)) = runs.split_first() {
        if !references.is_empty() {
            println!();
        }
        for reference in references {
            println!("{}", ratio_line(ours, reference));
        }
    }
    println!(
        "(×: greenops ÷ reference, above 1 = greenops slower or bigger; rows/s and MB/s are input \
         rows and input bytes over wall time; MB = 10^6 bytes; peak RSS counts the pages of \
         mapped input files, anon only private memory)"
    );
    for r in runs {
        if r.rows.is_some_and(|n| n != input.rows) {
            println!(
                "Warning: {} wrote {} rows, the input has {}",
                r.engine,
                group(r.rows.unwrap_or(0)),
                group(input.rows)
            );
        }
    }
    for n in notes {
        println!("Note: {n}");
    }
}

fn mib(bytes: Option<u64>) -> String {
    bytes.map_or("-".to_string(), |b| format!("{:.1}", b as f64 / MIB))
}

/// `, peak RSS ×0.27 (750 vs 2825 MiB)`, or nothing when either side is unknown.
fn memory_ratio(label: &str, ours: Option<u64>, reference: Option<u64>) -> String {
    match (ours, reference) {
        (Some(x), Some(y)) if y > 0 => format!(
            ", {label} ×{:.2} ({:.0} vs {:.0} MiB)",
            x as f64 / y as f64,
            x as f64 / MIB,
            y as f64 / MIB
        ),
        _ => String::new(),
    }
}

/// `greenops vs duckdb: wall time ×1.19 (…), peak RSS ×0.27 (750 vs 2825 MiB), anon ×0.25 (…)`.
fn ratio_line(ours: &EngineRun, reference: &EngineRun) -> String {
    let wall = ours.wall.as_secs_f64() / reference.wall.as_secs_f64().max(1e-9);
    let rss = memory_ratio("peak RSS", ours.peak_rss_bytes, reference.peak_rss_bytes);
    let anon = memory_ratio("anon", ours.peak_anon_bytes, reference.peak_anon_bytes);
    format!(
        "{} vs {}: wall time ×{wall:.2} ({:.2} vs {:.2} s){rss}{anon}",
        ours.engine,
        reference.engine,
        ours.wall.as_secs_f64(),
        reference.wall.as_secs_f64()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_are_greenops_over_the_reference() {
        let run = |engine: &str, secs: u64, mib: u64| EngineRun {
            engine: engine.into(),
            work: String::new(),
            rows: Some(10),
            wall: Duration::from_secs(secs),
            peak_rss_bytes: Some(mib * 1024 * 1024),
            peak_anon_bytes: None,
            output_bytes: 0,
        };
        assert_eq!(
            ratio_line(&run("greenops", 6, 100), &run("polars", 2, 400)),
            "greenops vs polars: wall time ×3.00 (6.00 vs 2.00 s), peak RSS ×0.25 (100 vs 400 MiB)"
        );
    }
}
