//! `--format human`: ruff-style findings for people, `path:line:col: severity[code]
//! message`, then the source line with a caret under the fault, and a summary at the end.

use std::fmt::Write as _;

use super::super::Report;
use super::super::diagnostic::Severity;
use super::{file_name, positions};
use crate::terminal_text::{escape_line, escaped_width};

/// The findings and a one-line summary; ANSI colour only when `color`.
pub fn human(report: &Report, color: bool) -> String {
    let paint = |code: &str, text: &str| {
        if color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    };
    let mut out = String::new();
    for d in &report.diagnostics {
        let (start, end) = positions(report, d);
        let severity = match d.severity {
            Severity::Error => paint("1;31", "error"),
            Severity::Warning => paint("1;33", "warning"),
            Severity::Info => paint("1;36", "info"),
        };
        // The message quotes the rule file and the source line is the rule file: both are
        // escaped so the file's control characters cannot drive the terminal.
        let _ = writeln!(
            out,
            "{}:{}:{}: {severity}[{}] {}",
            paint("1", &escape_line(file_name(report, d))),
            start.line,
            start.column,
            d.code.name(),
            escape_line(&d.message)
        );
        let Some(file) = report.files.get(d.file) else {
            continue;
        };
        let line = file.line_text(start.line);
        // Tabs would shift the caret; show them as one space each.
        let spaced: String = line
            .chars()
            .map(|c| if c == '\t' { ' ' } else { c })
            .collect();
        let shown = escape_line(&spaced);
        // Columns count characters of the source; an escaped character is wider on screen.
        let before: String = spaced.chars().take(start.column - 1).collect();
        let span: String = if end.line == start.line {
            spaced
                .chars()
                .skip(start.column - 1)
                .take(end.column.saturating_sub(start.column))
                .collect()
        } else {
            spaced.chars().skip(start.column - 1).collect()
        };
        let width = escaped_width(&span).max(1);
        let gutter = start.line.to_string().len();
        let pad = " ".repeat(gutter);
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(out, "{} | {shown}", start.line);
        let _ = writeln!(
            out,
            "{pad} | {}{}",
            " ".repeat(escaped_width(&before)),
            paint("1;31", &"^".repeat(width))
        );
        out.push('\n');
    }
    out.push_str(&summary(report));
    out
}

/// `Found 2 errors and 1 warning in 3 files (14 rules).` or `All checks passed ...`.
fn summary(report: &Report) -> String {
    let count = |s: Severity| {
        report
            .diagnostics
            .iter()
            .filter(|d| d.severity == s)
            .count()
    };
    let (errors, warnings, infos) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
    );
    let scope = format!(
        "{} ({})",
        plural(report.files.len(), "file"),
        plural(report.rules, "rule")
    );
    if errors + warnings + infos == 0 {
        return format!("All checks passed: {scope}.\n");
    }
    let mut parts = Vec::new();
    for (n, what) in [(errors, "error"), (warnings, "warning"), (infos, "info")] {
        if n > 0 {
            parts.push(plural(n, what));
        }
    }
    format!("Found {} in {scope}.\n", parts.join(", "))
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::diagnostic::{Code, Context};
    use crate::rules::source::SourceFile;

    #[test]
    fn the_caret_stays_under_its_text_after_an_escaped_character() {
        let text = "x: \"\x1b[2J\" bad\n".to_owned();
        let at = text.find("bad").expect("in text");
        let code = Code::from_name("yaml/syntax").expect("a code");
        let report = Report {
            files: vec![SourceFile::new("f.yml", None, text)],
            diagnostics: vec![Context::default().diagnostic(code, at..at + 3, "m\x07")],
            ..Report::default()
        };
        let out = human(&report, false);
        assert!(!out.contains('\x1b') && !out.contains('\x07'), "{out}");
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[0].ends_with(r"m\x07"), "{out}");
        let source = lines[2].find(r#"x: "\x1b[2J" bad"#).expect("source line");
        let caret = lines[3].find('^').expect("caret");
        assert_eq!(caret - source, r#"x: "\x1b[2J" "#.len(), "{out}");
        assert!(lines[3].ends_with("^^^"), "{out}");
    }
}
