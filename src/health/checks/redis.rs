//! Redis checks: the transport of `redis` (`PING`, judged in `ping.rs`) and the queue depth
//! of a stream (`XLEN`) or list (`LLEN`). The key's type is asked first, so one setting serves
//! both shapes of queue.

use std::time::Duration;

use redis::AsyncConnectionConfig;
use redis::aio::MultiplexedConnection;

use super::{Check, Run};
use crate::health::Finding;
use crate::health::spec::Thresholds;

pub(super) const NOT_CONFIGURED: &str =
    "no Redis configured (set REDIS_URL or `redis` in the context)";

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

/// `PING` on a fresh connection, for [`super::ping::Ping`].
pub(super) async fn ping(url: &url::Url, timeout: Duration) -> Result<(), String> {
    let mut con = connect(url, timeout).await?;
    redis::cmd("PING")
        .query_async::<String>(&mut con)
        .await
        .map(drop)
        .map_err(|e| e.to_string())
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
