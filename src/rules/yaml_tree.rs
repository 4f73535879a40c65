//! A YAML document as a tree of nodes that each know their byte span in the file, built
//! from granit-parser's events. serde would lose the positions of keys and the styles of
//! scalars; the linter needs both to point at `file:line:col` inside a multi-line `expr`.

use std::collections::HashMap;
use std::ops::Range;

use granit_parser::{Event, Parser, ScalarStyle};

/// Nesting deeper than this is refused: no rule file needs it, and it bounds recursion.
const MAX_DEPTH: usize = 128;

/// A YAML node and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// What the node holds.
    pub kind: NodeKind,
    /// Byte range in the file (for block scalars, from the first content character).
    pub span: Range<usize>,
}

/// The three kinds of YAML node.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// A scalar, with its value after YAML processing.
    Scalar(Scalar),
    /// A mapping, keys in file order (duplicates kept, so the model can report them).
    Map(Vec<(Node, Node)>),
    /// A sequence.
    Seq(Vec<Node>),
}

/// A scalar's value and how it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    /// The value after unescaping, folding and indentation removal.
    pub value: String,
    /// Plain, quoted or block.
    pub style: Style,
}

/// How a scalar was written, which decides how value offsets map back to the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Unquoted.
    Plain,
    /// `'...'`.
    SingleQuoted,
    /// `"..."`.
    DoubleQuoted,
    /// `|` block.
    Literal,
    /// `>` block.
    Folded,
}

impl Node {
    /// The scalar, if this is one.
    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            NodeKind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// True for `~`, `null` and an empty plain scalar (YAML 1.2 core schema).
    pub fn is_null(&self) -> bool {
        matches!(&self.kind, NodeKind::Scalar(s) if s.style == Style::Plain
            && matches!(s.value.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// A short name of the node's kind for messages ("a mapping", "a list", ...).
    pub fn kind_name(&self) -> &'static str {
        match &self.kind {
            NodeKind::Scalar(_) if self.is_null() => "null",
            NodeKind::Scalar(_) => "a scalar",
            NodeKind::Map(_) => "a mapping",
            NodeKind::Seq(_) => "a list",
        }
    }
}

/// The documents of a YAML stream.
#[derive(Debug, Clone, Default)]
pub struct Stream {
    /// Each document's root (`None` for an empty document).
    pub documents: Vec<DocumentRoot>,
}

/// One document's root node and where the document starts.
#[derive(Debug, Clone)]
pub struct DocumentRoot {
    /// The root node, `None` when the document is empty.
    pub root: Option<Node>,
    /// Byte offset of the document's first node (or its `---`).
    pub start: usize,
}

/// The file is not well-formed YAML.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SyntaxError {
    /// Byte offset of the fault.
    pub offset: usize,
    /// What the YAML parser said.
    pub message: String,
}

/// An open collection while events are folded into a tree.
enum Open {
    Map {
        start: usize,
        anchor: usize,
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
    },
    Seq {
        start: usize,
        anchor: usize,
        items: Vec<Node>,
    },
}

/// Parses every document of `text`.
pub fn parse(text: &str) -> Result<Stream, SyntaxError> {
    let mut stream = Stream::default();
    let mut stack: Vec<Open> = Vec::new();
    let mut anchors: HashMap<usize, Node> = HashMap::new();
    let mut doc_start = 0;
    let offset_of = |marker: &granit_parser::Marker| {
        marker
            .byte_offset()
            .unwrap_or_else(|| char_to_byte(text, marker.index()))
    };
    for item in Parser::new_from_str(text) {
        let (event, span) = item.map_err(|err| SyntaxError {
            offset: offset_of(err.marker()),
            message: err.info().to_owned(),
        })?;
        let range = offset_of(&span.start)..offset_of(&span.end);
        let finished = match event {
            Event::DocumentStart(..) => {
                doc_start = range.start;
                anchors.clear();
                None
            }
            Event::DocumentEnd => None,
            Event::Scalar(value, style, anchor, _tag) => {
                let node = Node {
                    kind: NodeKind::Scalar(Scalar {
                        value: value.into_owned(),
                        style: convert_style(style),
                    }),
                    span: range,
                };
                if anchor != 0 {
                    anchors.insert(anchor, node.clone());
                }
                Some(node)
            }
            Event::Alias(id) => Some(anchors.get(&id).cloned().ok_or_else(|| SyntaxError {
                offset: range.start,
                message: "alias to an unknown anchor".to_owned(),
            })?),
            Event::MappingStart(_, anchor, _) => {
                push(&mut stack, range.start, Open::map(range.start, anchor))?;
                None
            }
            Event::SequenceStart(_, anchor, _) => {
                push(&mut stack, range.start, Open::seq(range.start, anchor))?;
                None
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let Some(open) = stack.pop() else {
                    return Err(SyntaxError {
                        offset: range.start,
                        message: "unbalanced collection".to_owned(),
                    });
                };
                let (node, anchor) = open.close(range.end);
                if anchor != 0 {
                    anchors.insert(anchor, node.clone());
                }
                Some(node)
            }
            _ => None,
        };
        if let Some(node) = finished {
            match stack.last_mut() {
                Some(Open::Map { entries, key, .. }) => match key.take() {
                    Some(k) => entries.push((k, node)),
                    None => *key = Some(node),
                },
                Some(Open::Seq { items, .. }) => items.push(node),
                None => stream.documents.push(DocumentRoot {
                    root: Some(node),
                    start: doc_start,
                }),
            }
        }
    }
    Ok(stream)
}

fn push(stack: &mut Vec<Open>, offset: usize, open: Open) -> Result<(), SyntaxError> {
    if stack.len() >= MAX_DEPTH {
        return Err(SyntaxError {
            offset,
            message: format!("nesting deeper than {MAX_DEPTH} levels"),
        });
    }
    stack.push(open);
    Ok(())
}

impl Open {
    fn map(start: usize, anchor: usize) -> Self {
        Open::Map {
            start,
            anchor,
            entries: Vec::new(),
            key: None,
        }
    }

    fn seq(start: usize, anchor: usize) -> Self {
        Open::Seq {
            start,
            anchor,
            items: Vec::new(),
        }
    }

    fn close(self, end: usize) -> (Node, usize) {
        match self {
            Open::Map {
                start,
                anchor,
                mut entries,
                key,
            } => {
                // A key without a value cannot come from the parser; keep it visible anyway.
                if let Some(k) = key {
                    let null = Node {
                        kind: NodeKind::Scalar(Scalar {
                            value: String::new(),
                            style: Style::Plain,
                        }),
                        span: k.span.end..k.span.end,
                    };
                    entries.push((k, null));
                }
                let end = entries.last().map_or(end, |(_, v)| v.span.end.max(start));
                (
                    Node {
                        kind: NodeKind::Map(entries),
                        span: start..end,
                    },
                    anchor,
                )
            }
            Open::Seq {
                start,
                anchor,
                items,
            } => {
                let end = items.last().map_or(end, |v| v.span.end.max(start));
                (
                    Node {
                        kind: NodeKind::Seq(items),
                        span: start..end,
                    },
                    anchor,
                )
            }
        }
    }
}

fn convert_style(style: ScalarStyle) -> Style {
    match style {
        ScalarStyle::SingleQuoted => Style::SingleQuoted,
        ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
        ScalarStyle::Literal => Style::Literal,
        ScalarStyle::Folded => Style::Folded,
        _ => Style::Plain,
    }
}

fn char_to_byte(text: &str, chars: usize) -> usize {
    text.char_indices()
        .nth(chars)
        .map_or(text.len(), |(offset, _)| offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(text: &str) -> Node {
        parse(text)
            .expect("valid")
            .documents
            .into_iter()
            .next()
            .and_then(|d| d.root)
            .expect("a root")
    }

    #[test]
    fn keys_and_values_carry_their_spans() {
        let text = "groups:\n  - name: a\n    rules: []\n";
        let node = root(text);
        let NodeKind::Map(entries) = &node.kind else {
            panic!("map")
        };
        let (key, value) = &entries[0];
        assert_eq!(&text[key.span.clone()], "groups");
        let NodeKind::Seq(items) = &value.kind else {
            panic!("seq")
        };
        let NodeKind::Map(group) = &items[0].kind else {
            panic!("map")
        };
        assert_eq!(&text[group[0].1.span.clone()], "a");
        assert_eq!(group[0].1.as_scalar().map(|s| s.style), Some(Style::Plain));
    }

    #[test]
    fn block_scalars_keep_their_style_and_start_at_their_content() {
        let text = "expr: |\n  up\n  == 0\nx: >-\n  a\n  b\n";
        let node = root(text);
        let NodeKind::Map(entries) = &node.kind else {
            panic!("map")
        };
        let expr = &entries[0].1;
        assert_eq!(
            expr.as_scalar().map(|s| (s.value.as_str(), s.style)),
            Some(("up\n== 0\n", Style::Literal))
        );
        assert!(text[expr.span.clone()].starts_with("up"));
        let folded = &entries[1].1;
        assert_eq!(folded.as_scalar().map(|s| s.value.as_str()), Some("a b"));
    }

    #[test]
    fn syntax_errors_have_an_offset_and_never_panic() {
        let err = parse("a: [1, 2\nb: c").expect_err("unclosed flow sequence");
        assert!(err.offset <= 14, "{err:?}");
        for text in [
            "",
            "---\n---\n",
            "*x",
            "a: *x",
            "[[[[[[",
            "a:\n\t- b",
            "? ? ?",
        ] {
            let _ = parse(text);
        }
        let deep = "[".repeat(10_000);
        assert!(parse(&deep).is_err());
    }

    #[test]
    fn aliases_resolve_to_the_anchored_node() {
        let node = root("a: &x {k: v}\nb: *x\n");
        let NodeKind::Map(entries) = &node.kind else {
            panic!("map")
        };
        assert_eq!(entries[0].1.kind, entries[1].1.kind);
    }
}
