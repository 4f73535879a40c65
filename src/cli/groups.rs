//! Option groups that only some commands have: `-o`, and the connection to each service.
//! Which command has which group is declared once, in [`GROUPS`]; [`attach`] adds them to
//! the command tree, and `tests/it/cli.rs` walks that tree to hold it to the table.
//!
//! For the scripts written before the flags moved, every group is also accepted (hidden)
//! before the command name, as in `ccmon --alertmanager-url URL alerts ls` or
//! `ccmon -o json context show`; a value given after the command name wins.

use std::path::PathBuf;
use std::time::Duration;

use clap::parser::ValueSource;
use clap::{ArgMatches, Args, Command, FromArgMatches};

use super::OutputArg;
use crate::config::FlagSettings;

/// `-o`, on the commands that print results.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Output format: a table for people, json or yaml for programs, wide for more columns
    #[arg(short, long, value_enum, default_value_t = OutputArg::Table)]
    pub output: OutputArg,
}

/// The Prometheus server, for `query` and `targets`.
#[derive(Debug, Clone, Default, Args)]
pub struct PrometheusArgs {
    /// Prometheus base URL [env: CCMON_PROMETHEUS_URL] [default: http://localhost:9090]
    #[arg(long, value_name = "URL", help_heading = "Connection")]
    pub prometheus_url: Option<String>,
}

/// The Alertmanager (or the peers of an HA cluster), for `alerts`.
#[derive(Debug, Clone, Default, Args)]
pub struct AlertmanagerArgs {
    /// Alertmanager base URL; repeat for an HA cluster [env: CCMON_ALERTMANAGER_URL,
    /// comma-separated] [default: http://localhost:9093]
    #[arg(long, value_name = "URL", help_heading = "Connection")]
    pub alertmanager_url: Vec<String>,
}

/// How ccmon talks HTTP to Prometheus and Alertmanager.
#[derive(Debug, Clone, Default, Args)]
pub struct HttpArgs {
    /// Read the bearer token for Prometheus and Alertmanager from FILE
    /// [env: CCMON_BEARER_TOKEN_FILE, or the token itself in CCMON_BEARER_TOKEN]
    #[arg(long, value_name = "FILE", help_heading = "Connection")]
    pub bearer_token_file: Option<PathBuf>,

    /// Per-request timeout for Prometheus and Alertmanager, e.g. 10s [env: CCMON_TIMEOUT]
    /// [default: 30s]
    #[arg(
        long,
        value_name = "DURATION",
        help_heading = "Connection",
        value_parser = super::values::timeout
    )]
    pub timeout: Option<Duration>,
}

/// Redis, for `stream` and the health server's fleet view and checks.
#[derive(Debug, Clone, Default, Args)]
pub struct RedisArgs {
    /// Redis URL: redis://, rediss:// (TLS) or redis+cluster:// [env: REDIS_URL]
    #[arg(long, value_name = "URL", help_heading = "Connection")]
    pub redis_url: Option<String>,
}

/// PostgreSQL, for the health checks.
#[derive(Debug, Clone, Default, Args)]
pub struct DatabaseArgs {
    /// PostgreSQL URL [env: DATABASE_URL]
    #[arg(long, value_name = "URL", help_heading = "Connection")]
    pub database_url: Option<String>,
}

/// A group of options some commands have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// `-o`.
    Output,
    /// `--prometheus-url`.
    Prometheus,
    /// `--alertmanager-url`.
    Alertmanager,
    /// `--bearer-token-file`, `--timeout`.
    Http,
    /// `--redis-url`.
    Redis,
    /// `--database-url`.
    Database,
}

use Group::{Alertmanager, Database, Http, Output, Prometheus, Redis};

/// Every group, in the order of `--help`.
const ALL: &[Group] = &[Output, Prometheus, Alertmanager, Http, Redis, Database];

/// Which groups each command has, by its path below `ccmon`. A command not listed has none.
pub const GROUPS: &[(&str, &[Group])] = &[
    ("health serve", &[Redis, Database]),
    ("health check", &[Output, Redis, Database]),
    ("stream watch", &[Redis]),
    ("stream ingest", &[Output, Redis]),
    ("stream tail", &[Output, Redis]),
    ("stream ls", &[Output, Redis]),
    ("stream report", &[Output, Redis]),
    ("stream flush", &[Redis]),
    ("query", &[Output, Prometheus, Http]),
    ("query range", &[Output, Prometheus, Http]),
    ("targets", &[Output, Prometheus, Http]),
    ("alerts ls", &[Output, Alertmanager, Http]),
    ("alerts silence add", &[Output, Alertmanager, Http]),
    ("alerts silence ls", &[Output, Alertmanager, Http]),
    ("alerts silence expire", &[Alertmanager, Http]),
    ("alerts silence extend", &[Alertmanager, Http]),
    ("alerts silence import", &[Alertmanager, Http]),
    ("alerts status", &[Output, Alertmanager, Http]),
    ("alerts routes test", &[Output, Alertmanager, Http]),
    // `--online` reads the context's Prometheus.
    ("rules lint", &[Prometheus, Http]),
    ("rules catalog export", &[Prometheus, Http]),
    ("scaffold", &[Output]),
    ("context ls", &[Output]),
    (
        "context show",
        &[Output, Prometheus, Alertmanager, Http, Redis, Database],
    ),
];

/// `rules lint --list-codes` prints a table; `-o` stays accepted there (hidden: the report
/// itself has `--format`).
const HIDDEN: &[(&str, &[Group])] = &[("rules lint", &[Output])];

impl Group {
    fn augment(self, cmd: Command) -> Command {
        match self {
            Output => OutputArgs::augment_args(cmd),
            Prometheus => PrometheusArgs::augment_args(cmd),
            Alertmanager => AlertmanagerArgs::augment_args(cmd),
            Http => HttpArgs::augment_args(cmd),
            Redis => RedisArgs::augment_args(cmd),
            Database => DatabaseArgs::augment_args(cmd),
        }
    }

    /// The argument ids of the group.
    fn ids(self) -> Vec<clap::Id> {
        self.augment(Command::new("scratch"))
            .get_arguments()
            .map(|a| a.get_id().clone())
            .collect()
    }

    fn add(self, cmd: Command, hidden: bool) -> Command {
        let mut cmd = self.augment(cmd);
        if hidden {
            for id in self.ids() {
                cmd = cmd.mut_arg(id, |a| a.hide(true));
            }
        }
        cmd
    }
}

/// The groups of the command at `path` (names below `ccmon`, joined by spaces).
pub fn groups_of(path: &str) -> Vec<Group> {
    GROUPS
        .iter()
        .chain(HIDDEN)
        .filter(|(p, _)| *p == path)
        .flat_map(|(_, groups)| groups.iter().copied())
        .collect()
}

/// Adds the groups of [`GROUPS`] to their commands, and every group, hidden, before the
/// command name.
pub fn attach(mut cli: Command) -> Command {
    for group in ALL {
        cli = group.add(cli, true);
    }
    for (table, hidden) in [(GROUPS, false), (HIDDEN, true)] {
        for (path, groups) in table {
            let names: Vec<&str> = path.split(' ').collect();
            cli = at(cli, &names, &|mut cmd| {
                for group in *groups {
                    cmd = group.add(cmd, hidden);
                }
                cmd
            });
        }
    }
    cli
}

fn at(cmd: Command, path: &[&str], f: &dyn Fn(Command) -> Command) -> Command {
    match path.split_first() {
        None => f(cmd),
        Some((name, rest)) => cmd.mut_subcommand(name, |sub| at(sub, rest, f)),
    }
}

/// What the groups hold on one level of the command line.
#[derive(Debug, Default)]
struct Given {
    output: Option<OutputArg>,
    prometheus: PrometheusArgs,
    alertmanager: AlertmanagerArgs,
    http: HttpArgs,
    redis: RedisArgs,
    database: DatabaseArgs,
}

impl Given {
    fn read(m: &ArgMatches, groups: &[Group]) -> Result<Given, clap::Error> {
        let mut given = Given::default();
        for group in groups {
            match group {
                Output => {
                    given.output = (m.value_source("output") == Some(ValueSource::CommandLine))
                        .then(|| OutputArgs::from_arg_matches(m).map(|o| o.output))
                        .transpose()?;
                }
                Prometheus => given.prometheus = PrometheusArgs::from_arg_matches(m)?,
                Alertmanager => given.alertmanager = AlertmanagerArgs::from_arg_matches(m)?,
                Http => given.http = HttpArgs::from_arg_matches(m)?,
                Redis => given.redis = RedisArgs::from_arg_matches(m)?,
                Database => given.database = DatabaseArgs::from_arg_matches(m)?,
            }
        }
        Ok(given)
    }

    /// These values, each falling back to `before`'s.
    fn or(self, before: Given) -> Given {
        Given {
            output: self.output.or(before.output),
            prometheus: PrometheusArgs {
                prometheus_url: self
                    .prometheus
                    .prometheus_url
                    .or(before.prometheus.prometheus_url),
            },
            alertmanager: if self.alertmanager.alertmanager_url.is_empty() {
                before.alertmanager
            } else {
                self.alertmanager
            },
            http: HttpArgs {
                bearer_token_file: self
                    .http
                    .bearer_token_file
                    .or(before.http.bearer_token_file),
                timeout: self.http.timeout.or(before.http.timeout),
            },
            redis: RedisArgs {
                redis_url: self.redis.redis_url.or(before.redis.redis_url),
            },
            database: DatabaseArgs {
                database_url: self.database.database_url.or(before.database.database_url),
            },
        }
    }
}

/// `-o` (when given) and the connection flags, from before and after the command name.
pub fn read(top: &ArgMatches) -> Result<(Option<OutputArg>, FlagSettings), clap::Error> {
    let mut path = Vec::new();
    let mut leaf = top;
    while let Some((name, sub)) = leaf.subcommand() {
        path.push(name);
        leaf = sub;
    }
    let before = Given::read(top, ALL)?;
    let given = Given::read(leaf, &groups_of(&path.join(" ")))?.or(before);
    Ok((
        given.output,
        FlagSettings {
            prometheus_url: given.prometheus.prometheus_url,
            alertmanager_urls: given.alertmanager.alertmanager_url,
            redis_url: given.redis.redis_url,
            database_url: given.database.database_url,
            bearer_token_file: given.http.bearer_token_file,
            timeout: given.http.timeout,
        },
    ))
}
