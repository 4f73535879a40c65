//! `ccmon rules lint`: reads the paths, lints, prints the report in the chosen format and
//! turns `--fail-on` into the exit status.

use serde::Serialize;

use crate::cli::{
    FailOnLintArg, LintFormatArg, MinSeverityArg, RulesCatalogExportArgs, RulesLintArgs,
};
use crate::exit::{ExitStatus, Outcome};
use crate::output::{Printer, Tabular, write_stderr_line, write_stdout};
use crate::rules::diagnostic::{Code, Severity};
use crate::rules::{self, LintOptions, render};

/// Runs the linter over `args.paths`.
pub fn lint(args: &RulesLintArgs, printer: &Printer) -> anyhow::Result<Outcome> {
    if args.list_codes {
        printer.print(&CodeList::all())?;
        return Ok(ExitStatus::Success.into());
    }
    if let Some(unknown) = args
        .enable_feature
        .iter()
        .find(|f| crate::promql::Features::from_flag(f).is_none())
    {
        anyhow::bail!(
            "unknown --enable-feature {unknown:?}; PromQL features are promql-experimental-functions, promql-duration-expr, promql-extended-range-selectors, promql-binop-fill-modifiers"
        );
    }
    let mut metrics = Vec::new();
    for spec in &args.metrics_from {
        metrics.extend(rules::metrics_from::load(spec)?);
    }
    let options = LintOptions {
        metrics,
        settings_file: args.lint_config.clone(),
        features: args.enable_feature.clone(),
        min_severity: match args.min_severity {
            MinSeverityArg::Info => Severity::Info,
            MinSeverityArg::Warning => Severity::Warning,
            MinSeverityArg::Error => Severity::Error,
        },
    };
    let inputs = rules::inputs::collect(&args.paths)?;
    let report = rules::lint(inputs, &options)?;
    if report.files.is_empty() {
        write_stderr_line(
            "warning: no rule files found (directories are searched for *.yml and *.yaml with a `groups` key)",
        );
    }
    let text = match args.format {
        LintFormatArg::Human => render::human(&report, printer.decorated()),
        LintFormatArg::Json => render::json(&report),
        LintFormatArg::Github => render::github(&report),
        LintFormatArg::Sarif => render::sarif(&report),
        LintFormatArg::Checkstyle => render::checkstyle(&report),
        LintFormatArg::Gitlab => render::gitlab(&report),
    };
    write_stdout(&text)?;
    let fail_on = match args.fail_on {
        FailOnLintArg::Error => Severity::Error,
        FailOnLintArg::Warning => Severity::Warning,
    };
    Ok(if report.fails(fail_on) {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    }
    .into())
}

/// `ccmon rules catalog export`: the families of every `--metrics-from`, in the catalogue's
/// data format.
pub fn catalog_export(args: &RulesCatalogExportArgs) -> anyhow::Result<Outcome> {
    let mut families: std::collections::BTreeMap<String, rules::catalog::Entry> =
        Default::default();
    let mut sources = Vec::new();
    for spec in &args.metrics_from {
        let entries = rules::metrics_from::load(spec)?;
        sources.push(format!(
            "  {} ({} families)",
            crate::redact::redact(spec),
            entries.len()
        ));
        for entry in entries {
            // The first source to expose a name keeps it.
            families.entry(entry.name.clone()).or_insert(entry);
        }
    }
    let header = format!(
        "Metric families for `ccmon rules lint`, written by `ccmon rules catalog export` from:\n{}\nName this file in .ccmon-lint.yaml as `metrics_file:`; format: name type [label ...] [-- help]",
        sources.join("\n")
    );
    let entries: Vec<_> = families.into_values().collect();
    let text = rules::catalog::write_data_file(&header, &entries);
    write_stdout(&text)?;
    Ok(ExitStatus::Success.into())
}

/// One code of the catalogue, for `--list-codes`.
#[derive(Debug, Serialize)]
struct CodeRow {
    code: &'static str,
    severity: &'static str,
    summary: &'static str,
}

/// The catalogue of codes.
#[derive(Debug, Serialize)]
#[serde(transparent)]
struct CodeList(Vec<CodeRow>);

impl CodeList {
    fn all() -> Self {
        CodeList(
            Code::ALL
                .iter()
                .map(|c| CodeRow {
                    code: c.name(),
                    severity: c.default_severity().as_str(),
                    summary: c.summary(),
                })
                .collect(),
        )
    }
}

impl Tabular for CodeList {
    fn headers(&self, _wide: bool) -> Vec<&'static str> {
        vec!["CODE", "SEVERITY", "SUMMARY"]
    }

    fn rows(&self, _wide: bool) -> Vec<Vec<String>> {
        self.0
            .iter()
            .map(|r| {
                vec![
                    r.code.to_owned(),
                    r.severity.to_owned(),
                    r.summary.to_owned(),
                ]
            })
            .collect()
    }
}
