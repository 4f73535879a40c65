//! `ccmon rules lint`: reads the paths, lints, prints the report in the chosen format and
//! turns `--fail-on` into the exit status.

use std::sync::Arc;

use serde::Serialize;

use crate::cli::{
    FailOnLintArg, LintFormatArg, MinSeverityArg, RulesCatalogExportArgs, RulesLintArgs,
};
use crate::config::{self, Environment, GlobalSettings};
use crate::exit::{ExitStatus, Outcome};
use crate::output::{Printer, Tabular, write_stderr_line, write_stdout};
use crate::rules::diagnostic::{Code, Severity};
use crate::rules::online::{self, SeriesProbe};
use crate::rules::{self, LintOptions, render};

/// Runs the linter over `args.paths`.
pub fn lint(
    args: &RulesLintArgs,
    global: &GlobalSettings,
    env: &Environment,
    printer: &Printer,
) -> anyhow::Result<Outcome> {
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
    // An unreachable server is a warning: the lint goes on with the offline catalogue.
    let mut online_warned = false;
    let mut online_metrics = Vec::new();
    let mut probe: Option<Arc<SeriesProbe>> = None;
    if args.online {
        let (server, runtime, loaded) = online(global, env, args.cache_ttl, args.refresh)?;
        match loaded {
            Ok(fetched) => {
                for w in &fetched.warnings {
                    warn_online(w);
                }
                online_warned |= fetched.server_failed;
                probe = Some(Arc::new(SeriesProbe::new(
                    server,
                    runtime,
                    &fetched.names,
                    crate::clock::now(),
                )));
                online_metrics = fetched.entries;
            }
            Err(err) => {
                warn_online(&format!("{err}; linting with the offline catalogue only"));
                online_warned = true;
            }
        }
    }
    let options = LintOptions {
        online_metrics,
        series: probe
            .clone()
            .map(|p| p as Arc<dyn rules::checks::series::SeriesSource>),
        metrics,
        settings_file: args.lint_config.clone(),
        features: args.enable_feature.clone(),
        min_severity: match args.min_severity {
            MinSeverityArg::Info => Severity::Info,
            MinSeverityArg::Warning => Severity::Warning,
            MinSeverityArg::Error => Severity::Error,
        },
        keep_models_bytes: rules::KEEP_MODELS_BYTES,
    };
    let inputs = rules::inputs::collect(&args.paths)?;
    let report = rules::lint(inputs, &options)?;
    if let Some(probe) = &probe {
        for w in probe.warnings() {
            warn_online(&w);
        }
        online_warned |= probe.failed();
    }
    if report.files.is_empty() {
        write_stderr_line(
            "warning: no rule files found (directories are searched for *.yml and *.yaml with a `groups` key)",
        );
    }
    let text = match args.format {
        LintFormatArg::Human => render::human(&report, printer.decorated()),
        // Streamed (and redacted) finding by finding: the largest reports are JSON.
        LintFormatArg::Json => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            render::write_json(&report, &mut out)?;
            std::io::Write::flush(&mut out)?;
            String::new()
        }
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
    Ok(
        if report.fails(fail_on) || (online_warned && fail_on <= Severity::Warning) {
            ExitStatus::Failure
        } else {
            ExitStatus::Success
        }
        .into(),
    )
}

/// The context's server for `--online`, and its names (from the cache or the server), or
/// why there are none. Errors are the context's own (a bad URL, an unreadable CA file).
fn online(
    global: &GlobalSettings,
    env: &Environment,
    ttl: std::time::Duration,
    refresh: bool,
) -> anyhow::Result<(
    online::Server,
    tokio::runtime::Runtime,
    Result<online::Fetched, online::OnlineError>,
)> {
    let settings = config::load(global, env)?.settings;
    let http = crate::http_client::build(&settings)?;
    let server = online::Server::new(
        http,
        settings.prometheus.value.clone(),
        &settings.headers.value,
    );
    let runtime = online::runtime()?;
    let cache = online::CacheOptions {
        dir: env.cache_dir(),
        ttl,
        refresh,
        now: std::time::SystemTime::now(),
    };
    let loaded = online::load(&server, &runtime, &cache);
    Ok((server, runtime, loaded))
}

fn warn_online(message: &str) {
    write_stderr_line(&format!("warning: --online: {message}"));
}

/// `ccmon rules catalog export`: the families of every `--metrics-from` and of the
/// context's Prometheus (`--online`), in the catalogue's data format.
pub fn catalog_export(
    args: &RulesCatalogExportArgs,
    global: &GlobalSettings,
    env: &Environment,
) -> anyhow::Result<Outcome> {
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
    if args.online {
        let (server, _runtime, loaded) = online(global, env, args.cache_ttl, args.refresh)?;
        let fetched = loaded?;
        for w in &fetched.warnings {
            warn_online(w);
        }
        sources.push(format!(
            "  {} ({} families, --online)",
            server.shown(),
            fetched.entries.len()
        ));
        for entry in fetched.entries {
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
