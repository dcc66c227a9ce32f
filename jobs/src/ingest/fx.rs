//! Reporting currency: converts BilledCost and EffectiveCost into one reporting currency with a
//! date-effective exchange-rate table, filling `x_ReportingCurrency`, `x_ReportingBilledCost`,
//! `x_ReportingEffectiveCost` and `x_ReportingFxRate`.
//!
//! The table is a CSV with the columns `date,from,to,rate`: one unit of `from` is worth `rate`
//! units of `to` from `date` (inclusive, UTC) until the next date of the same pair. A row uses
//! the rate effective on the day its ChargePeriodStart falls on. A row already in the reporting
//! currency uses the rate 1. A row without an effective rate stops the ingest
//! ([`JobError::MissingRate`]) — never a silent 1.0.
//!
//! Conversion is exact to the money scale: the 256-bit product of the cost and the rate is
//! rounded half to even to 24 decimal places.

use crate::error::{JobError, Result};
use chrono::NaiveDate;
use polars::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use warehouse::schema::{DECIMAL_PRECISION, MONEY_SCALE, QUANTITY_SCALE, money_dtype};

/// Decimal places a rate may have.
pub const RATE_SCALE: u32 = 12;

/// A loaded exchange-rate table and the reporting currency.
#[derive(Debug, Clone)]
pub struct FxTable {
    /// ISO 4217 reporting currency.
    pub reporting: String,
    /// Where the table came from (for messages).
    pub source: String,
    /// (from currency) → date → rate at [`RATE_SCALE`], only pairs into the reporting currency.
    rates: BTreeMap<String, BTreeMap<NaiveDate, i128>>,
}

impl FxTable {
    /// Loads `path`, keeping the pairs into `reporting`.
    ///
    /// # Errors
    /// [`JobError::BadValue`] naming the row and column of a malformed line.
    pub fn load(path: &Path, reporting: &str) -> Result<Self> {
        let source = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| JobError::io(&source, e))?;
        let mut lines = text.lines();
        let header: Vec<String> = lines
            .next()
            .unwrap_or_default()
            .split(',')
            .map(|h| h.trim().to_lowercase())
            .collect();
        let idx = |name: &str| header.iter().position(|h| h == name);
        let (Some(d), Some(f), Some(t), Some(r)) =
            (idx("date"), idx("from"), idx("to"), idx("rate"))
        else {
            return Err(JobError::BadFile {
                file: source,
                reason: "an exchange-rate table needs the columns date,from,to,rate".into(),
            });
        };
        let reporting = reporting.trim().to_uppercase();
        let mut rates: BTreeMap<String, BTreeMap<NaiveDate, i128>> = BTreeMap::new();
        for (i, line) in lines.enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let cells: Vec<&str> = line.split(',').map(str::trim).collect();
            let bad = |column: &str, reason: String| JobError::BadValue {
                file: source.clone(),
                row: i as u64 + 1,
                column: column.into(),
                reason,
            };
            let cell = |k: usize| cells.get(k).copied().unwrap_or("");
            let date = NaiveDate::parse_from_str(cell(d), "%Y-%m-%d")
                .map_err(|_| bad("date", format!("{:?} is not YYYY-MM-DD", cell(d))))?;
            let rate = parse_rate(cell(r)).ok_or_else(|| {
                bad(
                    "rate",
                    format!(
                        "{:?} is not a positive decimal with at most {RATE_SCALE} decimals",
                        cell(r)
                    ),
                )
            })?;
            let (from, to) = (cell(f).to_uppercase(), cell(t).to_uppercase());
            if !is_currency(&from) {
                return Err(bad("from", format!("{from:?} is not an ISO 4217 code")));
            }
            if !is_currency(&to) {
                return Err(bad("to", format!("{to:?} is not an ISO 4217 code")));
            }
            if to == reporting {
                rates.entry(from).or_default().insert(date, rate);
            }
        }
        Ok(Self {
            reporting,
            source,
            rates,
        })
    }

    /// The rate (at [`RATE_SCALE`]) for `from` effective on `day`.
    fn rate(&self, from: &str, day: NaiveDate) -> Option<i128> {
        if from == self.reporting {
            return Some(10i128.pow(RATE_SCALE));
        }
        self.rates
            .get(from)?
            .range(..=day)
            .next_back()
            .map(|(_, r)| *r)
    }

    /// Adds the reporting columns to the canonical frame `lf`.
    pub fn apply(self: &Arc<Self>, lf: LazyFrame) -> LazyFrame {
        let inputs = || {
            as_struct(vec![
                col("BillingCurrency"),
                col("ChargePeriodStart"),
                col("BilledCost"),
                col("EffectiveCost"),
                col("x_SourceFile"),
                col("x_SourceRow"),
            ])
        };
        let convert = |which: usize| {
            let table = self.clone();
            inputs().map(
                move |c| table.convert_batch(&c, which).map(IntoColumn::into_column),
                move |_, f| {
                    let dtype = if which == 2 {
                        DataType::Decimal(DECIMAL_PRECISION, QUANTITY_SCALE)
                    } else {
                        money_dtype()
                    };
                    Ok(Field::new(f.name().clone(), dtype))
                },
            )
        };
        lf.with_columns([
            lit(self.reporting.clone()).alias("x_ReportingCurrency"),
            convert(0).alias("x_ReportingBilledCost"),
            convert(1).alias("x_ReportingEffectiveCost"),
            convert(2).alias("x_ReportingFxRate"),
        ])
    }

    /// `which`: 0 = BilledCost, 1 = EffectiveCost, 2 = the rate itself.
    fn convert_batch(&self, c: &Column, which: usize) -> PolarsResult<Series> {
        let fields = c.struct_()?.fields_as_series();
        let currency = fields[0].str()?;
        let start = fields[1].datetime()?.physical().clone();
        let cost = fields[if which == 1 { 3 } else { 2 }]
            .decimal()?
            .physical()
            .clone();
        let files = fields[4].str()?;
        let rows = fields[5].cast(&DataType::Int64)?;
        let rows = rows.i64()?;
        let mut out: Vec<Option<i128>> = Vec::with_capacity(c.len());
        for i in 0..c.len() {
            let (Some(cur), Some(ts)) = (currency.get(i), start.get(i)) else {
                out.push(None);
                continue;
            };
            let day = chrono::DateTime::from_timestamp_micros(ts)
                .map(|t| t.date_naive())
                .unwrap_or_default();
            let Some(rate) = self.rate(cur, day) else {
                return Err(crate::error::missing_rate_polars(
                    files.get(i).unwrap_or(""),
                    rows.get(i).unwrap_or(0) as u64,
                    &format!(
                        "no {cur}→{} rate effective on {day} in {}",
                        self.reporting, self.source
                    ),
                ));
            };
            out.push(match which {
                2 => Some(rate * 10i128.pow(QUANTITY_SCALE as u32 - RATE_SCALE)),
                _ => cost.get(i).map(|v| mul_rate(v, rate)).transpose().map_err(
                    |()| polars_err!(ComputeError: "converted cost overflows Decimal(38, 24)"),
                )?,
            });
        }
        let scale = if which == 2 {
            QUANTITY_SCALE
        } else {
            MONEY_SCALE
        };
        Ok(
            Int128Chunked::from_iter_options(c.name().clone(), out.into_iter())
                .into_decimal_unchecked(DECIMAL_PRECISION, scale)
                .into_series(),
        )
    }
}

/// `value × rate / 10^RATE_SCALE`, rounded half to even, through a 256-bit product.
fn mul_rate(value: i128, rate: i128) -> std::result::Result<i128, ()> {
    let negative = (value < 0) != (rate < 0);
    let (a, b) = (value.unsigned_abs(), rate.unsigned_abs());
    // 128 × 128 → 256 bits as four 64-bit limbs (little end first)
    let (a0, a1, b0, b1) = (a as u64 as u128, a >> 64, b as u64 as u128, b >> 64);
    let mut limbs = [0u128; 5];
    for (i, x) in [a0, a1].iter().enumerate() {
        for (j, y) in [b0, b1].iter().enumerate() {
            let p = x * y;
            limbs[i + j] += p & u64::MAX as u128;
            limbs[i + j + 1] += p >> 64;
        }
    }
    let mut words = [0u64; 4];
    let mut carry = 0u128;
    for k in 0..4 {
        let v = limbs[k] + carry;
        words[k] = v as u64;
        carry = v >> 64;
    }
    // divide by 10^RATE_SCALE (fits in u64), most significant limb first
    let d = 10u64.pow(RATE_SCALE) as u128;
    let mut rem = 0u128;
    let mut q = [0u64; 4];
    for k in (0..4).rev() {
        let cur = (rem << 64) | words[k] as u128;
        q[k] = (cur / d) as u64;
        rem = cur % d;
    }
    if q[2] != 0 || q[3] != 0 {
        return Err(());
    }
    let mut quotient = (q[1] as u128) << 64 | q[0] as u128;
    if rem * 2 > d || (rem * 2 == d && quotient % 2 == 1) {
        quotient += 1;
    }
    if quotient >= 10u128.pow(DECIMAL_PRECISION as u32) {
        return Err(());
    }
    let q = quotient as i128;
    Ok(if negative { -q } else { q })
}

fn parse_rate(s: &str) -> Option<i128> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty() && frac.is_empty() || frac.len() > RATE_SCALE as usize {
        return None;
    }
    if !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let padded = format!("{int}{frac:0<width$}", width = RATE_SCALE as usize);
    let v: i128 = padded.parse().ok()?;
    (v > 0).then_some(v)
}

fn is_currency(s: &str) -> bool {
    s.len() == 3 && s.bytes().all(|b| b.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: i128 = 1_000_000_000_000_000_000_000_000; // 1 at the money scale

    #[test]
    fn converts_exactly_and_rounds_half_even() {
        let rate = parse_rate("0.9").unwrap();
        assert_eq!(mul_rate(10 * ONE, rate), Ok(9 * ONE));
        assert_eq!(mul_rate(-10 * ONE, rate), Ok(-9 * ONE));
        // 0.000000000000000000000005 × 0.5 = 0.0000000000000000000000025 → ...002 (half to even)
        assert_eq!(mul_rate(5, parse_rate("0.5").unwrap()), Ok(2));
        assert_eq!(mul_rate(7, parse_rate("0.5").unwrap()), Ok(4));
        // large values go through the 256-bit product without overflow
        let big = 12_345_678_901 * ONE;
        assert_eq!(mul_rate(big, parse_rate("1.5").unwrap()), Ok(big + big / 2));
        assert!(mul_rate(10i128.pow(37), parse_rate("100").unwrap()).is_err());
    }

    #[test]
    fn rates_are_date_effective() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rates.csv");
        std::fs::write(&path, "date,from,to,rate\n2024-01-01,USD,EUR,0.9\n2024-02-01,USD,EUR,0.92\n2024-01-01,EUR,USD,1.1\n").unwrap();
        let t = FxTable::load(&path, "eur").unwrap();
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(t.rate("USD", d("2024-01-31")), parse_rate("0.9"));
        assert_eq!(t.rate("USD", d("2024-02-01")), parse_rate("0.92"));
        assert_eq!(
            t.rate("USD", d("2023-12-31")),
            None,
            "before the first rate: missing, not 1.0"
        );
        assert_eq!(t.rate("CAD", d("2024-03-01")), None);
        assert_eq!(t.rate("EUR", d("2024-03-01")), Some(10i128.pow(RATE_SCALE)));
    }

    #[test]
    fn malformed_tables_name_row_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rates.csv");
        std::fs::write(
            &path,
            "date,from,to,rate\n2024-01-01,USD,EUR,0.9\n2024-01-01,USD,EUR,-1\n",
        )
        .unwrap();
        let err = FxTable::load(&path, "EUR").unwrap_err().to_string();
        assert!(err.contains("row 2, column rate"), "{err}");
        std::fs::write(&path, "date,from,to,rate\n01/02/2024,USD,EUR,0.9\n").unwrap();
        assert!(
            FxTable::load(&path, "EUR")
                .unwrap_err()
                .to_string()
                .contains("row 1, column date")
        );
    }
}
