//! `greenops bench ingest`.

use crate::cli::BenchCommand;
use crate::exit::Exit;

pub async fn run(cmd: BenchCommand, _warehouse: &str) -> anyhow::Result<Exit> {
    match cmd {
        BenchCommand::Ingest(_args) => anyhow::bail!("not yet"),
    }
}
