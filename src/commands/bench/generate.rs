//! Writes the synthetic CUR as CSV.gz (fast gzip level, buffered), reporting progress.

use super::header::HEADER;
use super::rows::RowWriter;
use super::world::World;
use anyhow::Context;
use flate2::Compression;
use flate2::write::GzEncoder;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

/// The seed of every generated file: the same row count always gives the same bytes.
pub const SEED: u64 = 0x6772_6565_6E6F_7073;

/// What was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    /// Data rows (without the header).
    pub rows: u64,
    /// Columns.
    pub columns: usize,
    /// CSV bytes before compression (header included).
    pub uncompressed_bytes: u64,
    /// Bytes of the `.csv.gz` file.
    pub compressed_bytes: u64,
}

/// Flush to the compressor once this much CSV text is buffered.
const CHUNK: usize = 1 << 18;

/// Writes `rows` rows to `path` (truncating it), calling `progress(rows_so_far)` after each
/// million rows.
///
/// # Errors
/// Creating or writing the file.
pub fn write_cur(path: &Path, rows: u64, mut progress: impl FnMut(u64)) -> anyhow::Result<Written> {
    let world = World::build(SEED);
    let mut writer = RowWriter::new(&world, SEED ^ 0x5EED);
    let file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut gz = GzEncoder::new(BufWriter::with_capacity(1 << 20, file), Compression::new(1));
    let mut text = String::with_capacity(CHUNK + 4096);
    text.push_str(&HEADER.join(","));
    text.push('\n');
    let (mut written, mut uncompressed, mut next_report) = (0u64, 0u64, 1_000_000u64);
    let write_err = || format!("writing {}", path.display());
    while written < rows {
        written += writer.next_line_item(rows - written, &mut text);
        if text.len() >= CHUNK {
            gz.write_all(text.as_bytes()).with_context(write_err)?;
            uncompressed += text.len() as u64;
            text.clear();
        }
        if written >= next_report {
            progress(written);
            next_report += 1_000_000;
        }
    }
    gz.write_all(text.as_bytes()).with_context(write_err)?;
    uncompressed += text.len() as u64;
    let mut buffered = gz.finish().with_context(write_err)?;
    buffered.flush().with_context(write_err)?;
    drop(buffered);
    let compressed_bytes = std::fs::metadata(path)
        .with_context(|| format!("reading {}", path.display()))?
        .len();
    Ok(Written {
        rows: written,
        columns: HEADER.len(),
        uncompressed_bytes: uncompressed,
        compressed_bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::super::dataset;
    use super::*;
    use flate2::read::GzDecoder;
    use std::io::Read;

    fn gunzip(path: &Path) -> String {
        let mut text = String::new();
        GzDecoder::new(File::open(path).unwrap())
            .read_to_string(&mut text)
            .unwrap();
        text
    }

    /// Splits a CSV line, honouring quotes.
    fn fields(line: &str) -> Vec<String> {
        let (mut out, mut cur, mut quoted, mut chars) =
            (Vec::new(), String::new(), false, line.chars().peekable());
        while let Some(c) = chars.next() {
            match (c, quoted) {
                ('"', true) if chars.peek() == Some(&'"') => {
                    cur.push('"');
                    chars.next();
                }
                ('"', _) => quoted = !quoted,
                (',', false) => out.push(std::mem::take(&mut cur)),
                _ => cur.push(c),
            }
        }
        out.push(cur);
        out
    }

    #[test]
    fn generates_a_readable_reusable_cur() {
        let dir = tempfile::tempdir().unwrap();
        let data = dataset::ensure(dir.path(), 1_000).unwrap();
        assert!(data.generated_in.is_some());
        assert_eq!(data.path, dir.path().join("cur-synthetic-1000.csv.gz"));
        let text = gunzip(&data.path);
        assert_eq!(data.uncompressed_bytes, Some(text.len() as u64));
        let mut lines = text.lines();
        let header = fields(lines.next().unwrap());
        assert!(header.len() >= 95, "{} columns", header.len());
        assert_eq!(header[0], "identity/LineItemId");
        let rows: Vec<Vec<String>> = lines.map(fields).collect();
        assert_eq!(rows.len(), 1_000);
        assert!(rows.iter().all(|r| r.len() == header.len()));

        let col = |name: &str| header.iter().position(|h| h == name).unwrap();
        let types: Vec<&str> = rows
            .iter()
            .map(|r| r[col("lineItem/LineItemType")].as_str())
            .collect();
        let share = |t: &str| types.iter().filter(|v| **v == t).count();
        assert!(share("Usage") > 800, "{} usage rows", share("Usage"));
        assert_eq!(
            share("SavingsPlanCoveredUsage"),
            share("SavingsPlanNegation")
        );
        assert!(
            rows.iter()
                .all(|r| r[col("bill/BillingPeriodStartDate")] == "2026-10-01T00:00:00Z")
        );
        assert!(
            rows.iter()
                .all(|r| r[col("lineItem/UsageStartDate")].starts_with("2026-10-"))
        );
        assert!(
            rows.iter()
                .any(|r| r[col("lineItem/UnblendedCost")].contains("e-")),
            "no E-notation cost"
        );
        assert!(
            rows.iter()
                .all(|r| r[col("bill/InvoicingEntity")] == "Amazon Web Services, Inc.")
        );

        // a second run reuses the file, and the sidecar keeps its uncompressed size
        let again = dataset::ensure(dir.path(), 1_000).unwrap();
        assert!(again.generated_in.is_none());
        assert_eq!(again.uncompressed_bytes, data.uncompressed_bytes);
        assert_eq!(again.compressed_bytes, data.compressed_bytes);
    }

    #[test]
    fn same_row_count_same_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.csv.gz"), dir.path().join("b.csv.gz"));
        let wa = write_cur(&a, 500, |_| {}).unwrap();
        let wb = write_cur(&b, 500, |_| {}).unwrap();
        assert_eq!(wa, wb);
        assert_eq!(gunzip(&a), gunzip(&b));
    }
}
