//! Hand-built report data covering every section of every template.

use reports::data::*;

fn provenance(partition: &str) -> Provenance {
    Provenance {
        partition: partition.into(),
        as_of: "2024-04-11T06:00:00Z".into(),
        code_version: "greenops 0.1.0 (test)".into(),
        run_id: "run-0001".into(),
        warehouse: "/data/warehouse".into(),
        table_versions: vec!["cost v12".into(), "forecasts v3".into()],
    }
}

pub fn digest() -> Report {
    let trend = (1..=30)
        .map(|d| {
            let day = format!("2024-04-{d:02}");
            let v = 1300.0 + 40.0 * f64::from(d % 7);
            if d <= 10 {
                TrendPoint {
                    day,
                    actual: Some(if d == 10 { v + 2500.0 } else { v }),
                    ..Default::default()
                }
            } else {
                TrendPoint {
                    day,
                    actual: None,
                    forecast: Some(v),
                    lo80: Some(v - 90.0),
                    hi80: Some(v + 90.0),
                }
            }
        })
        .collect();
    Report::DailyDigest(DigestData {
        provenance: provenance("2024-04-10"),
        day: "2024-04-10".into(),
        currency: "USD".into(),
        yesterday: DayVsForecast {
            actual: "3,857.02".into(),
            forecast: Some("1,361.20".into()),
            interval80: Some("1,270.00 – 1,452.40".into()),
            versus_forecast: Some("+183.4 %".into()),
            within_interval: Some(false),
        },
        month: MonthToDate {
            month: "2024-04".into(),
            actual_to_date: "16,120.55".into(),
            days: "10 of 30".into(),
            budget: Some("45,000.00".into()),
            budget_used: Some("35.8 %".into()),
            projected_total: Some("43,410.10".into()),
            projected_interval80: Some("42,100.00 – 44,900.00".into()),
            projected_vs_budget: Some("-3.5 %".into()),
        },
        movers: vec![Mover {
            dimension: "service".into(),
            key: "Amazon Relational Database Service".into(),
            day_cost: "2,889.30".into(),
            baseline: "391.62".into(),
            change: "+2,497.67".into(),
            change_pct: Some("+637.8 %".into()),
        }],
        anomalies: vec![AnomalyItem {
            series: "EffectiveCost · total".into(),
            kind: "spike".into(),
            start_day: "2024-04-10".into(),
            end_day: "2024-04-10".into(),
            alerted_day: "2024-04-10".into(),
            impact: "+2,499.50".into(),
            impact_pct: Some("+184.1 %".into()),
            contributors: vec![
                ContributorItem {
                    dimension: "service".into(),
                    value: "Amazon Relational Database Service".into(),
                    impact: "+2,497.67".into(),
                    share: "99.9 %".into(),
                },
                ContributorItem {
                    dimension: "region".into(),
                    value: "eu-west-1 <b>".into(),
                    impact: "+2,496.05".into(),
                    share: "99.9 %".into(),
                },
            ],
        }],
        trend,
    })
}

pub fn esg() -> Report {
    let trend = ["2023-11", "2023-12", "2024-01", "2024-02", "2024-03"]
        .iter()
        .enumerate()
        .map(|(i, m)| EsgMonthRow {
            month: (*m).into(),
            kwh: 41_000.0 + 1000.0 * i as f64,
            location_t: 12.5 + 0.4 * i as f64,
            market_t: (i >= 3).then_some(3.1 + 0.1 * i as f64),
            embodied_t: 2.2,
        })
        .collect();
    let slice = |label: &str, value: f64, share: &str| Slice {
        label: label.into(),
        value,
        display: format!("{value:.3}"),
        share: share.into(),
    };
    Report::EsgMonthly(EsgData {
        provenance: provenance("2024-03"),
        month: "2024-03".into(),
        totals: EsgTotals {
            kwh: "45,000.0".into(),
            scope2_location: "14.100".into(),
            scope2_market: None,
            scope3_embodied: "2.200".into(),
            total: "16.300".into(),
            cost: "41,870.20 USD".into(),
            intensity: "0.389".into(),
            estimated_share: "12.4 %".into(),
        },
        trend,
        by_provider: vec![
            slice("aws", 10.2, "62.6 %"),
            slice("azure", 4.1, "25.2 %"),
            slice("gcp", 2.0, "12.3 %"),
        ],
        by_region: vec![
            slice("us-east-1", 8.0, "49.1 %"),
            slice("westeurope", 4.1, "25.2 %"),
        ],
        methodology: vec!["corrected · ccf-app-2024-03-25".into()],
        coverage: vec![CoverageRow {
            provider: "azure".into(),
            estimated_share: "70.8 %".into(),
            flags: "estimated_from_cost".into(),
        }],
        base_year: Some("Versus 2023-03: -4.1 % location-based.".into()),
    })
}

pub fn sox() -> Report {
    let amount = |key: &str, name: &str, billed: &str, effective: &str, value: f64| AmountRow {
        key: key.into(),
        name: name.into(),
        billed: reports::format::money(billed),
        billed_exact: billed.into(),
        effective: reports::format::money(effective),
        effective_exact: effective.into(),
        value,
    };
    Report::SoxMonthly(SoxData {
        provenance: provenance("2024-03"),
        month: "2024-03".into(),
        currency: "USD".into(),
        total_billed: "41,870.20".into(),
        total_billed_exact: "41870.2013".into(),
        by_account: vec![
            amount("111111111111", "Prod, Inc.", "30000.1", "29000.0", 30000.1),
            amount("222222222222", "", "11870.1013", "11000", 11870.1),
        ],
        by_service: vec![amount("AmazonEC2", "", "20000.5", "19000.25", 20000.5)],
        invoices: vec![InvoiceRow {
            invoice_id: "INV-1".into(),
            account: "111111111111".into(),
            lines_total: "30000.1".into(),
            lines_billed: "30,000.10".into(),
            lines: 1200,
        }],
        reconciled: false,
        without_invoice: "11,870.10".into(),
        restatements: vec![RestatementRow {
            version: 7,
            committed_at: "2024-04-02T03:15:00Z".into(),
            run_id: "run-0000".into(),
            partitions: "aws/111111111111/2024-03".into(),
            rows: 1200,
        }],
        previous_report: Some("2024-03-03T06:00:00Z".into()),
        inputs: vec![InputRow {
            file: "cur/2024-03/part-0.csv.gz".into(),
            sha256: "ab".repeat(32),
        }],
        approver: Some("controller@example.com".into()),
    })
}
