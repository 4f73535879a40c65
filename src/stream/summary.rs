//! The running summary of one agent: what `agent:{id}:meta` holds and `stream ls` shows.
//! Usage is counted once per API `message.id` (one message arrives as several lines that
//! repeat the same usage); the `result` line's totals win when it comes.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use super::parse::{Parsed, Usage};

/// How many recent message ids are remembered for de-duplicating usage. The lines of one
/// message arrive together (subagent traffic may interleave a few), so a short memory is
/// enough and keeps memory bounded whatever the session length.
const RECENT_MESSAGE_IDS: usize = 256;

/// Agent state, the meta hash's `state`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgentState {
    /// Running and making progress.
    Running,
    /// Running, but stuck or looping.
    Stuck,
    /// Finished.
    Exited,
}

impl AgentState {
    /// The value stored in Redis.
    pub fn as_str(self) -> &'static str {
        match self {
            AgentState::Running => "running",
            AgentState::Stuck => "stuck",
            AgentState::Exited => "exited",
        }
    }
}

/// One agent's summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Agent id.
    pub agent_id: String,
    /// State.
    pub state: AgentState,
    /// The child's pid (watch only).
    pub pid: Option<u32>,
    /// The command run (watch) or the file ingested.
    pub command: String,
    /// Session id from the stream.
    pub session_id: String,
    /// Model from `system/init` or the first assistant message.
    pub model: String,
    /// When recording started (RFC 3339).
    pub started_at: String,
    /// When the last line arrived (RFC 3339).
    pub last_event_at: String,
    /// Lines recorded.
    pub events: u64,
    /// API turns (distinct assistant messages; the `result`'s `num_turns` once known).
    pub turns: u64,
    /// Tool calls made.
    pub tool_calls: u64,
    /// Uncached input tokens.
    pub tokens_in: u64,
    /// Output tokens.
    pub tokens_out: u64,
    /// Cache-read input tokens.
    pub tokens_cache_read: u64,
    /// Cache-creation input tokens.
    pub tokens_cache_creation: u64,
    /// Cost in USD (from the `result` line).
    pub cost_usd: f64,
    /// The child's exit code, once it exited.
    pub exit_code: Option<i32>,
    /// Why the agent is stuck, while it is.
    pub stuck_reason: Option<String>,
    /// Whether the run ended with an error result.
    pub failed: bool,
    /// Events this agent's watcher held in its spool, not yet in Redis, when it last
    /// reported (it reports with every delivery, so a fleet view sees backlogs drain).
    #[serde(default)]
    pub spool_pending: u64,
    /// Spool writes that failed in this run (a full or failing disk): while it rises,
    /// events wait in memory for Redis and a crash of ccmon would lose them.
    #[serde(default)]
    pub spool_write_errors: u64,
    /// The ccmon process recording this run (spool only): lets `stream flush` tell the
    /// run of a killed ccmon from one still being written.
    #[serde(default)]
    pub owner_pid: Option<u32>,
    #[serde(skip)]
    recent_message_ids: VecDeque<String>,
    #[serde(skip)]
    result_seen: bool,
}

impl Summary {
    /// A new summary for an agent that starts now.
    pub fn new(agent_id: &str, command: &str, started_at: &str) -> Summary {
        Summary {
            agent_id: agent_id.to_owned(),
            state: AgentState::Running,
            pid: None,
            command: command.to_owned(),
            session_id: String::new(),
            model: String::new(),
            started_at: started_at.to_owned(),
            last_event_at: started_at.to_owned(),
            events: 0,
            turns: 0,
            tool_calls: 0,
            tokens_in: 0,
            tokens_out: 0,
            tokens_cache_read: 0,
            tokens_cache_creation: 0,
            cost_usd: 0.0,
            exit_code: None,
            stuck_reason: None,
            failed: false,
            spool_pending: 0,
            spool_write_errors: 0,
            owner_pid: None,
            recent_message_ids: VecDeque::new(),
            result_seen: false,
        }
    }

    /// Takes one parsed line received at `at` into account; returns the turn number to
    /// record with it.
    pub fn observe(&mut self, p: &Parsed, at: &str) -> u64 {
        self.events += 1;
        at.clone_into(&mut self.last_event_at);
        if self.session_id.is_empty() && !p.session_id.is_empty() {
            p.session_id.clone_into(&mut self.session_id);
        }
        if self.model.is_empty()
            && let Some(model) = &p.model
        {
            model.clone_into(&mut self.model);
        }
        if let Some(id) = &p.message_id
            && p.type_ == "assistant"
            && !self.recent_message_ids.contains(id)
        {
            if self.recent_message_ids.len() == RECENT_MESSAGE_IDS {
                self.recent_message_ids.pop_front();
            }
            self.recent_message_ids.push_back(id.clone());
            if !self.result_seen {
                self.turns += 1;
                if let Some(u) = p.usage {
                    self.add_usage(u);
                }
            }
        }
        self.tool_calls += p.tool_uses.len() as u64;
        if let Some(r) = &p.result {
            self.result_seen = true;
            self.failed = r.is_error;
            if let Some(n) = r.num_turns {
                self.turns = n;
            }
            if let Some(cost) = r.total_cost_usd {
                self.cost_usd = cost;
            }
            if let Some(u) = r.usage {
                // The result's usage covers the main thread; keep the larger of what we
                // counted (which includes subagents) and what it reports, per kind.
                self.tokens_in = self.tokens_in.max(u.input_tokens);
                self.tokens_out = self.tokens_out.max(u.output_tokens);
                self.tokens_cache_read = self.tokens_cache_read.max(u.cache_read_input_tokens);
                self.tokens_cache_creation = self
                    .tokens_cache_creation
                    .max(u.cache_creation_input_tokens);
            }
        }
        self.turns
    }

    fn add_usage(&mut self, u: Usage) {
        self.tokens_in += u.input_tokens;
        self.tokens_out += u.output_tokens;
        self.tokens_cache_read += u.cache_read_input_tokens;
        self.tokens_cache_creation += u.cache_creation_input_tokens;
    }

    /// The meta hash's fields, as strings (absent values as "").
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        let opt = |v: Option<String>| v.unwrap_or_default();
        vec![
            ("state", self.state.as_str().to_owned()),
            ("pid", opt(self.pid.map(|p| p.to_string()))),
            ("command", self.command.clone()),
            ("session_id", self.session_id.clone()),
            ("model", self.model.clone()),
            ("started_at", self.started_at.clone()),
            ("last_event_at", self.last_event_at.clone()),
            ("events", self.events.to_string()),
            ("turns", self.turns.to_string()),
            ("tool_calls", self.tool_calls.to_string()),
            ("tokens_in", self.tokens_in.to_string()),
            ("tokens_out", self.tokens_out.to_string()),
            ("tokens_cache_read", self.tokens_cache_read.to_string()),
            (
                "tokens_cache_creation",
                self.tokens_cache_creation.to_string(),
            ),
            ("cost_usd", format!("{:.6}", self.cost_usd)),
            ("exit_code", opt(self.exit_code.map(|c| c.to_string()))),
            ("stuck_reason", opt(self.stuck_reason.clone())),
            ("spool_pending", self.spool_pending.to_string()),
            ("spool_write_errors", self.spool_write_errors.to_string()),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::parse::parse;

    #[test]
    fn usage_is_counted_once_per_message_and_result_wins() {
        let mut s = Summary::new("a", "test", "t0");
        let line = br#"{"type":"assistant","message":{"id":"m1","usage":{"input_tokens":10,"output_tokens":1},"content":[{"type":"text","text":"a"}]}}"#;
        s.observe(&parse(line), "t1");
        s.observe(&parse(line), "t2");
        assert_eq!((s.turns, s.tokens_in, s.tokens_out), (1, 10, 1));
        let other = br#"{"type":"assistant","message":{"id":"m2","usage":{"input_tokens":5,"output_tokens":2},"content":[{"type":"tool_use","id":"t","name":"Bash","input":{}}]}}"#;
        assert_eq!(s.observe(&parse(other), "t3"), 2);
        assert_eq!((s.tokens_in, s.tool_calls), (15, 1));
        let result = br#"{"type":"result","subtype":"success","is_error":false,"num_turns":7,"total_cost_usd":0.5,"usage":{"input_tokens":99,"output_tokens":1}}"#;
        s.observe(&parse(result), "t4");
        assert_eq!(
            (s.turns, s.cost_usd, s.tokens_in, s.tokens_out),
            (7, 0.5, 99, 3)
        );
        assert_eq!(s.events, 4);
        assert_eq!(s.last_event_at, "t4");
    }
}
