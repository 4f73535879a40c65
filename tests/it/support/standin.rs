//! The agent stand-in for tests: finds (or builds once) the `agent_standin` example that stands
//! in for `claude -p --output-format stream-json --verbose`, names the bundled recordings,
//! builds its command line, and watches it run: stdout and stderr are read on threads so a
//! test waits for "the Nth line" with a timeout instead of sleeping, and the process group,
//! liveness and ignored signals are read from /proc (Linux). Signals are sent with the shell's
//! `kill`, which keeps this harness free of `unsafe` (no `libc::kill`).

#![allow(dead_code)] // Each test module uses its own subset of the helpers.

use std::ffi::{OsStr, OsString};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// 47 lines, with subagent traffic (CC 2.0.25), from ariel-frischer/claude-clean (MIT).
pub const CLAUDE_CLEAN: &str = "claude-clean-simple.jsonl";
/// 3 lines: init, assistant, result (CC 2.1.7), from charlieyou/claude-agent-sdk-gleam.
pub const GLEAM_BASIC: &str = "gleam-basic-query.ndjson";
/// Every bundled recording.
pub const RECORDINGS: [&str; 2] = [CLAUDE_CLEAN, GLEAM_BASIC];
/// How long a helper waits for the stand-in before failing the test instead of hanging it.
pub const PATIENCE: Duration = Duration::from_secs(30);

const EXAMPLE: &str = "agent_standin";

/// A bundled recording: `tests/fixtures/stream-json/<name>`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/stream-json")
        .join(name)
}

/// The built stand-in. `cargo test` builds examples next to the test binary
/// (`target/<profile>/examples/` beside `target/<profile>/deps/`); when it is missing or older
/// than its source (`cargo test --test it`, nextest), it is built once with cargo.
pub fn standin_path() -> PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(locate_or_build).clone()
}

fn locate_or_build() -> PathBuf {
    let test_exe = std::env::current_exe().expect("the test binary knows its own path");
    let profile_dir = test_exe.parent().and_then(Path::parent);
    if let Some(dir) = profile_dir {
        let built = dir.join("examples").join(EXAMPLE);
        if is_fresh(&built) {
            return built;
        }
    }
    build(profile_dir)
}

/// True if `binary` exists and is not older than the example's source, so an edit to the
/// stand-in followed by `cargo test --test it` does not test the old one.
fn is_fresh(binary: &Path) -> bool {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/agent_standin.rs");
    let modified = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    match (modified(binary), modified(&source)) {
        (Some(binary), Some(source)) => binary >= source,
        (Some(_), None) => true,
        (None, _) => false,
    }
}

fn build(profile_dir: Option<&Path>) -> PathBuf {
    // The cargo that built this test; read at compile time because the package keeps
    // `std::env::var` to config.rs (clippy.toml).
    let cargo = option_env!("CARGO").unwrap_or("cargo");
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    let mut cmd = Command::new(cargo);
    cmd.args([
        "build",
        "--example",
        EXAMPLE,
        "--message-format=json-render-diagnostics",
    ])
    .arg("--manifest-path")
    .arg(&manifest);
    match profile_dir
        .and_then(Path::file_name)
        .and_then(OsStr::to_str)
    {
        Some("release") => {
            cmd.arg("--release");
        }
        Some(profile) if profile != "debug" => {
            cmd.args(["--profile", profile]);
        }
        _ => {}
    }
    let output = cmd
        .output()
        .unwrap_or_else(|err| panic!("cannot run {cmd:?}: {err}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let executable = stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|msg| msg["target"]["name"] == EXAMPLE)
        .find_map(|msg| msg["executable"].as_str().map(PathBuf::from));
    match executable {
        Some(path) if output.status.success() => path,
        _ => panic!(
            "cannot build the agent stand-in: {cmd:?} ended with {}\nstderr:\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ),
    }
}

/// Values of `--pace`.
#[derive(Debug, Clone, Copy)]
pub enum Pace {
    Fast,
    Recorded,
    Millis(u64),
}

/// The stand-in's command line, built flag by flag; see `agent_standin --help`.
#[derive(Debug, Clone)]
pub struct Standin {
    args: Vec<OsString>,
}

impl Standin {
    /// Replays the recording at `path` (see [`fixture`]).
    pub fn new(path: impl AsRef<Path>) -> Self {
        Self {
            args: vec!["--file".into(), path.as_ref().into()],
        }
    }

    /// Replays what is written to its stdin.
    pub fn from_stdin() -> Self {
        Self::new("-")
    }

    /// Adds a raw argument, for cases the typed methods do not cover (such as bad input).
    pub fn arg(mut self, arg: impl Into<OsString>) -> Self {
        self.args.push(arg.into());
        self
    }

    fn flag(self, name: &str, value: impl ToString) -> Self {
        self.arg(name).arg(value.to_string())
    }

    pub fn pace(self, pace: Pace) -> Self {
        match pace {
            Pace::Fast => self.flag("--pace", "fast"),
            Pace::Recorded => self.flag("--pace", "recorded"),
            Pace::Millis(ms) => self.flag("--pace", ms),
        }
    }

    pub fn speed(self, factor: f64) -> Self {
        self.flag("--speed", factor)
    }

    pub fn repeat(self, times: u64) -> Self {
        self.flag("--repeat", times)
    }

    pub fn hang_after(self, lines: u64) -> Self {
        self.flag("--hang-after", lines)
    }

    /// With `hang_after`: resume writing once `path` exists.
    pub fn resume_when(self, path: &Path) -> Self {
        self.arg("--resume-when").arg(path.as_os_str().to_owned())
    }

    pub fn exit_after(self, lines: u64, code: u8) -> Self {
        self.flag("--exit-after", lines).flag("--code", code)
    }

    /// `signal` is a name (`SEGV`, `SIGKILL`) or a number.
    pub fn signal_after(self, lines: u64, signal: &str) -> Self {
        self.flag("--signal-after", lines).flag("--signal", signal)
    }

    pub fn garbage_every(self, lines: u64) -> Self {
        self.flag("--garbage-every", lines)
    }

    pub fn invalid_utf8(self) -> Self {
        self.arg("--invalid-utf8")
    }

    pub fn big_line_at(self, lines: u64, mib: u64) -> Self {
        self.flag("--big-line-at", lines).flag("--big-line-mb", mib)
    }

    pub fn ignore_term(self) -> Self {
        self.arg("--ignore-term")
    }

    pub fn spawn_grandchild(self) -> Self {
        self.arg("--spawn-grandchild")
    }

    pub fn stderr_text(self, text: &str) -> Self {
        self.flag("--stderr-text", text)
    }

    pub fn echo_stdin(self) -> Self {
        self.arg("--echo-stdin")
    }

    /// Appends `--` and `args`, which the stand-in ignores: where a supervisor appends
    /// claude's own arguments (`-p --output-format stream-json --verbose ...`).
    pub fn args_after_double_dash<S: Into<OsString>>(
        self,
        args: impl IntoIterator<Item = S>,
    ) -> Self {
        args.into_iter().fold(self.arg("--"), Self::arg)
    }

    /// The arguments after the program name, for a caller that spawns the stand-in itself
    /// (ccmon's agent command); anything appended after a `--` is ignored by the stand-in.
    pub fn args(&self) -> &[OsString] {
        &self.args
    }

    /// A ready-to-run command; stdio is left to the caller.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(standin_path());
        cmd.args(&self.args);
        cmd
    }

    /// Starts it in its own process group with stdin null, stdout and stderr read on threads.
    pub fn spawn(&self) -> Running {
        let mut cmd = self.command();
        cmd.stdin(Stdio::null());
        Running::start(cmd)
    }

    /// Runs it to the end with stdin null; fails the test if it takes longer than [`PATIENCE`].
    pub fn run(&self) -> Finished {
        self.spawn().finish()
    }

    /// Runs it to the end with `input` on stdin.
    pub fn run_with_stdin(&self, input: &[u8]) -> Finished {
        let mut cmd = self.command();
        cmd.stdin(Stdio::piped());
        let mut running = Running::start(cmd);
        let mut stdin = running.child.stdin.take().expect("stdin is piped");
        let input = input.to_vec();
        // On a thread, so a child that does not read stdin cannot block the test.
        let writer = std::thread::spawn(move || {
            use std::io::Write;
            let _ = stdin.write_all(&input);
        });
        let finished = running.finish();
        let _ = writer.join();
        finished
    }
}

/// What a finished run left behind.
#[derive(Debug)]
pub struct Finished {
    pub status: ExitStatus,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

impl Finished {
    pub fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }

    /// Asserts the run exited 0, showing its status and stderr after `what`.
    #[track_caller]
    pub fn assert_success(&self, what: &str) {
        assert!(
            self.status.success(),
            "{what}: {:?} {}",
            self.status,
            self.stderr_text()
        );
    }
}

/// A running stand-in (or any child) in its own process group; on drop the whole group is
/// killed and the child reaped, so a failing test leaves no process behind.
pub struct Running {
    pub child: Child,
    pub stdout: Lines,
    pub stderr: Lines,
    command: String,
}

impl Running {
    /// Spawns `cmd` as the leader of a new process group with stdout and stderr piped; stdin is
    /// whatever the caller set (take `child.stdin` to write to it).
    pub fn start(mut cmd: Command) -> Running {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let command = format!("{cmd:?}");
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|err| panic!("cannot spawn {command}: {err}"));
        let stdout = Lines::read(child.stdout.take().expect("stdout is piped"), "stdout");
        let stderr = Lines::read(child.stderr.take().expect("stderr is piped"), "stderr");
        Running {
            child,
            stdout,
            stderr,
            command,
        }
    }

    /// The pid of the grandchild a stand-in with `spawn_grandchild()` announces: the next
    /// stderr line must be `grandchild pid N` (ccmon passes it through untouched).
    pub fn announced_grandchild(&self) -> i32 {
        let text = self
            .stderr
            .next_text()
            .expect("the grandchild pid on stderr");
        text.trim()
            .strip_prefix("grandchild pid ")
            .and_then(|pid| pid.parse().ok())
            .unwrap_or_else(|| panic!("unexpected stderr line {text:?}"))
    }

    pub fn pid(&self) -> i32 {
        i32::try_from(self.child.id()).expect("pids fit in i32")
    }

    /// Waits for the exit, failing the test after [`PATIENCE`].
    pub fn wait(&mut self) -> ExitStatus {
        let deadline = Instant::now() + PATIENCE;
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => return status,
                Ok(None) if Instant::now() < deadline => std::thread::sleep(POLL),
                Ok(None) => panic!("{} still runs after {PATIENCE:?}", self.command),
                Err(err) => panic!("cannot wait for {}: {err}", self.command),
            }
        }
    }

    /// Reads stderr until `needle` appears and returns what was read; fails the test if
    /// stderr ends first.
    pub fn stderr_until(&self, needle: &str) -> String {
        let mut seen = String::new();
        loop {
            let line = self
                .stderr
                .next_line()
                .unwrap_or_else(|| panic!("stderr ended without {needle:?}:\n{seen}"));
            seen.push_str(&String::from_utf8_lossy(&line));
            if seen.contains(needle) {
                return seen;
            }
        }
    }

    /// True while the child has not exited.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Sends `signal` to the child alone.
    pub fn signal(&self, signal: i32) {
        assert!(
            send_signal(self.pid(), signal),
            "cannot send signal {signal} to {}",
            self.command
        );
    }

    /// Sends `signal` to the child's whole process group.
    pub fn signal_group(&self, signal: i32) {
        assert!(
            send_signal(-self.pid(), signal),
            "cannot send signal {signal} to the group of {}",
            self.command
        );
    }

    /// Reads stdout and stderr to their end and waits for the exit.
    pub fn finish(mut self) -> Finished {
        let stdout = self.stdout.rest_bytes();
        let stderr = self.stderr.rest_bytes();
        let status = self.wait();
        Finished {
            status,
            stdout,
            stderr,
        }
    }

    /// The command line, for failure messages.
    pub fn command(&self) -> &str {
        &self.command
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        // A ccmon still running (a test failed before it ended) has put its agent in a group
        // of its own, which killing ccmon's group does not reach: end those groups first,
        // while they are still ccmon's children and can be found.
        if matches!(self.child.try_wait(), Ok(None)) {
            for pid in children(self.pid()) {
                send_signal(-pid, libc::SIGKILL);
                send_signal(pid, libc::SIGKILL);
            }
        }
        // The group may hold a grandchild even after the child exited; ESRCH is fine.
        send_signal(-self.pid(), libc::SIGKILL);
        let _ = self.child.wait();
    }
}

const POLL: Duration = Duration::from_millis(5);

/// The children of `pid` (the agent under a ccmon), from /proc. Read them before killing
/// a ccmon with SIGKILL: its agent outlives it and is then reparented, and a test must
/// leave no process behind.
pub fn children(pid: i32) -> Vec<i32> {
    std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|p| p.parse().ok())
        .collect()
}

/// Sends `signal` to `pid` (a negative pid is a process group), as kill(2) would; false if it
/// could not be sent (no such process). Uses the shell's `kill`, see the module comment.
pub fn send_signal(pid: i32, signal: i32) -> bool {
    Command::new("/bin/sh")
        .args(["-c", r#"kill -s "$0" -- "$1" 2>/dev/null"#])
        .arg(signal.to_string())
        .arg(pid.to_string())
        .stdin(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// The lines of a child's stdout or stderr, read on a thread so that tests can wait for output
/// with a timeout. Lines keep their `\n`; a last line without one comes as it is.
pub struct Lines {
    rx: Receiver<Vec<u8>>,
    stream: &'static str,
}

impl Lines {
    pub fn read(source: impl Read + Send + 'static, stream: &'static str) -> Lines {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(source);
            loop {
                let mut line = Vec::new();
                // EOF or a read error both end the stream; the sender's drop tells the reader.
                match reader.read_until(b'\n', &mut line) {
                    Ok(0) | Err(_) => return,
                    Ok(_) if tx.send(line).is_err() => return,
                    Ok(_) => {}
                }
            }
        });
        Lines { rx, stream }
    }

    /// The next line, or `None` at end of stream; fails the test after [`PATIENCE`].
    pub fn next_line(&self) -> Option<Vec<u8>> {
        match self.rx.recv_timeout(PATIENCE) {
            Ok(line) => Some(line),
            Err(RecvTimeoutError::Disconnected) => None,
            Err(RecvTimeoutError::Timeout) => panic!("no {} line within {PATIENCE:?}", self.stream),
        }
    }

    /// Exactly `n` lines; fails the test if the stream ends first.
    pub fn take(&self, n: usize) -> Vec<Vec<u8>> {
        (0..n)
            .map(|i| {
                self.next_line().unwrap_or_else(|| {
                    panic!(
                        "{} ended after {i} lines, expected at least {n}",
                        self.stream
                    )
                })
            })
            .collect()
    }

    /// Every remaining line, up to the end of the stream.
    pub fn rest(&self) -> Vec<Vec<u8>> {
        std::iter::from_fn(|| self.next_line()).collect()
    }

    /// Every remaining byte, up to the end of the stream.
    pub fn rest_bytes(&self) -> Vec<u8> {
        self.rest().concat()
    }

    /// The next line, converted lossily, without its line ending; `None` at end of stream.
    pub fn next_text(&self) -> Option<String> {
        self.next_line()
            .map(|line| String::from_utf8_lossy(&line).trim_end().to_owned())
    }

    /// True if nothing (neither a line nor the end) arrives within `window`. This is a claim
    /// about absence, so it can only be checked over time: keep `window` short.
    pub fn is_silent_for(&self, window: Duration) -> bool {
        matches!(self.rx.recv_timeout(window), Err(RecvTimeoutError::Timeout))
    }
}

/// The process group of `pid`, from /proc/<pid>/stat; `None` if there is no such process.
pub fn process_group(pid: i32) -> Option<i32> {
    stat_fields(pid)?.get(2)?.parse().ok()
}

/// True if `pid` exists and is not a zombie (an exited child nobody reaped yet; in containers
/// whose pid 1 does not reap, orphans stay zombies).
pub fn is_alive(pid: i32) -> bool {
    stat_fields(pid)
        .and_then(|fields| fields.first().cloned())
        .is_some_and(|state| state != "Z")
}

/// The fields of /proc/<pid>/stat after the command name (state, ppid, pgrp, ...).
fn stat_fields(pid: i32) -> Option<Vec<String>> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may itself hold spaces or parentheses.
    let after_name = &stat[stat.rfind(')')? + 1..];
    Some(after_name.split_whitespace().map(str::to_owned).collect())
}

/// True if `pid` has `signal` set to "ignore" (the SigIgn mask of /proc/<pid>/status).
pub fn ignores_signal(pid: i32, signal: i32) -> bool {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("SigIgn:"))
        .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
        .is_some_and(|mask| mask & (1 << (signal - 1)) != 0)
}

/// Waits until `pid` is gone or a zombie, failing the test after [`PATIENCE`].
pub fn wait_until_dead(pid: i32) {
    let deadline = Instant::now() + PATIENCE;
    while is_alive(pid) {
        assert!(
            Instant::now() < deadline,
            "process {pid} still alive after {PATIENCE:?}"
        );
        std::thread::sleep(POLL);
    }
}

/// The `duration_ms` of the last `result` line of a recording.
pub fn recorded_duration_ms(path: &Path) -> f64 {
    let text = std::fs::read_to_string(path).expect("the recording is readable UTF-8");
    text.lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|event| event["type"] == "result")
        .filter_map(|event| event["duration_ms"].as_f64())
        .next_back()
        .unwrap_or_else(|| panic!("{} has no result line with duration_ms", path.display()))
}
