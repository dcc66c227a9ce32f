//! Anomaly detection on time series (daily cost, kWh, NAB metrics), with no I/O.
//!
//! Pipeline ([`detect`]): expected value per point from earlier points only
//! ([`baseline`], or caller-supplied via [`detect_with_expected`]) → residuals →
//! detector 1, robust z of residuals over a trailing window ([`robust`]) → detector 2, Gaussian
//! mixture density of causal feature vectors ([`density`], linfa-clustering) → combined score
//! ([`combine`]) → anomalies typed as spike / drop / level shift / new-service ramp
//! ([`events`]). Alerts are gated on absolute **and** relative impact ([`gate`]); root causes are
//! ranked by impact across dimension breakdowns ([`attribution`]); [`eval`] scores detections
//! against labelled windows (NAB) and holds the fixed-threshold baseline detector.

pub mod attribution;
pub mod baseline;
pub mod combine;
pub mod config;
pub mod density;
pub mod detector;
pub mod error;
pub mod eval;
pub mod events;
pub mod gate;
pub mod robust;
pub mod signals;
pub mod stats;
pub mod window;

pub use attribution::{Attribution, Breakdown, Contributor, attribute};
pub use config::{AnomalyConfig, BaselineConfig, DensityConfig, EventConfig, RobustConfig};
pub use detector::{Detection, detect, detect_many, detect_with_expected};
pub use error::AnomalyError;
pub use events::{Anomaly, AnomalyKind};
pub use gate::{Alert, AlertGate, gate_alerts};
