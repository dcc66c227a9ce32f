//! `greenops bench nightly`: the incremental nightly run on a warehouse holding twelve months.
//!
//! Prepared once under `DIR/nightly-<rows per day>/` (reused afterwards): twelve full months of
//! FOCUS exports and the month-to-date export of the thirteenth up to the day before the run,
//! ingested, with carbon estimated. The timed night is what the default pipeline does when the
//! provider redelivers the month-to-date export with one more day: ingest it (replacing the
//! month's partition), then carbon, forecast and anomalies of the month and the daily digest of
//! the new day, each as its own `greenops` process.

use super::nightly_data::write_month;
use super::{measure, show};
use crate::cli::BenchNightlyArgs;
use crate::exit::Exit;
use anyhow::Context;
use chrono::{Months, NaiveDate};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// The month the nightly run is in; the twelve before it are the history.
const MONTH: (i32, u32) = (2026, 11);
/// The day the night's export adds.
const NEW_DAY: u32 = 15;
/// The nightly target of the performance work.
const TARGET: Duration = Duration::from_secs(10);

/// Runs the benchmark.
///
/// # Errors
/// Writing or ingesting the history, or a step failing.
pub fn run(args: &BenchNightlyArgs) -> anyhow::Result<Exit> {
    anyhow::ensure!(args.rows_per_day > 0, "--rows-per-day must be at least 1");
    let dir = args.dir.join(format!("nightly-{}", args.rows_per_day));
    let exe = std::env::current_exe().context("locating the greenops binary")?;
    let bench = Bench { dir, exe };
    let month = NaiveDate::from_ymd_opt(MONTH.0, MONTH.1, 1).context("the bench month")?;
    bench.prepare(month, args.rows_per_day)?;

    let tonight = bench
        .dir
        .join(format!("exports/{}-mtd-{NEW_DAY:02}.csv", &ym(month)));
    if !tonight.exists() {
        write_month(&tonight, month, NEW_DAY, args.rows_per_day)?;
    }
    let new_day = format!("{}-{NEW_DAY:02}", ym(month));
    let steps: Vec<(&str, Vec<String>)> = vec![
        (
            "ingest",
            vec!["ingest".into(), "focus".into(), path_arg(&tonight)],
        ),
        ("carbon", bench.run_job("carbon", &ym(month))),
        ("forecast", bench.run_job("forecast", &ym(month))),
        ("anomalies", bench.run_job("anomalies", &ym(month))),
        ("digest", bench.run_job("daily_digest", &new_day)),
    ];
    let mut lines = Vec::new();
    let mut total = Duration::ZERO;
    let mut peak = 0;
    for (name, step) in steps {
        let mut cmd = bench.command(&step);
        println!("\n{name}: {}", show(&cmd));
        let m = measure::run(&mut cmd, name)?;
        anyhow::ensure!(m.status.success(), "the {name} step failed ({})", m.status);
        total += m.wall;
        peak = peak.max(m.peak_rss_bytes.unwrap_or(0));
        lines.push((name, m.wall, m.peak_rss_bytes.unwrap_or(0)));
    }
    let history_rows = 12 * 30 * args.rows_per_day;
    println!(
        "\nNightly run on {new_day}: warehouse with 12 months (~{} rows) + {} days of {}; \
         {} rows per day",
        super::dataset::group(history_rows),
        NEW_DAY,
        ym(month),
        super::dataset::group(args.rows_per_day),
    );
    println!("  {:<10} {:>8} {:>14}", "step", "wall s", "peak RSS MiB");
    for (name, wall, rss) in lines {
        println!(
            "  {name:<10} {:>8.2} {:>14.1}",
            wall.as_secs_f64(),
            mib(rss)
        );
    }
    println!(
        "  {:<10} {:>8.2} {:>14.1}   (target: under {} s)",
        "total",
        total.as_secs_f64(),
        mib(peak),
        TARGET.as_secs()
    );
    Ok(Exit::Ok)
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn ym(day: NaiveDate) -> String {
    day.format("%Y-%m").to_string()
}

fn path_arg(path: &Path) -> String {
    path.display().to_string()
}

/// The benchmark's folder and the binary under test.
struct Bench {
    dir: PathBuf,
    exe: PathBuf,
}

impl Bench {
    /// `greenops` with this benchmark's warehouse, state and pipeline.
    fn command(&self, args: &[String]) -> Command {
        let mut cmd = Command::new(&self.exe);
        cmd.arg("--warehouse")
            .arg(self.dir.join("warehouse"))
            .arg("--state")
            .arg(format!("sqlite://{}", self.dir.join("state.db").display()))
            .arg("--config")
            .arg(self.dir.join("orchestration.yaml"))
            .args(args);
        cmd
    }

    /// `run JOB --partition P`; a report is sent again on every benchmark run.
    fn run_job(&self, job: &str, partition: &str) -> Vec<String> {
        let mut args: Vec<String> = ["run", job, "--partition", partition]
            .map(String::from)
            .to_vec();
        if job == "daily_digest" {
            args.push("--resend".into());
        }
        args
    }

    /// Writes and ingests the history once (`DIR/ready` marks it done).
    fn prepare(&self, month: NaiveDate, rows_per_day: u64) -> anyhow::Result<()> {
        let ready = self.dir.join("ready");
        if ready.exists() {
            println!("Reusing the prepared warehouse in {}", self.dir.display());
            return Ok(());
        }
        super::empty(&self.dir)?;
        let exports = self.dir.join("exports");
        std::fs::create_dir_all(&exports)
            .with_context(|| format!("creating {}", exports.display()))?;
        std::fs::write(self.dir.join("orchestration.yaml"), pipeline(&self.dir))
            .context("writing the benchmark pipeline")?;
        let mut files = Vec::new();
        for back in (1..=12).rev() {
            let m = month - Months::new(back);
            let days = (m + Months::new(1) - m).num_days() as u32;
            files.push((m, days));
        }
        // last night's export: the month to date without the new day
        files.push((month, NEW_DAY - 1));
        for (m, days) in files {
            let path = exports.join(format!("{}-{days:02}d.csv", ym(m)));
            let rows = write_month(&path, m, days, rows_per_day)?;
            println!("Prepared {} ({} rows); ingesting", path.display(), rows);
            self.quiet(&["ingest".into(), "focus".into(), path_arg(&path)])?;
        }
        self.quiet(&["carbon".into(), "estimate".into()])?;
        std::fs::write(&ready, b"").context("marking the warehouse ready")?;
        Ok(())
    }

    fn quiet(&self, args: &[String]) -> anyhow::Result<()> {
        let output = self
            .command(args)
            .output()
            .with_context(|| format!("running greenops {}", args.join(" ")))?;
        anyhow::ensure!(
            output.status.success(),
            "greenops {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        );
        Ok(())
    }
}

/// The default pipeline's nightly jobs, without sources (the benchmark ingests its files itself)
/// and with the digest going to an outbox folder.
fn pipeline(dir: &Path) -> String {
    format!(
        "version: 1
sources: {{}}
jobs:
  carbon: {{ type: carbon, partitioning: monthly }}
  forecast: {{ type: forecast, partitioning: monthly }}
  anomalies: {{ type: anomalies, partitioning: monthly }}
  daily_digest:
    type: report
    report: daily-digest
    partitioning: daily
reports:
  budget: 2500000
  recipients:
    daily-digest: [finops@example.com]
notifications:
  from: greenops@example.com
  outbox: {}
",
        dir.join("outbox").display()
    )
}
