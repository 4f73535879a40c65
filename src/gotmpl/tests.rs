//! Tests: Go's `parse_test.go` tables transcribed, Prometheus annotation cases, span checks,
//! and a randomized no-panic test.

// Tests may index and unwrap freely: a panic there is a test failure, not a crash.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::panic
)]

use super::parse::{Limits, parse_text};
use super::strconv::{NumberKind, new_number};
use super::*;

mod go_differential;
mod go_lex;
mod go_tables;
mod prometheus;
mod robustness;

/// The cases of a tab-separated fixture, each line with its fields (blank lines and `#`
/// comments skipped); fails when there are fewer than `at_least`, so a truncated fixture
/// cannot pass by testing nothing.
fn fixture_rows(fixture: &str, at_least: usize) -> Vec<(&str, Vec<&str>)> {
    let rows: Vec<(&str, Vec<&str>)> = fixture
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| (l, l.split('\t').collect()))
        .collect();
    assert!(
        rows.len() >= at_least,
        "fixture has only {} cases",
        rows.len()
    );
    rows
}

/// Fails with every collected failure, one a line, so one run shows them all.
fn assert_no_failures(failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Parses like Go's parse tests: given funcs, `maxStackDepth = 3` as Go's test `init` sets it.
fn go_parse(input: &str, funcs: &[&str]) -> Result<Template, TemplateError> {
    let f = |name: &str| funcs.contains(&name);
    parse_text(
        input,
        &f,
        &[],
        Limits {
            max_paren_depth: 3,
            max_nesting: 200,
        },
    )
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    1 + text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

#[test]
fn number_kind_is_reachable() {
    // Keeps the direct number API exercised even if the tables change.
    assert!(new_number("1", NumberKind::Plain).is_ok());
}
