//! A source file's own totals (rows and Σ billed cost), for the "written equals source" gate.
//!
//! Most formats state a row's billed cost as the first non-blank of a few raw columns (CUR: net
//! unblended, else unblended; FOCUS: `BilledCost`). [`BilledColumns`] says which. A CSV file is
//! totalled during the raw pass that checks its field counts ([`super::records`]), so its bytes
//! are inflated and split once for the gate instead of a second full read; other files are
//! totalled by a scan of just those columns ([`lazy_totals`]). Either way the values are parsed
//! with the same exact decimal rules as the mapping ([`Origin::money_values`]), but independently
//! of it.

use super::parse::{Origin, ROW};
use super::scan::scan_raw;
use super::source::InputFile;
use crate::error::{JobError, Result, from_polars};
use polars::prelude::*;
use warehouse::schema::money_dtype;

/// The raw columns whose first non-blank value is a row's billed cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BilledColumns {
    /// Column names as the file spells them, in order of preference.
    pub columns: Vec<String>,
    /// Values read as missing besides blanks (e.g. `NULL`).
    pub null_tokens: &'static [&'static str],
}

/// Rows and Σ billed cost of one file, as `Decimal(38, 24)` units (exact).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SourceTotals {
    /// Data rows.
    pub rows: u64,
    /// Σ billed cost, scaled by 10^24.
    pub billed: i128,
}

/// How many values are parsed at a time.
const BATCH: usize = 1 << 16;

/// Collects each CSV record's billed-cost text (fed by the raw record pass) and sums it exactly,
/// parsing in batches.
#[derive(Debug)]
pub struct BilledTotaliser {
    origin: Origin,
    names: Vec<String>,
    null_tokens: &'static [&'static str],
    /// For each header position, which preference slot it fills (if any).
    slot_of_field: Vec<Option<usize>>,
    /// The current record's raw text per slot.
    current: Vec<Vec<u8>>,
    /// Values waiting to be parsed, per slot: (text, data row).
    pending: Vec<(Vec<String>, Vec<u64>)>,
    pending_len: usize,
    totals: SourceTotals,
}

impl BilledTotaliser {
    /// A totaliser for `file` whose header is `header`; `None` when a named column is not in it.
    pub fn new(file: &InputFile, header: &[String], billed: &BilledColumns) -> Option<Self> {
        let mut slot_of_field = vec![None; header.len()];
        for (slot, name) in billed.columns.iter().enumerate() {
            let field = header.iter().position(|h| h == name)?;
            slot_of_field[field] = Some(slot);
        }
        let slots = billed.columns.len();
        Some(Self {
            origin: Origin::new(&file.display()),
            names: billed.columns.clone(),
            null_tokens: billed.null_tokens,
            slot_of_field,
            current: vec![Vec::new(); slots],
            pending: vec![(Vec::new(), Vec::new()); slots],
            pending_len: 0,
            totals: SourceTotals::default(),
        })
    }

    /// The last header position holding a billed-cost column: later fields need no capture.
    pub fn last_field(&self) -> usize {
        self.slot_of_field
            .iter()
            .rposition(Option::is_some)
            .unwrap_or(0)
    }

    /// Appends raw bytes of field `field` (0-based) of the current record.
    pub fn capture(&mut self, field: usize, bytes: &[u8]) {
        if let Some(Some(slot)) = self.slot_of_field.get(field) {
            self.current[*slot].extend_from_slice(bytes);
        }
    }

    /// Ends data row `row` (1-based): keeps its first non-blank billed value.
    ///
    /// # Errors
    /// A value that is not a decimal number, naming file, row and column.
    pub fn end_row(&mut self, row: u64) -> Result<()> {
        self.totals.rows += 1;
        // as the scan reads them: a null token matches the whole field, a blank is missing
        let chosen = self.current.iter().position(|raw| {
            let text = String::from_utf8_lossy(raw);
            !text.trim().is_empty() && !self.null_tokens.contains(&text.as_ref())
        });
        if let Some(slot) = chosen {
            let text = String::from_utf8_lossy(&self.current[slot]).into_owned();
            self.pending[slot].0.push(text);
            self.pending[slot].1.push(row);
            self.pending_len += 1;
        }
        self.current.iter_mut().for_each(Vec::clear);
        if self.pending_len >= BATCH {
            self.flush()?;
        }
        Ok(())
    }

    /// Forgets the current record without counting it (the header).
    pub fn skip_record(&mut self) {
        self.current.iter_mut().for_each(Vec::clear);
    }

    /// The file's totals once every record has been fed.
    ///
    /// # Errors
    /// As [`Self::end_row`].
    pub fn finish(mut self) -> Result<SourceTotals> {
        self.flush()?;
        Ok(self.totals)
    }

    fn flush(&mut self) -> Result<()> {
        for (slot, (values, rows)) in self.pending.iter_mut().enumerate() {
            if values.is_empty() {
                continue;
            }
            let text = Series::new("value".into(), std::mem::take(values));
            let rows = Series::new(ROW.into(), std::mem::take(rows));
            let parsed = self
                .origin
                .money_values(&text, &rows, &self.names[slot])
                .map_err(|e| from_polars(e, None))?;
            let units = parsed.decimal().map_err(JobError::from)?.physical();
            for v in units.iter().flatten() {
                self.totals.billed =
                    self.totals
                        .billed
                        .checked_add(v)
                        .ok_or_else(|| JobError::BadFile {
                            file: self.origin.file().to_string(),
                            reason: "Σ billed cost exceeds the money type's 14 integer digits"
                                .into(),
                        })?;
            }
        }
        self.pending_len = 0;
        Ok(())
    }
}

/// Rows and Σ billed cost of a non-CSV `file` (or a CSV one read on its own) as a one-row
/// `LazyFrame` with `rows` and `billed`, scanning only the billed columns.
///
/// # Errors
/// polars refusing the file.
pub fn lazy_totals(file: &InputFile, billed: &BilledColumns) -> Result<LazyFrame> {
    let origin = Origin::new(&file.display());
    let mut null_tokens = vec![""];
    null_tokens.extend_from_slice(billed.null_tokens);
    let raw = scan_raw(file, &null_tokens).map_err(|e| JobError::BadFile {
        file: file.display(),
        reason: e.to_string(),
    })?;
    let values: Vec<Expr> = billed
        .columns
        .iter()
        .map(|c| origin.money(col(c.as_str()), c))
        .collect();
    let value = if values.len() == 1 {
        values.into_iter().next().unwrap_or_else(|| lit(NULL))
    } else {
        coalesce(&values)
    };
    Ok(raw.select([
        len().alias("rows"),
        value
            .fill_null(lit(0).cast(money_dtype()))
            .sum()
            .alias("billed"),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::records::check_records;

    fn csv(text: &str) -> (tempfile::TempDir, InputFile) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.csv");
        std::fs::write(&path, text).unwrap();
        let file = InputFile::inspect(&path).unwrap();
        (dir, file)
    }

    fn rule(columns: &[&str]) -> BilledColumns {
        BilledColumns {
            columns: columns.iter().map(|c| (*c).to_string()).collect(),
            null_tokens: &["NULL"],
        }
    }

    /// Totals from the record pass, and from the separate scan of the same file.
    fn both(text: &str, billed: &BilledColumns) -> (SourceTotals, SourceTotals) {
        let (_dir, file) = csv(text);
        let header = file.header().unwrap();
        let totaliser = BilledTotaliser::new(&file, &header, billed).unwrap();
        let pass = check_records(&file, header.len(), true, Some(totaliser))
            .unwrap()
            .unwrap();
        let df = lazy_totals(&file, billed).unwrap().collect().unwrap();
        let scan = SourceTotals {
            rows: df
                .column("rows")
                .unwrap()
                .cast(&DataType::UInt64)
                .unwrap()
                .u64()
                .unwrap()
                .get(0)
                .unwrap(),
            billed: df
                .column("billed")
                .unwrap()
                .decimal()
                .unwrap()
                .physical()
                .get(0)
                .unwrap(),
        };
        (pass, scan)
    }

    const UNIT: i128 = 10i128.pow(warehouse::schema::MONEY_SCALE as u32);

    #[test]
    fn the_record_pass_totals_like_a_scan_of_the_columns() {
        // the preferred column when it has a value, else the next; quoted fields with commas
        // and line breaks before the billed columns; blanks, NULL and short rows as missing;
        // CRLF line ends
        let text = "id,note,net,unblended\n\
                    1,plain,1.25,9\n\
                    2,\"a, \"\"quoted\"\"\nnote\",,2.5\n\
                    3,x,NULL,\" 0.125 \"\n\
                    4,y,-1E-2,4\r\n\
                    5,short\n";
        let (pass, scan) = both(text, &rule(&["net", "unblended"]));
        assert_eq!(pass, scan);
        assert_eq!(pass.rows, 5);
        assert_eq!(
            pass.billed,
            UNIT * 1_25 / 100 + UNIT * 25 / 10 + UNIT / 8 - UNIT / 100
        );
    }

    #[test]
    fn every_batch_is_counted() {
        let mut text = String::from("a,cost\n");
        for i in 0..(BATCH + 10) {
            text.push_str(&format!("{i},0.01\n"));
        }
        let (pass, scan) = both(&text, &rule(&["cost"]));
        assert_eq!(pass, scan);
        assert_eq!(pass.billed, (BATCH as i128 + 10) * UNIT / 100);
    }

    #[test]
    fn a_value_that_is_not_a_number_names_row_and_column() {
        let (_dir, file) = csv("a,cost\n1,2\n2,abc\n");
        let header = file.header().unwrap();
        let totaliser = BilledTotaliser::new(&file, &header, &rule(&["cost"])).unwrap();
        let err = check_records(&file, 2, true, Some(totaliser)).unwrap_err();
        match err {
            JobError::BadValue {
                file: f,
                row,
                column,
                reason,
            } => {
                assert_eq!((f, row, column.as_str()), (file.display(), 2, "cost"));
                assert!(
                    reason.contains("\"abc\" is not a decimal number"),
                    "{reason}"
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_column_missing_from_the_header_means_no_totals() {
        let (_dir, file) = csv("a,b\n1,2\n");
        let header = file.header().unwrap();
        assert!(BilledTotaliser::new(&file, &header, &rule(&["cost"])).is_none());
    }
}
