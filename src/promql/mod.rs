//! A PromQL parser that accepts exactly what Prometheus 3.x's parser accepts, with the same
//! error messages and byte positions, plus a type checker, a canonical printer and a walker.
//!
//! Entry points are [`parse`] and [`parse_with`]; experimental syntax is gated by [`Features`],
//! mirroring promtool's `--enable-feature` flags.

mod ast;
mod check;
mod functions;
mod lexer;
mod literals;
mod parser;
mod printer;
mod regex;

#[cfg(test)]
mod tests;

pub use ast::{
    AggregateExpr, AggregateOp, At, AtValue, BinaryExpr, BinaryOp, Call, Cardinality, DurationExpr,
    DurationLiteral, DurationOp, Expr, FillValues, Grouping, MatchOp, Matcher, MatrixSelector,
    NumberLiteral, Offset, ParenExpr, RangeModifier, Span, StringLiteral, SubqueryExpr, UnaryExpr,
    UnaryOp, ValueType, VectorMatching, VectorSelector, walk,
};
pub use functions::{FUNCTIONS, FunctionInfo, function};
pub use parser::MAX_DEPTH;
pub use regex::{regex_matches_empty, validate_regex};

/// A parse or type error with the byte range it refers to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    /// Where the problem is (may be empty, e.g. at end of input).
    pub span: Span,
    /// Prometheus's wording of the problem.
    pub message: String,
}

/// One experimental PromQL feature that promtool enables with `--enable-feature`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Feature {
    /// `promql-experimental-functions`
    ExperimentalFunctions,
    /// `promql-duration-expr`
    DurationExpr,
    /// `promql-extended-range-selectors`
    ExtendedRangeSelectors,
    /// `promql-binop-fill-modifiers`
    BinopFillModifiers,
}

/// Which experimental syntax is accepted; the default (all off) matches promtool without flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Features {
    /// Experimental functions and the `limitk`/`limit_ratio` aggregations.
    pub experimental_functions: bool,
    /// Arithmetic in durations (`foo[5m + 1m]`, `offset (1h / 2)`).
    pub duration_expr: bool,
    /// `anchored` / `smoothed` range modifiers.
    pub extended_range_selectors: bool,
    /// `fill(...)`, `fill_left(...)`, `fill_right(...)` on binary operators.
    pub binop_fill_modifiers: bool,
}

impl Features {
    /// Maps one promtool `--enable-feature` name to the PromQL feature it enables, if any.
    pub fn from_flag(name: &str) -> Option<Feature> {
        match name.trim() {
            "promql-experimental-functions" => Some(Feature::ExperimentalFunctions),
            "promql-duration-expr" => Some(Feature::DurationExpr),
            "promql-extended-range-selectors" => Some(Feature::ExtendedRangeSelectors),
            "promql-binop-fill-modifiers" => Some(Feature::BinopFillModifiers),
            _ => None,
        }
    }

    /// Turns one feature on.
    pub fn enable(&mut self, feature: Feature) {
        match feature {
            Feature::ExperimentalFunctions => self.experimental_functions = true,
            Feature::DurationExpr => self.duration_expr = true,
            Feature::ExtendedRangeSelectors => self.extended_range_selectors = true,
            Feature::BinopFillModifiers => self.binop_fill_modifiers = true,
        }
    }

    /// Builds the set from `--enable-feature` values (each may be comma-separated); unknown names are ignored.
    pub fn from_flags<'a>(flags: impl IntoIterator<Item = &'a str>) -> Features {
        let mut f = Features::default();
        for flag in flags {
            for name in flag.split(',') {
                if let Some(feature) = Features::from_flag(name) {
                    f.enable(feature);
                }
            }
        }
        f
    }

    /// Every feature enabled.
    pub fn all() -> Features {
        Features {
            experimental_functions: true,
            duration_expr: true,
            extended_range_selectors: true,
            binop_fill_modifiers: true,
        }
    }
}

/// Parses a PromQL expression with no experimental features enabled.
pub fn parse(input: &str) -> Result<Expr, ParseError> {
    parse_with(input, &Features::default())
}

/// Parses and type-checks a PromQL expression; the error is the first one Prometheus would report.
pub fn parse_with(input: &str, features: &Features) -> Result<Expr, ParseError> {
    parse_all_errors(input, features).map_err(first_error)
}

/// The error Prometheus would report: the first one found.
fn first_error(mut errs: Vec<ParseError>) -> ParseError {
    if errs.is_empty() {
        ParseError {
            span: Span::new(0, 0),
            message: "unexpected error".into(),
        }
    } else {
        errs.swap_remove(0)
    }
}

/// Stack for the parsing thread: recursive descent needs roughly 15 KiB per nesting level in
/// debug builds, so the default 2 MiB of a test thread would not cover [`MAX_DEPTH`].
pub const PARSE_STACK_BYTES: usize = 64 << 20;

/// Like [`parse_with`], but on the calling thread, which must have at least
/// [`PARSE_STACK_BYTES`] of stack. Callers parsing many expressions (the rule linter) run
/// them all on one such thread instead of paying a thread spawn per expression.
pub fn parse_with_on_current_stack(input: &str, features: &Features) -> Result<Expr, ParseError> {
    parse_on_this_thread(input, features).map_err(first_error)
}

/// Like [`parse_with`] but returns every error found, in Prometheus's order.
pub fn parse_all_errors(input: &str, features: &Features) -> Result<Expr, Vec<ParseError>> {
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("promql-parse".into())
            .stack_size(PARSE_STACK_BYTES)
            .spawn_scoped(scope, || parse_on_this_thread(input, features));
        match spawned {
            Ok(handle) => handle.join().unwrap_or_else(|_| {
                Err(vec![ParseError {
                    span: Span::new(0, 0),
                    message: "unexpected error".into(),
                }])
            }),
            // Without a thread, parse here; MAX_DEPTH still bounds the recursion.
            Err(_) => parse_on_this_thread(input, features),
        }
    })
}

fn parse_on_this_thread(input: &str, features: &Features) -> Result<Expr, Vec<ParseError>> {
    let tokens = lexer::lex(input);
    let mut p = parser::Parser::new(input, tokens, features);
    let result = p.parse_top();
    let mut errors = std::mem::take(&mut p.errors);
    match result {
        Ok(mut expr) if errors.is_empty() => {
            check::check(input, &mut expr, &mut errors);
            if errors.is_empty() {
                Ok(expr)
            } else {
                Err(errors)
            }
        }
        _ => Err(errors),
    }
}
