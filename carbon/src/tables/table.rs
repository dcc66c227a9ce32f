//! An embedded CSV table with named columns. Used only while building the coefficient set: every
//! malformed cell is a bug in the shipped data, so accessors panic naming the file and line.

use super::csv::{self, Record};

/// A parsed table: header names (without their `" (…)"` annotations) and records.
pub(crate) struct Table {
    name: &'static str,
    header: Vec<String>,
    records: Vec<Record>,
}

impl Table {
    /// Parses an embedded file; panics with the file name and line on malformed CSV or a record
    /// with more fields than the header (missing trailing fields are empty).
    pub(crate) fn load(name: &'static str, text: &str) -> Self {
        let mut records = csv::parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!records.is_empty(), "{name}: empty table");
        let header: Vec<String> = records
            .remove(0)
            .fields
            .iter()
            .map(|h| h.split(" (").next().unwrap_or(h).trim().to_string())
            .collect();
        // ragged rows (`vCPU Duration,1` under a 3-column header) have empty trailing cells
        for r in &mut records {
            assert!(
                r.fields.len() <= header.len(),
                "{name}:{}: {} fields, header has {}",
                r.line,
                r.fields.len(),
                header.len()
            );
            r.fields.resize(header.len(), String::new());
        }
        Table {
            name,
            header,
            records,
        }
    }

    /// The data rows.
    pub(crate) fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.records.iter().map(move |record| Row {
            table: self,
            record,
        })
    }

    fn column(&self, col: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == col)
            .unwrap_or_else(|| panic!("{}: no column `{col}`", self.name))
    }
}

/// One data row of a [`Table`].
pub(crate) struct Row<'a> {
    table: &'a Table,
    record: &'a Record,
}

impl<'a> Row<'a> {
    /// The cell, verbatim.
    pub(crate) fn str(&self, col: &str) -> &'a str {
        &self.record.fields[self.table.column(col)]
    }

    /// The cell as a number; panics (file, line, column) when it is not one.
    pub(crate) fn f64(&self, col: &str) -> f64 {
        self.opt_f64(col)
            .unwrap_or_else(|| panic!("{}: column `{col}` is empty", self.at()))
    }

    /// The cell as a number, `None` when empty; panics when it is neither.
    pub(crate) fn opt_f64(&self, col: &str) -> Option<f64> {
        let cell = self.str(col).trim();
        if cell.is_empty() {
            return None;
        }
        let value: f64 = cell
            .parse()
            .unwrap_or_else(|_| panic!("{}: column `{col}`: {cell:?} is not a number", self.at()));
        assert!(
            value.is_finite(),
            "{}: column `{col}` is not finite",
            self.at()
        );
        Some(value)
    }

    /// The cell split at `|`, empty parts dropped.
    pub(crate) fn list(&self, col: &str) -> Vec<String> {
        self.str(col)
            .split('|')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// `file:line` of this row, for panic messages.
    pub(crate) fn at(&self) -> String {
        format!("{}:{}", self.table.name, self.record.line)
    }
}
