//! The same data in every container and naming style: CSV.gz, Parquet, CUR 2.0 (tags as a map),
//! and CUR files whose columns drift between months.

use crate::support::*;
use std::path::{Path, PathBuf};

/// Runs DuckDB SQL with `{dir}` replaced by the workspace path.
fn duck(ws: &Workspace, sql: &str) {
    let sql = sql
        .replace("{dir}", &ws.dir.path().display().to_string())
        .replace("{repo}", &repo().display().to_string());
    python_run("import duckdb, sys; duckdb.sql(sys.argv[1])", &[&sql]);
}

fn gzip(src: &Path, dst: &Path) {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(dst).unwrap(),
        flate2::Compression::fast(),
    );
    enc.write_all(&std::fs::read(src).unwrap()).unwrap();
    enc.finish().unwrap();
}

#[test]
fn focus_csv_gz_and_parquet_give_the_same_totals() {
    let ws = Workspace::new();
    let csv = sample("focus/focus1.0_official_sample_1000.csv");
    let expected = source_totals("focus", std::slice::from_ref(&csv));
    let gz = ws.path("focus.csv.gz");
    gzip(&csv, &gz);
    assert_eq!(summary_totals(&ws.ingest("focus", &gz)), expected, "csv.gz");
    // Parquet with typed columns, as exporters write it (DECIMAL costs, TIMESTAMP periods)
    duck(
        &ws,
        "COPY (SELECT * REPLACE (BilledCost::DECIMAL(30,11) AS BilledCost, \
        BillingPeriodStart::TIMESTAMP AS BillingPeriodStart, ChargePeriodStart::TIMESTAMP AS ChargePeriodStart) \
        FROM read_csv('{repo}/examples/exports/focus/focus1.0_official_sample_1000.csv', nullstr='NULL')) \
        TO '{dir}/focus.parquet' (FORMAT parquet)",
    );
    assert_eq!(
        summary_totals(&ws.ingest("focus", &ws.path("focus.parquet"))),
        expected,
        "parquet"
    );
    assert_eq!(
        duckdb_totals(&ws.duckdb()),
        expected,
        "one copy of the rows, not three"
    );
}

#[test]
fn cur_files_with_drifting_columns_are_unioned_by_name() {
    let ws = Workspace::new();
    let dir = ws.path("drift");
    std::fs::create_dir_all(&dir).unwrap();
    let koku = sample("aws_cur/koku_test_cur.csv");
    // month A: as exported; month B: product columns dropped, a tag column and a net cost added
    std::fs::copy(&koku, dir.join("a.csv")).unwrap();
    duck(
        &ws,
        "COPY (SELECT COLUMNS(lambda c: NOT c LIKE 'product/%'), 'blue' AS \"resourceTags/user:Team\", \
        \"lineItem/UnblendedCost\" AS \"lineItem/NetUnblendedCost\", 'ABC-1' AS \"bill/InvoiceId\" \
        FROM read_csv('{repo}/examples/exports/aws_cur/koku_test_cur.csv', all_varchar=true, header=true, delim=',', quote='\"', null_padding=true)) \
        TO '{dir}/drift/b.csv' (HEADER, DELIMITER ',')",
    );
    let files: Vec<PathBuf> = vec![dir.join("a.csv"), dir.join("b.csv")];
    let expected = source_totals("aws-cur", &files);
    let summary = ws.ingest("aws-cur", &dir);
    // both files cover the same account and month: one partition with both files' rows
    assert_eq!(summary_totals(&summary), expected);
    assert_eq!(summary["partitions"], 1);
    let tags = std::process::Command::new(python())
        .args(["-c", &format!("import duckdb; print(duckdb.sql(\"SELECT count(Tags), min(Tags), count(DISTINCT x_SourceFile), count(*) FROM read_parquet('{}/cost/**/*.parquet')\").fetchall())", ws.warehouse)])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&tags.stdout).trim(),
        r#"[(19, '{"team":"blue"}', 2, 38)]"#
    );
}

#[test]
fn cur_2_0_parquet_with_a_tag_map_and_csv_with_json_tags() {
    let ws = Workspace::new();
    let select = "SELECT \"bill/PayerAccountId\" AS bill_payer_account_id, 'Example Payer' AS bill_payer_account_name, \
        \"bill/BillingPeriodStartDate\" AS bill_billing_period_start_date, \"bill/BillingPeriodEndDate\" AS bill_billing_period_end_date, \
        \"bill/InvoiceId\" AS bill_invoice_id, \"lineItem/UsageAccountId\" AS line_item_usage_account_id, \
        'dev' AS line_item_usage_account_name, \"lineItem/LineItemType\" AS line_item_line_item_type, \
        \"lineItem/UsageStartDate\" AS line_item_usage_start_date, \"lineItem/UsageEndDate\" AS line_item_usage_end_date, \
        \"lineItem/ProductCode\" AS line_item_product_code, \"lineItem/UsageAmount\" AS line_item_usage_amount, \
        \"lineItem/CurrencyCode\" AS line_item_currency_code, \"lineItem/UnblendedCost\" AS line_item_unblended_cost, \
        \"product/instanceType\" AS product_instance_type";
    duck(
        &ws,
        &format!(
            "COPY ({select}, MAP {{'user_team': 'core', 'user_cost_center': 'cc-1'}} AS resource_tags \
        FROM read_csv('{{repo}}/examples/exports/aws_cur/koku_test_cur.csv', all_varchar=true, header=true, delim=',', quote='\"', null_padding=true)) TO '{{dir}}/cur2.parquet' (FORMAT parquet)"
        ),
    );
    duck(
        &ws,
        &format!(
            "COPY ({select}, '{{\"user_team\": \"core\"}}' AS resource_tags \
        FROM read_csv('{{repo}}/examples/exports/aws_cur/koku_test_cur.csv', all_varchar=true, header=true, delim=',', quote='\"', null_padding=true)) TO '{{dir}}/cur2.csv' (HEADER)"
        ),
    );
    let expected = source_totals("aws-cur", &[sample("aws_cur/koku_test_cur.csv")]);
    for file in ["cur2.parquet", "cur2.csv"] {
        let summary = ws.ingest("aws-cur", &ws.path(file));
        assert_eq!(summary_totals(&summary), expected, "{file}");
    }
    let out = std::process::Command::new(python())
        .args(["-c", &format!("import duckdb; print(duckdb.sql(\"SELECT DISTINCT x_SourceKind, Tags, x_RawTags, BillingAccountName FROM read_parquet('{}/cost/**/*.parquet')\").fetchall())", ws.warehouse)])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        r#"[('aws-cur2', '{"team":"core"}', '{"user_team":"core"}', 'Example Payer')]"#
    );
}

#[test]
fn an_estimated_month_is_recorded_as_such() {
    let ws = Workspace::new();
    let summary = ws.ingest(
        "aws-cur",
        &sample("aws_cur/focus_converters_sample-anonymous-aws-export-dataset.csv"),
    );
    assert_eq!(
        summary["estimated"],
        serde_json::json!(["aws/123412340534/2023-11"])
    );
    let summary = ws.ingest(
        "focus",
        &sample("focus/focus1.3_guymano_synthetic_aws_excerpt.csv"),
    );
    assert_eq!(summary["estimated"], serde_json::json!([]));
}
