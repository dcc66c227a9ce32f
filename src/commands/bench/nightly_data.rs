//! The history of `greenops bench nightly`: a FOCUS 1.0 CSV export per month with a fixed number
//! of rows per day (accounts × services × regions × resources, a weekly pattern and noise), and
//! the month-to-date export of the month the nightly run is in, as providers redeliver it each
//! night. Deterministic: the same month and rows per day give the same bytes.

use super::rng::XorShift;
use anyhow::Context;
use chrono::{Datelike, Months, NaiveDate};
use std::io::{BufWriter, Write};
use std::path::Path;

/// The FOCUS 1.0 columns written, in order.
const HEADER: &str = "BilledCost,BillingAccountId,BillingAccountName,BillingCurrency,\
BillingPeriodEnd,BillingPeriodStart,ChargeCategory,ChargeDescription,ChargeFrequency,\
ChargePeriodEnd,ChargePeriodStart,ConsumedQuantity,ConsumedUnit,ContractedCost,EffectiveCost,\
InvoiceIssuerName,ListCost,ListUnitPrice,PricingCategory,PricingQuantity,PricingUnit,\
ProviderName,PublisherName,RegionId,RegionName,ResourceId,ResourceType,ServiceCategory,\
ServiceName,SkuId,SubAccountId,SubAccountName,Tags";

/// (service, category, unit, $ per unit, units per row) of the synthetic estate.
const SERVICES: [(&str, &str, &str, f64, f64); 8] = [
    (
        "Amazon Elastic Compute Cloud",
        "Compute",
        "Hrs",
        0.096,
        24.0,
    ),
    (
        "Amazon Simple Storage Service",
        "Storage",
        "GB-Mo",
        0.023,
        40.0,
    ),
    (
        "Amazon Relational Database Service",
        "Databases",
        "Hrs",
        0.171,
        24.0,
    ),
    (
        "AWS Lambda",
        "Compute",
        "Lambda-GB-Second",
        0.000_016_7,
        90_000.0,
    ),
    ("Amazon Elastic Block Store", "Storage", "GB-Mo", 0.08, 12.0),
    ("Amazon CloudFront", "Networking", "GB", 0.085, 30.0),
    (
        "Amazon DynamoDB",
        "Databases",
        "ReadCapacityUnit-Hrs",
        0.000_13,
        9_000.0,
    ),
    (
        "Amazon Elastic Kubernetes Service",
        "Compute",
        "Hrs",
        0.10,
        24.0,
    ),
];
const REGIONS: [(&str, &str); 6] = [
    ("us-east-1", "US East (N. Virginia)"),
    ("us-west-2", "US West (Oregon)"),
    ("eu-west-1", "Europe (Ireland)"),
    ("eu-central-1", "Europe (Frankfurt)"),
    ("ap-southeast-2", "Asia Pacific (Sydney)"),
    ("ap-northeast-1", "Asia Pacific (Tokyo)"),
];
const TEAMS: [&str; 5] = ["payments", "search", "data", "platform", "web"];
const PAYER: &str = "100000000001";
const SUB_ACCOUNTS: u64 = 24;

/// Writes the export of `month` (its first day) with `rows_per_day` rows for each of its first
/// `days` days to `path`.
///
/// # Errors
/// Writing the file.
pub fn write_month(
    path: &Path,
    month: NaiveDate,
    days: u32,
    rows_per_day: u64,
) -> anyhow::Result<u64> {
    let file =
        std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let next = month + Months::new(1);
    let period = (stamp(month), stamp(next));
    let mut rng = XorShift::new(u64::from(month.year_ce().1) * 100 + u64::from(month.month()));
    let mut line = String::with_capacity(512);
    let write_err = || format!("writing {}", path.display());
    writeln!(out, "{HEADER}").with_context(write_err)?;
    let mut rows = 0;
    for d in 0..days {
        let day = month + chrono::Days::new(u64::from(d));
        let weekend = day.weekday().number_from_monday() >= 6;
        let (start, end) = (stamp(day), stamp(day + chrono::Days::new(1)));
        for i in 0..rows_per_day {
            line.clear();
            row(&mut line, i, weekend, &mut rng, &period, (&start, &end))
                .context("formatting a row")?;
            out.write_all(line.as_bytes()).with_context(write_err)?;
            rows += 1;
        }
    }
    out.flush().with_context(write_err)?;
    Ok(rows)
}

fn stamp(day: NaiveDate) -> String {
    format!("{day} 00:00:00")
}

/// Row `i` of a day: its resource, account, service and region follow from `i`, so the same
/// resource appears every day; usage varies with the weekday and noise.
fn row(
    line: &mut String,
    i: u64,
    weekend: bool,
    rng: &mut XorShift,
    period: &(String, String),
    charge: (&str, &str),
) -> std::fmt::Result {
    use std::fmt::Write as _;
    let (service, category, unit, rate, units) = SERVICES[(i % SERVICES.len() as u64) as usize];
    let (region, region_name) = REGIONS[((i / 8) % REGIONS.len() as u64) as usize];
    let account = 200_000_000_000 + (i / 48) % SUB_ACCOUNTS;
    let team = TEAMS[((i / 48) % TEAMS.len() as u64) as usize];
    let load = if weekend { 0.7 } else { 1.0 };
    let quantity = units * load * rng.range(0.8, 1.2);
    let cost = quantity * rate;
    let list = cost * 1.1;
    writeln!(
        line,
        "{cost:.10},{PAYER},Example Corp,USD,{},{},Usage,{service} usage in {region},Usage-Based,\
         {},{},{quantity:.6},{unit},{cost:.10},{cost:.10},\"Amazon Web Services, Inc.\",{list:.10},\
         {:.10},Standard,{quantity:.6},{unit},AWS,\"Amazon Web Services, Inc.\",{region},\
         {region_name},arn:aws:synthetic:{region}:{account}:resource/r-{i:08},{category} resource,\
         {category},{service},SKU{:04},{account},team-{team},\"{{\"\"team\"\": \"\"{team}\"\"}}\"",
        period.1,
        period.0,
        charge.1,
        charge.0,
        rate * 1.1,
        i % 997,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_is_deterministic_and_has_its_rows() {
        let dir = tempfile::tempdir().unwrap();
        let month = NaiveDate::from_ymd_opt(2026, 2, 1).unwrap();
        let (a, b) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
        assert_eq!(write_month(&a, month, 28, 10).unwrap(), 280);
        write_month(&b, month, 28, 10).unwrap();
        let text = std::fs::read_to_string(&a).unwrap();
        assert_eq!(text, std::fs::read_to_string(&b).unwrap());
        assert_eq!(text.lines().count(), 281);
        let columns = HEADER.split(',').count();
        let first = text.lines().nth(1).unwrap();
        assert!(first.contains("2026-02-01 00:00:00,"), "{first}");
        assert!(
            first.contains("2026-03-01 00:00:00,2026-02-01 00:00:00"),
            "{first}"
        );
        // quoted commas aside, every row has the header's fields
        let unquoted = first.replace("\"Amazon Web Services, Inc.\"", "x");
        assert_eq!(unquoted.split(',').count(), columns, "{first}");
    }
}
