//! Every clap definition of ccmon: the single source of `--help`, the man pages in `man/`
//! and the completion scripts in `completions/`. Nothing below this module imports clap;
//! the parsed arguments are turned into plain settings types here and handed down.
//! One module per command family; everything is re-exported here.

mod alerts;
mod groups;
mod health;
mod meta;
mod query;
mod rules;
mod scaffold;
mod stream;
mod values;

pub use alerts::*;
pub use groups::{
    AlertmanagerArgs, DatabaseArgs, GROUPS, Group, HttpArgs, OutputArgs, PrometheusArgs, RedisArgs,
    groups_of,
};
pub use health::*;
pub use meta::*;
pub use query::*;
pub use rules::*;
pub use scaffold::*;
pub use stream::*;

use std::path::PathBuf;

use clap::builder::styling::{AnsiColor, Styles};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::GlobalSettings;
use crate::output::{ColorChoice, Format};

const STYLES: Styles = Styles::styled()
    .header(AnsiColor::Green.on_default().bold())
    .usage(AnsiColor::Green.on_default().bold())
    .literal(AnsiColor::Cyan.on_default().bold())
    .placeholder(AnsiColor::Cyan.on_default());

const AFTER_LONG_HELP: &str = "\
Configuration:
  Settings come from, in order of precedence: command-line flags (each command lists the
  connection flags it uses under \"Connection\" in its --help), environment variables
  (CCMON_PROMETHEUS_URL, CCMON_ALERTMANAGER_URL, REDIS_URL, DATABASE_URL, ...), the current
  context of ~/.config/ccmon/config.yaml (or --config / CCMON_CONFIG), then defaults.
  `ccmon context show` prints the effective settings and where each came from.

Exit codes:
  0  success
  1  the thing checked is bad (lint errors, unhealthy, failed import)
  2  usage or configuration error
  3  a server or network could not be reached
  `ccmon stream watch` exits with the child's code (128+N if it died of signal N).

Examples:
  ccmon stream ingest session.jsonl && ccmon stream ls
  ccmon health serve --listen 0.0.0.0:8080
  ccmon --context prod alerts silence add InstanceDown --duration 2h --comment 'disk swap'
  ccmon rules lint monitoring/ --format github";

/// The operator's toolbox for a fleet of Claude Code agents and their monitoring stack.
///
/// ccmon supervises agents and records their stream-json in Redis, serves health probes,
/// queries Prometheus and Alertmanager, lints rule files and scaffolds a monitoring stack.
#[derive(Debug, Parser)]
#[command(
    name = "ccmon",
    version,
    styles = STYLES,
    propagate_version = true,
    max_term_width = 100,
    after_long_help = AFTER_LONG_HELP
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// Flags accepted by every command. The connection flags and `-o` are in `groups`: only
/// the commands that use them have them.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Use this context of the config file instead of its `current_context`
    #[arg(
        long,
        global = true,
        env = "CCMON_CONTEXT",
        hide_env_values = true,
        value_name = "NAME"
    )]
    pub context: Option<String>,

    /// Read contexts and settings from FILE instead of ~/.config/ccmon/config.yaml
    #[arg(
        long,
        global = true,
        env = "CCMON_CONFIG",
        hide_env_values = true,
        value_name = "FILE"
    )]
    pub config: Option<PathBuf>,

    /// Never colour the output (also honoured: the NO_COLOR environment variable)
    #[arg(long, global = true)]
    pub no_color: bool,

    /// Log more: -v for debug, -vv for trace (to stderr)
    #[arg(short, long, global = true, action = clap::ArgAction::Count, conflicts_with = "quiet")]
    pub verbose: u8,

    /// Log only errors; list commands print only IDs (as amtool's `silence query -q`)
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

/// `-o` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputArg {
    /// Aligned columns (the default)
    Table,
    /// Aligned columns with every field
    Wide,
    /// Stable, machine-readable JSON
    Json,
    /// YAML
    Yaml,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve health probes and metrics, or run the health checks once
    #[command(subcommand)]
    Health(HealthCommand),

    /// Supervise agents and record their stream-json events
    #[command(subcommand)]
    Stream(StreamCommand),

    /// Run a Prometheus query; `query range` draws a chart
    Query(QueryArgs),

    /// List Prometheus scrape targets and their health, unhealthy first
    Targets(TargetsArgs),

    /// Alertmanager alerts and silences
    #[command(subcommand)]
    Alerts(AlertsCommand),

    /// Lint Prometheus rule files
    #[command(subcommand)]
    Rules(RulesCommand),

    /// Write the monitoring stack (compose file, Prometheus, Alertmanager, Grafana)
    #[command(
        long_about = "Write the monitoring stack: docker/monitoring-compose.yml and monitoring/ \
        (Prometheus config, alert and recording rules, Alertmanager config and templates, \
        blackbox config, Grafana provisioning and dashboards), all tested to work with what \
        ccmon emits.\n\nFiles that exist with the same contents are left alone. If any file \
        exists and differs, nothing is written and the command exits 1, unless --force. \
        Secrets are never written: the stack reads them from files under docker/secrets/ \
        that you create (the next steps printed at the end say which).\n\nExit codes: 0 \
        written (or nothing to do, or --dry-run/--diff), 1 files exist and differ (no \
        --force), 2 bad option or a file that cannot be read or written.",
        after_long_help = "Examples:\n  ccmon scaffold ./ops --dry-run\n  ccmon scaffold ./ops --diff\n  ccmon scaffold ./ops --exporters node,postgres --receivers slack,pagerduty\n  ccmon scaffold . --ccmon-host 10.0.0.5:8080 --retention 15d --force"
    )]
    Scaffold(ScaffoldArgs),

    /// Show and switch contexts of the config file
    #[command(subcommand)]
    Context(ContextCommand),

    /// Print a shell completion script
    #[command(
        after_long_help = "Examples:\n  ccmon completions bash > /etc/bash_completion.d/ccmon\n  ccmon completions zsh > \"${fpath[1]}/_ccmon\"\n  ccmon completions fish > ~/.config/fish/completions/ccmon.fish"
    )]
    Completions(CompletionsArgs),

    /// Write man pages (ccmon.1 and one page per subcommand)
    #[command(after_long_help = "Examples:\n  ccmon man /usr/local/share/man/man1")]
    Man(ManArgs),
}

// ---------------------------------------------------------------------------------------
// From arguments to settings: the only place where clap types are converted.

impl Cli {
    /// The command definition, for completions and man pages.
    pub fn definition() -> clap::Command {
        groups::attach(<Cli as clap::CommandFactory>::command())
    }

    /// Parses the process arguments; clap prints help or usage errors and exits itself.
    pub fn parse_args() -> (Cli, GlobalSettings) {
        let cmd = Self::definition();
        let matches = match cmd.clone().try_get_matches() {
            Ok(matches) => matches,
            Err(err) => values::reword(err, &cmd).exit(),
        };
        let parsed = <Cli as clap::FromArgMatches>::from_arg_matches(&matches)
            .and_then(|cli| Ok((cli.global_settings(&matches)?, cli)));
        match parsed {
            Ok((settings, cli)) => (cli, settings),
            Err(err) => err.exit(),
        }
    }

    /// Parses from an iterator (for tests), with the same conversion as the binary.
    pub fn try_parse_from_iter<I, T>(args: I) -> Result<(Cli, GlobalSettings), clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let cmd = Self::definition();
        let matches = cmd
            .clone()
            .try_get_matches_from(args)
            .map_err(|err| values::reword(err, &cmd))?;
        let cli = <Cli as clap::FromArgMatches>::from_arg_matches(&matches)?;
        let settings = cli.global_settings(&matches)?;
        Ok((cli, settings))
    }

    fn global_settings(&self, matches: &clap::ArgMatches) -> Result<GlobalSettings, clap::Error> {
        use clap::parser::ValueSource;
        let from_env = |id: &str| matches.value_source(id) == Some(ValueSource::EnvVariable);
        let g = &self.global;
        let (output, flags) = groups::read(matches)?;
        Ok(GlobalSettings {
            format: match output.unwrap_or(OutputArg::Table) {
                OutputArg::Table => Format::Table,
                OutputArg::Wide => Format::Wide,
                OutputArg::Json => Format::Json,
                OutputArg::Yaml => Format::Yaml,
            },
            format_given: output.is_some(),
            color: if g.no_color {
                ColorChoice::Never
            } else {
                ColorChoice::Auto
            },
            verbosity: if g.quiet {
                -1
            } else {
                i8::try_from(g.verbose).unwrap_or(i8::MAX)
            },
            config_path: g.config.clone(),
            config_path_from_env: from_env("config"),
            context: g.context.clone(),
            context_from_env: from_env("context"),
            flags,
        })
    }
}
