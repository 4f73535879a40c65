//! Type checking after a syntactically valid parse, mirroring Prometheus's `checkAST`:
//! argument types and counts, operator/operand rules, aggregation parameters, and selector rules.
//! Errors are collected in the same order Prometheus produces them.

use super::ParseError;
use super::ast::*;
use super::lexer::go_quote;
use super::regex::regex_matches_empty;

/// Runs the checks, appending errors to `errors`; it also normalises vector matching the way
/// Prometheus does (dropped when a side is a scalar).
pub fn check(input: &str, expr: &mut Expr, errors: &mut Vec<ParseError>) {
    let mut c = Checker { input, errors };
    c.check(expr, false);
}

struct Checker<'a> {
    input: &'a str,
    errors: &'a mut Vec<ParseError>,
}

impl Checker<'_> {
    fn error(&mut self, span: Span, message: impl Into<String>) {
        self.errors.push(ParseError {
            span,
            message: message.into(),
        });
    }

    fn expect_type(&mut self, e: &mut Expr, want: ValueType, context: &str) {
        let got = self.check(e, false);
        if got != want {
            self.error(
                e.span(),
                format!(
                    "expected type {} in {context}, got {}",
                    want.documented(),
                    got.documented()
                ),
            );
        }
    }

    /// The operator's span as Prometheus computes it (whitespace-trimmed gap between operands,
    /// with its end one byte short).
    fn op_range(&self, lhs: Span, rhs: Span) -> Span {
        let bytes = self.input.as_bytes();
        let is_space = |i: usize| matches!(bytes.get(i), Some(b' ' | b'\t' | b'\n' | b'\r'));
        let mut start = lhs.end;
        while is_space(start) {
            start += 1;
        }
        let mut end = rhs.start.saturating_sub(1);
        while end > 0 && is_space(end) {
            end -= 1;
        }
        Span::new(start, end.max(start))
    }

    fn check(&mut self, e: &mut Expr, bypass_empty_matcher: bool) -> ValueType {
        let typ = e.value_type();
        match e {
            Expr::Aggregate(a) => {
                self.expect_type(&mut a.expr, ValueType::Vector, "aggregation expression");
                if let Some(p) = a.param.as_mut() {
                    match a.op {
                        AggregateOp::CountValues => {
                            self.expect_type(p, ValueType::String, "aggregation parameter")
                        }
                        _ => self.expect_type(p, ValueType::Scalar, "aggregation parameter"),
                    }
                }
            }
            Expr::Binary(b) => self.check_binary(b),
            Expr::Call(c) => self.check_call(c),
            Expr::Paren(p) => {
                self.check(&mut p.expr, false);
            }
            Expr::Unary(u) => {
                let t = self.check(&mut u.expr, false);
                if t != ValueType::Scalar && t != ValueType::Vector {
                    self.error(
                        u.span,
                        format!(
                            "unary expression only allowed on expressions of type scalar or instant vector, got {}",
                            go_quote(t.documented())
                        ),
                    );
                }
            }
            Expr::Subquery(s) => {
                let t = self.check(&mut s.expr, false);
                if t != ValueType::Vector {
                    self.error(
                        s.span,
                        format!(
                            "subquery is only allowed on instant vector, got {} instead",
                            t.internal()
                        ),
                    );
                }
            }
            Expr::Matrix(m) => self.check_selector(&m.vector, false),
            Expr::Vector(v) => self.check_selector(v, bypass_empty_matcher),
            Expr::Number(_) | Expr::String(_) => {}
        }
        typ
    }

    fn check_selector(&mut self, v: &VectorSelector, bypass_empty_matcher: bool) {
        if let Some(name) = &v.name {
            for m in &v.matchers {
                if m.name == "__name__" {
                    self.error(
                        v.span,
                        format!(
                            "metric name must not be set twice: {} or {}",
                            go_quote(name),
                            go_quote(&m.value)
                        ),
                    );
                }
            }
            return;
        }
        if !bypass_empty_matcher && v.matchers.iter().all(matches_empty) {
            self.error(
                v.span,
                "vector selector must contain at least one non-empty matcher",
            );
        }
    }

    fn check_call(&mut self, c: &mut Call) {
        let f = c.func;
        let nargs = f.arg_types.len();
        let got = c.args.len();
        if f.variadic == 0 {
            if nargs != got {
                self.error(
                    c.span,
                    format!(
                        "expected {nargs} argument(s) in call to {}, got {got}",
                        go_quote(f.name)
                    ),
                );
            }
        } else {
            let na = nargs.saturating_sub(1);
            if na > got {
                self.error(
                    c.span,
                    format!(
                        "expected at least {na} argument(s) in call to {}, got {got}",
                        go_quote(f.name)
                    ),
                );
            } else if f.variadic > 0 {
                let max = na + f.variadic.unsigned_abs() as usize;
                if max < got {
                    self.error(
                        c.span,
                        format!(
                            "expected at most {max} argument(s) in call to {}, got {got}",
                            go_quote(f.name)
                        ),
                    );
                }
            }
        }
        let mut bypass_second = false;
        if f.name == "info"
            && let Some(second) = c.args.get(1)
        {
            let t = second.value_type();
            if t != ValueType::Vector {
                self.error(
                    c.span,
                    format!(
                        "expected type {} in call to function {}, got {}",
                        ValueType::Vector.documented(),
                        go_quote(f.name),
                        t.documented()
                    ),
                );
            }
            match second {
                Expr::Vector(vs) if vs.name.is_some() => self.error(
                    vs.span,
                    "expected label selectors only, got vector selector instead",
                ),
                Expr::Vector(_) => bypass_second = true,
                other => self.error(other.span(), "expected label selectors only"),
            }
        }
        for (i, arg) in c.args.iter_mut().enumerate() {
            let idx = if i >= nargs {
                if f.variadic == 0 {
                    break;
                }
                nargs.saturating_sub(1)
            } else {
                i
            };
            let t = self.check(arg, bypass_second && i == 1);
            if let Some(&want) = f.arg_types.get(idx)
                && t != want
            {
                self.error(
                    arg.span(),
                    format!(
                        "expected type {} in call to function {}, got {}",
                        want.documented(),
                        go_quote(f.name),
                        t.documented()
                    ),
                );
            }
        }
    }

    fn check_binary(&mut self, b: &mut BinaryExpr) {
        let lt = self.check(&mut b.lhs, false);
        let rt = self.check(&mut b.rhs, false);
        let op_range = self.op_range(b.lhs.span(), b.rhs.span());
        if b.return_bool && !b.op.is_comparison() {
            self.error(
                op_range,
                "bool modifier can only be used on comparison operators",
            );
        }
        if b.op.is_comparison()
            && !b.return_bool
            && lt == ValueType::Scalar
            && rt == ValueType::Scalar
        {
            self.error(
                op_range,
                "comparisons between scalars must use BOOL modifier",
            );
        }
        if let Some(m) = &b.matching
            && m.on
        {
            for l1 in &m.labels {
                if m.include.contains(l1) {
                    self.errors.push(ParseError {
                        span: op_range,
                        message: format!(
                            "label {} must not occur in ON and GROUP clause at once",
                            go_quote(l1)
                        ),
                    });
                }
            }
        }
        if lt != ValueType::Scalar && lt != ValueType::Vector {
            self.error(
                b.lhs.span(),
                "binary expression must contain only scalar and instant vector types",
            );
        }
        if rt != ValueType::Scalar && rt != ValueType::Vector {
            self.error(
                b.rhs.span(),
                "binary expression must contain only scalar and instant vector types",
            );
        }
        let has_fill = |m: &VectorMatching| m.fill.lhs.is_some() || m.fill.rhs.is_some();
        if lt != ValueType::Vector || rt != ValueType::Vector {
            if let Some(m) = b.matching.take() {
                if !m.labels.is_empty() {
                    self.error(
                        b.span,
                        "vector matching only allowed between instant vectors",
                    );
                }
                if has_fill(&m) {
                    self.error(
                        b.span,
                        "filling in missing series only allowed between instant vectors",
                    );
                }
            }
        } else if b.op.is_set()
            && let Some(m) = &b.matching
        {
            let (card, fill) = (m.card, has_fill(m));
            if matches!(card, Cardinality::OneToMany | Cardinality::ManyToOne) {
                self.error(
                    b.span,
                    format!(
                        "no grouping allowed for {} operation",
                        go_quote(b.op.as_str())
                    ),
                );
            }
            if card != Cardinality::ManyToMany {
                self.error(b.span, "set operations must always be many-to-many");
            }
            if fill {
                self.error(
                    b.span,
                    "filling in missing series not allowed for set operators",
                );
            }
        }
        if (lt == ValueType::Scalar || rt == ValueType::Scalar) && b.op.is_set() {
            self.error(
                b.span,
                format!(
                    "set operator {} not allowed in binary scalar expression",
                    go_quote(b.op.as_str())
                ),
            );
        }
    }
}

/// Whether the matcher accepts the empty string (such matchers do not make a selector specific).
fn matches_empty(m: &Matcher) -> bool {
    match m.op {
        MatchOp::Equal => m.value.is_empty(),
        MatchOp::NotEqual => !m.value.is_empty(),
        MatchOp::Regex => regex_matches_empty(&m.value),
        MatchOp::NotRegex => !regex_matches_empty(&m.value),
    }
}
