//! Go `text/template` parser, faithful to `text/template/parse` as used by Prometheus/promtool
//! to check alerting-rule label and annotation templates.
//!
//! [`parse`] accepts exactly what Go's parser accepts for a given function set and predefined
//! variables, reporting Go's error messages with byte [`Span`]s into the caller's text.
//! [`parse_prometheus`] reproduces promtool's check: Prometheus's function map plus the
//! `$labels`, `$externalLabels`, `$externalURL` and `$value` variables.
//!
//! Untrusted rule files feed this parser, so panicking constructs are denied module-wide.

#![forbid(unsafe_code)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

mod lex;
mod node;
mod parse;
mod strconv;
mod visit;

#[cfg(test)]
mod tests;

use std::fmt;

pub use self::node::{
    Arg, Branch, Command, Define, Node, Pipe, Span, Template, Variable, render_nodes,
};
pub use self::strconv::NumberValue;
pub use self::visit::{
    FieldUse, FunctionCall, VariableUse, field_uses, function_calls, variable_uses,
};

/// A parse error: Go's message plus the byte span it refers to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct TemplateError {
    /// Location in the template text.
    pub span: Span,
    /// Error message in Go's wording, without Go's `template: name:line:` prefix.
    pub message: String,
}

/// What the caller's environment defines.
#[derive(Clone, Copy)]
pub struct ParseOptions<'a> {
    /// Reports whether a function name is defined (Go's builtins are not implied).
    pub funcs: &'a dyn Fn(&str) -> bool,
    /// Variables (with `$`) visible at the top level of the text, like promtool's prefix
    /// `{{$labels := .Labels}}...`; `$` itself is always defined.
    pub predefined_vars: &'a [&'a str],
}

impl fmt::Debug for ParseOptions<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParseOptions")
            .field("predefined_vars", &self.predefined_vars)
            .finish_non_exhaustive()
    }
}

/// Parses `text` as a Go template under `options`.
pub fn parse(text: &str, options: &ParseOptions) -> Result<Template, TemplateError> {
    parse::parse_text(
        text,
        options.funcs,
        options.predefined_vars,
        parse::DEFAULT_LIMITS,
    )
}

/// Go's `text/template` builtin functions (always present in `text/template`, not in `parse`).
pub const GO_BUILTINS: &[&str] = &[
    "and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf",
    "println", "urlquery", "eq", "ge", "gt", "le", "lt", "ne",
];

/// Prometheus's template functions (`template/template.go` `NewTemplateExpander` on main).
pub const PROMETHEUS_TEMPLATE_FUNCS: &[&str] = &[
    "query",
    "first",
    "label",
    "value",
    "strvalue",
    "args",
    "reReplaceAll",
    "safeHtml",
    "match",
    "title",
    "toUpper",
    "toLower",
    "graphLink",
    "tableLink",
    "sortByLabel",
    "stripPort",
    "stripDomain",
    "humanize",
    "humanize1024",
    "humanizeDuration",
    "humanizePercentage",
    "humanizeTimestamp",
    "toTime",
    "toDuration",
    "now",
    "pathPrefix",
    "externalURL",
    "parseDuration",
];

/// Go builtins followed by Prometheus's template functions: everything promtool accepts.
pub fn prometheus_functions() -> &'static [&'static str] {
    static ALL: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        GO_BUILTINS
            .iter()
            .chain(PROMETHEUS_TEMPLATE_FUNCS)
            .copied()
            .collect()
    })
}

/// Variables promtool defines before an alerting rule's label/annotation template.
pub const PROMETHEUS_VARIABLES: &[&str] = &["$labels", "$externalLabels", "$externalURL", "$value"];

/// Parses `text` the way `promtool check rules` does for alert labels and annotations,
/// ignoring the alert's name (see [`parse_prometheus_alert`]).
pub fn parse_prometheus(text: &str) -> Result<Template, TemplateError> {
    let funcs = |name: &str| prometheus_functions().contains(&name);
    parse(
        text,
        &ParseOptions {
            funcs: &funcs,
            predefined_vars: PROMETHEUS_VARIABLES,
        },
    )
}

/// Exactly promtool's check for a label/annotation of alert `alert_name`: promtool names the
/// template `__alert_<alert_name>`, so a non-empty `{{define}}` of that very name is a
/// "multiple definition" error, which [`parse_prometheus`] cannot know about.
pub fn parse_prometheus_alert(text: &str, alert_name: &str) -> Result<Template, TemplateError> {
    let t = parse_prometheus(text)?;
    check_prometheus_alert(&t, alert_name)?;
    Ok(t)
}

/// The part of [`parse_prometheus_alert`] that depends on the alert's name, for a template
/// already parsed by [`parse_prometheus`] (one parse can serve many alerts).
pub fn check_prometheus_alert(t: &Template, alert_name: &str) -> Result<(), TemplateError> {
    // promtool's prepended `{{$labels := .Labels}}...` actions make the top level non-empty.
    parse::check_top_level_name(t, &format!("__alert_{alert_name}"), true)
}
