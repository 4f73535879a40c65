//! The options of `ccmon scaffold` as transformations of the embedded text, each small
//! enough to check by eye:
//!
//! - **Marked blocks.** Lines from `# scaffold:exporter=NAME begin` to
//!   `# scaffold:exporter=NAME end` (likewise `receiver=NAME`) are removed, markers
//!   included, when NAME is not selected; when it is, the text is left as it is.
//! - **Literal defaults.** The ccmon address, the retention and the runbook URL appear
//!   once each as literal text and are replaced when the option differs.
//! - **Dashboards.** JSON has no comments, so a panel whose query names a metric of a
//!   deselected exporter is dropped from `panels` (the file is re-serialized; it is
//!   stored in that same form, sorted keys and two-space indent, so nothing else moves).
//!
//! With the default options no transformation changes anything.

use super::{Exporter, Options, Receiver, defaults};

/// A template that the transformations cannot handle (a bug caught by the unit tests).
#[derive(Debug, thiserror::Error)]
pub enum TransformError {
    /// A `begin` marker without its `end`.
    #[error("line {line}: `scaffold:{block} begin` has no matching end")]
    Unterminated {
        /// 1-based line of the begin marker.
        line: usize,
        /// `exporter=NAME` or `receiver=NAME`.
        block: String,
    },
    /// An `end` marker without a `begin`, or a marker naming something unknown.
    #[error("line {line}: unexpected marker `{marker}`")]
    Unexpected {
        /// 1-based line.
        line: usize,
        /// The marker text.
        marker: String,
    },
    /// The text a production option edits is not in the template exactly once.
    #[error("anchor `{anchor}` found {count} times, expected once")]
    Anchor {
        /// The text looked for (trimmed).
        anchor: String,
        /// How often it was found.
        count: usize,
    },
    /// A dashboard is not valid JSON.
    #[error("dashboard is not valid JSON")]
    Json(#[source] serde_json::Error),
}

/// Applies every option to the template at `path`.
pub fn apply(path: &str, text: &str, options: &Options) -> Result<String, TransformError> {
    let mut out = remove_blocks(text, |kind, name| match kind {
        "exporter" => options.exporters.iter().any(|e| e.as_str() == name),
        _ => options.receivers.iter().any(|r| r.as_str() == name),
    })?;
    if options.ccmon_host != defaults::CCMON_HOST {
        out = out.replace(defaults::CCMON_HOST, &options.ccmon_host);
    }
    if options.retention != defaults::RETENTION && path.ends_with("monitoring-compose.yml") {
        out = out.replace(
            &format!("--storage.tsdb.retention.time={}", defaults::RETENTION),
            &format!("--storage.tsdb.retention.time={}", options.retention),
        );
    }
    if options.runbook_url != defaults::RUNBOOK_URL {
        out = out.replace(defaults::RUNBOOK_URL, &options.runbook_url);
    }
    if path.ends_with(".json") {
        let dropped: Vec<Exporter> = Exporter::ALL
            .into_iter()
            .filter(|e| !options.exporters.contains(e))
            .collect();
        if !dropped.is_empty() {
            out = drop_panels(&out, &dropped)?;
        }
    }
    Ok(out)
}

/// The (kind, name) of a marker line, and whether it begins a block.
fn marker(line: &str) -> Option<(&str, &str, bool)> {
    let rest = line.trim_start().strip_prefix("# scaffold:")?;
    let (block, edge) = rest.trim_end().rsplit_once(' ')?;
    let (kind, name) = block.split_once('=')?;
    let begin = match edge {
        "begin" => true,
        "end" => false,
        _ => return None,
    };
    Some((kind, name, begin))
}

fn known(kind: &str, name: &str) -> bool {
    match kind {
        "exporter" => Exporter::ALL.iter().any(|e| e.as_str() == name),
        "receiver" => Receiver::ALL.iter().any(|r| r.as_str() == name),
        _ => false,
    }
}

/// Removes the marked blocks whose (kind, name) is not `keep`. Blocks do not nest.
pub fn remove_blocks(
    text: &str,
    keep: impl Fn(&str, &str) -> bool,
) -> Result<String, TransformError> {
    let mut out = String::with_capacity(text.len());
    // The open block: its kind=name, 1-based line, and whether it is being dropped.
    let mut open: Option<(String, usize, bool)> = None;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let lineno = i + 1;
        let unexpected = || TransformError::Unexpected {
            line: lineno,
            marker: line.trim().to_owned(),
        };
        match (marker(line), &open) {
            (Some((kind, name, true)), None) => {
                if !known(kind, name) {
                    return Err(unexpected());
                }
                let drop = !keep(kind, name);
                open = Some((format!("{kind}={name}"), lineno, drop));
                if !drop {
                    out.push_str(line);
                }
            }
            (Some((kind, name, false)), Some((block, _, drop))) => {
                if *block != format!("{kind}={name}") {
                    return Err(unexpected());
                }
                if !drop {
                    out.push_str(line);
                }
                open = None;
            }
            (Some(_), _) => return Err(unexpected()),
            (None, Some((_, _, true))) => {}
            (None, _) => out.push_str(line),
        }
    }
    if let Some((block, line, _)) = open {
        return Err(TransformError::Unterminated { line, block });
    }
    Ok(out)
}

/// Drops the panels whose queries name a metric of one of `dropped`.
fn drop_panels(text: &str, dropped: &[Exporter]) -> Result<String, TransformError> {
    let mut dashboard: serde_json::Value =
        serde_json::from_str(text).map_err(TransformError::Json)?;
    if let Some(panels) = dashboard
        .get_mut("panels")
        .and_then(serde_json::Value::as_array_mut)
    {
        panels.retain(|panel| {
            !exprs(panel).any(|expr| {
                dropped
                    .iter()
                    .flat_map(|e| e.metric_prefixes())
                    .any(|prefix| names_prefix(expr, prefix))
            })
        });
    }
    let mut out = serde_json::to_string_pretty(&dashboard).map_err(TransformError::Json)?;
    out.push('\n');
    Ok(out)
}

/// The PromQL queries of a panel.
fn exprs(panel: &serde_json::Value) -> impl Iterator<Item = &str> {
    panel
        .get("targets")
        .and_then(serde_json::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|t| t.get("expr").and_then(serde_json::Value::as_str))
}

/// Whether `expr` contains an identifier starting with `prefix`.
fn names_prefix(expr: &str, prefix: &str) -> bool {
    expr.match_indices(prefix).any(|(i, _)| {
        expr[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str =
        "a\n  # scaffold:exporter=node begin\n  b\n  # scaffold:exporter=node end\nc\n";

    #[test]
    fn blocks_are_kept_verbatim_or_removed_whole() {
        assert_eq!(remove_blocks(TEXT, |_, _| true).unwrap(), TEXT);
        assert_eq!(remove_blocks(TEXT, |_, _| false).unwrap(), "a\nc\n");
    }

    #[test]
    fn malformed_markers_are_errors() {
        let unterminated = "# scaffold:exporter=node begin\nx\n";
        assert!(matches!(
            remove_blocks(unterminated, |_, _| true),
            Err(TransformError::Unterminated { line: 1, .. })
        ));
        let mismatched = "# scaffold:exporter=node begin\n# scaffold:exporter=postgres end\n";
        assert!(matches!(
            remove_blocks(mismatched, |_, _| true),
            Err(TransformError::Unexpected { line: 2, .. })
        ));
        let unknown = "# scaffold:exporter=mysql begin\n# scaffold:exporter=mysql end\n";
        assert!(remove_blocks(unknown, |_, _| true).is_err());
    }

    #[test]
    fn panels_of_a_dropped_exporter_go() {
        let dash = r#"{"panels":[{"targets":[{"expr":"pg_up"}]},{"targets":[{"expr":"sum(stream_pg_x)"}]},{"targets":[{"expr":"1 - instance:node_memory_available:ratio"}]}]}"#;
        let out = drop_panels(dash, &[Exporter::Postgres, Exporter::Node]).unwrap();
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["panels"].as_array().unwrap().len(), 1);
        assert!(out.contains("stream_pg_x"));
    }
}
