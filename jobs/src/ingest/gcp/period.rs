//! The billing period of a row from its `invoice.month` (`YYYYMM`).

use crate::error::bad_value_polars;
use crate::ingest::parse::ROW;
use polars::prelude::*;
use std::sync::Arc;
use warehouse::schema::timestamp_dtype;

/// Which end of the invoice month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// The first instant of the month (UTC).
    Start,
    /// The first instant of the next month (UTC), i.e. the exclusive end.
    End,
}

/// `BillingPeriodStart` or `BillingPeriodEnd` from the invoice month in `raw` (text or integer).
/// An empty or malformed month is a bad value naming `file`, the row and `column`.
pub fn invoice_month(raw: Expr, file: &str, column: &str, bound: Bound) -> Expr {
    let file: Arc<str> = file.into();
    let column: Arc<str> = column.into();
    as_struct(vec![
        raw.alias("value"),
        col(ROW).cast(DataType::UInt64).alias("row"),
    ])
    .map(
        move |c| {
            let fields = c.struct_()?.fields_as_series();
            let rows = fields[1].u64()?;
            let text = fields[0].cast(&DataType::String)?;
            let mut out = Vec::with_capacity(text.len());
            for (i, v) in text.str()?.iter().enumerate() {
                let parsed = match v.map(str::trim) {
                    None | Some("") => Err("the invoice month is empty".to_string()),
                    Some(m) => month_bounds(m)
                        .ok_or_else(|| format!("{m:?} is not an invoice month (YYYYMM)")),
                };
                match parsed {
                    Ok((start, end)) => out.push(if bound == Bound::Start { start } else { end }),
                    Err(reason) => {
                        let row = rows.get(i).unwrap_or(0);
                        return Err(bad_value_polars(&file, row, &column, &reason));
                    }
                }
            }
            let out = Int64Chunked::from_vec(c.name().clone(), out)
                .into_datetime(TimeUnit::Microseconds, Some(TimeZone::UTC));
            Ok(out.into_column())
        },
        |_, f| Ok(Field::new(f.name().clone(), timestamp_dtype())),
    )
}

/// `YYYYMM` → (first microsecond of the month, first microsecond of the next month), UTC.
pub fn month_bounds(text: &str) -> Option<(i64, i64)> {
    let b = text.as_bytes();
    if b.len() != 6 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let year: i32 = text[..4].parse().ok()?;
    let month: u32 = text[4..].parse().ok()?;
    if year < 1970 {
        return None;
    }
    let start = chrono::NaiveDate::from_ymd_opt(year, month, 1)?;
    let (ny, nm) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    let end = chrono::NaiveDate::from_ymd_opt(ny, nm, 1)?;
    let micros = |d: chrono::NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .map(|t| t.and_utc().timestamp_micros())
    };
    Some((micros(start)?, micros(end)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(us: i64) -> String {
        chrono::DateTime::from_timestamp_micros(us)
            .unwrap()
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    }

    #[test]
    fn months_become_utc_bounds() {
        let (s, e) = month_bounds("202011").unwrap();
        assert_eq!(
            (iso(s), iso(e)),
            ("2020-11-01T00:00:00Z".into(), "2020-12-01T00:00:00Z".into())
        );
        let (s, e) = month_bounds("202212").unwrap();
        assert_eq!(
            (iso(s), iso(e)),
            ("2022-12-01T00:00:00Z".into(), "2023-01-01T00:00:00Z".into())
        );
    }

    #[test]
    fn other_forms_are_refused() {
        for bad in [
            "2020-11", "20201", "2020111", "202013", "202000", "abcdef", "196912", " 202011",
        ] {
            assert!(month_bounds(bad).is_none(), "{bad}");
        }
    }
}
