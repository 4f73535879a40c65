//! `--format gitlab`: GitLab Code Quality (a JSON array of issues in Code Climate's
//! shape), which merge requests show inline. Each finding's fingerprint is a hash of what
//! identifies it (file, code, group, rule, message), never of its line: a finding that
//! only moves keeps its fingerprint, so GitLab does not call it fixed and new again.

use std::collections::HashMap;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::super::Report;
use super::super::diagnostic::{Diagnostic, Severity};
use super::{file_name, positions};

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'static str,
    fingerprint: String,
    severity: &'static str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
}

/// The Code Quality report, pretty-printed; `[]` when clean.
pub fn gitlab(report: &Report) -> String {
    // Findings identical but for their place (the same message twice in one rule) are
    // told apart by their order, which moves less than their line numbers.
    let mut seen: HashMap<[u8; 32], usize> = HashMap::new();
    let issues: Vec<Issue<'_>> = report
        .diagnostics
        .iter()
        .map(|d| {
            let (start, _) = positions(report, d);
            let path = file_name(report, d);
            let identity = identity(path, d);
            let occurrence = seen.entry(identity).or_insert(0);
            *occurrence += 1;
            let mut hasher = Sha256::new();
            hasher.update(identity);
            hasher.update(occurrence.to_le_bytes());
            Issue {
                description: match &d.rule {
                    Some(rule) => format!("{}: {}", rule, d.message),
                    None => d.message.to_string(),
                },
                check_name: d.code.name(),
                fingerprint: hex(&hasher.finalize()[..16]),
                severity: severity(d.severity),
                location: Location {
                    path,
                    lines: Lines { begin: start.line },
                },
            }
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".to_owned());
    text.push('\n');
    text
}

/// A hash of what identifies a finding, each part length-prefixed so that no two
/// different findings can run together into the same bytes.
fn identity(path: &str, d: &Diagnostic) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for part in [
        path,
        d.code.name(),
        d.group.as_deref().unwrap_or(""),
        d.rule.as_deref().unwrap_or(""),
        &d.message,
    ] {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    hasher.finalize().into()
}

/// GitLab's severities are info, minor, major, critical and blocker: an error is a rule
/// file Prometheus rejects, which blocks nothing else in the merge request but breaks the
/// deployment, so critical; a warning is a rule that probably misbehaves.
fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "critical",
        Severity::Warning => "major",
        Severity::Info => "info",
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
