//! The delivery loop of `stream watch` when Redis is configured: every few milliseconds it
//! delivers what the monitor has fsynced to the spool, in order and exactly once; while
//! Redis is unreachable or slow it backs off (the spool keeps everything) and catches up
//! when Redis returns. Leftover runs of earlier ccmon processes are delivered too.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, watch};

use std::sync::Arc;

use super::delivery::{self, DeliveryError};
use super::memory_queue::MemoryQueue;
pub use super::messages::Episode;
use super::messages::ToMonitor;
use super::redis::RedisSink;
use super::spool::Spool;

/// How often the spool is checked when nothing wakes the forwarder: the monitor wakes it
/// after every batch it records, so this only catches what comes without one (a summary
/// that changed on a timer, runs left by other processes).
pub const INTERVAL: Duration = Duration::from_millis(250);
/// Backoff after a failed delivery: doubling from here...
const BACKOFF_MIN: Duration = Duration::from_millis(250);
/// ...up to here.
const BACKOFF_MAX: Duration = Duration::from_secs(30);
/// Stuck episodes waiting for Redis; beyond this the oldest are dropped (they are also in
/// the meta hash and the metrics).
const EPISODES: usize = 100;

/// How the forwarder treats the spool.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Longest wait for Redis to take the rest once the run has ended.
    pub final_deadline: Duration,
    /// Delivered bytes of the current run kept in the spool (`--spool-keep`).
    pub keep: u64,
    /// Batches the disk refused, delivered after the spool's part of the run.
    pub memory: Option<Arc<MemoryQueue>>,
    /// Notified by the monitor when it has recorded a batch.
    pub recorded: Arc<tokio::sync::Notify>,
}

/// What was left when the forwarder stopped.
#[derive(Debug, Clone, Copy, Default)]
pub struct Left {
    /// Records in the spool, for a later delivery.
    pub spooled: u64,
    /// Records only in memory (the disk refused them, Redis did not take them): lost.
    pub in_memory: u64,
}

/// Runs until `stop` turns true, then makes a last pass (bounded by `final_deadline`)
/// that also removes the ended runs it completes. Returns the records still spooled.
pub async fn run(
    mut sink: RedisSink,
    spool: Spool,
    current_run: String,
    mut stop: watch::Receiver<bool>,
    mut episodes: mpsc::UnboundedReceiver<Episode>,
    report: mpsc::Sender<ToMonitor>,
    policy: Policy,
) -> Left {
    let Policy {
        final_deadline,
        keep,
        memory,
        recorded,
    } = policy;
    let memory = memory.as_deref();
    let mut backoff = Duration::ZERO;
    let mut queued: VecDeque<Episode> = VecDeque::new();
    loop {
        let wait = if backoff.is_zero() { INTERVAL } else { backoff };
        // While backing off, a new batch does not cut the backoff short.
        let woken = async {
            if backoff.is_zero() {
                recorded.notified().await;
            } else {
                std::future::pending::<()>().await;
            }
        };
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = woken => {}
            changed = stop.changed() => {
                if changed.is_err() || *stop.borrow() {
                    break;
                }
            }
            Some(e) = episodes.recv() => {
                if queued.len() == EPISODES {
                    queued.pop_front();
                }
                queued.push_back(e);
                continue;
            }
        }
        let ok = pass(
            &mut sink,
            &spool,
            Some(&current_run),
            keep,
            memory,
            &mut queued,
            &report,
        )
        .await;
        backoff = if ok {
            Duration::ZERO
        } else {
            crate::duration::doubled(backoff, BACKOFF_MIN, BACKOFF_MAX)
        };
    }
    while let Ok(e) = episodes.try_recv() {
        queued.push_back(e);
    }
    // The run has ended: deliver the rest and its final summary, then let it go.
    let finished = tokio::time::timeout(
        final_deadline,
        pass(&mut sink, &spool, None, keep, memory, &mut queued, &report),
    )
    .await;
    if !matches!(finished, Ok(true)) {
        tracing::warn!("redis did not take every event before exit; they stay in the spool");
    }
    let spooled = tokio::task::spawn_blocking(move || delivery::pending(&spool).unwrap_or(0))
        .await
        .unwrap_or(0);
    Left {
        spooled,
        in_memory: memory.map_or(0, MemoryQueue::records),
    }
}

/// Delivers the batches waiting in memory, oldest first; false when Redis did not take
/// them all.
async fn deliver_memory(sink: &mut RedisSink, memory: &MemoryQueue) -> bool {
    while let Some((batch, summary)) = memory.front() {
        match super::delivery::Target::deliver(sink, &batch, &summary, 0).await {
            Ok(Some(_)) => memory.pop(),
            // Redis holds less of the run than this batch follows: the spool's part goes
            // again first (the next pass rewinds it), then this batch.
            Ok(None) => return false,
            Err(e) => {
                tracing::debug!("redis did not take the events waiting in memory: {e}");
                return false;
            }
        }
    }
    true
}

/// One delivery pass; reports to the monitor; true when everything spooled was delivered.
async fn pass(
    sink: &mut RedisSink,
    spool: &Spool,
    current: Option<&str>,
    keep: u64,
    memory: Option<&MemoryQueue>,
    episodes: &mut VecDeque<Episode>,
    report: &mpsc::Sender<ToMonitor>,
) -> bool {
    let started = Instant::now();
    let result = delivery::deliver_all(sink, spool, current, keep).await;
    // The memory part of the run follows its spool part, never precedes it.
    let in_memory = memory.map_or(0, MemoryQueue::records);
    let memory_ok = match (&result, memory) {
        (Ok(_), Some(m)) => deliver_memory(sink, m).await,
        _ => true,
    };
    let seconds = started.elapsed().as_secs_f64();
    let (ok, records) = match &result {
        Ok(d) if memory_ok => (
            true,
            d.sent + in_memory - memory.map_or(0, MemoryQueue::records),
        ),
        Ok(_) => (false, 0),
        Err(e) => {
            match e {
                DeliveryError::Target(t) if t.is_unavailable() => {
                    tracing::debug!("redis unavailable, events stay spooled: {t}");
                }
                other => tracing::warn!("{}", error_chain(other)),
            }
            (false, 0)
        }
    };
    while ok && let Some(e) = episodes.front() {
        if sink
            .add_stuck_episode(&e.agent_id, &e.fields)
            .await
            .is_err()
        {
            break;
        }
        episodes.pop_front();
    }
    if records > 0 || !ok {
        let pending = if ok {
            Some(0)
        } else {
            let spool = spool.clone();
            tokio::task::spawn_blocking(move || delivery::pending(&spool).ok())
                .await
                .ok()
                .flatten()
                .map(|n| n + memory.map_or(0, MemoryQueue::records))
        };
        let _ = report
            .send(ToMonitor::Published {
                ok,
                records,
                seconds,
                pending,
            })
            .await;
    }
    ok
}

/// An error and its causes on one line, for a log message.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
