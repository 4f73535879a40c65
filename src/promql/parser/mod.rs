//! The PromQL parser: a precedence-climbing parser that reproduces the grammar, precedences,
//! error messages and error positions of Prometheus's yacc grammar (`generated_parser.y`).
//!
//! Like Prometheus, it keeps going after "semantic" errors (they are collected and the first one
//! is reported) but stops at the first syntax error.

use super::ast::*;
use super::functions::{self, FunctionInfo};
use super::lexer::{Kind, Token, go_quote};
use super::literals::{go_format_f, parse_duration, parse_number, unquote};
use super::regex::validate_regex;
use super::{Features, ParseError};

mod durations;

/// Maximum nesting of syntax-tree nodes; deeper input is rejected instead of risking the stack.
pub const MAX_DEPTH: usize = 500;

/// Marker for "a syntax error was recorded, unwind".
pub struct Stop;

type PResult<T> = Result<T, Stop>;

/// Stand-in for unknown functions so parsing can continue and report later errors in order.
static UNKNOWN_FUNCTION: FunctionInfo = FunctionInfo {
    name: "",
    arg_types: &[],
    variadic: -1,
    return_type: ValueType::Vector,
    experimental: false,
};

/// Parser state over one input's token list.
pub struct Parser<'a> {
    input: &'a str,
    tokens: Vec<Token>,
    pos: usize,
    features: &'a Features,
    /// Errors collected so far, in Prometheus's order.
    pub errors: Vec<ParseError>,
    depth: usize,
    last_end: usize,
}

const RANGE_CTX: (&str, &str) = (
    "subquery or range selector",
    "number, duration, step(), or range()",
);
const STEP_CTX: (&str, &str) = (
    "subquery selector",
    "number, duration, step(), range(), or \"]\"",
);
const OFFSET_CTX: (&str, &str) = ("offset", "number, duration, step(), or range()");

fn binary_op(kind: Kind) -> Option<BinaryOp> {
    Some(match kind {
        Kind::Add => BinaryOp::Add,
        Kind::Sub => BinaryOp::Sub,
        Kind::Mul => BinaryOp::Mul,
        Kind::Div => BinaryOp::Div,
        Kind::Mod => BinaryOp::Mod,
        Kind::Pow => BinaryOp::Pow,
        Kind::Atan2 => BinaryOp::Atan2,
        Kind::Eqlc => BinaryOp::Eql,
        Kind::Neq => BinaryOp::Neq,
        Kind::Lss => BinaryOp::Lss,
        Kind::Lte => BinaryOp::Lte,
        Kind::Gtr => BinaryOp::Gtr,
        Kind::Gte => BinaryOp::Gte,
        Kind::Land => BinaryOp::And,
        Kind::Lor => BinaryOp::Or,
        Kind::Lunless => BinaryOp::Unless,
        _ => return None,
    })
}

fn aggregate_op(kind: Kind) -> Option<AggregateOp> {
    Some(match kind {
        Kind::Sum => AggregateOp::Sum,
        Kind::Avg => AggregateOp::Avg,
        Kind::Count => AggregateOp::Count,
        Kind::Min => AggregateOp::Min,
        Kind::Max => AggregateOp::Max,
        Kind::Group => AggregateOp::Group,
        Kind::Stddev => AggregateOp::Stddev,
        Kind::Stdvar => AggregateOp::Stdvar,
        Kind::Topk => AggregateOp::Topk,
        Kind::Bottomk => AggregateOp::Bottomk,
        Kind::CountValues => AggregateOp::CountValues,
        Kind::Quantile => AggregateOp::Quantile,
        Kind::Limitk => AggregateOp::Limitk,
        Kind::LimitRatio => AggregateOp::LimitRatio,
        _ => return None,
    })
}

/// Tokens that may be used as a metric name (`metric_identifier` in the grammar).
fn is_metric_identifier(kind: Kind) -> bool {
    use Kind::*;
    kind.is_aggregator()
        || matches!(
            kind,
            By | Identifier
                | Land
                | Lor
                | Lunless
                | MetricIdentifier
                | Offset
                | Without
                | Start
                | End
                | Step
                | Range
                | MaxOf
                | MinOf
                | Anchored
                | Smoothed
        )
}

/// Tokens that may be used as a label name in grouping clauses (`maybe_label`).
fn is_maybe_label(kind: Kind) -> bool {
    use Kind::*;
    kind.is_aggregator()
        || matches!(
            kind,
            Bool | By
                | GroupLeft
                | GroupRight
                | Identifier
                | Ignoring
                | Land
                | Lor
                | Lunless
                | MetricIdentifier
                | Offset
                | On
                | Start
                | End
                | Atan2
                | Step
                | Range
                | MaxOf
                | MinOf
                | Anchored
                | Smoothed
        )
}

fn duration_op(kind: Kind) -> Option<(DurationOp, u8)> {
    Some(match kind {
        Kind::Add => (DurationOp::Add, 4),
        Kind::Sub => (DurationOp::Sub, 4),
        Kind::Mul => (DurationOp::Mul, 5),
        Kind::Div => (DurationOp::Div, 5),
        Kind::Mod => (DurationOp::Mod, 5),
        Kind::Pow => (DurationOp::Pow, 6),
        _ => return None,
    })
}

fn placeholder(span: Span) -> Expr {
    Expr::Number(NumberLiteral { value: 0.0, span })
}

/// Seconds to milliseconds the way Prometheus does it (round to nanoseconds, then truncate).
fn seconds_to_millis(seconds: f64) -> i64 {
    let ns = (seconds * 1e9).round();
    if ns.is_finite() && ns.abs() < 9.2e18 {
        (ns as i64) / 1_000_000
    } else {
        0
    }
}

/// Largest duration in seconds that fits Go's `time.Duration`.
const MAX_DURATION_SECONDS: f64 = 9_223_372_036.854_775;

impl<'a> Parser<'a> {
    /// Starts parsing `tokens` (from [`super::lexer::lex`]) of `input`.
    pub fn new(input: &'a str, tokens: Vec<Token>, features: &'a Features) -> Self {
        Parser {
            input,
            tokens,
            pos: 0,
            features,
            errors: Vec::new(),
            depth: 0,
            last_end: 0,
        }
    }

    fn peek_at(&self, offset: usize) -> Option<&Token> {
        self.tokens
            .get(self.pos + offset)
            .or_else(|| self.tokens.last())
    }

    fn kind(&self) -> Kind {
        self.peek_at(0).map_or(Kind::Eof, |t| t.kind)
    }

    fn kind_at(&self, offset: usize) -> Kind {
        self.peek_at(offset).map_or(Kind::Eof, |t| t.kind)
    }

    fn current(&self) -> Token {
        self.peek_at(0).cloned().unwrap_or(Token {
            kind: Kind::Eof,
            span: Span::new(self.input.len(), self.input.len()),
            message: String::new(),
        })
    }

    fn advance(&mut self) -> Token {
        let t = self.current();
        if self.pos < self.tokens.len().saturating_sub(1) {
            self.pos += 1;
        }
        if !matches!(t.kind, Kind::Eof | Kind::Error) {
            self.last_end = t.span.end;
        }
        t
    }

    fn text(&self, t: &Token) -> &'a str {
        t.text(self.input)
    }

    fn error(&mut self, span: Span, message: impl Into<String>) {
        self.errors.push(ParseError {
            span,
            message: message.into(),
        });
    }

    /// Records "unexpected <token>[ in context][, expected ...]" (or the pending lexer error).
    fn unexpected(&mut self, context: &str, expected: &str) -> Stop {
        let t = self.current();
        if t.kind == Kind::Error {
            self.error(t.span, t.message.clone());
            return Stop;
        }
        let mut msg = format!("unexpected {}", t.desc(self.input));
        if !context.is_empty() {
            msg.push_str(" in ");
            msg.push_str(context);
        }
        if !expected.is_empty() {
            msg.push_str(", expected ");
            msg.push_str(expected);
        }
        self.error(t.span, msg);
        Stop
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let span = self.current().span;
            self.error(
                span,
                format!("expression nesting exceeds the maximum depth of {MAX_DEPTH}"),
            );
            return Err(Stop);
        }
        Ok(())
    }

    fn leave(&mut self, n: usize) {
        self.depth = self.depth.saturating_sub(n);
    }

    /// Parses the whole input as one expression.
    pub fn parse_top(&mut self) -> PResult<Expr> {
        if self.kind() == Kind::Eof {
            self.error(Span::new(0, 0), "no expression found in input");
            return Err(Stop);
        }
        let e = self.parse_expr(0)?;
        if self.kind() != Kind::Eof {
            return Err(self.unexpected("", ""));
        }
        Ok(e)
    }

    fn parse_expr(&mut self, min_prec: u8) -> PResult<Expr> {
        self.enter()?;
        let mut nested = 1;
        let result = self.parse_expr_inner(min_prec, &mut nested);
        self.leave(nested);
        result
    }

    fn parse_expr_inner(&mut self, min_prec: u8, nested: &mut usize) -> PResult<Expr> {
        let mut lhs = self.parse_unary()?;
        while let Some(op) = binary_op(self.kind()) {
            let prec = op.precedence();
            if prec < min_prec {
                break;
            }
            let op_tok = self.advance();
            let (return_bool, matching) = self.parse_bin_modifiers(op)?;
            let next_min = if op == BinaryOp::Pow { prec } else { prec + 1 };
            let rhs = self.parse_expr(next_min)?;
            let span = lhs.span().to(rhs.span());
            let has_fill = matching.fill.lhs.is_some() || matching.fill.rhs.is_some();
            if has_fill && !self.features.binop_fill_modifiers {
                self.error(
                    span,
                    "binop fill modifiers are experimental and not enabled",
                );
            }
            lhs = Expr::Binary(BinaryExpr {
                op,
                op_span: op_tok.span,
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
                return_bool,
                matching: Some(matching),
                span,
            });
            self.enter()?;
            *nested += 1;
        }
        Ok(lhs)
    }

    fn parse_bin_modifiers(&mut self, op: BinaryOp) -> PResult<(bool, VectorMatching)> {
        let mut return_bool = false;
        if self.kind() == Kind::Bool {
            self.advance();
            return_bool = true;
        }
        let mut m = VectorMatching {
            card: if op.is_set() {
                Cardinality::ManyToMany
            } else {
                Cardinality::OneToOne
            },
            on: false,
            labels: Vec::new(),
            include: Vec::new(),
            fill: FillValues::default(),
        };
        if matches!(self.kind(), Kind::On | Kind::Ignoring) {
            m.on = self.advance().kind == Kind::On;
            m.labels = self.parse_grouping_labels()?.0;
            if matches!(self.kind(), Kind::GroupLeft | Kind::GroupRight) {
                m.card = if self.advance().kind == Kind::GroupLeft {
                    Cardinality::ManyToOne
                } else {
                    Cardinality::OneToMany
                };
                if self.kind() == Kind::LeftParen {
                    m.include = self.parse_grouping_labels()?.0;
                }
            }
        }
        // fill(v), fill_left(v), fill_right(v): recognised by name in modifier position.
        while self.kind() == Kind::Identifier && self.kind_at(1) == Kind::LeftParen {
            let which = self.text(&self.current());
            if !matches!(which, "fill" | "fill_left" | "fill_right") {
                break;
            }
            self.advance();
            self.advance();
            let value = self.parse_signed_number("fill modifier", "number")?;
            if self.kind() != Kind::RightParen {
                return Err(self.unexpected("fill modifier", "\")\""));
            }
            self.advance();
            match which {
                "fill_left" => m.fill.lhs = Some(value),
                "fill_right" => m.fill.rhs = Some(value),
                _ => {
                    m.fill.lhs = Some(value);
                    m.fill.rhs = Some(value);
                }
            }
        }
        Ok((return_bool, m))
    }

    /// `signed_or_unsigned_number` in the grammar (durations count as seconds).
    fn parse_signed_number(&mut self, ctx: &str, expected: &str) -> PResult<f64> {
        let mut sign = 1.0;
        if matches!(self.kind(), Kind::Add | Kind::Sub) && self.advance().kind == Kind::Sub {
            sign = -1.0;
        }
        match self.kind() {
            Kind::Number | Kind::Duration => {
                let t = self.advance();
                Ok(sign * self.number_value(&t))
            }
            _ => Err(self.unexpected(ctx, expected)),
        }
    }

    /// The value of a NUMBER or DURATION token, recording a parse error if it is malformed.
    fn number_value(&mut self, t: &Token) -> f64 {
        let text = self.text(t);
        let parsed = if t.kind == Kind::Duration {
            parse_duration(text).map(|ms| ms as f64 / 1000.0)
        } else {
            parse_number(text)
        };
        match parsed {
            Ok(v) => v,
            Err(e) => {
                self.error(t.span, e);
                0.0
            }
        }
    }

    /// `( label, ... )` after by/without/on/ignoring/group_left/group_right.
    fn parse_grouping_labels(&mut self) -> PResult<(Vec<String>, Span)> {
        if self.kind() != Kind::LeftParen {
            return Err(self.unexpected("grouping opts", "\"(\""));
        }
        let open = self.advance();
        let mut labels = Vec::new();
        if self.kind() == Kind::RightParen {
            let close = self.advance();
            return Ok((labels, open.span.to(close.span)));
        }
        loop {
            let t = self.current();
            if is_maybe_label(t.kind) {
                self.advance();
                labels.push(self.text(&t).to_string());
            } else if t.kind == Kind::Str {
                self.advance();
                let v = self.unquote_token(&t);
                if v.is_empty() {
                    self.error(
                        t.span,
                        format!("invalid label name for grouping: {}", go_quote(&v)),
                    );
                }
                labels.push(v);
            } else {
                return Err(self.unexpected("grouping opts", "label"));
            }
            match self.kind() {
                Kind::Comma => {
                    self.advance();
                    if self.kind() == Kind::RightParen {
                        let close = self.advance();
                        return Ok((labels, open.span.to(close.span)));
                    }
                }
                Kind::RightParen => {
                    let close = self.advance();
                    return Ok((labels, open.span.to(close.span)));
                }
                _ => return Err(self.unexpected("grouping opts", "\",\" or \")\"")),
            }
        }
    }

    fn unquote_token(&mut self, t: &Token) -> String {
        let text = self.text(t);
        match unquote(text) {
            Ok(v) => v,
            Err(e) => {
                self.error(
                    t.span,
                    format!("error unquoting string {}: {e}", go_quote(text)),
                );
                String::new()
            }
        }
    }

    fn parse_unary(&mut self) -> PResult<Expr> {
        if !matches!(self.kind(), Kind::Add | Kind::Sub) {
            return self.parse_postfix();
        }
        let op_tok = self.advance();
        // The operand binds like `*`: only `^` (and postfix modifiers) bind tighter.
        let operand = self.parse_expr(BinaryOp::Pow.precedence())?;
        let neg = op_tok.kind == Kind::Sub;
        let span = op_tok.span.to(operand.span());
        Ok(match operand {
            Expr::Number(mut n) => {
                if neg {
                    n.value = -n.value;
                }
                n.span.start = op_tok.span.start;
                Expr::Number(n)
            }
            other => Expr::Unary(UnaryExpr {
                op: if neg { UnaryOp::Neg } else { UnaryOp::Pos },
                expr: Box::new(other),
                span,
            }),
        })
    }

    fn parse_postfix(&mut self) -> PResult<Expr> {
        let mut e = self.parse_primary()?;
        let mut nested = 0;
        let result = loop {
            let step = match self.kind() {
                Kind::LeftBracket => self.parse_range_or_subquery(e),
                Kind::Offset => self.parse_offset(e),
                Kind::At => self.parse_at(e),
                Kind::Anchored | Kind::Smoothed => Ok(self.parse_range_modifier(e)),
                _ => break Ok(e),
            };
            e = match step {
                Ok(e) => e,
                Err(s) => break Err(s),
            };
            if let Err(s) = self.enter() {
                break Err(s);
            }
            nested += 1;
        };
        self.leave(nested);
        result
    }

    fn parse_primary(&mut self) -> PResult<Expr> {
        let t = self.current();
        match t.kind {
            Kind::Number | Kind::Duration => {
                self.advance();
                let value = self.number_value(&t);
                Ok(Expr::Number(NumberLiteral {
                    value,
                    span: t.span,
                }))
            }
            Kind::Str => {
                self.advance();
                let value = self.unquote_token(&t);
                Ok(Expr::String(StringLiteral {
                    value,
                    span: t.span,
                }))
            }
            Kind::LeftParen => {
                self.advance();
                let inner = self.parse_expr(0)?;
                if self.kind() != Kind::RightParen {
                    return Err(self.unexpected("", ""));
                }
                let close = self.advance();
                Ok(Expr::Paren(ParenExpr {
                    expr: Box::new(inner),
                    span: t.span.to(close.span),
                }))
            }
            Kind::LeftBrace => self.parse_vector_selector(None),
            Kind::Identifier if self.kind_at(1) == Kind::LeftParen => self.parse_call(),
            // `start()`, `end()`, `step()`, `range()`, `max_of(a, b)`, `min_of(a, b)`:
            // experimental functions; without `(` the same words are metric names.
            Kind::Start | Kind::End | Kind::Step | Kind::Range | Kind::MaxOf | Kind::MinOf
                if self.kind_at(1) == Kind::LeftParen =>
            {
                self.parse_call()
            }
            k if k.is_aggregator()
                && matches!(self.kind_at(1), Kind::LeftParen | Kind::By | Kind::Without) =>
            {
                self.parse_aggregate()
            }
            k if is_metric_identifier(k) => {
                self.advance();
                self.parse_vector_selector(Some(t))
            }
            _ => Err(self.unexpected("", "")),
        }
    }

    fn parse_call(&mut self) -> PResult<Expr> {
        let name_tok = self.advance();
        let name = self.text(&name_tok);
        let func = match functions::function(name) {
            Some(f) => {
                if f.experimental && !self.features.experimental_functions {
                    self.error(
                        name_tok.span,
                        format!("function {} is not enabled", go_quote(name)),
                    );
                }
                f
            }
            None => {
                self.error(
                    name_tok.span,
                    format!("unknown function with name {}", go_quote(name)),
                );
                &UNKNOWN_FUNCTION
            }
        };
        let args = self.parse_call_body()?;
        Ok(Expr::Call(Call {
            func,
            name_span: name_tok.span,
            args,
            span: Span::new(name_tok.span.start, self.last_end),
        }))
    }

    /// `( expr, ... )` of function calls and aggregations.
    fn parse_call_body(&mut self) -> PResult<Vec<Expr>> {
        if self.kind() != Kind::LeftParen {
            return Err(self.unexpected("", ""));
        }
        self.advance();
        let mut args = Vec::new();
        if self.kind() == Kind::RightParen {
            self.advance();
            return Ok(args);
        }
        loop {
            args.push(self.parse_expr(0)?);
            match self.kind() {
                Kind::Comma => {
                    let comma = self.advance();
                    if self.kind() == Kind::RightParen {
                        self.error(
                            comma.span,
                            "trailing commas not allowed in function call args",
                        );
                        self.advance();
                        return Ok(args);
                    }
                }
                Kind::RightParen => {
                    self.advance();
                    return Ok(args);
                }
                _ => return Err(self.unexpected("", "")),
            }
        }
    }

    fn parse_grouping(&mut self) -> PResult<Grouping> {
        let kw = self.advance();
        let (labels, span) = self.parse_grouping_labels()?;
        Ok(Grouping {
            without: kw.kind == Kind::Without,
            labels,
            span: kw.span.to(span),
        })
    }

    fn parse_aggregate(&mut self) -> PResult<Expr> {
        let op_tok = self.advance();
        let Some(op) = aggregate_op(op_tok.kind) else {
            return Err(self.unexpected("", ""));
        };
        let mut grouping = None;
        if matches!(self.kind(), Kind::By | Kind::Without) {
            grouping = Some(self.parse_grouping()?);
        }
        let args = self.parse_call_body()?;
        if grouping.is_none() && matches!(self.kind(), Kind::By | Kind::Without) {
            grouping = Some(self.parse_grouping()?);
        }
        let span = Span::new(op_tok.span.start, self.last_end);
        if args.is_empty() {
            self.error(span, "no arguments for aggregate expression provided");
            return Ok(placeholder(span));
        }
        let mut desired = 1;
        if op.takes_param() {
            if op.experimental() && !self.features.experimental_functions {
                self.error(
                    span,
                    format!(
                        "{}() is experimental and must be enabled with --enable-feature=promql-experimental-functions",
                        op.as_str()
                    ),
                );
                return Ok(placeholder(span));
            }
            desired = 2;
        }
        if args.len() != desired {
            self.error(
                span,
                format!(
                    "wrong number of arguments for aggregate expression provided, expected {desired}, got {}",
                    args.len()
                ),
            );
            return Ok(placeholder(span));
        }
        let mut it = args.into_iter();
        let (param, expr) = match (desired, it.next(), it.next()) {
            (2, Some(p), Some(e)) => (Some(Box::new(p)), e),
            (_, Some(e), None) => (None, e),
            _ => return Ok(placeholder(span)),
        };
        Ok(Expr::Aggregate(AggregateExpr {
            op,
            op_span: op_tok.span,
            expr: Box::new(expr),
            param,
            grouping,
            span,
        }))
    }

    fn parse_vector_selector(&mut self, name: Option<Token>) -> PResult<Expr> {
        let mut matchers = Vec::new();
        let start = name
            .as_ref()
            .map_or(self.current().span.start, |t| t.span.start);
        if self.kind() == Kind::LeftBrace {
            self.advance();
            self.parse_matchers(&mut matchers)?;
        }
        let span = Span::new(start, self.last_end);
        Ok(Expr::Vector(VectorSelector {
            name: name.as_ref().map(|t| self.text(t).to_string()),
            name_span: name.as_ref().map(|t| t.span),
            matchers,
            offset: None,
            at: None,
            modifier: None,
            span,
        }))
    }

    fn parse_match_op(&mut self) -> Option<MatchOp> {
        let op = match self.kind() {
            Kind::Eql => MatchOp::Equal,
            Kind::Neq => MatchOp::NotEqual,
            Kind::EqlRegex => MatchOp::Regex,
            Kind::NeqRegex => MatchOp::NotRegex,
            _ => return None,
        };
        self.advance();
        Some(op)
    }

    fn parse_matchers(&mut self, out: &mut Vec<Matcher>) -> PResult<()> {
        if self.kind() == Kind::RightBrace {
            self.advance();
            return Ok(());
        }
        loop {
            let t = self.current();
            match t.kind {
                Kind::Identifier => {
                    self.advance();
                    let Some(op) = self.parse_match_op() else {
                        return Err(self.unexpected("label matching", "label matching operator"));
                    };
                    let value = self.parse_matcher_value()?;
                    self.check_regex(op, &value, Span::new(t.span.start, self.last_end));
                    out.push(Matcher {
                        name: self.text(&t).to_string(),
                        op,
                        value,
                        span: Span::new(t.span.start, self.last_end),
                    });
                }
                Kind::Str => {
                    self.advance();
                    let name = self.unquote_token(&t);
                    if let Some(op) = self.parse_match_op() {
                        let value = self.parse_matcher_value()?;
                        self.check_regex(op, &value, Span::new(t.span.start, self.last_end));
                        out.push(Matcher {
                            name,
                            op,
                            value,
                            span: Span::new(t.span.start, self.last_end),
                        });
                    } else {
                        out.push(Matcher {
                            name: "__name__".into(),
                            op: MatchOp::Equal,
                            value: name,
                            span: t.span,
                        });
                    }
                }
                _ => return Err(self.unexpected("label matching", "identifier or \"}\"")),
            }
            match self.kind() {
                Kind::Comma => {
                    self.advance();
                    if self.kind() == Kind::RightBrace {
                        self.advance();
                        return Ok(());
                    }
                }
                Kind::RightBrace => {
                    self.advance();
                    return Ok(());
                }
                _ => return Err(self.unexpected("label matching", "\",\" or \"}\"")),
            }
        }
    }

    fn parse_matcher_value(&mut self) -> PResult<String> {
        if self.kind() != Kind::Str {
            return Err(self.unexpected("label matching", "string"));
        }
        let t = self.advance();
        Ok(self.unquote_token(&t))
    }

    /// Reports an invalid regex the way `labels.NewMatcher` does (spanning name and value).
    fn check_regex(&mut self, op: MatchOp, value: &str, span: Span) {
        if matches!(op, MatchOp::Regex | MatchOp::NotRegex)
            && let Err(e) = validate_regex(value)
        {
            self.error(span, e);
        }
    }
}
