//! The run ledger: one row per attempt of (job, partition).
//!
//! ```text
//!            claim              finish ok
//!  queued ──────────▶ running ───────────▶ succeeded
//!    │ │                 │  finish err / lease expired
//!    │ │ cancel          └──────────────▶ failed ──(attempts left)──▶ next attempt: queued
//!    │ └──────▶ cancelled
//!    └─ upstream failed ─▶ skipped
//! ```
//! Every transition is one conditional `UPDATE` (`WHERE status = …`), so two workers racing for
//! the same row cannot both win; a partial unique index keeps one live attempt per partition.

use super::{StateDb, StateError, is_unique_violation, ts};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::BTreeMap;

/// Run states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// Waiting for a worker (or for its upstream, approval, or retry time).
    Queued,
    /// A worker holds it.
    Running,
    /// Done; outputs committed.
    Succeeded,
    /// Failed (this attempt).
    Failed,
    /// Not run because an upstream partition failed.
    Skipped,
    /// Cancelled before it ran (or stopped at a safe point).
    Cancelled,
}

impl RunStatus {
    /// Stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Queued => "queued",
            RunStatus::Running => "running",
            RunStatus::Succeeded => "succeeded",
            RunStatus::Failed => "failed",
            RunStatus::Skipped => "skipped",
            RunStatus::Cancelled => "cancelled",
        }
    }

    fn parse(s: &str) -> RunStatus {
        match s {
            "queued" => RunStatus::Queued,
            "running" => RunStatus::Running,
            "succeeded" => RunStatus::Succeeded,
            "skipped" => RunStatus::Skipped,
            "cancelled" => RunStatus::Cancelled,
            _ => RunStatus::Failed,
        }
    }

    /// Queued or running.
    pub fn is_live(self) -> bool {
        matches!(self, RunStatus::Queued | RunStatus::Running)
    }
}

/// One attempt, as stored.
#[derive(Debug, Clone, Serialize)]
pub struct RunRecord {
    /// UUIDv7.
    pub id: String,
    /// Job name.
    pub job: String,
    /// Partition key.
    pub partition: String,
    /// 1 for the first attempt.
    pub attempt: i64,
    /// Attempts allowed in all.
    pub max_attempts: i64,
    /// State.
    pub status: RunStatus,
    /// `schedule`, `backfill`, `cli`, `retry` or `upstream`.
    pub trigger: String,
    /// Tick time, backfill id or previous attempt id.
    pub trigger_ref: Option<String>,
    /// Who triggered it (`user@host`, or `scheduler@host`).
    pub actor: String,
    /// Backfill it belongs to.
    pub backfill_id: Option<String>,
    /// `pending` or `approved` for jobs that need approval.
    pub approval: Option<String>,
    /// Who approved it.
    pub approved_by: Option<String>,
    /// When it was created.
    pub queued_at: String,
    /// Not to start before (retry backoff).
    pub not_before: String,
    /// When a worker claimed it.
    pub started_at: Option<String>,
    /// When it ended.
    pub finished_at: Option<String>,
    /// Worker holding or last holding it.
    pub worker: Option<String>,
    /// Last heartbeat from that worker.
    pub heartbeat_at: Option<String>,
    /// Cancel requested while running.
    pub cancel_requested: bool,
    /// Hash of the job's config.
    pub config_hash: String,
    /// greenops version and git commit.
    pub code_version: String,
    /// Input checksums (JSON).
    pub inputs: Option<serde_json::Value>,
    /// Outputs (JSON: table version, rows, partitions).
    pub outputs: Option<serde_json::Value>,
    /// Error of a failed attempt.
    pub error: Option<String>,
}

/// What a new run row holds.
#[derive(Debug, Clone)]
pub struct NewRun {
    /// Job.
    pub job: String,
    /// Partition.
    pub partition: String,
    /// Attempts allowed.
    pub max_attempts: u32,
    /// Trigger kind.
    pub trigger: String,
    /// Trigger detail.
    pub trigger_ref: Option<String>,
    /// Who.
    pub actor: String,
    /// Backfill.
    pub backfill_id: Option<String>,
    /// Needs approval before running.
    pub needs_approval: bool,
    /// Job config hash.
    pub config_hash: String,
    /// Code version.
    pub code_version: String,
}

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

/// Filters for listing runs.
#[derive(Debug, Clone, Default)]
pub struct RunFilter {
    /// Only this job.
    pub job: Option<String>,
    /// Only this status.
    pub status: Option<RunStatus>,
    /// Queued at or after.
    pub since: Option<String>,
    /// Only this backfill.
    pub backfill_id: Option<String>,
    /// Most rows.
    pub limit: i64,
}

const COLUMNS: &str = "id, job, partition_key, attempt, max_attempts, status, trigger_kind, \
    trigger_ref, actor, backfill_id, approval, approved_by, queued_at, not_before, started_at, \
    finished_at, worker, heartbeat_at, cancel_requested, config_hash, code_version, inputs, \
    outputs, error";

fn from_row(row: &AnyRow) -> Result<RunRecord, sqlx::Error> {
    let json = |col: &str| -> Result<Option<serde_json::Value>, sqlx::Error> {
        Ok(row
            .try_get::<Option<String>, _>(col)?
            .and_then(|s| serde_json::from_str(&s).ok()))
    };
    Ok(RunRecord {
        id: row.try_get("id")?,
        job: row.try_get("job")?,
        partition: row.try_get("partition_key")?,
        attempt: row.try_get("attempt")?,
        max_attempts: row.try_get("max_attempts")?,
        status: RunStatus::parse(&row.try_get::<String, _>("status")?),
        trigger: row.try_get("trigger_kind")?,
        trigger_ref: row.try_get("trigger_ref")?,
        actor: row.try_get("actor")?,
        backfill_id: row.try_get("backfill_id")?,
        approval: row.try_get("approval")?,
        approved_by: row.try_get("approved_by")?,
        queued_at: row.try_get("queued_at")?,
        not_before: row.try_get("not_before")?,
        started_at: row.try_get("started_at")?,
        finished_at: row.try_get("finished_at")?,
        worker: row.try_get("worker")?,
        heartbeat_at: row.try_get("heartbeat_at")?,
        cancel_requested: row.try_get::<i64, _>("cancel_requested")? != 0,
        config_hash: row.try_get("config_hash")?,
        code_version: row.try_get("code_version")?,
        inputs: json("inputs")?,
        outputs: json("outputs")?,
        error: row.try_get("error")?,
    })
}

/// A fresh time-ordered run id.
pub fn new_run_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

impl StateDb {
    /// Inserts a queued run; `None` when the partition already has a live run.
    ///
    /// # Errors
    /// Database errors.
    pub async fn create_run(
        &self,
        new: &NewRun,
        now: DateTime<Utc>,
    ) -> Result<Option<RunRecord>, StateError> {
        // attempts count within one trigger: a new trigger (re-run, backfill) starts at 1
        self.insert_run(new, 1, now, now, None).await
    }

    async fn insert_run(
        &self,
        new: &NewRun,
        attempt: i64,
        now: DateTime<Utc>,
        not_before: DateTime<Utc>,
        tx: Option<&mut sqlx::AnyConnection>,
    ) -> Result<Option<RunRecord>, StateError> {
        let id = new_run_id();
        let query = sqlx::query(
            "INSERT INTO runs (id, job, partition_key, attempt, max_attempts, status, trigger_kind, \
             trigger_ref, actor, backfill_id, approval, queued_at, not_before, cancel_requested, \
             config_hash, code_version) \
             VALUES ($1, $2, $3, $4, $5, 'queued', $6, $7, $8, $9, $10, $11, $12, 0, $13, $14)",
        )
        .bind(&id)
        .bind(&new.job)
        .bind(&new.partition)
        .bind(attempt)
        .bind(i64::from(new.max_attempts))
        .bind(&new.trigger)
        .bind(new.trigger_ref.clone())
        .bind(&new.actor)
        .bind(new.backfill_id.clone())
        .bind(new.needs_approval.then_some("pending"))
        .bind(ts(now))
        .bind(ts(not_before))
        .bind(&new.config_hash)
        .bind(&new.code_version);
        let result = match tx {
            Some(conn) => query.execute(conn).await,
            None => query.execute(self.pool()).await,
        };
        match result {
            Ok(_) => Ok(self.run(&id).await.ok()),
            Err(e) if is_unique_violation(&e) => Ok(None),
            Err(e) => Err(self.err(e)),
        }
    }

    /// One run by id (a unique prefix of at least 8 characters also works).
    ///
    /// # Errors
    /// [`StateError::NotFound`], database errors.
    pub async fn run(&self, id: &str) -> Result<RunRecord, StateError> {
        let query = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM runs WHERE id = $1 OR (LENGTH($2) >= 9 AND id LIKE $2) LIMIT 2"
        )))
        .bind(id)
        .bind(format!("{id}%"));
        let mut found = self.fetch_mapped(query, from_row).await?;
        match found.len() {
            1 => Ok(found.remove(0)),
            0 => Err(StateError::NotFound(format!("no run with id {id}"))),
            _ => Err(StateError::NotFound(format!(
                "run id prefix {id} is ambiguous"
            ))),
        }
    }

    /// Runs matching a filter, newest first.
    ///
    /// # Errors
    /// Database errors.
    pub async fn runs(&self, filter: &RunFilter) -> Result<Vec<RunRecord>, StateError> {
        let query = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM runs WHERE ($1 = '' OR job = $1) AND ($2 = '' OR status = $2) \
             AND queued_at >= $3 AND ($4 = '' OR backfill_id = $4) \
             ORDER BY queued_at DESC, id DESC LIMIT $5"
        )))
        .bind(filter.job.clone().unwrap_or_default())
        .bind(filter.status.map(RunStatus::as_str).unwrap_or_default())
        .bind(filter.since.clone().unwrap_or_default())
        .bind(filter.backfill_id.clone().unwrap_or_default())
        .bind(if filter.limit > 0 {
            filter.limit
        } else {
            i64::MAX
        });
        self.fetch_mapped(query, from_row).await
    }

    /// The latest attempt's status of each of `job`'s partitions among `keys`.
    ///
    /// # Errors
    /// Database errors.
    pub async fn latest_statuses(
        &self,
        job: &str,
        keys: &[String],
    ) -> Result<BTreeMap<String, RunStatus>, StateError> {
        let (Some(first), Some(last)) = (keys.iter().min(), keys.iter().max()) else {
            return Ok(BTreeMap::new());
        };
        let rows = sqlx::query(
            "SELECT partition_key, status FROM runs WHERE job = $1 AND partition_key >= $2 \
             AND partition_key <= $3 ORDER BY partition_key, queued_at, attempt",
        )
        .bind(job)
        .bind(first)
        .bind(last)
        .fetch_all(self.pool())
        .await
        .map_err(|e| self.err(e))?;
        let mut latest = BTreeMap::new();
        for row in rows {
            let key: String = row.try_get("partition_key").map_err(|e| self.err(e))?;
            let status: String = row.try_get("status").map_err(|e| self.err(e))?;
            if keys.contains(&key) {
                // a live attempt wins over older finished ones; otherwise the newest counts
                let status = RunStatus::parse(&status);
                let keep = latest.get(&key).is_some_and(|s: &RunStatus| s.is_live());
                if !keep {
                    latest.insert(key, status);
                }
            }
        }
        Ok(latest)
    }

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
            let id = new_run_id();
            sqlx::query(
                "INSERT INTO runs (id, job, partition_key, attempt, max_attempts, status, \
                 trigger_kind, trigger_ref, actor, backfill_id, approval, approved_by, queued_at, \
                 not_before, cancel_requested, config_hash, code_version) \
                 VALUES ($1, $2, $3, $4, $5, 'queued', $6, $7, $8, $9, $10, $11, $12, $13, 0, $14, $15)",
            )
            .bind(&id)
            .bind(&next.job)
            .bind(&next.partition)
            .bind(run.attempt + 1)
            .bind(run.max_attempts)
            .bind(&next.trigger)
            .bind(next.trigger_ref.clone())
            .bind(&next.actor)
            .bind(next.backfill_id.clone())
            .bind(run.approval.clone())
            .bind(run.approved_by.clone())
            .bind(ts(now))
            .bind(ts(at))
            .bind(&next.config_hash)
            .bind(&next.code_version)
            .execute(&mut *tx)
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

    /// Approves a run awaiting approval; the approver must differ from the trigger.
    ///
    /// # Errors
    /// [`StateError::Refused`] for self-approval or a run not awaiting approval.
    pub async fn approve(&self, run_id: &str, approver: &str) -> Result<RunRecord, StateError> {
        let run = self.run(run_id).await?;
        if run.approval.as_deref() != Some("pending") || run.status != RunStatus::Queued {
            return Err(StateError::Refused(format!(
                "run {} is not awaiting approval (status {}, approval {})",
                run.id,
                run.status.as_str(),
                run.approval.as_deref().unwrap_or("not required")
            )));
        }
        if run.actor == approver {
            return Err(StateError::Refused(format!(
                "{approver} triggered run {} and cannot also approve it (segregation of duties)",
                run.id
            )));
        }
        sqlx::query(
            "UPDATE runs SET approval = 'approved', approved_by = $1 \
             WHERE id = $2 AND approval = 'pending'",
        )
        .bind(approver)
        .bind(&run.id)
        .execute(self.pool())
        .await
        .map_err(|e| self.err(e))?;
        self.run(&run.id).await
    }

    /// Cancels queued runs and asks running ones to stop, for a backfill or one run.
    /// Returns (queued runs cancelled, running runs asked to stop).
    ///
    /// # Errors
    /// Database errors.
    pub async fn cancel(
        &self,
        backfill_id: Option<&str>,
        run_id: Option<&str>,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<(u64, u64), StateError> {
        let (field, value) = match (backfill_id, run_id) {
            (Some(b), _) => ("backfill_id", b),
            (None, Some(r)) => ("id", r),
            (None, None) => return Ok((0, 0)),
        };
        let mut tx = self.pool().begin().await.map_err(|e| self.err(e))?;
        let queued = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE runs SET status = 'cancelled', finished_at = $1, error = $2, cancel_requested = 1 \
             WHERE {field} = $3 AND status = 'queued'"
        )))
        .bind(ts(now))
        .bind(reason)
        .bind(value)
        .execute(&mut *tx)
        .await
        .map_err(|e| self.err(e))?
        .rows_affected();
        let running = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE runs SET cancel_requested = 1 WHERE {field} = $1 AND status = 'running'"
        )))
        .bind(value)
        .execute(&mut *tx)
        .await
        .map_err(|e| self.err(e))?
        .rows_affected();
        tx.commit().await.map_err(|e| self.err(e))?;
        Ok((queued, running))
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
