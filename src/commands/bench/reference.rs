//! The DuckDB reference runs: `PYTHON bench/<script>.py ARGS…`, when PYTHON has duckdb.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The ingest reference, relative to the repository root.
pub const INGEST_SCRIPT: &str = "bench/duckdb_ingest.py";
/// The carbon reference (the same scan and grouping over the cost table).
pub const CARBON_SCRIPT: &str = "bench/duckdb_carbon.py";

/// Why the reference cannot run, or the command that runs it.
#[derive(Debug)]
pub enum Reference {
    /// Skipped, with the reason.
    Skipped(String),
    /// Ready to run.
    Ready(Command),
}

/// Prepares `PYTHON SCRIPT ARGS…` after checking that PYTHON exists and can `import duckdb`.
pub fn prepare(python: &Path, script: &str, args: &[&Path]) -> Reference {
    if !python.exists() {
        return Reference::Skipped(format!(
            "{} does not exist (create the venv with duckdb, or pass --python)",
            python.display()
        ));
    }
    let probe = Command::new(python)
        .args(["-c", "import duckdb"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    match probe {
        Ok(s) if s.success() => {}
        Ok(_) => {
            return Reference::Skipped(format!("`import duckdb` fails with {}", python.display()));
        }
        Err(e) => return Reference::Skipped(format!("cannot run {}: {e}", python.display())),
    }
    let Some(path) = locate_script(script) else {
        return Reference::Skipped(format!("{script} not found (run from the repository root)"));
    };
    let mut cmd = Command::new(python);
    cmd.arg(path).args(args);
    Reference::Ready(cmd)
}

/// The script under the current directory, else in the source tree this binary was built from.
fn locate_script(script: &str) -> Option<PathBuf> {
    [
        PathBuf::from(script),
        Path::new(env!("CARGO_MANIFEST_DIR")).join(script),
    ]
    .into_iter()
    .find(|p| p.is_file())
}

/// The row count the script prints (`rows: N`).
pub fn rows_printed(stdout: &str) -> Option<u64> {
    stdout
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("rows:"))
        .and_then(|n| n.trim().parse().ok())
}
