//! Storage: TB-hours × Wh per TB-hour, replicated (methodology §1, §2.4).

use super::{Estimate, grid_factor};
use crate::tables::Coefficients;
use crate::usage::{Mode, Provider, UsageKind};

/// Storage estimate of `tb_hours` on SSD (else HDD), in CCF's order
/// `(((TB_h × coefficient) × PUE) × RF) / 1000`; `replication` is a CCF key (`None` or not
/// listed: 1).
pub fn storage(
    tb_hours: f64,
    ssd: bool,
    replication: Option<&str>,
    provider: Provider,
    region: &str,
    mode: Mode,
    c: &Coefficients,
) -> Estimate {
    let k = c.constants(provider);
    let (kind, wh_per_tb_hour) = if ssd {
        (UsageKind::StorageSsd, k.ssd_wh_per_tb_hour)
    } else {
        (UsageKind::StorageHdd, k.hdd_wh_per_tb_hour)
    };
    let rf = replication.map_or(1.0, |key| c.replication_factor(provider, key));
    let kwh = (((tb_hours * wh_per_tb_hour) * c.pue(provider, region)) * rf) / 1000.0;
    Estimate::operational(kind, kwh, grid_factor(provider, region, mode, c))
}
