//! `postgres` and `redis`: one round trip (`SELECT 1`, `PING`), timed and judged the same way
//! for both servers; only the transport differs, and it lives in each server's file.

use std::time::{Duration, Instant};

use super::{Check, Run, millis, postgres, redis};
use crate::health::{Finding, Status};

/// The server a [`Ping`] asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Server {
    /// `SELECT 1`.
    Postgres,
    /// `PING`.
    Redis,
}

impl Server {
    fn name(self) -> &'static str {
        match self {
            Server::Postgres => "PostgreSQL",
            Server::Redis => "Redis",
        }
    }

    fn request(self) -> &'static str {
        match self {
            Server::Postgres => "SELECT 1",
            Server::Redis => "PING",
        }
    }

    fn not_configured(self) -> &'static str {
        match self {
            Server::Postgres => postgres::NOT_CONFIGURED,
            Server::Redis => redis::NOT_CONFIGURED,
        }
    }
}

/// One round trip: unhealthy when it fails; degraded when no server is configured (an
/// optional service left out is not an outage) or when slower than `degraded_latency`.
#[derive(Debug)]
pub struct Ping {
    /// Which server.
    pub server: Server,
    /// Where it is.
    pub url: Option<url::Url>,
    /// Slower is degraded; `None`: speed is not judged.
    pub degraded_latency: Option<Duration>,
    /// The check's timeout, which the client's own timeouts follow.
    pub timeout: Duration,
}

impl Check for Ping {
    fn run(&self) -> Run<'_> {
        Box::pin(async move {
            let Some(url) = &self.url else {
                return Finding::degraded(self.server.not_configured());
            };
            let started = Instant::now();
            let result = match self.server {
                Server::Postgres => postgres::select_one(url).await,
                Server::Redis => redis::ping(url, self.timeout).await,
            };
            let elapsed = started.elapsed();
            let ms = millis(elapsed);
            match result {
                Ok(()) => {
                    let status = if self.degraded_latency.is_some_and(|d| elapsed > d) {
                        Status::Degraded
                    } else {
                        Status::Healthy
                    };
                    Finding::new(
                        status,
                        format!("{} answered in {ms} ms", self.server.request()),
                    )
                    .detail("latency_ms", ms)
                    .observe("responseTime", ms, "ms")
                }
                Err(e) => Finding::unhealthy(format!("{} at {url}: {e}", self.server.name())),
            }
        })
    }
}
