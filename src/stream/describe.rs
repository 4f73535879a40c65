//! One-line human descriptions of recorded events, for `stream tail` and the live
//! `--display pretty` view.

use std::collections::VecDeque;
use std::time::Duration;

use super::parse::{Parsed, parse};
use super::record::{EventType, Record};

/// Open tool calls remembered for naming their results: far more than run at once (even
/// with subagents), and a bound on memory when results never come.
const OPEN_TOOL_CALLS: usize = 512;

/// Longest snippet of text or tool input shown.
const SNIPPET: usize = 100;

/// A short description of what a recorded line says.
pub fn describe(record: &Record) -> String {
    describe_parsed(&parse(&record.data), &record.data)
}

/// A short description of a parsed line (`data` is shown for raw lines), safe for a
/// terminal: every part of it (tool names, subtypes, text) comes from the agent.
pub fn describe_parsed(p: &Parsed, data: &[u8]) -> String {
    crate::terminal_text::escape_line(&describe_unescaped(p, data)).into_owned()
}

fn describe_unescaped(p: &Parsed, data: &[u8]) -> String {
    let sub = if p.parent_tool_use_id.is_some() {
        "[subagent] "
    } else {
        ""
    };
    match p.event_type() {
        EventType::ToolUse => {
            let calls: Vec<String> = p
                .tool_uses
                .iter()
                .map(|t| format!("{} {}", t.name, snippet(&t.input)))
                .collect();
            format!("{sub}{}", calls.join("; "))
        }
        EventType::ToolResult => {
            let errors = p.tool_results.iter().filter(|r| r.is_error).count();
            let n = p.tool_results.len();
            match (n, errors) {
                (1, 0) => format!("{sub}tool result ok"),
                (1, _) => format!("{sub}tool result ERROR"),
                _ => format!("{sub}{n} tool results, {errors} errors"),
            }
        }
        EventType::Text | EventType::Thinking => {
            format!(
                "{sub}{}",
                snippet(p.text.as_deref().unwrap_or("(thinking)"))
            )
        }
        EventType::Result | EventType::Error if p.result.is_some() => {
            let r = p
                .result
                .as_ref()
                .map(|r| (r.num_turns, r.total_cost_usd, r.is_error));
            let (turns, cost, failed) = r.unwrap_or((None, None, false));
            format!(
                "{} {}{}",
                if failed { "FAILED" } else { "done" },
                if p.subtype.is_empty() {
                    String::new()
                } else {
                    format!("({}) ", p.subtype)
                },
                [
                    turns.map(|t| format!("turns={t}")),
                    cost.map(|c| format!("cost=${c:.4}")),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ")
            )
        }
        EventType::Error => format!("{sub}error: {}", p.error.as_deref().unwrap_or("unknown")),
        EventType::System => {
            if p.subtype.is_empty() {
                p.type_.clone()
            } else {
                format!("{}/{}", p.type_, p.subtype)
            }
        }
        EventType::Raw => snippet(&String::from_utf8_lossy(data)),
        EventType::Result | EventType::StreamEvent | EventType::Unknown => p.type_.clone(),
    }
}

/// The tool calls seen and when, so a tool result can name its tool and how long it took
/// (`Bash 2.1s ok`). Kept where the view is produced (the live view, `stream tail`);
/// bounded, the oldest forgotten. Times are offsets on any one clock.
#[derive(Debug, Default)]
pub struct ToolClock {
    open: VecDeque<(String, String, Duration)>,
}

impl ToolClock {
    /// Describes a line that arrived at `at`, as [`describe_parsed`] does, naming the tool
    /// and the time since its call for each tool result whose call was seen.
    pub fn describe(&mut self, p: &Parsed, data: &[u8], at: Duration) -> String {
        for t in &p.tool_uses {
            if self.open.len() == OPEN_TOOL_CALLS {
                self.open.pop_front();
            }
            self.open.push_back((t.id.clone(), t.name.clone(), at));
        }
        if p.event_type() != EventType::ToolResult || p.tool_results.is_empty() {
            return describe_parsed(p, data);
        }
        let mut named = Vec::with_capacity(p.tool_results.len());
        for r in &p.tool_results {
            let call = self
                .open
                .iter()
                .position(|(id, _, _)| *id == r.tool_use_id)
                .and_then(|i| self.open.remove(i));
            named.push(tool_result_text(
                call.map(|(_, name, start)| (name, at.saturating_sub(start))),
                r.is_error,
            ));
        }
        let sub = if p.parent_tool_use_id.is_some() {
            "[subagent] "
        } else {
            ""
        };
        crate::terminal_text::escape_line(&format!("{sub}{}", named.join(", "))).into_owned()
    }

    /// Describes a recorded line, timed by its receive time.
    pub fn describe_record(&mut self, record: &Record) -> String {
        let at = record
            .timestamp
            .parse::<jiff::Timestamp>()
            .ok()
            .and_then(|t| u64::try_from(t.as_millisecond()).ok());
        match at {
            Some(ms) => self.describe(
                &parse(&record.data),
                &record.data,
                Duration::from_millis(ms),
            ),
            None => describe(record),
        }
    }
}

/// `Bash 2.1s ok`, `Read 0.0s error`; `tool result ok` when the call was not seen.
fn tool_result_text(call: Option<(String, Duration)>, is_error: bool) -> String {
    let outcome = if is_error { "error" } else { "ok" };
    match call {
        Some((name, took)) => format!("{name} {:.1}s {outcome}", took.as_secs_f64()),
        None => format!("tool result {outcome}"),
    }
}

/// The first line of `text`, cut to a readable length on a character boundary.
pub fn snippet(text: &str) -> String {
    let line = text.lines().next().unwrap_or("");
    let mut cut: String = line.chars().take(SNIPPET).collect();
    if cut.len() < line.len() || text.lines().nth(1).is_some() {
        cut.push('…');
    }
    // Control characters would let recorded output drive the terminal.
    crate::terminal_text::escape_line(&cut).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(s: &str) -> Parsed {
        parse(s.as_bytes())
    }

    const CALLS: &str = r#"{"type":"assistant","message":{"id":"m1","content":[{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"ls"}},{"type":"tool_use","id":"t2","name":"Read","input":{"file_path":"/x"}}]}}"#;

    fn result(id: &str, error: bool) -> String {
        format!(
            r#"{{"type":"user","message":{{"content":[{{"type":"tool_result","tool_use_id":"{id}","is_error":{error},"content":"x"}}]}}}}"#
        )
    }

    #[test]
    fn a_tool_result_names_its_tool_and_how_long_it_took() {
        let mut clock = ToolClock::default();
        let t0 = Duration::ZERO;
        let calls = line(CALLS);
        assert_eq!(
            clock.describe(&calls, CALLS.as_bytes(), t0),
            describe_parsed(&calls, CALLS.as_bytes())
        );
        let r = result("t1", false);
        assert_eq!(
            clock.describe(&line(&r), r.as_bytes(), t0 + Duration::from_millis(2100)),
            "Bash 2.1s ok"
        );
        let r = result("t2", true);
        assert_eq!(
            clock.describe(&line(&r), r.as_bytes(), t0 + Duration::from_millis(20)),
            "Read 0.0s error"
        );
        // Answered calls are forgotten; an unknown call keeps the plain description.
        let r = result("t1", false);
        assert_eq!(
            clock.describe(&line(&r), r.as_bytes(), t0),
            "tool result ok"
        );
        assert!(clock.open.is_empty());
    }

    #[test]
    fn several_results_and_subagents_are_named_each() {
        let mut clock = ToolClock::default();
        let t0 = Duration::ZERO;
        clock.describe(&line(CALLS), CALLS.as_bytes(), t0);
        let both = r#"{"type":"user","parent_tool_use_id":"p","message":{"content":[{"type":"tool_result","tool_use_id":"t2","is_error":false},{"type":"tool_result","tool_use_id":"t1","is_error":true}]}}"#;
        assert_eq!(
            clock.describe(&line(both), both.as_bytes(), t0 + Duration::from_secs(1)),
            "[subagent] Read 1.0s ok, Bash 1.0s error"
        );
    }

    #[test]
    fn open_calls_are_bounded_and_tool_names_escaped() {
        let mut clock = ToolClock::default();
        let t0 = Duration::ZERO;
        for i in 0..OPEN_TOOL_CALLS + 10 {
            let call = format!(
                r#"{{"type":"assistant","message":{{"id":"m{i}","content":[{{"type":"tool_use","id":"c{i}","name":"T\u001b[31m{i}","input":{{}}}}]}}}}"#
            );
            clock.describe(&line(&call), call.as_bytes(), t0);
        }
        assert_eq!(clock.open.len(), OPEN_TOOL_CALLS);
        let r = result("c0", false);
        assert_eq!(
            clock.describe(&line(&r), r.as_bytes(), t0),
            "tool result ok",
            "forgotten"
        );
        let last = OPEN_TOOL_CALLS + 9;
        let r = result(&format!("c{last}"), false);
        assert_eq!(
            clock.describe(&line(&r), r.as_bytes(), t0),
            format!("T\\x1b[31m{last} 0.0s ok")
        );
    }

    fn record(data: &str, timestamp: &str) -> Record {
        Record {
            timestamp: timestamp.to_owned(),
            event_type: EventType::Unknown,
            ..Record::raw("a", "r", 1, data.as_bytes().to_vec())
        }
    }

    #[test]
    fn recorded_tool_results_are_timed_by_their_receive_times() {
        let mut clock = ToolClock::default();
        let call = r#"{"type":"assistant","message":{"id":"m1","content":[{"type":"tool_use","id":"t1","name":"Bash","input":{}}]}}"#;
        let result =
            r#"{"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"t1"}]}}"#;
        clock.describe_record(&record(call, "2026-12-06T12:00:00.000Z"));
        assert_eq!(
            clock.describe_record(&record(result, "2026-12-06T12:00:02.140Z")),
            "Bash 2.1s ok"
        );
        assert_eq!(
            clock.describe_record(&record(result, "not a time")),
            "tool result ok"
        );
    }
}
