//! A time series: timestamps (UTC, naive) with one value each, in ascending order.

use chrono::NaiveDateTime;

/// Observations at ascending timestamps (daily cost, a NAB metric, …).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    /// Observation times, ascending, without duplicates.
    pub timestamps: Vec<NaiveDateTime>,
    /// One value per timestamp.
    pub values: Vec<f64>,
}

impl Series {
    /// A series from parallel vectors (the caller guarantees order and equal lengths).
    pub fn new(timestamps: Vec<NaiveDateTime>, values: Vec<f64>) -> Self {
        debug_assert_eq!(timestamps.len(), values.len());
        Series { timestamps, values }
    }

    /// Number of observations.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// No observations.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}
