//! Report data from the warehouse: what the `reports` crate renders. One module per report;
//! every query is ordered so the same warehouse gives the same report.

mod digest;
mod esg;
mod sox;

use crate::error::{JobError, Result};
use reports::data::Provenance;
use reports::{Report, ReportKind};
use warehouse::Warehouse;

pub use digest::DigestOptions;

/// What to build.
#[derive(Debug, Clone)]
pub struct ReportRequest {
    /// Which report.
    pub kind: ReportKind,
    /// `YYYY-MM-DD` for the daily digest, `YYYY-MM` for the monthly reports.
    pub partition: String,
    /// Data as of (the run's clock, RFC 3339 UTC): shown, never used to pick data.
    pub as_of: String,
    /// greenops version.
    pub code_version: String,
    /// Run id (empty from the command line).
    pub run_id: String,
    /// Monthly budget for the digest, in the billing currency.
    pub budget: Option<f64>,
    /// Who approved the run (SOX).
    pub approver: Option<String>,
    /// When this report was last sent for this partition (SOX restatements are the commits
    /// after it; all of them when `None`).
    pub previous_report: Option<chrono::DateTime<chrono::Utc>>,
}

/// Reads the warehouse into the report's data.
///
/// # Errors
/// A partition of the wrong shape (bad value), warehouse or polars failures.
pub async fn build(warehouse: &Warehouse, request: &ReportRequest) -> Result<Report> {
    check_partition(request)?;
    Ok(match request.kind {
        ReportKind::DailyDigest => Report::DailyDigest(digest::build(warehouse, request).await?),
        ReportKind::EsgMonthly => Report::EsgMonthly(esg::build(warehouse, request).await?),
        ReportKind::SoxMonthly => Report::SoxMonthly(sox::build(warehouse, request).await?),
    })
}

fn check_partition(request: &ReportRequest) -> Result<()> {
    let p = &request.partition;
    let ok = if request.kind.daily() {
        chrono::NaiveDate::parse_from_str(p, "%Y-%m-%d").is_ok()
    } else {
        warehouse::partition::is_billing_period(p)
    };
    if ok {
        Ok(())
    } else {
        Err(JobError::BadValue {
            file: "partition".into(),
            row: 0,
            column: "partition".into(),
            reason: format!(
                "`{p}` is not a partition of {} ({})",
                request.kind,
                if request.kind.daily() {
                    "YYYY-MM-DD"
                } else {
                    "YYYY-MM"
                }
            ),
        })
    }
}

/// Where the data comes from: the request plus the version of every table read.
async fn provenance(
    warehouse: &Warehouse,
    request: &ReportRequest,
    tables: &[&str],
) -> Result<Provenance> {
    let mut table_versions = Vec::new();
    for table in tables {
        let state = warehouse.state(table).await?;
        table_versions.push(format!("{table} v{}", state.version));
    }
    Ok(Provenance {
        partition: request.partition.clone(),
        as_of: request.as_of.clone(),
        code_version: request.code_version.clone(),
        run_id: request.run_id.clone(),
        warehouse: warehouse.location().display(),
        table_versions,
    })
}

/// `YYYY-MM` of the month before.
fn previous_month(month: &str) -> String {
    let (y, m) = month.split_once('-').unwrap_or(("0", "1"));
    let (y, m): (i32, u32) = (y.parse().unwrap_or(0), m.parse().unwrap_or(1));
    if m == 1 {
        format!("{:04}-12", y - 1)
    } else {
        format!("{y:04}-{:02}", m - 1)
    }
}
