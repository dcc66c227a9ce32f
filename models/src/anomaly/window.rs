//! A sorted sliding window: O(log W) search + memmove insert/remove, O(1) median and quantiles,
//! O(W) median absolute deviation — cheap enough for per-point trailing statistics.

use super::stats::MAD_TO_SIGMA;

/// Finite values of a sliding window, kept sorted.
#[derive(Debug, Clone, Default)]
pub struct SortedWindow {
    sorted: Vec<f64>,
}

impl SortedWindow {
    /// An empty window with room for `capacity` values.
    pub fn with_capacity(capacity: usize) -> Self {
        SortedWindow {
            sorted: Vec::with_capacity(capacity),
        }
    }

    /// Number of values held.
    pub fn len(&self) -> usize {
        self.sorted.len()
    }

    /// No value held.
    pub fn is_empty(&self) -> bool {
        self.sorted.is_empty()
    }

    /// Adds `x` (non-finite values are ignored).
    pub fn insert(&mut self, x: f64) {
        if x.is_finite() {
            let at = self.sorted.partition_point(|v| *v < x);
            self.sorted.insert(at, x);
        }
    }

    /// Removes one copy of `x` (non-finite or absent values are ignored).
    pub fn remove(&mut self, x: f64) {
        if x.is_finite() {
            let at = self.sorted.partition_point(|v| *v < x);
            if self.sorted.get(at) == Some(&x) {
                self.sorted.remove(at);
            }
        }
    }

    /// Quantile `q` in [0, 1] with linear interpolation (`None` when empty).
    pub fn quantile(&self, q: f64) -> Option<f64> {
        let n = self.sorted.len();
        if n == 0 {
            return None;
        }
        let pos = q.clamp(0.0, 1.0) * (n - 1) as f64;
        let lo = pos.floor() as usize;
        let hi = (lo + 1).min(n - 1);
        Some(self.sorted[lo] + (self.sorted[hi] - self.sorted[lo]) * (pos - lo as f64))
    }

    /// Median (`None` when empty).
    pub fn median(&self) -> Option<f64> {
        self.quantile(0.5)
    }

    /// Median and unscaled median absolute deviation (`None` when empty).
    pub fn median_mad(&self) -> Option<(f64, f64)> {
        let m = self.median()?;
        let s = &self.sorted;
        let n = s.len();
        // Distances grow leftwards from `l` and rightwards from `r`: merge them in order.
        let split = s.partition_point(|v| *v < m);
        let (mut l, mut r) = (split, split);
        let mut next = || {
            let left = (l > 0).then(|| m - s[l - 1]);
            let right = (r < n).then(|| s[r] - m);
            match (left, right) {
                (Some(a), Some(b)) if a <= b => {
                    l -= 1;
                    a
                }
                (_, Some(b)) => {
                    r += 1;
                    b
                }
                (Some(a), None) => {
                    l -= 1;
                    a
                }
                (None, None) => 0.0,
            }
        };
        let k = (n - 1) / 2;
        let mut d = 0.0;
        for _ in 0..=k {
            d = next();
        }
        let mad = if n.is_multiple_of(2) {
            (d + next()) / 2.0
        } else {
            d
        };
        Some((m, mad))
    }

    /// `1.4826 · MAD` floored at `floor`, with the median (`None` when empty).
    pub fn median_sigma(&self, floor: f64) -> Option<(f64, f64)> {
        self.median_mad()
            .map(|(m, mad)| (m, (MAD_TO_SIGMA * mad).max(floor)))
    }
}
