//! `greenops ingest azure`: every bundled Azure sample against the oracle, header and date
//! variants, manifests, the actual/amortized combination, and refused bad input.

use crate::support::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn fixture(rel: &str) -> PathBuf {
    repo().join("tests/fixtures/azure").join(rel)
}

/// Ingests `path`; rows and per-currency BilledCost equal the oracle over `data_files`, through
/// the summary and through DuckDB; `warehouse verify` passes. Returns the workspace.
fn check(path: &Path, data_files: &[PathBuf]) -> Workspace {
    assert_ingests_like_source("azure", path, data_files)
}

fn check_file(path: PathBuf) -> Workspace {
    check(&path, std::slice::from_ref(&path))
}

/// Runs `sql` (with `{src}` standing for the cost table) through DuckDB; rows as JSON arrays.
fn query(ws: &Workspace, sql: &str) -> Vec<Vec<Value>> {
    let src = format!(
        "read_parquet('{}/cost/**/*.parquet', hive_partitioning=true)",
        ws.warehouse
    );
    let sql = sql.replace("{src}", &src);
    serde_json::from_value(duckdb_json(&sql)).expect("rows")
}

/// The properties of every committed partition manifest.
fn partition_properties(ws: &Workspace) -> Vec<BTreeMap<String, Value>> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::from(&ws.warehouse).join("cost")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().unwrap() == "_manifest.json" {
                let m: Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
                out.push(serde_json::from_value(m["properties"].clone()).unwrap());
            }
        }
    }
    assert!(!out.is_empty(), "no partition manifests");
    out
}

fn sums(summary: &Value) -> (String, String, u64) {
    let t = &summary["totals"][0];
    (
        norm(t["billed_cost"].as_str().unwrap()),
        norm(t["effective_cost"].as_str().unwrap()),
        t["rows"].as_u64().unwrap(),
    )
}

// ---- the bundled samples ----

#[test]
fn ea_cost_details_sample_cad_tags_without_braces() {
    let ws = check_file(sample(
        "azure/focus_converters_sample-anonymous-ea-export-dataset.csv",
    ));
    let rows = query(
        &ws,
        "SELECT DISTINCT x_SourceKind, BillingAccountId, billing_period::VARCHAR, \
         BillingPeriodEnd::VARCHAR, Tags, x_BillingStatus FROM {src}",
    );
    assert_eq!(
        rows,
        vec![vec![
            Value::from("azure-ea-actual"),
            "12345678".into(),
            "2023-09".into(),
            "2023-10-01 00:00:00+00".into(),
            r#"{"taga":"valueA","tagb":"valueB","tagc":"valueC"}"#.into(),
            "Unknown".into(),
        ]]
    );
    let props = partition_properties(&ws);
    assert_eq!(props[0]["azure_datasets"], serde_json::json!(["actual"]));
    assert!(!props[0].contains_key("azure_billed_cost_note"));
}

#[test]
fn ea_v2_sample_with_marketplace_purchase() {
    // koku's synthetic sample bills in "MC", which is no ISO 4217 code: the data-quality gate
    // refuses it as it is, so the mapping is checked on a copy billed in USD
    let original = sample("azure/koku_azure_version_2.csv");
    let refused = Workspace::new();
    let run = refused.run(&["ingest", "azure", original.to_str().unwrap()]);
    run.assert_code(3);
    assert!(
        run.stderr().contains("currency_code") && run.stderr().contains("MC"),
        "{}",
        run.stderr()
    );
    assert!(
        !refused
            .file_checksums()
            .keys()
            .any(|k| k.ends_with(".parquet"))
    );
    let copy = refused.path("koku_azure_version_2_usd.csv");
    let text = std::fs::read_to_string(&original).unwrap();
    std::fs::write(&copy, text.replace(",MC,", ",USD,")).unwrap();
    let ws = check_file(copy);
    let rows = query(
        &ws,
        "SELECT x_SourceRow, ChargeCategory, ChargeFrequency, PublisherName, x_InstanceType, \
         x_vCPUs, RegionId, ServiceName, ServiceCategory FROM {src} ORDER BY x_SourceRow",
    );
    assert_eq!(rows.len(), 5);
    // the Marketplace purchase
    assert_eq!(rows[1][1], "Purchase");
    assert_eq!(rows[1][2], "Recurring");
    assert_eq!(rows[1][3], "OpenShift on Azure testing");
    // carbon inputs: VM size and vCPUs from AdditionalInfo, region from `usnorth`
    assert_eq!(rows[2][4], "Standard_D4s_v3");
    assert_eq!(rows[2][5], 4.0);
    assert_eq!(rows[2][6], "northcentralus");
    assert_eq!(rows[0][3], "Microsoft");
    assert_eq!(rows[0][8], "Compute");
}

#[test]
fn mca_camelcase_sample() {
    let ws = check_file(sample("azure/koku_camel_azure_version_2.csv"));
    let rows = query(
        &ws,
        "SELECT DISTINCT x_SourceKind, BillingAccountId, BillingPeriodStart::VARCHAR, \
         BillingPeriodEnd::VARCHAR, ChargePeriodStart::VARCHAR, ServiceName, x_BillingStatus FROM {src}",
    );
    // empty billingPeriod* columns: the calendar month of the usage date
    assert_eq!(
        rows,
        vec![vec![
            Value::from("azure-mca-actual"),
            "3c100a8a-215e-5a7e-24b2-61aa86945012".into(),
            "2023-08-01 00:00:00+00".into(),
            "2023-09-01 00:00:00+00".into(),
            "2023-08-01 00:00:00+00".into(),
            "Storage Accounts".into(),
            "Estimated".into(),
        ]]
    );
}

#[test]
fn payg_usage_sample_with_bom() {
    let ws = check_file(sample(
        "azure/koku_costreport_a243c6f2-199f-4074-9a2c-40e671cf1584.csv",
    ));
    let rows = query(
        &ws,
        "SELECT DISTINCT x_SourceKind, BillingAccountId, SubAccountId, billing_period::VARCHAR, \
         RegionId, x_BillingStatus FROM {src}",
    );
    assert_eq!(
        rows,
        vec![vec![
            Value::from("azure-payg-actual"),
            "0039de71-ca37-4a17-a104-17665a50e7fc".into(),
            "0039de71-ca37-4a17-a104-17665a50e7fc".into(),
            "2019-07".into(),
            "eastus2".into(),
            "Unknown".into(),
        ]]
    );
}

#[test]
fn payg_camelcase_usage_sample_with_bom() {
    let ws = check_file(sample("azure/koku_azure_camelCased.csv"));
    let rows = query(
        &ws,
        "SELECT x_SourceKind, ResourceId, ResourceName, ServiceName, ConsumedQuantity::VARCHAR \
         FROM {src} ORDER BY x_SourceRow LIMIT 1",
    );
    assert_eq!(rows[0][0], "azure-payg-actual");
    // ResourceId lower-cased as Microsoft does; the name is its last segment
    assert_eq!(
        rows[0][1],
        "/subscriptions/2639de71-ca37-4a17-a104-17665a50e7fc/resourcegroups/costmgmt/providers/microsoft.compute/virtualmachines/test-vm-1"
    );
    assert_eq!(rows[0][2], "test-vm-1");
    assert_eq!(rows[0][3], "Virtual Machines");
    assert_eq!(norm(rows[0][4].as_str().unwrap()), "0.000004");
}

#[test]
fn focuscost_uses_the_focus_mapping() {
    let ws = check_file(fixture("focuscost_1_2_preview.csv"));
    let rows = query(
        &ws,
        "SELECT DISTINCT x_SourceKind, ProviderName, provider FROM {src}",
    );
    assert_eq!(
        rows,
        vec![vec![
            Value::from("azure-focus"),
            "Microsoft".into(),
            "azure".into()
        ]]
    );
    let eur = &ws.duckdb()["currencies"]["EUR"];
    assert_eq!(norm(eur["billed"].as_str().unwrap()), "79.628");
    assert_eq!(norm(eur["effective"].as_str().unwrap()), "6.628");
}

#[test]
fn gzip_and_typed_parquet_copies_of_the_ea_sample() {
    let ws = Workspace::new();
    let src = sample("azure/focus_converters_sample-anonymous-ea-export-dataset.csv");
    let gz = ws.path("copies/cost_details.csv.gz");
    let parquet = ws.path("copies/cost_details.parquet");
    std::fs::create_dir_all(ws.path("copies")).unwrap();
    let out = std::process::Command::new(python())
        .args([
            "-c",
            "import duckdb, gzip, shutil, sys\n\
             shutil.copyfileobj(open(sys.argv[1], 'rb'), gzip.open(sys.argv[2], 'wb'))\n\
             duckdb.sql(f\"COPY (SELECT * FROM read_csv('{sys.argv[1]}')) TO '{sys.argv[3]}' (FORMAT parquet)\")",
            src.to_str().unwrap(),
            gz.to_str().unwrap(),
            parquet.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for copy in [gz, parquet] {
        let expected = source_totals("azure", std::slice::from_ref(&src));
        assert_eq!(
            source_totals("azure", std::slice::from_ref(&copy)),
            expected
        );
        let ws = Workspace::new();
        assert_eq!(
            summary_totals(&ws.ingest("azure", &copy)),
            expected,
            "{copy:?}"
        );
    }
}

// ---- header variants ----

#[test]
fn header_with_utf8_bom() {
    let f = fixture("ea_utf8_bom.csv");
    assert_eq!(&std::fs::read(&f).unwrap()[..3], b"\xef\xbb\xbf");
    let ws = check_file(f);
    // the first column (InvoiceSectionName) is found despite the BOM; its neighbours map
    let rows = query(&ws, "SELECT DISTINCT SubAccountName FROM {src}");
    assert_eq!(rows, vec![vec![Value::from("sub-example")]]);
}

#[test]
fn german_localised_header() {
    let ws = check_file(fixture("ea_german_localised_header.csv"));
    let rows = query(
        &ws,
        "SELECT DISTINCT x_SourceKind, BillingCurrency, BillingAccountId, ChargePeriodStart::VARCHAR, \
         Tags IS NOT NULL FROM {src}",
    );
    assert_eq!(
        rows,
        vec![vec![
            Value::from("azure-ea-actual"),
            "CAD".into(),
            "12345678".into(),
            "2023-09-02 00:00:00+00".into(),
            true.into(),
        ]]
    );
}

#[test]
fn camelcase_ea_header() {
    let ws = check_file(fixture("ea_camelcase_header.csv"));
    let rows = query(
        &ws,
        "SELECT DISTINCT x_SourceKind, BillingCurrency, RegionId IS NOT NULL FROM {src}",
    );
    assert_eq!(
        rows,
        vec![vec![
            Value::from("azure-ea-actual"),
            "CAD".into(),
            true.into()
        ]]
    );
}

#[test]
fn tags_with_and_without_outer_braces() {
    let ws = check_file(fixture("tags_with_and_without_braces.csv"));
    let rows = query(
        &ws,
        "SELECT Tags, x_RawTags FROM {src} ORDER BY x_SourceRow",
    );
    let tags: Vec<Value> = rows.iter().map(|r| r[0].clone()).collect();
    assert_eq!(
        tags,
        vec![
            Value::from(r#"{"env":"prod","team":"a"}"#),
            r#"{"team":"b"}"#.into(),
            Value::Null,
            Value::Null,
            r#"{"cost_center":"cc-1"}"#.into(),
        ]
    );
    assert_eq!(rows[4][1], r#"{"Cost Center":"cc-1"}"#);
}

// ---- date formats ----

fn check_dates(name: &str) {
    let ws = check_file(fixture(name));
    let rows = query(
        &ws,
        "SELECT ChargePeriodStart::VARCHAR, ChargePeriodEnd::VARCHAR, BillingPeriodStart::VARCHAR, \
         BillingPeriodEnd::VARCHAR, billing_period::VARCHAR FROM {src} ORDER BY x_SourceRow",
    );
    let day = |d: &str| format!("{d} 00:00:00+00");
    let expected: Vec<Vec<Value>> = [
        ("2023-12-05", "2023-12-06"),
        ("2023-12-31", "2024-01-01"),
        ("2023-12-01", "2023-12-02"),
    ]
    .iter()
    .map(|(s, e)| {
        vec![
            day(s).into(),
            day(e).into(),
            day("2023-12-01").into(),
            // BillingPeriodEndDate 12/31 is inclusive: FOCUS's exclusive end is the next day
            day("2024-01-01").into(),
            "2023-12".into(),
        ]
    })
    .collect();
    assert_eq!(rows, expected, "{name}");
}

#[test]
fn dates_m_d_yyyy() {
    check_dates("dates_m_d_yyyy.csv");
}

#[test]
fn dates_mm_dd_yyyy() {
    check_dates("dates_mm_dd_yyyy.csv");
}

#[test]
fn dates_iso() {
    check_dates("dates_iso.csv");
}

// ---- manifests ----

const RUN: &str =
    "manifest_folder/20230901-20230930/202310011200/73746dc5-5dcc-4b83-b340-bb1bd2b1ca30";

#[test]
fn manifest_folder_reads_only_the_latest_runs_listed_blobs() {
    let blobs = [
        fixture(&format!("{RUN}/part_1.csv")),
        fixture(&format!("{RUN}/part_2.csv")),
    ];
    // the two blobs are the EA sample split in two
    assert_eq!(
        source_totals("azure", &blobs),
        source_totals(
            "azure",
            &[sample(
                "azure/focus_converters_sample-anonymous-ea-export-dataset.csv"
            )]
        )
    );
    let ws = check(&fixture("manifest_folder"), &blobs);
    let props = partition_properties(&ws);
    assert_eq!(
        props[0]["azure_export_runs"],
        serde_json::json!(["73746dc5-5dcc-4b83-b340-bb1bd2b1ca30"])
    );
    let superseded = props[0]["azure_superseded_manifests"].to_string();
    assert!(superseded.contains("0b4f3d2e-old-run"), "{superseded}");
    let files = query(&ws, "SELECT DISTINCT x_SourceFile FROM {src} ORDER BY 1");
    assert_eq!(files.len(), 2, "{files:?}");
    // a manifest given directly
    check(&fixture(&format!("{RUN}/manifest.json")), &blobs);
}

#[test]
fn the_sample_manifest_names_its_missing_blob() {
    let ws = Workspace::new();
    let run = ws.run(&[
        "ingest",
        "azure",
        sample("azure/koku_azure_export_manifest.json")
            .to_str()
            .unwrap(),
    ]);
    run.assert_code(3);
    assert!(run.stderr().contains("koku_azure_export_manifest.json"));
    assert!(run.stderr().contains("000001.csv"));
}

// ---- actual and amortized ----

const RESERVATION: &str = "reservation_actual_and_amortized";

#[test]
fn actual_and_amortized_together_give_both_totals() {
    let actual = fixture(&format!("{RESERVATION}/actual/cost_details.csv"));
    let amortized = fixture(&format!("{RESERVATION}/amortized/cost_details.csv"));
    let actual_total = &source_totals("azure", &[actual])["USD"].1;
    let amortized_total = &source_totals("azure", &[amortized])["USD"].1;
    assert_eq!(
        (actual_total.as_str(), amortized_total.as_str()),
        ("1160", "260")
    );

    let ws = Workspace::new();
    let summary = ws.ingest("azure", &fixture(RESERVATION));
    // all 7 amortized rows + the reservation purchase, the savings plan purchase and the refund
    assert_eq!(
        sums(&summary),
        (actual_total.clone(), amortized_total.clone(), 10)
    );
    let duck = ws.duckdb();
    assert_eq!(
        norm(duck["currencies"]["USD"]["billed"].as_str().unwrap()),
        *actual_total
    );
    assert_eq!(
        norm(duck["currencies"]["USD"]["effective"].as_str().unwrap()),
        *amortized_total
    );
    let rows = query(
        &ws,
        "SELECT x_SourceKind, x_ChargeType, BilledCost::DOUBLE, EffectiveCost::DOUBLE FROM {src} \
         ORDER BY x_SourceKind, x_SourceRow",
    );
    let got: Vec<(String, String, f64, f64)> = rows
        .iter()
        .map(|r| {
            (
                r[0].as_str().unwrap().into(),
                r[1].as_str().unwrap().into(),
                r[2].as_f64().unwrap(),
                r[3].as_f64().unwrap(),
            )
        })
        .collect();
    let e = |k: &str, t: &str, b: f64, c: f64| (k.to_string(), t.to_string(), b, c);
    assert_eq!(
        got,
        vec![
            e("azure-ea-actual", "Purchase", 1200.0, 0.0),
            e("azure-ea-actual", "Purchase", 100.0, 0.0),
            e("azure-ea-actual", "Refund", -200.0, 0.0),
            e("azure-ea-amortized", "Usage", 10.0, 10.0),
            e("azure-ea-amortized", "Usage", 0.0, 3.3),
            e("azure-ea-amortized", "Usage", 0.0, 3.3),
            e("azure-ea-amortized", "UnusedReservation", 0.0, 93.4),
            e("azure-ea-amortized", "Purchase", 50.0, 50.0),
            e("azure-ea-amortized", "Usage", 0.0, 60.0),
            e("azure-ea-amortized", "UnusedSavingsPlan", 0.0, 40.0),
        ]
    );
    let props = partition_properties(&ws);
    assert_eq!(
        props[0]["azure_datasets"],
        serde_json::json!(["actual", "amortized"])
    );
    assert!(!props[0].contains_key("azure_billed_cost_note"));
    ws.run(&["warehouse", "verify"]).assert_code(0);
}

#[test]
fn amortized_alone_records_that_billed_cost_lacks_purchases() {
    let ws = Workspace::new();
    let summary = ws.ingest("azure", &fixture(&format!("{RESERVATION}/amortized")));
    // BilledCost: the on-demand usage and the marketplace purchase only
    assert_eq!(sums(&summary), ("60".into(), "260".into(), 7));
    let props = partition_properties(&ws);
    assert_eq!(props[0]["azure_datasets"], serde_json::json!(["amortized"]));
    assert!(
        props[0]["azure_billed_cost_note"]
            .as_str()
            .unwrap()
            .contains("lacks reservation and savings plan purchases")
    );
}

#[test]
fn actual_alone_has_no_amortisation() {
    let ws = Workspace::new();
    let summary = ws.ingest("azure", &fixture(&format!("{RESERVATION}/actual")));
    assert_eq!(sums(&summary), ("1160".into(), "1160".into(), 8));
    let props = partition_properties(&ws);
    assert_eq!(props[0]["azure_datasets"], serde_json::json!(["actual"]));
}

#[test]
fn charge_types_pricing_models_and_commitments() {
    let ws = Workspace::new();
    let f = fixture("charge_types_and_pricing_models.csv");
    ws.ingest("azure", &f);
    let rows = query(
        &ws,
        "SELECT ChargeCategory, coalesce(ChargeClass, ''), ChargeFrequency, coalesce(PricingCategory, ''), \
         coalesce(CommitmentDiscountStatus, ''), coalesce(CommitmentDiscountType, ''), \
         coalesce(CommitmentDiscountCategory, '') FROM {src} ORDER BY x_SourceRow",
    );
    let mut reader = std::fs::read_to_string(&f).unwrap();
    reader = reader.replace("\r\n", "\n");
    let mut lines = reader.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let first_expected = header
        .iter()
        .position(|h| h.starts_with("expected/"))
        .unwrap();
    let n_expected = header.len() - first_expected;
    let mut n = 0;
    for (line, got) in lines.zip(&rows) {
        let cells: Vec<&str> = line.rsplitn(n_expected + 1, ',').collect();
        let expected: Vec<Value> = cells[..n_expected]
            .iter()
            .rev()
            .map(|c| Value::from(*c))
            .collect();
        assert_eq!(got, &expected, "row {}", n + 1);
        n += 1;
    }
    assert_eq!(n, 13);
}

// ---- bad input ----

/// The EA sample with data row `row` (1-based) column `column` set to `value`.
fn ea_with(ws: &Workspace, name: &str, row: usize, column: &str, value: &str) -> PathBuf {
    let src = sample("azure/focus_converters_sample-anonymous-ea-export-dataset.csv");
    let mut reader = csv_rows(&std::fs::read_to_string(src).unwrap());
    let idx = reader[0].iter().position(|h| h == column).unwrap();
    reader[row][idx] = value.to_string();
    let path = ws.path(name);
    std::fs::write(&path, to_csv(&reader)).unwrap();
    path
}

/// Minimal CSV reading for the samples (quoted cells, no newlines inside cells).
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .map(|line| {
            let mut out = Vec::new();
            let mut cur = String::new();
            let mut quoted = false;
            let mut chars = line.chars().peekable();
            while let Some(c) = chars.next() {
                match c {
                    '"' if quoted && chars.peek() == Some(&'"') => {
                        cur.push('"');
                        chars.next();
                    }
                    '"' => quoted = !quoted,
                    ',' if !quoted => out.push(std::mem::take(&mut cur)),
                    _ => cur.push(c),
                }
            }
            out.push(cur);
            out
        })
        .collect()
}

fn to_csv(rows: &[Vec<String>]) -> String {
    rows.iter()
        .map(|r| {
            r.iter()
                .map(|c| {
                    if c.contains([',', '"']) {
                        format!("\"{}\"", c.replace('"', "\"\""))
                    } else {
                        c.clone()
                    }
                })
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

#[test]
fn refuses_a_non_numeric_cost() {
    let (ws, before) = committed();
    let bad = ea_with(&ws, "bad_cost.csv", 4, "CostInBillingCurrency", "twelve");
    assert_refused(
        &ws,
        &before,
        "azure",
        &bad,
        &["bad_cost.csv", "row 4", "CostInBillingCurrency", "twelve"],
    );
}

#[test]
fn refuses_an_unparseable_date() {
    let (ws, before) = committed();
    let bad = ea_with(&ws, "bad_date.csv", 9, "Date", "31/31/2023");
    assert_refused(
        &ws,
        &before,
        "azure",
        &bad,
        &["bad_date.csv", "row 9", "Date", "31/31/2023"],
    );
}

#[test]
fn refuses_tags_that_are_not_json_even_with_braces() {
    let (ws, before) = committed();
    let bad = ea_with(&ws, "bad_tags.csv", 2, "Tags", "tagA=valueA; tagB");
    assert_refused(
        &ws,
        &before,
        "azure",
        &bad,
        &["bad_tags.csv", "row 2", "Tags", "not a JSON object"],
    );
}

#[test]
fn refuses_a_duplicate_header_name() {
    let (ws, before) = committed();
    let src = std::fs::read_to_string(sample("azure/koku_azure_version_2.csv")).unwrap();
    let bad = ws.path("duplicate_header.csv");
    std::fs::write(
        &bad,
        src.replacen("CostCenter,", "costInBillingCurrency,", 1),
    )
    .unwrap();
    assert_refused(
        &ws,
        &before,
        "azure",
        &bad,
        &[
            "duplicate_header.csv",
            "duplicate column",
            "CostInBillingCurrency",
        ],
    );
}

#[test]
fn refuses_a_bom_with_semicolons() {
    let (ws, before) = committed();
    let src = std::fs::read_to_string(sample("azure/koku_azure_camelCased.csv")).unwrap();
    let semicolons: String = csv_rows(src.trim_start_matches('\u{feff}'))
        .iter()
        .map(|r| r.join(";"))
        .collect::<Vec<_>>()
        .join("\n");
    let bad = ws.path("semicolons.csv");
    std::fs::write(&bad, format!("\u{feff}{semicolons}\n")).unwrap();
    assert_refused(
        &ws,
        &before,
        "azure",
        &bad,
        &[
            "semicolons.csv",
            "not a recognisable Azure cost export header",
            "delimited by ';'",
        ],
    );
}

#[test]
fn refuses_a_manifest_naming_a_missing_blob() {
    let (ws, before) = committed();
    let copy = ws.path("export");
    crate::ingest_samples::copy_dir(&fixture("manifest_folder"), &copy);
    let run = copy.join(RUN.trim_start_matches("manifest_folder/"));
    std::fs::remove_file(run.join("part_2.csv")).unwrap();
    assert_refused(
        &ws,
        &before,
        "azure",
        &copy,
        &["manifest.json", "part_2.csv"],
    );
}

#[test]
fn refuses_a_blob_whose_row_count_differs_from_the_manifest() {
    let (ws, before) = committed();
    let copy = ws.path("export");
    crate::ingest_samples::copy_dir(&fixture("manifest_folder"), &copy);
    let run = copy.join(RUN.trim_start_matches("manifest_folder/"));
    let text = std::fs::read_to_string(run.join("manifest.json")).unwrap();
    std::fs::write(
        run.join("manifest.json"),
        text.replacen("\"dataRowCount\": 14", "\"dataRowCount\": 15", 1),
    )
    .unwrap();
    assert_refused(
        &ws,
        &before,
        "azure",
        &copy,
        &[
            "manifest.json",
            "part_2.csv",
            "dataRowCount 15",
            "14 data rows",
        ],
    );
}

/// A warehouse holding one good azure export, and its state before the bad ingest.
fn committed() -> (Workspace, BTreeMap<String, String>) {
    crate::support::committed(
        "azure",
        &sample("azure/focus_converters_sample-anonymous-ea-export-dataset.csv"),
    )
}
