//! Differential check against real Go: every case in the fixture was labelled by Go 1.19's
//! `text/template` exactly as promtool parses alert templates. Verdicts must match, and error
//! messages must match exactly except for documented changes in Go after 1.19, which this
//! parser follows (it tracks current Go).

use super::super::*;
use super::fixture_rows;

const FIXTURE: &str = include_str!("../../../tests/fixtures/gotmpl/go119_differential.txt");

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// Differences between Go 1.19 and current Go's parser that the corpus can exhibit.
fn newer_go_difference(text: &str, go119: Option<&str>, ours: Option<&str>) -> bool {
    // Since Go 1.20 the lexer reports an extra ')' before handing it to the parser
    // ("unexpected right paren"); 1.19 emitted the paren first, so the parser complained.
    // Which error wins then differs too (e.g. "range can only initialize variables").
    if ours.is_some()
        && go119.is_some_and(|m| {
            m.starts_with("unexpected \")\" in ") || m.starts_with("unexpected right paren")
        })
    {
        return true;
    }
    // Go 1.23 added {{else with}}; 1.19 rejects it.
    if go119 == Some("unexpected <with> in else") && text.contains("with") {
        return true;
    }
    false
}

#[test]
fn matches_go_on_random_corpus() {
    let rows = fixture_rows(FIXTURE, 1001);
    let mut failures = Vec::new();
    for (line, parts) in &rows {
        let (go_msg, text) = match parts.as_slice() {
            ["ok", t] => (None, unescape(t)),
            ["err", m, t] => (Some(unescape(m)), unescape(t)),
            _ => {
                failures.push(format!("malformed line {line:?}"));
                continue;
            }
        };
        let ours = parse_prometheus(&text).err().map(|e| e.message);
        if ours == go_msg || newer_go_difference(&text, go_msg.as_deref(), ours.as_deref()) {
            continue;
        }
        failures.push(format!(
            "{text:?}\n    go 1.19: {go_msg:?}\n    ours:    {ours:?}"
        ));
    }
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        rows.len(),
        failures
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
