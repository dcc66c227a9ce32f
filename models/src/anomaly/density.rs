//! Detector 2: Gaussian mixture density (linfa-clustering `GaussianMixtureModel`) of the
//! feature vectors of [`super::signals`], refitted on a trailing window of past points only.
//!
//! Fit schedule over the scored points: first fit once `min_train` points exist, then refit when
//! the points since the last fit reach `min(points at last fit, refit_every)` (the training set
//! doubles early on, then slides). Each fit uses at most the last `train_window` points before
//! the fit, evenly thinned to at most [`MAX_FIT_ROWS`] rows (random-responsibility EM start,
//! fixed seed); a point is scored by the latest model fitted strictly before it. With `Q50` and
//! `Q99` the median and 99th percentile of the training points' negative log-likelihood (NLL),
//! the score is `max(0, (NLL − Q50) / (Q99 − Q50))`: 1 = as unlikely as the 1 % least likely
//! training points. Fits that fail (degenerate data) retry with one component, then keep the
//! previous model.

use linfa::DatasetBase;
use linfa::prelude::*;
use linfa_clustering::{GaussianMixtureModel, GmmInitMethod};
use ndarray::Array2;

use super::config::DensityConfig;
use super::stats::quantile;

/// Variance added to the covariance diagonals: features are log-compressed z's, so this keeps
/// a resolution of about 0.3 (z ≈ 0.35 near 0) on degenerate data (flat or inactive series).
pub const REG_COVARIANCE: f64 = 0.1;

/// Smallest `Q99 − Q50` of the training NLL (nats) used to scale scores.
pub const MIN_NLL_SPREAD: f64 = 1.0;

/// Most training rows per fit (longer windows are thinned evenly).
pub const MAX_FIT_ROWS: usize = 400;

/// A fitted mixture reduced to what the log-density needs.
struct Mixture {
    /// Per component: ln weight, mean, precision (row-major d×d), ln det(precision).
    components: Vec<(f64, Vec<f64>, Vec<f64>, f64)>,
    dim: usize,
    /// Median of the training points' negative log-likelihood.
    nll_median: f64,
    /// 99th percentile minus median of the same.
    nll_scale: f64,
}

impl Mixture {
    fn fit(rows: &[f64], dim: usize, cfg: &DensityConfig) -> Option<Mixture> {
        let total = rows.len() / dim;
        let stride = total.div_ceil(MAX_FIT_ROWS).max(1);
        let thinned: Vec<f64> = rows
            .chunks_exact(dim)
            .step_by(stride)
            .flatten()
            .copied()
            .collect();
        let n = thinned.len() / dim;
        let records = Array2::from_shape_vec((n, dim), thinned).ok()?;
        let dataset = DatasetBase::from(records);
        let fit = |k: usize| {
            GaussianMixtureModel::params(k)
                .max_n_iterations(cfg.max_iterations)
                .tolerance(1e-3)
                .reg_covariance(REG_COVARIANCE)
                .init_method(GmmInitMethod::Random)
                .fit(&dataset)
                .ok()
        };
        let gmm = fit(cfg.components.min(n / 4).max(1)).or_else(|| fit(1))?;
        let mut components = Vec::with_capacity(gmm.weights().len());
        for (k, w) in gmm.weights().iter().enumerate() {
            let mean = gmm.means().row(k).to_vec();
            let prec: Vec<f64> = gmm
                .precisions()
                .index_axis(ndarray::Axis(0), k)
                .iter()
                .copied()
                .collect();
            let log_det = log_det_spd(&prec, dim)?;
            components.push((w.max(1e-300).ln(), mean, prec, log_det));
        }
        let mut mix = Mixture {
            components,
            dim,
            nll_median: 0.0,
            nll_scale: 1.0,
        };
        let nll: Vec<f64> = rows.chunks_exact(dim).map(|x| mix.nll(x)).collect();
        let med = quantile(&nll, 0.5)?;
        mix.nll_median = med;
        mix.nll_scale = (quantile(&nll, 0.99)? - med).max(MIN_NLL_SPREAD);
        Some(mix)
    }

    /// Negative log-likelihood of one feature vector.
    fn nll(&self, x: &[f64]) -> f64 {
        let d = self.dim;
        let c0 = d as f64 * (2.0 * std::f64::consts::PI).ln();
        let mut logs = Vec::with_capacity(self.components.len());
        for (ln_w, mean, prec, log_det) in &self.components {
            let mut q = 0.0;
            for i in 0..d {
                let di = x[i] - mean[i];
                for j in 0..d {
                    q += di * prec[i * d + j] * (x[j] - mean[j]);
                }
            }
            logs.push(ln_w - 0.5 * (c0 - log_det + q));
        }
        let m = logs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if !m.is_finite() {
            return f64::INFINITY;
        }
        -(m + logs.iter().map(|l| (l - m).exp()).sum::<f64>().ln())
    }

    fn score(&self, x: &[f64]) -> f64 {
        ((self.nll(x) - self.nll_median) / self.nll_scale).max(0.0)
    }
}

/// ln det of a symmetric positive-definite d×d matrix (row-major) by Cholesky; `None` if not SPD.
fn log_det_spd(a: &[f64], d: usize) -> Option<f64> {
    let mut l = vec![0.0; d * d];
    let mut log_det = 0.0;
    for i in 0..d {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i * d + k] * l[j * d + k]).sum();
            if i == j {
                let v = a[i * d + i] - s;
                if v <= 0.0 || !v.is_finite() {
                    return None;
                }
                l[i * d + i] = v.sqrt();
                log_det += 2.0 * l[i * d + i].ln();
            } else {
                l[i * d + j] = (a[i * d + j] - s) / l[j * d + j];
            }
        }
    }
    Some(log_det)
}

/// Outcome of [`density_scores`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DensityRun {
    /// One score per feature row (`NaN` before the first successful fit).
    pub scores: Vec<f64>,
    /// Successful fits.
    pub fits: usize,
    /// Fit attempts that failed.
    pub failed_fits: usize,
}

/// Scores every row of `rows` (row-major, `dim` features) with models fitted on earlier rows
/// whose `trainable` flag is set (inactive points — nothing expected, nothing observed — are not
/// trainable: a model of an inactive regime would find all activity unlikely). The schedule of
/// the module docs counts trainable rows.
pub fn density_scores(
    rows: &[f64],
    dim: usize,
    trainable: &[bool],
    cfg: &DensityConfig,
) -> DensityRun {
    let dim = dim.max(1);
    let n = rows.len() / dim;
    let mut run = DensityRun {
        scores: vec![f64::NAN; n],
        ..DensityRun::default()
    };
    let mut model: Option<Mixture> = None;
    let mut seen: Vec<usize> = Vec::new();
    let mut at_last_fit = 0usize;
    let mut train = Vec::new();
    for i in 0..n {
        let due = if at_last_fit == 0 {
            seen.len() >= cfg.min_train
        } else {
            seen.len() - at_last_fit >= at_last_fit.min(cfg.refit_every)
        };
        if due {
            train.clear();
            for &r in &seen[seen.len().saturating_sub(cfg.train_window)..] {
                train.extend_from_slice(&rows[r * dim..(r + 1) * dim]);
            }
            match Mixture::fit(&train, dim, cfg) {
                Some(m) => {
                    model = Some(m);
                    run.fits += 1;
                }
                None => run.failed_fits += 1,
            }
            at_last_fit = seen.len();
        }
        if let Some(m) = &model {
            run.scores[i] = m.score(&rows[i * dim..(i + 1) * dim]);
        }
        if trainable.get(i).copied().unwrap_or(true) {
            seen.push(i);
        }
    }
    run
}
