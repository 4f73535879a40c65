//! Parse-tree node types (a port of `text/template/parse/node.go`), each carrying a byte
//! [`Span`] into the caller's template text, plus Go-compatible `String()` rendering.

use std::fmt::{self, Write as _};

use super::strconv::{NumberValue, quote};

/// A half-open byte range `start..end` into the template text passed to the parser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Span {
    /// First byte offset.
    pub start: usize,
    /// One past the last byte offset.
    pub end: usize,
}

impl Span {
    /// Builds a span; `end` is clamped so it never precedes `start`.
    pub fn new(start: usize, end: usize) -> Self {
        Span {
            start,
            end: end.max(start),
        }
    }
}

/// A parsed template: top-level nodes plus every `{{define}}`/`{{block}}` body.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    /// Top-level nodes, in source order (definitions are removed, as Go does).
    pub nodes: Vec<Node>,
    /// Named templates defined with `{{define}}` or `{{block}}`, in source order.
    pub defines: Vec<Define>,
}

/// A named template body from `{{define "name"}}...{{end}}` or `{{block "name" ...}}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Define {
    /// Template name (unquoted).
    pub name: String,
    /// Span of the quoted name literal.
    pub name_span: Span,
    /// Span from the opening `{{` to the end of the closing `{{end}}`.
    pub span: Span,
    /// Body nodes.
    pub nodes: Vec<Node>,
}

/// A structural node of a template list.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// Plain text outside actions (after trim markers are applied).
    Text {
        /// Location of the text.
        span: Span,
        /// The text itself.
        text: String,
    },
    /// A non-control action such as `{{.X | printf "%s"}}`.
    Action {
        /// From `{{` to `}}`.
        span: Span,
        /// The pipeline inside the action.
        pipe: Pipe,
    },
    /// `{{if}}` with optional `{{else}}` (an `{{else if}}` nests another `If`).
    If(Branch),
    /// `{{range}}` with optional `{{else}}`.
    Range(Branch),
    /// `{{with}}` with optional `{{else}}` (an `{{else with}}` nests another `With`).
    With(Branch),
    /// `{{template "name" pipeline}}`, also produced by `{{block}}`.
    Template {
        /// From `{{` to `}}` (for a block, to the end of its `{{end}}`).
        span: Span,
        /// Invoked template name.
        name: String,
        /// Span of the quoted name literal.
        name_span: Span,
        /// Optional argument pipeline.
        pipe: Option<Pipe>,
    },
    /// `{{break}}` inside a range.
    Break {
        /// Location of the action.
        span: Span,
    },
    /// `{{continue}}` inside a range.
    Continue {
        /// Location of the action.
        span: Span,
    },
}

/// Shared shape of `if`, `range` and `with`.
#[derive(Debug, Clone, PartialEq)]
pub struct Branch {
    /// From the opening `{{` to the end of the matching `{{end}}`.
    pub span: Span,
    /// The condition / range / with pipeline.
    pub pipe: Pipe,
    /// Nodes executed when the pipeline is non-empty.
    pub list: Vec<Node>,
    /// Nodes after `{{else}}`, if any.
    pub else_list: Option<Vec<Node>>,
}

/// A pipeline: optional variable declarations followed by `|`-separated commands.
#[derive(Debug, Clone, PartialEq)]
pub struct Pipe {
    /// From the first token to the last token of the pipeline (delimiters excluded).
    pub span: Span,
    /// True for `$x = ...` (assignment), false for `$x := ...` (declaration).
    pub is_assign: bool,
    /// Declared or assigned variables.
    pub decl: Vec<Variable>,
    /// The commands, in pipeline order.
    pub cmds: Vec<Command>,
}

/// A variable reference such as `$x.Field.Sub`.
#[derive(Debug, Clone, PartialEq)]
pub struct Variable {
    /// Location of the whole reference including fields.
    pub span: Span,
    /// Variable name including the `$` (`"$"` for the root variable).
    pub name: String,
    /// Field chain after the name.
    pub fields: Vec<String>,
}

/// One command of a pipeline: space-separated arguments.
#[derive(Debug, Clone, PartialEq)]
pub struct Command {
    /// From the first argument to the last.
    pub span: Span,
    /// The arguments; the first is the function/method/value being executed.
    pub args: Vec<Arg>,
}

/// An operand inside a command.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// A function name.
    Identifier {
        /// Location of the name.
        span: Span,
        /// The function name.
        name: String,
    },
    /// A variable, possibly with fields.
    Variable(Variable),
    /// A field chain on dot, e.g. `.Labels.instance`.
    Field {
        /// Location of the whole chain.
        span: Span,
        /// Field names without dots.
        fields: Vec<String>,
    },
    /// Fields applied to some other term, e.g. `(index . 0).Name`.
    Chain {
        /// Location of term plus fields.
        span: Span,
        /// The term the fields apply to.
        node: Box<Arg>,
        /// Field names without dots.
        fields: Vec<String>,
    },
    /// The cursor `.`.
    Dot {
        /// Location.
        span: Span,
    },
    /// The untyped `nil`.
    Nil {
        /// Location.
        span: Span,
    },
    /// `true` or `false`.
    Bool {
        /// Location.
        span: Span,
        /// The value.
        value: bool,
    },
    /// A numeric or character constant.
    Number {
        /// Location.
        span: Span,
        /// Source text of the literal.
        text: String,
        /// Interpretation following Go's rules.
        value: NumberValue,
    },
    /// A quoted or raw string literal.
    String {
        /// Location including quotes.
        span: Span,
        /// Source text including quotes.
        quoted: String,
        /// Unquoted value.
        value: String,
    },
    /// A parenthesized pipeline.
    Pipe {
        /// From `(` to `)`.
        span: Span,
        /// The inner pipeline.
        pipe: Box<Pipe>,
    },
}

impl Arg {
    /// The span of this operand.
    pub fn span(&self) -> Span {
        match self {
            Arg::Identifier { span, .. }
            | Arg::Field { span, .. }
            | Arg::Chain { span, .. }
            | Arg::Dot { span }
            | Arg::Nil { span }
            | Arg::Bool { span, .. }
            | Arg::Number { span, .. }
            | Arg::String { span, .. }
            | Arg::Pipe { span, .. } => *span,
            Arg::Variable(v) => v.span,
        }
    }
}

impl Node {
    /// The span of this node.
    pub fn span(&self) -> Span {
        match self {
            Node::Text { span, .. }
            | Node::Action { span, .. }
            | Node::Template { span, .. }
            | Node::Break { span }
            | Node::Continue { span } => *span,
            Node::If(b) | Node::Range(b) | Node::With(b) => b.span,
        }
    }
}

/// Renders nodes the way Go's `ListNode.String()` does; `quote_text` selects the `%q` text
/// format Go's own parser tests use.
pub fn render_nodes(nodes: &[Node], quote_text: bool) -> String {
    let mut s = String::new();
    for n in nodes {
        write_node(&mut s, n, quote_text);
    }
    s
}

fn write_node(s: &mut String, n: &Node, q: bool) {
    match n {
        Node::Text { text, .. } => {
            if q {
                s.push_str(&quote(text));
            } else {
                s.push_str(text);
            }
        }
        Node::Action { pipe, .. } => {
            let _ = write!(s, "{{{{{pipe}}}}}");
        }
        Node::If(b) => write_branch(s, "if", b, q),
        Node::Range(b) => write_branch(s, "range", b, q),
        Node::With(b) => write_branch(s, "with", b, q),
        Node::Template { name, pipe, .. } => {
            let _ = match pipe {
                None => write!(s, "{{{{template {}}}}}", quote(name)),
                Some(p) => write!(s, "{{{{template {} {p}}}}}", quote(name)),
            };
        }
        Node::Break { .. } => s.push_str("{{break}}"),
        Node::Continue { .. } => s.push_str("{{continue}}"),
    }
}

fn write_branch(s: &mut String, name: &str, b: &Branch, q: bool) {
    let _ = write!(s, "{{{{{name} {}}}}}", b.pipe);
    for n in &b.list {
        write_node(s, n, q);
    }
    if let Some(el) = &b.else_list {
        s.push_str("{{else}}");
        for n in el {
            write_node(s, n, q);
        }
    }
    s.push_str("{{end}}");
}

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        write_node(&mut s, self, false);
        f.write_str(&s)
    }
}

impl fmt::Display for Pipe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.decl.is_empty() {
            for (i, v) in self.decl.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{v}")?;
            }
            f.write_str(if self.is_assign { " = " } else { " := " })?;
        }
        for (i, c) in self.cmds.iter().enumerate() {
            if i > 0 {
                f.write_str(" | ")?;
            }
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, a) in self.args.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{a}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Variable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)?;
        for field in &self.fields {
            write!(f, ".{field}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Arg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Arg::Identifier { name, .. } => f.write_str(name),
            Arg::Variable(v) => write!(f, "{v}"),
            Arg::Field { fields, .. } => {
                for field in fields {
                    write!(f, ".{field}")?;
                }
                Ok(())
            }
            Arg::Chain { node, fields, .. } => {
                write!(f, "{node}")?;
                for field in fields {
                    write!(f, ".{field}")?;
                }
                Ok(())
            }
            Arg::Dot { .. } => f.write_str("."),
            Arg::Nil { .. } => f.write_str("nil"),
            Arg::Bool { value, .. } => write!(f, "{value}"),
            Arg::Number { text, .. } => f.write_str(text),
            Arg::String { quoted, .. } => f.write_str(quoted),
            Arg::Pipe { pipe, .. } => write!(f, "({pipe})"),
        }
    }
}
