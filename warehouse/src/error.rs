//! The warehouse's error type.

use std::fmt;

/// Who has to act on an error: the operator's configuration, the input data, an external system,
/// or greenops itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blame {
    /// A bad URL, option or config file.
    Config,
    /// The data given to greenops is malformed or inconsistent.
    InputData,
    /// Storage or a network service failed; a retry may succeed.
    External,
    /// A bug in greenops or corrupted warehouse state.
    Internal,
}

impl fmt::Display for Blame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Blame::Config => "configuration",
            Blame::InputData => "input data",
            Blame::External => "external system",
            Blame::Internal => "internal",
        })
    }
}

/// Errors raised by the warehouse.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WarehouseError {
    /// The warehouse URL could not be understood.
    #[error("invalid warehouse URL {url:?}: {reason}")]
    InvalidUrl {
        /// The URL as given (credentials never appear here: they come from the environment).
        url: String,
        /// Why it was refused.
        reason: String,
    },
    /// A run id that cannot be used in object names.
    #[error("invalid run id {0:?}: use letters, digits, '.', '_' and '-' only")]
    InvalidRunId(String),
    /// A table name the warehouse does not know.
    #[error("unknown table {0:?}")]
    UnknownTable(String),
    /// A partition value that cannot be written into a path.
    #[error("invalid partition value for {column}: {value:?} ({reason})")]
    InvalidPartition {
        /// Partition column.
        column: String,
        /// Offending value.
        value: String,
        /// Why it was refused.
        reason: String,
    },
    /// Another writer published the same commit number first.
    #[error("commit {version} of table {table} was taken by a concurrent writer")]
    CommitConflict {
        /// Table name.
        table: String,
        /// The commit number that was taken.
        version: u64,
    },
    /// A commit record or manifest could not be read.
    #[error("corrupt warehouse metadata at {path}: {reason}")]
    CorruptMetadata {
        /// Object path.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// The export is older than the one already committed for a partition.
    #[error(
        "refusing to replace {partition}: this export was produced at {export}, but the committed \
         one (run {run_id}) was produced at {committed}, which is newer; pass --force to replace it anyway"
    )]
    StaleExport {
        /// Partition (provider/account/period).
        partition: String,
        /// Production time of the refused export.
        export: chrono::DateTime<chrono::Utc>,
        /// Production time of the committed export.
        committed: chrono::DateTime<chrono::Utc>,
        /// Run that committed it.
        run_id: String,
    },
    /// A deliberate failure injected by a test (see [`crate::FailPoint`]).
    #[error("injected failure: {0}")]
    Injected(String),
    /// Object storage failed.
    #[error("storage error: {0}")]
    Store(#[from] object_store::Error),
    /// Local file system failure (staging, publish on local roots).
    #[error("I/O error on {path}: {source}")]
    Io {
        /// The path involved.
        path: String,
        /// Underlying error.
        source: std::io::Error,
    },
    /// polars failed while writing or scanning.
    #[error("polars: {0}")]
    Polars(#[from] polars::error::PolarsError),
    /// JSON (de)serialisation of metadata failed.
    #[error("metadata JSON: {0}")]
    Json(#[from] serde_json::Error),
}

impl WarehouseError {
    /// Who has to act on this error.
    pub fn blame(&self) -> Blame {
        match self {
            WarehouseError::InvalidUrl { .. }
            | WarehouseError::InvalidRunId(_)
            | WarehouseError::UnknownTable(_) => Blame::Config,
            WarehouseError::InvalidPartition { .. } | WarehouseError::StaleExport { .. } => {
                Blame::InputData
            }
            WarehouseError::CommitConflict { .. }
            | WarehouseError::Store(_)
            | WarehouseError::Io { .. }
            | WarehouseError::Injected(_) => Blame::External,
            WarehouseError::CorruptMetadata { .. }
            | WarehouseError::Polars(_)
            | WarehouseError::Json(_) => Blame::Internal,
        }
    }

    /// Whether retrying the same operation may succeed.
    pub fn is_transient(&self) -> bool {
        self.blame() == Blame::External
    }

    pub(crate) fn io(path: impl fmt::Display, source: std::io::Error) -> Self {
        WarehouseError::Io {
            path: path.to_string(),
            source,
        }
    }
}

/// Result alias for warehouse operations.
pub type Result<T, E = WarehouseError> = std::result::Result<T, E>;
