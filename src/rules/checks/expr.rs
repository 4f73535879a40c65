//! Checks on a rule's PromQL: that it parses (as Prometheus 3.x does, with the features
//! enabled on the command line), and the mistakes that parse fine but never work: metrics
//! nothing emits, rates of gauges, deltas of counters, `histogram_quantile` without
//! buckets or `le`, the "5xx divided by itself" matching bug, `absent()` pitfalls, regex
//! matchers that need no regex, and alerts that compare nothing.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex, PoisonError};

use crate::promql::{
    self, AggregateExpr, BinaryExpr, BinaryOp, Call, Expr, Features, MatchOp, Matcher,
    VectorSelector,
};

use super::super::catalog::Catalog;
use super::super::diagnostic::{Code, Context, Diagnostic};
use super::super::model::{RuleKind, Text};

/// What the expression checks need besides the expression.
pub struct ExprContext<'a> {
    /// The file's text, to map spans inside `expr` to the file.
    pub source: &'a str,
    /// The rule's `expr`.
    pub expr: &'a Text,
    /// Alerting or recording.
    pub kind: Option<RuleKind>,
    /// Built-in metrics, recorded rules and settings additions.
    pub catalog: &'a Catalog,
    /// "Did you mean" answers already found for this catalogue.
    pub suggestions: &'a Suggestions,
    /// Where findings go and what they say about group and rule.
    pub cx: &'a Context,
}

/// The unknown-metric finding's message (with its "did you mean") by unknown name, shared
/// by the files linted in parallel: a rule set naming the same unknown metric in a
/// thousand rules searches the catalogue once and holds the message once.
#[derive(Debug, Default)]
pub struct Suggestions(Mutex<HashMap<String, Arc<str>>>);

impl Suggestions {
    fn message(&self, catalog: &Catalog, name: &str) -> Arc<str> {
        let lock = || self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(known) = lock().get(name) {
            return known.clone();
        }
        // Searched outside the lock; two threads may both search a name, never wrongly.
        let hint = catalog.suggest(name).map_or_else(
            || {
                "; if something does emit it, add it under `metrics:` in .ccmon-lint.yaml"
                    .to_owned()
            },
            |s| format!("; did you mean `{s}`?"),
        );
        let message: Arc<str> = format!(
            "metric `{name}` is not emitted by ccmon, the exporters in the catalogue or any linted recording rule{hint}"
        )
        .into();
        lock().insert(name.to_owned(), message.clone());
        message
    }
}

impl ExprContext<'_> {
    fn at(&self, span: promql::Span) -> Range<usize> {
        self.expr.file_span(self.source, span.start..span.end)
    }

    fn push(
        &self,
        out: &mut Vec<Diagnostic>,
        code: Code,
        span: promql::Span,
        message: impl Into<Arc<str>>,
    ) {
        out.push(self.cx.diagnostic(code, self.at(span), message));
    }
}

/// Parses `expr` and runs every expression check. Returns the parsed expression.
pub fn check(
    ecx: &ExprContext<'_>,
    features: &Features,
    out: &mut Vec<Diagnostic>,
) -> Option<Expr> {
    let text = ecx.expr.value.as_str();
    if text.trim().is_empty() {
        return None;
    }
    let expr = match promql::parse_with_on_current_stack(text, features) {
        Ok(expr) => expr,
        Err(err) => {
            ecx.push(
                out,
                Code::PromqlSyntax,
                err.span,
                format!("could not parse expression: {}", err.message),
            );
            return None;
        }
    };
    // One unknown-metric finding per name and expression: the first use is enough.
    let mut reported: Vec<String> = Vec::new();
    promql::walk(&expr, &mut |node| match node {
        Expr::Vector(selector) => {
            unknown_metric(ecx, selector, &mut reported, out);
            regex_matchers(ecx, &selector.matchers, out);
        }
        Expr::Matrix(matrix) => {
            unknown_metric(ecx, &matrix.vector, &mut reported, out);
            regex_matchers(ecx, &matrix.vector.matchers, out);
        }
        Expr::Call(call) => {
            counter_functions(ecx, call, out);
            histogram_quantile(ecx, call, out);
            absent(ecx, call, out);
        }
        Expr::Binary(binary) => vector_matching(ecx, binary, out),
        _ => {}
    });
    if ecx.kind == Some(RuleKind::Alerting) && !has_comparison(&expr) {
        ecx.push(
            out,
            Code::Comparison,
            expr.span(),
            "alert expression has no comparison, so it fires for every series it returns; add a condition such as `> 0.05`".to_owned(),
        );
    }
    Some(expr)
}

/// The metric name a selector asks for: the name before the braces or `__name__="..."`.
pub fn metric_name(selector: &VectorSelector) -> Option<&str> {
    selector.name.as_deref().or_else(|| {
        selector
            .matchers
            .iter()
            .find(|m| m.name == "__name__" && m.op == MatchOp::Equal)
            .map(|m| m.value.as_str())
    })
}

fn name_span(selector: &VectorSelector) -> promql::Span {
    selector.name_span.unwrap_or(selector.span)
}

fn unknown_metric(
    ecx: &ExprContext<'_>,
    selector: &VectorSelector,
    reported: &mut Vec<String>,
    out: &mut Vec<Diagnostic>,
) {
    let Some(name) = metric_name(selector) else {
        return;
    };
    if ecx.catalog.lookup(name).is_some() || reported.iter().any(|r| r == name) {
        return;
    }
    reported.push(name.to_owned());
    ecx.push(
        out,
        Code::UnknownMetric,
        name_span(selector),
        ecx.suggestions.message(ecx.catalog, name),
    );
}

/// The selector under a range function's argument (a matrix selector or a subquery of one).
fn ranged_selector(arg: &Expr) -> Option<&VectorSelector> {
    match arg {
        Expr::Matrix(m) => Some(&m.vector),
        Expr::Subquery(s) => match strip_parens(&s.expr) {
            Expr::Vector(v) => Some(v),
            _ => None,
        },
        _ => None,
    }
}

fn strip_parens(mut expr: &Expr) -> &Expr {
    while let Expr::Paren(p) = expr {
        expr = &p.expr;
    }
    expr
}

fn counter_functions(ecx: &ExprContext<'_>, call: &Call, out: &mut Vec<Diagnostic>) {
    let function = call.func.name;
    let Some(selector) = call.args.first().and_then(ranged_selector) else {
        return;
    };
    let Some(name) = metric_name(selector) else {
        return;
    };
    match function {
        "rate" | "irate" | "increase" if ecx.catalog.is_gauge_like(name) => ecx.push(
            out,
            Code::RateOnGauge,
            call.name_span,
            format!(
                "`{function}` of `{name}`, which is a gauge: {function} assumes a counter that only resets to zero; use `deriv`, `delta` or `*_over_time` for gauges"
            ),
        ),
        "delta" | "idelta" | "deriv" if ecx.catalog.is_counter_like(name) => ecx.push(
            out,
            Code::DeltaOnCounter,
            call.name_span,
            format!(
                "`{function}` of `{name}`, which is a counter: counter resets show up as huge negative jumps; use `rate` or `increase`"
            ),
        ),
        _ => {}
    }
}

/// `histogram_quantile(φ, X)`: classic histograms need `X` to be a rate of `_bucket` series,
/// and every aggregation on the way must keep `le`.
fn histogram_quantile(ecx: &ExprContext<'_>, call: &Call, out: &mut Vec<Diagnostic>) {
    if call.func.name != "histogram_quantile" {
        return;
    }
    let Some(mut inner) = call.args.get(1) else {
        return;
    };
    loop {
        inner = strip_parens(inner);
        match inner {
            Expr::Aggregate(AggregateExpr {
                grouping,
                expr,
                op_span,
                ..
            }) => {
                let drops_le = match grouping {
                    Some(g) if g.without => g.labels.iter().any(|l| l == "le"),
                    Some(g) => !g.labels.iter().any(|l| l == "le"),
                    None => true,
                };
                if drops_le {
                    ecx.push(
                        out,
                        Code::HistogramQuantile,
                        *op_span,
                        "this aggregation drops the `le` label, so histogram_quantile has no buckets to work with; aggregate `by (le, ...)`".to_owned(),
                    );
                    return;
                }
                inner = expr;
            }
            Expr::Call(c) if matches!(c.func.name, "rate" | "irate" | "increase") => {
                let Some(selector) = c.args.first().and_then(ranged_selector) else {
                    return;
                };
                bucket_selector(ecx, selector, out);
                return;
            }
            Expr::Vector(selector) => {
                // A recorded rate of buckets is fine; raw `_bucket` counters are not.
                if metric_name(selector).is_some_and(|n| n.ends_with("_bucket"))
                    && ecx
                        .catalog
                        .lookup(metric_name(selector).unwrap_or_default())
                        .is_some_and(|l| l.entry.source != super::RECORDED)
                {
                    ecx.push(
                        out,
                        Code::HistogramQuantile,
                        name_span(selector),
                        "histogram_quantile over raw `_bucket` counters gives the quantile since the process started; wrap them in `rate(...[5m])`".to_owned(),
                    );
                } else {
                    bucket_selector(ecx, selector, out);
                }
                return;
            }
            _ => return,
        }
    }
}

fn bucket_selector(ecx: &ExprContext<'_>, selector: &VectorSelector, out: &mut Vec<Diagnostic>) {
    let Some(name) = metric_name(selector) else {
        return;
    };
    let Some(found) = ecx.catalog.lookup(name) else {
        return;
    };
    let is_histogram = matches!(
        found.entry.kind,
        super::super::catalog::MetricType::Histogram
    );
    let is_bucket = name.ends_with("_bucket");
    // A plain histogram family name is a native histogram: fine without `_bucket`.
    if found.entry.source == super::RECORDED
        || (is_histogram && (is_bucket || name == found.entry.name))
    {
        return;
    }
    ecx.push(
        out,
        Code::HistogramQuantile,
        name_span(selector),
        format!("histogram_quantile over `{name}`, which is not a histogram's `_bucket` series"),
    );
}

fn absent(ecx: &ExprContext<'_>, call: &Call, out: &mut Vec<Diagnostic>) {
    if !matches!(call.func.name, "absent" | "absent_over_time") {
        return;
    }
    let Some(arg) = call.args.first() else {
        return;
    };
    let selector = match strip_parens(arg) {
        Expr::Vector(v) => Some(v),
        Expr::Matrix(m) => Some(&m.vector),
        Expr::Aggregate(a) => {
            ecx.push(
                out,
                Code::Absent,
                a.op_span,
                format!(
                    "{}() of an aggregation returns a series without labels, so the alert cannot say what is missing; use {}() on the selector itself",
                    call.func.name, call.func.name
                ),
            );
            None
        }
        _ => None,
    };
    let Some(selector) = selector else {
        return;
    };
    if let Some(m) = selector
        .matchers
        .iter()
        .find(|m| m.op == MatchOp::Regex && m.name != "__name__")
    {
        ecx.push(
            out,
            Code::Absent,
            m.span,
            format!(
                "{}() with a regex matcher fires only when no series matches at all, and its result has no `{}` label; write one {}() per value",
                call.func.name, m.name, call.func.name
            ),
        );
    }
}

/// Characters that make a regex more than a literal string.
const REGEX_META: &[char] = &[
    '.', '+', '*', '?', '(', ')', '[', ']', '{', '}', '|', '\\', '^', '$',
];

fn regex_matchers(ecx: &ExprContext<'_>, matchers: &[Matcher], out: &mut Vec<Diagnostic>) {
    for m in matchers {
        if !matches!(m.op, MatchOp::Regex | MatchOp::NotRegex) {
            continue;
        }
        let (op, plain) = if m.op == MatchOp::Regex {
            ("=~", "=")
        } else {
            ("!~", "!=")
        };
        let message = if !m.value.contains(REGEX_META) {
            format!(
                "`{}{op}\"{}\"` needs no regex; use `{}{plain}\"{}\"`",
                m.name, m.value, m.name, m.value
            )
        } else if m.value.starts_with('^') || (m.value.ends_with('$') && !m.value.ends_with("\\$"))
        {
            format!(
                "Prometheus regex matchers are always anchored; the `^`/`$` in `{}{op}\"{}\"` are redundant",
                m.name, m.value
            )
        } else {
            continue;
        };
        ecx.push(out, Code::Regex, m.span, message);
    }
}

/// The label set a side of a binary operation filters on, when the side is a selector
/// under label-preserving functions only (no aggregation): `(metric, matchers)`.
fn filtered_selector(expr: &Expr) -> Option<&VectorSelector> {
    match strip_parens(expr) {
        Expr::Vector(v) => Some(v),
        Expr::Matrix(m) => Some(&m.vector),
        Expr::Call(c) => {
            // Functions that keep every label of their one vector argument.
            let keeps = matches!(
                c.func.name,
                "rate"
                    | "irate"
                    | "increase"
                    | "delta"
                    | "idelta"
                    | "deriv"
                    | "abs"
                    | "ceil"
                    | "floor"
                    | "round"
                    | "clamp"
                    | "clamp_min"
                    | "clamp_max"
                    | "resets"
                    | "changes"
                    | "avg_over_time"
                    | "min_over_time"
                    | "max_over_time"
                    | "sum_over_time"
                    | "count_over_time"
                    | "last_over_time"
                    | "quantile_over_time"
                    | "stddev_over_time"
                    | "stdvar_over_time"
            );
            if !keeps {
                return None;
            }
            c.args.iter().find_map(|a| match strip_parens(a) {
                Expr::Number(_) | Expr::String(_) => None,
                other => filtered_selector(other),
            })
        }
        _ => None,
    }
}

fn vector_matching(ecx: &ExprContext<'_>, binary: &BinaryExpr, out: &mut Vec<Diagnostic>) {
    let arithmetic = matches!(
        binary.op,
        BinaryOp::Add
            | BinaryOp::Sub
            | BinaryOp::Mul
            | BinaryOp::Div
            | BinaryOp::Mod
            | BinaryOp::Pow
    );
    let explicit = binary
        .matching
        .as_ref()
        .is_some_and(|m| m.on || !m.labels.is_empty());
    if !arithmetic || explicit {
        return;
    }
    let (Some(lhs), Some(rhs)) = (
        filtered_selector(&binary.lhs),
        filtered_selector(&binary.rhs),
    ) else {
        return;
    };
    // Only the same metric on both sides is unambiguous: filtering one side of
    // `avail{mountpoint="/"} / size` is how people restrict a ratio on purpose.
    if metric_name(lhs).is_none() || metric_name(lhs) != metric_name(rhs) {
        return;
    }
    let constraint = |s: &VectorSelector, label: &str| {
        s.matchers
            .iter()
            .filter(|m| m.name == label)
            .map(|m| (m.op, m.value.clone()))
            .collect::<Vec<_>>()
    };
    let mut labels: Vec<&str> = lhs
        .matchers
        .iter()
        .chain(&rhs.matchers)
        .map(|m| m.name.as_str())
        .filter(|n| *n != "__name__")
        .collect();
    labels.sort_unstable();
    labels.dedup();
    // A label pinned to one value with `=` on both sides matches anyway; what breaks is a
    // label filtered on one side only, or differently on the two sides.
    let differing: Vec<&str> = labels
        .into_iter()
        .filter(|label| constraint(lhs, label) != constraint(rhs, label))
        .collect();
    if differing.is_empty() {
        return;
    }
    let list = differing.join(", ");
    ecx.push(
        out,
        Code::VectorMatching,
        binary.op_span,
        format!(
            "the two sides filter `{list}` differently but match on all labels, so each series only meets itself (the \"5xx divided by itself\" bug); aggregate both sides (`sum by (...)`) or add `ignoring({list})`"
        ),
    );
}

/// Whether an alert's result depends on a condition: a comparison without `bool`
/// anywhere, or `absent`/`absent_over_time`, which only return a series when something is
/// missing.
fn has_comparison(expr: &Expr) -> bool {
    let mut found = false;
    promql::walk(expr, &mut |node| match node {
        Expr::Binary(b) if b.op.is_comparison() && !b.return_bool => found = true,
        Expr::Call(c) if matches!(c.func.name, "absent" | "absent_over_time") => found = true,
        _ => {}
    });
    found
}
