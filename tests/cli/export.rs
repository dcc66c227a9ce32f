//! FOCUS 1.2 export: conformant files that round-trip through a fresh warehouse.

use crate::support::*;

fn round_trip(format: &str) {
    let ws = Workspace::new();
    let focus = sample("focus/focus1.0_official_sample_1000.csv");
    ws.ingest("focus", &focus);
    ws.ingest(
        "aws-cur",
        &sample("aws_cur/focus_converters_sample-anonymous-aws-export-dataset.csv"),
    );
    let first = ws.duckdb();
    let out = ws.path("export");
    let run = ws.run(&[
        "warehouse",
        "export",
        "--focus",
        "1.2",
        "--out",
        out.to_str().unwrap(),
        "--format",
        format,
    ]);
    run.assert_code(0);
    assert!(
        run.stdout().contains("Exported 2281 rows"),
        "{}",
        run.stdout()
    );
    let data = out.join(format!("focus-1.2-cost-and-usage.{format}"));

    let fresh = Workspace::new();
    fresh.ingest("focus", &data);
    let second = fresh.duckdb();
    assert_eq!(
        second["currencies"], first["currencies"],
        "totals and rows per currency"
    );
    assert_eq!(
        second["partitions"], first["partitions"],
        "rows per partition"
    );
}

#[test]
fn focus_round_trip_through_csv() {
    round_trip("csv");
}

#[test]
fn focus_round_trip_through_parquet() {
    round_trip("parquet");
}

#[test]
fn export_is_focus_shaped_and_filtered() {
    let ws = Workspace::new();
    ws.ingest("focus", &sample("focus/focus1.0_official_sample_1000.csv"));
    let out = ws.path("aws-only");
    ws.run(&[
        "warehouse",
        "export",
        "--out",
        out.to_str().unwrap(),
        "--provider",
        "aws",
        "--from",
        "2024-09",
        "--to",
        "2024-09",
    ])
    .assert_code(0);
    let text = std::fs::read_to_string(out.join("focus-1.2-cost-and-usage.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(
        header.len(),
        57 + header.iter().filter(|h| h.starts_with("x_")).count()
    );
    assert_eq!(header[0], "AvailabilityZone");
    let first_x = header.iter().position(|h| h.starts_with("x_")).unwrap();
    assert!(
        header[first_x..].iter().all(|h| h.starts_with("x_")),
        "x_ columns follow the FOCUS columns"
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 942, "only the AWS rows of 2024-09");
    assert!(
        !text.contains("NULL"),
        "nulls are empty fields, not placeholders"
    );
    assert!(
        rows[0].contains("2024-09-01T00:00:00Z"),
        "instants as YYYY-MM-DDTHH:MM:SSZ: {}",
        rows[0]
    );
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("focus-metadata.json")).unwrap()).unwrap();
    assert_eq!(meta["FocusVersion"], "1.2");
    assert_eq!(meta["Rows"], 942);

    // the same warehouse state exports byte-identical files
    let again = ws.path("aws-only-again");
    ws.run(&[
        "warehouse",
        "export",
        "--out",
        again.to_str().unwrap(),
        "--provider",
        "aws",
        "--from",
        "2024-09",
        "--to",
        "2024-09",
    ])
    .assert_code(0);
    assert_eq!(
        std::fs::read(again.join("focus-1.2-cost-and-usage.csv")).unwrap(),
        text.as_bytes()
    );
}

#[test]
fn unsupported_focus_version_and_bad_period_are_config_errors() {
    let ws = Workspace::new();
    let out = ws.path("x");
    ws.run(&[
        "warehouse",
        "export",
        "--focus",
        "1.0",
        "--out",
        out.to_str().unwrap(),
    ])
    .assert_code(4);
    ws.run(&[
        "warehouse",
        "export",
        "--out",
        out.to_str().unwrap(),
        "--from",
        "2024-13",
    ])
    .assert_code(4);
}
