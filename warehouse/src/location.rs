//! Where a warehouse lives: a local folder or an object-store URL, and the handles derived from it.
//!
//! The same URL yields both the `object_store` handle the warehouse uses for commits and listings and
//! the path + cloud options polars uses for scans and sinks, so the two can never disagree.

use crate::error::{Result, WarehouseError};
use object_store::ObjectStore;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::prefix::PrefixStore;
use polars::prelude::cloud::CloudOptions;
use std::collections::BTreeMap;
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

/// Settings of an `s3://` warehouse, keyed by the [`S3_ENV_KEYS`] names: by default the
/// process environment ([`StoreOptions::from_env`]); [`StoreOptions::with`] overrides single values,
/// for programs that cannot change their environment (setting variables in a multi-threaded
/// process is unsound, e.g. in tests). The object store and polars scans of a warehouse are
/// configured from the same options, so the two can never disagree.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct StoreOptions {
    values: BTreeMap<String, String>,
}

impl StoreOptions {
    /// The [`S3_ENV_KEYS`] variables of this process's environment.
    pub fn from_env() -> Self {
        let values = S3_ENV_KEYS
            .iter()
            .filter_map(|k| std::env::var(k).ok().map(|v| (k.to_string(), v)))
            .collect();
        Self { values }
    }

    /// Sets `key` (one of [`S3_ENV_KEYS`], e.g. `AWS_ENDPOINT_URL`) to `value`.
    ///
    /// # Panics
    /// For a key outside [`S3_ENV_KEYS`] (a programming error, not an input one).
    pub fn with(mut self, key: &str, value: impl Into<String>) -> Self {
        assert!(
            S3_ENV_KEYS.contains(&key),
            "unknown S3 option {key:?}: use one of {S3_ENV_KEYS:?}"
        );
        self.values.insert(key.to_string(), value.into());
        self
    }

    /// The value of `key`, if set.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(String::as_str)
    }

    /// The region: `AWS_REGION`, else `AWS_DEFAULT_REGION`, else `us-east-1`.
    fn region(&self) -> &str {
        self.get("AWS_REGION")
            .or_else(|| self.get("AWS_DEFAULT_REGION"))
            .unwrap_or("us-east-1")
    }

    fn allow_http(&self) -> bool {
        self.get("AWS_ALLOW_HTTP")
            .is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "1" | "true" | "yes"))
    }
}

impl std::fmt::Debug for StoreOptions {
    /// Names every option but prints only the non-secret values.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut map = f.debug_map();
        for (k, v) in &self.values {
            let secret = matches!(
                k.as_str(),
                "AWS_SECRET_ACCESS_KEY" | "AWS_SESSION_TOKEN" | "AWS_ACCESS_KEY_ID"
            );
            map.entry(k, &if secret { "***" } else { v.as_str() });
        }
        map.finish()
    }
}

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

    /// The URI polars should use for `path` (relative to the warehouse root; an object path or
    /// a glob such as `cost/**/*.parquet`).
    pub fn polars_uri(&self, path: &str) -> String {
        match self {
            Location::Local(root) => std::path::absolute(root.join(path))
                .unwrap_or_else(|_| root.join(path))
                .display()
                .to_string(),
            Location::S3 { .. } => format!("{}/{path}", self.display()),
        }
    }

    /// Opens the object store rooted at this location (creating a local folder if needed). For
    /// `s3://` roots the client starts from the environment (`AmazonS3Builder::from_env`, which
    /// also finds web-identity and container credentials) and `options` override it.
    ///
    /// # Errors
    /// Local folder creation failures, or an S3 configuration the client refuses.
    pub fn open_store(&self, options: &StoreOptions) -> Result<Arc<dyn ObjectStore>> {
        match self {
            Location::Local(root) => {
                std::fs::create_dir_all(root).map_err(|e| WarehouseError::io(root.display(), e))?;
                let root = root
                    .canonicalize()
                    .map_err(|e| WarehouseError::io(root.display(), e))?;
                Ok(Arc::new(LocalFileSystem::new_with_prefix(root)?))
            }
            Location::S3 { bucket, prefix } => {
                let mut builder = AmazonS3Builder::from_env()
                    .with_bucket_name(bucket)
                    .with_region(options.region());
                if let Some(v) = options.get("AWS_ACCESS_KEY_ID") {
                    builder = builder.with_access_key_id(v);
                }
                if let Some(v) = options.get("AWS_SECRET_ACCESS_KEY") {
                    builder = builder.with_secret_access_key(v);
                }
                if let Some(v) = options.get("AWS_SESSION_TOKEN") {
                    builder = builder.with_token(v);
                }
                if let Some(endpoint) = options.get("AWS_ENDPOINT_URL") {
                    builder = builder.with_endpoint(endpoint);
                }
                if options.allow_http() {
                    builder = builder.with_allow_http(true);
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

    /// Cloud options for polars scans of this location (`None` for local folders), from the same
    /// `options` as [`Location::open_store`].
    pub fn polars_cloud_options(&self, options: &StoreOptions) -> Option<CloudOptions> {
        match self {
            Location::Local(_) => None,
            Location::S3 { .. } => {
                use object_store::aws::AmazonS3ConfigKey as Key;
                let mut config: Vec<(Key, String)> =
                    vec![(Key::Region, options.region().to_string())];
                for (key, name) in [
                    (Key::AccessKeyId, "AWS_ACCESS_KEY_ID"),
                    (Key::SecretAccessKey, "AWS_SECRET_ACCESS_KEY"),
                    (Key::Token, "AWS_SESSION_TOKEN"),
                    (Key::Endpoint, "AWS_ENDPOINT_URL"),
                ] {
                    if let Some(v) = options.get(name) {
                        config.push((key, v.to_string()));
                    }
                }
                if options.allow_http() {
                    config.push((
                        Key::Client(object_store::ClientConfigKey::AllowHttp),
                        "true".into(),
                    ));
                }
                Some(CloudOptions::default().with_aws(config))
            }
        }
    }
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

    #[test]
    fn store_options_override_configure_polars_and_hide_secrets() {
        let options = StoreOptions::default()
            .with("AWS_ENDPOINT_URL", "http://127.0.0.1:9000")
            .with("AWS_ACCESS_KEY_ID", "key-id")
            .with("AWS_SECRET_ACCESS_KEY", "very-secret")
            .with("AWS_ALLOW_HTTP", "TRUE");
        assert_eq!(options.region(), "us-east-1");
        assert!(options.allow_http());
        assert_eq!(
            options
                .clone()
                .with("AWS_DEFAULT_REGION", "eu-west-1")
                .region(),
            "eu-west-1"
        );
        let shown = format!("{options:?}");
        assert!(shown.contains("http://127.0.0.1:9000"), "{shown}");
        assert!(
            !shown.contains("very-secret") && !shown.contains("key-id"),
            "{shown}"
        );
        let s3 = Location::parse("s3://bucket/prefix").unwrap();
        assert!(s3.polars_cloud_options(&options).is_some());
        assert!(s3.open_store(&options).is_ok());
        assert!(
            Location::Local("x".into())
                .polars_cloud_options(&options)
                .is_none()
        );
    }

    #[test]
    #[should_panic(expected = "unknown S3 option")]
    fn store_options_refuse_unknown_keys() {
        let _options = StoreOptions::default().with("AWS_PASSWORD", "x");
    }
}
