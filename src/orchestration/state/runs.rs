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

pub(super) const COLUMNS: &str = "id, job, partition_key, attempt, max_attempts, status, trigger_kind, \
    trigger_ref, actor, backfill_id, approval, approved_by, queued_at, not_before, started_at, \
    finished_at, worker, heartbeat_at, cancel_requested, config_hash, code_version, inputs, \
    outputs, error";

pub(super) fn from_row(row: &AnyRow) -> Result<RunRecord, sqlx::Error> {
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

/// What an attempt row holds beyond its [`NewRun`]: a first attempt, or a retry inheriting its
/// predecessor's approval.
pub(super) struct QueuedAttempt<'a> {
    /// 1 for the first attempt.
    pub attempt: i64,
    /// Not to start before (retry backoff).
    pub not_before: DateTime<Utc>,
    /// `pending`, `approved` or none.
    pub approval: Option<&'a str>,
    /// Who approved it.
    pub approved_by: Option<&'a str>,
}

/// Inserts a queued attempt and returns its id (a unique violation means the partition already
/// has a live attempt).
pub(super) async fn insert_queued(
    conn: &mut sqlx::AnyConnection,
    new: &NewRun,
    queued: &QueuedAttempt<'_>,
    now: DateTime<Utc>,
) -> Result<String, sqlx::Error> {
    let id = new_run_id();
    sqlx::query(
        "INSERT INTO runs (id, job, partition_key, attempt, max_attempts, status, trigger_kind, \
         trigger_ref, actor, backfill_id, approval, approved_by, queued_at, not_before, \
         cancel_requested, config_hash, code_version) \
         VALUES ($1, $2, $3, $4, $5, 'queued', $6, $7, $8, $9, $10, $11, $12, $13, 0, $14, $15)",
    )
    .bind(&id)
    .bind(&new.job)
    .bind(&new.partition)
    .bind(queued.attempt)
    .bind(i64::from(new.max_attempts))
    .bind(&new.trigger)
    .bind(new.trigger_ref.clone())
    .bind(&new.actor)
    .bind(new.backfill_id.clone())
    .bind(queued.approval)
    .bind(queued.approved_by)
    .bind(ts(now))
    .bind(ts(queued.not_before))
    .bind(&new.config_hash)
    .bind(&new.code_version)
    .execute(conn)
    .await?;
    Ok(id)
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
        let mut conn = self.pool().acquire().await.map_err(|e| self.err(e))?;
        // attempts count within one trigger: a new trigger (re-run, backfill) starts at 1
        let queued = QueuedAttempt {
            attempt: 1,
            not_before: now,
            approval: new.needs_approval.then_some("pending"),
            approved_by: None,
        };
        match insert_queued(&mut conn, new, &queued, now).await {
            Ok(id) => Ok(self.run(&id).await.ok()),
            Err(e) if is_unique_violation(&e) => Ok(None),
            Err(e) => Err(self.err(e)),
        }
    }

    /// One run by id (a unique prefix of at least 8 characters also works).
    ///
    /// # Errors
    /// [`StateError::NotFound`], database errors.
    pub async fn run(&self, id: &str) -> Result<RunRecord, StateError> {
        self.by_id_or_prefix("runs", COLUMNS, "run", id, from_row)
            .await
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

    /// The live (queued or running) attempt of a partition, if any.
    ///
    /// # Errors
    /// Database errors.
    pub async fn live_run(
        &self,
        job: &str,
        partition: &str,
    ) -> Result<Option<RunRecord>, StateError> {
        let query = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM runs WHERE job = $1 AND partition_key = $2 \
             AND status IN ('queued', 'running')"
        )))
        .bind(job)
        .bind(partition);
        Ok(self.fetch_mapped(query, from_row).await?.pop())
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
