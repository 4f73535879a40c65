//! The PromQL syntax tree: node types, their byte spans, static types and a pre-order walk.

use super::functions::FunctionInfo;

/// A half-open byte range `[start, end)` into the parsed input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Span {
    /// First byte of the range.
    pub start: usize,
    /// One past the last byte of the range.
    pub end: usize,
}

impl Span {
    /// Builds a span from its two offsets.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The smallest span covering both `self` and `other`.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// The static type of an expression, as Prometheus's type checker sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueType {
    /// A single float.
    Scalar,
    /// An instant vector.
    Vector,
    /// A range vector.
    Matrix,
    /// A string.
    String,
}

impl ValueType {
    /// The name Prometheus uses in type errors ("instant vector", "range vector", ...).
    pub fn documented(self) -> &'static str {
        match self {
            ValueType::Scalar => "scalar",
            ValueType::Vector => "instant vector",
            ValueType::Matrix => "range vector",
            ValueType::String => "string",
        }
    }

    /// The short internal name ("vector", "matrix", ...), used in a few Prometheus messages.
    pub fn internal(self) -> &'static str {
        match self {
            ValueType::Scalar => "scalar",
            ValueType::Vector => "vector",
            ValueType::Matrix => "matrix",
            ValueType::String => "string",
        }
    }
}

/// A PromQL expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A number literal (durations used as numbers, like `1h`, become seconds).
    Number(NumberLiteral),
    /// A string literal.
    String(StringLiteral),
    /// An instant vector selector.
    Vector(VectorSelector),
    /// A range vector selector.
    Matrix(MatrixSelector),
    /// A subquery `expr[range:step]`.
    Subquery(SubqueryExpr),
    /// A function call.
    Call(Call),
    /// An aggregation such as `sum by (job) (x)`.
    Aggregate(AggregateExpr),
    /// A binary operation.
    Binary(BinaryExpr),
    /// A unary `-` or `+` on a non-literal.
    Unary(UnaryExpr),
    /// A parenthesised expression.
    Paren(ParenExpr),
}

/// A number literal.
#[derive(Debug, Clone, PartialEq)]
pub struct NumberLiteral {
    /// The value; durations are converted to seconds.
    pub value: f64,
    /// Where the literal (including a folded sign) is.
    pub span: Span,
}

/// A string literal.
#[derive(Debug, Clone, PartialEq)]
pub struct StringLiteral {
    /// The unquoted value.
    pub value: String,
    /// Where the quoted literal is.
    pub span: Span,
}

/// A label matcher operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MatchOp {
    /// `=`
    Equal,
    /// `!=`
    NotEqual,
    /// `=~`
    Regex,
    /// `!~`
    NotRegex,
}

impl MatchOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchOp::Equal => "=",
            MatchOp::NotEqual => "!=",
            MatchOp::Regex => "=~",
            MatchOp::NotRegex => "!~",
        }
    }
}

/// One label matcher inside braces; a bare quoted name inside braces is `__name__="..."`.
#[derive(Debug, Clone, PartialEq)]
pub struct Matcher {
    /// The label name (unquoted).
    pub name: String,
    /// The comparison.
    pub op: MatchOp,
    /// The unquoted value.
    pub value: String,
    /// From the label name to the end of the value.
    pub span: Span,
}

/// An `offset` modifier.
#[derive(Debug, Clone, PartialEq)]
pub struct Offset {
    /// The offset; negative literals are folded into the duration.
    pub duration: DurationExpr,
    /// From the `offset` keyword to the end of the duration.
    pub span: Span,
}

/// What an `@` modifier pins evaluation to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AtValue {
    /// `@ <timestamp>`, in milliseconds since the epoch.
    Timestamp(i64),
    /// `@ start()`
    Start,
    /// `@ end()`
    End,
}

/// An `@` modifier.
#[derive(Debug, Clone, PartialEq)]
pub struct At {
    /// The pinned time.
    pub value: AtValue,
    /// From `@` to the end of the timestamp.
    pub span: Span,
}

/// The experimental range-selector modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RangeModifier {
    /// `anchored`
    Anchored,
    /// `smoothed`
    Smoothed,
}

/// An instant vector selector.
#[derive(Debug, Clone, PartialEq)]
pub struct VectorSelector {
    /// The metric name written before the braces, if any.
    pub name: Option<String>,
    /// Where that name is.
    pub name_span: Option<Span>,
    /// The matchers inside the braces, in order (the outside name is not repeated here).
    pub matchers: Vec<Matcher>,
    /// An `offset` modifier.
    pub offset: Option<Offset>,
    /// An `@` modifier.
    pub at: Option<At>,
    /// `anchored`/`smoothed` on a bare instant selector.
    pub modifier: Option<RangeModifier>,
    /// The selector including its modifiers.
    pub span: Span,
}

/// A range vector selector `sel[range]`.
#[derive(Debug, Clone, PartialEq)]
pub struct MatrixSelector {
    /// The selector; its `offset`/`at` hold the modifiers written after the range.
    pub vector: VectorSelector,
    /// The range.
    pub range: DurationExpr,
    /// From `[` to `]`.
    pub range_span: Span,
    /// `anchored` or `smoothed`.
    pub modifier: Option<RangeModifier>,
    /// The whole selector including modifiers.
    pub span: Span,
}

/// A subquery `expr[range:step]`.
#[derive(Debug, Clone, PartialEq)]
pub struct SubqueryExpr {
    /// The inner expression.
    pub expr: Box<Expr>,
    /// The range.
    pub range: DurationExpr,
    /// The resolution step, if given.
    pub step: Option<DurationExpr>,
    /// An `offset` modifier.
    pub offset: Option<Offset>,
    /// An `@` modifier.
    pub at: Option<At>,
    /// The whole subquery including modifiers.
    pub span: Span,
}

/// A function call.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// The called function.
    pub func: &'static FunctionInfo,
    /// Where the function name is.
    pub name_span: Span,
    /// The arguments.
    pub args: Vec<Expr>,
    /// From the name to the closing parenthesis.
    pub span: Span,
}

/// An aggregation operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AggregateOp {
    /// `sum`
    Sum,
    /// `avg`
    Avg,
    /// `count`
    Count,
    /// `min`
    Min,
    /// `max`
    Max,
    /// `group`
    Group,
    /// `stddev`
    Stddev,
    /// `stdvar`
    Stdvar,
    /// `topk`
    Topk,
    /// `bottomk`
    Bottomk,
    /// `count_values`
    CountValues,
    /// `quantile`
    Quantile,
    /// `limitk` (experimental)
    Limitk,
    /// `limit_ratio` (experimental)
    LimitRatio,
}

impl AggregateOp {
    /// The operator's keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            AggregateOp::Sum => "sum",
            AggregateOp::Avg => "avg",
            AggregateOp::Count => "count",
            AggregateOp::Min => "min",
            AggregateOp::Max => "max",
            AggregateOp::Group => "group",
            AggregateOp::Stddev => "stddev",
            AggregateOp::Stdvar => "stdvar",
            AggregateOp::Topk => "topk",
            AggregateOp::Bottomk => "bottomk",
            AggregateOp::CountValues => "count_values",
            AggregateOp::Quantile => "quantile",
            AggregateOp::Limitk => "limitk",
            AggregateOp::LimitRatio => "limit_ratio",
        }
    }

    /// Whether the operator takes a leading parameter (`topk(5, x)`).
    pub fn takes_param(self) -> bool {
        matches!(
            self,
            AggregateOp::Topk
                | AggregateOp::Bottomk
                | AggregateOp::CountValues
                | AggregateOp::Quantile
                | AggregateOp::Limitk
                | AggregateOp::LimitRatio
        )
    }

    /// Whether the operator is gated behind experimental functions.
    pub fn experimental(self) -> bool {
        matches!(self, AggregateOp::Limitk | AggregateOp::LimitRatio)
    }
}

/// `by (...)` or `without (...)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Grouping {
    /// `without` rather than `by`.
    pub without: bool,
    /// The label names (unquoted).
    pub labels: Vec<String>,
    /// From the keyword to the closing parenthesis.
    pub span: Span,
}

/// An aggregation.
#[derive(Debug, Clone, PartialEq)]
pub struct AggregateExpr {
    /// The operator.
    pub op: AggregateOp,
    /// Where the operator keyword is.
    pub op_span: Span,
    /// The aggregated expression.
    pub expr: Box<Expr>,
    /// The parameter of `topk`, `quantile`, `count_values`, ...
    pub param: Option<Box<Expr>>,
    /// The grouping clause.
    pub grouping: Option<Grouping>,
    /// The whole aggregation.
    pub span: Span,
}

/// A binary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Mod,
    /// `^`
    Pow,
    /// `atan2`
    Atan2,
    /// `==`
    Eql,
    /// `!=`
    Neq,
    /// `<`
    Lss,
    /// `<=`
    Lte,
    /// `>`
    Gtr,
    /// `>=`
    Gte,
    /// `and`
    And,
    /// `or`
    Or,
    /// `unless`
    Unless,
}

impl BinaryOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Mod => "%",
            BinaryOp::Pow => "^",
            BinaryOp::Atan2 => "atan2",
            BinaryOp::Eql => "==",
            BinaryOp::Neq => "!=",
            BinaryOp::Lss => "<",
            BinaryOp::Lte => "<=",
            BinaryOp::Gtr => ">",
            BinaryOp::Gte => ">=",
            BinaryOp::And => "and",
            BinaryOp::Or => "or",
            BinaryOp::Unless => "unless",
        }
    }

    /// Whether this is a comparison (the only operators that accept `bool`).
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinaryOp::Eql
                | BinaryOp::Neq
                | BinaryOp::Lss
                | BinaryOp::Lte
                | BinaryOp::Gtr
                | BinaryOp::Gte
        )
    }

    /// Whether this is a set operator (`and`, `or`, `unless`).
    pub fn is_set(self) -> bool {
        matches!(self, BinaryOp::And | BinaryOp::Or | BinaryOp::Unless)
    }

    /// Binding strength, higher binds tighter (Prometheus's yacc precedence levels).
    pub fn precedence(self) -> u8 {
        match self {
            BinaryOp::Or => 1,
            BinaryOp::And | BinaryOp::Unless => 2,
            BinaryOp::Eql
            | BinaryOp::Neq
            | BinaryOp::Lss
            | BinaryOp::Lte
            | BinaryOp::Gtr
            | BinaryOp::Gte => 3,
            BinaryOp::Add | BinaryOp::Sub => 4,
            BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod | BinaryOp::Atan2 => 5,
            BinaryOp::Pow => 6,
        }
    }
}

/// Vector matching cardinality.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cardinality {
    /// Plain one-to-one matching.
    OneToOne,
    /// `group_left`
    ManyToOne,
    /// `group_right`
    OneToMany,
    /// Set operators.
    ManyToMany,
}

/// Values from `fill(...)`, `fill_left(...)`, `fill_right(...)` (experimental).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FillValues {
    /// Value used for missing left-hand series.
    pub lhs: Option<f64>,
    /// Value used for missing right-hand series.
    pub rhs: Option<f64>,
}

/// `on`/`ignoring`/`group_left`/`group_right` (and fill) modifiers of a vector binary operation.
#[derive(Debug, Clone, PartialEq)]
pub struct VectorMatching {
    /// The matching cardinality.
    pub card: Cardinality,
    /// `on` rather than `ignoring`.
    pub on: bool,
    /// The `on`/`ignoring` labels.
    pub labels: Vec<String>,
    /// The `group_left`/`group_right` extra labels.
    pub include: Vec<String>,
    /// Fill values.
    pub fill: FillValues,
}

/// A binary operation.
#[derive(Debug, Clone, PartialEq)]
pub struct BinaryExpr {
    /// The operator.
    pub op: BinaryOp,
    /// Where the operator is.
    pub op_span: Span,
    /// Left operand.
    pub lhs: Box<Expr>,
    /// Right operand.
    pub rhs: Box<Expr>,
    /// `bool` modifier.
    pub return_bool: bool,
    /// Vector matching; `None` when either side is a scalar.
    pub matching: Option<VectorMatching>,
    /// From the left operand's start to the right operand's end.
    pub span: Span,
}

/// A unary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// `-`
    Neg,
    /// `+`
    Pos,
}

/// A unary operation on a non-literal.
#[derive(Debug, Clone, PartialEq)]
pub struct UnaryExpr {
    /// The operator.
    pub op: UnaryOp,
    /// The operand.
    pub expr: Box<Expr>,
    /// From the operator to the operand's end.
    pub span: Span,
}

/// A parenthesised expression.
#[derive(Debug, Clone, PartialEq)]
pub struct ParenExpr {
    /// The inner expression.
    pub expr: Box<Expr>,
    /// From `(` to `)`.
    pub span: Span,
}

/// A duration literal or number used as a duration.
#[derive(Debug, Clone, PartialEq)]
pub struct DurationLiteral {
    /// The value in seconds (a bare number is seconds).
    pub seconds: f64,
    /// The value in whole milliseconds.
    pub millis: i64,
    /// Written with a unit (`5m`) rather than as a bare number.
    pub has_unit: bool,
    /// Where the literal (including a folded sign) is.
    pub span: Span,
}

/// Arithmetic operators inside duration expressions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DurationOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Mod,
    /// `^`
    Pow,
}

impl DurationOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            DurationOp::Add => "+",
            DurationOp::Sub => "-",
            DurationOp::Mul => "*",
            DurationOp::Div => "/",
            DurationOp::Mod => "%",
            DurationOp::Pow => "^",
        }
    }
}

/// A range, step or offset: a plain duration, or (with `duration_expr`) arithmetic on durations.
#[derive(Debug, Clone, PartialEq)]
pub enum DurationExpr {
    /// A plain duration or number.
    Literal(DurationLiteral),
    /// `step()`: the query step.
    Step(Span),
    /// `range()`: the query range.
    Range(Span),
    /// `-expr` on a non-literal.
    Neg {
        /// The negated expression.
        expr: Box<DurationExpr>,
        /// From `-` to the end.
        span: Span,
    },
    /// `lhs op rhs`.
    Binary {
        /// The operator.
        op: DurationOp,
        /// Left operand.
        lhs: Box<DurationExpr>,
        /// Right operand.
        rhs: Box<DurationExpr>,
        /// Whole expression.
        span: Span,
    },
    /// `min_of(a, b)` or `max_of(a, b)`.
    MinMax {
        /// `max_of` rather than `min_of`.
        max: bool,
        /// First argument.
        lhs: Box<DurationExpr>,
        /// Second argument.
        rhs: Box<DurationExpr>,
        /// From the keyword to `)`.
        span: Span,
    },
    /// `( expr )`.
    Paren {
        /// The inner expression.
        expr: Box<DurationExpr>,
        /// From `(` to `)`.
        span: Span,
    },
}

impl DurationExpr {
    /// Where the duration expression is.
    pub fn span(&self) -> Span {
        match self {
            DurationExpr::Literal(l) => l.span,
            DurationExpr::Step(s) | DurationExpr::Range(s) => *s,
            DurationExpr::Neg { span, .. }
            | DurationExpr::Binary { span, .. }
            | DurationExpr::MinMax { span, .. }
            | DurationExpr::Paren { span, .. } => *span,
        }
    }

    /// The value in milliseconds when this is a plain literal.
    pub fn as_millis(&self) -> Option<i64> {
        match self {
            DurationExpr::Literal(l) => Some(l.millis),
            _ => None,
        }
    }
}

impl Expr {
    /// The byte range this expression covers.
    pub fn span(&self) -> Span {
        match self {
            Expr::Number(n) => n.span,
            Expr::String(s) => s.span,
            Expr::Vector(v) => v.span,
            Expr::Matrix(m) => m.span,
            Expr::Subquery(s) => s.span,
            Expr::Call(c) => c.span,
            Expr::Aggregate(a) => a.span,
            Expr::Binary(b) => b.span,
            Expr::Unary(u) => u.span,
            Expr::Paren(p) => p.span,
        }
    }

    /// The static type of the expression.
    pub fn value_type(&self) -> ValueType {
        match self {
            Expr::Number(_) => ValueType::Scalar,
            Expr::String(_) => ValueType::String,
            Expr::Vector(_) | Expr::Aggregate(_) => ValueType::Vector,
            Expr::Matrix(_) | Expr::Subquery(_) => ValueType::Matrix,
            Expr::Call(c) => c.func.return_type,
            Expr::Binary(b) => {
                if b.lhs.value_type() == ValueType::Scalar
                    && b.rhs.value_type() == ValueType::Scalar
                {
                    ValueType::Scalar
                } else {
                    ValueType::Vector
                }
            }
            Expr::Unary(u) => u.expr.value_type(),
            Expr::Paren(p) => p.expr.value_type(),
        }
    }

    /// Mutable access to the span, used while the parser extends nodes with modifiers.
    pub(super) fn span_mut(&mut self) -> &mut Span {
        match self {
            Expr::Number(n) => &mut n.span,
            Expr::String(s) => &mut s.span,
            Expr::Vector(v) => &mut v.span,
            Expr::Matrix(m) => &mut m.span,
            Expr::Subquery(s) => &mut s.span,
            Expr::Call(c) => &mut c.span,
            Expr::Aggregate(a) => &mut a.span,
            Expr::Binary(b) => &mut b.span,
            Expr::Unary(u) => &mut u.span,
            Expr::Paren(p) => &mut p.span,
        }
    }
}

/// Visits `expr` and every expression below it, parents before children.
pub fn walk<'a>(expr: &'a Expr, f: &mut dyn FnMut(&'a Expr)) {
    f(expr);
    match expr {
        Expr::Number(_) | Expr::String(_) | Expr::Vector(_) | Expr::Matrix(_) => {}
        Expr::Subquery(s) => walk(&s.expr, f),
        Expr::Call(c) => {
            for a in &c.args {
                walk(a, f);
            }
        }
        Expr::Aggregate(a) => {
            if let Some(p) = &a.param {
                walk(p, f);
            }
            walk(&a.expr, f);
        }
        Expr::Binary(b) => {
            walk(&b.lhs, f);
            walk(&b.rhs, f);
        }
        Expr::Unary(u) => walk(&u.expr, f),
        Expr::Paren(p) => walk(&p.expr, f),
    }
}
