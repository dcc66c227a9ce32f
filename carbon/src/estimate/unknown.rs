//! Unknown rows: energy per cost or usage unit of the known rows, times the row's cost or usage
//! (methodology §4).

use std::collections::HashMap;

use super::{Estimate, flags, grid_factor};
use crate::tables::Coefficients;
use crate::usage::{Mode, Provider, UnknownBy, Usage, UsageKind};

/// Known kWh and cost-or-usage totals per pricing unit, for one estimation scope.
///
/// CCF keys its totals by pricing unit only (the per-service key is never set, §4), and so does
/// this. The scope — which rows are fed in — is the caller's: greenops fixes it (e.g. provider ×
/// billing month, §6 D6) so that re-running one partition reproduces its numbers. CCF feeds AWS
/// compute rows (hour units), storage and networking rows, and every known GCP and Azure row.
#[derive(Debug, Clone)]
pub struct UnknownRatios {
    mode: Mode,
    totals: HashMap<(UnknownBy, String), (f64, f64)>,
}

impl UnknownRatios {
    /// Empty totals for estimates made in `mode`.
    pub fn new(mode: Mode) -> Self {
        UnknownRatios {
            mode,
            totals: HashMap::new(),
        }
    }

    /// The mode the totals were made for.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// No known row has been added.
    pub fn is_empty(&self) -> bool {
        self.totals.is_empty()
    }

    /// Adds a known row: its cost (`UnknownBy::Cost`) or usage amount in its pricing `unit`, and
    /// the estimates [`super::estimate`] made of it. `Ccf` mode adds their `ccf_reported_kwh`
    /// (embodied pseudo-kWh included, §6 D2), `Corrected` their operational `kwh`.
    pub fn add_known(&mut self, by: UnknownBy, unit: &str, amount: f64, estimates: &[Estimate]) {
        let kwh = estimates.iter().fold(0.0, |sum, e| {
            sum + match self.mode {
                Mode::Ccf => e.ccf_reported_kwh,
                Mode::Corrected => e.kwh,
            }
        });
        let total = self
            .totals
            .entry((by, unit.to_string()))
            .or_insert((0.0, 0.0));
        total.0 += kwh;
        total.1 += amount;
    }

    /// kWh per unit of cost or usage for a pricing unit; `None` when no known row had that unit
    /// (or their amounts sum to 0).
    pub fn ratio(&self, by: UnknownBy, unit: &str) -> Option<f64> {
        let (kwh, amount) = self.totals.get(&(by, unit.to_string()))?;
        (*amount != 0.0).then(|| kwh / amount)
    }
}

/// Estimates an unknown row (`None` for any other usage): `kWh = ratio × amount`, 0 when there
/// is no ratio for its unit (flagged), emissions from the region's grid factor.
pub fn estimate_unknown(
    usage: &Usage,
    provider: Provider,
    region: &str,
    ratios: &UnknownRatios,
    c: &Coefficients,
) -> Option<Estimate> {
    let Usage::Unknown { by, amount, unit } = usage else {
        return None;
    };
    let ratio = ratios.ratio(*by, unit);
    let kwh = ratio.map_or(0.0, |r| r * amount);
    let factor = grid_factor(provider, region, ratios.mode(), c);
    let mut estimate = Estimate::operational(UsageKind::Unknown, kwh, factor);
    estimate.flags.push(flags::UNKNOWN_ESTIMATED);
    estimate.flags.push(match by {
        UnknownBy::Cost => flags::UNKNOWN_BY_COST,
        UnknownBy::Usage => flags::UNKNOWN_BY_USAGE,
    });
    if ratio.is_none() {
        estimate.flags.push(flags::UNKNOWN_NO_RATIO);
    }
    Some(estimate)
}
