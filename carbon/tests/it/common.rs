//! Helpers shared by the hand-worked example tests.

use carbon::estimate::Estimate;
use carbon::tables::Coefficients;
use carbon::usage::{Provider, Usage};

/// Relative tolerance of the parity tests (methodology §6 "Precision for parity tests").
pub const REL_TOL: f64 = 1e-12;

/// Asserts `actual` equals `expected` within [`REL_TOL`] (exactly, when `expected` is 0).
#[track_caller]
pub fn assert_close(actual: f64, expected: f64) {
    let ok = if expected == 0.0 {
        actual == 0.0
    } else {
        ((actual - expected) / expected).abs() <= REL_TOL
    };
    assert!(ok, "{actual:e} is not {expected:e} (rel. tol. {REL_TOL:e})");
}

/// A compute row of `hours` on an instance type, as the classifiers build it: vCPU-hours from
/// the table's vCPUs (burstable: × baseline ÷ 50), processors from the table.
pub fn instance_row(provider: Provider, name: &str, hours: f64) -> Usage {
    let c = Coefficients::ccf_app();
    let it = c
        .instance(provider, name)
        .expect("instance type in the tables");
    let per_hour = it
        .burstable_baseline_pct
        .map_or(it.vcpu, |b| it.vcpu * (b / 50.0));
    Usage::Compute {
        vcpu_hours: per_hour * hours,
        instance_hours: hours,
        instance_type: Some(it.name.clone()),
        processors: it.processors.clone(),
    }
}

/// The estimate carrying `flag`, if any.
pub fn with_flag<'a>(estimates: &'a [Estimate], flag: &str) -> Option<&'a Estimate> {
    estimates.iter().find(|e| e.flags.contains(&flag))
}
