//! `stream watch`: runs the agent as a child in its own process group and supervises it
//! with one `select!` loop over the child's exit, its stdout, OS signals and timers. The
//! child's stdout is passed through byte for byte (or summarised), every line is parsed
//! once here and handed to the recording thread over a bounded channel, so a slow disk
//! slows the agent down instead of losing its output.

use std::io::Write as _;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::AsyncReadExt;
use tokio::process::Command;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::{mpsc, oneshot, watch};

use super::forwarder;
use super::intake::{Intake, IntakeHeader};
use super::lines::{Chunk, LineSplitter};
use super::monitor::{self, FromMonitor, Line, MonitorConfig, ToMonitor};
use super::recorder::parse_chunk;
use super::redis::{RedisConfig, RedisSink, RedisSinkError};
use super::signal::{ProcessGroup, Signal};
use super::spool::SpoolError;
use super::summary::Summary;
use crate::clock;

/// How the child's stdout is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Display {
    /// Byte for byte.
    Raw,
    /// One line per event.
    Pretty,
}

/// Settings of one watch.
#[derive(Debug, Clone)]
pub struct WatchConfig {
    /// The command and its arguments.
    pub command: Vec<String>,
    /// How stdout is shown.
    pub display: Display,
    /// Between SIGTERM and SIGKILL when stopping the child.
    pub kill_grace: Duration,
    /// Recording, display and stuck detection.
    pub monitor: MonitorConfig,
    /// Longest a recorded line waits before its batch is written.
    pub flush_interval: Duration,
    /// Bound on a line in memory (longer lines are recorded in chunks).
    pub max_line: usize,
    /// Serve the live metrics here.
    pub metrics_listen: Option<String>,
    /// Deliver to Redis (else the spool is the store).
    pub redis: Option<RedisConfig>,
    /// Longest wait for Redis to take the rest of the events at the end.
    pub final_delivery: Duration,
    /// Delivered bytes of the run kept in the spool (see `--spool-keep`).
    pub spool_keep: u64,
}

/// How the child ended, and what ccmon exits with.
#[derive(Debug, Clone)]
pub struct WatchOutcome {
    /// The child's exit code, or 128+N if it died of signal N.
    pub exit_code: u8,
    /// The agent's final summary.
    pub summary: Summary,
    /// Records written.
    pub recorded: u64,
    /// Records left in the spool for a later delivery to Redis (0 without Redis: the
    /// spool is then the store).
    pub spooled: u64,
    /// When ccmon was told to stop while the spool could not be written: the lines read
    /// from the agent that are not in the spool log, and whether the intake holds them
    /// (then `stream flush` records them).
    pub unrecorded: Option<Unrecorded>,
}

/// Lines that were passed through but not recorded when ccmon gave up waiting for the disk.
#[derive(Debug, Clone)]
pub struct Unrecorded {
    /// How many.
    pub lines: u64,
    /// The intake that holds them, if it is complete.
    pub intake: Option<std::path::PathBuf>,
}

/// Supervision failed before or around the child (not the child's own failure).
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    /// The command could not be started.
    #[error("cannot start `{command}`")]
    Spawn {
        /// The command.
        command: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Waiting for or reading from the child failed.
    #[error("lost contact with `{command}`")]
    Child {
        /// The command.
        command: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Installing a signal handler failed.
    #[error("cannot install signal handlers")]
    Signals(#[source] std::io::Error),
    /// The monitor thread could not be started.
    #[error("cannot start the monitor thread")]
    Thread(#[source] std::io::Error),
    /// The metrics server could not be started.
    #[error("cannot serve metrics")]
    Metrics(#[source] crate::serve::ServeError),
    /// The Redis settings are unusable.
    #[error("cannot use redis")]
    Redis(#[source] RedisSinkError),
    /// The recording thread stopped.
    #[error("the recording thread stopped unexpectedly")]
    Recording,
    /// The spool could not be written at the end of the run.
    #[error("cannot record the run")]
    Spool(#[source] SpoolError),
}

/// Runs the command to the end and records its stream.
pub async fn watch(config: WatchConfig, run_id: String) -> Result<WatchOutcome, WatchError> {
    let shown = config.command.join(" ");
    let Some((program, args)) = config.command.split_first() else {
        return Err(WatchError::Spawn {
            command: shown,
            source: std::io::Error::other("empty command"),
        });
    };
    // The monitor and the metrics endpoint come first: if either cannot start, no agent
    // is started either.
    let (episodes_tx, episodes_rx) = mpsc::unbounded_channel();
    let recorded = std::sync::Arc::new(tokio::sync::Notify::new());
    let mut monitor_config = config.monitor.clone();
    monitor_config.recorded = Some(recorded.clone());
    if config.redis.is_some() {
        monitor_config.episodes = Some(episodes_tx);
        monitor_config.memory = Some(std::sync::Arc::default());
    }
    let memory = monitor_config.memory.clone();
    let spool = monitor_config.spool.clone();
    let release = monitor_config.release.clone();
    let input_closed = monitor_config.input_closed.clone();
    if answers_one_prompt(&config.command) {
        input_closed.store(true, std::sync::atomic::Ordering::Release);
    }
    // Every byte of the agent's stdout goes here before it is passed through. Without it
    // (a full disk already) the run still goes on, recorded by the monitor alone.
    let mut intake = match Intake::create(
        &spool,
        &IntakeHeader {
            run_id: run_id.clone(),
            agent_id: config.monitor.recorder.agent_id.clone(),
            command: config.monitor.recorder.command.clone(),
            started_at: clock::rfc3339(clock::now()),
            max_line: config.max_line,
            batch_size: config.monitor.recorder.batch_size,
        },
    ) {
        Ok(intake) => Some(intake),
        Err(e) => {
            crate::output::write_stderr_line(&format!(
                "ccmon: {}; lines are recorded by the monitor alone, so a SIGKILL of ccmon \
                 could lose the newest of them",
                super::forwarder::error_chain(&e)
            ));
            None
        }
    };
    let monitor::Monitor {
        sender: to_recorder,
        metrics,
        thread: recorder_thread,
        mut requests,
        progress,
    } = monitor::start(
        monitor_config,
        run_id.clone(),
        intake.as_ref().and_then(Intake::reclaimer),
    )
    .map_err(WatchError::Thread)?;
    let (stop_forwarder, stop_rx) = watch::channel(false);
    let forwarder = match &config.redis {
        Some(redis) => {
            let sink = RedisSink::new(redis.clone()).map_err(WatchError::Redis)?;
            let delivery = forwarder::run(
                sink,
                spool,
                run_id,
                stop_rx,
                episodes_rx,
                to_recorder.clone(),
                forwarder::Policy {
                    final_deadline: config.final_delivery,
                    keep: config.spool_keep,
                    memory: memory.clone(),
                    recorded: recorded.clone(),
                },
            );
            // Its own thread and runtime: delivery reads the spool with blocking file I/O,
            // which must never delay the agent's output on this runtime.
            let (done_tx, done_rx) = oneshot::channel();
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(WatchError::Thread)?;
            std::thread::Builder::new()
                .name("ccmon-forward".into())
                .spawn(move || {
                    let _ = done_tx.send(runtime.block_on(delivery));
                })
                .map_err(WatchError::Thread)?;
            Some(done_rx)
        }
        None => None,
    };
    let _metrics_server = match &config.metrics_listen {
        Some(addr) => Some(
            crate::serve::metrics(addr, metrics)
                .await
                .map_err(WatchError::Metrics)?,
        ),
        None => None,
    };
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .process_group(0)
        .kill_on_drop(true)
        .spawn()
        .map_err(|source| WatchError::Spawn {
            command: shown.clone(),
            source,
        })?;
    let group = child.id().and_then(ProcessGroup::of_leader);
    // If anything below fails or panics, the whole group goes with us.
    let _guard = GroupGuard(group);

    pass_stdin_through(child.stdin.take(), input_closed);
    let mut stdout = child.stdout.take().ok_or_else(|| WatchError::Child {
        command: shown.clone(),
        source: std::io::Error::other("no stdout pipe"),
    })?;

    if let Some(pid) = child.id() {
        to_recorder
            .send(ToMonitor::Pid(pid))
            .await
            .map_err(|_| WatchError::Recording)?;
    }

    let mut sigint = signal(SignalKind::interrupt()).map_err(WatchError::Signals)?;
    let mut sigterm = signal(SignalKind::terminate()).map_err(WatchError::Signals)?;
    let mut sighup = signal(SignalKind::hangup()).map_err(WatchError::Signals)?;
    let mut flush = tokio::time::interval(config.flush_interval);
    flush.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);

    let mut splitter = Splitter {
        lines: LineSplitter::new(config.max_line),
        pos: 0,
        read: 0,
    };
    // Lines read but not yet taken by the monitor (at most one read's worth).
    let mut queue: std::collections::VecDeque<ToMonitor> = std::collections::VecDeque::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut stdout_open = true;
    let mut interrupts = 0u32;
    // Whether an operator (or `--on-stuck kill`) asked ccmon to stop.
    let mut stopping = false;
    let mut kill_at: Option<tokio::time::Instant> = None;
    let mut status = None;
    let mut out = std::io::stdout();

    // Running until the child exits; its stdout may close earlier (or later, if a
    // grandchild holds it: handled after the loop).
    while status.is_none() {
        let kill_deadline = async {
            match kill_at {
                Some(at) => tokio::time::sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            exit = child.wait() => {
                status = Some(exit.map_err(|source| WatchError::Child { command: shown.clone(), source })?);
            }
            // Read only when the lines read before are with the monitor: a stalled monitor
            // (full spool) then stops the reading and so the agent, while this loop keeps
            // answering signals and the child's exit.
            read = stdout.read(&mut buf), if stdout_open && queue.is_empty() => {
                match read {
                    Ok(0) => stdout_open = false,
                    Ok(n) => {
                        // Recorded (a write(2): it survives ccmon's death) before it is shown.
                        if let Some(intake) = &mut intake {
                            intake.write(&buf[..n]);
                        }
                        pass_through(&mut out, config.display, &buf[..n]);
                        queue.extend(splitter.split(&buf[..n]).into_iter().map(line_message));
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(source) => return Err(WatchError::Child { command: shown.clone(), source }),
                }
            }
            // Lines go over while the bytes on their way stay bounded (checked again on
            // every tick): a 600 MB line then streams through in chunks instead of piling up.
            permit = to_recorder.reserve(), if !queue.is_empty()
                && progress.in_flight.load(std::sync::atomic::Ordering::Acquire) < monitor::IN_FLIGHT_BYTES => {
                let permit = permit.map_err(|_| WatchError::Recording)?;
                if let Some(msg) = queue.pop_front() {
                    if let ToMonitor::Line(line) = &msg {
                        progress.in_flight.fetch_add(line.data.len(), std::sync::atomic::Ordering::AcqRel);
                    }
                    permit.send(msg);
                }
            }
            _ = flush.tick() => {
                // A tick that finds the monitor busy is not needed: it flushes anyway.
                match to_recorder.try_send(ToMonitor::Tick) {
                    Ok(()) | Err(mpsc::error::TrySendError::Full(_)) => {}
                    Err(mpsc::error::TrySendError::Closed(_)) => return Err(WatchError::Recording),
                }
            }
            _ = sigint.recv() => {
                interrupts += 1;
                stopping = true;
                // A second Ctrl-C means "now".
                let sig = if interrupts > 1 { Signal::Kill } else { Signal::Int };
                if interrupts == 1 {
                    crate::output::write_stderr_line(
                        "ccmon: interrupting the agent (Ctrl-C again to kill it)",
                    );
                }
                forward(group, sig);
            }
            _ = sigterm.recv() => {
                stopping = true;
                forward(group, Signal::Term);
                kill_at.get_or_insert(tokio::time::Instant::now() + config.kill_grace);
            }
            _ = sighup.recv() => forward(group, Signal::Hup),
            Some(FromMonitor::Stop) = requests.recv() => {
                forward(group, Signal::Term);
                kill_at.get_or_insert(tokio::time::Instant::now() + config.kill_grace);
            }
            () = kill_deadline => {
                forward(group, Signal::Kill);
                kill_at = None;
            }
        }
    }

    // The child is gone. Read what it left in the pipe; a grandchild that keeps stdout
    // open must not keep ccmon alive, so the group is ended after a short grace.
    // The agent is gone: its last lines may exceed the spool's bound.
    release.store(true, std::sync::atomic::Ordering::Release);
    let drain_until = tokio::time::Instant::now() + Duration::from_millis(500);
    while stdout_open {
        match tokio::time::timeout_at(drain_until, stdout.read(&mut buf)).await {
            Ok(Ok(0)) | Err(_) => stdout_open = false,
            Ok(Ok(n)) => {
                if let Some(intake) = &mut intake {
                    intake.write(&buf[..n]);
                }
                pass_through(&mut out, config.display, &buf[..n]);
                queue.extend(splitter.split(&buf[..n]).into_iter().map(line_message));
            }
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Ok(Err(_)) => stdout_open = false,
        }
    }
    forward(group, Signal::Kill);
    if let Some(chunk) = splitter.finish() {
        queue.push_back(line_message(chunk));
    }
    let status = status.ok_or(WatchError::Recording)?;
    let (code, exit_code) = exit_codes(status);

    // Hand the rest to the monitor and wait for the final summary. A monitor that cannot
    // write (a full or failing disk, Redis down) must not keep ccmon from ending when it
    // is told to: a signal now (or one received before, while the disk is failing) gives
    // up, and says what is not recorded.
    let mut stop = Stop {
        sigint,
        sigterm,
        asked: stopping,
    };
    let (reply, result) = oneshot::channel();
    queue.push_back(ToMonitor::Finish(code, reply));
    let handed = async {
        for msg in queue.drain(..) {
            if let ToMonitor::Line(line) = &msg {
                progress
                    .in_flight
                    .fetch_add(line.data.len(), std::sync::atomic::Ordering::AcqRel);
            }
            send(&to_recorder, msg).await?;
        }
        result.await.map_err(|_| WatchError::Recording)
    };
    let finished = tokio::select! {
        done = handed => Some(done?),
        () = stop.wanted(&progress) => None,
    };
    let Some(finished) = finished else {
        let recorded = progress.recorded.load(std::sync::atomic::Ordering::Acquire);
        let intake_path = intake
            .as_ref()
            .filter(|i| i.complete())
            .map(|i| i.path().to_owned());
        return Ok(WatchOutcome {
            exit_code,
            summary: Summary::new(
                config.monitor.recorder.agent_id.as_deref().unwrap_or(""),
                &config.monitor.recorder.command,
                "",
            ),
            recorded,
            spooled: 0,
            unrecorded: Some(Unrecorded {
                lines: splitter.read.saturating_sub(recorded),
                intake: intake_path,
            }),
        });
    };
    let (summary, recorded) = finished.map_err(WatchError::Spool)?;
    // Every line is in the log now: the intake has done its job. Unless the disk refused
    // some (they went to Redis from memory, or nowhere): then the intake keeps what it
    // could hold of them for a later `stream flush`, which Redis de-duplicates by seq.
    let bypassed = memory.as_ref().is_some_and(|m| m.ever_used());
    let kept_intake = match intake {
        Some(intake) if bypassed => Some(intake.path().to_owned()),
        Some(intake) => {
            intake.remove();
            None
        }
        None => None,
    };
    drop(to_recorder);
    let _ = recorder_thread.join();
    let _ = stop_forwarder.send(true);
    let left = match forwarder {
        Some(task) => task.await.unwrap_or_default(),
        None => forwarder::Left::default(),
    };
    Ok(WatchOutcome {
        exit_code,
        summary,
        recorded,
        spooled: left.spooled,
        // Events the disk refused and Redis never took are gone with ccmon.
        unrecorded: (left.in_memory > 0).then_some(Unrecorded {
            lines: left.in_memory,
            intake: kept_intake,
        }),
    })
}

/// The signals that end the wait for a blocked monitor.
struct Stop {
    sigint: tokio::signal::unix::Signal,
    sigterm: tokio::signal::unix::Signal,
    /// A stop was asked for while the agent ran.
    asked: bool,
}

impl Stop {
    /// Resolves when ccmon should stop waiting for the monitor: a new SIGINT or SIGTERM, or
    /// (once asked to stop earlier) the monitor failing to write.
    async fn wanted(&mut self, progress: &monitor::Progress) {
        let failing = async {
            if !self.asked {
                return std::future::pending().await;
            }
            while !progress.failing.load(std::sync::atomic::Ordering::Acquire) {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        };
        tokio::select! {
            () = failing => {}
            _ = self.sigint.recv() => {}
            _ = self.sigterm.recv() => {}
        }
    }
}

/// The child's stdout cut into lines, with the stdout position of each.
struct Splitter {
    lines: LineSplitter,
    /// Stdout bytes consumed by the lines cut so far.
    pos: u64,
    /// Lines (chunks) cut so far.
    read: u64,
}

impl Splitter {
    fn split(&mut self, bytes: &[u8]) -> Vec<(Chunk, u64)> {
        let mut chunks = Vec::new();
        let (pos, read) = (&mut self.pos, &mut self.read);
        self.lines.push(bytes, |c| {
            // A complete chunk consumed its newline too.
            *pos += c.data.len() as u64 + u64::from(c.complete);
            *read += 1;
            chunks.push((c, *pos));
        });
        chunks
    }

    fn finish(&mut self) -> Option<(Chunk, u64)> {
        let c = self.lines.finish()?;
        self.pos += c.data.len() as u64;
        self.read += 1;
        Some((c, self.pos))
    }
}

/// The exit code to record (None after a signal) and the one ccmon exits with.
fn exit_codes(status: std::process::ExitStatus) -> (Option<i32>, u8) {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => (Some(code), u8::try_from(code & 0xff).unwrap_or(1)),
        (None, Some(sig)) => (None, u8::try_from(128 + sig).unwrap_or(255)),
        (None, None) => (None, 1),
    }
}

/// A line for the monitor, parsed and stamped with its receive time now.
fn line_message((chunk, pos): (Chunk, u64)) -> ToMonitor {
    let parsed = parse_chunk(&chunk.data, chunk.complete);
    ToMonitor::Line(Box::new(Line {
        at: clock::rfc3339(clock::now()),
        instant: std::time::Instant::now(),
        data: chunk.data,
        parsed,
        pos,
    }))
}

async fn send(to: &mpsc::Sender<ToMonitor>, msg: ToMonitor) -> Result<(), WatchError> {
    to.send(msg).await.map_err(|_| WatchError::Recording)
}

/// Raw display copies the child's bytes as they come, partial lines included, so the
/// agent's output looks exactly as if ccmon were not there.
fn pass_through(out: &mut std::io::Stdout, display: Display, bytes: &[u8]) {
    if display == Display::Raw {
        // A closed stdout must not stop the recording: the agent keeps running.
        let mut lock = out.lock();
        let _ = lock.write_all(bytes).and_then(|()| lock.flush());
    }
}

fn forward(group: Option<ProcessGroup>, signal: Signal) {
    if let Some(group) = group
        && let Err(e) = group.signal(signal)
    {
        tracing::warn!("cannot send {} to the agent: {e}", signal.name());
    }
}

/// Kills the child's group when supervision ends for any reason.
struct GroupGuard(Option<ProcessGroup>);

impl Drop for GroupGuard {
    fn drop(&mut self) {
        forward(self.0, Signal::Kill);
    }
}

/// Whether the command runs Claude Code to answer one prompt: `-p`/`--print` without
/// `--input-format stream-json` (which keeps reading prompts from stdin).
fn answers_one_prompt(command: &[String]) -> bool {
    let args = command.get(1..).unwrap_or_default();
    let print = args.iter().any(|a| a == "-p" || a == "--print");
    let streamed_input = args
        .windows(2)
        .any(|w| w[0] == "--input-format" && w[1] == "stream-json")
        || args.iter().any(|a| a == "--input-format=stream-json");
    print && !streamed_input
}

/// Copies ccmon's stdin to the child on a detached thread: a blocking read of a terminal
/// must never delay ccmon's exit, and the process ends the thread when ccmon exits. When
/// the copy ends, the child can get no more input: `closed` says so to the monitor.
fn pass_stdin_through(
    stdin: Option<tokio::process::ChildStdin>,
    closed: std::sync::Arc<std::sync::atomic::AtomicBool>,
) {
    let Some(stdin) = stdin else { return };
    let Ok(fd) = stdin.into_owned_fd() else {
        return;
    };
    let mut to_child = std::fs::File::from(fd);
    let _ = std::thread::Builder::new()
        .name("ccmon-stdin".into())
        .spawn(move || {
            let _ = std::io::copy(&mut std::io::stdin().lock(), &mut to_child);
            // Dropping `to_child` closes the pipe: the child sees end of input.
            drop(to_child);
            closed.store(true, std::sync::atomic::Ordering::Release);
        });
}
