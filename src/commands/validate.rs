//! `greenops validate [FILE]`: checks the pipeline and prints its DAG and next due times.

use super::pipeline::{Globals, load_dag};
use crate::cli::ValidateArgs;
use crate::exit::Exit;
use crate::orchestration::dag::Dag;
use warehouse::Clock;

pub fn run(g: &Globals, args: ValidateArgs) -> anyhow::Result<Exit> {
    let path = args.file.unwrap_or_else(|| g.config.clone());
    let dag = load_dag(&path)?;
    print!("{}", render(&dag, warehouse::SystemClock.now()));
    Ok(Exit::Ok)
}

/// The report `validate` prints.
fn render(dag: &Dag, now: chrono::DateTime<chrono::Utc>) -> String {
    let cfg = &dag.loaded.config;
    let mut out = String::new();
    push(
        &mut out,
        format!(
            "{}: valid. {} source(s), {} job(s), {} scheduled; sha256 {}",
            dag.loaded.path.display(),
            cfg.sources.len(),
            cfg.jobs.len(),
            dag.schedules.len(),
            &dag.loaded.file_hash[..16]
        ),
    );
    push(&mut out, "\nJobs in dependency order:".to_string());
    let width = dag.order.iter().map(String::len).max().unwrap_or(4);
    for name in &dag.order {
        let job = &cfg.jobs[name];
        let reads = match (&job.source, job.depends_on.is_empty()) {
            (Some(source), _) => format!("reads {source}"),
            (None, false) => format!("after {}", job.depends_on.join(", ")),
            (None, true) => String::new(),
        };
        let approval = if job.approval == crate::orchestration::config::Approval::Required {
            ", approval required"
        } else {
            ""
        };
        push(
            &mut out,
            format!(
                "  {name:<width$}  {:<9} {:<7}  {reads}  (attempts {}, timeout {}{approval})",
                job.kind.name(),
                job.partitioning.name(),
                job.retries.max_attempts,
                job.timeout
            ),
        );
        if let Some(schedule) = dag.schedules.get(name) {
            let next: Vec<String> = schedule
                .next_ticks(now, 3)
                .into_iter()
                .map(|t| {
                    format!(
                        "{} → {}",
                        t.format("%Y-%m-%d %H:%M UTC"),
                        schedule.partition_of(t, job.partitioning)
                    )
                })
                .collect();
            let cron = job
                .schedule
                .as_ref()
                .map(|s| (s.cron.as_str(), s.timezone.as_str()));
            let (expr, tz) = cron.unwrap_or_default();
            push(
                &mut out,
                format!(
                    "  {:width$}  cron `{expr}` {tz}; next: {}",
                    "",
                    next.join(", ")
                ),
            );
        }
    }
    push(&mut out, "\nDAG (upstream ─▶ downstream):".to_string());
    let mut edges = 0;
    for name in &dag.order {
        let downstream: Vec<&String> = dag
            .order
            .iter()
            .filter(|d| cfg.jobs[*d].depends_on.contains(name))
            .collect();
        if !downstream.is_empty() {
            edges += downstream.len();
            let list: Vec<&str> = downstream.iter().map(|s| s.as_str()).collect();
            push(&mut out, format!("  {name:<width$} ─▶ {}", list.join(", ")));
        }
    }
    if edges == 0 {
        push(&mut out, "  (no dependencies)".to_string());
    }
    if !cfg.notifications.on_failure.is_empty() {
        push(
            &mut out,
            format!(
                "\nFailures are emailed to: {}",
                cfg.notifications.on_failure.join(", ")
            ),
        );
    }
    out
}

fn push(out: &mut String, line: String) {
    out.push_str(&line);
    out.push('\n');
}
