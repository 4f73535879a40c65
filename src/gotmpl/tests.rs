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
