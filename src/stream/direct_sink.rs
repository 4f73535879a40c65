//! Redis first, the spool when Redis fails: the sink of `stream ingest` with Redis
//! configured. Input read from a file is already on disk, so while Redis keeps up the
//! batches go straight to it (exactly once, as from the spool), on a thread of their own
//! so that reading and parsing overlap with Redis's work; the first batch Redis cannot
//! take, and every batch after it, goes to the spool, in order, for a later delivery.

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

use super::record::Record;
use super::recorder::Sink;
use super::redis::{RedisSink, RedisSinkError};
use super::spool::SpoolError;
use super::spool_sink::SpoolSink;
use super::summary::Summary;

/// Batches in flight to the delivery thread: two keep Redis busy while the next is parsed,
/// and bound memory.
const IN_FLIGHT: usize = 2;

/// Queued batches are merged into one delivery up to this many bytes of data.
const MERGE_BYTES: usize = 8 * 1024 * 1024;

fn data_bytes(records: &[Record]) -> usize {
    records.iter().map(|r| r.data.len()).sum()
}

/// What the delivery thread did.
pub struct Outcome {
    /// Records delivered straight to Redis.
    pub delivered: u64,
    /// Records written to the spool instead.
    pub spooled: u64,
    /// Why Redis was given up, if it was.
    pub failure: Option<RedisSinkError>,
}

struct Worker {
    redis: Option<RedisSink>,
    runtime: tokio::runtime::Runtime,
    spool: SpoolSink,
    failure: Option<RedisSinkError>,
    delivered: u64,
}

impl Worker {
    fn write(&mut self, records: &mut Vec<Record>, summary: &Summary) -> Result<(), SpoolError> {
        if let Some(redis) = &mut self.redis {
            match self.runtime.block_on(redis.deliver(records, summary)) {
                Ok(_) => {
                    self.delivered += records.len() as u64;
                    return Ok(());
                }
                Err(e) => {
                    // From here on the spool keeps the order; Redis gets it all later.
                    tracing::warn!("redis failed, spooling the rest of the run: {e}");
                    self.failure = Some(e);
                    self.redis = None;
                }
            }
        }
        self.spool.write(records, summary)
    }
}

/// Hands batches to the delivery thread.
pub struct DirectSink {
    tx: Option<SyncSender<(Vec<Record>, Summary)>>,
    /// Delivered batches coming back, to be freed and reused here: freeing thousands of
    /// records on the delivery thread kept Redis waiting between batches.
    done: Receiver<Vec<Record>>,
    thread: Option<JoinHandle<(Result<(), SpoolError>, Outcome)>>,
}

impl DirectSink {
    /// A sink that tries `redis` first and falls back to `spool`.
    pub fn new(
        redis: RedisSink,
        runtime: tokio::runtime::Runtime,
        spool: SpoolSink,
    ) -> std::io::Result<Self> {
        let (tx, rx) = sync_channel::<(Vec<Record>, Summary)>(IN_FLIGHT);
        let (done_tx, done) = sync_channel::<Vec<Record>>(IN_FLIGHT + 1);
        let mut worker = Worker {
            redis: Some(redis),
            runtime,
            spool,
            failure: None,
            delivered: 0,
        };
        let thread = std::thread::Builder::new()
            .name("ccmon-deliver".into())
            .spawn(move || {
                let mut result = Ok(());
                while let Ok((mut records, mut summary)) = rx.recv() {
                    // Batches that queued up while Redis took the last one go as one: the
                    // per-call costs (the first read, the fleet update) are paid once, and
                    // only the newest summary matters. Up to a bound in bytes: huge lines
                    // must not make one request of the whole queue.
                    let mut bytes = data_bytes(&records);
                    while bytes < MERGE_BYTES
                        && let Ok((mut more, newer)) = rx.try_recv()
                    {
                        bytes += data_bytes(&more);
                        records.append(&mut more);
                        summary = newer;
                        let _ = done_tx.try_send(more);
                    }
                    if let Err(e) = worker.write(&mut records, &summary) {
                        // The spool failed too: stop taking batches, report at the end.
                        result = Err(e);
                        break;
                    }
                    // Large records are freed here at once rather than held until the
                    // reading thread gets to them; many small ones are freed there, off
                    // the delivery thread. Full (the recorder is not writing any more):
                    // freed here too.
                    if bytes < MERGE_BYTES {
                        let _ = done_tx.try_send(records);
                    }
                }
                let outcome = Outcome {
                    delivered: worker.delivered,
                    spooled: worker.spool.written(),
                    failure: worker.failure,
                };
                (result, outcome)
            })?;
        Ok(DirectSink {
            tx: Some(tx),
            done,
            thread: Some(thread),
        })
    }

    /// Waits for every batch to be written and says where they went.
    pub fn finish(mut self) -> Result<Outcome, SpoolError> {
        drop(self.tx.take());
        match self.thread.take().map(JoinHandle::join) {
            Some(Ok((Ok(()), outcome))) => Ok(outcome),
            Some(Ok((Err(e), _))) => Err(e),
            _ => Err(SpoolError::Io {
                path: std::path::PathBuf::new(),
                op: "deliver",
                source: std::io::Error::other("the delivery thread stopped"),
            }),
        }
    }
}

impl Sink for DirectSink {
    type Error = SpoolError;

    fn write(&mut self, records: &mut Vec<Record>, summary: &Summary) -> Result<(), SpoolError> {
        // A failed send means the thread stopped on a spool error, which `finish` reports.
        // The records move to the thread (no copy of the lines); the recorder's next batch
        // starts with the same capacity.
        if let Some(tx) = &self.tx {
            let next = match self.done.try_recv() {
                Ok(mut old) => {
                    old.clear();
                    old
                }
                Err(_) => Vec::with_capacity(records.capacity()),
            };
            let batch = std::mem::replace(records, next);
            let _ = tx.send((batch, summary.clone()));
        }
        Ok(())
    }
}
