//! The orchestration runtime: `orchestration.yaml` → a checked DAG → runs recorded in the
//! ledger, executed inline or by workers from an apalis queue, scheduled by cron.
//!
//! ```text
//!  orchestration.yaml ─▶ config ─▶ dag (validate) ─┬─▶ scheduler (cron ticks, catch-up) ─┐
//!                                                  ├─▶ backfill / run (CLI)  ────────────┤ submit
//!                                                  │                                      ▼
//!                                                  │            state: runs ledger + audit log
//!                                                  │                     │ queue (apalis) wake-ups
//!                                                  └─▶ executor ◀────────┘  (worker or inline)
//!                                                         └─▶ job body (ingest, …) under timeout
//! ```

pub mod config;
pub mod dag;
pub mod duration;
pub mod executor;
pub mod faults;
pub mod identity;
pub mod job_body;
pub mod local;
pub mod model_settings;
pub mod partition;
pub mod queue;
pub mod report_job;
pub mod report_settings;
pub mod schedule;
pub mod scheduler;
pub mod state;
pub mod submit;
