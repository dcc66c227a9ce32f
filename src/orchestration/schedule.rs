//! Cron schedules in a time zone, and which partition each tick is for.
//!
//! Cron is the `cron` crate's seconds-first syntax (the one apalis-cron runs). In zones with DST a
//! local time that does not exist is skipped and one that exists twice runs twice; both ticks map
//! to the same partition, and the ledger enqueues a partition once, so nothing runs twice.

use super::config::ScheduleConfig;
use super::partition::Partitioning;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use std::str::FromStr;

/// A parsed schedule.
#[derive(Debug, Clone)]
pub struct JobSchedule {
    /// Parsed cron expression.
    pub cron: cron::Schedule,
    /// Zone the expression is read in.
    pub timezone: Tz,
    /// Partitions to step back from the one holding the tick's previous day.
    pub offset: u32,
    /// Catch-up window after downtime.
    pub catch_up: std::time::Duration,
}

/// One due run: the tick time and the partition it processes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    /// When the tick fell (UTC).
    pub tick: DateTime<Utc>,
    /// Partition key it is for.
    pub partition: String,
}

impl JobSchedule {
    /// Parses the config's cron and zone.
    ///
    /// # Errors
    /// A message naming the problem (five-field POSIX cron gets a hint).
    pub fn parse(config: &ScheduleConfig) -> Result<Self, String> {
        let fields = config.cron.split_whitespace().count();
        if fields == 5 {
            return Err(format!(
                "cron `{}` has 5 fields; greenops cron is seconds-first \
                 (sec min hour day-of-month month day-of-week), e.g. `0 {}`",
                config.cron, config.cron
            ));
        }
        let cron = cron::Schedule::from_str(&config.cron)
            .map_err(|e| format!("cron `{}`: {e}", config.cron))?;
        let timezone = Tz::from_str(&config.timezone)
            .map_err(|_| format!("unknown time zone `{}` (use an IANA name)", config.timezone))?;
        Ok(JobSchedule {
            cron,
            timezone,
            offset: config.offset,
            catch_up: config.catch_up.0,
        })
    }

    /// The next `n` ticks strictly after `now`.
    pub fn next_ticks(&self, now: DateTime<Utc>, n: usize) -> Vec<DateTime<Utc>> {
        self.cron
            .after(&now.with_timezone(&self.timezone))
            .take(n)
            .map(|t| t.with_timezone(&Utc))
            .collect()
    }

    /// Ticks in `(after, until]`, oldest first, at most `limit`.
    pub fn ticks_between(
        &self,
        after: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: usize,
    ) -> Vec<DateTime<Utc>> {
        self.cron
            .after(&after.with_timezone(&self.timezone))
            .map(|t| t.with_timezone(&Utc))
            .take_while(|t| *t <= until)
            .take(limit)
            .collect()
    }

    /// The partition a tick processes: the one holding the day before the tick's local date,
    /// stepped back `offset` partitions.
    pub fn partition_of(&self, tick: DateTime<Utc>, partitioning: Partitioning) -> String {
        let local = tick.with_timezone(&self.timezone).date_naive();
        let mut day = local.pred_opt().unwrap_or(local);
        for _ in 0..self.offset {
            let start = partitioning
                .start_of(&partitioning.key_of(day))
                .unwrap_or(day);
            day = start.pred_opt().unwrap_or(start);
        }
        partitioning.key_of(day)
    }

    /// [`Self::ticks_between`] as due runs.
    pub fn due_between(
        &self,
        after: DateTime<Utc>,
        until: DateTime<Utc>,
        partitioning: Partitioning,
        limit: usize,
    ) -> Vec<Due> {
        self.ticks_between(after, until, limit)
            .into_iter()
            .map(|tick| Due {
                tick,
                partition: self.partition_of(tick, partitioning),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::orchestration::duration::Span;

    fn schedule(cron: &str, tz: &str) -> JobSchedule {
        JobSchedule::parse(&ScheduleConfig {
            cron: cron.into(),
            timezone: tz.into(),
            catch_up: Span::from_secs(0),
            offset: 0,
        })
        .unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn nightly_ticks_process_yesterday() {
        let s = schedule("0 15 3 * * *", "UTC");
        let due = s.due_between(
            utc("2026-03-01T00:00:00Z"),
            utc("2026-03-03T12:00:00Z"),
            Partitioning::Daily,
            10,
        );
        let keys: Vec<_> = due.iter().map(|d| d.partition.as_str()).collect();
        assert_eq!(keys, ["2026-02-28", "2026-03-01", "2026-03-02"]);
        assert_eq!(due[0].tick, utc("2026-03-01T03:15:00Z"));
        let monthly = s.partition_of(utc("2026-03-01T03:15:00Z"), Partitioning::Monthly);
        assert_eq!(
            monthly, "2026-02",
            "a nightly monthly refresh on the 1st finishes February"
        );
        let report = JobSchedule {
            offset: 1,
            ..schedule("0 0 6 3 * *", "UTC")
        };
        assert_eq!(
            report.partition_of(utc("2026-03-03T06:00:00Z"), Partitioning::Monthly),
            "2026-02"
        );
    }

    #[test]
    fn local_zone_ticks_follow_dst() {
        // 06:00 Berlin is 05:00 UTC in winter and 04:00 UTC in summer.
        let s = schedule("0 0 6 * * *", "Europe/Berlin");
        let ticks = s.ticks_between(utc("2026-03-28T00:00:00Z"), utc("2026-03-30T00:00:00Z"), 5);
        assert_eq!(
            ticks,
            [utc("2026-03-28T05:00:00Z"), utc("2026-03-29T04:00:00Z")]
        );
    }

    #[test]
    fn five_field_cron_gets_a_hint() {
        let err = JobSchedule::parse(&ScheduleConfig {
            cron: "15 3 * * *".into(),
            timezone: "UTC".into(),
            catch_up: Span::from_secs(0),
            offset: 0,
        })
        .unwrap_err();
        assert!(err.contains("seconds-first"), "{err}");
    }
}
