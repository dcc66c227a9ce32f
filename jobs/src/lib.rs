//! greenops job kinds. Today: ingest of provider billing exports into the warehouse.
//!
//! * [`ingest`] — adapters per export format ([`ingest::focus`], [`ingest::aws_cur`]) and the
//!   driver that stages and commits their rows ([`ingest::ingest`]).

pub mod anomalies;
mod blocking;
pub mod carbon;
pub(crate) mod columns;
pub mod delivery;
mod derived;
pub mod error;
pub mod export;
pub mod forecasts;
pub mod ingest;
pub mod reports;
pub mod series;

pub use error::{JobError, Result};
