//! Bad input fails with an error naming the file (and row/column where there is one), exit
//! code 3, and changes nothing already committed.

use crate::support::*;

/// A warehouse holding one good export, and its state before the bad ingest.
fn committed() -> (Workspace, std::collections::BTreeMap<String, String>) {
    crate::support::committed("aws-cur", &sample("aws_cur/koku_cur_bucket_layout"))
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

/// A FOCUS file with one cell changed.
fn focus_with(ws: &Workspace, name: &str, row: usize, from: &str, to: &str) -> std::path::PathBuf {
    let text = std::fs::read_to_string(sample("focus/focus1.3_guymano_synthetic_aws_excerpt.csv"))
        .unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    assert!(
        lines[row].contains(from),
        "fixture drifted: {from} not in row {row}"
    );
    lines[row] = lines[row].replacen(from, to, 1);
    let path = ws.path(name);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

#[test]
fn quality_gate_blocks_an_invalid_enum_value() {
    let (ws, before) = committed();
    let bad = focus_with(&ws, "bad_enum.csv", 2, ",Usage,", ",Usagee,");
    assert_refused(
        &ws,
        &before,
        "focus",
        &bad,
        &[
            "data-quality checks failed",
            "allowed_value(ChargeCategory)",
            "bad_enum.csv row 2: Usagee",
        ],
    );
}

#[test]
fn quality_gate_blocks_a_charge_period_outside_the_billing_period() {
    let (ws, before) = committed();
    // row 2 charges 2026-05-02..03 in the May 2026 billing period; move it to July
    let bad = focus_with(
        &ws,
        "bad_period.csv",
        2,
        "2026-05-02T00:00:00Z,2026-05-03T00:00:00Z",
        "2026-07-02T00:00:00Z,2026-07-03T00:00:00Z",
    );
    assert_refused(
        &ws,
        &before,
        "focus",
        &bad,
        &[
            "inside_billing_period(ChargePeriodStart)",
            "bad_period.csv row 2",
        ],
    );
    let bad = focus_with(
        &ws,
        "bad_order.csv",
        2,
        "2026-05-02T00:00:00Z,2026-05-03T00:00:00Z",
        "2026-05-03T00:00:00Z,2026-05-02T00:00:00Z",
    );
    assert_refused(
        &ws,
        &before,
        "focus",
        &bad,
        &["start_before_end(ChargePeriodStart)", "bad_order.csv row 2"],
    );
}

#[test]
fn quality_gate_blocks_a_missing_required_value() {
    let (ws, before) = committed();
    let bad = focus_with(
        &ws,
        "no_end.csv",
        2,
        "2026-05-02T00:00:00Z,2026-05-03T00:00:00Z,",
        "2026-05-02T00:00:00Z,,",
    );
    assert_refused(
        &ws,
        &before,
        "focus",
        &bad,
        &["not_null(ChargePeriodEnd)", "no_end.csv row 2: null"],
    );
}

#[test]
fn quality_gate_blocks_an_unknown_currency_code() {
    let (ws, before) = committed();
    let text = std::fs::read_to_string(sample("aws_cur/koku_test_cur.csv")).unwrap();
    let bad = ws.path("dollars.csv");
    std::fs::write(&bad, text.replacen(",USD,", ",US$,", 3)).unwrap();
    assert_refused(
        &ws,
        &before,
        "aws-cur",
        &bad,
        &["currency_code(BillingCurrency)", "dollars.csv row 1: US$"],
    );
}

#[test]
fn a_row_with_more_fields_than_the_header_is_refused() {
    let (ws, before) = committed();
    // polars alone would drop the surplus fields silently
    let text = std::fs::read_to_string(sample(
        "aws_cur/focus_converters_sample-anonymous-aws-export-dataset.csv",
    ))
    .unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[5].push_str(",surplus,fields");
    let bad = ws.path("ragged.csv");
    std::fs::write(&bad, lines.join("\n") + "\n").unwrap();
    assert_refused(
        &ws,
        &before,
        "aws-cur",
        &bad,
        &["ragged.csv", "row 5 has 96 fields but the header has 94"],
    );
    let focus = std::fs::read_to_string(sample("focus/focus1.3_guymano_synthetic_aws_excerpt.csv"))
        .unwrap();
    let bad = ws.path("ragged_focus.csv");
    std::fs::write(
        &bad,
        focus.replacen("\n", ",x\n", 2).replacen(",x\n", "\n", 1),
    )
    .unwrap();
    assert_refused(
        &ws,
        &before,
        "focus",
        &bad,
        &[
            "ragged_focus.csv",
            "row 1 has 66 fields but the header has 65",
        ],
    );
}
