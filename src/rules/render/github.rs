//! `--format github`: GitHub Actions workflow commands, so findings show up as annotations
//! on the pull request's diff.

use std::fmt::Write as _;

use super::super::Report;
use super::super::diagnostic::Severity;
use super::{file_name, positions};

/// One `::error file=...::message` line per diagnostic.
pub fn github(report: &Report) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        let (start, end) = positions(report, d);
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let _ = writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            property(file_name(report, d)),
            start.line,
            start.column,
            end.line,
            end.column,
            property(&format!("ccmon {}", d.code.name())),
            data(&d.message),
        );
    }
    out
}

/// Escapes a message as the runner's command parser expects. Other control characters
/// are shown as `\x1b`-style text first: the Actions log renders ANSI sequences too.
fn data(text: &str) -> String {
    crate::terminal_text::escape(text)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value, where `:` and `,` are also special.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_characters_are_escaped() {
        let cases = [
            (data("50%\nnext"), "50%25%0Anext"),
            (property("a:b,c"), "a%3Ab%2Cc"),
            (data("x\x1b[2J"), "x\\x1b[2J"),
        ];
        for (escaped, want) in cases {
            assert_eq!(escaped, want);
        }
    }
}
