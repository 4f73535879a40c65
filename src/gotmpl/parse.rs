//! Recursive-descent parser, a port of `text/template/parse/parse.go`.
//!
//! Differences from Go are deliberate and limited to reporting: errors carry byte spans
//! instead of line numbers, and recursion is bounded by [`Limits`] so hostile input cannot
//! overflow the stack.

use super::TemplateError;
use super::lex::{Item, ItemType, lex};
use super::node::{Arg, Branch, Command, Define, Node, Pipe, Span, Template, Variable};
use super::strconv::{INVALID_SYNTAX, NumberKind, new_number, quote, unquote};

/// Go's `maxPipelineCmds`.
const MAX_PIPELINE_CMDS: usize = 100_000;

/// Recursion limits.
#[derive(Debug, Clone, Copy)]
pub(super) struct Limits {
    /// Maximum nesting of parenthesized pipelines (Go's `maxStackDepth`, which is 10000 there).
    pub max_paren_depth: usize,
    /// Maximum nesting of control structures plus parentheses (Go has no such limit).
    pub max_nesting: usize,
}

/// Default limits: far beyond any real template, yet small enough that even an unoptimized
/// build (about 11 KiB of stack per nesting level) stays within a 2 MiB thread stack.
pub(super) const DEFAULT_LIMITS: Limits = Limits {
    max_paren_depth: 100,
    max_nesting: 100,
};

type PResult<T> = Result<T, TemplateError>;

/// What `textOrAction` can yield: a node, or an `{{end}}`/`{{else}}` marker for the caller.
enum Parsed {
    Node(Node),
    End(Span),
    Else(Span),
}

struct Parser<'a> {
    items: Vec<Item>,
    i: usize,
    /// End offset of the most recently consumed token.
    last_end: usize,
    funcs: &'a dyn Fn(&str) -> bool,
    vars: Vec<String>,
    range_depth: usize,
    paren_depth: usize,
    nesting: usize,
    limits: Limits,
    defines: Vec<Define>,
}

fn err<T>(span: Span, message: impl Into<String>) -> PResult<T> {
    Err(TemplateError {
        span,
        message: message.into(),
    })
}

fn item_span(it: &Item) -> Span {
    Span::new(it.pos, it.end)
}

/// Go's `IsEmptyTree` for a list: only whitespace text (comments are never kept).
fn is_empty_list(nodes: &[Node]) -> bool {
    nodes
        .iter()
        .all(|n| matches!(n, Node::Text { text, .. } if text.trim().is_empty()))
}

/// Parses `text`; `predefined` variables are visible at top level only, exactly like the
/// `{{$labels := .Labels}}` prefix promtool prepends (definitions start a fresh scope).
pub(super) fn parse_text(
    text: &str,
    funcs: &dyn Fn(&str) -> bool,
    predefined: &[&str],
    limits: Limits,
) -> Result<Template, TemplateError> {
    let items = lex(text, !funcs("break"), !funcs("continue"));
    let mut vars = vec!["$".to_string()];
    vars.extend(predefined.iter().map(|v| (*v).to_string()));
    let mut p = Parser {
        items,
        i: 0,
        last_end: 0,
        funcs,
        vars,
        range_depth: 0,
        paren_depth: 0,
        nesting: 0,
        limits,
        defines: Vec::new(),
    };
    let nodes = p.parse()?;
    Ok(Template {
        nodes,
        defines: p.defines,
    })
}

/// Go's final `add()` of the top-level tree: a non-empty definition carrying the top-level
/// template's own name collides with a non-empty top level. `prefix_nonempty` says whether
/// text the caller prepends (promtool's variable declarations) makes the top level non-empty.
pub(super) fn check_top_level_name(
    t: &Template,
    name: &str,
    prefix_nonempty: bool,
) -> Result<(), TemplateError> {
    let top_nonempty = prefix_nonempty || !is_empty_list(&t.nodes);
    match t.defines.iter().find(|d| d.name == name) {
        Some(d) if top_nonempty && !is_empty_list(&d.nodes) => err(
            d.name_span,
            format!("template: multiple definition of template {}", quote(name)),
        ),
        _ => Ok(()),
    }
}

impl Parser<'_> {
    fn eof_item(&self) -> Item {
        // The lexer always ends with Eof or Error; fall back to a synthetic Eof regardless.
        self.items.last().cloned().unwrap_or(Item {
            typ: ItemType::Eof,
            pos: 0,
            end: 0,
            val: String::new(),
        })
    }

    fn next(&mut self) -> Item {
        match self.items.get(self.i) {
            Some(it) => {
                let it = it.clone();
                self.i += 1;
                self.last_end = it.end;
                it
            }
            None => self.eof_item(),
        }
    }

    fn backup(&mut self) {
        self.i = self.i.saturating_sub(1);
        // Keep `last_end` describing the last token still consumed.
        self.last_end = self
            .i
            .checked_sub(1)
            .and_then(|j| self.items.get(j))
            .map_or(0, |it| it.end);
    }

    fn peek(&self) -> Item {
        self.items
            .get(self.i)
            .cloned()
            .unwrap_or_else(|| self.eof_item())
    }

    fn next_non_space(&mut self) -> Item {
        loop {
            let t = self.next();
            if t.typ != ItemType::Space {
                return t;
            }
        }
    }

    fn peek_non_space(&mut self) -> Item {
        let t = self.next_non_space();
        self.backup();
        t
    }

    fn unexpected<T>(&self, token: &Item, context: &str) -> PResult<T> {
        if token.typ == ItemType::Error {
            return err(item_span(token), token.val.clone());
        }
        err(
            item_span(token),
            format!("unexpected {} in {}", token.describe(), context),
        )
    }

    fn expect(&mut self, expected: ItemType, context: &str) -> PResult<Item> {
        let token = self.next_non_space();
        if token.typ != expected {
            return self.unexpected(&token, context);
        }
        Ok(token)
    }

    fn enter(&mut self, span: Span) -> PResult<()> {
        if self.nesting >= self.limits.max_nesting {
            return err(span, "max nesting depth exceeded");
        }
        self.nesting += 1;
        Ok(())
    }

    fn leave(&mut self) {
        self.nesting = self.nesting.saturating_sub(1);
    }

    fn parse(&mut self) -> PResult<Vec<Node>> {
        let mut nodes = Vec::new();
        while self.peek().typ != ItemType::Eof {
            if self.peek().typ == ItemType::LeftDelim {
                let di = self.i;
                let delim = self.next();
                if self.next_non_space().typ == ItemType::Define {
                    self.parse_definition(delim.pos)?;
                    continue;
                }
                self.i = di;
            }
            match self.text_or_action()? {
                Parsed::End(sp) => return err(sp, "unexpected {{end}}"),
                Parsed::Else(sp) => return err(sp, "unexpected {{else}}"),
                Parsed::Node(n) => nodes.push(n),
            }
        }
        Ok(nodes)
    }

    /// Runs `f` in a fresh template scope (Go parses definitions with a new `Tree`).
    fn in_new_scope<T>(&mut self, f: impl FnOnce(&mut Self) -> PResult<T>) -> PResult<T> {
        let vars = std::mem::replace(&mut self.vars, vec!["$".to_string()]);
        let range_depth = std::mem::replace(&mut self.range_depth, 0);
        let r = f(self);
        self.vars = vars;
        self.range_depth = range_depth;
        r
    }

    fn add_define(&mut self, d: Define) -> PResult<()> {
        if let Some(existing) = self.defines.iter_mut().find(|e| e.name == d.name) {
            if is_empty_list(&existing.nodes) {
                *existing = d;
                return Ok(());
            }
            if !is_empty_list(&d.nodes) {
                return err(
                    d.name_span,
                    format!(
                        "template: multiple definition of template {}",
                        quote(&d.name)
                    ),
                );
            }
            return Ok(());
        }
        self.defines.push(d);
        Ok(())
    }

    fn parse_definition(&mut self, start: usize) -> PResult<()> {
        const CONTEXT: &str = "define clause";
        let name_tok = self.next_non_space();
        if name_tok.typ != ItemType::String && name_tok.typ != ItemType::RawString {
            return self.unexpected(&name_tok, CONTEXT);
        }
        let name =
            unquote(&name_tok.val).or_else(|()| err(item_span(&name_tok), INVALID_SYNTAX))?;
        let close = self.expect(ItemType::RightDelim, CONTEXT)?;
        let opener = Span::new(start, close.end);
        self.enter(opener)?;
        let (list, end) = self.in_new_scope(|p| p.item_list(opener))?;
        self.leave();
        let end_span = match end {
            Parsed::End(sp) => sp,
            Parsed::Else(sp) => return err(sp, format!("unexpected {{{{else}}}} in {CONTEXT}")),
            Parsed::Node(n) => return err(n.span(), format!("unexpected {n} in {CONTEXT}")),
        };
        self.add_define(Define {
            name,
            name_span: item_span(&name_tok),
            span: Span::new(start, end_span.end),
            nodes: list,
        })
    }

    /// Parses nodes up to `{{end}}` or `{{else}}`; `opener` locates "unexpected EOF".
    fn item_list(&mut self, opener: Span) -> PResult<(Vec<Node>, Parsed)> {
        let mut list = Vec::new();
        while self.peek_non_space().typ != ItemType::Eof {
            match self.text_or_action()? {
                Parsed::Node(n) => list.push(n),
                other => return Ok((list, other)),
            }
        }
        err(opener, "unexpected EOF")
    }

    fn text_or_action(&mut self) -> PResult<Parsed> {
        let token = self.next_non_space();
        match token.typ {
            ItemType::Text => Ok(Parsed::Node(Node::Text {
                span: item_span(&token),
                text: token.val,
            })),
            ItemType::LeftDelim => self.action(token.pos),
            _ => self.unexpected(&token, "input"),
        }
    }

    fn action(&mut self, start: usize) -> PResult<Parsed> {
        let token = self.next_non_space();
        match token.typ {
            ItemType::Block => return self.block_control(start).map(Parsed::Node),
            ItemType::Break | ItemType::Continue => {
                let is_break = token.typ == ItemType::Break;
                let name = if is_break {
                    "{{break}}"
                } else {
                    "{{continue}}"
                };
                let close = self.next_non_space();
                if close.typ != ItemType::RightDelim {
                    return self.unexpected(&close, name);
                }
                let span = Span::new(start, close.end);
                if self.range_depth == 0 {
                    return err(span, format!("{name} outside {{{{range}}}}"));
                }
                return Ok(Parsed::Node(if is_break {
                    Node::Break { span }
                } else {
                    Node::Continue { span }
                }));
            }
            ItemType::Else => {
                let peek = self.peek_non_space();
                if peek.typ == ItemType::If || peek.typ == ItemType::With {
                    return Ok(Parsed::Else(Span::new(start, peek.pos)));
                }
                let close = self.expect(ItemType::RightDelim, "else")?;
                return Ok(Parsed::Else(Span::new(start, close.end)));
            }
            ItemType::End => {
                let close = self.expect(ItemType::RightDelim, "end")?;
                return Ok(Parsed::End(Span::new(start, close.end)));
            }
            ItemType::If => return self.branch_control("if", start).map(Parsed::Node),
            ItemType::Range => return self.branch_control("range", start).map(Parsed::Node),
            ItemType::With => return self.branch_control("with", start).map(Parsed::Node),
            ItemType::Template => return self.template_control(start).map(Parsed::Node),
            _ => {}
        }
        self.backup();
        // Variables declared here persist until the enclosing {{end}}.
        let pipe = self.pipeline("command", ItemType::RightDelim)?;
        Ok(Parsed::Node(Node::Action {
            span: Span::new(start, self.last_end),
            pipe,
        }))
    }

    fn branch_control(&mut self, context: &str, start: usize) -> PResult<Node> {
        self.enter(Span::new(start, self.last_end))?;
        let saved = self.vars.len();
        let r = self.parse_control(context, start);
        self.vars.truncate(saved);
        self.leave();
        let b = r?;
        Ok(match context {
            "if" => Node::If(b),
            "range" => Node::Range(b),
            _ => Node::With(b),
        })
    }

    fn parse_control(&mut self, context: &str, start: usize) -> PResult<Branch> {
        let pipe = self.pipeline(context, ItemType::RightDelim)?;
        let opener = Span::new(start, self.last_end);
        if context == "range" {
            self.range_depth += 1;
        }
        let r = self.item_list(opener);
        if context == "range" {
            self.range_depth -= 1;
        }
        let (list, next) = r?;
        let mut else_list = None;
        let end = match next {
            Parsed::End(sp) => sp.end,
            Parsed::Else(sp) => {
                let peek = self.peek().typ;
                if (context == "if" && peek == ItemType::If)
                    || (context == "with" && peek == ItemType::With)
                {
                    // "{{else if x}}" is treated as "{{else}}{{if x}}...{{end}}{{end}}".
                    self.next();
                    let nested = self.branch_control(context, sp.start)?;
                    let end = nested.span().end;
                    else_list = Some(vec![nested]);
                    end
                } else {
                    let (el, next) = self.item_list(opener)?;
                    match next {
                        Parsed::End(sp) => {
                            else_list = Some(el);
                            sp.end
                        }
                        Parsed::Else(sp) => return err(sp, "expected end; found {{else}}"),
                        Parsed::Node(n) => {
                            return err(n.span(), format!("expected end; found {n}"));
                        }
                    }
                }
            }
            Parsed::Node(n) => return err(n.span(), format!("unexpected {n}")),
        };
        Ok(Branch {
            span: Span::new(start, end),
            pipe,
            list,
            else_list,
        })
    }

    fn parse_template_name(&self, token: &Item, context: &str) -> PResult<String> {
        match token.typ {
            ItemType::String | ItemType::RawString => {
                unquote(&token.val).or_else(|()| err(item_span(token), INVALID_SYNTAX))
            }
            _ => self.unexpected(token, context),
        }
    }

    fn block_control(&mut self, start: usize) -> PResult<Node> {
        const CONTEXT: &str = "block clause";
        let token = self.next_non_space();
        let name = self.parse_template_name(&token, CONTEXT)?;
        let pipe = self.pipeline(CONTEXT, ItemType::RightDelim)?;
        let opener = Span::new(start, self.last_end);
        self.enter(opener)?;
        let r = self.in_new_scope(|p| p.item_list(opener));
        self.leave();
        let (list, end) = r?;
        let end_span = match end {
            Parsed::End(sp) => sp,
            Parsed::Else(sp) => return err(sp, format!("unexpected {{{{else}}}} in {CONTEXT}")),
            Parsed::Node(n) => return err(n.span(), format!("unexpected {n} in {CONTEXT}")),
        };
        let span = Span::new(start, end_span.end);
        self.add_define(Define {
            name: name.clone(),
            name_span: item_span(&token),
            span,
            nodes: list,
        })?;
        Ok(Node::Template {
            span,
            name,
            name_span: item_span(&token),
            pipe: Some(pipe),
        })
    }

    fn template_control(&mut self, start: usize) -> PResult<Node> {
        const CONTEXT: &str = "template clause";
        let token = self.next_non_space();
        let name = self.parse_template_name(&token, CONTEXT)?;
        let mut pipe = None;
        if self.next_non_space().typ != ItemType::RightDelim {
            self.backup();
            pipe = Some(self.pipeline(CONTEXT, ItemType::RightDelim)?);
        }
        Ok(Node::Template {
            span: Span::new(start, self.last_end),
            name,
            name_span: item_span(&token),
            pipe,
        })
    }

    fn pipeline(&mut self, context: &str, end: ItemType) -> PResult<Pipe> {
        let first = self.peek_non_space();
        let mut pipe = Pipe {
            span: Span::new(first.pos, first.pos),
            is_assign: false,
            decl: Vec::new(),
            cmds: Vec::new(),
        };
        loop {
            let v = self.peek_non_space();
            if v.typ != ItemType::Variable {
                break;
            }
            let vi = self.i;
            self.next();
            // Three-token look-ahead: "$x foo" is an argument, "$x := foo" a declaration.
            let next = self.peek_non_space();
            let decl = Variable {
                span: item_span(&v),
                name: v.val.clone(),
                fields: Vec::new(),
            };
            match next.typ {
                ItemType::Assign | ItemType::Declare => {
                    pipe.is_assign = next.typ == ItemType::Assign;
                    self.next_non_space();
                    pipe.decl.push(decl);
                    self.vars.push(v.val.clone());
                }
                ItemType::Char if next.val == "," => {
                    self.next_non_space();
                    pipe.decl.push(decl);
                    self.vars.push(v.val.clone());
                    if context == "range" && pipe.decl.len() < 2 {
                        let after = self.peek_non_space();
                        match after.typ {
                            ItemType::Variable | ItemType::RightDelim | ItemType::RightParen => {
                                continue;
                            }
                            _ => {
                                return err(
                                    item_span(&after),
                                    "range can only initialize variables",
                                );
                            }
                        }
                    }
                    return err(
                        item_span(&next),
                        format!("too many declarations in {context}"),
                    );
                }
                _ => self.i = vi,
            }
            break;
        }
        loop {
            let token = self.next_non_space();
            match token.typ {
                t if t == end => {
                    let last = pipe.cmds.last().map_or(pipe.span.start, |c| c.span.end);
                    pipe.span = Span::new(pipe.span.start, last);
                    self.check_pipeline(&pipe, context, &token)?;
                    return Ok(pipe);
                }
                ItemType::Bool
                | ItemType::CharConstant
                | ItemType::Complex
                | ItemType::Dot
                | ItemType::Field
                | ItemType::Identifier
                | ItemType::Number
                | ItemType::Nil
                | ItemType::RawString
                | ItemType::String
                | ItemType::Variable
                | ItemType::LeftParen => {
                    self.backup();
                    let cmd = self.command()?;
                    pipe.cmds.push(cmd);
                    if pipe.cmds.len() > MAX_PIPELINE_CMDS {
                        return err(pipe.span, "pipeline too long");
                    }
                }
                _ => return self.unexpected(&token, context),
            }
        }
    }

    fn check_pipeline(&self, pipe: &Pipe, context: &str, end_token: &Item) -> PResult<()> {
        if pipe.cmds.is_empty() {
            return err(item_span(end_token), format!("missing value for {context}"));
        }
        for (i, c) in pipe.cmds.iter().enumerate().skip(1) {
            if let Some(first) = c.args.first()
                && matches!(
                    first,
                    Arg::Bool { .. }
                        | Arg::Dot { .. }
                        | Arg::Nil { .. }
                        | Arg::Number { .. }
                        | Arg::String { .. }
                )
            {
                // With A|B|C, pipeline stage 2 is B.
                return err(
                    c.span,
                    format!("non executable command in pipeline stage {}", i + 1),
                );
            }
        }
        Ok(())
    }

    fn command(&mut self) -> PResult<Command> {
        let start = self.peek_non_space().pos;
        let mut args = Vec::new();
        loop {
            self.peek_non_space();
            if let Some(op) = self.operand()? {
                args.push(op);
            }
            let token = self.next();
            match token.typ {
                ItemType::Space => continue,
                ItemType::RightDelim | ItemType::RightParen => self.backup(),
                ItemType::Pipe => {}
                _ => return self.unexpected(&token, "operand"),
            }
            break;
        }
        let end = args.last().map_or(start, |a| a.span().end);
        let span = Span::new(start, end);
        if args.is_empty() {
            return err(span, "empty command");
        }
        Ok(Command { span, args })
    }

    fn operand(&mut self) -> PResult<Option<Arg>> {
        let Some(node) = self.term()? else {
            return Ok(None);
        };
        if self.peek().typ != ItemType::Field {
            return Ok(Some(node));
        }
        let start = node.span().start;
        let mut fields = Vec::new();
        let mut end = node.span().end;
        while self.peek().typ == ItemType::Field {
            let f = self.next();
            end = f.end;
            fields.push(f.val.get(1..).unwrap_or("").to_string());
        }
        let span = Span::new(start, end);
        Ok(Some(match node {
            Arg::Field {
                fields: mut base, ..
            } => {
                base.extend(fields);
                Arg::Field { span, fields: base }
            }
            Arg::Variable(mut v) => {
                v.fields.extend(fields);
                v.span = span;
                Arg::Variable(v)
            }
            Arg::Bool { .. }
            | Arg::String { .. }
            | Arg::Number { .. }
            | Arg::Nil { .. }
            | Arg::Dot { .. } => {
                return err(
                    span,
                    format!("unexpected . after term {}", quote(&node.to_string())),
                );
            }
            other => Arg::Chain {
                span,
                node: Box::new(other),
                fields,
            },
        }))
    }

    fn term(&mut self) -> PResult<Option<Arg>> {
        let token = self.next_non_space();
        let span = item_span(&token);
        let arg = match token.typ {
            ItemType::Identifier => {
                if !(self.funcs)(&token.val) {
                    return err(span, format!("function {} not defined", quote(&token.val)));
                }
                Arg::Identifier {
                    span,
                    name: token.val,
                }
            }
            ItemType::Dot => Arg::Dot { span },
            ItemType::Nil => Arg::Nil { span },
            ItemType::Variable => {
                if !self.vars.contains(&token.val) {
                    return err(span, format!("undefined variable {}", quote(&token.val)));
                }
                Arg::Variable(Variable {
                    span,
                    name: token.val,
                    fields: Vec::new(),
                })
            }
            ItemType::Field => Arg::Field {
                span,
                fields: vec![token.val.get(1..).unwrap_or("").to_string()],
            },
            ItemType::Bool => Arg::Bool {
                span,
                value: token.val == "true",
            },
            ItemType::CharConstant | ItemType::Complex | ItemType::Number => {
                let kind = match token.typ {
                    ItemType::CharConstant => NumberKind::Char,
                    ItemType::Complex => NumberKind::Complex,
                    _ => NumberKind::Plain,
                };
                let value = match new_number(&token.val, kind) {
                    Ok(v) => v,
                    Err(m) => return err(span, m),
                };
                Arg::Number {
                    span,
                    text: token.val,
                    value,
                }
            }
            ItemType::LeftParen => {
                if self.paren_depth >= self.limits.max_paren_depth {
                    return err(span, "max expression depth exceeded");
                }
                self.enter(span)?;
                self.paren_depth += 1;
                let r = self.pipeline("parenthesized pipeline", ItemType::RightParen);
                self.paren_depth -= 1;
                self.leave();
                let pipe = r?;
                Arg::Pipe {
                    span: Span::new(token.pos, self.last_end),
                    pipe: Box::new(pipe),
                }
            }
            ItemType::String | ItemType::RawString => {
                let value = unquote(&token.val).or_else(|()| err(span, INVALID_SYNTAX))?;
                Arg::String {
                    span,
                    quoted: token.val,
                    value,
                }
            }
            _ => {
                self.backup();
                return Ok(None);
            }
        };
        Ok(Some(arg))
    }
}
