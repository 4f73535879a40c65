//! The check kinds, one file each, behind one trait so the runner treats them alike. A check
//! only reads: it never deletes a PID file, writes a key or creates a table. Timeouts are
//! not the checks' business: the runner wraps every run in one, and dropping a check's
//! future must cancel everything it started (so no check spawns tasks that outlive it).

pub mod disk;
pub mod http;
pub mod log_file;
pub mod memory;
pub mod pidfile;
pub mod ping;
pub mod postgres;
pub mod redis;
pub mod tcp;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use super::Finding;
use super::spec::Kind;

/// A boxed check run.
pub type Run<'a> = Pin<Box<dyn Future<Output = Finding> + Send + 'a>>;

/// One kind of check.
pub trait Check: Send + Sync {
    /// Runs the check once.
    fn run(&self) -> Run<'_>;
}

/// Builds the check for a specification.
pub fn build(kind: &Kind, timeout: std::time::Duration) -> Arc<dyn Check> {
    match kind.clone() {
        Kind::PidFile { path } => Arc::new(pidfile::PidFile { path }),
        Kind::Postgres {
            url,
            degraded_latency,
        } => Arc::new(ping::Ping {
            server: ping::Server::Postgres,
            url,
            degraded_latency: Some(degraded_latency),
            timeout,
        }),
        Kind::SqlCount {
            url,
            query,
            thresholds,
        } => Arc::new(postgres::Count {
            url,
            query,
            thresholds,
        }),
        Kind::Schema { url, table, column } => Arc::new(postgres::Schema { url, table, column }),
        Kind::Redis { url } => Arc::new(ping::Ping {
            server: ping::Server::Redis,
            url,
            degraded_latency: None,
            timeout,
        }),
        Kind::RedisQueue {
            url,
            key,
            thresholds,
        } => Arc::new(redis::QueueDepth {
            url,
            key,
            thresholds,
            timeout,
        }),
        Kind::Disk {
            path,
            degraded_below,
            unhealthy_below,
        } => Arc::new(disk::Disk {
            path,
            degraded_below,
            unhealthy_below,
        }),
        Kind::Memory {
            degraded_above,
            unhealthy_above,
        } => Arc::new(memory::Memory {
            degraded_above,
            unhealthy_above,
        }),
        Kind::LogFile { path, thresholds } => Arc::new(log_file::LogFile { path, thresholds }),
        Kind::Http {
            url,
            expect_status,
            degraded_latency,
        } => Arc::new(http::Http::new(url, expect_status, degraded_latency)),
        Kind::Tcp { address } => Arc::new(tcp::Tcp { address }),
    }
}

/// Runs blocking file-system work off the runtime threads, so a hung mount cannot stall
/// the server (the runner's timeout then reports it).
pub(crate) async fn blocking(work: impl FnOnce() -> Finding + Send + 'static) -> Finding {
    match tokio::task::spawn_blocking(work).await {
        Ok(finding) => finding,
        Err(e) => Finding::unhealthy(format!("check task failed: {e}")),
    }
}

/// Milliseconds as a JSON number with microsecond precision.
pub(crate) fn millis(d: std::time::Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}
