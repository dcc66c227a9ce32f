//! Daily series out of the warehouse, the input of forecasting and anomaly detection: one
//! series per value of a dimension (or one total), every day of the range present (days without
//! rows are 0), in a deterministic order. Cost measures come from the `cost` table, energy and
//! emissions from the `carbon` table.

use crate::error::{JobError, Result};
use chrono::NaiveDate;
use polars::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use warehouse::Warehouse;
use warehouse::schema::{CARBON_TABLE, COST_TABLE};

/// What a series is split by, by its configuration name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Dimension {
    /// `total`: one series, everything.
    Total,
    /// `provider`: aws, azure, gcp, oci, or the FOCUS provider.
    Provider,
    /// `billing_account`: the payer / billing account.
    BillingAccount,
    /// `sub_account`: linked account, subscription, project, compartment.
    SubAccount,
    /// `service`: `ServiceName`.
    Service,
    /// `region`: `RegionId`.
    Region,
    /// `usage_type`: the CUR usage type, else the SKU meter (cost); the usage kind (carbon).
    UsageType,
    /// `tag:<key>`: the value of a (normalised) tag key; untagged cost is the empty key.
    Tag(String),
}

impl Dimension {
    /// Every name [`FromStr`] accepts, for help and error messages.
    pub const NAMES: &'static str =
        "total, provider, billing_account, sub_account, service, region, usage_type, tag:<key>";

    /// The key of a cost-table row (a raw `Tags` JSON for tags, resolved by [`tag_value`]).
    fn cost_key(&self) -> Expr {
        let text = |c: &str| col(c).cast(DataType::String).fill_null(lit(""));
        match self {
            Dimension::Total => lit("total"),
            Dimension::Provider => text("provider"),
            Dimension::BillingAccount => text("billing_account"),
            Dimension::SubAccount => text("SubAccountId"),
            Dimension::Service => text("ServiceName"),
            Dimension::Region => text("RegionId"),
            Dimension::UsageType => col("x_UsageType")
                .cast(DataType::String)
                .fill_null(col("SkuMeter").cast(DataType::String))
                .fill_null(lit("")),
            Dimension::Tag(_) => text("Tags"),
        }
    }

    /// The key of a carbon-table row, if the carbon table has this dimension.
    fn carbon_key(&self) -> Option<Expr> {
        let text = |c: &str| Some(col(c).cast(DataType::String).fill_null(lit("")));
        match self {
            Dimension::Total => Some(lit("total")),
            Dimension::Provider => text("provider"),
            Dimension::BillingAccount => text("billing_account"),
            Dimension::Service => text("service_name"),
            Dimension::Region => text("region_id"),
            Dimension::UsageType => text("usage_kind"),
            Dimension::SubAccount | Dimension::Tag(_) => None,
        }
    }
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Dimension::Total => "total",
            Dimension::Provider => "provider",
            Dimension::BillingAccount => "billing_account",
            Dimension::SubAccount => "sub_account",
            Dimension::Service => "service",
            Dimension::Region => "region",
            Dimension::UsageType => "usage_type",
            Dimension::Tag(key) => return write!(f, "tag:{key}"),
        };
        f.write_str(name)
    }
}

impl FromStr for Dimension {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, String> {
        Ok(match s {
            "total" => Dimension::Total,
            "provider" => Dimension::Provider,
            "billing_account" => Dimension::BillingAccount,
            "sub_account" => Dimension::SubAccount,
            "service" => Dimension::Service,
            "region" => Dimension::Region,
            "usage_type" => Dimension::UsageType,
            other => match other.strip_prefix("tag:") {
                Some(key) if !key.trim().is_empty() => {
                    Dimension::Tag(crate::ingest::normalize::normalize_tag_key(key))
                }
                _ => {
                    return Err(format!(
                        "unknown dimension `{other}` (one of {})",
                        Dimension::NAMES
                    ));
                }
            },
        })
    }
}

impl TryFrom<String> for Dimension {
    type Error = String;

    fn try_from(s: String) -> std::result::Result<Self, String> {
        s.parse()
    }
}

impl From<Dimension> for String {
    fn from(d: Dimension) -> String {
        d.to_string()
    }
}

impl DailySeries {
    /// The series for the models: each day at midnight (UTC), the values as they are.
    pub fn to_series(&self) -> models::series::Series {
        models::series::Series::new(
            self.days
                .iter()
                .map(|d| d.and_time(chrono::NaiveTime::MIN))
                .collect(),
            self.values.clone(),
        )
    }
}

/// Decimal places series values are summed with (t CO2e rows can be 1e-9).
const SERIES_SCALE: usize = 12;

/// What is summed per day.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Measure {
    /// A cost-table money column: `EffectiveCost` (amortised) or `BilledCost` (invoiced).
    Cost(String),
    /// `kwh`: estimated energy (carbon table).
    Kwh,
    /// `tco2e`: location-based operational emissions plus embodied (carbon table).
    Tco2e,
}

impl Measure {
    /// Every name [`FromStr`] accepts.
    pub const NAMES: &'static str =
        "EffectiveCost, BilledCost, ListCost, ContractedCost, kwh, tco2e";

    fn table(&self) -> &'static str {
        match self {
            Measure::Cost(_) => COST_TABLE,
            Measure::Kwh | Measure::Tco2e => CARBON_TABLE,
        }
    }

    /// The per-row value as a decimal: a parallel sum of floats depends on the order rows
    /// arrive in, a sum of decimals does not, so the same warehouse gives the same series (and
    /// the same forecasts, anomalies and reports) every time.
    fn value(&self) -> Expr {
        let exact = |c: &str| {
            col(c)
                .cast(DataType::Decimal(38, SERIES_SCALE))
                .fill_null(lit(0).cast(DataType::Decimal(38, SERIES_SCALE)))
        };
        match self {
            Measure::Cost(c) => exact(c),
            Measure::Kwh => exact("kwh"),
            Measure::Tco2e => exact("location_tco2e") + exact("embodied_tco2e"),
        }
    }

    fn day(&self) -> Expr {
        match self {
            Measure::Cost(_) => col("ChargePeriodStart").dt().date(),
            Measure::Kwh | Measure::Tco2e => col("day").cast(DataType::Date),
        }
    }
}

impl fmt::Display for Measure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Measure::Cost(c) => f.write_str(c),
            Measure::Kwh => f.write_str("kwh"),
            Measure::Tco2e => f.write_str("tco2e"),
        }
    }
}

impl FromStr for Measure {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "EffectiveCost" | "BilledCost" | "ListCost" | "ContractedCost" => {
                Ok(Measure::Cost(s.to_string()))
            }
            "kwh" => Ok(Measure::Kwh),
            "tco2e" => Ok(Measure::Tco2e),
            other => Err(format!(
                "unknown measure `{other}` (one of {})",
                Measure::NAMES
            )),
        }
    }
}

impl TryFrom<String> for Measure {
    type Error = String;

    fn try_from(s: String) -> std::result::Result<Self, String> {
        s.parse()
    }
}

impl From<Measure> for String {
    fn from(m: Measure) -> String {
        m.to_string()
    }
}

/// One family of series: a measure split by a dimension.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SeriesSpec {
    /// What is summed per day.
    pub measure: Measure,
    /// What it is split by.
    pub dimension: Dimension,
}

/// One daily series of one dimension value.
#[derive(Debug, Clone, PartialEq)]
pub struct DailySeries {
    /// The dimension value (`total` for [`Dimension::Total`], empty for rows without one).
    pub key: String,
    /// Consecutive days.
    pub days: Vec<NaiveDate>,
    /// Σ of the measure per day.
    pub values: Vec<f64>,
}

/// Daily Σ of `measure` per value of `dimension`, over billing periods `from..=to` (`YYYY-MM`,
/// all when `None`), each series spanning the first to the last day with rows.
///
/// # Errors
/// Warehouse or polars failures; a dimension the measure's table does not have (sub-accounts
/// and tags of carbon) is a bad value.
pub async fn daily_series(
    warehouse: &Warehouse,
    dimension: &Dimension,
    measure: &Measure,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<Vec<DailySeries>> {
    let grouped = grouped(warehouse, measure, [&Dimension::Total, dimension], from, to).await?;
    Ok(grouped.into_iter().map(|(_, series)| series).collect())
}

/// Every series of every family over billing periods through `through`, in family order,
/// announcing each family as a `progress` phase.
///
/// # Errors
/// As [`daily_series`].
pub async fn read_families(
    warehouse: &Warehouse,
    families: &[SeriesSpec],
    through: &str,
    progress: &dyn crate::ingest::Progress,
) -> Result<Vec<(SeriesSpec, DailySeries)>> {
    // one scan per measure: its daily sums by every dimension its families split by, from which
    // each family is a small regrouping (a scan of the cost table per family was most of a
    // nightly forecast)
    let mut measures: Vec<&Measure> = families.iter().map(|f| &f.measure).collect();
    measures.sort();
    measures.dedup();
    let mut cubes = BTreeMap::new();
    for measure in measures {
        progress.phase(&format!("reading {measure}"));
        let mut dims = vec![Dimension::Total];
        for f in families.iter().filter(|f| &f.measure == measure) {
            if !dims.contains(&f.dimension) {
                dims.push(f.dimension.clone());
            }
        }
        let cube = DailyCube::read(warehouse, measure, dims, None, Some(through)).await?;
        cubes.insert(measure.clone(), cube);
    }
    let mut out = Vec::new();
    for spec in families {
        let Some(cube) = cubes.get(&spec.measure).and_then(Option::as_ref) else {
            continue;
        };
        for (_, s) in cube.series([&Dimension::Total, &spec.dimension]).await? {
            out.push((spec.clone(), s));
        }
    }
    Ok(out)
}

/// Like [`daily_series`] split by `inner`, within each value of `outer`: `(outer value, series
/// of one inner value)` pairs, ordered by both. The breakdowns of a series for attribution.
///
/// # Errors
/// As [`daily_series`].
pub async fn daily_series_within(
    warehouse: &Warehouse,
    outer: &Dimension,
    inner: &Dimension,
    measure: &Measure,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<Vec<(String, DailySeries)>> {
    grouped(warehouse, measure, [outer, inner], from, to).await
}

/// The series of `measure` per `(dims[0], dims[1])` value pair; the series' key is the second.
async fn grouped(
    warehouse: &Warehouse,
    measure: &Measure,
    dims: [&Dimension; 2],
    from: Option<&str>,
    to: Option<&str>,
) -> Result<Vec<(String, DailySeries)>> {
    let cube = DailyCube::read(
        warehouse,
        measure,
        dims.map(Clone::clone).to_vec(),
        from,
        to,
    );
    match cube.await? {
        Some(cube) => cube.series(dims).await,
        None => Ok(Vec::new()),
    }
}

/// Exact daily sums of a measure by a set of dimensions (`k0`, `k1`, … in the order given, `day`,
/// `value` as a decimal): one scan of the table, regrouped for each family in memory.
struct DailyCube {
    dims: Vec<Dimension>,
    sums: DataFrame,
}

impl DailyCube {
    /// Scans the measure's table over billing periods `from..=to`; `None` when the table has
    /// no such measure yet (no carbon estimated).
    async fn read(
        warehouse: &Warehouse,
        measure: &Measure,
        dims: Vec<Dimension>,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<Option<Self>> {
        let mut keys = Vec::with_capacity(dims.len() + 1);
        for (i, dimension) in dims.iter().enumerate() {
            let key = match measure {
                Measure::Cost(_) => dimension.cost_key(),
                Measure::Kwh | Measure::Tco2e => {
                    dimension.carbon_key().ok_or_else(|| JobError::BadValue {
                        file: "config".into(),
                        row: 0,
                        column: "series".into(),
                        reason: format!(
                            "the carbon table has no `{dimension}` split for {measure}"
                        ),
                    })?
                }
            };
            keys.push(key.alias(format!("k{i}")));
        }
        let lf = warehouse
            .scan(measure.table())
            .billing_periods(from, to)
            .lazy()
            .await?;
        if measure.table() == CARBON_TABLE && !lf.clone().collect_schema()?.contains("kwh") {
            return Ok(None); // no carbon estimated yet: no series
        }
        keys.push(measure.day().alias("day"));
        let names: Vec<Expr> = (0..dims.len())
            .map(|i| col(format!("k{i}")))
            .chain([col("day")])
            .collect();
        let mut select = keys;
        select.push(measure.value().alias("value"));
        let sums = lf.select(select).group_by(names).agg([col("value").sum()]);
        let sums = crate::blocking::collect_streaming(sums).await?;
        Ok(Some(Self { dims, sums }))
    }

    /// The series per `(dims[0], dims[1])` value pair (both among the cube's dimensions); the
    /// series' key is the second.
    async fn series(&self, dims: [&Dimension; 2]) -> Result<Vec<(String, DailySeries)>> {
        let column = |d: &Dimension| {
            self.dims
                .iter()
                .position(|x| x == d)
                .map(|i| col(format!("k{i}")))
                .ok_or_else(|| {
                    JobError::Polars(PolarsError::ComputeError(
                        format!("{d} is not a dimension of the daily sums").into(),
                    ))
                })
        };
        let (c0, c1) = (column(dims[0])?, column(dims[1])?);
        let grouped = self
            .sums
            .clone()
            .lazy()
            .group_by([c0.alias("k0"), c1.alias("k1"), col("day")])
            .agg([col("value").sum().cast(DataType::Float64)])
            .with_column(col("day").cast(DataType::String))
            .sort(["k0", "k1", "day"], SortMultipleOptions::default());
        let df = crate::blocking::run(move || grouped.collect()).await??;
        to_series(&df, dims)
    }
}

/// `(outer, series)` pairs from `k0`, `k1`, `day` (`YYYY-MM-DD`) and `value` columns, each
/// series spanning its first to its last day with zeros where a day has no rows.
fn to_series(df: &DataFrame, dims: [&Dimension; 2]) -> Result<Vec<(String, DailySeries)>> {
    let k0 = df.column("k0")?.str()?.clone();
    let k1 = df.column("k1")?.str()?.clone();
    let days = df.column("day")?.str()?.clone();
    let values = df.column("value")?.f64()?.clone();
    let resolve = |dimension: &Dimension, k: &str| match dimension {
        Dimension::Tag(tag) => tag_value(k, tag),
        _ => k.to_string(),
    };
    let mut by_key: BTreeMap<(String, String), BTreeMap<NaiveDate, f64>> = BTreeMap::new();
    for i in 0..df.height() {
        let (Some(a), Some(b), Some(d)) = (k0.get(i), k1.get(i), days.get(i)) else {
            continue;
        };
        let day = NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|e| {
            JobError::Polars(PolarsError::ComputeError(format!("day {d}: {e}").into()))
        })?;
        let key = (resolve(dims[0], a), resolve(dims[1], b));
        *by_key.entry(key).or_default().entry(day).or_default() += values.get(i).unwrap_or(0.0);
    }
    Ok(by_key
        .into_iter()
        .filter_map(|((outer, key), points)| {
            let (first, last) = (*points.keys().next()?, *points.keys().next_back()?);
            let days: Vec<NaiveDate> = first.iter_days().take_while(|d| *d <= last).collect();
            let values = days
                .iter()
                .map(|d| points.get(d).copied().unwrap_or(0.0))
                .collect();
            Some((outer, DailySeries { key, days, values }))
        })
        .collect())
}

/// The latest day with cost rows (`YYYY-MM-DD`), if any: where a demo or a catch-up report
/// run starts from.
///
/// # Errors
/// Warehouse or polars failures.
pub async fn latest_cost_day(warehouse: &Warehouse) -> Result<Option<String>> {
    let lf = warehouse.scan(COST_TABLE).lazy().await?;
    let df = crate::blocking::collect_streaming(
        lf.select([col("ChargePeriodStart")
            .max()
            .dt()
            .to_string("%Y-%m-%d")
            .alias("day")]),
    )
    .await?;
    Ok(df.column("day")?.str()?.get(0).map(str::to_string))
}

/// The value of tag `key` in a `Tags` JSON object (empty when absent or not an object);
/// booleans and numbers as their JSON text.
fn tag_value(tags: &str, key: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(tags) {
        Ok(serde_json::Value::Object(map)) => match map.get(key) {
            Some(serde_json::Value::String(v)) => v.clone(),
            Some(serde_json::Value::Null) | None => String::new(),
            Some(other) => other.to_string(),
        },
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{IngestRequest, NoProgress, SourceKind, ingest};
    use std::path::Path;
    use std::sync::Arc;

    #[test]
    fn dimension_and_measure_names_round_trip() {
        for name in [
            "total",
            "provider",
            "billing_account",
            "sub_account",
            "service",
            "region",
            "usage_type",
            "tag:team",
        ] {
            let d: Dimension = name.parse().unwrap();
            assert_eq!(d.to_string(), name);
        }
        assert_eq!(
            "tag:user:Cost Center".parse::<Dimension>().unwrap(),
            Dimension::Tag("cost_center".into())
        );
        let err = "servce".parse::<Dimension>().unwrap_err();
        assert!(err.contains("unknown dimension `servce`") && err.contains("tag:<key>"));
        assert!("tag:".parse::<Dimension>().is_err());
        for name in ["EffectiveCost", "BilledCost", "kwh", "tco2e"] {
            assert_eq!(name.parse::<Measure>().unwrap().to_string(), name);
        }
        assert!("Cost".parse::<Measure>().is_err());
    }

    #[test]
    fn tag_values_come_from_the_tags_object() {
        assert_eq!(tag_value(r#"{"team":"web","env":"prod"}"#, "team"), "web");
        assert_eq!(tag_value(r#"{"flag":true}"#, "flag"), "true");
        assert_eq!(tag_value(r#"{"env":"prod"}"#, "team"), "");
        assert_eq!(tag_value("", "team"), "");
        assert_eq!(tag_value("not json", "team"), "");
    }

    /// The WorkshopCUR's daily total from the warehouse equals the independently derived
    /// `daily_cost_total.csv` (Σ line_item_unblended_cost per usage day; models' fixtures).
    #[tokio::test]
    async fn the_daily_total_matches_the_independent_fixture() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let dir = tempfile::tempdir().unwrap();
        let wh = Warehouse::open(dir.path().to_str().unwrap()).unwrap();
        let request = IngestRequest {
            kind: SourceKind::AwsCur,
            path: root.join("examples/exports/cur_workshop"),
            run_id: "series-test".into(),
            fail_point: None,
            force: false,
            fx: None,
        };
        ingest(&wh, request, Arc::new(NoProgress)).await.unwrap();
        let billed = Measure::Cost("BilledCost".into());
        let series = daily_series(&wh, &Dimension::Total, &billed, None, None)
            .await
            .unwrap();
        assert_eq!(series.len(), 1);
        let total = &series[0];
        let text = std::fs::read_to_string(
            root.join("models/tests/fixtures/cur_workshop/daily_cost_total.csv"),
        )
        .unwrap();
        let expected: Vec<(String, f64)> = text
            .lines()
            .skip(1)
            .map(|l| {
                let (d, v) = l.split_once(',').unwrap();
                (d.to_string(), v.parse().unwrap())
            })
            .collect();
        assert_eq!(total.days.len(), expected.len());
        for ((day, value), (d, v)) in total.days.iter().zip(&total.values).zip(&expected) {
            assert_eq!(day.to_string(), *d);
            assert!((value - v).abs() < 1e-4, "{d}: {value} vs {v}");
        }
        let by_provider = daily_series(
            &wh,
            &Dimension::Provider,
            &"EffectiveCost".parse().unwrap(),
            None,
            None,
        )
        .await
        .unwrap();
        assert_eq!(by_provider.len(), 1);
        assert_eq!(by_provider[0].key, "aws");
        assert_eq!(by_provider[0].days, total.days);
    }
}
