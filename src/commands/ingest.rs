//! `greenops ingest KIND PATH`.

use crate::cli::{IngestArgs, Kind};
use crate::exit::Exit;
use crate::progress::RowProgress;
use jobs::ingest::fx::FxTable;
use jobs::ingest::{IngestRequest, SourceKind, ingest, new_run_id};
use std::sync::Arc;
use warehouse::Warehouse;

pub async fn run(wh: &Warehouse, args: IngestArgs) -> anyhow::Result<Exit> {
    let kind = match args.kind {
        Kind::Focus => SourceKind::Focus,
        Kind::AwsCur => SourceKind::AwsCur,
        Kind::Azure => SourceKind::Azure,
        Kind::Gcp => SourceKind::Gcp,
        Kind::Oci => SourceKind::Oci,
    };
    let run_id = args.run_id.unwrap_or_else(|| new_run_id(wh.clock().now()));
    let request = IngestRequest {
        kind,
        path: args.path,
        run_id,
        fail_point: fail_point_from_env(),
        force: args.force,
        fx: match (&args.reporting_currency, &args.fx_rates) {
            (Some(cur), Some(path)) => Some(Arc::new(FxTable::load(path, cur)?)),
            _ => None,
        },
    };
    let progress = Arc::new(RowProgress::new());
    let outcome = ingest(wh, request, progress.clone()).await;
    progress.finish();
    let summary = outcome?;
    if args.json {
        let totals: Vec<_> = summary
            .totals
            .iter()
            .map(|t| {
                serde_json::json!({"currency": t.currency, "rows": t.rows,
                "billed_cost": t.billed_cost, "effective_cost": t.effective_cost,
                "reporting_billed_cost": t.reporting_billed_cost})
            })
            .collect();
        println!(
            "{}",
            serde_json::json!({
                "run_id": summary.run_id, "notes": summary.notes, "version": summary.version, "rows": summary.rows,
                "partitions": summary.partitions, "billing_periods": summary.billing_periods,
                "accounts": summary.accounts, "estimated": summary.estimated, "totals": totals,
                "duration_secs": summary.duration.as_secs_f64(),
            })
        );
    } else {
        println!("{summary}");
    }
    Ok(Exit::Ok)
}

/// Crash tests set `GREENOPS_FAIL_POINT` (`staged-files:K`, `before-commit`, `after-commit`).
fn fail_point_from_env() -> Option<warehouse::FailPoint> {
    let v = std::env::var("GREENOPS_FAIL_POINT").ok()?;
    match v.split_once(':') {
        Some(("staged-files", k)) => k.parse().ok().map(warehouse::FailPoint::AfterStagedFiles),
        _ if v == "before-commit" => Some(warehouse::FailPoint::BeforeCommit),
        _ if v == "after-commit" => Some(warehouse::FailPoint::AfterCommit),
        _ => None,
    }
}
