//! Market-based scope 2 factors, supplied by the user: contracts, renewable energy certificates
//! or provider-reported figures, per provider, region and period. Without a factor a row has no
//! market-based figure; greenops never invents one.
//!
//! File format (CSV with a header):
//! `provider,region,from,to,tco2e_per_kwh,source` — `from`/`to` are billing months `YYYY-MM`
//! (inclusive), `region` may be `*` for every region of the provider.

use crate::error::{JobError, Result};
use std::path::Path;

/// One factor.
#[derive(Debug, Clone, PartialEq)]
pub struct MarketFactor {
    /// Provider partition value (`aws`, `gcp`, `azure`, …).
    pub provider: String,
    /// Region id, or `*`.
    pub region: String,
    /// First billing month.
    pub from: String,
    /// Last billing month.
    pub to: String,
    /// t CO2e per kWh.
    pub t_per_kwh: f64,
    /// Where the figure comes from (contract, certificate, provider report).
    pub source: String,
}

/// The factors of one file.
#[derive(Debug, Clone, Default)]
pub struct MarketFactors(Vec<MarketFactor>);

const COLUMNS: [&str; 6] = [
    "provider",
    "region",
    "from",
    "to",
    "tco2e_per_kwh",
    "source",
];

impl MarketFactors {
    /// Reads and checks a factor file.
    ///
    /// # Errors
    /// [`JobError::BadFile`] / [`JobError::BadValue`] naming the row and column.
    pub fn load(path: &Path) -> Result<Self> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| JobError::io(&file, e))?;
        let records = carbon::tables::csv::parse(&text).map_err(|e| JobError::BadFile {
            file: file.clone(),
            reason: e.to_string(),
        })?;
        let Some((header, rows)) = records.split_first() else {
            return Err(JobError::BadFile {
                file,
                reason: "empty file".into(),
            });
        };
        if header.fields.iter().map(|f| f.trim()).ne(COLUMNS) {
            return Err(JobError::BadFile {
                file,
                reason: format!("header must be `{}`", COLUMNS.join(",")),
            });
        }
        let mut factors = Vec::new();
        for (i, record) in rows.iter().enumerate() {
            let row = i as u64 + 1;
            let field = |c: usize| record.fields.get(c).map(|f| f.trim()).unwrap_or("");
            let bad = |c: usize, reason: String| JobError::BadValue {
                file: file.clone(),
                row,
                column: COLUMNS[c].into(),
                reason,
            };
            for c in [2, 3] {
                let ok = field(c).len() == 7
                    && chrono::NaiveDate::parse_from_str(&format!("{}-01", field(c)), "%Y-%m-%d")
                        .is_ok();
                if !ok {
                    return Err(bad(c, format!("`{}` is not a month YYYY-MM", field(c))));
                }
            }
            if field(2) > field(3) {
                return Err(bad(
                    3,
                    format!("`{}` is before `from` {}", field(3), field(2)),
                ));
            }
            let t_per_kwh: f64 = field(4)
                .parse()
                .ok()
                .filter(|v: &f64| v.is_finite() && *v >= 0.0)
                .ok_or_else(|| bad(4, format!("`{}` is not a non-negative number", field(4))))?;
            if field(0).is_empty() || field(1).is_empty() {
                let c = if field(0).is_empty() { 0 } else { 1 };
                return Err(bad(c, "empty".into()));
            }
            factors.push(MarketFactor {
                provider: field(0).to_lowercase(),
                region: field(1).to_string(),
                from: field(2).to_string(),
                to: field(3).to_string(),
                t_per_kwh,
                source: field(5).to_string(),
            });
        }
        Ok(MarketFactors(factors))
    }

    /// The factor for a provider, region and billing month: an exact region wins over `*`.
    pub fn factor(&self, provider: &str, region: &str, period: &str) -> Option<f64> {
        let covers = |f: &&MarketFactor| {
            f.provider == provider && f.from.as_str() <= period && period <= f.to.as_str()
        };
        let exact = self.0.iter().filter(covers).find(|f| f.region == region);
        exact
            .or_else(|| self.0.iter().filter(covers).find(|f| f.region == "*"))
            .map(|f| f.t_per_kwh)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<MarketFactors> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("market.csv");
        std::fs::write(&path, text).unwrap();
        MarketFactors::load(&path)
    }

    #[test]
    fn exact_regions_win_over_wildcards_within_their_months() {
        let f = load(
            "provider,region,from,to,tco2e_per_kwh,source\n\
             aws,*,2024-01,2024-12,0.0002,provider report\n\
             aws,eu-west-1,2024-06,2024-06,0,PPA\n",
        )
        .unwrap();
        assert_eq!(f.factor("aws", "eu-west-1", "2024-06"), Some(0.0));
        assert_eq!(f.factor("aws", "eu-west-1", "2024-07"), Some(0.0002));
        assert_eq!(f.factor("aws", "us-east-1", "2025-01"), None);
        assert_eq!(f.factor("gcp", "us-east1", "2024-06"), None);
    }

    #[test]
    fn bad_rows_name_row_and_column() {
        let err =
            load("provider,region,from,to,tco2e_per_kwh,source\naws,*,2024-1,2024-12,0.1,x\n")
                .unwrap_err()
                .to_string();
        assert!(err.contains("row 1, column from"), "{err}");
        let err =
            load("provider,region,from,to,tco2e_per_kwh,source\naws,*,2024-01,2024-12,-1,x\n")
                .unwrap_err()
                .to_string();
        assert!(err.contains("column tco2e_per_kwh"), "{err}");
        assert!(
            load("region,provider\n")
                .unwrap_err()
                .to_string()
                .contains("header must be")
        );
    }
}
