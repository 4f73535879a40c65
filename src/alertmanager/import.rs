//! Reading silences to import: amtool's JSON array (exactly what `amtool silence query -o
//! json` and `ccmon alerts silence ls -o json` print) and the YAML list form of
//! docs/architecture.md, "Other modules" (`comment, startsAt, endsAt, createdBy, matchers[{name, value, isRegex?,
//! isEqual?}]`). Parse errors carry `file:line:col`; each entry is then checked on its own,
//! so one bad entry fails alone, expired entries are skipped, and a value that looks like a
//! regex without `isRegex` is reported, because it would silently match only literal text.
//! As `silence add`, an entry that would silence every alert fails unless forced. An entry
//! identical to an active or pending silence is skipped, so importing the same file twice
//! (into a cluster that does not know its IDs, or with entries that have none) does not
//! duplicate it. Identical means: the same matchers in any order, the same comment, the
//! same author and the same end instant; the start is left out because an entry without
//! one starts "now", and a silence already running mutes the same alerts until that end.

use jiff::Timestamp;
use serde::Deserialize;

use super::matcher::{self, ApiMatcher, Matcher};
use super::{PostableSilence, Silence};
use crate::clock::rfc3339;

/// A file that is not a list of silences.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct ImportError {
    /// The file (or `stdin`).
    pub file: String,
    /// 1-based line.
    pub line: u64,
    /// 1-based column.
    pub column: u64,
    /// What is wrong.
    pub message: String,
}

/// One entry of an import file. Unknown fields (`status`, `updatedAt`, `annotations`) are
/// accepted so that listing output imports unchanged.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// Kept to update the same silence on the same cluster (unless `--force`).
    #[serde(default)]
    pub id: Option<String>,
    /// Matchers.
    #[serde(default)]
    pub matchers: Vec<ApiMatcher>,
    /// Start; now when absent.
    #[serde(default)]
    pub starts_at: Option<String>,
    /// End.
    #[serde(default)]
    pub ends_at: Option<String>,
    /// Author.
    #[serde(default)]
    pub created_by: Option<String>,
    /// Why.
    #[serde(default)]
    pub comment: Option<String>,
    /// State as listed (`expired` entries are skipped).
    #[serde(default)]
    pub status: Option<EntryStatus>,
}

/// The `status` of a listed silence.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EntryStatus {
    /// `active`, `pending` or `expired`.
    #[serde(default)]
    pub state: String,
}

/// Reads the entries of `text`; `file` names it in errors. JSON is recognised by its first
/// character; anything else is read as YAML.
pub fn parse(text: &str, file: &str) -> Result<Vec<Entry>, ImportError> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('[') || trimmed.starts_with('{') {
        return serde_json::from_str::<Vec<Entry>>(text).map_err(|e| ImportError {
            file: file.to_owned(),
            line: e.line() as u64,
            column: e.column() as u64,
            message: e
                .to_string()
                .split(" at line ")
                .next()
                .unwrap_or("")
                .to_owned(),
        });
    }
    crate::yaml::from_str::<Vec<Entry>>(text).map_err(|e| ImportError {
        file: file.to_owned(),
        line: e.line,
        column: e.column,
        message: e.message,
    })
}

/// What to do with each entry.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Entries to post: 1-based entry number and the silence.
    pub posts: Vec<(usize, PostableSilence)>,
    /// Entries skipped (already expired, or identical to a silence), with the reason.
    pub skipped: Vec<(usize, Skip)>,
    /// Entries that cannot be imported, with the reason.
    pub invalid: Vec<(usize, String)>,
    /// Warnings (regex-looking values without `isRegex`).
    pub warnings: Vec<String>,
}

/// Why an entry is not posted although it is valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// It ended already.
    Expired,
    /// An active or pending silence (this ID) is the same.
    Identical(String),
    /// An earlier entry of the same file (this number) is the same.
    SameAs(usize),
}

impl std::fmt::Display for Skip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Skip::Expired => f.write_str("already expired"),
            Skip::Identical(id) => write!(f, "identical to silence {id}"),
            Skip::SameAs(n) => write!(f, "identical to entry {n}"),
        }
    }
}

/// Whether a literal value looks like a regex someone forgot to mark.
fn looks_like_regex(value: &str) -> bool {
    [".*", ".+", "|", "^", "$", "[", "(", "\\"]
        .iter()
        .any(|p| value.contains(p))
}

/// Checks every entry against the cluster's `existing` silences; `force` drops IDs so new
/// silences are always created, and lets through silences that match every alert.
pub fn plan(
    entries: Vec<Entry>,
    existing: &[Silence],
    now: Timestamp,
    force: bool,
    default_author: &str,
) -> Plan {
    let mut plan = Plan::default();
    let live: Vec<&Silence> = existing
        .iter()
        .filter(|s| s.status.state != "expired")
        .collect();
    for (i, entry) in entries.into_iter().enumerate() {
        let n = i + 1;
        match check(&entry, n, now, force, default_author, &mut plan.warnings) {
            Ok(Some(silence)) => match live.iter().find(|s| identical(&silence, s)) {
                Some(same) => plan.skipped.push((n, Skip::Identical(same.id.clone()))),
                // Two identical entries in one file are one silence too.
                None => match plan.posts.iter().find(|(_, p)| same_silence(p, &silence)) {
                    Some((first, _)) => plan.skipped.push((n, Skip::SameAs(*first))),
                    None => plan.posts.push((n, silence)),
                },
            },
            Ok(None) => plan.skipped.push((n, Skip::Expired)),
            Err(reason) => plan.invalid.push((n, reason)),
        }
    }
    plan
}

/// Matchers in a canonical order, for comparing sets.
fn sorted(matchers: &[ApiMatcher]) -> Vec<(&str, &str, bool, bool)> {
    let mut v: Vec<_> = matchers
        .iter()
        .map(|m| (m.name.as_str(), m.value.as_str(), m.is_regex, m.is_equal))
        .collect();
    v.sort();
    v.dedup();
    v
}

fn same_end(a: &str, b: &str) -> bool {
    match (a.parse::<Timestamp>(), b.parse::<Timestamp>()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

fn same_silence(a: &PostableSilence, b: &PostableSilence) -> bool {
    sorted(&a.matchers) == sorted(&b.matchers)
        && a.comment == b.comment
        && a.created_by == b.created_by
        && same_end(&a.ends_at, &b.ends_at)
}

/// Whether posting `new` would add nothing to the existing silence `s` (see the module doc).
pub fn identical(new: &PostableSilence, s: &Silence) -> bool {
    sorted(&new.matchers) == sorted(&s.matchers)
        && new.comment == s.comment
        && new.created_by == s.created_by
        && same_end(&new.ends_at, &s.ends_at)
}

fn check(
    entry: &Entry,
    n: usize,
    now: Timestamp,
    force: bool,
    default_author: &str,
    warnings: &mut Vec<String>,
) -> Result<Option<PostableSilence>, String> {
    if entry.status.as_ref().is_some_and(|s| s.state == "expired") {
        return Ok(None);
    }
    let time = |field: &str, text: &str| {
        text.parse::<Timestamp>()
            .map_err(|_| format!("{field} {text:?} is not an RFC 3339 time"))
    };
    let Some(ends_text) = &entry.ends_at else {
        return Err("endsAt is missing".into());
    };
    let ends = time("endsAt", ends_text)?;
    if ends <= now {
        return Ok(None);
    }
    let starts = match &entry.starts_at {
        Some(text) => time("startsAt", text)?,
        None => now,
    };
    if starts >= ends {
        return Err("startsAt is not before endsAt".into());
    }
    if entry.matchers.is_empty() {
        return Err("no matchers".into());
    }
    let mut parsed_all = Vec::with_capacity(entry.matchers.len());
    for m in &entry.matchers {
        let parsed = Matcher::from_api(m).map_err(|e| format!("matcher {:?}: {e}", m.name))?;
        if !m.is_regex && looks_like_regex(&m.value) {
            warnings.push(format!(
                "entry {n}: {parsed} looks like a regex but isRegex is not set, so it matches \
                 only that literal text; set isRegex: true if a regex was meant"
            ));
        }
        parsed_all.push(parsed);
    }
    if !force && matcher::matches_everything(&parsed_all) {
        let text: Vec<String> = parsed_all.iter().map(ToString::to_string).collect();
        return Err(format!(
            "refusing a silence that matches every alert ({}): its matchers accept any value \
             or only exclude some; pass --force to import it anyway",
            text.join(" ")
        ));
    }
    let comment = entry.comment.clone().unwrap_or_default();
    if comment.trim().is_empty() {
        return Err("comment is missing".into());
    }
    Ok(Some(PostableSilence {
        id: if force { None } else { entry.id.clone() },
        matchers: entry.matchers.clone(),
        starts_at: entry.starts_at.clone().unwrap_or_else(|| rfc3339(starts)),
        ends_at: ends_text.clone(),
        created_by: entry
            .created_by
            .clone()
            .filter(|a| !a.trim().is_empty())
            .unwrap_or_else(|| default_author.to_owned()),
        comment,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2026-11-28T03:00:00Z".parse().unwrap()
    }

    const JSON: &str = r#"[
      {"id":"a-1","status":{"state":"active"},"updatedAt":"2026-11-28T00:00:00Z",
       "matchers":[{"name":"alertname","value":"Disk","isRegex":false,"isEqual":true}],
       "startsAt":"2026-11-28T00:00:00Z","endsAt":"2026-11-29T00:00:00Z",
       "createdBy":"ann","comment":"disk swap"},
      {"id":"b-2","status":{"state":"expired"},"matchers":[{"name":"a","value":"b","isRegex":false}],
       "startsAt":"2026-11-20T00:00:00Z","endsAt":"2026-11-21T00:00:00Z","createdBy":"x","comment":"old"}
    ]"#;

    const YAML: &str = "\
- comment: weekend
  startsAt: 2026-11-28T00:00:00Z
  endsAt: 2026-12-01T00:00:00Z
  createdBy: ops
  matchers:
    - name: instance
      value: db-.*
    - name: severity
      value: P0|P1
      isRegex: true
- comment: past
  endsAt: 2026-11-01T00:00:00Z
  matchers: [{name: a, value: b}]
- comment: broken
  endsAt: 2026-12-01T00:00:00Z
  matchers: [{name: a, value: '(', isRegex: true}]
";

    #[test]
    fn amtool_json_imports_keeping_ids_and_skipping_expired() {
        let entries = parse(JSON, "s.json").unwrap();
        let p = plan(entries, &[], now(), false, "me");
        assert_eq!(p.posts.len(), 1);
        assert_eq!(p.posts[0].1.id.as_deref(), Some("a-1"));
        assert_eq!(p.posts[0].1.created_by, "ann");
        assert_eq!(p.skipped.len(), 1);
        assert!(p.invalid.is_empty() && p.warnings.is_empty());
        let forced = plan(parse(JSON, "s.json").unwrap(), &[], now(), true, "me");
        assert_eq!(forced.posts[0].1.id, None);
    }

    #[test]
    fn yaml_list_form_with_regex_warning() {
        let p = plan(parse(YAML, "s.yml").unwrap(), &[], now(), false, "me");
        assert_eq!(p.posts.len(), 1, "{p:?}");
        let m = &p.posts[0].1.matchers;
        assert!(!m[0].is_regex && m[0].is_equal);
        assert!(m[1].is_regex);
        assert_eq!(p.skipped, vec![(2, Skip::Expired)]);
        assert_eq!(p.invalid.len(), 1);
        assert_eq!(p.invalid[0].0, 3);
        assert!(p.invalid[0].1.contains("regex"), "{:?}", p.invalid);
        assert_eq!(p.warnings.len(), 1);
        assert!(
            p.warnings[0].contains("entry 1: instance=\"db-.*\""),
            "{:?}",
            p.warnings
        );
    }

    #[test]
    fn parse_errors_have_file_line_col() {
        let e = parse("- comment: x\n  matchers: {oops\n", "s.yml").unwrap_err();
        assert_eq!(e.file, "s.yml");
        assert!(e.line >= 2, "{e}");
        let e = parse("[{\"matchers\": 5}]", "s.json").unwrap_err();
        assert_eq!((e.line, e.column > 0), (1, true), "{e}");
        assert!(!e.message.contains("at line"), "{e}");
        let e = parse(
            "- comment: x\n  matchers: [{name: a, value: b, isRegex: maybe}]\n",
            "f",
        )
        .unwrap_err();
        assert_eq!(e.line, 2, "{e}");
    }

    #[test]
    fn missing_fields_fail_alone() {
        let text = "- comment: c\n  matchers: [{name: a, value: b}]\n- endsAt: 2026-12-01T00:00:00Z\n  matchers: [{name: a, value: b}]\n- comment: c\n  endsAt: 2026-12-01T00:00:00Z\n";
        let p = plan(parse(text, "f").unwrap(), &[], now(), false, "me");
        let reasons: Vec<&str> = p.invalid.iter().map(|(_, r)| r.as_str()).collect();
        assert_eq!(
            reasons,
            ["endsAt is missing", "comment is missing", "no matchers"]
        );
    }

    #[test]
    fn match_all_entries_fail_unless_forced() {
        let text = "\
- {comment: all, endsAt: 2026-12-01T00:00:00Z, matchers: [{name: alertname, value: '.+', isRegex: true}]}
- {comment: neg, endsAt: 2026-12-01T00:00:00Z, matchers: [{name: a, value: b, isEqual: false}, {name: alertname, value: '.*', isRegex: true}]}
- {comment: ok, endsAt: 2026-12-01T00:00:00Z, matchers: [{name: alertname, value: X}]}
";
        let p = plan(parse(text, "f").unwrap(), &[], now(), false, "me");
        assert_eq!(p.posts.len(), 1);
        assert_eq!(
            p.invalid.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
            [1, 2]
        );
        assert!(p.invalid[0].1.contains("matches every alert"), "{p:?}");
        assert!(p.invalid[0].1.contains("--force"), "{p:?}");
        let forced = plan(parse(text, "f").unwrap(), &[], now(), true, "me");
        assert_eq!((forced.posts.len(), forced.invalid.len()), (3, 0));
    }

    #[test]
    fn identical_entries_are_skipped() {
        let existing: Vec<Silence> = serde_json::from_str(
            r#"[{"id":"live-1","status":{"state":"active"},"startsAt":"2026-11-28T00:00:00Z",
                 "endsAt":"2026-12-01T00:00:00.000Z","createdBy":"ops","comment":"weekend",
                 "matchers":[{"name":"b","value":"2","isRegex":false},
                             {"name":"a","value":"1","isRegex":true,"isEqual":true}]},
                {"id":"old-1","status":{"state":"expired"},"startsAt":"2026-11-20T00:00:00Z",
                 "endsAt":"2026-12-01T00:00:00Z","createdBy":"ops","comment":"other",
                 "matchers":[{"name":"c","value":"3","isRegex":false}]}]"#,
        )
        .unwrap();
        let text = "\
- {comment: weekend, createdBy: ops, endsAt: '2026-12-01T00:00:00Z', matchers: [{name: a, value: '1', isRegex: true}, {name: b, value: '2'}]}
- {comment: weekend, createdBy: ops, endsAt: '2026-12-01T01:00:00Z', matchers: [{name: a, value: '1', isRegex: true}, {name: b, value: '2'}]}
- {comment: other, createdBy: ops, endsAt: '2026-12-01T00:00:00Z', matchers: [{name: c, value: '3'}]}
- {comment: other, createdBy: ops, endsAt: '2026-12-01T00:00:00Z', matchers: [{name: c, value: '3'}]}
- {comment: weekend, endsAt: '2026-12-01T00:00:00Z', matchers: [{name: a, value: '1', isRegex: true}, {name: b, value: '2'}]}
";
        let p = plan(parse(text, "f").unwrap(), &existing, now(), false, "me");
        assert_eq!(
            p.skipped,
            [(1, Skip::Identical("live-1".into())), (4, Skip::SameAs(3))]
        );
        // A later end, an expired twin, another author: all posted.
        assert_eq!(
            p.posts.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
            [2, 3, 5]
        );
    }

    #[test]
    fn never_panics_on_garbage() {
        for text in [
            "",
            "[",
            "{}",
            "- -",
            "null",
            "[1,2]",
            "- matchers: 7",
            "\u{feff}[]",
        ] {
            if let Ok(entries) = parse(text, "f") {
                let _ = plan(entries, &[], now(), false, "me");
            }
        }
    }
}
