//! Pure carbon estimation for greenops: classified billing usage in, energy and emissions out.
//! No I/O at run time — the coefficient tables are compiled in.
//!
//! # The model (Cloud Carbon Footprint–compatible)
//!
//! ```text
//! energy kWh   = usage × coefficient × PUE (× replication factor)      per usage kind
//! location t   = energy kWh × grid factor of the region (t CO2e / kWh, location-based)
//! embodied t   = TE × (hours / 35040) × (vCPU / largest vCPU in family)  compute rows only
//! unknown rows = kWh per cost or usage unit of the known rows × the row's cost or usage
//! ```
//!
//! Compute uses `minW + 50 % × (maxW − minW)` per vCPU from the processor's microarchitecture,
//! memory 0.000392 kWh per GB-hour, storage 1.2 (SSD) / 0.65 (HDD) Wh per TB-hour, networking
//! 0.001 kWh per GB.
//!
//! # Two modes ([`usage::Mode`])
//!
//! * `Ccf` reproduces CCF's arithmetic as coded, defects included, so results reconcile with CCF
//!   users' numbers: embodied divided by the vCPU count twice (AWS, Azure), embodied counted as
//!   pseudo-energy in [`estimate::Estimate::ccf_reported_kwh`] and in unknown-row ratios, GCP
//!   dual/multi-region grid factors that are sums of their member regions.
//! * `Corrected` fixes those: SCI embodied formula, embodied kept out of energy, multi-region
//!   factors as the mean of the member regions; and in classification, S3/Glacier/EFS storage
//!   read in its GB-month pricing unit (CCF reads it as byte-hours), Azure block units
//!   (`10 Hours`, `100 GB/Month`) scaled by their block, CloudFront traffic estimated as unknown
//!   usage instead of dropped, and Azure standard-HDD disk tiers kept on HDD.
//!
//! Operational kWh, location-based t CO2e and embodied t CO2e are always kept apart.
//!
//! # Coefficient set
//!
//! [`tables::Coefficients::ccf_app`] is the set `ccf-app-2024-03-25`: the CCF application's
//! constants and tables at its commit of 2024-03-25 (Apache-2.0, © Thoughtworks;
//! `data/PROVENANCE.md`). Record [`tables::Coefficients::version`] with every result.

pub mod classify;
pub mod estimate;
pub mod tables;
pub mod usage;
