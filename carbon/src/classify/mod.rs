//! Classification of billing rows into [`crate::usage::Usage`] (per provider): which rows are
//! compute, memory, storage, networking, unknown or not counted, and in which units.
//!
//! The rules are CCF's, kept as data where CCF keeps them as lists
//! (`data/ccf-app-2024-03-25/*_usage_classification.csv`); `Mode::Corrected` departs from them
//! only where the methodology notes name a defect (S3 byte-hours, CloudFront traffic).

pub mod aws;
pub mod azure;
pub mod gcp;
mod lists;

pub use aws::{AwsRow, classify_aws};
pub use azure::{AzureRow, classify_azure};
pub use gcp::{GcpRow, classify_gcp};
