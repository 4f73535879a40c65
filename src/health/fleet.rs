//! The fleet's view on `/metrics`: what the stream watchers wrote to Redis (DESIGN.md
//! section 3's layout: the sorted set `agents` scored by last event time, the hash
//! `agent:{id}:meta` with the agent's `state` and `turns`, the stream `agent:{id}:events`),
//! read by a poller on its own interval and timeout and rendered to text that the server
//! appends to its own metrics. A slow or dead Redis leaves the last good text in place with
//! `stream_fleet_up 0`, and never delays a scrape.
//!
//! This is the Redis read side issue 5 asks for while the stream issue's reader (branch
//! `redis-sink`) has not landed: [`read`] is the function both can share. The watchers'
//! spool backlog is not in the layout yet, so it is not reported here.

use std::time::Duration;

use redis::AsyncConnectionConfig;
use tokio::sync::watch;

use crate::metrics::{Kind, Registry};

/// Most agents read per poll (the most recently active first), so a huge fleet costs a
/// bounded amount per scrape interval.
pub const MAX_AGENTS: isize = 1000;

/// One agent as the fleet view sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Agent {
    /// `agent_id`.
    pub id: String,
    /// `running`, `stuck`, `exited` (or whatever the watcher wrote).
    pub state: String,
    /// Last event time, Unix seconds.
    pub last_event: f64,
    /// Turns so far, if recorded.
    pub turns: Option<f64>,
    /// Entries in the agent's event stream.
    pub stream_length: u64,
}

/// Reading the fleet failed.
#[derive(Debug, thiserror::Error)]
#[error("cannot read the fleet from Redis at {url}: {message}")]
pub struct FleetError {
    url: String,
    message: String,
}

/// Reads up to [`MAX_AGENTS`] agents with their meta hash and stream length.
pub async fn read(url: &url::Url, timeout: Duration) -> Result<Vec<Agent>, FleetError> {
    let fail = |e: redis::RedisError| FleetError {
        url: crate::redact::redact(url.as_str()).into_owned(),
        message: e.to_string(),
    };
    let client = redis::Client::open(url.as_str()).map_err(fail)?;
    let config = AsyncConnectionConfig::new()
        .set_connection_timeout(Some(timeout))
        .set_response_timeout(Some(timeout));
    let mut con = client
        .get_multiplexed_async_connection_with_config(&config)
        .await
        .map_err(fail)?;
    let members: Vec<(String, f64)> = redis::cmd("ZREVRANGE")
        .arg("agents")
        .arg(0)
        .arg(MAX_AGENTS - 1)
        .arg("WITHSCORES")
        .query_async(&mut con)
        .await
        .map_err(fail)?;
    if members.is_empty() {
        return Ok(Vec::new());
    }
    // One round trip for every agent's state, turns and stream length.
    let mut pipe = redis::pipe();
    for (id, _) in &members {
        pipe.cmd("HMGET")
            .arg(format!("agent:{id}:meta"))
            .arg("state")
            .arg("turns");
        pipe.cmd("XLEN").arg(format!("agent:{id}:events"));
    }
    let replies: Vec<redis::Value> = pipe.query_async(&mut con).await.map_err(fail)?;
    let mut agents = Vec::with_capacity(members.len());
    for ((id, score), pair) in members.into_iter().zip(replies.chunks(2)) {
        let (meta, len) = match pair {
            [meta, len] => (meta, len),
            _ => break,
        };
        let fields: Vec<Option<String>> =
            redis::FromRedisValue::from_redis_value(meta.clone()).unwrap_or_default();
        let stream_length: u64 = redis::FromRedisValue::from_redis_value(len.clone()).unwrap_or(0);
        agents.push(Agent {
            id,
            state: fields.first().cloned().flatten().unwrap_or_default(),
            last_event: score,
            turns: fields
                .get(1)
                .cloned()
                .flatten()
                .and_then(|t| t.parse().ok()),
            stream_length,
        });
    }
    Ok(agents)
}

/// Renders the fleet metrics; `now` is Unix seconds.
pub fn render(agents: Option<&[Agent]>, now: f64) -> String {
    let mut r = Registry::default();
    r.describe(
        "stream_fleet_up",
        Kind::Gauge,
        "1 when the last read of the fleet from Redis worked.",
    );
    r.describe(
        "stream_active_monitors",
        Kind::Gauge,
        "Agents whose watcher reports them running or stuck.",
    );
    r.describe(
        "stream_active_stuck_agents",
        Kind::Gauge,
        "Agents whose watcher reports them stuck.",
    );
    r.describe(
        "stream_last_event_timestamp_seconds",
        Kind::Gauge,
        "Unix time of each agent's last event.",
    );
    r.describe(
        "stream_seconds_since_last_event",
        Kind::Gauge,
        "Seconds since each agent's last event.",
    );
    r.describe(
        "stream_turn_count",
        Kind::Gauge,
        "Turns of each agent so far.",
    );
    r.describe(
        "stream_length",
        Kind::Gauge,
        "Entries in each agent's event stream.",
    );
    let Some(agents) = agents else {
        r.set("stream_fleet_up", &[], 0.0);
        return r.render();
    };
    r.set("stream_fleet_up", &[], 1.0);
    let active = agents
        .iter()
        .filter(|a| a.state == "running" || a.state == "stuck")
        .count();
    let stuck = agents.iter().filter(|a| a.state == "stuck").count();
    r.set("stream_active_monitors", &[], active as f64);
    r.set("stream_active_stuck_agents", &[], stuck as f64);
    for a in agents {
        let label = [("agent_id", a.id.as_str())];
        r.set("stream_last_event_timestamp_seconds", &label, a.last_event);
        r.set(
            "stream_seconds_since_last_event",
            &label,
            (now - a.last_event).max(0.0).round(),
        );
        if let Some(t) = a.turns {
            r.set("stream_turn_count", &label, t);
        }
        r.set("stream_length", &label, a.stream_length as f64);
    }
    r.render()
}

/// Polls the fleet every `interval` (each read bounded by `timeout`) and publishes the text.
pub async fn poll(
    url: url::Url,
    interval: Duration,
    timeout: Duration,
    out: watch::Sender<String>,
) {
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let now = crate::clock::now().as_millisecond() as f64 / 1000.0;
        let text = match tokio::time::timeout(timeout, read(&url, timeout)).await {
            Ok(Ok(agents)) => render(Some(&agents), now),
            Ok(Err(e)) => {
                tracing::warn!("{e}");
                render(None, now)
            }
            Err(_) => {
                tracing::warn!("reading the fleet from Redis timed out");
                render(None, now)
            }
        };
        out.send_replace(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counts_and_per_agent_series() {
        let agents = [
            Agent {
                id: "a".into(),
                state: "running".into(),
                last_event: 100.0,
                turns: Some(3.0),
                stream_length: 7,
            },
            Agent {
                id: "b".into(),
                state: "stuck".into(),
                last_event: 40.0,
                turns: None,
                stream_length: 2,
            },
            Agent {
                id: "c".into(),
                state: "exited".into(),
                last_event: 10.0,
                turns: None,
                stream_length: 1,
            },
        ];
        let text = render(Some(&agents), 130.0);
        for needle in [
            "stream_fleet_up 1\n",
            "stream_active_monitors 2\n",
            "stream_active_stuck_agents 1\n",
            "stream_seconds_since_last_event{agent_id=\"a\"} 30\n",
            "stream_turn_count{agent_id=\"a\"} 3\n",
            "stream_length{agent_id=\"b\"} 2\n",
        ] {
            assert!(text.contains(needle), "{needle:?} not in\n{text}");
        }
        assert!(render(None, 0.0).contains("stream_fleet_up 0\n"));
    }
}
