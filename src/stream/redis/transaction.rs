//! The single server's exactly-once write: an optimistic transaction per chunk (`WATCH`,
//! read the run's highest seq, `MULTI`, plain `XADD`s, `EXEC`), pipelined so that Redis
//! never waits for the client between chunks.

use std::time::Duration;

use redis::{Cmd, ErrorKind, RedisError, ServerErrorKind, Value};

use super::connection::{Conn, Submitted};
use super::layout::{canonical_time, events_key, meta_is_newer, meta_key};
use super::write::{SCAN_LIMIT, Script};
use super::{Ctx, Delivered, RedisSinkError};
use crate::stream::record::{FieldValue, Record};
use crate::stream::resp_conn::{Packed, RespConnection};
use crate::stream::summary::Summary;

/// Optimistic transactions tried for a chunk before it falls back to the script.
pub(super) const TX_ATTEMPTS: usize = 3;

/// How long the read a delivery leaves watched on its connection (see [`Watched`]) may
/// stand in for the next delivery's first round trip. Short, so that a key expiring in
/// between (which Redis before 6.0.9 does not count as a change to a watched key) cannot
/// matter: the TTL is hours at least.
pub(super) const WATCHED_FOR: Duration = Duration::from_secs(10);

/// The run's highest seq and the stored `last_event_at`, read with the agent's keys watched.
pub(super) type Read = (u64, Option<String>);

/// What a delivery to a single server leaves on its connection: the agent's keys watched,
/// and what was read right after its last `EXEC`. The next delivery of the same run starts
/// its first transaction from this read instead of a round trip of its own, which is as
/// safe as a fresh read: any change to the keys since the `WATCH` aborts that `EXEC`.
/// Only deliveries send `EXEC`, so the watch holds until the next one. Tied to the
/// connection: dropped whenever the connection is.
pub(super) struct Watched {
    pub(super) agent_id: String,
    pub(super) run_id: String,
    pub(super) read: Read,
    pub(super) at: std::time::Instant,
}

/// One chunk of a batch on its way to a single server.
pub(super) struct Chunk<'a> {
    pub(super) records: &'a [Record],
    /// The summary, with the batch's last chunk.
    pub(super) meta: Option<&'a Summary>,
    /// The chunk after this one, whose `MULTI` and `XADD`s are sent behind this one.
    pub(super) next: Option<&'a [Record]>,
    /// The chunk after that, whose `XADD`s are built while this one is written.
    pub(super) after_next: Option<&'a [Record]>,
    /// The lowest seq the caller still holds (see [`RedisSink::deliver_from_floor`]).
    pub(super) floor: u64,
}

/// What the previous transaction of a batch prepared for the next one.
#[derive(Default)]
pub(super) struct Ahead {
    /// The `XADD`s of the chunk after the next, built while Redis ran this one.
    pub(super) appends: Option<Appends>,
    /// The next chunk's `MULTI` and `XADD`s, sent behind this one's `EXEC`.
    pub(super) queued: Option<Queued>,
    /// The highest seq and stored `last_event_at`, read after this one's `EXEC` with the
    /// agent's keys watched again.
    pub(super) read: Option<Read>,
}

/// A chunk's `MULTI` and `XADD`s, sent before its transaction's read came back: its
/// `EXEC` goes only if the read shows the stream holding the run up to `after`.
pub(super) struct Queued {
    /// The seq of the chunk's first record.
    pub(super) first: u64,
    /// The seq the `XADD`s were built for.
    pub(super) after: u64,
    /// How many records they write.
    pub(super) written: u64,
    /// Their replies (`OK`, `QUEUED`...).
    pub(super) reply: Submitted,
}

/// A chunk's transaction up to its last `XADD`: `MULTI` and the `XADD`s of its records
/// above seq `after`, encoded for the wire.
pub(super) struct Appends {
    /// The seq of the chunk's first record (0 for none).
    pub(super) first: u64,
    pub(super) after: u64,
    pub(super) multi: Packed,
    /// How many records it writes.
    pub(super) written: u64,
}

/// The first round of [`Ctx::transaction`], one pipeline: `WATCH` the agent's keys, the
/// highest seq of `run_id` in its stream (the look-back script, `EVAL` after `NOSCRIPT`),
/// and the stored `last_event_at`.
pub(super) async fn watch_and_read(
    conn: Conn,
    script: &Script,
    keys: &[String; 2],
    run_id: &str,
) -> Result<(u64, Option<String>), RedisError> {
    let read = |name: &str, body: &str| {
        let [watch, seq, stored] = watch_and_read_cmds(name, body, keys, run_id);
        let mut pipe = redis::pipe();
        pipe.add_command(watch)
            .ignore()
            .add_command(seq)
            .add_command(stored);
        pipe
    };
    let mut c = conn;
    match read("EVALSHA", &script.sha).query_async(&mut c).await {
        Err(e) if e.kind() == ErrorKind::Server(ServerErrorKind::NoScript) => {
            read("EVAL", &script.code).query_async(&mut c).await
        }
        other => other,
    }
}

/// The commands of [`watch_and_read`]: `WATCH`, the highest seq (the look-back script by
/// `EVALSHA` with its SHA or `EVAL` with its code), the stored `last_event_at`.
pub(super) fn watch_and_read_cmds(
    name: &str,
    body: &str,
    keys: &[String; 2],
    run_id: &str,
) -> [Cmd; 3] {
    let mut watch = redis::cmd("WATCH");
    watch.arg(&keys[0]).arg(&keys[1]);
    // A summary without records (run "") needs no seq: no look-back through the stream.
    let limit = if run_id.is_empty() { 0 } else { SCAN_LIMIT };
    let mut seq = redis::cmd(name);
    seq.arg(body).arg(1).arg(&keys[0]).arg(run_id).arg(limit);
    let mut stored = redis::cmd("HGET");
    stored.arg(&keys[1]).arg("last_event_at");
    [watch, seq, stored]
}

/// The two replies of a read: the highest seq and the stored `last_event_at`.
pub(super) fn read_reply(seq: Value, stored: Value) -> Result<(u64, Option<String>), String> {
    let seq = match seq {
        Value::Int(n) => u64::try_from(n).unwrap_or(0),
        other => return Err(format!("expected the highest seq, got {other:?}")),
    };
    let stored = match stored {
        Value::Nil => None,
        Value::BulkString(b) => Some(String::from_utf8_lossy(&b).into_owned()),
        Value::SimpleString(t) => Some(t),
        other => return Err(format!("expected last_event_at, got {other:?}")),
    };
    Ok((seq, stored))
}

impl Ctx {
    /// One chunk on a single server: the optimistic transaction, retried while other
    /// writers keep changing the agent's keys, then the script, which cannot be raced.
    pub(super) async fn deliver_single(
        &self,
        single: &RespConnection,
        run_id: &str,
        chunk: &Chunk<'_>,
        ahead: &mut Ahead,
    ) -> Result<Delivered, RedisSinkError> {
        for _ in 0..TX_ATTEMPTS {
            if let Some(d) = self.transaction(single, run_id, chunk, ahead).await? {
                return Ok(d);
            }
        }
        ahead.read = None;
        let conn = Conn::Single(single.clone());
        if let Some(q) = ahead.queued.take() {
            self.discard(conn.clone(), q).await?;
        }
        self.deliver_chunk(conn, run_id, chunk.records, chunk.meta, chunk.floor)
            .await
    }

    /// The exactly-once write of one chunk as an optimistic transaction: `WATCH` both keys
    /// of the agent, read the highest seq of the run (the read-only look-back script) and
    /// the stored `last_event_at`, then `MULTI`, plain `XADD`s of the records above that
    /// seq, the meta update unless it is older, the TTLs, `EXEC`. `EXEC` runs nothing if
    /// any client changed either key since the `WATCH` (another deliverer of the same run,
    /// or a stale transaction of ours from a connection given up after a timeout landing
    /// late): that is `None`, and the caller reads again. Returns what was written.
    ///
    /// Same guarantees as the deliver script, at about 60 % of Redis's time per entry: a
    /// script pays for every `XADD` twice over, copying each argument into Lua and back.
    /// Only on a single server: a cluster client cannot promise that `WATCH` and `EXEC`
    /// travel on the same connection, so a cluster keeps the script.
    ///
    /// While Redis runs the transaction, the `XADD`s of the next chunk are built into
    /// `ahead`, for the seq this one leaves behind, so Redis does not wait for the client
    /// between chunks; the next call uses them only if the stream really holds that seq.
    pub(super) async fn transaction(
        &self,
        single: &RespConnection,
        run_id: &str,
        chunk: &Chunk<'_>,
        ahead: &mut Ahead,
    ) -> Result<Option<Delivered>, RedisSinkError> {
        let op = "deliver";
        let records = chunk.records;
        let agent_id = chunk
            .meta
            .map(|s| s.agent_id.as_str())
            .or_else(|| records.first().map(|r| r.agent_id.as_str()))
            .unwrap_or_default();
        let keys = [events_key(agent_id), meta_key(agent_id)];
        let conn = Conn::Single(single.clone());
        // This chunk's MULTI and XADDs, if the previous transaction sent them ahead; usable
        // only if they are this chunk's, built for what the stream holds, and the keys are
        // still watched from that read. Otherwise the open MULTI is discarded (which also
        // lets go of the watch), and the read is made again.
        let mut queued = None;
        if let Some(q) = ahead.queued.take() {
            let mine = records.first().map(|r| r.seq) == Some(q.first)
                && ahead
                    .read
                    .as_ref()
                    .is_some_and(|(held, _)| *held == q.after);
            if mine {
                queued = Some(q);
            } else {
                ahead.read = None;
                self.discard(conn.clone(), q).await?;
            }
        }
        let mut guess = None;
        let (held, stored_at) = match ahead.read.take() {
            // Read (and watched) right after the previous transaction, in its round trip.
            Some(read) => read,
            None => {
                // Most batches continue the run where the stream ends: their XADDs are
                // built for that while the read is out.
                let guessing = async {
                    tokio::task::yield_now().await;
                    records
                        .first()
                        .map(|r| self.appends(&keys[0], records, r.seq.saturating_sub(1)))
                };
                let reading = self.bounded(
                    op,
                    watch_and_read(conn.clone(), &self.delivered_script, &keys, run_id),
                );
                let read;
                (read, guess) = tokio::join!(reading, guessing);
                read?
            }
        };
        if let Some(first) = records.first()
            && first.seq > held + 1
            && first.seq > chunk.floor
        {
            // Nothing is written around a hole. The caller drops the connection, and the
            // watch with it.
            return Err(RedisSinkError::Gap {
                url: self.url.clone(),
                run_id: run_id.to_owned(),
                held,
                first: first.seq,
            });
        }
        // The transaction is sent by hand (MULTI ... EXEC) and the next chunk's WATCH and
        // read ride in the same round trip, after the EXEC: one round trip per chunk. After
        // the last chunk, the read is for the next delivery of the run (see [`Watched`]).
        // The read is valid whether the EXEC ran or was aborted.
        let (mut tx, written) = match &queued {
            Some(q) => (Packed::default(), q.written),
            None => {
                let appends = match guess {
                    Some(a) if a.after == held => a,
                    _ => self.appends(&keys[0], records, held),
                };
                (appends.multi, appends.written)
            }
        };
        if let Some(summary) = chunk.meta
            && meta_is_newer(
                stored_at.as_deref(),
                &canonical_time(&summary.last_event_at),
            )
        {
            let mut hset = redis::cmd("HSET");
            hset.arg(&keys[1]);
            for (name, value) in summary.fields() {
                hset.arg(name).arg(value.as_str());
            }
            tx.cmd(&hset);
        }
        let ttl = self.cfg.ttl_secs();
        if ttl > 0 {
            tx.cmd(redis::cmd("EXPIRE").arg(&keys[0]).arg(ttl));
            tx.cmd(redis::cmd("EXPIRE").arg(&keys[1]).arg(ttl));
        }
        tx.cmd(&redis::cmd("EXEC"));
        let sha = &self.delivered_script.sha;
        for cmd in watch_and_read_cmds("EVALSHA", sha, &keys, run_id) {
            tx.cmd(&cmd);
        }
        // Replies kept: the EXEC's, the WATCH's, the read's two.
        let sent = Submitted::send_packed(single, tx, 4, self.cfg.timeout);
        // The next chunk's MULTI and XADDs go right behind, built for the seq this EXEC
        // leaves: Redis queues them while the client reads this reply and decides, so it
        // never waits for the client between chunks. Only its EXEC waits for the read.
        // What the stream holds once this EXEC ran.
        let left = records.last().map_or(held, |r| r.seq.max(held));
        if let Some(next) = chunk.next
            && let Some(first) = next.first()
        {
            let after = left;
            let appends = match ahead.appends.take() {
                Some(a) if a.first == first.seq && a.after == after => a,
                _ => self.appends(&keys[0], next, after),
            };
            ahead.queued = Some(Queued {
                first: first.seq,
                after,
                written: appends.written,
                reply: Submitted::send_packed(single, appends.multi, 0, self.cfg.timeout),
            });
        }
        let build_after_next = async {
            // Let the connection's task write the requests out before building.
            tokio::task::yield_now().await;
            match (chunk.next, chunk.after_next) {
                (Some(next), Some(after_next)) => {
                    let after = next.last().map_or(left, |r| r.seq.max(left));
                    Some(self.appends(&keys[0], after_next, after))
                }
                _ => None,
            }
        };
        let replies = async {
            // This chunk's queued XADDs answer first (an XADD refused while queueing makes
            // the EXEC fail too, with less detail).
            if let Some(q) = queued {
                self.sent(op, q.reply.reply().await)?;
            }
            match sent.reply().await {
                // The read after the EXEC lost its script (flushed): whether the EXEC ran
                // is unknown, so this counts as a lost race and is read again.
                Ok(Err(e)) if e.kind() == ErrorKind::Server(ServerErrorKind::NoScript) => {
                    Ok(Value::Nil)
                }
                other => self.sent(op, other),
            }
        };
        let (reply, after_next) = tokio::join!(replies, build_after_next);
        ahead.appends = after_next;
        let reply = reply?;
        if reply == Value::Nil {
            // Aborted, or the read after it lost its script: read again.
            return Ok(None);
        }
        let Value::Array(mut items) = reply else {
            return Err(self.reply_err(op, format!("expected four replies, got {reply:?}")));
        };
        let (Some(stored), Some(seq), Some(_watched), Some(exec), None) = (
            items.pop(),
            items.pop(),
            items.pop(),
            items.pop(),
            items.pop(),
        ) else {
            return Err(self.reply_err(op, format!("expected four replies, got {items:?}")));
        };
        ahead.read = Some(read_reply(seq, stored).map_err(|d| self.reply_err(op, d))?);
        // The EXEC's own replies, which a hand-made transaction must check itself.
        if let Value::Array(results) = &exec
            && let Some(Value::ServerError(e)) =
                results.iter().find(|v| matches!(v, Value::ServerError(_)))
        {
            return Err(self.reply_err(op, format!("{e:?}")));
        }
        if exec == Value::Nil {
            return Ok(None);
        }
        Ok(Some(Delivered {
            written,
            skipped: records.len() as u64 - written,
            previous_seq: held,
        }))
    }

    /// Ends the `MULTI` that `queued` opened, unrun (and the watch with it).
    pub(super) async fn discard(&self, conn: Conn, queued: Queued) -> Result<(), RedisSinkError> {
        let mut discard = redis::pipe();
        discard.cmd("DISCARD").ignore();
        let discard = Submitted::send(conn, discard, self.cfg.timeout).await;
        // The queued replies say nothing once discarded; the DISCARD's does.
        let _ = queued.reply.reply().await;
        self.sent("deliver", discard.reply().await).map(drop)
    }

    /// `MULTI` and the `XADD`s of the records of `records` above seq `after`.
    pub(super) fn appends(&self, key: &str, records: &[Record], after: u64) -> Appends {
        let above = || records.iter().filter(|r| r.seq > after);
        // Sized up front: a megabyte grown by doubling is copied once more on the way.
        // Per record: its fields with their headers, and the command's own arguments.
        let size = 16
            + above()
                .map(|r| {
                    key.len()
                        + 64
                        + r.fields()
                            .iter()
                            .map(|(n, v)| n.len() + v.max_len() + 16)
                            .sum::<usize>()
                })
                .sum::<usize>();
        let mut multi = Packed::with_capacity(size);
        multi.command(1).arg(b"MULTI");
        let mut written = 0;
        for r in above() {
            let fields = r.fields();
            multi
                .command(6 + 2 * fields.len())
                .arg(b"XADD")
                .arg(key.as_bytes())
                .arg(b"MAXLEN")
                .arg(b"~")
                .number(self.cfg.maxlen)
                .arg(b"*");
            for (name, value) in fields {
                multi.arg(name.as_bytes());
                match value {
                    FieldValue::Bytes(b) => multi.arg(b),
                    FieldValue::Number(n) => multi.number(n),
                };
            }
            written += 1;
        }
        Appends {
            first: records.first().map_or(0, |r| r.seq),
            after,
            multi,
            written,
        }
    }
}
