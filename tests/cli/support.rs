//! Test helpers: a scratch workspace per test, a command runner for the real `greenops` binary,
//! and the Python oracles (source totals, DuckDB over the glob).

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A bundled sample export.
pub fn sample(rel: &str) -> PathBuf {
    repo().join("examples/exports").join(rel)
}

/// The Python with duckdb and moto (set up by scripts/test.sh).
pub fn python() -> PathBuf {
    let p = std::env::var_os("GREENOPS_TEST_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join(".venv/bin/python"));
    assert!(
        p.exists(),
        "{} not found: run the tests with scripts/test.sh, which creates the venv",
        p.display()
    );
    p
}

/// A scratch folder with a warehouse inside.
pub struct Workspace {
    pub dir: tempfile::TempDir,
    pub warehouse: String,
}

impl Workspace {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let warehouse = dir.path().join("wh").display().to_string();
        Self { dir, warehouse }
    }

    /// A workspace whose warehouse is the given URL (e.g. s3://…).
    pub fn with_warehouse(url: &str) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        Self {
            dir,
            warehouse: url.to_string(),
        }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Runs greenops with this workspace's warehouse.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_env(args, &[])
    }

    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_greenops"));
        cmd.arg("--warehouse")
            .arg(&self.warehouse)
            .args(args)
            .current_dir(self.dir.path());
        cmd.env(
            "GREENOPS_STATE",
            format!("sqlite://{}", self.path("state.db").display()),
        );
        cmd.env_remove("GREENOPS_FAIL_POINT");
        for (k, v) in env {
            cmd.env(k, v);
        }
        Run {
            args: args.iter().map(|s| s.to_string()).collect(),
            out: cmd.output().expect("spawn greenops"),
        }
    }

    /// `ingest KIND PATH --json`, asserting success; returns the summary JSON.
    pub fn ingest(&self, kind: &str, path: &Path) -> Value {
        let run = self.run(&["ingest", kind, path.to_str().unwrap(), "--json"]);
        run.assert_code(0);
        serde_json::from_str(run.stdout().trim()).expect("summary JSON")
    }

    /// DuckDB over `ROOT/cost/**/*.parquet` (local warehouses).
    pub fn duckdb(&self) -> Value {
        oracle(&["tests/oracle/duckdb_totals.py", &self.warehouse])
    }

    /// SHA-256 of every file under the warehouse folder (local warehouses).
    pub fn file_checksums(&self) -> BTreeMap<String, String> {
        let root = PathBuf::from(&self.warehouse);
        let mut out = BTreeMap::new();
        let mut stack = vec![root.clone()];
        while let Some(d) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&d) else {
                continue;
            };
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_none_or(|x| x != "lock") {
                    let bytes = std::fs::read(&p).unwrap();
                    out.insert(
                        p.strip_prefix(&root).unwrap().display().to_string(),
                        warehouse::sha256_hex(&bytes),
                    );
                }
            }
        }
        out
    }
}

/// A finished greenops process.
pub struct Run {
    pub args: Vec<String>,
    pub out: Output,
}

impl Run {
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.out.stdout).to_string()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.out.stderr).to_string()
    }

    pub fn code(&self) -> i32 {
        self.out.status.code().unwrap_or(-1)
    }

    pub fn assert_code(&self, expected: i32) -> &Self {
        assert_eq!(
            self.code(),
            expected,
            "greenops {:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.args,
            self.stdout(),
            self.stderr()
        );
        self
    }
}

/// Runs a Python oracle script (path relative to the repo) and parses its JSON output.
pub fn oracle(args: &[&str]) -> Value {
    let out = Command::new(python())
        .args(args)
        .current_dir(repo())
        .output()
        .expect("spawn python");
    assert!(
        out.status.success(),
        "oracle {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("oracle JSON")
}

/// Per-currency totals straight from source files: {currency: (rows, billed)}.
pub fn source_totals(kind: &str, files: &[PathBuf]) -> BTreeMap<String, (u64, String)> {
    let mut args = vec![
        "tests/oracle/source_totals.py".to_string(),
        kind.to_string(),
    ];
    args.extend(files.iter().map(|f| f.display().to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let v = oracle(&refs);
    v.as_object()
        .unwrap()
        .iter()
        .map(|(c, t)| {
            (
                c.clone(),
                (
                    t["rows"].as_u64().unwrap(),
                    norm(t["billed"].as_str().unwrap()),
                ),
            )
        })
        .collect()
}

/// Totals from an ingest summary: {currency: (rows, billed)}.
pub fn summary_totals(summary: &Value) -> BTreeMap<String, (u64, String)> {
    summary["totals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["currency"].as_str().unwrap().to_string(),
                (
                    t["rows"].as_u64().unwrap(),
                    norm(t["billed_cost"].as_str().unwrap()),
                ),
            )
        })
        .collect()
}

/// Totals DuckDB sees through the glob: {currency: (rows, billed)}.
pub fn duckdb_totals(duck: &Value) -> BTreeMap<String, (u64, String)> {
    duck["currencies"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(c, t)| {
            (
                c.clone(),
                (
                    t["rows"].as_u64().unwrap(),
                    norm(t["billed"].as_str().unwrap()),
                ),
            )
        })
        .collect()
}

/// Canonical text of a decimal: no trailing fractional zeros, no `-0`.
pub fn norm(s: &str) -> String {
    let s = s.trim();
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    };
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

/// A warehouse holding one good export of `kind`, and the checksums of its files.
pub fn committed(kind: &str, path: &Path) -> (Workspace, BTreeMap<String, String>) {
    let ws = Workspace::new();
    ws.ingest(kind, path);
    let before = ws.file_checksums();
    assert!(before.keys().any(|k| k.ends_with(".parquet")));
    (ws, before)
}

/// Ingesting `path` fails as bad input (exit 3), the error mentions every needle, and the
/// warehouse is exactly as it was (`before`) and still verifies.
pub fn assert_refused(
    ws: &Workspace,
    before: &BTreeMap<String, String>,
    kind: &str,
    path: &Path,
    must_mention: &[&str],
) {
    let run = ws.run(&["ingest", kind, path.to_str().unwrap()]);
    run.assert_code(3);
    let err = run.stderr();
    for needle in must_mention {
        assert!(
            err.contains(needle),
            "error should mention {needle:?}:\n{err}"
        );
    }
    assert_eq!(
        &ws.file_checksums(),
        before,
        "the warehouse changed after a refused ingest"
    );
    ws.run(&["warehouse", "verify"]).assert_code(0);
}

/// Runs a Python snippet with `args` as `sys.argv[1..]`; its stdout, trimmed. A failing snippet
/// fails the test with its stderr.
pub fn python_run(script: &str, args: &[&str]) -> String {
    let out = Command::new(python())
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("spawn python");
    assert!(
        out.status.success(),
        "python failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Rows of a DuckDB query as Python prints them, e.g. `[(1, 'a')]`.
pub fn duckdb_rows(sql: &str) -> String {
    python_run(
        "import duckdb, sys; print(duckdb.sql(sys.argv[1]).fetchall())",
        &[sql],
    )
}

/// Rows of a DuckDB query as JSON arrays (non-JSON values as text).
pub fn duckdb_json(sql: &str) -> Value {
    let text = python_run(
        "import duckdb, json, sys; print(json.dumps(duckdb.sql(sys.argv[1]).fetchall(), default=str))",
        &[sql],
    );
    serde_json::from_str(&text).expect("query JSON")
}

/// Ingests `path` into a fresh workspace and asserts rows and per-currency BilledCost equal the
/// oracle over `data_files`, through the ingest summary and through DuckDB over the glob, with
/// the warehouse's money and time types, and that `warehouse verify` passes.
pub fn assert_ingests_like_source(kind: &str, path: &Path, data_files: &[PathBuf]) -> Workspace {
    let ws = Workspace::new();
    let expected = source_totals(kind, data_files);
    assert!(!expected.is_empty());
    let summary = ws.ingest(kind, path);
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
    ws.run(&["warehouse", "verify"]).assert_code(0);
    ws
}
