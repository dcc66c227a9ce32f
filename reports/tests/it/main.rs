//! Rendering tests: golden files for each report, determinism, template errors.

mod golden;
mod samples;
mod templates;
