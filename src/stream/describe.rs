//! One-line human descriptions of recorded events, for `stream tail` and the live
//! `--display pretty` view.

use super::parse::{Parsed, parse};
use super::record::{EventType, Record};

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
