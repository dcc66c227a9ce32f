//! Day and month arithmetic on UTC timestamp columns (Azure dates are whole days).

use chrono::{DateTime, Datelike, Months, NaiveDate, TimeDelta};
use polars::prelude::*;
use warehouse::schema::timestamp_dtype;

fn date_of(micros: i64) -> Option<NaiveDate> {
    DateTime::from_timestamp_micros(micros).map(|t| t.date_naive())
}

fn micros_of(date: NaiveDate) -> Option<i64> {
    Some(date.and_hms_opt(0, 0, 0)?.and_utc().timestamp_micros())
}

fn map_micros(e: Expr, f: fn(i64) -> Option<i64>) -> Expr {
    e.map(
        move |c| {
            let ts = c.cast(&timestamp_dtype())?;
            let out: Int64Chunked = ts
                .datetime()?
                .physical()
                .iter()
                .map(|v| v.and_then(f))
                .collect();
            let mut out = out.into_datetime(TimeUnit::Microseconds, Some(TimeZone::UTC));
            out.rename(c.name().clone());
            Ok(out.into_column())
        },
        |_, f| Ok(Field::new(f.name().clone(), timestamp_dtype())),
    )
}

/// Midnight (UTC) of the timestamp's day.
pub fn day_start(e: Expr) -> Expr {
    map_micros(e, |us| micros_of(date_of(us)?))
}

/// Midnight (UTC) of the day after the timestamp's day.
pub fn next_day(e: Expr) -> Expr {
    map_micros(e, |us| micros_of(date_of(us)? + TimeDelta::days(1)))
}

/// Midnight (UTC) of the first day of the timestamp's month.
pub fn month_start(e: Expr) -> Expr {
    map_micros(e, |us| micros_of(date_of(us)?.with_day(1)?))
}

/// Midnight (UTC) of the first day of the month after the timestamp's month.
pub fn next_month_start(e: Expr) -> Expr {
    map_micros(e, |us| {
        micros_of(
            date_of(us)?
                .with_day(1)?
                .checked_add_months(Months::new(1))?,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_and_month_bounds() {
        let t = |s: &str| crate::ingest::parse::parse_timestamp_micros(s).unwrap();
        let df = df!("t" => [t("2023-12-31 13:45:00")])
            .unwrap()
            .lazy()
            .select([col("t").cast(DataType::Datetime(
                TimeUnit::Microseconds,
                Some(TimeZone::UTC),
            ))])
            .select([
                day_start(col("t")).alias("d"),
                next_day(col("t")).alias("n"),
                month_start(col("t")).alias("m"),
                next_month_start(col("t")).alias("nm"),
            ])
            .collect()
            .unwrap();
        let get = |c: &str| {
            df.column(c)
                .unwrap()
                .datetime()
                .unwrap()
                .physical()
                .get(0)
                .unwrap()
        };
        assert_eq!(get("d"), t("2023-12-31"));
        assert_eq!(get("n"), t("2024-01-01"));
        assert_eq!(get("m"), t("2023-12-01"));
        assert_eq!(get("nm"), t("2024-01-01"));
    }
}
