//! Read-only queries over a parsed [`Template`]: variable uses, function calls and field uses,
//! collected from top-level nodes and every definition body, in source order.

use super::node::{Arg, Command, Node, Pipe, Span, Template};

/// A use of a variable such as `$labels.instance` (declarations are not uses).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariableUse {
    /// Variable name including `$`, e.g. `"$labels"`.
    pub name: String,
    /// Field chain after the name, e.g. `["instance"]`.
    pub fields: Vec<String>,
    /// Location of the whole reference.
    pub span: Span,
}

/// A call of a named function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionCall {
    /// Function name.
    pub name: String,
    /// Location of the function name.
    pub span: Span,
    /// Literal string arguments (unquoted) with their spans, in argument order; a literal piped
    /// into the call (`"up" | query`) comes last, where Go passes it.
    pub string_args: Vec<(String, Span)>,
}

/// A field access on dot such as `.Labels.job`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldUse {
    /// Field chain, e.g. `["Labels", "job"]`.
    pub fields: Vec<String>,
    /// Location of the chain.
    pub span: Span,
}

/// Everything the walkers can report, gathered in one pass.
#[derive(Default)]
struct Collector {
    vars: Vec<VariableUse>,
    calls: Vec<FunctionCall>,
    fields: Vec<FieldUse>,
}

impl Collector {
    fn nodes(&mut self, nodes: &[Node]) {
        for n in nodes {
            self.node(n);
        }
    }

    fn node(&mut self, n: &Node) {
        match n {
            Node::Text { .. } | Node::Break { .. } | Node::Continue { .. } => {}
            Node::Action { pipe, .. } => self.pipe(pipe),
            Node::If(b) | Node::Range(b) | Node::With(b) => {
                self.pipe(&b.pipe);
                self.nodes(&b.list);
                if let Some(el) = &b.else_list {
                    self.nodes(el);
                }
            }
            Node::Template { pipe, .. } => {
                if let Some(p) = pipe {
                    self.pipe(p);
                }
            }
        }
    }

    fn pipe(&mut self, p: &Pipe) {
        let mut prev: Option<&Command> = None;
        for c in &p.cmds {
            self.command(c, prev);
            prev = Some(c);
        }
    }

    fn command(&mut self, c: &Command, prev: Option<&Command>) {
        if let Some(Arg::Identifier { name, span }) = c.args.first() {
            let mut string_args: Vec<(String, Span)> = c
                .args
                .iter()
                .skip(1)
                .filter_map(|a| match a {
                    Arg::String { value, span, .. } => Some((value.clone(), *span)),
                    _ => None,
                })
                .collect();
            if let Some(prev) = prev
                && let [Arg::String { value, span, .. }] = prev.args.as_slice()
            {
                string_args.push((value.clone(), *span));
            }
            self.calls.push(FunctionCall {
                name: name.clone(),
                span: *span,
                string_args,
            });
        }
        for (i, a) in c.args.iter().enumerate() {
            // The leading identifier was recorded above; nested ones are handled by `arg`.
            if i == 0 && matches!(a, Arg::Identifier { .. }) {
                continue;
            }
            self.arg(a);
        }
    }

    fn arg(&mut self, a: &Arg) {
        match a {
            Arg::Identifier { name, span } => {
                // A function named as a non-leading argument is still called (with no args).
                self.calls.push(FunctionCall {
                    name: name.clone(),
                    span: *span,
                    string_args: Vec::new(),
                });
            }
            Arg::Variable(v) => self.vars.push(VariableUse {
                name: v.name.clone(),
                fields: v.fields.clone(),
                span: v.span,
            }),
            Arg::Field { span, fields } => self.fields.push(FieldUse {
                fields: fields.clone(),
                span: *span,
            }),
            Arg::Chain { node, .. } => self.arg(node),
            Arg::Pipe { pipe, .. } => self.pipe(pipe),
            Arg::Dot { .. }
            | Arg::Nil { .. }
            | Arg::Bool { .. }
            | Arg::Number { .. }
            | Arg::String { .. } => {}
        }
    }
}

fn collect(t: &Template) -> Collector {
    let mut c = Collector::default();
    c.nodes(&t.nodes);
    for d in &t.defines {
        c.nodes(&d.nodes);
    }
    c
}

/// All variable uses (not declarations), top level first, then definition bodies.
pub fn variable_uses(t: &Template) -> Vec<VariableUse> {
    collect(t).vars
}

/// All function calls with their literal string arguments.
pub fn function_calls(t: &Template) -> Vec<FunctionCall> {
    collect(t).calls
}

/// All field accesses on dot (`.Labels.x`, `.Value`).
pub fn field_uses(t: &Template) -> Vec<FieldUse> {
    collect(t).fields
}
