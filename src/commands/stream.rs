//! `ccmon stream watch|ingest|ls|tail|flush|report`: recording stream-json into the spool,
//! and from there into Redis when one is configured; reading it back from either.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::time::Duration;

use anyhow::{Context as _, bail};
use serde::Serialize;

use crate::cli::{
    DisplayArg, RecordArgs, ReportByArg, StreamFlushArgs, StreamIngestArgs, StreamLsArgs,
    StreamReportArgs, StreamTailArgs, StreamWatchArgs,
};
use crate::clock;
use crate::config::Settings;
use crate::exit::{ExitStatus, Outcome};
use crate::output::{Format, Printer, Tabular, write_stderr_line, write_stdout};
use crate::stream::delivery::{self, DeliveryError};
use crate::stream::describe::ToolClock;
use crate::stream::ingest::{IngestError, IngestSpec};
use crate::stream::record::Record;
use crate::stream::recorder::{RecorderConfig, new_run_id};
use crate::stream::redis::{RedisConfig, RedisSink};
use crate::stream::report::{self, GroupBy, Report};
use crate::stream::spool::{LogReader, Spool};
use crate::stream::summary::{AgentState, Summary};

/// Records per spool batch (one fsync each) while watching: batches are also written every
/// 20 ms, so this only matters in bursts.
const BATCH: usize = 512;

/// Records per batch when ingesting a file: nobody waits for a line, and per-batch costs
/// (an fsync into the spool) are amortized; into Redis, batches that queue up behind a
/// delivery are sent together anyway (see `DirectSink`). Larger batches were no faster and
/// held more: 8192 held 72 MB, 1024 holds 37 MB at 1.6 KB a line (batches are also bounded
/// by bytes, see `recorder::BATCH_BYTES`).
const INGEST_BATCH: usize = 1024;

/// Longest wait for one Redis round trip of the commands that only read (`ls`, `tail`).
const READ_TIMEOUT: Duration = Duration::from_secs(5);

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

/// Records what the intakes of ccmon processes that died hold beyond their logs (lines
/// they had passed through but not recorded), so every reader and deliverer sees them.
fn recover_intakes(spool: &Spool) -> anyhow::Result<()> {
    let done = crate::stream::intake::recover(spool)?;
    if done.lines > 0 {
        write_stderr_line(&format!(
            "ccmon: recorded {} lines that a ccmon which died had passed through but not yet recorded ({} runs)",
            done.lines, done.runs
        ));
    }
    for path in &done.damaged {
        write_stderr_line(&format!(
            "ccmon: a damaged intake was moved aside to {}; it is no longer read",
            path.display()
        ));
    }
    Ok(())
}

/// Says where damaged spool files were put, so a person can look at them.
fn report_damaged(spool: &Spool) -> anyhow::Result<()> {
    let damaged = spool.damaged()?;
    if !damaged.is_empty() {
        let list: Vec<String> = damaged.iter().map(|p| p.display().to_string()).collect();
        write_stderr_line(&format!(
            "ccmon: {} damaged spool files were moved aside (their readable records were delivered; nothing else reads them): {}",
            damaged.len(),
            list.join(", ")
        ));
    }
    Ok(())
}

/// The Redis settings, when Redis is configured.
fn redis(
    settings: &Settings,
    timeout: Duration,
    record: Option<&RecordArgs>,
) -> anyhow::Result<Option<RedisConfig>> {
    let Some(url) = &settings.redis else {
        return Ok(None);
    };
    let mut cfg = RedisConfig::new(url.value.clone());
    cfg.timeout = timeout;
    cfg.ca_file = settings.tls.value.ca_file.clone();
    if let Some(r) = record {
        // 0 is "keep everything": a threshold no stream reaches (Redis takes up to i64::MAX).
        cfg.maxlen = if r.maxlen == 0 {
            i64::MAX.unsigned_abs()
        } else {
            r.maxlen
        };
        cfg.ttl = (!r.ttl.is_zero()).then_some(r.ttl);
    }
    Ok(Some(cfg))
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// Delivers every spooled run; returns what was delivered and what is left.
fn deliver_spool(cfg: RedisConfig, spool: &Spool) -> anyhow::Result<(u64, u64)> {
    let rt = runtime()?;
    let mut sink = RedisSink::new(cfg)?;
    let delivered = rt.block_on(delivery::deliver_all(
        &mut sink,
        spool,
        None,
        // No run of this process is current: nothing is kept, ended runs go whole.
        u64::MAX,
    ));
    let left = delivery::pending(spool)?;
    match delivered {
        Ok(d) => Ok((d.written, left)),
        Err(DeliveryError::Target(e)) => Err(anyhow::Error::new(e).context(format!(
            "{left} events stay in the spool {}",
            spool.dir().display()
        ))),
        Err(e) => Err(e.into()),
    }
}

/// `stream ingest FILE|-`.
pub fn ingest(
    args: &StreamIngestArgs,
    settings: &Settings,
    printer: &Printer,
) -> anyhow::Result<Outcome> {
    crate::stream::pricing::set_overrides(settings.pricing.clone());
    let spool = spool(args.record.spool_dir.as_deref(), settings)?;
    let redis = redis(settings, args.record.redis_timeout, Some(&args.record))?;
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
            std::fs::File::open(&args.input).map_err(crate::exit::UnreadableInput::of(&source))?;
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
    let url = redis
        .as_ref()
        .map(|cfg| crate::redact::redact(cfg.url.as_str()).into_owned());
    let spec = IngestSpec {
        recorder: RecorderConfig {
            agent_id: args.record.agent_id.clone(),
            command: format!("ingest {source}"),
            batch_size: INGEST_BATCH,
        },
        run_id: new_run_id(
            u128::try_from(now.as_millisecond()).unwrap_or(0),
            std::process::id(),
        ),
        started_at: clock::rfc3339(now),
        spool: spool.clone(),
        redis,
        spool_max: args.record.spool_max,
        max_line: args.record.max_line,
    };
    // The typed errors inside go on as they are, so the exit code is theirs.
    let done = crate::stream::ingest(reader, &source, spec).map_err(|e| match e {
        IngestError::Spool(e) => anyhow::Error::new(e),
        IngestError::Redis(e) => anyhow::Error::new(e),
        other => anyhow::Error::new(other),
    })?;
    let summary = done.summary;
    match (done.redis, url) {
        (Some((0, _)), Some(url)) => write_stderr_line(&format!(
            "recorded {} events of agent {} in redis at {url}",
            done.recorded, summary.agent_id,
        )),
        (Some((left, failure)), Some(url)) => {
            let why = failure
                .as_ref()
                .map(|e| format!(" ({})", crate::stream::forwarder::error_chain(e)))
                .unwrap_or_default();
            write_stderr_line(&format!(
                "warning: redis at {url} did not take every event{why}; {left} stay in the spool {}; \
                 `ccmon stream flush` delivers them",
                spool.dir().display(),
            ));
        }
        _ => write_stderr_line(&format!(
            "recorded {} events of agent {} in {}",
            done.recorded,
            summary.agent_id,
            spool.dir().display()
        )),
    }
    printer.print(&AgentList(vec![summary]))?;
    Ok(ExitStatus::Success.into())
}

/// `stream watch -- CMD ARGS...`: exits with the child's code.
pub fn watch(
    args: &StreamWatchArgs,
    settings: &Settings,
    printer: &Printer,
) -> anyhow::Result<Outcome> {
    use crate::stream::monitor::MonitorConfig;
    use crate::stream::stuck::StuckConfig;
    use crate::stream::supervisor::{Display, WatchConfig, watch};
    crate::stream::pricing::set_overrides(settings.pricing.clone());
    let spool = spool(args.record.spool_dir.as_deref(), settings)?;
    // Runs of a ccmon that died are completed first, so the forwarder delivers them whole.
    if let Err(e) = recover_intakes(&spool) {
        write_stderr_line(&format!("ccmon: {e:#}"));
    }
    let redis = redis(settings, args.record.redis_timeout, Some(&args.record))?;
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
    let stuck = StuckConfig {
        floor: args.stuck_floor,
        multiplier: args.stuck_multiplier,
        tool_timeout: args.tool_timeout,
        repeated_tool_calls: args.repeated_tool_calls,
        consecutive_tools: args.consecutive_tools,
        consecutive_thinking: args.consecutive_thinking,
        api_retry_storm: args.api_retry_storm,
        result_exit_timeout: args.result_exit_timeout,
        ..StuckConfig::default()
    };
    let config = WatchConfig {
        command: args.command.clone(),
        display,
        kill_grace: args.kill_grace,
        monitor: MonitorConfig {
            recorder: RecorderConfig {
                agent_id: args.record.agent_id.clone(),
                command: args.command.join(" "),
                batch_size: BATCH,
            },
            spool,
            pretty: display == Display::Pretty,
            stuck,
            on_stuck: args.on_stuck.clone(),
            episodes: None,
            memory: None,
            recorded: None,
            release: std::sync::Arc::default(),
            input_closed: std::sync::Arc::default(),
            spool_max: redis.as_ref().map(|_| args.record.spool_max),
        },
        flush_interval: Duration::from_millis(20),
        max_line: args.record.max_line,
        metrics_listen: args.metrics_listen.clone(),
        redis,
        final_delivery: Duration::from_secs(10),
        spool_keep: args.spool_keep,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let outcome = runtime.block_on(watch(config, run_id))?;
    if let Some(lost) = &outcome.unrecorded {
        write_stderr_line(&match &lost.intake {
            Some(path) => format!(
                "ccmon: {} lines passed through are NOT recorded in the spool log or Redis (the spool could not be written); the intake {} keeps what it could hold of them, and `ccmon stream flush` (or `stream ls`) records that once the disk has room",
                lost.lines,
                path.display()
            ),
            None => format!(
                "ccmon: {} lines passed through were NOT recorded (the spool could not be written and Redis did not take them)",
                lost.lines
            ),
        });
        return Ok(Outcome::Code(outcome.exit_code));
    }
    let s = &outcome.summary;
    tracing::info!(
        agent = %s.agent_id,
        events = outcome.recorded,
        exit_code = outcome.exit_code,
        "agent finished"
    );
    if outcome.spooled > 0 {
        write_stderr_line(&format!(
            "ccmon: {} events could not be delivered to redis and stay in the spool; `ccmon stream flush` delivers them",
            outcome.spooled
        ));
    }
    if display == Display::Pretty {
        write_stderr_line(&format!(
            "ccmon: agent {} exited with code {} after {} turns, {} tool calls, {}/{} tokens, {}",
            s.agent_id,
            outcome.exit_code,
            s.turns,
            s.tool_calls,
            s.tokens_in,
            s.tokens_out,
            report::summary_cost_text(s)
        ));
    }
    Ok(Outcome::Code(outcome.exit_code))
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
            "RATE LIMIT",
            "MODEL",
        ];
        if wide {
            h.extend([
                "EVENTS",
                "CACHE READ/WRITE",
                "MODELS",
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
                    report::summary_cost_text(s),
                    report::rate_limit_text(s, now),
                    s.model.clone(),
                ];
                if wide {
                    row.extend([
                        s.events.to_string(),
                        format!("{}/{}", s.tokens_cache_read, s.tokens_cache_creation),
                        models_cell(s),
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

/// Each model's tokens in/out and cost, for `-o wide`.
fn models_cell(s: &Summary) -> String {
    if s.models.is_empty() {
        return "-".to_owned();
    }
    s.models
        .iter()
        .map(|(model, m)| {
            let cost = m
                .cost_usd
                .map_or_else(|| "?".to_owned(), |c| format!("${c:.4}"));
            format!("{model} {}/{} {cost}", m.tokens_in, m.tokens_out)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `stream ls`; with `ids_only` (global `-q`) just the agent ids, one per line.
pub fn ls(
    args: &StreamLsArgs,
    settings: &Settings,
    printer: &Printer,
    ids_only: bool,
) -> anyhow::Result<Outcome> {
    let mut agents = stored_agents(args.spool_dir.as_deref(), settings)?;
    if let Some(state) = args.state {
        agents.retain(|a| a.state == state);
    }
    if ids_only && matches!(printer.format(), Format::Table | Format::Wide) {
        let ids: String = agents.iter().map(|a| format!("{}\n", a.agent_id)).collect();
        write_stdout(&ids)?;
        return Ok(ExitStatus::Success.into());
    }
    printer.print(&AgentList(agents))?;
    Ok(ExitStatus::Success.into())
}

/// The agents' summaries: from Redis when it is configured, else from the spool (`stream
/// ls` and `stream report` read the same).
fn stored_agents(spool_dir: Option<&Path>, settings: &Settings) -> anyhow::Result<Vec<Summary>> {
    Ok(match redis(settings, READ_TIMEOUT, None)? {
        Some(cfg) => {
            let mut sink = RedisSink::new(cfg)?;
            runtime()?.block_on(sink.agents())?
        }
        None => {
            let spool = spool(spool_dir, settings)?;
            recover_intakes(&spool)?;
            report_damaged(&spool)?;
            spool.agents()?
        }
    })
}

/// `stream report`: the fleet's tokens and cost by agent, model or day, with a total.
pub fn report(
    args: &StreamReportArgs,
    settings: &Settings,
    printer: &Printer,
) -> anyhow::Result<Outcome> {
    let since = match args.since {
        Some(ago) => {
            let shown = crate::duration::PromDuration(ago);
            let ago = jiff::SignedDuration::try_from(ago).map_err(|_| {
                crate::config::ConfigError::BadFlag {
                    flag: "--since",
                    message: format!("{shown} is too long"),
                }
            })?;
            Some(clock::now().checked_sub(ago).map_err(|_| {
                crate::config::ConfigError::BadFlag {
                    flag: "--since",
                    message: format!("{shown} reaches before the earliest time"),
                }
            })?)
        }
        None => None,
    };
    let by = match args.by {
        ReportByArg::Agent => GroupBy::Agent,
        ReportByArg::Model => GroupBy::Model,
        ReportByArg::Day => GroupBy::Day,
    };
    let agents = stored_agents(args.spool_dir.as_deref(), settings)?;
    printer.print(&FleetReport(report::build(&agents, by, since)))?;
    Ok(ExitStatus::Success.into())
}

/// The fleet report, for `stream report`: one row per group and a `TOTAL` row.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct FleetReport(pub Report);

impl Tabular for FleetReport {
    fn headers(&self, _wide: bool) -> Vec<&'static str> {
        let key = match self.0.by {
            GroupBy::Agent => "AGENT",
            GroupBy::Model => "MODEL",
            GroupBy::Day => "DAY (UTC)",
        };
        vec![
            key,
            "AGENTS",
            "INPUT",
            "OUTPUT",
            "CACHE READ",
            "CACHE WRITE",
            "COST",
            "ESTIMATED",
        ]
    }

    fn rows(&self, _wide: bool) -> Vec<Vec<String>> {
        if self.0.rows.is_empty() {
            return Vec::new();
        }
        let row = |key: &str, f: &report::Figures| {
            vec![
                key.to_owned(),
                f.agents.to_string(),
                f.tokens_in.to_string(),
                f.tokens_out.to_string(),
                f.tokens_cache_read.to_string(),
                f.tokens_cache_creation.to_string(),
                report::cost_text(f.cost_usd, f.cost_estimated, f.cost_unknown),
                if f.cost_estimated {
                    format!("~${:.4}", f.cost_estimated_usd)
                } else {
                    "-".to_owned()
                },
            ]
        };
        let mut rows: Vec<Vec<String>> = self
            .0
            .rows
            .iter()
            .map(|r| row(&r.key, &r.figures))
            .collect();
        rows.push(row("TOTAL", &self.0.total));
        rows
    }

    fn empty_message(&self) -> Option<&'static str> {
        Some("no agents to report: none recorded yet, or none with an event in the --since window")
    }
}

/// `stream tail [AGENT]`.
pub fn tail(
    args: &StreamTailArgs,
    settings: &Settings,
    printer: &Printer,
) -> anyhow::Result<Outcome> {
    if let Some(cfg) = redis(settings, READ_TIMEOUT, None)? {
        return tail_redis(args, cfg, printer);
    }
    let spool = spool(args.spool_dir.as_deref(), settings)?;
    recover_intakes(&spool)?;
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
    let mut tools = ToolClock::default();
    // Keep only the last N records in memory, whatever the spool's size.
    let mut last: std::collections::VecDeque<Record> = std::collections::VecDeque::new();
    let mut follow = None;
    for (i, path) in logs.iter().enumerate() {
        let mut reader = LogReader::open(path)?;
        let mut damaged = false;
        while let Some(record) = next_readable(&mut reader, &mut damaged)? {
            if last.len() == args.lines {
                last.pop_front();
            }
            if args.lines > 0 {
                last.push_back(record);
            }
        }
        if i + 1 == logs.len() {
            follow = Some((path.clone(), reader, damaged));
        }
    }
    for record in &last {
        print_event(record, printer.format(), &mut tools)?;
    }
    if args.follow
        && let Some((mut path, mut reader, mut damaged)) = follow
    {
        // Polling keeps this independent of the writer (another process, maybe killed);
        // a fifth of a second is quick for a person and nothing for the disk.
        loop {
            while let Some(record) = next_readable(&mut reader, &mut damaged)? {
                print_event(&record, printer.format(), &mut tools)?;
            }
            std::thread::sleep(Duration::from_millis(200));
            // A newer run of the same agent takes over the tail.
            if let Some(newest) = spool.run_logs(&agent)?.pop()
                && newest != path
            {
                reader = LogReader::open(&newest)?;
                path = newest;
                damaged = false;
            }
        }
    }
    Ok(ExitStatus::Success.into())
}

fn tail_redis(
    args: &StreamTailArgs,
    cfg: RedisConfig,
    printer: &Printer,
) -> anyhow::Result<Outcome> {
    let rt = runtime()?;
    let mut sink = RedisSink::new(cfg)?;
    let agent = match &args.agent {
        Some(a) => a.clone(),
        None => match rt.block_on(sink.agents())?.into_iter().next() {
            Some(s) => s.agent_id,
            None => bail!("no agents recorded in redis yet"),
        },
    };
    // One more than shown, so a follow starts right after the newest even with -n 0.
    let recent = rt.block_on(sink.recent_events(&agent, args.lines.saturating_add(1)))?;
    if recent.is_empty() && !args.follow {
        bail!("no events recorded for agent {agent:?} in redis");
    }
    let skip = recent.len().saturating_sub(args.lines);
    let mut tools = ToolClock::default();
    for (_, record) in recent.iter().skip(skip) {
        print_event(record, printer.format(), &mut tools)?;
    }
    if args.follow {
        // XREAD BLOCK from the newest entry shown (`$`: from now, when none were).
        let mut after = recent
            .last()
            .map_or_else(|| "$".to_owned(), |(id, _)| id.clone());
        loop {
            let batch =
                rt.block_on(sink.read_blocking(&agent, &after, Duration::from_secs(5), 1000))?;
            for (id, record) in &batch {
                print_event(record, printer.format(), &mut tools)?;
                after.clone_from(id);
            }
        }
    }
    Ok(ExitStatus::Success.into())
}

/// `stream flush`: delivers every spooled run to Redis; runs of a ccmon that died are
/// marked ended first, so they leave the spool once delivered.
pub fn flush(args: &StreamFlushArgs, settings: &Settings) -> anyhow::Result<Outcome> {
    let spool = spool(args.spool_dir.as_deref(), settings)?;
    let Some(cfg) = redis(settings, args.redis_timeout, None)? else {
        return Err(crate::config::ConfigError::Conflict {
            message:
                "no Redis is configured, so the spool is the store and there is nothing to flush; \
                      set REDIS_URL, --redis-url or `redis:` in the context"
                    .to_owned(),
        }
        .into());
    };
    // Nothing here may keep flush from delivering on a full disk: it needs no new file.
    if let Err(e) = recover_intakes(&spool) {
        write_stderr_line(&format!("ccmon: {e:#}"));
    }
    for run in spool.runs()? {
        if let Some(mut s) = run.summary()
            && s.state != AgentState::Exited
            && s.owner_pid
                .is_none_or(|pid| !crate::stream::signal::process_alive(pid))
        {
            s.state = AgentState::Exited;
            s.stuck_reason = None;
            if let Err(e) = run.write_summary(&s) {
                write_stderr_line(&format!(
                    "ccmon: cannot mark the run of a ccmon that died as ended (its events are delivered anyway): {e:#}"
                ));
            }
        }
    }
    let before = delivery::pending(&spool)?;
    let delivered = deliver_spool(cfg, &spool);
    report_damaged(&spool)?;
    let (written, left) = delivered?;
    write_stderr_line(&format!(
        "delivered {} spooled events ({written} new to redis); {left} left in {}",
        before.saturating_sub(left),
        spool.dir().display()
    ));
    Ok(ExitStatus::Success.into())
}

/// The next record of a log, or `None` at its end or at damage (reported: one damaged run
/// must not hide the others).
/// The next record of a log, `None` at its end. A damaged record ends the log: it is
/// reported once (`damaged` remembers it, so a follow does not repeat it every poll) and
/// nothing after it is read.
fn next_readable(reader: &mut LogReader, damaged: &mut bool) -> anyhow::Result<Option<Record>> {
    if *damaged {
        return Ok(None);
    }
    match reader.next_record() {
        Ok(r) => Ok(r),
        Err(e @ crate::stream::spool::SpoolError::Corrupt { .. }) => {
            *damaged = true;
            write_stderr_line(&format!("ccmon: {e}; the records after it are not shown"));
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// One event per line: readable text, or one JSON object per line (NDJSON) with `-o json`.
fn print_event(record: &Record, format: Format, tools: &mut ToolClock) -> anyhow::Result<()> {
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
            tools.describe_record(record)
        ),
    };
    write_stdout(&line)?;
    Ok(())
}
