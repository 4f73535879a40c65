//! `ccmon alerts`: Alertmanager alerts, silences, status and routes.

use std::path::PathBuf;

use clap::{Args, Subcommand};

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
