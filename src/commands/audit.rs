//! `greenops audit verify|log` and `greenops approve RUN_ID`.

use super::pipeline::{Globals, open_runtime};
use super::run::execute_inline;
use crate::cli::{ApproveArgs, AuditCommand};
use crate::exit::Exit;
use crate::orchestration::queue::{Queue, QueueTiming, wake};
use crate::orchestration::state::StateDb;
use crate::orchestration::state::audit::kind;
use std::time::Duration;

pub async fn run(g: &Globals, cmd: AuditCommand) -> anyhow::Result<Exit> {
    let Some(state) = StateDb::open_existing(&g.state).await? else {
        if let AuditCommand::Log { json: true, .. } = cmd {
            println!("[]");
        } else {
            let url = crate::commands::redact(&g.state);
            println!("no audit log yet (state database {url} does not exist)");
        }
        return Ok(Exit::Ok);
    };
    match cmd {
        AuditCommand::Verify => {
            let check = state.verify_audit().await?;
            match &check.broken {
                Some(link) => {
                    eprintln!(
                        "audit chain BROKEN after {} intact event(s): {link}",
                        check.events
                    );
                    Ok(Exit::CheckFailed)
                }
                None => {
                    println!(
                        "audit chain intact: {} event(s), head {}",
                        check.events, check.head
                    );
                    Ok(Exit::Ok)
                }
            }
        }
        AuditCommand::Log { limit, json } => {
            let events = state.audit_events(limit).await?;
            if json {
                println!("{}", serde_json::to_string(&events)?);
            } else {
                for e in events {
                    println!(
                        "{:>6}  {}  {:<18} {:<28} {}  {}",
                        e.seq, e.at, e.kind, e.actor, e.subject, e.details
                    );
                }
            }
            Ok(Exit::Ok)
        }
    }
}

pub async fn approve(g: &Globals, args: ApproveArgs) -> anyhow::Result<Exit> {
    let rt = open_runtime(g, "cli", Duration::from_secs(60)).await?;
    let run = rt.state.approve(&args.run_id, &rt.actor).await?;
    let details = serde_json::json!({
        "job": run.job, "partition": run.partition, "approved_by": rt.actor, "triggered_by": run.actor,
    });
    rt.state
        .audit(
            &rt.actor,
            kind::RUN_APPROVED,
            &run.id,
            details,
            rt.clock.now(),
        )
        .await?;
    println!(
        "run {} ({} {}) approved by {}",
        run.id, run.job, run.partition, rt.actor
    );
    if args.run {
        return execute_inline(&rt, vec![run.id]).await;
    }
    let queue = Queue::open(&rt.state, QueueTiming::default()).await?;
    wake(&rt, &queue, &run.id, None, Duration::ZERO).await?;
    println!(
        "queued for workers (or run it here: greenops approve {} --run)",
        run.id
    );
    Ok(Exit::Ok)
}
