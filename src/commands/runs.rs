//! `greenops runs [filters]` and `greenops runs show ID`.

use super::pipeline::Globals;
use crate::cli::{RunsAction, RunsArgs};
use crate::exit::Exit;
use crate::orchestration::state::runs::{RunFilter, RunRecord};
use crate::orchestration::state::{StateDb, ts};

pub async fn run(g: &Globals, args: RunsArgs) -> anyhow::Result<Exit> {
    let Some(state) = StateDb::open_existing(&g.state).await? else {
        if args.json {
            println!("[]");
        } else {
            let url = crate::commands::redact(&g.state);
            println!("no runs yet (state database {url} does not exist)");
        }
        return Ok(Exit::Ok);
    };
    if let Some(RunsAction::Show { id, json }) = args.action {
        let run = state.run(&id).await?;
        if json {
            println!("{}", serde_json::to_string_pretty(&run)?);
        } else {
            print!("{}", show(&run));
        }
        return Ok(Exit::Ok);
    }
    let since = match &args.since {
        Some(s) => Some(parse_since(s)?),
        None => None,
    };
    let runs = state
        .runs(&RunFilter {
            job: args.job,
            status: args.status,
            since,
            backfill_id: args.backfill,
            limit: args.limit,
        })
        .await?;
    if args.json {
        println!("{}", serde_json::to_string(&runs)?);
        return Ok(Exit::Ok);
    }
    if runs.is_empty() {
        println!("no runs match");
        return Ok(Exit::Ok);
    }
    println!(
        "{:<36}  {:<16} {:<10} {:>3}  {:<9}  {:<9}  {:<20}  ERROR",
        "RUN", "JOB", "PARTITION", "TRY", "STATUS", "TRIGGER", "QUEUED"
    );
    for r in &runs {
        let error = r.error.as_deref().unwrap_or("");
        let error: String = error.chars().take(60).collect();
        println!(
            "{:<36}  {:<16} {:<10} {:>3}  {:<9}  {:<9}  {:<20}  {error}",
            r.id,
            r.job,
            r.partition,
            r.attempt,
            r.status.as_str(),
            r.trigger,
            r.queued_at.get(..19).unwrap_or(&r.queued_at)
        );
    }
    Ok(Exit::Ok)
}

/// `YYYY-MM-DD` or RFC 3339 → the stored timestamp form.
fn parse_since(s: &str) -> anyhow::Result<String> {
    if let Ok(day) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(ts(day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()));
    }
    match crate::orchestration::state::parse_ts(s) {
        Some(t) => Ok(ts(t)),
        None => Err(crate::orchestration::config::ConfigError::BadPartition {
            key: s.to_string(),
            partitioning: "--since",
            expected: "YYYY-MM-DD or an RFC 3339 time",
        }
        .into()),
    }
}

fn show(r: &RunRecord) -> String {
    let field = |name: &str, value: &str| format!("{name:<14}{value}\n");
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    let mut out = String::new();
    out += &field("run", &r.id);
    out += &field("job", &r.job);
    out += &field("partition", &r.partition);
    out += &field("status", r.status.as_str());
    out += &field("attempt", &format!("{} of {}", r.attempt, r.max_attempts));
    out += &field("trigger", &format!("{} {}", r.trigger, opt(&r.trigger_ref)));
    out += &field("triggered by", &r.actor);
    if let Some(b) = &r.backfill_id {
        out += &field("backfill", b);
    }
    if let Some(a) = &r.approval {
        out += &field("approval", &format!("{a} {}", opt(&r.approved_by)));
    }
    out += &field("queued", &r.queued_at);
    out += &field("not before", &r.not_before);
    out += &field("started", &opt(&r.started_at));
    out += &field("finished", &opt(&r.finished_at));
    out += &field("worker", &opt(&r.worker));
    out += &field("config hash", &r.config_hash);
    out += &field("code version", &r.code_version);
    if let Some(e) = &r.error {
        out += &field("error", e);
    }
    for (name, value) in [("inputs", &r.inputs), ("outputs", &r.outputs)] {
        if let Some(v) = value {
            let pretty = serde_json::to_string_pretty(v).unwrap_or_default();
            out += &format!("{name}:\n");
            for line in pretty.lines() {
                out += &format!("  {line}\n");
            }
        }
    }
    out
}
