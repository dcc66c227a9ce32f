//! Command implementations: each turns parsed arguments into calls on the library crates.

mod bench;
mod demo;
mod ingest;
mod warehouse_cmd;

use crate::cli::{Cli, Command};
use crate::exit::Exit;
use anyhow::Context;
use warehouse::Warehouse;

/// Runs one command.
pub async fn run(cli: Cli) -> anyhow::Result<Exit> {
    check_state_url(&cli.state)?;
    match cli.command {
        Command::Demo(args) => demo::run(&open_warehouse(&cli.warehouse).await?, args).await,
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

/// The state database holds the run ledger (orchestration); ingest does not use it yet, but a bad
/// URL is refused up front.
fn check_state_url(url: &str) -> anyhow::Result<()> {
    if url.starts_with("sqlite:")
        || url.starts_with("postgres://")
        || url.starts_with("postgresql://")
    {
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
