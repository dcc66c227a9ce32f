//! `forecast` and `anomalies` jobs on a synthetic four-month FOCUS history with one injected
//! incident: what they commit (cost, kWh and t CO2e series), and that a re-run replaces it.

use super::{Pipeline, field};
use crate::support::{duckdb_json, repo};

/// Services × accounts × regions of the synthetic history.
const SERVICES: [&str; 4] = [
    "Amazon Elastic Compute Cloud",
    "Amazon Simple Storage Service",
    "Amazon Relational Database Service",
    "AWS Lambda",
];
const ACCOUNTS: [&str; 2] = ["111111111111", "222222222222"];
const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];

/// The injected incident: RDS in account 222… / eu-west-1 costs $2,500 more on 2024-04-10.
const SPIKE_DAY: &str = "2024-04-10";
const SPIKE_EXTRA: f64 = 2500.0;

/// Writes `exports/<month>/export.csv` for January–April 2024: one row per day, service,
/// account and region, with a weekly pattern, deterministic noise and the incident.
fn write_history(p: &Pipeline) {
    let template =
        std::fs::read_to_string(repo().join("tests/fixtures/focus_month_template.csv")).unwrap();
    let mut lines = template.lines();
    let header = lines.next().unwrap();
    let names: Vec<&str> = header.split(',').collect();
    let row = lines.next().unwrap(); // no quoted commas before the columns we replace
    let mut noise: u64 = 42;
    for (month, next, days) in [
        ("2024-01", "2024-02", 31),
        ("2024-02", "2024-03", 29),
        ("2024-03", "2024-04", 31),
        ("2024-04", "2024-05", 30),
    ] {
        let mut out = format!("{header}\n");
        for day in 1..=days {
            let date = format!("{month}-{day:02}");
            let weekday = chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d")
                .unwrap()
                .format("%u")
                .to_string();
            let weekend = weekday == "6" || weekday == "7";
            for (s, service) in SERVICES.iter().enumerate() {
                for (a, account) in ACCOUNTS.iter().enumerate() {
                    for (r, region) in REGIONS.iter().enumerate() {
                        noise = noise
                            .wrapping_mul(6_364_136_223_846_793_005)
                            .wrapping_add(1_442_695_040_888_963_407);
                        let jitter = ((noise >> 33) % 1000) as f64 / 1000.0 - 0.5; // ±0.5
                        let base = 40.0 + 25.0 * s as f64 + 10.0 * a as f64 + 5.0 * r as f64;
                        let mut cost = base * if weekend { 0.8 } else { 1.0 } + 4.0 * jitter;
                        if date == SPIKE_DAY && s == 2 && a == 1 && r == 1 {
                            cost += SPIKE_EXTRA;
                        }
                        let values = row_values(
                            &names, row, month, next, &date, service, account, region, cost,
                        );
                        out.push_str(&values);
                        out.push('\n');
                    }
                }
            }
        }
        let dir = p.ws.path(&format!("exports/{month}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("export.csv"), out).unwrap();
    }
}

/// The template row with the day, service, account, region and cost replaced.
#[allow(clippy::too_many_arguments)]
fn row_values(
    names: &[&str],
    row: &str,
    month: &str,
    next: &str,
    date: &str,
    service: &str,
    account: &str,
    region: &str,
    cost: f64,
) -> String {
    let row = row
        .replace("{{NEXT}}", next)
        .replace("{{MONTH}}-15 23:00:00", &format!("{date} 23:59:59"))
        .replace("{{MONTH}}-15 22:00:00", &format!("{date} 00:00:00"))
        .replace("{{MONTH}}", month);
    // split on commas outside quotes
    let mut fields: Vec<String> = Vec::new();
    let (mut current, mut quoted) = (String::new(), false);
    for c in row.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            ',' if !quoted => fields.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    fields.push(current);
    let money = format!("{cost:.6}");
    for (name, value) in names.iter().zip(fields.iter_mut()) {
        let replacement = match *name {
            "BilledCost" | "EffectiveCost" | "ListCost" | "ContractedCost" => money.clone(),
            "ServiceName" => service.to_string(),
            "SubAccountId" => account.to_string(),
            "RegionId" => region.to_string(),
            "ChargeDescription" => format!("{service} usage"),
            _ => continue,
        };
        *value = replacement;
    }
    fields.join(",")
}

fn ingest_history(p: &Pipeline) {
    write_history(p);
    p.run(
        &[
            "backfill", "ingest_m", "--from", "2024-01", "--to", "2024-04",
        ],
        &[],
    )
    .assert_code(0);
}

const JOBS: &str = "  carbon_m:
    type: carbon
    partitioning: monthly
    depends_on: [ingest_m]
  forecast_m:
    type: forecast
    partitioning: monthly
    depends_on: [ingest_m]
  anomalies_m:
    type: anomalies
    partitioning: monthly
    depends_on: [ingest_m]
";

#[test]
fn the_anomalies_job_alerts_on_the_incident_and_names_its_root_cause() {
    let p = Pipeline::new(super::Backend::Sqlite, JOBS);
    ingest_history(&p);
    p.run(&["run", "anomalies_m", "--partition", "2024-04"], &[])
        .assert_code(0);
    let runs = p.attempts("anomalies_m", "2024-04");
    assert_eq!(field(&runs[0], "status"), "succeeded", "{runs:#?}");
    let outputs = &runs[0]["outputs"];
    assert_eq!(outputs["table"], "anomalies", "{outputs}");
    // total + 1 provider + 2 sub-accounts… billing_account is the payer: 1 value
    assert_eq!(outputs["series"], 3, "{outputs}");
    let glob = format!("{}/anomalies/**/*.parquet", p.ws.warehouse);
    let alerts = duckdb_json(&format!(
        "SELECT dimension, key, kind, start_day, alerted_day, round(impact), top_dimension, \
         top_value, round(top_impact), contributors, billing_period \
         FROM read_parquet('{glob}', hive_partitioning = true, hive_types_autocast = false) \
         WHERE alerted ORDER BY dimension, key"
    ));
    let list = alerts.as_array().unwrap();
    assert!(!list.is_empty(), "the incident is alerted: {alerts}");
    let total = list
        .iter()
        .find(|r| r[0] == "total")
        .unwrap_or_else(|| panic!("the total series alerts: {alerts}"));
    assert_eq!(total[2], "spike", "{alerts}");
    assert_eq!(total[3], SPIKE_DAY, "{alerts}");
    assert_eq!(total[4], SPIKE_DAY, "alerted on the onset day: {alerts}");
    let impact = total[5].as_f64().unwrap();
    assert!(
        (SPIKE_EXTRA * 0.85..SPIKE_EXTRA * 1.15).contains(&impact),
        "impact {impact}: {alerts}"
    );
    assert_eq!(total[10], "2024-04");
    // the biggest contributor is the injected service; its account and region lead theirs
    let contributors: serde_json::Value = serde_json::from_str(total[9].as_str().unwrap()).unwrap();
    let lead = |dimension: &str| {
        contributors
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["dimension"] == dimension)
            .unwrap_or_else(|| panic!("{dimension} in {contributors}"))["value"]
            .clone()
    };
    assert_eq!(lead("service"), SERVICES[2], "{contributors}");
    assert_eq!(lead("region"), REGIONS[1], "{contributors}");
    assert_eq!(lead("usage_type"), "(none)", "{contributors}");
    assert_eq!(total[6], "service", "{alerts}");
    assert_eq!(total[7], SERVICES[2], "{alerts}");
    let top_impact = total[8].as_f64().unwrap();
    assert!(top_impact > 0.8 * SPIKE_EXTRA, "{alerts}");
    // nothing else in April is alerted on the total
    assert_eq!(
        list.iter().filter(|r| r[0] == "total").count(),
        1,
        "{alerts}"
    );

    // thresholds from the config: above the incident's impact, it is recorded but not alerted
    let config = p.ws.path("orchestration.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        format!("{text}models:\n  anomalies:\n    min_abs_impact: 1000000\n"),
    )
    .unwrap();
    p.run(&["run", "anomalies_m", "--partition", "2024-04"], &[])
        .assert_code(0);
    let after = duckdb_json(&format!(
        "SELECT count(*) FILTER (WHERE alerted), count(*) FILTER (WHERE start_day = '{SPIKE_DAY}'), \
         count(DISTINCT run_id), max(min_abs_impact) \
         FROM read_parquet('{glob}', hive_partitioning = true, hive_types_autocast = false)"
    ));
    assert_eq!(after[0][0], 0, "no alert above the threshold: {after}");
    assert!(
        after[0][1].as_i64().unwrap() >= 1,
        "still detected: {after}"
    );
    assert_eq!(after[0][2], 1, "the re-run replaced the partition: {after}");
    assert_eq!(after[0][3], 1_000_000.0);
}

/// A pipeline with the history ingested, carbon of January–March and the forecast of March.
fn forecast_through_march() -> Pipeline {
    let p = Pipeline::new(super::Backend::Sqlite, JOBS);
    ingest_history(&p);
    p.run(
        &[
            "backfill", "carbon_m", "--from", "2024-01", "--to", "2024-03",
        ],
        &[],
    )
    .assert_code(0);
    p.run(&["run", "forecast_m", "--partition", "2024-03"], &[])
        .assert_code(0);
    p
}

#[test]
fn the_forecast_job_writes_daily_forecasts_and_month_projections() {
    let p = forecast_through_march();
    let runs = p.attempts("forecast_m", "2024-03");
    assert_eq!(field(&runs[0], "status"), "succeeded", "{runs:#?}");
    let base = p.ws.warehouse.to_string();
    let read = |table: &str| {
        format!(
            "read_parquet('{base}/{table}/**/*.parquet', hive_partitioning = true, \
             hive_types_autocast = false)"
        )
    };
    let daily = duckdb_json(&format!(
        "SELECT measure, dimension, count(DISTINCT key), min(day), max(day), \
         count(*) FILTER (WHERE fallback IS NOT NULL), min(coefficients) \
         FROM {} GROUP BY ALL ORDER BY ALL",
        read("forecasts")
    ));
    let families: Vec<String> = daily
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{}/{}={}",
                r[0].as_str().unwrap(),
                r[1].as_str().unwrap(),
                r[2]
            )
        })
        .collect();
    assert_eq!(
        families,
        [
            "EffectiveCost/provider=1",
            "EffectiveCost/service=4",
            "EffectiveCost/total=1",
            "kwh/provider=1",
            "kwh/total=1",
            "tco2e/provider=1",
            "tco2e/total=1"
        ],
        "{daily}"
    );
    for r in daily.as_array().unwrap() {
        assert_eq!(r[3], "2024-04-01", "{daily}");
        assert_eq!(r[4], "2024-04-30", "{daily}");
        assert_eq!(r[5], 0, "91 days of history: no fallback: {daily}");
        assert!(r[6].as_str().unwrap().starts_with('{'), "{daily}");
    }
    // the month projection of April equals the sum of its daily forecasts, inside its interval
    let months = duckdb_json(&format!(
        "SELECT p.month, p.days_observed, p.days_forecast, p.projected_total, p.lo80, p.hi80, \
         (SELECT sum(forecast) FROM {f} f WHERE f.dimension = 'total' AND f.measure = p.measure), \
         (SELECT actual_to_date FROM {m} WHERE dimension = 'total' AND month = '2024-03' \
          AND measure = p.measure) \
         FROM {m} p WHERE p.dimension = 'total' AND p.measure = 'EffectiveCost' ORDER BY p.month",
        f = read("forecasts"),
        m = read("month_projections")
    ));
    let rows = months.as_array().unwrap();
    assert_eq!(rows.len(), 2, "March (complete) and April: {months}");
    assert_eq!(rows[0][0], "2024-03");
    assert_eq!(
        (rows[0][1].as_i64(), rows[0][2].as_i64()),
        (Some(31), Some(0))
    );
    assert_eq!(rows[1][0], "2024-04");
    assert_eq!(
        (rows[1][1].as_i64(), rows[1][2].as_i64()),
        (Some(0), Some(30))
    );
    let (total, lo80, hi80, sum) = (
        rows[1][3].as_f64().unwrap(),
        rows[1][4].as_f64().unwrap(),
        rows[1][5].as_f64().unwrap(),
        rows[1][6].as_f64().unwrap(),
    );
    assert!((total - sum).abs() < 1e-6 * sum, "{months}");
    assert!(lo80 < total && total < hi80, "{months}");
    // a month like March (≈ $1.4k a day): April's projection is within 10 % of March's total
    let march = rows[0][7].as_f64().unwrap();
    assert!(
        (total / march * 31.0 / 30.0 - 1.0).abs() < 0.1,
        "April {total} vs March {march}"
    );
}

/// Renders `report` for `partition` into `out` (a folder of the workspace) and returns the
/// folder.
fn render(p: &Pipeline, report: &str, partition: &str, out: &str) -> std::path::PathBuf {
    let dir = p.ws.path(out);
    p.run(
        &[
            "report",
            "render",
            report,
            "--partition",
            partition,
            "--out",
            dir.to_str().unwrap(),
        ],
        &[],
    )
    .assert_code(0);
    dir
}

fn read(dir: &std::path::Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

#[test]
fn reports_render_from_the_pipeline_tables_and_twice_identically() {
    let p = forecast_through_march();
    p.run(&["run", "anomalies_m", "--partition", "2024-04"], &[])
        .assert_code(0);

    // the digest of the incident day: the spike, its root cause, the forecast it missed
    let digest = render(&p, "daily-digest", SPIKE_DAY, "digest");
    let again = render(&p, "daily-digest", SPIKE_DAY, "digest-again");
    for file in [
        "report.html",
        "report.txt",
        "daily_trend.csv",
        "anomalies.csv",
        "trend.png",
    ] {
        assert_eq!(
            std::fs::read(digest.join(file)).unwrap(),
            std::fs::read(again.join(file)).unwrap(),
            "{file} is byte-identical on a second render"
        );
    }
    let text = read(&digest, "report.txt");
    assert!(text.contains("spike since 2024-04-10"), "{text}");
    assert!(text.contains(&format!("service {}", SERVICES[2])), "{text}");
    assert!(text.contains("OUTSIDE the 80 % interval"), "{text}");
    let movers = read(&digest, "movers.csv");
    assert!(
        movers.lines().nth(1).unwrap().contains(SERVICES[2]),
        "the top mover is the spiking service: {movers}"
    );
    let html = read(&digest, "report.html");
    assert!(
        html.contains("cid:trend.2024-04-10@greenops"),
        "charts are inline images"
    );

    // the SOX report's totals are the warehouse's exact sums
    let sox = render(&p, "sox-monthly", "2024-03", "sox");
    let accounts = read(&sox, "totals_by_account.csv");
    let glob = format!("{}/cost/**/*.parquet", p.ws.warehouse);
    let expected = duckdb_json(&format!(
        "SELECT billing_account, CAST(sum(BilledCost) AS VARCHAR) FROM read_parquet('{glob}', \
         hive_partitioning = true, hive_types_autocast = false) \
         WHERE billing_period = '2024-03' GROUP BY ALL ORDER BY 1"
    ));
    for row in expected.as_array().unwrap() {
        let (account, total) = (row[0].as_str().unwrap(), row[1].as_str().unwrap());
        let total = total.trim_end_matches('0').trim_end_matches('.');
        assert!(
            accounts.contains(&format!("{account},,{total},"))
                || accounts.contains(&format!("{account},")) && accounts.contains(total),
            "{account} {total} in\n{accounts}"
        );
    }
    let sox_text = read(&sox, "report.txt");
    assert!(
        sox_text.contains("NOT RECONCILED"),
        "no InvoiceId in the synthetic export: {sox_text}"
    );
    assert!(
        sox_text.contains("input "),
        "input checksums are listed: {sox_text}"
    );

    // the ESG report reads esg_monthly and the carbon table
    let esg = render(&p, "esg-monthly", "2024-03", "esg");
    let esg_text = read(&esg, "report.txt");
    assert!(esg_text.contains("Scope 2 location-based:"), "{esg_text}");
    assert!(
        esg_text.contains("2024-01:") && esg_text.contains("2024-03:"),
        "{esg_text}"
    );
    assert!(esg.join("emissions_trend.png").exists());

    // a digest of a month without data, a wrong partition shape: clear errors
    let bad = p.run(
        &[
            "report",
            "render",
            "esg-monthly",
            "--partition",
            "2024-03-01",
            "--out",
            "x",
        ],
        &[],
    );
    bad.assert_code(3);
    assert!(
        bad.stderr()
            .contains("is not a partition of esg-monthly (YYYY-MM)"),
        "{}",
        bad.stderr()
    );
}

const REPORT_JOBS: &str = "  sox_m:
    type: report
    report: sox-monthly
    partitioning: monthly
    depends_on: [ingest_m]
    retries: { max_attempts: 1 }
  digest_d:
    type: report
    report: daily-digest
    partitioning: daily
    depends_on: [forecast_m, anomalies_m]
";

/// Appends a `reports` section (recipients, and `smtp` when given) to the pipeline's config.
fn add_reports_section(p: &Pipeline, recipient: &str, smtp: Option<String>) {
    let config = p.ws.path("orchestration.yaml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str(&format!(
        "reports:\n  from: greenops@example.com\n  recipients:\n    sox-monthly: [{recipient}]\n    \
         daily-digest: [finops@example.com]\n"
    ));
    if let Some(smtp) = smtp {
        text.push_str(&format!("  smtp: {smtp}\n"));
    }
    std::fs::write(&config, text).unwrap();
}

/// `{raw sha256, subject, to, content types, {attachment filename: sha256}, plain text}` of an
/// .eml file, as Python's email package reads it.
fn parse_eml(path: &std::path::Path) -> serde_json::Value {
    let text = crate::support::python_run(
        "import email, email.policy, hashlib, json, sys\n\
         raw = open(sys.argv[1], 'rb').read()\n\
         m = email.message_from_bytes(raw, policy=email.policy.default)\n\
         files = {p.get_filename(): hashlib.sha256(p.get_payload(decode=True)).hexdigest()\n\
                  for p in m.walk() if p.get_filename()}\n\
         types = sorted({p.get_content_type() for p in m.walk()})\n\
         text = m.get_body(('plain',)).get_content()\n\
         print(json.dumps({'sha256': hashlib.sha256(raw).hexdigest(), 'subject': str(m['Subject']),\n\
                           'to': str(m['To']), 'types': types, 'files': files, 'text': text}))",
        &[path.to_str().unwrap()],
    );
    serde_json::from_str(&text).unwrap()
}

/// The ledger's record of a send matches the message: every attachment's SHA-256, both parts.
fn assert_matches_ledger(outputs: &serde_json::Value, eml: &serde_json::Value) {
    assert_eq!(outputs["sent"], true, "{outputs}");
    for a in outputs["attachments"].as_array().unwrap() {
        let name = a["filename"].as_str().unwrap();
        assert_eq!(
            eml["files"][name], a["sha256"],
            "{name}: {eml} vs {outputs}"
        );
    }
    // every file part is a ledger attachment, except the inline charts
    let files = eml["files"].as_object().unwrap();
    let attached = files.keys().filter(|f| !f.ends_with(".png")).count();
    assert_eq!(
        attached,
        outputs["attachments"].as_array().unwrap().len(),
        "{eml}"
    );
    let types = eml["types"].to_string();
    for t in [
        "text/plain",
        "text/html",
        "image/png",
        "text/csv",
        "multipart/alternative",
    ] {
        assert!(types.contains(t), "{t} in {types}");
    }
    assert!(
        eml["subject"]
            .as_str()
            .unwrap()
            .starts_with("greenops SOX cost report · 2024-03")
    );
}

#[test]
fn a_report_job_sends_once_to_the_outbox_and_again_only_when_asked() {
    let p = Pipeline::new(super::Backend::Sqlite, &format!("{JOBS}{REPORT_JOBS}"));
    add_reports_section(&p, "controller@example.com", None);
    ingest_history(&p);
    p.run(&["run", "sox_m", "--partition", "2024-03"], &[])
        .assert_code(0);
    let outbox = p.ws.path("outbox");
    let emls = |_: ()| -> Vec<std::path::PathBuf> {
        let mut list: Vec<_> = std::fs::read_dir(&outbox)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        list.sort();
        list
    };
    assert_eq!(emls(()).len(), 1);
    let runs = p.attempts("sox_m", "2024-03");
    let outputs = &runs[0]["outputs"];
    let eml = parse_eml(&p.ws.path(outputs["file"].as_str().unwrap()));
    assert_matches_ledger(outputs, &eml);
    assert_eq!(
        eml["sha256"], outputs["sha256"],
        "the ledger has the message's checksum"
    );
    assert!(
        eml["to"]
            .as_str()
            .unwrap()
            .contains("controller@example.com")
    );

    // a second run of the partition does not send it again…
    p.run(&["run", "sox_m", "--partition", "2024-03"], &[])
        .assert_code(0);
    assert_eq!(emls(()).len(), 1, "not sent twice");
    let runs = p.attempts("sox_m", "2024-03");
    let last = runs.last().unwrap();
    assert_eq!(last["outputs"]["sent"], false, "{last}");
    assert!(
        last["outputs"]["skipped"]
            .as_str()
            .unwrap()
            .contains("--resend")
    );
    // …unless asked
    p.run(&["run", "sox_m", "--partition", "2024-03", "--resend"], &[])
        .assert_code(0);
    assert_eq!(emls(()).len(), 2, "--resend sends it again");

    // the nightly digest of the incident's day: its month's forecast and anomalies run first
    p.run(
        &[
            "run",
            "digest_d",
            "--partition",
            SPIKE_DAY,
            "--with-upstream",
        ],
        &[],
    )
    .assert_code(0);
    let runs = p.attempts("digest_d", SPIKE_DAY);
    let outputs = &runs[0]["outputs"];
    assert_eq!(outputs["sent"], true, "{runs:#?}");
    let eml = parse_eml(&p.ws.path(outputs["file"].as_str().unwrap()));
    assert!(
        eml["subject"]
            .as_str()
            .unwrap()
            .starts_with(&format!("greenops daily cost digest · {SPIKE_DAY}")),
        "{eml}"
    );
    assert_eq!(eml["to"], "finops@example.com");
    assert!(
        eml["text"]
            .as_str()
            .unwrap()
            .contains("spike since 2024-04-10"),
        "the digest lists the incident: {}",
        eml["text"]
    );
}

/// A variable scripts/test.sh sets for its SMTP test server.
fn smtp_var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: run the tests with scripts/test.sh, which starts the SMTP test server")
    })
}

/// The `reports.smtp` value for the test server: STARTTLS, AUTH from env, its CA.
fn test_smtp_server() -> String {
    format!(
        "{{ host: {}, port: {}, tls: starttls, username_env: GREENOPS_TEST_SMTP_USER, \
         password_env: GREENOPS_TEST_SMTP_PASSWORD, ca_certificate: {} }}",
        smtp_var("GREENOPS_TEST_SMTP_HOST"),
        smtp_var("GREENOPS_TEST_SMTP_PORT"),
        smtp_var("GREENOPS_TEST_SMTP_CA"),
    )
}

/// The test server's sidecars (`N.json`) of messages to `address`.
fn received_by(maildir: &str, address: &str) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(maildir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter(|p| {
            std::fs::read_to_string(p)
                .unwrap_or_default()
                .contains(address)
        })
        .collect()
}

#[test]
fn a_report_job_delivers_over_starttls_and_an_unreachable_server_fails_the_run() {
    let maildir = smtp_var("GREENOPS_TEST_SMTP_MAILDIR");
    let recipient = format!("controller-{}@example.com", super::uuid_like());
    let p = Pipeline::new(super::Backend::Sqlite, &format!("{JOBS}{REPORT_JOBS}"));
    add_reports_section(&p, &recipient, Some(test_smtp_server()));
    ingest_history(&p);
    p.run(&["run", "sox_m", "--partition", "2024-03"], &[])
        .assert_code(0);
    let runs = p.attempts("sox_m", "2024-03");
    let outputs = &runs[0]["outputs"];
    // the server's copy: find it by its envelope recipient
    let received = received_by(&maildir, &recipient);
    assert_eq!(received.len(), 1, "one message reached the server");
    let sidecar: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&received[0]).unwrap()).unwrap();
    assert_eq!(sidecar["rcpt_tos"][0], recipient.as_str());
    assert_eq!(sidecar["tls"], true);
    assert_eq!(sidecar["authenticated"], true);
    let eml = parse_eml(&received[0].with_extension("eml"));
    assert_matches_ledger(outputs, &eml);
    assert_eq!(
        eml["sha256"], outputs["sha256"],
        "the server got the bytes the ledger names"
    );
    let password = smtp_var("GREENOPS_TEST_SMTP_PASSWORD");
    assert!(
        !runs[0].to_string().contains(&password),
        "no secret in the ledger"
    );

    // a server that is not there: the run fails (retryable), nothing is recorded as sent
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_port = closed.local_addr().unwrap().port();
    drop(closed);
    let q = Pipeline::new(super::Backend::Sqlite, &format!("{JOBS}{REPORT_JOBS}"));
    add_reports_section(
        &q,
        "controller@example.com",
        Some(format!(
            "{{ host: 127.0.0.1, port: {dead_port}, tls: none }}"
        )),
    );
    ingest_history(&q);
    let run = q.run(&["run", "sox_m", "--partition", "2024-03"], &[]);
    run.assert_code(7);
    let runs = q.attempts("sox_m", "2024-03");
    assert_eq!(field(&runs[0], "status"), "failed", "{runs:#?}");
    assert!(
        field(&runs[0], "error").contains("unreachable"),
        "{runs:#?}"
    );
}

/// `.eml` files in the pipeline's outbox that carry the SOX report (failure notifications are
/// written there too).
fn sox_reports_in_outbox(p: &Pipeline) -> usize {
    p.outbox()
        .iter()
        .filter(|m| m.contains("SOX cost report"))
        .count()
}

/// Runs sox_m for 2024-03 expecting it to fail; returns the ledger's error.
fn failed_sox_run(p: &Pipeline) -> String {
    p.run(&["run", "sox_m", "--partition", "2024-03"], &[])
        .assert_code(7);
    let runs = p.attempts("sox_m", "2024-03");
    assert_eq!(field(&runs[0], "status"), "failed", "{runs:#?}");
    field(&runs[0], "error").to_string()
}

/// The latest sox_m run of 2024-03 sent its report.
fn assert_last_sox_run_sent(p: &Pipeline) {
    let runs = p.attempts("sox_m", "2024-03");
    assert_eq!(runs.last().unwrap()["outputs"]["sent"], true, "{runs:#?}");
}

#[test]
fn a_broken_user_template_fails_the_report_run_sends_nothing_and_the_fixed_rerun_sends() {
    let p = Pipeline::new(super::Backend::Sqlite, &format!("{JOBS}{REPORT_JOBS}"));
    add_reports_section(&p, "controller@example.com", None);
    // the user's copy of the templates, with a variable the report does not have
    let templates = p.ws.path("my-templates");
    std::fs::create_dir_all(&templates).unwrap();
    for entry in std::fs::read_dir(repo().join("templates")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), templates.join(entry.file_name())).unwrap();
    }
    let txt = templates.join("sox_monthly.txt.tera");
    let original = std::fs::read_to_string(&txt).unwrap();
    std::fs::write(
        &txt,
        format!("{original}\nSigned off by {{{{ report.signed_off_by }}}}\n"),
    )
    .unwrap();
    let config = p.ws.path("orchestration.yaml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str(&format!("  templates: {}\n", templates.display()));
    std::fs::write(&config, text).unwrap();
    ingest_history(&p);

    let error = failed_sox_run(&p);
    assert!(
        error.contains("sox_monthly.txt.tera") && error.contains("report.signed_off_by"),
        "the error names the template and the variable: {error}"
    );
    assert_eq!(sox_reports_in_outbox(&p), 0, "nothing sent");

    // the user fixes the template; the same partition now runs and sends once
    std::fs::write(&txt, original).unwrap();
    p.run(&["run", "sox_m", "--partition", "2024-03"], &[])
        .assert_code(0);
    assert_eq!(sox_reports_in_outbox(&p), 1);
    assert_last_sox_run_sent(&p);
}

#[test]
fn a_recipient_the_server_refuses_fails_the_run_delivers_to_nobody_and_a_fixed_rerun_sends() {
    let maildir = smtp_var("GREENOPS_TEST_SMTP_MAILDIR");
    let id = super::uuid_like();
    let good = format!("controller-{id}@example.com");
    // the test server answers 550 (no such user) to addresses starting with `reject`
    let refused = format!("reject-{id}@example.com");
    let p = Pipeline::new(super::Backend::Sqlite, &format!("{JOBS}{REPORT_JOBS}"));
    add_reports_section(&p, &format!("{good}, {refused}"), Some(test_smtp_server()));
    ingest_history(&p);

    let error = failed_sox_run(&p);
    assert!(error.contains("550"), "the server's reply: {error}");
    assert_eq!(
        received_by(&maildir, &good).len(),
        0,
        "no partial send to the other recipient"
    );

    // without the bad address the same partition is sent, once
    let config = p.ws.path("orchestration.yaml");
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace(&format!(", {refused}"), "");
    std::fs::write(&config, text).unwrap();
    p.run(&["run", "sox_m", "--partition", "2024-03"], &[])
        .assert_code(0);
    assert_eq!(received_by(&maildir, &good).len(), 1);
    assert_last_sox_run_sent(&p);
}
