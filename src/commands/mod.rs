//! Command implementations: each turns parsed arguments into calls on the library crates.

mod audit;
mod backfill;
mod bench;
mod carbon_cmd;
mod daemons;
mod demo;
mod demo_reports;
mod ingest;
mod models_cmd;
mod pipeline;
mod report_cmd;
mod run;
mod runs;
mod validate;
mod warehouse_cmd;

use crate::cli::{Cli, Command};
use crate::exit::Exit;
use anyhow::Context;
use warehouse::Warehouse;

/// Runs one command.
pub async fn run(cli: Cli) -> anyhow::Result<Exit> {
    check_state_url(&cli.state)?;
    let g = pipeline::Globals {
        warehouse: cli.warehouse.clone(),
        state: cli.state.clone(),
        config: cli.config.clone(),
    };
    match cli.command {
        Command::Validate(args) => validate::run(&g, args),
        Command::Models(cmd) => models_cmd::run(cmd).await,
        Command::Report(cmd) => {
            report_cmd::run(&open_warehouse(&cli.warehouse).await?, &cli.config, cmd).await
        }
        Command::Carbon(cmd) => {
            carbon_cmd::run(&open_warehouse(&cli.warehouse).await?, &cli.config, cmd).await
        }
        Command::Run(args) => run::run(&g, args).await,
        Command::Backfill(args) => backfill::run(&g, args).await,
        Command::Runs(args) => runs::run(&g, args).await,
        Command::Approve(args) => audit::approve(&g, args).await,
        Command::Audit(cmd) => audit::run(&g, cmd).await,
        Command::Scheduler(args) => daemons::scheduler(&g, args).await,
        Command::Worker(args) => daemons::worker(&g, args).await,
        Command::Demo(args) => {
            // --dir: a self-contained demo (warehouse, state, outbox, reports in one folder)
            let g = match &args.dir {
                Some(dir) => {
                    std::fs::create_dir_all(dir)
                        .with_context(|| format!("creating {}", dir.display()))?;
                    pipeline::Globals {
                        warehouse: dir.join("warehouse").display().to_string(),
                        state: format!("sqlite://{}", dir.join("state.db").display()),
                        config: g.config.clone(),
                    }
                }
                None => g,
            };
            demo::run(&open_warehouse(&g.warehouse).await?, args, &g).await
        }
        Command::Ingest(args) => ingest::run(&open_warehouse(&cli.warehouse).await?, args).await,
        Command::Warehouse(cmd) => {
            warehouse_cmd::run(&open_warehouse(&cli.warehouse).await?, cmd).await
        }
        Command::Bench(cmd) => bench::run(cmd, &cli.warehouse).await,
    }
}

/// Opens the warehouse and rolls forward any commit a crash left unpublished.
async fn open_warehouse(url: &str) -> anyhow::Result<Warehouse> {
    let wh = Warehouse::open(url).with_context(|| format!("opening warehouse {url}"))?;
    let report = wh
        .recover(warehouse::schema::COST_TABLE)
        .await
        .context("recovering the warehouse")?;
    if report.published > 0 {
        eprintln!(
            "Recovered: published {} partition(s) of an interrupted commit.",
            report.published
        );
    }
    Ok(wh)
}

/// The state database holds the run ledger; a bad URL is refused up front, before any work.
fn check_state_url(url: &str) -> anyhow::Result<()> {
    if crate::orchestration::state::backend_of(url).is_some() {
        Ok(())
    } else {
        Err(warehouse::WarehouseError::InvalidUrl {
            url: redact(url),
            reason: "the state database must be sqlite://PATH or postgres://…".into(),
        }
        .into())
    }
}

/// Hides a password in a URL (`postgres://u:secret@h/db` → `postgres://u:***@h/db`).
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}
