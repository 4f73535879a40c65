//! `--format json`: an array of flat objects, one per diagnostic, with exactly the keys
//! docs/architecture.md section 5 names; `[]` when clean. Scripts depend on this shape.

use std::io::Write;

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
    let mut bytes = Vec::new();
    if write_json(report, &mut bytes).is_err() {
        return "[]\n".to_owned();
    }
    String::from_utf8(bytes).unwrap_or_else(|_| "[]\n".to_owned())
}

/// Writes what [`json`] returns to `w` one finding at a time, each redacted on its own
/// (a secret never spans two findings), so a run with 100,000 findings never holds the
/// whole report as one string besides the findings themselves.
pub fn write_json(report: &Report, w: &mut dyn Write) -> std::io::Result<()> {
    if report.diagnostics.is_empty() {
        return w.write_all(b"[]\n");
    }
    w.write_all(b"[\n")?;
    let mut item_bytes = Vec::with_capacity(1024);
    let mut indented = String::with_capacity(1024);
    for (i, d) in report.diagnostics.iter().enumerate() {
        let (start, end) = positions(report, d);
        let item = Item {
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
        };
        item_bytes.clear();
        serde_json::to_writer_pretty(&mut item_bytes, &item)?;
        // Inside the array every line is indented once more, as the array printed whole.
        indented.clear();
        for (n, line) in String::from_utf8_lossy(&item_bytes).lines().enumerate() {
            if n > 0 {
                indented.push('\n');
            }
            indented.push_str("  ");
            indented.push_str(line);
        }
        indented.push_str(if i + 1 < report.diagnostics.len() {
            ",\n"
        } else {
            "\n"
        });
        w.write_all(crate::redact::redact(&indented).as_bytes())?;
    }
    w.write_all(b"]\n")
}
