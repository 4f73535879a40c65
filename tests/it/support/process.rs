//! The one place that owns a real service's processes: free ports, spawning the server as the
//! leader of its own process group with output going to a log file in its temp dir, signalling
//! all its processes (pause, resume, kill), waiting until it answers with a deadline, graceful
//! stop on drop, and restarting it on the same port and data. The service files (`redis.rs`,
//! `postgres.rs`, ...) only say how to launch and probe their server. Sleeps appear only in
//! polling loops that have a deadline.

use std::ffi::CString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// How long a service may take to answer after spawn before the test fails.
pub const READY_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a service gets to exit after its graceful signal before it is killed.
pub const STOP_GRACE: Duration = Duration::from_secs(5);
/// First starts that lose their port to another process are retried this often.
const PORT_ATTEMPTS: usize = 5;
/// Lines of the service log quoted in a failure message.
const LOG_TAIL_LINES: usize = 40;

/// The signals the harness sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signal {
    Stop,
    Cont,
    Term,
    Int,
    Kill,
}

impl Signal {
    fn number(self) -> libc::c_int {
        match self {
            Signal::Stop => libc::SIGSTOP,
            Signal::Cont => libc::SIGCONT,
            Signal::Term => libc::SIGTERM,
            Signal::Int => libc::SIGINT,
            Signal::Kill => libc::SIGKILL,
        }
    }
}

/// Sends `sig` to every process in group `pgid`; false if the group no longer exists.
pub fn signal_group(pgid: u32, sig: Signal) -> bool {
    send_signal(pgid, true, sig)
}

/// Sends `sig` to the single process `pid`; false if it no longer exists.
pub fn signal_pid(pid: u32, sig: Signal) -> bool {
    send_signal(pid, false, sig)
}

/// Sends `sig` to each of `procs` that is still the same process (same start time), so a pid
/// recycled by an unrelated process is never hit; pid_max can be as low as 32768.
fn signal_procs(procs: &[ProcStat], sig: Signal) {
    for p in procs {
        if read_stat(p.pid).is_some_and(|now| now.start == p.start) {
            signal_pid(p.pid, sig);
        }
    }
}

/// The only signal-sending site of the harness, and its only `kill(2)`.
#[allow(unsafe_code)]
fn send_signal(id: u32, group: bool, sig: Signal) -> bool {
    // kill(0, ..) would hit our own group and kill(-1, ..) every process we may signal; no
    // service is ever pid 0 or 1, so such an id is a bug, not a target.
    let Ok(id) = libc::pid_t::try_from(id) else {
        return false;
    };
    if id <= 1 {
        return false;
    }
    let target = if group { -id } else { id };
    // SAFETY: kill(2) takes plain integers and touches no memory of ours.
    unsafe { libc::kill(target, sig.number()) == 0 }
}

/// A port that was free on 127.0.0.1 a moment ago (bind to 0, read it, release it).
pub fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .expect("binding 127.0.0.1:0 to find a free port");
    listener
        .local_addr()
        .expect("reading the port of a freshly bound listener")
        .port()
}

/// The loopback address of `port`.
pub fn loopback(port: u16) -> SocketAddr {
    SocketAddr::from((Ipv4Addr::LOCALHOST, port))
}

/// One process as `/proc/<pid>/stat` shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProcStat {
    pub pid: u32,
    pub ppid: u32,
    pub pgrp: u32,
    /// R, S, D, T (stopped), Z (zombie)...
    pub state: char,
    /// Start time in clock ticks since boot: with the pid, it names one process for good.
    pub start: u64,
}

impl ProcStat {
    fn is_alive(&self) -> bool {
        !matches!(self.state, 'Z' | 'X' | 'x')
    }

    /// True if stopped by a signal (SIGSTOP) or a tracer.
    pub fn is_stopped(&self) -> bool {
        matches!(self.state, 'T' | 't')
    }

    /// True while this very process (same pid and start time) exists and is not a zombie.
    pub fn still_running(&self) -> bool {
        read_stat(self.pid).is_some_and(|now| now.start == self.start && now.is_alive())
    }
}

fn read_stat(pid: u32) -> Option<ProcStat> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may itself contain spaces and parentheses, so
    // the fixed fields are counted from the last ')'; see proc_pid_stat(5).
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    Some(ProcStat {
        pid,
        state: fields.first()?.chars().next()?,
        ppid: fields.get(1)?.parse().ok()?,
        pgrp: fields.get(2)?.parse().ok()?,
        start: fields.get(19)?.parse().ok()?,
    })
}

fn all_processes() -> Vec<ProcStat> {
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        // A process can vanish between listing and reading; then it is simply not there.
        .filter_map(read_stat)
        .collect()
}

/// True while `/proc/<pid>` exists, zombies included (a pid we reaped is gone).
pub fn process_exists(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

/// True if `pid` exists and is not a zombie (an orphan's zombie waits on init, not on us).
pub fn is_alive(pid: u32) -> bool {
    read_stat(pid).is_some_and(|p| p.is_alive())
}

/// The live processes of the service led by `leader`: its process group plus every descendant.
/// The group alone is not enough: postgres backends call setsid() and leave it, and a group
/// signal would neither pause nor kill them. Descendants are found through the parent links,
/// which only hold while the leader lives, so callers snapshot this before stopping it.
pub fn service_processes(leader: u32) -> Vec<ProcStat> {
    let all = all_processes();
    let mut members: Vec<ProcStat> = all
        .iter()
        .filter(|p| p.pid == leader || p.pgrp == leader)
        .copied()
        .collect();
    loop {
        let before = members.len();
        for p in &all {
            if members.iter().any(|m| m.pid == p.ppid) && !members.iter().any(|m| m.pid == p.pid) {
                members.push(*p);
            }
        }
        if members.len() == before {
            break;
        }
    }
    members.retain(ProcStat::is_alive);
    members
}

/// A user to run a server as (postgres refuses to run as root).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunAs {
    pub uid: u32,
    pub gid: u32,
}

/// The effective uid of this test process.
#[allow(unsafe_code)]
pub fn effective_uid() -> u32 {
    // SAFETY: geteuid(2) takes nothing, cannot fail and touches no memory of ours.
    unsafe { libc::geteuid() }
}

/// Looks up a system user's uid and gid. Uses getpwnam_r rather than getpwnam: tests run in
/// parallel threads, and getpwnam returns a pointer into one static buffer they would share.
#[allow(unsafe_code)]
pub fn lookup_user(name: &str) -> Option<RunAs> {
    let name = CString::new(name).ok()?;
    // SAFETY: `passwd` is plain old data (integers and pointers); all-zero is a valid value
    // that getpwnam_r overwrites.
    let mut entry: libc::passwd = unsafe { std::mem::zeroed() };
    // Holds the strings `entry` points into; 16 KiB is far above any real passwd line.
    let mut buf = vec![0 as libc::c_char; 16 * 1024];
    let mut found: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: every pointer is valid for the duration of the call, `buf.len()` is its real
    // length, and only the integer fields of `entry` are read afterwards.
    let rc = unsafe {
        libc::getpwnam_r(
            name.as_ptr(),
            &mut entry,
            buf.as_mut_ptr(),
            buf.len(),
            &mut found,
        )
    };
    (rc == 0 && !found.is_null()).then_some(RunAs {
        uid: entry.pw_uid,
        gid: entry.pw_gid,
    })
}

/// The first of `names` found in a standard Debian binary directory, else the bare first name
/// so that spawning searches PATH (and fails with a clear message if it is not there either).
pub fn find_program(names: &[&str]) -> PathBuf {
    const DIRS: [&str; 5] = ["/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"];
    for name in names {
        for dir in DIRS {
            let path = Path::new(dir).join(name);
            if path.is_file() {
                return path;
            }
        }
    }
    PathBuf::from(names.first().expect("find_program needs at least one name"))
}

/// A command line as one shell-like string, for failure messages.
pub fn command_line(cmd: &Command) -> String {
    let mut line = cmd.get_program().to_string_lossy().into_owned();
    for arg in cmd.get_args() {
        let arg = arg.to_string_lossy();
        if arg.is_empty() || arg.contains(char::is_whitespace) {
            line.push_str(&format!(" '{arg}'"));
        } else {
            line.push(' ');
            line.push_str(&arg);
        }
    }
    line
}

/// Runs a short helper command (initdb, psql, pg_isready) with captured output, killing it if
/// it has not finished within `timeout` so that a paused server cannot hang a test.
pub fn run_with_timeout(cmd: &mut Command, timeout: Duration) -> Result<Output, String> {
    let line = command_line(cmd);
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run `{line}`: {e}"))?;
    // Drain both pipes on threads so a chatty child cannot block on a full pipe.
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut buf);
            }
            buf
        })
    };
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() >= deadline => break None,
            Ok(None) => thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(format!("waiting for `{line}`: {e}")),
        }
    };
    let Some(status) = status else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(format!("`{line}` did not finish within {timeout:?}"));
    };
    Ok(Output {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    })
}

/// How to launch one server on a chosen port; built anew for each port a first start tries.
pub struct Launch {
    pub program: PathBuf,
    pub args: Vec<String>,
    pub run_as: Option<RunAs>,
    /// Sent to the group leader for a graceful stop (SIGTERM, or SIGINT for postgres).
    pub stop_signal: Signal,
    /// True once the server answers on the port; must return within a few seconds.
    pub probe: Box<dyn Fn(u16) -> bool + Send + Sync>,
}

impl Launch {
    /// A launch run as the test's own user and stopped with SIGTERM, ready once `probe(port)`
    /// says so: what every server but postgres needs.
    pub fn new(
        program: impl Into<PathBuf>,
        args: Vec<String>,
        probe: impl Fn(u16) -> bool + Send + Sync + 'static,
    ) -> Launch {
        Launch {
            program: program.into(),
            args,
            run_as: None,
            stop_signal: Signal::Term,
            probe: Box::new(probe),
        }
    }

    /// Like [`Launch::new`], ready once `GET path` on the port answers 200 (`/-/ready` for
    /// Prometheus and Alertmanager, `/metrics` for exporters).
    pub fn http(program: impl Into<PathBuf>, args: Vec<String>, path: &'static str) -> Launch {
        Launch::new(program, args, move |port| {
            super::http::answers_ok(loopback(port), path, PROBE_TIMEOUT)
        })
    }
}

/// How long one readiness probe may wait for an answer; the start loop polls again after.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(1);

/// A fresh temp dir `ccmon-it-<name>-XXXXXX` for one server's config, data and log.
pub fn temp_dir(name: &str) -> TempDir {
    tempfile::Builder::new()
        .prefix(&format!("ccmon-it-{name}-"))
        .tempdir()
        .unwrap_or_else(|e| panic!("creating a temp dir for {name}: {e}"))
}

/// A running server process leading its own group; dropping it kills all its processes at
/// once. `ServerProcess` stops it gracefully first, so this Drop only bites on panic paths.
struct Group {
    child: Child,
    paused: bool,
    exited: bool,
}

impl Group {
    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGSTOP to every process of the service; returns once all of them are stopped.
    fn pause(&mut self) -> Result<(), String> {
        let pid = self.pid();
        // The leader first, so that it forks no new members while we look for them.
        signal_group(pid, Signal::Stop);
        self.paused = true;
        let deadline = Instant::now() + STOP_GRACE;
        loop {
            let running: Vec<ProcStat> = service_processes(pid)
                .into_iter()
                .filter(|p| !p.is_stopped())
                .collect();
            if running.is_empty() {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(format!("processes not stopped after SIGSTOP: {running:?}"));
            }
            signal_procs(&running, Signal::Stop);
            thread::sleep(Duration::from_millis(5));
        }
    }

    /// SIGCONT to every process of the service.
    fn resume(&mut self) {
        let pid = self.pid();
        signal_procs(&service_processes(pid), Signal::Cont);
        signal_group(pid, Signal::Cont);
        self.paused = false;
    }

    /// Stops the service: SIGCONT if paused, then the graceful signal (if any) to the leader
    /// with `grace` to exit, then SIGKILL to every process of the service; reaps the leader and
    /// waits until none of its processes is left. Never panics: it runs from Drop.
    fn stop(&mut self, graceful: Option<Signal>, grace: Duration) -> Option<ExitStatus> {
        if self.exited {
            return None;
        }
        let pid = self.pid();
        if let Some(sig) = graceful {
            if self.paused {
                // A stopped process cannot act on SIGTERM/SIGINT.
                self.resume();
            }
            let members = service_processes(pid);
            // To the leader only: postgres' postmaster shuts its backends down itself, and a
            // SIGINT to a backend would just cancel its query.
            signal_pid(pid, sig);
            let deadline = Instant::now() + grace;
            while Instant::now() < deadline {
                if let Ok(Some(status)) = self.child.try_wait() {
                    self.exited = true;
                    // Whatever outlived a clean exit is killed like in a crash.
                    finish_off(members);
                    return Some(status);
                }
                thread::sleep(Duration::from_millis(10));
            }
        }
        // Freeze the leader so that it forks nothing new, take the list of its processes while
        // the parent links still find them, then kill them all; SIGKILL needs no SIGCONT.
        signal_group(pid, Signal::Stop);
        let members = service_processes(pid);
        signal_group(pid, Signal::Kill);
        signal_procs(&members, Signal::Kill);
        // Backstop: std SIGKILLs the leader by itself, and it is harmless if already dead.
        let _ = self.child.kill();
        let status = self.child.wait().ok();
        self.exited = true;
        self.paused = false;
        finish_off(members);
        status
    }
}

/// SIGKILLs `members` until none is alive (bounded): postgres backends that outlived their
/// postmaster would keep its shared memory and data dir busy, and a restart must not meet them.
fn finish_off(members: Vec<ProcStat>) {
    let deadline = Instant::now() + STOP_GRACE;
    loop {
        let left: Vec<ProcStat> = members
            .iter()
            .filter(|p| p.still_running())
            .copied()
            .collect();
        if left.is_empty() || Instant::now() >= deadline {
            return;
        }
        signal_procs(&left, Signal::Kill);
        thread::sleep(Duration::from_millis(10));
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        self.stop(None, Duration::ZERO);
    }
}

/// How long a GET to a test server may take before the test fails.
const HTTP_TIMEOUT: Duration = Duration::from_secs(10);

/// One real service: its temp dir, its port, how to launch it, and the running process group.
pub struct ServerProcess {
    name: &'static str,
    package: &'static str,
    port: u16,
    log: PathBuf,
    launch: Launch,
    group: Option<Group>,
    // Declared last so the process is gone before its directory is deleted.
    dir: TempDir,
}

impl ServerProcess {
    /// Starts a server in `dir` on a free port and waits until it answers. `build` makes the
    /// launch for a port; it is called again with a new port if the first one got taken
    /// between choosing and binding it. `name` is the binary and `package` its apt package,
    /// both for messages.
    pub fn start(
        name: &'static str,
        package: &'static str,
        dir: TempDir,
        mut build: impl FnMut(u16, &Path) -> Launch,
    ) -> ServerProcess {
        let port = free_port();
        let mut server = ServerProcess {
            name,
            package,
            port,
            log: dir.path().join(format!("{name}.log")),
            launch: build(port, dir.path()),
            group: None,
            dir,
        };
        for _ in 1..PORT_ATTEMPTS {
            if let Some(group) = server.spawn_and_wait() {
                server.group = Some(group);
                return server;
            }
            server.port = free_port();
            server.launch = build(server.port, server.dir.path());
        }
        match server.spawn_and_wait() {
            Some(group) => server.group = Some(group),
            None => panic!(
                "{name} lost its port to another process {PORT_ATTEMPTS} times; log tail:\n{}",
                log_tail(&server.log, 0)
            ),
        }
        server
    }

    /// The port the server listens on (kept across restarts).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `127.0.0.1:port`.
    pub fn addr(&self) -> SocketAddr {
        loopback(self.port)
    }

    /// The service's temp dir: config, data and `<name>.log`.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The log file that receives the server's stdout and stderr.
    pub fn log_path(&self) -> &Path {
        &self.log
    }

    /// GET `path` over HTTP, panicking with the log tail if the server does not answer.
    pub fn get(&self, path: &str) -> crate::support::http::HttpResponse {
        self.try_get(path, HTTP_TIMEOUT).unwrap_or_else(|e| {
            panic!(
                "GET http://{}{path} failed: {e}\nlog tail:\n{}",
                self.addr(),
                self.log_tail()
            )
        })
    }

    /// GET `path` with a caller-chosen timeout; for fault tests that expect failure.
    pub fn try_get(
        &self,
        path: &str,
        timeout: Duration,
    ) -> std::io::Result<crate::support::http::HttpResponse> {
        crate::support::http::get(self.addr(), path, timeout)
    }

    /// The last lines of the server's log, for test failure messages.
    pub fn log_tail(&self) -> String {
        log_tail(&self.log, 0)
    }

    /// Pid of the group leader (also the process group id), or None while stopped.
    pub fn pid(&self) -> Option<u32> {
        self.group.as_ref().map(Group::pid)
    }

    /// True while the server process runs (paused counts as running).
    pub fn is_running(&self) -> bool {
        self.group.is_some()
    }

    /// SIGSTOP to every process of the service (postgres backends included); returns once all
    /// are stopped, so the very next request is guaranteed to go unanswered.
    pub fn pause(&mut self) {
        let name = self.name;
        let group = self
            .group
            .as_mut()
            .unwrap_or_else(|| panic!("pause(): {name} is not running"));
        if let Err(e) = group.pause() {
            panic!("pause(): {name}: {e}");
        }
    }

    /// SIGCONT to every process of the service.
    pub fn resume(&mut self) {
        let name = self.name;
        self.group
            .as_mut()
            .unwrap_or_else(|| panic!("resume(): {name} is not running"))
            .resume();
    }

    /// SIGKILL to every process of the service and reap it: a crash, no chance to flush.
    pub fn kill(&mut self) {
        if let Some(mut group) = self.group.take() {
            group.stop(None, Duration::ZERO);
        }
    }

    /// Graceful stop (the service's stop signal, SIGKILL after the grace period); returns the
    /// leader's exit status (a signal status if it had to be killed), None if not running.
    pub fn stop(&mut self) -> Option<ExitStatus> {
        let mut group = self.group.take()?;
        group.stop(Some(self.launch.stop_signal), STOP_GRACE)
    }

    /// Starts the server again on the same port with the same data and waits until it answers;
    /// a running server is stopped gracefully first. Works after `kill()` and after `stop()`.
    pub fn restart(&mut self) {
        self.stop();
        match self.spawn_and_wait() {
            Some(group) => self.group = Some(group),
            None => panic!(
                "{} could not restart on port {}: another process took it; log tail:\n{}",
                self.name,
                self.port,
                log_tail(&self.log, 0)
            ),
        }
    }

    /// Spawns the launch and polls its probe until it answers. None means the port was taken
    /// (the server said "already in use"); any other failure panics with the command line and
    /// the log tail. A panic here drops the `Group`, which kills it.
    fn spawn_and_wait(&self) -> Option<Group> {
        let launch = &self.launch;
        let mut cmd = Command::new(&launch.program);
        cmd.args(&launch.args).current_dir(self.dir.path());
        let line = command_line(&cmd);
        let mut log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .unwrap_or_else(|e| panic!("opening {}: {e}", self.log.display()));
        let _ = writeln!(log, "=== harness: starting `{line}`");
        // Only what this start wrote is inspected for "already in use".
        let offset = log.seek(SeekFrom::End(0)).unwrap_or(0);
        let stdout = log.try_clone().expect("duplicating the log file handle");
        cmd.stdin(Stdio::null())
            .stdout(stdout)
            .stderr(log)
            // Its own group: pause/kill reach every process it forks (postgres backends), and
            // a Ctrl-C meant for the test runner does not kill it behind the harness' back.
            .process_group(0);
        if let Some(user) = launch.run_as {
            // std also drops supplementary groups when switching away from root.
            cmd.uid(user.uid).gid(user.gid);
        }
        let child = match cmd.spawn() {
            Ok(child) => child,
            Err(e) if e.kind() == io::ErrorKind::NotFound => panic!(
                "{} not found (tried `{}`): apt-get install -y {}",
                self.name,
                launch.program.display(),
                self.package
            ),
            Err(e) => panic!("cannot start `{line}`: {e}"),
        };
        let mut group = Group {
            child,
            paused: false,
            exited: false,
        };
        let deadline = Instant::now() + READY_TIMEOUT;
        let mut backoff = Duration::from_millis(5);
        loop {
            if let Some(status) = group.child.try_wait().ok().flatten() {
                // Reap whatever it forked before deciding anything.
                group.stop(None, Duration::ZERO);
                let text = log_text(&self.log, offset);
                if text.to_ascii_lowercase().contains("already in use") {
                    return None;
                }
                panic!(
                    "{} exited before it was ready ({status}): `{line}`\nlog {} tail:\n{}",
                    self.name,
                    self.log.display(),
                    log_tail(&self.log, offset)
                );
            }
            // Checked again after the probe: a server that lost the bind race must not be
            // mistaken for ready because some other process answered on the port.
            if (launch.probe)(self.port) && group.child.try_wait().ok().flatten().is_none() {
                return Some(group);
            }
            if Instant::now() >= deadline {
                panic!(
                    "{} did not answer on port {} within {READY_TIMEOUT:?}: `{line}`\nlog {} tail:\n{}",
                    self.name,
                    self.port,
                    self.log.display(),
                    log_tail(&self.log, offset)
                );
            }
            thread::sleep(backoff);
            backoff = (backoff * 2).min(Duration::from_millis(100));
        }
    }
}

impl Drop for ServerProcess {
    /// Graceful stop with escalation; never panics, never leaves a process behind.
    fn drop(&mut self) {
        if let Some(mut group) = self.group.take() {
            group.stop(Some(self.launch.stop_signal), STOP_GRACE);
        }
    }
}

fn log_text(path: &Path, offset: u64) -> String {
    let mut text = Vec::new();
    if let Ok(mut file) = File::open(path) {
        let _ = file.seek(SeekFrom::Start(offset));
        let _ = file.read_to_end(&mut text);
    }
    String::from_utf8_lossy(&text).into_owned()
}

fn log_tail(path: &Path, offset: u64) -> String {
    let text = log_text(path, offset);
    let lines: Vec<&str> = text.lines().collect();
    let tail = lines[lines.len().saturating_sub(LOG_TAIL_LINES)..].join("\n");
    if tail.is_empty() {
        "(empty)".to_owned()
    } else {
        tail
    }
}
