//! End-to-end tests of the `greenops` binary against the bundled sample exports, DuckDB and a
//! local S3-compatible server, and the orchestration runtime on SQLite and PostgreSQL. Run them with `scripts/test.sh` (it prepares Python and moto).

mod azure;
mod bad_input;
mod carbon;
mod commit_protocol;
mod export;
mod formats;
mod gcp;
mod ingest_samples;
mod models;
mod oci;
mod orchestration;
mod s3;
mod support;
