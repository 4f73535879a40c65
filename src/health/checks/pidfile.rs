//! `pidfile`: the file exists, holds a PID, and that process is alive. Liveness is read from
//! `/proc/PID` rather than `kill(pid, 0)`, which fails with EPERM for another user's process
//! and made the old checker call a live daemon dead. The file is never deleted.

use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;

use super::{Check, Run, blocking};
use crate::health::Finding;

/// The check.
#[derive(Debug)]
pub struct PidFile {
    /// The PID file.
    pub path: PathBuf,
}

impl Check for PidFile {
    fn run(&self) -> Run<'_> {
        let path = self.path.clone();
        Box::pin(blocking(move || {
            inspect(&path, std::path::Path::new("/proc"))
        }))
    }
}

/// Reads `path` and looks the PID up under `proc` (a parameter for tests).
pub fn inspect(path: &std::path::Path, proc: &std::path::Path) -> Finding {
    let shown = path.display().to_string();
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Finding::unhealthy(format!("PID file {shown} is missing"))
                .detail("path", shown);
        }
        Err(e) => {
            return Finding::unhealthy(format!("cannot read PID file {shown}: {e}"))
                .detail("path", shown);
        }
    };
    let trimmed = text.trim();
    let pid = match trimmed.parse::<u32>() {
        Ok(pid) if pid > 0 => pid,
        _ => {
            let shown_text: String = trimmed.chars().take(40).collect();
            return Finding::unhealthy(format!(
                "PID file {shown} does not hold a PID: {shown_text:?}"
            ))
            .detail("path", shown);
        }
    };
    match std::fs::metadata(proc.join(pid.to_string())) {
        Ok(meta) => {
            let owner = meta.uid();
            let mut finding = Finding::healthy(format!("process {pid} is running"))
                .detail("path", shown)
                .detail("pid", pid)
                .detail("owner_uid", owner)
                .observe("process", pid, "pid");
            // Our own uid from /proc/self rather than getuid(2): no unsafe code here. A live
            // process of another user still counts as alive; the message says whose it is.
            if let Ok(me) = std::fs::metadata(proc.join("self"))
                && me.uid() != owner
            {
                finding.message = format!("process {pid} is running (owned by uid {owner})");
            }
            finding
        }
        Err(_) => Finding::unhealthy(format!(
            "process {pid} from PID file {shown} is not running (stale PID file)"
        ))
        .detail("path", shown)
        .detail("pid", pid),
    }
}
