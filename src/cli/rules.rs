//! `ccmon rules lint` and `rules catalog`.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};

use super::values;

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Lint Prometheus rule files (directories are searched for *.yml and *.yaml)
    #[command(
        long_about = "Lint Prometheus rule files: everything promtool check rules rejects is an \
        error (YAML, unknown fields, group and rule structure, PromQL as Prometheus 3.x parses \
        it, templates, durations, label names), and beyond it: duplicate rules across files, \
        metrics nothing emits, vector matching, rate on gauges, histogram_quantile misuse, \
        alerts without for or comparison, $value in labels, required labels and annotations, \
        recording-rule naming, absent() and regex pitfalls. Directories are searched for \
        *.yml and *.yaml; files there without a `groups` key are skipped. Kubernetes \
        manifests are read too: every PrometheusRule object (prometheus-operator) is linted as \
        a rule file of its own.\n\nSettings come \
        from .ccmon-lint.yaml found upward from each file (required_labels, \
        required_annotations, allowed_severities, metrics, metrics_file, disabled, severity). A \
        `# ccmon: ignore[CODE]` comment silences a finding on its line, or a whole rule when \
        on or above the rule's first line.\n\nExit status: 0 no errors (warnings allowed \
        unless --fail-on warning), 1 findings at or above --fail-on, 2 bad usage, an \
        unreadable path or settings file.",
        after_long_help = "Examples:\n  ccmon rules lint monitoring/\n  ccmon rules lint alert-rules.yml --format github\n  ccmon rules lint rules/ --format gitlab > gl-code-quality-report.json\n  cat rules.yml | ccmon rules lint -\n  ccmon rules lint --list-codes"
    )]
    Lint(RulesLintArgs),
    /// The metric catalogue the linter checks rules against
    #[command(subcommand)]
    Catalog(RulesCatalogCommand),
}

#[derive(Debug, Args)]
pub struct RulesLintArgs {
    /// Files or directories to lint, or - for stdin [default: .]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Report format
    #[arg(long, value_enum, default_value_t = LintFormatArg::Human)]
    pub format: LintFormatArg,

    /// Lowest severity that makes the command exit 1
    #[arg(long, value_enum, default_value_t = FailOnLintArg::Error)]
    pub fail_on: FailOnLintArg,

    /// Hide findings below this severity (the exit status then counts only what is shown)
    #[arg(long, value_enum, default_value_t = MinSeverityArg::Info)]
    pub min_severity: MinSeverityArg,

    /// Lint settings [default: .ccmon-lint.yaml found upward from the linted files]
    #[arg(long, value_name = "FILE")]
    pub lint_config: Option<PathBuf>,

    /// Enable experimental PromQL as promtool's flag of the same name does
    /// (promql-experimental-functions, promql-duration-expr,
    /// promql-extended-range-selectors, promql-binop-fill-modifiers)
    #[arg(long, value_name = "FEATURE", value_delimiter = ',')]
    pub enable_feature: Vec<String>,

    /// Print every check's code, default severity and summary, and exit
    #[arg(long)]
    pub list_codes: bool,

    /// Add the metric families an application exposes to the catalogue: its /metrics URL
    /// or a saved copy (Prometheus text format); repeatable (10 s timeout, 64 MiB at most)
    #[arg(long, value_name = "URL|FILE")]
    pub metrics_from: Vec<String>,

    /// Also take metric names and types from the context's Prometheus (--prometheus-url,
    /// its credentials, TLS and headers), cached per server under $XDG_CACHE_HOME/ccmon,
    /// and report selectors whose label matchers match none of the server's series of the
    /// last 7 days (promql/series, at most 2,000 selectors a run). A server that does not
    /// answer is a warning, and the lint goes on with the offline catalogue
    #[arg(long)]
    pub online: bool,

    /// With --online: how long the names cached for a server serve before it is asked again
    #[arg(long, value_name = "DURATION", default_value = "1h", value_parser = values::duration)]
    pub cache_ttl: Duration,

    /// With --online: ask the server even if its cached names are fresh
    #[arg(long, requires = "online")]
    pub refresh: bool,
}

/// `rules catalog` subcommands.
#[derive(Debug, Subcommand)]
pub enum RulesCatalogCommand {
    /// Write a catalogue file of the metric families applications expose
    #[command(
        long_about = "Write (to stdout) a catalogue file of the metric families (names and \
        types) that applications expose, read from their /metrics URLs or saved copies, or \
        that the context's Prometheus has (--online). \
        Commit the file and name it in .ccmon-lint.yaml as `metrics_file: FILE`, so CI lints \
        offline against the metrics production really has.",
        after_long_help = "Examples:\n  ccmon rules catalog export --metrics-from http://localhost:8080/metrics > monitoring/app-metrics.txt\n  ccmon --context prod rules catalog export --online > monitoring/prod-metrics.txt\n  echo 'metrics_file: app-metrics.txt' >> monitoring/.ccmon-lint.yaml"
    )]
    Export(RulesCatalogExportArgs),
}

#[derive(Debug, Args)]
pub struct RulesCatalogExportArgs {
    /// A /metrics URL or a saved copy (Prometheus text format); repeatable
    #[arg(long, value_name = "URL|FILE", required_unless_present = "online")]
    pub metrics_from: Vec<String>,

    /// Also export every metric name and type of the context's Prometheus (cached as for
    /// `rules lint --online`); fails when the server does not answer and nothing is cached
    #[arg(long)]
    pub online: bool,

    /// With --online: how long the names cached for a server serve before it is asked again
    #[arg(long, value_name = "DURATION", default_value = "1h", value_parser = values::duration)]
    pub cache_ttl: Duration,

    /// With --online: ask the server even if its cached names are fresh
    #[arg(long, requires = "online")]
    pub refresh: bool,
}

/// `rules lint --format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LintFormatArg {
    /// Source line and caret, for people
    Human,
    /// An array of diagnostics
    Json,
    /// GitHub Actions workflow annotations
    Github,
    /// SARIF 2.1.0, for code scanning
    Sarif,
    /// Checkstyle XML (Jenkins, Bitbucket, reviewdog)
    Checkstyle,
    /// GitLab Code Quality JSON, with a fingerprint per finding that survives line moves
    Gitlab,
}

/// `rules lint --min-severity` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MinSeverityArg {
    /// Show everything
    Info,
    /// Show warnings and errors
    Warning,
    /// Show errors only
    Error,
}

/// `rules lint --fail-on` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOnLintArg {
    /// Fail on errors only
    Error,
    /// Fail on warnings and errors
    Warning,
}
