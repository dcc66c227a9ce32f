//! Partition arithmetic: a job's runs are keyed by day (`2026-11-24`) or billing month
//! (`2026-11`). Keys sort chronologically as text.

use super::config::ConfigError;
use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// How a job's work is cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Partitioning {
    /// One run per calendar day.
    Daily,
    /// One run per calendar (billing) month.
    Monthly,
}

impl Partitioning {
    /// `daily` or `monthly`.
    pub fn name(self) -> &'static str {
        match self {
            Partitioning::Daily => "daily",
            Partitioning::Monthly => "monthly",
        }
    }

    /// First day of the partition `key`.
    ///
    /// # Errors
    /// [`ConfigError::BadPartition`] when the key does not have this partitioning's shape.
    pub fn start_of(self, key: &str) -> Result<NaiveDate, ConfigError> {
        let parsed = match self {
            Partitioning::Daily => NaiveDate::parse_from_str(key, "%Y-%m-%d").ok(),
            Partitioning::Monthly => NaiveDate::parse_from_str(&format!("{key}-01"), "%Y-%m-%d")
                .ok()
                .filter(|_| key.len() == 7),
        };
        parsed.ok_or(ConfigError::BadPartition {
            key: key.to_string(),
            partitioning: self.name(),
            expected: match self {
                Partitioning::Daily => "YYYY-MM-DD",
                Partitioning::Monthly => "YYYY-MM",
            },
        })
    }

    /// Key of the partition holding `day`.
    pub fn key_of(self, day: NaiveDate) -> String {
        match self {
            Partitioning::Daily => day.format("%Y-%m-%d").to_string(),
            Partitioning::Monthly => day.format("%Y-%m").to_string(),
        }
    }

    /// First day after the partition starting at `start`.
    pub fn next_start(self, start: NaiveDate) -> NaiveDate {
        match self {
            Partitioning::Daily => start.succ_opt().unwrap_or(start),
            Partitioning::Monthly => {
                let first = start.with_day(1).unwrap_or(start);
                first.checked_add_months(Months::new(1)).unwrap_or(first)
            }
        }
    }

    /// Every key from `from` to `to`, both included, oldest first.
    ///
    /// # Errors
    /// Malformed keys, or `from` after `to`.
    pub fn range(self, from: &str, to: &str) -> Result<Vec<String>, ConfigError> {
        let (mut at, end) = (self.start_of(from)?, self.start_of(to)?);
        if at > end {
            return Err(ConfigError::BadPartition {
                key: format!("{from}..{to}"),
                partitioning: self.name(),
                expected: "--from not after --to",
            });
        }
        let mut keys = Vec::new();
        while at <= end {
            keys.push(self.key_of(at));
            at = self.next_start(at);
        }
        Ok(keys)
    }

    /// The partitions of an upstream job (partitioned by `upstream`) that a run of this job for
    /// `key` reads: the same period, the days of a month, or the month holding a day.
    ///
    /// # Errors
    /// A malformed `key`.
    pub fn upstream_keys(
        self,
        key: &str,
        upstream: Partitioning,
    ) -> Result<Vec<String>, ConfigError> {
        let start = self.start_of(key)?;
        match (self, upstream) {
            (Partitioning::Monthly, Partitioning::Daily) => {
                let last = self.next_start(start).pred_opt().unwrap_or(start);
                upstream.range(&upstream.key_of(start), &upstream.key_of(last))
            }
            _ => Ok(vec![upstream.key_of(start)]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_cross_year_and_leap_day() {
        let months = Partitioning::Monthly.range("2023-11", "2024-02").unwrap();
        assert_eq!(months, ["2023-11", "2023-12", "2024-01", "2024-02"]);
        let days = Partitioning::Daily
            .range("2024-02-28", "2024-03-01")
            .unwrap();
        assert_eq!(days, ["2024-02-28", "2024-02-29", "2024-03-01"]);
        assert!(Partitioning::Monthly.range("2024-03", "2024-01").is_err());
        assert!(Partitioning::Monthly.start_of("2024-3").is_err());
        assert!(Partitioning::Daily.start_of("2024-02-30").is_err());
    }

    #[test]
    fn upstream_keys_map_between_partitionings() {
        let days = Partitioning::Monthly
            .upstream_keys("2024-02", Partitioning::Daily)
            .unwrap();
        assert_eq!(days.len(), 29);
        assert_eq!(days[28], "2024-02-29");
        let month = Partitioning::Daily
            .upstream_keys("2024-02-10", Partitioning::Monthly)
            .unwrap();
        assert_eq!(month, ["2024-02"]);
    }
}
