//! The rule-file model (`groups` of `rules`) read from the spanned YAML tree as strictly as
//! Prometheus's `rulefmt` reads it: unknown keys, wrong types and duplicate keys are errors,
//! and every key and value keeps its span for the checks that follow.

use std::ops::Range;
use std::sync::Arc;

use super::diagnostic::{Code, Context, Diagnostic};
use super::scalar_map;
use super::yaml_tree::{Node, NodeKind, Style};

/// A scalar value as text, with where and how it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    /// The value after YAML processing.
    pub value: String,
    /// Byte range of the scalar in the file.
    pub span: Range<usize>,
    /// How it was written (decides how offsets inside map back to the file).
    pub style: Style,
}

impl Text {
    /// The file byte range of `range`, a byte range inside the value.
    pub fn file_span(&self, source: &str, range: Range<usize>) -> Range<usize> {
        match scalar_map::value_offsets(source, self.span.clone(), self.style, &self.value) {
            Some(offsets) => {
                let at = |i: usize| offsets.get(i.min(self.value.len())).copied();
                let start = at(range.start).unwrap_or(self.span.start);
                let end = at(range.end).unwrap_or(start).max(start);
                // A zero-width range at the end still deserves one caret.
                start..end
            }
            None => self.span.clone(),
        }
    }
}

/// A `key: value` pair of a `labels` or `annotations` mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    /// The key as written.
    pub key: Text,
    /// The value as written.
    pub value: Text,
}

/// A rule file: its groups (empty for an empty file).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleFile {
    /// `groups`, in file order.
    pub groups: Vec<Group>,
}

/// One rule group.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// `name` (empty when missing).
    pub name: Text,
    /// `interval`.
    pub interval: Option<Text>,
    /// `query_offset`.
    pub query_offset: Option<Text>,
    /// `labels` added to every rule of the group.
    pub labels: Vec<Pair>,
    /// `rules`.
    pub rules: Vec<Rule>,
    /// The group's mapping.
    pub span: Range<usize>,
    /// Which document of the file it came from (Kubernetes manifests hold several
    /// PrometheusRule objects; group names need only be unique within one).
    pub document: usize,
}

/// Whether a rule records or alerts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleKind {
    /// `record:`.
    Recording,
    /// `alert:`.
    Alerting,
}

/// One rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// 1-based position in its group (promtool's "rule N").
    pub index: usize,
    /// `record` or `alert`; `None` when both or neither are set (already reported).
    pub kind: Option<RuleKind>,
    /// `record:`.
    pub record: Option<Text>,
    /// `alert:`.
    pub alert: Option<Text>,
    /// `expr:`.
    pub expr: Option<Text>,
    /// `for:`.
    pub for_: Option<Text>,
    /// `keep_firing_for:`.
    pub keep_firing_for: Option<Text>,
    /// `labels:`.
    pub labels: Vec<Pair>,
    /// `annotations:`.
    pub annotations: Vec<Pair>,
    /// The span of `labels:`'s key, or of the rule, for "missing label" findings.
    pub labels_key: Option<Range<usize>>,
    /// The span of `annotations:`'s key.
    pub annotations_key: Option<Range<usize>>,
    /// The rule's mapping.
    pub span: Range<usize>,
}

impl Rule {
    /// The alert or record name, if set.
    pub fn name(&self) -> Option<&Text> {
        self.alert.as_ref().or(self.record.as_ref())
    }

    /// The span to report rule-wide findings at: the name's value, else the rule.
    pub fn anchor(&self) -> Range<usize> {
        self.name().map_or(self.span.clone(), |t| t.span.clone())
    }
}

/// What the checks after reading need of a file, once the checks that need only the rule
/// itself have run on the full [`RuleFile`] (labels, annotations and durations are then
/// done with): under half of the full model, which a large run holds for every file until
/// the catalogue (every file's recorded metrics) is complete.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Checked {
    /// The groups, as [`RuleFile::groups`] (same order and indices).
    pub groups: Vec<CheckedGroup>,
}

/// A group of a [`Checked`] file.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedGroup {
    /// `name` (empty when missing), shared by the findings that name the group.
    pub name: Arc<str>,
    /// The rules, as [`Group::rules`] (same order and indices).
    pub rules: Vec<CheckedRule>,
}

/// A rule of a [`Checked`] file.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedRule {
    /// `record` or `alert`, as [`Rule::kind`].
    pub kind: Option<RuleKind>,
    /// The alert or record name ([`Rule::name`]), shared by the findings that name it.
    pub name: Option<Arc<str>>,
    /// Where the name is.
    pub name_span: Range<usize>,
    /// `record:` when set and not empty (what the rule adds to the catalogue).
    pub recorded: Option<Box<str>>,
    /// `expr:`.
    pub expr: Option<Text>,
    /// The rule's mapping.
    pub span: Range<usize>,
    /// What the duplicate check compares (see [`crate::rules::checks::rule_identity`]).
    pub identity: u128,
}

impl CheckedGroup {
    /// Keeps of `group` what the later checks need (each `expr` moved, not copied).
    pub fn of(group: Group) -> CheckedGroup {
        let identities: Vec<u128> = group
            .rules
            .iter()
            .map(|rule| super::checks::rule_identity(&group, rule))
            .collect();
        CheckedGroup {
            name: group.name.value.as_str().into(),
            rules: group
                .rules
                .into_iter()
                .zip(identities)
                .map(|(rule, identity)| CheckedRule {
                    kind: rule.kind,
                    name: rule.name().map(|t| t.value.as_str().into()),
                    name_span: rule.name().map_or(0..0, |t| t.span.clone()),
                    recorded: rule
                        .record
                        .as_ref()
                        .filter(|r| !r.value.is_empty())
                        .map(|r| r.value.as_str().into()),
                    span: rule.span,
                    expr: rule.expr,
                    identity,
                })
                .collect(),
        }
    }
}

/// Reads the rule file model out of the document root, reporting what `rulefmt` rejects.
pub fn build(root: Option<&Node>, cx: &Context, out: &mut Vec<Diagnostic>) -> RuleFile {
    build_with(root, &mut Vec::new(), cx, out)
}

/// Reads one group (an item of `groups:`), as [`build`] does.
pub fn build_group(node: &Node, cx: &Context, out: &mut Vec<Diagnostic>) -> Option<Group> {
    group(node, cx, out)
}

/// Like [`build`], where `groups:` items that are [`NodeKind::Taken`]`(n)` were already
/// read (by [`build_group`] while parsing) into `taken[n]`.
pub fn build_with(
    root: Option<&Node>,
    taken: &mut [Option<Group>],
    cx: &Context,
    out: &mut Vec<Diagnostic>,
) -> RuleFile {
    RuleFile {
        groups: build_groups_with(root, taken, cx, out, &mut |group, _| group),
    }
}

/// Like [`build_with`], where each group read here is handed to `finish` (with where its
/// findings go), and `taken` holds what `finish` made of the groups read while parsing.
pub fn build_groups_with<G>(
    root: Option<&Node>,
    taken: &mut [Option<G>],
    cx: &Context,
    out: &mut Vec<Diagnostic>,
    finish: &mut dyn FnMut(Group, &mut Vec<Diagnostic>) -> G,
) -> Vec<G> {
    let mut groups = Vec::new();
    let Some(root) = root else {
        return groups;
    };
    let Some(entries) = mapping(root, "the file", cx, out) else {
        return groups;
    };
    for (key, value) in unique_keys(entries, cx, out) {
        match key.as_str() {
            "groups" => {
                if value.is_null() {
                    continue;
                }
                let Some(items) = sequence(value, "`groups`", cx, out) else {
                    continue;
                };
                groups = Vec::with_capacity(items.len());
                for item in items {
                    let built = match item.kind {
                        NodeKind::Taken(n) => taken.get_mut(n).and_then(Option::take),
                        _ => group(item, cx, out).map(|g| finish(g, out)),
                    };
                    groups.extend(built);
                }
            }
            other => out.push(unknown_field(
                cx,
                value_key_span(entries, other),
                other,
                "the file",
                &["groups"],
            )),
        }
    }
    groups
}

const GROUP_FIELDS: &[&str] = &[
    "name",
    "interval",
    "query_offset",
    "limit",
    "labels",
    "rules",
];
const RULE_FIELDS: &[&str] = &[
    "record",
    "alert",
    "expr",
    "for",
    "keep_firing_for",
    "labels",
    "annotations",
];

fn group(node: &Node, cx: &Context, out: &mut Vec<Diagnostic>) -> Option<Group> {
    let entries = mapping(node, "a group", cx, out)?;
    let mut group = Group {
        name: Text {
            value: String::new(),
            span: node.span.start..node.span.start,
            style: Style::Plain,
        },
        interval: None,
        query_offset: None,
        labels: Vec::new(),
        rules: Vec::new(),
        span: node.span.clone(),
        document: 0,
    };
    let mut rule_nodes: &[Node] = &[];
    for (key, value) in unique_keys(entries, cx, out) {
        match key.as_str() {
            "name" => group.name = text(value, "`name`", cx, out).unwrap_or(group.name),
            "interval" => group.interval = optional_text(value, "`interval`", cx, out),
            "query_offset" => group.query_offset = optional_text(value, "`query_offset`", cx, out),
            "limit" => {
                if let Some(limit) = optional_text(value, "`limit`", cx, out)
                    && limit.value.parse::<i64>().is_err()
                {
                    out.push(cx.diagnostic(
                        Code::YamlSchema,
                        limit.span.clone(),
                        format!("`limit` must be an integer, not {:?}", limit.value),
                    ));
                }
            }
            "labels" => group.labels = pairs(value, "`labels`", cx, out),
            "rules" => {
                if !value.is_null() {
                    rule_nodes = sequence(value, "`rules`", cx, out).unwrap_or(&[]);
                }
            }
            other => out.push(unknown_field(
                cx,
                value_key_span(entries, other),
                other,
                "a group",
                GROUP_FIELDS,
            )),
        }
    }
    let cx = Context {
        group: Some(group.name.value.as_str().into()),
        ..cx.clone()
    };
    group.rules = rule_nodes
        .iter()
        .enumerate()
        .filter_map(|(i, node)| rule(i + 1, node, &cx, out))
        .collect();
    Some(group)
}

fn rule(index: usize, node: &Node, cx: &Context, out: &mut Vec<Diagnostic>) -> Option<Rule> {
    let entries = mapping(node, "a rule", cx, out)?;
    let mut rule = Rule {
        index,
        kind: None,
        record: None,
        alert: None,
        expr: None,
        for_: None,
        keep_firing_for: None,
        labels: Vec::new(),
        annotations: Vec::new(),
        labels_key: None,
        annotations_key: None,
        span: node.span.clone(),
    };
    // The rule's name first, so findings about other fields can say which rule.
    let name_of = |field: &str| {
        entries.iter().find_map(|(k, v)| {
            (k.as_scalar()?.value == field)
                .then(|| {
                    v.as_scalar()
                        .map(|s| std::sync::Arc::<str>::from(&*s.value))
                })
                .flatten()
        })
    };
    let cx = Context {
        rule: name_of("alert").or_else(|| name_of("record")),
        ..cx.clone()
    };
    for (key, value) in unique_keys(entries, &cx, out) {
        let key_span = value_key_span(entries, &key);
        match key.as_str() {
            "record" => rule.record = optional_text(value, "`record`", &cx, out),
            "alert" => rule.alert = optional_text(value, "`alert`", &cx, out),
            "expr" => rule.expr = optional_text(value, "`expr`", &cx, out),
            "for" => rule.for_ = optional_text(value, "`for`", &cx, out),
            "keep_firing_for" => {
                rule.keep_firing_for = optional_text(value, "`keep_firing_for`", &cx, out)
            }
            "labels" => {
                rule.labels = pairs(value, "`labels`", &cx, out);
                rule.labels_key = Some(key_span);
            }
            "annotations" => {
                rule.annotations = pairs(value, "`annotations`", &cx, out);
                rule.annotations_key = Some(key_span);
            }
            other => out.push(unknown_field(&cx, key_span, other, "a rule", RULE_FIELDS)),
        }
    }
    // An empty `record:`/`alert:` counts as unset, as in rulefmt.
    let record = rule.record.as_ref().filter(|t| !t.value.is_empty());
    let alert = rule.alert.as_ref().filter(|t| !t.value.is_empty());
    rule.kind = match (record, alert) {
        (Some(_), None) => Some(RuleKind::Recording),
        (None, Some(_)) => Some(RuleKind::Alerting),
        (Some(_), Some(a)) => {
            out.push(cx.diagnostic(
                Code::RuleKind,
                a.span.clone(),
                format!("rule {index}: only one of 'record' and 'alert' must be set"),
            ));
            None
        }
        (None, None) => {
            out.push(
                cx.diagnostic(
                    Code::RuleKind,
                    entries
                        .first()
                        .map_or(node.span.clone(), |(k, _)| k.span.clone()),
                    format!("rule {index}: one of 'record' or 'alert' must be set"),
                ),
            );
            None
        }
    };
    Some(rule)
}

/// The entries of a mapping, or a schema error.
fn mapping<'a, 'n>(
    node: &'a Node<'n>,
    what: &str,
    cx: &Context,
    out: &mut Vec<Diagnostic>,
) -> Option<&'a [(Node<'n>, Node<'n>)]> {
    match &node.kind {
        NodeKind::Map(entries) => Some(entries),
        _ => {
            out.push(cx.diagnostic(
                Code::YamlSchema,
                node.span.clone(),
                format!("{what} must be a mapping, not {}", node.kind_name()),
            ));
            None
        }
    }
}

fn sequence<'a, 'n>(
    node: &'a Node<'n>,
    what: &str,
    cx: &Context,
    out: &mut Vec<Diagnostic>,
) -> Option<&'a [Node<'n>]> {
    match &node.kind {
        NodeKind::Seq(items) => Some(items),
        _ => {
            out.push(cx.diagnostic(
                Code::YamlSchema,
                node.span.clone(),
                format!("{what} must be a list, not {}", node.kind_name()),
            ));
            None
        }
    }
}

/// A scalar as text (numbers and booleans read as their text, as yaml.v3 does into a
/// string field); a null reads as the empty string.
fn text(node: &Node, what: &str, cx: &Context, out: &mut Vec<Diagnostic>) -> Option<Text> {
    match &node.kind {
        NodeKind::Scalar(s) => Some(Text {
            value: if node.is_null() {
                String::new()
            } else {
                s.value.to_string()
            },
            span: node.span.clone(),
            style: s.style,
        }),
        _ => {
            out.push(cx.diagnostic(
                Code::YamlSchema,
                node.span.clone(),
                format!("{what} must be a string, not {}", node.kind_name()),
            ));
            None
        }
    }
}

/// Like [`text`], but a null value counts as absent.
fn optional_text(node: &Node, what: &str, cx: &Context, out: &mut Vec<Diagnostic>) -> Option<Text> {
    if node.is_null() {
        return None;
    }
    text(node, what, cx, out)
}

fn pairs(node: &Node, what: &str, cx: &Context, out: &mut Vec<Diagnostic>) -> Vec<Pair> {
    if node.is_null() {
        return Vec::new();
    }
    let Some(entries) = mapping(node, what, cx, out) else {
        return Vec::new();
    };
    let mut seen: Vec<&str> = Vec::new();
    let mut pairs = Vec::with_capacity(entries.len());
    for (key, value) in entries {
        let Some(key) = text(key, &format!("a key of {what}"), cx, out) else {
            continue;
        };
        let Some(value) = text(value, &format!("{what} value {:?}", key.value), cx, out) else {
            continue;
        };
        pairs.push(Pair { key, value });
    }
    // Duplicate keys are reported after the pairs are read, so the first one wins.
    for pair in &pairs {
        if seen.contains(&pair.key.value.as_str()) {
            out.push(duplicate_key(cx, pair.key.span.clone(), &pair.key.value));
        } else {
            seen.push(&pair.key.value);
        }
    }
    pairs
}

/// A mapping's `(key, value)` with scalar keys, first occurrence only; repeated and
/// non-scalar keys are reported.
fn unique_keys<'a, 'n>(
    entries: &'a [(Node<'n>, Node<'n>)],
    cx: &Context,
    out: &mut Vec<Diagnostic>,
) -> Vec<(String, &'a Node<'n>)> {
    let mut keys: Vec<(String, &Node<'n>)> = Vec::with_capacity(entries.len());
    for (key, value) in entries {
        let Some(name) = key.as_scalar().map(|s| s.value.to_string()) else {
            out.push(cx.diagnostic(
                Code::YamlSchema,
                key.span.clone(),
                format!("keys must be strings, not {}", key.kind_name()),
            ));
            continue;
        };
        if keys.iter().any(|(k, _)| *k == name) {
            out.push(duplicate_key(cx, key.span.clone(), &name));
            continue;
        }
        keys.push((name, value));
    }
    keys
}

fn duplicate_key(cx: &Context, span: Range<usize>, name: &str) -> Diagnostic {
    cx.diagnostic(
        Code::YamlDuplicateKey,
        span,
        format!("mapping key {name:?} already defined; remove one of them"),
    )
}

/// The span of the key `name` in `entries` (its first occurrence).
fn value_key_span(entries: &[(Node, Node)], name: &str) -> Range<usize> {
    entries
        .iter()
        .find(|(k, _)| k.as_scalar().is_some_and(|s| s.value == name))
        .map_or(0..0, |(k, _)| k.span.clone())
}

fn unknown_field(
    cx: &Context,
    span: Range<usize>,
    name: &str,
    place: &str,
    known: &[&str],
) -> Diagnostic {
    let hint = closest(name, known).map_or_else(
        || format!("; known fields are {}", known.join(", ")),
        |k| format!("; did you mean `{k}`?"),
    );
    cx.diagnostic(
        Code::YamlSchema,
        span,
        format!("field `{name}` is not allowed in {place}{hint}"),
    )
}

/// The known name within edit distance 2 of `name`, if any.
pub fn closest<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (edit_distance(name, k), *k))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Edit distance between two names (bytes; names here are ASCII).
pub fn edit_distance(a: &str, b: &str) -> usize {
    super::catalog::suggest::levenshtein(a.as_bytes(), b.as_bytes(), usize::MAX)
        .unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::super::yaml_tree;
    use super::*;

    fn read(text: &str) -> (RuleFile, Vec<Diagnostic>) {
        let stream = yaml_tree::parse(text).expect("valid yaml");
        let mut out = Vec::new();
        let root = stream.documents.first().and_then(|d| d.root.as_ref());
        let file = build(root, &Context::default(), &mut out);
        (file, out)
    }

    #[test]
    fn a_valid_file_reads_without_findings() {
        let (file, out) = read(
            "groups:\n- name: g\n  interval: 1m\n  labels: {team: a}\n  rules:\n  - alert: A\n    expr: up == 0\n    for: 5m\n    labels: {severity: page}\n    annotations: {summary: x}\n  - record: job:up:sum\n    expr: sum by (job) (up)\n",
        );
        assert_eq!(out, vec![]);
        assert_eq!(file.groups.len(), 1);
        let rules = &file.groups[0].rules;
        assert_eq!(rules[0].kind, Some(RuleKind::Alerting));
        assert_eq!(rules[1].kind, Some(RuleKind::Recording));
        assert_eq!(rules[1].index, 2);
    }

    #[test]
    fn unknown_fields_wrong_types_and_duplicate_keys_are_errors() {
        let (_, out) = read(
            "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n    expr: down\n    fro: 5m\n    labels: [x]\n",
        );
        let codes: Vec<_> = out.iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            vec![Code::YamlDuplicateKey, Code::YamlSchema, Code::YamlSchema]
        );
        assert!(
            out[1].message.contains("did you mean `for`"),
            "{}",
            out[1].message
        );
        assert_eq!(out[1].rule.as_deref(), Some("A"));
        assert_eq!(out[1].group.as_deref(), Some("g"));
    }

    #[test]
    fn both_or_neither_of_alert_and_record_is_an_error() {
        let (_, out) = read(
            "groups:\n- name: g\n  rules:\n  - expr: up\n  - alert: A\n    record: b\n    expr: up\n",
        );
        assert_eq!(out.len(), 2);
        assert!(
            out[0]
                .message
                .contains("one of 'record' or 'alert' must be set")
        );
        assert!(out[1].message.contains("only one of"));
    }

    #[test]
    fn edit_distance_counts_characters() {
        assert_eq!(edit_distance("fro", "for"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("ççx", "ççy"), 1);
        assert_eq!(closest("labls", &["labels", "rules"]), Some("labels"));
    }
}
