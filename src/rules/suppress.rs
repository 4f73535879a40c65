//! Inline `# ccmon: ignore[code, ...]` comments. On the line of a finding they silence it;
//! on a rule's first line, or on comment lines directly above the rule, they silence the
//! whole rule; on comment lines above any other line, that next line. Without `[...]` every
//! code is silenced. An ignore that silenced nothing is itself reported (`lint/unused-ignore`).

use std::ops::Range;

use super::diagnostic::{Code, Diagnostic};
use super::source::SourceFile;

/// One ignore comment.
#[derive(Debug, Clone)]
pub struct Ignore {
    /// Byte range of the comment.
    pub span: Range<usize>,
    /// Codes or families; empty means all.
    pub codes: Vec<String>,
    /// The byte range it covers.
    pub covers: Range<usize>,
    /// Whether it silenced something.
    pub used: bool,
}

const MARKER: &str = "ccmon:";

/// Finds the ignore comments of `file`. `rules` are the rules' spans, so a comment on or
/// above a rule's first line covers the rule.
pub fn find(file: &SourceFile, rules: &[Range<usize>]) -> Vec<Ignore> {
    let mut ignores = Vec::new();
    for line in 1..=file.line_count() {
        let text = file.line_text(line);
        let Some((column, codes)) = parse_comment(text) else {
            continue;
        };
        let Some(line_start) = file.line_start(line) else {
            continue;
        };
        let span = line_start + column..line_start + text.len();
        let comment_only = text[..column].trim().is_empty();
        // The line the comment speaks for: its own, or the next line with content.
        let target = if comment_only {
            (line + 1..=file.line_count()).find(|&l| {
                let t = file.line_text(l).trim();
                !t.is_empty() && !t.starts_with('#')
            })
        } else {
            Some(line)
        };
        let Some(target) = target else {
            continue;
        };
        let target_start = file.line_start(target).unwrap_or(0);
        let target_end = target_start + file.line_text(target).len();
        let covers = rules
            .iter()
            .find(|r| r.start >= target_start && r.start <= target_end)
            .map_or(target_start..target_end, |r| {
                target_start..r.end.max(target_end)
            });
        ignores.push(Ignore {
            span,
            codes,
            covers,
            used: false,
        });
    }
    ignores
}

/// `(byte column of '#', codes)` when `line` carries an ignore comment.
fn parse_comment(line: &str) -> Option<(usize, Vec<String>)> {
    let mut search = 0;
    while let Some(found) = line.get(search..)?.find('#') {
        let hash = search + found;
        search = hash + 1;
        // A '#' inside a word or a quoted PromQL string is not a YAML comment.
        if hash > 0 && !line[..hash].ends_with([' ', '\t']) {
            continue;
        }
        let rest = line[hash + 1..].trim_start();
        let Some(rest) = rest.strip_prefix(MARKER) else {
            continue;
        };
        let rest = rest.trim_start();
        let Some(rest) = rest.strip_prefix("ignore") else {
            continue;
        };
        let rest = rest.trim_start();
        let codes = match rest.strip_prefix('[') {
            Some(list) => list
                .split(']')
                .next()
                .unwrap_or("")
                .split(',')
                .map(|c| c.trim().to_owned())
                .filter(|c| !c.is_empty())
                .collect(),
            None => Vec::new(),
        };
        return Some((hash, codes));
    }
    None
}

/// Drops the diagnostics an ignore covers and reports unused ignores.
pub fn apply(
    diagnostics: &mut Vec<Diagnostic>,
    ignores: &mut [Ignore],
    file: usize,
) -> Vec<Diagnostic> {
    diagnostics.retain(|d| {
        if d.file != file {
            return true;
        }
        let mut keep = true;
        for ignore in ignores.iter_mut() {
            let inside = ignore.covers.contains(&d.span.start)
                || (d.span.start == ignore.covers.end && ignore.covers.is_empty());
            let names = ignore.codes.is_empty() || ignore.codes.iter().any(|c| d.code.matches(c));
            if inside && names {
                ignore.used = true;
                keep = false;
            }
        }
        keep
    });
    ignores
        .iter()
        .filter(|i| !i.used)
        .map(|i| Diagnostic {
            file,
            span: i.span.clone(),
            code: Code::UnusedIgnore,
            severity: Code::UnusedIgnore.default_severity(),
            message: if i.codes.is_empty() {
                "this ignore comment silences nothing".into()
            } else {
                format!("`ignore[{}]` silences nothing here", i.codes.join(", ")).into()
            },
            group: None,
            rule: None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_recognised_only_as_comments() {
        assert_eq!(
            parse_comment("  expr: up  # ccmon: ignore[promql/regex, catalog]"),
            Some((12, vec!["promql/regex".to_owned(), "catalog".to_owned()]))
        );
        assert_eq!(parse_comment("# ccmon: ignore"), Some((0, vec![])));
        assert_eq!(parse_comment("  expr: up{a=\"#ccmon: ignore\"}"), None);
        assert_eq!(parse_comment("# ccmon: something else"), None);
    }

    #[test]
    fn a_comment_above_a_rule_covers_the_rule() {
        let text = "rules:\n  # ccmon: ignore[alerts]\n  - alert: A\n    expr: up\n  - alert: B\n";
        let file = SourceFile::new("f", None, text.to_owned());
        let a = text.find("- alert: A").expect("a") + 2;
        let b = text.find("- alert: B").expect("b") + 2;
        let ignores = find(&file, &[a..b - 3, b..text.len()]);
        assert_eq!(ignores.len(), 1);
        let covers = ignores[0].covers.clone();
        assert!(covers.contains(&text.find("up").expect("up")));
        assert!(!covers.contains(&b));
    }
}
