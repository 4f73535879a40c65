//! Label matchers as operators type them and Alertmanager stores them: `name=value`,
//! `name!=value`, `name=~regex`, `name!~regex`, with optional double quotes (Go-style
//! escapes) on either side, so UTF-8 label names work, and a bare first word meaning
//! `alertname=WORD` (as amtool). A bad matcher is a usage error that points at the
//! offending character; regexes are compiled here, fully anchored like Alertmanager's,
//! so a typo is caught before it reaches the server.

use std::collections::BTreeMap;
use std::fmt;

use regex::Regex;
use serde::{Deserialize, Serialize};

/// The four matcher operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `=`
    Equal,
    /// `!=`
    NotEqual,
    /// `=~`
    Regex,
    /// `!~`
    NotRegex,
}

impl Op {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Equal => "=",
            Op::NotEqual => "!=",
            Op::Regex => "=~",
            Op::NotRegex => "!~",
        }
    }

    /// Alertmanager's `(isRegex, isEqual)` encoding.
    pub fn flags(self) -> (bool, bool) {
        match self {
            Op::Equal => (false, true),
            Op::NotEqual => (false, false),
            Op::Regex => (true, true),
            Op::NotRegex => (true, false),
        }
    }

    /// The operator for Alertmanager's `(isRegex, isEqual)` encoding.
    pub fn from_flags(is_regex: bool, is_equal: bool) -> Op {
        match (is_regex, is_equal) {
            (false, true) => Op::Equal,
            (false, false) => Op::NotEqual,
            (true, true) => Op::Regex,
            (true, false) => Op::NotRegex,
        }
    }
}

/// One parsed, validated matcher.
#[derive(Debug, Clone)]
pub struct Matcher {
    /// Label name.
    pub name: String,
    /// Operator.
    pub op: Op,
    /// Value or regex source.
    pub value: String,
    /// The compiled, anchored regex for `=~` and `!~`.
    regex: Option<Regex>,
}

impl PartialEq for Matcher {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.op == other.op && self.value == other.value
    }
}

/// A matcher in Alertmanager's JSON form (silences, import files).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiMatcher {
    /// Label name.
    pub name: String,
    /// Value or regex.
    pub value: String,
    /// Whether `value` is a regex.
    #[serde(default)]
    pub is_regex: bool,
    /// `false` for the negated operators; servers before 0.22 omit it (meaning `true`).
    #[serde(default = "default_true")]
    pub is_equal: bool,
}

fn default_true() -> bool {
    true
}

/// A matcher that cannot be parsed or whose regex does not compile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid matcher {input:?}: {message}\n  {input}\n  {caret}", caret = caret(input, *position))]
pub struct MatcherError {
    /// The argument as given.
    pub input: String,
    /// Byte offset of the offending character.
    pub position: usize,
    /// What is wrong there.
    pub message: String,
}

fn caret(input: &str, position: usize) -> String {
    let width = input
        .get(..position.min(input.len()))
        .map_or(0, |s| s.chars().count());
    format!("{}^", " ".repeat(width))
}

impl Matcher {
    /// Builds a matcher, compiling the regex of `=~`/`!~`.
    pub fn new(name: &str, op: Op, value: &str) -> Result<Matcher, String> {
        if name.is_empty() {
            return Err("the label name is empty".into());
        }
        let regex = match op {
            Op::Regex | Op::NotRegex => Some(
                Regex::new(&format!("^(?:{})$", go_classes(value)))
                    .map_err(|e| format!("invalid regex {value:?}: {}", first_line(&e)))?,
            ),
            Op::Equal | Op::NotEqual => None,
        };
        Ok(Matcher {
            name: name.to_owned(),
            op,
            value: value.to_owned(),
            regex,
        })
    }

    /// From Alertmanager's JSON form.
    pub fn from_api(m: &ApiMatcher) -> Result<Matcher, String> {
        Matcher::new(&m.name, Op::from_flags(m.is_regex, m.is_equal), &m.value)
    }

    /// Alertmanager's JSON form.
    pub fn to_api(&self) -> ApiMatcher {
        let (is_regex, is_equal) = self.op.flags();
        ApiMatcher {
            name: self.name.clone(),
            value: self.value.clone(),
            is_regex,
            is_equal,
        }
    }

    /// Whether a label value (empty when the label is absent) satisfies this matcher.
    pub fn matches(&self, value: &str) -> bool {
        match (&self.op, &self.regex) {
            (Op::Equal, _) => self.value == value,
            (Op::NotEqual, _) => self.value != value,
            (Op::Regex, Some(re)) => re.is_match(value),
            (Op::NotRegex, Some(re)) => !re.is_match(value),
            // Unreachable by construction: regex operators always carry a regex.
            (Op::Regex | Op::NotRegex, None) => false,
        }
    }

    /// Whether a label set satisfies this matcher.
    pub fn matches_labels(&self, labels: &BTreeMap<String, String>) -> bool {
        self.matches(labels.get(&self.name).map_or("", String::as_str))
    }
}

/// Rewrites what Go's RE2 (which Alertmanager uses) reads differently from Rust's regex:
/// in Go `\d`, `\w`, `\s` and `\b` are ASCII-only, in Rust they are Unicode (without this,
/// `\d+` would match "٣" here and not in Alertmanager, and a preview would list an alert
/// the silence then does not mute); a `{` that starts no repetition (`a{`, `{x}`, `a{,3}`)
/// is a literal in Go and an error in Rust; `\Q...\E` quotes text in Go only. Other
/// escapes are copied; a pattern the engine rejects still fails to compile afterwards.
fn go_classes(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut in_class = false;
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(e) = chars.next() else {
                    out.push('\\');
                    break;
                };
                if e == 'Q' && !in_class {
                    let mut literal = String::new();
                    while let Some(c) = chars.next() {
                        if c == '\\' && chars.peek() == Some(&'E') {
                            chars.next();
                            break;
                        }
                        literal.push(c);
                    }
                    out.push_str(&regex::escape(&literal));
                    continue;
                }
                let replacement = match (in_class, e) {
                    (false, 'd') => Some("[0-9]"),
                    (false, 'D') => Some("[^0-9]"),
                    (false, 'w') => Some("[0-9A-Za-z_]"),
                    (false, 'W') => Some("[^0-9A-Za-z_]"),
                    (false, 's') => Some("[\\t\\n\\x0C\\r ]"),
                    (false, 'S') => Some("[^\\t\\n\\x0C\\r ]"),
                    (false, 'b') => Some("(?-u:\\b)"),
                    (false, 'B') => Some("(?-u:\\B)"),
                    (true, 'd') => Some("0-9"),
                    (true, 'w') => Some("0-9A-Za-z_"),
                    (true, 's') => Some("\\t\\n\\x0C\\r "),
                    _ => None,
                };
                match replacement {
                    Some(r) => out.push_str(r),
                    None => {
                        out.push('\\');
                        out.push(e);
                    }
                }
            }
            '[' if !in_class => {
                in_class = true;
                out.push('[');
                // A `]` or `^]` right after the opening bracket is a literal, not the end.
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                if chars.peek() == Some(&']') {
                    out.push(']');
                    chars.next();
                }
            }
            '[' if in_class && chars.peek() == Some(&':') => {
                // `[[:alpha:]]`: copy the POSIX class whole so its `]` does not end ours.
                out.push('[');
                for c in chars.by_ref() {
                    out.push(c);
                    if c == ']' {
                        break;
                    }
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            '{' if !in_class => {
                let rest: String = chars.clone().take_while(|&c| c != '}').collect();
                let closed = chars.clone().nth(rest.chars().count()) == Some('}');
                let (min, max) = rest.split_once(',').unwrap_or((&rest, "0"));
                let digits = |t: &str| t.chars().all(|c| c.is_ascii_digit());
                if closed && !min.is_empty() && digits(min) && digits(max) {
                    out.push('{');
                } else {
                    out.push_str("\\{");
                }
            }
            c => out.push(c),
        }
    }
    out
}

fn first_line(e: &regex::Error) -> String {
    // The regex crate's message is a multi-line diagram; its last line says what is wrong.
    e.to_string()
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
        .trim_start_matches("error: ")
        .to_owned()
}

impl fmt::Display for Matcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if is_plain_name(&self.name) {
            f.write_str(&self.name)?;
        } else {
            f.write_str(&quote(&self.name))?;
        }
        write!(f, "{}{}", self.op.as_str(), quote(&self.value))
    }
}

/// `[a-zA-Z_][a-zA-Z0-9_]*`: names every Alertmanager accepts unquoted.
fn is_plain_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Double-quotes with the escapes both Go and the matcher parsers understand.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Characters that end an unquoted label name (the UTF-8 matcher grammar's specials).
fn ends_name(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '{' | '}' | '!' | '=' | '~' | ',' | '\\' | '"' | '\'' | '`'
        )
}

/// Parses the matchers of a command line; the first argument may be a bare alert name.
pub fn parse_args(args: &[String]) -> Result<Vec<Matcher>, MatcherError> {
    args.iter()
        .enumerate()
        .map(|(i, arg)| {
            if i == 0 && !arg.is_empty() && !arg.contains(['=', '~', '"']) {
                return parse_bare(arg);
            }
            parse(arg)
        })
        .collect()
}

fn parse_bare(arg: &str) -> Result<Matcher, MatcherError> {
    if let Some((pos, c)) = arg.char_indices().find(|&(_, c)| ends_name(c)) {
        return Err(MatcherError {
            input: arg.to_owned(),
            position: pos,
            message: format!(
                "unexpected {c:?}; a bare first word is an alert name, other matchers need an operator (=, !=, =~, !~)"
            ),
        });
    }
    Matcher::new("alertname", Op::Equal, arg).map_err(|message| MatcherError {
        input: arg.to_owned(),
        position: 0,
        message,
    })
}

/// Parses one `name OP value` matcher.
pub fn parse(input: &str) -> Result<Matcher, MatcherError> {
    let err = |position: usize, message: String| MatcherError {
        input: input.to_owned(),
        position,
        message,
    };
    let start = input.len() - input.trim_start().len();
    let mut pos = start;
    // Name: quoted, or a run of non-special characters.
    let name = if input[pos..].starts_with('"') {
        let (name, next) = unquote(input, pos).map_err(|(p, m)| err(p, m))?;
        pos = next;
        name
    } else {
        let len = input[pos..]
            .char_indices()
            .find(|&(_, c)| ends_name(c))
            .map_or(input.len() - pos, |(i, _)| i);
        let name = input[pos..pos + len].to_owned();
        pos += len;
        name
    };
    if name.is_empty() {
        return Err(err(pos, "expected a label name".into()));
    }
    pos += input[pos..].len() - input[pos..].trim_start().len();
    let rest = &input[pos..];
    let op = if rest.starts_with("=~") {
        Op::Regex
    } else if rest.starts_with("!~") {
        Op::NotRegex
    } else if rest.starts_with("!=") {
        Op::NotEqual
    } else if rest.starts_with('=') {
        Op::Equal
    } else {
        let found = rest
            .chars()
            .next()
            .map_or("the end".to_owned(), |c| format!("{c:?}"));
        return Err(err(
            pos,
            format!("expected an operator (=, !=, =~, !~) after {name:?}, found {found}"),
        ));
    };
    pos += op.as_str().len();
    pos += input[pos..].len() - input[pos..].trim_start().len();
    let value = if input[pos..].starts_with('"') {
        let (value, next) = unquote(input, pos).map_err(|(p, m)| err(p, m))?;
        let trailing = input[next..].trim_start();
        if !trailing.is_empty() {
            return Err(err(
                input.len() - trailing.len(),
                "unexpected text after the closing quote".into(),
            ));
        }
        value
    } else {
        let raw = input[pos..].trim_end();
        if raw.is_empty() {
            return Err(err(
                pos,
                format!(
                    "expected a value; write {name}{}\"\" to match an empty or missing label",
                    op.as_str()
                ),
            ));
        }
        if let Some((i, c)) = raw.char_indices().find(|&(i, c)| {
            c.is_whitespace() || matches!(c, '"' | '`') || (i == 0 && matches!(c, '=' | '~' | '!'))
        }) {
            return Err(err(
                pos + i,
                format!("unexpected {c:?} in an unquoted value; double-quote the value"),
            ));
        }
        raw.to_owned()
    };
    Matcher::new(&name, op, &value).map_err(|m| err(pos, m))
}

/// Reads a double-quoted string starting at `start` (the opening quote); returns it and the
/// offset after the closing quote, or the offset and text of the error.
fn unquote(input: &str, start: usize) -> Result<(String, usize), (usize, String)> {
    let mut out = String::new();
    let mut chars = input[start + 1..]
        .char_indices()
        .map(|(i, c)| (i + start + 1, c));
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((out, i + 1)),
            '\\' => {
                let Some((j, e)) = chars.next() else {
                    return Err((i, "unfinished escape at the end".into()));
                };
                match e {
                    '"' => out.push('"'),
                    '\\' => out.push('\\'),
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    // Regex escapes such as `\.` or `\d` are kept as written, so a regex
                    // can be quoted without doubling every backslash.
                    other if !other.is_alphanumeric() || "dDwWsSbB".contains(other) => {
                        out.push('\\');
                        out.push(other);
                    }
                    'u' => {
                        let hex: String = input[j + 1..].chars().take(4).collect();
                        let code = (hex.len() == 4)
                            .then(|| u32::from_str_radix(&hex, 16).ok())
                            .flatten()
                            .and_then(char::from_u32)
                            .ok_or((j, "expected four hex digits after \\u".to_owned()))?;
                        out.push(code);
                        for _ in 0..4 {
                            chars.next();
                        }
                    }
                    other => return Err((j, format!("unknown escape \\{other}"))),
                }
            }
            c => out.push(c),
        }
    }
    Err((start, "unterminated quoted string".into()))
}

/// Probe values for [`matches_everything`]: unlikely to be anybody's real label values, so
/// a matcher that accepts all of them constrains nothing in practice.
const PROBES: &[&str] = &[
    "a",
    "InstanceDown",
    "ccmon-probe-7f3a",
    "db-1.example:9100",
    "x y/z",
    "0",
    "ÿ✓",
];

/// Whether a silence with these matchers would silence every alert: each matcher accepts
/// any value (`=~".*"`) or only excludes some (`!=`, `!~`). An empty label is a possible
/// value for every label except `alertname`, which every alert has.
pub fn matches_everything(matchers: &[Matcher]) -> bool {
    matchers
        .iter()
        .all(|m| PROBES.iter().all(|p| m.matches(p)) && (m.name == "alertname" || m.matches("")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> Matcher {
        parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn operators_and_quotes() {
        let m = ok("job=api");
        assert_eq!(
            (m.name.as_str(), m.op, m.value.as_str()),
            ("job", Op::Equal, "api")
        );
        assert_eq!(ok("job!=api").op, Op::NotEqual);
        assert_eq!(ok("job=~api|web").op, Op::Regex);
        assert_eq!(ok("job!~\"a.*\"").op, Op::NotRegex);
        assert_eq!(ok(r#"msg="say \"hi\"""#).value, "say \"hi\"");
        assert_eq!(ok(r#"msg="a, b {c}""#).value, "a, b {c}");
        assert_eq!(ok(r#""service.name"="api""#).name, "service.name");
        assert_eq!(ok(r#"x=~"a\.b""#).value, r"a\.b");
        assert_eq!(ok(r#"x="\u00e9""#).value, "é");
        assert_eq!(ok(r#"x="""#).value, "");
        assert_eq!(ok("instance=db-1:9100").value, "db-1:9100");
        assert_eq!(ok("métier=café").name, "métier");
        assert_eq!(ok(" job = api ").value, "api");
    }

    #[test]
    fn display_round_trips() {
        for s in [
            r#"job="api""#,
            r#"job=~"a|b""#,
            r#""a b"!="x\"y""#,
            r#"x!~"\\d+""#,
        ] {
            let m = ok(s);
            let again = ok(&m.to_string());
            assert_eq!(m, again, "{s} -> {m}");
        }
    }

    #[test]
    fn bare_first_word_is_alertname() {
        let ms = parse_args(&["InstanceDown".into(), "severity=page".into()]).unwrap();
        assert_eq!(ms[0].to_string(), r#"alertname="InstanceDown""#);
        assert_eq!(ms[1].name, "severity");
        // Only the first argument may be bare.
        let err = parse_args(&["a=b".into(), "Bare".into()]).unwrap_err();
        assert!(err.message.contains("operator"), "{err}");
    }

    #[test]
    fn errors_point_at_the_character() {
        let e = parse("job==api").unwrap_err();
        assert_eq!(e.position, 4, "{e}");
        let e = parse("job=").unwrap_err();
        assert!(e.message.contains("job=\"\""), "{e}");
        let e = parse("job").unwrap_err();
        assert_eq!(e.position, 3);
        let e = parse("=api").unwrap_err();
        assert_eq!(e.position, 0);
        let e = parse(r#"job="api"x"#).unwrap_err();
        assert_eq!(e.position, 9);
        let e = parse(r#"job="api"#).unwrap_err();
        assert!(e.message.contains("unterminated"), "{e}");
        let e = parse("job=~a(b").unwrap_err();
        assert!(e.message.contains("invalid regex"), "{e}");
        assert!(e.to_string().contains("\n  job=~a(b\n       ^"), "{e}");
        let e = parse_args(&["Instance Down".into()]).unwrap_err();
        assert_eq!(e.position, 8);
    }

    #[test]
    fn regexes_are_anchored() {
        let m = ok("job=~api");
        assert!(m.matches("api"));
        assert!(!m.matches("api-2"));
        assert!(ok("job!~a.*").matches("bcd"));
        assert!(ok("x=\"\"").matches(""));
    }

    #[test]
    fn perl_classes_are_ascii_as_in_go() {
        assert!(ok(r"x=~\d+").matches("42"));
        assert!(!ok(r"x=~\d+").matches("٣"), "Go's \\d is ASCII");
        assert!(ok(r"x=~\D").matches("٣"));
        assert!(!ok(r"x=~\w+").matches("café"));
        assert!(ok(r"x=~[\w.]+").matches("db_1.x"));
        assert!(!ok(r"x=~[\w]+").matches("é"));
        assert!(ok(r"x=~a\sb").matches("a b"));
        assert!(!ok(r"x=~a\sb").matches("a\u{a0}b"));
        assert!(ok(r"x=~[]a]+").matches("]a"));
        assert!(ok(r"x=~[^]a]+").matches("bc"));
        assert!(ok(r"x=~[[:alpha:]\d]+").matches("ab12"));
        assert!(ok(r"x=~a\.b").matches("a.b") && !ok(r"x=~a\.b").matches("axb"));
        assert!(ok(r"x=~\bab\b").matches("ab"));
        assert_eq!(go_classes(r"a\"), r"a\");
        // Braces that start no repetition are literals, as in Go.
        assert!(ok(r"x=~a{").matches("a{"));
        assert!(ok(r"x=~.*{.*").matches("x{y"));
        assert!(ok(r"x=~{a}").matches("{a}"));
        assert!(ok(r"x=~a{,3}").matches("a{,3}"));
        assert!(ok(r"x=~a{2}").matches("aa"));
        assert!(ok(r"x=~a{1,}b").matches("aaab"));
        assert!(ok(r"x=~a{1,2}").matches("aa") && !ok(r"x=~a{1,2}").matches("aaa"));
        assert!(ok(r"x=~\Qa.b\E").matches("a.b") && !ok(r"x=~\Qa.b\E").matches("axb"));
        assert!(ok(r"x=~\Qa.b").matches("a.b"));
    }

    #[test]
    fn all_matching_silences_are_recognised() {
        let all = |args: &[&str]| {
            let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
            matches_everything(&parse_args(&args).unwrap())
        };
        assert!(all(&["alertname=~.*"]));
        assert!(all(&["alertname=~.+"]));
        assert!(all(&["severity=~.*"]));
        assert!(all(&["alertname!=Watchdog"]));
        assert!(all(&["alertname!=\"\""]));
        assert!(all(&["alertname=~.*", "severity!~none"]));
        assert!(!all(&["InstanceDown"]));
        assert!(!all(&["severity=~.+"]));
        assert!(!all(&["alertname!=Watchdog", "team=db"]));
        assert!(!all(&["job=~api|web"]));
    }

    #[test]
    fn never_panics_on_odd_input() {
        for s in [
            "",
            "\"",
            "\\",
            "=",
            "!",
            "~",
            "a=\"\\",
            "a=\"\\u12",
            "a=\"\\uzzzz\"",
            "é=\"ü",
            "\"\"=x",
            "a!",
            "a=~(",
            "{a=b}",
            "a=b,c=d",
            "\u{0}=\u{0}",
        ] {
            let _ = parse(s);
            let _ = parse_args(&[s.to_owned()]);
        }
    }

    #[test]
    fn never_panics_on_any_short_ascii_input() {
        // Exhaustive over a small alphabet rich in specials: a cheap property test.
        let alphabet = ['a', '=', '!', '~', '"', '\\', ' ', 'u', '(', 'é'];
        let mut count = 0;
        for s in crate::test_inputs::words(&alphabet, 4) {
            if let Ok(m) = parse(&s) {
                // Whatever parses prints as something that parses the same.
                assert_eq!(parse(&m.to_string()).as_ref().ok(), Some(&m), "{s:?}");
            }
            count += 1;
        }
        assert_eq!(count, 10_000);
    }
}
