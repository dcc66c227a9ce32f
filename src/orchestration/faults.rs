//! Fault injection for the orchestration tests (and for rehearsing incidents):
//! `GREENOPS_FAULT="JOB/PARTITION=FAULT[,…]"`, where JOB or PARTITION may be `*` and FAULT is
//! `transient:N` (attempts 1..=N fail with a retryable error), `fail` (a permanent error),
//! `hang` (blocks its thread forever, like a stuck library call) or `sleep:MS`.

use std::time::Duration;

/// One injected fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Fail attempts up to N with a transient error.
    Transient(i64),
    /// Fail with a permanent error.
    Fail,
    /// Block forever in blocking code.
    Hang,
    /// Sleep before doing the work.
    Sleep(Duration),
}

/// Faults by (job, partition) pattern.
#[derive(Debug, Clone, Default)]
pub struct Faults(Vec<(String, String, Fault)>);

impl Faults {
    /// Reads `GREENOPS_FAULT`; malformed entries are ignored with a warning.
    pub fn from_env() -> Self {
        std::env::var("GREENOPS_FAULT")
            .map(|v| Self::parse(&v))
            .unwrap_or_default()
    }

    /// Parses the variable's value.
    pub fn parse(spec: &str) -> Self {
        let mut faults = Vec::new();
        for entry in spec.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let parsed = entry.split_once('=').and_then(|(target, fault)| {
                let (job, partition) = target.split_once('/').unwrap_or((target, "*"));
                let fault = match fault.split_once(':') {
                    Some(("transient", n)) => Fault::Transient(n.parse().ok()?),
                    Some(("sleep", ms)) => Fault::Sleep(Duration::from_millis(ms.parse().ok()?)),
                    None if fault == "fail" => Fault::Fail,
                    None if fault == "hang" => Fault::Hang,
                    _ => return None,
                };
                Some((job.to_string(), partition.to_string(), fault))
            });
            match parsed {
                Some(f) => faults.push(f),
                None => tracing::warn!(entry, "Ignoring malformed GREENOPS_FAULT entry."),
            }
        }
        Faults(faults)
    }

    /// Faults that apply to a run of `job` for `partition`.
    pub fn for_run(&self, job: &str, partition: &str) -> Vec<Fault> {
        self.0
            .iter()
            .filter(|(j, p, _)| (j == "*" || j == job) && (p == "*" || p == partition))
            .map(|(_, _, f)| f.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_patterns() {
        let f = Faults::parse("ingest/2024-03=transient:2, */*=sleep:50,x=hang,bad");
        assert_eq!(
            f.for_run("ingest", "2024-03"),
            [Fault::Transient(2), Fault::Sleep(Duration::from_millis(50))]
        );
        assert_eq!(
            f.for_run("x", "2024-01"),
            [Fault::Sleep(Duration::from_millis(50)), Fault::Hang]
        );
    }
}
