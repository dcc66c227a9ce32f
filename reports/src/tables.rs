//! CSV attachments: the rows behind each report, for people who want to filter and pivot.
//! RFC 4180 quoting, `\n` line ends, exact decimal text for money.

use crate::data::{DigestData, EsgData, Slice, SoxData};

/// One CSV file: name and bytes.
pub type CsvFile = (String, Vec<u8>);

/// Quotes a field when it holds a comma, quote or line break.
fn field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

/// A CSV file from a header and rows.
pub fn csv(name: &str, header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> CsvFile {
    let mut out = header
        .iter()
        .map(|h| field(h))
        .collect::<Vec<_>>()
        .join(",");
    out.push('\n');
    for row in rows {
        out.push_str(&row.iter().map(|v| field(v)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    (name.to_string(), out.into_bytes())
}

fn opt(v: Option<f64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// The digest's trend, movers and anomalies.
pub fn digest(d: &DigestData) -> Vec<CsvFile> {
    vec![
        csv(
            "daily_trend.csv",
            &["day", "actual", "forecast", "lo80", "hi80"],
            d.trend.iter().map(|p| {
                vec![
                    p.day.clone(),
                    opt(p.actual),
                    opt(p.forecast),
                    opt(p.lo80),
                    opt(p.hi80),
                ]
            }),
        ),
        csv(
            "movers.csv",
            &[
                "dimension",
                "key",
                "day_cost",
                "baseline_7d",
                "change",
                "change_pct",
            ],
            d.movers.iter().map(|m| {
                vec![
                    m.dimension.clone(),
                    m.key.clone(),
                    m.day_cost.clone(),
                    m.baseline.clone(),
                    m.change.clone(),
                    m.change_pct.clone().unwrap_or_default(),
                ]
            }),
        ),
        csv(
            "anomalies.csv",
            &[
                "series",
                "kind",
                "start_day",
                "end_day",
                "alerted_day",
                "impact",
                "impact_pct",
                "top_contributors",
            ],
            d.anomalies.iter().map(|a| {
                let top = a
                    .contributors
                    .iter()
                    .map(|c| format!("{}={} ({})", c.dimension, c.value, c.impact))
                    .collect::<Vec<_>>()
                    .join("; ");
                vec![
                    a.series.clone(),
                    a.kind.clone(),
                    a.start_day.clone(),
                    a.end_day.clone(),
                    a.alerted_day.clone(),
                    a.impact.clone(),
                    a.impact_pct.clone().unwrap_or_default(),
                    top,
                ]
            }),
        ),
    ]
}

fn slices(name: &str, label: &str, rows: &[Slice]) -> CsvFile {
    csv(
        name,
        &[label, "tco2e", "share"],
        rows.iter()
            .map(|s| vec![s.label.clone(), s.value.to_string(), s.share.clone()]),
    )
}

/// The ESG trend and breakdowns.
pub fn esg(d: &EsgData) -> Vec<CsvFile> {
    vec![
        csv(
            "esg_trend.csv",
            &[
                "month",
                "kwh",
                "scope2_location_tco2e",
                "scope2_market_tco2e",
                "scope3_embodied_tco2e",
            ],
            d.trend.iter().map(|m| {
                vec![
                    m.month.clone(),
                    m.kwh.to_string(),
                    m.location_t.to_string(),
                    opt(m.market_t),
                    m.embodied_t.to_string(),
                ]
            }),
        ),
        slices("emissions_by_provider.csv", "provider", &d.by_provider),
        slices("emissions_by_region.csv", "region", &d.by_region),
    ]
}

/// The SOX totals, reconciliation, restatements and inputs.
pub fn sox(d: &SoxData) -> Vec<CsvFile> {
    let amounts = |name: &str, label: &str, rows: &[crate::data::AmountRow]| {
        csv(
            name,
            &[label, "name", "billed_cost", "effective_cost"],
            rows.iter().map(|r| {
                vec![
                    r.key.clone(),
                    r.name.clone(),
                    r.billed_exact.clone(),
                    r.effective_exact.clone(),
                ]
            }),
        )
    };
    vec![
        amounts("totals_by_account.csv", "billing_account", &d.by_account),
        amounts("totals_by_service.csv", "service", &d.by_service),
        csv(
            "invoices.csv",
            &[
                "invoice_id",
                "billing_account",
                "lines_billed_total",
                "lines",
            ],
            d.invoices.iter().map(|i| {
                vec![
                    i.invoice_id.clone(),
                    i.account.clone(),
                    i.lines_total.clone(),
                    i.lines.to_string(),
                ]
            }),
        ),
        csv(
            "restatements.csv",
            &["version", "committed_at", "run_id", "partitions", "rows"],
            d.restatements.iter().map(|r| {
                vec![
                    r.version.to_string(),
                    r.committed_at.clone(),
                    r.run_id.clone(),
                    r.partitions.clone(),
                    r.rows.to_string(),
                ]
            }),
        ),
        csv(
            "inputs.csv",
            &["file", "sha256"],
            d.inputs
                .iter()
                .map(|i| vec![i.file.clone(), i.sha256.clone()]),
        ),
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn fields_are_quoted_only_when_needed() {
        let (_, bytes) = super::csv(
            "x.csv",
            &["a", "b"],
            [vec!["plain".to_string(), "with, comma \"q\"".to_string()]],
        );
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "a,b\nplain,\"with, comma \"\"q\"\"\"\n"
        );
    }
}
