//! Agent stand-in: replays a recorded Claude Code stream-json session on stdout, line by line
//! and byte for byte, so ccmon's supervisor can be tested without the real `claude` CLI, and
//! injects faults on cue (hang, exit code, death by signal, garbage, an oversized line, ignored
//! TERM, an orphaned grandchild). Run it with `--help` for the options; the tests in
//! `tests/it/standin.rs` pin down every one of them.
//!
//! The package denies `unsafe_code` (STYLE.md 11 keeps a single libc signal site, in src/), and
//! a test double should not add another, so this file has no `unsafe` and takes only signal
//! numbers from `libc`. The two things std cannot do go through `/bin/sh`: a disposition set to
//! "ignore" survives `exec`, so `--ignore-term` re-executes the stand-in under
//! `trap "" TERM HUP INT`; and `exec`ing `sh -c 'kill -s N $$'` keeps our pid, so the shell that
//! replaces us dies by the signal under our pid, as a crashing agent would (raising SEGV from
//! Rust would not do: std's SIGSEGV handler swallows a SEGV that is not a real fault).

// The stand-in is a process whose exit code is its whole interface (`--exit-after N --code C`),
// so it exits directly; the package denies `clippy::exit` to keep exits in ccmon's main.rs.
#![allow(clippy::exit)]

use std::ffi::{OsStr, OsString};
use std::io::{self, BufRead, Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::Duration;

const USAGE: &str = "\
agent_standin: replay a recorded Claude Code stream-json session, with faults on cue

usage: agent_standin --file PATH|- [options] [-- IGNORED...]

Writes PATH (or stdin, read to the end first, for -) to stdout line by line, byte for byte,
flushing after each line, then exits 0. A test double for
`claude -p --output-format stream-json --verbose`; arguments after -- are ignored, so a
supervisor may append claude's own arguments.

Input and pacing:
  --file PATH|-          recording to replay (required)
  --pace fast|recorded|MS
                         fast: no delay (default); MS: MS milliseconds between lines;
                         recorded: the deltas between top-level \"timestamp\" fields (RFC 3339)
                         if any line has one, else the last result line's duration_ms spread
                         evenly over the gaps between lines
  --speed F              divide every delay by F (F > 0, default 1)
  --repeat N             replay the recording N times (N >= 1, default 1); a newline is put
                         between passes when the recording lacks a final one

Faults. N counts recording lines written so far, 1-based, across repeats; injected lines
(garbage, big line) do not count; 0 means before the first line; a fault whose N is never
reached does not fire. At the same N the order is: big line, garbage, exit, signal, hang.
  --hang-after N         after N lines stop writing and sleep forever (signals still kill it)
  --resume-when PATH     with --hang-after: resume writing once PATH exists (checked every
                         50 ms), as an agent whose stuck tool call finally returns
  --exit-after N         after N lines exit with the code of --code
  --code C               exit code for --exit-after (0-255, default 1)
  --signal-after N       after N lines kill itself with the signal of --signal
  --signal NAME|NUM      signal for --signal-after (KILL, TERM, SEGV, ABRT, ... with or without
                         SIG, or 1-64; default KILL); only signals whose default action ends
                         the process; SEGV, ABRT and the like dump no core
  --garbage-every N      after every N lines write the non-JSON line `not json: K` (K = 1, 2..)
  --invalid-utf8         with --garbage-every, follow each garbage line with a line holding
                         invalid UTF-8 bytes: `not utf-8: <ff fe c3 28> K`
  --big-line-at N        after N lines write one valid JSON `assistant` line whose text is
  --big-line-mb M        M MiB of filler (1-1024, default 2), the line slightly longer
  --ignore-term          ignore SIGTERM, SIGHUP and SIGINT (in effect before the first byte of
                         output; the grandchild inherits it)
  --spawn-grandchild     start a grandchild in the same process group that sleeps for 600 s
                         holding stdout and stderr open, and print `grandchild pid N` on stderr
  --stderr-text TEXT     write TEXT and a newline to stderr at start
  --echo-stdin           after replaying, copy stdin to stderr, each line prefixed `stdin: `
  -h, --help             print this help

Exit codes: 0 replay done (also when stdout is closed early), 1 cannot write, 2 usage error or
unreadable recording, C with --exit-after, death by the signal with --signal-after.
";

const SHORT_USAGE: &str = "usage: agent_standin --file PATH|- [options] [-- IGNORED...]";

/// First argument of the re-executed stand-in whose TERM/HUP/INT the shell set to "ignore".
const SIGNALS_IGNORED_ARG: &str = "--_signals-ignored";
/// First argument of the grandchild started by `--spawn-grandchild`.
const GRANDCHILD_ARG: &str = "--_grandchild";
/// Long enough to outlive any test, short enough that a leaked grandchild goes away by itself.
const GRANDCHILD_LIFETIME: Duration = Duration::from_secs(600);
/// A bound on `--big-line-mb`, so a typo cannot fill the reader's memory.
const MAX_BIG_LINE_MB: u64 = 1024;
/// A bound on one delay, so a recording with a bogus timestamp cannot stall a test for years.
const MAX_DELAY: Duration = Duration::from_secs(24 * 3600);
/// The filler is written in chunks of this size; a MiB is a whole number of them.
const FILLER_CHUNK: usize = 64 * 1024;

/// How long to wait between lines.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Pace {
    Fast,
    Millis(u64),
    Recorded,
}

/// Everything the command line asked for, checked.
#[derive(Debug)]
struct Options {
    file: OsString,
    pace: Pace,
    speed: f64,
    repeat: u64,
    hang_after: Option<u64>,
    resume_when: Option<OsString>,
    exit_after: Option<u64>,
    code: i32,
    signal_after: Option<u64>,
    signal: i32,
    garbage_every: Option<u64>,
    invalid_utf8: bool,
    big_line_at: Option<u64>,
    big_line_mb: u64,
    ignore_term: bool,
    spawn_grandchild: bool,
    stderr_text: Option<OsString>,
    echo_stdin: bool,
}

enum Parsed {
    Run(Box<Options>),
    Help,
}

fn main() {
    let mut args: Vec<OsString> = std::env::args_os().skip(1).collect();
    if args.first().is_some_and(|a| a == GRANDCHILD_ARG) {
        std::thread::sleep(GRANDCHILD_LIFETIME);
        return;
    }
    let signals_ignored = args.first().is_some_and(|a| a == SIGNALS_IGNORED_ARG);
    if signals_ignored {
        args.remove(0);
    }
    let opts = match parse_args(&args) {
        Ok(Parsed::Run(opts)) => opts,
        Ok(Parsed::Help) => {
            // A closed stdout while printing help is not worth reporting.
            let _ = io::stdout().lock().write_all(USAGE.as_bytes());
            return;
        }
        Err(msg) => {
            let _ = write!(
                io::stderr().lock(),
                "agent_standin: error: {msg}\n{SHORT_USAGE}\nrun agent_standin --help for the options\n"
            );
            std::process::exit(2);
        }
    };
    if opts.ignore_term && !signals_ignored {
        let err = reexec_ignoring_signals(&args);
        fail(
            2,
            &format!("cannot re-execute through /bin/sh to ignore TERM, HUP and INT: {err}"),
        );
    }
    let input = match read_input(&opts.file) {
        Ok(input) => input,
        Err(err) => fail(
            2,
            &format!("cannot read {}: {err}", source_name(&opts.file)),
        ),
    };
    if let Some(text) = &opts.stderr_text {
        let mut stderr = io::stderr().lock();
        let _ = stderr.write_all(text.as_bytes());
        let _ = stderr.write_all(b"\n");
    }
    if opts.spawn_grandchild {
        match spawn_grandchild() {
            Ok(pid) => {
                let _ = writeln!(io::stderr().lock(), "grandchild pid {pid}");
            }
            Err(err) => fail(2, &format!("cannot start the grandchild: {err}")),
        }
    }
    match replay(&opts, &input) {
        Ok(()) => {}
        // The reader went away: that is how a supervisor stops listening, not an error.
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(err) => fail(1, &format!("cannot write to stdout: {err}")),
    }
    if opts.echo_stdin
        && let Err(err) = echo_stdin()
    {
        fail(1, &format!("cannot copy stdin to stderr: {err}"));
    }
}

/// Reports `msg` on stderr and exits with `code`.
fn fail(code: i32, msg: &str) -> ! {
    let _ = writeln!(io::stderr().lock(), "agent_standin: error: {msg}");
    std::process::exit(code);
}

fn parse_args(args: &[OsString]) -> Result<Parsed, String> {
    let mut file = None;
    let mut pace = Pace::Fast;
    let mut speed = 1.0;
    let mut repeat = 1;
    let mut hang_after = None;
    let mut resume_when = None;
    let mut exit_after = None;
    let mut code = None;
    let mut signal_after = None;
    let mut signal = None;
    let mut garbage_every = None;
    let mut invalid_utf8 = false;
    let mut big_line_at = None;
    let mut big_line_mb = None;
    let mut ignore_term = false;
    let mut spawn_grandchild = false;
    let mut stderr_text = None;
    let mut echo_stdin = false;

    let mut i = 0;
    while i < args.len() {
        let raw = args[i].as_bytes();
        i += 1;
        // `--flag=value` as well as `--flag value`; the value may be any bytes (a path).
        let (name, mut inline) = match raw.iter().position(|&b| b == b'=') {
            Some(at) if raw.starts_with(b"--") => (
                &raw[..at],
                Some(OsStr::from_bytes(&raw[at + 1..]).to_os_string()),
            ),
            _ => (raw, None),
        };
        let name = std::str::from_utf8(name)
            .map_err(|_| format!("unexpected argument {}", String::from_utf8_lossy(raw)))?;
        let mut value = |what: &str| -> Result<OsString, String> {
            if let Some(v) = inline.take() {
                return Ok(v);
            }
            let v = args
                .get(i)
                .ok_or_else(|| format!("{name} needs a value ({what})"))?;
            i += 1;
            Ok(v.clone())
        };
        match name {
            "--" => break,
            "-h" | "--help" => return Ok(Parsed::Help),
            "--file" => file = Some(value("a path, or - for stdin")?),
            "--pace" => pace = parse_pace(&value("fast, recorded or milliseconds")?)?,
            "--speed" => speed = parse_speed(&value("a factor")?)?,
            "--repeat" => repeat = parse_count(name, &value("a count")?, 1)?,
            "--hang-after" => hang_after = Some(parse_count(name, &value("a line count")?, 0)?),
            "--resume-when" => resume_when = Some(value("a path")?),
            "--exit-after" => exit_after = Some(parse_count(name, &value("a line count")?, 0)?),
            "--code" => code = Some(parse_code(&value("an exit code")?)?),
            "--signal-after" => {
                signal_after = Some(parse_count(name, &value("a line count")?, 0)?);
            }
            "--signal" => signal = Some(parse_signal(&value("a signal name or number")?)?),
            "--garbage-every" => {
                garbage_every = Some(parse_count(name, &value("a line count")?, 1)?);
            }
            "--big-line-at" => big_line_at = Some(parse_count(name, &value("a line count")?, 0)?),
            "--big-line-mb" => {
                let mb = parse_count(name, &value("a size in MiB")?, 1)?;
                if mb > MAX_BIG_LINE_MB {
                    return Err(format!("--big-line-mb must be at most {MAX_BIG_LINE_MB}"));
                }
                big_line_mb = Some(mb);
            }
            "--stderr-text" => stderr_text = Some(value("a text")?),
            "--invalid-utf8" | "--ignore-term" | "--spawn-grandchild" | "--echo-stdin" => {
                if inline.is_some() {
                    return Err(format!("{name} takes no value"));
                }
                match name {
                    "--invalid-utf8" => invalid_utf8 = true,
                    "--ignore-term" => ignore_term = true,
                    "--spawn-grandchild" => spawn_grandchild = true,
                    _ => echo_stdin = true,
                }
            }
            other if other.starts_with('-') && other != "-" => {
                return Err(format!("unknown option {other}"));
            }
            _ => {
                return Err(format!(
                    "unexpected argument {}",
                    String::from_utf8_lossy(raw)
                ));
            }
        }
    }

    let Some(file) = file else {
        return Err("--file is required".to_owned());
    };
    if code.is_some() && exit_after.is_none() {
        return Err("--code needs --exit-after".to_owned());
    }
    if signal.is_some() && signal_after.is_none() {
        return Err("--signal needs --signal-after".to_owned());
    }
    if big_line_mb.is_some() && big_line_at.is_none() {
        return Err("--big-line-mb needs --big-line-at".to_owned());
    }
    if invalid_utf8 && garbage_every.is_none() {
        return Err("--invalid-utf8 needs --garbage-every".to_owned());
    }
    if echo_stdin && file == "-" {
        return Err("--echo-stdin cannot be used with --file -: stdin holds the recording".into());
    }
    let signal = signal.unwrap_or(libc::SIGKILL);
    // The shell that delivers the signal inherits the ignored dispositions and, being
    // non-interactive, may not reset them (POSIX), so the signal would do nothing.
    if ignore_term
        && signal_after.is_some()
        && [libc::SIGTERM, libc::SIGHUP, libc::SIGINT].contains(&signal)
    {
        return Err("--signal-after with TERM, HUP or INT cannot kill with --ignore-term".into());
    }
    Ok(Parsed::Run(Box::new(Options {
        file,
        pace,
        speed,
        repeat,
        hang_after,
        resume_when,
        exit_after,
        code: code.unwrap_or(1),
        signal_after,
        signal,
        garbage_every,
        invalid_utf8,
        big_line_at,
        big_line_mb: big_line_mb.unwrap_or(2),
        ignore_term,
        spawn_grandchild,
        stderr_text,
        echo_stdin,
    })))
}

fn parse_count(flag: &str, value: &OsStr, min: u64) -> Result<u64, String> {
    let text = value.to_string_lossy();
    match text.parse::<u64>() {
        Ok(n) if n >= min => Ok(n),
        _ => Err(format!(
            "{flag} needs a whole number >= {min}, not {text:?}"
        )),
    }
}

fn parse_pace(value: &OsStr) -> Result<Pace, String> {
    let text = value.to_string_lossy();
    match &*text {
        "fast" => Ok(Pace::Fast),
        "recorded" => Ok(Pace::Recorded),
        ms => ms
            .parse::<u64>()
            .map(Pace::Millis)
            .map_err(|_| format!("--pace needs fast, recorded or milliseconds, not {text:?}")),
    }
}

fn parse_speed(value: &OsStr) -> Result<f64, String> {
    let text = value.to_string_lossy();
    match text.parse::<f64>() {
        Ok(f) if f.is_finite() && f > 0.0 => Ok(f),
        _ => Err(format!("--speed needs a number > 0, not {text:?}")),
    }
}

fn parse_code(value: &OsStr) -> Result<i32, String> {
    let text = value.to_string_lossy();
    match text.parse::<u8>() {
        Ok(c) => Ok(i32::from(c)),
        Err(_) => Err(format!(
            "--code needs an exit code from 0 to 255, not {text:?}"
        )),
    }
}

/// Signals by name, as `kill -l` spells them on Linux.
const SIGNAL_NAMES: &[(&str, i32)] = &[
    ("HUP", libc::SIGHUP),
    ("INT", libc::SIGINT),
    ("QUIT", libc::SIGQUIT),
    ("ILL", libc::SIGILL),
    ("TRAP", libc::SIGTRAP),
    ("ABRT", libc::SIGABRT),
    ("BUS", libc::SIGBUS),
    ("FPE", libc::SIGFPE),
    ("KILL", libc::SIGKILL),
    ("USR1", libc::SIGUSR1),
    ("SEGV", libc::SIGSEGV),
    ("USR2", libc::SIGUSR2),
    ("PIPE", libc::SIGPIPE),
    ("ALRM", libc::SIGALRM),
    ("TERM", libc::SIGTERM),
    ("XCPU", libc::SIGXCPU),
    ("XFSZ", libc::SIGXFSZ),
    ("VTALRM", libc::SIGVTALRM),
    ("PROF", libc::SIGPROF),
    ("SYS", libc::SIGSYS),
    // Known so that asking for them gets "does not end a process" rather than "unknown".
    ("CHLD", libc::SIGCHLD),
    ("CONT", libc::SIGCONT),
    ("STOP", libc::SIGSTOP),
    ("TSTP", libc::SIGTSTP),
    ("TTIN", libc::SIGTTIN),
    ("TTOU", libc::SIGTTOU),
    ("URG", libc::SIGURG),
    ("WINCH", libc::SIGWINCH),
];

/// Signals whose default action does not end the process: asking to die by one would hang.
const NON_TERMINATING: &[i32] = &[
    libc::SIGCHLD,
    libc::SIGCONT,
    libc::SIGSTOP,
    libc::SIGTSTP,
    libc::SIGTTIN,
    libc::SIGTTOU,
    libc::SIGURG,
    libc::SIGWINCH,
];

fn parse_signal(value: &OsStr) -> Result<i32, String> {
    let text = value.to_string_lossy();
    let upper = text.to_ascii_uppercase();
    let name = upper.strip_prefix("SIG").unwrap_or(&upper);
    let number = match text.parse::<i32>() {
        Ok(n) if (1..=64).contains(&n) => n,
        Ok(_) => return Err(format!("--signal number must be from 1 to 64, not {text}")),
        Err(_) => SIGNAL_NAMES
            .iter()
            .find(|(known, _)| *known == name)
            .map(|&(_, n)| n)
            .ok_or_else(|| format!("--signal: unknown signal {text:?} (try KILL, TERM, SEGV)"))?,
    };
    if NON_TERMINATING.contains(&number) {
        return Err(format!("--signal {text} does not end a process by default"));
    }
    Ok(number)
}

/// Replaces this process with `sh`, which sets TERM, HUP and INT to "ignore" and execs the
/// stand-in again with the same arguments; returns only on failure. Same pid, same fds.
fn reexec_ignoring_signals(args: &[OsString]) -> io::Error {
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(err) => return err,
    };
    Command::new("/bin/sh")
        .arg("-c")
        .arg(format!(
            r#"trap "" TERM HUP INT; exec "$0" {SIGNALS_IGNORED_ARG} "$@""#
        ))
        .arg(exe)
        .args(args)
        .exec()
}

/// Replaces this process with `sh`, which sends `signal` to itself (that is, to our pid) with
/// its default action in place. Core dumps are switched off first: a test of a crash should
/// not leave a core file behind or wake a crash reporter.
fn die_by_signal(signal: i32) -> ! {
    let err = Command::new("/bin/sh")
        .arg("-c")
        .arg(r#"ulimit -c 0 2>/dev/null; kill -s "$0" $$; exit 125"#)
        .arg(signal.to_string())
        .exec();
    fail(
        2,
        &format!("cannot exec /bin/sh to die by signal {signal}: {err}"),
    );
}

/// Stops writing until `path` exists, as an agent whose stuck tool call returns at last.
fn wait_for(path: &std::path::Path) {
    while !path.exists() {
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Stops writing but stays alive, as an agent stuck on a tool call does.
fn hang() -> ! {
    loop {
        std::thread::sleep(Duration::from_secs(3600));
    }
}

/// Starts this program again as a sleeper; std keeps it in our process group, and it inherits
/// stdout and stderr, which is what makes an orphan hold the supervisor's pipes open.
fn spawn_grandchild() -> io::Result<u32> {
    let exe = std::env::current_exe()?;
    let child = Command::new(exe)
        .arg(GRANDCHILD_ARG)
        .stdin(Stdio::null())
        .spawn()?;
    // Never waited for: it must outlive us when a test kills us.
    Ok(child.id())
}

fn read_input(file: &OsStr) -> io::Result<Vec<u8>> {
    if file == "-" {
        let mut input = Vec::new();
        io::stdin().lock().read_to_end(&mut input)?;
        Ok(input)
    } else {
        std::fs::read(file)
    }
}

/// The recording's name for messages.
fn source_name(file: &OsStr) -> std::borrow::Cow<'_, str> {
    if file == "-" {
        "stdin".into()
    } else {
        file.to_string_lossy()
    }
}

fn echo_stdin() -> io::Result<()> {
    let mut stdin = io::stdin().lock();
    let mut stderr = io::stderr().lock();
    let mut line = Vec::new();
    loop {
        line.clear();
        if stdin.read_until(b'\n', &mut line)? == 0 {
            return stderr.flush();
        }
        stderr.write_all(b"stdin: ")?;
        stderr.write_all(&line)?;
        if !line.ends_with(b"\n") {
            stderr.write_all(b"\n")?;
        }
    }
}

/// Stdout, flushed after every line, remembering whether the last byte ended a line so that
/// injected lines and later passes never glue onto an unterminated last line.
struct Out {
    stdout: io::StdoutLock<'static>,
    at_line_start: bool,
}

impl Out {
    fn line(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.stdout.write_all(bytes)?;
        self.stdout.flush()?;
        self.at_line_start = bytes.ends_with(b"\n");
        Ok(())
    }

    fn start_line(&mut self) -> io::Result<()> {
        if !self.at_line_start {
            self.line(b"\n")?;
        }
        Ok(())
    }
}

fn replay(opts: &Options, input: &[u8]) -> io::Result<()> {
    let lines: Vec<&[u8]> = input.split_inclusive(|&b| b == b'\n').collect();
    let schedule = Schedule::new(opts, &lines);
    let session_id = if opts.big_line_at.is_some() {
        session_id(&lines)
    } else {
        String::new()
    };
    let mut out = Out {
        stdout: io::stdout().lock(),
        at_line_start: true,
    };
    let mut garbage = 0;
    let mut written = 0;
    after_line(opts, &mut out, written, &mut garbage, &session_id)?;
    for _ in 0..opts.repeat {
        for (index, line) in lines.iter().enumerate() {
            if written > 0 {
                let delay = schedule.before(index);
                if !delay.is_zero() {
                    std::thread::sleep(delay);
                }
                out.start_line()?;
            }
            out.line(line)?;
            written += 1;
            after_line(opts, &mut out, written, &mut garbage, &session_id)?;
        }
    }
    Ok(())
}

/// Fires whatever is due after `written` recording lines, in the documented order.
fn after_line(
    opts: &Options,
    out: &mut Out,
    written: u64,
    garbage: &mut u64,
    session_id: &str,
) -> io::Result<()> {
    if opts.big_line_at == Some(written) {
        out.start_line()?;
        write_big_line(out, opts.big_line_mb, session_id)?;
    }
    if written > 0
        && opts
            .garbage_every
            .is_some_and(|every| written.is_multiple_of(every))
    {
        *garbage += 1;
        out.start_line()?;
        out.line(format!("not json: {garbage}\n").as_bytes())?;
        if opts.invalid_utf8 {
            // A lone continuation byte, a byte never valid in UTF-8, and a broken 2-byte pair.
            let mut bad = b"not utf-8: \xff\xfe\xc3\x28 ".to_vec();
            bad.extend_from_slice(format!("{garbage}\n").as_bytes());
            out.line(&bad)?;
        }
    }
    if opts.exit_after == Some(written) {
        out.stdout.flush()?;
        std::process::exit(opts.code);
    }
    if opts.signal_after == Some(written) {
        out.stdout.flush()?;
        die_by_signal(opts.signal);
    }
    if opts.hang_after == Some(written) {
        out.stdout.flush()?;
        match &opts.resume_when {
            Some(path) => wait_for(std::path::Path::new(path)),
            None => hang(),
        }
    }
    Ok(())
}

/// One `assistant` text event of `mb` MiB of text, streamed in chunks so the stand-in never
/// holds it whole; `session_id` is already a JSON string literal.
fn write_big_line(out: &mut Out, mb: u64, session_id: &str) -> io::Result<()> {
    let head = r#"{"type":"assistant","message":{"id":"msg_standin_big_line","type":"message","role":"assistant","model":"agent-standin","content":[{"type":"text","text":""#;
    let tail = format!(
        r#""}}],"stop_reason":null,"stop_sequence":null,"usage":{{"input_tokens":0,"output_tokens":0}}}},"parent_tool_use_id":null,"session_id":{session_id},"uuid":"00000000-0000-4000-8000-00000000b16e"}}"#
    );
    let filler: Vec<u8> = b"stand-in filler text "
        .iter()
        .copied()
        .cycle()
        .take(FILLER_CHUNK)
        .collect();
    out.stdout.write_all(head.as_bytes())?;
    for _ in 0..mb * (1 << 20) / FILLER_CHUNK as u64 {
        out.stdout.write_all(&filler)?;
    }
    out.line(format!("{tail}\n").as_bytes())
}

/// The first top-level `session_id` of the recording as a JSON string literal, so the big line
/// belongs to the replayed session.
fn session_id(lines: &[&[u8]]) -> String {
    lines
        .iter()
        .filter_map(|line| serde_json::from_slice::<serde_json::Value>(line).ok())
        .find_map(|value| value.get("session_id")?.as_str().map(str::to_owned))
        .and_then(|id| serde_json::to_string(&id).ok())
        .unwrap_or_else(|| r#""agent-standin""#.to_owned())
}

/// The delay before each line of a pass.
enum Schedule {
    /// The same delay before every line but the very first.
    Flat(Duration),
    /// A delay per line index (recorded timestamps); the first line of a pass gets none.
    PerLine(Vec<Duration>),
}

impl Schedule {
    fn new(opts: &Options, lines: &[&[u8]]) -> Self {
        match opts.pace {
            Pace::Fast => Schedule::Flat(Duration::ZERO),
            Pace::Millis(ms) => Schedule::Flat(scaled(ms as f64, opts.speed)),
            Pace::Recorded => recorded_schedule(opts, lines),
        }
    }

    fn before(&self, index: usize) -> Duration {
        match self {
            Schedule::Flat(delay) => *delay,
            Schedule::PerLine(delays) => delays.get(index).copied().unwrap_or_default(),
        }
    }
}

/// Real stream-json has no per-line times (only newer events carry `timestamp`), so the
/// result's `duration_ms` is the best record of how long the session took.
fn recorded_schedule(opts: &Options, lines: &[&[u8]]) -> Schedule {
    let mut stamps = Vec::with_capacity(lines.len());
    let mut duration_ms = None;
    for line in lines {
        let value = serde_json::from_slice::<serde_json::Value>(line).ok();
        let value = value.as_ref();
        stamps.push(
            value
                .and_then(|v| v.get("timestamp")?.as_str())
                .and_then(parse_rfc3339_millis),
        );
        if value.and_then(|v| v.get("type")?.as_str()) == Some("result")
            && let Some(ms) = value.and_then(|v| v.get("duration_ms")?.as_f64())
        {
            duration_ms = Some(ms);
        }
    }
    if stamps.iter().any(Option::is_some) {
        let mut last = None;
        let delays = stamps
            .iter()
            .map(|stamp| match (*stamp, last) {
                (Some(now), Some(before)) => {
                    last = Some(now);
                    scaled((now - before) as f64, opts.speed)
                }
                (Some(now), None) => {
                    last = Some(now);
                    Duration::ZERO
                }
                (None, _) => Duration::ZERO,
            })
            .collect();
        return Schedule::PerLine(delays);
    }
    if let Some(ms) = duration_ms {
        let gaps = lines.len().saturating_sub(1).max(1);
        return Schedule::Flat(scaled(ms / gaps as f64, opts.speed));
    }
    let _ = writeln!(
        io::stderr().lock(),
        "agent_standin: warning: {} has no timestamps and no result duration_ms; replaying without delays",
        source_name(&opts.file)
    );
    Schedule::Flat(Duration::ZERO)
}

/// `ms / speed` milliseconds, with negative or nonsense values as zero and a day at most.
fn scaled(ms: f64, speed: f64) -> Duration {
    let secs = ms / 1000.0 / speed;
    if secs.is_nan() || secs <= 0.0 {
        return Duration::ZERO;
    }
    Duration::try_from_secs_f64(secs).map_or(MAX_DELAY, |d| d.min(MAX_DELAY))
}

/// Milliseconds since the Unix epoch of an RFC 3339 date-time such as
/// `2025-06-01T12:34:56.789Z` or `2025-06-01 12:34:56+02:00`; `None` if it is not one.
fn parse_rfc3339_millis(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    let num = |from: usize, to: usize| -> Option<i64> {
        let digits = b.get(from..to)?;
        if !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(digits.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
    };
    let sep = |at: usize, allowed: &[u8]| b.get(at).is_some_and(|c| allowed.contains(c));
    if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt ") && sep(13, b":") && sep(16, b":")) {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (hour, minute, second) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    // 60 is a leap second; it lands on the next minute's first second, close enough here.
    if second > 60 {
        return None;
    }
    let mut at = 19;
    let mut millis = 0;
    if sep(at, b".") {
        at += 1;
        let start = at;
        while b.get(at).is_some_and(u8::is_ascii_digit) {
            if at - start < 3 {
                millis = millis * 10 + i64::from(b[at] - b'0');
            }
            at += 1;
        }
        if at == start {
            return None;
        }
        for _ in (at - start)..3 {
            millis *= 10;
        }
    }
    let offset_minutes = match b.get(at)? {
        b'Z' | b'z' if at + 1 == b.len() => 0,
        sign @ (b'+' | b'-') if at + 6 == b.len() && sep(at + 3, b":") => {
            let minutes = num(at + 1, at + 3)? * 60 + num(at + 4, at + 6)?;
            if *sign == b'+' { minutes } else { -minutes }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
    Some(seconds * 1000 + millis)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}
