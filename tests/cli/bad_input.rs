//! Bad input fails with an error naming the file (and row/column where there is one), exit
//! code 3, and changes nothing already committed.

use crate::support::*;
use std::path::Path;

/// A warehouse holding one good export, and its state before the bad ingest.
fn committed() -> (Workspace, std::collections::BTreeMap<String, String>) {
    let ws = Workspace::new();
    ws.ingest("aws-cur", &sample("aws_cur/koku_cur_bucket_layout"));
    let before = ws.file_checksums();
    assert!(before.keys().any(|k| k.ends_with(".parquet")));
    (ws, before)
}

fn assert_refused(
    ws: &Workspace,
    before: &std::collections::BTreeMap<String, String>,
    kind: &str,
    path: &Path,
    must_mention: &[&str],
) {
    let run = ws.run(&["ingest", kind, path.to_str().unwrap()]);
    run.assert_code(3);
    let err = run.stderr();
    for needle in must_mention {
        assert!(
            err.contains(needle),
            "error should mention {needle:?}:\n{err}"
        );
    }
    assert_eq!(
        &ws.file_checksums(),
        before,
        "the warehouse changed after a refused ingest"
    );
    ws.run(&["warehouse", "verify"]).assert_code(0);
}

#[test]
fn truncated_gzip() {
    let (ws, before) = committed();
    let good = std::fs::read(sample(
        "aws_cur/koku_cur_bucket_layout/koku-local/20180801-20180901/16e57707-f9e3-49be-8be6-b84e684b5194/koku-local-1.csv.gz",
    ))
    .unwrap();
    let bad = ws.path("truncated.csv.gz");
    std::fs::write(&bad, &good[..good.len() / 2]).unwrap();
    assert_refused(&ws, &before, "aws-cur", &bad, &["truncated.csv.gz"]);
}

#[test]
fn wrong_type_in_a_numeric_column() {
    let (ws, before) = committed();
    let text = std::fs::read_to_string(sample("aws_cur/koku_test_cur.csv")).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    // data row 7 is line 8; its lineItem/UnblendedCost is column 23
    let mut cells: Vec<String> = lines[7].split(',').map(str::to_string).collect();
    cells[22] = "twelve".into();
    lines[7] = cells.join(",");
    let bad = ws.path("wrong_type.csv");
    std::fs::write(&bad, lines.join("\n")).unwrap();
    assert_refused(
        &ws,
        &before,
        "aws-cur",
        &bad,
        &[
            "wrong_type.csv",
            "row 7",
            "lineItem/UnblendedCost",
            "twelve",
        ],
    );
}

#[test]
fn wrong_type_in_a_focus_timestamp() {
    let (ws, before) = committed();
    let text = std::fs::read_to_string(sample("focus/focus1.3_guymano_synthetic_aws_excerpt.csv"))
        .unwrap();
    let bad = ws.path("bad_date.csv");
    let mut lines: Vec<&str> = text.lines().collect();
    let row3 = lines[3].replacen("2026-05-01T00:00:00Z", "31/31/2026", 1);
    lines[3] = &row3;
    std::fs::write(&bad, lines.join("\n")).unwrap();
    assert_refused(
        &ws,
        &before,
        "focus",
        &bad,
        &["bad_date.csv", "row 3", "BillingPeriodStart", "31/31/2026"],
    );
}

#[test]
fn no_recognisable_header() {
    let (ws, before) = committed();
    let bad = ws.path("weather.csv");
    std::fs::write(&bad, "city,temperature\nOslo,-3\n").unwrap();
    assert_refused(
        &ws,
        &before,
        "aws-cur",
        &bad,
        &["weather.csv", "not a recognisable AWS CUR header"],
    );
    assert_refused(
        &ws,
        &before,
        "focus",
        &bad,
        &["weather.csv", "not a recognisable FOCUS"],
    );
}

#[test]
fn empty_file() {
    let (ws, before) = committed();
    let bad = ws.path("empty.csv");
    std::fs::write(&bad, "").unwrap();
    assert_refused(&ws, &before, "aws-cur", &bad, &["empty.csv", "empty"]);
}

#[test]
fn manifest_naming_a_missing_file() {
    let (ws, before) = committed();
    let copy = ws.path("bucket/my-report");
    crate::ingest_samples::copy_dir(
        &sample("aws_cur/koku_cur_bucket_layout/my-prefix/my-report"),
        &copy,
    );
    std::fs::remove_file(
        copy.join("20180801-20180901/861af42f-713c-4a42-9562-9158a7625630/my-report-1.csv.gz"),
    )
    .unwrap();
    assert_refused(
        &ws,
        &before,
        "aws-cur",
        &copy,
        &["my-report-Manifest.json", "my-report-1.csv.gz"],
    );
}

#[test]
fn missing_path_is_a_configuration_error() {
    let ws = Workspace::new();
    let run = ws.run(&["ingest", "focus", "/nonexistent/export.csv"]);
    run.assert_code(4);
    assert!(run.stderr().contains("/nonexistent/export.csv"));
}

#[test]
fn unsafe_run_id_is_refused() {
    let ws = Workspace::new();
    let f = sample("aws_cur/koku_test_cur.csv");
    let run = ws.run(&[
        "ingest",
        "aws-cur",
        f.to_str().unwrap(),
        "--run-id",
        "../../escape",
    ]);
    run.assert_code(4);
    assert!(run.stderr().contains("invalid run id"), "{}", run.stderr());
    assert!(!ws.path("escape").exists());
}
