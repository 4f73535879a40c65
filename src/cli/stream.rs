//! `ccmon stream watch|ingest|tail|ls|flush`.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};

use super::values;
use crate::stream::monitor::OnStuck;
use crate::stream::summary::AgentState;

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

    /// Tokens and cost of the fleet by agent, model or day (from Redis, or the local spool)
    #[command(
        long_about = "Tokens by kind (input, output, cache read, cache creation) and cost of the \
        recorded agents, one row per agent, model or UTC day, with a total. Reads the agents' \
        summaries from Redis when it is configured, else from the local spool, as `stream ls` \
        does; each agent counts with its latest run. A cost marked ~ includes an estimate \
        (tokens x the price table, until the agent's result line makes it exact), +? an \
        unknown part (a model without a price), and ? alone a cost of which nothing is known; \
        ESTIMATED is the part of the cost that comes from agents whose cost is still estimated.",
        after_long_help = "Examples:\n  ccmon stream report\n  ccmon stream report --since 24h --by model\n  ccmon stream report --by day -o json"
    )]
    Report(StreamReportArgs),
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
    #[arg(long, value_name = "SIZE", default_value = "4MiB", value_parser = values::line_bound)]
    pub max_line: usize,

    /// Expiry of an agent's keys, refreshed on every write; 0 keeps them forever
    #[arg(long, value_name = "DURATION", default_value = "24h", value_parser = values::duration)]
    pub ttl: Duration,

    /// Spool directory [default: $XDG_STATE_HOME/ccmon/spool]
    #[arg(long, value_name = "DIR")]
    pub spool_dir: Option<PathBuf>,

    /// Longest wait for one Redis round trip before events go to the spool
    #[arg(long, value_name = "DURATION", default_value = "2s", value_parser = values::duration)]
    pub redis_timeout: Duration,

    /// With Redis, most bytes the spool may hold undelivered (e.g. 512MiB, 2GiB); past it
    /// the agent is slowed down (its output waits) until Redis takes events again
    #[arg(long, value_name = "SIZE", default_value = "1GiB", value_parser = values::size)]
    pub spool_max: u64,
}

#[derive(Debug, Args)]
pub struct StreamWatchArgs {
    #[command(flatten)]
    pub record: RecordArgs,

    /// With Redis, delivered bytes of the running session kept in the spool (at least this,
    /// at most twice this plus one batch), which a Redis restarted without its data gets
    /// again; the older delivered part is freed, so a session of any length needs bounded
    /// disk
    #[arg(long, value_name = "SIZE", default_value = "64MiB", value_parser = values::size)]
    pub spool_keep: u64,

    /// How to show the child's stdout: raw bytes, or a live summary [default: pretty on a
    /// TTY, raw otherwise]
    #[arg(long, value_enum)]
    pub display: Option<DisplayArg>,

    /// Serve the live metrics of this agent on ADDR while it runs
    #[arg(long, value_name = "ADDR")]
    pub metrics_listen: Option<String>,

    /// What to do when the agent is stuck: warn, interrupt (SIGINT), kill, or exec CMD
    #[arg(long, value_name = "ACTION", default_value = "warn", value_parser = values::on_stuck)]
    pub on_stuck: OnStuck,

    /// Never call an agent stuck before this much silence
    #[arg(long, value_name = "DURATION", default_value = "120s", value_parser = values::duration)]
    pub stuck_floor: Duration,

    /// Stuck when silent for this multiple of the recent gaps between events
    #[arg(long, value_name = "X", default_value = "10", value_parser = values::positive)]
    pub stuck_multiplier: f64,

    /// Silence allowed while a tool call is open (no tool_progress)
    #[arg(long, value_name = "DURATION", default_value = "600s", value_parser = values::duration)]
    pub tool_timeout: Duration,

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

    /// Stuck (no_exit_after_result) when the agent cannot get more input (`-p` without
    /// `--input-format stream-json`, or stdin at its end) and has not exited this long after
    /// its result; 0s turns the check off
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = values::duration)]
    pub result_exit_timeout: Duration,

    /// Grace period between SIGTERM and SIGKILL when stopping the child
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = values::duration)]
    pub kill_grace: Duration,

    /// The agent command and its arguments
    #[arg(last = true, required = true, value_name = "CMD")]
    pub command: Vec<String>,
}

/// `--display` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DisplayArg {
    /// The child's stdout byte for byte
    Raw,
    /// One line per event (tool calls, results with their tool and duration, text snippets,
    /// turns, elapsed) and, on a terminal, a status line under them (state, tokens, live
    /// cost, rate limit, time since the last event)
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
    pub state: Option<AgentState>,

    /// Spool directory to read when no Redis is configured
    #[arg(long, value_name = "DIR")]
    pub spool_dir: Option<PathBuf>,
}

/// `stream ls --state` takes the states as they are stored, with their meanings as help.
impl ValueEnum for AgentState {
    fn value_variants<'a>() -> &'a [Self] {
        &AgentState::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.as_str()).help(self.meaning()))
    }
}

#[derive(Debug, Args)]
pub struct StreamReportArgs {
    /// Only agents whose last event is at most this long ago, e.g. 24h or 7d [default: every
    /// agent]
    #[arg(long, value_name = "DURATION", value_parser = values::duration)]
    pub since: Option<Duration>,

    /// One row per agent, per model, or per UTC day of the agents' last events (a run that
    /// crosses midnight counts whole on the day it last reported)
    #[arg(long, value_enum, default_value = "agent")]
    pub by: ReportByArg,

    /// Spool directory to read when no Redis is configured
    #[arg(long, value_name = "DIR")]
    pub spool_dir: Option<PathBuf>,
}

/// `stream report --by` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportByArg {
    /// One row per agent
    Agent,
    /// One row per model (an agent counts in the row of each model it used)
    Model,
    /// One row per UTC day of the agents' last events
    Day,
}

#[derive(Debug, Args)]
pub struct StreamFlushArgs {
    /// Spool directory [default: $XDG_STATE_HOME/ccmon/spool]
    #[arg(long, value_name = "DIR")]
    pub spool_dir: Option<PathBuf>,

    /// Longest wait for one Redis round trip
    #[arg(long, value_name = "DURATION", default_value = "2s", value_parser = values::duration)]
    pub redis_timeout: Duration,
}
