//! `promql/series` (only with `--online`): a selector whose metric the server has, but
//! whose label matchers match none of its series.
//!
//! What it does: asks the server whether each distinct selector matches a series in the
//! last week; when none does, asks for the values of each matcher's label on that metric
//! and names the matcher that matches none of them, with the values the label does have.
//!
//! Why is this bad: `rate(http_requests_total{job="apii"}[5m]) > 1` parses, names a real
//! metric, and never fires: the alert is dead from the day it is merged.
//!
//! Example: `up{job="nodes"}` where the server has `job` values `api, node`.
//!
//! Use instead: a matcher on a value the label has (`up{job="node"}`).
//!
//! Selectors under `absent()`/`absent_over_time()` are left alone (matching nothing is
//! their point), and so are metrics the server does not have (`catalog/unknown-metric`
//! covers those).

use std::collections::HashMap;
use std::fmt;

use crate::promql::{self, Expr, Features, MatchOp, Matcher, VectorSelector};

use super::super::Parsed;
use super::super::diagnostic::{Code, Context, Diagnostic};
use super::super::source::SourceFile;

/// At most this many label values are named in a finding.
pub const MAX_SHOWN_VALUES: usize = 10;

/// Where the answers come from: the context's Prometheus (`--online`), or a test's table.
/// `None` answers mean "cannot tell" and skip the selector.
pub trait SeriesSource: Send + Sync + fmt::Debug {
    /// The server, as shown in findings (redacted).
    fn server(&self) -> &str;
    /// Whether the server has series of this name at all.
    fn has_metric(&self, name: &str) -> bool;
    /// Whether any series matches `selector` (PromQL selector text).
    fn has_series(&self, selector: &str) -> Option<bool>;
    /// The values `label` has on the series of `metric`.
    fn label_values(&self, metric: &str, label: &str) -> Option<Vec<String>>;
}

/// A finding for one selector: where (a matcher, or the whole selector) and what.
#[derive(Debug, Clone)]
struct Verdict {
    matcher: Option<usize>,
    message: String,
}

/// Checks every selector of every rule of `parsed` against `source`.
pub fn check(
    files: &[SourceFile],
    parsed: &[Parsed],
    features: &Features,
    source: &dyn SeriesSource,
    out: &mut Vec<Diagnostic>,
) {
    let mut verdicts: HashMap<String, Option<Verdict>> = HashMap::new();
    for (index, (file, text)) in parsed.iter().zip(files).enumerate() {
        let model = file.model(text, index);
        for group in &model.groups {
            for rule in &group.rules {
                let Some(expr_text) = &rule.expr else {
                    continue;
                };
                let Ok(expr) = promql::parse_with_on_current_stack(&expr_text.value, features)
                else {
                    continue;
                };
                let cx = Context {
                    file: index,
                    group: Some(group.name.clone()),
                    rule: rule.name.clone(),
                };
                for selector in selectors(&expr) {
                    let Some(name) = super::expr::metric_name(selector) else {
                        continue;
                    };
                    let matchers: Vec<&Matcher> = selector
                        .matchers
                        .iter()
                        .filter(|m| m.name != "__name__")
                        .collect();
                    if matchers.is_empty() || !source.has_metric(name) {
                        continue;
                    }
                    let query = query_text(name, &matchers);
                    let verdict = verdicts
                        .entry(query.clone())
                        .or_insert_with(|| judge(source, name, &matchers, &query));
                    let Some(verdict) = verdict else {
                        continue;
                    };
                    let span = verdict
                        .matcher
                        .and_then(|i| matchers.get(i))
                        .map_or(selector.span, |m| m.span);
                    let range = expr_text.file_span(&text.text, span.start..span.end);
                    out.push(cx.diagnostic(Code::Series, range, verdict.message.clone()));
                }
            }
        }
    }
}

/// The instant and range selectors of `expr`, except those an `absent` looks at.
fn selectors(expr: &Expr) -> Vec<&VectorSelector> {
    let mut under_absent: Vec<promql::Span> = Vec::new();
    promql::walk(expr, &mut |node| {
        if let Expr::Call(call) = node
            && matches!(call.func.name, "absent" | "absent_over_time")
        {
            for arg in &call.args {
                promql::walk(arg, &mut |inner| match inner {
                    Expr::Vector(v) => under_absent.push(v.span),
                    Expr::Matrix(m) => under_absent.push(m.vector.span),
                    _ => {}
                });
            }
        }
    });
    let mut found = Vec::new();
    promql::walk(expr, &mut |node| {
        let selector = match node {
            Expr::Vector(v) => v,
            Expr::Matrix(m) => &m.vector,
            _ => return,
        };
        if !under_absent.contains(&selector.span) {
            found.push(selector);
        }
    });
    found
}

/// `{__name__="name", label="value", ...}`: valid for any metric name.
fn query_text(name: &str, matchers: &[&Matcher]) -> String {
    let mut parts = vec![format!("__name__={}", crate::go_quote::quote(name))];
    parts.extend(matchers.iter().map(|m| m.to_string()));
    format!("{{{}}}", parts.join(", "))
}

/// `name{label="value", ...}` as people write it.
fn shown(name: &str, matchers: &[&Matcher]) -> String {
    let inner: Vec<String> = matchers.iter().map(|m| m.to_string()).collect();
    format!("{name}{{{}}}", inner.join(", "))
}

fn judge(
    source: &dyn SeriesSource,
    name: &str,
    matchers: &[&Matcher],
    query: &str,
) -> Option<Verdict> {
    if source.has_series(query)? {
        return None;
    }
    let server = source.server();
    for (i, m) in matchers.iter().enumerate() {
        let matcher = Test::new(m)?;
        // A matcher that accepts "" is met by series without the label: no value list
        // can prove it wrong alone.
        if matcher.accepts("") {
            continue;
        }
        let values = source.label_values(name, &m.name)?;
        if values.is_empty() {
            return Some(Verdict {
                matcher: Some(i),
                message: format!(
                    "`{m}` matches no series: no series of `{name}` on {server} has a `{}` label",
                    m.name
                ),
            });
        }
        if !values.iter().any(|v| matcher.accepts(v)) {
            return Some(Verdict {
                matcher: Some(i),
                message: format!(
                    "`{m}` matches no series of `{name}` on {server}; {} has: {}",
                    m.name,
                    list(&values)
                ),
            });
        }
    }
    Some(Verdict {
        matcher: None,
        message: format!(
            "`{}` matches no series on {server}: each matcher matches some series of `{name}`, but none matches them all",
            shown(name, matchers)
        ),
    })
}

/// `a, b, c` with at most [`MAX_SHOWN_VALUES`], then how many more.
fn list(values: &[String]) -> String {
    let mut sorted: Vec<&str> = values.iter().map(String::as_str).collect();
    sorted.sort_unstable();
    let shown: Vec<String> = sorted
        .iter()
        .take(MAX_SHOWN_VALUES)
        .map(|v| {
            if v.is_empty() || v.contains([',', ' ']) {
                crate::go_quote::quote(v)
            } else {
                (*v).to_owned()
            }
        })
        .collect();
    let mut text = shown.join(", ");
    if sorted.len() > MAX_SHOWN_VALUES {
        text.push_str(&format!(" and {} more", sorted.len() - MAX_SHOWN_VALUES));
    }
    text
}

/// A matcher that can be tried on values (regexes anchored as Prometheus does).
enum Test<'a> {
    Equal(&'a str, bool),
    Regex(regex::Regex, bool),
}

impl<'a> Test<'a> {
    /// `None` for a regex the `regex` crate does not take (RE2 and it differ a little):
    /// the selector is then not judged.
    fn new(m: &'a Matcher) -> Option<Test<'a>> {
        Some(match m.op {
            MatchOp::Equal => Test::Equal(&m.value, true),
            MatchOp::NotEqual => Test::Equal(&m.value, false),
            MatchOp::Regex | MatchOp::NotRegex => {
                let re = regex::Regex::new(&format!("^(?s:{})$", m.value)).ok()?;
                Test::Regex(re, m.op == MatchOp::Regex)
            }
        })
    }

    fn accepts(&self, value: &str) -> bool {
        match self {
            Test::Equal(v, positive) => (*v == value) == *positive,
            Test::Regex(re, positive) => re.is_match(value) == *positive,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::inputs::Input;
    use crate::rules::{LintOptions, lint};
    use std::sync::Arc;

    /// A server with `up{job="api"|"node"}` and `http_requests_total{job="api", code=...}`.
    #[derive(Debug)]
    struct Table;

    fn series() -> Vec<Vec<(&'static str, &'static str)>> {
        vec![
            vec![("__name__", "up"), ("job", "api")],
            vec![("__name__", "up"), ("job", "node")],
            vec![
                ("__name__", "http_requests_total"),
                ("job", "api"),
                ("code", "200"),
            ],
            vec![
                ("__name__", "http_requests_total"),
                ("job", "node"),
                ("code", "500"),
            ],
        ]
    }

    impl SeriesSource for Table {
        fn server(&self) -> &str {
            "http://prom"
        }
        fn has_metric(&self, name: &str) -> bool {
            series().iter().any(|s| s.contains(&("__name__", name)))
        }
        fn has_series(&self, selector: &str) -> Option<bool> {
            let expr = promql::parse(selector).ok()?;
            let Expr::Vector(v) = expr else { return None };
            Some(series().iter().any(|s| {
                v.matchers.iter().all(|m| {
                    let value = s.iter().find(|(k, _)| *k == m.name).map_or("", |(_, v)| *v);
                    Test::new(m).is_some_and(|t| t.accepts(value))
                })
            }))
        }
        fn label_values(&self, metric: &str, label: &str) -> Option<Vec<String>> {
            let mut values: Vec<String> = series()
                .iter()
                .filter(|s| s.contains(&("__name__", metric)))
                .filter_map(|s| {
                    s.iter()
                        .find(|(k, _)| *k == label)
                        .map(|(_, v)| (*v).into())
                })
                .collect();
            values.dedup();
            Some(values)
        }
    }

    fn findings(expr: &str) -> Vec<String> {
        let text = format!(
            "groups:\n  - name: g\n    rules:\n      - record: a:b:c\n        expr: '{expr}'\n"
        );
        let options = LintOptions {
            series: Some(Arc::new(Table)),
            ..LintOptions::default()
        };
        let input = Input {
            source: SourceFile::new("r.yml", None, text),
            explicit: true,
        };
        let report = lint(vec![input], &options).expect("lint");
        report
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::Series)
            .map(|d| {
                let file = &report.files[0];
                format!("{} @ {}", d.message, &file.text[d.span.clone()])
            })
            .collect()
    }

    #[test]
    fn names_the_matcher_and_the_values_the_label_has() {
        assert_eq!(
            findings(r#"up{job="nodes"}"#),
            [
                r#"`job="nodes"` matches no series of `up` on http://prom; job has: api, node @ job="nodes""#
            ]
        );
        assert!(findings(r#"up{job="node"}"#).is_empty());
        assert!(findings(r#"sum(rate(http_requests_total{job=~"a.*"}[5m]))"#).is_empty());
        assert_eq!(
            findings(r#"http_requests_total{job="api", code="500"}"#),
            [
                r#"`http_requests_total{job="api", code="500"}` matches no series on http://prom: each matcher matches some series of `http_requests_total`, but none matches them all @ http_requests_total{job="api", code="500"}"#
            ]
        );
        assert_eq!(
            findings(r#"up{zone="eu"}"#),
            [
                r#"`zone="eu"` matches no series: no series of `up` on http://prom has a `zone` label @ zone="eu""#
            ]
        );
    }

    #[test]
    fn leaves_absent_unknown_metrics_and_empty_matching_alone() {
        assert!(findings(r#"absent(up{job="nodes"})"#).is_empty());
        assert!(findings(r#"nothing_here{job="x"}"#).is_empty());
        assert!(findings(r#"up{job!="api"}"#).is_empty());
        assert!(findings(r#"up{zone=""}"#).is_empty());
    }

    #[test]
    fn lists_are_bounded() {
        let values: Vec<String> = (0..25).map(|i| format!("v{i:02}")).collect();
        let text = list(&values);
        assert!(text.ends_with("v09 and 15 more"), "{text}");
    }
}
