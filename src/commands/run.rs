//! `greenops run JOB [--partition P] [--with-upstream] [--dry-run] [--queue]`.

use super::pipeline::{Globals, describe, load_dag, open_runtime};
use crate::cli::RunArgs;
use crate::exit::Exit;
use crate::orchestration::dag::Dag;
use crate::orchestration::executor::Runtime;
use crate::orchestration::local::{LocalOutcome, drive};
use crate::orchestration::queue::{Queue, QueueTiming};
use crate::orchestration::state::StateDb;
use crate::orchestration::state::runs::RunStatus;
use crate::orchestration::submit::{Trigger, submit};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;
use warehouse::Clock;

pub async fn run(g: &Globals, args: RunArgs) -> anyhow::Result<Exit> {
    let dag = load_dag(&g.config)?;
    let job = dag.loaded.job(&args.job)?;
    let partition = match &args.partition {
        Some(p) => {
            job.partitioning.start_of(p)?;
            p.clone()
        }
        None => default_partition(&dag, &args.job, warehouse::SystemClock.now()),
    };
    let plan = plan(&dag, &args.job, &partition, args.with_upstream)?;
    if args.dry_run {
        return dry_run(g, &dag, &plan).await;
    }
    let rt = open_runtime(g, "cli", Duration::from_secs(60)).await?;
    let queue = if args.queue {
        Some(Queue::open(&rt.state, QueueTiming::default()).await?)
    } else {
        None
    };
    let trigger = Trigger {
        kind: "cli".into(),
        // the executor reads it back to allow a report to go out again
        reference: args.resend.then(|| "resend".to_string()),
        actor: rt.actor.clone(),
        backfill_id: None,
    };
    if queue.is_none() {
        recover_abandoned(&rt).await?;
    }
    let mut ids = Vec::new();
    for (job, partition) in &plan {
        if let Some(run) = submit(&rt, queue.as_ref(), job, partition, &trigger).await? {
            ids.push(run.id);
            continue;
        }
        match rt.state.live_run(job, partition).await? {
            // queued and nobody is on it: take it here (the claim keeps it single)
            Some(live) if live.status == RunStatus::Queued && queue.is_none() => {
                println!(
                    "{job} {partition}: running the already queued run {}",
                    live.id
                );
                ids.push(live.id);
            }
            Some(live) => println!(
                "{job} {partition}: run {} is already {}; not started again",
                live.id,
                live.status.as_str()
            ),
            None => println!("{job} {partition}: a run is already live; not started again"),
        }
    }
    if queue.is_some() {
        for id in &ids {
            println!("queued run {id}");
        }
        println!(
            "{} run(s) queued for workers (greenops worker); follow with greenops runs",
            ids.len()
        );
        return Ok(Exit::Ok);
    }
    execute_inline(&rt, ids).await
}

/// Fails runs whose executor died (their lease expired) so this process can re-run them: without
/// a worker fleet nobody else would.
pub async fn recover_abandoned(rt: &Runtime) -> anyhow::Result<()> {
    for step in rt.recover_lost().await? {
        if let crate::orchestration::executor::Step::Retry { failed, .. } = step {
            println!(
                "{} {}: run {} was abandoned by a stopped process; its retry is queued",
                failed.job, failed.partition, failed.id
            );
        }
    }
    Ok(())
}

/// Drives runs here and prints how each ended; exit 7 if any did not succeed.
pub async fn execute_inline(rt: &Runtime, ids: Vec<String>) -> anyhow::Result<Exit> {
    let n = ids.len();
    let outcomes = drive(rt, ids, n.max(1), Arc::new(|_: &LocalOutcome| {})).await?;
    let mut ok = true;
    for outcome in &outcomes {
        match outcome {
            LocalOutcome::Done(run) => {
                ok &= run.status == RunStatus::Succeeded;
                println!("{}", describe(run));
            }
            LocalOutcome::AwaitingApproval(run) => println!(
                "{} {} awaits approval by someone other than {}: greenops approve {}",
                run.job, run.partition, run.actor, run.id
            ),
            LocalOutcome::Ignored(id, status) => {
                println!(
                    "run {id} was {} by the time it came up; not run here",
                    status.as_str()
                );
            }
        }
    }
    Ok(if ok { Exit::Ok } else { Exit::RunFailed })
}

/// The partition a run without `--partition` processes: the latest due one.
fn default_partition(dag: &Dag, job: &str, now: chrono::DateTime<chrono::Utc>) -> String {
    let cfg = &dag.loaded.config.jobs[job];
    match dag.schedules.get(job) {
        Some(schedule) => schedule.partition_of(now, cfg.partitioning),
        None => {
            let today = now.date_naive();
            cfg.partitioning.key_of(today.pred_opt().unwrap_or(today))
        }
    }
}

/// (job, partition) pairs to run, upstream first: the job's partition and, with upstream, every
/// partition of every upstream job it reads, transitively.
fn plan(
    dag: &Dag,
    job: &str,
    partition: &str,
    with_upstream: bool,
) -> anyhow::Result<Vec<(String, String)>> {
    let jobs = &dag.loaded.config.jobs;
    let mut needed: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    needed.insert(job.to_string(), BTreeSet::from([partition.to_string()]));
    if with_upstream {
        for name in dag.order.iter().rev() {
            let Some(keys) = needed.get(name).cloned() else {
                continue;
            };
            for up in &jobs[name].depends_on {
                for key in &keys {
                    let mapped = jobs[name]
                        .partitioning
                        .upstream_keys(key, jobs[up].partitioning)?;
                    needed.entry(up.clone()).or_default().extend(mapped);
                }
            }
        }
    }
    Ok(dag
        .order
        .iter()
        .flat_map(|j| {
            needed
                .get(j)
                .into_iter()
                .flatten()
                .map(move |k| (j.clone(), k.clone()))
        })
        .collect())
}

async fn dry_run(g: &Globals, dag: &Dag, plan: &[(String, String)]) -> anyhow::Result<Exit> {
    let state = StateDb::open_existing(&g.state).await?;
    println!("Would run (nothing is changed):");
    for (job, partition) in plan {
        let latest = match &state {
            Some(s) => s
                .latest_statuses(job, std::slice::from_ref(partition))
                .await?
                .get(partition)
                .map_or("never run", |s| s.as_str()),
            None => "never run",
        };
        let cfg = &dag.loaded.config.jobs[job];
        let source = cfg
            .source
            .as_ref()
            .and_then(|s| dag.loaded.config.sources.get(s))
            .map(|s| {
                format!(
                    " from {}",
                    crate::orchestration::job_body::source_path(&s.url, partition)
                )
            })
            .unwrap_or_default();
        println!(
            "  {job} {partition}: {} ({latest}){source}",
            cfg.kind.name()
        );
    }
    Ok(Exit::Ok)
}
