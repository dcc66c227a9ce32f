//! `cur-csv`: the synthetic legacy CUR as CSV.gz, `category/Column` names.

use super::csv_gz::CsvGz;
use super::generate::{Written, cur_rows};
use super::header::HEADER;
use std::path::Path;

/// Writes `rows` rows to `path` (truncating it).
///
/// # Errors
/// Creating or writing the file.
pub fn write(path: &Path, rows: u64, progress: impl FnMut(u64)) -> anyhow::Result<Written> {
    let mut csv = CsvGz::create(path, HEADER)?;
    let rows = cur_rows(rows, progress, |cells| csv.record(cells))?;
    let sizes = csv.finish()?;
    Ok(Written::csv_gz(rows, HEADER.len(), &sizes))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::super::dataset;
    use super::*;
    use crate::cli::BenchFormat;
    use flate2::read::GzDecoder;
    use std::fs::File;
    use std::io::Read;

    pub(crate) fn gunzip(path: &Path) -> String {
        let mut text = String::new();
        GzDecoder::new(File::open(path).unwrap())
            .read_to_string(&mut text)
            .unwrap();
        text
    }

    /// Splits a CSV line, honouring quotes.
    pub(crate) fn fields(line: &str) -> Vec<String> {
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
        let data = dataset::ensure(dir.path(), 1_000, BenchFormat::CurCsv).unwrap();
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
        let again = dataset::ensure(dir.path(), 1_000, BenchFormat::CurCsv).unwrap();
        assert!(again.generated_in.is_none());
        assert_eq!(again.uncompressed_bytes, data.uncompressed_bytes);
        assert_eq!(again.compressed_bytes, data.compressed_bytes);
    }

    #[test]
    fn same_row_count_same_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.csv.gz"), dir.path().join("b.csv.gz"));
        let wa = write(&a, 500, |_| {}).unwrap();
        let wb = write(&b, 500, |_| {}).unwrap();
        assert_eq!(wa, wb);
        assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    }

    #[test]
    fn header_is_a_legacy_cur() {
        let header: Vec<String> = HEADER.iter().map(|h| h.to_string()).collect();
        let cols = jobs::ingest::aws_cur::naming::CurColumns::resolve(&header).unwrap();
        assert_eq!(cols.style, jobs::ingest::aws_cur::naming::CurStyle::Legacy);
        assert_eq!(cols.tag_columns.len(), 8);
    }
}
