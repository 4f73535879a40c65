//! Printing expressions back to PromQL in Prometheus's canonical `String()` form; parsing the
//! output yields the same tree (modulo spans).

use std::fmt::{self, Display, Formatter, Write};

use super::ast::*;
use super::lexer::go_quote;
use super::literals::{format_duration, format_number};

fn is_legacy_label(s: &str) -> bool {
    let mut it = s.chars();
    matches!(it.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && it.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

fn is_legacy_metric(s: &str) -> bool {
    let mut it = s.chars();
    matches!(it.next(), Some(c) if c == '_' || c == ':' || c.is_ascii_alphabetic())
        && it.all(|c| c == '_' || c == ':' || c.is_ascii_alphanumeric())
}

/// A label name inside braces (the lexer only allows `[a-zA-Z_][a-zA-Z0-9_]*` unquoted there).
fn label(s: &str) -> String {
    if is_legacy_label(s) {
        s.to_string()
    } else {
        go_quote(s)
    }
}

/// Grouping labels; like Prometheus, names valid as legacy metric names (colons allowed) stay bare.
fn label_list(labels: &[String]) -> String {
    labels
        .iter()
        .map(|l| {
            if is_legacy_metric(l) {
                l.clone()
            } else {
                go_quote(l)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl Display for DurationExpr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            DurationExpr::Literal(l) => {
                if l.has_unit {
                    if l.millis < 0 {
                        write!(f, "-{}", format_duration(l.millis.saturating_neg()))
                    } else {
                        f.write_str(&format_duration(l.millis))
                    }
                } else {
                    f.write_str(&format_number(l.seconds))
                }
            }
            DurationExpr::Step(_) => f.write_str("step()"),
            DurationExpr::Range(_) => f.write_str("range()"),
            DurationExpr::Neg { expr, .. } => write!(f, "-{expr}"),
            DurationExpr::Binary { op, lhs, rhs, .. } => write!(f, "{lhs} {} {rhs}", op.as_str()),
            DurationExpr::MinMax { max, lhs, rhs, .. } => {
                write!(
                    f,
                    "{}({lhs}, {rhs})",
                    if *max { "max_of" } else { "min_of" }
                )
            }
            DurationExpr::Paren { expr, .. } => write!(f, "({expr})"),
        }
    }
}

impl Display for Matcher {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{}{}",
            label(&self.name),
            self.op.as_str(),
            go_quote(&self.value)
        )
    }
}

/// Prometheus prints `@` before `offset`.
fn modifiers(f: &mut Formatter<'_>, offset: &Option<Offset>, at: &Option<At>) -> fmt::Result {
    if let Some(a) = at {
        match a.value {
            AtValue::Start => f.write_str(" @ start()")?,
            AtValue::End => f.write_str(" @ end()")?,
            AtValue::Timestamp(ms) => {
                let sign = if ms < 0 { "-" } else { "" };
                let abs = ms.unsigned_abs();
                write!(f, " @ {sign}{}.{:03}", abs / 1000, abs % 1000)?;
            }
        }
    }
    if let Some(o) = offset {
        write!(f, " offset {}", o.duration)?;
    }
    Ok(())
}

fn range_modifier(f: &mut Formatter<'_>, m: Option<RangeModifier>) -> fmt::Result {
    match m {
        Some(RangeModifier::Anchored) => f.write_str(" anchored"),
        Some(RangeModifier::Smoothed) => f.write_str(" smoothed"),
        None => Ok(()),
    }
}

/// Name plus matchers; like Prometheus, matchers are sorted by their text and joined by ",".
fn selector_body(f: &mut Formatter<'_>, v: &VectorSelector) -> fmt::Result {
    let mut matchers: Vec<String> = v.matchers.iter().map(|m| m.to_string()).collect();
    match &v.name {
        Some(name) if is_legacy_metric(name) => f.write_str(name)?,
        Some(name) => matchers.push(format!("__name__={}", go_quote(name))),
        None => {}
    }
    if !matchers.is_empty() || v.name.is_none() {
        matchers.sort();
        write!(f, "{{{}}}", matchers.join(","))?;
    }
    Ok(())
}

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Number(n) => f.write_str(&format_number(n.value)),
            Expr::String(s) => f.write_str(&go_quote(&s.value)),
            Expr::Vector(v) => {
                selector_body(f, v)?;
                range_modifier(f, v.modifier)?;
                modifiers(f, &v.offset, &v.at)
            }
            Expr::Matrix(m) => {
                selector_body(f, &m.vector)?;
                write!(f, "[{}]", m.range)?;
                range_modifier(f, m.modifier.or(m.vector.modifier))?;
                modifiers(f, &m.vector.offset, &m.vector.at)
            }
            Expr::Subquery(s) => {
                write!(f, "{}[{}:", s.expr, s.range)?;
                if let Some(step) = &s.step {
                    write!(f, "{step}")?;
                }
                f.write_char(']')?;
                modifiers(f, &s.offset, &s.at)
            }
            Expr::Call(c) => {
                write!(f, "{}(", c.func.name)?;
                for (i, a) in c.args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{a}")?;
                }
                f.write_char(')')
            }
            Expr::Aggregate(a) => {
                f.write_str(a.op.as_str())?;
                // Like Prometheus, an empty `by ()` is not printed (it means the same as none).
                if let Some(g) = a
                    .grouping
                    .as_ref()
                    .filter(|g| g.without || !g.labels.is_empty())
                {
                    let kw = if g.without { "without" } else { "by" };
                    write!(f, " {kw} ({}) ", label_list(&g.labels))?;
                }
                f.write_char('(')?;
                if let Some(p) = &a.param {
                    write!(f, "{p}, ")?;
                }
                write!(f, "{})", a.expr)
            }
            Expr::Binary(b) => {
                write!(f, "{} {}", b.lhs, b.op.as_str())?;
                if b.return_bool {
                    f.write_str(" bool")?;
                }
                if let Some(m) = &b.matching {
                    if m.on
                        || !m.labels.is_empty()
                        || matches!(m.card, Cardinality::ManyToOne | Cardinality::OneToMany)
                    {
                        let kw = if m.on { "on" } else { "ignoring" };
                        write!(f, " {kw} ({})", label_list(&m.labels))?;
                        match m.card {
                            Cardinality::ManyToOne => {
                                write!(f, " group_left ({})", label_list(&m.include))?
                            }
                            Cardinality::OneToMany => {
                                write!(f, " group_right ({})", label_list(&m.include))?
                            }
                            _ => {}
                        }
                    }
                    match (m.fill.lhs, m.fill.rhs) {
                        (Some(l), Some(r)) if l.to_bits() == r.to_bits() => {
                            write!(f, " fill ({})", format_number(l))?
                        }
                        (l, r) => {
                            if let Some(l) = l {
                                write!(f, " fill_left ({})", format_number(l))?;
                            }
                            if let Some(r) = r {
                                write!(f, " fill_right ({})", format_number(r))?;
                            }
                        }
                    }
                }
                write!(f, " {}", b.rhs)
            }
            Expr::Unary(u) => {
                let op = if u.op == UnaryOp::Neg { "-" } else { "+" };
                write!(f, "{op}{}", u.expr)
            }
            Expr::Paren(p) => write!(f, "({})", p.expr),
        }
    }
}
