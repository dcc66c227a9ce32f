//! `greenops report render`: warehouse → report data (jobs) → rendered files (reports).

use crate::cli::{ReportCommand, ReportRenderArgs};
use crate::exit::Exit;
use crate::orchestration::config::LoadedConfig;
use anyhow::Context;
use std::path::Path;
use warehouse::Warehouse;

/// Runs a `report` subcommand.
pub async fn run(wh: &Warehouse, config: &Path, cmd: ReportCommand) -> anyhow::Result<Exit> {
    match cmd {
        ReportCommand::Render(args) => render(wh, config, args).await,
    }
}

async fn render(wh: &Warehouse, config: &Path, args: ReportRenderArgs) -> anyhow::Result<Exit> {
    let kind = args.report;
    let settings = LoadedConfig::section_or_default(config, |c| c.reports)?;
    let as_of = match args.as_of {
        Some(t) => t,
        None => crate::orchestration::report_job::partition_end(&args.partition),
    };
    let request = jobs::reports::ReportRequest {
        kind,
        partition: args.partition.clone(),
        as_of,
        code_version: crate::orchestration::identity::code_version(),
        run_id: String::new(),
        budget: args.budget.or(settings.budget),
        approver: None,
        previous_report: None,
    };
    let report = jobs::reports::build(wh, &request).await?;
    let templates = args.templates.or(settings.templates);
    let renderer = reports::Renderer::with_templates(templates.as_deref())?;
    let rendered = renderer.render(&report)?;
    let written = rendered
        .write_to(&args.out)
        .with_context(|| format!("writing {}", args.out.display()))?;
    println!("{}", rendered.subject);
    for path in written {
        let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        println!("  {} ({bytes} bytes)", path.display());
    }
    println!(
        "Open {} in a browser to look at it.",
        args.out.join("preview.html").display()
    );
    Ok(Exit::Ok)
}
