//! Orchestration end to end: the same cases on the embedded SQLite state and on a real
//! PostgreSQL (a fresh database per test; `GREENOPS_TEST_PG` is the admin URL, by default
//! `postgres://postgres@127.0.0.1:5432/postgres`, which scripts/test.sh makes sure is reachable).

mod ledger;
mod modelling;
mod scheduler;
mod validate;
mod workers;

use crate::support::{Run, Workspace, repo};
use serde_json::Value;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Which state database a case runs on.
#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Declares `sqlite` and `postgres` tests running `$case(Backend)`.
macro_rules! on_both_backends {
    ($($case:ident),* $(,)?) => {$(
        mod $case {
            #[test]
            fn sqlite() {
                super::$case(crate::orchestration::Backend::Sqlite)
            }
            #[test]
            fn postgres() {
                super::$case(crate::orchestration::Backend::Postgres)
            }
        }
    )*};
}
pub(crate) use on_both_backends;

fn block_on<F: Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}

/// A PostgreSQL database created for one test and dropped after it.
struct PgDatabase {
    admin: String,
    name: String,
    url: String,
}

impl PgDatabase {
    fn create() -> Self {
        let admin = std::env::var("GREENOPS_TEST_PG")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let name = format!("greenops_test_{}", uuid_like());
        let sql = format!("CREATE DATABASE {name}");
        block_on(async {
            use sqlx::Connection;
            let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap_or_else(|e| {
                panic!("PostgreSQL at {admin} is not reachable ({e}); run the tests with scripts/test.sh")
            });
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                .execute(&mut conn)
                .await
                .expect("create database");
        });
        let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
        let url = format!("{base}/{name}");
        PgDatabase { admin, name, url }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        block_on(async {
            use sqlx::Connection;
            if let Ok(mut conn) = sqlx::PgConnection::connect(&self.admin).await {
                let _dropped = sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                    .execute(&mut conn)
                    .await;
            }
        });
    }
}

fn uuid_like() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    format!("{}_{}", std::process::id(), nanos % 1_000_000_000_000)
}

/// A scratch pipeline: monthly FOCUS exports under `exports/<YYYY-MM>/`, an orchestration.yaml,
/// a warehouse, an outbox and a state database.
pub struct Pipeline {
    pub ws: Workspace,
    pub state: String,
    _pg: Option<PgDatabase>,
}

/// The job definitions every case starts from (`{jobs}` adds more).
const BASE_CONFIG: &str = "\
version: 1
sources:
  monthly_focus:
    kind: focus
    url: exports/{partition}/export.csv
jobs:
  ingest_m:
    type: ingest
    source: monthly_focus
    partitioning: monthly
    start: 2020-01
    retries: { max_attempts: 3, backoff: 1s, max_backoff: 10s }
    timeout: 60s
{jobs}
notifications:
  on_failure: [oncall@example.com]
  from: greenops@example.com
  outbox: outbox
";

impl Pipeline {
    /// A pipeline with `extra_jobs` (YAML, indented under `jobs:`) on `backend`.
    pub fn new(backend: Backend, extra_jobs: &str) -> Self {
        let ws = Workspace::new();
        let (state, pg) = match backend {
            Backend::Sqlite => (format!("sqlite://{}", ws.path("state.db").display()), None),
            Backend::Postgres => {
                let db = PgDatabase::create();
                (db.url.clone(), Some(db))
            }
        };
        std::fs::write(
            ws.path("orchestration.yaml"),
            BASE_CONFIG.replace("{jobs}", extra_jobs),
        )
        .expect("write config");
        Pipeline { ws, state, _pg: pg }
    }

    /// Writes a small FOCUS export for each month in `from..=to` (YYYY-MM).
    pub fn write_months(&self, months: &[String]) {
        let template =
            std::fs::read_to_string(repo().join("tests/fixtures/focus_month_template.csv"))
                .expect("template");
        for month in months {
            let dir = self.ws.path(&format!("exports/{month}"));
            std::fs::create_dir_all(&dir).expect("mkdir");
            let text = template
                .replace("{{MONTH}}", month)
                .replace("{{NEXT}}", &next_month(month));
            std::fs::write(dir.join("export.csv"), text).expect("write export");
        }
    }

    fn command(&self, args: &[&str], env: &[(&str, &str)]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_greenops"));
        cmd.arg("--warehouse")
            .arg(&self.ws.warehouse)
            .args(args)
            .current_dir(self.ws.dir.path())
            .env("GREENOPS_STATE", &self.state)
            .env("GREENOPS_CONFIG", self.ws.path("orchestration.yaml"))
            .env("GREENOPS_ACTOR", "tester@ci")
            .env_remove("GREENOPS_FAULT")
            .env_remove("GREENOPS_FAIL_POINT");
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd
    }

    /// Runs greenops to completion.
    pub fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let out = self.command(args, env).output().expect("spawn greenops");
        Run {
            args: args.iter().map(|s| s.to_string()).collect(),
            out,
        }
    }

    /// Starts a long-running greenops (worker, scheduler) with its output captured.
    pub fn spawn(&self, args: &[&str], env: &[(&str, &str)]) -> Child {
        self.command(args, env)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn greenops")
    }

    /// Every run in the ledger (newest first).
    pub fn runs(&self) -> Vec<Value> {
        let run = self.run(&["runs", "--json", "--limit", "100000"], &[]);
        run.assert_code(0);
        serde_json::from_str::<Value>(run.stdout().trim())
            .unwrap_or_else(|e| panic!("runs JSON ({e}): {}", run.stdout()))
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Runs of one job and partition, oldest attempt first.
    pub fn attempts(&self, job: &str, partition: &str) -> Vec<Value> {
        let mut runs: Vec<Value> = self
            .runs()
            .into_iter()
            .filter(|r| r["job"] == job && r["partition"] == partition)
            .collect();
        runs.sort_by_key(|r| r["id"].as_str().unwrap_or_default().to_string());
        runs
    }

    /// Polls the ledger until `done` holds (panics after `limit`).
    pub fn wait_for(
        &self,
        what: &str,
        limit: Duration,
        done: impl Fn(&[Value]) -> bool,
    ) -> Vec<Value> {
        let start = Instant::now();
        loop {
            let runs = self.runs();
            if done(&runs) {
                return runs;
            }
            assert!(
                start.elapsed() < limit,
                "timed out waiting for {what}; runs: {runs:#?}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Executes SQL on the state database (to tamper with it as an attacker would).
    pub fn sql(&self, statement: &str) {
        let (url, statement) = (self.state.clone(), statement.to_string());
        block_on(async move {
            sqlx::any::install_default_drivers();
            let pool = sqlx::AnyPool::connect(&url)
                .await
                .expect("connect state db");
            sqlx::raw_sql(sqlx::AssertSqlSafe(statement))
                .execute(&pool)
                .await
                .expect("sql");
            pool.close().await;
        });
    }

    /// Run ids of every commit in the warehouse's cost-table log.
    pub fn commit_run_ids(&self) -> Vec<String> {
        let dir = PathBuf::from(&self.ws.warehouse).join("_log/cost");
        let mut ids = Vec::new();
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "json") {
                let log: Value = serde_json::from_slice(&std::fs::read(&path).expect("read log"))
                    .expect("log JSON");
                ids.push(log["run_id"].as_str().unwrap_or_default().to_string());
            }
        }
        ids.sort();
        ids
    }

    /// `.eml` files in the outbox.
    pub fn outbox(&self) -> Vec<String> {
        std::fs::read_dir(self.ws.path("outbox"))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
            .collect()
    }
}

/// Waits for a spawned process, killing it after `limit`.
pub fn wait_child(child: Child, limit: Duration) -> std::process::Output {
    let start = Instant::now();
    let mut child = child;
    loop {
        if child.try_wait().expect("try_wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        if start.elapsed() > limit {
            let _killed = child.kill();
            let out = child.wait_with_output().expect("output");
            panic!(
                "process did not exit within {limit:?}\n--- stdout\n{}\n--- stderr\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Months `from..=to` as YYYY-MM.
pub fn months(from: &str, to: &str) -> Vec<String> {
    let mut out = vec![from.to_string()];
    while out.last().map(String::as_str) != Some(to) {
        out.push(next_month(out.last().expect("one month")));
    }
    out
}

fn next_month(month: &str) -> String {
    let (y, m) = month.split_once('-').expect("YYYY-MM");
    let (y, m): (i32, u32) = (y.parse().expect("year"), m.parse().expect("month"));
    if m == 12 {
        format!("{}-01", y + 1)
    } else {
        format!("{y}-{:02}", m + 1)
    }
}

/// A field of a run as text.
pub fn field<'a>(run: &'a Value, name: &str) -> &'a str {
    run[name].as_str().unwrap_or_default()
}
