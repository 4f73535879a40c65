//! Parser for the catalogue's line format (described in `mod.rs`): one metric family a
//! line, `#` comments, errors reported with the data file's name and line number.

use std::fmt;

use super::{Entry, MetricType};

/// A line of a data file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// The data file (or source) the line came from.
    pub file: String,
    /// 1-based line number.
    pub line: usize,
    /// What is wrong with it.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

impl std::error::Error for ParseError {}

/// Whether `name` is a valid classic Prometheus metric name (`[a-zA-Z_:][a-zA-Z0-9_:]*`).
pub fn is_metric_name(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' || c == ':' => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

/// Whether `name` is a valid label name (`[a-zA-Z_][a-zA-Z0-9_]*`).
pub fn is_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Parses one data file. Every well-formed line becomes an entry; every bad line becomes
/// an error, so one typo never hides the rest of the file.
pub fn parse(file: &str, source: &str, text: &str) -> (Vec<Entry>, Vec<ParseError>) {
    let mut entries = Vec::new();
    let mut errors = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match parse_line(line, source) {
            Ok(entry) => entries.push(entry),
            Err(message) => errors.push(ParseError {
                file: file.to_owned(),
                line: i + 1,
                message,
            }),
        }
    }
    (entries, errors)
}

fn parse_line(line: &str, source: &str) -> Result<Entry, String> {
    let (spec, help) = match line.split_once(" -- ") {
        Some((spec, help)) => (spec, help.trim()),
        None => match line.strip_suffix(" --") {
            Some(spec) => (spec, ""),
            None => (line, ""),
        },
    };
    let mut words = spec.split_whitespace();
    let name = words.next().ok_or("empty entry")?;
    let bare = name.strip_suffix('*').unwrap_or(name);
    if !is_metric_name(bare) {
        return Err(format!("bad metric name `{name}`"));
    }
    if bare.contains('*') {
        return Err(format!("`*` only at the end of a prefix entry: `{name}`"));
    }
    let kind_word = words
        .next()
        .ok_or_else(|| format!("`{name}` has no type"))?;
    let kind = MetricType::parse(kind_word).ok_or_else(|| {
        format!(
            "unknown type `{kind_word}` for `{name}` (counter, gauge, histogram, summary, \
             untyped, info, stateset)"
        )
    })?;
    let mut labels = Vec::new();
    for label in words {
        if label == "--" || label.starts_with("--") {
            return Err(format!(
                "`--` before the help of `{name}` needs spaces around it"
            ));
        }
        if !is_label_name(label) {
            return Err(format!("bad label name `{label}` for `{name}`"));
        }
        if labels.iter().any(|l| l == label) {
            return Err(format!("label `{label}` twice for `{name}`"));
        }
        labels.push(label.to_owned());
    }
    if kind == MetricType::Counter && !name.ends_with('*') && !name.ends_with("_total") {
        // Counters are listed by their exposed name. The few counters an exporter exposes
        // without `_total` must say `[no _total]` in their help, so that a forgotten
        // suffix in the data is caught here rather than passed on to every rule.
        if !help.contains("[no _total]") {
            return Err(format!(
                "counter `{name}` does not end in `_total`; list the exposed name, or add \
                 `[no _total]` to its help if the exporter really exposes it so"
            ));
        }
    }
    Ok(Entry {
        name: name.to_owned(),
        kind,
        source: source.to_owned(),
        labels,
        help: help.to_owned(),
    })
}
