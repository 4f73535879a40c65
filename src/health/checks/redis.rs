//! Redis checks: `redis` (`PING`) and the queue depth of a stream (`XLEN`) or list
//! (`LLEN`). The key's type is asked first, so one setting serves both shapes of queue.

use std::time::{Duration, Instant};

use redis::AsyncConnectionConfig;
use redis::aio::MultiplexedConnection;

use super::{Check, Run, millis};
use crate::health::Finding;
use crate::health::spec::Thresholds;

const NOT_CONFIGURED: &str = "no Redis configured (set REDIS_URL or `redis` in the context)";

/// Opens a connection whose own timeouts end just after the check's: the runner's timeout
/// reports first (one message, `timed out after T`, for every kind), and the client's
/// background driver still gives up on a hung server soon after instead of waiting forever.
async fn connect(url: &url::Url, timeout: Duration) -> Result<MultiplexedConnection, String> {
    let timeout = timeout + Duration::from_millis(500);
    let client = redis::Client::open(url.as_str()).map_err(|e| e.to_string())?;
    let config = AsyncConnectionConfig::new()
        .set_connection_timeout(Some(timeout))
        .set_response_timeout(Some(timeout));
    client
        .get_multiplexed_async_connection_with_config(&config)
        .await
        .map_err(|e| e.to_string())
}

/// `PING`.
#[derive(Debug)]
pub struct Ping {
    /// The server; degraded when unset.
    pub url: Option<url::Url>,
    /// The check's timeout.
    pub timeout: Duration,
}

impl Check for Ping {
    fn run(&self) -> Run<'_> {
        Box::pin(async move {
            let Some(url) = &self.url else {
                return Finding::degraded(NOT_CONFIGURED);
            };
            let started = Instant::now();
            let result = async {
                let mut con = connect(url, self.timeout).await?;
                redis::cmd("PING")
                    .query_async::<String>(&mut con)
                    .await
                    .map_err(|e| e.to_string())
            }
            .await;
            let ms = millis(started.elapsed());
            match result {
                Ok(_) => Finding::healthy(format!("PING answered in {ms} ms"))
                    .detail("latency_ms", ms)
                    .observe("responseTime", ms, "ms"),
                Err(e) => Finding::unhealthy(format!("Redis at {url}: {e}")),
            }
        })
    }
}

/// Length of a stream or list.
#[derive(Debug)]
pub struct QueueDepth {
    /// The server; degraded when unset.
    pub url: Option<url::Url>,
    /// The key.
    pub key: String,
    /// The thresholds.
    pub thresholds: Thresholds,
    /// The check's timeout.
    pub timeout: Duration,
}

impl Check for QueueDepth {
    fn run(&self) -> Run<'_> {
        Box::pin(async move {
            let Some(url) = &self.url else {
                return Finding::degraded(NOT_CONFIGURED);
            };
            let result = async {
                let mut con = connect(url, self.timeout).await?;
                let kind: String = redis::cmd("TYPE")
                    .arg(&self.key)
                    .query_async(&mut con)
                    .await
                    .map_err(|e| e.to_string())?;
                let command = match kind.as_str() {
                    "stream" => "XLEN",
                    "list" => "LLEN",
                    // Redis deletes a list when its last item goes: no key is an empty queue.
                    "none" => return Ok((kind, 0)),
                    other => {
                        return Err(format!(
                            "key {} is a {other}, not a stream or list",
                            self.key
                        ));
                    }
                };
                let len: u64 = redis::cmd(command)
                    .arg(&self.key)
                    .query_async(&mut con)
                    .await
                    .map_err(|e| e.to_string())?;
                Ok((kind, len))
            }
            .await;
            match result {
                Ok((kind, len)) => Finding::new(
                    self.thresholds.classify(len as f64),
                    format!(
                        "{} holds {len} item{} (degraded above {})",
                        self.key,
                        if len == 1 { "" } else { "s" },
                        self.thresholds.degraded
                    ),
                )
                .detail("key", self.key.clone())
                .detail("type", kind)
                .detail("depth", len)
                .observe("depth", len, "items"),
                Err(e) => Finding::unhealthy(format!("Redis at {url}: {e}")),
            }
        })
    }
}
