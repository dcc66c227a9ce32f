//! Crashes at every step of a commit leave the committed data intact and nothing partial
//! visible, through the API (`warehouse ls`) and through the glob (DuckDB).

use crate::support::*;

fn api_rows(ws: &Workspace) -> serde_json::Value {
    let run = ws.run(&["warehouse", "ls", "--json"]);
    run.assert_code(0);
    let v: serde_json::Value = serde_json::from_str(&run.stdout()).unwrap();
    v[0]["partitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            serde_json::json!([
                p["provider"],
                p["billing_account"],
                p["billing_period"],
                p["rows"]
            ])
        })
        .collect()
}

#[test]
fn failure_while_staging_leaves_previous_data_intact() {
    let ws = Workspace::new();
    ws.ingest("focus", &sample("focus/focus1.0_official_sample_1000.csv"));
    let (api_before, glob_before, files_before) = (api_rows(&ws), ws.duckdb(), ws.file_checksums());
    // the FOCUS sample spans 4 partitions: fail once one file has been written
    for k in ["1", "2", "3"] {
        let run = ws.run_env(
            &[
                "ingest",
                "focus",
                sample("focus/focus1.0_official_sample_1000.csv")
                    .to_str()
                    .unwrap(),
            ],
            &[("GREENOPS_FAIL_POINT", &format!("staged-files:{k}"))],
        );
        assert_ne!(run.code(), 0);
        assert!(
            run.stderr().contains("injected failure"),
            "{}",
            run.stderr()
        );
        assert_eq!(api_rows(&ws), api_before, "API view changed");
        assert_eq!(ws.duckdb(), glob_before, "glob view changed");
        let after = ws.file_checksums();
        let committed: Vec<_> = after.keys().filter(|k| k.starts_with("cost/")).collect();
        let before: Vec<_> = files_before
            .keys()
            .filter(|k| k.starts_with("cost/"))
            .collect();
        assert_eq!(committed, before, "files under cost/ changed");
    }
    ws.run(&["warehouse", "verify"]).assert_code(0);
}

#[test]
fn failure_before_commit_leaves_previous_data_intact() {
    let ws = Workspace::new();
    ws.ingest("aws-cur", &sample("aws_cur/koku_test_cur.csv"));
    let before = (api_rows(&ws), ws.duckdb());
    let run = ws.run_env(
        &[
            "ingest",
            "aws-cur",
            sample("aws_cur/koku_cur_bucket_layout").to_str().unwrap(),
        ],
        &[("GREENOPS_FAIL_POINT", "before-commit")],
    );
    assert_ne!(run.code(), 0);
    assert_eq!((api_rows(&ws), ws.duckdb()), before);
    // the next writer clears the abandoned staging area
    ws.ingest("aws-cur", &sample("aws_cur/koku_test_cur.csv"));
    let leftovers = ws
        .file_checksums()
        .into_keys()
        .filter(|k| k.starts_with("_staging/") && !k.ends_with(".lock"))
        .count();
    assert_eq!(leftovers, 0);
}

#[test]
fn crash_after_the_commit_point_is_rolled_forward() {
    let ws = Workspace::new();
    let layout = sample("aws_cur/koku_cur_bucket_layout");
    let run = ws.run_env(
        &["ingest", "aws-cur", layout.to_str().unwrap()],
        &[("GREENOPS_FAIL_POINT", "after-commit")],
    );
    assert_ne!(run.code(), 0);
    // the commit is recorded; the next command publishes it
    let verify = ws.run(&["warehouse", "verify"]);
    verify.assert_code(0);
    assert!(verify.stderr().contains("Recovered"), "{}", verify.stderr());
    let expected = source_totals("aws-cur", &[
        layout.join("koku-local/20180801-20180901/16e57707-f9e3-49be-8be6-b84e684b5194/koku-local-1.csv.gz"),
        layout.join("my-prefix/my-report/20180801-20180901/861af42f-713c-4a42-9562-9158a7625630/my-report-1.csv.gz"),
    ]);
    assert_eq!(duckdb_totals(&ws.duckdb()), expected);
}

#[test]
fn verify_detects_a_modified_file() {
    let ws = Workspace::new();
    ws.ingest("aws-cur", &sample("aws_cur/koku_test_cur.csv"));
    let file = ws
        .file_checksums()
        .into_keys()
        .find(|k| k.ends_with(".parquet"))
        .unwrap();
    let path = std::path::Path::new(&ws.warehouse).join(&file);
    let mut bytes = std::fs::read(&path).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    std::fs::write(&path, bytes).unwrap();
    let run = ws.run(&["warehouse", "verify"]);
    run.assert_code(1);
    assert!(run.stdout().contains("SHA-256"), "{}", run.stdout());
}
