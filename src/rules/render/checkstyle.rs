//! `--format checkstyle`: Checkstyle XML, which Jenkins (Warnings NG), Bitbucket and
//! reviewdog read. Every linted file gets a `<file>` element, with one `<error>` per finding.

use std::fmt::Write as _;

use super::super::Report;
use super::super::diagnostic::Severity;
use super::positions;

/// The Checkstyle document.
pub fn checkstyle(report: &Report) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<checkstyle version=\"4.3\">\n");
    for (index, file) in report.files.iter().enumerate() {
        let mut findings = report
            .diagnostics
            .iter()
            .filter(|d| d.file == index)
            .peekable();
        if findings.peek().is_none() {
            let _ = writeln!(out, "  <file name=\"{}\"/>", escape(&file.name));
            continue;
        }
        let _ = writeln!(out, "  <file name=\"{}\">", escape(&file.name));
        for d in findings {
            let (start, _) = positions(report, d);
            let _ = writeln!(
                out,
                "    <error line=\"{}\" column=\"{}\" severity=\"{}\" message=\"{}\" source=\"ccmon.{}\"/>",
                start.line,
                start.column,
                severity(d.severity),
                escape(&d.message),
                escape(d.code.name()),
            );
        }
        out.push_str("  </file>\n");
    }
    out.push_str("</checkstyle>\n");
    out
}

/// Checkstyle's own severity names.
fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// Escapes text for an attribute value. Characters XML 1.0 cannot hold at all (most
/// control characters, which a file name or a quoted YAML value may carry) become U+FFFD;
/// line breaks and tabs are kept as character references so attribute normalisation
/// does not turn them into spaces.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            _ => out.push(ch),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_values_are_escaped_and_control_characters_replaced() {
        assert_eq!(
            escape("a<b & \"c\" 'd'\n\u{1}"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&#10;\u{fffd}"
        );
    }
}
