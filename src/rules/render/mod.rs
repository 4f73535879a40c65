//! Report formats over one model: each renderer turns a [`Report`] into text and decides
//! nothing else (no filtering, no exit codes).

mod checkstyle;
mod github;
mod gitlab;
mod human;
mod json;
mod sarif;

use super::Report;
use super::source::LineCol;

pub use checkstyle::checkstyle;
pub use github::github;
pub use gitlab::gitlab;
pub use human::human;
pub use json::{json, write_json};
pub use sarif::sarif;

/// Start and end (line, column) of a diagnostic in its file.
fn positions(report: &Report, d: &super::diagnostic::Diagnostic) -> (LineCol, LineCol) {
    let Some(file) = report.files.get(d.file) else {
        let one = LineCol { line: 1, column: 1 };
        return (one, one);
    };
    let start = file.line_col(d.span.start);
    let end = file.line_col(d.span.end.max(d.span.start));
    (start, end)
}

/// The file name a diagnostic belongs to.
fn file_name<'a>(report: &'a Report, d: &super::diagnostic::Diagnostic) -> &'a str {
    report.files.get(d.file).map_or("", |f| f.name.as_str())
}
