//! What each report shows, already computed and formatted by the caller (the jobs crate reads
//! it from the warehouse). Display fields are text; the numbers charts and CSVs need are kept
//! alongside as floats or exact decimal text.

use serde::Serialize;

/// A report and its data.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Report {
    /// The daily cost digest.
    DailyDigest(DigestData),
    /// The monthly ESG report.
    EsgMonthly(EsgData),
    /// The monthly SOX cost report.
    SoxMonthly(SoxData),
}

impl Report {
    /// Which report this is.
    pub fn kind(&self) -> crate::ReportKind {
        match self {
            Report::DailyDigest(_) => crate::ReportKind::DailyDigest,
            Report::EsgMonthly(_) => crate::ReportKind::EsgMonthly,
            Report::SoxMonthly(_) => crate::ReportKind::SoxMonthly,
        }
    }
}

/// What every report carries: where it comes from.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Provenance {
    /// Partition (`YYYY-MM-DD` or `YYYY-MM`).
    pub partition: String,
    /// When the data was read (the run's clock, UTC, RFC 3339), not when it was rendered.
    pub as_of: String,
    /// greenops version and commit.
    pub code_version: String,
    /// Run id of the report run (empty when rendered from the command line).
    pub run_id: String,
    /// Warehouse location.
    pub warehouse: String,
    /// Table versions read (`cost v12`, `carbon v4`, …).
    pub table_versions: Vec<String>,
}

/// One point of a daily chart: actual and, where forecast, the band.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct TrendPoint {
    /// `YYYY-MM-DD`.
    pub day: String,
    /// Actual value (None for forecast-only days).
    pub actual: Option<f64>,
    /// Point forecast.
    pub forecast: Option<f64>,
    /// 80 % interval.
    pub lo80: Option<f64>,
    /// 80 % interval.
    pub hi80: Option<f64>,
}

/// A labelled value (bar charts, breakdown tables).
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Slice {
    /// Label.
    pub label: String,
    /// Value for charts.
    pub value: f64,
    /// Display text (money or t CO2e).
    pub display: String,
    /// Share of the whole, e.g. `42.0 %`.
    pub share: String,
}

// ---------------------------------------------------------------- daily digest

/// The daily cost digest for one day.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DigestData {
    /// Where the data comes from.
    pub provenance: Provenance,
    /// The day reported (`YYYY-MM-DD`, usually yesterday).
    pub day: String,
    /// Billing currency.
    pub currency: String,
    /// The day's cost against its forecast.
    pub yesterday: DayVsForecast,
    /// Month to date against budget and projection.
    pub month: MonthToDate,
    /// Largest day-over-baseline changes by service.
    pub movers: Vec<Mover>,
    /// Alerted anomalies of the month so far, with root causes.
    pub anomalies: Vec<AnomalyItem>,
    /// Daily cost of the last weeks and the forecast band to the month end.
    pub trend: Vec<TrendPoint>,
}

/// One day's actual against what was forecast for it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DayVsForecast {
    /// Actual cost (display).
    pub actual: String,
    /// Forecast for the day (display), if one exists.
    pub forecast: Option<String>,
    /// 80 % interval (display), if forecast.
    pub interval80: Option<String>,
    /// Actual vs forecast, signed percent.
    pub versus_forecast: Option<String>,
    /// Whether the actual fell inside the 80 % interval.
    pub within_interval: Option<bool>,
}

/// Month to date.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MonthToDate {
    /// `YYYY-MM`.
    pub month: String,
    /// Cost so far (display).
    pub actual_to_date: String,
    /// Days with data / days in the month.
    pub days: String,
    /// Monthly budget (display), if configured.
    pub budget: Option<String>,
    /// Share of the budget used so far.
    pub budget_used: Option<String>,
    /// Projected month total (display).
    pub projected_total: Option<String>,
    /// Its 80 % interval (display).
    pub projected_interval80: Option<String>,
    /// Projected total against the budget, signed percent.
    pub projected_vs_budget: Option<String>,
}

/// A service whose cost moved.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Mover {
    /// Dimension (`service`).
    pub dimension: String,
    /// Its value.
    pub key: String,
    /// The day's cost (display).
    pub day_cost: String,
    /// Mean of the 7 days before (display).
    pub baseline: String,
    /// Change (display, signed).
    pub change: String,
    /// Change, signed percent (None when the baseline is 0).
    pub change_pct: Option<String>,
}

/// An alerted anomaly.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AnomalyItem {
    /// `measure by dimension = key`, e.g. `EffectiveCost · service = AmazonEC2`.
    pub series: String,
    /// `spike`, `drop`, `level_shift`, `new_service_ramp`.
    pub kind: String,
    /// Onset day.
    pub start_day: String,
    /// Last anomalous day (or "ongoing").
    pub end_day: String,
    /// Day the alert fired.
    pub alerted_day: String,
    /// Impact since the onset (display, signed).
    pub impact: String,
    /// Impact relative to expected (signed percent).
    pub impact_pct: Option<String>,
    /// Top contributors.
    pub contributors: Vec<ContributorItem>,
}

/// One root cause.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ContributorItem {
    /// Dimension.
    pub dimension: String,
    /// Value.
    pub value: String,
    /// Impact (display, signed).
    pub impact: String,
    /// Share of the anomaly's impact.
    pub share: String,
}

// ---------------------------------------------------------------- ESG

/// The monthly ESG report.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EsgData {
    /// Where the data comes from.
    pub provenance: Provenance,
    /// `YYYY-MM`.
    pub month: String,
    /// Headline figures of the month.
    pub totals: EsgTotals,
    /// The same figures for each month of the trend window (oldest first).
    pub trend: Vec<EsgMonthRow>,
    /// Emissions by provider (location-based + embodied).
    pub by_provider: Vec<Slice>,
    /// Emissions by region, top ones.
    pub by_region: Vec<Slice>,
    /// Methodology modes and coefficient versions used.
    pub methodology: Vec<String>,
    /// Classification coverage per provider.
    pub coverage: Vec<CoverageRow>,
    /// Comparison with the base year, if configured.
    pub base_year: Option<String>,
}

/// A month's figures.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EsgTotals {
    /// Energy, kWh (display).
    pub kwh: String,
    /// Scope 2 location-based, t CO2e (display).
    pub scope2_location: String,
    /// Scope 2 market-based, t CO2e (display), when factors cover every row.
    pub scope2_market: Option<String>,
    /// Scope 3 embodied, t CO2e (display).
    pub scope3_embodied: String,
    /// Location-based + embodied, t CO2e (display).
    pub total: String,
    /// Cost of the month (display, billing currency).
    pub cost: String,
    /// t CO2e per 1,000 of cost (display).
    pub intensity: String,
    /// Share of energy estimated from cost rather than usage.
    pub estimated_share: String,
}

/// One month of the ESG trend.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct EsgMonthRow {
    /// `YYYY-MM`.
    pub month: String,
    /// kWh.
    pub kwh: f64,
    /// Scope 2 location-based t CO2e.
    pub location_t: f64,
    /// Scope 2 market-based t CO2e, if complete.
    pub market_t: Option<f64>,
    /// Scope 3 embodied t CO2e.
    pub embodied_t: f64,
}

/// How much of a provider's cost was classified.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CoverageRow {
    /// Provider.
    pub provider: String,
    /// Share of energy estimated from cost (display).
    pub estimated_share: String,
    /// Rows flagged (display list).
    pub flags: String,
}

// ---------------------------------------------------------------- SOX

/// The monthly SOX cost report.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SoxData {
    /// Where the data comes from.
    pub provenance: Provenance,
    /// `YYYY-MM`.
    pub month: String,
    /// Billing currency (or `mixed`).
    pub currency: String,
    /// Billed total of the month (display).
    pub total_billed: String,
    /// Exact billed total (decimal text, for the CSV).
    pub total_billed_exact: String,
    /// Totals by billing account.
    pub by_account: Vec<AmountRow>,
    /// Totals by service.
    pub by_service: Vec<AmountRow>,
    /// Invoice reconciliation.
    pub invoices: Vec<InvoiceRow>,
    /// Whether every invoice total equals its account's lines and no billed cost lacks one.
    pub reconciled: bool,
    /// Billed cost on lines without an InvoiceId (display).
    pub without_invoice: String,
    /// Commits that changed the month's cost since the previous report.
    pub restatements: Vec<RestatementRow>,
    /// When the previous report was sent, if ever.
    pub previous_report: Option<String>,
    /// Input files of the month's partitions with their SHA-256.
    pub inputs: Vec<InputRow>,
    /// Who approved the report run (for approval-required jobs).
    pub approver: Option<String>,
}

/// A total of one account or service.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AmountRow {
    /// Account id or service name.
    pub key: String,
    /// Account name (accounts only).
    pub name: String,
    /// Billed cost (display).
    pub billed: String,
    /// Exact billed cost (decimal text).
    pub billed_exact: String,
    /// Effective (amortised) cost (display).
    pub effective: String,
    /// Exact effective cost (decimal text).
    pub effective_exact: String,
    /// Billed cost as a float, for the chart.
    pub value: f64,
}

/// One invoice against the lines that carry its id.
#[derive(Debug, Clone, Default, Serialize)]
pub struct InvoiceRow {
    /// Invoice id.
    pub invoice_id: String,
    /// Billing account.
    pub account: String,
    /// Σ BilledCost of its lines (exact text).
    pub lines_total: String,
    /// The same, for display.
    pub lines_billed: String,
    /// Lines.
    pub lines: u64,
}

/// A commit that replaced some of the month's cost.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RestatementRow {
    /// Table version.
    pub version: u64,
    /// When (UTC).
    pub committed_at: String,
    /// Run that committed it.
    pub run_id: String,
    /// Partitions replaced.
    pub partitions: String,
    /// Rows after the commit.
    pub rows: u64,
}

/// An input file.
#[derive(Debug, Clone, Default, Serialize)]
pub struct InputRow {
    /// File (as recorded by ingest).
    pub file: String,
    /// SHA-256 (hex).
    pub sha256: String,
}
