//! Append-only, hash-chained audit log.
//!
//! Event `n` stores `hash = sha256(prev_hash, n, at, actor, kind, subject, details)` with
//! `prev_hash` = event `n-1`'s hash (64 zeros for the first). Editing any stored field breaks that
//! event's hash; deleting an event leaves a gap in `seq`; both are found by [`StateDb::verify_audit`].

use super::{StateDb, StateError, is_unique_violation, ts};
use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::Row;

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Kinds of audited events.
pub mod kind {
    /// A run attempt started executing.
    pub const RUN_STARTED: &str = "run.started";
    /// A run attempt ended (succeeded, failed, skipped, cancelled).
    pub const RUN_FINISHED: &str = "run.finished";
    /// A run needing approval was approved.
    pub const RUN_APPROVED: &str = "run.approved";
    /// A backfill was created.
    pub const BACKFILL_CREATED: &str = "backfill.created";
    /// A backfill was cancelled.
    pub const BACKFILL_CANCELLED: &str = "backfill.cancelled";
    /// A backfill was resumed.
    pub const BACKFILL_RESUMED: &str = "backfill.resumed";
    /// The orchestration config differs from the one last seen.
    pub const CONFIG_CHANGED: &str = "config.changed";
    /// A notification (failure email, report) was sent.
    pub const NOTIFICATION_SENT: &str = "notification.sent";
}

/// One stored event.
#[derive(Debug, Clone, Serialize)]
pub struct AuditEvent {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// When.
    pub at: String,
    /// Who (`user@host`, `worker:<name>`, `scheduler@host`).
    pub actor: String,
    /// What (see [`kind`]).
    pub kind: String,
    /// The run, backfill or file it concerns.
    pub subject: String,
    /// Details (JSON text).
    pub details: String,
    /// Previous event's hash.
    pub prev_hash: String,
    /// This event's hash.
    pub hash: String,
}

/// Result of a chain check.
#[derive(Debug, Clone, Serialize)]
pub struct AuditCheck {
    /// Events checked.
    pub events: i64,
    /// Hash of the last event (anchor it elsewhere to detect truncation).
    pub head: String,
    /// The first broken link, if any.
    pub broken: Option<String>,
}

fn chain_hash(
    prev: &str,
    seq: i64,
    at: &str,
    actor: &str,
    kind: &str,
    subject: &str,
    details: &str,
) -> String {
    let mut h = Sha256::new();
    for part in [prev, &seq.to_string(), at, actor, kind, subject, details] {
        h.update(part.len().to_string().as_bytes());
        h.update(b":");
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

impl StateDb {
    /// Appends an event at the end of the chain (retrying when another process appended first).
    ///
    /// # Errors
    /// Database errors.
    pub async fn audit(
        &self,
        actor: &str,
        kind: &str,
        subject: &str,
        details: serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<i64, StateError> {
        let at = ts(now);
        let details = details.to_string();
        let mut last_error = None;
        for _ in 0..50 {
            let head = sqlx::query("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1")
                .fetch_optional(self.pool())
                .await
                .map_err(|e| self.err(e))?;
            let (seq, prev) = match head {
                Some(row) => (
                    row.try_get::<i64, _>("seq").map_err(|e| self.err(e))? + 1,
                    row.try_get::<String, _>("hash").map_err(|e| self.err(e))?,
                ),
                None => (1, GENESIS.to_string()),
            };
            let hash = chain_hash(&prev, seq, &at, actor, kind, subject, &details);
            let inserted = sqlx::query(
                "INSERT INTO audit_events (seq, at, actor, kind, subject, details, prev_hash, hash) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(seq)
            .bind(&at)
            .bind(actor)
            .bind(kind)
            .bind(subject)
            .bind(&details)
            .bind(&prev)
            .bind(&hash)
            .execute(self.pool())
            .await;
            match inserted {
                Ok(_) => return Ok(seq),
                Err(e) if is_unique_violation(&e) => last_error = Some(e),
                Err(e) => return Err(self.err(e)),
            }
        }
        Err(self.err(last_error.unwrap_or(sqlx::Error::PoolTimedOut)))
    }

    /// The newest `limit` events, oldest first.
    ///
    /// # Errors
    /// Database errors.
    pub async fn audit_events(&self, limit: i64) -> Result<Vec<AuditEvent>, StateError> {
        let rows = sqlx::query(
            "SELECT seq, at, actor, kind, subject, details, prev_hash, hash FROM audit_events \
             ORDER BY seq DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.pool())
        .await
        .map_err(|e| self.err(e))?;
        let mut events: Vec<AuditEvent> = rows
            .iter()
            .map(event_from_row)
            .collect::<Result<_, _>>()
            .map_err(|e| self.err(e))?;
        events.reverse();
        Ok(events)
    }

    /// The details of the newest event of `kind`, if any.
    ///
    /// # Errors
    /// Database errors.
    pub async fn last_audit_of(&self, kind: &str) -> Result<Option<AuditEvent>, StateError> {
        let row = sqlx::query(
            "SELECT seq, at, actor, kind, subject, details, prev_hash, hash FROM audit_events \
             WHERE kind = $1 ORDER BY seq DESC LIMIT 1",
        )
        .bind(kind)
        .fetch_optional(self.pool())
        .await
        .map_err(|e| self.err(e))?;
        row.as_ref()
            .map(event_from_row)
            .transpose()
            .map_err(|e| self.err(e))
    }

    /// Walks the whole chain (streamed) and reports the first broken link.
    ///
    /// # Errors
    /// Database errors.
    pub async fn verify_audit(&self) -> Result<AuditCheck, StateError> {
        let mut rows = sqlx::query(
            "SELECT seq, at, actor, kind, subject, details, prev_hash, hash FROM audit_events ORDER BY seq",
        )
        .fetch(self.pool());
        let (mut expected_seq, mut prev) = (1_i64, GENESIS.to_string());
        while let Some(row) = rows.try_next().await.map_err(|e| self.err(e))? {
            let e = event_from_row(&row).map_err(|e| self.err(e))?;
            let broken = if e.seq != expected_seq {
                Some(format!(
                    "event {expected_seq} is missing (deleted?): the chain jumps to event {}",
                    e.seq
                ))
            } else if e.prev_hash != prev {
                Some(format!(
                    "event {}: its prev_hash does not match event {}'s hash (an event was replaced)",
                    e.seq,
                    e.seq - 1
                ))
            } else if chain_hash(
                &e.prev_hash,
                e.seq,
                &e.at,
                &e.actor,
                &e.kind,
                &e.subject,
                &e.details,
            ) != e.hash
            {
                Some(format!(
                    "event {} ({} {} at {}): content does not match its hash (edited?)",
                    e.seq, e.kind, e.subject, e.at
                ))
            } else {
                None
            };
            if broken.is_some() {
                return Ok(AuditCheck {
                    events: expected_seq - 1,
                    head: prev,
                    broken,
                });
            }
            prev = e.hash;
            expected_seq += 1;
        }
        Ok(AuditCheck {
            events: expected_seq - 1,
            head: prev,
            broken: None,
        })
    }
}

fn event_from_row(row: &sqlx::any::AnyRow) -> Result<AuditEvent, sqlx::Error> {
    Ok(AuditEvent {
        seq: row.try_get("seq")?,
        at: row.try_get("at")?,
        actor: row.try_get("actor")?,
        kind: row.try_get("kind")?,
        subject: row.try_get("subject")?,
        details: row.try_get("details")?,
        prev_hash: row.try_get("prev_hash")?,
        hash: row.try_get("hash")?,
    })
}
