//! A YAML document as a tree of nodes that each know their byte span in the file, built
//! from granit-parser's events. serde would lose the positions of keys and the styles of
//! scalars; the linter needs both to point at `file:line:col` inside a multi-line `expr`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

use granit_parser::{Event, Parser, ScalarStyle};

/// Nesting deeper than this is refused: no rule file needs it, and it bounds recursion.
const MAX_DEPTH: usize = 128;
/// Nodes a document may expand to beyond one per byte of text: aliases can repeat a
/// subtree, and a "billion laughs" file would otherwise take all memory.
const ALIAS_BUDGET: usize = 100_000;

/// A YAML node and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Node<'a> {
    /// What the node holds.
    pub kind: NodeKind<'a>,
    /// Byte range in the file (for block scalars, from the first content character).
    pub span: Range<usize>,
}

/// The three kinds of YAML node.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind<'a> {
    /// A scalar, with its value after YAML processing.
    Scalar(Scalar<'a>),
    /// A mapping, keys in file order (duplicates kept, so the model can report them).
    Map(Vec<(Node<'a>, Node<'a>)>),
    /// A sequence.
    Seq(Vec<Node<'a>>),
    /// An item handed to [`parse_streaming`]'s callback, which returned this number.
    Taken(usize),
}

/// A scalar's value and how it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Scalar<'a> {
    /// The value after unescaping, folding and indentation removal; borrowed from the
    /// file when it is a plain slice of it (most are), which keeps big files small.
    pub value: Cow<'a, str>,
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

impl<'a> Node<'a> {
    /// The scalar, if this is one.
    pub fn as_scalar(&self) -> Option<&Scalar<'a>> {
        match &self.kind {
            NodeKind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// True for `~`, `null` and an empty plain scalar (YAML 1.2 core schema).
    pub fn is_null(&self) -> bool {
        matches!(&self.kind, NodeKind::Scalar(s) if s.style == Style::Plain
            && matches!(&*s.value, "" | "~" | "null" | "Null" | "NULL"))
    }

    /// A short name of the node's kind for messages ("a mapping", "a list", ...).
    pub fn kind_name(&self) -> &'static str {
        match &self.kind {
            NodeKind::Scalar(_) if self.is_null() => "null",
            NodeKind::Scalar(_) => "a scalar",
            NodeKind::Map(_) => "a mapping",
            NodeKind::Seq(_) | NodeKind::Taken(_) => "a list",
        }
    }
}

/// The documents of a YAML stream.
#[derive(Debug, Clone, Default)]
pub struct Stream<'a> {
    /// Each document's root (`None` for an empty document).
    pub documents: Vec<DocumentRoot<'a>>,
}

/// One document's root node and where the document starts.
#[derive(Debug, Clone)]
pub struct DocumentRoot<'a> {
    /// The root node, `None` when the document is empty.
    pub root: Option<Node<'a>>,
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
enum Open<'a> {
    Map {
        start: usize,
        anchor: usize,
        entries: Vec<(Node<'a>, Node<'a>)>,
        key: Option<Node<'a>>,
    },
    Seq {
        start: usize,
        anchor: usize,
        items: Vec<Node<'a>>,
    },
}

/// Parses every document of `text`.
pub fn parse(text: &str) -> Result<Stream<'_>, SyntaxError> {
    parse_streaming(text, &mut Err)
}

/// Like [`parse`], but every item of the first document's top-level `groups:` list is
/// handed to `take` as soon as it is complete; when `take` keeps it and returns `Ok(n)`,
/// the item is replaced by [`NodeKind::Taken`]`(n)` (`Err` gives the node back). A big rule file is then never whole in memory as a
/// tree: each group becomes its model and its nodes are freed.
pub fn parse_streaming<'a>(
    text: &'a str,
    take: &mut dyn FnMut(Node<'a>) -> Result<usize, Node<'a>>,
) -> Result<Stream<'a>, SyntaxError> {
    let mut stream = Stream::default();
    let mut stack: Vec<Open<'_>> = Vec::new();
    let mut anchors: HashMap<usize, (Node<'_>, usize)> = HashMap::new();
    let budget = text.len().saturating_add(ALIAS_BUDGET);
    let mut nodes = 0usize;
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
                        value,
                        style: convert_style(style),
                    }),
                    span: range,
                };
                nodes += 1;
                if anchor != 0 {
                    anchors.insert(anchor, (node.clone(), 1));
                }
                Some(node)
            }
            Event::Alias(id) => {
                let (node, size) = anchors.get(&id).cloned().ok_or_else(|| SyntaxError {
                    offset: range.start,
                    message: "alias to an unknown anchor".to_owned(),
                })?;
                nodes = nodes.saturating_add(size);
                if nodes > budget {
                    return Err(SyntaxError {
                        offset: range.start,
                        message: format!(
                            "aliases expand this document to more than {budget} nodes; refusing it (an alias bomb?)"
                        ),
                    });
                }
                Some(node)
            }
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
                let (node, anchor) = open.close(range.end)?;
                nodes += 1;
                if anchor != 0 {
                    anchors.insert(anchor, (node.clone(), count(&node)));
                }
                Some(node)
            }
            _ => None,
        };
        if let Some(mut node) = finished {
            if stream.documents.is_empty() && is_group_item(&stack) {
                let span = node.span.clone();
                node = match take(node) {
                    Ok(n) => Node {
                        kind: NodeKind::Taken(n),
                        span,
                    },
                    Err(node) => node,
                };
            }
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

/// Whether the node about to be added is an item of the root mapping's `groups:` list.
fn is_group_item(stack: &[Open<'_>]) -> bool {
    match stack {
        [Open::Map { key: Some(key), .. }, Open::Seq { .. }] => {
            key.as_scalar().is_some_and(|s| s.value == "groups")
        }
        _ => false,
    }
}

/// Nodes in a subtree, the cost of repeating it through an alias.
fn count(node: &Node<'_>) -> usize {
    match &node.kind {
        NodeKind::Scalar(_) => 1,
        NodeKind::Map(entries) => entries.iter().fold(1usize, |n, (k, v)| {
            n.saturating_add(count(k)).saturating_add(count(v))
        }),
        NodeKind::Seq(items) => items.iter().fold(1usize, |n, v| n.saturating_add(count(v))),
        NodeKind::Taken(_) => 1,
    }
}

fn push<'a>(stack: &mut Vec<Open<'a>>, offset: usize, open: Open<'a>) -> Result<(), SyntaxError> {
    if stack.len() >= MAX_DEPTH {
        return Err(SyntaxError {
            offset,
            message: format!("nesting deeper than {MAX_DEPTH} levels"),
        });
    }
    stack.push(open);
    Ok(())
}

impl<'a> Open<'a> {
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

    fn close(self, end: usize) -> Result<(Node<'a>, usize), SyntaxError> {
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
                            value: Cow::Borrowed(""),
                            style: Style::Plain,
                        }),
                        span: k.span.end..k.span.end,
                    };
                    entries.push((k, null));
                }
                // The span ends with what is written here, not with what a merge brings in.
                let end = entries.last().map_or(end, |(_, v)| v.span.end.max(start));
                let mut entries = merge_keys(entries)?;
                // Growth slack would be most of a big file's tree: keep only what is used.
                entries.shrink_to_fit();
                Ok((
                    Node {
                        kind: NodeKind::Map(entries),
                        span: start..end,
                    },
                    anchor,
                ))
            }
            Open::Seq {
                start,
                anchor,
                mut items,
            } => {
                items.shrink_to_fit();
                let end = items.last().map_or(end, |v| v.span.end.max(start));
                Ok((
                    Node {
                        kind: NodeKind::Seq(items),
                        span: start..end,
                    },
                    anchor,
                ))
            }
        }
    }
}

/// A plain `<<` key: YAML's merge key, which Prometheus's decoder (yaml.v3) honours. A
/// quoted `"<<"` is an ordinary string key.
fn is_merge_key(key: &Node<'_>) -> bool {
    matches!(&key.kind, NodeKind::Scalar(s) if s.style == Style::Plain && s.value == "<<")
}

fn same_key(a: &Node<'_>, b: &Node<'_>) -> bool {
    match (&a.kind, &b.kind) {
        (NodeKind::Scalar(a), NodeKind::Scalar(b)) => a.value == b.value,
        _ => false,
    }
}

/// Resolves a `<<` merge key as yaml.v3 does: the keys written in the mapping win, then
/// the merged mappings in list order (an earlier one wins). Merged entries keep the spans
/// of the node they come from, so a finding inside them points at the anchor once.
/// Two `<<` keys are left as they are: the model reports the repeated key, as yaml.v3 does.
fn merge_keys<'a>(
    entries: Vec<(Node<'a>, Node<'a>)>,
) -> Result<Vec<(Node<'a>, Node<'a>)>, SyntaxError> {
    if entries.iter().filter(|(k, _)| is_merge_key(k)).count() != 1 {
        return Ok(entries);
    }
    let mut before = Vec::with_capacity(entries.len());
    let mut after = Vec::new();
    let mut source = None;
    for (key, value) in entries {
        if is_merge_key(&key) {
            source = Some(value);
        } else if source.is_none() {
            before.push((key, value));
        } else {
            after.push((key, value));
        }
    }
    let Some(source) = source else {
        return Ok(before);
    };
    let wrong = |at: usize| SyntaxError {
        offset: at,
        message: "map merge requires a mapping or a list of mappings as the value of `<<`"
            .to_owned(),
    };
    let sources = match source.kind {
        NodeKind::Map(_) => vec![source],
        NodeKind::Seq(items) => {
            if let Some(item) = items.iter().find(|i| !matches!(i.kind, NodeKind::Map(_))) {
                return Err(wrong(item.span.start));
            }
            items
        }
        _ => return Err(wrong(source.span.start)),
    };
    let mut merged: Vec<(Node<'a>, Node<'a>)> = Vec::new();
    for map in sources {
        let NodeKind::Map(pairs) = map.kind else {
            continue;
        };
        for (key, value) in pairs {
            let taken = before
                .iter()
                .chain(&after)
                .chain(&merged)
                .any(|(k, _)| same_key(k, &key));
            if !taken {
                merged.push((key, value));
            }
        }
    }
    before.append(&mut merged);
    before.append(&mut after);
    Ok(before)
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

    fn root(text: &str) -> Node<'_> {
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
        let entries = map_entries(&node);
        let (key, value) = &entries[0];
        assert_eq!(&text[key.span.clone()], "groups");
        let items = seq_items(value);
        let group = map_entries(&items[0]);
        assert_eq!(&text[group[0].1.span.clone()], "a");
        assert_eq!(group[0].1.as_scalar().map(|s| s.style), Some(Style::Plain));
    }

    #[test]
    fn block_scalars_keep_their_style_and_start_at_their_content() {
        let text = "expr: |\n  up\n  == 0\nx: >-\n  a\n  b\n";
        let node = root(text);
        let entries = map_entries(&node);
        let expr = &entries[0].1;
        assert_eq!(
            expr.as_scalar().map(|s| (&*s.value, s.style)),
            Some(("up\n== 0\n", Style::Literal))
        );
        assert!(text[expr.span.clone()].starts_with("up"));
        let folded = &entries[1].1;
        assert_eq!(folded.as_scalar().map(|s| &*s.value), Some("a b"));
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
    fn an_alias_bomb_is_refused_not_expanded() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = format!("*a{}", i - 1);
            let list = [prev.as_str(); 10].join(", ");
            text.push_str(&format!("a{i}: &a{i} [{list}]\n"));
        }
        let err = parse(&text).expect_err("ten levels of ten-fold aliases");
        assert!(err.message.contains("alias bomb"), "{err:?}");
    }

    /// A mapping node's entries (the test fails on any other node).
    fn map_entries<'n, 'a>(node: &'n Node<'a>) -> &'n [(Node<'a>, Node<'a>)] {
        match &node.kind {
            NodeKind::Map(entries) => entries,
            other => panic!("not a mapping: {other:?}"),
        }
    }

    /// A sequence node's items (the test fails on any other node).
    fn seq_items<'n, 'a>(node: &'n Node<'a>) -> &'n [Node<'a>] {
        match &node.kind {
            NodeKind::Seq(items) => items,
            other => panic!("not a sequence: {other:?}"),
        }
    }

    /// The value of `key` in a mapping node, as text.
    fn get<'n>(node: &'n Node<'_>, key: &str) -> Option<&'n Node<'n>> {
        let NodeKind::Map(entries) = &node.kind else {
            return None;
        };
        entries
            .iter()
            .find(|(k, _)| k.as_scalar().is_some_and(|s| s.value == key))
            .map(|(_, v)| v)
    }

    fn value<'n>(node: &'n Node<'_>, key: &str) -> Option<&'n str> {
        get(node, key)
            .and_then(|v| v.as_scalar())
            .map(|s| &*s.value)
    }

    #[test]
    fn merge_keys_merge_with_explicit_keys_winning_then_earlier_mappings() {
        let text = "a: &a {x: 1, y: 1, z: 1}\nb: &b {y: 2, w: 2}\nm:\n  y: 0\n  <<: [*a, *b]\nn: {<<: *b, w: 3}\n";
        let node = root(text);
        let m = get(&node, "m").expect("m");
        assert_eq!(value(m, "y"), Some("0"), "explicit wins, even before `<<`");
        assert_eq!(value(m, "x"), Some("1"));
        assert_eq!(value(m, "z"), Some("1"));
        assert_eq!(value(m, "w"), Some("2"));
        assert!(get(m, "<<").is_none());
        let entries = map_entries(m);
        assert_eq!(entries.len(), 4, "{entries:?}");
        // A merged value keeps its anchor's span; the mapping keeps its own.
        let x = get(m, "x").expect("x");
        assert_eq!(&text[x.span.clone()], "1");
        assert!(x.span.end < m.span.start);
        let n = get(&node, "n").expect("n");
        assert_eq!(value(n, "w"), Some("3"), "explicit wins after `<<` too");
        assert_eq!(value(n, "y"), Some("2"));
    }

    #[test]
    fn a_quoted_merge_key_or_two_of_them_stay_ordinary_keys() {
        let node = root("a: &a {x: 1}\nq: {\"<<\": *a}\nt: {<<: *a, <<: *a}\n");
        assert!(get(get(&node, "q").expect("q"), "<<").is_some());
        let entries = map_entries(get(&node, "t").expect("t"));
        assert_eq!(entries.len(), 2);
    }

    #[test]
    fn a_merge_of_something_not_a_mapping_is_an_error() {
        for text in [
            "m: {<<: 5}\n",
            "a: &a [1]\nm: {<<: *a}\n",
            "m: {<<: [{x: 1}, 2]}\n",
        ] {
            let err = parse(text).expect_err(text);
            assert!(err.message.contains("map merge requires"), "{err:?}");
        }
    }

    #[test]
    fn aliases_resolve_to_the_anchored_node() {
        let node = root("a: &x {k: v}\nb: *x\n");
        let entries = map_entries(&node);
        assert_eq!(entries[0].1.kind, entries[1].1.kind);
    }
}
