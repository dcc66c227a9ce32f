//! What the orchestration commands share: loading the pipeline, opening the ledger, building
//! the executor, and printing runs.

use crate::orchestration::config::LoadedConfig;
use crate::orchestration::dag::Dag;
use crate::orchestration::executor::Runtime;
use crate::orchestration::faults::Faults;
use crate::orchestration::identity;
use crate::orchestration::state::StateDb;
use crate::orchestration::state::audit::kind;
use crate::orchestration::state::runs::{RunRecord, RunStatus};
use anyhow::Context;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// The global options orchestration commands read.
#[derive(Debug, Clone)]
pub struct Globals {
    /// Warehouse URL.
    pub warehouse: String,
    /// State database URL (may hold a password: never print it).
    pub state: String,
    /// orchestration.yaml.
    pub config: std::path::PathBuf,
}

/// Loads and checks the pipeline.
pub fn load_dag(path: &Path) -> anyhow::Result<Dag> {
    let loaded = LoadedConfig::load(path)?;
    Ok(Dag::build(loaded)?)
}

/// Opens everything a command that records runs needs, and audits a changed config.
pub async fn open_runtime(g: &Globals, role: &str, lease: Duration) -> anyhow::Result<Runtime> {
    let dag = load_dag(&g.config)?;
    let state = StateDb::open(&g.state).await?;
    let rt = Runtime {
        dag: Arc::new(dag),
        state,
        warehouse: g.warehouse.clone(),
        clock: Arc::new(warehouse::SystemClock),
        worker: identity::process_name(role),
        actor: identity::actor(),
        lease,
        faults: Faults::from_env(),
        code_version: identity::code_version(),
    };
    note_config(&rt).await?;
    Ok(rt)
}

/// Appends `config.changed` when the file's hash differs from the last one the ledger saw.
async fn note_config(rt: &Runtime) -> anyhow::Result<()> {
    let hash = &rt.dag.loaded.file_hash;
    let last = rt.state.last_audit_of(kind::CONFIG_CHANGED).await?;
    let previous = last
        .as_ref()
        .and_then(|e| serde_json::from_str::<serde_json::Value>(&e.details).ok())
        .and_then(|d| {
            d.get("file_hash")
                .and_then(|h| h.as_str())
                .map(str::to_string)
        });
    if previous.as_deref() != Some(hash.as_str()) {
        let details = serde_json::json!({
            "file": rt.dag.loaded.path.display().to_string(),
            "file_hash": hash,
            "previous_hash": previous,
            "jobs": rt.dag.order,
        });
        rt.state
            .audit(
                &rt.actor,
                kind::CONFIG_CHANGED,
                &rt.dag.loaded.path.display().to_string(),
                details,
                rt.clock.now(),
            )
            .await
            .context("recording the config change")?;
    }
    Ok(())
}

/// One line about a run for the terminal.
pub fn describe(run: &RunRecord) -> String {
    let took = match (run.started_at.as_deref(), run.finished_at.as_deref()) {
        (Some(a), Some(b)) => match (
            crate::orchestration::state::parse_ts(a),
            crate::orchestration::state::parse_ts(b),
        ) {
            (Some(a), Some(b)) => format!(" in {:.1}s", (b - a).num_milliseconds() as f64 / 1000.0),
            _ => String::new(),
        },
        _ => String::new(),
    };
    let detail = match run.status {
        RunStatus::Succeeded => run
            .outputs
            .as_ref()
            .and_then(|o| {
                Some(format!(
                    " ({} v{}, {} rows)",
                    o.get("table")?.as_str()?,
                    o.get("version")?,
                    o.get("rows")?
                ))
            })
            .unwrap_or_default(),
        _ => run
            .error
            .as_ref()
            .map(|e| format!(": {e}"))
            .unwrap_or_default(),
    };
    format!(
        "{} {} attempt {} {}{took}{detail}  [run {}]",
        run.job,
        run.partition,
        run.attempt,
        run.status.as_str(),
        run.id
    )
}
