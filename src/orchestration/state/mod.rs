//! The state database: run ledger, backfills, schedule ticks and the audit log, on SQLite (the
//! embedded default) or PostgreSQL, through one sqlx `Any` pool and one set of portable SQL.

pub mod audit;
pub mod backfills;
pub mod lifecycle;
pub mod runs;
pub mod ticks;

use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};
use std::time::Duration;

/// Errors of the state database.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StateError {
    /// The URL is not `sqlite:` or `postgres:`.
    #[error("state database {url}: {reason}")]
    BadUrl {
        /// URL with any password hidden.
        url: String,
        /// Why.
        reason: String,
    },
    /// Connecting, migrating or querying failed.
    #[error("state database {url}: {source}")]
    Sql {
        /// URL with any password hidden.
        url: String,
        /// Cause.
        source: sqlx::Error,
    },
    /// Something the command asked for does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The request is not allowed (e.g. approving one's own run).
    #[error("{0}")]
    Refused(String),
}

/// Which database is behind the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite file.
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

/// Embedded migrations (portable SQL in `migrations/`), tracked in their own table so they never
/// mix with the queue's (apalis keeps `_sqlx_migrations` in the same SQLite file).
fn migrator() -> sqlx::migrate::Migrator {
    let mut migrator = sqlx::migrate!("./migrations");
    migrator.dangerous_set_table_name("greenops_migrations");
    migrator
}

/// A connection pool to the state database.
#[derive(Debug, Clone)]
pub struct StateDb {
    pool: AnyPool,
    backend: Backend,
    url: String,
    redacted: String,
}

impl StateDb {
    /// Connects (creating a SQLite file and its folder if needed) and applies migrations.
    ///
    /// # Errors
    /// Bad URL, unreachable server, failed migration.
    pub async fn open(url: &str) -> Result<Self, StateError> {
        let redacted = crate::commands::redact(url);
        let (backend, url) = normalise(url).map_err(|reason| StateError::BadUrl {
            url: redacted.clone(),
            reason,
        })?;
        install_default_drivers();
        let sql_err = |source| StateError::Sql {
            url: redacted.clone(),
            source,
        };
        let pool = AnyPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(60))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // workers in several processes share the file: wait for locks, don't fail
                        conn.execute("PRAGMA busy_timeout = 60000").await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await
            .map_err(sql_err)?;
        if backend == Backend::Sqlite {
            with_setup_retries(|| pool.execute("PRAGMA journal_mode = WAL"))
                .await
                .map_err(sql_err)?;
        }
        let migrated = with_setup_retries(|| async { migrator().run(&pool).await }).await;
        migrated.map_err(|e| sql_err(e.into()))?;
        Ok(StateDb {
            pool,
            backend,
            url,
            redacted,
        })
    }

    /// Opens the database only if it already exists (a SQLite file that is missing means "no
    /// history"); used by dry runs, which must not create anything.
    ///
    /// # Errors
    /// As [`Self::open`].
    pub async fn open_existing(url: &str) -> Result<Option<Self>, StateError> {
        if let Some(path) = sqlite_path(url)
            && !std::path::Path::new(&path).exists()
        {
            return Ok(None);
        }
        Self::open(url).await.map(Some)
    }

    /// The pool.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// SQLite or PostgreSQL.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The URL as given (may hold a password: never print it; use [`Self::redacted_url`]).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Runs a query and maps every row (errors carry the redacted URL).
    pub(crate) async fn fetch_mapped<T>(
        &self,
        query: sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments>,
        map: fn(&sqlx::any::AnyRow) -> Result<T, sqlx::Error>,
    ) -> Result<Vec<T>, StateError> {
        let rows = query
            .fetch_all(self.pool())
            .await
            .map_err(|e| self.err(e))?;
        rows.iter()
            .map(|r| map(r).map_err(|e| self.err(e)))
            .collect()
    }

    /// The row of `table` whose `id` is `id`, or the one row whose id starts with `id` (8 or
    /// more characters); `what` names the thing in errors ("run", "backfill").
    pub(crate) async fn by_id_or_prefix<T>(
        &self,
        table: &str,
        columns: &str,
        what: &str,
        id: &str,
        map: fn(&sqlx::any::AnyRow) -> Result<T, sqlx::Error>,
    ) -> Result<T, StateError> {
        let query = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {columns} FROM {table} WHERE id = $1 OR (LENGTH($2) >= 9 AND id LIKE $2) LIMIT 2"
        )))
        .bind(id)
        .bind(format!("{id}%"));
        let mut found = self.fetch_mapped(query, map).await?;
        match found.len() {
            1 => Ok(found.remove(0)),
            0 => Err(StateError::NotFound(format!("no {what} with id {id}"))),
            _ => Err(StateError::NotFound(format!(
                "{what} id prefix {id} is ambiguous"
            ))),
        }
    }

    /// Wraps a sqlx error with the (redacted) URL.
    pub fn err(&self, source: sqlx::Error) -> StateError {
        StateError::Sql {
            url: self.redacted.clone(),
            source,
        }
    }
}

/// Runs a schema setup step, retrying when it loses a race: SQLite has no migration lock, so two
/// processes opening a new state file at once can both try to create the tables (the loser's
/// transaction rolls back and its retry finds the migration applied), and a process opening the
/// file while another writes can be refused a write lock outright.
pub async fn with_setup_retries<T, E: std::fmt::Display, F: Future<Output = Result<T, E>>>(
    mut setup: impl FnMut() -> F,
) -> Result<T, E> {
    let mut attempt = 0;
    loop {
        match setup().await {
            Ok(v) => return Ok(v),
            // a busy writer (a scheduler ticking, a worker finishing) can make SQLite refuse a
            // read-to-write upgrade at once, without waiting on busy_timeout: keep trying for
            // about ten seconds
            Err(e) if attempt < 24 => {
                tracing::debug!(error = %e, attempt, "Schema setup raced another process; retrying.");
                attempt += 1;
                tokio::time::sleep(Duration::from_millis((100 * attempt).min(500))).await;
            }
            Err(e) => return Err(e),
        }
    }
}

/// Checks the URL and makes SQLite create its file.
fn normalise(url: &str) -> Result<(Backend, String), String> {
    match backend_of(url) {
        Some(Backend::Postgres) => Ok((Backend::Postgres, url.to_string())),
        Some(Backend::Sqlite) => {
            let path = sqlite_path(url).unwrap_or_default();
            if let Some(parent) = std::path::Path::new(&path).parent()
                && !parent.as_os_str().is_empty()
            {
                std::fs::create_dir_all(parent)
                    .map_err(|e| format!("{}: {e}", parent.display()))?;
            }
            let sep = if url.contains('?') { '&' } else { '?' };
            let url = if url.contains("mode=") {
                url.to_string()
            } else {
                format!("{url}{sep}mode=rwc")
            };
            Ok((Backend::Sqlite, url))
        }
        None => Err("use sqlite://PATH or postgres://USER@HOST/DB".into()),
    }
}

/// The database a state URL names: `sqlite:…` or `postgres(ql)://…`; `None` for anything else.
pub fn backend_of(url: &str) -> Option<Backend> {
    if url.starts_with("sqlite:") {
        Some(Backend::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Some(Backend::Postgres)
    } else {
        None
    }
}

/// The file path of a `sqlite:` URL.
pub fn sqlite_path(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    Some(rest.split('?').next().unwrap_or(rest).to_string())
}

/// Timestamps are stored as fixed-width RFC 3339 UTC text, which sorts chronologically.
pub fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Parses a stored timestamp.
pub fn parse_ts(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Is this a unique-constraint violation (an insert that lost a race)?
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .is_some_and(|d| d.kind() == sqlx::error::ErrorKind::UniqueViolation)
}
