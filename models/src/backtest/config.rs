//! Backtest settings.

/// Where the origins are and how the forecasts are scored.
#[derive(Debug, Clone, PartialEq)]
pub struct BacktestConfig {
    /// Steps forecast from each origin.
    pub horizon: usize,
    /// Number of origins (fewer when the series is too short).
    pub origins: usize,
    /// Steps between consecutive origins.
    pub step: usize,
    /// Seasonal period of the seasonal-naive baseline and of the MASE scale (7 for daily data).
    pub season: usize,
    /// Minimum number of observations before the first origin.
    pub min_train: usize,
}

impl Default for BacktestConfig {
    fn default() -> Self {
        BacktestConfig {
            horizon: 14,
            origins: 6,
            step: 7,
            season: 7,
            min_train: 14,
        }
    }
}

impl BacktestConfig {
    /// Origin indices (number of observed values at each origin), ascending: the last is
    /// `n − horizon`, then every `step` earlier, at most `origins` of them, none before
    /// `min_train` (and never before 2).
    pub fn origin_indices(&self, n: usize) -> Vec<usize> {
        let floor = self.min_train.max(2);
        let Some(last) = n.checked_sub(self.horizon.max(1)) else {
            return Vec::new();
        };
        let mut out: Vec<usize> = (0..self.origins)
            .map_while(|i| last.checked_sub(i * self.step.max(1)))
            .filter(|o| *o >= floor)
            .collect();
        out.reverse();
        out
    }
}
