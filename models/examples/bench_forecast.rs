//! Times the forecaster on synthetic daily cost series: `SERIES` series (default 1,000) × `DAYS`
//! days (default 1,095, three years), 14-step forecasts, split over `THREADS` threads (default 2).
//!
//! Run: `cargo run --release -p models --example bench_forecast [SERIES] [DAYS] [THREADS]`.

use std::time::Instant;

use chrono::{Datelike, NaiveDate, TimeDelta};
use models::forecast::{ForecastConfig, forecast};
use models::series::Series;

/// A small deterministic generator (no `rand` dependency).
struct Lcg(u64);

impl Lcg {
    fn uniform(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform().max(1e-12), self.uniform());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

/// Daily cost with a weekly pattern, a month-start fee, a trend, rare level shifts and noise.
fn synthetic(seed: u64, days: usize) -> Series {
    let mut r = Lcg(seed.wrapping_mul(7919).wrapping_add(17));
    let start = NaiveDate::from_ymd_opt(2022, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0));
    let start = start.expect("valid start date");
    let base = 50.0 + 500.0 * r.uniform();
    let weekly = 0.4 * r.uniform();
    let trend = (r.uniform() - 0.4) * 0.001;
    let fee = if r.uniform() < 0.5 {
        base * (0.5 + r.uniform())
    } else {
        0.0
    };
    let noise = 0.02 + 0.1 * r.uniform();
    let mut level = 1.0;
    let (mut ts, mut values) = (Vec::with_capacity(days), Vec::with_capacity(days));
    for i in 0..days {
        let t = start + TimeDelta::days(i as i64);
        if r.uniform() < 0.004 {
            level *= 0.5 + r.uniform();
        }
        let weekend = t.weekday().num_days_from_monday() >= 5;
        let season = if weekend {
            1.0 - weekly
        } else {
            1.0 + 0.4 * weekly
        };
        let mut v = base * level * season * (1.0 + trend * i as f64) * (1.0 + noise * r.normal());
        if t.day() == 1 {
            v += fee;
        }
        ts.push(t);
        values.push(v.max(0.0));
    }
    Series::new(ts, values)
}

fn main() {
    let arg = |i: usize, default: usize| {
        std::env::args()
            .nth(i)
            .and_then(|a| a.parse().ok())
            .unwrap_or(default)
    };
    let (n_series, days, threads) = (arg(1, 1000), arg(2, 1095), arg(3, 2).max(1));
    let series: Vec<Series> = (0..n_series as u64).map(|s| synthetic(s, days)).collect();
    let config = ForecastConfig::default();
    let started = Instant::now();
    let chunk = n_series.div_ceil(threads).max(1);
    let (ok, fallbacks) = std::thread::scope(|scope| {
        let handles: Vec<_> = series
            .chunks(chunk)
            .map(|part| {
                let config = &config;
                scope.spawn(move || {
                    part.iter().fold((0usize, 0usize), |(ok, fb), s| {
                        match forecast(s, 14, config) {
                            Ok(f) => (ok + 1, fb + usize::from(f.fallback.is_some())),
                            Err(_) => (ok, fb),
                        }
                    })
                })
            })
            .collect();
        handles
            .into_iter()
            .filter_map(|h| h.join().ok())
            .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
    });
    let elapsed = started.elapsed();
    println!(
        "{n_series} series x {days} days, h=14, {threads} threads: {ok} forecasts ({fallbacks} \
         fallbacks) in {:.2} s ({:.1} ms per series per thread)",
        elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1000.0 * threads as f64 / n_series.max(1) as f64
    );
}
