//! `greenops demo`: the main job on embedded defaults: every bundled sample export into the
//! local warehouse (listed and verified), carbon, the pipeline's ingest jobs through the run
//! ledger, then forecasts, anomalies and the three reports ([`super::demo_reports`]).

use crate::cli::{DemoArgs, IngestArgs, Kind, WarehouseCommand};
use crate::exit::Exit;
use warehouse::Warehouse;

/// The bundled exports, relative to the exports folder, in ingest order.
const SAMPLES: &[(Kind, &str)] = &[
    (Kind::Focus, "focus/focus1.0_official_sample_1000.csv"),
    (
        Kind::Focus,
        "focus/focus1.3_guymano_synthetic_aws_excerpt.csv",
    ),
    (
        Kind::AwsCur,
        "aws_cur/focus_converters_sample-anonymous-aws-export-dataset.csv",
    ),
    (Kind::AwsCur, "aws_cur/koku_test_cur.csv"),
    (Kind::AwsCur, "aws_cur/koku_cur_bucket_layout"),
    (Kind::AwsCur, "cur_workshop"),
    (
        Kind::Azure,
        "azure/focus_converters_sample-anonymous-ea-export-dataset.csv",
    ),
    (Kind::Azure, "azure/koku_camel_azure_version_2.csv"),
    (
        Kind::Azure,
        "azure/koku_costreport_a243c6f2-199f-4074-9a2c-40e671cf1584.csv",
    ),
    (
        Kind::Gcp,
        "gcp/koku_gcp_202011_30c31bca571d9b7f3b2c8459dd8bc34a_2020-11-08_2020-11-11.csv",
    ),
    (Kind::Gcp, "gcp/koku_gcp_2022-08-01_5.csv"),
    (
        Kind::Oci,
        "oci/focus_converters_oci_reports_cost-csv_0000000030000269.csv",
    ),
];

pub async fn run(
    wh: &Warehouse,
    args: DemoArgs,
    g: &super::pipeline::Globals,
) -> anyhow::Result<Exit> {
    println!("greenops demo: warehouse {}\n", wh.location().display());
    for (kind, rel) in SAMPLES {
        let path = args.exports.join(rel);
        anyhow::ensure!(
            path.exists(),
            "{} not found: run the demo from the repository root or pass --exports",
            path.display()
        );
        println!("$ greenops ingest {} {}", kind.name(), path.display());
        super::ingest::run(
            wh,
            IngestArgs {
                kind: *kind,
                path,
                run_id: None,
                json: false,
                force: false,
                reporting_currency: None,
                fx_rates: None,
            },
        )
        .await?;
        println!();
    }
    super::warehouse_cmd::run(wh, WarehouseCommand::Ls { json: false }).await?;
    println!();
    let verified = super::warehouse_cmd::run(wh, WarehouseCommand::Verify).await?;
    if verified != Exit::Ok {
        return Ok(verified);
    }
    println!("\n$ greenops carbon estimate");
    let estimate = crate::cli::CarbonEstimateArgs {
        mode: None,
        from: None,
        to: None,
        market_factors: None,
        json: false,
    };
    super::carbon_cmd::run(wh, &g.config, crate::cli::CarbonCommand::Estimate(estimate)).await?;
    let status = if g.config.exists() {
        pipeline(g).await?
    } else {
        verified
    };
    let (outbox, reports) = match &args.dir {
        Some(dir) => (dir.join("outbox"), dir.join("reports")),
        None => ("var/outbox".into(), "var/reports".into()),
    };
    super::demo_reports::run(wh, &g.config, &outbox, &reports).await?;
    Ok(status)
}

/// The default pipeline's ingest jobs through the orchestrator: recorded in the run ledger and
/// the audit log (re-ingesting a committed export replaces its partitions with the same rows).
async fn pipeline(g: &super::pipeline::Globals) -> anyhow::Result<Exit> {
    use crate::orchestration::config::JobKind;
    let dag = super::pipeline::load_dag(&g.config)?;
    println!(
        "\n$ greenops validate\n{} is valid: {} jobs",
        g.config.display(),
        dag.order.len()
    );
    let mut status = Exit::Ok;
    for job in dag
        .order
        .iter()
        .filter(|j| dag.loaded.config.jobs[*j].kind == JobKind::Ingest)
    {
        println!("$ greenops run {job}");
        let args = crate::cli::RunArgs {
            job: job.clone(),
            partition: None,
            with_upstream: false,
            dry_run: false,
            queue: false,
            resend: false,
        };
        if super::run::run(g, args).await? != Exit::Ok {
            status = Exit::RunFailed;
        }
    }
    println!("\n$ greenops audit verify");
    super::audit::run(g, crate::cli::AuditCommand::Verify).await?;
    Ok(status)
}
