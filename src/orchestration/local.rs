//! Drives runs to their end inside this process (no queue, no server): `greenops run` and
//! `greenops backfill` on embedded defaults. Retries wait out their backoff; a run waiting on its
//! upstream polls until the upstream ends.

use super::executor::{Runtime, Step};
use super::state::StateError;
use super::state::runs::{RunRecord, RunStatus};
use std::sync::Arc;
use tokio::sync::Semaphore;

/// How one requested run ended.
#[derive(Debug, Clone)]
pub enum LocalOutcome {
    /// Its final attempt.
    Done(RunRecord),
    /// It waits for `greenops approve`.
    AwaitingApproval(RunRecord),
    /// Nothing was done (already over, cancelled, or taken by another executor).
    Ignored(String, RunStatus),
}

impl LocalOutcome {
    /// Final status.
    pub fn status(&self) -> RunStatus {
        match self {
            LocalOutcome::Done(r) => r.status,
            LocalOutcome::AwaitingApproval(_) => RunStatus::Queued,
            LocalOutcome::Ignored(_, s) => *s,
        }
    }
}

/// Runs every id in `runs` (in order of start), at most `concurrency` at once; `on_end` is called
/// as each ends. Outcomes come back in the order of `runs`.
///
/// # Errors
/// Ledger errors.
pub async fn drive(
    rt: &Runtime,
    runs: Vec<String>,
    concurrency: usize,
    on_end: Arc<dyn Fn(&LocalOutcome) + Send + Sync>,
) -> Result<Vec<LocalOutcome>, StateError> {
    let permits = Arc::new(Semaphore::new(concurrency.max(1)));
    let mut tasks = Vec::new();
    for id in runs {
        let (rt, permits, on_end) = (rt.clone(), permits.clone(), on_end.clone());
        tasks.push(tokio::spawn(async move {
            let _permit = permits.acquire_owned().await;
            let outcome = drive_one(&rt, id).await;
            if let Ok(o) = &outcome {
                on_end(o);
            }
            outcome
        }));
    }
    let mut outcomes = Vec::new();
    for task in tasks {
        match task.await {
            Ok(outcome) => outcomes.push(outcome?),
            Err(e) => tracing::error!(error = %e, "A run task panicked."),
        }
    }
    Ok(outcomes)
}

async fn drive_one(rt: &Runtime, mut id: String) -> Result<LocalOutcome, StateError> {
    loop {
        match rt.execute(&id).await? {
            Step::Finished(run) => return Ok(LocalOutcome::Done(run)),
            Step::Retry {
                failed,
                next,
                delay,
            } => {
                eprintln!(
                    "{} {} attempt {} failed ({}); retrying in {:.1}s",
                    failed.job,
                    failed.partition,
                    failed.attempt,
                    failed.error.as_deref().unwrap_or("?"),
                    delay.as_secs_f64()
                );
                tokio::time::sleep(delay).await;
                id = next.id;
            }
            Step::Wait(delay) => tokio::time::sleep(delay).await,
            Step::AwaitingApproval(run) => return Ok(LocalOutcome::AwaitingApproval(run)),
            Step::Ignored(status) => return Ok(LocalOutcome::Ignored(id, status)),
        }
    }
}
