//! Worker processes sharing one queue: a 30-partition backfill runs each partition once; a
//! worker killed mid-run has its run finished by another; backfills cancel and resume.

use super::{Backend, Pipeline, field, months, on_both_backends, wait_child};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

on_both_backends!(
    two_workers_run_each_partition_of_a_30_partition_backfill_exactly_once,
    a_killed_worker_s_run_is_completed_by_another_and_committed_once,
    a_backfill_is_cancelled_and_resumed,
    cancelling_stops_a_running_run_before_it_commits,
    a_worker_starts_a_downstream_run_only_after_its_upstream_succeeded,
);

fn two_workers_run_each_partition_of_a_30_partition_backfill_exactly_once(backend: Backend) {
    let p = Pipeline::new(backend, "");
    let keys = months("2022-01", "2024-06");
    assert_eq!(keys.len(), 30);
    p.write_months(&keys);
    let created = p.run(
        &[
            "backfill",
            "ingest_m",
            "--from",
            "2022-01",
            "--to",
            "2024-06",
            "--queue",
            "--concurrency",
            "4",
        ],
        &[],
    );
    created.assert_code(0);
    assert!(
        created.stdout().contains("30 partition(s) queued"),
        "{}",
        created.stdout()
    );
    // each run pauses a little so both workers are busy at once
    let env = [("GREENOPS_FAULT", "ingest_m=sleep:150")];
    let worker = ["worker", "--concurrency", "2", "--exit-when-idle"];
    let a = p.spawn(&worker, &env);
    let b = p.spawn(&worker, &env);
    let (a, b) = (
        wait_child(a, Duration::from_secs(240)),
        wait_child(b, Duration::from_secs(240)),
    );
    assert!(
        a.status.success() && b.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&a.stderr),
        String::from_utf8_lossy(&b.stderr)
    );

    let runs = p.runs();
    assert_eq!(
        runs.len(),
        30,
        "one attempt per partition, no duplicates: {runs:#?}"
    );
    let mut by_partition: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &runs {
        assert_eq!(field(r, "status"), "succeeded", "{r:#}");
        *by_partition.entry(field(r, "partition")).or_default() += 1;
    }
    assert_eq!(by_partition.len(), 30);
    assert!(by_partition.values().all(|n| *n == 1));
    let workers: BTreeSet<&str> = runs.iter().map(|r| field(r, "worker")).collect();
    assert_eq!(workers.len(), 2, "both workers took runs: {workers:?}");
    // exactly one warehouse commit per partition, each by its ledger run
    let succeeded: Vec<String> = {
        let mut ids: Vec<String> = runs.iter().map(|r| field(r, "id").to_string()).collect();
        ids.sort();
        ids
    };
    assert_eq!(p.commit_run_ids(), succeeded);
    let list = p.run(&["backfill", "list", "--json"], &[]);
    let list: Value = serde_json::from_str(list.stdout().trim()).unwrap();
    assert_eq!(list[0]["succeeded"], 30, "{list:#}");
    assert_eq!(list[0]["status"], "completed", "{list:#}");
}

fn a_killed_worker_s_run_is_completed_by_another_and_committed_once(backend: Backend) {
    let p = Pipeline::new(backend, "");
    p.write_months(&months("2023-01", "2023-01"));
    p.run(
        &[
            "backfill", "ingest_m", "--from", "2023-01", "--to", "2023-01", "--queue",
        ],
        &[],
    )
    .assert_code(0);
    // worker A takes the run and hangs in it (before any commit) until it is killed
    let mut a = p.spawn(
        &["worker", "--lease-secs", "2"],
        &[("GREENOPS_FAULT", "ingest_m=sleep:600000")],
    );
    let running = p.wait_for(
        "worker A to start the run",
        Duration::from_secs(60),
        |runs| runs.iter().any(|r| field(r, "status") == "running"),
    );
    let victim = field(&running[0], "worker").to_string();
    a.kill().expect("SIGKILL worker A");
    let _reaped = a.wait();

    let b = p.spawn(&["worker", "--lease-secs", "2", "--exit-when-idle"], &[]);
    let out = wait_child(b, Duration::from_secs(120));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let attempts = p.attempts("ingest_m", "2023-01");
    assert_eq!(attempts.len(), 2, "{attempts:#?}");
    assert_eq!(field(&attempts[0], "status"), "failed");
    assert_eq!(field(&attempts[0], "worker"), victim);
    assert!(
        field(&attempts[0], "error").contains("stopped heartbeating"),
        "{attempts:#?}"
    );
    assert_eq!(field(&attempts[1], "status"), "succeeded");
    assert_ne!(field(&attempts[1], "worker"), victim);
    assert_eq!(
        p.commit_run_ids(),
        [field(&attempts[1], "id")],
        "committed once"
    );
}

fn a_backfill_is_cancelled_and_resumed(backend: Backend) {
    let p = Pipeline::new(backend, "");
    p.write_months(&months("2021-01", "2021-06"));
    let plan = p.run(
        &[
            "backfill",
            "ingest_m",
            "--from",
            "2021-01",
            "--to",
            "2021-06",
            "--dry-run",
        ],
        &[],
    );
    plan.assert_code(0);
    assert!(
        plan.stdout().contains("6 of 6 partition(s) would run"),
        "{}",
        plan.stdout()
    );
    p.run(
        &[
            "backfill", "ingest_m", "--from", "2021-01", "--to", "2021-06", "--queue", "--order",
            "newest",
        ],
        &[],
    )
    .assert_code(0);
    let list: Value =
        serde_json::from_str(p.run(&["backfill", "list", "--json"], &[]).stdout().trim()).unwrap();
    let id = list[0]["id"].as_str().unwrap().to_string();
    assert_eq!(list[0]["queued"], 6);

    let cancelled = p.run(&["backfill", "cancel", &id[..13]], &[]);
    cancelled.assert_code(0);
    assert!(
        cancelled.stdout().contains("6 queued run(s) cancelled"),
        "{}",
        cancelled.stdout()
    );
    // a worker started now finds nothing to do
    let idle = p.spawn(&["worker", "--exit-when-idle"], &[]);
    assert!(wait_child(idle, Duration::from_secs(60)).status.success());
    assert!(p.commit_run_ids().is_empty());

    let resumed = p.run(&["backfill", "resume", &id], &[]);
    resumed.assert_code(0);
    assert!(
        resumed.stdout().contains("6 succeeded"),
        "{}",
        resumed.stdout()
    );
    let list: Value =
        serde_json::from_str(p.run(&["backfill", "list", "--json"], &[]).stdout().trim()).unwrap();
    assert_eq!(list[0]["succeeded"], 6, "{list:#}");
    assert_eq!(p.commit_run_ids().len(), 6);
    // --only failed now has nothing left to do; --only all would re-run all six
    let plan = p.run(
        &[
            "backfill",
            "ingest_m",
            "--from",
            "2021-01",
            "--to",
            "2021-06",
            "--only",
            "failed",
            "--dry-run",
        ],
        &[],
    );
    assert!(
        plan.stdout().contains("0 of 6 partition(s) would run"),
        "{}",
        plan.stdout()
    );
    let plan = p.run(
        &[
            "backfill",
            "ingest_m",
            "--from",
            "2021-01",
            "--to",
            "2021-06",
            "--only",
            "all",
            "--dry-run",
        ],
        &[],
    );
    assert!(
        plan.stdout().contains("6 of 6 partition(s) would run"),
        "{}",
        plan.stdout()
    );
}

fn cancelling_stops_a_running_run_before_it_commits(backend: Backend) {
    let p = Pipeline::new(backend, "");
    p.write_months(&months("2023-05", "2023-05"));
    p.run(
        &[
            "backfill", "ingest_m", "--from", "2023-05", "--to", "2023-05", "--queue",
        ],
        &[],
    )
    .assert_code(0);
    let worker = p.spawn(
        &["worker", "--lease-secs", "3", "--exit-when-idle"],
        &[("GREENOPS_FAULT", "ingest_m=sleep:3000")],
    );
    p.wait_for("the run to start", Duration::from_secs(60), |runs| {
        runs.iter().any(|r| field(r, "status") == "running")
    });
    let list: Value =
        serde_json::from_str(p.run(&["backfill", "list", "--json"], &[]).stdout().trim()).unwrap();
    let cancel = p.run(
        &["backfill", "cancel", list[0]["id"].as_str().unwrap()],
        &[],
    );
    cancel.assert_code(0);
    assert!(
        cancel.stdout().contains("1 running run(s) will stop"),
        "{}",
        cancel.stdout()
    );
    assert!(wait_child(worker, Duration::from_secs(60)).status.success());
    let attempts = p.attempts("ingest_m", "2023-05");
    assert_eq!(attempts.len(), 1, "{attempts:#?}");
    assert_eq!(field(&attempts[0], "status"), "cancelled", "{attempts:#?}");
    assert!(
        field(&attempts[0], "error").contains("safe point"),
        "{attempts:#?}"
    );
    assert!(p.commit_run_ids().is_empty(), "nothing was committed");
}

fn a_worker_starts_a_downstream_run_only_after_its_upstream_succeeded(backend: Backend) {
    let p = Pipeline::new(
        backend,
        "  downstream:
    type: ingest
    source: monthly_focus
    partitioning: monthly
    depends_on: [ingest_m]
",
    );
    p.write_months(&months("2023-07", "2023-07"));
    p.run(
        &[
            "run",
            "downstream",
            "--partition",
            "2023-07",
            "--with-upstream",
            "--queue",
        ],
        &[],
    )
    .assert_code(0);
    // two slots: the downstream wake-up is polled while the upstream is still running
    let worker = p.spawn(
        &["worker", "--concurrency", "2", "--exit-when-idle"],
        &[("GREENOPS_FAULT", "ingest_m=sleep:1500")],
    );
    assert!(
        wait_child(worker, Duration::from_secs(120))
            .status
            .success()
    );
    let up = p.attempts("ingest_m", "2023-07");
    let down = p.attempts("downstream", "2023-07");
    assert_eq!((up.len(), down.len()), (1, 1), "{up:#?}\n{down:#?}");
    assert_eq!(field(&up[0], "status"), "succeeded");
    assert_eq!(field(&down[0], "status"), "succeeded");
    assert!(
        field(&down[0], "started_at") >= field(&up[0], "finished_at"),
        "{up:#?}\n{down:#?}"
    );
}
