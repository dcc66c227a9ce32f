//! Typed parsing of source columns, with errors that name the file, row and column.
//!
//! Every parser is a polars expression over `(value, row)` so it runs inside the streaming engine;
//! a malformed value stops the pipeline with a [`crate::JobError::BadValue`].

use crate::error::bad_value_polars;
use polars::prelude::*;
use std::sync::Arc;
use warehouse::schema::{
    DECIMAL_PRECISION, MONEY_SCALE, QUANTITY_SCALE, money_dtype, timestamp_dtype,
};

/// Name of the per-file row number column added to every source scan (1 = first data row).
pub const ROW: &str = "__row";

/// Where values come from, for error messages.
#[derive(Debug, Clone)]
pub struct Origin {
    file: Arc<str>,
}

impl Origin {
    /// Values read from `file`.
    pub fn new(file: &str) -> Self {
        Self { file: file.into() }
    }

    /// The file the values come from.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// A money column (`Decimal(38, 24)`) from `raw`, which may be text (plain or E-notation),
    /// integer, float (converted through its shortest round-trip decimal form) or decimal.
    pub fn money(&self, raw: Expr, column: &str) -> Expr {
        self.decimal(raw, column, MONEY_SCALE)
    }

    /// A quantity column (`Decimal(38, 18)`).
    pub fn quantity(&self, raw: Expr, column: &str) -> Expr {
        self.decimal(raw, column, QUANTITY_SCALE)
    }

    fn decimal(&self, raw: Expr, column: &str, scale: usize) -> Expr {
        let origin = self.clone();
        let column: Arc<str> = column.into();
        let out = DataType::Decimal(DECIMAL_PRECISION, scale);
        with_row(raw).map(
            move |c| {
                let (value, rows) = split(&c)?;
                Ok(origin
                    .decimal_values(&value, &rows, &column, scale)?
                    .into_column())
            },
            move |_, f| Ok(Field::new(f.name().clone(), out.clone())),
        )
    }

    /// Money values (`Decimal(38, 24)`) parsed from `value` exactly as [`Self::money`] parses a
    /// column; `rows` holds each value's data row, for the error.
    ///
    /// # Errors
    /// A [`crate::JobError::BadValue`] (encoded as a polars error) naming the first value that
    /// is not a decimal number.
    pub fn money_values(
        &self,
        value: &Series,
        rows: &Series,
        column: &str,
    ) -> PolarsResult<Series> {
        self.decimal_values(value, rows, column, MONEY_SCALE)
    }

    fn decimal_values(
        &self,
        value: &Series,
        rows: &Series,
        column: &str,
        scale: usize,
    ) -> PolarsResult<Series> {
        let target = DataType::Decimal(DECIMAL_PRECISION, scale);
        let text = as_text(value)?;
        let parsed =
            text.cast_with_options(&target, polars::chunked_array::cast::CastOptions::NonStrict)?;
        if let Some(i) = first_failure(&text, &parsed)? {
            let v = text.str()?.get(i).unwrap_or_default().to_string();
            return Err(bad_value_polars(
                &self.file,
                row_at(rows, i),
                column,
                &format!(
                    "{v:?} is not a decimal number (or has more than {} integer digits)",
                    DECIMAL_PRECISION - scale
                ),
            ));
        }
        Ok(parsed)
    }

    /// A UTC timestamp from text in any of the forms billing exports use (see
    /// [`parse_timestamp_micros`]) or from a Parquet date/datetime (zone-less means UTC).
    pub fn timestamp(&self, raw: Expr, column: &str) -> Expr {
        let file = self.file.clone();
        let column: Arc<str> = column.into();
        with_row(raw).map(
            move |c| {
                let (value, rows) = split(&c)?;
                let micros: Int64Chunked = match value.dtype() {
                    DataType::Datetime(_, _) | DataType::Date => {
                        let naive =
                            value.cast(&DataType::Datetime(TimeUnit::Microseconds, None))?;
                        naive.datetime()?.physical().clone()
                    }
                    _ => {
                        let text = value.cast(&DataType::String)?;
                        let text = text.str()?;
                        let mut failure = None;
                        let out: Int64Chunked = text
                            .iter()
                            .enumerate()
                            .map(|(i, v)| {
                                let v = v?;
                                let parsed = parse_timestamp_micros(v);
                                if parsed.is_none() && failure.is_none() {
                                    failure = Some((i, v.to_string()));
                                }
                                parsed
                            })
                            .collect();
                        if let Some((i, v)) = failure {
                            return Err(bad_value_polars(
                                &file,
                                row_at(&rows, i),
                                &column,
                                &format!("{v:?} is not a date/time"),
                            ));
                        }
                        out
                    }
                };
                let mut out = micros.into_datetime(TimeUnit::Microseconds, Some(TimeZone::UTC));
                out.rename(value.name().clone());
                Ok(out.into_column())
            },
            |_, f| Ok(Field::new(f.name().clone(), timestamp_dtype())),
        )
    }
}

/// A physical measurement (vCPUs, memory in GB) from text such as `"4"`, `"16 GiB"` or `"0.5 GB"`.
/// Unparseable values become null: these columns inform estimates, they are not money.
pub fn measurement(raw: Expr) -> Expr {
    raw.map(
        |c| {
            let text = c.cast(&DataType::String)?;
            let out: Float64Chunked = text
                .str()?
                .iter()
                .map(|v| v.and_then(leading_number))
                .collect();
            Ok(out.with_name(c.name().clone()).into_column())
        },
        |_, f| Ok(Field::new(f.name().clone(), DataType::Float64)),
    )
}

fn leading_number(s: &str) -> Option<f64> {
    let s = s.trim().replace(',', "");
    let end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    s[..end].parse().ok()
}

fn with_row(raw: Expr) -> Expr {
    as_struct(vec![
        raw.alias("value"),
        col(ROW).cast(DataType::UInt64).alias("row"),
    ])
}

fn split(c: &Column) -> PolarsResult<(Series, Series)> {
    let fields = c.struct_()?.fields_as_series();
    let mut value = fields[0].clone();
    value.rename(c.name().clone());
    Ok((value, fields[1].clone()))
}

fn as_text(value: &Series) -> PolarsResult<Series> {
    // Float64 → text uses the shortest representation that round-trips, i.e. the decimal the
    // exporter most likely meant (0.1, not 0.1000000000000000055…).
    let text = value.cast(&DataType::String)?;
    let ca = text.str()?;
    if !ca
        .iter()
        .any(|v| v.is_some_and(|v| v.trim().len() != v.len() || v.is_empty()))
    {
        return Ok(text);
    }
    // blanks are nulls; surrounding spaces are tolerated
    let trimmed: StringChunked = ca
        .iter()
        .map(|v| v.map(str::trim).filter(|v| !v.is_empty()))
        .collect();
    Ok(trimmed.with_name(value.name().clone()).into_series())
}

fn first_failure(input: &Series, parsed: &Series) -> PolarsResult<Option<usize>> {
    let bad = input.is_not_null() & parsed.is_null();
    Ok(bad.iter().position(|b| b == Some(true)))
}

fn row_at(rows: &Series, i: usize) -> u64 {
    rows.u64().ok().and_then(|r| r.get(i)).unwrap_or(0)
}

/// Parses the date/time forms found in billing exports, as UTC microseconds since the epoch:
///
/// * `2024-09-18 22:00:00`, `2024-09-18T22:00:00Z`, `2023-11-01T00:00:00.000Z`,
///   `2023-11-13T10:00Z`, `2024-09-18T22:00:00+02:00`, `2024-09-18`
/// * `20180801T000000.000Z` (CUR manifests)
/// * `9/2/2023`, `09/02/2023`, `9/2/2023 13:00:00` (US month-first, Azure)
///
/// A value without an offset is UTC.
pub fn parse_timestamp_micros(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.contains('/') {
        return parse_us_date(s);
    }
    let b = s.as_bytes();
    let (date, rest) = if b.len() >= 10 && b[4] == b'-' && b[7] == b'-' {
        (
            chrono::NaiveDate::from_ymd_opt(
                num(&b[0..4])? as i32,
                num(&b[5..7])?,
                num(&b[8..10])?,
            )?,
            &s[10..],
        )
    } else if b.len() >= 8 && b[..8].iter().all(u8::is_ascii_digit) {
        (
            chrono::NaiveDate::from_ymd_opt(num(&b[0..4])? as i32, num(&b[4..6])?, num(&b[6..8])?)?,
            &s[8..],
        )
    } else {
        return None;
    };
    let mut rest = rest.strip_prefix(['T', ' ']).unwrap_or(rest);
    let (mut h, mut m, mut sec, mut micros) = (0, 0, 0, 0);
    if !rest.is_empty() && rest.as_bytes()[0].is_ascii_digit() {
        let r = rest.as_bytes();
        let compact = r.len() >= 6 && r[..6].iter().all(u8::is_ascii_digit);
        if compact {
            (h, m, sec) = (num(&r[0..2])?, num(&r[2..4])?, num(&r[4..6])?);
            rest = &rest[6..];
        } else {
            if r.len() < 5 || r[2] != b':' {
                return None;
            }
            (h, m) = (num(&r[0..2])?, num(&r[3..5])?);
            rest = &rest[5..];
            if let Some(after) = rest.strip_prefix(':') {
                let r = after.as_bytes();
                if r.len() < 2 {
                    return None;
                }
                sec = num(&r[0..2])?;
                rest = &after[2..];
            }
        }
        if let Some(frac) = rest.strip_prefix('.') {
            let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return None;
            }
            let mut us = 0u32;
            for (i, d) in frac
                .bytes()
                .take(6)
                .take_while(u8::is_ascii_digit)
                .enumerate()
            {
                us += u32::from(d - b'0') * 10u32.pow(5 - i as u32);
            }
            micros = us;
            rest = &frac[digits..];
        }
    }
    let offset_secs: i64 = match rest.trim() {
        "" | "Z" | "z" | "UTC" | "+00:00" | "+0000" => 0,
        tz => {
            let t = tz.as_bytes();
            let sign = match t.first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let digits: Vec<u8> = t[1..].iter().copied().filter(u8::is_ascii_digit).collect();
            if digits.len() != 4 {
                return None;
            }
            sign * (i64::from(num(&digits[0..2])?) * 3600 + i64::from(num(&digits[2..4])?) * 60)
        }
    };
    let t = date.and_hms_micro_opt(h, m, sec, micros)?;
    Some(t.and_utc().timestamp_micros() - offset_secs * 1_000_000)
}

fn parse_us_date(s: &str) -> Option<i64> {
    let (date, time) = s.split_once(' ').unwrap_or((s, ""));
    let mut parts = date.split('/');
    let month: u32 = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.parse().ok()?;
    let year: i32 = parts.next()?.parse().ok()?;
    if parts.next().is_some() {
        return None;
    }
    let date = chrono::NaiveDate::from_ymd_opt(year, month, day)?;
    let time = time.trim();
    let t = if time.is_empty() {
        date.and_hms_opt(0, 0, 0)?
    } else {
        let (clock, meridiem) = match time.rsplit_once(' ') {
            Some((c, m)) if m.eq_ignore_ascii_case("AM") || m.eq_ignore_ascii_case("PM") => {
                (c, Some(m))
            }
            _ => (time, None),
        };
        let mut hms = clock.split(':').map(|p| p.parse::<u32>().ok());
        let mut h = hms.next()??;
        let m = hms.next().flatten().unwrap_or(0);
        let sec = hms.next().flatten().unwrap_or(0);
        match meridiem.map(|m| m.to_ascii_uppercase()) {
            Some(ref m) if m == "PM" && h < 12 => h += 12,
            Some(ref m) if m == "AM" && h == 12 => h = 0,
            _ => {}
        }
        date.and_hms_opt(h, m, sec)?
    };
    Some(t.and_utc().timestamp_micros())
}

fn num(b: &[u8]) -> Option<u32> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(b).ok()?.parse().ok()
}

/// The money dtype, re-exported for adapters.
pub fn money() -> DataType {
    money_dtype()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> String {
        let us = parse_timestamp_micros(s).unwrap_or_else(|| panic!("{s} should parse"));
        chrono::DateTime::from_timestamp_micros(us)
            .unwrap()
            .format("%Y-%m-%dT%H:%M:%S%.6fZ")
            .to_string()
    }

    #[test]
    fn parses_export_timestamp_forms() {
        assert_eq!(ts("2024-09-18 22:00:00"), "2024-09-18T22:00:00.000000Z");
        assert_eq!(
            ts("2023-11-01T00:00:00.000Z"),
            "2023-11-01T00:00:00.000000Z"
        );
        assert_eq!(ts("2023-11-13T10:00Z"), "2023-11-13T10:00:00.000000Z");
        assert_eq!(ts("20180801T000000.000Z"), "2018-08-01T00:00:00.000000Z");
        assert_eq!(
            ts("2024-09-18T22:00:00+02:00"),
            "2024-09-18T20:00:00.000000Z"
        );
        assert_eq!(ts("2024-09-18"), "2024-09-18T00:00:00.000000Z");
        assert_eq!(ts("9/2/2023"), "2023-09-02T00:00:00.000000Z");
        assert_eq!(ts("09/02/2023 1:30:00 PM"), "2023-09-02T13:30:00.000000Z");
        assert_eq!(
            ts("2018-06-20 01:00:00.123456789"),
            "2018-06-20T01:00:00.123456Z"
        );
    }

    #[test]
    fn rejects_garbage() {
        for bad in [
            "",
            "yesterday",
            "2024-13-01",
            "2024-02-30 00:00:00",
            "2024-09-18 25:00",
            "2024-09-18T10",
        ] {
            assert!(parse_timestamp_micros(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn measurement_takes_the_leading_number() {
        assert_eq!(leading_number("16 GiB"), Some(16.0));
        assert_eq!(leading_number("0.5 GB"), Some(0.5));
        assert_eq!(leading_number("1,024 GiB"), Some(1024.0));
        assert_eq!(leading_number("NA"), None);
    }
}
