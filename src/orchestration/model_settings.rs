//! The `models` section of `orchestration.yaml`: which series `forecast` and `anomalies` jobs
//! model, and when an anomaly becomes an alert.
//!
//! ```yaml
//! models:
//!   forecast:
//!     series:
//!       - { measure: EffectiveCost, by: [total, provider, service] }
//!       - { measure: kwh, by: [total, provider] }
//!   anomalies:
//!     series:
//!       - { measure: EffectiveCost, by: [total, provider, billing_account] }
//!     attribute_by: [service, billing_account, region, usage_type]
//!     top_contributors: 3
//!     min_abs_impact: 100     # billing currency (or kWh, t CO2e) summed since the onset
//!     min_rel_impact: 0.2     # 20 % of what was expected since the onset
//! ```

use jobs::forecasts::SeriesSpec;
use jobs::series::{Dimension, Measure};
use serde::{Deserialize, Serialize};

/// The whole `models` section.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ModelSettings {
    /// What `forecast` jobs forecast.
    #[serde(default)]
    pub forecast: ForecastSettings,
    /// What `anomalies` jobs monitor.
    #[serde(default)]
    pub anomalies: AnomalySettings,
}

/// A measure and the dimensions it is split by (each dimension is one family of series).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SeriesGroup {
    /// `EffectiveCost`, `BilledCost`, `ListCost`, `ContractedCost`, `kwh` or `tco2e`.
    pub measure: Measure,
    /// `total`, `provider`, `billing_account`, `sub_account`, `service`, `region`,
    /// `usage_type` or `tag:<key>`.
    pub by: Vec<Dimension>,
}

impl SeriesGroup {
    fn new(measure: &str, by: &[&str]) -> Self {
        SeriesGroup {
            measure: measure
                .parse()
                .unwrap_or(Measure::Cost("EffectiveCost".into())),
            by: by.iter().filter_map(|d| d.parse().ok()).collect(),
        }
    }
}

/// Every (measure, dimension) family of `groups`, in order, without repeats.
pub fn expand(groups: &[SeriesGroup]) -> Vec<SeriesSpec> {
    let mut out: Vec<SeriesSpec> = Vec::new();
    for g in groups {
        for d in &g.by {
            let spec = SeriesSpec {
                measure: g.measure.clone(),
                dimension: d.clone(),
            };
            if !out.contains(&spec) {
                out.push(spec);
            }
        }
    }
    out
}

/// The `models.forecast` section.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ForecastSettings {
    /// Series to forecast (default: EffectiveCost by total, provider and service; kWh and
    /// t CO2e by total and provider).
    #[serde(default = "default_forecast_series")]
    pub series: Vec<SeriesGroup>,
}

impl Default for ForecastSettings {
    fn default() -> Self {
        ForecastSettings {
            series: default_forecast_series(),
        }
    }
}

fn default_forecast_series() -> Vec<SeriesGroup> {
    vec![
        SeriesGroup::new("EffectiveCost", &["total", "provider", "service"]),
        SeriesGroup::new("kwh", &["total", "provider"]),
        SeriesGroup::new("tco2e", &["total", "provider"]),
    ]
}

/// The `models.anomalies` section.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AnomalySettings {
    /// Monitored series (default: EffectiveCost by total, provider and billing account).
    #[serde(default = "default_anomaly_series")]
    pub series: Vec<SeriesGroup>,
    /// Dimensions ranked as root causes (default: service, billing_account, region,
    /// usage_type).
    #[serde(default = "default_attribute_by")]
    pub attribute_by: Vec<Dimension>,
    /// Contributors kept per dimension (default 3).
    #[serde(default = "default_top")]
    pub top_contributors: usize,
    /// Minimum |impact| since the onset, in the series' unit (default 100).
    #[serde(default = "default_min_abs")]
    pub min_abs_impact: f64,
    /// Minimum |impact| relative to what was expected since the onset (default 0.2 = 20 %).
    #[serde(default = "default_min_rel")]
    pub min_rel_impact: f64,
}

impl Default for AnomalySettings {
    fn default() -> Self {
        AnomalySettings {
            series: default_anomaly_series(),
            attribute_by: default_attribute_by(),
            top_contributors: default_top(),
            min_abs_impact: default_min_abs(),
            min_rel_impact: default_min_rel(),
        }
    }
}

fn default_anomaly_series() -> Vec<SeriesGroup> {
    vec![SeriesGroup::new(
        "EffectiveCost",
        &["total", "provider", "billing_account"],
    )]
}

fn default_attribute_by() -> Vec<Dimension> {
    vec![
        Dimension::Service,
        Dimension::BillingAccount,
        Dimension::Region,
        Dimension::UsageType,
    ]
}

fn default_top() -> usize {
    3
}

fn default_min_abs() -> f64 {
    100.0
}

fn default_min_rel() -> f64 {
    0.2
}

impl ModelSettings {
    /// Problems a config loader cannot see: carbon series split by what the carbon table does
    /// not have, empty series lists, thresholds out of range. Each names its key.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (section, groups) in [
            ("models.forecast.series", &self.forecast.series),
            ("models.anomalies.series", &self.anomalies.series),
        ] {
            if expand(groups).is_empty() {
                out.push(format!("{section}: no series (give at least one `by`)"));
            }
            for g in groups {
                if !matches!(g.measure, Measure::Kwh | Measure::Tco2e) {
                    continue;
                }
                for d in &g.by {
                    if matches!(d, Dimension::SubAccount | Dimension::Tag(_)) {
                        out.push(format!(
                            "{section}: {} cannot be split by `{d}` (the carbon table has \
                             total, provider, billing_account, service, region, usage_type)",
                            g.measure
                        ));
                    }
                }
            }
        }
        let a = &self.anomalies;
        if a.top_contributors == 0 {
            out.push("models.anomalies.top_contributors must be at least 1".into());
        }
        for (key, v) in [
            ("min_abs_impact", a.min_abs_impact),
            ("min_rel_impact", a.min_rel_impact),
        ] {
            if !v.is_finite() || v < 0.0 {
                out.push(format!(
                    "models.anomalies.{key} must be a number ≥ 0 (got {v})"
                ));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_expand_to_families() {
        let settings = ModelSettings::default();
        let forecast: Vec<String> = expand(&settings.forecast.series)
            .iter()
            .map(|s| format!("{}/{}", s.measure, s.dimension))
            .collect();
        assert_eq!(
            forecast,
            [
                "EffectiveCost/total",
                "EffectiveCost/provider",
                "EffectiveCost/service",
                "kwh/total",
                "kwh/provider",
                "tco2e/total",
                "tco2e/provider"
            ]
        );
        assert!(settings.problems().is_empty());
    }

    #[test]
    fn bad_settings_are_named() {
        let yaml = "anomalies:\n  series: [{ measure: kwh, by: [tag:team] }]\n  \
                    top_contributors: 0\n  min_rel_impact: -1\n";
        let settings: ModelSettings = serde_yaml_ng::from_str(yaml).unwrap();
        let problems = settings.problems().join("\n");
        assert!(
            problems.contains("kwh cannot be split by `tag:team`"),
            "{problems}"
        );
        assert!(problems.contains("top_contributors"), "{problems}");
        assert!(problems.contains("min_rel_impact"), "{problems}");
        let err = serde_yaml_ng::from_str::<ModelSettings>(
            "forecast:\n  series: [{ measure: EffectiveCost, by: [servce] }]\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("unknown dimension `servce`"), "{err}");
        assert!(err.contains("line 2"), "{err}");
    }
}
