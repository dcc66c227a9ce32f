//! Prediction intervals from out-of-sample errors.
//!
//! An [`ErrorMatrix`] holds, for each rolling forecast origin, the errors `actual − forecast` at
//! steps `1..=k`. [`ErrorMatrix::bands`] turns it into interval offsets per step:
//!
//! 1. a scale per step, `s_k = mean |e_k|`, estimated when at least [`MIN_PER_STEP`] errors
//!    exist at step `k`, extrapolated as `s_K · √(k/K)` beyond the last estimated step `K`, then
//!    made non-decreasing in `k`;
//! 2. standardised errors `e / s_k` pooled over every origin and step (many more samples than any
//!    single step has), and their empirical (conformal-rank) quantiles at 2.5, 10, 90 and 97.5 %;
//! 3. offsets `s_k · q`, asymmetric when the errors are.
//!
//! [`ErrorMatrix::partial_sums`] applies the same method to running sums of errors, which is how a
//! month total's interval accounts for correlated daily errors.

use super::transform::Transform;

/// Minimum number of errors at a step for its own scale estimate.
pub const MIN_PER_STEP: usize = 5;

/// Out-of-sample forecast errors by origin (rows) and step ahead (columns, ragged).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ErrorMatrix {
    rows: Vec<Vec<f64>>,
}

/// Interval offsets to add to a point forecast, one entry per step.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bands {
    /// Offset of the 80 % lower bound (≤ 0).
    pub lo80: Vec<f64>,
    /// Offset of the 80 % upper bound (≥ 0).
    pub hi80: Vec<f64>,
    /// Offset of the 95 % lower bound (≤ 0).
    pub lo95: Vec<f64>,
    /// Offset of the 95 % upper bound (≥ 0).
    pub hi95: Vec<f64>,
}

impl ErrorMatrix {
    /// An empty matrix.
    pub fn new() -> Self {
        ErrorMatrix::default()
    }

    /// Add the errors at steps `1..=errors.len()` of one origin.
    pub fn push(&mut self, errors: Vec<f64>) {
        if !errors.is_empty() {
            self.rows.push(errors);
        }
    }

    /// Number of origins.
    pub fn origins(&self) -> usize {
        self.rows.len()
    }

    /// Longest row.
    pub fn max_steps(&self) -> usize {
        self.rows.iter().map(Vec::len).max().unwrap_or(0)
    }

    /// All errors, origin by origin.
    pub fn iter(&self) -> impl Iterator<Item = &Vec<f64>> {
        self.rows.iter()
    }

    /// Running sums of each row from step `from` (1-based): entry `j` of a row is the sum of its
    /// errors at steps `from..=from + j`. Rows too short to reach `from` are dropped. With
    /// `from = 1` this is the error of a cumulative total after each step.
    pub fn partial_sums(&self, from: usize) -> ErrorMatrix {
        let skip = from.max(1) - 1;
        let rows = self
            .rows
            .iter()
            .filter(|row| row.len() > skip)
            .map(|row| {
                row[skip..]
                    .iter()
                    .scan(0.0, |acc, e| {
                        *acc += e;
                        Some(*acc)
                    })
                    .collect()
            })
            .collect();
        ErrorMatrix { rows }
    }

    /// Interval offsets for steps `1..=h` (all zero when there are no errors at all).
    pub fn bands(&self, h: usize) -> Bands {
        let scales = self.scales(h);
        let mut z: Vec<f64> = Vec::new();
        for row in &self.rows {
            for (k, e) in row.iter().enumerate().take(h.max(1)) {
                if let Some(s) = scales.get(k).filter(|s| **s > 0.0) {
                    z.push(e / s);
                }
            }
        }
        z.sort_by(f64::total_cmp);
        let q = |p: f64| quantile_sorted(&z, p);
        let (lo80, hi80) = (q(0.10).min(0.0), q(0.90).max(0.0));
        let (lo95, hi95) = (q(0.025).min(lo80), q(0.975).max(hi80));
        Bands {
            lo80: scales.iter().map(|s| s * lo80).collect(),
            hi80: scales.iter().map(|s| s * hi80).collect(),
            lo95: scales.iter().map(|s| s * lo95).collect(),
            hi95: scales.iter().map(|s| s * hi95).collect(),
        }
    }

    /// Scale per step `1..=h`: mean absolute error where estimable, `√k` extrapolation beyond,
    /// non-decreasing.
    fn scales(&self, h: usize) -> Vec<f64> {
        let mut scales = vec![0.0; h];
        let mut last: Option<(usize, f64)> = None;
        for (k, slot) in scales.iter_mut().enumerate() {
            let errors: Vec<f64> = self.rows.iter().filter_map(|r| r.get(k).copied()).collect();
            if errors.len() >= MIN_PER_STEP || (last.is_none() && !errors.is_empty()) {
                let s = errors.iter().map(|e| e.abs()).sum::<f64>() / errors.len() as f64;
                *slot = s;
                last = Some((k + 1, s));
            } else if let Some((k0, s0)) = last {
                *slot = s0 * ((k + 1) as f64 / k0 as f64).sqrt();
            }
        }
        for k in 1..h {
            scales[k] = scales[k].max(scales[k - 1]);
        }
        scales
    }
}

/// Empirical quantile of sorted values with conformal ranks: for `p ≥ 0.5` the
/// `⌈p·(n+1)⌉`-th smallest value (the largest when the rank exceeds `n`), for `p < 0.5` the
/// `⌊p·(n+1)⌋`-th smallest (the smallest when the rank is below 1). 0 for no values.
pub fn quantile_sorted(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return 0.0;
    }
    let pos = p * (n + 1) as f64;
    let rank = if p >= 0.5 { pos.ceil() } else { pos.floor() };
    let idx = (rank.max(1.0) as usize).min(n) - 1;
    sorted[idx]
}

impl Bands {
    /// Apply the offsets to `point` (original scale) on the scale of `transform`:
    /// `inverse(forward(point) + offset)`, clipped at zero when `clip` is set.
    pub fn apply(&self, point: &[f64], transform: Transform, clip: bool) -> [Vec<f64>; 4] {
        let f = |off: &[f64]| -> Vec<f64> {
            point
                .iter()
                .zip(off.iter().chain(std::iter::repeat(&0.0)))
                .map(|(p, o)| {
                    let v = transform.inverse(transform.forward(*p) + o);
                    if clip { v.max(0.0) } else { v }
                })
                .collect()
        };
        [f(&self.lo80), f(&self.hi80), f(&self.lo95), f(&self.hi95)]
    }
}
