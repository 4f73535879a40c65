//! `--format json`: an array of flat objects, one per diagnostic, with exactly the keys
//! docs/architecture.md section 5 names; `[]` when clean. Scripts depend on this shape.

use serde::Serialize;

use super::super::Report;
use super::{file_name, positions};

#[derive(Serialize)]
struct Item<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    severity: &'static str,
    code: &'static str,
    message: &'a str,
    group: Option<&'a str>,
    rule: Option<&'a str>,
}

/// The JSON array, pretty-printed, with a trailing newline.
pub fn json(report: &Report) -> String {
    let items: Vec<Item<'_>> = report
        .diagnostics
        .iter()
        .map(|d| {
            let (start, end) = positions(report, d);
            Item {
                file: file_name(report, d),
                line: start.line,
                column: start.column,
                end_line: end.line,
                end_column: end.column,
                severity: d.severity.as_str(),
                code: d.code.name(),
                message: &d.message,
                group: d.group.as_deref(),
                rule: d.rule.as_deref(),
            }
        })
        .collect();
    // Sized up front: growing a string of tens of thousands of findings by doubling would
    // hold two copies of it at the peak.
    let estimate: usize = items
        .iter()
        .map(|i| {
            256 + i.file.len()
                + i.message.len()
                + i.group.map_or(0, str::len)
                + i.rule.map_or(0, str::len)
        })
        .sum();
    let mut bytes = Vec::with_capacity(estimate + 3);
    if serde_json::to_writer_pretty(&mut bytes, &items).is_err() {
        return "[]\n".to_owned();
    }
    bytes.push(b'\n');
    String::from_utf8(bytes).unwrap_or_else(|_| "[]\n".to_owned())
}
