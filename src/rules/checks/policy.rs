//! The team's conventions, beyond what Prometheus requires: every alert waits (`for`),
//! carries the labels and annotations routing and people need, uses a known severity, and
//! recording rules are named `level:metric:operations`.

use super::super::diagnostic::{Code, Context, Diagnostic};
use super::super::model::{Group, Rule, RuleKind};
use super::super::settings::Settings;

/// Checks one rule against the policy.
pub fn check(
    group: &Group,
    rule: &Rule,
    settings: &Settings,
    cx: &Context,
    out: &mut Vec<Diagnostic>,
) {
    match rule.kind {
        Some(RuleKind::Alerting) => alert(group, rule, settings, cx, out),
        Some(RuleKind::Recording) => recording(rule, cx, out),
        None => {}
    }
}

fn alert(group: &Group, rule: &Rule, settings: &Settings, cx: &Context, out: &mut Vec<Diagnostic>) {
    let waits = rule
        .for_
        .as_ref()
        .and_then(|t| crate::duration::parse(&t.value).ok())
        .is_some_and(|d| !d.is_zero());
    if !waits {
        let span = rule
            .for_
            .as_ref()
            .map_or_else(|| rule.anchor(), |t| t.span.clone());
        out.push(cx.diagnostic(
            Code::MissingFor,
            span,
            "alert has no `for`, so a single bad evaluation pages; add e.g. `for: 5m`",
        ));
    }
    let label = |name: &str| {
        rule.labels
            .iter()
            .chain(&group.labels)
            .find(|p| p.key.value == name)
    };
    for name in &settings.required_labels {
        if label(name).is_none() {
            out.push(cx.diagnostic(
                Code::RequiredLabel,
                rule.labels_key.clone().unwrap_or_else(|| rule.anchor()),
                format!("alert has no `{name}` label{}", required_by(settings)),
            ));
        }
    }
    for name in &settings.required_annotations {
        let present = rule
            .annotations
            .iter()
            .any(|p| p.key.value == *name && !p.value.value.trim().is_empty());
        if !present {
            out.push(
                cx.diagnostic(
                    Code::RequiredAnnotation,
                    rule.annotations_key
                        .clone()
                        .unwrap_or_else(|| rule.anchor()),
                    format!("alert has no `{name}` annotation{}", required_by(settings)),
                ),
            );
        }
    }
    if let (Some(allowed), Some(severity)) = (&settings.allowed_severities, label("severity")) {
        let value = severity.value.value.as_str();
        if !value.contains("{{") && !allowed.iter().any(|a| a == value) {
            out.push(cx.diagnostic(
                Code::SeverityValue,
                severity.value.span.clone(),
                format!(
                    "severity {value:?} is not one of {}{}",
                    allowed.join(", "),
                    required_by(settings)
                ),
            ));
        }
    }
}

fn required_by(settings: &Settings) -> String {
    settings
        .path
        .as_ref()
        .map_or_else(String::new, |p| format!(" (required by {})", p.display()))
}

/// `level:metric:operations`, each part a legacy metric-name fragment.
fn recording(rule: &Rule, cx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(record) = &rule.record else {
        return;
    };
    let name = record.value.as_str();
    let parts: Vec<&str> = name.split(':').collect();
    let well_formed = parts.len() == 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !p.starts_with(|c: char| c.is_ascii_digit())
        });
    if !well_formed && !name.contains(['{', '}']) {
        out.push(cx.diagnostic(
            Code::RecordNaming,
            record.span.clone(),
            format!(
                "recording rule name {name:?} is not of the form level:metric:operations (e.g. job:http_requests:rate5m)"
            ),
        ));
    }
}
