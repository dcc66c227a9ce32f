//! The DuckDB reference run: `PYTHON bench/duckdb_ingest.py FILE OUT`, when PYTHON has duckdb.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The script, relative to the repository root.
const SCRIPT: &str = "bench/duckdb_ingest.py";

/// Why the reference cannot run, or the command that runs it.
#[derive(Debug)]
pub enum Reference {
    /// Skipped, with the reason.
    Skipped(String),
    /// Ready to run.
    Ready(Command),
}

/// Prepares `PYTHON bench/duckdb_ingest.py INPUT OUT` after checking that PYTHON exists and
/// can `import duckdb`.
pub fn prepare(python: &Path, input: &Path, out: &Path) -> Reference {
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
    let Some(script) = locate_script() else {
        return Reference::Skipped(format!("{SCRIPT} not found (run from the repository root)"));
    };
    let mut cmd = Command::new(python);
    cmd.arg(script).arg(input).arg(out);
    Reference::Ready(cmd)
}

/// The script under the current directory, else in the source tree this binary was built from.
fn locate_script() -> Option<PathBuf> {
    [
        PathBuf::from(SCRIPT),
        Path::new(env!("CARGO_MANIFEST_DIR")).join(SCRIPT),
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
