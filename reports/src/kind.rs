//! The reports greenops renders, by name.

use std::fmt;
use std::str::FromStr;

/// One of the three reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ReportKind {
    /// `daily-digest`: yesterday vs forecast, month to date vs budget, movers, anomalies.
    DailyDigest,
    /// `esg-monthly`: scope 2 location/market, scope 3 embodied, trend, intensity, coverage.
    EsgMonthly,
    /// `sox-monthly`: totals by account and service, invoice reconciliation, restatements,
    /// provenance.
    SoxMonthly,
}

impl ReportKind {
    /// Every report.
    pub const ALL: [ReportKind; 3] = [
        ReportKind::DailyDigest,
        ReportKind::EsgMonthly,
        ReportKind::SoxMonthly,
    ];

    /// Name on the command line and in the config.
    pub fn name(self) -> &'static str {
        match self {
            ReportKind::DailyDigest => "daily-digest",
            ReportKind::EsgMonthly => "esg-monthly",
            ReportKind::SoxMonthly => "sox-monthly",
        }
    }

    /// Template file stem (`<stem>.html.tera`, `<stem>.txt.tera`).
    pub fn template_stem(self) -> &'static str {
        match self {
            ReportKind::DailyDigest => "daily_digest",
            ReportKind::EsgMonthly => "esg_monthly",
            ReportKind::SoxMonthly => "sox_monthly",
        }
    }

    /// Whether its partition is a day (`YYYY-MM-DD`) rather than a month (`YYYY-MM`).
    pub fn daily(self) -> bool {
        self == ReportKind::DailyDigest
    }
}

impl fmt::Display for ReportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ReportKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        ReportKind::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| {
                format!("unknown report `{s}` (one of daily-digest, esg-monthly, sox-monthly)")
            })
    }
}
