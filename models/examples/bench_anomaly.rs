//! Times anomaly scoring of 1,000 daily series × 3 years (the size of a large organisation's
//! service × account × region groups): `cargo run --release -p models --example bench_anomaly
//! [groups] [days] [threads]`.

use std::time::Instant;

use chrono::{NaiveDate, TimeDelta};
use models::anomaly::{AnomalyConfig, detect_many};
use models::series::Series;

/// SplitMix64 → standard normal (Box–Muller); deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn uniform(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (((z ^ (z >> 31)) >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}

fn arg(i: usize, default: usize) -> usize {
    std::env::args()
        .nth(i)
        .and_then(|a| a.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let (groups, days, threads) = (arg(1, 1000), arg(2, 3 * 365), arg(3, 2));
    let start = NaiveDate::from_ymd_opt(2023, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .expect("valid date");
    let timestamps: Vec<_> = (0..days)
        .map(|d| start + TimeDelta::days(d as i64))
        .collect();
    let mut rng = Rng(42);
    let series: Vec<Series> = (0..groups)
        .map(|_| {
            let level = 10.0 + 1000.0 * rng.uniform();
            let weekend = 0.5 + 0.5 * rng.uniform();
            let values = (0..days)
                .map(|d| {
                    let season = if d % 7 >= 5 { weekend } else { 1.0 };
                    let spike = if rng.uniform() < 0.002 { 3.0 } else { 1.0 };
                    (level * season * spike * (1.0 + 0.05 * rng.normal())).max(0.0)
                })
                .collect();
            Series::new(timestamps.clone(), values)
        })
        .collect();
    let cfg = AnomalyConfig::daily();
    let t0 = Instant::now();
    let results = detect_many(&series, &cfg, threads);
    let elapsed = t0.elapsed();
    let ok: Vec<_> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    let anomalies: usize = ok.iter().map(|d| d.anomalies.len()).sum();
    let fits: usize = ok.iter().map(|d| d.density_fits).sum();
    let failed: usize = ok.iter().map(|d| d.density_failed_fits).sum();
    println!(
        "{groups} series × {days} days ({} points) on {threads} thread(s): {:.2} s \
         ({:.1} µs/point); {} ok, {anomalies} anomalies, {fits} density fits ({failed} failed)",
        groups * days,
        elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1e6 / (groups * days) as f64,
        ok.len()
    );
}
