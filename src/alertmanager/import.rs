//! Reading silences to import: amtool's JSON array (exactly what `amtool silence query -o
//! json` and `ccmon alerts silence ls -o json` print) and the YAML list form of DESIGN.md
//! section 4 (`comment, startsAt, endsAt, createdBy, matchers[{name, value, isRegex?,
//! isEqual?}]`). Parse errors carry `file:line:col`; each entry is then checked on its own,
//! so one bad entry fails alone, expired entries are skipped, and a value that looks like a
//! regex without `isRegex` is reported, because it would silently match only literal text.

use jiff::Timestamp;
use serde::Deserialize;

use super::PostableSilence;
use super::matcher::{ApiMatcher, Matcher};
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
    /// Entries skipped (already expired), with the reason.
    pub skipped: Vec<(usize, String)>,
    /// Entries that cannot be imported, with the reason.
    pub invalid: Vec<(usize, String)>,
    /// Warnings (regex-looking values without `isRegex`).
    pub warnings: Vec<String>,
}

/// Whether a literal value looks like a regex someone forgot to mark.
fn looks_like_regex(value: &str) -> bool {
    [".*", ".+", "|", "^", "$", "[", "(", "\\"]
        .iter()
        .any(|p| value.contains(p))
}

/// Checks every entry; `force` drops IDs so new silences are always created.
pub fn plan(entries: Vec<Entry>, now: Timestamp, force: bool, default_author: &str) -> Plan {
    let mut plan = Plan::default();
    for (i, entry) in entries.into_iter().enumerate() {
        let n = i + 1;
        match check(&entry, n, now, force, default_author, &mut plan.warnings) {
            Ok(Some(silence)) => plan.posts.push((n, silence)),
            Ok(None) => plan.skipped.push((n, "already expired".into())),
            Err(reason) => plan.invalid.push((n, reason)),
        }
    }
    plan
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
    for m in &entry.matchers {
        let parsed = Matcher::from_api(m).map_err(|e| format!("matcher {:?}: {e}", m.name))?;
        if !m.is_regex && looks_like_regex(&m.value) {
            warnings.push(format!(
                "entry {n}: {parsed} looks like a regex but isRegex is not set, so it matches \
                 only that literal text; set isRegex: true if a regex was meant"
            ));
        }
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
        let p = plan(entries, now(), false, "me");
        assert_eq!(p.posts.len(), 1);
        assert_eq!(p.posts[0].1.id.as_deref(), Some("a-1"));
        assert_eq!(p.posts[0].1.created_by, "ann");
        assert_eq!(p.skipped.len(), 1);
        assert!(p.invalid.is_empty() && p.warnings.is_empty());
        let forced = plan(parse(JSON, "s.json").unwrap(), now(), true, "me");
        assert_eq!(forced.posts[0].1.id, None);
    }

    #[test]
    fn yaml_list_form_with_regex_warning() {
        let p = plan(parse(YAML, "s.yml").unwrap(), now(), false, "me");
        assert_eq!(p.posts.len(), 1, "{p:?}");
        let m = &p.posts[0].1.matchers;
        assert!(!m[0].is_regex && m[0].is_equal);
        assert!(m[1].is_regex);
        assert_eq!(p.skipped, vec![(2, "already expired".to_owned())]);
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
        let p = plan(parse(text, "f").unwrap(), now(), false, "me");
        let reasons: Vec<&str> = p.invalid.iter().map(|(_, r)| r.as_str()).collect();
        assert_eq!(
            reasons,
            ["endsAt is missing", "comment is missing", "no matchers"]
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
                let _ = plan(entries, now(), false, "me");
            }
        }
    }
}
