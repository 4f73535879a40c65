//! Why a Redis operation failed, classified for the caller: what belongs in the spool for
//! a later try (unreachable, timeout) and what a retry will not fix (credentials, TLS, a
//! refused command, a gap). Every message carries the URL with its password masked.

use std::time::Duration;

use redis::{ErrorKind, RedisError, ServerErrorKind};

use super::Ctx;
use crate::redact::redact;

/// The redacted text of an underlying error, kept as the error's source so the cause
/// chain prints without ever showing a password.
#[derive(Debug)]
pub struct Cause(String);

impl std::fmt::Display for Cause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Cause {}

impl Cause {
    pub(super) fn of(err: &RedisError) -> Cause {
        Cause(redact(&err.to_string()).into_owned())
    }
}

/// Why a Redis operation failed. The URL in every message is redacted.
#[derive(Debug, thiserror::Error)]
pub enum RedisSinkError {
    /// Connection refused, dropped, or the server cannot serve now (loading, cluster
    /// down, busy script): the caller should keep the records in the spool.
    #[error("cannot reach redis at {url} ({op})")]
    Unreachable {
        /// Redacted URL.
        url: String,
        /// What was being done.
        op: &'static str,
        /// The client's error.
        source: Cause,
    },
    /// Redis holds fewer entries of the run than the batch assumes (it lost data): the
    /// batch was not written; re-send the run from its start.
    #[error(
        "redis at {url} holds run {run_id} only up to seq {held}, so seq {first} would leave a gap"
    )]
    Gap {
        /// Redacted URL.
        url: String,
        /// The run.
        run_id: String,
        /// The highest seq of the run Redis holds.
        held: u64,
        /// The first seq of the refused batch.
        first: u64,
    },
    /// No answer within the configured timeout (e.g. a paused or overloaded server).
    #[error("redis at {url} did not answer {op} within {after}")]
    Timeout {
        /// Redacted URL.
        url: String,
        /// What was being done.
        op: &'static str,
        /// The configured timeout, Prometheus syntax.
        after: String,
    },
    /// The server refused the credentials.
    #[error("redis at {url} refused the credentials")]
    Auth {
        /// Redacted URL.
        url: String,
        /// The server's error.
        source: Cause,
    },
    /// The TLS handshake failed: an untrusted or mismatched certificate, or a server that
    /// does not speak TLS. A retry will not fix it.
    #[error("TLS handshake with redis at {url} failed")]
    Tls {
        /// Redacted URL.
        url: String,
        /// The TLS library's error.
        source: Cause,
    },
    /// The server rejected a command (wrong key type, out of memory, no permission...).
    #[error("redis at {url} rejected {op}")]
    Command {
        /// Redacted URL.
        url: String,
        /// What was being done.
        op: &'static str,
        /// The server's error.
        source: Cause,
    },
    /// The server answered something this client does not understand.
    #[error("unexpected reply from redis at {url} to {op}: {detail}")]
    Reply {
        /// Redacted URL.
        url: String,
        /// What was being done.
        op: &'static str,
        /// What was wrong with it.
        detail: String,
    },
    /// The URL or TLS settings cannot be used.
    #[error("cannot use redis URL {url}: {detail}")]
    Config {
        /// Redacted URL.
        url: String,
        /// What is wrong.
        detail: String,
    },
    /// The caller handed in a batch that breaks the contract of [`RedisSink::deliver`](super::RedisSink::deliver).
    #[error("cannot deliver to redis at {url}: {detail}")]
    Batch {
        /// Redacted URL.
        url: String,
        /// What is wrong.
        detail: String,
    },
}

impl RedisSinkError {
    /// True when Redis is unreachable, busy or too slow: the records belong in the spool
    /// and a later delivery may succeed. False for errors a retry will not fix.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            RedisSinkError::Unreachable { .. } | RedisSinkError::Timeout { .. }
        )
    }

    /// What the user can do about it, when ccmon knows.
    pub fn hint(&self) -> Option<String> {
        match self {
            RedisSinkError::Auth { .. } => Some(
                "check the password in the URL (redis://:PASSWORD@host) or the context's redis_password_file"
                    .to_owned(),
            ),
            RedisSinkError::Tls { .. } => Some(
                "trust the server's CA with the context's ca_file, and check that the server speaks TLS on that port"
                    .to_owned(),
            ),
            _ => None,
        }
    }
}

/// Maps a client error to what the caller must do about it.
pub(super) fn classify(
    url: &str,
    op: &'static str,
    e: &RedisError,
    timeout: Duration,
) -> RedisSinkError {
    let url = url.to_owned();
    let code = e.code().unwrap_or_default();
    if e.kind() == ErrorKind::AuthenticationFailed || matches!(code, "WRONGPASS" | "NOAUTH") {
        return RedisSinkError::Auth {
            url,
            source: Cause::of(e),
        };
    }
    // tokio-rustls reports handshake and certificate failures as InvalidData I/O errors;
    // they are not transient, so they must not send records to the spool for good.
    if io_kinds(e).any(|k| k == std::io::ErrorKind::InvalidData) {
        return RedisSinkError::Tls {
            url,
            source: Cause::of(e),
        };
    }
    if e.is_timeout() {
        return RedisSinkError::Timeout {
            url,
            op,
            after: crate::duration::format(timeout),
        };
    }
    let transient = matches!(
        e.kind(),
        ErrorKind::Io
            | ErrorKind::ClusterConnectionNotFound
            | ErrorKind::Server(
                ServerErrorKind::BusyLoading
                    | ServerErrorKind::TryAgain
                    | ServerErrorKind::ClusterDown
                    | ServerErrorKind::MasterDown
                    | ServerErrorKind::ReadOnly
            )
    ) || e.is_connection_dropped()
        || e.is_connection_refusal()
        || code == "BUSY";
    if transient {
        return RedisSinkError::Unreachable {
            url,
            op,
            source: Cause::of(e),
        };
    }
    if e.kind() == ErrorKind::InvalidClientConfig {
        return RedisSinkError::Config {
            url,
            detail: redact(&e.to_string()).into_owned(),
        };
    }
    RedisSinkError::Command {
        url,
        op,
        source: Cause::of(e),
    }
}

/// The kinds of the I/O errors in `e`'s cause chain. The client keeps its I/O error behind
/// an `Arc<dyn Error>`, whose own `source()` skips the wrapped error, so look inside it.
pub(super) fn io_kinds(e: &RedisError) -> impl Iterator<Item = std::io::ErrorKind> + '_ {
    pub(super) type Shared = std::sync::Arc<dyn std::error::Error + Send + Sync>;
    let mut next: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    std::iter::from_fn(move || {
        let cur = next?;
        next = cur.source();
        Some(cur)
    })
    .filter_map(|c| {
        c.downcast_ref::<std::io::Error>()
            .or_else(|| c.downcast_ref::<Shared>()?.downcast_ref::<std::io::Error>())
            .map(std::io::Error::kind)
    })
}

impl Ctx {
    /// An empty agent id would make `agent:{}:events` and `agent:{}:meta` hash to
    /// different cluster slots (an empty tag is no tag), breaking the single-slot pipeline.
    pub(super) fn check_agent_id(&self, agent_id: &str) -> Result<(), RedisSinkError> {
        if agent_id.is_empty() {
            return Err(RedisSinkError::Batch {
                url: self.url.clone(),
                detail: "the agent id is empty".into(),
            });
        }
        Ok(())
    }

    /// A client error of `op`, classified (see [`classify`]).
    pub(super) fn classify(&self, op: &'static str, e: &RedisError) -> RedisSinkError {
        classify(&self.url, op, e, self.cfg.timeout)
    }

    pub(super) fn timeout_err(&self, op: &'static str) -> RedisSinkError {
        RedisSinkError::Timeout {
            url: self.url.clone(),
            op,
            after: crate::duration::format(self.cfg.timeout),
        }
    }

    pub(super) fn reply_err(&self, op: &'static str, detail: String) -> RedisSinkError {
        RedisSinkError::Reply {
            url: self.url.clone(),
            op,
            detail,
        }
    }
}
