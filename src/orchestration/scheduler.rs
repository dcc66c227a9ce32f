//! The scheduler: turns cron ticks into queued runs, exactly once per (job, tick) however many
//! schedulers run, and catches up ticks missed during downtime within each job's window.
//!
//! Timing comes from apalis-cron (one cron worker per scheduled job); what to enqueue comes from
//! the ledger: each job's watermark says how far its schedule was examined, so a tick missed
//! while no scheduler ran is found on the next start (or the next tick).

use super::executor::Runtime;
use super::queue::Queue;
use super::state::StateError;
use super::submit::{Trigger, submit};
use apalis::prelude::*;
use apalis_cron::{CronScheduler, Tick};
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// Most ticks examined per job and pass (bounds a pass after very long downtime).
const MAX_TICKS: usize = 10_000;

/// What one scheduling pass did for one job.
#[derive(Debug, Clone, Default)]
pub struct JobPass {
    /// Job.
    pub job: String,
    /// First pass ever for this job: the watermark was set, nothing back-filled.
    pub first_seen: bool,
    /// (partition, run id) enqueued by this scheduler.
    pub enqueued: Vec<(String, String)>,
    /// Ticks another scheduler had already handled.
    pub already_handled: usize,
    /// Ticks whose partition already had a live run.
    pub still_live: Vec<String>,
    /// Missed ticks older than the catch-up window (left to `greenops backfill`).
    pub beyond_window: usize,
}

/// Examines every scheduled job's ticks up to `now` and enqueues what is due.
///
/// # Errors
/// Ledger errors.
pub async fn pass(
    rt: &Runtime,
    queue: Option<&Queue>,
    now: DateTime<Utc>,
) -> Result<Vec<JobPass>, StateError> {
    let mut passes = Vec::new();
    for job in &rt.dag.order {
        if rt.dag.schedules.contains_key(job) {
            passes.push(pass_job(rt, queue, job, now).await?);
        }
    }
    Ok(passes)
}

/// One job's scheduling pass.
///
/// # Errors
/// Ledger errors.
pub async fn pass_job(
    rt: &Runtime,
    queue: Option<&Queue>,
    job: &str,
    now: DateTime<Utc>,
) -> Result<JobPass, StateError> {
    let mut report = JobPass {
        job: job.to_string(),
        ..JobPass::default()
    };
    let (Some(schedule), Some(config)) = (
        rt.dag.schedules.get(job),
        rt.dag.loaded.config.jobs.get(job),
    ) else {
        return Ok(report);
    };
    let Some(watermark) = rt.state.watermark(job).await? else {
        rt.state.advance_watermark(job, now).await?;
        report.first_seen = true;
        return Ok(report);
    };
    let window_start = now - chrono::Duration::from_std(schedule.catch_up).unwrap_or_default();
    let from = watermark.max(window_start);
    if from > watermark {
        report.beyond_window = schedule.ticks_between(watermark, from, MAX_TICKS).len();
    }
    let trigger_actor = format!("scheduler@{}", super::identity::host());
    for due in schedule.due_between(from, now, config.partitioning, MAX_TICKS) {
        let partition = due.partition;
        if !rt.state.claim_tick(job, &partition, due.tick).await? {
            report.already_handled += 1;
            continue;
        }
        let trigger = Trigger {
            kind: "schedule".into(),
            reference: Some(super::state::ts(due.tick)),
            actor: trigger_actor.clone(),
            backfill_id: None,
        };
        match submit(rt, queue, job, &partition, &trigger).await? {
            Some(run) => {
                rt.state.set_tick_run(job, due.tick, &run.id).await?;
                report.enqueued.push((partition, run.id));
            }
            None => report.still_live.push(partition),
        }
    }
    rt.state.advance_watermark(job, now).await?;
    if report.beyond_window > 0 {
        tracing::warn!(
            job,
            missed = report.beyond_window,
            "Ticks older than the catch-up window were not enqueued; use greenops backfill."
        );
    }
    Ok(report)
}

/// What the cron workers share.
#[derive(Debug, Clone)]
struct CronShared {
    rt: Runtime,
    queue: Queue,
    job: String,
}

async fn on_tick(
    tick: Tick<chrono_tz::Tz>,
    shared: Data<Arc<CronShared>>,
) -> Result<(), BoxDynError> {
    let at = i64::try_from(tick.get_timestamp())
        .ok()
        .and_then(|s| DateTime::from_timestamp(s, 0));
    let now = at
        .unwrap_or_else(|| shared.rt.clock.now())
        .max(shared.rt.clock.now());
    match pass_job(&shared.rt, Some(&shared.queue), &shared.job, now).await {
        Ok(report) => print_pass(&report),
        Err(e) => tracing::error!(error = %e, job = %shared.job, "Scheduling pass failed."),
    }
    Ok(())
}

/// Prints one job's pass for the operator.
pub fn print_pass(report: &JobPass) {
    if report.first_seen {
        println!(
            "{}: first start; schedule watermark set, catch-up begins from now",
            report.job
        );
    }
    for (partition, run) in &report.enqueued {
        println!("{}: enqueued partition {partition} (run {run})", report.job);
    }
    for partition in &report.still_live {
        println!(
            "{}: partition {partition} already has a live run; not enqueued again",
            report.job
        );
    }
    if report.beyond_window > 0 {
        println!(
            "{}: {} missed tick(s) older than the catch-up window were not enqueued (greenops backfill {} --from … --to …)",
            report.job, report.beyond_window, report.job
        );
    }
}

/// Runs the scheduler until `stop` resolves: a catch-up pass now, then one apalis-cron worker per
/// scheduled job.
///
/// # Errors
/// Ledger errors in the catch-up pass.
pub async fn run_forever(
    rt: Runtime,
    queue: Queue,
    stop: impl Future<Output = std::io::Result<()>> + Send + 'static,
) -> Result<(), String> {
    for report in pass(&rt, Some(&queue), rt.clock.now())
        .await
        .map_err(|e| e.to_string())?
    {
        print_pass(&report);
    }
    let mut monitor = Monitor::new();
    for (job, schedule) in &rt.dag.schedules {
        let shared = Arc::new(CronShared {
            rt: rt.clone(),
            queue: queue.clone(),
            job: job.clone(),
        });
        let (cron, tz) = (schedule.cron.clone(), schedule.timezone);
        let name = format!("{}-cron-{job}", rt.worker);
        monitor = monitor.register(move |restarts| {
            WorkerBuilder::new(format!("{name}-{restarts}"))
                .backend(CronScheduler::new(cron.clone()).with_timezone(tz))
                .data(shared.clone())
                .build(on_tick)
        });
    }
    // a missed tick (OutOfRange) ends a cron worker: restart it; the watermark catches up
    monitor
        .should_restart(|_, _| true)
        .run_with_signal(stop)
        .await
        .map_err(|e| e.to_string())
}
