//! The messages between the actors of `stream watch`, in one place: the supervisor (the
//! agent's process and its stdout), the monitor thread (recording, metrics, stuck
//! detection) and the forwarder (delivery to Redis). They share nothing behind a lock but
//! what these messages carry (and the counters of [`super::monitor::Progress`]).
//!
//! ```text
//! supervisor --ToMonitor::{Line, Tick, Pid, Finish}--> monitor
//! forwarder  --ToMonitor::Published------------------> monitor
//! monitor    --FromMonitor::Stop----------------------> supervisor   (--on-stuck kill)
//! monitor    --Episode--------------------------------> forwarder    (agents:stuck)
//! monitor    --Notify (a batch was recorded)----------> forwarder
//! ```

use std::time::Instant;

use tokio::sync::oneshot;

use super::parse::Parsed;
use super::spool::SpoolError;
use super::summary::Summary;

/// One line for the monitor.
pub struct Line {
    /// The bytes, without newline.
    pub data: Vec<u8>,
    /// What they say.
    pub parsed: Parsed,
    /// Receive time, RFC 3339.
    pub at: String,
    /// Receive instant, for durations.
    pub instant: Instant,
    /// The agent's stdout byte count after this line (see [`super::record::Record::pos`]).
    pub pos: u64,
}

/// Messages to the monitor.
pub enum ToMonitor {
    /// A line (boxed: the parsed form is large to move around).
    Line(Box<Line>),
    /// Write the pending batch, refresh the published metrics.
    Tick,
    /// The child's pid.
    Pid(u32),
    /// A delivery pass to Redis (from the forwarder), for the metrics.
    Published {
        /// Whether everything spooled was delivered.
        ok: bool,
        /// Records sent.
        records: u64,
        /// How long the pass took.
        seconds: f64,
        /// Records still spooled, when known.
        pending: Option<u64>,
    },
    /// The child exited with this code (None: by a signal); reply with the final summary
    /// and the number of records written.
    Finish(
        Option<i32>,
        oneshot::Sender<Result<(Summary, u64), SpoolError>>,
    ),
}

/// Requests from the monitor to the supervisor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FromMonitor {
    /// Stop the agent as on SIGTERM (with the kill grace).
    Stop,
}

/// A stuck episode for the `agents:stuck` stream.
#[derive(Debug, Clone)]
pub struct Episode {
    /// The agent.
    pub agent_id: String,
    /// Its fields (reason, detail, started_at, ...).
    pub fields: Vec<(&'static str, String)>,
}
