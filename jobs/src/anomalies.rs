//! The anomalies job: every monitored daily series (from [`crate::series`]) is scored through
//! the partition's month, the anomalies are gated by absolute and relative impact, and each is
//! attributed to the dimension values that explain it, as AWS Cost Anomaly Detection does. Rows
//! go to the `anomalies` table, partition `provider=all/billing_account=all/billing_period=
//! <month>`: the anomalies whose onset or alert falls in that month (so a nightly re-run of the
//! month replaces them, and consecutive months do not repeat one).

use crate::error::{JobError, Result};
use crate::ingest::Progress;
use crate::series::{Dimension, Measure, SeriesSpec, daily_series_within, read_families};
use chrono::NaiveDateTime;
use models::anomaly::{
    Alert, AlertGate, Anomaly, AnomalyConfig, Attribution, Breakdown, Contributor, attribute,
    detect, gate_alerts,
};
use models::series::Series;
use polars::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::Arc;
use warehouse::Warehouse;

/// Name of the anomalies table.
pub const ANOMALIES_TABLE: &str = "anomalies";

/// What to monitor and when to alert.
#[derive(Debug, Clone)]
pub struct AnomalyRequest {
    /// Run id recorded on every row.
    pub run_id: String,
    /// Billing period (`YYYY-MM`): history through it is scored, its anomalies are written.
    pub through: String,
    /// Monitored series families.
    pub monitors: Vec<SeriesSpec>,
    /// Dimensions whose values are ranked as contributors (those a measure's table lacks are
    /// skipped: carbon has no sub-accounts or tags).
    pub attribute_by: Vec<Dimension>,
    /// Contributors kept per dimension.
    pub top_contributors: usize,
    /// Alert thresholds (both must pass).
    pub gate: AlertGate,
    /// greenops version and commit.
    pub code_version: String,
}

/// What an anomalies run found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AnomalySummary {
    /// Series scored.
    pub series: usize,
    /// Anomalies of the month written.
    pub anomalies: usize,
    /// Of them, those that passed the gate.
    pub alerts: usize,
}

/// One anomaly of one series, with its alert and root causes.
#[derive(Debug, Clone)]
struct Finding {
    spec: SeriesSpec,
    key: String,
    anomaly: Anomaly,
    alert: Option<Alert>,
    ongoing: bool,
    training: (NaiveDateTime, NaiveDateTime),
    attribution: Option<Attribution>,
}

/// Scores every monitored series, attributes the month's anomalies and commits them.
///
/// # Errors
/// Warehouse, polars or model failures; [`JobError::Cancelled`] when `progress` asks to stop
/// before the commit (nothing is committed then).
pub async fn detect_anomalies(
    warehouse: &Warehouse,
    request: &AnomalyRequest,
    progress: &dyn Progress,
) -> Result<AnomalySummary> {
    let inputs = read_families(warehouse, &request.monitors, &request.through, progress).await?;
    let mut summary = AnomalySummary {
        series: inputs.len(),
        ..Default::default()
    };
    let totals: Arc<BTreeMap<(SeriesSpec, String), Series>> = Arc::new(
        inputs
            .into_iter()
            .map(|(spec, s)| ((spec, s.key.clone()), s.to_series()))
            .collect(),
    );
    progress.phase("scoring");
    let (through, gate, scored) = (request.through.clone(), request.gate, totals.clone());
    let mut findings = crate::blocking::run(move || {
        let mut out = Vec::new();
        for ((spec, key), series) in scored.iter() {
            out.extend(score(spec, key, series, &gate, &through)?);
        }
        Ok::<_, JobError>(out)
    })
    .await??;
    progress.phase("attributing");
    attribute_all(warehouse, request, &totals, &mut findings).await?;
    summary.anomalies = findings.len();
    summary.alerts = findings.iter().filter(|f| f.alert.is_some()).count();
    if progress.should_stop() {
        return Err(JobError::Cancelled);
    }
    progress.phase("committing");
    let df = frame(request, &findings)?;
    crate::derived::commit_period(
        warehouse,
        ANOMALIES_TABLE,
        &request.run_id,
        &request.through,
        df,
    )
    .await?;
    Ok(summary)
}

/// The anomalies of one series whose onset or alert is in `month`.
fn score(
    spec: &SeriesSpec,
    key: &str,
    series: &Series,
    gate: &AlertGate,
    month: &str,
) -> Result<Vec<Finding>> {
    let (Some(first), Some(last)) = (series.timestamps.first(), series.timestamps.last()) else {
        return Ok(Vec::new());
    };
    let training = (*first, *last);
    let config = AnomalyConfig::for_series(series);
    let detection = detect(series, &config).map_err(|e| {
        JobError::Polars(PolarsError::ComputeError(
            format!(
                "anomalies of {} by {}={key}: {e}",
                spec.measure, spec.dimension
            )
            .into(),
        ))
    })?;
    let alerts = gate_alerts(series, &detection, gate);
    let in_month = |t: &NaiveDateTime| t.format("%Y-%m").to_string() == month;
    Ok(detection
        .anomalies
        .iter()
        .filter_map(|a| {
            let alert = alerts
                .iter()
                .find(|al| al.anomaly.start_index == a.start_index)
                .cloned();
            let relevant =
                in_month(&a.start) || alert.as_ref().is_some_and(|al| in_month(&al.alerted_at));
            relevant.then(|| Finding {
                spec: spec.clone(),
                key: key.to_string(),
                anomaly: a.clone(),
                alert,
                ongoing: a.end_index + 1 == series.len(),
                training,
                attribution: None,
            })
        })
        .collect())
}

/// Ranks the contributors of every finding; breakdowns are read once per monitored family and
/// attribution dimension, and only for families with findings.
async fn attribute_all(
    warehouse: &Warehouse,
    request: &AnomalyRequest,
    totals: &BTreeMap<(SeriesSpec, String), Series>,
    findings: &mut [Finding],
) -> Result<()> {
    let mut families: Vec<SeriesSpec> = findings.iter().map(|f| f.spec.clone()).collect();
    families.sort();
    families.dedup();
    for spec in families {
        let carbon = matches!(spec.measure, Measure::Kwh | Measure::Tco2e);
        // outer value → breakdowns within it
        let mut breakdowns: BTreeMap<String, Vec<Breakdown>> = BTreeMap::new();
        for by in &request.attribute_by {
            let lacks = carbon && matches!(by, Dimension::SubAccount | Dimension::Tag(_));
            if *by == spec.dimension || lacks {
                continue;
            }
            let within = daily_series_within(
                warehouse,
                &spec.dimension,
                by,
                &spec.measure,
                None,
                Some(&request.through),
            )
            .await?;
            for (outer, s) in within {
                let series = s.to_series();
                let label = if s.key.is_empty() { "(none)" } else { &s.key };
                breakdowns.entry(outer).or_default().push(Breakdown::new(
                    by.to_string(),
                    label,
                    series,
                ));
            }
        }
        let top = request.top_contributors;
        for f in findings.iter_mut().filter(|f| f.spec == spec) {
            let total = totals.get(&(f.spec.clone(), f.key.clone()));
            let (Some(total), Some(parts)) = (total, breakdowns.get(&f.key)) else {
                continue;
            };
            let cfg = AnomalyConfig::for_series(total).baseline;
            f.attribution = Some(attribute(
                total,
                parts,
                f.anomaly.start,
                f.anomaly.end,
                &cfg,
                top,
            ));
        }
    }
    Ok(())
}

/// Deterministic id of an anomaly: its series and onset.
fn anomaly_id(f: &Finding) -> String {
    let text = format!(
        "{}|{}|{}|{}",
        f.spec.measure,
        f.spec.dimension,
        f.key,
        f.anomaly.start.date()
    );
    hex::encode(&Sha256::digest(text.as_bytes())[..8])
}

/// The table's rows, in (measure, dimension, key, onset) order.
fn frame(request: &AnomalyRequest, findings: &[Finding]) -> Result<DataFrame> {
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    sorted.sort_by(|a, b| {
        (&a.spec.measure, &a.spec.dimension, &a.key, a.anomaly.start).cmp(&(
            &b.spec.measure,
            &b.spec.dimension,
            &b.key,
            b.anomaly.start,
        ))
    });
    let n = sorted.len();
    let text = |get: &dyn Fn(&Finding) -> String| -> Vec<String> {
        sorted.iter().map(|f| get(f)).collect()
    };
    let float =
        |get: &dyn Fn(&Finding) -> f64| -> Vec<f64> { sorted.iter().map(|f| get(f)).collect() };
    let leads: Vec<Option<&Contributor>> = sorted
        .iter()
        .map(|f| f.attribution.as_ref().and_then(|a| a.contributors.first()))
        .collect();
    let lead_text = |get: fn(&Contributor) -> String| -> Vec<Option<String>> {
        leads.iter().map(|c| c.map(get)).collect()
    };
    let day = |t: NaiveDateTime| t.date().to_string();
    let df = DataFrame::new_infer_height(vec![
        Column::new("anomaly_id".into(), text(&anomaly_id)),
        Column::new("measure".into(), text(&|f| f.spec.measure.to_string())),
        Column::new("dimension".into(), text(&|f| f.spec.dimension.to_string())),
        Column::new("key".into(), text(&|f| f.key.clone())),
        Column::new("kind".into(), text(&|f| f.anomaly.kind.as_str().into())),
        Column::new(
            "kind_confirmed".into(),
            sorted
                .iter()
                .map(|f| f.anomaly.kind_confirmed)
                .collect::<Vec<_>>(),
        ),
        Column::new("start_day".into(), text(&|f| day(f.anomaly.start))),
        Column::new("end_day".into(), text(&|f| day(f.anomaly.end))),
        Column::new(
            "ongoing".into(),
            sorted.iter().map(|f| f.ongoing).collect::<Vec<_>>(),
        ),
        Column::new(
            "alerted".into(),
            sorted.iter().map(|f| f.alert.is_some()).collect::<Vec<_>>(),
        ),
        Column::new(
            "alerted_day".into(),
            sorted
                .iter()
                .map(|f| f.alert.as_ref().map(|a| day(a.alerted_at)))
                .collect::<Vec<_>>(),
        ),
        Column::new("actual".into(), float(&|f| f.anomaly.actual)),
        Column::new("expected".into(), float(&|f| f.anomaly.expected)),
        Column::new("impact".into(), float(&|f| f.anomaly.impact)),
        Column::new(
            "impact_pct".into(),
            sorted
                .iter()
                .map(|f| Some(f.anomaly.impact_pct).filter(|p| p.is_finite()))
                .collect::<Vec<_>>(),
        ),
        Column::new("peak_score".into(), float(&|f| f.anomaly.peak_score)),
        Column::new("top_dimension".into(), lead_text(|c| c.dimension.clone())),
        Column::new("top_value".into(), lead_text(|c| c.value.clone())),
        Column::new(
            "top_impact".into(),
            leads
                .iter()
                .map(|c| c.map(|c| c.impact))
                .collect::<Vec<_>>(),
        ),
        Column::new("contributors".into(), text(&contributors_json)),
        Column::new(
            "min_abs_impact".into(),
            vec![request.gate.min_abs_impact; n],
        ),
        Column::new(
            "min_rel_impact".into(),
            vec![request.gate.min_rel_impact; n],
        ),
        Column::new("training_start".into(), text(&|f| day(f.training.0))),
        Column::new("training_end".into(), text(&|f| day(f.training.1))),
        Column::new(
            "detector".into(),
            vec!["robust-z(median/MAD)+linfa-gmm; seasonal baseline"; n],
        ),
        Column::new(
            "code_version".into(),
            vec![request.code_version.as_str(); n],
        ),
        Column::new("run_id".into(), vec![request.run_id.as_str(); n]),
    ])?;
    Ok(df)
}

/// Ranked contributors as a JSON array of `{dimension, value, actual, expected, impact, share}`.
fn contributors_json(f: &Finding) -> String {
    let list: Vec<serde_json::Value> = f
        .attribution
        .iter()
        .flat_map(|a| &a.contributors)
        .map(|c| {
            serde_json::json!({
                "dimension": c.dimension, "value": c.value, "actual": c.actual,
                "expected": c.expected, "impact": c.impact, "share": c.share,
            })
        })
        .collect();
    serde_json::Value::Array(list).to_string()
}
