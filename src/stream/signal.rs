//! Signals: the one place ccmon sends them (to a child's process group) and the typed
//! events that OS signals become. The only `unsafe` in ccmon lives here.

use std::io;

/// Signals ccmon sends or forwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// Interrupt (Ctrl-C).
    Int,
    /// Polite termination.
    Term,
    /// Hang-up.
    Hup,
    /// Immediate, uncatchable kill.
    Kill,
}

impl Signal {
    /// The signal number.
    pub fn number(self) -> i32 {
        match self {
            Signal::Int => libc::SIGINT,
            Signal::Term => libc::SIGTERM,
            Signal::Hup => libc::SIGHUP,
            Signal::Kill => libc::SIGKILL,
        }
    }

    /// The conventional name, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Signal::Int => "SIGINT",
            Signal::Term => "SIGTERM",
            Signal::Hup => "SIGHUP",
            Signal::Kill => "SIGKILL",
        }
    }
}

/// A process group ccmon started (its leader's pid), the only thing it may signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcessGroup(i32);

impl ProcessGroup {
    /// The group led by `pid` (a child spawned with `process_group(0)`). Refuses pids that
    /// would make `kill` address more than one group (0, 1, negative).
    pub fn of_leader(pid: u32) -> Option<ProcessGroup> {
        let pid = i32::try_from(pid).ok()?;
        (pid > 1).then_some(ProcessGroup(pid))
    }

    /// Sends `signal` to every process in the group. A group that is already gone is not
    /// an error.
    pub fn signal(self, signal: Signal) -> io::Result<()> {
        // SAFETY: kill(2) has no memory-safety preconditions; the negative pid addresses
        // exactly the group led by self.0, which `of_leader` guarantees is > 1.
        #[allow(unsafe_code)]
        let rc = unsafe { libc::kill(-self.0, signal.number()) };
        if rc == 0 {
            return Ok(());
        }
        let err = io::Error::last_os_error();
        if err.raw_os_error() == Some(libc::ESRCH) {
            Ok(())
        } else {
            Err(err)
        }
    }
}

/// Whether process `pid` exists and has not exited (a zombie counts as exited: in
/// containers whose init does not reap, the process of a killed ccmon lingers as one).
pub fn process_alive(pid: u32) -> bool {
    let Ok(raw) = i32::try_from(pid) else {
        return false;
    };
    if raw <= 0 {
        return false;
    }
    // SAFETY: kill(2) with signal 0 only checks for existence and permission.
    #[allow(unsafe_code)]
    let rc = unsafe { libc::kill(raw, 0) };
    let exists = rc == 0 || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM);
    if !exists {
        return false;
    }
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat
            .rfind(')')
            .and_then(|i| stat[i + 1..].split_whitespace().next())
            .is_none_or(|state| state != "Z"),
        Err(_) => true,
    }
}
