//! The parser's durations and what follows a selector: range selectors and subqueries,
//! duration expressions (`5m`, `step()`, `max_of(...)`, arithmetic), `offset`, `@` and the
//! `anchored`/`smoothed` range modifiers. Kept apart from the expression grammar in
//! [`super`], which it extends with a second `impl` block.

use super::*;

impl Parser<'_> {
    pub(super) fn parse_range_or_subquery(&mut self, e: Expr) -> PResult<Expr> {
        let lb = self.advance();
        let range = self.parse_duration_expr(0, RANGE_CTX)?;
        let range = self.positive(range);
        match self.kind() {
            Kind::RightBracket => {
                let rb = self.advance();
                Ok(self.build_matrix(e, range, lb.span.to(rb.span)))
            }
            Kind::Colon => {
                self.advance();
                let step = if self.kind() == Kind::RightBracket {
                    None
                } else {
                    let s = self.parse_duration_expr(0, STEP_CTX)?;
                    Some(self.positive(s))
                };
                if self.kind() != Kind::RightBracket {
                    return Err(self.unexpected("subquery selector", "\"]\""));
                }
                let rb = self.advance();
                let span = Span::new(e.span().start, rb.span.end);
                Ok(Expr::Subquery(SubqueryExpr {
                    expr: Box::new(e),
                    range,
                    step,
                    offset: None,
                    at: None,
                    span,
                }))
            }
            _ => Err(self.unexpected("subquery or range", "\":\" or \"]\"")),
        }
    }

    /// `positive_duration_expr`: literal durations must be > 0.
    fn positive(&mut self, d: DurationExpr) -> DurationExpr {
        if let DurationExpr::Literal(l) = &d
            && (l.seconds <= 0.0 || l.seconds.is_nan())
        {
            self.error(l.span, "duration must be greater than 0");
        }
        d
    }

    fn build_matrix(&mut self, e: Expr, range: DurationExpr, range_span: Span) -> Expr {
        let msg = match &e {
            Expr::Vector(vs) => {
                // Upstream: a non-zero offset or any offset expression (`offset step()`),
                // and any `@`, `start()` and `end()` included.
                if vs.offset.as_ref().is_some_and(
                    |o| !matches!(&o.duration, DurationExpr::Literal(l) if l.seconds == 0.0),
                ) {
                    Some("no offset modifiers allowed before range")
                } else if vs.at.is_some() {
                    Some("no @ modifiers allowed before range")
                } else {
                    None
                }
            }
            _ => Some("ranges only allowed for vector selectors"),
        };
        if let Some(m) = msg {
            self.error(range_span, m);
        }
        match e {
            Expr::Vector(mut vector) => {
                let modifier = vector.modifier.take();
                let span = Span::new(vector.span.start, range_span.end);
                Expr::Matrix(MatrixSelector {
                    vector,
                    range,
                    range_span,
                    modifier,
                    span,
                })
            }
            other => other,
        }
    }

    /// A duration expression inside brackets or parentheses (`duration_expr`).
    fn parse_duration_expr(&mut self, min_prec: u8, ctx: (&str, &str)) -> PResult<DurationExpr> {
        self.enter()?;
        let mut nested = 1;
        let result = self.parse_duration_expr_inner(min_prec, ctx, &mut nested);
        self.leave(nested);
        result
    }

    fn parse_duration_expr_inner(
        &mut self,
        min_prec: u8,
        ctx: (&str, &str),
        nested: &mut usize,
    ) -> PResult<DurationExpr> {
        let mut lhs = self.parse_duration_unary(ctx)?;
        while let Some((op, prec)) = duration_op(self.kind()) {
            if prec < min_prec {
                break;
            }
            let op_tok = self.advance();
            let rhs = self.parse_duration_expr(
                if op == DurationOp::Pow {
                    prec
                } else {
                    prec + 1
                },
                ctx,
            )?;
            self.require_duration_expr(lhs.span());
            let zero_divisor = matches!(&rhs, DurationExpr::Literal(l) if l.seconds == 0.0);
            lhs = if zero_divisor && matches!(op, DurationOp::Div | DurationOp::Mod) {
                let msg = if op == DurationOp::Div {
                    "division by zero"
                } else {
                    "modulo by zero"
                };
                self.error(op_tok.span, msg);
                zero_literal()
            } else {
                let span = lhs.span().to(rhs.span());
                DurationExpr::Binary {
                    op,
                    lhs: Box::new(lhs),
                    rhs: Box::new(rhs),
                    span,
                }
            };
            self.enter()?;
            *nested += 1;
        }
        Ok(lhs)
    }

    fn require_duration_expr(&mut self, span: Span) {
        if !self.features.duration_expr {
            self.error(span, "experimental duration expression is not enabled");
        }
    }

    fn parse_duration_unary(&mut self, ctx: (&str, &str)) -> PResult<DurationExpr> {
        if !matches!(self.kind(), Kind::Add | Kind::Sub) {
            return self.parse_duration_primary(ctx);
        }
        let op_tok = self.advance();
        let operand = self.parse_duration_expr(6, ctx)?;
        Ok(self.apply_sign(op_tok, operand))
    }

    fn apply_sign(&mut self, op_tok: Token, operand: DurationExpr) -> DurationExpr {
        let neg = op_tok.kind == Kind::Sub;
        match operand {
            DurationExpr::Literal(mut l) => {
                if neg {
                    l.seconds = -l.seconds;
                    l.millis = -l.millis;
                }
                if l.seconds.abs() > MAX_DURATION_SECONDS {
                    self.error(op_tok.span, "duration out of range");
                    return zero_literal();
                }
                l.span.start = op_tok.span.start;
                DurationExpr::Literal(l)
            }
            other if neg => {
                let span = op_tok.span.to(other.span());
                DurationExpr::Neg {
                    expr: Box::new(other),
                    span,
                }
            }
            other => other,
        }
    }

    fn duration_literal(&mut self, t: &Token) -> DurationExpr {
        let seconds = self.number_value(t);
        if seconds.abs() > MAX_DURATION_SECONDS {
            self.error(t.span, "duration out of range");
            return zero_literal();
        }
        DurationExpr::Literal(DurationLiteral {
            seconds,
            millis: seconds_to_millis(seconds),
            has_unit: t.kind == Kind::Duration,
            span: t.span,
        })
    }

    fn parse_duration_primary(&mut self, ctx: (&str, &str)) -> PResult<DurationExpr> {
        let t = self.current();
        match t.kind {
            Kind::Number | Kind::Duration => {
                self.advance();
                Ok(self.duration_literal(&t))
            }
            Kind::Step | Kind::Range => {
                self.advance();
                if self.kind() != Kind::LeftParen {
                    return Err(self.unexpected(ctx.0, ctx.1));
                }
                self.advance();
                if self.kind() != Kind::RightParen {
                    return Err(self.unexpected(ctx.0, ctx.1));
                }
                let close = self.advance();
                let span = t.span.to(close.span);
                // Upstream gates every non-literal duration, step() and range() included.
                self.require_duration_expr(span);
                Ok(if t.kind == Kind::Step {
                    DurationExpr::Step(span)
                } else {
                    DurationExpr::Range(span)
                })
            }
            Kind::MaxOf | Kind::MinOf => {
                self.advance();
                if self.kind() != Kind::LeftParen {
                    return Err(self.unexpected(ctx.0, ctx.1));
                }
                self.advance();
                let lhs = self.parse_duration_expr(0, ctx)?;
                if self.kind() != Kind::Comma {
                    return Err(self.unexpected(ctx.0, ctx.1));
                }
                self.advance();
                let rhs = self.parse_duration_expr(0, ctx)?;
                if self.kind() != Kind::RightParen {
                    return Err(self.unexpected(ctx.0, ctx.1));
                }
                let close = self.advance();
                self.require_duration_expr(t.span.to(close.span));
                Ok(DurationExpr::MinMax {
                    max: t.kind == Kind::MaxOf,
                    lhs: Box::new(lhs),
                    rhs: Box::new(rhs),
                    span: t.span.to(close.span),
                })
            }
            Kind::LeftParen => {
                self.advance();
                let inner = self.parse_duration_expr(0, ctx)?;
                if self.kind() != Kind::RightParen {
                    return Err(self.unexpected(ctx.0, ctx.1));
                }
                let close = self.advance();
                self.require_duration_expr(inner.span());
                Ok(match inner {
                    DurationExpr::Literal(l) => DurationExpr::Literal(l),
                    other => DurationExpr::Paren {
                        expr: Box::new(other),
                        span: t.span.to(close.span),
                    },
                })
            }
            _ => Err(self.unexpected(ctx.0, ctx.1)),
        }
    }

    /// `offset_duration_expr`: a (signed) literal, step(), range(), max_of/min_of(...) or a
    /// parenthesised duration expression; binary operators after it belong to the outer query.
    fn parse_offset_duration(&mut self) -> PResult<DurationExpr> {
        let starts_operand = |k: Kind| {
            matches!(
                k,
                Kind::Number
                    | Kind::Duration
                    | Kind::Step
                    | Kind::Range
                    | Kind::MaxOf
                    | Kind::MinOf
                    | Kind::LeftParen
            )
        };
        if matches!(self.kind(), Kind::Add | Kind::Sub) && starts_operand(self.kind_at(1)) {
            let sign = self.advance();
            let operand = self.parse_duration_primary(OFFSET_CTX)?;
            return Ok(self.apply_sign(sign, operand));
        }
        if !starts_operand(self.kind()) {
            return Err(self.unexpected(OFFSET_CTX.0, OFFSET_CTX.1));
        }
        self.parse_duration_primary(OFFSET_CTX)
    }

    pub(super) fn parse_offset(&mut self, mut e: Expr) -> PResult<Expr> {
        let kw = self.advance();
        let duration = self.parse_offset_duration()?;
        let offset = Offset {
            span: Span::new(kw.span.start, self.last_end),
            duration,
        };
        let end = self.last_end;
        let Some(slot) = modifier_slot(&mut e, |v| &mut v.offset, |s| &mut s.offset) else {
            self.misplaced_modifier(&e, "offset");
            return Ok(e);
        };
        let already = slot
            .as_ref()
            .is_some_and(|o| !matches!(&o.duration, DurationExpr::Literal(l) if l.seconds == 0.0));
        if already {
            let span = e.span();
            self.error(span, "offset may not be set multiple times");
        } else {
            *slot = Some(offset);
        }
        e.span_mut().end = end;
        Ok(e)
    }

    pub(super) fn parse_at(&mut self, mut e: Expr) -> PResult<Expr> {
        let at_tok = self.advance();
        let value = match self.kind() {
            Kind::Start | Kind::End => {
                let which = self.advance();
                if self.kind() != Kind::LeftParen {
                    return Err(self.unexpected("@", "timestamp"));
                }
                self.advance();
                if self.kind() != Kind::RightParen {
                    return Err(self.unexpected("@", "timestamp"));
                }
                self.advance();
                if which.kind == Kind::Start {
                    AtValue::Start
                } else {
                    AtValue::End
                }
            }
            _ => {
                let ts = self.parse_signed_number("@", "timestamp")?;
                if !ts.is_finite() || ts >= i64::MAX as f64 || ts <= i64::MIN as f64 {
                    let span = e.span();
                    self.error(
                        span,
                        format!(
                            "timestamp out of bounds for @ modifier: {}",
                            go_format_f(ts)
                        ),
                    );
                    AtValue::Timestamp(0)
                } else {
                    AtValue::Timestamp((ts * 1000.0).round() as i64)
                }
            }
        };
        let at = At {
            value,
            span: Span::new(at_tok.span.start, self.last_end),
        };
        let end = self.last_end;
        let Some(slot) = modifier_slot(&mut e, |v| &mut v.at, |s| &mut s.at) else {
            self.misplaced_modifier(&e, "@");
            return Ok(e);
        };
        if slot.is_some() {
            let span = e.span();
            self.error(span, "@ <timestamp> may not be set multiple times");
            return Ok(e);
        }
        *slot = Some(at);
        e.span_mut().end = end;
        Ok(e)
    }

    /// Reports `offset` or `@` after something that is neither a selector nor a subquery.
    fn misplaced_modifier(&mut self, e: &Expr, name: &str) {
        self.error(
            e.span(),
            format!(
                "{name} modifier must be preceded by an instant vector selector or range vector selector or a subquery"
            ),
        );
    }

    pub(super) fn parse_range_modifier(&mut self, mut e: Expr) -> Expr {
        let t = self.advance();
        let (m, name) = if t.kind == Kind::Anchored {
            (RangeModifier::Anchored, "anchored")
        } else {
            (RangeModifier::Smoothed, "smoothed")
        };
        let span = e.span();
        if !self.features.extended_range_selectors {
            self.error(
                span,
                format!("{name} modifier is experimental and not enabled"),
            );
            return e;
        }
        let slot = match &mut e {
            Expr::Vector(vs) => &mut vs.modifier,
            Expr::Matrix(ms) => &mut ms.modifier,
            Expr::Subquery(_) => {
                self.error(
                    span,
                    format!("{name} modifier is not supported for subqueries"),
                );
                return e;
            }
            _ => {
                self.error(span, format!("{name} modifier not implemented"));
                return e;
            }
        };
        if slot.is_some_and(|old| old != m) {
            self.error(
                span,
                "anchored and smoothed modifiers cannot be used together",
            );
        }
        *slot = Some(m);
        e
    }
}

fn zero_literal() -> DurationExpr {
    DurationExpr::Literal(DurationLiteral {
        seconds: 0.0,
        millis: 0,
        has_unit: false,
        span: Span::new(0, 0),
    })
}

/// Where a modifier (`offset`, `@`) of `e` is kept: in its selector (for a range selector,
/// the vector selector inside) or its subquery; `None` when `e` is neither.
fn modifier_slot<T>(
    e: &mut Expr,
    selector: fn(&mut VectorSelector) -> &mut Option<T>,
    subquery: fn(&mut SubqueryExpr) -> &mut Option<T>,
) -> Option<&mut Option<T>> {
    match e {
        Expr::Vector(vs) => Some(selector(vs)),
        Expr::Matrix(ms) => Some(selector(&mut ms.vector)),
        Expr::Subquery(sq) => Some(subquery(sq)),
        _ => None,
    }
}
