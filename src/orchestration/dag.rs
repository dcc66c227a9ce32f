//! The checked pipeline: every reference resolved, no cycles, schedules parsed, jobs in
//! dependency order. Building a [`Dag`] is `greenops validate`; nothing is touched.

use super::config::{ConfigError, JobKind, LoadedConfig};
use super::schedule::JobSchedule;
use std::collections::{BTreeMap, BTreeSet};

/// Names reserved by `greenops backfill` subcommands.
const RESERVED: [&str; 3] = ["list", "cancel", "resume"];

/// A validated pipeline.
#[derive(Debug, Clone)]
pub struct Dag {
    /// The config it was built from.
    pub loaded: LoadedConfig,
    /// Job names, upstream before downstream (ties by name).
    pub order: Vec<String>,
    /// Parsed schedules of scheduled jobs.
    pub schedules: BTreeMap<String, JobSchedule>,
}

impl Dag {
    /// Checks a loaded config; collects every problem rather than stopping at the first.
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] listing each problem with its line.
    pub fn build(loaded: LoadedConfig) -> Result<Self, ConfigError> {
        let mut problems = Vec::new();
        let cfg = &loaded.config;
        let at = |job: &str, needle: &str| -> String {
            let start = loaded.job_line(job).unwrap_or(1);
            match loaded.line_of(needle, start) {
                Some(line) => format!(" (line {line})"),
                None => String::new(),
            }
        };
        if cfg.version != 1 {
            problems.push(format!("version {} is not supported (use 1)", cfg.version));
        }
        if cfg.jobs.is_empty() {
            problems.push("no jobs are defined".into());
        }
        for (name, source) in &cfg.sources {
            for (passed_as, variable) in &source.credentials {
                if !is_env_name(passed_as) || !is_env_name(variable) {
                    problems.push(format!(
                        "sources.{name}.credentials: `{passed_as}: {variable}` must map a \
                         variable name to a variable name (values never go in this file)"
                    ));
                }
            }
        }
        let mut schedules = BTreeMap::new();
        for (name, job) in &cfg.jobs {
            if !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                || RESERVED.contains(&name.as_str())
            {
                problems.push(format!(
                    "jobs.{name}: job names use letters, digits, `_` and `-`, and are not {}",
                    RESERVED.join("/")
                ));
            }
            match (&job.source, job.kind) {
                (None, JobKind::Ingest) => problems.push(format!(
                    "jobs.{name}: an ingest job needs `source`{}",
                    at(name, name)
                )),
                (Some(s), JobKind::Ingest) if !cfg.sources.contains_key(s) => problems.push(
                    format!("jobs.{name}.source: unknown source `{s}`{}", at(name, s)),
                ),
                (Some(_), kind) if kind != JobKind::Ingest => problems.push(format!(
                    "jobs.{name}.source: a {} job does not read a source{}",
                    kind.name(),
                    at(name, "source")
                )),
                _ => {}
            }
            for dep in &job.depends_on {
                if dep == name {
                    problems.push(format!(
                        "jobs.{name}.depends_on: a job cannot depend on itself{}",
                        at(name, dep)
                    ));
                } else if !cfg.jobs.contains_key(dep) {
                    problems.push(format!(
                        "jobs.{name}.depends_on: unknown job `{dep}`{}",
                        at(name, dep)
                    ));
                }
            }
            if let Some(start) = &job.start
                && let Err(e) = job.partitioning.start_of(start)
            {
                problems.push(format!("jobs.{name}.start: {e}{}", at(name, "start")));
            }
            if job.retries.max_attempts == 0 {
                problems.push(format!(
                    "jobs.{name}.retries.max_attempts must be at least 1"
                ));
            }
            if job.concurrency == Some(0) {
                problems.push(format!("jobs.{name}.concurrency must be at least 1"));
            }
            match (job.kind, &job.report) {
                (JobKind::Report, None) => problems.push(format!(
                    "jobs.{name}: a report job needs `report` (daily-digest, esg-monthly or \
                     sox-monthly){}",
                    at(name, name)
                )),
                (JobKind::Report, Some(report)) => match report.parse::<reports::ReportKind>() {
                    Err(e) => {
                        problems.push(format!("jobs.{name}.report: {e}{}", at(name, "report")))
                    }
                    Ok(kind) => {
                        let daily = job.partitioning == super::partition::Partitioning::Daily;
                        if kind.daily() != daily {
                            problems.push(format!(
                                "jobs.{name}: {kind} needs {} partitioning{}",
                                if kind.daily() { "daily" } else { "monthly" },
                                at(name, "partitioning")
                            ));
                        }
                        if cfg.reports.recipients.get(report).is_none_or(Vec::is_empty) {
                            problems.push(format!(
                                "jobs.{name}: reports.recipients.{report} lists nobody to send \
                                 the report to"
                            ));
                        }
                    }
                },
                (kind, Some(_)) => problems.push(format!(
                    "jobs.{name}.report: a {} job does not send a report{}",
                    kind.name(),
                    at(name, "report")
                )),
                (_, None) => {}
            }
            if job.timeout.0.is_zero() {
                problems.push(format!("jobs.{name}.timeout must be more than 0s"));
            }
            if let Some(schedule) = &job.schedule {
                match JobSchedule::parse(schedule) {
                    Ok(parsed) => {
                        schedules.insert(name.clone(), parsed);
                    }
                    Err(e) => {
                        problems.push(format!("jobs.{name}.schedule: {e}{}", at(name, "cron")))
                    }
                }
            }
        }
        for address in &cfg.notifications.on_failure {
            if !looks_like_email(address) {
                problems.push(format!(
                    "notifications.on_failure: `{address}` is not an email address"
                ));
            }
        }
        let carbon_line = |key: &str| {
            let start = loaded.line_of("carbon", 1).unwrap_or(1);
            loaded
                .line_of(key, start)
                .map_or(String::new(), |line| format!(" (line {line})"))
        };
        if let Some(path) = &cfg.carbon.market_factors
            && let Err(e) = jobs::carbon::MarketFactors::load(path)
        {
            problems.push(format!(
                "carbon.market_factors: {e}{}",
                carbon_line("market_factors")
            ));
        }
        if let Some(year) = cfg.carbon.base_year
            && !(1990..=2100).contains(&year)
        {
            problems.push(format!(
                "carbon.base_year {year} is not a year between 1990 and 2100{}",
                carbon_line("base_year")
            ));
        }
        for problem in cfg
            .models
            .problems()
            .into_iter()
            .chain(cfg.reports.problems())
        {
            // each problem starts with its dotted key: follow it down the file for the line
            let key = problem.split_whitespace().next().unwrap_or("models");
            let line = key
                .trim_end_matches(':')
                .split('.')
                .try_fold(1, |after, part| loaded.line_of(part, after))
                .map_or(String::new(), |line| format!(" (line {line})"));
            problems.push(format!("{problem}{line}"));
        }
        let order = match topological_order(&loaded) {
            Ok(order) => order,
            Err(cycle) => {
                problems.push(format!(
                    "dependency cycle (upstream → downstream): {}",
                    cycle.join(" → ")
                ));
                Vec::new()
            }
        };
        if problems.is_empty() {
            Ok(Dag {
                loaded,
                order,
                schedules,
            })
        } else {
            Err(ConfigError::Invalid {
                path: loaded.path.clone(),
                problems,
            })
        }
    }
}

/// Kahn's algorithm with a sorted ready set; on a cycle returns one cycle's path.
fn topological_order(loaded: &LoadedConfig) -> Result<Vec<String>, Vec<String>> {
    let jobs = &loaded.config.jobs;
    let deps = |j: &str| -> Vec<&String> {
        jobs[j]
            .depends_on
            .iter()
            .filter(|d| jobs.contains_key(*d) && *d != j)
            .collect()
    };
    let mut pending: BTreeMap<&str, usize> =
        jobs.keys().map(|j| (j.as_str(), deps(j).len())).collect();
    let mut ready: BTreeSet<&str> = pending
        .iter()
        .filter(|(_, n)| **n == 0)
        .map(|(j, _)| *j)
        .collect();
    let mut order = Vec::new();
    while let Some(job) = ready.pop_first() {
        pending.remove(job);
        order.push(job.to_string());
        for (down, cfg) in jobs {
            if cfg.depends_on.iter().any(|d| d == job)
                && let Some(n) = pending.get_mut(down.as_str())
            {
                *n -= 1;
                if *n == 0 {
                    ready.insert(down.as_str());
                }
            }
        }
    }
    if pending.is_empty() {
        return Ok(order);
    }
    // Walk upstream from a job left over until a job repeats: that stretch is a cycle.
    let mut path: Vec<String> = vec![
        pending
            .keys()
            .next()
            .copied()
            .unwrap_or_default()
            .to_string(),
    ];
    loop {
        let last = path.last().cloned().unwrap_or_default();
        let Some(next) = deps(&last)
            .into_iter()
            .find(|d| pending.contains_key(d.as_str()))
        else {
            return Err(path);
        };
        if let Some(pos) = path.iter().position(|p| p == next) {
            let mut cycle: Vec<String> = path[pos..].to_vec();
            cycle.reverse();
            cycle.push(cycle[0].clone());
            return Err(cycle);
        }
        path.push(next.clone());
    }
}

fn is_env_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// `user@host.tld` without spaces: the shape an address must have before anything is sent.
pub(crate) fn looks_like_email(address: &str) -> bool {
    match address.split_once('@') {
        Some((user, host)) => {
            !user.is_empty() && host.contains('.') && !address.contains(char::is_whitespace)
        }
        None => false,
    }
}
