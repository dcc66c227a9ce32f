//! Every bundled sample: rows and per-currency BilledCost totals equal the source (exact
//! decimals), through the ingest summary and through DuckDB reading the hive glob.

use crate::support::*;
use std::path::PathBuf;

fn check(kind: &str, path: PathBuf, data_files: Vec<PathBuf>) {
    assert_ingests_like_source(kind, &path, &data_files);
}

#[test]
fn focus_1_0_official_sample() {
    let f = sample("focus/focus1.0_official_sample_1000.csv");
    check("focus", f.clone(), vec![f]);
}

#[test]
fn focus_1_0_sample_normalises_variants() {
    let ws = Workspace::new();
    ws.ingest("focus", &sample("focus/focus1.0_official_sample_1000.csv"));
    let duck = ws.duckdb();
    let parts: Vec<String> = duck["partitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p[0].as_str().unwrap().to_string())
        .collect();
    assert!(
        parts.contains(&"aws".into())
            && parts.contains(&"azure".into())
            && parts.contains(&"oci".into()),
        "{parts:?}"
    );
    // literal NULL is a null and `Usage-based` is spelled `Usage-Based`
    let out = std::process::Command::new(python())
        .args(["-c", &format!(
            "import duckdb; print(duckdb.sql(\"SELECT count(*) FILTER (WHERE ChargeClass = 'NULL'), \
             count(*) FILTER (WHERE ChargeFrequency NOT IN ('One-Time', 'Recurring', 'Usage-Based')), min(ChargePeriodStart)::VARCHAR FROM read_parquet('{}/cost/**/*.parquet')\").fetchall()[0])",
            ws.warehouse)])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("(0, 0, '2024-09-01 00:00:00+00')"),
        "{text} {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn focus_1_3_synthetic_excerpt() {
    let f = sample("focus/focus1.3_guymano_synthetic_aws_excerpt.csv");
    check("focus", f.clone(), vec![f]);
}

#[test]
fn cur_legacy_csv_real_sample() {
    let f = sample("aws_cur/focus_converters_sample-anonymous-aws-export-dataset.csv");
    check("aws-cur", f.clone(), vec![f]);
}

#[test]
fn cur_legacy_csv_koku_sample() {
    let f = sample("aws_cur/koku_test_cur.csv");
    check("aws-cur", f.clone(), vec![f]);
}

#[test]
fn cur_bucket_layout_by_manifest() {
    let root = sample("aws_cur/koku_cur_bucket_layout");
    let files = vec![
        root.join("koku-local/20180801-20180901/16e57707-f9e3-49be-8be6-b84e684b5194/koku-local-1.csv.gz"),
        root.join("my-prefix/my-report/20180801-20180901/861af42f-713c-4a42-9562-9158a7625630/my-report-1.csv.gz"),
    ];
    check("aws-cur", root, files);
}

#[test]
fn cur_manifest_ignores_superseded_assemblies() {
    // A CREATE_NEW report keeps old assembly folders; only the manifest's files count.
    let ws = Workspace::new();
    let src = sample("aws_cur/koku_cur_bucket_layout/my-prefix/my-report");
    let copy = ws.path("bucket/my-report");
    copy_dir(&src, &copy);
    let stale = copy.join("20180801-20180901/00000000-old-assembly");
    std::fs::create_dir_all(&stale).unwrap();
    std::fs::copy(
        src.join("20180801-20180901/861af42f-713c-4a42-9562-9158a7625630/my-report-1.csv.gz"),
        stale.join("my-report-1.csv.gz"),
    )
    .unwrap();
    let expected = source_totals(
        "aws-cur",
        &[src.join("20180801-20180901/861af42f-713c-4a42-9562-9158a7625630/my-report-1.csv.gz")],
    );
    let summary = ws.ingest("aws-cur", &copy);
    assert_eq!(summary_totals(&summary), expected);
}

#[test]
fn cur_workshop_parquet() {
    let dir = sample("cur_workshop");
    let files: Vec<PathBuf> = ["Oct", "Nov", "Dec"]
        .iter()
        .map(|m| dir.join(format!("{m}2018-WorkshopCUR-00001.snappy.parquet")))
        .collect();
    check("aws-cur", dir, files);
}

#[test]
fn reingest_changes_nothing_and_leaves_no_stale_files() {
    let ws = Workspace::new();
    let f = sample("aws_cur/koku_cur_bucket_layout");
    ws.ingest("aws-cur", &f);
    let first = ws.duckdb();
    ws.ingest("aws-cur", &f);
    let second = ws.duckdb();
    assert_eq!(first["currencies"], second["currencies"]);
    assert_eq!(first["partitions"], second["partitions"]);
    assert_eq!(
        first["files"], second["files"],
        "superseded files must leave the glob"
    );
    ws.run(&["warehouse", "verify"]).assert_code(0);
}

#[test]
fn newer_version_of_a_month_replaces_the_old() {
    let ws = Workspace::new();
    let original = sample("aws_cur/focus_converters_sample-anonymous-aws-export-dataset.csv");
    ws.ingest("aws-cur", &original);
    // the restated month: fewer rows, one cost changed
    let text = std::fs::read_to_string(&original).unwrap();
    let mut lines: Vec<String> = text.lines().take(600).map(str::to_string).collect();
    lines[5] = lines[5].replacen(",0.0,", ",123.45,", 1);
    let restated = ws.path("restated.csv");
    std::fs::write(&restated, lines.join("\n") + "\n").unwrap();
    let expected = source_totals("aws-cur", std::slice::from_ref(&restated));
    assert_ne!(expected, source_totals("aws-cur", &[original]));
    ws.ingest("aws-cur", &restated);
    assert_eq!(duckdb_totals(&ws.duckdb()), expected);
}

pub fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        let target = to.join(e.file_name());
        if p.is_dir() {
            copy_dir(&p, &target);
        } else {
            std::fs::copy(&p, &target).unwrap();
        }
    }
}

#[test]
fn instance_shapes_are_kept_for_carbon_estimation() {
    let ws = Workspace::new();
    ws.ingest(
        "focus",
        &sample("focus/focus1.3_guymano_synthetic_aws_excerpt.csv"),
    );
    ws.ingest("aws-cur", &sample("cur_workshop"));
    let out = std::process::Command::new(python())
        .args(["-c", &format!(
            "import duckdb; print(duckdb.sql(\"SELECT x_SourceKind, count(x_InstanceType) > 0, count(x_vCPUs) > 0, \
             count(x_MemoryGB) > 0, count(x_UsageType) > 0 FROM read_parquet('{}/cost/**/*.parquet') GROUP BY 1 ORDER BY 1\").fetchall())",
            ws.warehouse)])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "[('aws-cur-athena', True, True, True, True), ('focus-1.3', True, True, True, False)]",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn cur_amortisation_and_charge_categories_per_line_item_type() {
    let ws = Workspace::new();
    let fixture = repo().join("tests/fixtures/cur_amortization_by_line_item_type.csv");
    ws.ingest("aws-cur", &fixture);
    let text = std::fs::read_to_string(&fixture).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let idx = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let out = std::process::Command::new(python())
        .args(["-c", &format!(
            "import duckdb, json; print(json.dumps(duckdb.sql(\"SELECT x_ChargeType, EffectiveCost::VARCHAR, ChargeCategory, \
             coalesce(ChargeClass, ''), ChargeFrequency, coalesce(PricingCategory, '') FROM read_parquet('{}/cost/**/*.parquet') \
             ORDER BY x_SourceRow\").fetchall()))",
            ws.warehouse)])
        .output()
        .unwrap();
    let got: Vec<Vec<String>> = serde_json::from_slice(&out.stdout).expect("duckdb rows");
    let mut n = 0;
    for (line, got) in lines.zip(&got) {
        let cells: Vec<&str> = line.split(',').collect();
        let expected = [
            cells[idx("lineItem/LineItemType")].to_string(),
            norm(cells[idx("expected/EffectiveCost")]),
            cells[idx("expected/ChargeCategory")].to_string(),
            cells[idx("expected/ChargeClass")].to_string(),
            cells[idx("expected/ChargeFrequency")].to_string(),
            cells[idx("expected/PricingCategory")].to_string(),
        ];
        let mut got = got.clone();
        got[1] = norm(&got[1]);
        assert_eq!(got, expected, "row {}", n + 1);
        n += 1;
    }
    assert_eq!(n, 13);
}

#[test]
fn an_older_export_is_refused_unless_forced() {
    let ws = Workspace::new();
    let original = sample("aws_cur/focus_converters_sample-anonymous-aws-export-dataset.csv");
    let newer = ws.path("newer.csv");
    let older = ws.path("older.csv");
    std::fs::copy(&original, &newer).unwrap();
    std::fs::copy(&original, &older).unwrap();
    let old_time =
        std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
    std::fs::File::options()
        .write(true)
        .open(&older)
        .unwrap()
        .set_modified(old_time)
        .unwrap();

    ws.ingest("aws-cur", &newer);
    let before = ws.file_checksums();
    let refused = ws.run(&["ingest", "aws-cur", older.to_str().unwrap()]);
    refused.assert_code(3);
    let err = refused.stderr();
    assert!(
        err.contains("refusing to replace aws/123412340534/2023-11") && err.contains("--force"),
        "{err}"
    );
    let after: Vec<_> = ws
        .file_checksums()
        .into_iter()
        .filter(|(k, _)| !k.starts_with("_staging"))
        .collect();
    let before: Vec<_> = before
        .into_iter()
        .filter(|(k, _)| !k.starts_with("_staging"))
        .collect();
    assert_eq!(after, before);

    let forced = ws.run(&[
        "ingest",
        "aws-cur",
        older.to_str().unwrap(),
        "--force",
        "--json",
    ]);
    forced.assert_code(0);
    // the same export again is not "older": re-ingest stays idempotent
    ws.ingest("aws-cur", &older);
}

#[test]
fn data_quality_results_are_in_the_summary_and_the_warehouse() {
    let ws = Workspace::new();
    let run = ws.run(&[
        "ingest",
        "focus",
        sample("focus/focus1.0_official_sample_1000.csv")
            .to_str()
            .unwrap(),
    ]);
    run.assert_code(0);
    assert!(
        run.stdout()
            .contains("warning: aws/1234567890123/2024-09 known_region(RegionId)"),
        "{}",
        run.stdout()
    );
    let out = std::process::Command::new(python())
        .args(["-c", &format!(
            "import duckdb; print(duckdb.sql(\"SELECT check_name, severity, sum(failed_rows)::INT, count(DISTINCT billing_period) \
             FROM read_parquet('{}/data_quality/**/*.parquet', hive_partitioning=true) \
             WHERE check_name IN ('known_region', 'not_null', 'source_billed_total') GROUP BY ALL ORDER BY ALL\").fetchall())",
            ws.warehouse)])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "[('known_region', 'warning', 1, 2), ('not_null', 'blocking', 0, 2), ('source_billed_total', 'blocking', 0, 2)]",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn reporting_currency_from_a_date_effective_rate_table() {
    let ws = Workspace::new();
    let rates = ws.path("rates.csv");
    std::fs::write(&rates, "date,from,to,rate\n2023-10-01,USD,EUR,0.95\n2023-11-01,USD,EUR,0.9154\n2023-12-01,USD,EUR,0.9\n").unwrap();
    let cur = sample("aws_cur/focus_converters_sample-anonymous-aws-export-dataset.csv");
    let run = ws.run(&[
        "ingest",
        "aws-cur",
        cur.to_str().unwrap(),
        "--reporting-currency",
        "EUR",
        "--fx-rates",
        rates.to_str().unwrap(),
    ]);
    run.assert_code(0);
    // every row is in November 2023: 0.9154, each product rounded half-even at 24 places
    let script = format!(
        "import csv, decimal, duckdb\n\
         q = decimal.Decimal(1).scaleb(-24)\n\
         rows = list(csv.DictReader(open('{}')))\n\
         want = sum((decimal.Decimal(r['lineItem/UnblendedCost']) * decimal.Decimal('0.9154')).quantize(q, decimal.ROUND_HALF_EVEN) for r in rows)\n\
         got = duckdb.sql(\"SELECT sum(x_ReportingBilledCost), min(x_ReportingCurrency) FROM read_parquet('{}/cost/**/*.parquet')\").fetchall()[0]\n\
         print(got[0] == want, got[1])",
        cur.display(),
        ws.warehouse
    );
    let out = std::process::Command::new(python())
        .args(["-c", &script])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "True EUR",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_missing_exchange_rate_is_an_error_not_one() {
    let ws = Workspace::new();
    let rates = ws.path("rates.csv");
    std::fs::write(&rates, "date,from,to,rate\n2024-01-01,USD,EUR,0.9\n").unwrap();
    let cur = sample("aws_cur/focus_converters_sample-anonymous-aws-export-dataset.csv");
    let run = ws.run(&[
        "ingest",
        "aws-cur",
        cur.to_str().unwrap(),
        "--reporting-currency",
        "EUR",
        "--fx-rates",
        rates.to_str().unwrap(),
    ]);
    run.assert_code(4);
    let err = run.stderr();
    assert!(
        err.contains("no USD→EUR rate effective on 2023-11-") && err.contains(": row "),
        "{err}"
    );
    assert!(
        !std::path::Path::new(&ws.warehouse).join("cost").exists(),
        "nothing committed"
    );
}
