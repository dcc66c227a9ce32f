//! Creating runs: one queued ledger row per (job, partition), woken through the queue when one
//! is given (workers execute it) or left for this process to drive (inline runs).

use super::config::Approval;
use super::executor::Runtime;
use super::queue::{Queue, wake};
use super::state::StateError;
use super::state::runs::{NewRun, RunRecord};
use std::time::Duration;

/// Who asked, and why.
#[derive(Debug, Clone)]
pub struct Trigger {
    /// `schedule`, `backfill`, `cli` or `upstream`.
    pub kind: String,
    /// Tick time, backfill id, …
    pub reference: Option<String>,
    /// `user@host` or `scheduler@host`.
    pub actor: String,
    /// Backfill the run belongs to.
    pub backfill_id: Option<String>,
}

/// Creates a queued run of `job` for `partition`. Returns `None` when the partition already
/// has a live run (the other one stands; nothing is enqueued twice).
///
/// # Errors
/// Ledger errors.
pub async fn submit(
    rt: &Runtime,
    queue: Option<&Queue>,
    job: &str,
    partition: &str,
    trigger: &Trigger,
) -> Result<Option<RunRecord>, StateError> {
    let config = rt
        .dag
        .loaded
        .config
        .jobs
        .get(job)
        .ok_or_else(|| StateError::NotFound(format!("no job named {job}")))?;
    let new = NewRun {
        job: job.to_string(),
        partition: partition.to_string(),
        max_attempts: config.retries.max_attempts,
        trigger: trigger.kind.clone(),
        trigger_ref: trigger.reference.clone(),
        actor: trigger.actor.clone(),
        backfill_id: trigger.backfill_id.clone(),
        needs_approval: config.approval == Approval::Required,
        config_hash: rt.dag.loaded.job_hash(job),
        code_version: rt.code_version.clone(),
    };
    let Some(run) = rt.state.create_run(&new, rt.clock.now()).await? else {
        return Ok(None);
    };
    if let Some(queue) = queue
        && run.approval.is_none()
    {
        wake(rt, queue, &run.id, None, Duration::ZERO).await?;
    }
    Ok(Some(run))
}
