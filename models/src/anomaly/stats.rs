//! Small robust statistics on slices: median, MAD, quantiles (NaN-free inputs expected).

/// Scale factor turning a median absolute deviation into a standard-deviation estimate
/// for normally distributed data.
pub const MAD_TO_SIGMA: f64 = 1.4826;

/// Median of `values` (finite values only; non-finite ones are ignored).
///
/// Returns `None` when no finite value is present. `buf` is scratch space reused between calls.
pub fn median_with(values: &[f64], buf: &mut Vec<f64>) -> Option<f64> {
    buf.clear();
    buf.extend(values.iter().copied().filter(|v| v.is_finite()));
    median_in_place(buf)
}

/// Median of `values` (finite values only). Allocates; see [`median_with`] for hot loops.
pub fn median(values: &[f64]) -> Option<f64> {
    median_with(values, &mut Vec::with_capacity(values.len()))
}

/// Median of a buffer of finite values, reordering it.
pub(crate) fn median_in_place(buf: &mut [f64]) -> Option<f64> {
    let n = buf.len();
    if n == 0 {
        return None;
    }
    let mid = n / 2;
    let (lower, upper_mid, _) = buf.select_nth_unstable_by(mid, f64::total_cmp);
    let upper = *upper_mid;
    if !n.is_multiple_of(2) {
        Some(upper)
    } else {
        let lower_max = lower.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        Some((lower_max + upper) / 2.0)
    }
}

/// Median and median absolute deviation (unscaled) of the finite values in `values`.
pub fn median_mad_with(values: &[f64], buf: &mut Vec<f64>) -> Option<(f64, f64)> {
    let med = median_with(values, buf)?;
    for v in buf.iter_mut() {
        *v = (*v - med).abs();
    }
    let mad = median_in_place(buf)?;
    Some((med, mad))
}

/// Median and median absolute deviation (unscaled). Allocates.
pub fn median_mad(values: &[f64]) -> Option<(f64, f64)> {
    median_mad_with(values, &mut Vec::with_capacity(values.len()))
}

/// Robust z-score of `x` against a sample: `(x − median) / (1.4826 · MAD)`, with the
/// denominator floored at `min_scale` (> 0) so a constant sample does not divide by zero.
pub fn robust_z(x: f64, sample: &[f64], min_scale: f64) -> Option<f64> {
    let (med, mad) = median_mad(sample)?;
    Some((x - med) / (MAD_TO_SIGMA * mad).max(min_scale))
}

/// Empirical quantile `q` in [0, 1] of the finite values (linear interpolation between order
/// statistics). Returns `None` for an empty sample.
pub fn quantile(values: &[f64], q: f64) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let pos = q.clamp(0.0, 1.0) * (v.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    let frac = pos - lo as f64;
    Some(v[lo] + (v[hi] - v[lo]) * frac)
}

/// Mean and (population) standard deviation of the finite values.
pub fn mean_std(values: &[f64]) -> Option<(f64, f64)> {
    let finite = values.iter().copied().filter(|v| v.is_finite());
    let (n, sum) = finite
        .clone()
        .fold((0usize, 0.0), |(n, s), v| (n + 1, s + v));
    if n == 0 {
        return None;
    }
    let mean = sum / n as f64;
    let var = finite.map(|v| (v - mean) * (v - mean)).sum::<f64>() / n as f64;
    Some((mean, var.sqrt()))
}
