//! The checks, one file per group of related checks. [`run`] is the one place that decides
//! which run, in what order, and with which settings.

mod duplicates;
mod expr;
mod policy;
pub mod series;
mod structure;
mod templates;

use std::sync::Arc;

use crate::promql::Features;

use super::catalog::{Catalog, MetricType};
use super::diagnostic::{Context, Diagnostic};
use super::model::{Group, Text};
use super::settings::Settings;
use super::source::SourceFile;
use super::{LintOptions, Parsed};

/// What the checks that need only the rule itself need besides it.
pub struct Early<'a> {
    /// The file's text.
    pub source: &'a str,
    /// The file's settings.
    pub settings: &'a Settings,
    /// `--enable-feature`.
    pub features: &'a Features,
}

/// The checks that need only the group and its rules (not the catalogue, which is complete
/// only when every file has been read): run as each group is read, so that the group's
/// labels, annotations and durations need not be kept. `cx` names the file.
pub fn early(group: &Group, early: &Early<'_>, cx: &Context, out: &mut Vec<Diagnostic>) {
    // One shared name per group, however many findings name it.
    let group_name: Arc<str> = group.name.value.as_str().into();
    let gcx = Context {
        group: Some(group_name),
        ..cx.clone()
    };
    structure::check_group(group, &gcx, out);
    for rule in &group.rules {
        let rcx = Context {
            rule: rule.name().map(|t| t.value.as_str().into()),
            ..gcx.clone()
        };
        structure::check_rule(rule, &rcx, out);
        policy::check(group, rule, early.settings, &rcx, out);
        templates::check(early.source, rule, early.features, &rcx, out);
    }
}

/// Group names repeated in one document of a file (`names`: each group's document and
/// name, in file order); `cx` names the file.
pub fn group_names(names: &[(usize, Text)], cx: &Context, out: &mut Vec<Diagnostic>) {
    structure::check_names(names, cx, out);
}

/// The catalogue source name for metrics recorded by the linted rules.
pub const RECORDED: &str = super::catalog::RECORDED;

/// Runs the checks that need the catalogue over every parsed file (files in parallel),
/// then the checks across files ([`early`] ran as the files were read).
pub fn run(
    files: &[SourceFile],
    parsed: &[Parsed],
    settings: &[Settings],
    options: &LintOptions,
    out: &mut Vec<Diagnostic>,
) {
    let features = Features::from_flags(options.features.iter().map(String::as_str));
    let catalogs = catalogs(parsed, settings, options);
    let suggestions: Vec<expr::Suggestions> = catalogs
        .iter()
        .map(|_| expr::Suggestions::default())
        .collect();
    let per_file = super::parallel(parsed.len(), |index| {
        let mut out = Vec::new();
        let settings_index = parsed.get(index).map_or(0, |p| p.settings);
        let (Some(file), Some(source), Some(catalog), Some(suggestions)) = (
            parsed.get(index),
            files.get(index),
            catalogs.get(settings_index),
            suggestions.get(settings_index),
        ) else {
            return out;
        };
        let model = file.model(source, index);
        for group in &model.groups {
            for rule in &group.rules {
                let Some(text) = &rule.expr else {
                    continue;
                };
                let rcx = Context {
                    file: index,
                    group: Some(group.name.clone()),
                    rule: rule.name.clone(),
                };
                let ecx = expr::ExprContext {
                    source: &source.text,
                    expr: text,
                    kind: rule.kind,
                    catalog,
                    suggestions,
                    cx: &rcx,
                };
                expr::check(&ecx, &features, &mut out);
            }
        }
        out
    });
    // The first list becomes `out` when nothing was found before (one file: no copy at
    // all); the rest are moved in after one exact reservation, each freed as it goes, as
    // growing `out` by doubling would hold up to twice the findings.
    let mut lists = per_file.into_iter().filter(|l| !l.is_empty());
    if out.is_empty()
        && let Some(first) = lists.next()
    {
        *out = first;
    }
    let rest: Vec<Vec<Diagnostic>> = lists.collect();
    out.reserve_exact(rest.iter().map(Vec::len).sum());
    for mut mine in rest {
        out.append(&mut mine);
    }
    // The catalogues (a few MB each) are done with: free them before the checks across
    // files allocate theirs.
    drop(suggestions);
    drop(catalogs);
    if let Some(source) = &options.series {
        // One file after another: each distinct selector is one request to the server.
        series::check(files, parsed, &features, source.as_ref(), out);
    }
    duplicates::check(files, parsed, out);
}

pub use duplicates::rule_identity;

/// One catalogue per settings file: the built-in sources, `--online`, `--metrics-from`,
/// every metric a linted file records, and the settings' own `metrics_file:` and `metrics:`.
fn catalogs(parsed: &[Parsed], settings: &[Settings], options: &LintOptions) -> Vec<Catalog> {
    let mut base = Catalog::builtin();
    for entry in &options.online_metrics {
        // A name the server has no type for keeps the type the catalogue knows.
        if entry.kind != MetricType::Untyped || base.lookup(&entry.name).is_none() {
            base.insert(entry.clone());
        }
    }
    for entry in &options.metrics {
        base.insert(entry.clone());
    }
    // Untyped: a recorded series is usually a rate or ratio already.
    let mut recorded: Vec<Arc<str>> = Vec::new();
    for file in parsed {
        file.each_recorded(&mut |record| recorded.push(record.into()));
    }
    base.add_recorded(recorded);
    // Each settings file gets its own copy; the last takes the base itself (a catalogue is
    // about a megabyte, and most runs have one settings file).
    let count = settings.len();
    settings
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut catalog = if i + 1 == count {
                std::mem::replace(&mut base, Catalog::new())
            } else {
                base.clone()
            };
            for entry in &s.metrics_file {
                catalog.insert(entry.clone());
            }
            for (name, kind) in &s.metrics {
                let kind = kind
                    .as_deref()
                    .and_then(MetricType::parse)
                    .unwrap_or(MetricType::Untyped);
                catalog.add(name, kind, "settings");
            }
            catalog
        })
        .collect()
}
