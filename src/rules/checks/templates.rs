//! Alert label and annotation templates: parsed as Go `text/template` with Prometheus's
//! functions and variables, exactly as promtool does (a parse error is an error), plus
//! `$value` in labels (every new value is a new alert) and PromQL inside `query` calls.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use crate::gotmpl::{self, Template, TemplateError};
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

/// Most templates [`parsed`] keeps per thread, and the longest text it keeps.
const PARSED_MAX: usize = 256;
const PARSED_TEXT_MAX: usize = 4096;

thread_local! {
    static PARSED: RefCell<HashMap<String, Rc<Template>>> = RefCell::new(HashMap::new());
}

/// The template of `text`, parsed once per thread while it is among the last few hundred:
/// real rule files repeat their annotations (one description on every alert of a group),
/// and parsing is most of this check's time. Bounded, so memory does not grow with the file.
fn parsed(text: &str) -> Result<Rc<Template>, TemplateError> {
    if let Some(t) = PARSED.with(|p| p.borrow().get(text).cloned()) {
        return Ok(t);
    }
    let template = Rc::new(gotmpl::parse_prometheus(text)?);
    if text.len() <= PARSED_TEXT_MAX {
        PARSED.with(|p| {
            let mut p = p.borrow_mut();
            if p.len() >= PARSED_MAX {
                p.clear();
            }
            p.insert(text.to_owned(), Rc::clone(&template));
        });
    }
    Ok(template)
}

fn parse(
    source: &str,
    alert: &str,
    what: &str,
    pair: &Pair,
    cx: &Context,
    out: &mut Vec<Diagnostic>,
) -> Option<Rc<Template>> {
    let checked = parsed(&pair.value.value)
        .and_then(|t| gotmpl::check_prometheus_alert(&t, alert).map(|()| t));
    match checked {
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
