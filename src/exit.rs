//! Exit codes: part of greenops' public contract (listed in `--help` and the README).

use jobs::JobError;
use std::process::ExitCode;
use warehouse::{Blame, WarehouseError};

/// What the process exit status means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Exit {
    /// Success.
    Ok = 0,
    /// A check found problems (e.g. `warehouse verify` found a checksum mismatch).
    CheckFailed = 1,
    /// Bad input data: a malformed or unrecognised export. Nothing was committed.
    BadInput = 3,
    /// Bad configuration: an unknown URL scheme, a missing path.
    Config = 4,
    /// An external system failed (storage, network); retrying may help.
    External = 5,
    /// A bug in greenops.
    Internal = 6,
    /// A run ended failed, skipped or cancelled (details in `greenops runs`).
    RunFailed = 7,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e as u8)
    }
}

/// Text for `--help`.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  success
  1  a check failed (warehouse verify or audit verify found a problem; approval refused)
  2  command-line usage error
  3  bad input data (malformed or unrecognised export); nothing was committed
  4  configuration error (bad URL, missing path)
  5  external failure (storage, network); a retry may succeed
  6  internal error (please report it)
  7  a run ended failed, skipped or cancelled (see `greenops runs`)";

/// Maps an error to its exit code by who has to act on it.
pub fn classify(err: &anyhow::Error) -> Exit {
    use crate::orchestration::config::ConfigError;
    use crate::orchestration::state::StateError;
    for cause in err.chain() {
        if cause.downcast_ref::<ConfigError>().is_some() {
            return Exit::Config;
        }
        if let Some(e) = cause.downcast_ref::<StateError>() {
            return match e {
                StateError::Refused(_) => Exit::CheckFailed,
                StateError::Sql { .. } => Exit::External,
                _ => Exit::Config,
            };
        }
    }
    let blame = err
        .chain()
        .find_map(|e| {
            e.downcast_ref::<JobError>()
                .map(JobError::blame)
                .or_else(|| {
                    e.downcast_ref::<WarehouseError>()
                        .map(WarehouseError::blame)
                })
        })
        .unwrap_or(Blame::Internal);
    match blame {
        Blame::InputData => Exit::BadInput,
        Blame::Config => Exit::Config,
        Blame::External => Exit::External,
        Blame::Internal => Exit::Internal,
    }
}
