//! Inline runs and what the ledger and audit log record about them: retries with backoff,
//! timeouts, skipped downstream, approvals, failure emails, tamper detection.

use super::{Backend, Pipeline, field, months, on_both_backends};
use chrono::{DateTime, Utc};
use std::time::{Duration, Instant};

fn time(run: &serde_json::Value, name: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(field(run, name))
        .unwrap_or_else(|e| panic!("{name} of {run}: {e}"))
        .with_timezone(&Utc)
}

on_both_backends!(
    transient_failures_are_retried_with_exponential_backoff,
    a_hung_job_times_out_and_the_on_failure_recipients_are_emailed,
    a_failed_upstream_skips_its_downstream_with_the_reason,
    approval_needs_a_second_person,
    audit_verify_finds_an_edited_or_deleted_event,
    an_inline_run_takes_over_a_queued_run_of_the_same_partition,
    a_carbon_job_estimates_its_month_after_its_ingest,
    a_forecast_job_writes_forecasts_after_its_ingest,
);

fn transient_failures_are_retried_with_exponential_backoff(backend: Backend) {
    let p = Pipeline::new(backend, "");
    p.write_months(&months("2022-03", "2022-03"));
    let run = p.run(
        &["run", "ingest_m", "--partition", "2022-03"],
        &[("GREENOPS_FAULT", "ingest_m/2022-03=transient:2")],
    );
    run.assert_code(0);
    assert!(run.stderr().contains("retrying in"), "{}", run.stderr());
    let attempts = p.attempts("ingest_m", "2022-03");
    let statuses: Vec<&str> = attempts.iter().map(|r| field(r, "status")).collect();
    assert_eq!(statuses, ["failed", "failed", "succeeded"], "{attempts:#?}");
    assert!(field(&attempts[0], "error").contains("injected transient failure"));
    assert_eq!(field(&attempts[1], "trigger"), "retry");
    assert_eq!(
        field(&attempts[1], "trigger_ref"),
        field(&attempts[0], "id")
    );
    // backoff 1s then 2s, each with at most ±20% jitter
    let first =
        (time(&attempts[1], "not_before") - time(&attempts[0], "finished_at")).as_seconds_f64();
    let second =
        (time(&attempts[2], "not_before") - time(&attempts[1], "finished_at")).as_seconds_f64();
    assert!((0.75..1.3).contains(&first), "first backoff {first}s");
    assert!((1.55..2.5).contains(&second), "second backoff {second}s");
    assert!(time(&attempts[2], "started_at") >= time(&attempts[2], "not_before"));
    // the ledger holds checksums and the commit: one commit, by the successful attempt
    assert_eq!(p.commit_run_ids(), [field(&attempts[2], "id")]);
    let inputs = &attempts[2]["inputs"]["files"][0];
    assert_eq!(inputs["sha256"].as_str().unwrap().len(), 64, "{inputs}");
    assert_eq!(attempts[2]["outputs"]["rows"], 3);
    assert!(field(&attempts[2], "code_version").starts_with("greenops "));
    assert_eq!(field(&attempts[2], "config_hash").len(), 64);
    assert!(
        p.outbox().is_empty(),
        "a run that finally succeeded sends no failure email"
    );
}

fn a_hung_job_times_out_and_the_on_failure_recipients_are_emailed(backend: Backend) {
    let p = Pipeline::new(
        backend,
        "  stuck:
    type: ingest
    source: monthly_focus
    partitioning: monthly
    timeout: 2s
    retries: { max_attempts: 1 }
",
    );
    p.write_months(&months("2022-04", "2022-04"));
    let started = Instant::now();
    let run = p.run(
        &["run", "stuck", "--partition", "2022-04"],
        &[("GREENOPS_FAULT", "stuck=hang")],
    );
    run.assert_code(7);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    let attempts = p.attempts("stuck", "2022-04");
    assert_eq!(attempts.len(), 1);
    assert_eq!(field(&attempts[0], "status"), "failed");
    assert_eq!(field(&attempts[0], "error"), "timed out after 2s");
    assert!(p.commit_run_ids().is_empty(), "nothing committed");
    let mails = p.outbox();
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert!(mails[0].contains("To: oncall@example.com"), "{}", mails[0]);
    assert!(
        mails[0].contains("stuck 2022-04 failed after 1 attempt(s)"),
        "{}",
        mails[0]
    );
    assert!(mails[0].contains(field(&attempts[0], "id")), "{}", mails[0]);
}

fn a_failed_upstream_skips_its_downstream_with_the_reason(backend: Backend) {
    let p = Pipeline::new(
        backend,
        "  downstream:
    type: ingest
    source: monthly_focus
    partitioning: monthly
    depends_on: [ingest_m]
",
    );
    p.write_months(&months("2022-05", "2022-05"));
    let run = p.run(
        &[
            "run",
            "downstream",
            "--partition",
            "2022-05",
            "--with-upstream",
        ],
        &[("GREENOPS_FAULT", "ingest_m=fail")],
    );
    run.assert_code(7);
    let up = p.attempts("ingest_m", "2022-05");
    assert_eq!(up.len(), 1, "a permanent error is not retried: {up:#?}");
    assert_eq!(field(&up[0], "status"), "failed");
    let down = p.attempts("downstream", "2022-05");
    assert_eq!(field(&down[0], "status"), "skipped");
    assert!(
        field(&down[0], "error").contains("upstream ingest_m partition 2022-05 failed"),
        "{down:#?}"
    );
    // without the fault, --with-upstream runs both, upstream first
    p.run(
        &[
            "run",
            "downstream",
            "--partition",
            "2022-05",
            "--with-upstream",
        ],
        &[],
    )
    .assert_code(0);
    let up = p.attempts("ingest_m", "2022-05");
    let down = p.attempts("downstream", "2022-05");
    assert_eq!(field(up.last().unwrap(), "status"), "succeeded");
    assert_eq!(field(down.last().unwrap(), "status"), "succeeded");
    assert!(time(down.last().unwrap(), "started_at") >= time(up.last().unwrap(), "finished_at"));
}

fn approval_needs_a_second_person(backend: Backend) {
    let p = Pipeline::new(
        backend,
        "  sox_ingest:
    type: ingest
    source: monthly_focus
    partitioning: monthly
    approval: required
",
    );
    p.write_months(&months("2022-06", "2022-06"));
    let alice = [("GREENOPS_ACTOR", "alice@corp")];
    let run = p.run(&["run", "sox_ingest", "--partition", "2022-06"], &alice);
    run.assert_code(0);
    assert!(
        run.stdout()
            .contains("awaits approval by someone other than alice@corp"),
        "{}",
        run.stdout()
    );
    let pending = p.attempts("sox_ingest", "2022-06");
    assert_eq!(field(&pending[0], "status"), "queued");
    assert_eq!(field(&pending[0], "approval"), "pending");
    let id = field(&pending[0], "id").to_string();

    let refused = p.run(&["approve", &id], &alice);
    refused.assert_code(1);
    assert!(
        refused.stderr().contains("cannot also approve it"),
        "{}",
        refused.stderr()
    );

    p.run(
        &["approve", &id, "--run"],
        &[("GREENOPS_ACTOR", "bob@corp")],
    )
    .assert_code(0);
    let done = p.attempts("sox_ingest", "2022-06");
    assert_eq!(field(&done[0], "status"), "succeeded");
    assert_eq!(field(&done[0], "approved_by"), "bob@corp");
    assert_eq!(field(&done[0], "actor"), "alice@corp");
    let log = p.run(&["audit", "log", "--json"], &[]);
    let events: serde_json::Value = serde_json::from_str(log.stdout().trim()).unwrap();
    assert!(
        events
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "run.approved" && e["actor"] == "bob@corp"),
        "{events:#}"
    );
}

fn audit_verify_finds_an_edited_or_deleted_event(backend: Backend) {
    let p = Pipeline::new(backend, "");
    p.write_months(&months("2022-07", "2022-08"));
    p.run(&["run", "ingest_m", "--partition", "2022-07"], &[])
        .assert_code(0);
    p.run(&["run", "ingest_m", "--partition", "2022-08"], &[])
        .assert_code(0);
    let ok = p.run(&["audit", "verify"], &[]);
    ok.assert_code(0);
    assert!(
        ok.stdout().contains("audit chain intact: 5 event(s)"),
        "{}",
        ok.stdout()
    );

    p.sql("UPDATE audit_events SET details = details || ' ' WHERE seq = 3");
    let edited = p.run(&["audit", "verify"], &[]);
    edited.assert_code(1);
    assert!(
        edited.stderr().contains("event 3 (run.finished"),
        "{}",
        edited.stderr()
    );
    assert!(edited.stderr().contains("edited?"), "{}", edited.stderr());

    p.sql(
        "UPDATE audit_events SET details = SUBSTR(details, 1, LENGTH(details) - 1) WHERE seq = 3",
    );
    p.run(&["audit", "verify"], &[]).assert_code(0);
    p.sql("DELETE FROM audit_events WHERE seq = 4");
    let deleted = p.run(&["audit", "verify"], &[]);
    deleted.assert_code(1);
    assert!(
        deleted.stderr().contains("event 4 is missing"),
        "{}",
        deleted.stderr()
    );
}

fn an_inline_run_takes_over_a_queued_run_of_the_same_partition(backend: Backend) {
    let p = Pipeline::new(backend, "");
    p.write_months(&months("2022-09", "2022-09"));
    // queued for workers, but no worker is running
    p.run(
        &["run", "ingest_m", "--partition", "2022-09", "--queue"],
        &[],
    )
    .assert_code(0);
    let queued = p.attempts("ingest_m", "2022-09");
    assert_eq!(field(&queued[0], "status"), "queued");
    let inline = p.run(&["run", "ingest_m", "--partition", "2022-09"], &[]);
    inline.assert_code(0);
    assert!(
        inline.stdout().contains("running the already queued run"),
        "{}",
        inline.stdout()
    );
    let runs = p.attempts("ingest_m", "2022-09");
    assert_eq!(runs.len(), 1, "no second run was created: {runs:#?}");
    assert_eq!(field(&runs[0], "status"), "succeeded");
    // a worker started afterwards finds its wake-up stale and does nothing
    let worker = p.spawn(&["worker", "--exit-when-idle"], &[]);
    assert!(
        super::wait_child(worker, Duration::from_secs(60))
            .status
            .success()
    );
    assert_eq!(p.commit_run_ids(), [field(&runs[0], "id")]);
}

fn a_carbon_job_estimates_its_month_after_its_ingest(backend: Backend) {
    let p = Pipeline::new(
        backend,
        "  carbon_m:
    type: carbon
    partitioning: monthly
    depends_on: [ingest_m]
",
    );
    p.write_months(&months("2022-10", "2022-10"));
    p.run(
        &[
            "run",
            "carbon_m",
            "--partition",
            "2022-10",
            "--with-upstream",
        ],
        &[],
    )
    .assert_code(0);
    let carbon = p.attempts("carbon_m", "2022-10");
    assert_eq!(field(&carbon[0], "status"), "succeeded", "{carbon:#?}");
    let outputs = &carbon[0]["outputs"];
    assert_eq!(outputs["table"], "carbon", "{outputs}");
    assert_eq!(outputs["mode"], "corrected");
    assert!(outputs["partitions"].as_u64().unwrap() >= 1, "{outputs}");
    let dir = std::path::PathBuf::from(&p.ws.warehouse).join("carbon");
    assert!(dir.is_dir(), "the carbon table was written");
}

fn a_forecast_job_writes_forecasts_after_its_ingest(backend: Backend) {
    let p = Pipeline::new(
        backend,
        "  forecast_m:
    type: forecast
    partitioning: monthly
    depends_on: [ingest_m]
",
    );
    p.write_months(&months("2022-10", "2022-10"));
    p.run(
        &[
            "run",
            "forecast_m",
            "--partition",
            "2022-10",
            "--with-upstream",
        ],
        &[],
    )
    .assert_code(0);
    let runs = p.attempts("forecast_m", "2022-10");
    assert_eq!(field(&runs[0], "status"), "succeeded", "{runs:#?}");
    let outputs = &runs[0]["outputs"];
    assert_eq!(outputs["tables"][0], "forecasts", "{outputs}");
    assert_eq!(outputs["tables"][1], "month_projections", "{outputs}");
    // a month of history is shorter than the model needs: every series falls back, and says so
    let series = outputs["series"].as_u64().unwrap();
    assert!(series >= 2, "total and at least one provider: {outputs}");
    assert_eq!(outputs["fallbacks"], outputs["series"], "{outputs}");
    let glob = format!("{}/forecasts/**/*.parquet", p.ws.warehouse);
    let rows = crate::support::duckdb_json(&format!(
        "SELECT min(day), max(day), count(DISTINCT dimension), min(fallback), \
         bool_and(lo95 <= forecast AND forecast <= hi95), count(DISTINCT run_id) \
         FROM read_parquet('{glob}', hive_partitioning = true, hive_types_autocast = false)"
    ));
    let r = &rows[0];
    assert_eq!(r[1], "2022-11-30", "to the end of the next month: {rows}");
    assert_eq!(r[2], 3, "{rows}");
    assert!(r[3].as_str().unwrap().contains("shorter than"), "{rows}");
    assert_eq!(r[4], true);
    assert_eq!(r[5], 1);
}
