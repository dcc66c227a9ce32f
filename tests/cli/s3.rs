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

fn run_s3(ws: &Workspace, args: &[&str], extra: &[(&str, &str)]) -> Run {
    let env = s3_env();
    let mut all: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    all.extend_from_slice(extra);
    ws.run_env(args, &all)
}

#[test]
fn ingest_verify_and_reingest_on_s3() {
    let prefix = format!("s3://{}/it-{}", bucket(), std::process::id());
    let ws = Workspace::with_warehouse(&prefix);
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
