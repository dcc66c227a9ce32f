//! End-to-end tests of the `greenops` binary against the bundled sample exports, DuckDB and a
//! local S3-compatible server. Run them with `scripts/test.sh` (it prepares Python and moto).

mod bad_input;
mod commit_protocol;
mod formats;
mod ingest_samples;
mod s3;
mod support;
