//! `greenops carbon estimate` over the bundled samples: rows for every provider (OCI through its
//! proxy), totals that DuckDB reads back from the carbon table, coverage per bundled export, the
//! config's `carbon` section, market factors and the monthly ESG dataset.

use crate::support::{Workspace, duckdb_json, sample};
use serde_json::Value;

fn estimate(ws: &Workspace, mode: &str) -> Value {
    let run = ws.run(&["carbon", "estimate", "--mode", mode, "--json"]);
    run.assert_code(0);
    serde_json::from_str(run.stdout().trim()).expect("summary JSON")
}

#[test]
fn carbon_over_aws_gcp_and_azure_samples_lands_in_a_table_duckdb_reads() {
    let ws = Workspace::new();
    ws.ingest("aws-cur", &sample("aws_cur/koku_test_cur.csv"));
    ws.ingest("gcp", &sample("gcp/koku_gcp_2022-08-01_5.csv"));
    ws.ingest(
        "azure",
        &sample("azure/focus_converters_sample-anonymous-ea-export-dataset.csv"),
    );
    let s = estimate(&ws, "corrected");
    assert_eq!(s["mode"], "corrected");
    assert_eq!(s["coefficients"], "ccf-app-2024-03-25");
    for provider in ["aws", "gcp", "azure"] {
        assert!(
            s["coverage"][provider].is_object(),
            "{provider} missing: {s:#}"
        );
    }
    let kwh = s["kwh"].as_f64().unwrap();
    assert!(kwh > 0.0, "{s:#}");
    // the table as a reader sees it
    let glob = format!("{}/carbon/**/*.parquet", ws.warehouse);
    let rows = duckdb_json(&format!(
        "SELECT provider, count(*), sum(kwh), sum(location_tco2e), min(mode), min(coefficients), \
         count(DISTINCT run_id) FROM read_parquet('{glob}', hive_partitioning = true, \
         hive_types_autocast = false) GROUP BY provider ORDER BY provider"
    ));
    let rows = rows.as_array().unwrap();
    let providers: Vec<&str> = rows.iter().map(|r| r[0].as_str().unwrap()).collect();
    assert_eq!(providers, ["aws", "azure", "gcp"], "{rows:?}");
    let total: f64 = rows.iter().map(|r| r[2].as_f64().unwrap()).sum();
    assert!(
        (total - kwh).abs() <= 1e-9 * kwh.max(1.0),
        "{total} vs {kwh}"
    );
    for r in rows {
        assert!(r[1].as_u64().unwrap() > 0);
        assert_eq!(r[4], "corrected");
        assert_eq!(r[6], 1);
    }
    // data-quality flags travel with the rows (FOCUS-less Azure rows are estimated by cost)
    let flagged = duckdb_json(&format!(
        "SELECT count(*) FROM read_parquet('{glob}', hive_partitioning = true, \
         hive_types_autocast = false) WHERE flags LIKE '%unknown_%'"
    ));
    assert!(flagged[0][0].as_u64().unwrap() > 0, "{flagged}");
    ws.run(&["warehouse", "verify"]).assert_code(0);
}

#[test]
fn ccf_and_corrected_differ_in_embodied_emissions_and_a_rerun_replaces_the_month() {
    let ws = Workspace::new();
    ws.ingest("aws-cur", &sample("aws_cur/koku_cur_bucket_layout"));
    let ccf = estimate(&ws, "ccf");
    let corrected = estimate(&ws, "corrected");
    // D1: CCF divides embodied by the vCPU count a second time; operational energy of the same
    // rows is the same arithmetic in both modes (D2 only changes what CCF would report)
    assert!(ccf["embodied_tco2e"].as_f64().unwrap() > 0.0, "{ccf:#}");
    assert!(
        corrected["embodied_tco2e"].as_f64().unwrap() > ccf["embodied_tco2e"].as_f64().unwrap(),
        "{ccf:#}\n{corrected:#}"
    );
    // a re-run replaces the month's partitions: DuckDB sees only the last run
    let glob = format!("{}/carbon/**/*.parquet", ws.warehouse);
    let modes = duckdb_json(&format!(
        "SELECT DISTINCT mode FROM read_parquet('{glob}', hive_partitioning = true, hive_types_autocast = false)"
    ));
    assert_eq!(modes, serde_json::json!([["corrected"]]));
}

#[test]
fn esg_monthly_totals_are_the_sums_of_the_carbon_table() {
    let ws = Workspace::new();
    ws.ingest("aws-cur", &sample("aws_cur/koku_cur_bucket_layout"));
    ws.ingest("gcp", &sample("gcp/koku_gcp_2022-08-01_5.csv"));
    estimate(&ws, "corrected");
    let run = ws.run(&["carbon", "esg", "--json"]);
    run.assert_code(0);
    let esg: Value = serde_json::from_str(run.stdout().trim()).unwrap();
    let esg = esg.as_array().unwrap();
    assert!(!esg.is_empty());
    let hive = "hive_partitioning = true, hive_types_autocast = false";
    let sums = duckdb_json(&format!(
        "SELECT billing_period, sum(kwh), sum(location_tco2e), sum(embodied_tco2e) FROM \
         read_parquet('{}/carbon/**/*.parquet', {hive}) GROUP BY 1 ORDER BY 1",
        ws.warehouse
    ));
    let sums = sums.as_array().unwrap();
    assert_eq!(sums.len(), esg.len(), "one ESG row per carbon month");
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1e-12);
    for (row, month) in sums.iter().zip(esg) {
        assert_eq!(row[0], month["period"]);
        assert!(
            close(row[1].as_f64().unwrap(), month["kwh"].as_f64().unwrap()),
            "{row} {month}"
        );
        assert!(close(
            row[2].as_f64().unwrap(),
            month["scope2_location_tco2e"].as_f64().unwrap()
        ));
        assert!(close(
            row[3].as_f64().unwrap(),
            month["scope3_embodied_tco2e"].as_f64().unwrap()
        ));
        assert!(
            month["scope2_market_tco2e"].is_null(),
            "never invented: {month}"
        );
    }
    // the stored table says the same
    let stored = duckdb_json(&format!(
        "SELECT count(*), sum(total_tco2e) FROM read_parquet('{}/esg_monthly/**/*.parquet', {hive})",
        ws.warehouse
    ));
    let total: f64 = esg.iter().map(|m| m["total_tco2e"].as_f64().unwrap()).sum();
    assert_eq!(stored[0][0].as_u64().unwrap() as usize, esg.len());
    assert!(close(stored[0][1].as_f64().unwrap(), total));
}

/// Every bundled cost export (the copies of ../shared/data in examples/exports), its ingest
/// kind, and the least share of its usage cost that must be classified (measured figures are
/// in docs/carbon-methodology.md, "Coverage of the bundled samples"). Not here:
/// `azure/koku_azure_version_2.csv`, which ingest refuses (its currency `MC` is not ISO 4217),
/// and the FOCUS contract-commitment file, which holds no usage. The Nov 2020 GCP sample costs
/// 0 on every row, so its cost share is 0 whatever is classified.
const SAMPLES: [(&str, &str, f64); 13] = [
    ("focus", "focus/focus1.0_official_sample_1000.csv", 0.80),
    (
        "focus",
        "focus/focus1.3_guymano_synthetic_aws_excerpt.csv",
        0.70,
    ),
    (
        "aws-cur",
        "aws_cur/focus_converters_sample-anonymous-aws-export-dataset.csv",
        0.09,
    ),
    ("aws-cur", "aws_cur/koku_test_cur.csv", 0.45),
    ("aws-cur", "aws_cur/koku_cur_bucket_layout", 0.99),
    ("aws-cur", "cur_workshop", 0.92),
    (
        "azure",
        "azure/focus_converters_sample-anonymous-ea-export-dataset.csv",
        0.45,
    ),
    ("azure", "azure/koku_camel_azure_version_2.csv", 0.78),
    (
        "azure",
        "azure/koku_costreport_a243c6f2-199f-4074-9a2c-40e671cf1584.csv",
        0.0,
    ),
    ("azure", "azure/koku_azure_camelCased.csv", 0.0),
    (
        "gcp",
        "gcp/koku_gcp_202011_30c31bca571d9b7f3b2c8459dd8bc34a_2020-11-08_2020-11-11.csv",
        0.0,
    ),
    ("gcp", "gcp/koku_gcp_2022-08-01_5.csv", 0.99),
    (
        "oci",
        "oci/focus_converters_oci_reports_cost-csv_0000000030000269.csv",
        0.12,
    ),
];

#[test]
fn classification_coverage_of_every_bundled_sample() {
    let mut report = String::from("\nshare of usage cost classified / unknown / not counted\n");
    let mut failures = Vec::new();
    for (kind, rel, least) in SAMPLES {
        let ws = Workspace::new();
        ws.ingest(kind, &sample(rel));
        let s = estimate(&ws, "corrected");
        let (mut classified, mut unknown, mut unsupported) = (0.0, 0.0, 0.0);
        let mut top = Vec::new();
        for c in s["coverage"].as_object().unwrap().values() {
            classified += c["classified_cost"].as_f64().unwrap();
            unknown += c["unknown_cost"].as_f64().unwrap();
            unsupported += c["unsupported_cost"].as_f64().unwrap();
            top.extend(c["top_unknown"].as_array().unwrap().iter().take(2).cloned());
        }
        let total = classified + unknown + unsupported;
        let share = if total > 0.0 { classified / total } else { 0.0 };
        report += &format!(
            "{rel:<80} {:>5.1}% {:>5.1}% {:>5.1}%  unknown: {}\n",
            100.0 * share,
            100.0 * unknown / total.max(f64::MIN_POSITIVE),
            100.0 * unsupported / total.max(f64::MIN_POSITIVE),
            serde_json::Value::Array(top)
        );
        if share < least {
            failures.push(format!("{rel}: {share:.3} classified, expected ≥ {least}"));
        }
        // every sample with usage yields carbon rows, whatever its provider
        assert!(
            s["rows"].as_u64().unwrap() > 0,
            "{rel}: no carbon rows {s:#}"
        );
    }
    println!("{report}");
    assert!(failures.is_empty(), "{failures:#?}{report}");
}

#[test]
fn market_based_scope_2_comes_only_from_user_factors() {
    let ws = Workspace::new();
    ws.ingest("aws-cur", &sample("aws_cur/koku_cur_bucket_layout"));
    let factors = ws.path("market.csv");
    std::fs::write(
        &factors,
        "provider,region,from,to,tco2e_per_kwh,source\naws,*,2000-01,2099-12,0.0001,green tariff contract\n",
    )
    .unwrap();
    let run = ws.run(&[
        "carbon",
        "estimate",
        "--json",
        "--market-factors",
        factors.to_str().unwrap(),
    ]);
    run.assert_code(0);
    let s: Value = serde_json::from_str(run.stdout().trim()).unwrap();
    let (kwh, market) = (
        s["kwh"].as_f64().unwrap(),
        s["market_tco2e"].as_f64().unwrap(),
    );
    assert!((market - kwh * 0.0001).abs() <= 1e-9 * market, "{s:#}");
    let esg = ws.run(&["carbon", "esg", "--json"]);
    let esg: Value = serde_json::from_str(esg.stdout().trim()).unwrap();
    let esg_market: f64 = esg
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["scope2_market_tco2e"].as_f64().unwrap())
        .sum();
    assert!((esg_market - market).abs() <= 1e-9 * market);

    // a malformed factor file is refused with row and column, and the carbon table stays
    let before = ws.file_checksums();
    std::fs::write(
        &factors,
        "provider,region,from,to,tco2e_per_kwh,source\naws,*,2024-13,2024-12,0.1,x\n",
    )
    .unwrap();
    let bad = ws.run(&[
        "carbon",
        "estimate",
        "--market-factors",
        factors.to_str().unwrap(),
    ]);
    bad.assert_code(3);
    assert!(
        bad.stderr().contains("row 1, column from"),
        "{}",
        bad.stderr()
    );
    assert_eq!(ws.file_checksums(), before, "nothing changed");
    // without factors there is no market-based figure
    let plain = estimate(&ws, "corrected");
    assert!(plain["market_tco2e"].is_null(), "{plain:#}");
}

#[test]
fn the_config_carbon_section_sets_mode_market_factors_and_base_year() {
    let ws = Workspace::new();
    ws.ingest("aws-cur", &sample("aws_cur/koku_cur_bucket_layout"));
    std::fs::write(
        ws.path("market.csv"),
        "provider,region,from,to,tco2e_per_kwh,source\naws,*,2000-01,2099-12,0.0002,supplier mix\n",
    )
    .unwrap();
    let config = "version: 1\njobs:\n  carbon: { type: carbon, partitioning: monthly }\n\
                  carbon:\n  mode: ccf\n  market_factors: market.csv\n  base_year: 2018\n";
    std::fs::write(ws.path("orchestration.yaml"), config).unwrap();
    ws.run(&["validate"]).assert_code(0);
    let run = ws.run(&["carbon", "estimate", "--json"]);
    run.assert_code(0);
    let s: Value = serde_json::from_str(run.stdout().trim()).unwrap();
    assert_eq!(s["mode"], "ccf", "{s:#}");
    let kwh = s["kwh"].as_f64().unwrap();
    let market = s["market_tco2e"]
        .as_f64()
        .expect("market from the config's factors");
    assert!((market - kwh * 0.0002).abs() <= 1e-9 * market, "{s:#}");
    // a flag wins over the config
    assert_eq!(estimate(&ws, "corrected")["mode"], "corrected");
    // the base year: each 2018 month compared with itself
    let esg = ws.run(&["carbon", "esg", "--json"]);
    esg.assert_code(0);
    let esg: Value = serde_json::from_str(esg.stdout().trim()).unwrap();
    for month in esg.as_array().unwrap() {
        assert_eq!(month["base_year_pct"].as_f64(), Some(0.0), "{month}");
    }
    // a factor file that does not load is a config problem, with its line
    std::fs::write(
        ws.path("orchestration.yaml"),
        config.replace("market.csv", "missing.csv"),
    )
    .unwrap();
    let bad = ws.run(&["validate"]);
    bad.assert_code(4);
    assert!(
        bad.stderr().contains("carbon.market_factors") && bad.stderr().contains("(line 6)"),
        "{}",
        bad.stderr()
    );
}

#[test]
fn the_demo_ingests_every_sample_and_estimates_carbon_for_every_provider() {
    let ws = Workspace::new();
    let exports = crate::support::repo().join("examples/exports");
    let run = ws.run(&["demo", "--exports", exports.to_str().unwrap()]);
    run.assert_code(0);
    let out = run.stdout();
    for provider in ["aws", "azure", "gcp", "oci"] {
        assert!(
            out.lines()
                .any(|l| l.trim_start().starts_with(provider) && l.contains("classified")),
            "{provider} coverage missing:\n{out}"
        );
    }
    let glob = format!("{}/carbon/**/*.parquet", ws.warehouse);
    let providers = duckdb_json(&format!(
        "SELECT DISTINCT provider FROM read_parquet('{glob}', hive_partitioning = true, \
         hive_types_autocast = false) WHERE kwh > 0 ORDER BY 1"
    ));
    assert_eq!(
        providers,
        serde_json::json!([["aws"], ["azure"], ["gcp"], ["oci"]]),
        "carbon rows with energy for every provider"
    );
    // then forecasts, anomalies and the three reports, delivered to the outbox
    for table in ["forecasts", "month_projections", "anomalies", "esg_monthly"] {
        let dir = std::path::Path::new(&ws.warehouse).join(table);
        assert!(dir.exists(), "{table}");
    }
    let emails: Vec<String> = std::fs::read_dir(ws.path("var/outbox"))
        .expect("outbox")
        .flatten()
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect();
    assert_eq!(emails.len(), 3, "digest, ESG and SOX");
    for subject in ["daily cost digest", "ESG report", "SOX cost report"] {
        assert!(
            emails
                .iter()
                .any(|m| m.contains(&format!("Subject: greenops {subject}"))),
            "{subject}"
        );
    }
    for report in ["daily-digest", "esg-monthly", "sox-monthly"] {
        let preview = ws.path(&format!("var/reports/{report}/preview.html"));
        assert!(preview.exists(), "{report}");
    }
    assert!(out.contains("Done. Where everything is:"), "{out}");
}

/// The demo end to end against a real SMTP server (aiosmtpd with STARTTLS and AUTH, started by
/// scripts/test.sh): the three reports arrive with their recipients, both parts and charts.
#[test]
fn the_demo_delivers_its_reports_over_smtp() {
    let var = |name: &str| {
        std::env::var(name).unwrap_or_else(|_| {
            panic!(
                "{name} is not set: run the tests with scripts/test.sh, which starts the SMTP \
                 test server"
            )
        })
    };
    let ws = Workspace::new();
    let exports = crate::support::repo().join("examples/exports");
    let recipient = format!("esg-{}@example.com", std::process::id());
    let config = format!(
        "version: 1\nsources:\n  focus:\n    kind: focus\n    url: {focus}\njobs:\n  \
         ingest_focus:\n    type: ingest\n    source: focus\n    partitioning: monthly\n\
         reports:\n  recipients:\n    daily-digest: [{recipient}]\n    esg-monthly: \
         [{recipient}]\n    sox-monthly: [{recipient}]\n  smtp: {{ host: {host}, port: {port}, \
         tls: starttls, username_env: GREENOPS_TEST_SMTP_USER, password_env: \
         GREENOPS_TEST_SMTP_PASSWORD, ca_certificate: {ca} }}\n",
        focus = exports
            .join("focus/focus1.0_official_sample_1000.csv")
            .display(),
        host = var("GREENOPS_TEST_SMTP_HOST"),
        port = var("GREENOPS_TEST_SMTP_PORT"),
        ca = var("GREENOPS_TEST_SMTP_CA"),
    );
    let config_path = ws.path("orchestration.yaml");
    std::fs::write(&config_path, config).unwrap();
    let dir = ws.path("demo");
    let run = ws.run(&[
        "--config",
        config_path.to_str().unwrap(),
        "demo",
        "--exports",
        exports.to_str().unwrap(),
        "--dir",
        dir.to_str().unwrap(),
    ]);
    run.assert_code(0);
    let maildir = var("GREENOPS_TEST_SMTP_MAILDIR");
    let received: Vec<serde_json::Value> = std::fs::read_dir(&maildir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter_map(|p| serde_json::from_str(&std::fs::read_to_string(p).ok()?).ok())
        .filter(|v: &serde_json::Value| v["rcpt_tos"][0] == recipient.as_str())
        .collect();
    assert_eq!(received.len(), 3, "three reports reached the server");
    for message in &received {
        assert_eq!(message["tls"], true);
        assert_eq!(message["authenticated"], true);
        let mime = message["mime"].to_string();
        for part in ["text/plain", "text/html", "image/png", "text/csv"] {
            assert!(mime.contains(part), "{part} in {}", message["subject"]);
        }
    }
    assert!(
        !dir.join("outbox").exists(),
        "sent, not written to the outbox"
    );
    assert!(dir.join("warehouse/cost").exists() && dir.join("state.db").exists());
}
