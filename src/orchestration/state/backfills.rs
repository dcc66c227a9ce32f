//! Backfills: a recorded request to (re)run a job over a partition range. Its progress is the
//! status of its runs; cancelling drains its queued runs in one transaction.

use super::{StateDb, StateError, ts};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::Row;

/// One backfill as stored, with counts of its runs' latest states.
#[derive(Debug, Clone, Serialize)]
pub struct BackfillRecord {
    /// UUIDv7.
    pub id: String,
    /// Job.
    pub job: String,
    /// First partition.
    pub from: String,
    /// Last partition.
    pub to: String,
    /// `missing`, `failed` or `all`.
    pub only: String,
    /// `oldest` or `newest` first.
    pub order: String,
    /// Most partitions at once.
    pub concurrency: i64,
    /// `running`, `cancelled` or `completed`.
    pub status: String,
    /// Who created it.
    pub actor: String,
    /// When.
    pub created_at: String,
    /// When it ended.
    pub finished_at: Option<String>,
}

/// What a new backfill holds.
#[derive(Debug, Clone)]
pub struct NewBackfill {
    /// Job.
    pub job: String,
    /// First partition.
    pub from: String,
    /// Last partition.
    pub to: String,
    /// Reprocess mode.
    pub only: String,
    /// Order.
    pub order: String,
    /// Concurrency cap.
    pub concurrency: u32,
    /// Who.
    pub actor: String,
}

fn from_row(row: &sqlx::any::AnyRow) -> Result<BackfillRecord, sqlx::Error> {
    Ok(BackfillRecord {
        id: row.try_get("id")?,
        job: row.try_get("job")?,
        from: row.try_get("from_key")?,
        to: row.try_get("to_key")?,
        only: row.try_get("only_mode")?,
        order: row.try_get("order_mode")?,
        concurrency: row.try_get("concurrency")?,
        status: row.try_get("status")?,
        actor: row.try_get("actor")?,
        created_at: row.try_get("created_at")?,
        finished_at: row.try_get("finished_at")?,
    })
}

const COLUMNS: &str = "id, job, from_key, to_key, only_mode, order_mode, concurrency, status, \
    actor, created_at, finished_at";

impl StateDb {
    /// Records a backfill.
    ///
    /// # Errors
    /// Database errors.
    pub async fn create_backfill(
        &self,
        new: &NewBackfill,
        now: DateTime<Utc>,
    ) -> Result<BackfillRecord, StateError> {
        let id = super::runs::new_run_id();
        sqlx::query(
            "INSERT INTO backfills (id, job, from_key, to_key, only_mode, order_mode, concurrency, \
             status, actor, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'running', $8, $9)",
        )
        .bind(&id)
        .bind(&new.job)
        .bind(&new.from)
        .bind(&new.to)
        .bind(&new.only)
        .bind(&new.order)
        .bind(i64::from(new.concurrency))
        .bind(&new.actor)
        .bind(ts(now))
        .execute(self.pool())
        .await
        .map_err(|e| self.err(e))?;
        self.backfill(&id).await
    }

    /// One backfill by id or unique prefix.
    ///
    /// # Errors
    /// [`StateError::NotFound`], database errors.
    pub async fn backfill(&self, id: &str) -> Result<BackfillRecord, StateError> {
        self.by_id_or_prefix("backfills", COLUMNS, "backfill", id, from_row)
            .await
    }

    /// All backfills, newest first.
    ///
    /// # Errors
    /// Database errors.
    pub async fn backfills(&self) -> Result<Vec<BackfillRecord>, StateError> {
        let query = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM backfills ORDER BY created_at DESC, id DESC"
        )));
        self.fetch_mapped(query, from_row).await
    }

    /// Sets a backfill's status (and end time for final states).
    ///
    /// # Errors
    /// Database errors.
    pub async fn set_backfill_status(
        &self,
        id: &str,
        status: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StateError> {
        let finished = (status != "running").then(|| ts(now));
        sqlx::query("UPDATE backfills SET status = $1, finished_at = $2 WHERE id = $3")
            .bind(status)
            .bind(finished)
            .bind(id)
            .execute(self.pool())
            .await
            .map_err(|e| self.err(e))?;
        Ok(())
    }
}
