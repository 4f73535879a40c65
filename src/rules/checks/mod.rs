//! The checks, one file per group of related checks. [`run`] is the one place that decides
//! which run, in what order, and with which settings.

mod duplicates;
mod expr;
mod policy;
pub mod series;
mod structure;
mod templates;

use crate::promql::Features;

use super::catalog::{Catalog, MetricType};
use super::diagnostic::{Context, Diagnostic};
use super::settings::Settings;
use super::source::SourceFile;
use super::{LintOptions, Parsed};

/// The catalogue source name for metrics recorded by the linted rules.
pub const RECORDED: &str = "recording rule";

/// Runs every check over every parsed file (files in parallel), then the checks across
/// files.
pub fn run(
    files: &[SourceFile],
    parsed: &[Parsed],
    settings: &[Settings],
    options: &LintOptions,
    out: &mut Vec<Diagnostic>,
) {
    let defaults = Settings::default();
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
        let cx = Context {
            file: index,
            ..Context::default()
        };
        let settings = settings.get(file.settings).unwrap_or(&defaults);
        let model = file.model(source, index);
        structure::check(&model, &cx, &mut out);
        for group in &model.groups {
            for rule in &group.rules {
                let rcx = Context {
                    file: index,
                    group: Some(group.name.value.clone()),
                    rule: rule.name().map(|t| t.value.clone()),
                };
                policy::check(group, rule, settings, &rcx, &mut out);
                if let Some(text) = &rule.expr {
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
                templates::check(&source.text, rule, &features, &rcx, &mut out);
            }
        }
        out
    });
    out.extend(per_file.into_iter().flatten());
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
    for file in parsed {
        // Untyped: a recorded series is usually a rate or ratio already.
        file.each_recorded(&mut |record| base.add(record, MetricType::Untyped, RECORDED));
    }
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
