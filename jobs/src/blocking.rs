//! Polars work off the async runtime: CPU-bound collects run on tokio's blocking threads.

use crate::error::{JobError, Result};
use polars::prelude::*;

/// Runs `work` on a blocking thread; a panicked or cancelled task becomes a [`JobError`].
pub(crate) async fn run<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| JobError::Polars(PolarsError::ComputeError(e.to_string().into())))
}

/// Collects `lf` with the streaming engine on a blocking thread.
pub(crate) async fn collect_streaming(lf: LazyFrame) -> Result<DataFrame> {
    Ok(run(move || lf.collect_with_engine(Engine::Streaming))
        .await??
        .unwrap_single())
}
