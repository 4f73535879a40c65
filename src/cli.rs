//! Every clap definition of ccmon: the single source of `--help`, the man pages in `man/`
//! and the completion scripts in `completions/`. Nothing below this module imports clap;
//! the parsed arguments are turned into plain settings types here and handed down.

use std::path::PathBuf;

use clap::builder::styling::{AnsiColor, Styles};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::{FlagSettings, GlobalSettings};
use crate::output::{ColorChoice, Format};

const STYLES: Styles = Styles::styled()
    .header(AnsiColor::Green.on_default().bold())
    .usage(AnsiColor::Green.on_default().bold())
    .literal(AnsiColor::Cyan.on_default().bold())
    .placeholder(AnsiColor::Cyan.on_default());

const AFTER_LONG_HELP: &str = "\
Configuration:
  Settings come from, in order of precedence: command-line flags, environment variables
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

/// Flags accepted by every command.
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

    /// Output format: a table for people, json or yaml for programs, wide for more columns
    #[arg(short, long, global = true, value_enum, default_value_t = OutputArg::Table)]
    pub output: OutputArg,

    /// Never colour the output (also honoured: the NO_COLOR environment variable)
    #[arg(long, global = true)]
    pub no_color: bool,

    /// Log more: -v for debug, -vv for trace (to stderr)
    #[arg(short, long, global = true, action = clap::ArgAction::Count, conflicts_with = "quiet")]
    pub verbose: u8,

    /// Log only errors; list commands print only IDs (as amtool's `silence query -q`)
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Prometheus base URL [env: CCMON_PROMETHEUS_URL] [default: http://localhost:9090]
    #[arg(long, global = true, value_name = "URL", help_heading = "Connection")]
    pub prometheus_url: Option<String>,

    /// Alertmanager base URL; repeat for an HA cluster [env: CCMON_ALERTMANAGER_URL,
    /// comma-separated] [default: http://localhost:9093]
    #[arg(long, global = true, value_name = "URL", help_heading = "Connection")]
    pub alertmanager_url: Vec<String>,

    /// Redis URL: redis://, rediss:// (TLS) or redis+cluster:// [env: REDIS_URL]
    #[arg(long, global = true, value_name = "URL", help_heading = "Connection")]
    pub redis_url: Option<String>,

    /// PostgreSQL URL [env: DATABASE_URL]
    #[arg(long, global = true, value_name = "URL", help_heading = "Connection")]
    pub database_url: Option<String>,

    /// Read the bearer token for Prometheus and Alertmanager from FILE
    /// [env: CCMON_BEARER_TOKEN_FILE, or the token itself in CCMON_BEARER_TOKEN]
    #[arg(long, global = true, value_name = "FILE", help_heading = "Connection")]
    pub bearer_token_file: Option<PathBuf>,

    /// Per-request timeout for Prometheus and Alertmanager, e.g. 10s [env: CCMON_TIMEOUT]
    /// [default: 30s]
    #[arg(
        long,
        global = true,
        value_name = "DURATION",
        help_heading = "Connection"
    )]
    pub timeout: Option<String>,
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
// health

#[derive(Debug, Subcommand)]
pub enum HealthCommand {
    /// Run the health server for Kubernetes probes and Prometheus (long-running)
    #[command(
        long_about = "Run the health server. Checks run in the background, each on its own \
        interval with its own timeout, and every probe is answered from the latest results, \
        so a hung dependency never hangs a probe.\n\nPaths: /health/live (/livez), \
        /health/ready (/readyz), /health/startup (/startupz), /health (all levels), \
        /readyz/NAME (one check), /metrics.\n\nClients must send their request headers within \
        5s; on SIGTERM readiness fails at once, then open connections drain.",
        after_long_help = "Examples:\n  ccmon health serve\n  DATABASE_URL=postgres://app@db/app REDIS_URL=redis://cache:6379 ccmon health serve --listen 127.0.0.1:8080\n  curl -s localhost:8080/readyz?verbose"
    )]
    Serve(HealthServeArgs),

    /// Run the health checks once, print the report, exit 0 healthy, 1 degraded, 2 unhealthy
    #[command(
        after_long_help = "Examples:\n  ccmon health check\n  ccmon health check readiness -o json\n  HEALTHCHECK CMD ccmon health check liveness --fail-on degraded"
    )]
    Check(HealthCheckArgs),
}

#[derive(Debug, Args)]
pub struct HealthServeArgs {
    /// Address to listen on
    #[arg(long, value_name = "ADDR", default_value = "0.0.0.0:8080")]
    pub listen: String,

    /// When to include check messages and details in responses (they can leak hostnames)
    #[arg(long, value_enum, default_value_t = DetailsArg::Always)]
    pub details: DetailsArg,

    /// File holding the bearer token that unlocks details with `--details token`
    #[arg(long, value_name = "FILE")]
    pub details_token_file: Option<PathBuf>,

    /// Longest time to finish in-flight requests after SIGTERM
    #[arg(long, value_name = "DURATION", default_value = "10s")]
    pub drain_timeout: String,

    /// After SIGTERM, keep accepting and answer readiness with 503 this long before the
    /// drain, so load balancers and the kubelet see the pod leave (e.g. 5s on Kubernetes)
    #[arg(long, value_name = "DURATION", default_value = "0s")]
    pub shutdown_delay: String,

    /// Most concurrent connections; at the limit a new connection replaces the one waiting
    /// longest for its request headers, so slow clients cannot starve probes
    #[arg(long, value_name = "N", default_value_t = 1024)]
    pub max_connections: usize,
}

/// `--details` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DetailsArg {
    /// Never include messages and details
    Never,
    /// Always include them
    Always,
    /// Only for requests with the bearer token of --details-token-file
    Token,
}

#[derive(Debug, Args)]
pub struct HealthCheckArgs {
    /// Check level to run (all levels when omitted)
    #[arg(value_enum)]
    pub level: Option<LevelArg>,

    /// Lowest status that makes the command fail
    #[arg(long, value_enum, default_value_t = FailOnHealthArg::Unhealthy)]
    pub fail_on: FailOnHealthArg,
}

/// Health check levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LevelArg {
    /// Is the process alive (restart it if not)
    Liveness,
    /// Can it serve traffic
    Readiness,
    /// Has it finished starting
    Startup,
}

/// `health check --fail-on` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOnHealthArg {
    /// Treat degraded as unhealthy: exit 2 when degraded or worse
    Degraded,
    /// Exit 2 only when unhealthy (or not checked); degraded exits 1
    Unhealthy,
}

// ---------------------------------------------------------------------------------------
// stream

#[derive(Debug, Subcommand)]
pub enum StreamCommand {
    /// Run an agent, pass its output through, record every event, detect stuck agents
    #[command(
        long_about = "Run CMD as a child process in its own process group, pass stdin, stdout \
        and stderr through, parse every stream-json line, write it to Redis Streams (or to the \
        local spool when Redis is absent or down), and detect stuck and looping agents. Exits \
        with the child's exit code (128+N if it died of signal N).",
        after_long_help = "Examples:\n  ccmon stream watch -- claude -p --output-format stream-json --verbose 'fix the tests'\n  ccmon stream watch --agent-id builder-1 --on-stuck interrupt --metrics-listen 127.0.0.1:9464 -- claude -p ..."
    )]
    Watch(StreamWatchArgs),

    /// Record stream-json read from a file or stdin
    #[command(
        after_long_help = "Examples:\n  ccmon stream ingest session.jsonl\n  claude -p --output-format stream-json --verbose 'hi' | ccmon stream ingest -"
    )]
    Ingest(StreamIngestArgs),

    /// Follow recorded events of an agent (from Redis, or the local spool)
    #[command(
        after_long_help = "Examples:\n  ccmon stream tail\n  ccmon stream tail builder-1 --follow"
    )]
    Tail(StreamTailArgs),

    /// List agents with state, last event, turns, tokens and cost
    Ls(StreamLsArgs),

    /// Deliver spooled events to Redis now (runs of a ccmon that was killed included)
    #[command(
        after_long_help = "Exit codes: 0 everything delivered, 3 Redis unreachable (the events stay \
        spooled), 2 no Redis configured.\n\nExamples:\n  REDIS_URL=redis://cache:6379 ccmon stream flush"
    )]
    Flush(StreamFlushArgs),
}

/// Flags shared by the commands that record events.
#[derive(Debug, Args)]
pub struct RecordArgs {
    /// Agent id (default: the session id of the stream's system/init event, else generated)
    #[arg(long, value_name = "ID")]
    pub agent_id: Option<String>,

    /// Approximate maximum entries kept per agent stream (XADD MAXLEN ~ N); 0 keeps every
    /// entry
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    pub maxlen: u64,

    /// Longest line parsed and held whole (e.g. 4MiB, 32MiB); a longer line is recorded as
    /// consecutive raw chunks of this size. Memory stays within a few times this, whatever
    /// the input
    #[arg(long, value_name = "SIZE", default_value = "4MiB")]
    pub max_line: String,

    /// Expiry of an agent's keys, refreshed on every write; 0 keeps them forever
    #[arg(long, value_name = "DURATION", default_value = "24h")]
    pub ttl: String,

    /// Spool directory [default: $XDG_STATE_HOME/ccmon/spool]
    #[arg(long, value_name = "DIR")]
    pub spool_dir: Option<PathBuf>,

    /// Longest wait for one Redis round trip before events go to the spool
    #[arg(long, value_name = "DURATION", default_value = "2s")]
    pub redis_timeout: String,

    /// With Redis, most bytes the spool may hold undelivered (e.g. 512MiB, 2GiB); past it
    /// the agent is slowed down (its output waits) until Redis takes events again
    #[arg(long, value_name = "SIZE", default_value = "1GiB")]
    pub spool_max: String,
}

#[derive(Debug, Args)]
pub struct StreamWatchArgs {
    #[command(flatten)]
    pub record: RecordArgs,

    /// With Redis, delivered bytes of the running session kept in the spool (at least this,
    /// at most twice this plus one batch), which a Redis restarted without its data gets
    /// again; the older delivered part is freed, so a session of any length needs bounded
    /// disk
    #[arg(long, value_name = "SIZE", default_value = "64MiB")]
    pub spool_keep: String,

    /// How to show the child's stdout: raw bytes, or a live summary [default: pretty on a
    /// TTY, raw otherwise]
    #[arg(long, value_enum)]
    pub display: Option<DisplayArg>,

    /// Serve the live metrics of this agent on ADDR while it runs
    #[arg(long, value_name = "ADDR")]
    pub metrics_listen: Option<String>,

    /// What to do when the agent is stuck: warn, interrupt (SIGINT), kill, or exec CMD
    #[arg(long, value_name = "ACTION", default_value = "warn")]
    pub on_stuck: String,

    /// Never call an agent stuck before this much silence
    #[arg(long, value_name = "DURATION", default_value = "120s")]
    pub stuck_floor: String,

    /// Stuck when silent for this multiple of the recent gaps between events
    #[arg(long, value_name = "X", default_value_t = 10.0)]
    pub stuck_multiplier: f64,

    /// Silence allowed while a tool call is open (no tool_progress)
    #[arg(long, value_name = "DURATION", default_value = "600s")]
    pub tool_timeout: String,

    /// Same tool with the same input this many times in a row is a loop
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub repeated_tool_calls: u32,

    /// Same tool name this many times in a row is a loop
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub consecutive_tools: u32,

    /// This many thinking blocks with no text or tool call is a loop
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub consecutive_thinking: u32,

    /// This many API retries with no answer in between is a retry storm (0 turns it off)
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub api_retry_storm: u32,

    /// Grace period between SIGTERM and SIGKILL when stopping the child
    #[arg(long, value_name = "DURATION", default_value = "10s")]
    pub kill_grace: String,

    /// The agent command and its arguments
    #[arg(last = true, required = true, value_name = "CMD")]
    pub command: Vec<String>,
}

/// `--display` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DisplayArg {
    /// The child's stdout byte for byte
    Raw,
    /// One line per tool call, text snippets, turns, tokens, cost, elapsed
    Pretty,
}

#[derive(Debug, Args)]
pub struct StreamIngestArgs {
    #[command(flatten)]
    pub record: RecordArgs,

    /// Stream-json file to read, or - for stdin
    #[arg(value_name = "FILE|-")]
    pub input: PathBuf,
}

#[derive(Debug, Args)]
pub struct StreamTailArgs {
    /// Agent id (default: the agent with the most recent event)
    #[arg(value_name = "AGENT")]
    pub agent: Option<String>,

    /// Keep following new events
    #[arg(short, long)]
    pub follow: bool,

    /// Number of recent events to show first
    #[arg(short = 'n', long, value_name = "N", default_value_t = 20)]
    pub lines: usize,

    /// Spool directory to read when no Redis is configured
    #[arg(long, value_name = "DIR")]
    pub spool_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct StreamLsArgs {
    /// Only agents in this state
    #[arg(long, value_enum)]
    pub state: Option<AgentStateArg>,

    /// Spool directory to read when no Redis is configured
    #[arg(long, value_name = "DIR")]
    pub spool_dir: Option<PathBuf>,
}

/// Agent states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AgentStateArg {
    /// Running and making progress
    Running,
    /// Running, but stuck or looping
    Stuck,
    /// Finished
    Exited,
}

#[derive(Debug, Args)]
pub struct StreamFlushArgs {
    /// Spool directory [default: $XDG_STATE_HOME/ccmon/spool]
    #[arg(long, value_name = "DIR")]
    pub spool_dir: Option<PathBuf>,

    /// Longest wait for one Redis round trip
    #[arg(long, value_name = "DURATION", default_value = "2s")]
    pub redis_timeout: String,
}

// ---------------------------------------------------------------------------------------
// query, targets

#[derive(Debug, Args)]
#[command(
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    after_long_help = "Examples:\n  ccmon query 'up == 0'\n  ccmon query 'sum by (job) (rate(http_requests_total[5m]))' --time -1h\n  ccmon query range 'stream_turn_count' --since 6h"
)]
pub struct QueryArgs {
    #[command(subcommand)]
    pub range: Option<QueryCommand>,

    /// PromQL expression (instant query)
    #[arg(value_name = "EXPR", required = true)]
    pub expr: Option<String>,

    /// Evaluation time: RFC 3339, Unix seconds, or relative like -1h [default: now]
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub time: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum QueryCommand {
    /// Range query, drawn as a terminal line chart (use -o table or -o json for the data)
    #[command(
        after_long_help = "Examples:\n  ccmon query range 'rate(stream_events_processed_total[5m])' --since 1h\n  ccmon query range up --start 2026-01-01T00:00:00Z --end 2026-01-01T06:00:00Z --step 5m -o json"
    )]
    Range(QueryRangeArgs),
}

#[derive(Debug, Args)]
pub struct QueryRangeArgs {
    /// PromQL expression
    #[arg(value_name = "EXPR")]
    pub expr: String,

    /// Start: RFC 3339, Unix seconds, or relative like -1h [default: end - 1h]
    #[arg(
        long,
        value_name = "TIME",
        conflicts_with = "since",
        allow_hyphen_values = true
    )]
    pub start: Option<String>,

    /// End: RFC 3339, Unix seconds, or relative [default: now]
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub end: Option<String>,

    /// Shorthand for --start -DURATION
    #[arg(long, value_name = "DURATION")]
    pub since: Option<String>,

    /// Resolution step [default: chosen to fit the chart width]
    #[arg(long, value_name = "DURATION")]
    pub step: Option<String>,

    /// Chart width in columns, 40 to 400 [default: the terminal's width, else $COLUMNS,
    /// else 80]
    #[arg(long, value_name = "COLUMNS", value_parser = clap::value_parser!(u16).range(40..=400))]
    pub width: Option<u16>,
}

#[derive(Debug, Args)]
pub struct TargetsArgs {
    /// Only targets of this job
    #[arg(long, value_name = "JOB")]
    pub job: Option<String>,

    /// Only targets in this health state
    #[arg(long, value_enum)]
    pub health: Option<TargetHealthArg>,
}

/// Scrape target health.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TargetHealthArg {
    /// Last scrape succeeded
    Up,
    /// Last scrape failed
    Down,
    /// Not scraped yet
    Unknown,
}

// ---------------------------------------------------------------------------------------
// alerts

#[derive(Debug, Subcommand)]
pub enum AlertsCommand {
    /// List alerts (active only unless a state flag is given)
    #[command(
        after_long_help = "Matchers: name=value, name!=value, name=~regex, name!~regex; values may \
        be double-quoted; a bare first word means alertname=WORD.\n\nExamples:\n  ccmon alerts ls\n  ccmon alerts ls severity=P0 --group\n  ccmon alerts ls InstanceDown --silenced"
    )]
    Ls(AlertsLsArgs),

    /// Create, list, expire, extend and import silences
    #[command(subcommand)]
    Silence(SilenceCommand),

    /// Alertmanager version, cluster peers and a config summary
    Status,

    /// Test the routing tree: which receivers an alert with given labels reaches
    #[command(subcommand)]
    Routes(RoutesCommand),
}

#[derive(Debug, Subcommand)]
pub enum RoutesCommand {
    /// Receivers an alert with these labels reaches, on the live Alertmanager's routing tree
    /// (from its status API) or a config file's
    #[command(
        after_long_help = "Evaluates `continue`, `matchers`, the legacy `match`/`match_re` and \
        inheritance as Alertmanager's dispatcher does; the receivers are listed in tree order \
        (as amtool's `config routes test`), with each route's group labels.\n\nExamples:\n  \
        ccmon alerts routes test severity=P0 category=agents\n  ccmon alerts routes test --tree \
        AgentStuck severity=P2\n  ccmon alerts routes test --config-file monitoring/alertmanager.yml \
        severity=P3 --verify-receivers webhook,default"
    )]
    Test(RoutesTestArgs),
}

#[derive(Debug, Args)]
pub struct RoutesTestArgs {
    /// Labels of the alert; a bare first word is the alert name
    #[arg(value_name = "LABEL=VALUE")]
    pub labels: Vec<String>,

    /// Also show the routing tree, each route marked receives, matches, no match or not tried
    #[arg(long)]
    pub tree: bool,

    /// Read the routing tree from this Alertmanager config file instead of the live
    /// Alertmanager
    #[arg(long, value_name = "FILE")]
    pub config_file: Option<PathBuf>,

    /// Exit 1 unless the receivers are exactly these, in order (as amtool's
    /// --verify.receivers)
    #[arg(long, value_name = "A,B,...")]
    pub verify_receivers: Option<String>,
}

#[derive(Debug, Args)]
pub struct AlertsLsArgs {
    /// Matchers the alerts must match
    #[arg(value_name = "MATCHER")]
    pub matchers: Vec<String>,

    /// Show active alerts
    #[arg(short, long)]
    pub active: bool,

    /// Show silenced alerts
    #[arg(short, long)]
    pub silenced: bool,

    /// Show inhibited alerts
    #[arg(short, long)]
    pub inhibited: bool,

    /// Show alerts Alertmanager has not processed yet
    #[arg(short, long)]
    pub unprocessed: bool,

    /// Group alerts as Alertmanager routes them, or with --group=LABEL by that label (as
    /// the UI does)
    #[arg(
        long,
        value_name = "LABEL",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = ""
    )]
    pub group: Option<String>,

    /// Only alerts routed to receivers matching this regex
    #[arg(short, long, value_name = "REGEX")]
    pub receiver: Option<String>,

    /// Only the alerts this silence mutes now (implies --silenced)
    #[arg(long, value_name = "ID")]
    pub silenced_by: Option<String>,

    /// Merge the alerts of every context of the config file (a CONTEXT column shows
    /// where each comes from); `--context a,b` merges the contexts named
    #[arg(long)]
    pub all_contexts: bool,
}

#[derive(Debug, Subcommand)]
pub enum SilenceCommand {
    /// Add a silence and print its ID; says how many alerts it mutes (--dry-run lists them)
    #[command(
        after_long_help = "Examples:\n  ccmon alerts silence add InstanceDown instance=db-1 --dry-run\n  ccmon alerts silence add InstanceDown instance=db-1 --duration 2h --comment 'maintenance'\n  ccmon alerts silence add 'severity=~\"P2|P3\"' --end 2026-12-01T08:00:00Z --comment 'weekend'"
    )]
    Add(SilenceAddArgs),

    /// List silences (active and pending unless --expired) and how many alerts each mutes;
    /// with -q, only their IDs
    #[command(
        after_long_help = "Examples:\n  ccmon alerts silence ls\n  ccmon alerts silence ls --within 2h\n  ccmon alerts silence expire $(ccmon alerts silence ls -q alertname=Foo)"
    )]
    Ls(SilenceLsArgs),

    /// Expire silences by ID or by matchers
    Expire(SilenceExpireArgs),

    /// Extend silences by a duration from their current end
    Extend(SilenceExtendArgs),

    /// Import silences from amtool's JSON or the YAML list form
    #[command(
        after_long_help = "Examples:\n  ccmon alerts silence ls -o json > silences.json\n  ccmon --context dr alerts silence import silences.json"
    )]
    Import(SilenceImportArgs),
}

#[derive(Debug, Args)]
pub struct SilenceAddArgs {
    /// Matchers of the silence (at least one)
    #[arg(value_name = "MATCHER", required = true)]
    pub matchers: Vec<String>,

    /// How long the silence lasts, e.g. 2h, 1h30m, 1d
    #[arg(
        short,
        long,
        value_name = "DURATION",
        required_unless_present_any = ["end", "dry_run"],
        conflicts_with = "end"
    )]
    pub duration: Option<String>,

    /// When the silence ends (RFC 3339)
    #[arg(long, value_name = "TIME")]
    pub end: Option<String>,

    /// When the silence starts (RFC 3339) [default: now]
    #[arg(long, value_name = "TIME")]
    pub start: Option<String>,

    /// Why the silence exists
    #[arg(short, long, value_name = "TEXT", required_unless_present = "dry_run")]
    pub comment: Option<String>,

    /// Who creates it [default: the current user]
    #[arg(short = 'a', long, value_name = "NAME")]
    pub author: Option<String>,

    /// Allow a silence that matches every alert
    #[arg(long)]
    pub force: bool,

    /// Print the alerts the silence would mute now (as `alerts ls`) and create nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct SilenceLsArgs {
    /// Matchers the silences must match
    #[arg(value_name = "MATCHER")]
    pub matchers: Vec<String>,

    /// Show expired silences instead of active and pending ones
    #[arg(long)]
    pub expired: bool,

    /// Only silences ending within D (or, with --expired, that ended within the last D)
    #[arg(long, value_name = "DURATION")]
    pub within: Option<String>,

    /// Only silences created by this author
    #[arg(long, value_name = "AUTHOR")]
    pub created_by: Option<String>,

    /// Merge the silences of every context of the config file (a CONTEXT column shows
    /// where each comes from); `--context a,b` merges the contexts named
    #[arg(long)]
    pub all_contexts: bool,
}

#[derive(Debug, Args)]
pub struct SilenceExpireArgs {
    /// Silence IDs
    #[arg(
        value_name = "ID",
        required_unless_present = "matching",
        conflicts_with = "matching"
    )]
    pub ids: Vec<String>,

    /// Expire every active or pending silence that has these matchers (as `silence ls`
    /// selects them); shows them and asks first on a terminal
    #[arg(long, value_name = "MATCHER", num_args = 1..)]
    pub matching: Vec<String>,

    /// Do not ask for confirmation
    #[arg(short, long)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct SilenceExtendArgs {
    /// Silence IDs
    #[arg(value_name = "ID", required = true)]
    pub ids: Vec<String>,

    /// How much longer each silence lasts
    #[arg(short, long, value_name = "DURATION", required = true)]
    pub duration: String,
}

#[derive(Debug, Args)]
pub struct SilenceImportArgs {
    /// File to read, or - for stdin
    #[arg(value_name = "FILE|-")]
    pub input: PathBuf,

    /// Create new silences even if the IDs exist, and import silences that match every
    /// alert (refused otherwise, as by `silence add`); entries identical to an active or
    /// pending silence are skipped either way
    #[arg(long)]
    pub force: bool,
}

// ---------------------------------------------------------------------------------------
// rules

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
    #[arg(long, value_name = "DURATION", default_value = "1h")]
    pub cache_ttl: String,

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
    #[arg(long, value_name = "DURATION", default_value = "1h")]
    pub cache_ttl: String,

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

// ---------------------------------------------------------------------------------------
// scaffold, context, completions, man

#[derive(Debug, Args)]
pub struct ScaffoldArgs {
    /// Directory to write into (docker/ and monitoring/ are created below it)
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,

    /// Overwrite files that exist and differ (without it, nothing is written and the
    /// command exits 1 when any file would be overwritten)
    #[arg(long)]
    pub force: bool,

    /// Only list what would be created, updated or left unchanged; write nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Show a unified diff of what would change (implies --dry-run)
    #[arg(long)]
    pub diff: bool,

    /// Exporters to deploy (comma-separated); their scrape jobs, alerts and dashboard
    /// panels come and go with them
    #[arg(
        long,
        value_name = "LIST",
        value_enum,
        value_delimiter = ',',
        default_value = "node,postgres,blackbox"
    )]
    pub exporters: Vec<ExporterArg>,

    /// Alertmanager receivers to configure (comma-separated, at least one)
    #[arg(
        long,
        value_name = "LIST",
        value_enum,
        value_delimiter = ',',
        default_value = "email,slack,pagerduty,webhook"
    )]
    pub receivers: Vec<ReceiverArg>,

    /// Address where Prometheus reaches `ccmon health serve`
    #[arg(
        long,
        value_name = "HOST:PORT",
        default_value = "host.docker.internal:8080"
    )]
    pub ccmon_host: String,

    /// Prometheus retention (Prometheus duration)
    #[arg(long, value_name = "DURATION", default_value = "30d")]
    pub retention: String,

    /// Base URL of the runbooks the alerts link to (anchors are the alert names, lowercased)
    #[arg(
        long,
        value_name = "URL",
        default_value = "https://github.com/ccmon/ccmon/blob/main/docs/runbooks.md"
    )]
    pub runbook_url: String,

    /// Serve Prometheus, Alertmanager and Grafana over HTTPS; the certificate, its key and
    /// CA are read from DIR/docker/secrets/tls/ (ca.crt, server.crt, server.key) and created
    /// there with a local CA when none exists
    #[arg(long)]
    pub tls: bool,

    /// Names (DNS or IP) the created server certificate carries besides the service names,
    /// localhost and 127.0.0.1 (comma-separated)
    #[arg(long, value_name = "LIST", value_delimiter = ',', requires = "tls")]
    pub tls_hosts: Vec<String>,

    /// Require HTTP basic auth as USER on Prometheus and Alertmanager; the password is read
    /// from DIR/docker/secrets/web_password (generated when absent), only its bcrypt hash
    /// is written, and every client of the stack carries it
    #[arg(long, value_name = "USER")]
    pub basic_auth: Option<String>,

    /// Send every sample to this remote-write endpoint too (Thanos Receive, Cortex, Mimir;
    /// repeatable)
    #[arg(long, value_name = "URL")]
    pub remote_write: Vec<String>,

    /// Credentials for --remote-write: bearer (docker/secrets/remote_write_token) or basic
    /// (--remote-write-user, docker/secrets/remote_write_password)
    #[arg(long, value_name = "KIND", value_enum, requires = "remote_write")]
    pub remote_write_auth: Option<RemoteWriteAuthArg>,

    /// User name for --remote-write-auth basic
    #[arg(long, value_name = "USER", requires = "remote_write_auth")]
    pub remote_write_user: Option<String>,

    /// Labels Prometheus adds to everything it sends out (NAME=VALUE, comma-separated),
    /// e.g. cluster=eu1,replica=a as Thanos, Cortex and Mimir expect; a `replica` label is
    /// dropped from alerts so a Prometheus pair's alerts deduplicate
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub external_labels: Vec<String>,

    /// Two Alertmanagers peering as a cluster (the second published on 127.0.0.1:9095);
    /// Prometheus sends to both
    #[arg(long)]
    pub ha: bool,
}

/// `scaffold --remote-write-auth` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RemoteWriteAuthArg {
    /// Authorization: Bearer, token from docker/secrets/remote_write_token
    Bearer,
    /// Basic auth, password from docker/secrets/remote_write_password
    Basic,
}

/// `scaffold --exporters` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExporterArg {
    /// node_exporter: host disk, memory, CPU
    Node,
    /// postgres_exporter: the fleet's PostgreSQL
    Postgres,
    /// blackbox_exporter: HTTP probes and certificates
    Blackbox,
}

/// `scaffold --receivers` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReceiverArg {
    /// Email through an SMTP smarthost
    Email,
    /// Slack incoming webhook
    Slack,
    /// PagerDuty Events API v2
    Pagerduty,
    /// Generic webhook
    Webhook,
}

impl ScaffoldArgs {
    /// The scaffold options these flags select.
    pub fn options(&self) -> crate::scaffold::Options {
        use crate::scaffold::{Exporter, Receiver};
        crate::scaffold::Options {
            exporters: self
                .exporters
                .iter()
                .map(|e| match e {
                    ExporterArg::Node => Exporter::Node,
                    ExporterArg::Postgres => Exporter::Postgres,
                    ExporterArg::Blackbox => Exporter::Blackbox,
                })
                .collect(),
            receivers: self
                .receivers
                .iter()
                .map(|r| match r {
                    ReceiverArg::Email => Receiver::Email,
                    ReceiverArg::Slack => Receiver::Slack,
                    ReceiverArg::Pagerduty => Receiver::Pagerduty,
                    ReceiverArg::Webhook => Receiver::Webhook,
                })
                .collect(),
            ccmon_host: self.ccmon_host.clone(),
            retention: self.retention.clone(),
            runbook_url: self.runbook_url.clone(),
            tls: self.tls,
            tls_hosts: self.tls_hosts.clone(),
            basic_auth: self.basic_auth.clone(),
            remote_write: self.remote_write.clone(),
            remote_write_auth: self.remote_write_auth.map(|a| match a {
                RemoteWriteAuthArg::Bearer => crate::scaffold::RemoteWriteAuth::Bearer,
                RemoteWriteAuthArg::Basic => crate::scaffold::RemoteWriteAuth::Basic(
                    self.remote_write_user.clone().unwrap_or_default(),
                ),
            }),
            external_labels: self
                .external_labels
                .iter()
                .map(|kv| match kv.split_once('=') {
                    Some((k, v)) => (k.trim().to_owned(), v.trim().to_owned()),
                    // Rejected by validation with the pair as given.
                    None => (kv.clone(), String::new()),
                })
                .collect(),
            ha: self.ha,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum ContextCommand {
    /// List the contexts of the config file; * marks the current one
    Ls,

    /// Make NAME the current context (written to the config file, comments kept)
    Use(ContextUseArgs),

    /// Show the effective settings and where each came from (secrets redacted)
    #[command(
        after_long_help = "Examples:\n  ccmon context show\n  ccmon --context prod context show -o json"
    )]
    Show,
}

#[derive(Debug, Args)]
pub struct ContextUseArgs {
    /// Context name
    #[arg(value_name = "NAME")]
    pub name: String,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// Shell to generate for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Directory to write the pages into
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
}

// ---------------------------------------------------------------------------------------
// From arguments to settings: the only place where clap types are converted.

impl Cli {
    /// The command definition, for completions and man pages.
    pub fn definition() -> clap::Command {
        <Cli as clap::CommandFactory>::command()
    }

    /// Parses the process arguments; clap prints help or usage errors and exits itself.
    pub fn parse_args() -> (Cli, GlobalSettings) {
        let matches = Self::definition().get_matches();
        let cli = match <Cli as clap::FromArgMatches>::from_arg_matches(&matches) {
            Ok(cli) => cli,
            Err(err) => err.exit(),
        };
        let settings = cli.global_settings(&matches);
        (cli, settings)
    }

    /// Parses from an iterator (for tests), with the same conversion as the binary.
    pub fn try_parse_from_iter<I, T>(args: I) -> Result<(Cli, GlobalSettings), clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let matches = Self::definition().try_get_matches_from(args)?;
        let cli = <Cli as clap::FromArgMatches>::from_arg_matches(&matches)?;
        let settings = cli.global_settings(&matches);
        Ok((cli, settings))
    }

    fn global_settings(&self, matches: &clap::ArgMatches) -> GlobalSettings {
        use clap::parser::ValueSource;
        let from_env = |id: &str| matches.value_source(id) == Some(ValueSource::EnvVariable);
        let g = &self.global;
        GlobalSettings {
            format: match g.output {
                OutputArg::Table => Format::Table,
                OutputArg::Wide => Format::Wide,
                OutputArg::Json => Format::Json,
                OutputArg::Yaml => Format::Yaml,
            },
            format_given: matches.value_source("output") == Some(ValueSource::CommandLine),
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
            flags: FlagSettings {
                prometheus_url: g.prometheus_url.clone(),
                alertmanager_urls: g.alertmanager_url.clone(),
                redis_url: g.redis_url.clone(),
                database_url: g.database_url.clone(),
                bearer_token_file: g.bearer_token_file.clone(),
                timeout: g.timeout.clone(),
            },
        }
    }
}
