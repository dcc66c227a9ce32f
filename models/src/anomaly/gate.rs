//! Alert gating: detection decides what is anomalous, the gate decides what is worth a
//! notification (as AWS Cost Anomaly Detection's `ANOMALY_TOTAL_IMPACT_ABSOLUTE` AND
//! `ANOMALY_TOTAL_IMPACT_PERCENTAGE`).
//!
//! For an anomaly starting at `s`, the cumulative impact at `i` is `Σ_{s..=i} (actual −
//! expected)` (expected as before the onset: [`Detection::impact_expected`]) and its relative size is that over `|Σ_{s..=i} expected|`. The alert is raised at
//! the first `i` of the run where **both** `|impact| ≥ min_abs_impact` and `|relative| ≥
//! min_rel_impact`; anomalies that never pass are not alerted (they stay in the detection).

use chrono::NaiveDateTime;

use super::detector::Detection;
use super::events::{Anomaly, relative};
use crate::series::Series;

/// Thresholds an anomaly must pass (both) to be alerted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AlertGate {
    /// Minimum |actual − expected| summed since the onset (series unit: $, kWh, …).
    pub min_abs_impact: f64,
    /// Minimum |actual − expected| / |expected| summed since the onset (0.2 = 20 %).
    pub min_rel_impact: f64,
}

impl AlertGate {
    /// Whether an impact and the expected total it relates to pass both thresholds.
    pub fn passes(&self, impact: f64, expected: f64) -> bool {
        impact.abs() >= self.min_abs_impact
            && relative(impact, expected).abs() >= self.min_rel_impact
    }
}

/// An anomaly that passed the gate.
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    /// The anomaly.
    pub anomaly: Anomaly,
    /// Index of the point at which both thresholds were first passed.
    pub alert_index: usize,
    /// Its timestamp.
    pub alerted_at: NaiveDateTime,
    /// Cumulative impact at the alert.
    pub impact_at_alert: f64,
    /// Cumulative relative impact at the alert.
    pub impact_pct_at_alert: f64,
}

/// The anomalies of `detection` (computed on `series`) that pass `gate`, in time order.
pub fn gate_alerts(series: &Series, detection: &Detection, gate: &AlertGate) -> Vec<Alert> {
    detection
        .anomalies
        .iter()
        .filter_map(|a| {
            let (mut impact, mut expected) = (0.0, 0.0);
            for i in a.start_index..=a.end_index {
                let (y, e) = (series.values[i], detection.impact_expected[i]);
                if y.is_finite() && e.is_finite() {
                    impact += y - e;
                    expected += e;
                }
                if gate.passes(impact, expected) {
                    return Some(Alert {
                        anomaly: a.clone(),
                        alert_index: i,
                        alerted_at: series.timestamps[i],
                        impact_at_alert: impact,
                        impact_pct_at_alert: relative(impact, expected),
                    });
                }
            }
            None
        })
        .collect()
}
