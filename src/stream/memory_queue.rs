//! The degraded mode of `stream watch` with Redis: when the spool cannot be written (a
//! full disk, EIO, a quota), batches wait here, in memory and in order, and the forwarder
//! delivers them to Redis straight from here. The spool is a safety net, not a gate: the
//! agent keeps running while Redis takes its events, and ccmon says loudly that a crash
//! now would lose what is in memory. Only when neither the disk nor Redis takes events does
//! the queue fill, and the agent is held back as before.
//!
//! Order is kept by one rule: once a batch is here, every later batch comes here too until
//! the queue is empty (delivered), so the spool's part of a run always precedes its memory
//! part, and Redis never sees a gap.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use super::record::Record;
use super::recorder::Sink;
use super::spool::SpoolError;
use super::spool_sink::SpoolSink;
use super::summary::Summary;

/// Bytes of line data the queue holds at most; past it the agent waits.
pub const MAX_BYTES: usize = 64 * 1024 * 1024;

/// Batches waiting for Redis because the spool could not take them.
#[derive(Debug, Default)]
pub struct MemoryQueue {
    inner: Mutex<Inner>,
    /// Spool writes that failed since the run started.
    errors: AtomicU64,
    /// Records that ever waited here.
    queued: AtomicU64,
}

#[derive(Debug, Default)]
struct Inner {
    batches: VecDeque<(Vec<Record>, Summary)>,
    bytes: usize,
}

impl MemoryQueue {
    /// Records waiting in memory.
    pub fn records(&self) -> u64 {
        self.lock()
            .batches
            .iter()
            .map(|(r, _)| r.len() as u64)
            .sum()
    }

    /// Whether nothing waits.
    pub fn is_empty(&self) -> bool {
        self.lock().batches.is_empty()
    }

    /// Whether any record of the run bypassed the spool (then the spool log lacks it).
    pub fn ever_used(&self) -> bool {
        self.queued.load(Ordering::Acquire) > 0
    }

    /// Spool writes that failed.
    pub fn errors(&self) -> u64 {
        self.errors.load(Ordering::Acquire)
    }

    /// The oldest batch, for delivery (a copy: it stays queued until [`MemoryQueue::pop`]).
    pub fn front(&self) -> Option<(Vec<Record>, Summary)> {
        self.lock().batches.front().cloned()
    }

    /// Drops the oldest batch, once delivered.
    pub fn pop(&self) {
        let mut inner = self.lock();
        if let Some((records, _)) = inner.batches.pop_front() {
            inner.bytes -= records.iter().map(|r| r.data.len()).sum::<usize>();
        }
    }

    fn push(&self, records: Vec<Record>, summary: Summary) -> bool {
        if records.is_empty() {
            return true;
        }
        let bytes: usize = records.iter().map(|r| r.data.len()).sum();
        let mut inner = self.lock();
        // One batch always fits into an empty queue, however large.
        if !inner.batches.is_empty() && inner.bytes + bytes > MAX_BYTES {
            return false;
        }
        inner.bytes += bytes;
        self.queued
            .fetch_add(records.len() as u64, Ordering::AcqRel);
        inner.batches.push_back((records, summary));
        true
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves consistent data (each change is one step).
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The spool, with the memory queue behind it when the disk fails.
pub struct SafetyNet {
    spool: SpoolSink,
    queue: Option<std::sync::Arc<MemoryQueue>>,
    /// Records handed to the memory queue.
    queued: u64,
}

impl SafetyNet {
    /// Writes to `spool`; with `queue` (Redis configured), batches the disk refuses wait
    /// there for the forwarder instead of holding the agent back.
    pub fn new(spool: SpoolSink, queue: Option<std::sync::Arc<MemoryQueue>>) -> Self {
        SafetyNet {
            spool,
            queue,
            queued: 0,
        }
    }

    /// The spool sink.
    pub fn spool_mut(&mut self) -> &mut SpoolSink {
        &mut self.spool
    }

    /// Records written to the spool or queued for Redis.
    pub fn written(&self) -> u64 {
        self.spool.written() + self.queued
    }
}

impl Sink for SafetyNet {
    type Error = SpoolError;

    fn write(&mut self, records: &mut Vec<Record>, summary: &Summary) -> Result<(), SpoolError> {
        let Some(queue) = &self.queue else {
            return self.spool.write(records, summary);
        };
        if queue.is_empty() {
            match self.spool.write(records, summary) {
                Ok(()) => return Ok(()),
                Err(SpoolError::Io { .. }) if records.is_empty() => {
                    // Only the summary could not be replaced: the next write brings it.
                    queue.errors.fetch_add(1, Ordering::AcqRel);
                    return Ok(());
                }
                Err(e @ SpoolError::Io { .. }) => {
                    let n = queue.errors.fetch_add(1, Ordering::AcqRel) + 1;
                    if n == 1 || n.is_multiple_of(100) {
                        crate::output::write_stderr_line(&format!(
                            "ccmon: DEGRADED: {}; events go to Redis straight from memory \
                             (at most {} MiB), so a crash of ccmon now loses the events not \
                             yet delivered",
                            super::forwarder::error_chain(&e),
                            MAX_BYTES >> 20
                        ));
                    }
                }
                Err(e) => return Err(e),
            }
        }
        if records.is_empty() {
            return Ok(());
        }
        let n = records.len() as u64;
        if queue.push(std::mem::take(records), summary.clone()) {
            self.queued += n;
            Ok(())
        } else {
            Err(SpoolError::MemoryFull {
                max: MAX_BYTES as u64,
            })
        }
    }
}
