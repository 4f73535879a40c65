//! What Prometheus's `rulefmt` validates beyond the YAML shape (and so `promtool check
//! rules` rejects): group names, durations, label and annotation names, recording-rule
//! names and the fields only alerts may have. Every finding here is an error.

use super::super::diagnostic::{Code, Context, Diagnostic};
use super::super::model::{Group, Pair, Rule, RuleKind, Text};

/// Group names repeated within one document of a file: `names` are every group's
/// document and name, in file order.
pub fn check_names(names: &[(usize, Text)], cx: &Context, out: &mut Vec<Diagnostic>) {
    let mut seen: Vec<(usize, &str)> = Vec::new();
    for (document, name_text) in names {
        let name = name_text.value.as_str();
        if name.is_empty() {
            continue;
        }
        if seen.contains(&(*document, name)) {
            let gcx = Context {
                group: Some(name.into()),
                ..cx.clone()
            };
            out.push(gcx.diagnostic(
                Code::GroupName,
                name_text.span.clone(),
                format!("groupname: {name:?} is repeated in the same file"),
            ));
        } else {
            seen.push((*document, name));
        }
    }
}

/// Checks a group's own fields (`cx` names the group).
pub fn check_group(group: &Group, cx: &Context, out: &mut Vec<Diagnostic>) {
    if group.name.value.is_empty() {
        out.push(cx.diagnostic(
            Code::GroupName,
            group.name.span.clone(),
            "group name must not be empty",
        ));
    }
    for (field, value) in [
        ("interval", &group.interval),
        ("query_offset", &group.query_offset),
    ] {
        if let Some(value) = value {
            duration(field, value, cx, out);
        }
    }
    labels(&group.labels, "group label", cx, out);
}

/// Checks one rule (`cx` names the group and the rule).
pub fn check_rule(rule: &Rule, cx: &Context, out: &mut Vec<Diagnostic>) {
    let index = rule.index;
    match &rule.expr {
        Some(expr) if !expr.value.trim().is_empty() => {}
        other => out.push(
            cx.diagnostic(
                Code::RuleExpr,
                other
                    .as_ref()
                    .map_or_else(|| rule.anchor(), |t| t.span.clone()),
                format!("rule {index}: field 'expr' must be set in rule"),
            ),
        ),
    }
    for (field, value) in [
        ("for", &rule.for_),
        ("keep_firing_for", &rule.keep_firing_for),
    ] {
        if let Some(value) = value {
            duration(field, value, cx, out);
        }
    }
    if rule.kind == Some(RuleKind::Recording) {
        let misplaced = [
            ("for", rule.for_.as_ref().map(|t| t.span.clone())),
            (
                "keep_firing_for",
                rule.keep_firing_for.as_ref().map(|t| t.span.clone()),
            ),
            (
                "annotations",
                rule.annotations_key
                    .clone()
                    .filter(|_| !rule.annotations.is_empty()),
            ),
        ];
        for (field, span) in misplaced {
            if let Some(span) = span {
                out.push(cx.diagnostic(
                    Code::RecordingFields,
                    span,
                    format!(
                        "rule {index}: invalid field '{field}' in recording rule; only alerting rules have it"
                    ),
                ));
            }
        }
        if let Some(record) = &rule.record {
            record_name(record, cx, out);
        }
    }
    labels(&rule.labels, "label", cx, out);
    for pair in &rule.annotations {
        if pair.key.value.is_empty() {
            out.push(cx.diagnostic(
                Code::LabelName,
                pair.key.span.clone(),
                "invalid annotation name: the name is empty",
            ));
        }
    }
}

/// Prometheus 3.x validates metric names under the UTF-8 scheme: any non-empty string, but
/// braces are refused because they almost always mean a selector pasted into `record`.
fn record_name(record: &Text, cx: &Context, out: &mut Vec<Diagnostic>) {
    if record.value.contains(['{', '}']) {
        out.push(cx.diagnostic(
            Code::RecordName,
            record.span.clone(),
            format!(
                "invalid recording rule name {:?}: braces present in the recording rule name; should it be in expr?",
                record.value
            ),
        ));
    }
}

fn labels(pairs: &[Pair], what: &str, cx: &Context, out: &mut Vec<Diagnostic>) {
    for pair in pairs {
        let name = pair.key.value.as_str();
        let problem = if name.is_empty() {
            Some("the name is empty")
        } else if name == "__name__" {
            Some("__name__ is set by the rule's name and cannot be a label")
        } else {
            None
        };
        if let Some(problem) = problem {
            out.push(cx.diagnostic(
                Code::LabelName,
                pair.key.span.clone(),
                format!("invalid {what} name {name:?}: {problem}"),
            ));
        }
    }
}

fn duration(field: &str, value: &Text, cx: &Context, out: &mut Vec<Diagnostic>) {
    if let Err(err) = crate::duration::parse(&value.value) {
        out.push(cx.diagnostic(
            Code::Duration,
            value.span.clone(),
            format!("invalid `{field}`: {err}"),
        ));
    }
}
