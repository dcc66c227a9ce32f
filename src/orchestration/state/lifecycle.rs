//! Run transitions the executor makes: claim, heartbeat, finish, fail-and-retry, lease expiry,
//! and the wake-up tokens that keep one queue task alive per queued run. Each is one conditional
//! statement (or one transaction), so two workers racing for a run cannot both win.

use super::runs::{
    COLUMNS, NewRun, QueuedAttempt, RunRecord, RunStatus, from_row, insert_queued, new_run_id,
};
use super::{StateDb, StateError, ts};
use chrono::{DateTime, Utc};
use sqlx::Row;

/// Why a claim did not take the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimRefusal {
    /// Already running, finished or cancelled.
    NotQueued(RunStatus),
    /// Waiting for approval.
    AwaitingApproval,
    /// Retry backoff not over.
    TooEarly,
    /// Job or backfill concurrency limit reached.
    AtCapacity,
}

impl StateDb {
    /// Takes a queued run for `worker`, respecting approval, backoff and the job's and
    /// backfill's concurrency limits.
    ///
    /// # Errors
    /// Database errors.
    pub async fn claim(
        &self,
        run: &RunRecord,
        worker: &str,
        job_limit: Option<u32>,
        backfill_limit: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<Result<RunRecord, ClaimRefusal>, StateError> {
        let mut tx = self.pool().begin().await.map_err(|e| self.err(e))?;
        if self.backend() == super::Backend::Postgres {
            // concurrency limits count running rows: serialise claims so two cannot both pass
            sqlx::query("SELECT pg_advisory_xact_lock(7236501)")
                .execute(&mut *tx)
                .await
                .map_err(|e| self.err(e))?;
        }
        let now_s = ts(now);
        let updated = sqlx::query(
            "UPDATE runs SET status = 'running', worker = $2, started_at = $3, heartbeat_at = $3 \
             WHERE id = $1 AND status = 'queued' AND cancel_requested = 0 \
             AND (approval IS NULL OR approval = 'approved') AND not_before <= $3 \
             AND (SELECT COUNT(*) FROM runs r WHERE r.job = $4 AND r.status = 'running') < $5 \
             AND (SELECT COUNT(*) FROM runs r WHERE r.backfill_id = $6 AND r.status = 'running') < $7",
        )
        .bind(&run.id)
        .bind(worker)
        .bind(&now_s)
        .bind(&run.job)
        .bind(job_limit.map_or(i64::MAX, i64::from))
        .bind(run.backfill_id.clone().unwrap_or_default())
        .bind(backfill_limit.unwrap_or(i64::MAX))
        .execute(&mut *tx)
        .await
        .map_err(|e| self.err(e))?
        .rows_affected();
        tx.commit().await.map_err(|e| self.err(e))?;
        let current = self.run(&run.id).await?;
        if updated == 1 {
            return Ok(Ok(current));
        }
        Ok(Err(
            if current.status != RunStatus::Queued || current.cancel_requested {
                ClaimRefusal::NotQueued(current.status)
            } else if current.approval.as_deref() == Some("pending") {
                ClaimRefusal::AwaitingApproval
            } else if current.not_before > now_s {
                ClaimRefusal::TooEarly
            } else {
                ClaimRefusal::AtCapacity
            },
        ))
    }

    /// Records a heartbeat; returns whether a cancel was requested.
    ///
    /// # Errors
    /// Database errors.
    pub async fn heartbeat(
        &self,
        run_id: &str,
        worker: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StateError> {
        sqlx::query(
            "UPDATE runs SET heartbeat_at = $3 WHERE id = $1 AND worker = $2 AND status = 'running'",
        )
        .bind(run_id)
        .bind(worker)
        .bind(ts(now))
        .execute(self.pool())
        .await
        .map_err(|e| self.err(e))?;
        let cancel: Option<i64> =
            sqlx::query_scalar("SELECT cancel_requested FROM runs WHERE id = $1")
                .bind(run_id)
                .fetch_optional(self.pool())
                .await
                .map_err(|e| self.err(e))?;
        Ok(cancel.unwrap_or(0) != 0)
    }

    /// Ends a run this worker holds. Returns false when it no longer holds it (its lease expired
    /// and another worker took over).
    ///
    /// # Errors
    /// Database errors.
    pub async fn finish(
        &self,
        run_id: &str,
        worker: &str,
        status: RunStatus,
        end: &RunEnd,
        now: DateTime<Utc>,
    ) -> Result<bool, StateError> {
        let mut conn = self.pool().acquire().await.map_err(|e| self.err(e))?;
        self.finish_on(
            &mut conn,
            run_id,
            Some(worker),
            RunStatus::Running,
            status,
            end,
            now,
        )
        .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn finish_on(
        &self,
        conn: &mut sqlx::AnyConnection,
        run_id: &str,
        worker: Option<&str>,
        from: RunStatus,
        status: RunStatus,
        end: &RunEnd,
        now: DateTime<Utc>,
    ) -> Result<bool, StateError> {
        let json = |v: &Option<serde_json::Value>| v.as_ref().map(|v| v.to_string());
        let updated = sqlx::query(
            "UPDATE runs SET status = $1, finished_at = $2, inputs = COALESCE($3, inputs), \
             outputs = COALESCE($4, outputs), error = $5 \
             WHERE id = $6 AND status = $7 AND ($8 = '' OR worker = $8)",
        )
        .bind(status.as_str())
        .bind(ts(now))
        .bind(json(&end.inputs))
        .bind(json(&end.outputs))
        .bind(end.error.clone())
        .bind(run_id)
        .bind(from.as_str())
        .bind(worker.unwrap_or_default())
        .execute(&mut *conn)
        .await
        .map_err(|e| self.err(e))?
        .rows_affected();
        Ok(updated == 1)
    }

    /// Ends a queued run without running it (skipped or cancelled).
    ///
    /// # Errors
    /// Database errors.
    pub async fn finish_queued(
        &self,
        run_id: &str,
        status: RunStatus,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StateError> {
        let mut conn = self.pool().acquire().await.map_err(|e| self.err(e))?;
        let end = RunEnd {
            error: Some(reason.to_string()),
            ..RunEnd::default()
        };
        self.finish_on(
            &mut conn,
            run_id,
            None,
            RunStatus::Queued,
            status,
            &end,
            now,
        )
        .await
    }

    /// Fails a run (held by `worker`, or any worker when `None` and its lease expired before
    /// `stale_before`) and, when attempts remain and the error is transient, queues the next
    /// attempt to start at `retry_at` — both in one transaction. Returns the next attempt, or
    /// `Err(false)` when the run was not in the expected state.
    ///
    /// # Errors
    /// Database errors.
    pub async fn fail(
        &self,
        run: &RunRecord,
        worker: Option<&str>,
        end: &RunEnd,
        retry_at: Option<DateTime<Utc>>,
        stale_before: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<Result<Option<RunRecord>, ()>, StateError> {
        let mut tx = self.pool().begin().await.map_err(|e| self.err(e))?;
        let ended = match stale_before {
            Some(stale) => {
                sqlx::query(
                    "UPDATE runs SET status = 'failed', finished_at = $1, error = $2 \
                 WHERE id = $3 AND status = 'running' AND heartbeat_at < $4",
                )
                .bind(ts(now))
                .bind(end.error.clone())
                .bind(&run.id)
                .bind(ts(stale))
                .execute(&mut *tx)
                .await
                .map_err(|e| self.err(e))?
                .rows_affected()
                    == 1
            }
            None => {
                self.finish_on(
                    &mut tx,
                    &run.id,
                    worker,
                    RunStatus::Running,
                    RunStatus::Failed,
                    end,
                    now,
                )
                .await?
            }
        };
        if !ended {
            tx.rollback().await.map_err(|e| self.err(e))?;
            return Ok(Err(()));
        }
        let mut next_id = None;
        if let Some(at) = retry_at
            && run.attempt < run.max_attempts
        {
            let next = NewRun {
                job: run.job.clone(),
                partition: run.partition.clone(),
                max_attempts: u32::try_from(run.max_attempts).unwrap_or(u32::MAX),
                trigger: "retry".into(),
                trigger_ref: Some(run.id.clone()),
                actor: run.actor.clone(),
                backfill_id: run.backfill_id.clone(),
                needs_approval: false,
                config_hash: run.config_hash.clone(),
                code_version: run.code_version.clone(),
            };
            let queued = QueuedAttempt {
                attempt: run.attempt + 1,
                not_before: at,
                approval: run.approval.as_deref(),
                approved_by: run.approved_by.as_deref(),
            };
            let id = insert_queued(&mut tx, &next, &queued, now)
                .await
                .map_err(|e| self.err(e))?;
            next_id = Some(id);
        }
        tx.commit().await.map_err(|e| self.err(e))?;
        match next_id {
            Some(id) => Ok(Ok(Some(self.run(&id).await?))),
            None => Ok(Ok(None)),
        }
    }

    /// Running runs whose last heartbeat is older than `before` (their worker died or hung).
    ///
    /// # Errors
    /// Database errors.
    pub async fn expired_leases(
        &self,
        before: DateTime<Utc>,
    ) -> Result<Vec<RunRecord>, StateError> {
        let query = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM runs WHERE status = 'running' AND heartbeat_at < $1 ORDER BY id"
        )))
        .bind(ts(before));
        self.fetch_mapped(query, from_row).await
    }

    /// Count of runs a worker could still make progress on: running, or queued and neither
    /// awaiting approval nor cancelled.
    ///
    /// # Errors
    /// Database errors.
    pub async fn outstanding(&self) -> Result<i64, StateError> {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM runs WHERE status = 'running' OR (status = 'queued' \
             AND cancel_requested = 0 AND (approval IS NULL OR approval = 'approved'))",
        )
        .fetch_one(self.pool())
        .await
        .map_err(|e| self.err(e))
    }
}

impl StateDb {
    /// Hands run `run_id` a new wake-up token due at `due`, if its current token is `expected`
    /// (`None`: whatever it is). Only the caller that swaps the token pushes a queue task, so a
    /// run has one live wake-up however many duplicate deliveries poll it.
    ///
    /// # Errors
    /// Database errors.
    pub async fn swap_wake_token(
        &self,
        run_id: &str,
        expected: Option<&str>,
        due: DateTime<Utc>,
    ) -> Result<Option<String>, StateError> {
        let token = new_run_id();
        let updated = sqlx::query(
            "UPDATE runs SET wake_token = $1, woken_at = $2 WHERE id = $3 AND status = 'queued' \
             AND ($4 = '*' OR COALESCE(wake_token, '') = $4)",
        )
        .bind(&token)
        .bind(ts(due))
        .bind(run_id)
        .bind(expected.unwrap_or("*"))
        .execute(self.pool())
        .await
        .map_err(|e| self.err(e))?
        .rows_affected();
        Ok((updated == 1).then_some(token))
    }

    /// Queued, startable runs whose wake-up is overdue by more than `grace` (its queue task was
    /// lost: a crash between ledger insert and push, or a ledger error in a handler).
    ///
    /// # Errors
    /// Database errors.
    pub async fn lost_wakeups(
        &self,
        overdue_before: DateTime<Utc>,
    ) -> Result<Vec<(String, Option<String>)>, StateError> {
        let rows = sqlx::query(
            "SELECT id, wake_token FROM runs WHERE status = 'queued' AND cancel_requested = 0 \
             AND (approval IS NULL OR approval = 'approved') \
             AND COALESCE(woken_at, queued_at) < $1 AND not_before < $1 ORDER BY id LIMIT 500",
        )
        .bind(ts(overdue_before))
        .fetch_all(self.pool())
        .await
        .map_err(|e| self.err(e))?;
        rows.iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("wake_token")?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(|e| self.err(e))
    }
}

/// What a finished attempt records.
#[derive(Debug, Clone, Default)]
pub struct RunEnd {
    /// Input checksums.
    pub inputs: Option<serde_json::Value>,
    /// Outputs.
    pub outputs: Option<serde_json::Value>,
    /// Error text.
    pub error: Option<String>,
}
