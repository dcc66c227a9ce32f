//! Scores of one method over all origins of a backtest.

use crate::metrics::{bias, coverage, mase, msis, smape, wape};

/// Accuracy of one method over a backtest.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MethodScores {
    /// Method name.
    pub method: String,
    /// Mean over origins of the MASE (scale: in-sample seasonal-naive MAE before each origin).
    pub mase: Option<f64>,
    /// Mean over origins of the M4 sMAPE (percent).
    pub smape: Option<f64>,
    /// WAPE over all forecast points (percent).
    pub wape: Option<f64>,
    /// Bias over all forecast points (percent, positive = over-forecast).
    pub bias: Option<f64>,
    /// Share of actuals inside the 80 % interval.
    pub coverage80: Option<f64>,
    /// Share of actuals inside the 95 % interval.
    pub coverage95: Option<f64>,
    /// Mean over origins of the MSIS of the 95 % interval.
    pub msis: Option<f64>,
    /// Origins at which the forecaster reported a fallback.
    pub fallbacks: usize,
}

/// All scores of a backtest.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BacktestReport {
    /// Origins evaluated.
    pub origins: usize,
    /// Steps forecast from each origin.
    pub horizon: usize,
    /// The evaluated forecaster.
    pub model: MethodScores,
    /// Naive baseline (last value).
    pub naive: MethodScores,
    /// Seasonal-naive baseline (period [`super::BacktestConfig::season`]).
    pub seasonal_naive: MethodScores,
}

/// Collects one method's forecasts origin by origin.
#[derive(Debug, Default)]
pub(crate) struct Accumulator {
    mase: Vec<f64>,
    smape: Vec<f64>,
    msis: Vec<f64>,
    actual: Vec<f64>,
    point: Vec<f64>,
    lo80: Vec<f64>,
    hi80: Vec<f64>,
    lo95: Vec<f64>,
    hi95: Vec<f64>,
    pub(crate) fallbacks: usize,
}

/// One origin's forecast of one method, truncated to the scored window.
pub(crate) struct Window<'a> {
    pub train: &'a [f64],
    pub actual: &'a [f64],
    pub point: &'a [f64],
    pub bounds: [&'a [f64]; 4],
    pub season: usize,
}

impl Accumulator {
    /// Score one origin; returns its MASE.
    pub(crate) fn add(&mut self, w: &Window<'_>) -> Option<f64> {
        let [lo80, hi80, lo95, hi95] = w.bounds;
        let m = mase(w.train, w.actual, w.point, w.season);
        m.into_iter().for_each(|v| self.mase.push(v));
        smape(w.actual, w.point)
            .into_iter()
            .for_each(|v| self.smape.push(v));
        msis(w.train, w.actual, lo95, hi95, 0.05, w.season)
            .into_iter()
            .for_each(|v| self.msis.push(v));
        self.actual.extend_from_slice(w.actual);
        self.point.extend_from_slice(w.point);
        self.lo80.extend_from_slice(lo80);
        self.hi80.extend_from_slice(hi80);
        self.lo95.extend_from_slice(lo95);
        self.hi95.extend_from_slice(hi95);
        m
    }

    /// Final scores.
    pub(crate) fn finish(self, method: &str) -> MethodScores {
        let mean = |v: &[f64]| (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64);
        MethodScores {
            method: method.to_string(),
            mase: mean(&self.mase),
            smape: mean(&self.smape),
            wape: wape(&self.actual, &self.point),
            bias: bias(&self.actual, &self.point),
            coverage80: coverage(&self.actual, &self.lo80, &self.hi80),
            coverage95: coverage(&self.actual, &self.lo95, &self.hi95),
            msis: mean(&self.msis),
            fallbacks: self.fallbacks,
        }
    }
}
