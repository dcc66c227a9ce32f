//! greenops reports: typed report data → an HTML email body, its plain-text alternative, CSV
//! attachments and PNG charts.
//!
//! ```text
//!  jobs (warehouse queries) ─▶ Report (data.rs) ─▶ Renderer ─┬─▶ html + text (tera templates)
//!                                                            ├─▶ CSV attachments (tables.rs)
//!                                                            └─▶ PNG charts (charts.rs)
//! ```
//!
//! Everything is computed and formatted in Rust before it reaches a template (money, t CO2e,
//! percentages), so templates stay simple and a render is byte-for-byte reproducible: no clock,
//! no randomness, deterministic ordering. Users override the templates by pointing the config at
//! a folder holding files of the same names ([`Renderer::from_dir`]).

pub mod charts;
pub mod data;
pub mod error;
pub mod format;
pub mod kind;
pub mod render;
pub mod tables;

pub use data::{DigestData, EsgData, Report, SoxData};
pub use error::ReportError;
pub use kind::ReportKind;
pub use render::{Attachment, InlineImage, Rendered, Renderer};
