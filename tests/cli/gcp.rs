//! gcp ingest: bundled samples, the same rows as NDJSON and Parquet, the mapping of a synthetic
//! export, the invoice month as the billing period, and bad input.

use crate::support::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const STANDARD: &str =
    "gcp/koku_gcp_202011_30c31bca571d9b7f3b2c8459dd8bc34a_2020-11-08_2020-11-11.csv";
const DETAILED: &str = "gcp/koku_gcp_2022-08-01_5.csv";

/// Ingests `path` and checks rows and per-currency BilledCost against the oracle over
/// `data_files`, through the summary and through DuckDB; `warehouse verify` passes.
fn check(path: &Path, data_files: &[PathBuf]) -> Workspace {
    assert_ingests_like_source("gcp", path, data_files)
}

/// Rows of a DuckDB query over the workspace's warehouse (`{wh}` = the cost glob) as JSON.
fn query(ws: &Workspace, sql: &str) -> Value {
    let sql = sql.replace(
        "{wh}",
        &format!(
            "read_parquet('{}/cost/**/*.parquet', hive_partitioning=true)",
            ws.warehouse
        ),
    );
    duckdb_json(&sql)
}

/// Runs a Python snippet with `argv[1..]`.
fn py(script: &str, args: &[&Path]) {
    let args: Vec<String> = args.iter().map(|p| p.display().to_string()).collect();
    python_run(script, &args.iter().map(String::as_str).collect::<Vec<_>>());
}

#[test]
fn standard_export_sample() {
    let f = sample(STANDARD);
    let ws = check(&f, std::slice::from_ref(&f));
    // the first row: 5e-06 of cost, a -5e-06 promotion credit; a labelled Stackdriver row
    let rows = query(
        &ws,
        "SELECT x_SourceRow, BilledCost::VARCHAR, ContractedCost::VARCHAR, ListCost::VARCHAR, ChargeCategory, \
         ServiceName, ServiceCategory, x_ServiceCode, RegionId, SubAccountId, BillingPeriodStart::VARCHAR, \
         BillingPeriodEnd::VARCHAR, ChargePeriodStart::VARCHAR, Tags, x_RawTags, provider, billing_period, x_SourceKind \
         FROM {wh} WHERE x_SourceRow IN (1, 4) ORDER BY 1",
    );
    assert_eq!(
        rows,
        serde_json::json!([
            [
                1,
                "0.000000000000000000000000",
                "0.000005000000000000000000",
                "0.000005000000000000000000",
                "Usage",
                "Security Command Center",
                "Security",
                "FBF2-FC68-171A",
                "global",
                "billing-example-00000",
                "2020-11-01 00:00:00+00",
                "2020-12-01 00:00:00+00",
                "2020-11-09 23:00:00+00",
                null,
                null,
                "gcp",
                "2020-11",
                "gcp-billing-export"
            ],
            [
                4,
                "0.000000000000000000000000",
                "0.000000000000000000000000",
                "0.000000000000000000000000",
                "Usage",
                "Stackdriver Logging",
                "Other",
                "5490-F7B7-8DF6",
                "us",
                "billing-example-00000",
                "2020-11-01 00:00:00+00",
                "2020-12-01 00:00:00+00",
                "2020-11-09 21:00:00+00",
                r#"{"goog-resource-type":"bigquery_resource"}"#,
                r#"{"goog-resource-type":"bigquery_resource"}"#,
                "gcp",
                "2020-11",
                "gcp-billing-export"
            ]
        ])
    );
}

#[test]
fn detailed_export_sample() {
    let f = sample(DETAILED);
    let ws = check(&f, std::slice::from_ref(&f));
    let rows = query(
        &ws,
        "SELECT DISTINCT ProviderName, PublisherName, InvoiceIssuerName, BillingAccountId, SubAccountName, \
         ResourceId, ResourceName, RegionId, ServiceCategory, ConsumedUnit, PricingUnit, x_BillingStatus, \
         billing_account, billing_period FROM {wh}",
    );
    assert_eq!(
        rows,
        serde_json::json!([[
            "Google Cloud",
            "Google Cloud",
            "Google Cloud",
            "018984-D0AAA4-940B88",
            "cm_example",
            "//example",
            "instance-1",
            "us-central1",
            "Compute",
            "bytes",
            "gibibyte",
            "Unknown",
            "018984-D0AAA4-940B88",
            "2022-08"
        ]])
    );
    let q = query(
        &ws,
        "SELECT ConsumedQuantity::VARCHAR, PricingQuantity::VARCHAR FROM {wh} WHERE x_SourceRow = 1",
    );
    assert_eq!(
        q,
        serde_json::json!([["14871.000000000000000000", "0.000013850000000000"]])
    );
}

#[test]
fn a_folder_means_every_data_file_in_it() {
    let dir = sample("gcp");
    check(&dir, &[sample(STANDARD), sample(DETAILED)]);
}

/// Converts a flattened CSV into nested NDJSON (dotted names → objects, repeated fields → JSON
/// arrays, numbers → JSON numbers), as BigQuery `EXPORT DATA … FORMAT JSON` writes it.
const TO_NDJSON: &str = r#"
import ast, csv, json, sys
NUMBERS = {"cost", "cost_at_list", "currency_conversion_rate", "usage.amount", "usage.amount_in_pricing_units"}
REPEATED = {"credits", "labels", "system_labels", "project.labels"}
src, dst = sys.argv[1], sys.argv[2]
with open(src, newline="", encoding="utf-8-sig") as f, open(dst, "w") as out:
    for row in csv.DictReader(f):
        obj = {}
        for key, text in row.items():
            if key in REPEATED:
                value = ast.literal_eval(text) if text.strip() else []
            elif text == "":
                value = None
            elif key in NUMBERS:
                value = float(text)
            else:
                value = text
            *parents, leaf = key.split(".")
            node = obj
            for p in parents:
                node = node.setdefault(p, {})
            node[leaf] = value
        out.write(json.dumps(obj) + "\n")
"#;

const TO_PARQUET: &str = r#"
import duckdb, sys
duckdb.sql(f"COPY (SELECT * FROM read_json('{sys.argv[1]}', format='newline_delimited')) TO '{sys.argv[2]}' (FORMAT parquet)")
"#;

/// The columns that must not depend on the container.
const SAME_IN_EVERY_FORMAT: &str = "SELECT x_SourceRow, BilledCost::VARCHAR, EffectiveCost::VARCHAR, \
    ContractedCost::VARCHAR, ListCost::VARCHAR, BillingAccountId, BillingCurrency, BillingPeriodStart::VARCHAR, \
    BillingPeriodEnd::VARCHAR, ChargePeriodStart::VARCHAR, ChargePeriodEnd::VARCHAR, ChargeCategory, \
    ChargeFrequency, ServiceName, ServiceCategory, SkuId, ChargeDescription, RegionId, AvailabilityZone, \
    ConsumedQuantity::VARCHAR, ConsumedUnit, PricingQuantity::VARCHAR, PricingUnit, SubAccountId, \
    SubAccountName, ResourceId, ResourceName, Tags, x_RawTags, x_ServiceCode, x_UsageType FROM {wh} ORDER BY 1";

#[test]
fn ndjson_and_parquet_give_the_same_rows_as_csv() {
    for rel in [STANDARD, DETAILED] {
        let csv = sample(rel);
        let expected = source_totals("gcp", std::slice::from_ref(&csv));
        let from_csv = Workspace::new();
        from_csv.ingest("gcp", &csv);
        let reference = query(&from_csv, SAME_IN_EVERY_FORMAT);

        let ws = Workspace::new();
        let ndjson = ws.path("export.json");
        let parquet = ws.path("export.parquet");
        py(TO_NDJSON, &[&csv, &ndjson]);
        py(TO_PARQUET, &[&ndjson, &parquet]);
        assert!(
            std::fs::read_to_string(&ndjson)
                .unwrap()
                .contains(r#""service": {"id": "#)
        );
        for file in [&ndjson, &parquet] {
            let ws = Workspace::new();
            let summary = ws.ingest("gcp", file);
            assert_eq!(
                summary_totals(&summary),
                expected,
                "{rel} as {}",
                file.display()
            );
            assert_eq!(duckdb_totals(&ws.duckdb()), expected);
            assert_eq!(
                query(&ws, SAME_IN_EVERY_FORMAT),
                reference,
                "{rel} as {}",
                file.display()
            );
            ws.run(&["warehouse", "verify"]).assert_code(0);
        }
    }
}

#[test]
fn a_folder_can_mix_csv_ndjson_and_parquet() {
    let ws = Workspace::new();
    let dir = ws.path("export");
    std::fs::create_dir_all(dir.join("2022-08")).unwrap();
    std::fs::copy(sample(STANDARD), dir.join("standard.csv")).unwrap();
    let ndjson = dir.join("2022-08/detailed.ndjson");
    py(TO_NDJSON, &[&sample(DETAILED), &ndjson]);
    py(
        TO_PARQUET,
        &[&ndjson, &dir.join("2022-08/detailed.parquet")],
    );
    // the detailed rows twice (NDJSON and Parquet), the standard rows once
    let expected = source_totals(
        "gcp",
        &[sample(STANDARD), sample(DETAILED), sample(DETAILED)],
    );
    let summary = ws.ingest("gcp", &dir);
    assert_eq!(summary_totals(&summary), expected);
    assert_eq!(duckdb_totals(&ws.duckdb()), expected);
    ws.run(&["warehouse", "verify"]).assert_code(0);
}

/// A synthetic export: JSON credits that do not add up in floats, tax, adjustment and rounding
/// rows, two currencies, list cost, a Marketplace seller and the machine shape in system labels.
const SYNTHETIC: &str = r#"billing_account_id,service.id,service.description,sku.id,sku.description,usage_start_time,usage_end_time,project.id,project.name,labels,system_labels,location.location,location.region,location.zone,cost,cost_at_list,currency,usage.amount,usage.unit,usage.amount_in_pricing_units,usage.pricing_unit,credits,invoice.month,cost_type,seller_name
EU-0001,6F81-5844-456A,Compute Engine,CP-1,N1 Predefined Instance Core running in Belgium,2024-01-10 10:00:00 UTC,2024-01-10T11:00:00Z,proj-eu,Europe,"[{'key': 'Team', 'value': 'core'}, {'key': 'env', 'value': 'prod'}]","[{'key': 'compute.googleapis.com/cores', 'value': '4'}, {'key': 'compute.googleapis.com/memory', 'value': '15360'}, {'key': 'compute.googleapis.com/machine_spec', 'value': 'n1-standard-4'}]",europe-west1,europe-west1,europe-west1-b,10.1,12.5,EUR,3600,seconds,1,hour,"[{""name"": ""SUD"", ""amount"": -0.1, ""type"": ""SUSTAINED_USAGE_DISCOUNT""}, {""name"": ""CUD"", ""amount"": -0.2, ""type"": ""COMMITTED_USAGE_DISCOUNT""}]",202401,regular,
EU-0001,,Invoice,,Tax,2024-01-31 00:00:00+00:00,2024-02-01 00:00:00+00:00,,,[],[],,,,2.02,,EUR,,,,,[],202401,tax,
US-0002,24E6-581D-38E5,BigQuery,BQ-1,Analysis,2024-01-03 00:00:00+00:00,2024-01-03 01:00:00+00:00,proj-us,US,[],[],us,,,-1.5,,USD,,,,,,202401,adjustment,
US-0002,24E6-581D-38E5,BigQuery,BQ-1,Analysis,2024-01-05 00:00:00+00:00,2024-01-05 01:00:00+00:00,proj-us,US,[],[],us,,,1e-06,,USD,,,,,"[{'name': 'FreeTrial', 'amount': -1E-7, 'full_name': None, 'id': 'x', 'type': 'PROMOTION'}]",202401,rounding_error,
US-0002,MKT-1,Acme Analytics,MKT-SKU,Seat,2024-01-05 00:00:00+00:00,2024-01-06 00:00:00+00:00,proj-us,US,[],[],global,,,3,,USD,1,seat,1,seat,[],202401,,Acme Ltd
"#;

#[test]
fn synthetic_export_maps_every_rule() {
    let ws = Workspace::new();
    let file = ws.path("synthetic.csv");
    std::fs::write(&file, SYNTHETIC).unwrap();
    let expected = source_totals("gcp", std::slice::from_ref(&file));
    assert_eq!(
        expected,
        BTreeMap::from([
            ("EUR".to_string(), (2, "11.82".to_string())),
            ("USD".to_string(), (3, "1.5000009".to_string()))
        ])
    );
    let summary = ws.ingest("gcp", &file);
    assert_eq!(summary_totals(&summary), expected);
    assert_eq!(duckdb_totals(&ws.duckdb()), expected);
    let rows = query(
        &ws,
        "SELECT x_SourceRow, BilledCost::DOUBLE, EffectiveCost::DOUBLE, ContractedCost::DOUBLE, ListCost::DOUBLE, \
         ChargeCategory, ChargeFrequency, x_ChargeType, PublisherName, RegionId, AvailabilityZone, \
         x_InstanceType, x_vCPUs, x_MemoryGB, Tags, x_RawTags, ServiceCategory, ChargePeriodEnd::VARCHAR, billing_period \
         FROM {wh} ORDER BY 1",
    );
    assert_eq!(
        rows,
        serde_json::json!([
            [
                1,
                9.8,
                9.8,
                10.1,
                12.5,
                "Usage",
                "Usage-Based",
                "regular",
                "Google Cloud",
                "europe-west1",
                "europe-west1-b",
                "n1-standard-4",
                4.0,
                15.0,
                r#"{"env":"prod","team":"core"}"#,
                r#"{"Team":"core","env":"prod"}"#,
                "Compute",
                "2024-01-10 11:00:00+00",
                "2024-01"
            ],
            [
                2,
                2.02,
                2.02,
                2.02,
                2.02,
                "Tax",
                "One-Time",
                "tax",
                "Google Cloud",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                "Other",
                "2024-02-01 00:00:00+00",
                "2024-01"
            ],
            [
                3,
                -1.5,
                -1.5,
                -1.5,
                -1.5,
                "Adjustment",
                "Usage-Based",
                "adjustment",
                "Google Cloud",
                "us",
                null,
                null,
                null,
                null,
                null,
                null,
                "Databases",
                "2024-01-03 01:00:00+00",
                "2024-01"
            ],
            [
                4,
                0.0000009,
                0.0000009,
                0.000001,
                0.000001,
                "Adjustment",
                "Usage-Based",
                "rounding_error",
                "Google Cloud",
                "us",
                null,
                null,
                null,
                null,
                null,
                null,
                "Databases",
                "2024-01-05 01:00:00+00",
                "2024-01"
            ],
            [
                5,
                3.0,
                3.0,
                3.0,
                3.0,
                "Usage",
                "Usage-Based",
                null,
                "Acme Ltd",
                "global",
                null,
                null,
                null,
                null,
                null,
                null,
                "Other",
                "2024-01-06 00:00:00+00",
                "2024-01"
            ]
        ])
    );
    // the exact decimal, not 10.1 - 0.30000000000000004
    assert_eq!(
        query(
            &ws,
            "SELECT BilledCost::VARCHAR FROM {wh} WHERE x_SourceRow = 1"
        ),
        serde_json::json!([["9.800000000000000000000000"]])
    );
}

#[test]
fn the_invoice_month_decides_the_partition() {
    let ws = Workspace::new();
    let text = std::fs::read_to_string(sample(DETAILED)).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    // row 1: usage in the last hour of July, invoiced in August
    lines[1] = lines[1]
        .replacen("2022-08-01 03:00:00+00:00", "2022-07-31 23:00:00+00:00", 1)
        .replacen("2022-08-01 04:00:00+00:00", "2022-08-01 00:00:00+00:00", 1)
        .replacen(",0.0,USD,", ",1.25,USD,", 1);
    // row 2: usage in August, invoiced in July (late usage of the previous invoice month)
    lines[2] = lines[2]
        .replacen(",202208,", ",202207,", 1)
        .replacen(",0.0,USD,", ",2.5,USD,", 1);
    let file = ws.path("month_edge.csv");
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    let expected = source_totals("gcp", std::slice::from_ref(&file));
    let summary = ws.ingest("gcp", &file);
    assert_eq!(summary_totals(&summary), expected);
    let rows = query(
        &ws,
        "SELECT x_SourceRow, billing_period, BillingPeriodStart::VARCHAR, BillingPeriodEnd::VARCHAR, \
         ChargePeriodStart::VARCHAR FROM {wh} WHERE x_SourceRow <= 3 ORDER BY 1",
    );
    assert_eq!(
        rows,
        serde_json::json!([
            [
                1,
                "2022-08",
                "2022-08-01 00:00:00+00",
                "2022-09-01 00:00:00+00",
                "2022-07-31 23:00:00+00"
            ],
            [
                2,
                "2022-07",
                "2022-07-01 00:00:00+00",
                "2022-08-01 00:00:00+00",
                "2022-08-01 06:00:00+00"
            ],
            [
                3,
                "2022-08",
                "2022-08-01 00:00:00+00",
                "2022-09-01 00:00:00+00",
                "2022-08-01 05:00:00+00"
            ]
        ])
    );
    let parts = query(
        &ws,
        "SELECT billing_period, count(*), sum(BilledCost)::DOUBLE FROM {wh} GROUP BY 1 ORDER BY 1",
    );
    assert_eq!(
        parts,
        serde_json::json!([["2022-07", 1, 2.5], ["2022-08", 8, 1.250012]])
    );
    ws.run(&["warehouse", "verify"]).assert_code(0);
}

/// The standard sample with data row `row` edited by `edit`, written to the workspace as `name`.
fn edited(ws: &Workspace, name: &str, row: usize, edit: impl Fn(&str) -> String) -> PathBuf {
    let text = std::fs::read_to_string(sample(STANDARD)).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let changed = edit(&lines[row]);
    assert_ne!(changed, lines[row], "the edit must change row {row}");
    lines[row] = changed;
    let path = ws.path(name);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

#[test]
fn credits_that_are_neither_json_nor_python_are_refused() {
    let (ws, before) = committed();
    let bad = edited(&ws, "bad_credits.csv", 3, |l| {
        l.replacen("'amount': -5e-06", "'amount': oops", 1)
    });
    assert_refused(
        &ws,
        &before,
        "gcp",
        &bad,
        &["bad_credits.csv", "row 3", "credits", "oops"],
    );
    // the same in NDJSON: an amount that is not a number
    let json = ws.path("bad_credits.json");
    std::fs::write(
        &json,
        concat!(
            r#"{"billing_account_id": "A", "cost": 1.0, "currency": "USD", "invoice": {"month": "202401"}, "credits": []}"#,
            "\n",
            r#"{"billing_account_id": "A", "cost": 1.0, "currency": "USD", "invoice": {"month": "202401"}, "credits": [{"name": "x", "amount": "lots"}]}"#,
            "\n"
        ),
    )
    .unwrap();
    assert_refused(
        &ws,
        &before,
        "gcp",
        &json,
        &["bad_credits.json", "row 2", "credits", "lots"],
    );
}

#[test]
fn a_non_numeric_cost_is_refused() {
    let (ws, before) = committed();
    let bad = edited(&ws, "bad_cost.csv", 2, |l| {
        l.replacen(",5e-06,USD,", ",twelve,USD,", 1)
    });
    assert_refused(
        &ws,
        &before,
        "gcp",
        &bad,
        &["bad_cost.csv", "row 2", "cost", "twelve"],
    );
}

#[test]
fn an_invoice_month_that_is_not_yyyymm_is_refused() {
    let (ws, before) = committed();
    let bad = edited(&ws, "bad_month.csv", 4, |l| {
        l.replacen(",202011,", ",2020-11,", 1)
    });
    assert_refused(
        &ws,
        &before,
        "gcp",
        &bad,
        &["bad_month.csv", "row 4", "invoice.month", "2020-11"],
    );
}

#[test]
fn an_unknown_header_is_refused() {
    let (ws, before) = committed();
    let bad = ws.path("weather.csv");
    std::fs::write(&bad, "city,temperature\nOslo,-3\n").unwrap();
    assert_refused(
        &ws,
        &before,
        "gcp",
        &bad,
        &[
            "weather.csv",
            "not a recognisable GCP billing export header",
        ],
    );
    // a FOCUS file is not a GCP export either
    assert_refused(
        &ws,
        &before,
        "gcp",
        &sample("focus/focus1.0_official_sample_1000.csv"),
        &[
            "focus1.0_official_sample_1000.csv",
            "not a recognisable GCP billing export header",
        ],
    );
}

/// A warehouse holding one good gcp export, and its state before the bad ingest.
fn committed() -> (Workspace, BTreeMap<String, String>) {
    crate::support::committed("gcp", &sample(DETAILED))
}
