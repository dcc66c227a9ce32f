//! Watts per vCPU and memory per chip of a processor group (methodology §2.2).

use crate::tables::Coefficients;
use crate::usage::Provider;

/// Min and max watts per vCPU of a processor group.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProcessorWatts {
    /// Watts per vCPU at idle.
    pub min: f64,
    /// Watts per vCPU at 100 %.
    pub max: f64,
    /// The provider's unknown-processor watts were used.
    pub fallback: bool,
}

/// CCF's group watts: the arithmetic mean of the members' min and of their max watts, the median
/// when the group contains Sandy Bridge or Ivy Bridge (GCP n1: 1.00 / 4.74 W). An empty group,
/// or one with any member missing from the provider's table (CCF's mean becomes NaN), falls back
/// to the provider's unknown-processor watts — in both modes, flagged.
pub fn processor_watts(
    provider: Provider,
    processors: &[String],
    c: &Coefficients,
) -> ProcessorWatts {
    let watts: Option<Vec<(f64, f64)>> = processors.iter().map(|p| c.watts(provider, p)).collect();
    match watts.filter(|w| !w.is_empty()) {
        Some(w) => {
            let (mins, maxs): (Vec<f64>, Vec<f64>) = w.into_iter().unzip();
            let use_median = processors
                .iter()
                .any(|p| p == "Sandy Bridge" || p == "Ivy Bridge");
            let pick = if use_median { median } else { mean };
            ProcessorWatts {
                min: pick(&mins),
                max: pick(&maxs),
                fallback: false,
            }
        }
        None => {
            let k = c.constants(provider);
            ProcessorWatts {
                min: k.unknown_min_watts,
                max: k.unknown_max_watts,
                fallback: true,
            }
        }
    }
}

/// GB of memory per physical chip of a processor group: the mean over its members (CCF never uses
/// the median here), else the provider's unknown-processor value; `(None, _)` for GCP. The flag
/// says whether the fallback was used.
pub fn gb_per_chip(
    provider: Provider,
    processors: &[String],
    c: &Coefficients,
) -> (Option<f64>, bool) {
    let values: Option<Vec<f64>> = processors
        .iter()
        .map(|p| c.gb_per_chip(provider, p))
        .collect();
    match values.filter(|v| !v.is_empty()) {
        Some(v) => (Some(mean(&v)), false),
        None => (c.constants(provider).unknown_gb_per_chip, true),
    }
}

/// Sum left to right, divided by the count (ramda's `mean`).
fn mean(values: &[f64]) -> f64 {
    values.iter().fold(0.0, |sum, v| sum + v) / values.len() as f64
}

/// The middle value, or the mean of the two middle values (ramda's `median`).
fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        mean(&sorted[mid - 1..=mid])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn mean_of_a_group() {
        let c = Coefficients::ccf_app();
        // Cascade Lake 0.64/3.97, Skylake 0.65/4.26: (0.64+0.65)/2 = 0.645, (3.97+4.26)/2 = 4.115
        let w = processor_watts(Provider::Aws, &names(&["Cascade Lake", "Skylake"]), c);
        assert!((w.min - 0.645).abs() < 1e-15 && (w.max - 4.115).abs() < 1e-15);
        assert!(!w.fallback);
    }

    #[test]
    fn median_when_sandy_or_ivy_bridge_is_in_the_group() {
        let c = Coefficients::ccf_app();
        let n1 = names(&[
            "Skylake",
            "Broadwell",
            "Haswell",
            "Sandy Bridge",
            "Ivy Bridge",
        ]);
        // mins 0.65 0.71 1.00 2.17 3.04 → 1.00; maxs 3.69 4.26 4.74 8.25 8.58 → 4.74
        let w = processor_watts(Provider::Gcp, &n1, c);
        assert_eq!((w.min, w.max), (1.0, 4.74));
        // even count: mean of the middle two; Haswell 1.00/4.74, Ivy 3.04/8.25 → 2.02 / 6.495
        let w = processor_watts(Provider::Aws, &names(&["Ivy Bridge", "Haswell"]), c);
        assert!((w.min - 2.02).abs() < 1e-15 && (w.max - 6.495).abs() < 1e-15);
    }

    #[test]
    fn a_missing_member_or_empty_group_falls_back() {
        let c = Coefficients::ccf_app();
        let w = processor_watts(Provider::Aws, &names(&["Cascade Lake", "Ice Lake"]), c);
        assert_eq!((w.min, w.max, w.fallback), (0.74, 3.5, true));
        let w = processor_watts(Provider::Gcp, &[], c);
        assert_eq!((w.min, w.max, w.fallback), (0.68, 4.11, true));
    }

    #[test]
    fn gb_per_chip_is_a_mean_with_fallback() {
        let c = Coefficients::ccf_app();
        // (98.12 + 81.32) / 2 = 89.72
        let (gb, fb) = gb_per_chip(Provider::Aws, &names(&["Cascade Lake", "Skylake"]), c);
        assert!((gb.expect("AWS has GB per chip") - 89.72).abs() < 1e-12 && !fb);
        assert_eq!(
            gb_per_chip(Provider::Azure, &names(&["Unknown"]), c),
            (Some(80.47), true)
        );
        assert_eq!(
            gb_per_chip(Provider::Gcp, &names(&["Skylake"]), c),
            (None, true)
        );
    }
}
