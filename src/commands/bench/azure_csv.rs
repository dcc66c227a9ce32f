//! `azure-csv`: a synthetic Azure EA actual-cost export, CSV compressed with gzip (Cost
//! Management's export compression option; a 50M-row plain CSV would not fit a laptop disk).

use super::azure_header::HEADER;
use super::azure_rows::AzRowWriter;
use super::azure_world::AzWorld;
use super::csv_gz::CsvGz;
use super::generate::{Progress, SEED, Written};
use std::path::Path;

/// Writes `rows` rows to `path` (truncating it).
///
/// # Errors
/// Creating or writing the file.
pub fn write(path: &Path, rows: u64, progress: impl FnMut(u64)) -> anyhow::Result<Written> {
    let world = AzWorld::build(SEED ^ 0xA2u64);
    let mut writer = AzRowWriter::new(&world, SEED ^ 0xA2_5EED);
    let mut csv = CsvGz::create(path, HEADER)?;
    let mut progress = Progress::new(progress);
    for n in 1..=rows {
        writer.next_row(&mut |cells| csv.record(cells))?;
        progress.at(n);
    }
    let sizes = csv.finish()?;
    Ok(Written::csv_gz(rows, HEADER.len(), &sizes))
}

#[cfg(test)]
mod tests {
    use super::super::cur_csv::tests::{fields, gunzip};
    use super::*;

    #[test]
    fn same_rows_same_bytes_and_ea_values() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.csv.gz"), dir.path().join("b.csv.gz"));
        let wa = write(&a, 3_000, |_| {}).unwrap();
        assert_eq!(wa, write(&b, 3_000, |_| {}).unwrap());
        assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
        let text = gunzip(&a);
        assert_eq!(wa.uncompressed_bytes, Some(text.len() as u64));
        let mut lines = text.lines();
        let header = fields(lines.next().unwrap());
        assert_eq!(header, HEADER);
        let rows: Vec<Vec<String>> = lines.map(fields).collect();
        assert_eq!(rows.len(), 3_000);
        assert!(rows.iter().all(|r| r.len() == HEADER.len()));
        let col = |name: &str| header.iter().position(|h| h == name).unwrap();
        let count = |c: &str, v: &str| rows.iter().filter(|r| r[col(c)] == v).count();
        assert!(count("ChargeType", "Usage") > 2_800);
        assert!(count("ChargeType", "Purchase") > 0);
        assert!(count("PricingModel", "Reservation") > 50);
        assert!(
            rows.iter()
                .all(|r| r[col("Date")].starts_with("10/") && r[col("Date")].ends_with("/2026"))
        );
        assert!(
            rows.iter()
                .any(|r| r[col("CostInBillingCurrency")].contains("E-"))
        );
        // EA's tags: JSON members without the outer braces
        let tags = rows
            .iter()
            .map(|r| &r[col("Tags")])
            .find(|t| !t.is_empty())
            .unwrap();
        let braced: serde_json::Value = serde_json::from_str(&format!("{{{tags}}}")).unwrap();
        assert!(braced.get("Application").is_some(), "{tags}");
        let subscriptions: std::collections::HashSet<_> =
            rows.iter().map(|r| &r[col("SubscriptionId")]).collect();
        assert!(subscriptions.len() > 40);
    }
}
