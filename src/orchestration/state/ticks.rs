//! Scheduler bookkeeping: which (job, tick) pairs were handled, and how far each job's schedule
//! has been examined. Inserting the tick row is the claim: of two schedulers handling the same
//! tick, exactly one insert succeeds and only that one enqueues.

use super::{StateDb, StateError, is_unique_violation, parse_ts, ts};
use chrono::{DateTime, Utc};

impl StateDb {
    /// Claims a tick; false when another scheduler (or an earlier tick) already did.
    ///
    /// # Errors
    /// Database errors.
    pub async fn claim_tick(
        &self,
        job: &str,
        partition: &str,
        tick: DateTime<Utc>,
    ) -> Result<bool, StateError> {
        let inserted = sqlx::query(
            "INSERT INTO schedule_ticks (job, partition_key, tick_at) VALUES ($1, $2, $3)",
        )
        .bind(job)
        .bind(partition)
        .bind(ts(tick))
        .execute(self.pool())
        .await;
        match inserted {
            Ok(_) => Ok(true),
            Err(e) if is_unique_violation(&e) => Ok(false),
            Err(e) => Err(self.err(e)),
        }
    }

    /// Notes the run a claimed tick enqueued.
    ///
    /// # Errors
    /// Database errors.
    pub async fn set_tick_run(
        &self,
        job: &str,
        tick: DateTime<Utc>,
        run_id: &str,
    ) -> Result<(), StateError> {
        sqlx::query("UPDATE schedule_ticks SET run_id = $1 WHERE job = $2 AND tick_at = $3")
            .bind(run_id)
            .bind(job)
            .bind(ts(tick))
            .execute(self.pool())
            .await
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// How far `job`'s schedule was examined.
    ///
    /// # Errors
    /// Database errors.
    pub async fn watermark(&self, job: &str) -> Result<Option<DateTime<Utc>>, StateError> {
        let value: Option<String> =
            sqlx::query_scalar("SELECT checked_to FROM schedule_watermarks WHERE job = $1")
                .bind(job)
                .fetch_optional(self.pool())
                .await
                .map_err(|e| self.err(e))?;
        Ok(value.as_deref().and_then(parse_ts))
    }

    /// Moves `job`'s watermark forward to `to` (never backwards).
    ///
    /// # Errors
    /// Database errors.
    pub async fn advance_watermark(&self, job: &str, to: DateTime<Utc>) -> Result<(), StateError> {
        let to = ts(to);
        let updated = sqlx::query(
            "UPDATE schedule_watermarks SET checked_to = $1 WHERE job = $2 AND checked_to < $1",
        )
        .bind(&to)
        .bind(job)
        .execute(self.pool())
        .await
        .map_err(|e| self.err(e))?
        .rows_affected();
        if updated == 0 {
            let inserted =
                sqlx::query("INSERT INTO schedule_watermarks (job, checked_to) VALUES ($1, $2)")
                    .bind(job)
                    .bind(&to)
                    .execute(self.pool())
                    .await;
            match inserted {
                Ok(_) => {}
                Err(e) if is_unique_violation(&e) => {}
                Err(e) => return Err(self.err(e)),
            }
        }
        Ok(())
    }
}
