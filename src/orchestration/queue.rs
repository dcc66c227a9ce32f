//! The run queue on apalis: SQLite storage for one machine, PostgreSQL for many workers.
//!
//! A queue task is only a wake-up (`run id` + token); the ledger decides what runs. Delivery is
//! at-least-once and duplicates are harmless: the ledger's conditional claim lets one executor
//! win. Retries and backoff are the ledger's, so every task has `max_attempts(1)` and handlers
//! never return a retryable error to apalis (its retries have no backoff and stack with ours).

use super::executor::{Runtime, Step};
use super::state::{Backend, StateDb, StateError, with_setup_retries};
use apalis::prelude::*;
use apalis_postgres::PostgresStorage;
use apalis_sqlite::SqliteStorage;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;

/// apalis queue name (explicit: the default is the Rust type path).
pub const QUEUE_NAME: &str = "greenops.runs";

/// One wake-up: "look at this run".
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunTask {
    /// Ledger run id.
    pub run_id: String,
    /// Wake-up token; a task whose token is stale does not re-queue itself.
    pub token: String,
}

/// The apalis storage behind the state database.
#[derive(Clone)]
pub enum Queue {
    /// SQLite (same file as the ledger; tables `Jobs` and `Workers`).
    Sqlite(SqliteStorage<RunTask>),
    /// PostgreSQL (schema `apalis`).
    Postgres(PostgresStorage<RunTask>),
}

impl std::fmt::Debug for Queue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Queue::Sqlite(_) => "Queue::Sqlite",
            Queue::Postgres(_) => "Queue::Postgres",
        })
    }
}

/// How often workers poll and heartbeat.
#[derive(Debug, Clone, Copy)]
pub struct QueueTiming {
    /// Poll interval for new tasks.
    pub poll: Duration,
    /// apalis worker heartbeat.
    pub heartbeat: Duration,
}

impl Default for QueueTiming {
    fn default() -> Self {
        QueueTiming {
            poll: Duration::from_millis(250),
            heartbeat: Duration::from_secs(5),
        }
    }
}

impl Queue {
    /// Opens the queue in the state database (applying apalis' migrations).
    ///
    /// # Errors
    /// Connection or migration failures.
    pub async fn open(state: &StateDb, timing: QueueTiming) -> Result<Self, StateError> {
        let fail = |e: sqlx::Error| state.err(e);
        match state.backend() {
            Backend::Sqlite => {
                use std::str::FromStr;
                let options = apalis_sqlite::SqliteConnectOptions::from_str(state.url())
                    .map_err(fail)?
                    .create_if_missing(true)
                    .busy_timeout(Duration::from_secs(60));
                let pool = apalis_sqlite::SqlitePool::connect_with(options)
                    .await
                    .map_err(fail)?;
                with_setup_retries(|| SqliteStorage::setup(&pool))
                    .await
                    .map_err(|e| state.err(sqlx::Error::Protocol(e.to_string())))?;
                let config = apalis_sqlite::Config::default()
                    .queue(QUEUE_NAME)
                    .heartbeat_interval(timing.heartbeat)
                    .missed_heartbeats(3);
                Ok(Queue::Sqlite(SqliteStorage::new(&pool).with_config(config)))
            }
            Backend::Postgres => {
                let pool = sqlx::postgres::PgPoolOptions::new()
                    .max_connections(8)
                    .connect(state.url())
                    .await
                    .map_err(fail)?;
                with_setup_retries(|| PostgresStorage::setup(&pool))
                    .await
                    .map_err(|e| state.err(sqlx::Error::Protocol(e.to_string())))?;
                let config = apalis_postgres::Config::default()
                    .queue(QUEUE_NAME)
                    .heartbeat_interval(timing.heartbeat)
                    .missed_heartbeats(3);
                Ok(Queue::Postgres(
                    PostgresStorage::new(&pool).with_config(config),
                ))
            }
        }
    }

    /// Pushes one wake-up, due after `delay`.
    ///
    /// # Errors
    /// The push failed (the ledger's lost-wake-up sweep will re-push it).
    pub async fn push(&self, task: RunTask, delay: Duration) -> Result<(), String> {
        let task = TaskBuilder::new(task)
            .max_attempts(1)
            .run_after(delay)
            .build();
        match self {
            Queue::Sqlite(s) => s.clone().push_task(task).await.map_err(|e| e.to_string()),
            Queue::Postgres(s) => s.clone().push_task(task).await.map_err(|e| e.to_string()),
        }
    }
}

/// Wakes run `run_id` through the queue after `delay`, replacing its wake-up token (`expected`:
/// the token the caller holds, `None` for a fresh run). Does nothing when another wake-up won.
///
/// # Errors
/// Ledger errors; a failed push is logged and left to the lost-wake-up sweep.
pub async fn wake(
    rt: &Runtime,
    queue: &Queue,
    run_id: &str,
    expected: Option<&str>,
    delay: Duration,
) -> Result<(), StateError> {
    let due = rt.clock.now() + chrono::Duration::from_std(delay).unwrap_or_default();
    let Some(token) = rt.state.swap_wake_token(run_id, expected, due).await? else {
        return Ok(());
    };
    let task = RunTask {
        run_id: run_id.to_string(),
        token,
    };
    if let Err(e) = queue.push(task, delay).await {
        tracing::warn!(error = %e, run_id, "Queue push failed; the sweep will retry it.");
    }
    Ok(())
}

/// What worker handlers share.
#[derive(Debug, Clone)]
pub struct WorkerShared {
    /// Executor.
    pub rt: Runtime,
    /// Queue for follow-up wake-ups.
    pub queue: Queue,
}

/// Handles one wake-up: execute, then queue what follows (retry, or another look later).
async fn handle(task: RunTask, shared: Data<Arc<WorkerShared>>) -> Result<(), BoxDynError> {
    let WorkerShared { rt, queue } = &**shared;
    let step = match rt.execute(&task.run_id).await {
        Ok(step) => step,
        Err(e) => {
            // not retried by apalis; the run stays queued and the sweep wakes it again
            tracing::error!(error = %e, run_id = %task.run_id, "Ledger error while executing.");
            return Err(AbortError::new(e.to_string()).into());
        }
    };
    let follow_up = match step {
        Step::Retry { next, delay, .. } => wake(rt, queue, &next.id, None, delay).await,
        Step::Wait(delay) => wake(rt, queue, &task.run_id, Some(&task.token), delay).await,
        Step::Finished(_) | Step::AwaitingApproval(_) | Step::Ignored(_) => Ok(()),
    };
    if let Err(e) = follow_up {
        tracing::error!(error = %e, run_id = %task.run_id, "Could not queue the follow-up.");
    }
    Ok(())
}

/// Runs a worker until `stop` resolves: executes queued runs (at most `concurrency` at once),
/// recovers runs of dead workers and re-wakes runs whose wake-up was lost.
///
/// # Errors
/// Queue failures that stop the worker.
pub async fn run_worker(
    shared: WorkerShared,
    concurrency: usize,
    timing: QueueTiming,
    stop: impl Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    let name = shared.rt.worker.clone();
    let maintenance = tokio::spawn(maintain(shared.clone()));
    let shared = Arc::new(shared);
    let signal = async move {
        stop.await;
        Ok::<(), WorkerError>(())
    };
    // the two storages have different types but the same worker shape
    macro_rules! work {
        ($storage:expr) => {
            WorkerBuilder::new(name)
                .backend($storage.poll_with_interval(timing.poll))
                .data(shared)
                .concurrency(concurrency.max(1))
                .parallelize(tokio::spawn)
                .build(handle)
                .run_until(signal)
                .await
        };
    }
    let result = match shared.queue.clone() {
        Queue::Sqlite(storage) => work!(storage),
        Queue::Postgres(storage) => work!(storage),
    };
    maintenance.abort();
    result.map_err(|e| e.to_string())
}

/// Periodic ledger upkeep in every worker: fail and retry runs whose worker died, and re-wake
/// queued runs whose wake-up task was lost.
async fn maintain(shared: WorkerShared) {
    let WorkerShared { rt, queue } = &shared;
    let every = (rt.lease / 2).max(Duration::from_millis(500));
    loop {
        match rt.recover_lost().await {
            Ok(steps) => {
                for step in steps {
                    if let Step::Retry { next, delay, .. } = step
                        && let Err(e) = wake(rt, queue, &next.id, None, delay).await
                    {
                        tracing::error!(error = %e, "Could not queue a recovered run.");
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "Lease check failed."),
        }
        let overdue = rt.clock.now() - chrono::Duration::from_std(rt.lease * 2).unwrap_or_default();
        match rt.state.lost_wakeups(overdue).await {
            Ok(lost) => {
                for (run_id, token) in lost {
                    let expected = token.as_deref().unwrap_or("");
                    if let Err(e) = wake(rt, queue, &run_id, Some(expected), Duration::ZERO).await {
                        tracing::warn!(error = %e, "Could not re-wake a run.");
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "Wake-up sweep failed."),
        }
        tokio::time::sleep(every).await;
    }
}
