//! Running the `ccmon` binary as a user would, in an isolated environment, with failures
//! that explain themselves (command, stdout, stderr, exit code).

use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A `ccmon` invocation with a clean environment: only PATH, and a temporary HOME so no
/// config file of the machine's user leaks in.
pub struct Ccmon {
    cmd: Command,
    stdin: Option<Vec<u8>>,
    shown: Vec<String>,
    _home: Option<tempfile::TempDir>,
}

/// The result of a finished invocation.
#[derive(Debug)]
pub struct Output {
    /// What was run, for messages.
    pub shown: String,
    /// Exit code (-1 if killed by a signal).
    pub code: i32,
    /// Captured stdout.
    pub stdout: String,
    /// Captured stderr.
    pub stderr: String,
}

/// Polls `check` until it is true, panicking after 30 s with `what`. Tests wait for a
/// state, never for a time.
pub fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    poll(
        what,
        Duration::from_secs(30),
        Duration::from_millis(50),
        || check().then_some(()).ok_or("not yet"),
    );
}

/// Tries `attempt` every `every` until it gives `Ok`, and returns that; after `within`,
/// panics with `what` and the last `Err`, which says what was seen instead.
#[track_caller]
pub fn poll<T, E: std::fmt::Display>(
    what: impl std::fmt::Display,
    within: Duration,
    every: Duration,
    mut attempt: impl FnMut() -> Result<T, E>,
) -> T {
    let deadline = Instant::now() + within;
    loop {
        match attempt() {
            Ok(done) => return done,
            Err(last) if Instant::now() >= deadline => {
                panic!("timed out waiting until {what}; last: {last}")
            }
            Err(_) => std::thread::sleep(every),
        }
    }
}

/// `ccmon stream watch --display raw --spool-dir SPOOL EXTRA... -- <stand-in> ARGS...`.
pub fn watch_raw(
    spool: &Path,
    standin: &crate::support::standin::Standin,
    extra: &[&str],
) -> Ccmon {
    on_spool(spool, &["watch", "--display", "raw"])
        .args(extra)
        .args([
            "--".as_ref(),
            crate::support::standin::standin_path().as_os_str(),
        ])
        .args(standin.args())
}

/// Stuck thresholds of a second or two, for tests that wait for a hang to be seen.
pub const QUICK_STUCK: [&str; 6] = [
    "--stuck-floor",
    "1s",
    "--stuck-multiplier",
    "1",
    "--tool-timeout",
    "2s",
];

/// `stream ingest -` of `input` as agent `agent` into the Redis at `redis_url`, spooling
/// under `spool`, with `extra` flags; it must succeed.
pub fn ingest_stdin(
    redis_url: &str,
    spool: &Path,
    agent: &str,
    extra: &[&str],
    input: impl Into<Vec<u8>>,
) -> Output {
    ccmon()
        .env("REDIS_URL", redis_url)
        .args(["stream", "ingest", "-", "--agent-id", agent])
        .args(extra)
        .args(["--spool-dir".as_ref(), spool.as_os_str()])
        .stdin(input)
        .ok()
}

/// Path of the built binary.
pub fn ccmon_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_ccmon"))
}

/// A new invocation with a fresh temporary HOME.
pub fn ccmon() -> Ccmon {
    let home = tempfile::tempdir().expect("create temp HOME");
    let mut c = Ccmon::in_home(home.path());
    c._home = Some(home);
    c
}

/// `ccmon stream ARGS... --spool-dir SPOOL`, to be run (more flags may follow).
pub fn on_spool(spool: impl AsRef<Path>, args: &[&str]) -> Ccmon {
    ccmon()
        .args(["stream"])
        .args(args)
        .args(["--spool-dir".as_ref(), spool.as_ref().as_os_str()])
}

impl Ccmon {
    /// A new invocation with HOME set to `home`.
    pub fn in_home(home: &Path) -> Ccmon {
        let mut cmd = Command::new(ccmon_bin());
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", home)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        Ccmon {
            cmd,
            stdin: None,
            shown: vec!["ccmon".into()],
            _home: None,
        }
    }

    /// Adds arguments.
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        for a in args {
            self.shown.push(a.as_ref().to_string_lossy().into_owned());
            self.cmd.arg(a);
        }
        self
    }

    /// Sets an environment variable.
    pub fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Self {
        self.shown
            .insert(0, format!("{key}={}", value.as_ref().to_string_lossy()));
        self.cmd.env(key, value);
        self
    }

    /// Feeds `input` on stdin.
    #[allow(dead_code)] // for commands that read `-` (stream ingest, silence import)
    pub fn stdin(mut self, input: impl Into<Vec<u8>>) -> Self {
        self.stdin = Some(input.into());
        self.cmd.stdin(Stdio::piped());
        self
    }

    /// The command, for tests that drive a long-running ccmon themselves (signals,
    /// incremental output). Keep the returned guard alive as long as the process runs.
    pub fn into_command(self) -> (Command, Option<tempfile::TempDir>) {
        (self.cmd, self._home)
    }

    /// Runs to completion.
    pub fn run(mut self) -> Output {
        let shown = self.shown.join(" ");
        let mut child = self
            .cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start `{shown}`: {e}"));
        if let Some(input) = self.stdin.take() {
            let mut pipe = child.stdin.take().expect("stdin is piped");
            // The child may exit before reading everything; that is its business.
            let _ = pipe.write_all(&input);
        }
        let out = child
            .wait_with_output()
            .unwrap_or_else(|e| panic!("cannot wait for `{shown}`: {e}"));
        Output {
            shown,
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Runs and asserts exit code 0.
    pub fn ok(self) -> Output {
        self.run().code(0)
    }
}

impl Output {
    /// Asserts the exit code.
    #[track_caller]
    pub fn code(self, expected: i32) -> Self {
        let ok = self.code == expected;
        self.holds(
            ok,
            format_args!("unexpected exit code, expected {expected}"),
        )
    }

    /// Asserts stdout contains `needle`.
    #[track_caller]
    pub fn stdout_has(self, needle: &str) -> Self {
        let ok = self.stdout.contains(needle);
        self.holds(ok, format_args!("stdout lacks {needle:?}"))
    }

    /// Asserts stderr contains `needle`.
    #[track_caller]
    pub fn stderr_has(self, needle: &str) -> Self {
        let ok = self.stderr.contains(needle);
        self.holds(ok, format_args!("stderr lacks {needle:?}"))
    }

    /// Asserts neither stdout nor stderr contains `needle` (e.g. a secret).
    #[track_caller]
    pub fn nowhere(self, needle: &str) -> Self {
        let ok = !self.stdout.contains(needle) && !self.stderr.contains(needle);
        self.holds(ok, format_args!("{needle:?} must not appear in the output"))
    }

    /// Asserts no raw ESC, BEL or CSI (U+009B) reached stdout: a terminal would act on them.
    #[track_caller]
    pub fn no_raw_control(self) -> Self {
        let ok = !self.stdout.contains(['\u{1b}', '\u{7}', '\u{9b}']);
        self.holds(ok, format_args!("a raw control character reached stdout"))
    }

    /// Panics with `what` and the whole invocation unless `ok`.
    #[track_caller]
    fn holds(self, ok: bool, what: std::fmt::Arguments) -> Self {
        assert!(ok, "{what}\n{self}");
        self
    }
}

impl std::fmt::Display for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "command: {}\nexit code: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.shown, self.code, self.stdout, self.stderr
        )
    }
}

/// Asserts a process ran by hand (not through [`Ccmon`]) exited 0, showing its stderr.
#[track_caller]
pub fn assert_exited_0(out: &std::process::Output) {
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every record of an agent in a spool, read back through `stream tail -o json` (NDJSON).
pub fn recorded(spool: &Path, agent: &str) -> Vec<serde_json::Value> {
    let out = ccmon()
        .args([
            "stream",
            "tail",
            agent,
            "-n",
            "1000000",
            "-o",
            "json",
            "--spool-dir",
        ])
        .args([spool])
        .ok();
    out.stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad NDJSON line {l:?}: {e}")))
        .collect()
}

/// The bytes of a record's `data` (text, or base64 for invalid UTF-8).
pub fn data(record: &serde_json::Value) -> Vec<u8> {
    use base64::Engine as _;
    match &record["data"] {
        serde_json::Value::String(s) => s.clone().into_bytes(),
        other => base64::engine::general_purpose::STANDARD
            .decode(other["base64"].as_str().expect("base64 data"))
            .expect("valid base64"),
    }
}

/// The `data` of every record of an agent in a spool.
pub fn recorded_data(spool: &Path, agent: &str) -> Vec<Vec<u8>> {
    recorded(spool, agent).iter().map(data).collect()
}

/// The lines of `bytes` without their newlines (a final newline ends the last line).
pub fn lines_of(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut lines: Vec<Vec<u8>> = bytes.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
    if bytes.ends_with(b"\n") {
        lines.pop();
    }
    lines
}

/// Every file under `dir`, recursively; an unreadable or missing dir has none.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}
