//! `ccmon stream ingest|ls|tail`: recording stream-json into the spool and reading it back.
//! (Redis delivery and `stream watch` arrive with the rest of the stream issue.)

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::time::Duration;

use anyhow::{Context as _, bail};
use serde::Serialize;

use crate::cli::{
    AgentStateArg, DisplayArg, StreamIngestArgs, StreamLsArgs, StreamTailArgs, StreamWatchArgs,
};
use crate::clock;
use crate::config::Settings;
use crate::exit::{ExitStatus, Outcome};
use crate::output::{Format, Printer, Tabular, write_stderr_line, write_stdout};
use crate::stream::describe::describe;
use crate::stream::lines::{DEFAULT_MAX_LINE, LineReader};
use crate::stream::record::Record;
use crate::stream::recorder::{Recorder, RecorderConfig, new_run_id};
use crate::stream::spool::{LogReader, Spool};
use crate::stream::spool_sink::SpoolSink;
use crate::stream::summary::{AgentState, Summary};

/// Records per spool batch (one fsync each).
const BATCH: usize = 512;

fn spool(flag: Option<&Path>, settings: &Settings) -> anyhow::Result<Spool> {
    if let Some(dir) = flag {
        return Ok(Spool::new(dir));
    }
    match &settings.state_dir {
        Some(dir) => Ok(Spool::new(dir.join("spool"))),
        None => bail!(
            "cannot locate the spool: neither XDG_STATE_HOME nor HOME is set; pass --spool-dir DIR"
        ),
    }
}

fn warn_redis_pending(settings: &Settings) {
    if settings.redis.is_some() {
        write_stderr_line(
            "warning: Redis is configured, but this build records to the local spool only; \
             `ccmon stream flush` will deliver the spooled events once Redis delivery is available",
        );
    }
}

/// `stream ingest FILE|-`.
pub fn ingest(
    args: &StreamIngestArgs,
    settings: &Settings,
    printer: &Printer,
) -> anyhow::Result<Outcome> {
    let spool = spool(args.record.spool_dir.as_deref(), settings)?;
    warn_redis_pending(settings);
    let from_stdin = args.input.as_os_str() == "-";
    let source = if from_stdin {
        "stdin".to_owned()
    } else {
        args.input.display().to_string()
    };
    let reader: Box<dyn BufRead> = if from_stdin {
        Box::new(BufReader::with_capacity(256 * 1024, std::io::stdin()))
    } else {
        let file =
            std::fs::File::open(&args.input).with_context(|| format!("cannot read {source}"))?;
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        // A progress bar only for people: on a terminal, for files big enough to wait for.
        if std::io::IsTerminal::is_terminal(&std::io::stderr()) && len > 8 * 1024 * 1024 {
            let style = indicatif::ProgressStyle::with_template(
                "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
            let bar = indicatif::ProgressBar::new(len).with_style(style);
            Box::new(BufReader::with_capacity(256 * 1024, bar.wrap_read(file)))
        } else {
            Box::new(BufReader::with_capacity(256 * 1024, file))
        }
    };
    let now = clock::now();
    let run_id = new_run_id(
        u128::try_from(now.as_millisecond()).unwrap_or(0),
        std::process::id(),
    );
    let config = RecorderConfig {
        agent_id: args.record.agent_id.clone(),
        command: format!("ingest {source}"),
        batch_size: BATCH,
    };
    let sink = SpoolSink::new(spool.clone(), &run_id);
    let mut recorder = Recorder::new(config, run_id, clock::rfc3339(now), sink);
    let mut lines = LineReader::new(reader, DEFAULT_MAX_LINE);
    while let Some(chunk) = lines
        .next_chunk()
        .with_context(|| format!("cannot read {source}"))?
    {
        recorder.push(chunk.data, chunk.complete, &clock::rfc3339(clock::now()))?;
    }
    let (summary, sink) = recorder.finish(None)?;
    write_stderr_line(&format!(
        "recorded {} events of agent {} in {}",
        sink.written(),
        summary.agent_id,
        spool.dir().display()
    ));
    printer.print(&AgentList(vec![summary]))?;
    Ok(ExitStatus::Success.into())
}

/// `stream watch -- CMD ARGS...`: exits with the child's code.
pub fn watch(
    args: &StreamWatchArgs,
    settings: &Settings,
    printer: &Printer,
) -> anyhow::Result<Outcome> {
    use crate::stream::monitor::{MonitorConfig, OnStuck};
    use crate::stream::stuck::StuckConfig;
    use crate::stream::supervisor::{Display, WatchConfig, watch};
    let spool = spool(args.record.spool_dir.as_deref(), settings)?;
    warn_redis_pending(settings);
    let kill_grace = flag_duration("--kill-grace", &args.kill_grace)?;
    let display = match args.display {
        Some(DisplayArg::Raw) => Display::Raw,
        Some(DisplayArg::Pretty) => Display::Pretty,
        None if printer.decorated() => Display::Pretty,
        None => Display::Raw,
    };
    let now = clock::now();
    let run_id = new_run_id(
        u128::try_from(now.as_millisecond()).unwrap_or(0),
        std::process::id(),
    );
    let on_stuck =
        OnStuck::parse(&args.on_stuck).ok_or_else(|| crate::config::ConfigError::BadFlag {
            flag: "--on-stuck",
            message: format!(
                "{:?} is not one of warn, interrupt, kill, exec CMD",
                args.on_stuck
            ),
        })?;
    if !(args.stuck_multiplier.is_finite() && args.stuck_multiplier > 0.0) {
        return Err(crate::config::ConfigError::BadFlag {
            flag: "--stuck-multiplier",
            message: format!("{} must be a positive number", args.stuck_multiplier),
        }
        .into());
    }
    let stuck = StuckConfig {
        floor: flag_duration("--stuck-floor", &args.stuck_floor)?,
        multiplier: args.stuck_multiplier,
        tool_timeout: flag_duration("--tool-timeout", &args.tool_timeout)?,
        repeated_tool_calls: args.repeated_tool_calls,
        consecutive_tools: args.consecutive_tools,
        consecutive_thinking: args.consecutive_thinking,
        api_retry_storm: args.api_retry_storm,
        ..StuckConfig::default()
    };
    let config = WatchConfig {
        command: args.command.clone(),
        display,
        kill_grace,
        monitor: MonitorConfig {
            recorder: RecorderConfig {
                agent_id: args.record.agent_id.clone(),
                command: args.command.join(" "),
                batch_size: BATCH,
            },
            spool,
            pretty: display == Display::Pretty,
            stuck,
            on_stuck,
        },
        flush_interval: Duration::from_millis(20),
        max_line: DEFAULT_MAX_LINE,
        metrics_listen: args.metrics_listen.clone(),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let outcome = runtime.block_on(watch(config, run_id))?;
    let s = &outcome.summary;
    tracing::info!(
        agent = %s.agent_id,
        events = outcome.recorded,
        exit_code = outcome.exit_code,
        "agent finished"
    );
    if display == Display::Pretty {
        write_stderr_line(&format!(
            "ccmon: agent {} exited with code {} after {} turns, {} tool calls, {}/{} tokens, ${:.4}",
            s.agent_id,
            outcome.exit_code,
            s.turns,
            s.tool_calls,
            s.tokens_in,
            s.tokens_out,
            s.cost_usd
        ));
    }
    Ok(Outcome::Code(outcome.exit_code))
}

fn flag_duration(flag: &'static str, value: &str) -> anyhow::Result<Duration> {
    crate::duration::parse(value).map_err(|e| {
        crate::config::ConfigError::BadFlag {
            flag,
            message: e.to_string(),
        }
        .into()
    })
}

/// Agents, for `stream ls`.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct AgentList(pub Vec<Summary>);

impl Tabular for AgentList {
    fn headers(&self, wide: bool) -> Vec<&'static str> {
        let mut h = vec![
            "AGENT",
            "STATE",
            "LAST EVENT",
            "TURNS",
            "TOOLS",
            "TOKENS IN/OUT",
            "COST",
            "MODEL",
        ];
        if wide {
            h.extend([
                "EVENTS",
                "CACHE READ/WRITE",
                "SESSION",
                "STARTED",
                "EXIT",
                "COMMAND",
            ]);
        }
        h
    }

    fn rows(&self, wide: bool) -> Vec<Vec<String>> {
        let now = clock::now();
        self.0
            .iter()
            .map(|s| {
                let state = match (&s.state, &s.stuck_reason, s.failed) {
                    (AgentState::Stuck, Some(reason), _) => format!("stuck ({reason})"),
                    (AgentState::Exited, _, true) => "exited (failed)".to_owned(),
                    (state, _, _) => state.as_str().to_owned(),
                };
                let mut row = vec![
                    s.agent_id.clone(),
                    state,
                    format!("{} ago", clock::age(&s.last_event_at, now)),
                    s.turns.to_string(),
                    s.tool_calls.to_string(),
                    format!("{}/{}", s.tokens_in, s.tokens_out),
                    format!("${:.4}", s.cost_usd),
                    s.model.clone(),
                ];
                if wide {
                    row.extend([
                        s.events.to_string(),
                        format!("{}/{}", s.tokens_cache_read, s.tokens_cache_creation),
                        s.session_id.clone(),
                        s.started_at.clone(),
                        s.exit_code
                            .map_or_else(|| "-".to_owned(), |c| c.to_string()),
                        s.command.clone(),
                    ]);
                }
                row
            })
            .collect()
    }

    fn empty_message(&self) -> Option<&'static str> {
        Some(
            "no agents recorded yet; record one with `ccmon stream ingest FILE` or `ccmon stream watch -- CMD`",
        )
    }
}

/// `stream ls`; with `ids_only` (global `-q`) just the agent ids, one per line.
pub fn ls(
    args: &StreamLsArgs,
    settings: &Settings,
    printer: &Printer,
    ids_only: bool,
) -> anyhow::Result<Outcome> {
    let spool = spool(args.spool_dir.as_deref(), settings)?;
    warn_redis_pending(settings);
    let mut agents = spool.agents()?;
    if let Some(state) = args.state {
        let want = match state {
            AgentStateArg::Running => AgentState::Running,
            AgentStateArg::Stuck => AgentState::Stuck,
            AgentStateArg::Exited => AgentState::Exited,
        };
        agents.retain(|a| a.state == want);
    }
    if ids_only && matches!(printer.format(), Format::Table | Format::Wide) {
        let ids: String = agents.iter().map(|a| format!("{}\n", a.agent_id)).collect();
        write_stdout(&ids)?;
        return Ok(ExitStatus::Success.into());
    }
    printer.print(&AgentList(agents))?;
    Ok(ExitStatus::Success.into())
}

/// `stream tail [AGENT]`.
pub fn tail(
    args: &StreamTailArgs,
    settings: &Settings,
    printer: &Printer,
) -> anyhow::Result<Outcome> {
    let spool = spool(args.spool_dir.as_deref(), settings)?;
    warn_redis_pending(settings);
    let agent = match &args.agent {
        Some(a) => a.clone(),
        None => match spool.agents()?.into_iter().next() {
            Some(s) => s.agent_id,
            None => bail!("no agents recorded in {} yet", spool.dir().display()),
        },
    };
    let logs = spool.run_logs(&agent)?;
    if logs.is_empty() {
        let known: Vec<String> = spool.agents()?.into_iter().map(|s| s.agent_id).collect();
        bail!(
            "no events recorded for agent {agent:?} in {}{}",
            spool.dir().display(),
            if known.is_empty() {
                String::new()
            } else {
                format!(" (agents: {})", known.join(", "))
            }
        );
    }
    // Keep only the last N records in memory, whatever the spool's size.
    let mut last: std::collections::VecDeque<Record> = std::collections::VecDeque::new();
    let mut follow = None;
    for (i, path) in logs.iter().enumerate() {
        let mut reader = LogReader::open(path)?;
        while let Some(record) = reader.next_record()? {
            if last.len() == args.lines {
                last.pop_front();
            }
            if args.lines > 0 {
                last.push_back(record);
            }
        }
        if i + 1 == logs.len() {
            follow = Some((path.clone(), reader));
        }
    }
    for record in &last {
        print_event(record, printer.format())?;
    }
    if args.follow
        && let Some((mut path, mut reader)) = follow
    {
        // Polling keeps this independent of the writer (another process, maybe killed);
        // a fifth of a second is quick for a person and nothing for the disk.
        loop {
            while let Some(record) = reader.next_record()? {
                print_event(&record, printer.format())?;
            }
            std::thread::sleep(Duration::from_millis(200));
            // A newer run of the same agent takes over the tail.
            if let Some(newest) = spool.run_logs(&agent)?.pop()
                && newest != path
            {
                reader = LogReader::open(&newest)?;
                path = newest;
            }
        }
    }
    Ok(ExitStatus::Success.into())
}

/// One event per line: readable text, or one JSON object per line (NDJSON) with `-o json`.
fn print_event(record: &Record, format: Format) -> anyhow::Result<()> {
    let line = match format {
        Format::Json | Format::Yaml => {
            let mut s = serde_json::to_string(record)?;
            s.push('\n');
            s
        }
        Format::Table | Format::Wide => format!(
            "{}  #{:<5} {:<12} {}\n",
            record.timestamp,
            record.seq,
            record.event_type.as_str(),
            describe(record)
        ),
    };
    write_stdout(&line)?;
    Ok(())
}
