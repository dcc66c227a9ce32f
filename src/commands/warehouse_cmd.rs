//! `greenops warehouse ls|verify`.

use crate::cli::WarehouseCommand;
use crate::exit::Exit;
use indicatif::HumanBytes;
use warehouse::Warehouse;

pub async fn run(wh: &Warehouse, cmd: WarehouseCommand) -> anyhow::Result<Exit> {
    match cmd {
        WarehouseCommand::Ls { json } => ls(wh, json).await,
        WarehouseCommand::Verify => verify(wh).await,
        WarehouseCommand::Export(args) => export(wh, args).await,
    }
}

async fn export(wh: &Warehouse, args: crate::cli::ExportArgs) -> anyhow::Result<Exit> {
    use jobs::export::focus::{ExportFormat, export_focus_1_2};
    if args.focus != "1.2" {
        return Err(jobs::JobError::BadPath {
            path: args.out,
            reason: format!(
                "FOCUS {} export is not supported (use --focus 1.2)",
                args.focus
            ),
        }
        .into());
    }
    for period in args.from.iter().chain(&args.to) {
        if !warehouse::partition::is_billing_period(period) {
            return Err(jobs::JobError::BadPath {
                path: args.out,
                reason: format!("billing period {period:?} is not YYYY-MM"),
            }
            .into());
        }
    }
    let filter = warehouse::PartitionFilter {
        providers: args.provider,
        billing_accounts: vec![],
        from_period: args.from,
        to_period: args.to,
    };
    let format = match args.format {
        crate::cli::ExportFormatArg::Csv => ExportFormat::Csv,
        crate::cli::ExportFormatArg::Parquet => ExportFormat::Parquet,
    };
    let summary = export_focus_1_2(wh, filter, format, &args.out).await?;
    println!(
        "Exported {} rows as FOCUS 1.2 to {} (metadata: {})",
        summary.rows,
        summary.data_file.display(),
        summary.metadata_file.display()
    );
    Ok(Exit::Ok)
}

async fn ls(wh: &Warehouse, json: bool) -> anyhow::Result<Exit> {
    let inventory = wh.inventory().await?;
    if json {
        let tables: Vec<_> = inventory
            .iter()
            .map(|t| {
                serde_json::json!({
                    "table": t.table, "version": t.version, "rows": t.rows(), "bytes": t.bytes(),
                    "partitions": t.partitions.iter().map(|p| serde_json::json!({
                        "provider": p.key.provider, "billing_account": p.key.billing_account,
                        "billing_period": p.key.billing_period, "rows": p.rows, "bytes": p.bytes,
                        "files": p.files.len(), "version": p.version, "run_id": p.run_id,
                        "committed_at": p.committed_at.to_rfc3339(),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&tables)?);
        return Ok(Exit::Ok);
    }
    println!("Warehouse {}", wh.location().display());
    if inventory.is_empty() {
        println!("  (empty)");
    }
    for t in &inventory {
        println!(
            "\n{}  version {}  {} partition(s)  {} rows  {}",
            t.table,
            t.version,
            t.partitions.len(),
            t.rows(),
            HumanBytes(t.bytes())
        );
        // the account goes last: Azure billing scopes and OCI tenancy OCIDs are long
        println!(
            "  {:<10} {:<8} {:>10} {:>6} {:>10}  {:<26} account",
            "provider", "period", "rows", "files", "size", "committed"
        );
        for p in &t.partitions {
            let committed = format!(
                "{} (v{})",
                p.committed_at.format("%Y-%m-%d %H:%M:%SZ"),
                p.version
            );
            println!(
                "  {:<10} {:<8} {:>10} {:>6} {:>10}  {:<26} {}",
                p.key.provider,
                p.key.billing_period,
                p.rows,
                p.files.len(),
                HumanBytes(p.bytes).to_string(),
                committed,
                p.key.billing_account,
            );
        }
    }
    let staging = wh.staging_objects().await?;
    if staging > 0 {
        println!("\n{staging} object(s) in _staging/ (runs in progress or abandoned)");
    }
    Ok(Exit::Ok)
}

async fn verify(wh: &Warehouse) -> anyhow::Result<Exit> {
    let mut ok = true;
    for table in wh.tables().await? {
        let report = wh.verify(&table).await?;
        println!(
            "{table}: version {}, {} partition(s), {} file(s), {} checked",
            report.version,
            report.partitions,
            report.files,
            HumanBytes(report.bytes)
        );
        for p in &report.problems {
            println!("  MISMATCH {}: {}", p.path, p.reason);
        }
        ok &= report.is_ok();
    }
    if ok {
        println!("OK: every committed file matches its manifest.");
        Ok(Exit::Ok)
    } else {
        println!("FAILED: the warehouse does not match its manifests.");
        Ok(Exit::CheckFailed)
    }
}
