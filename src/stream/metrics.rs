//! The stream metrics of docs/architecture.md section 2 for one watched agent, updated from every
//! parsed line and rendered for `--metrics-listen`. MCP servers are seen through the
//! stream too: their status from `system/init`, their calls from `mcp__<server>__<tool>`
//! tool names.

use std::collections::VecDeque;
use std::time::Instant;

use super::parse::Parsed;
use super::summary::{AgentState, Summary};
use crate::metrics::{Kind, Registry};

/// Open tool calls remembered for their duration; beyond this the oldest are forgotten
/// (a call that never gets a result must not grow memory forever).
const OPEN_TOOLS: usize = 1024;

/// Metrics of one agent.
#[derive(Debug)]
pub struct StreamMetrics {
    registry: Registry,
    open: VecDeque<(String, String, Instant)>,
}

impl Default for StreamMetrics {
    fn default() -> Self {
        Self::new()
    }
}

impl StreamMetrics {
    /// Declares every family, so a scrape shows them before the first event.
    pub fn new() -> Self {
        let mut r = Registry::default();
        for (name, kind, help) in FAMILIES
            .iter()
            .chain(RATE_LIMIT_FAMILIES)
            .chain(ACTIVITY_FAMILIES)
        {
            r.describe(name, *kind, help);
        }
        r.set("stream_active_monitors", &[], 1.0);
        r.set("stream_active_stuck_agents", &[], 0.0);
        StreamMetrics {
            registry: r,
            open: VecDeque::new(),
        }
    }

    /// Takes one line of `agent` into account; `summary` is the agent's summary after it.
    pub fn observe(&mut self, agent: &str, p: &Parsed, summary: &Summary, now: Instant) {
        let r = &mut self.registry;
        let a = ("agent_id", agent);
        r.inc(
            "stream_events_processed_total",
            &[a, ("event_type", p.event_type().as_str())],
            1.0,
        );
        for t in &p.tool_uses {
            r.inc("stream_tool_calls_total", &[a, ("tool", &t.name)], 1.0);
            if self.open.len() == OPEN_TOOLS {
                self.open.pop_front();
            }
            self.open.push_back((t.id.clone(), t.name.clone(), now));
        }
        for res in &p.tool_results {
            let Some(i) = self
                .open
                .iter()
                .position(|(id, _, _)| *id == res.tool_use_id)
            else {
                continue;
            };
            let Some((_, name, started)) = self.open.remove(i) else {
                continue;
            };
            let secs = now.saturating_duration_since(started).as_secs_f64();
            r.observe("stream_tool_duration_seconds", &[a, ("tool", &name)], secs);
            if res.is_error {
                r.inc("stream_tool_errors_total", &[a, ("tool", &name)], 1.0);
            }
            if let Some((server, tool)) = mcp_parts(&name) {
                let status = if res.is_error { "error" } else { "success" };
                r.inc(
                    "mcp_tool_calls_total",
                    &[a, ("server", server), ("tool", tool), ("status", status)],
                    1.0,
                );
                r.observe(
                    "mcp_tool_latency_seconds",
                    &[a, ("server", server), ("tool", tool)],
                    secs,
                );
            }
        }
        if p.type_ == "system" && p.subtype == "init" {
            let connected = p
                .mcp_servers
                .iter()
                .filter(|s| s.status == "connected")
                .count();
            r.set("mcp_servers_connected", &[a], connected as f64);
            for s in &p.mcp_servers {
                r.remove_matching("mcp_server_status", ("server", &s.name));
                r.set(
                    "mcp_server_status",
                    &[a, ("server", &s.name), ("status", &s.status)],
                    1.0,
                );
            }
        }
        r.set("stream_turn_count", &[a], summary.turns as f64);
        activity_figures(r, agent, summary);
        model_figures(r, agent, summary);
        rate_limit_figures(r, agent, summary);
        if let Ok(ts) = summary.last_event_at.parse::<jiff::Timestamp>() {
            r.set(
                "stream_last_event_timestamp_seconds",
                &[a],
                ts.as_millisecond() as f64 / 1000.0,
            );
        }
    }

    /// A stuck episode began.
    pub fn stuck(&mut self, agent: &str, reason: &str) {
        self.registry.inc(
            "stream_stuck_detections_total",
            &[("agent_id", agent), ("reason", reason)],
            1.0,
        );
        self.registry.set("stream_active_stuck_agents", &[], 1.0);
    }

    /// The stuck episode ended.
    pub fn recovered(&mut self) {
        self.registry.set("stream_active_stuck_agents", &[], 0.0);
    }

    /// The agent's state changed without a line (a stuck episode, a rate limit's reset).
    pub fn state(&mut self, agent: &str, summary: &Summary) {
        activity_figures(&mut self.registry, agent, summary);
    }

    /// Spool writes that failed so far (the degraded mode).
    pub fn spool_write_errors(&mut self, n: u64) {
        self.registry
            .set("stream_spool_write_errors_total", &[], n as f64);
    }

    /// Spool backlog (records not yet delivered).
    pub fn spool_pending(&mut self, n: u64) {
        self.registry
            .set("stream_spool_pending_events", &[], n as f64);
    }

    /// A delivery attempt to Redis and how long it took.
    pub fn publish(&mut self, agent: &str, ok: bool, records: u64, seconds: f64) {
        let status = if ok { "success" } else { "failure" };
        self.registry.inc(
            "stream_redis_publishes_total",
            &[("agent_id", agent), ("status", status)],
            records as f64,
        );
        self.registry
            .observe("stream_redis_publish_latency_seconds", &[], seconds);
        self.registry.set(
            "stream_redis_connection_state",
            &[],
            if ok { 1.0 } else { 0.0 },
        );
    }

    /// The text exposition.
    pub fn render(&self) -> String {
        self.registry.render()
    }
}

/// The agent's state (1 for the current one, 0 for the others), and the API retries and
/// compactions it went through.
pub fn activity_figures(r: &mut Registry, agent: &str, summary: &Summary) {
    let a = ("agent_id", agent);
    for state in AgentState::ALL {
        let v = if summary.state == state { 1.0 } else { 0.0 };
        r.set("stream_agent_state", &[a, ("state", state.as_str())], v);
    }
    r.set("stream_api_retries_total", &[a], summary.api_retries as f64);
    r.set("stream_compactions_total", &[a], summary.compactions as f64);
}

/// Tokens and cost of each of the agent's models, and whether the cost is an estimate. A
/// model without a price has no cost series: an unknown cost, not 0.
pub fn model_figures(r: &mut Registry, agent: &str, summary: &Summary) {
    let a = ("agent_id", agent);
    for (model, m) in &summary.models {
        let am = [a, ("model", model.as_str())];
        for (kind, v) in [
            ("input", m.tokens_in),
            ("output", m.tokens_out),
            ("cache_read", m.tokens_cache_read),
            ("cache_creation", m.tokens_cache_creation),
        ] {
            r.set(
                "stream_tokens_total",
                &[am[0], am[1], ("kind", kind)],
                v as f64,
            );
        }
        if let Some(cost) = m.cost_usd {
            r.set("stream_cost_usd_total", &am, cost);
        }
    }
    let estimated = if summary.cost_estimated { 1.0 } else { 0.0 };
    r.set("stream_cost_estimated", &[a], estimated);
}

/// The statuses a rate limit can have, each a `stream_rate_limit_status` series.
const RATE_LIMIT_STATUSES: [&str; 3] = ["allowed", "allowed_warning", "rejected"];

/// Each rate limit of the agent: its status (1 for the current one), use, reset time and
/// rejections.
pub fn rate_limit_figures(r: &mut Registry, agent: &str, summary: &Summary) {
    let a = ("agent_id", agent);
    for (kind, rl) in &summary.rate_limits {
        let al = [a, ("limit_type", kind.as_str())];
        for status in RATE_LIMIT_STATUSES {
            let v = if rl.status == status { 1.0 } else { 0.0 };
            r.set(
                "stream_rate_limit_status",
                &[al[0], al[1], ("status", status)],
                v,
            );
        }
        if let Some(u) = rl.utilization {
            r.set("stream_rate_limit_utilization_ratio", &al, u);
        }
        if let Some(t) = rl.resets_at {
            r.set("stream_rate_limit_resets_at_seconds", &al, t as f64);
        }
        r.set(
            "stream_rate_limit_rejections_total",
            &al,
            rl.rejections as f64,
        );
    }
}

/// `mcp__<server>__<tool>` → (server, tool).
pub fn mcp_parts(name: &str) -> Option<(&str, &str)> {
    let rest = name.strip_prefix("mcp__")?;
    let (server, tool) = rest.split_once("__")?;
    (!server.is_empty() && !tool.is_empty()).then_some((server, tool))
}

const FAMILIES: &[(&str, Kind, &str)] = &[
    (
        "stream_events_processed_total",
        Kind::Counter,
        "Stream-json lines recorded, by event type.",
    ),
    (
        "stream_stuck_detections_total",
        Kind::Counter,
        "Stuck or looping episodes detected, by reason.",
    ),
    (
        "stream_active_stuck_agents",
        Kind::Gauge,
        "Agents currently stuck (0 or 1 for one watch).",
    ),
    (
        "stream_turn_count",
        Kind::Gauge,
        "API turns of the agent so far.",
    ),
    (
        "stream_redis_publishes_total",
        Kind::Counter,
        "Events sent to Redis, by outcome.",
    ),
    (
        "stream_redis_publish_latency_seconds",
        Kind::Histogram,
        "Time to deliver one batch to Redis.",
    ),
    (
        "stream_redis_connection_state",
        Kind::Gauge,
        "1 when the last Redis delivery succeeded, else 0.",
    ),
    (
        "stream_spool_pending_events",
        Kind::Gauge,
        "Events in the local spool not yet delivered to Redis.",
    ),
    (
        "stream_spool_write_errors_total",
        Kind::Counter,
        "Spool writes that failed (a full or failing disk); events then wait in memory for Redis.",
    ),
    (
        "stream_active_monitors",
        Kind::Gauge,
        "Running ccmon stream monitors.",
    ),
    (
        "stream_tool_calls_total",
        Kind::Counter,
        "Tool calls made, by tool.",
    ),
    (
        "stream_tokens_total",
        Kind::Counter,
        "Tokens used, by model and kind (input, output, cache_read, cache_creation).",
    ),
    (
        "stream_cost_usd_total",
        Kind::Counter,
        "Cost in USD by model: exact from the result line, else estimated from the price table.",
    ),
    (
        "stream_cost_estimated",
        Kind::Gauge,
        "1 while the agent's cost is an estimate not yet made exact by a result line.",
    ),
    (
        "stream_last_event_timestamp_seconds",
        Kind::Gauge,
        "Unix time of the agent's last event.",
    ),
    (
        "stream_tool_duration_seconds",
        Kind::Histogram,
        "Time from a tool call to its result, by tool.",
    ),
    (
        "stream_tool_errors_total",
        Kind::Counter,
        "Tool results with is_error, by tool.",
    ),
    (
        "mcp_servers_connected",
        Kind::Gauge,
        "MCP servers connected at the agent's start.",
    ),
    (
        "mcp_server_status",
        Kind::Gauge,
        "1 for the status each MCP server reported at start.",
    ),
    (
        "mcp_tool_calls_total",
        Kind::Counter,
        "MCP tool calls, by server, tool and status.",
    ),
    (
        "mcp_tool_latency_seconds",
        Kind::Histogram,
        "Time from an MCP tool call to its result.",
    ),
];

/// The rate-limit families, the same on an agent's own `/metrics` and on the fleet view.
/// The families of [`activity_figures`], declared once for the agent's and the fleet's view.
pub(super) const ACTIVITY_FAMILIES: &[(&str, Kind, &str)] = &[
    (
        "stream_agent_state",
        Kind::Gauge,
        "1 for each agent's current state (running, retrying, compacting, rate_limited, stuck, exited).",
    ),
    (
        "stream_api_retries_total",
        Kind::Counter,
        "API calls each agent's Claude Code had to retry (system/api_retry lines).",
    ),
    (
        "stream_compactions_total",
        Kind::Counter,
        "Context compactions each agent went through (system/compact_boundary lines).",
    ),
];

pub(super) const RATE_LIMIT_FAMILIES: &[(&str, Kind, &str)] = &[
    (
        "stream_rate_limit_status",
        Kind::Gauge,
        "1 for the current status of each rate limit (allowed, allowed_warning, rejected).",
    ),
    (
        "stream_rate_limit_utilization_ratio",
        Kind::Gauge,
        "Share of each rate limit used, 0-1, as last reported.",
    ),
    (
        "stream_rate_limit_resets_at_seconds",
        Kind::Gauge,
        "Unix time when each rate limit resets.",
    ),
    (
        "stream_rate_limit_rejections_total",
        Kind::Counter,
        "Rate limit events with status rejected, by limit.",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::parse::parse;

    #[test]
    fn counts_tools_mcp_and_durations() {
        let mut m = StreamMetrics::new();
        let s = Summary::new("a", "t", "2026-01-01T00:00:00Z");
        let t0 = Instant::now();
        m.observe("a", &parse(br#"{"type":"system","subtype":"init","mcp_servers":[{"name":"px","status":"connected"},{"name":"db","status":"failed"}]}"#), &s, t0);
        m.observe("a", &parse(br#"{"type":"assistant","message":{"id":"m","content":[{"type":"tool_use","id":"t1","name":"mcp__px__ask","input":{}}]}}"#), &s, t0);
        m.observe("a", &parse(br#"{"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"t1","is_error":true}]}}"#), &s, t0 + std::time::Duration::from_secs(2));
        let text = m.render();
        for needle in [
            "mcp_servers_connected{agent_id=\"a\"} 1",
            "mcp_server_status{agent_id=\"a\",server=\"db\",status=\"failed\"} 1",
            "stream_tool_calls_total{agent_id=\"a\",tool=\"mcp__px__ask\"} 1",
            "stream_tool_errors_total{agent_id=\"a\",tool=\"mcp__px__ask\"} 1",
            "mcp_tool_calls_total{agent_id=\"a\",server=\"px\",tool=\"ask\",status=\"error\"} 1",
            "stream_tool_duration_seconds_sum{agent_id=\"a\",tool=\"mcp__px__ask\"} 2",
            "stream_events_processed_total{agent_id=\"a\",event_type=\"tool_use\"} 1",
        ] {
            assert!(text.contains(needle), "missing {needle}\n{text}");
        }
        assert_eq!(mcp_parts("mcp__a__b__c"), Some(("a", "b__c")));
        assert_eq!(mcp_parts("Bash"), None);
    }

    #[test]
    fn models_costs_and_rate_limits_are_exposed_and_promtool_accepts_them() {
        let mut m = StreamMetrics::new();
        let mut s = Summary::new("a", "t", "2026-01-01T00:00:00Z");
        let lines = format!(
            "{}{}\n",
            crate::stream::summary::tests::RATE_LIMITS,
            r#"{"type":"assistant","message":{"id":"m1","model":"mystery-1","usage":{"input_tokens":10}}}"#
        );
        for line in lines.lines() {
            let p = parse(line.as_bytes());
            s.observe(&p, "2026-01-01T00:00:01Z");
            m.observe("a", &p, &s, Instant::now());
        }
        let text = m.render();
        for needle in [
            "stream_rate_limit_status{agent_id=\"a\",limit_type=\"five_hour\",status=\"allowed_warning\"} 1",
            "stream_rate_limit_status{agent_id=\"a\",limit_type=\"five_hour\",status=\"allowed\"} 0",
            "stream_rate_limit_utilization_ratio{agent_id=\"a\",limit_type=\"five_hour\"} 0.85",
            "stream_rate_limit_resets_at_seconds{agent_id=\"a\",limit_type=\"seven_day_opus\"} 1771995600",
            "stream_rate_limit_rejections_total{agent_id=\"a\",limit_type=\"seven_day_opus\"} 2",
            "stream_tokens_total{agent_id=\"a\",model=\"mystery-1\",kind=\"input\"} 10",
            "stream_cost_estimated{agent_id=\"a\"} 1",
        ] {
            assert!(text.contains(needle), "missing {needle}\n{text}");
        }
        assert!(
            !text.contains(
                "stream_rate_limit_utilization_ratio{agent_id=\"a\",limit_type=\"seven_day\"}"
            ),
            "no use reported, no series\n{text}"
        );
        assert!(
            !text.contains("stream_cost_usd_total{"),
            "an unpriced model has no cost series, not 0\n{text}"
        );
        // promtool (Debian package prometheus) is the reference for the text format.
        use std::io::Write as _;
        let child = std::process::Command::new("promtool")
            .args(["check", "metrics"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn();
        let Ok(mut child) = child else {
            panic!("promtool not found: apt-get install -y prometheus");
        };
        if let Some(mut stdin) = child.stdin.take() {
            let _ = stdin.write_all(text.as_bytes());
        }
        let out = child.wait_with_output().map_err(|e| e.to_string());
        let out = out.unwrap_or_else(|e| panic!("promtool: {e}"));
        let said = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(
            !said.contains("error") && !said.contains("not a valid"),
            "promtool: {said}\n{text}"
        );
    }
}
