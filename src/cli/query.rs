//! `ccmon query`, `query range` and `targets`: Prometheus.

use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};

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
    #[arg(long, value_name = "DURATION", value_parser = super::values::pointed)]
    pub since: Option<Duration>,

    /// Resolution step [default: chosen to fit the chart width]
    #[arg(long, value_name = "DURATION", value_parser = super::values::span)]
    pub step: Option<Duration>,

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
