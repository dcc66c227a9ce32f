//! Evaluation against labelled anomaly windows (NAB style) and the fixed-threshold baseline
//! detector the models are compared with.

pub mod fixed;
pub mod windows;
pub mod windows_json;

pub use fixed::{FixedThreshold, onsets};
pub use windows::{LabelledWindow, WindowScore, probationary_points, score_windows};
pub use windows_json::parse_windows_json;
