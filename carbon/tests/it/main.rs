//! Hand-worked examples for every estimator, per provider, in both modes (one test binary).

mod aws;
mod azure;
mod common;
mod gcp;
mod modes;
mod unknown;
