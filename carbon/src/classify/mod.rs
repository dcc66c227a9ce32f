//! Classification of billing rows into [`crate::usage::Usage`] (per provider): which rows are
//! compute, memory, storage, networking, unknown or not counted, and in which units.
//!
//! The AWS, GCP and Azure rules are CCF's, kept as data where CCF keeps them as lists
//! (`data/ccf-app-2024-03-25/*_usage_classification.csv`); `Mode::Corrected` departs from them
//! only where the methodology notes name a defect (S3 byte-hours, CloudFront traffic). FOCUS
//! rows without a provider usage type and OCI rows have greenops' own rules ([`focus`],
//! [`oci`]).

pub mod aws;
pub mod azure;
pub mod focus;
pub mod gcp;
mod lists;
pub mod oci;

pub use aws::{AwsRow, classify_aws};
pub use azure::{AzureRow, classify_azure};
pub use focus::{FocusRow, classify_focus};
pub use gcp::{GcpRow, classify_gcp};
pub use oci::{OciRow, classify_oci};
