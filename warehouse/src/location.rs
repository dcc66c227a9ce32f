//! Where a warehouse lives: a local folder or an object-store URL, and the handles derived from it.
//!
//! The same URL yields both the `object_store` handle the warehouse uses for commits and listings and
//! the path + cloud options polars uses for scans and sinks, so the two can never disagree.

use crate::error::{Result, WarehouseError};
use object_store::ObjectStore;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as StorePath;
use object_store::prefix::PrefixStore;
use polars::prelude::cloud::CloudOptions;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Environment variables read for `s3://` warehouses (the usual AWS names). Secrets are only ever
/// read from the environment, never from files in the repository or from the URL.
pub const S3_ENV_KEYS: &[&str] = &[
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ENDPOINT_URL",
    "AWS_ALLOW_HTTP",
];

/// A parsed warehouse root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// A folder on this machine (given as a path or a `file://` URL).
    Local(PathBuf),
    /// An S3 (or S3-compatible) bucket and key prefix.
    S3 {
        /// Bucket name.
        bucket: String,
        /// Key prefix inside the bucket, without leading or trailing `/` (may be empty).
        prefix: String,
    },
}

impl Location {
    /// Parses a warehouse URL: a plain path, `file:///abs/path`, or `s3://bucket[/prefix]`.
    ///
    /// # Errors
    /// [`WarehouseError::InvalidUrl`] for unsupported schemes or malformed URLs.
    pub fn parse(url: &str) -> Result<Self> {
        let invalid = |reason: &str| WarehouseError::InvalidUrl {
            url: url.to_string(),
            reason: reason.to_string(),
        };
        if let Some(rest) = url.strip_prefix("s3://") {
            let rest = rest.trim_end_matches('/');
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err(invalid("missing bucket name"));
            }
            if bucket.contains('@') || bucket.contains(':') {
                return Err(invalid(
                    "credentials do not belong in the URL; use AWS_* variables",
                ));
            }
            return Ok(Location::S3 {
                bucket: bucket.to_string(),
                prefix: prefix.to_string(),
            });
        }
        if url.starts_with("file://") {
            let parsed = url::Url::parse(url).map_err(|e| invalid(&e.to_string()))?;
            let path = parsed
                .to_file_path()
                .map_err(|_| invalid("not an absolute file path"))?;
            return Ok(Location::Local(path));
        }
        if let Some((scheme, _)) = url.split_once("://") {
            return Err(invalid(&format!(
                "unsupported scheme {scheme:?} (use a local path, file:// or s3://)"
            )));
        }
        if url.is_empty() {
            return Err(invalid("empty"));
        }
        Ok(Location::Local(PathBuf::from(url)))
    }

    /// The local folder, if this is a local warehouse.
    pub fn local_root(&self) -> Option<&Path> {
        match self {
            Location::Local(p) => Some(p),
            Location::S3 { .. } => None,
        }
    }

    /// A human-readable form for logs and summaries (never contains credentials).
    pub fn display(&self) -> String {
        match self {
            Location::Local(p) => p.display().to_string(),
            Location::S3 { bucket, prefix } if prefix.is_empty() => format!("s3://{bucket}"),
            Location::S3 { bucket, prefix } => format!("s3://{bucket}/{prefix}"),
        }
    }

    /// The URI polars should use for an object at `path` (relative to the warehouse root).
    pub fn polars_uri(&self, path: &StorePath) -> String {
        match self {
            Location::Local(root) => std::path::absolute(root.join(path.as_ref()))
                .unwrap_or_else(|_| root.join(path.as_ref()))
                .display()
                .to_string(),
            Location::S3 { .. } => format!("{}/{}", self.display(), path.as_ref()),
        }
    }

    /// Opens the object store rooted at this location (creating a local folder if needed).
    ///
    /// # Errors
    /// Local folder creation failures, or an S3 configuration the client refuses.
    pub fn open_store(&self) -> Result<Arc<dyn ObjectStore>> {
        match self {
            Location::Local(root) => {
                std::fs::create_dir_all(root).map_err(|e| WarehouseError::io(root.display(), e))?;
                let root = root
                    .canonicalize()
                    .map_err(|e| WarehouseError::io(root.display(), e))?;
                Ok(Arc::new(LocalFileSystem::new_with_prefix(root)?))
            }
            Location::S3 { bucket, prefix } => {
                let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket);
                if let Ok(endpoint) = std::env::var("AWS_ENDPOINT_URL") {
                    builder = builder.with_endpoint(endpoint);
                }
                if env_flag("AWS_ALLOW_HTTP") {
                    builder = builder.with_allow_http(true);
                }
                if std::env::var("AWS_REGION").is_err()
                    && std::env::var("AWS_DEFAULT_REGION").is_err()
                {
                    builder = builder.with_region("us-east-1");
                }
                let s3: Arc<dyn ObjectStore> = Arc::new(builder.build()?);
                if prefix.is_empty() {
                    Ok(s3)
                } else {
                    Ok(Arc::new(PrefixStore::new(s3, prefix.as_str())))
                }
            }
        }
    }

    /// Cloud options for polars scans of this location (`None` for local folders).
    pub fn polars_cloud_options(&self) -> Option<CloudOptions> {
        match self {
            Location::Local(_) => None,
            Location::S3 { .. } => {
                let mut config: Vec<(String, String)> = Vec::new();
                let mut push = |key: &str, env: &str| {
                    if let Ok(v) = std::env::var(env) {
                        config.push((key.to_string(), v));
                    }
                };
                push("aws_access_key_id", "AWS_ACCESS_KEY_ID");
                push("aws_secret_access_key", "AWS_SECRET_ACCESS_KEY");
                push("aws_session_token", "AWS_SESSION_TOKEN");
                push("aws_endpoint_url", "AWS_ENDPOINT_URL");
                push("aws_region", "AWS_DEFAULT_REGION");
                push("aws_region", "AWS_REGION");
                if !config.iter().any(|(k, _)| k == "aws_region") {
                    config.push(("aws_region".into(), "us-east-1".into()));
                }
                if env_flag("AWS_ALLOW_HTTP") {
                    config.push(("aws_allow_http".into(), "true".into()));
                }
                Some(
                    CloudOptions::default().with_aws(config.iter().filter_map(|(k, v)| {
                        k.parse::<object_store::aws::AmazonS3ConfigKey>()
                            .ok()
                            .map(|k| (k, v.clone()))
                    })),
                )
            }
        }
    }
}

fn env_flag(name: &str) -> bool {
    std::env::var(name)
        .is_ok_and(|v| matches!(v.to_ascii_lowercase().as_str(), "1" | "true" | "yes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_supported_forms() {
        assert_eq!(
            Location::parse("var/wh").unwrap(),
            Location::Local("var/wh".into())
        );
        assert_eq!(
            Location::parse("file:///tmp/wh").unwrap(),
            Location::Local("/tmp/wh".into())
        );
        assert_eq!(
            Location::parse("s3://bucket/a/b/").unwrap(),
            Location::S3 {
                bucket: "bucket".into(),
                prefix: "a/b".into()
            }
        );
        assert!(Location::parse("gs://x").is_err());
        assert!(Location::parse("s3://key:secret@bucket").is_err());
    }
}
