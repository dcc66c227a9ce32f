//! A pass over a CSV file checking that every record has as many fields as the header.
//!
//! polars' CSV reader drops surplus fields of a ragged row silently when they lie beyond the
//! columns a query reads, and pads short rows with nulls; either way values would be misread
//! without an error. The ingest driver runs this check on every CSV input on a separate thread
//! while polars reads (decompressing CSV.gz as a stream), and refuses the commit on the first
//! ragged row. Rows with fewer fields than the header are accepted where the adapter allows it
//! (real CUR exports end rows early: koku's sample header has 131 columns, its rows 130). Quoted fields may hold commas, doubled quotes
//! and line breaks; empty lines are ignored; rows are numbered like the scan's (1 = first row
//! after the header).

use super::billed::{BilledTotaliser, SourceTotals};
use super::source::{FileFormat, InputFile};
use crate::error::{JobError, Result};
use std::fs::File;
use std::io::{BufRead, BufReader, Read};

/// Fails with [`JobError::BadFile`] naming the first data row whose field count differs from
/// `expected`, a file ending inside a quoted field, or a file that cannot be read to the end
/// (e.g. a truncated CSV.gz). Files that are not CSV are not checked (and `Ok(None)` returned).
///
/// With a `totaliser`, the same pass also totals the file's rows and billed cost.
///
/// # Errors
/// As above, a billed value that is not a number ([`JobError::BadValue`]), and I/O failures
/// opening the file.
pub fn check_records(
    file: &InputFile,
    expected: usize,
    allow_short: bool,
    totaliser: Option<BilledTotaliser>,
) -> Result<Option<SourceTotals>> {
    let FileFormat::Csv { gzip } = file.format else {
        return Ok(None);
    };
    let raw = File::open(&file.path).map_err(|e| JobError::io(file.display(), e))?;
    let reader: Box<dyn Read> = if gzip {
        Box::new(flate2::read::MultiGzDecoder::new(raw))
    } else {
        Box::new(raw)
    };
    let mut reader = BufReader::with_capacity(1 << 20, reader);
    let mut counter = FieldCounter::new(&file.display(), expected, allow_short, totaliser);
    loop {
        let buf = reader.fill_buf().map_err(|e| {
            counter.bad(format!(
                "cannot read the file past data row {}: {e}",
                counter.data_rows()
            ))
        })?;
        if buf.is_empty() {
            break;
        }
        let n = buf.len();
        counter.feed(buf)?;
        reader.consume(n);
    }
    counter.finish()
}

/// Counts the fields of each CSV record as bytes arrive (and hands the billed-cost fields to a
/// [`BilledTotaliser`], if any).
#[derive(Debug)]
struct FieldCounter {
    file: String,
    expected: usize,
    /// Records completed so far, the header included.
    records: u64,
    allow_short: bool,
    in_quotes: bool,
    /// Separators seen in the current record, plus one.
    fields: usize,
    /// Whether the current record has any content (a blank line has none).
    has_content: bool,
    totaliser: Option<BilledTotaliser>,
    /// The last field the totaliser wants (later fields are counted in bulk).
    last_captured: usize,
}

impl FieldCounter {
    fn new(
        file: &str,
        expected: usize,
        allow_short: bool,
        totaliser: Option<BilledTotaliser>,
    ) -> Self {
        let last_captured = totaliser.as_ref().map_or(0, BilledTotaliser::last_field);
        Self {
            file: file.to_string(),
            expected,
            records: 0,
            allow_short,
            in_quotes: false,
            fields: 1,
            has_content: false,
            totaliser,
            last_captured,
        }
    }

    fn bad(&self, reason: String) -> JobError {
        JobError::BadFile {
            file: self.file.clone(),
            reason,
        }
    }

    fn data_rows(&self) -> u64 {
        self.records.saturating_sub(1)
    }

    /// Scans with `memchr` from quote to quote and line to line, counting the separators of each
    /// stretch in bulk: the byte-at-a-time loop this replaces cost a core for most of an ingest.
    fn feed(&mut self, mut bytes: &[u8]) -> Result<()> {
        while !bytes.is_empty() {
            if self.in_quotes {
                // a doubled quote inside quotes closes and reopens: still inside
                let end = memchr::memchr(b'"', bytes);
                self.capture(&bytes[..end.unwrap_or(bytes.len())]);
                match end {
                    Some(i) => {
                        self.in_quotes = false;
                        bytes = &bytes[i + 1..];
                    }
                    None => return Ok(()),
                }
                continue;
            }
            let end = memchr::memchr2(b'"', b'\n', bytes).unwrap_or(bytes.len());
            let stretch = &bytes[..end];
            let separators = self.count_separators(stretch);
            if separators > 0 || stretch.iter().any(|&b| b != b'\r') {
                self.has_content = true;
            }
            match bytes.get(end) {
                Some(b'"') => {
                    self.in_quotes = true;
                    self.has_content = true;
                }
                Some(_) => self.end_record()?,
                None => {}
            }
            bytes = &bytes[(end + 1).min(bytes.len())..];
        }
        Ok(())
    }

    /// Counts the separators of an unquoted stretch, handing the totaliser the fields it wants.
    fn count_separators(&mut self, stretch: &[u8]) -> usize {
        let mut counted = 0;
        let mut rest = stretch;
        while self.totaliser.is_some() && self.fields - 1 <= self.last_captured {
            match memchr::memchr(b',', rest) {
                Some(i) => {
                    self.capture(&rest[..i]);
                    self.fields += 1;
                    counted += 1;
                    rest = &rest[i + 1..];
                }
                None => {
                    self.capture(rest);
                    return counted;
                }
            }
        }
        let bulk = rest.iter().filter(|&&b| b == b',').count();
        self.fields += bulk;
        counted + bulk
    }

    fn capture(&mut self, bytes: &[u8]) {
        if let Some(t) = &mut self.totaliser {
            t.capture(self.fields - 1, bytes);
        }
    }

    fn end_record(&mut self) -> Result<()> {
        if self.has_content {
            // the header's own field count is `expected`; only data rows are checked
            let ragged =
                self.fields > self.expected || (self.fields < self.expected && !self.allow_short);
            if self.records > 0 && ragged {
                return Err(self.bad(format!(
                    "row {} has {} fields but the header has {} (a ragged row)",
                    self.records, self.fields, self.expected
                )));
            }
            if let Some(t) = &mut self.totaliser {
                if self.records > 0 {
                    t.end_row(self.records)?;
                } else {
                    t.skip_record();
                }
            }
            self.records += 1;
        } else if let Some(t) = &mut self.totaliser {
            t.skip_record();
        }
        self.fields = 1;
        self.has_content = false;
        Ok(())
    }

    fn finish(mut self) -> Result<Option<SourceTotals>> {
        if self.in_quotes {
            return Err(self.bad(format!(
                "the file ends inside a quoted field (in data row {})",
                self.records
            )));
        }
        self.end_record()?;
        self.totaliser.map(BilledTotaliser::finish).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: usize) -> Result<u64, String> {
        // feed in small pieces: records and quotes span buffer boundaries
        let reason = |e: JobError| match e {
            JobError::BadFile { reason, .. } => reason,
            other => other.to_string(),
        };
        let mut c = FieldCounter::new("t.csv", expected, false, None);
        for chunk in text.as_bytes().chunks(3) {
            c.feed(chunk).map_err(reason)?;
        }
        let rows = c.records;
        c.finish().map_err(reason)?;
        Ok(rows)
    }

    #[test]
    fn well_formed_files_pass() {
        assert!(check("a,b,c\r\n1,2,3\r\n4,,\r\n", 3).is_ok());
        assert!(check("a,b,c\n1,2,3", 3).is_ok());
        assert!(
            check(
                "a,b,c\n\"x,y\",\"say \"\"hi\"\"\",\"two\nlines\"\n\n7,8,9\n",
                3
            )
            .is_ok()
        );
    }

    #[test]
    fn ragged_rows_are_named() {
        assert_eq!(
            check("a,b,c\n1,2,3\n1,2,3,4\n", 3).unwrap_err(),
            "row 2 has 4 fields but the header has 3 (a ragged row)"
        );
        assert_eq!(
            check("a,b,c\n1,2\n", 3).unwrap_err(),
            "row 1 has 2 fields but the header has 3 (a ragged row)"
        );
        assert_eq!(
            check("a,b,c\n1,2,3\n4,5,6,", 3).unwrap_err(),
            "row 2 has 4 fields but the header has 3 (a ragged row)"
        );
    }

    #[test]
    fn every_split_of_the_bytes_counts_the_same() {
        let text = "a,b,c\r\n\"x,\"\"y\"\"\",2,3\r\n\r\n,,\n\"multi\nline\",\"\",z\n";
        for size in 1..=text.len() {
            let mut c = FieldCounter::new("t.csv", 3, false, None);
            for chunk in text.as_bytes().chunks(size) {
                c.feed(chunk).unwrap();
            }
            assert_eq!(c.records, 4, "chunks of {size}");
            c.finish().unwrap();
        }
        let mut c = FieldCounter::new("t.csv", 3, false, None);
        assert!(
            c.feed(b"a,b,c\n1,\"2,3\"\n").is_err(),
            "the quoted comma is not a separator"
        );
    }

    #[test]
    fn an_open_quote_at_the_end_is_refused() {
        assert!(
            check("a,b,c\n1,2,\"3\n", 3)
                .unwrap_err()
                .contains("ends inside a quoted field")
        );
    }
}
