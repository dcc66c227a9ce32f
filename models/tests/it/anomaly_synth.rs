//! Deterministic synthetic daily cost data for the anomaly tests: cells (service × account ×
//! region) with weekly seasonality, slow growth and multiplicative Gaussian noise, optional
//! injected anomalies, and the per-dimension breakdowns of the total.

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use models::anomaly::Breakdown;
use models::series::Series;

/// SplitMix64 pseudo-random numbers (deterministic, no dependency).
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1).
    pub fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}

/// One cost cell.
#[derive(Debug, Clone)]
pub struct Cell {
    /// Service name.
    pub service: &'static str,
    /// Account name.
    pub account: &'static str,
    /// Region name.
    pub region: &'static str,
    /// Daily cost, one value per day.
    pub cost: Vec<f64>,
}

/// Days from 2025-01-01.
pub fn days(n: usize) -> Vec<NaiveDateTime> {
    let start = NaiveDate::from_ymd_opt(2025, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .expect("valid date");
    (0..n).map(|i| start + TimeDelta::days(i as i64)).collect()
}

/// Clean cells: 4 services × 3 accounts × 2 regions, plus a `Bedrock` service that is 0 (it
/// only appears when a ramp is injected; [`ramp`] gives it the same noise). Levels $20–$400/day, weekday/weekend pattern per
/// service, +15 %/year growth, 4 % multiplicative noise. `2025-01-01` is a Wednesday.
pub fn clean_cells(n_days: usize, seed: u64) -> Vec<Cell> {
    let mut rng = Rng::new(seed);
    let services = [
        ("AmazonEC2", 1.0, 0.75),
        ("AmazonS3", 0.35, 0.95),
        ("AmazonRDS", 0.6, 0.9),
        ("AWSLambda", 0.15, 0.6),
    ];
    let accounts = [("prod", 1.0), ("dev", 0.45), ("data", 0.7)];
    let regions = [("us-east-1", 1.0), ("eu-west-1", 0.55)];
    let mut cells = Vec::new();
    for (service, s_level, weekend) in services {
        for (account, a_level) in accounts {
            for (region, r_level) in regions {
                let level = 400.0 * s_level * a_level * r_level * (0.8 + 0.4 * rng.uniform());
                let cost = (0..n_days)
                    .map(|d| {
                        let dow = (d + 2) % 7; // 0 = Monday
                        let season = if dow >= 5 { weekend } else { 1.0 };
                        let growth = 1.0 + 0.15 * d as f64 / 365.0;
                        (level * season * growth * (1.0 + 0.04 * rng.normal())).max(0.0)
                    })
                    .collect();
                cells.push(Cell {
                    service,
                    account,
                    region,
                    cost,
                });
            }
        }
    }
    cells.push(Cell {
        service: "Bedrock",
        account: "data",
        region: "us-east-1",
        cost: vec![0.0; n_days],
    });
    cells
}

/// The index of the cell with these names.
pub fn cell_index(cells: &[Cell], service: &str, account: &str, region: &str) -> usize {
    cells
        .iter()
        .position(|c| c.service == service && c.account == account && c.region == region)
        .expect("cell exists")
}

/// Sum of all cells.
pub fn total(cells: &[Cell]) -> Series {
    let n = cells.first().map_or(0, |c| c.cost.len());
    let values = (0..n)
        .map(|d| cells.iter().map(|c| c.cost[d]).sum())
        .collect();
    Series::new(days(n), values)
}

/// Picks one dimension's value of a cell.
type CellKey = fn(&Cell) -> &'static str;

/// Per-dimension breakdowns (`service`, `account`, `region`) of the total.
pub fn breakdowns(cells: &[Cell]) -> Vec<Breakdown> {
    let n = cells.first().map_or(0, |c| c.cost.len());
    let mut out: Vec<Breakdown> = Vec::new();
    let keys: [(&str, CellKey); 3] = [
        ("service", |c| c.service),
        ("account", |c| c.account),
        ("region", |c| c.region),
    ];
    for (dimension, key) in keys {
        let mut values: Vec<&'static str> = cells.iter().map(key).collect();
        values.dedup();
        values.sort();
        values.dedup();
        for value in values {
            let sum = (0..n)
                .map(|d| {
                    cells
                        .iter()
                        .filter(|c| key(c) == value)
                        .map(|c| c.cost[d])
                        .sum()
                })
                .collect();
            out.push(Breakdown::new(dimension, value, Series::new(days(n), sum)));
        }
    }
    out
}

/// A new service: 0 before `start`, then a linear ramp to `level` over `days`, with the cells'
/// 4 % noise (seeded separately).
pub fn ramp(n_days: usize, start: usize, days: usize, level: f64, seed: u64) -> Vec<f64> {
    let mut rng = Rng::new(seed);
    (0..n_days)
        .map(|d| {
            if d < start {
                return 0.0;
            }
            let f = ((d - start + 1) as f64 / days as f64).min(1.0);
            (level * f * (1.0 + 0.04 * rng.normal())).max(0.0)
        })
        .collect()
}
