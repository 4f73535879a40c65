//! Alert label and annotation templates: parsed as Go `text/template` with Prometheus's
//! functions and variables, exactly as promtool does (a parse error is an error), plus
//! `$value` in labels (every new value is a new alert) and PromQL inside `query` calls.

use crate::gotmpl::{self, Template};
use crate::promql::{self, Features};

use super::super::diagnostic::{Code, Context, Diagnostic};
use super::super::model::{Pair, Rule, RuleKind};

/// Checks every label and annotation template of an alerting rule.
pub fn check(
    source: &str,
    rule: &Rule,
    features: &Features,
    cx: &Context,
    out: &mut Vec<Diagnostic>,
) {
    if rule.kind != Some(RuleKind::Alerting) {
        return;
    }
    let alert = rule.alert.as_ref().map_or("", |t| t.value.as_str());
    for (what, pairs) in [("label", &rule.labels), ("annotation", &rule.annotations)] {
        for pair in pairs.iter() {
            let Some(template) = parse(source, alert, what, pair, cx, out) else {
                continue;
            };
            if what == "label" {
                value_in_label(source, pair, &template, cx, out);
            }
            queries(source, pair, &template, features, cx, out);
        }
    }
}

fn parse(
    source: &str,
    alert: &str,
    what: &str,
    pair: &Pair,
    cx: &Context,
    out: &mut Vec<Diagnostic>,
) -> Option<Template> {
    match gotmpl::parse_prometheus_alert(&pair.value.value, alert) {
        Ok(template) => Some(template),
        Err(err) => {
            out.push(cx.diagnostic(
                Code::Template,
                pair.value.file_span(source, err.span.start..err.span.end),
                format!("{what} {:?}: template: {}", pair.key.value, err.message),
            ));
            None
        }
    }
}

fn value_in_label(
    source: &str,
    pair: &Pair,
    template: &Template,
    cx: &Context,
    out: &mut Vec<Diagnostic>,
) {
    let variables = gotmpl::variable_uses(template)
        .into_iter()
        .filter(|v| v.name == "$value")
        .map(|v| v.span);
    let fields = gotmpl::field_uses(template)
        .into_iter()
        .filter(|f| f.fields.first().is_some_and(|n| n == "Value"))
        .map(|f| f.span);
    if let Some(span) = variables.chain(fields).next() {
        out.push(cx.diagnostic(
            Code::ValueInLabels,
            pair.value.file_span(source, span.start..span.end),
            format!(
                "label {:?} uses the query value, so each new value makes a new alert (and resolves the old one); put it in an annotation",
                pair.key.value
            ),
        ));
    }
}

/// PromQL in `{{ query "..." }}` is only parsed when the alert fires; parse it now.
fn queries(
    source: &str,
    pair: &Pair,
    template: &Template,
    features: &Features,
    cx: &Context,
    out: &mut Vec<Diagnostic>,
) {
    for call in gotmpl::function_calls(template) {
        if call.name != "query" {
            continue;
        }
        for (query, span) in &call.string_args {
            if let Err(err) = promql::parse_with_on_current_stack(query, features) {
                // Inside the quotes; exact for queries without escapes.
                let start = (span.start + 1 + err.span.start).min(span.end);
                let end = (span.start + 1 + err.span.end).clamp(start, span.end);
                out.push(cx.diagnostic(
                    Code::TemplateQuery,
                    pair.value.file_span(source, start..end),
                    format!(
                        "the query in {:?} does not parse, so the notification will fail: {}",
                        pair.key.value, err.message
                    ),
                ));
            }
        }
    }
}
