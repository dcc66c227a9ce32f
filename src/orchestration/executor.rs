//! Executes one queued run: upstream check, claim, heartbeats, the job body under a timeout,
//! then success, retry or final failure (with a notice to the on-failure recipients).
//!
//! Delivery from the queue is at-least-once; the ledger's conditional updates make execution
//! effectively once: a duplicate delivery finds the run no longer `queued` and does nothing.

use super::config::JobConfig;
use super::dag::Dag;
use super::faults::Faults;
use super::job_body::{self, BodyContext, RunError};
use super::state::audit::kind;
use super::state::lifecycle::{ClaimRefusal, RunEnd};
use super::state::runs::{RunRecord, RunStatus};
use super::state::{StateDb, StateError};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use warehouse::SharedClock;

/// What a process executing runs shares.
#[derive(Debug, Clone)]
pub struct Runtime {
    /// The validated pipeline.
    pub dag: Arc<Dag>,
    /// Ledger and audit log.
    pub state: StateDb,
    /// Warehouse URL.
    pub warehouse: String,
    /// Time source.
    pub clock: SharedClock,
    /// This executor's unique name (`worker-<host>-<pid>` or `cli-<host>-<pid>`).
    pub worker: String,
    /// Who acts (for audit events this process writes).
    pub actor: String,
    /// A running run whose heartbeat is older than this is presumed lost.
    pub lease: Duration,
    /// Injected faults.
    pub faults: Faults,
    /// greenops version and git commit.
    pub code_version: String,
}

/// What happened to a run handed to [`Runtime::execute`].
#[derive(Debug, Clone)]
pub enum Step {
    /// It reached a final state (succeeded, failed for good, skipped, cancelled).
    Finished(RunRecord),
    /// It failed and its next attempt is queued to start after the delay.
    Retry {
        /// The failed attempt.
        failed: Box<RunRecord>,
        /// The queued next attempt.
        next: Box<RunRecord>,
        /// Backoff.
        delay: Duration,
    },
    /// Not startable yet (upstream running, retry time, concurrency cap): try again later.
    Wait(Duration),
    /// Waiting for `greenops approve`.
    AwaitingApproval(RunRecord),
    /// Someone else has it or it is already over; nothing to do.
    Ignored(RunStatus),
}

/// What blocks a run on its upstream.
enum Upstream {
    Ready,
    Pending(String),
    Broken(String),
}

impl Runtime {
    /// The job config of a run (the run may name a job the config no longer has).
    fn job(&self, run: &RunRecord) -> Option<&JobConfig> {
        self.dag.loaded.config.jobs.get(&run.job)
    }

    /// Executes run `run_id` if it is startable.
    ///
    /// # Errors
    /// Ledger errors only; job failures are recorded, not returned.
    pub async fn execute(&self, run_id: &str) -> Result<Step, StateError> {
        let run = self.state.run(run_id).await?;
        if run.status != RunStatus::Queued || run.cancel_requested {
            return Ok(Step::Ignored(run.status));
        }
        let Some(job) = self.job(&run).cloned() else {
            let reason = format!("job `{}` is no longer in the orchestration config", run.job);
            return self.end_queued(&run, RunStatus::Skipped, &reason).await;
        };
        match self.upstream(&run, &job).await? {
            Upstream::Ready => {}
            Upstream::Pending(why) => {
                tracing::debug!(run_id = %run.id, waiting_for = %why, "Upstream not finished.");
                return Ok(Step::Wait(Duration::from_secs(1)));
            }
            Upstream::Broken(reason) => {
                return self.end_queued(&run, RunStatus::Skipped, &reason).await;
            }
        }
        let backfill_limit = match &run.backfill_id {
            Some(id) => Some(self.state.backfill(id).await?.concurrency),
            None => None,
        };
        let now = self.clock.now();
        let run = match self
            .state
            .claim(&run, &self.worker, job.concurrency, backfill_limit, now)
            .await?
        {
            Ok(run) => run,
            Err(ClaimRefusal::NotQueued(status)) => return Ok(Step::Ignored(status)),
            Err(ClaimRefusal::AwaitingApproval) => return Ok(Step::AwaitingApproval(run)),
            Err(ClaimRefusal::TooEarly) => {
                let at = super::state::parse_ts(&run.not_before).unwrap_or(now);
                let wait = (at - now).to_std().unwrap_or_default();
                return Ok(Step::Wait(wait.max(Duration::from_millis(100))));
            }
            Err(ClaimRefusal::AtCapacity) => return Ok(Step::Wait(Duration::from_millis(500))),
        };
        self.audit(kind::RUN_STARTED, &run, serde_json::json!({
            "job": run.job, "partition": run.partition, "attempt": run.attempt,
            "worker": self.worker, "config_hash": run.config_hash, "code_version": run.code_version,
        }))
        .await;
        let outcome = self.run_body(&run, &job).await;
        self.settle(run, &job, outcome).await
    }

    /// For report jobs: whether an earlier run of this partition sent it, whether this run (or
    /// the attempt it retries) asked to send again, and who approved it.
    async fn delivery_context(
        &self,
        run: &RunRecord,
        job: &JobConfig,
    ) -> job_body::DeliveryContext {
        if job.kind != super::config::JobKind::Report {
            return job_body::DeliveryContext::default();
        }
        let filter = super::state::runs::RunFilter {
            job: Some(run.job.clone()),
            status: Some(super::state::runs::RunStatus::Succeeded),
            limit: 1000,
            ..Default::default()
        };
        let sent_before = match self.state.runs(&filter).await {
            Ok(runs) => runs
                .into_iter()
                .filter(|r| r.partition == run.partition && r.id != run.id)
                .filter(|r| r.outputs.as_ref().is_some_and(|o| o["sent"] == true))
                .filter_map(|r| r.finished_at)
                .max(),
            Err(e) => {
                tracing::warn!(error = %e, "could not read earlier sends; treating as none");
                None
            }
        };
        // a retry carries the id of the attempt it retries: follow the chain to the trigger
        let mut resend = false;
        let mut current = run.clone();
        for _ in 0..32 {
            match (current.trigger.as_str(), current.trigger_ref.as_deref()) {
                (_, Some("resend")) => {
                    resend = true;
                    break;
                }
                ("retry", Some(previous)) => match self.state.run(previous).await {
                    Ok(r) => current = r,
                    Err(_) => break,
                },
                _ => break,
            }
        }
        job_body::DeliveryContext {
            sent_before,
            resend,
            approver: run.approved_by.clone(),
        }
    }

    /// Runs the body with heartbeats and the job's timeout.
    async fn run_body(
        &self,
        run: &RunRecord,
        job: &JobConfig,
    ) -> Result<job_body::JobOutput, RunError> {
        let stop = Arc::new(AtomicBool::new(false));
        let heartbeat = tokio::spawn(heartbeats(self.clone(), run.id.clone(), stop.clone()));
        let ctx = BodyContext {
            config: job.clone(),
            source: job
                .source
                .as_ref()
                .and_then(|s| self.dag.loaded.config.sources.get(s))
                .cloned(),
            carbon: self.dag.loaded.config.carbon.clone(),
            models: self.dag.loaded.config.models.clone(),
            reports: self.dag.loaded.config.reports.clone(),
            notifications: self.dag.loaded.config.notifications.clone(),
            delivery: self.delivery_context(run, job).await,
            partition: run.partition.clone(),
            run_id: run.id.clone(),
            attempt: run.attempt,
            warehouse: self.warehouse.clone(),
            stop: stop.clone(),
            faults: self.faults.for_run(&run.job, &run.partition),
        };
        let mut task = tokio::spawn(job_body::run(ctx));
        let outcome = match tokio::time::timeout(job.timeout.0, &mut task).await {
            Ok(Ok(result)) => result,
            Ok(Err(join)) => Err(RunError::permanent(format!("the job panicked: {join}"))),
            Err(_) => {
                // stop at the next safe point; an abandoned blocking thread cannot commit
                stop.store(true, Ordering::SeqCst);
                task.abort();
                heartbeat.abort();
                return Err(RunError::transient(format!(
                    "timed out after {}",
                    job.timeout
                )));
            }
        };
        heartbeat.abort();
        // a failure after a cancel request is the cancel taking effect
        match outcome {
            Err(e) if stop.load(Ordering::SeqCst) => Err(RunError {
                cancelled: true,
                ..e
            }),
            other => other,
        }
    }

    /// Records how a claimed run ended and decides on a retry.
    async fn settle(
        &self,
        run: RunRecord,
        job: &JobConfig,
        outcome: Result<job_body::JobOutput, RunError>,
    ) -> Result<Step, StateError> {
        let now = self.clock.now();
        match outcome {
            Ok(output) => {
                let end = RunEnd {
                    inputs: Some(output.inputs),
                    outputs: Some(output.outputs),
                    error: None,
                };
                if !self
                    .state
                    .finish(&run.id, &self.worker, RunStatus::Succeeded, &end, now)
                    .await?
                {
                    tracing::warn!(run_id = %run.id, "Run finished after its lease was taken over.");
                    return Ok(Step::Ignored(RunStatus::Failed));
                }
                let done = self.state.run(&run.id).await?;
                self.audit(
                    kind::RUN_FINISHED,
                    &done,
                    serde_json::json!({
                        "status": "succeeded", "outputs": done.outputs, "inputs": done.inputs,
                    }),
                )
                .await;
                Ok(Step::Finished(done))
            }
            Err(e) if e.cancelled => {
                let end = RunEnd {
                    error: Some(format!("cancelled at a safe point: {}", e.message)),
                    ..RunEnd::default()
                };
                self.state
                    .finish(&run.id, &self.worker, RunStatus::Cancelled, &end, now)
                    .await?;
                let done = self.state.run(&run.id).await?;
                self.audit(
                    kind::RUN_FINISHED,
                    &done,
                    serde_json::json!({"status": "cancelled"}),
                )
                .await;
                Ok(Step::Finished(done))
            }
            Err(e) => {
                self.fail(run, job, &e, Some(&self.worker.clone()), None)
                    .await
            }
        }
    }

    /// Fails an attempt; queues the next one when the error is transient and attempts remain.
    async fn fail(
        &self,
        run: RunRecord,
        job: &JobConfig,
        error: &RunError,
        worker: Option<&str>,
        stale_before: Option<DateTime<Utc>>,
    ) -> Result<Step, StateError> {
        let now = self.clock.now();
        let delay = backoff(job, run.attempt, &run.id);
        let retry_at = error
            .transient
            .then(|| now + chrono::Duration::from_std(delay).unwrap_or_default());
        let end = RunEnd {
            error: Some(error.message.clone()),
            ..RunEnd::default()
        };
        let next = match self
            .state
            .fail(&run, worker, &end, retry_at, stale_before, now)
            .await?
        {
            Ok(next) => next,
            Err(()) => return Ok(Step::Ignored(RunStatus::Failed)),
        };
        let failed = self.state.run(&run.id).await?;
        self.audit(
            kind::RUN_FINISHED,
            &failed,
            serde_json::json!({
                "status": "failed", "error": error.message, "transient": error.transient,
                "next_attempt": next.as_ref().map(|n| &n.id),
            }),
        )
        .await;
        match next {
            Some(next) => Ok(Step::Retry {
                failed: Box::new(failed),
                next: Box::new(next),
                delay,
            }),
            None => {
                self.notify_failure(&failed).await;
                Ok(Step::Finished(failed))
            }
        }
    }

    /// Checks the upstream partitions a run reads.
    async fn upstream(&self, run: &RunRecord, job: &JobConfig) -> Result<Upstream, StateError> {
        let mut pending = None;
        for up in &job.depends_on {
            let Some(up_cfg) = self.dag.loaded.config.jobs.get(up) else {
                continue;
            };
            let keys = job
                .partitioning
                .upstream_keys(&run.partition, up_cfg.partitioning)
                .unwrap_or_default();
            let latest = self.state.latest_statuses(up, &keys).await?;
            for key in &keys {
                match latest.get(key) {
                    Some(RunStatus::Succeeded) => {}
                    Some(s) if s.is_live() => {
                        pending = Some(format!("{up} {key} is {}", s.as_str()))
                    }
                    Some(s) => {
                        return Ok(Upstream::Broken(format!(
                            "upstream {up} partition {key} {} (see `greenops runs --job {up}`)",
                            s.as_str()
                        )));
                    }
                    None => {
                        return Ok(Upstream::Broken(format!(
                            "upstream {up} partition {key} has not run; run it first or use \
                             --with-upstream"
                        )));
                    }
                }
            }
        }
        Ok(pending.map_or(Upstream::Ready, Upstream::Pending))
    }

    async fn end_queued(
        &self,
        run: &RunRecord,
        status: RunStatus,
        reason: &str,
    ) -> Result<Step, StateError> {
        if !self
            .state
            .finish_queued(&run.id, status, reason, self.clock.now())
            .await?
        {
            return Ok(Step::Ignored(self.state.run(&run.id).await?.status));
        }
        let done = self.state.run(&run.id).await?;
        self.audit(
            kind::RUN_FINISHED,
            &done,
            serde_json::json!({"status": status.as_str(), "reason": reason}),
        )
        .await;
        Ok(Step::Finished(done))
    }

    /// Fails runs whose worker stopped heartbeating and queues their next attempt. Returns the
    /// steps taken (so a queue-backed caller can push the new attempts).
    ///
    /// # Errors
    /// Ledger errors.
    pub async fn recover_lost(&self) -> Result<Vec<Step>, StateError> {
        let now = self.clock.now();
        let stale = now - chrono::Duration::from_std(self.lease).unwrap_or_default();
        let mut steps = Vec::new();
        for run in self.state.expired_leases(stale).await? {
            let Some(job) = self.job(&run).cloned() else {
                continue;
            };
            let error = RunError::transient(format!(
                "worker {} stopped heartbeating (last {}); presumed dead, attempt abandoned",
                run.worker.as_deref().unwrap_or("?"),
                run.heartbeat_at.as_deref().unwrap_or("never")
            ));
            tracing::warn!(run_id = %run.id, job = %run.job, partition = %run.partition, "Recovering a run from a lost worker.");
            steps.push(self.fail(run, &job, &error, None, Some(stale)).await?);
        }
        Ok(steps)
    }

    /// Appends an audit event about a run; a failure to audit is logged, never silent.
    async fn audit(&self, what: &str, run: &RunRecord, details: serde_json::Value) {
        let mut details = details;
        if let Some(map) = details.as_object_mut() {
            map.insert("job".into(), run.job.clone().into());
            map.insert("partition".into(), run.partition.clone().into());
            map.insert("attempt".into(), run.attempt.into());
            map.insert("trigger".into(), run.trigger.clone().into());
            map.insert("triggered_by".into(), run.actor.clone().into());
        }
        let actor = format!("worker:{}", self.worker);
        if let Err(e) = self
            .state
            .audit(&actor, what, &run.id, details, self.clock.now())
            .await
        {
            tracing::error!(error = %e, run_id = %run.id, "Could not append to the audit log.");
        }
    }

    /// Emails the on-failure recipients (outbox by default).
    async fn notify_failure(&self, run: &RunRecord) {
        let notes = &self.dag.loaded.config.notifications;
        if notes.on_failure.is_empty() {
            return;
        }
        let outbox = jobs::delivery::Outbox::new(
            notes.outbox.clone().unwrap_or_else(|| "var/outbox".into()),
        );
        let email = jobs::delivery::Email {
            from: notes
                .from
                .clone()
                .unwrap_or_else(|| "greenops@localhost".into()),
            to: notes.on_failure.clone(),
            subject: format!(
                "[greenops] {} {} failed after {} attempt(s)",
                run.job, run.partition, run.attempt
            ),
            body: failure_body(run),
            date: self.clock.now(),
        };
        match outbox.send(&email) {
            Ok(path) => {
                let details = serde_json::json!({
                    "to": email.to, "subject": email.subject, "file": path.display().to_string(),
                });
                let actor = format!("worker:{}", self.worker);
                if let Err(e) = self
                    .state
                    .audit(
                        &actor,
                        kind::NOTIFICATION_SENT,
                        &run.id,
                        details,
                        self.clock.now(),
                    )
                    .await
                {
                    tracing::error!(error = %e, "Could not audit a failure notice.");
                }
            }
            Err(e) => {
                tracing::error!(error = %e, run_id = %run.id, "Could not send the failure notice.")
            }
        }
    }
}

fn failure_body(run: &RunRecord) -> String {
    format!(
        "The greenops run below failed and will not be retried.\n\n\
         job:        {}\npartition:  {}\nrun:        {}\nattempt:    {} of {}\n\
         triggered:  {} by {}\nstarted:    {}\nfinished:   {}\nerror:      {}\n\n\
         Details: greenops runs show {}\nRe-run:  greenops run {} --partition {}\n",
        run.job,
        run.partition,
        run.id,
        run.attempt,
        run.max_attempts,
        run.trigger,
        run.actor,
        run.started_at.as_deref().unwrap_or("-"),
        run.finished_at.as_deref().unwrap_or("-"),
        run.error.as_deref().unwrap_or("-"),
        run.id,
        run.job,
        run.partition
    )
}

/// Keeps a claimed run's lease fresh and raises `stop` when a cancel is requested.
async fn heartbeats(rt: Runtime, run_id: String, stop: Arc<AtomicBool>) {
    let every = (rt.lease / 3).max(Duration::from_millis(200));
    loop {
        tokio::time::sleep(every).await;
        match rt
            .state
            .heartbeat(&run_id, &rt.worker, rt.clock.now())
            .await
        {
            Ok(true) => stop.store(true, Ordering::SeqCst),
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, %run_id, "Heartbeat failed."),
        }
    }
}

/// Wait before attempt `attempt + 1`: `backoff × 2^(attempt-1)`, capped, with ±20% jitter that is
/// derived from the run id (so it is spread across runs yet reproducible).
pub fn backoff(job: &JobConfig, attempt: i64, run_id: &str) -> Duration {
    let exp = u32::try_from(attempt.clamp(1, 30) - 1).unwrap_or(0);
    let base = job
        .retries
        .backoff
        .0
        .saturating_mul(2_u32.saturating_pow(exp))
        .min(job.retries.max_backoff.0);
    let h = Sha256::digest(run_id.as_bytes());
    let jitter = 0.8 + 0.4 * (f64::from(h[0]) / 255.0);
    base.mul_f64(jitter)
}
