//! Delivering spooled runs to a target (Redis) in order, exactly once.
//!
//! The spool is the write-ahead log: every record is fsynced there first, then delivered.
//! How far a run's log was delivered is kept next to it in `<run>.acked` (a byte offset
//! and the last seq), replaced atomically after each delivered batch. A batch whose reply
//! was lost is simply sent again: the target skips what it already holds. If the target
//! reports holding less of a run than was acknowledged (Redis restarted empty), delivery
//! rewinds to what it holds and sends the rest again. A run that has ended and is fully
//! delivered is removed from the spool, which keeps the spool bounded by what is in
//! flight. A run still being written keeps only its newest delivered bytes (`keep` of
//! [`deliver_all`], at most twice that plus one batch): the blocks of the older
//! delivered prefix are freed ([`super::spool::reclaim`]), so a session of any length needs
//! bounded disk. A Redis that restarts empty then gets the run again from the oldest
//! record still held.

use std::fs;
use std::future::Future;
use std::path::Path;

use super::record::Record;
pub use super::spool::{Ack, pending, pending_bytes};
use super::spool::{LogReader, Reclaimed, RunFiles, Spool, SpoolError};
use super::summary::{AgentState, Summary};

/// Records per delivered batch.
pub const DELIVERY_BATCH: usize = 512;
/// A batch also ends once it holds this many bytes of data, so huge lines (chunks of
/// `--max-line`) do not make a batch of gigabytes.
pub const DELIVERY_BYTES: usize = 8 * 1024 * 1024;

/// Where spooled records go.
pub trait Target {
    /// The target's error.
    type Error: std::error::Error + Send + Sync + 'static;
    /// Writes `records` (one agent, one run, ascending seq) and the summary; records the
    /// target already holds are skipped. Returns how many were written, or `None` when the
    /// target refused because it holds less of the run than the batch assumes (it lost
    /// data): the caller then re-sends the run from its start. The spool no longer holds
    /// the run's records below seq `floor` (0: it holds them all), so a target holding less
    /// than that must take the batch from `floor` on rather than refuse.
    fn deliver(
        &mut self,
        records: &[Record],
        summary: &Summary,
        floor: u64,
    ) -> impl Future<Output = Result<Option<u64>, Self::Error>>;
    /// The highest seq of `run_id` the target holds for `agent_id` (0 if none).
    fn delivered_seq(
        &mut self,
        agent_id: &str,
        run_id: &str,
    ) -> impl Future<Output = Result<u64, Self::Error>>;
}

/// What a delivery pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Delivered {
    /// Records newly written to the target.
    pub written: u64,
    /// Records read from the spool and sent (including ones the target already had).
    pub sent: u64,
    /// Runs completed and removed from the spool.
    pub runs_completed: u64,
    /// Damaged logs: their valid prefix was delivered, and they were moved aside to these
    /// paths (or, for a run still being written, left where they are).
    pub damaged: Vec<std::path::PathBuf>,
}

/// Why a delivery pass stopped.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError<E: std::error::Error + Send + Sync + 'static> {
    /// The spool could not be read or its ack written.
    #[error(transparent)]
    Spool(#[from] SpoolError),
    /// The target failed; the records stay spooled.
    #[error("cannot deliver spooled events")]
    Target(#[source] E),
}

/// What becomes of a run once delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Another process's run, or an ended one: removed once ended and fully delivered.
    Not,
    /// This process's run, still being written: kept, with its delivered prefix freed
    /// beyond this many bytes.
    Current {
        /// Delivered bytes kept on disk (the most recent), for a Redis that restarts empty.
        bytes: u64,
    },
}

/// Delivers one run from its acknowledged position to the end of what is spooled now.
pub async fn deliver_run<T: Target>(
    target: &mut T,
    run: &RunFiles,
    keep: Keep,
) -> Result<Delivered, DeliveryError<T::Error>> {
    let mut done = Delivered::default();
    let Some(summary) = run.summary() else {
        // No summary means the writer died before its first batch finished: nothing of
        // this log can be attributed to an agent with certainty, but records carry their
        // agent id, so deliver them with a minimal summary.
        return deliver_from(target, run, keep, None, &mut done)
            .await
            .map(|()| done);
    };
    deliver_from(target, run, keep, Some(summary), &mut done).await?;
    Ok(done)
}

async fn deliver_from<T: Target>(
    target: &mut T,
    run: &RunFiles,
    keep: Keep,
    summary: Option<Summary>,
    done: &mut Delivered,
) -> Result<(), DeliveryError<T::Error>> {
    let (mut ack, mut reclaimed) = trusted_state(run)?;
    let mut reader = LogReader::open_at(&run.log, ack.offset)?;
    let mut batch: Vec<Record> = Vec::with_capacity(DELIVERY_BATCH);
    let mut checked_target = ack.seq == 0;
    // Where the log stops making sense: its valid prefix is delivered, the rest is not.
    let mut damage: Option<SpoolError> = None;
    loop {
        batch.clear();
        let mut bytes = 0;
        while batch.len() < DELIVERY_BATCH && bytes < DELIVERY_BYTES && damage.is_none() {
            match reader.next_record() {
                Ok(Some(r)) => {
                    bytes += r.data.len();
                    batch.push(r);
                }
                Ok(None) => break,
                Err(e @ SpoolError::Corrupt { .. }) => damage = Some(e),
                Err(e) => return Err(e.into()),
            }
        }
        let Some(first) = batch.first() else { break };
        let summary = summary.clone().unwrap_or_else(|| minimal_summary(first));
        if !checked_target {
            // Once per run and pass: does the target still hold what we acknowledged?
            checked_target = true;
            let held = target
                .delivered_seq(&first.agent_id, &first.run_id)
                .await
                .map_err(DeliveryError::Target)?;
            if held < ack.seq {
                tracing::warn!(
                    "the target holds events of run {} only up to {held}, not {}; {}",
                    first.run_id,
                    ack.seq,
                    resend_note(held, &reclaimed)
                );
                (ack, reader) = rewind(run, &reclaimed)?;
                continue;
            }
        }
        let delivered = target
            .deliver(&batch, &summary, reclaimed.seq)
            .await
            .map_err(DeliveryError::Target)?;
        let Some(written) = delivered else {
            if ack.offset <= reclaimed.offset {
                // Refused from the very start: nothing to rewind to; the records stay
                // spooled rather than loop.
                break;
            }
            tracing::warn!(
                "the target lost events of run {}; {}",
                first.run_id,
                resend_note(0, &reclaimed)
            );
            (ack, reader) = rewind(run, &reclaimed)?;
            continue;
        };
        done.written += written;
        done.sent += batch.len() as u64;
        ack = Ack {
            offset: reader.offset(),
            seq: batch.last().map_or(ack.seq, |r| r.seq),
            meta: fingerprint(&summary),
        };
        ack.write(&run.acked)?;
        if let Keep::Current { bytes } = keep {
            reclaim(run, &ack, &mut reclaimed, bytes)?;
        }
    }
    // A state change with no new record (stuck, recovered) must not wait for the next event:
    // a hung agent produces none.
    if let Some(s) = &summary
        && ack.offset > 0
        && !reader.torn()
    {
        let meta = fingerprint(s);
        if meta != ack.meta {
            target
                .deliver(&[], s, reclaimed.seq)
                .await
                .map_err(DeliveryError::Target)?;
            ack.meta = meta;
            ack.write(&run.acked)?;
        }
    }
    if let Some(e) = damage {
        // Delivered as far as it is readable; never read again, never deleted: moved aside
        // for a person to look at, unless this process is still writing it.
        let aside = match keep {
            Keep::Not => {
                let aside = super::spool::move_aside(&run.log);
                for path in [&run.meta, &run.acked, &run.reclaimed] {
                    if path.exists() {
                        super::spool::move_aside(path);
                    }
                }
                aside
            }
            Keep::Current { .. } => run.log.clone(),
        };
        tracing::warn!(
            "{e}; its readable part (up to seq {}) was delivered, the rest is kept in {}",
            ack.seq,
            aside.display()
        );
        done.damaged.push(aside);
        return Ok(());
    }
    let ended = summary
        .as_ref()
        .is_some_and(|s| s.state == AgentState::Exited);
    if keep == Keep::Not && ended && !reader.torn() {
        // The summary of an ended run is final; deliver it even when no record was left.
        if let Some(s) = &summary {
            target
                .deliver(&[], s, reclaimed.seq)
                .await
                .map_err(DeliveryError::Target)?;
        }
        for path in [&run.log, &run.meta, &run.acked, &run.reclaimed] {
            let _ = fs::remove_file(path);
        }
        done.runs_completed += 1;
    }
    Ok(())
}

/// The run's ack and reclaim state, each checked against the log: a state file that points
/// past the log's end, or at something that is not the record it promises, is ignored with a
/// warning (everything is sent again from the oldest record held, and the target skips what
/// it has) — never trusted into skipping or deleting undelivered records.
fn trusted_state(run: &RunFiles) -> Result<(Ack, Reclaimed), SpoolError> {
    let len = fs::metadata(&run.log)
        .map_err(|e| SpoolError::io(&run.log, "read", e))?
        .len();
    let mut reclaimed = Reclaimed::read(&run.reclaimed);
    if reclaimed.offset > len
        || reclaimed.mark > len
        || !starts_record(&run.log, reclaimed.offset, None)
    {
        tracing::warn!(
            "ignoring {}: it does not match the log {} ({len} bytes)",
            run.reclaimed.display(),
            run.log.display()
        );
        reclaimed = Reclaimed::default();
    }
    let ack = Ack::read(&run.acked);
    let fits = ack.offset >= reclaimed.offset
        && ack.offset <= len
        && (ack.offset == len
            || starts_record(&run.log, ack.offset, Some(ack.seq.saturating_add(1))));
    if fits {
        return Ok((ack, reclaimed));
    }
    tracing::warn!(
        "ignoring {}: it says the log was delivered up to byte {} (seq {}), which does not match the log {} ({len} bytes); delivering it again from its start",
        run.acked.display(),
        ack.offset,
        ack.seq,
        run.log.display()
    );
    let ack = Ack {
        offset: reclaimed.offset,
        ..Ack::default()
    };
    Ok((ack, reclaimed))
}

/// Whether a readable record (with seq `seq`, if given) starts at `offset` of `log`. The
/// start of the log and its end are always boundaries.
fn starts_record(log: &Path, offset: u64, seq: Option<u64>) -> bool {
    if offset == 0 && seq.is_none() {
        return true;
    }
    let Ok(mut reader) = LogReader::open_exactly_at(log, offset) else {
        return false;
    };
    match reader.next_record() {
        Ok(Some(r)) => seq.is_none_or(|s| r.seq == s),
        // The end of what is written: a torn tail starts here, or nothing yet.
        Ok(None) => true,
        Err(_) => false,
    }
}

/// What a rewind can send again: everything, or (once the delivered prefix was freed,
/// see `--spool-keep`) only from the oldest record still held, which must be said plainly.
fn resend_note(held: u64, reclaimed: &Reclaimed) -> String {
    if reclaimed.seq > held.saturating_add(1) {
        format!(
            "sending it again from seq {}, the oldest event the spool still holds: events {}..{} are no longer in the spool (raise --spool-keep to keep more) and are LOST from the target",
            reclaimed.seq,
            held + 1,
            reclaimed.seq - 1
        )
    } else {
        "sending the rest again".to_owned()
    }
}

/// Back to the first record the spool still holds, with nothing acknowledged.
fn rewind(run: &RunFiles, reclaimed: &Reclaimed) -> Result<(Ack, LogReader), SpoolError> {
    let ack = Ack {
        offset: reclaimed.offset,
        ..Ack::default()
    };
    Ok((ack, LogReader::open_at(&run.log, reclaimed.offset)?))
}

/// Frees the delivered prefix of the current run beyond the newest `keep` bytes. A mark
/// (a delivered record boundary) is set once `keep` bytes are delivered past the last
/// reclaim; once `keep` more are delivered past the mark, everything before the mark is
/// freed and the mark moves to the current position. So between `keep` and `2 * keep`
/// delivered bytes stay on disk, and no record boundary ever has to be searched for.
fn reclaim(
    run: &RunFiles,
    ack: &Ack,
    reclaimed: &mut Reclaimed,
    keep: u64,
) -> Result<(), SpoolError> {
    let here = (ack.offset, ack.seq.saturating_add(1));
    if reclaimed.mark == 0 {
        if ack.offset.saturating_sub(reclaimed.offset) >= keep {
            (reclaimed.mark, reclaimed.mark_seq) = here;
            // Only a mark: a full disk that keeps it from being written delays the next
            // reclaim, nothing more.
            if let Err(e) = reclaimed.write(&run.reclaimed) {
                tracing::debug!("{}", super::forwarder::error_chain(&e));
            }
        }
        return Ok(());
    }
    if ack.offset.saturating_sub(reclaimed.mark) < keep {
        return Ok(());
    }
    let end = reclaimed.mark;
    *reclaimed = Reclaimed {
        offset: end,
        seq: reclaimed.mark_seq,
        mark: here.0,
        mark_seq: here.1,
    };
    // Readers must start past the freed part before it is freed; if the state cannot be
    // written (a full disk), nothing is freed this time.
    if let Err(e) = reclaimed.write(&run.reclaimed) {
        tracing::debug!("{}", super::forwarder::error_chain(&e));
        return Ok(());
    }
    if let Err(e) = super::spool::reclaim(&run.log, end) {
        tracing::debug!(
            "cannot free the delivered part of {}: {e}",
            run.log.display()
        );
    }
    Ok(())
}

/// A stable fingerprint of a summary (FNV-1a of its JSON), never 0.
fn fingerprint(summary: &Summary) -> u64 {
    let bytes = serde_json::to_vec(summary).unwrap_or_default();
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    });
    hash.max(1)
}

fn minimal_summary(r: &Record) -> Summary {
    let mut s = Summary::new(&r.agent_id, "", &r.timestamp);
    s.state = AgentState::Exited;
    s
}

/// Delivers every run of the spool; `current` (the run still being written, if any) is
/// delivered but never removed, and keeps only its newest `keep` delivered bytes (see
/// [`Keep::Current`]).
pub async fn deliver_all<T: Target>(
    target: &mut T,
    spool: &Spool,
    current: Option<&str>,
    keep: u64,
) -> Result<Delivered, DeliveryError<T::Error>> {
    let mut total = Delivered::default();
    let mut runs = spool.runs()?;
    // Oldest first, so an agent's runs arrive in the order they happened.
    runs.sort_by_key(|r| fs::metadata(&r.log).and_then(|m| m.modified()).ok());
    for run in runs {
        let keep = if current.is_some_and(|id| run.is_run(id)) {
            Keep::Current { bytes: keep }
        } else {
            Keep::Not
        };
        let d = match deliver_run(target, &run, keep).await {
            Ok(d) => d,
            // One unreadable run must not keep every other agent from being delivered.
            Err(DeliveryError::Spool(e)) => {
                tracing::warn!("skipping {}: {e}", run.log.display());
                continue;
            }
            Err(e) => return Err(e),
        };
        total.written += d.written;
        total.sent += d.sent;
        total.runs_completed += d.runs_completed;
        total.damaged.extend(d.damaged);
    }
    Ok(total)
}

/// The Redis sink as a delivery target.
impl Target for super::redis::RedisSink {
    type Error = super::redis::RedisSinkError;

    async fn deliver(
        &mut self,
        records: &[Record],
        summary: &Summary,
        floor: u64,
    ) -> Result<Option<u64>, Self::Error> {
        match super::redis::RedisSink::deliver_from_floor(self, records, summary, floor).await {
            Ok(d) => Ok(Some(d.written)),
            Err(super::redis::RedisSinkError::Gap { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn delivered_seq(&mut self, agent_id: &str, run_id: &str) -> Result<u64, Self::Error> {
        super::redis::RedisSink::delivered_seq(self, agent_id, run_id).await
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::stream::recorder::{Recorder, RecorderConfig};
    use crate::stream::spool_sink::SpoolSink;

    /// An in-memory target with the same exactly-once contract as the Redis sink, which
    /// can fail on cue or forget everything (a Redis restarted without its data).
    #[derive(Default)]
    struct Memory {
        streams: HashMap<String, Vec<(String, u64, Vec<u8>)>>,
        fail_next: u32,
        summaries: u32,
    }

    #[derive(Debug, thiserror::Error)]
    #[error("target down")]
    struct Down;

    impl Target for Memory {
        type Error = Down;
        async fn deliver(
            &mut self,
            records: &[Record],
            _summary: &Summary,
            floor: u64,
        ) -> Result<Option<u64>, Down> {
            if self.fail_next > 0 {
                self.fail_next -= 1;
                return Err(Down);
            }
            self.summaries += 1;
            let mut written = 0;
            if let Some(first) = records.first() {
                let held = self.streams.get(&first.agent_id).map_or(0, |s| {
                    s.iter()
                        .filter(|(run, _, _)| *run == first.run_id)
                        .map(|(_, s, _)| *s)
                        .max()
                        .unwrap_or(0)
                });
                if first.seq > held + 1 && first.seq > floor {
                    return Ok(None);
                }
            }
            for r in records {
                let stream = self.streams.entry(r.agent_id.clone()).or_default();
                let held = stream
                    .iter()
                    .filter(|(run, _, _)| *run == r.run_id)
                    .map(|(_, s, _)| *s)
                    .max()
                    .unwrap_or(0);
                if r.seq > held {
                    stream.push((r.run_id.clone(), r.seq, r.data.clone()));
                    written += 1;
                }
            }
            Ok(Some(written))
        }
        async fn delivered_seq(&mut self, agent_id: &str, run_id: &str) -> Result<u64, Down> {
            Ok(self
                .streams
                .get(agent_id)
                .and_then(|s| {
                    s.iter()
                        .filter(|(r, _, _)| r == run_id)
                        .map(|(_, s, _)| *s)
                        .max()
                })
                .unwrap_or(0))
        }
    }

    /// A recorder of agent `a`'s run `run` into `spool`, in batches of `batch_size`.
    fn recorder(spool: &Spool, run: &str, batch_size: usize) -> Recorder<SpoolSink> {
        let config = RecorderConfig {
            agent_id: Some("a".into()),
            command: "t".into(),
            batch_size,
        };
        Recorder::new(
            config,
            run.into(),
            "t0".into(),
            SpoolSink::new(spool.clone(), run),
        )
    }

    fn record_run(spool: &Spool, run: &str, lines: usize, finish: bool) {
        let mut r = recorder(spool, run, 7);
        for i in 0..lines {
            r.push(format!("line {i}").into_bytes(), true, "t").unwrap();
        }
        if finish {
            r.finish(Some(0)).unwrap();
        } else {
            r.flush().unwrap();
        }
    }

    /// The current run, keeping every delivered byte.
    const ALL: Keep = Keep::Current { bytes: u64::MAX };

    fn block_on<F: Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn delivers_everything_once_in_order_despite_failures_and_data_loss() {
        let dir = tempfile::tempdir().unwrap();
        let spool = Spool::new(dir.path());
        record_run(&spool, "r1", 1500, false);
        let mut target = Memory::default();
        let run = spool.runs().unwrap().remove(0);
        // The target is down at first: nothing is acknowledged, everything stays spooled.
        target.fail_next = 1;
        assert!(block_on(deliver_run(&mut target, &run, ALL)).is_err());
        assert_eq!(pending(&spool).unwrap(), 1500);
        let first = block_on(deliver_run(&mut target, &run, ALL)).unwrap();
        assert_eq!(first.written, 1500);
        // The target loses its data; more lines arrive; delivery notices and resends all.
        target.streams.clear();
        record_run_more(&spool, "r1");
        target.fail_next = 1;
        assert!(block_on(deliver_run(&mut target, &run, ALL)).is_err());
        let again = block_on(deliver_run(&mut target, &run, ALL)).unwrap();
        assert_eq!(again.written, 1500 + 3);
        let seqs: Vec<u64> = target.streams["a"].iter().map(|(_, s, _)| *s).collect();
        assert_eq!(seqs, (1..=1503).collect::<Vec<_>>());
        assert_eq!(pending(&spool).unwrap(), 0);
    }

    /// A long session with Redis keeping up: the delivered prefix is freed as it goes,
    /// readers start at what is still held, and a target that loses everything gets the
    /// run again from the oldest record still held, in order, nothing below it twice.
    #[test]
    fn a_long_run_frees_its_delivered_prefix_and_refills_from_what_is_held() {
        let dir = tempfile::tempdir().unwrap();
        let spool = Spool::new(dir.path());
        let mut rec = recorder(&spool, "long", 50);
        let keep = Keep::Current { bytes: 64 * 1024 };
        let mut target = Memory::default();
        let line = "x".repeat(1000);
        for i in 0..3000 {
            rec.push(format!("{i} {line}").into_bytes(), true, "t")
                .unwrap();
            if i % 100 == 99 {
                rec.flush().unwrap();
                let run = spool.runs().unwrap().remove(0);
                block_on(deliver_run(&mut target, &run, keep)).unwrap();
            }
        }
        let run = spool.runs().unwrap().remove(0);
        let reclaimed = Reclaimed::read(&run.reclaimed);
        let size = fs::metadata(&run.log).unwrap().len();
        // Between keep and twice keep delivered bytes are still held.
        assert!(reclaimed.offset > 0 && reclaimed.seq > 1, "{reclaimed:?}");
        let held = size - reclaimed.offset;
        assert!(
            (64 * 1024..=2 * 64 * 1024 + 200 * 1100).contains(&held),
            "{held}"
        );
        // The freed blocks are gone from the disk where the file system can punch holes.
        {
            use std::os::unix::fs::MetadataExt;
            let on_disk = fs::metadata(&run.log).unwrap().blocks() * 512;
            let probe = dir.path().join("probe");
            fs::write(&probe, vec![1u8; 1 << 20]).unwrap();
            let punches = crate::stream::spool::reclaim(&probe, 1 << 20).is_ok()
                && fs::metadata(&probe).unwrap().blocks() * 512 < 1 << 19;
            assert!(
                on_disk < size / 2 || !punches,
                "{on_disk} bytes on disk of {size}, held {held}"
            );
        }
        // A reader of the spool starts at the first record held.
        let mut reader = LogReader::open(&run.log).unwrap();
        let first = reader.next_record().unwrap().unwrap();
        assert_eq!(first.seq, reclaimed.seq);
        // The target loses everything: the run comes again from the oldest record held.
        target.streams.clear();
        rec.push(b"last".to_vec(), true, "t").unwrap();
        rec.flush().unwrap();
        let d = block_on(deliver_run(&mut target, &run, keep)).unwrap();
        let seqs: Vec<u64> = target.streams["a"].iter().map(|(_, s, _)| *s).collect();
        assert_eq!(seqs, (reclaimed.seq..=3001).collect::<Vec<_>>());
        assert_eq!(d.written, 3001 - reclaimed.seq + 1);
        assert_eq!(pending(&spool).unwrap(), 0);
        // Once the run ends and is delivered, all its files go, the reclaim state too.
        rec.finish(Some(0)).unwrap();
        block_on(deliver_all(&mut target, &spool, None, 64 * 1024)).unwrap();
        assert!(spool.runs().unwrap().is_empty());
        assert!(!run.reclaimed.exists());
    }

    fn record_run_more(spool: &Spool, run: &str) {
        let mut w = spool.writer("a", run).unwrap();
        let extra: Vec<Record> = (1501..=1503)
            .map(|seq| Record {
                agent_id: "a".into(),
                run_id: run.into(),
                seq,
                timestamp: "t".into(),
                event_type: crate::stream::record::EventType::Raw,
                type_: String::new(),
                subtype: String::new(),
                session_id: String::new(),
                tool: String::new(),
                turn_number: 0,
                data: b"more".to_vec(),
                pos: 0,
            })
            .collect();
        w.append(&extra).unwrap();
    }

    #[test]
    fn ended_runs_are_removed_once_delivered_and_the_current_one_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let spool = Spool::new(dir.path());
        record_run(&spool, "old", 10, true);
        record_run(&spool, "cur", 5, false);
        let current = spool
            .runs()
            .unwrap()
            .into_iter()
            .find(|r| r.log.ends_with("cur.log"))
            .unwrap();
        let mut target = Memory::default();
        let d = block_on(deliver_all(&mut target, &spool, Some("cur"), u64::MAX)).unwrap();
        assert_eq!((d.written, d.runs_completed), (15, 1));
        let left: Vec<_> = spool.runs().unwrap().into_iter().map(|r| r.log).collect();
        assert_eq!(left, vec![current.log.clone()]);
        // Nothing new: a second pass sends nothing.
        let d = block_on(deliver_all(&mut target, &spool, Some("cur"), u64::MAX)).unwrap();
        assert_eq!(d.sent, 0);
    }
}
