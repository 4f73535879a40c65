//! The monitor thread of `stream watch`: it owns everything that follows the agent's
//! lines in order — the recorder (records fsynced to the spool), the metrics — and talks
//! to the supervisor only through messages, so nothing is shared behind a lock. A failing
//! disk is retried, never skipped: the bounded channel then fills and the agent is slowed
//! down instead of losing output.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, watch};

use super::describe::ToolClock;
use super::intake::Reclaimer;
use super::memory_queue::{MemoryQueue, SafetyNet};
use super::messages::Episode;
pub use super::messages::{FromMonitor, Line, ToMonitor};
use super::metrics::StreamMetrics;
use super::parse::Parsed;
use super::recorder::{Recorder, RecorderConfig};
use super::signal::{ProcessGroup, Signal};
use super::spool::{Spool, SpoolError};
use super::spool_sink::SpoolSink;
use super::status_line::StatusLine;
use super::stuck::{Detector, StuckConfig, Transition};
use super::summary::AgentState;
use crate::clock;

/// Lines in flight to the monitor: enough to absorb a burst, small enough that a stalled
/// disk stops the reading (and so the agent) quickly.
pub const CHANNEL_DEPTH: usize = 1024;

/// Lines whose metrics wait for the agent id (the recorder holds as many, see there).
const HOLD_FOR_ID: usize = 64;

/// What to do when the agent is stuck (`--on-stuck`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OnStuck {
    /// Report it (stderr, metrics, meta) and nothing more.
    Warn,
    /// Send SIGINT to the agent's group (Claude Code stops its current turn).
    Interrupt,
    /// Stop the agent: SIGTERM, then SIGKILL after the kill grace.
    Kill,
    /// Run a shell command with `CCMON_AGENT_ID`, `CCMON_AGENT_PID`, `CCMON_STUCK_REASON`
    /// and `CCMON_STUCK_DETAIL` in its environment.
    Exec(String),
}

impl OnStuck {
    /// The action's name, as recorded with an episode.
    pub fn name(&self) -> &'static str {
        match self {
            OnStuck::Warn => "warn",
            OnStuck::Interrupt => "interrupt",
            OnStuck::Kill => "kill",
            OnStuck::Exec(_) => "exec",
        }
    }

    /// Parses `warn`, `interrupt`, `kill` or `exec CMD`.
    pub fn parse(s: &str) -> Option<OnStuck> {
        match s.trim() {
            "warn" => Some(OnStuck::Warn),
            "interrupt" => Some(OnStuck::Interrupt),
            "kill" => Some(OnStuck::Kill),
            other => other
                .strip_prefix("exec ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(|c| OnStuck::Exec(c.to_owned())),
        }
    }
}

/// Settings of the monitor.
#[derive(Debug, Clone)]
pub struct MonitorConfig {
    /// Recording settings.
    pub recorder: RecorderConfig,
    /// Where records go.
    pub spool: Spool,
    /// Print the live view.
    pub pretty: bool,
    /// Stuck and loop thresholds.
    pub stuck: StuckConfig,
    /// What to do about a stuck agent.
    pub on_stuck: OnStuck,
    /// Where stuck episodes go for the `agents:stuck` stream (with Redis).
    pub episodes: Option<mpsc::UnboundedSender<Episode>>,
    /// Bound on undelivered spool bytes (with Redis); `None` when the spool is the store.
    pub spool_max: Option<u64>,
    /// Set by the supervisor when the agent has exited: the bound no longer applies.
    pub release: Arc<AtomicBool>,
    /// With Redis: where batches wait when the disk refuses them (the degraded mode).
    pub memory: Option<Arc<MemoryQueue>>,
    /// Woken after every recorded batch (the forwarder waits on it).
    pub recorded: Option<Arc<tokio::sync::Notify>>,
    /// Set when the agent can get no more input (a one-prompt command, or its stdin ended):
    /// from then on a main-thread `result` should be followed by its exit.
    pub input_closed: Arc<AtomicBool>,
}

/// Handles to a running monitor.
pub struct Monitor {
    /// Where to send lines and ticks.
    pub sender: mpsc::Sender<ToMonitor>,
    /// The latest metrics text.
    pub metrics: watch::Receiver<String>,
    /// The thread.
    pub thread: std::thread::JoinHandle<()>,
    /// Requests to the supervisor.
    pub requests: mpsc::UnboundedReceiver<FromMonitor>,
    /// How the recording goes, for a supervisor that must decide whether to wait for it.
    pub progress: Arc<Progress>,
}

/// What the monitor has recorded, readable while it is blocked on a failing disk.
#[derive(Debug, Default)]
pub struct Progress {
    /// Records written to the spool log (fsynced).
    pub recorded: std::sync::atomic::AtomicU64,
    /// Whether the last attempt to write the spool failed (a full or failing disk).
    pub failing: AtomicBool,
    /// Bytes of lines sent to the monitor and not taken yet: the supervisor stops handing
    /// over lines past [`IN_FLIGHT_BYTES`], so huge lines cannot pile up in the channel.
    pub in_flight: std::sync::atomic::AtomicUsize,
}

/// Bound on the bytes of lines on their way to the monitor (one line may exceed it alone).
pub const IN_FLIGHT_BYTES: usize = 8 * 1024 * 1024;

/// Starts the monitor thread for one run.
/// With `pretty`, the monitor also prints one line per event (the `--display pretty`
/// view), because it is the one that knows turns, tokens and cost.
/// `intake` frees the part of the run's intake that the log holds (see [`super::intake`]).
pub fn start(
    config: MonitorConfig,
    run_id: String,
    intake: Option<Reclaimer>,
) -> std::io::Result<Monitor> {
    let MonitorConfig {
        recorder,
        spool,
        pretty,
        stuck,
        on_stuck,
        episodes,
        spool_max,
        release,
        memory,
        recorded,
        input_closed,
    } = config;
    let (requests_tx, requests_rx) = mpsc::unbounded_channel();
    let (tx, mut rx) = mpsc::channel::<ToMonitor>(CHANNEL_DEPTH);
    let metrics = StreamMetrics::new();
    let (metrics_tx, metrics_rx) = watch::channel(metrics.render());
    let mut spool_sink = SpoolSink::new(spool, &run_id);
    if let Some(max) = spool_max {
        spool_sink = spool_sink.with_max_pending(max);
    }
    let sink = SafetyNet::new(spool_sink, memory.clone());
    let recorder = Recorder::new(recorder, run_id, clock::rfc3339(clock::now()), sink);
    let progress = Arc::new(Progress::default());
    let mut state = State {
        wake: recorded,
        memory,
        intake,
        progress: progress.clone(),
        recorder,
        metrics,
        metrics_tx,
        pid: None,
        held: Vec::new(),
        dirty: false,
        status: pretty.then(StatusLine::on_stdout).flatten(),
        tools: ToolClock::default(),
        pretty: pretty.then(Instant::now),
        detector: Detector::new(stuck, Instant::now())
            .with_wall_clock(clock::now().as_millisecond()),
        input_closed,
        on_stuck,
        requests: requests_tx,
        episodes,
        release,
    };
    let thread = std::thread::Builder::new()
        .name("ccmon-monitor".into())
        .spawn(move || {
            while let Some(msg) = rx.blocking_recv() {
                match msg {
                    ToMonitor::Line(line) => {
                        state
                            .progress
                            .in_flight
                            .fetch_sub(line.data.len(), Ordering::AcqRel);
                        state.line(*line);
                    }
                    ToMonitor::Tick => state.tick(),
                    ToMonitor::Published {
                        ok,
                        records,
                        seconds,
                        pending,
                    } => {
                        let agent = state
                            .recorder
                            .summary()
                            .map_or_else(String::new, |s| s.agent_id.clone());
                        state.metrics.publish(&agent, ok, records, seconds);
                        if let Some(n) = pending {
                            state.metrics.spool_pending(n);
                            // Reported to the fleet with the next meta write.
                            if let Some(s) = state.recorder.summary_mut() {
                                s.spool_pending = n;
                            }
                        }
                        state.dirty = true;
                    }
                    ToMonitor::Pid(pid) => {
                        state.pid = Some(pid);
                        state.stamp_pid();
                    }
                    ToMonitor::Finish(code, reply) => {
                        // Everything pending is written first, past the bound if need be.
                        state.flush_until_written(0);
                        if let Some(status) = &mut state.status {
                            status.erase();
                        }
                        let State { recorder, .. } = state;
                        let _ =
                            reply.send(recorder.finish(code).map(|(s, sink)| (s, sink.written())));
                        return;
                    }
                }
            }
        })?;
    Ok(Monitor {
        sender: tx,
        metrics: metrics_rx,
        thread,
        requests: requests_rx,
        progress,
    })
}

struct State {
    recorder: Recorder<SafetyNet>,
    memory: Option<Arc<MemoryQueue>>,
    wake: Option<Arc<tokio::sync::Notify>>,
    intake: Option<Reclaimer>,
    progress: Arc<Progress>,
    metrics: StreamMetrics,
    metrics_tx: watch::Sender<String>,
    pid: Option<u32>,
    held: Vec<(Parsed, Instant)>,
    dirty: bool,
    /// When pretty display is on: the start, for elapsed times.
    pretty: Option<Instant>,
    /// With pretty display on a terminal: the status line under the events.
    status: Option<StatusLine>,
    /// With pretty display: open tool calls, so results name their tool and duration.
    tools: ToolClock,
    detector: Detector,
    input_closed: Arc<AtomicBool>,
    on_stuck: OnStuck,
    requests: mpsc::UnboundedSender<FromMonitor>,
    episodes: Option<mpsc::UnboundedSender<Episode>>,
    release: Arc<AtomicBool>,
}

impl State {
    fn line(&mut self, line: Line) {
        let Line {
            data,
            parsed,
            at,
            instant,
            pos,
        } = line;
        let transitions = self.detector.observe(&parsed, instant);
        let shown = self.pretty.map(|start| {
            (
                start,
                self.tools
                    .describe(&parsed, &data, instant.saturating_duration_since(start)),
            )
        });
        match self.recorder.push_parsed(data, &parsed, &at, pos) {
            Ok(()) => self.recorded(),
            // The line is in the pending batch; only writing it failed.
            Err(_) => self.flush_until_written(0),
        }
        self.stamp_pid();
        if let Some((start, text)) = shown {
            self.show(start, instant, &parsed, &text);
        }
        match self.recorder.summary() {
            Some(summary) => {
                let agent = summary.agent_id.clone();
                for (p, t) in std::mem::take(&mut self.held) {
                    self.metrics.observe(&agent, &p, summary, t);
                }
                self.metrics.observe(&agent, &parsed, summary, instant);
            }
            None if self.held.len() < HOLD_FOR_ID => self.held.push((parsed, instant)),
            None => {}
        }
        for t in transitions {
            self.transition(t);
        }
        self.dirty = true;
    }

    fn transition(&mut self, t: Transition) {
        // Its stderr lines must not land on the status line; the next tick redraws it.
        if let Some(status) = &mut self.status {
            status.erase();
        }
        let agent = self
            .recorder
            .summary()
            .map_or_else(String::new, |s| s.agent_id.clone());
        match t {
            Transition::Stuck { reason, detail } => {
                crate::output::write_stderr_line(&format!(
                    "ccmon: agent {agent} is stuck ({reason}): {detail}"
                ));
                self.metrics.stuck(&agent, reason.as_str());
                if let Some(s) = self.recorder.summary_mut() {
                    s.state = AgentState::Stuck;
                    s.stuck_reason = Some(reason.as_str().to_owned());
                }
                // The meta shows the state before any hook runs: a hook may read it.
                self.state_changed();
                if let Some(tx) = &self.episodes {
                    let _ = tx.send(Episode {
                        agent_id: agent.clone(),
                        fields: vec![
                            ("reason", reason.as_str().to_owned()),
                            ("detail", detail.clone()),
                            ("started_at", clock::rfc3339(clock::now())),
                            ("pid", self.pid.map(|p| p.to_string()).unwrap_or_default()),
                            ("action", self.on_stuck.name().to_owned()),
                        ],
                    });
                }
                self.act(&agent, reason.as_str(), &detail);
            }
            Transition::Recovered { reason, after } => {
                crate::output::write_stderr_line(&format!(
                    "ccmon: agent {agent} made progress again after {} ({reason} episode over)",
                    crate::duration::format(Duration::from_secs(after.as_secs()))
                ));
                self.metrics.recovered();
                if let Some(s) = self.recorder.summary_mut() {
                    s.unstick(clock::now().as_millisecond());
                }
                self.state_changed();
            }
        }
    }

    fn act(&self, agent: &str, reason: &str, detail: &str) {
        let group = self.pid.and_then(ProcessGroup::of_leader);
        match &self.on_stuck {
            OnStuck::Warn => {}
            OnStuck::Interrupt => {
                if let Some(g) = group
                    && let Err(e) = g.signal(Signal::Int)
                {
                    tracing::warn!("cannot interrupt the agent: {e}");
                }
            }
            OnStuck::Kill => {
                let _ = self.requests.send(FromMonitor::Stop);
            }
            OnStuck::Exec(cmd) => {
                let spawned = std::process::Command::new("/bin/sh")
                    .args(["-c", cmd])
                    .env("CCMON_AGENT_ID", agent)
                    .env(
                        "CCMON_AGENT_PID",
                        self.pid.map(|p| p.to_string()).unwrap_or_default(),
                    )
                    .env("CCMON_STUCK_REASON", reason)
                    .env("CCMON_STUCK_DETAIL", detail)
                    .stdin(std::process::Stdio::null())
                    .stdout(std::process::Stdio::null())
                    .spawn();
                match spawned {
                    // Reaped on a thread of its own so a slow hook never blocks recording.
                    Ok(mut child) => {
                        let _ = std::thread::Builder::new()
                            .name("ccmon-on-stuck".into())
                            .spawn(move || {
                                if let Ok(status) = child.wait()
                                    && !status.success()
                                {
                                    tracing::warn!("--on-stuck command failed: {status}");
                                }
                            });
                    }
                    Err(e) => tracing::warn!("cannot run the --on-stuck command: {e}"),
                }
            }
        }
    }

    /// One line of the live view: elapsed, turn, event and what it says; the running
    /// totals when the run ends.
    fn show(&mut self, start: Instant, now: Instant, p: &Parsed, text: &str) {
        let secs = now.saturating_duration_since(start).as_secs();
        let turn = self.recorder.summary().map_or(0, |s| s.turns);
        let mut line = format!(
            "{:02}:{:02}  turn {:<3} {:<12} {}\n",
            secs / 60,
            secs % 60,
            turn,
            p.event_type().as_str(),
            text
        );
        if p.result.is_some()
            && let Some(s) = self.recorder.summary()
        {
            line.push_str(&format!(
                "       {} turns, {} tool calls, tokens {} in / {} out (cache {} read, {} written), {}\n",
                s.turns, s.tool_calls, s.tokens_in, s.tokens_out, s.tokens_cache_read, s.tokens_cache_creation,
                super::report::summary_cost_text(s)
            ));
        }
        match &mut self.status {
            Some(status) => status.print(&line, self.recorder.summary(), now),
            None => {
                let _ = crate::output::write_stdout(&line);
            }
        }
    }

    /// The agent's state changed without a line (a stuck episode, a rate limit's reset):
    /// the state gauge follows, and the meta shows it at once, not with the next batch.
    fn state_changed(&mut self) {
        if let Some(s) = self.recorder.summary() {
            let agent = s.agent_id.clone();
            self.metrics.state(&agent, s);
        }
        let _ = self.recorder.write_summary();
        if let Some(wake) = &self.wake {
            wake.notify_one();
        }
        self.dirty = true;
    }

    fn tick(&mut self) {
        if self.input_closed.load(Ordering::Acquire) {
            self.detector.no_more_input();
        }
        if let Some(t) = self.detector.tick(Instant::now()) {
            self.transition(t);
        }
        // A rate limit's reset passes with no line: the state follows the clock.
        if let Some(s) = self.recorder.summary_mut()
            && s.settle(clock::now().as_millisecond())
        {
            self.state_changed();
        }
        self.flush_until_written(0);
        if let Some(status) = &mut self.status {
            status.tick(self.recorder.summary(), Instant::now());
        }
        if let Some(memory) = &self.memory {
            let errors = memory.errors();
            if let Some(s) = self.recorder.summary_mut()
                && s.spool_write_errors != errors
            {
                s.spool_write_errors = errors;
                self.metrics.spool_write_errors(errors);
                self.dirty = true;
            }
        }
        if self.dirty {
            self.dirty = false;
            let _ = self.metrics_tx.send(self.metrics.render());
        }
    }

    fn flush_until_written(&mut self, mut attempt: u32) {
        while let Err(e) = self.recorder.flush() {
            // Once the agent has exited, nothing more can come: the last lines go to the
            // spool past its bound rather than keep ccmon from exiting or be lost.
            if matches!(e, SpoolError::Full { .. }) && self.release.load(Ordering::Acquire) {
                self.recorder.sink_mut().spool_mut().lift_bound();
                continue;
            }
            self.progress.failing.store(
                matches!(e, SpoolError::Io { .. } | SpoolError::MemoryFull { .. }),
                Ordering::Release,
            );
            retry_pause(&e, &mut attempt);
        }
        self.progress.failing.store(false, Ordering::Release);
        self.recorded();
    }

    /// After a successful write: publish the count, free the intake below it, wake the
    /// forwarder when something new is there to deliver.
    fn recorded(&mut self) {
        let written = self.recorder.sink_mut().written();
        if self.progress.recorded.swap(written, Ordering::AcqRel) != written
            && let Some(wake) = &self.wake
        {
            wake.notify_one();
        }
        // Once a batch bypassed the log (the degraded mode), the intake is the only copy
        // on disk of what follows: it is no longer freed.
        let bypassed = self.memory.as_ref().is_some_and(|m| m.ever_used());
        if let Some(intake) = &mut self.intake
            && !bypassed
        {
            intake.recorded(self.recorder.recorded_pos());
        }
    }

    fn stamp_pid(&mut self) {
        if let (Some(pid), Some(s)) = (self.pid, self.recorder.summary_mut())
            && s.pid.is_none()
        {
            s.pid = Some(pid);
            s.state = AgentState::Running;
        }
    }
}

fn retry_pause(e: &SpoolError, attempt: &mut u32) {
    *attempt += 1;
    // The first failure and then every tenth: a full disk must be seen, not flood the log.
    if *attempt == 1 || attempt.is_multiple_of(10) {
        crate::output::write_stderr_line(&format!(
            "ccmon: cannot write the spool (attempt {attempt}, retrying; the agent waits until \
             it can be recorded, SIGTERM or Ctrl-C stops it): {}",
            super::forwarder::error_chain(e)
        ));
    }
    std::thread::sleep(Duration::from_millis(
        100u64.saturating_mul(1 << (*attempt).min(5)),
    ));
}
