//! `disk`: free space (for unprivileged users) on the file system holding a path.

use std::path::PathBuf;

use super::{Check, Run, blocking};
use crate::health::{Finding, Status};

/// The check.
#[derive(Debug)]
pub struct Disk {
    /// Any path on the file system.
    pub path: PathBuf,
    /// Degraded below this many free bytes.
    pub degraded_below: u64,
    /// Unhealthy below this many free bytes.
    pub unhealthy_below: u64,
}

impl Check for Disk {
    fn run(&self) -> Run<'_> {
        let (path, degraded, unhealthy) =
            (self.path.clone(), self.degraded_below, self.unhealthy_below);
        Box::pin(blocking(move || {
            let shown = path.display().to_string();
            let stat = match rustix::fs::statvfs(&path) {
                Ok(stat) => stat,
                // A path that does not exist yet (fresh install) degrades (docs/architecture.md section 4).
                Err(rustix::io::Errno::NOENT) => {
                    return Finding::degraded(format!("{shown} does not exist yet"))
                        .detail("path", shown);
                }
                Err(e) => {
                    return Finding::unhealthy(format!("cannot stat {shown}: {e}"))
                        .detail("path", shown);
                }
            };
            let free = stat.f_bavail.saturating_mul(stat.f_frsize);
            let gb = free as f64 / 1e9;
            let status = if free < unhealthy {
                Status::Unhealthy
            } else if free < degraded {
                Status::Degraded
            } else {
                Status::Healthy
            };
            Finding::new(status, format!("{gb:.2} GB free at {shown}"))
                .detail("path", shown)
                .detail("free_bytes", free)
                .detail("free_gb", (gb * 100.0).round() / 100.0)
                .observe("free", (gb * 100.0).round() / 100.0, "GB")
        }))
    }
}
