//! oci ingest: the bundled cost report, corrections, and bad input.

use crate::support::*;
use std::collections::BTreeMap;
use std::path::PathBuf;

const TENANCY: &str =
    "ocid1.tenancy.oc1..aaaaaaaadsyhydp66mjpsohqocfcgzaabtrit47ex2igzu2j6lhuadrrglca";

// 0-based column positions in the sample's header
const INTERVAL_USAGE_START: usize = 2;
const MY_COST: usize = 17;
const IS_CORRECTION: usize = 23;

fn report() -> PathBuf {
    sample("oci/focus_converters_oci_reports_cost-csv_0000000030000269.csv")
}

/// The sample's lines (header first), for editing: no cell in it is quoted.
fn report_lines() -> Vec<String> {
    std::fs::read_to_string(report())
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

/// Writes `lines` to `name` in the workspace, with data row `row` (1-based) changed by `edit`.
fn edited(ws: &Workspace, name: &str, row: usize, edit: impl FnOnce(&mut Vec<String>)) -> PathBuf {
    let mut lines = report_lines();
    let mut cells: Vec<String> = lines[row].split(',').map(str::to_string).collect();
    edit(&mut cells);
    lines[row] = cells.join(",");
    let path = ws.path(name);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

/// Runs DuckDB SQL over the warehouse glob (`{glob}`) and returns the rows as Python reprs.
fn query(ws: &Workspace, sql: &str) -> String {
    let sql = sql.replace(
        "{glob}",
        &format!("read_parquet('{}/cost/**/*.parquet')", ws.warehouse),
    );
    duckdb_rows(&sql)
}

#[test]
fn sample_totals_match_the_source() {
    let ws = Workspace::new();
    let expected = source_totals("oci", &[report()]);
    assert_eq!(expected["USD"].0, 506);
    let summary = ws.ingest("oci", &report());
    assert_eq!(
        summary_totals(&summary),
        expected,
        "ingest summary vs source"
    );
    let duck = ws.duckdb();
    assert_eq!(
        duckdb_totals(&duck),
        expected,
        "DuckDB over the glob vs source"
    );
    assert_eq!(duck["types"]["BilledCost"], "DECIMAL(38,24)");
    assert_eq!(
        duck["types"]["ChargePeriodStart"],
        "TIMESTAMP WITH TIME ZONE"
    );
    assert_eq!(
        duck["currencies"]["USD"]["effective"].as_str().map(norm),
        Some(expected["USD"].1.clone()),
        "EffectiveCost = BilledCost"
    );
    ws.run(&["warehouse", "verify"]).assert_code(0);
}

#[test]
fn partition_is_the_tenancy_and_the_month() {
    let ws = Workspace::new();
    ws.ingest("oci", &report());
    let duck = ws.duckdb();
    assert_eq!(
        duck["partitions"],
        serde_json::json!([["oci", TENANCY, "2023-11", 506]])
    );
    assert_eq!(
        query(
            &ws,
            "SELECT DISTINCT ProviderName, PublisherName, InvoiceIssuerName, BillingAccountId = '\
             ocid1.tenancy.oc1..aaaaaaaadsyhydp66mjpsohqocfcgzaabtrit47ex2igzu2j6lhuadrrglca', \
             strftime(BillingPeriodStart AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S'), \
             strftime(BillingPeriodEnd AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S'), ChargeCategory, \
             ChargeClass, ChargeFrequency, x_SourceKind, x_BillingStatus FROM {glob}"
        ),
        "[('Oracle', 'Oracle', 'Oracle', True, '2023-11-01T00:00:00', '2023-12-01T00:00:00', \
         'Usage', None, 'Usage-Based', 'oci-cost-report', 'Unknown')]"
    );
}

#[test]
fn sample_columns_are_mapped() {
    let ws = Workspace::new();
    ws.ingest("oci", &report());
    // data row 1: an APEX database hour, with tags; row 2: monitoring in E-notation, both
    // timestamp forms (`…T07:00Z` start, `…T08:00:00Z` end)
    assert_eq!(
        query(
            &ws,
            "SELECT x_SourceRow, ServiceName, ServiceCategory, SubAccountName, RegionId, \
             AvailabilityZone, SkuId, ChargeDescription, BilledCost::VARCHAR, \
             ContractedUnitPrice::VARCHAR, ConsumedQuantity::VARCHAR, ConsumedUnit, PricingUnit, \
             x_UsageType, strftime(ChargePeriodStart AT TIME ZONE 'UTC', '%H:%M'), \
             strftime(ChargePeriodEnd AT TIME ZONE 'UTC', '%H:%M'), Tags, x_RawTags \
             FROM {glob} WHERE x_SourceRow <= 2 ORDER BY 1"
        ),
        "[(1, 'DATABASE', 'Databases', 'platformpm2022', 'us-sanjose-1', 'sj-1', 'B92911', \
         'Oracle APEX Application Development', '0.012264277499950943000000', \
         '0.147171330000000000000000', '0.083333333333000000', 'Hours', 'Hours', \
         '1 NONE HOURS INSTANCE', '10:00', '11:00', \
         '{\"oracle-tags.createdby\":\"default/phil.newman@oracle.com\",\
         \"oracleinternalreserved.costcenter\":\"607825\",\
         \"oracleinternalreserved.owneremail\":\"marek.czajka@oracle.com\",\
         \"oracleinternalreserved.phonebook\":\"accounts\",\
         \"oracleinternalreserved.servicetype\":\"Other\",\
         \"oracleinternalreserved.usagetype\":\"development-pre-production\",\
         \"valtest.cat\":\"boots\"}', \
         '{\"Oracle-Tags.CreatedBy\":\"default/phil.newman@oracle.com\",\
         \"OracleInternalReserved.CostCenter\":\"607825\",\
         \"OracleInternalReserved.OwnerEmail\":\"marek.czajka@oracle.com\",\
         \"OracleInternalReserved.Phonebook\":\"accounts\",\
         \"OracleInternalReserved.ServiceType\":\"Other\",\
         \"OracleInternalReserved.UsageType\":\"development-pre-production\",\
         \"Valtest.Cat\":\"boots\"}'), \
         (2, 'TELEMETRY', 'Management and Governance', 'platformpm2022', 'us-sanjose-1', None, \
         'B90926', 'Monitoring Service - Retrieval', '0.000000002323760000000000', \
         '0.001161880000000000000000', '0.000002000000000000', 'Million Datapoints', \
         'Million Datapoints', '1000000 NONE NONE DATAPOINTS', '07:00', '08:00', None, None)]"
    );
    // every service of the sample has a category
    assert_eq!(
        query(
            &ws,
            "SELECT count(*) FILTER (WHERE ServiceCategory = 'Other' OR ServiceCategory IS NULL) FROM {glob}"
        ),
        "[(0,)]"
    );
}

#[test]
fn a_correction_row_is_marked() {
    let ws = Workspace::new();
    let path = edited(&ws, "corrected.csv", 42, |cells| {
        assert_eq!(cells[IS_CORRECTION], "false");
        cells[IS_CORRECTION] = "true".into();
    });
    let summary = ws.ingest("oci", &path);
    assert_eq!(
        summary_totals(&summary),
        source_totals("oci", std::slice::from_ref(&path))
    );
    assert_eq!(
        query(
            &ws,
            "SELECT x_SourceRow, ChargeCategory FROM {glob} WHERE ChargeClass = 'Correction'"
        ),
        "[(42, 'Usage')]"
    );
}

#[test]
fn a_folder_ingests_every_cost_report_and_skips_usage_reports() {
    let ws = Workspace::new();
    let dir = ws.path("bucket/reports");
    std::fs::create_dir_all(dir.join("cost-csv")).unwrap();
    std::fs::create_dir_all(dir.join("usage-csv")).unwrap();
    // two reports of the month: the first 200 rows and the rest
    let lines = report_lines();
    let (head, tail) = lines[1..].split_at(200);
    let first = dir.join("cost-csv/0001000000000001.csv");
    let second = dir.join("cost-csv/0001000000000002.csv");
    std::fs::write(&first, [&lines[..1], head].concat().join("\n")).unwrap();
    std::fs::write(&second, [&lines[..1], tail].concat().join("\n")).unwrap();
    std::fs::write(
        dir.join("usage-csv/0001000000000001.csv"),
        "lineItem/referenceNo,lineItem/tenantId,lineItem/intervalUsageStart\nx,y,2023-11-01T00:00Z\n",
    )
    .unwrap();
    let summary = ws.ingest("oci", &dir);
    let expected = source_totals("oci", &[report()]);
    assert_eq!(summary_totals(&summary), expected);
    assert_eq!(duckdb_totals(&ws.duckdb()), expected);
}

// --- bad input: exit 3, the file (and row and column) named, the warehouse unchanged

#[test]
fn non_numeric_cost_is_refused() {
    let (ws, before) = committed();
    let bad = edited(&ws, "bad_cost.csv", 7, |cells| {
        cells[MY_COST] = "twelve".into()
    });
    assert_refused(
        &ws,
        &before,
        "oci",
        &bad,
        &["bad_cost.csv", "row 7", "cost/myCost", "twelve"],
    );
}

#[test]
fn unparseable_interval_start_is_refused() {
    let (ws, before) = committed();
    let bad = edited(&ws, "bad_start.csv", 300, |cells| {
        cells[INTERVAL_USAGE_START] = "13/11/2023 25:00".into();
    });
    assert_refused(
        &ws,
        &before,
        "oci",
        &bad,
        &[
            "bad_start.csv",
            "row 300",
            "lineItem/intervalUsageStart",
            "13/11/2023 25:00",
        ],
    );
}

#[test]
fn blank_tenancy_is_refused() {
    let (ws, before) = committed();
    let bad = edited(&ws, "no_tenant.csv", 5, |cells| cells[1].clear());
    assert_refused(
        &ws,
        &before,
        "oci",
        &bad,
        &["no_tenant.csv", "row 5", "lineItem/tenantId", "empty"],
    );
}

#[test]
fn ragged_row_with_extra_fields_is_refused() {
    let (ws, before) = committed();
    let bad = edited(&ws, "ragged.csv", 100, |cells| cells.push("surplus".into()));
    assert_refused(
        &ws,
        &before,
        "oci",
        &bad,
        &["ragged.csv", "row 100", "34 fields", "the header has 33"],
    );
}

#[test]
fn truncated_gzip_is_refused() {
    use std::io::Write;
    let (ws, before) = committed();
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(&std::fs::read(report()).unwrap()).unwrap();
    let gz = enc.finish().unwrap();
    let bad = ws.path("reports_cost-csv_0000000030000270.csv.gz");
    std::fs::write(&bad, &gz[..gz.len() / 2]).unwrap();
    assert_refused(
        &ws,
        &before,
        "oci",
        &bad,
        &["reports_cost-csv_0000000030000270.csv.gz"],
    );
}

#[test]
fn unrecognisable_header_is_refused() {
    let (ws, before) = committed();
    let bad = ws.path("weather.csv");
    std::fs::write(&bad, "city,temperature\nOslo,-3\n").unwrap();
    assert_refused(
        &ws,
        &before,
        "oci",
        &bad,
        &["weather.csv", "not a recognisable OCI cost report header"],
    );
}

/// A warehouse holding one good oci export, and its state before the bad ingest.
fn committed() -> (Workspace, BTreeMap<String, String>) {
    crate::support::committed("oci", &report())
}
