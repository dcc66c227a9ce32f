//! The fixed-threshold baseline detector, and detection onsets from per-point flags.

use crate::anomaly::events::flag_runs;
use crate::anomaly::stats::mean_std;

/// Flags values outside `mean ± sigmas·σ` of a training prefix (the first `train_fraction` of
/// the series); the prefix itself is never flagged. The classic static threshold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FixedThreshold {
    /// Fraction of the series used to estimate mean and σ (NAB's probationary 15 %).
    pub train_fraction: f64,
    /// Width of the band in standard deviations.
    pub sigmas: f64,
}

impl Default for FixedThreshold {
    fn default() -> Self {
        FixedThreshold {
            train_fraction: 0.15,
            sigmas: 3.0,
        }
    }
}

impl FixedThreshold {
    /// Per-point flags (all false when the prefix has fewer than two finite values).
    pub fn flags(&self, values: &[f64]) -> Vec<bool> {
        let train = ((values.len() as f64 * self.train_fraction) as usize)
            .max(2)
            .min(values.len());
        let Some((mean, std)) = mean_std(&values[..train]).filter(|_| train >= 2) else {
            return vec![false; values.len()];
        };
        values
            .iter()
            .enumerate()
            .map(|(i, v)| i >= train && v.is_finite() && (v - mean).abs() > self.sigmas * std)
            .collect()
    }
}

/// Onset index of each run of flags (runs separated by ≤ `merge_gap` unflagged points merge),
/// the detections a per-point detector reports.
pub fn onsets(flags: &[bool], merge_gap: usize) -> Vec<usize> {
    flag_runs(flags, merge_gap)
        .into_iter()
        .map(|(s, _)| s)
        .collect()
}
