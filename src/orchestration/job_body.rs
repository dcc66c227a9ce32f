//! What a run of each job type does, given its partition. The executor around it handles the
//! ledger, heartbeats, timeouts and retries.

use super::config::{CarbonSettings, JobConfig, JobKind, SourceConfig, SourceKindName};
use super::faults::Fault;
use jobs::JobError;
use jobs::ingest::{IngestRequest, Progress, SourceKind, ingest};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use warehouse::{Blame, Warehouse};

/// What a successful run records.
#[derive(Debug, Clone, Default)]
pub struct JobOutput {
    /// Input checksums and locations.
    pub inputs: serde_json::Value,
    /// Output tables, versions, row counts.
    pub outputs: serde_json::Value,
}

/// Why a run failed, and whether trying again may help.
#[derive(Debug, Clone)]
pub struct RunError {
    /// Message for the ledger and the failure email.
    pub message: String,
    /// Retryable (storage, network, timeouts, a lost worker) or not (bad input, bad config).
    pub transient: bool,
    /// Stopped at a safe point because of a cancel request.
    pub cancelled: bool,
}

impl RunError {
    /// A retryable failure.
    pub fn transient(message: impl Into<String>) -> Self {
        RunError {
            message: message.into(),
            transient: true,
            cancelled: false,
        }
    }

    /// A failure retrying cannot fix.
    pub fn permanent(message: impl Into<String>) -> Self {
        RunError {
            message: message.into(),
            transient: false,
            cancelled: false,
        }
    }

    pub(crate) fn from_job(e: &JobError) -> Self {
        if matches!(e, JobError::Cancelled) {
            return RunError {
                message: e.to_string(),
                transient: false,
                cancelled: true,
            };
        }
        let transient = e.blame() == Blame::External;
        RunError {
            message: e.to_string(),
            transient,
            cancelled: false,
        }
    }
}

/// The ledger's view of a report partition, for "send once unless asked".
#[derive(Debug, Clone, Default)]
pub struct DeliveryContext {
    /// When an earlier run of this job and partition sent it, if one did.
    pub sent_before: Option<String>,
    /// The run was asked to send again (`greenops run --resend`).
    pub resend: bool,
    /// Who approved this run (approval-required jobs).
    pub approver: Option<String>,
}

/// Everything a job body needs.
#[derive(Debug, Clone)]
pub struct BodyContext {
    /// The job's config.
    pub config: JobConfig,
    /// Its source, for ingest jobs.
    pub source: Option<SourceConfig>,
    /// The config's `carbon` section, for carbon jobs.
    pub carbon: CarbonSettings,
    /// The config's `models` section, for forecast and anomalies jobs.
    pub models: super::model_settings::ModelSettings,
    /// The config's `reports` section, for report jobs.
    pub reports: super::report_settings::ReportSettings,
    /// The config's `notifications` section (sender and outbox defaults).
    pub notifications: super::config::Notifications,
    /// What the ledger says about earlier sends of this report partition.
    pub delivery: DeliveryContext,
    /// Partition key.
    pub partition: String,
    /// Ledger run id (also the warehouse commit's run id).
    pub run_id: String,
    /// Attempt number.
    pub attempt: i64,
    /// Warehouse URL.
    pub warehouse: String,
    /// Set when the run must stop at its next safe point.
    pub stop: Arc<AtomicBool>,
    /// Injected faults.
    pub faults: Vec<Fault>,
}

/// Runs the job's work.
///
/// # Errors
/// [`RunError`] classified as transient or permanent.
pub async fn run(ctx: BodyContext) -> Result<JobOutput, RunError> {
    inject(&ctx).await?;
    match ctx.config.kind {
        JobKind::Ingest => run_ingest(&ctx).await,
        JobKind::Carbon => run_carbon(&ctx).await,
        JobKind::Forecast => run_forecast(&ctx).await,
        JobKind::Anomalies => run_anomalies(&ctx).await,
        JobKind::Report => super::report_job::run_report(&ctx).await,
    }
}

async fn inject(ctx: &BodyContext) -> Result<(), RunError> {
    for fault in &ctx.faults {
        match fault {
            Fault::Transient(n) if ctx.attempt <= *n => {
                return Err(RunError::transient(format!(
                    "injected transient failure (attempt {} of the first {n})",
                    ctx.attempt
                )));
            }
            Fault::Transient(_) => {}
            Fault::Fail => return Err(RunError::permanent("injected permanent failure")),
            Fault::Sleep(d) => tokio::time::sleep(*d).await,
            Fault::Hang => {
                // a stuck blocking call: only the executor's timeout gets the run back
                let _never = tokio::task::spawn_blocking(|| {
                    loop {
                        std::thread::park();
                    }
                })
                .await;
            }
        }
    }
    Ok(())
}

/// Resolves the source URL for a partition: `{partition}`, `{year}`, `{month}`, `{day}`.
pub fn source_path(url: &str, partition: &str) -> String {
    let mut parts = partition.split('-');
    let (year, month, day) = (parts.next(), parts.next(), parts.next());
    url.replace("{partition}", partition)
        .replace("{year}", year.unwrap_or(""))
        .replace("{month}", month.unwrap_or(""))
        .replace("{day}", day.unwrap_or(""))
}

async fn run_ingest(ctx: &BodyContext) -> Result<JobOutput, RunError> {
    let source = ctx
        .source
        .as_ref()
        .ok_or_else(|| RunError::permanent("ingest job without a source"))?;
    let mut credentials = Vec::new();
    for (passed_as, variable) in &source.credentials {
        if std::env::var_os(variable).is_none() {
            return Err(RunError::permanent(format!(
                "source credential {passed_as}: environment variable {variable} is not set"
            )));
        }
        credentials.push(variable.clone());
    }
    let location = source_path(&source.url, &ctx.partition);
    let path = match location.split_once("://") {
        None => PathBuf::from(&location),
        Some(("file", rest)) => PathBuf::from(rest),
        Some((scheme, _)) => {
            return Err(RunError::permanent(format!(
                "source {location}: {scheme}:// sources are not read directly yet; sync the \
                 export to a local folder (e.g. `aws s3 sync`) and point the source there"
            )));
        }
    };
    let kind = match source.kind {
        SourceKindName::Focus => SourceKind::Focus,
        SourceKindName::AwsCur => SourceKind::AwsCur,
        SourceKindName::Azure => SourceKind::Azure,
        SourceKindName::Gcp => SourceKind::Gcp,
        SourceKindName::Oci => SourceKind::Oci,
    };
    let wh = Warehouse::open(&ctx.warehouse).map_err(|e| RunError::from_job(&e.into()))?;
    wh.recover(warehouse::schema::COST_TABLE)
        .await
        .map_err(|e| RunError::from_job(&e.into()))?;
    let request = IngestRequest {
        kind,
        path,
        run_id: ctx.run_id.clone(),
        fail_point: None,
        force: false,
        fx: None,
    };
    let summary = ingest(&wh, request, Arc::new(StopFlag(ctx.stop.clone())))
        .await
        .map_err(|e| RunError::from_job(&e))?;
    let inputs = serde_json::json!({
        "source": location,
        "credentials_from": credentials,
        "files": summary.sources.iter().map(|s| serde_json::to_value(s).unwrap_or_default()).collect::<Vec<_>>(),
    });
    let outputs = serde_json::json!({
        "table": warehouse::schema::COST_TABLE,
        "version": summary.version,
        "rows": summary.rows,
        "partitions": summary.partitions,
        "billing_periods": summary.billing_periods,
        "accounts": summary.accounts,
    });
    Ok(JobOutput { inputs, outputs })
}

/// Carbon for the billing month of the partition (a daily partition estimates its month), then
/// that month's ESG row. Mode, market factors and base year come from the config's `carbon`
/// section (market factors also from `GREENOPS_MARKET_FACTORS`).
async fn run_carbon(ctx: &BodyContext) -> Result<JobOutput, RunError> {
    let month = ctx.partition.get(..7).unwrap_or(&ctx.partition).to_string();
    let wh = Warehouse::open(&ctx.warehouse).map_err(|e| RunError::from_job(&e.into()))?;
    let market_path = ctx
        .carbon
        .market_factors
        .clone()
        .or_else(|| std::env::var_os("GREENOPS_MARKET_FACTORS").map(PathBuf::from));
    let request = jobs::carbon::CarbonRequest {
        run_id: ctx.run_id.clone(),
        mode: ctx.carbon.mode.mode(),
        from: Some(month.clone()),
        to: Some(month.clone()),
        market: market_path
            .map(|path| jobs::carbon::MarketFactors::load(&path))
            .transpose()
            .map_err(|e| RunError::from_job(&e))?,
    };
    let summary = jobs::carbon::estimate_carbon(&wh, request, &StopFlag(ctx.stop.clone()))
        .await
        .map_err(|e| RunError::from_job(&e))?;
    let esg = jobs::carbon::build_esg_monthly(
        &wh,
        &ctx.run_id,
        Some(&month),
        Some(&month),
        ctx.carbon.base_year,
    )
    .await
    .map_err(|e| RunError::from_job(&e))?;
    Ok(JobOutput {
        inputs: serde_json::json!({ "table": warehouse::schema::COST_TABLE, "billing_period": month }),
        outputs: serde_json::json!({
            "table": warehouse::schema::CARBON_TABLE, "rows": summary.rows,
            "partitions": summary.partitions, "kwh": summary.totals.kwh,
            "location_tco2e": summary.totals.location_t, "embodied_tco2e": summary.totals.embodied_t,
            "mode": jobs::carbon::mode_name(summary.mode), "coefficients": summary.coefficients,
            "esg_monthly": esg.iter().map(|m| &m.period).collect::<Vec<_>>(),
        }),
    })
}

/// Daily forecasts of the `models.forecast` series from the history through the partition's
/// month to the end of the next, and month-total projections.
async fn run_forecast(ctx: &BodyContext) -> Result<JobOutput, RunError> {
    let month = ctx.partition.get(..7).unwrap_or(&ctx.partition).to_string();
    let wh = Warehouse::open(&ctx.warehouse).map_err(|e| RunError::from_job(&e.into()))?;
    let request = jobs::forecasts::ForecastRequest {
        run_id: ctx.run_id.clone(),
        through: month.clone(),
        series: super::model_settings::expand(&ctx.models.forecast.series),
        code_version: super::identity::code_version(),
    };
    let summary = jobs::forecasts::forecast_costs(&wh, &request, &StopFlag(ctx.stop.clone()))
        .await
        .map_err(|e| RunError::from_job(&e))?;
    Ok(JobOutput {
        inputs: serde_json::json!({
            "tables": [warehouse::schema::COST_TABLE, warehouse::schema::CARBON_TABLE],
            "through": month,
        }),
        outputs: serde_json::json!({
            "tables": [jobs::forecasts::FORECASTS_TABLE, jobs::forecasts::PROJECTIONS_TABLE],
            "series": summary.series, "rows": summary.rows,
            "projections": summary.projections, "fallbacks": summary.fallbacks,
            "stale": summary.stale,
        }),
    })
}

/// Scores the `models.anomalies` series through the partition's month and writes that month's
/// anomalies, gated and attributed.
async fn run_anomalies(ctx: &BodyContext) -> Result<JobOutput, RunError> {
    let month = ctx.partition.get(..7).unwrap_or(&ctx.partition).to_string();
    let wh = Warehouse::open(&ctx.warehouse).map_err(|e| RunError::from_job(&e.into()))?;
    let settings = &ctx.models.anomalies;
    let request = jobs::anomalies::AnomalyRequest {
        run_id: ctx.run_id.clone(),
        through: month.clone(),
        monitors: super::model_settings::expand(&settings.series),
        attribute_by: settings.attribute_by.clone(),
        top_contributors: settings.top_contributors,
        gate: models::anomaly::AlertGate {
            min_abs_impact: settings.min_abs_impact,
            min_rel_impact: settings.min_rel_impact,
        },
        code_version: super::identity::code_version(),
    };
    let summary = jobs::anomalies::detect_anomalies(&wh, &request, &StopFlag(ctx.stop.clone()))
        .await
        .map_err(|e| RunError::from_job(&e))?;
    Ok(JobOutput {
        inputs: serde_json::json!({ "table": warehouse::schema::COST_TABLE, "through": month }),
        outputs: serde_json::json!({
            "table": jobs::anomalies::ANOMALIES_TABLE, "series": summary.series,
            "anomalies": summary.anomalies, "alerts": summary.alerts,
        }),
    })
}

/// Progress sink that only answers "should I stop?".
pub(crate) struct StopFlag(pub(crate) Arc<AtomicBool>);

impl Progress for StopFlag {
    fn start(&self, _: usize, _: u64) {}
    fn rows(&self, _: u64) {}
    fn phase(&self, _: &str) {}
    fn should_stop(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_placeholders() {
        assert_eq!(
            source_path("exports/{partition}/", "2024-03"),
            "exports/2024-03/"
        );
        assert_eq!(
            source_path("cur/year={year}/month={month}", "2024-03"),
            "cur/year=2024/month=03"
        );
        assert_eq!(source_path("plain", "2024-03-05"), "plain");
    }
}
