//! `greenops validate`: the repository's pipeline is valid; broken files are refused with lines.

use crate::support::{Workspace, repo};

#[test]
fn the_default_pipeline_validates_and_prints_its_dag() {
    let ws = Workspace::new();
    let config = repo().join("orchestration.yaml");
    let run = ws.run(&["validate", config.to_str().unwrap()]);
    run.assert_code(0);
    let out = run.stdout();
    for job in [
        "ingest_aws",
        "ingest_azure",
        "ingest_gcp",
        "ingest_oci",
        "ingest_focus",
        "carbon",
        "forecast",
        "anomalies",
        "daily_digest",
        "cost_report",
        "esg_report",
    ] {
        assert!(out.contains(job), "{job} missing from:\n{out}");
    }
    assert!(
        out.contains("carbon       ─▶ anomalies, forecast, esg_report"),
        "{out}"
    );
    assert!(out.contains("approval required"), "{out}");
    assert!(out.contains("next: "), "next due times are printed:\n{out}");
    assert!(
        !ws.path("state.db").exists(),
        "validate must not create the state database"
    );
}

#[test]
fn cycles_unknown_references_and_bad_cron_are_reported_with_lines() {
    let ws = Workspace::new();
    let path = ws.path("broken.yaml");
    std::fs::write(
        &path,
        "version: 1
sources:
  s: { kind: focus, url: x }
jobs:
  a:
    type: ingest
    source: nope
    partitioning: monthly
    depends_on: [c]
  b:
    type: carbon
    partitioning: monthly
    depends_on: [a, ghost]
    schedule: { cron: \"0 0 25 * * *\" }
  c:
    type: carbon
    partitioning: monthly
    depends_on: [b]
",
    )
    .unwrap();
    let run = ws.run(&["validate", path.to_str().unwrap()]);
    run.assert_code(4);
    let err = run.stderr();
    assert!(
        err.contains("jobs.a.source: unknown source `nope` (line 7)"),
        "{err}"
    );
    assert!(
        err.contains("jobs.b.depends_on: unknown job `ghost` (line 13)"),
        "{err}"
    );
    assert!(
        err.contains("jobs.b.schedule: cron `0 0 25 * * *`"),
        "{err}"
    );
    assert!(err.contains("(line 14)"), "{err}");
    assert!(
        err.contains("dependency cycle (upstream → downstream): b → c → a → b"),
        "{err}"
    );
}

#[test]
fn unknown_keys_and_wrong_types_name_the_line() {
    let ws = Workspace::new();
    let path = ws.path("typo.yaml");
    let cases = [
        (
            "version: 1\njobs:\n  a:\n    type: ingest\n    source: s\n    partitioning: monthly\n    retrys: {}\n",
            "unknown field `retrys`",
            "line 7",
        ),
        (
            "version: 1\njobs:\n  a:\n    type: ingest\n    partitioning: weekly\n",
            "unknown variant `weekly`",
            "line 5",
        ),
        (
            "version: 1\njobs:\n  a:\n    type: carbon\n    partitioning: monthly\n    timeout: 10\n",
            "has no unit",
            "line 6",
        ),
        (
            "version: 1\nsorces: {}\njobs: {}\n",
            "unknown field `sorces`",
            "line 2",
        ),
        (
            "version: 1\njobs: {}\nmodels:\n  forecast:\n    series: [{ measure: EffectiveCost, by: [servce] }]\n",
            "unknown dimension `servce`",
            "line 5",
        ),
        (
            "version: 1\njobs: {}\nmodels:\n  forecast:\n    series: [{ measure: kwh, by: [tag:team] }]\n",
            "kwh cannot be split by `tag:team`",
            "line 5",
        ),
        (
            "version: 1\njobs: {}\nmodels:\n  anomalies:\n    top_contributors: 1\n    min_abs_impact: -5\n",
            "models.anomalies.min_abs_impact must be a number ≥ 0",
            "line 6",
        ),
    ];
    for (text, what, line) in cases {
        std::fs::write(&path, text).unwrap();
        let run = ws.run(&["validate", path.to_str().unwrap()]);
        run.assert_code(4);
        let err = run.stderr();
        assert!(
            err.contains(what) && err.contains(line),
            "expected {what} at {line}:\n{err}"
        );
    }
}

#[test]
fn five_field_cron_and_unknown_time_zones_are_explained() {
    let ws = Workspace::new();
    let path = ws.path("cron.yaml");
    std::fs::write(
        &path,
        "version: 1\njobs:\n  a:\n    type: carbon\n    partitioning: daily\n    schedule: { cron: \"15 3 * * *\", timezone: Mars/Olympus }\n",
    )
    .unwrap();
    let run = ws.run(&["validate", path.to_str().unwrap()]);
    run.assert_code(4);
    assert!(run.stderr().contains("seconds-first"), "{}", run.stderr());
    std::fs::write(
        &path,
        "version: 1\njobs:\n  a:\n    type: carbon\n    partitioning: daily\n    schedule: { cron: \"0 15 3 * * *\", timezone: Mars/Olympus }\n",
    )
    .unwrap();
    let run = ws.run(&["validate", path.to_str().unwrap()]);
    run.assert_code(4);
    assert!(
        run.stderr().contains("unknown time zone `Mars/Olympus`"),
        "{}",
        run.stderr()
    );
}
