//! The fleet's view from Redis, for `health serve`'s `/metrics`: every agent's state, last
//! event, turns, tokens, cost and stream length, read from the `agents` set and the meta
//! hashes (never `KEYS`), rendered with the stream metric names of docs/architecture.md section 2.

use super::redis::{RedisSink, RedisSinkError};
use super::summary::AgentState;
use crate::metrics::{Kind, Registry};

/// Adds the fleet's stream metrics to `registry`, as of `now`.
pub async fn fleet_metrics(
    sink: &mut RedisSink,
    registry: &mut Registry,
    now: jiff::Timestamp,
) -> Result<(), RedisSinkError> {
    let families = FAMILIES
        .iter()
        .chain(super::metrics::RATE_LIMIT_FAMILIES)
        .chain(super::metrics::ACTIVITY_FAMILIES);
    for (name, kind, help) in families {
        registry.describe(name, *kind, help);
    }
    let agents = sink.agents().await?;
    let mut running = 0u64;
    let mut stuck = 0u64;
    for s in &agents {
        let a = ("agent_id", s.agent_id.as_str());
        if s.state.is_live() {
            running += 1;
        }
        if s.state == AgentState::Stuck {
            stuck += 1;
        }
        super::metrics::activity_figures(registry, &s.agent_id, s);
        if let Ok(ts) = s.last_event_at.parse::<jiff::Timestamp>() {
            let secs = ts.as_millisecond() as f64 / 1000.0;
            registry.set("stream_last_event_timestamp_seconds", &[a], secs);
            let age = (now.as_millisecond() - ts.as_millisecond()).max(0) as f64 / 1000.0;
            registry.set("stream_seconds_since_last_event", &[a], age);
        }
        registry.set("stream_turn_count", &[a], s.turns as f64);
        super::metrics::model_figures(registry, &s.agent_id, s);
        super::metrics::rate_limit_figures(registry, &s.agent_id, s);
        registry.set("stream_tool_calls", &[a], s.tool_calls as f64);
        let len = sink.stream_len(&s.agent_id).await?;
        registry.set("stream_length", &[a], len as f64);
        registry.set("stream_spool_pending_events", &[a], s.spool_pending as f64);
    }
    registry.set("stream_active_monitors", &[], running as f64);
    registry.set("stream_active_stuck_agents", &[], stuck as f64);
    registry.set("stream_agents_known", &[], agents.len() as f64);
    Ok(())
}

const FAMILIES: &[(&str, Kind, &str)] = &[
    (
        "stream_active_monitors",
        Kind::Gauge,
        "Agents running (or stuck) according to Redis.",
    ),
    (
        "stream_active_stuck_agents",
        Kind::Gauge,
        "Agents currently stuck according to Redis.",
    ),
    (
        "stream_agents_known",
        Kind::Gauge,
        "Agents in the `agents` set.",
    ),
    (
        "stream_last_event_timestamp_seconds",
        Kind::Gauge,
        "Unix time of each agent's last event.",
    ),
    (
        "stream_seconds_since_last_event",
        Kind::Gauge,
        "Seconds since each agent's last event.",
    ),
    ("stream_turn_count", Kind::Gauge, "API turns of each agent."),
    (
        "stream_tokens_total",
        Kind::Counter,
        "Tokens used by each agent, by model and kind.",
    ),
    (
        "stream_cost_usd_total",
        Kind::Counter,
        "Cost in USD of each agent, by model (estimated while stream_cost_estimated is 1).",
    ),
    (
        "stream_cost_estimated",
        Kind::Gauge,
        "1 while an agent's cost is an estimate not yet made exact by a result line.",
    ),
    (
        "stream_tool_calls",
        Kind::Gauge,
        "Tool calls made by each agent's latest run.",
    ),
    (
        "stream_length",
        Kind::Gauge,
        "Entries in each agent's event stream.",
    ),
    (
        "stream_spool_pending_events",
        Kind::Gauge,
        "Events each agent's watcher held in its spool, not yet in Redis, at its last report.",
    ),
];
