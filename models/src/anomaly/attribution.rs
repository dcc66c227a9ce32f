//! Root-cause attribution: which dimension values (service, account, region, usage type…)
//! moved the total, ranked by their own deviation from their own expected value — the way AWS
//! Cost Anomaly Detection names root causes by dollar impact.
//!
//! For every breakdown series, `impact = Σ (actual − expected)` over the points whose timestamps
//! fall in the anomaly's `[start, end]`, with `expected` from [`super::baseline`] using only the
//! points before `start` (as the detector's impacts; a series with no earlier points expected
//! nothing, i.e. 0 — a new service). Contributors
//! are ranked by impact in the direction of the total's deviation (largest first); `share` is a
//! contributor's impact over the total's impact, so the shares within one dimension sum to about
//! 1 when the breakdown is complete. The `top_n` best values of each dimension are returned.
//! Dimensions with a single value (one payer account, no usage types) restate the total and
//! are ranked after every informative one.

use chrono::NaiveDateTime;

use super::baseline::{Scratch, expected_at};
use super::config::BaselineConfig;
use crate::series::Series;

/// One slice of the total: `dimension` = `value` (e.g. `service` = `AmazonEC2`).
#[derive(Debug, Clone, PartialEq)]
pub struct Breakdown {
    /// Dimension name (`service`, `account`, `region`, `usage_type`, …).
    pub dimension: String,
    /// Value within the dimension.
    pub value: String,
    /// The slice's series (same cadence as the total; may start later).
    pub series: Series,
}

impl Breakdown {
    /// A breakdown from its parts.
    pub fn new(dimension: impl Into<String>, value: impl Into<String>, series: Series) -> Self {
        Breakdown {
            dimension: dimension.into(),
            value: value.into(),
            series,
        }
    }
}

/// A ranked contributor.
#[derive(Debug, Clone, PartialEq)]
pub struct Contributor {
    /// Dimension name.
    pub dimension: String,
    /// Value within the dimension.
    pub value: String,
    /// Actual total over the window.
    pub actual: f64,
    /// Expected total over the window.
    pub expected: f64,
    /// `actual − expected`.
    pub impact: f64,
    /// `impact / total impact` (0 when the total did not deviate).
    pub share: f64,
}

/// Attribution of one anomaly window.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribution {
    /// Actual total of the total series over the window.
    pub total_actual: f64,
    /// Expected total of the total series over the window.
    pub total_expected: f64,
    /// `total_actual − total_expected`.
    pub total_impact: f64,
    /// Top contributors of each dimension, ordered by impact in the direction of the total's
    /// deviation (largest first, across dimensions).
    pub contributors: Vec<Contributor>,
}

impl Attribution {
    /// Contributors of one dimension, best first.
    pub fn in_dimension<'a>(&'a self, dimension: &'a str) -> impl Iterator<Item = &'a Contributor> {
        self.contributors
            .iter()
            .filter(move |c| c.dimension == dimension)
    }
}

/// Sums of actual and expected over the points of `series` in `[start, end]`.
fn window_sums(
    series: &Series,
    cfg: &BaselineConfig,
    start: NaiveDateTime,
    end: NaiveDateTime,
) -> (f64, f64) {
    let lo = series.timestamps.partition_point(|t| *t < start);
    let hi = series.timestamps.partition_point(|t| *t <= end);
    if lo >= hi {
        return (0.0, 0.0);
    }
    let mut scratch = Scratch::default();
    let finite = |v: f64| if v.is_finite() { v } else { 0.0 };
    (lo..hi).fold((0.0, 0.0), |(a, e), i| {
        let expected = expected_at(&series.values, lo, i, cfg, &mut scratch);
        (a + finite(series.values[i]), e + finite(expected))
    })
}

/// Ranks `breakdowns` by their impact over `[start, end]` (see the module docs).
pub fn attribute(
    total: &Series,
    breakdowns: &[Breakdown],
    start: NaiveDateTime,
    end: NaiveDateTime,
    cfg: &BaselineConfig,
    top_n: usize,
) -> Attribution {
    let (total_actual, total_expected) = window_sums(total, cfg, start, end);
    let total_impact = total_actual - total_expected;
    let direction = if total_impact < 0.0 { -1.0 } else { 1.0 };
    let mut all: Vec<Contributor> = breakdowns
        .iter()
        .map(|b| {
            let (actual, expected) = window_sums(&b.series, cfg, start, end);
            let impact = actual - expected;
            let share = if total_impact != 0.0 {
                impact / total_impact
            } else {
                0.0
            };
            Contributor {
                dimension: b.dimension.clone(),
                value: b.value.clone(),
                actual,
                expected,
                impact,
                share,
            }
        })
        .collect();
    // a dimension with one value is the whole total again and explains nothing: rank it last
    let single = |dimension: &str| {
        breakdowns
            .iter()
            .filter(|b| b.dimension == dimension)
            .count()
            < 2
    };
    all.sort_by(|a, b| {
        single(&a.dimension)
            .cmp(&single(&b.dimension))
            .then((direction * b.impact).total_cmp(&(direction * a.impact)))
    });
    let mut kept: Vec<(String, usize)> = Vec::new();
    let contributors = all
        .into_iter()
        .filter(|c| match kept.iter_mut().find(|(d, _)| *d == c.dimension) {
            Some((_, k)) if *k >= top_n => false,
            Some((_, k)) => {
                *k += 1;
                true
            }
            None if top_n == 0 => false,
            None => {
                kept.push((c.dimension.clone(), 1));
                true
            }
        })
        .collect();
    Attribution {
        total_actual,
        total_expected,
        total_impact,
        contributors,
    }
}
