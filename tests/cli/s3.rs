//! The same commands against an S3-compatible server (moto, started by scripts/test.sh), which
//! enforces conditional writes like S3 does.

use crate::support::*;

fn s3_env() -> Vec<(String, String)> {
    let endpoint = std::env::var("GREENOPS_TEST_S3_ENDPOINT")
        .expect("GREENOPS_TEST_S3_ENDPOINT is not set: run the tests with scripts/test.sh, which starts moto");
    vec![
        ("AWS_ENDPOINT_URL".into(), endpoint),
        ("AWS_ALLOW_HTTP".into(), "true".into()),
        ("AWS_ACCESS_KEY_ID".into(), "testing".into()),
        ("AWS_SECRET_ACCESS_KEY".into(), "testing".into()),
        ("AWS_REGION".into(), "us-east-1".into()),
    ]
}

fn bucket() -> String {
    std::env::var("GREENOPS_TEST_S3_BUCKET").unwrap_or_else(|_| "greenops-test".into())
}

/// A warehouse URL under a prefix of the test bucket no other test (or run) uses.
fn fresh_prefix(name: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("s3://{}/{name}-{}-{nanos}", bucket(), std::process::id())
}

fn run_s3(ws: &Workspace, args: &[&str], extra: &[(&str, &str)]) -> Run {
    let env = s3_env();
    let mut all: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    all.extend_from_slice(extra);
    ws.run_env(args, &all)
}

#[test]
fn ingest_verify_and_reingest_on_s3() {
    let ws = Workspace::with_warehouse(&fresh_prefix("it"));
    let file = sample("focus/focus1.0_official_sample_1000.csv");
    let expected = source_totals("focus", std::slice::from_ref(&file));

    let first = run_s3(
        &ws,
        &["ingest", "focus", file.to_str().unwrap(), "--json"],
        &[],
    );
    first.assert_code(0);
    let summary: serde_json::Value = serde_json::from_str(first.stdout().trim()).unwrap();
    assert_eq!(
        summary_totals(&summary),
        expected,
        "totals read back through polars from S3"
    );

    let again = run_s3(
        &ws,
        &["ingest", "focus", file.to_str().unwrap(), "--json"],
        &[],
    );
    again.assert_code(0);
    let summary: serde_json::Value = serde_json::from_str(again.stdout().trim()).unwrap();
    assert_eq!(
        summary_totals(&summary),
        expected,
        "re-ingest on S3 must not duplicate rows"
    );
    assert_eq!(summary["version"], 2);

    // a crash while staging leaves S3 as it was
    let crashed = run_s3(
        &ws,
        &["ingest", "focus", file.to_str().unwrap()],
        &[("GREENOPS_FAIL_POINT", "before-commit")],
    );
    assert_ne!(crashed.code(), 0);

    let verify = run_s3(&ws, &["warehouse", "verify"], &[]);
    verify.assert_code(0);
    assert!(
        verify.stdout().contains("4 partition(s), 4 file(s)"),
        "{}",
        verify.stdout()
    );
    let ls = run_s3(&ws, &["warehouse", "ls", "--json"], &[]);
    ls.assert_code(0);
    let tables: serde_json::Value = serde_json::from_str(&ls.stdout()).unwrap();
    assert_eq!(tables[0]["rows"], 1000);
    assert_eq!(tables[0]["version"], 2);
}

/// The bundled samples the pipeline test ingests: FOCUS 1.0 covers 2024-09 for AWS, Azure and
/// OCI; the others add their own providers and months.
const PIPELINE_SAMPLES: &[(&str, &str)] = &[
    ("focus", "focus/focus1.0_official_sample_1000.csv"),
    ("aws-cur", "aws_cur/koku_test_cur.csv"),
    (
        "azure",
        "azure/focus_converters_sample-anonymous-ea-export-dataset.csv",
    ),
    ("gcp", "gcp/koku_gcp_2022-08-01_5.csv"),
    (
        "oci",
        "oci/focus_converters_oci_reports_cost-csv_0000000030000269.csv",
    ),
];

/// The month the models and the report run for.
const PIPELINE_MONTH: &str = "2024-09";

/// An orchestration config whose jobs carry the FOCUS sample through carbon, forecasts and
/// anomalies to the SOX report (delivered to the workspace's outbox).
fn pipeline_config() -> String {
    format!(
        "\
version: 1
sources:
  focus:
    kind: focus
    url: {}
jobs:
  ingest_focus:
    type: ingest
    source: focus
    partitioning: monthly
  carbon:
    type: carbon
    depends_on: [ingest_focus]
    partitioning: monthly
  forecast:
    type: forecast
    depends_on: [carbon]
    partitioning: monthly
  anomalies:
    type: anomalies
    depends_on: [carbon]
    partitioning: monthly
  cost_report:
    type: report
    report: sox-monthly
    depends_on: [forecast, anomalies]
    partitioning: monthly
reports:
  recipients:
    sox-monthly: [controller@example.com]
notifications:
  on_failure: [oncall@example.com]
  from: greenops@example.com
  outbox: outbox
",
        sample(PIPELINE_SAMPLES[0].1).display()
    )
}

/// Asserts two `carbon estimate --json` summaries agree on what depends only on the cost rows
/// read back: counts exactly, energy and emissions up to float summation order.
fn assert_same_carbon(s3: &serde_json::Value, local: &serde_json::Value) {
    for key in ["partitions", "rows", "groups"] {
        assert_eq!(s3[key], local[key], "{key}: S3 vs local");
    }
    for key in ["kwh", "location_tco2e"] {
        let (a, b) = (s3[key].as_f64().unwrap(), local[key].as_f64().unwrap());
        assert!(
            (a - b).abs() <= 1e-9 * a.abs().max(b.abs()),
            "{key}: S3 {a} vs local {b}"
        );
    }
}

/// The whole pipeline on an S3 warehouse through the CLI: samples ingested, carbon estimated,
/// forecasts, anomalies and the SOX report run by the orchestrator with their upstream jobs, the
/// report rendered again from S3; every table is listed and verifies, no staging is left, and
/// the carbon figures and report totals equal those of the same inputs on a local warehouse.
#[test]
fn the_full_pipeline_runs_on_s3() {
    let ws = Workspace::with_warehouse(&fresh_prefix("pipeline"));
    let local = Workspace::new();
    std::fs::write(ws.path("orchestration.yaml"), pipeline_config()).unwrap();
    for (kind, rel) in PIPELINE_SAMPLES {
        let file = sample(rel);
        let run = run_s3(
            &ws,
            &["ingest", kind, file.to_str().unwrap(), "--json"],
            &[],
        );
        run.assert_code(0);
        let summary: serde_json::Value = serde_json::from_str(run.stdout().trim()).unwrap();
        assert_eq!(
            summary_totals(&summary),
            summary_totals(&local.ingest(kind, &file)),
            "{rel}: totals read back from S3 vs from a local warehouse"
        );
    }

    let carbon = run_s3(&ws, &["carbon", "estimate", "--json"], &[]);
    carbon.assert_code(0);
    let carbon: serde_json::Value = serde_json::from_str(carbon.stdout().trim()).unwrap();
    assert!(carbon["kwh"].as_f64().unwrap() > 0.0, "{carbon:#}");
    let twin = local.run(&["carbon", "estimate", "--json"]);
    twin.assert_code(0);
    let twin: serde_json::Value = serde_json::from_str(twin.stdout().trim()).unwrap();
    assert_same_carbon(&carbon, &twin);

    // ingest_focus → carbon → forecast, anomalies → cost_report, all for the month
    let run = run_s3(
        &ws,
        &[
            "run",
            "cost_report",
            "--partition",
            PIPELINE_MONTH,
            "--with-upstream",
        ],
        &[],
    );
    run.assert_code(0);
    for job in [
        "ingest_focus",
        "carbon",
        "forecast",
        "anomalies",
        "cost_report",
    ] {
        assert!(
            run.stdout()
                .lines()
                .any(|l| l.starts_with(&format!("{job} {PIPELINE_MONTH} "))
                    && l.contains("succeeded")),
            "{job} did not succeed:\n{}",
            run.stdout()
        );
    }
    let sent: Vec<_> = std::fs::read_dir(ws.path("outbox"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
        .collect();
    assert_eq!(sent.len(), 1, "the SOX report went to the outbox");

    // the same SOX report rendered from the S3 warehouse and from the local one
    let render = |out: &std::path::Path| {
        [
            "report",
            "render",
            "sox-monthly",
            "--partition",
            PIPELINE_MONTH,
            "--out",
            out.to_str().unwrap(),
        ]
        .map(String::from)
    };
    let out = ws.path("sox");
    let args = render(&out);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run_s3(&ws, &args, &[]).assert_code(0);
    let local_out = local.path("sox");
    let args = render(&local_out);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    local.run(&args).assert_code(0);
    for file in [
        "totals_by_account.csv",
        "totals_by_service.csv",
        "invoices.csv",
    ] {
        let s3 = std::fs::read_to_string(out.join(file)).unwrap();
        assert!(
            s3.lines().count() > 1 || file == "invoices.csv",
            "{file}:\n{s3}"
        );
        assert_eq!(
            s3,
            std::fs::read_to_string(local_out.join(file)).unwrap(),
            "{file}: S3 vs local"
        );
    }

    let verify = run_s3(&ws, &["warehouse", "verify"], &[]);
    verify.assert_code(0);
    assert!(verify.stdout().contains("OK:"), "{}", verify.stdout());
    let ls = run_s3(&ws, &["warehouse", "ls", "--json"], &[]);
    ls.assert_code(0);
    let tables: serde_json::Value = serde_json::from_str(&ls.stdout()).unwrap();
    let listed: std::collections::BTreeMap<&str, &serde_json::Value> = tables
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["table"].as_str().unwrap(), t))
        .collect();
    for table in [
        "cost",
        "data_quality",
        "carbon",
        "forecasts",
        "month_projections",
        "anomalies",
    ] {
        let t = listed
            .get(table)
            .unwrap_or_else(|| panic!("{table} not in warehouse ls: {tables:#}"));
        assert!(t["version"].as_u64().unwrap() >= 1, "{t:#}");
        assert!(t["rows"].as_u64().unwrap() > 0, "{table} is empty: {t:#}");
    }
    // the job's re-ingest of the FOCUS sample replaced its partitions: no rows were added
    let local_ls = local.run(&["warehouse", "ls", "--json"]);
    let local_tables: serde_json::Value = serde_json::from_str(&local_ls.stdout()).unwrap();
    let local_cost = local_tables
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["table"] == "cost")
        .unwrap();
    assert_eq!(listed["cost"]["rows"], local_cost["rows"]);
    let text = run_s3(&ws, &["warehouse", "ls"], &[]);
    text.assert_code(0);
    assert!(
        !text.stdout().contains("_staging/"),
        "staging left behind:\n{}",
        text.stdout()
    );
}
