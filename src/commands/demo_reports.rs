//! The end of `greenops demo`: the ESG dataset, forecasts and anomalies through the latest month
//! with cost, then the daily digest (of the latest day), the ESG and SOX reports (of that month)
//! rendered into a folder and delivered as `.eml` files to the outbox, and a summary.

use crate::orchestration::config::LoadedConfig;
use crate::orchestration::model_settings::expand;
use anyhow::Context;
use reports::ReportKind;
use std::path::Path;
use warehouse::Warehouse;

/// Runs the models and the reports on the demo warehouse.
pub async fn run(
    wh: &Warehouse,
    config: &Path,
    outbox: &Path,
    reports_dir: &Path,
) -> anyhow::Result<()> {
    let (models, reports, from) =
        LoadedConfig::section_or_default(config, |c| (c.models, c.reports, c.notifications.from))?;
    let Some(day) = jobs::series::latest_cost_day(wh).await? else {
        println!("\nNo cost rows: nothing to forecast or report.");
        return Ok(());
    };
    let month = day[..7].to_string();
    let run_id = |step: &str| format!("demo-{step}-{}", uuid::Uuid::now_v7());
    let code_version = crate::orchestration::identity::code_version();

    println!("\n$ greenops carbon esg");
    let esg = jobs::carbon::build_esg_monthly(wh, &run_id("esg"), None, None, None).await?;
    println!("esg_monthly: {} months", esg.len());

    println!("\n$ forecast through {month} (the latest month with cost)");
    let request = jobs::forecasts::ForecastRequest {
        run_id: run_id("forecast"),
        through: month.clone(),
        series: expand(&models.forecast.series),
        code_version: code_version.clone(),
    };
    let f = jobs::forecasts::forecast_costs(wh, &request, &jobs::ingest::NoProgress).await?;
    println!(
        "forecasts: {} series ({} on the seasonal-naive fallback, {} without cost in {month} \
         skipped), {} daily rows, {} month projections",
        f.series, f.fallbacks, f.stale, f.rows, f.projections
    );

    println!("\n$ anomalies of {month}");
    let a = &models.anomalies;
    let request = jobs::anomalies::AnomalyRequest {
        run_id: run_id("anomalies"),
        through: month.clone(),
        monitors: expand(&a.series),
        attribute_by: a.attribute_by.clone(),
        top_contributors: a.top_contributors,
        gate: models::anomaly::AlertGate {
            min_abs_impact: a.min_abs_impact,
            min_rel_impact: a.min_rel_impact,
        },
        code_version: code_version.clone(),
    };
    let found = jobs::anomalies::detect_anomalies(wh, &request, &jobs::ingest::NoProgress).await?;
    println!(
        "anomalies: {} series scored, {} anomalies in {month}, {} alerted",
        found.series, found.anomalies, found.alerts
    );

    let renderer = reports::Renderer::with_templates(reports.templates.as_deref())?;
    // reports.smtp in the config sends them; the embedded default is the outbox folder
    let delivery = reports.delivery(outbox);
    let mut summary = Vec::new();
    for kind in ReportKind::ALL {
        let partition = if kind.daily() {
            day.clone()
        } else {
            month.clone()
        };
        println!("\n$ greenops report render {kind} --partition {partition}");
        let as_of = crate::orchestration::report_job::partition_end(&partition);
        let request = jobs::reports::ReportRequest {
            kind,
            partition: partition.clone(),
            as_of: as_of.clone(),
            code_version: code_version.clone(),
            run_id: String::new(),
            budget: reports.budget,
            approver: None,
            previous_report: None,
        };
        let rendered = renderer.render(&jobs::reports::build(wh, &request).await?)?;
        let folder = reports_dir.join(kind.name());
        rendered
            .write_to(&folder)
            .with_context(|| format!("writing {}", folder.display()))?;
        let to = reports
            .recipients
            .get(kind.name())
            .cloned()
            .unwrap_or_else(|| vec!["finops@example.com".into()]);
        let from = reports.from.clone().or_else(|| from.clone());
        let message = crate::orchestration::report_job::report_message(
            &rendered,
            from.unwrap_or_else(|| "greenops@example.com".into()),
            to,
            &as_of,
            format!("{kind}.{partition}.demo@greenops"),
        );
        let sent = delivery.send(&message).await?;
        println!("{}", rendered.subject);
        let place = match sent.file {
            Some(file) => file.display().to_string(),
            None => format!("{} via {}", sent.message_id, sent.transport),
        };
        summary.push((kind, folder.join("preview.html"), place));
    }
    println!("\nDone. Where everything is:");
    println!("  warehouse  {}", wh.location().display());
    for (kind, preview, email) in summary {
        println!(
            "  {:<12} {}  (email: {email})",
            kind.name(),
            preview.display()
        );
    }
    println!(
        "Next: open a preview.html in a browser · greenops runs · notebooks/README.md · \
         greenops scheduler --help"
    );
    Ok(())
}
