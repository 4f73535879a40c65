//! `stream report`: the fleet's tokens and cost, by agent, model or day, computed from the
//! agents' summaries (the meta hashes in Redis, or the spool's summaries). Pure functions
//! over [`Summary`] values; the command reads the store and renders the [`Report`].
//!
//! Each agent counts with its summary as last written: exact where a `result` made it so,
//! estimated (tokens × the price table) for what ran since, unknown for tokens of a model
//! without a price. A row's cost says which of these it holds; an unknown part is never
//! counted as $0. `--by day` puts a whole agent on the UTC day of its last event: splitting
//! one run across midnight would need its events, which the summaries do not keep.

use std::collections::BTreeMap;

use serde::Serialize;

use super::summary::{ModelTotals, Summary};

/// How the rows of a report are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    /// One row per agent.
    Agent,
    /// One row per model (an agent that used two models counts in both rows).
    Model,
    /// One row per UTC day of the agents' last events.
    Day,
}

/// The figures of one row (or of the total).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Figures {
    /// Agents counted in the row.
    pub agents: u64,
    /// Uncached input tokens.
    pub tokens_in: u64,
    /// Output tokens.
    pub tokens_out: u64,
    /// Cache-read input tokens.
    pub tokens_cache_read: u64,
    /// Cache-creation input tokens.
    pub tokens_cache_creation: u64,
    /// The cost in USD of every token with a known price, exact and estimated parts
    /// together; `None` when no part of the cost is known (every model without a price).
    pub cost_usd: Option<f64>,
    /// The part of `cost_usd` that comes from agents whose cost is still (partly) an
    /// estimate: tokens × the price table, not yet made exact by a `result` line.
    pub cost_estimated_usd: f64,
    /// Whether any of `cost_usd` is estimated.
    pub cost_estimated: bool,
    /// Whether some tokens are of a model without a price: the real cost is then higher
    /// than `cost_usd` by an unknown amount.
    pub cost_unknown: bool,
}

impl Figures {
    /// Adds one agent's (or one agent's model's) figures: `cost` is `None` when unknown.
    fn add(&mut self, tokens: [u64; 4], cost: Option<f64>, estimated: bool, unknown: bool) {
        self.agents += 1;
        self.tokens_in += tokens[0];
        self.tokens_out += tokens[1];
        self.tokens_cache_read += tokens[2];
        self.tokens_cache_creation += tokens[3];
        if let Some(c) = cost {
            self.cost_usd = Some(self.cost_usd.unwrap_or(0.0) + c);
            if estimated {
                self.cost_estimated_usd += c;
                self.cost_estimated = true;
            }
        }
        self.cost_unknown |= unknown || cost.is_none();
    }

    /// Adds a whole agent.
    fn add_agent(&mut self, s: &Summary) {
        // The summary's cost leaves unpriced models out; with nothing priced it is unknown.
        let known = !s.cost_unknown || s.cost_usd > 0.0 || s.models.values().any(priced);
        let cost = known.then_some(s.cost_usd);
        self.add(
            [
                s.tokens_in,
                s.tokens_out,
                s.tokens_cache_read,
                s.tokens_cache_creation,
            ],
            cost,
            s.cost_estimated,
            s.cost_unknown,
        );
    }
}

fn priced(m: &ModelTotals) -> bool {
    m.cost_usd.is_some()
}

/// One row: its key (agent id, model or day) and figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// The agent id, model name or UTC day (`YYYY-MM-DD`) of the row.
    pub key: String,
    /// The row's figures.
    #[serde(flatten)]
    pub figures: Figures,
}

/// A report: rows and their total, with what it covers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// How rows are grouped: `agent`, `model` or `day`.
    pub by: GroupBy,
    /// Only agents whose last event is at or after this time (RFC 3339), when limited.
    pub since: Option<String>,
    /// The rows: by cost, highest first (days: oldest first).
    pub rows: Vec<Row>,
    /// Every agent counted once, whatever the grouping.
    pub total: Figures,
}

/// The model key of the tokens of an agent that recorded no per-model figures (a meta hash
/// written before they existed).
const UNKNOWN_MODEL: &str = "unknown";

/// The report over `agents`: those whose last event is at or after `since` (all when
/// `None`; an agent whose last event time cannot be read is left out of a limited report),
/// grouped `by`.
pub fn build(agents: &[Summary], by: GroupBy, since: Option<jiff::Timestamp>) -> Report {
    let counted: Vec<&Summary> = agents
        .iter()
        .filter(|s| match since {
            None => true,
            Some(t) => last_event(s).is_some_and(|at| at >= t),
        })
        .collect();
    let mut total = Figures::default();
    let mut groups: BTreeMap<String, Figures> = BTreeMap::new();
    for s in &counted {
        total.add_agent(s);
        match by {
            GroupBy::Agent => groups.entry(s.agent_id.clone()).or_default().add_agent(s),
            GroupBy::Day => groups.entry(day_of(s)).or_default().add_agent(s),
            GroupBy::Model => {
                for (model, m) in models_of(s) {
                    groups.entry(model).or_default().add(
                        [
                            m.tokens_in,
                            m.tokens_out,
                            m.tokens_cache_read,
                            m.tokens_cache_creation,
                        ],
                        m.cost_usd,
                        // The summary does not say which model's cost is estimated: each
                        // model of an agent whose cost is estimated is marked.
                        s.cost_estimated,
                        false,
                    );
                }
            }
        }
    }
    let mut rows: Vec<Row> = groups
        .into_iter()
        .map(|(key, figures)| Row { key, figures })
        .collect();
    if by != GroupBy::Day {
        // Highest cost first; an unknown cost after the known ones, then by key.
        rows.sort_by(|a, b| {
            let cost = |r: &Row| r.figures.cost_usd.unwrap_or(-1.0);
            cost(b).total_cmp(&cost(a)).then_with(|| a.key.cmp(&b.key))
        });
    }
    Report {
        by,
        since: since.map(crate::clock::rfc3339),
        rows,
        total,
    }
}

/// When the agent's last event arrived.
fn last_event(s: &Summary) -> Option<jiff::Timestamp> {
    s.last_event_at.parse().ok()
}

/// The UTC day of the agent's last event, `YYYY-MM-DD` (`unknown` when unreadable).
fn day_of(s: &Summary) -> String {
    last_event(s).map_or_else(
        || "unknown".to_owned(),
        |t| t.strftime("%Y-%m-%d").to_string(),
    )
}

/// The agent's figures per model; an agent with tokens but no per-model figures counts
/// whole under its session model.
fn models_of(s: &Summary) -> Vec<(String, ModelTotals)> {
    if !s.models.is_empty() {
        return s
            .models
            .iter()
            .map(|(k, m)| (k.clone(), m.clone()))
            .collect();
    }
    let any = s.tokens_in + s.tokens_out + s.tokens_cache_read + s.tokens_cache_creation > 0
        || s.cost_usd > 0.0;
    if !any {
        return Vec::new();
    }
    let model = if s.model.is_empty() {
        UNKNOWN_MODEL.to_owned()
    } else {
        s.model.clone()
    };
    vec![(
        model,
        ModelTotals {
            tokens_in: s.tokens_in,
            tokens_out: s.tokens_out,
            tokens_cache_read: s.tokens_cache_read,
            tokens_cache_creation: s.tokens_cache_creation,
            web_searches: 0,
            cost_usd: (!s.cost_unknown || s.cost_usd > 0.0).then_some(s.cost_usd),
        },
    )]
}

/// A cost as people read it: `$0.2109` exact, `~$0.2109` including an estimate, `$0.21+?`
/// with an unknown part on top, `?` when nothing of it is known. Never `$0` for unknown.
pub fn cost_text(cost_usd: Option<f64>, estimated: bool, unknown: bool) -> String {
    let approx = if estimated { "~" } else { "" };
    match (cost_usd, unknown) {
        (None, _) => "?".to_owned(),
        (Some(c), true) if c <= 0.0 => "?".to_owned(),
        (Some(c), true) => format!("{approx}${c:.4}+?"),
        (Some(c), false) => format!("{approx}${c:.4}"),
    }
}

/// The cost of an agent's summary, as [`cost_text`] shows it.
pub fn summary_cost_text(s: &Summary) -> String {
    cost_text(Some(s.cost_usd), s.cost_estimated, s.cost_unknown)
}

/// The worst rate limit of an agent, e.g. `5h 85%` or `7d rejected until 14:00Z` (UTC);
/// `-` when the agent reported none. The limit's name comes from the agent: escape it
/// before showing it on a terminal.
pub fn rate_limit_text(s: &Summary, now: jiff::Timestamp) -> String {
    let Some((kind, rl)) = s.worst_rate_limit() else {
        return "-".to_owned();
    };
    let name = match kind {
        "five_hour" => "5h".to_owned(),
        "seven_day" => "7d".to_owned(),
        other => match other.strip_prefix("seven_day_") {
            Some(model) => format!("7d {model}"),
            None => other.to_owned(),
        },
    };
    let reset = rl
        .resets_at
        .and_then(|t| jiff::Timestamp::from_second(t).ok())
        .filter(|t| *t > now)
        .map(|t| format!(" until {}", t.strftime("%H:%MZ")));
    match (rl.status.as_str(), rl.utilization) {
        ("rejected", _) => format!("{name} rejected{}", reset.unwrap_or_default()),
        (status, Some(u)) => {
            let warn = if status == "allowed_warning" {
                " warning"
            } else {
                ""
            };
            format!("{name} {:.0}%{warn}", u * 100.0)
        }
        ("allowed_warning", None) => format!("{name} warning"),
        (status, None) => format!("{name} {status}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::parse::parse;

    const CLEAN: &str = include_str!("../../tests/fixtures/stream-json/claude-clean-simple.jsonl");
    const GLEAM: &str = include_str!("../../tests/fixtures/stream-json/gleam-basic-query.ndjson");

    fn agent(id: &str, lines: &str, at: &str) -> Summary {
        let mut s = Summary::new(id, "test", at);
        for line in lines.lines() {
            s.observe(&parse(line.as_bytes()), at);
        }
        s
    }

    fn tokens(f: &Figures) -> [u64; 4] {
        [
            f.tokens_in,
            f.tokens_out,
            f.tokens_cache_read,
            f.tokens_cache_creation,
        ]
    }

    fn fleet() -> Vec<Summary> {
        vec![
            agent("clean", CLEAN, "2026-12-05T23:59:00Z"),
            agent("gleam", GLEAM, "2026-12-06T10:00:00Z"),
            agent(
                "local",
                r#"{"type":"assistant","message":{"id":"m1","model":"mystery-9","usage":{"input_tokens":10,"output_tokens":5}}}"#,
                "2026-12-06T11:00:00Z",
            ),
        ]
    }

    #[test]
    fn by_agent_gives_each_recordings_exact_totals_and_an_unknown_cost_as_unknown() {
        let r = build(&fleet(), GroupBy::Agent, None);
        let keys: Vec<&str> = r.rows.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(keys, ["clean", "gleam", "local"], "by cost, unknown last");
        let clean = &r.rows[0].figures;
        assert_eq!(tokens(clean), [7584, 3704, 85759, 43679]);
        assert_eq!(clean.cost_usd, Some(0.21085415));
        assert!(!clean.cost_estimated && !clean.cost_unknown);
        assert_eq!(r.rows[1].figures.cost_usd, Some(0.1354875));
        let local = &r.rows[2].figures;
        assert_eq!(local.cost_usd, None);
        assert!(local.cost_unknown);
        assert_eq!(
            cost_text(local.cost_usd, local.cost_estimated, local.cost_unknown),
            "?"
        );
        // The total: every agent once; known costs summed, the unknown part flagged.
        assert_eq!(r.total.agents, 3);
        assert_eq!(
            tokens(&r.total),
            [7584 + 10 + 10, 3704 + 25 + 5, 85759, 43679 + 21570]
        );
        assert_eq!(r.total.cost_usd, Some(0.21085415 + 0.1354875));
        assert!(r.total.cost_unknown && !r.total.cost_estimated);
        assert_eq!(
            cost_text(
                r.total.cost_usd,
                r.total.cost_estimated,
                r.total.cost_unknown
            ),
            "$0.3463+?"
        );
    }

    #[test]
    fn by_model_gives_each_models_figures_and_the_same_total() {
        let agents = fleet();
        let r = build(&agents, GroupBy::Model, None);
        let by_key = |k: &str| {
            r.rows
                .iter()
                .find(|r| r.key == k)
                .map(|r| r.figures.clone())
                .unwrap_or_default()
        };
        let haiku = by_key("claude-haiku-4-5-20251001");
        assert_eq!(tokens(&haiku), [7460, 1331, 18159, 14048]);
        assert_eq!(haiku.cost_usd, Some(0.033490900000000004));
        let sonnet = by_key("claude-sonnet-4-5-20250929");
        assert_eq!(tokens(&sonnet), [124, 2373, 67600, 29631]);
        assert_eq!(sonnet.cost_usd, Some(0.17736324999999997));
        assert_eq!(by_key("claude-opus-4-5-20251101").cost_usd, Some(0.1354875));
        let mystery = by_key("mystery-9");
        assert_eq!((mystery.cost_usd, mystery.cost_unknown), (None, true));
        assert_eq!(r.rows.len(), 4);
        assert_eq!(r.rows[3].key, "mystery-9");
        assert_eq!(r.total, build(&agents, GroupBy::Agent, None).total);
    }

    #[test]
    fn by_day_groups_on_the_utc_day_of_the_last_event_and_since_filters_on_it() {
        let agents = fleet();
        let r = build(&agents, GroupBy::Day, None);
        let rows: Vec<(&str, u64)> = r
            .rows
            .iter()
            .map(|r| (r.key.as_str(), r.figures.agents))
            .collect();
        assert_eq!(rows, [("2026-12-05", 1), ("2026-12-06", 2)]);
        let since: jiff::Timestamp = "2026-12-06T00:00:00Z".parse().unwrap();
        let r = build(&agents, GroupBy::Agent, Some(since));
        let keys: Vec<&str> = r.rows.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(keys, ["gleam", "local"]);
        assert_eq!(r.total.agents, 2);
        assert_eq!(r.since.as_deref(), Some("2026-12-06T00:00:00.000Z"));
        // A time that cannot be read is not "recent".
        let mut odd = agents[0].clone();
        odd.last_event_at = "garbage".into();
        assert!(
            build(&[odd.clone()], GroupBy::Agent, Some(since))
                .rows
                .is_empty()
        );
        assert_eq!(build(&[odd], GroupBy::Day, None).rows[0].key, "unknown");
    }

    #[test]
    fn an_estimated_cost_is_marked_and_counted_as_the_estimated_part() {
        let without_result = crate::test_inputs::without_result_line(CLEAN);
        let live = agent("live", &without_result, "2026-12-06T10:00:00Z");
        let done = agent("gleam", GLEAM, "2026-12-06T10:00:00Z");
        let r = build(&[live.clone(), done], GroupBy::Agent, None);
        let t = &r.total;
        assert!(t.cost_estimated && !t.cost_unknown);
        assert_eq!(t.cost_estimated_usd, live.cost_usd);
        assert_eq!(t.cost_usd, Some(live.cost_usd + 0.1354875));
        assert!(cost_text(t.cost_usd, t.cost_estimated, t.cost_unknown).starts_with("~$"));
        let by_model = build(&[live], GroupBy::Model, None);
        assert!(by_model.rows.iter().all(|r| r.figures.cost_estimated));
    }

    #[test]
    fn an_agent_without_per_model_figures_counts_under_its_model() {
        let mut s = Summary::new("old", "test", "2026-12-06T10:00:00Z");
        s.model = "claude-sonnet-4-5-20250929".into();
        s.tokens_out = 100;
        s.cost_usd = 0.5;
        let r = build(&[s, Summary::new("idle", "t", "x")], GroupBy::Model, None);
        assert_eq!(r.rows.len(), 1);
        assert_eq!(r.rows[0].key, "claude-sonnet-4-5-20250929");
        assert_eq!(r.rows[0].figures.cost_usd, Some(0.5));
        assert_eq!(r.total.agents, 2);
    }

    #[test]
    fn costs_read_as_exact_estimated_partly_unknown_or_unknown() {
        assert_eq!(cost_text(Some(0.21085415), false, false), "$0.2109");
        assert_eq!(cost_text(Some(1.5), true, false), "~$1.5000");
        assert_eq!(cost_text(Some(1.5), true, true), "~$1.5000+?");
        assert_eq!(cost_text(Some(0.0), true, true), "?");
        assert_eq!(cost_text(None, false, false), "?");
        assert_eq!(cost_text(Some(0.0), false, false), "$0.0000");
    }

    #[test]
    fn json_field_names_are_stable() {
        let r = build(&fleet(), GroupBy::Model, None);
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["by"], "model");
        assert_eq!(v["since"], serde_json::Value::Null);
        let row = v["rows"][0].as_object().unwrap();
        let mut keys: Vec<&str> = row.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "agents",
                "cost_estimated",
                "cost_estimated_usd",
                "cost_unknown",
                "cost_usd",
                "key",
                "tokens_cache_creation",
                "tokens_cache_read",
                "tokens_in",
                "tokens_out"
            ]
        );
        assert_eq!(v["total"]["agents"], 3);
    }
}
