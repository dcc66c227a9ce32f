//! `greenops backfill JOB --from P --to P …`, and `backfill list|cancel|resume`.

use super::pipeline::{Globals, load_dag, open_runtime};
use crate::cli::{BackfillAction, BackfillArgs, OnlyMode, OrderMode};
use crate::exit::Exit;
use crate::orchestration::executor::Runtime;
use crate::orchestration::local::{LocalOutcome, drive};
use crate::orchestration::queue::{Queue, QueueTiming};
use crate::orchestration::state::StateDb;
use crate::orchestration::state::audit::kind;
use crate::orchestration::state::backfills::{BackfillRecord, NewBackfill};
use crate::orchestration::state::runs::{RunFilter, RunStatus};
use crate::orchestration::submit::{Trigger, submit};
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

pub async fn run(g: &Globals, args: BackfillArgs) -> anyhow::Result<Exit> {
    match args.action {
        Some(BackfillAction::List { json }) => list(g, json).await,
        Some(BackfillAction::Cancel { id }) => cancel(g, &id).await,
        Some(BackfillAction::Resume { id, queue }) => resume(g, &id, queue).await,
        None => create(g, args).await,
    }
}

/// One partition's decision.
struct Planned {
    key: String,
    latest: Option<RunStatus>,
    run: bool,
}

fn decide(only: OnlyMode, latest: Option<RunStatus>) -> bool {
    match latest {
        None => true,
        Some(s) if s.is_live() => false,
        Some(RunStatus::Succeeded) => only == OnlyMode::All,
        Some(_) => only != OnlyMode::Missing,
    }
}

async fn plan(
    state: Option<&StateDb>,
    job: &str,
    keys: Vec<String>,
    only: OnlyMode,
    order: OrderMode,
) -> anyhow::Result<Vec<Planned>> {
    let latest = match state {
        Some(s) => s.latest_statuses(job, &keys).await?,
        None => BTreeMap::new(),
    };
    let mut planned: Vec<Planned> = keys
        .into_iter()
        .map(|key| {
            let latest = latest.get(&key).copied();
            Planned {
                run: decide(only, latest),
                key,
                latest,
            }
        })
        .collect();
    if order == OrderMode::Newest {
        planned.reverse();
    }
    Ok(planned)
}

async fn create(g: &Globals, args: BackfillArgs) -> anyhow::Result<Exit> {
    let (Some(job), Some(from), Some(to)) = (args.job, args.from, args.to) else {
        anyhow::bail!("backfill needs JOB --from P --to P");
    };
    let dag = load_dag(&g.config)?;
    let cfg = dag.loaded.job(&job)?.clone();
    let keys = cfg.partitioning.range(&from, &to)?;
    if let Some(start) = &cfg.start
        && from < *start
    {
        return Err(crate::orchestration::config::ConfigError::BadPartition {
            key: from,
            partitioning: cfg.partitioning.name(),
            expected: "a partition on or after the job's `start`",
        }
        .into());
    }
    if args.dry_run {
        let state = StateDb::open_existing(&g.state).await?;
        let planned = plan(state.as_ref(), &job, keys, args.only, args.order).await?;
        let runs = planned.iter().filter(|p| p.run).count();
        println!(
            "Backfill plan for {job} {from}..{to} (--only {:?}, --order {:?}, --concurrency {}); nothing is changed:",
            args.only, args.order, args.concurrency
        );
        for p in &planned {
            let state = p.latest.map_or("never run", RunStatus::as_str);
            let decision = if p.run { "run" } else { "skip" };
            println!("  {}  {decision:<4}  ({state})", p.key);
        }
        println!("{runs} of {} partition(s) would run.", planned.len());
        return Ok(Exit::Ok);
    }
    let rt = open_runtime(g, "backfill", Duration::from_secs(60)).await?;
    let planned = plan(Some(&rt.state), &job, keys, args.only, args.order).await?;
    let backfill = rt
        .state
        .create_backfill(
            &NewBackfill {
                job: job.clone(),
                from,
                to,
                only: format!("{:?}", args.only).to_lowercase(),
                order: format!("{:?}", args.order).to_lowercase(),
                concurrency: args.concurrency.max(1),
                actor: rt.actor.clone(),
            },
            rt.clock.now(),
        )
        .await?;
    let details = serde_json::json!({
        "job": backfill.job, "from": backfill.from, "to": backfill.to, "only": backfill.only,
        "order": backfill.order, "concurrency": backfill.concurrency,
        "partitions": planned.iter().filter(|p| p.run).map(|p| &p.key).collect::<Vec<_>>(),
    });
    rt.state
        .audit(
            &rt.actor,
            kind::BACKFILL_CREATED,
            &backfill.id,
            details,
            rt.clock.now(),
        )
        .await?;
    println!("backfill {} created", backfill.id);
    execute(&rt, &backfill, planned, args.queue).await
}

/// Submits the planned partitions and, unless queued for workers, runs them here.
async fn execute(
    rt: &Runtime,
    backfill: &BackfillRecord,
    planned: Vec<Planned>,
    queued: bool,
) -> anyhow::Result<Exit> {
    let queue = if queued {
        Some(Queue::open(&rt.state, QueueTiming::default()).await?)
    } else {
        None
    };
    let trigger = Trigger {
        kind: "backfill".into(),
        reference: Some(backfill.id.clone()),
        actor: rt.actor.clone(),
        backfill_id: Some(backfill.id.clone()),
    };
    if queue.is_none() {
        super::run::recover_abandoned(rt).await?;
    }
    let mut ids = Vec::new();
    for p in planned.iter().filter(|p| p.run) {
        if let Some(run) = submit(rt, queue.as_ref(), &backfill.job, &p.key, &trigger).await? {
            ids.push(run.id);
        }
    }
    let skipped = planned.len() - ids.len();
    if queue.is_some() {
        println!(
            "{} partition(s) queued for workers, {skipped} skipped; follow with: greenops backfill list",
            ids.len()
        );
        return Ok(Exit::Ok);
    }
    if ids.is_empty() {
        rt.state
            .set_backfill_status(&backfill.id, "completed", rt.clock.now())
            .await?;
        println!("nothing to run ({skipped} partition(s) skipped by --only)");
        return Ok(Exit::Ok);
    }
    let bar = ProgressBar::new(ids.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} partitions  {msg}  {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let on_end = {
        let bar = bar.clone();
        Arc::new(move |o: &LocalOutcome| {
            if let LocalOutcome::Done(run) = o {
                bar.set_message(format!("{} {}", run.partition, run.status.as_str()));
            }
            bar.inc(1);
        })
    };
    // Ctrl-C cancels the backfill: queued runs stop at once, running ones at a safe point
    let cancel_on_interrupt = {
        let (state, id, clock) = (rt.state.clone(), backfill.id.clone(), rt.clock.clone());
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                eprintln!("interrupted: cancelling backfill {id}");
                let _cancelled = state
                    .cancel(
                        Some(&id),
                        None,
                        "backfill cancelled (interrupt)",
                        clock.now(),
                    )
                    .await;
            }
        })
    };
    let concurrency = usize::try_from(backfill.concurrency).unwrap_or(1);
    let outcomes = drive(rt, ids, concurrency, on_end).await;
    cancel_on_interrupt.abort();
    bar.finish_and_clear();
    let outcomes = outcomes?;
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for o in &outcomes {
        *counts.entry(o.status().as_str()).or_default() += 1;
    }
    let failed = outcomes.iter().any(|o| o.status() != RunStatus::Succeeded);
    let current = rt.state.backfill(&backfill.id).await?;
    if current.status == "running" {
        let status = if failed { "failed" } else { "completed" };
        rt.state
            .set_backfill_status(&backfill.id, status, rt.clock.now())
            .await?;
    }
    let summary: Vec<String> = counts.iter().map(|(s, n)| format!("{n} {s}")).collect();
    println!(
        "backfill {}: {}; {skipped} skipped by --only",
        backfill.id,
        summary.join(", ")
    );
    for o in outcomes
        .iter()
        .filter(|o| o.status() != RunStatus::Succeeded)
    {
        if let LocalOutcome::Done(run) = o {
            println!("  {}", super::pipeline::describe(run));
        }
    }
    Ok(if failed { Exit::RunFailed } else { Exit::Ok })
}

async fn list(g: &Globals, json: bool) -> anyhow::Result<Exit> {
    let Some(state) = StateDb::open_existing(&g.state).await? else {
        println!("{}", if json { "[]" } else { "no backfills yet" });
        return Ok(Exit::Ok);
    };
    let mut rows = Vec::new();
    for b in state.backfills().await? {
        let runs = state
            .runs(&RunFilter {
                backfill_id: Some(b.id.clone()),
                ..RunFilter::default()
            })
            .await?;
        // the newest attempt of each partition counts
        let mut latest: BTreeMap<&str, RunStatus> = BTreeMap::new();
        for r in runs.iter().rev() {
            latest.insert(&r.partition, r.status);
        }
        let count = |s: RunStatus| latest.values().filter(|v| **v == s).count();
        let live = count(RunStatus::Queued) + count(RunStatus::Running);
        let status = match (b.status.as_str(), live) {
            ("running", 0) if count(RunStatus::Succeeded) == latest.len() => {
                "completed".to_string()
            }
            ("running", 0) => "failed".to_string(),
            (s, _) => s.to_string(),
        };
        rows.push(serde_json::json!({
            "id": b.id, "job": b.job, "from": b.from, "to": b.to, "only": b.only, "order": b.order,
            "concurrency": b.concurrency, "status": status, "actor": b.actor, "created_at": b.created_at,
            "partitions": latest.len(), "succeeded": count(RunStatus::Succeeded),
            "failed": count(RunStatus::Failed) + count(RunStatus::Skipped), "cancelled": count(RunStatus::Cancelled),
            "running": count(RunStatus::Running), "queued": count(RunStatus::Queued),
        }));
    }
    if json {
        println!("{}", serde_json::Value::Array(rows));
        return Ok(Exit::Ok);
    }
    if rows.is_empty() {
        println!("no backfills yet");
    }
    for r in rows {
        println!(
            "{}  {} {}..{}  {}  {}/{} succeeded, {} failed, {} cancelled, {} running, {} queued  (by {} at {})",
            r["id"].as_str().unwrap_or(""),
            r["job"].as_str().unwrap_or(""),
            r["from"].as_str().unwrap_or(""),
            r["to"].as_str().unwrap_or(""),
            r["status"].as_str().unwrap_or(""),
            r["succeeded"],
            r["partitions"],
            r["failed"],
            r["cancelled"],
            r["running"],
            r["queued"],
            r["actor"].as_str().unwrap_or(""),
            r["created_at"].as_str().unwrap_or("")
        );
    }
    Ok(Exit::Ok)
}

async fn cancel(g: &Globals, id: &str) -> anyhow::Result<Exit> {
    let rt = open_runtime(g, "cli", Duration::from_secs(60)).await?;
    let backfill = rt.state.backfill(id).await?;
    let now = rt.clock.now();
    let (queued, running) = rt
        .state
        .cancel(
            Some(&backfill.id),
            None,
            &format!("backfill cancelled by {}", rt.actor),
            now,
        )
        .await?;
    rt.state
        .set_backfill_status(&backfill.id, "cancelled", now)
        .await?;
    let details = serde_json::json!({"queued_cancelled": queued, "running_asked_to_stop": running});
    rt.state
        .audit(
            &rt.actor,
            kind::BACKFILL_CANCELLED,
            &backfill.id,
            details,
            now,
        )
        .await?;
    println!(
        "backfill {} cancelled: {queued} queued run(s) cancelled, {running} running run(s) will stop before committing",
        backfill.id
    );
    Ok(Exit::Ok)
}

async fn resume(g: &Globals, id: &str, queued: bool) -> anyhow::Result<Exit> {
    let rt = open_runtime(g, "backfill", Duration::from_secs(60)).await?;
    let backfill = rt.state.backfill(id).await?;
    let cfg = rt.dag.loaded.job(&backfill.job)?.clone();
    let keys = cfg.partitioning.range(&backfill.from, &backfill.to)?;
    let order = if backfill.order == "newest" {
        OrderMode::Newest
    } else {
        OrderMode::Oldest
    };
    // resume re-runs whatever did not succeed, whatever the original --only was
    let planned = plan(
        Some(&rt.state),
        &backfill.job,
        keys,
        OnlyMode::Failed,
        order,
    )
    .await?;
    rt.state
        .set_backfill_status(&backfill.id, "running", rt.clock.now())
        .await?;
    let details = serde_json::json!({"partitions": planned.iter().filter(|p| p.run).map(|p| &p.key).collect::<Vec<_>>()});
    rt.state
        .audit(
            &rt.actor,
            kind::BACKFILL_RESUMED,
            &backfill.id,
            details,
            rt.clock.now(),
        )
        .await?;
    println!("backfill {} resumed", backfill.id);
    execute(&rt, &backfill, planned, queued).await
}
