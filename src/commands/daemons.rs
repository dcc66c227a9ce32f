//! The long-running processes: `greenops scheduler` and `greenops worker`.

use super::pipeline::{Globals, open_runtime};
use crate::cli::{SchedulerArgs, WorkerArgs};
use crate::exit::Exit;
use crate::orchestration::queue::{Queue, QueueTiming, WorkerShared, run_worker};
use crate::orchestration::scheduler;
use std::time::Duration;

pub async fn scheduler(g: &Globals, args: SchedulerArgs) -> anyhow::Result<Exit> {
    let rt = open_runtime(g, "scheduler", Duration::from_secs(60)).await?;
    let queue = Queue::open(&rt.state, QueueTiming::default()).await?;
    if args.once {
        let now = match &args.now {
            Some(t) => crate::orchestration::state::parse_ts(t).ok_or_else(|| {
                crate::orchestration::config::ConfigError::BadPartition {
                    key: t.clone(),
                    partitioning: "--now",
                    expected: "an RFC 3339 time such as 2026-11-27T03:15:00Z",
                }
            })?,
            None => rt.clock.now(),
        };
        let reports = scheduler::pass(&rt, Some(&queue), now).await?;
        for report in &reports {
            scheduler::print_pass(report);
        }
        let enqueued: usize = reports.iter().map(|r| r.enqueued.len()).sum();
        println!(
            "scheduler pass at {}: {enqueued} run(s) enqueued",
            crate::orchestration::state::ts(now)
        );
        return Ok(Exit::Ok);
    }
    println!("scheduler {} started; Ctrl-C stops it", rt.worker);
    scheduler::run_forever(rt, queue, tokio::signal::ctrl_c())
        .await
        .map_err(anyhow::Error::msg)?;
    Ok(Exit::Ok)
}

pub async fn worker(g: &Globals, args: WorkerArgs) -> anyhow::Result<Exit> {
    let rt = open_runtime(g, "worker", Duration::from_secs(args.lease_secs.max(1))).await?;
    let timing = QueueTiming::default();
    let queue = Queue::open(&rt.state, timing).await?;
    let name = rt.worker.clone();
    let state = rt.state.clone();
    let exit_when_idle = args.exit_when_idle;
    let stop = async move {
        let idle = async {
            if !exit_when_idle {
                return std::future::pending().await;
            }
            let mut quiet = 0;
            loop {
                tokio::time::sleep(Duration::from_millis(500)).await;
                match state.outstanding().await {
                    Ok(0) => quiet += 1,
                    Ok(_) => quiet = 0,
                    Err(e) => tracing::warn!(error = %e, "Idle check failed."),
                }
                if quiet >= 3 {
                    return;
                }
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => eprintln!("stopping: waiting for running runs to finish"),
            () = idle => {}
        }
    };
    eprintln!("worker {name} started (concurrency {})", args.concurrency);
    run_worker(WorkerShared { rt, queue }, args.concurrency, timing, stop)
        .await
        .map_err(anyhow::Error::msg)?;
    eprintln!("worker {name} stopped");
    Ok(Exit::Ok)
}
