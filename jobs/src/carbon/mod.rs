//! The carbon job: cost table → energy and emissions per day × billing account × service ×
//! region × usage kind, in the `carbon` table (partitioned like `cost`).
//!
//! ```text
//! cost (usage rows) ─group─▶ usage groups ─classify─▶ usage ─estimate─▶ known estimates
//!                                   └─ unknown rows ─ kWh per cost/usage unit of the known rows
//!                                      of the same provider × billing month (the scope) ─┘
//!                                                      └─aggregate─▶ carbon table (one commit)
//! ```

mod classify;
pub mod esg;
pub mod market;
mod read;
mod table;

pub use esg::{ESG_MONTHLY_TABLE, EsgMonth, build_esg_monthly};
pub use market::MarketFactors;
pub use read::{UsageGroup, usage_groups};

use crate::error::Result;
use carbon::estimate::{Basis, Estimate, UnknownRatios, flags};
use carbon::tables::Coefficients;
use carbon::usage::{Mode, UnknownBy, Usage, UsageKind};
use std::collections::BTreeMap;
use warehouse::Warehouse;

/// What to estimate.
#[derive(Debug, Clone)]
pub struct CarbonRequest {
    /// Run id recorded on every row.
    pub run_id: String,
    /// `Ccf` or `Corrected`.
    pub mode: Mode,
    /// First billing period (`YYYY-MM`), all when `None`.
    pub from: Option<String>,
    /// Last billing period, all when `None`.
    pub to: Option<String>,
    /// User-supplied market-based factors; without them no market-based figure is produced.
    pub market: Option<MarketFactors>,
}

/// One output row (before it becomes a table row).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CarbonTotals {
    /// Operational energy, kWh.
    pub kwh: f64,
    /// Location-based operational emissions, t CO2e.
    pub location_t: f64,
    /// Embodied emissions, t CO2e.
    pub embodied_t: f64,
    /// kWh estimated from unknown usage.
    pub unknown_kwh: f64,
    /// Data-quality flags of the estimates summed here (`processor_fallback`,
    /// `unknown_by_cost`, `embodied_missing`, …).
    pub flags: std::collections::BTreeSet<&'static str>,
}

/// (provider, billing account, billing period, day, service, region, usage kind).
pub type CarbonKey = (String, String, String, String, String, String, UsageKind);

/// Cost coverage of one provider: how much of its usage cost was classified.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Coverage {
    /// Cost of rows classified into a usage kind.
    pub classified_cost: f64,
    /// Cost of rows estimated as unknown usage.
    pub unknown_cost: f64,
    /// Cost of rows not counted (fees, licences, double-counted usage).
    pub unsupported_cost: f64,
    /// What stays unknown: cost of unknown rows per `service · usage type` (the unit when the
    /// row has no usage type).
    pub unknown_by_usage: BTreeMap<String, f64>,
}

impl Coverage {
    fn add_unknown(&mut self, g: &UsageGroup) {
        self.unknown_cost += g.cost;
        let what = if g.usage_type.is_empty() {
            &g.unit
        } else {
            &g.usage_type
        };
        *self
            .unknown_by_usage
            .entry(format!("{} · {what}", g.service))
            .or_default() += g.cost;
    }

    /// The `n` usages with the most unknown cost, largest first (zero-cost usages left out).
    pub fn top_unknown(&self, n: usize) -> Vec<(&str, f64)> {
        let mut top: Vec<(&str, f64)> = self
            .unknown_by_usage
            .iter()
            .filter(|(_, cost)| **cost != 0.0)
            .map(|(k, v)| (k.as_str(), *v))
            .collect();
        top.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
        top.truncate(n);
        top
    }
}

/// What a carbon run produced.
#[derive(Debug, Clone)]
pub struct CarbonSummary {
    /// Run id.
    pub run_id: String,
    /// Mode.
    pub mode: Mode,
    /// Coefficient set.
    pub coefficients: &'static str,
    /// Usage groups read.
    pub groups: usize,
    /// Rows written.
    pub rows: usize,
    /// Partitions written.
    pub partitions: usize,
    /// Totals over everything written.
    pub totals: CarbonTotals,
    /// Market-based t CO2e, when every row written had a market factor.
    pub market_t: Option<f64>,
    /// Coverage per provider partition value.
    pub coverage: BTreeMap<String, Coverage>,
}

/// Estimates the carbon of billing periods `from..=to` and commits the `carbon` partitions.
/// `progress` is asked before the commit whether to stop.
///
/// # Errors
/// Warehouse or polars failures; [`crate::JobError::Cancelled`] when stopped (nothing is
/// committed then).
pub async fn estimate_carbon(
    warehouse: &Warehouse,
    request: CarbonRequest,
    progress: &dyn crate::ingest::Progress,
) -> Result<CarbonSummary> {
    let c = Coefficients::ccf_app();
    let groups = usage_groups(warehouse, request.from.as_deref(), request.to.as_deref()).await?;
    let (rows, coverage) = compute(&groups, request.mode, c);
    let totals = rows.values().fold(CarbonTotals::default(), |mut t, r| {
        t.kwh += r.kwh;
        t.location_t += r.location_t;
        t.embodied_t += r.embodied_t;
        t.unknown_kwh += r.unknown_kwh;
        t
    });
    let market: Vec<Option<f64>> = rows
        .iter()
        .map(|(key, t)| market_t(request.market.as_ref(), key, t))
        .collect();
    let market_t = market.iter().copied().sum::<Option<f64>>();
    if progress.should_stop() {
        return Err(crate::JobError::Cancelled);
    }
    let partitions = table::write(warehouse, &request, c.version(), &rows, &market).await?;
    Ok(CarbonSummary {
        run_id: request.run_id,
        mode: request.mode,
        coefficients: c.version(),
        groups: groups.len(),
        rows: rows.len(),
        partitions,
        totals,
        market_t,
        coverage,
    })
}

/// Market-based emissions of one output row: its energy × the user's factor for its provider,
/// region and month, or `None` when no factor covers it.
fn market_t(factors: Option<&MarketFactors>, key: &CarbonKey, t: &CarbonTotals) -> Option<f64> {
    let (provider, _, period, _, _, region, _) = key;
    factors?.factor(provider, region, period).map(|f| t.kwh * f)
}

/// A group (by index) with its coefficient basis and usage.
type Classified = (usize, Option<Basis>, Vec<Usage>);

/// Classifies and estimates every group; unknown rows are estimated per provider × billing
/// month from that scope's known rows, so re-running one month reproduces its numbers. Where
/// no known row shares an unknown row's unit, CCF estimates 0; corrected mode uses the scope's
/// kWh per unit of cost over all its known usage instead (flagged `unknown_scope_ratio`).
pub fn compute(
    groups: &[UsageGroup],
    mode: Mode,
    c: &Coefficients,
) -> (
    BTreeMap<CarbonKey, CarbonTotals>,
    BTreeMap<String, Coverage>,
) {
    let mut out: BTreeMap<CarbonKey, CarbonTotals> = BTreeMap::new();
    let mut coverage: BTreeMap<String, Coverage> = BTreeMap::new();
    let mut scopes: BTreeMap<(String, String), Vec<Classified>> = BTreeMap::new();
    for (i, g) in groups.iter().enumerate() {
        let (basis, usage) = classify::classify(g, mode, c);
        scopes
            .entry((g.provider.clone(), g.billing_period.clone()))
            .or_default()
            .push((i, basis, usage));
    }
    for rows in scopes.values() {
        let mut ratios = UnknownRatios::new(mode);
        // corrected mode: Σ known kWh and Σ known cost of the scope, for units with no ratio
        let (mut scope_kwh, mut scope_cost) = (0.0, 0.0);
        let mut unknown = Vec::new();
        for (i, basis, usages) in rows {
            let g = &groups[*i];
            let cover = coverage.entry(g.provider.clone()).or_default();
            let Some(basis) = basis else {
                cover.add_unknown(g);
                continue;
            };
            for usage in usages {
                match usage {
                    Usage::Unsupported { .. } => cover.unsupported_cost += g.cost,
                    Usage::Unknown { .. } => {
                        cover.add_unknown(g);
                        unknown.push((*i, *basis, usage));
                    }
                    known => {
                        let estimates = basis.estimate(known, &g.region, mode, c);
                        let by = basis.unknown_by(c);
                        let amount = match by {
                            UnknownBy::Cost => g.cost,
                            UnknownBy::Usage => g.quantity,
                        };
                        ratios.add_known(by, &g.unit, amount, &estimates);
                        scope_kwh += estimates.iter().map(|e| e.kwh).sum::<f64>();
                        scope_cost += g.cost;
                        add(&mut out, g, &estimates, false);
                    }
                }
            }
            // a row with several usages (compute + GPU) is classified once for coverage
            if usages
                .iter()
                .any(|u| !matches!(u, Usage::Unsupported { .. } | Usage::Unknown { .. }))
            {
                cover.classified_cost += g.cost;
            }
        }
        let scope_ratio =
            (mode == Mode::Corrected && scope_cost > 0.0).then(|| scope_kwh / scope_cost);
        for (i, basis, usage) in unknown {
            let g = &groups[i];
            if let Some(mut e) = basis.estimate_unknown(usage, &g.region, &ratios, c) {
                if let Some(ratio) =
                    scope_ratio.filter(|_| e.flags.contains(&flags::UNKNOWN_NO_RATIO))
                {
                    let factor = basis.grid_factor(&g.region, mode, c);
                    e.kwh = ratio * g.cost;
                    e.ccf_reported_kwh = e.kwh;
                    e.location_t = e.kwh * factor.t_per_kwh;
                    e.flags.retain(|f| *f != flags::UNKNOWN_NO_RATIO);
                    e.flags.push(flags::UNKNOWN_SCOPE_RATIO);
                }
                add(&mut out, g, std::slice::from_ref(&e), true);
            }
        }
    }
    (out, coverage)
}

fn add(
    out: &mut BTreeMap<CarbonKey, CarbonTotals>,
    g: &UsageGroup,
    estimates: &[Estimate],
    unknown: bool,
) {
    for e in estimates {
        let key = (
            g.provider.clone(),
            g.billing_account.clone(),
            g.billing_period.clone(),
            g.day.clone(),
            g.service.clone(),
            g.region.clone(),
            e.kind,
        );
        let t = out.entry(key).or_default();
        t.kwh += e.kwh;
        t.location_t += e.location_t;
        t.embodied_t += e.embodied_t;
        if unknown {
            t.unknown_kwh += e.kwh;
        }
        t.flags.extend(e.flags.iter().copied());
    }
}

/// The name of a usage kind in the carbon table.
pub fn kind_name(kind: UsageKind) -> &'static str {
    match kind {
        UsageKind::Compute => "compute",
        UsageKind::Gpu => "gpu",
        UsageKind::Memory => "memory",
        UsageKind::StorageSsd => "storage_ssd",
        UsageKind::StorageHdd => "storage_hdd",
        UsageKind::Networking => "networking",
        UsageKind::Unknown => "unknown",
    }
}

/// The name of a mode in the carbon table.
pub fn mode_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Ccf => "ccf",
        Mode::Corrected => "corrected",
    }
}
