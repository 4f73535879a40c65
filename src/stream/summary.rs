//! The running summary of one agent: what `agent:{id}:meta` holds and `stream ls` shows.
//!
//! Tokens are counted per model. One API message arrives as several lines (one per content
//! block) whose `usage` is a snapshot taken while it streamed: the output grows from line to
//! line. So each message counts the largest value of each field seen on any of its lines
//! (never the first, never a sum), and a `stream_event` `message_delta` raises the output of
//! the message being streamed. The `result` line's `modelUsage` (exact, subagents included,
//! and cumulative over the whole process, so a second `result` restates the session's
//! totals) replaces everything counted before it; tokens counted after it are added on top
//! until the next `result`. Costs of counted tokens come from [`super::pricing`] and are
//! marked estimated; a model without a price has an unknown cost, never 0.

use std::collections::{BTreeMap, VecDeque};

use serde::{Deserialize, Serialize};

use super::activity::{Activity, Waiting};
use super::parse::{Parsed, Usage};
use super::pricing;

/// How many recent messages are remembered with their usage. The lines of one message
/// arrive together (subagent traffic may interleave a few), so a short memory is enough and
/// keeps memory bounded whatever the session length.
const RECENT_MESSAGE_IDS: usize = 256;

/// The model of a message that names none, when the stream never named one either.
const UNKNOWN_MODEL: &str = "unknown";

/// One model's figures, in the meta hash's `models` and `stream ls -o json`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModelTotals {
    /// Uncached input tokens.
    pub tokens_in: u64,
    /// Output tokens.
    pub tokens_out: u64,
    /// Cache-read input tokens.
    pub tokens_cache_read: u64,
    /// Cache-creation input tokens.
    pub tokens_cache_creation: u64,
    /// Web searches (billed per search).
    #[serde(default)]
    pub web_searches: u64,
    /// Cost in USD; `None` (unknown) for tokens of a model without a price.
    pub cost_usd: Option<f64>,
}

/// The latest state of one rate limit (`rateLimitType`) of an agent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RateLimitState {
    /// `allowed`, `allowed_warning` or `rejected`.
    pub status: String,
    /// Share of the limit used, 0-1, when reported.
    pub utilization: Option<f64>,
    /// When the limit resets, Unix seconds.
    pub resets_at: Option<i64>,
    /// `rejected` events seen.
    pub rejections: u64,
}

impl RateLimitState {
    /// How bad it is, for picking the worst limit: rejected, then warning, then by use.
    fn severity(&self) -> (u8, u64) {
        let rank = match self.status.as_str() {
            "rejected" => 2,
            "allowed_warning" => 1,
            _ => 0,
        };
        (rank, (self.utilization.unwrap_or(0.0) * 1e6) as u64)
    }
}

/// A message whose usage is being counted.
#[derive(Debug, Clone, PartialEq)]
struct Message {
    id: String,
    model: String,
    /// The largest value of each field seen so far.
    usage: Usage,
    /// Whether an `assistant` line of it was seen (a turn), not only a `stream_event`.
    assistant: bool,
}

/// Agent state, the meta hash's `state`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgentState {
    /// Running and making progress.
    Running,
    /// An API call failed and is being retried, with no answer yet.
    Retrying,
    /// Compacting its context.
    Compacting,
    /// A rate limit rejected it and has not reset yet.
    RateLimited,
    /// Running, but stuck or looping.
    Stuck,
    /// Finished.
    Exited,
}

impl AgentState {
    /// Every state, in the order tables and metrics list them.
    pub const ALL: [AgentState; 6] = [
        AgentState::Running,
        AgentState::Retrying,
        AgentState::Compacting,
        AgentState::RateLimited,
        AgentState::Stuck,
        AgentState::Exited,
    ];

    /// The value stored in Redis.
    pub fn as_str(self) -> &'static str {
        match self {
            AgentState::Running => "running",
            AgentState::Retrying => "retrying",
            AgentState::Compacting => "compacting",
            AgentState::RateLimited => "rate_limited",
            AgentState::Stuck => "stuck",
            AgentState::Exited => "exited",
        }
    }

    /// The state of a stored value; an unknown one (a newer ccmon's) reads as running.
    pub fn parse(s: &str) -> AgentState {
        AgentState::ALL
            .into_iter()
            .find(|state| state.as_str() == s)
            .unwrap_or(AgentState::Running)
    }

    /// What the state means, for people (`stream ls --state` help, the README's table).
    pub fn meaning(self) -> &'static str {
        match self {
            AgentState::Running => "Running and making progress",
            AgentState::Retrying => "An API call is being retried, with no answer yet",
            AgentState::Compacting => "Compacting its context",
            AgentState::RateLimited => "A rate limit rejected it and has not reset yet",
            AgentState::Stuck => "Running, but stuck or looping",
            AgentState::Exited => "Finished",
        }
    }

    /// Whether the agent process is alive (every state but `exited`).
    pub fn is_live(self) -> bool {
        self != AgentState::Exited
    }

    /// The state an agent that is neither stuck nor exited is in, from what it waits on.
    fn of_waiting(waiting: Option<&Waiting>) -> AgentState {
        match waiting {
            None => AgentState::Running,
            Some(Waiting::Retry { .. }) => AgentState::Retrying,
            Some(Waiting::Compaction { .. }) => AgentState::Compacting,
            Some(Waiting::RateLimit { .. }) => AgentState::RateLimited,
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
    /// `system/api_retry` lines: API calls Claude Code had to retry.
    #[serde(default)]
    pub api_retries: u64,
    /// `system/compact_boundary` lines: context compactions done.
    #[serde(default)]
    pub compactions: u64,
    /// Uncached input tokens.
    pub tokens_in: u64,
    /// Output tokens.
    pub tokens_out: u64,
    /// Cache-read input tokens.
    pub tokens_cache_read: u64,
    /// Cache-creation input tokens.
    pub tokens_cache_creation: u64,
    /// Cost in USD: exact from the `result` line, estimated from the price table for the
    /// tokens counted since (see `cost_estimated`); models without a price are left out of
    /// it (see `cost_unknown`).
    pub cost_usd: f64,
    /// Whether `cost_usd` includes an estimate (tokens × prices) not yet made exact by a
    /// `result`.
    #[serde(default)]
    pub cost_estimated: bool,
    /// Whether some tokens are of a model without a price: the cost is then unknown.
    #[serde(default)]
    pub cost_unknown: bool,
    /// Tokens and cost per model.
    #[serde(default)]
    pub models: BTreeMap<String, ModelTotals>,
    /// Rate limits by `rateLimitType`, as the latest `rate_limit_event` of each said.
    #[serde(default)]
    pub rate_limits: BTreeMap<String, RateLimitState>,
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
    /// What the agent waits on, which decides `retrying`, `compacting` and `rate_limited`.
    #[serde(skip)]
    activity: Activity,
    #[serde(skip)]
    messages: VecDeque<Message>,
    /// The message each stream (main thread, or a subagent's `parent_tool_use_id`) is
    /// streaming, from its `message_start`: what a `message_delta` updates.
    #[serde(skip)]
    streaming: VecDeque<(Option<String>, String)>,
    /// The last `result`'s exact figures per model: tokens, cost.
    #[serde(skip)]
    exact: BTreeMap<String, (Usage, Option<f64>)>,
    /// The last `result`'s `total_cost_usd`.
    #[serde(skip)]
    exact_total: Option<f64>,
    /// Tokens counted per model since the last `result` (or the start).
    #[serde(skip)]
    since: BTreeMap<String, Usage>,
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
            api_retries: 0,
            compactions: 0,
            tokens_in: 0,
            tokens_out: 0,
            tokens_cache_read: 0,
            tokens_cache_creation: 0,
            cost_usd: 0.0,
            cost_estimated: false,
            cost_unknown: false,
            models: BTreeMap::new(),
            rate_limits: BTreeMap::new(),
            exit_code: None,
            stuck_reason: None,
            failed: false,
            spool_pending: 0,
            spool_write_errors: 0,
            owner_pid: None,
            activity: Activity::default(),
            messages: VecDeque::new(),
            streaming: VecDeque::new(),
            exact: BTreeMap::new(),
            exact_total: None,
            since: BTreeMap::new(),
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
        {
            let model = self.model_or_default(p.model.as_deref());
            let usage = p.usage.unwrap_or_default();
            if self.note(id, &model, usage, true) && !self.result_seen {
                self.turns += 1;
            }
        }
        if let Some(su) = &p.stream_usage {
            let parent = p.parent_tool_use_id.clone();
            match &su.message_id {
                Some(id) => {
                    let model = self.model_or_default(su.model.as_deref());
                    self.note(id, &model, su.usage, false);
                    self.streaming.retain(|(p, _)| *p != parent);
                    if self.streaming.len() == RECENT_MESSAGE_IDS {
                        self.streaming.pop_front();
                    }
                    self.streaming.push_back((parent, id.clone()));
                }
                None => {
                    if let Some((_, id)) = self.streaming.iter().find(|(p, _)| *p == parent) {
                        let id = id.clone();
                        let model = self
                            .messages
                            .iter()
                            .find(|m| m.id == id)
                            .map_or_else(|| self.model_or_default(None), |m| m.model.clone());
                        self.note(&id, &model, su.usage, false);
                    }
                }
            }
        }
        self.tool_calls += p.tool_uses.len() as u64;
        if p.is_api_retry() {
            self.api_retries += 1;
        }
        if p.is_compact_boundary() {
            self.compactions += 1;
        }
        let at_ms = || unix_ms(at);
        self.activity.observe(p, at_ms);
        if let Some(rl) = &p.rate_limit {
            let kind = if rl.limit_type.is_empty() {
                "unknown"
            } else {
                rl.limit_type.as_str()
            };
            let e = self.rate_limits.entry(kind.to_owned()).or_default();
            rl.status.clone_into(&mut e.status);
            // Absent fields keep what the previous event of the limit said.
            e.utilization = rl.utilization.or(e.utilization);
            e.resets_at = rl.resets_at.or(e.resets_at);
            if rl.status == "rejected" {
                e.rejections += 1;
            }
        }
        if let Some(r) = &p.result {
            self.result_seen = true;
            self.failed = r.is_error;
            if let Some(n) = r.num_turns {
                self.turns = n;
            }
            if !r.model_usage.is_empty() {
                // Exact and cumulative over the process: replaces everything before.
                self.exact = r
                    .model_usage
                    .iter()
                    .map(|m| (m.model.clone(), (m.usage, m.cost_usd)))
                    .collect();
                self.since.clear();
                self.exact_total = r.total_cost_usd;
            } else if r.usage.is_some() || r.total_cost_usd.is_some() {
                self.fold_result_without_model_usage(r.usage, r.total_cost_usd);
            }
        }
        self.refresh();
        self.settle_at(|| unix_ms(at));
        self.turns
    }

    /// Brings `state` up to date at `now_ms` (a rate limit's reset passes with no line):
    /// `running`, `retrying`, `compacting` or `rate_limited` from what the agent waits on.
    /// `stuck` and `exited` are set by who detects them and left alone. Returns whether the
    /// state changed.
    pub fn settle(&mut self, now_ms: i64) -> bool {
        self.settle_at(|| now_ms)
    }

    /// [`settle`](Self::settle), reading the clock only when a wait depends on it.
    fn settle_at(&mut self, now_ms: impl FnOnce() -> i64) -> bool {
        if matches!(self.state, AgentState::Stuck | AgentState::Exited) {
            return false;
        }
        let state = if self.activity.is_empty() {
            AgentState::Running
        } else {
            let now_ms = now_ms();
            // A passed reset holds nothing: forgotten, later lines need no clock.
            self.activity.expire(now_ms);
            AgentState::of_waiting(self.activity.waiting(now_ms).as_ref())
        };
        std::mem::replace(&mut self.state, state) != state
    }

    /// A stuck episode is over: the state is what the agent waits on again.
    pub fn unstick(&mut self, now_ms: i64) {
        if self.state == AgentState::Stuck {
            self.state = AgentState::Running;
        }
        self.stuck_reason = None;
        self.settle(now_ms);
    }

    /// The worst rate limit: rejected before warning before allowed, then the most used.
    pub fn worst_rate_limit(&self) -> Option<(&str, &RateLimitState)> {
        self.rate_limits
            .iter()
            .max_by_key(|(_, r)| r.severity())
            .map(|(k, r)| (k.as_str(), r))
    }

    /// The model of a message: its own, else the session's, else "unknown".
    fn model_or_default(&self, model: Option<&str>) -> String {
        match model {
            Some(m) if !m.is_empty() => m.to_owned(),
            _ if !self.model.is_empty() => self.model.clone(),
            _ => UNKNOWN_MODEL.to_owned(),
        }
    }

    /// Takes a snapshot of message `id`'s usage into account: only what grew beyond the
    /// largest values seen for it counts. Returns whether this is the first `assistant`
    /// line of the message.
    fn note(&mut self, id: &str, model: &str, usage: Usage, assistant: bool) -> bool {
        let (grown, model, first) = match self.messages.iter_mut().find(|m| m.id == id) {
            Some(m) => {
                let max = m.usage.max(usage);
                let grown = max.minus(m.usage);
                m.usage = max;
                let first = assistant && !m.assistant;
                m.assistant |= assistant;
                (grown, m.model.clone(), first)
            }
            None => {
                if self.messages.len() == RECENT_MESSAGE_IDS {
                    self.messages.pop_front();
                }
                self.messages.push_back(Message {
                    id: id.to_owned(),
                    model: model.to_owned(),
                    usage,
                    assistant,
                });
                (usage, model.to_owned(), assistant)
            }
        };
        if !grown.is_zero() {
            let e = self.since.entry(model).or_default();
            *e = e.plus(grown);
        }
        first
    }

    /// An older `result` without `modelUsage`: its `usage` covers the main thread only and
    /// its `total_cost_usd` every model. With one model, both are that model's (the larger
    /// of what was counted and what it reports, per kind); with several, the counted tokens
    /// stay estimates and only the total cost is exact.
    fn fold_result_without_model_usage(&mut self, usage: Option<Usage>, total: Option<f64>) {
        let mut models: Vec<String> = self
            .exact
            .keys()
            .chain(self.since.keys())
            .cloned()
            .collect();
        models.sort();
        models.dedup();
        if models.len() <= 1 {
            let model = models.pop().unwrap_or_else(|| self.model_or_default(None));
            let counted = self
                .exact
                .get(&model)
                .map(|e| e.0)
                .unwrap_or_default()
                .plus(self.since.get(&model).copied().unwrap_or_default());
            let tokens = counted.max(usage.unwrap_or_default());
            self.exact = BTreeMap::from([(model, (tokens, total))]);
            self.since.clear();
        }
        self.exact_total = total;
    }

    /// Recomputes the per-model view and the totals from the exact and counted figures.
    fn refresh(&mut self) {
        let mut models = BTreeMap::new();
        let names: Vec<&String> = self.exact.keys().chain(self.since.keys()).collect();
        let mut estimated = false;
        let mut unknown = false;
        let mut live_cost = 0.0;
        let mut exact_cost = 0.0;
        for name in names {
            if models.contains_key(name) {
                continue;
            }
            let (exact, exact_usd) = self.exact.get(name).copied().unwrap_or_default();
            let since = self.since.get(name).copied().unwrap_or_default();
            let tokens = exact.plus(since);
            let cost = match exact_usd {
                Some(usd) if since.is_zero() => Some(usd),
                Some(usd) => pricing::cost_usd(name, &since).map(|live| usd + live),
                None => pricing::cost_usd(name, &tokens),
            };
            if !since.is_zero() || exact_usd.is_none() {
                estimated = true;
            }
            match (cost, exact_usd) {
                (None, _) => unknown = !tokens.is_zero() || unknown,
                (Some(c), Some(usd)) => {
                    exact_cost += usd;
                    live_cost += c - usd;
                }
                (Some(c), None) => live_cost += c,
            }
            models.insert(
                name.clone(),
                ModelTotals {
                    tokens_in: tokens.input_tokens,
                    tokens_out: tokens.output_tokens,
                    tokens_cache_read: tokens.cache_read_input_tokens,
                    tokens_cache_creation: tokens.cache_creation_input_tokens,
                    web_searches: tokens.web_search_requests,
                    cost_usd: cost,
                },
            );
        }
        let counted_since: bool = self.since.values().any(|u| !u.is_zero());
        self.tokens_in = models.values().map(|m| m.tokens_in).sum();
        self.tokens_out = models.values().map(|m| m.tokens_out).sum();
        self.tokens_cache_read = models.values().map(|m| m.tokens_cache_read).sum();
        self.tokens_cache_creation = models.values().map(|m| m.tokens_cache_creation).sum();
        self.cost_usd = match self.exact_total {
            // The result's own total, exact as reported; an estimate only for what was
            // counted after it.
            Some(total) => {
                let since_cost: f64 = self
                    .since
                    .iter()
                    .filter_map(|(m, u)| pricing::cost_usd(m, u))
                    .sum();
                total + since_cost
            }
            None => exact_cost + live_cost,
        };
        self.cost_estimated = if self.exact_total.is_some() {
            counted_since
        } else {
            estimated
        };
        self.cost_unknown = unknown;
        self.models = models;
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
            ("api_retries", self.api_retries.to_string()),
            ("compactions", self.compactions.to_string()),
            ("tokens_in", self.tokens_in.to_string()),
            ("tokens_out", self.tokens_out.to_string()),
            ("tokens_cache_read", self.tokens_cache_read.to_string()),
            (
                "tokens_cache_creation",
                self.tokens_cache_creation.to_string(),
            ),
            ("cost_usd", self.cost_usd.to_string()),
            ("cost_estimated", self.cost_estimated.to_string()),
            ("cost_unknown", self.cost_unknown.to_string()),
            (
                "models",
                serde_json::to_string(&self.models).unwrap_or_default(),
            ),
            (
                "rate_limits",
                serde_json::to_string(&self.rate_limits).unwrap_or_default(),
            ),
            ("exit_code", opt(self.exit_code.map(|c| c.to_string()))),
            ("stuck_reason", opt(self.stuck_reason.clone())),
            ("spool_pending", self.spool_pending.to_string()),
            ("spool_write_errors", self.spool_write_errors.to_string()),
        ]
    }
}

/// An RFC 3339 time in Unix ms; 0 for anything else (the wait rules then use the stream's
/// order alone).
fn unix_ms(at: &str) -> i64 {
    at.parse::<jiff::Timestamp>()
        .map_or(0, |t| t.as_millisecond())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::stream::parse::parse;

    #[test]
    fn states_follow_retries_compactions_and_rate_limits() {
        let mut s = Summary::new("a", "test", "2026-01-01T00:00:00Z");
        let at = "2026-01-01T00:00:10Z";
        let t10 = 1_767_225_610_000;
        let retry = br#"{"type":"system","subtype":"api_retry","attempt":1,"max_retries":10,"retry_delay_ms":2000,"error_status":529}"#;
        s.observe(&parse(retry), at);
        assert_eq!((s.state, s.api_retries), (AgentState::Retrying, 1));
        let answer =
            br#"{"type":"assistant","message":{"id":"m1","content":[{"type":"text","text":"a"}]}}"#;
        s.observe(&parse(answer), at);
        assert_eq!(s.state, AgentState::Running);
        s.observe(
            &parse(br#"{"type":"system","subtype":"status","status":"compacting"}"#),
            at,
        );
        assert_eq!(s.state, AgentState::Compacting);
        s.observe(
            &parse(br#"{"type":"system","subtype":"compact_boundary","compact_metadata":{"trigger":"auto","pre_tokens":1}}"#),
            at,
        );
        assert_eq!((s.state, s.compactions), (AgentState::Running, 1));
        // Rejected until 00:01:00 UTC; the clock, not a line, ends it.
        s.observe(
            &parse(br#"{"type":"rate_limit_event","rate_limit_info":{"status":"rejected","resetsAt":1767225660,"rateLimitType":"five_hour"}}"#),
            at,
        );
        assert_eq!(s.state, AgentState::RateLimited);
        assert!(!s.settle(t10 + 10_000));
        assert!(s.settle(t10 + 50_000), "the reset has passed");
        assert_eq!(s.state, AgentState::Running);
        // Stuck and exited are not the stream's to change.
        s.state = AgentState::Stuck;
        s.stuck_reason = Some("no_progress".into());
        s.observe(&parse(retry), at);
        assert_eq!(s.state, AgentState::Stuck);
        s.unstick(t10 + 60_000);
        assert_eq!(
            (s.state, s.stuck_reason.as_deref()),
            (AgentState::Retrying, None)
        );
        let fields = s.fields();
        let field = |n: &str| {
            fields
                .iter()
                .find(|(k, _)| *k == n)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(field("state"), Some("retrying"));
        assert_eq!(field("api_retries"), Some("2"));
        assert_eq!(field("compactions"), Some("1"));
        for state in AgentState::ALL {
            assert_eq!(AgentState::parse(state.as_str()), state);
        }
        assert_eq!(AgentState::parse("from_the_future"), AgentState::Running);
    }

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

    fn run(lines: &str) -> Summary {
        let mut s = Summary::new("a", "test", "t0");
        for line in lines.lines() {
            s.observe(&parse(line.as_bytes()), "t");
        }
        s
    }

    fn tokens(m: &ModelTotals) -> [u64; 4] {
        [
            m.tokens_in,
            m.tokens_out,
            m.tokens_cache_read,
            m.tokens_cache_creation,
        ]
    }

    const CLEAN: &str = include_str!("../../tests/fixtures/stream-json/claude-clean-simple.jsonl");
    const GLEAM: &str = include_str!("../../tests/fixtures/stream-json/gleam-basic-query.ndjson");

    #[test]
    fn a_recording_with_model_usage_gives_its_exact_figures() {
        let s = run(CLEAN);
        assert_eq!(
            [
                s.tokens_in,
                s.tokens_out,
                s.tokens_cache_read,
                s.tokens_cache_creation
            ],
            [7584, 3704, 85759, 43679]
        );
        assert_eq!(s.cost_usd, 0.21085415);
        assert!(!s.cost_estimated && !s.cost_unknown);
        let haiku = &s.models["claude-haiku-4-5-20251001"];
        assert_eq!(tokens(haiku), [7460, 1331, 18159, 14048]);
        assert_eq!(haiku.cost_usd, Some(0.033490900000000004));
        let sonnet = &s.models["claude-sonnet-4-5-20250929"];
        assert_eq!(tokens(sonnet), [124, 2373, 67600, 29631]);
        assert_eq!(sonnet.cost_usd, Some(0.17736324999999997));
        assert_eq!(s.models.len(), 2);
    }

    #[test]
    fn a_recording_without_model_usage_takes_the_result_for_its_one_model() {
        let s = run(GLEAM);
        let m = &s.models["claude-opus-4-5-20251101"];
        assert_eq!(tokens(m), [10, 25, 0, 21570]);
        assert_eq!(m.cost_usd, Some(0.1354875));
        assert_eq!((s.cost_usd, s.cost_estimated), (0.1354875, false));
        assert_eq!(s.models.len(), 1);
    }

    #[test]
    fn before_the_result_the_cost_is_an_estimate_from_the_largest_usage_per_message() {
        let without_result = crate::test_inputs::without_result_line(CLEAN);
        let s = run(&without_result);
        assert!(s.cost_estimated && !s.cost_unknown);
        assert!(s.cost_usd > 0.0);
        let mut sum = 0.0;
        for (model, m) in &s.models {
            let u = Usage {
                input_tokens: m.tokens_in,
                output_tokens: m.tokens_out,
                cache_read_input_tokens: m.tokens_cache_read,
                cache_creation_input_tokens: m.tokens_cache_creation,
                web_search_requests: m.web_searches,
            };
            assert_eq!(m.cost_usd, pricing::cost_usd(model, &u), "{model}");
            sum += m.cost_usd.unwrap_or(f64::NAN);
        }
        assert!((s.cost_usd - sum).abs() < 1e-12);
        // Message ...zYus2L says 11 output tokens on its first line, 324 on a later one:
        // the largest counts, once.
        let first_only: u64 = {
            let mut seen = std::collections::HashSet::new();
            without_result
                .lines()
                .map(|l| parse(l.as_bytes()))
                .filter(|p| p.type_ == "assistant")
                .filter(|p| {
                    p.message_id
                        .as_ref()
                        .is_some_and(|id| seen.insert(id.clone()))
                })
                .filter_map(|p| p.usage.map(|u| u.output_tokens))
                .sum()
        };
        assert!(
            s.tokens_out >= first_only + 324 - 11,
            "{} {first_only}",
            s.tokens_out
        );
        // Each message once: the turns are the distinct assistant messages.
        assert!(s.turns > 0);
    }

    #[test]
    fn stream_events_raise_the_output_of_the_message_being_streamed() {
        let s = run(concat!(
            r#"{"type":"system","subtype":"init","model":"claude-sonnet-4-5-20250929"}"#,
            "\n",
            r#"{"type":"stream_event","event":{"type":"message_start","message":{"id":"m1","model":"claude-sonnet-4-5-20250929","usage":{"input_tokens":100,"output_tokens":1,"cache_read_input_tokens":1000,"cache_creation_input_tokens":null}}}}"#,
            "\n",
            r#"{"type":"stream_event","event":{"type":"content_block_delta","delta":{"type":"text_delta","text":"h"}}}"#,
            "\n",
            r#"{"type":"stream_event","event":{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":40}}}"#,
            "\n",
            // The assistant line of the same message repeats a smaller snapshot.
            r#"{"type":"assistant","message":{"id":"m1","model":"claude-sonnet-4-5-20250929","usage":{"input_tokens":100,"output_tokens":12,"cache_read_input_tokens":1000}}}"#,
            "\n",
            // A subagent's message streams on its own.
            r#"{"type":"stream_event","parent_tool_use_id":"t1","event":{"type":"message_start","message":{"id":"m2","model":"claude-haiku-4-5-20251001","usage":{"input_tokens":7,"output_tokens":1}}}}"#,
            "\n",
            r#"{"type":"stream_event","event":{"type":"message_start","message":{"id":"m3","usage":{"input_tokens":5,"output_tokens":1}}}}"#,
            "\n",
            r#"{"type":"stream_event","parent_tool_use_id":"t1","event":{"type":"message_delta","usage":{"output_tokens":9}}}"#,
            "\n",
            r#"{"type":"stream_event","event":{"type":"message_delta","usage":{"output_tokens":3}}}"#,
            "\n",
        ));
        let sonnet = &s.models["claude-sonnet-4-5-20250929"];
        assert_eq!(tokens(sonnet), [105, 43, 1000, 0]);
        assert_eq!(tokens(&s.models["claude-haiku-4-5-20251001"]), [7, 9, 0, 0]);
        assert_eq!(s.turns, 1, "a turn is an assistant message");
        assert!(s.cost_estimated);
        // 105 × $3 + 43 × $15 + 1000 × $0.30 per million, exactly.
        assert_eq!(sonnet.cost_usd, Some(0.00126));
    }

    #[test]
    fn a_second_result_restates_the_session_totals() {
        let turn = |id: &str, out: u64| {
            format!(
                r#"{{"type":"assistant","message":{{"id":"{id}","model":"claude-haiku-4-5-20251001","usage":{{"input_tokens":10,"output_tokens":{out}}}}}}}"#
            )
        };
        let result = |out: u64, cost: f64| {
            format!(
                r#"{{"type":"result","subtype":"success","is_error":false,"total_cost_usd":{cost},"modelUsage":{{"claude-haiku-4-5-20251001":{{"inputTokens":20,"outputTokens":{out},"cacheReadInputTokens":0,"cacheCreationInputTokens":0,"costUSD":{cost}}}}}}}"#
            )
        };
        let mut s = Summary::new("a", "t", "t0");
        for line in [turn("m1", 5), result(50, 0.01)] {
            s.observe(&parse(line.as_bytes()), "t");
        }
        assert_eq!(
            (s.tokens_out, s.cost_usd, s.cost_estimated),
            (50, 0.01, false)
        );
        // The second turn runs: its tokens are estimated on top of the first result.
        s.observe(&parse(turn("m2", 100).as_bytes()), "t");
        assert_eq!(
            (s.tokens_in, s.tokens_out, s.cost_estimated),
            (30, 150, true)
        );
        assert!((s.cost_usd - (0.01 + (10.0 * 1.0 + 100.0 * 5.0) / 1e6)).abs() < 1e-12);
        // The second result is cumulative over the process: it replaces, never adds.
        s.observe(&parse(result(170, 0.03).as_bytes()), "t");
        assert_eq!((s.tokens_in, s.tokens_out), (20, 170));
        assert_eq!((s.cost_usd, s.cost_estimated), (0.03, false));
        // A late line of an already counted message adds only what grew.
        s.observe(&parse(turn("m2", 100).as_bytes()), "t");
        assert_eq!(s.tokens_out, 170);
    }

    #[test]
    fn a_model_without_a_price_has_an_unknown_cost() {
        let s = run(concat!(
            r#"{"type":"assistant","message":{"id":"m1","model":"claude-sonnet-4-5-20250929","usage":{"input_tokens":1000000}}}"#,
            "\n",
            r#"{"type":"assistant","message":{"id":"m2","model":"mystery-model-9","usage":{"input_tokens":10,"output_tokens":5}}}"#,
            "\n",
        ));
        assert_eq!(s.models["mystery-model-9"].cost_usd, None);
        assert_eq!(s.models["claude-sonnet-4-5-20250929"].cost_usd, Some(3.0));
        assert!(s.cost_unknown && s.cost_estimated);
        assert_eq!(s.cost_usd, 3.0, "the known part only; marked unknown");
        let fields = s.fields();
        let get = |k: &str| fields.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone());
        assert_eq!(get("cost_unknown").as_deref(), Some("true"));
        let models: BTreeMap<String, ModelTotals> =
            serde_json::from_str(&get("models").unwrap_or_default()).unwrap_or_default();
        assert_eq!(models, s.models);
    }

    pub(crate) const RATE_LIMITS: &str = concat!(
        r#"{"type":"rate_limit_event","rate_limit_info":{"status":"allowed","resetsAt":1771390800,"rateLimitType":"five_hour","utilization":40,"overageStatus":"rejected","isUsingOverage":false}}"#,
        "\n",
        r#"{"type":"rate_limit_event","rate_limit_info":{"status":"allowed_warning","resetsAt":1771390800,"rateLimitType":"five_hour","utilization":85}}"#,
        "\n",
        r#"{"type":"rate_limit_event","rate_limit_info":{"status":"allowed","rateLimitType":"seven_day","utilization":null}}"#,
        "\n",
        r#"{"type":"rate_limit_event","rate_limit_info":{"status":"rejected","resetsAt":1771995600,"rateLimitType":"seven_day_opus"}}"#,
        "\n",
        r#"{"type":"rate_limit_event","rate_limit_info":{"status":"rejected","resetsAt":1771995600,"rateLimitType":"seven_day_opus"}}"#,
        "\n",
    );

    #[test]
    fn each_rate_limit_keeps_its_latest_status_use_reset_and_rejections() {
        let s = run(RATE_LIMITS);
        let five = &s.rate_limits["five_hour"];
        assert_eq!(five.status, "allowed_warning");
        assert_eq!(five.utilization, Some(0.85));
        assert_eq!((five.resets_at, five.rejections), (Some(1771390800), 0));
        let week = &s.rate_limits["seven_day"];
        assert_eq!((week.status.as_str(), week.utilization), ("allowed", None));
        let opus = &s.rate_limits["seven_day_opus"];
        assert_eq!((opus.status.as_str(), opus.rejections), ("rejected", 2));
        assert_eq!(s.worst_rate_limit().map(|(k, _)| k), Some("seven_day_opus"));
        // Without a rejection, a warning is worse than the most used allowed limit.
        let s = run(&RATE_LIMITS
            .lines()
            .take(3)
            .map(|l| format!("{l}\n"))
            .collect::<String>());
        assert_eq!(s.worst_rate_limit().map(|(k, _)| k), Some("five_hour"));
        let fields = s.fields();
        let json = fields
            .iter()
            .find(|(n, _)| *n == "rate_limits")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let back: BTreeMap<String, RateLimitState> =
            serde_json::from_str(&json).unwrap_or_default();
        assert_eq!(back, s.rate_limits);
    }
}
