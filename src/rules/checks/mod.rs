//! The checks, one file per group of related checks. [`run`] is the one place that decides
//! which run, in what order, and with which settings.

mod duplicates;
mod policy;
mod structure;

use super::diagnostic::{Context, Diagnostic};
use super::settings::Settings;
use super::source::SourceFile;
use super::{LintOptions, Parsed};

/// Runs every check over every parsed file, then the checks across files.
pub fn run(
    files: &[SourceFile],
    parsed: &[Parsed],
    settings: &[Settings],
    _options: &LintOptions,
    out: &mut Vec<Diagnostic>,
) {
    let defaults = Settings::default();
    for (index, file) in parsed.iter().enumerate() {
        let cx = Context {
            file: index,
            ..Context::default()
        };
        let settings = settings.get(file.settings).unwrap_or(&defaults);
        structure::check(&file.model, &cx, out);
        for group in &file.model.groups {
            for rule in &group.rules {
                let rcx = Context {
                    file: index,
                    group: Some(group.name.value.clone()),
                    rule: rule.name().map(|t| t.value.clone()),
                };
                policy::check(group, rule, settings, &rcx, out);
            }
        }
    }
    duplicates::check(files, parsed, out);
}
