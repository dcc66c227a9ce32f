//! The reference runs: `PYTHON bench/<script>.py ARGS…`, when PYTHON can import the script's
//! module (duckdb, polars).

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A reference script and the Python module it needs.
#[derive(Debug, Clone, Copy)]
pub struct Script {
    /// The engine's name in the report (`duckdb`).
    pub engine: &'static str,
    /// The module that must import (`duckdb`).
    pub module: &'static str,
    /// The script, relative to the repository root.
    pub path: &'static str,
}

/// The ingest reference: the same normalisation with DuckDB.
pub const DUCKDB_INGEST: Script = Script {
    engine: "duckdb",
    module: "duckdb",
    path: "bench/duckdb_ingest.py",
};
/// The raw conversion to Parquet with polars (no normalisation).
pub const POLARS_CONVERT: Script = Script {
    engine: "polars",
    module: "polars",
    path: "bench/polars_convert.py",
};
/// The carbon reference (the same scan and grouping over the cost table).
pub const DUCKDB_CARBON: Script = Script {
    engine: "duckdb",
    module: "duckdb",
    path: "bench/duckdb_carbon.py",
};

/// Why the reference cannot run, or the command that runs it.
#[derive(Debug)]
pub enum Reference {
    /// Skipped, with the reason.
    Skipped(String),
    /// Ready to run.
    Ready(Command),
}

/// Prepares `PYTHON SCRIPT ARGS…` after checking that PYTHON exists and can import the script's
/// module.
pub fn prepare(python: &Path, script: Script, args: &[&OsStr]) -> Reference {
    if !python.exists() {
        return Reference::Skipped(format!(
            "{} does not exist (create the venv and `pip install -r bench/requirements.txt`, \
             or pass --python)",
            python.display()
        ));
    }
    let probe = Command::new(python)
        .args(["-c", &format!("import {}", script.module)])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    match probe {
        Ok(s) if s.success() => {}
        Ok(_) => {
            return Reference::Skipped(format!(
                "`import {}` fails with {} (pip install -r bench/requirements.txt)",
                script.module,
                python.display()
            ));
        }
        Err(e) => return Reference::Skipped(format!("cannot run {}: {e}", python.display())),
    }
    let Some(path) = locate_script(script.path) else {
        return Reference::Skipped(format!(
            "{} not found (run from the repository root)",
            script.path
        ));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_module_skips_the_reference() {
        let python = Path::new("/bin/sh");
        let fake = Script {
            engine: "x",
            module: "surely_not_a_module",
            path: "bench/duckdb_ingest.py",
        };
        // /bin/sh -c "import …" fails: the reference is skipped, naming the module
        match prepare(python, fake, &[]) {
            Reference::Skipped(why) => assert!(why.contains("surely_not_a_module"), "{why}"),
            Reference::Ready(cmd) => panic!("ran {cmd:?}"),
        }
        match prepare(Path::new("/no/such/python"), DUCKDB_INGEST, &[]) {
            Reference::Skipped(why) => assert!(why.contains("does not exist"), "{why}"),
            Reference::Ready(cmd) => panic!("ran {cmd:?}"),
        }
    }
}
