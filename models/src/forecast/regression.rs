//! ElasticNet (linfa) fit of the differenced design, on standardised columns.
//!
//! Columns and target are divided by their root mean square over the training rows (no centring
//! and no intercept: the drift column carries the constant, so it is penalised like every other
//! coefficient and shrinks towards the naive forecast). Penalties are given as fractions of
//! `λ_max = max_j |x_jᵀy| / (n · l1_ratio)`, the smallest penalty with all coefficients zero, so the
//! same grid suits every series.

use linfa::DatasetBase;
use linfa::traits::Fit;
use linfa_elasticnet::ElasticNet;
use ndarray::{Array1, Array2, ShapeBuilder};

use super::error::ForecastError;
use crate::features::Design;

/// A design scaled for fitting, stored column-major (what coordinate descent reads).
#[derive(Debug, Clone)]
pub struct Scaled {
    x: Array2<f64>,
    y: Array1<f64>,
    x_scale: Vec<f64>,
    y_scale: f64,
}

/// Fitted coefficients in original units (`Δy` per unit of each differenced feature).
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    /// One coefficient per design column.
    pub coef: Vec<f64>,
    /// Absolute penalty used (on the standardised problem).
    pub penalty: f64,
}

impl Scaled {
    /// Standardise `design`.
    pub fn new(design: &Design) -> Result<Self, ForecastError> {
        let (rows, cols) = (design.rows, design.cols);
        let rms = |sum_sq: f64| {
            let r = (sum_sq / rows.max(1) as f64).sqrt();
            if r > 1e-12 && r.is_finite() { r } else { 1.0 }
        };
        let mut x_scale = vec![0.0; cols];
        for row in design.x.chunks_exact(cols.max(1)) {
            for (s, v) in x_scale.iter_mut().zip(row) {
                *s += v * v;
            }
        }
        let x_scale: Vec<f64> = x_scale.into_iter().map(rms).collect();
        let mut data = vec![0.0; rows * cols];
        for (r, row) in design.x.chunks_exact(cols.max(1)).enumerate() {
            for (c, v) in row.iter().enumerate() {
                data[c * rows + r] = v / x_scale[c];
            }
        }
        let x = Array2::from_shape_vec((rows, cols).f(), data)
            .map_err(|e| ForecastError::Fit(e.to_string()))?;
        let y_scale = rms(design.target.iter().map(|v| v * v).sum());
        let y = design.target.iter().map(|v| v / y_scale).collect();
        Ok(Scaled {
            x,
            y,
            x_scale,
            y_scale,
        })
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.y.len()
    }

    /// A copy in which only the columns marked in `keep` remain (the others are zeroed, so the
    /// solver leaves their coefficients at zero).
    pub fn restricted(&self, keep: &[bool]) -> Scaled {
        let mut out = self.clone();
        for (c, mut col) in out.x.columns_mut().into_iter().enumerate() {
            if !keep.get(c).copied().unwrap_or(false) {
                col.fill(0.0);
            }
        }
        out
    }

    /// `λ_max` for this L1 ratio (0 when the target is orthogonal to every column).
    pub fn lambda_max(&self, l1_ratio: f64) -> f64 {
        let n = self.rows().max(1) as f64;
        let xty = self.x.t().dot(&self.y);
        let max = xty.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
        max / (n * l1_ratio.max(1e-3))
    }

    /// Fit with `penalty_ratio · λ_max` and `l1_ratio`; a ratio ≥ 1, an empty design or a zero
    /// target give all-zero coefficients (the naive forecast) without calling the solver.
    pub fn fit(
        &self,
        penalty_ratio: f64,
        l1_ratio: f64,
        max_iterations: u32,
        tolerance: f64,
    ) -> Result<Fitted, ForecastError> {
        let cols = self.x_scale.len();
        let lambda_max = self.lambda_max(l1_ratio);
        let penalty = penalty_ratio * lambda_max;
        if penalty_ratio >= 1.0 || lambda_max <= 0.0 || self.rows() == 0 || cols == 0 {
            return Ok(Fitted {
                coef: vec![0.0; cols],
                penalty,
            });
        }
        let dataset = DatasetBase::new(self.x.view(), self.y.view());
        let model = ElasticNet::params()
            .penalty(penalty)
            .l1_ratio(l1_ratio)
            .with_intercept(false)
            .max_iterations(max_iterations)
            .tolerance(tolerance)
            .fit(&dataset)
            .map_err(|e| ForecastError::Fit(e.to_string()))?;
        let coef = model
            .hyperplane()
            .iter()
            .zip(&self.x_scale)
            .map(|(w, s)| w * self.y_scale / s)
            .collect();
        Ok(Fitted { coef, penalty })
    }
}
