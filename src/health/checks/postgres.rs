//! PostgreSQL checks: the transport of `postgres` (`SELECT 1`, judged in `ping.rs`), SQL
//! counts (queue depth, stale-session backlog) and `schema` (a table and column exist).
//!
//! Client: tokio-postgres rather than sqlx. sqlx is the usual choice, but a health check needs
//! one simple query on a fresh connection, not a pool, migrations or compile-time-checked
//! queries; tokio-postgres is the protocol layer that does exactly that, builds in a
//! fraction of sqlx's time on our 2-core machines, and lets the connection be driven inside
//! the check's own future, so the runner's timeout cancels connect, query and socket
//! together (a SIGSTOPped server leaves no task behind). Every run opens a new connection:
//! that is the thing being checked, and at one run per interval it costs nothing.

use std::future::Future;

use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, NoTls, SimpleQueryMessage};

use super::{Check, Run};
use crate::health::Finding;
use crate::health::spec::Thresholds;

pub(super) const NOT_CONFIGURED: &str =
    "no PostgreSQL configured (set DATABASE_URL or `postgres` in the context)";

/// Why a PostgreSQL run failed.
#[derive(Debug, thiserror::Error)]
enum PgError {
    #[error("{0}")]
    Postgres(String),
    #[error("the server closed the connection")]
    Closed,
}

impl PgError {
    fn from(e: &tokio_postgres::Error) -> (Option<SqlState>, PgError) {
        if let Some(db) = e.as_db_error() {
            return (
                Some(db.code().clone()),
                PgError::Postgres(format!("{}: {}", db.severity(), db.message())),
            );
        }
        let mut text = e.to_string();
        let mut source = std::error::Error::source(e);
        while let Some(cause) = source {
            text.push_str(": ");
            text.push_str(&cause.to_string());
            source = cause.source();
        }
        (e.code().cloned(), PgError::Postgres(text))
    }
}

/// Connects and runs `work` with the client while driving the connection in the same
/// future, so dropping the future closes everything.
async fn with_client<T, W, F>(url: &url::Url, work: W) -> Result<T, (Option<SqlState>, PgError)>
where
    W: FnOnce(Client) -> F,
    F: Future<Output = Result<T, tokio_postgres::Error>>,
{
    let config: tokio_postgres::Config = url
        .as_str()
        .parse()
        .map_err(|e: tokio_postgres::Error| PgError::from(&e))?;
    let (client, connection) = config.connect(NoTls).await.map_err(|e| PgError::from(&e))?;
    let work = work(client);
    tokio::pin!(work);
    tokio::pin!(connection);
    tokio::select! {
        biased;
        result = &mut work => result.map_err(|e| PgError::from(&e)),
        closed = &mut connection => Err(match closed {
            Ok(()) => (None, PgError::Closed),
            Err(e) => PgError::from(&e),
        }),
    }
}

fn is_missing_object(code: Option<&SqlState>) -> bool {
    matches!(code, Some(c) if *c == SqlState::UNDEFINED_TABLE || *c == SqlState::UNDEFINED_COLUMN)
}

/// `SELECT 1` on a fresh connection, for [`super::ping::Ping`].
pub(super) async fn select_one(url: &url::Url) -> Result<(), String> {
    with_client(url, |client| async move {
        client.simple_query("SELECT 1").await
    })
    .await
    .map(drop)
    .map_err(|(_, e)| e.to_string())
}

/// A query returning one number (queue depth, backlog).
#[derive(Debug)]
pub struct Count {
    /// The database; degraded when unset.
    pub url: Option<url::Url>,
    /// The query.
    pub query: String,
    /// The thresholds.
    pub thresholds: Thresholds,
}

fn first_number(messages: &[SimpleQueryMessage]) -> Option<f64> {
    messages.iter().find_map(|m| match m {
        SimpleQueryMessage::Row(row) => row.get(0).and_then(|v| v.trim().parse::<f64>().ok()),
        _ => None,
    })
}

impl Check for Count {
    fn run(&self) -> Run<'_> {
        Box::pin(async move {
            let Some(url) = &self.url else {
                return Finding::degraded(NOT_CONFIGURED);
            };
            let query = self.query.clone();
            let result = with_client(
                url,
                |client| async move { client.simple_query(&query).await },
            )
            .await;
            match result {
                Ok(messages) => match first_number(&messages) {
                    Some(n) => Finding::new(
                        self.thresholds.classify(n),
                        format!("{n} (degraded above {})", self.thresholds.degraded),
                    )
                    .detail("count", n)
                    .observe("count", n, "items"),
                    None => Finding::unhealthy("the query returned no number"),
                },
                // A fresh database has no tables yet: degrade with the reason, never fail.
                Err((code, e)) if is_missing_object(code.as_ref()) => {
                    Finding::degraded(format!("not measurable yet: {e}"))
                }
                Err((_, e)) => Finding::unhealthy(format!("PostgreSQL at {url}: {e}")),
            }
        })
    }
}

/// A table, and optionally a column of it, exist.
#[derive(Debug)]
pub struct Schema {
    /// The database; degraded when unset.
    pub url: Option<url::Url>,
    /// The table (`name` or `schema.name`).
    pub table: String,
    /// The column.
    pub column: Option<String>,
}

const SCHEMA_QUERY: &str = "SELECT \
    EXISTS (SELECT 1 FROM information_schema.tables \
            WHERE table_name = $1 AND ($2 = '' OR table_schema = $2) \
              AND ($2 <> '' OR table_schema = ANY (current_schemas(false)))), \
    EXISTS (SELECT 1 FROM information_schema.columns \
            WHERE table_name = $1 AND column_name = $3 AND ($2 = '' OR table_schema = $2) \
              AND ($2 <> '' OR table_schema = ANY (current_schemas(false))))";

impl Check for Schema {
    fn run(&self) -> Run<'_> {
        Box::pin(async move {
            let Some(url) = &self.url else {
                return Finding::degraded(NOT_CONFIGURED);
            };
            let (schema, table) = match self.table.split_once('.') {
                Some((s, t)) => (s.to_owned(), t.to_owned()),
                None => (String::new(), self.table.clone()),
            };
            let column = self.column.clone().unwrap_or_default();
            let result = with_client(url, |client| async move {
                let row = client
                    .query_one(SCHEMA_QUERY, &[&table, &schema, &column])
                    .await?;
                Ok((row.try_get::<_, bool>(0)?, row.try_get::<_, bool>(1)?))
            })
            .await;
            match result {
                // A fresh database has no tables yet: like a missing column, a missing table
                // degrades with the reason, so readiness does not fail before migrations ran.
                Ok((false, _)) => {
                    Finding::degraded(format!("table {} does not exist yet", self.table))
                }
                Ok((true, false)) if self.column.is_some() => Finding::degraded(format!(
                    "column {}.{} does not exist yet",
                    self.table,
                    self.column.as_deref().unwrap_or_default()
                )),
                Ok(_) => Finding::healthy(match &self.column {
                    Some(c) => format!("{}.{c} exists", self.table),
                    None => format!("{} exists", self.table),
                }),
                Err((_, e)) => Finding::unhealthy(format!("PostgreSQL at {url}: {e}")),
            }
        })
    }
}
