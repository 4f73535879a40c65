//! Writing: a batch of one run delivered exactly once by Redis's own stream-ID order, with
//! the summary; stuck episodes.
//!
//! Every entry of a run is added with an explicit ID `<base>-<seq>`. Redis refuses an ID at
//! or below the stream's top ("equal or smaller than the target stream top item"), so a
//! retried entry is refused by Redis itself: plain pipelined `XADD`s are idempotent, with
//! no `WATCH`, no script and no read before the write, on a single server and on a cluster
//! alike. What the client keeps is where the run stands ([`Position`]): read once per run
//! and connection ([`Ctx::resolve`]), then carried from batch to batch.

use redis::{Cmd, RedisError, Value};

use super::connection::Conn;
use super::layout::{
    STUCK_KEY, canonical_time, events_key, meta_key, run_start_ms, segment_base, zset_update,
};
use super::read::parse_entries;
use super::{Ctx, RedisSink, RedisSinkError};
use crate::stream::record::Record;
use crate::stream::summary::Summary;

/// How many stream entries the look-back for a run's newest entry reads at most (only
/// entries newer than the run's start are read when its id tells the start).
pub const SCAN_LIMIT: u64 = 10_000;

/// Most records sent in one pipeline. Measured on ingest into a single server: 256 keeps
/// the pipeline full without building megabytes ahead.
pub const CHUNK_RECORDS: usize = 256;

/// Most record bytes sent in one pipeline (a larger single record goes alone).
pub const CHUNK_BYTES: usize = 8 * 1024 * 1024;

/// Record bytes handed to the connection before the replies are awaited. The client
/// copies a request twice on its way out, so huge records (chunks of a 600 MB line) go a
/// few at a time; ordinary batches (about 1.5 KB a record) go in one wave.
const WAVE_BYTES: usize = 4 * 1024 * 1024;

/// Times a batch is re-sent after Redis refused records the run does not hold (another
/// run of the agent wrote above them) before the batch is given back as a gap.
const ATTEMPTS: usize = 3;

/// Replaces the meta hash unless it holds a newer summary. KEYS: the meta hash. ARGV:
/// last_event_at of the summary, then field/value pairs. RFC 3339 UTC with milliseconds
/// compares as text; anything else never blocks an update. Returns 1 if written.
pub(super) const LUA_META: &str = r"
local canonical = '^%d%d%d%d%-%d%d%-%d%dT%d%d:%d%d:%d%d%.%d%d%dZ$'
local stored = redis.call('HGET', KEYS[1], 'last_event_at')
local incoming = ARGV[1]
if stored and string.match(stored, canonical) and string.match(incoming, canonical)
    and stored > incoming then
  return 0
end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
return 1
";

/// The error text of an `XADD` whose ID is at or below the stream's top.
const ID_TOO_SMALL: &str = "equal or smaller than the target stream top item";

/// What one [`RedisSink::deliver`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivered {
    /// Records appended to the stream.
    pub written: u64,
    /// Records skipped because the stream already held their `seq` of this run.
    pub skipped: u64,
    /// The highest `seq` of the run the stream held before this call (0 if none). A batch
    /// starting above `previous_seq + 1` means Redis lost entries (e.g. restarted empty).
    pub previous_seq: u64,
}

/// Where a run stands in its agent's stream: the ID base its next entries take and the
/// highest seq the stream holds. Read by [`Ctx::resolve`], kept by the sink between
/// deliveries of the run on one connection (a new connection reads it again: the server
/// may have restarted or failed over since), advanced by each delivered batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Position {
    pub(super) agent_id: String,
    pub(super) run_id: String,
    /// The millisecond part of the IDs of the run's next entries.
    pub(super) base: u64,
    /// The highest seq of the run the stream holds (0 if none).
    pub(super) held: u64,
}

/// What one delivery writes: a run's records (ascending seq), the summary, and the lowest
/// seq the caller still holds (see [`RedisSink::deliver_from_floor`]).
#[derive(Clone, Copy)]
pub(super) struct Batch<'a> {
    records: &'a [Record],
    summary: &'a Summary,
    floor: u64,
}

/// A script with its SHA1, sent as `EVALSHA` and as `EVAL` when the server lacks it.
pub(super) struct Script {
    pub(super) code: String,
    pub(super) sha: String,
}

impl Script {
    pub(super) fn new(code: String) -> Script {
        let sha = redis::Script::new(&code).get_hash().to_owned();
        Script { code, sha }
    }

    /// The call of the script by `name` (`EVALSHA` or `EVAL`) on `key` with `args`.
    fn call(&self, name: &str, key: &str, args: &[&[u8]]) -> Cmd {
        let body = if name == "EVAL" {
            &self.code
        } else {
            &self.sha
        };
        let mut cmd = redis::cmd(name);
        cmd.arg(body).arg(1).arg(key);
        for a in args {
            cmd.arg(*a);
        }
        cmd
    }
}

/// Splits a batch into pipelines of bounded size, keeping order.
pub(super) fn chunks(records: &[Record]) -> Vec<&[Record]> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut bytes = 0;
    for (i, r) in records.iter().enumerate() {
        let size = r.data.len() + 256;
        if i > start && (i - start >= CHUNK_RECORDS || bytes + size > CHUNK_BYTES) {
            out.push(&records[start..i]);
            start = i;
            bytes = 0;
        }
        bytes += size;
    }
    if start < records.len() {
        out.push(&records[start..]);
    }
    out
}

/// What Redis answered to one record's `XADD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// Appended.
    Written,
    /// Its ID is at or below the stream's top: the record is there already, or another
    /// run of the agent wrote above it ([`Ctx::resolve`] tells which).
    Refused,
    /// The stream does not exist (`NOMKSTREAM`): Redis lost it since the position was read.
    Missing,
}

impl RedisSink {
    /// Writes `records` (all of one agent and one run, ascending seq) exactly once:
    /// returns how many were written and how many were skipped because Redis already
    /// holds them (a batch retried after a timeout whose first attempt did succeed).
    /// With no records, stores the summary only.
    pub async fn deliver(
        &mut self,
        records: &[Record],
        summary: &Summary,
    ) -> Result<Delivered, RedisSinkError> {
        self.deliver_from_floor(records, summary, 0).await
    }

    /// [`RedisSink::deliver`] for a caller that no longer holds the run's records below
    /// seq `floor` (a spool that reclaimed its delivered prefix): a stream holding less of
    /// the run than `floor - 1` (Redis lost it) accepts the batch from `floor` on instead of
    /// refusing the gap, which nobody could fill.
    pub async fn deliver_from_floor(
        &mut self,
        records: &[Record],
        summary: &Summary,
        floor: u64,
    ) -> Result<Delivered, RedisSinkError> {
        self.ctx.check_agent_id(&summary.agent_id)?;
        let run_id = records.first().map_or("", |r| r.run_id.as_str());
        if let Some(r) = records
            .iter()
            .find(|r| r.agent_id != summary.agent_id || r.run_id != run_id)
        {
            return Err(RedisSinkError::Batch {
                url: self.ctx.url.clone(),
                detail: format!(
                    "a batch holds one agent and one run, but agent {:?} run {:?} seq {} came with agent {:?} run {:?}",
                    r.agent_id, r.run_id, r.seq, summary.agent_id, run_id
                ),
            });
        }
        // Entry IDs ascend with seq; out of order, a record would be refused as "already
        // there" and lost.
        if let Some(w) = records.windows(2).find(|w| w[1].seq <= w[0].seq) {
            return Err(RedisSinkError::Batch {
                url: self.ctx.url.clone(),
                detail: format!(
                    "seqs of run {run_id:?} must ascend, but {} follows {}",
                    w[1].seq, w[0].seq
                ),
            });
        }
        let mut known = self
            .position
            .take()
            .filter(|p| p.agent_id == summary.agent_id && p.run_id == run_id);
        // A retry on a new connection must read for itself: `take` leaves it `None`.
        let batch = Batch {
            records,
            summary,
            floor,
        };
        let result = with_conn!(self, "deliver", |ctx, conn| ctx.deliver(
            conn,
            batch,
            known.take()
        ));
        let (delivered, position) = result?;
        self.position = position;
        Ok(delivered)
    }

    /// The highest seq of `run_id` that the agent's stream holds (0 if none): lets the
    /// caller notice that Redis lost data (restarted empty) and re-send from the spool.
    pub async fn delivered_seq(
        &mut self,
        agent_id: &str,
        run_id: &str,
    ) -> Result<u64, RedisSinkError> {
        self.ctx.check_agent_id(agent_id)?;
        let position = with_conn!(self, "delivered_seq", |ctx, conn| ctx
            .resolve(conn, agent_id, run_id))?;
        let held = position.held;
        self.position = Some(position);
        Ok(held)
    }

    /// Stores the agent's summary in its meta hash and the `agents` sorted set.
    pub async fn write_meta(&mut self, summary: &Summary) -> Result<(), RedisSinkError> {
        self.deliver(&[], summary).await.map(drop)
    }

    /// Appends a stuck episode to `agents:stuck` (with `agent_id` as the first field). At
    /// least once: the stream is shared by every agent, so no ID of ours can order it.
    pub async fn add_stuck_episode(
        &mut self,
        agent_id: &str,
        fields: &[(&str, String)],
    ) -> Result<(), RedisSinkError> {
        let op = "add_stuck_episode";
        self.ctx.check_agent_id(agent_id)?;
        let mut xadd = redis::cmd("XADD");
        xadd.arg(STUCK_KEY)
            .arg("MAXLEN")
            .arg("~")
            .arg(self.ctx.cfg.maxlen)
            .arg("*")
            .arg("agent_id")
            .arg(agent_id);
        for (name, value) in fields.iter().filter(|(n, _)| *n != "agent_id") {
            xadd.arg(*name).arg(value.as_str());
        }
        let mut pipe = redis::pipe();
        pipe.add_command(xadd).ignore();
        let ttl = self.ctx.cfg.ttl_secs();
        if ttl > 0 {
            pipe.cmd("EXPIRE").arg(STUCK_KEY).arg(ttl).ignore();
        }
        with_conn!(self, op, |ctx, conn| async {
            let mut c = conn;
            ctx.bounded(op, pipe.query_async::<()>(&mut c)).await
        })
    }
}

impl Ctx {
    /// Reads where `run_id` stands in the agent's stream: the newest entry of the run (a
    /// look-back, newest first, in growing pages, through entries no older than the run's
    /// start when its id tells it, at most [`SCAN_LIMIT`]) and the stream's last ID (which
    /// stays above its newest entry when entries at its end were deleted).
    ///
    /// The run goes on at the base of its newest entry if that entry is the stream's top;
    /// otherwise (nothing of the run yet, or another run of the agent wrote since) above
    /// the top, at the run's own base ([`segment_base`]): never below the run's start, and
    /// distinct from other runs' bases, so that two writers of one run (a `stream flush`
    /// racing the live process) compute the same IDs and Redis keeps one of each.
    pub(super) async fn resolve(
        &self,
        conn: Conn,
        agent_id: &str,
        run_id: &str,
    ) -> Result<Position, RedisSinkError> {
        let op = "delivered_seq";
        let key = events_key(agent_id);
        let start = run_start_ms(run_id).unwrap_or(0);
        let floor_id = format!("{start}-0");
        let mut from = "+".to_owned();
        let mut page = 1usize;
        let mut scanned = 0u64;
        let mut found: Option<(u64, u64, u64)> = None; // (id ms, id seq, seq field)
        // The stream's last generated ID (none without a stream): every new ID must be above
        // it, and it is above the newest entry when entries at the end were deleted.
        let mut top: Option<(u64, u64)> = None;
        'look: while scanned < SCAN_LIMIT {
            let count = (page as u64).min(SCAN_LIMIT - scanned);
            let mut cmd = redis::cmd("XREVRANGE");
            cmd.arg(&key)
                .arg(&from)
                .arg(&floor_id)
                .arg("COUNT")
                .arg(count);
            let mut c = conn.clone();
            let value = if scanned == 0 {
                // The first page and the stream's last ID in one round trip.
                let mut pipe = redis::pipe();
                pipe.ignore_errors()
                    .add_command(cmd)
                    .cmd("XINFO")
                    .arg("STREAM")
                    .arg(&key);
                let mut replies = self
                    .bounded(op, pipe.query_async::<Vec<Value>>(&mut c))
                    .await?
                    .into_iter();
                let (Some(page), info) = (replies.next(), replies.next()) else {
                    return Err(self.reply_err(op, "a reply is missing".into()));
                };
                top = info.and_then(last_generated_id);
                match page {
                    Value::ServerError(e) => {
                        return Err(self.classify(op, &RedisError::from(e)));
                    }
                    page => page,
                }
            } else {
                self.bounded(op, cmd.query_async::<Value>(&mut c)).await?
            };
            let entries = parse_entries(value).map_err(|detail| self.reply_err(op, detail))?;
            let mut largest = 0;
            for (id, fields) in &entries {
                let Some(parsed) = parse_id(id) else {
                    return Err(self.reply_err(op, format!("an entry id is {id:?}")));
                };
                let mut run = None;
                let mut seq = None;
                for (name, value) in fields {
                    largest = largest.max(value.len());
                    match name.as_slice() {
                        b"run_id" => run = Some(value.as_slice()),
                        b"seq" => {
                            seq = std::str::from_utf8(value).ok().and_then(|s| s.parse().ok());
                        }
                        _ => {}
                    }
                }
                if run == Some(run_id.as_bytes()) {
                    // A garbled seq field reads as the ID's own seq part (what this
                    // client writes), never as 0, which would send the run again.
                    found = Some((parsed.0, parsed.1, seq.unwrap_or(parsed.1)));
                    break 'look;
                }
            }
            scanned += entries.len() as u64;
            let Some((last, _)) = entries.last() else {
                break;
            };
            if (entries.len() as u64) < count {
                break;
            }
            from = format!("({last}");
            // Pages grow, but never to more than about 8 MiB of huge entries.
            page = (page * 4).min(128).min((8 << 20) / largest.max(1)).max(1);
        }
        let position = |base, held| Position {
            agent_id: agent_id.to_owned(),
            run_id: run_id.to_owned(),
            base,
            held,
        };
        Ok(match found {
            // The run's newest entry is the stream's last ID, at the run's own ID
            // (base-seq): go on.
            Some((ms, id_seq, seq)) if top == Some((ms, id_seq)) && id_seq == seq => {
                position(ms, seq)
            }
            // Another run wrote above it (or it was written with an ID of another shape):
            // the rest goes above the top.
            Some((_, _, seq)) => position(next_base(run_id, start, top), seq),
            None => position(next_base(run_id, start, top), 0),
        })
    }

    /// The writes of a batch: the records above what the stream holds, as `XADD`s with
    /// explicit IDs in pipelines, the last of them carrying the meta update and the TTLs;
    /// and the `agents` update beside them (it lives in another slot). Returns what was
    /// written and where the run stands after it.
    pub(super) async fn deliver(
        &self,
        conn: Conn,
        batch: Batch<'_>,
        known: Option<Position>,
    ) -> Result<(Delivered, Option<Position>), RedisSinkError> {
        let op = "deliver";
        let summary = batch.summary;
        let fleet = async {
            let mut c = conn.clone();
            self.bounded(
                op,
                zset_update(&self.cfg, summary).query_async::<()>(&mut c),
            )
            .await
        };
        let per_agent = async {
            if batch.records.is_empty() {
                self.write_meta(conn.clone(), summary).await?;
                return Ok((Delivered::default(), known));
            }
            self.append(conn.clone(), batch, known)
                .await
                .map(|(d, p)| (d, Some(p)))
        };
        let (delivered, fleet) = tokio::join!(per_agent, fleet);
        // The stream's error says more than the sorted set's, when both failed.
        let delivered = delivered?;
        fleet?;
        Ok(delivered)
    }

    /// The records of a batch, exactly once (see the module documentation).
    async fn append(
        &self,
        conn: Conn,
        batch: Batch<'_>,
        known: Option<Position>,
    ) -> Result<(Delivered, Position), RedisSinkError> {
        let Batch {
            records,
            summary,
            floor,
        } = batch;
        let run_id = records.first().map_or("", |r| r.run_id.as_str());
        let mut position = match known {
            Some(p) => p,
            None => {
                self.resolve(conn.clone(), &summary.agent_id, run_id)
                    .await?
            }
        };
        let mut done = Delivered {
            previous_seq: position.held,
            ..Delivered::default()
        };
        let last = records.last().map_or(0, |r| r.seq);
        for _ in 0..ATTEMPTS {
            let rest_at = records.partition_point(|r| r.seq <= position.held);
            let rest = &records[rest_at..];
            let Some(first) = rest.first() else {
                // All held already; the summary still goes.
                done.skipped = (records.len() as u64).saturating_sub(done.written);
                self.write_meta(conn.clone(), summary).await?;
                return Ok((done, position));
            };
            if first.seq > position.held.saturating_add(1) && first.seq > floor {
                // Nothing is written around a hole: the caller re-sends from what it holds.
                return Err(self.gap(run_id, position.held, first.seq));
            }
            let outcomes = self.send(conn.clone(), rest, summary, &position).await?;
            let written = outcomes.iter().filter(|o| **o == Outcome::Written).count();
            done.written += written as u64;
            if outcomes.contains(&Outcome::Missing) {
                // The stream vanished under the position (flushed, expired): whatever of the
                // batch went in before that went with it; the caller re-sends from its start.
                return Err(self.gap(run_id, 0, first.seq));
            }
            if !outcomes.contains(&Outcome::Refused) {
                position.held = last;
                done.skipped = (records.len() as u64).saturating_sub(done.written);
                return Ok((done, position));
            }
            // Refused: either another writer of this run got there first (the records are
            // held), or another run of the agent wrote above the position. A fresh read tells.
            position = self
                .resolve(conn.clone(), &summary.agent_id, run_id)
                .await?;
            if position.held >= last {
                done.skipped = (records.len() as u64).saturating_sub(done.written);
                return Ok((done, position));
            }
        }
        Err(self.gap(run_id, position.held, last))
    }

    /// `XADD`s of `records` at the run's base, in pipelines of at most [`CHUNK_RECORDS`]
    /// records, with the meta update and the TTLs after the last record. Pipelines are
    /// handed to the connection as they are built, up to [`WAVE_BYTES`] of records in
    /// flight, so Redis works on one while the next is built. Returns each record's outcome.
    async fn send(
        &self,
        conn: Conn,
        records: &[Record],
        summary: &Summary,
        position: &Position,
    ) -> Result<Vec<Outcome>, RedisSinkError> {
        use futures_util::{FutureExt, StreamExt};
        let op = "deliver";
        let key = events_key(&summary.agent_id);
        let chunks = chunks(records);
        let mut outcomes = Vec::with_capacity(records.len());
        let mut meta = None;
        let mut in_flight = futures_util::stream::FuturesOrdered::new();
        let mut sizes = std::collections::VecDeque::new();
        let mut flying = 0;
        let mut take = |reply: Result<Vec<Value>, RedisError>,
                        outcomes: &mut Vec<Outcome>|
         -> Result<(), RedisSinkError> {
            let reply = reply.map_err(|e| self.classify(op, &e))?;
            for value in reply {
                if outcomes.len() == records.len() {
                    // The meta update's reply, after the last record's.
                    meta = Some(value);
                    continue;
                }
                outcomes.push(self.outcome(value)?);
            }
            Ok(())
        };
        for (k, chunk) in chunks.iter().enumerate() {
            let bytes: usize = chunk.iter().map(|r| r.data.len()).sum();
            // Room for this one: the oldest replies first.
            while flying > 0 && flying + bytes > WAVE_BYTES {
                let reply = self.next_reply(&mut in_flight).await?;
                flying -= sizes.pop_front().unwrap_or(0);
                take(reply, &mut outcomes)?;
            }
            let mut pipe = redis::Pipeline::with_capacity(chunk.len() + 3);
            pipe.ignore_errors();
            for (i, r) in chunk.iter().enumerate() {
                let mut xadd = redis::Cmd::with_capacity(28, r.data.len() + 512);
                xadd.arg("XADD").arg(&key);
                // Only the run's first record may create the stream: any other finding
                // it gone means Redis lost what the position says it holds.
                if !(k == 0 && i == 0 && position.held == 0) {
                    xadd.arg("NOMKSTREAM");
                }
                xadd.arg("MAXLEN")
                    .arg("~")
                    .arg(self.cfg.maxlen)
                    .arg(format!("{}-{}", position.base, r.seq));
                for (name, value) in r.fields() {
                    xadd.arg(name).arg(value);
                }
                pipe.add_command(xadd);
            }
            if k + 1 == chunks.len() {
                self.meta_commands(&mut pipe, summary, "EVALSHA");
            }
            let mut c = conn.clone();
            in_flight.push_back(async move { pipe.query_async::<Vec<Value>>(&mut c).await });
            sizes.push_back(bytes);
            flying += bytes;
            // Hand it to the connection now (one poll sends it), not when the next reply
            // is awaited: Redis works on it while the next pipeline is built.
            if let Some(Some(reply)) = in_flight.next().now_or_never() {
                flying -= sizes.pop_front().unwrap_or(0);
                take(reply, &mut outcomes)?;
            }
        }
        while !in_flight.is_empty() {
            let reply = self.next_reply(&mut in_flight).await?;
            take(reply, &mut outcomes)?;
        }
        if self.meta_lacks_script(meta)? {
            // A fresh server (a restart, a failover, `SCRIPT FLUSH`).
            self.write_meta(conn, summary).await?;
        }
        Ok(outcomes)
    }

    /// The oldest reply still in flight, within the timeout.
    async fn next_reply<F>(
        &self,
        in_flight: &mut futures_util::stream::FuturesOrdered<F>,
    ) -> Result<Result<Vec<Value>, RedisError>, RedisSinkError>
    where
        F: Future<Output = Result<Vec<Value>, RedisError>>,
    {
        use futures_util::StreamExt;
        match tokio::time::timeout(self.cfg.timeout, in_flight.next()).await {
            Ok(Some(reply)) => Ok(reply),
            Ok(None) => Err(self.reply_err("deliver", "a reply is missing".into())),
            Err(_) => Err(self.timeout_err("deliver")),
        }
    }

    /// The meta update (unless the stored summary is newer) and the TTLs of both keys.
    fn meta_commands(&self, pipe: &mut redis::Pipeline, summary: &Summary, eval: &str) {
        let meta = meta_key(&summary.agent_id);
        let last_event_at = canonical_time(&summary.last_event_at);
        let fields = summary.fields();
        let mut args: Vec<&[u8]> = Vec::with_capacity(1 + 2 * fields.len());
        args.push(last_event_at.as_bytes());
        for (name, value) in &fields {
            args.push(name.as_bytes());
            args.push(value.as_bytes());
        }
        // Its reply is kept: NOSCRIPT must be noticed.
        pipe.add_command(self.meta_script.call(eval, &meta, &args));
        let ttl = self.cfg.ttl_secs();
        if ttl > 0 {
            pipe.cmd("EXPIRE")
                .arg(events_key(&summary.agent_id))
                .arg(ttl)
                .ignore();
            pipe.cmd("EXPIRE").arg(&meta).arg(ttl).ignore();
        }
    }

    /// The summary alone: the meta update and the TTLs, `EVAL` once the server lacks the
    /// script (a restart, a failover, `SCRIPT FLUSH`).
    async fn write_meta(&self, conn: Conn, summary: &Summary) -> Result<(), RedisSinkError> {
        for eval in ["EVALSHA", "EVAL"] {
            let mut pipe = redis::pipe();
            pipe.ignore_errors();
            self.meta_commands(&mut pipe, summary, eval);
            let mut c = conn.clone();
            let replies = self
                .bounded("deliver", pipe.query_async::<Vec<Value>>(&mut c))
                .await?;
            if !self.meta_lacks_script(replies.into_iter().next())? {
                break;
            }
        }
        Ok(())
    }

    /// Whether the meta update's reply says the server lacks the script (to be sent again
    /// with `EVAL`); its other errors.
    fn meta_lacks_script(&self, reply: Option<Value>) -> Result<bool, RedisSinkError> {
        match reply {
            Some(Value::ServerError(e)) if e.kind() == Some(redis::ServerErrorKind::NoScript) => {
                Ok(true)
            }
            Some(Value::ServerError(e)) => Err(self.classify("deliver", &RedisError::from(e))),
            _ => Ok(false),
        }
    }

    /// What Redis answered to one record's `XADD` in [`Ctx::send`], or the error.
    fn outcome(&self, value: Value) -> Result<Outcome, RedisSinkError> {
        match value {
            Value::BulkString(_) | Value::SimpleString(_) => Ok(Outcome::Written),
            Value::Nil => Ok(Outcome::Missing),
            Value::ServerError(e) => {
                if e.details().is_some_and(|d| d.contains(ID_TOO_SMALL)) {
                    return Ok(Outcome::Refused);
                }
                let e = RedisError::from(e);
                Err(self.classify("deliver", &e))
            }
            other => Err(self.reply_err("deliver", format!("expected an entry id, got {other:?}"))),
        }
    }

    fn gap(&self, run_id: &str, held: u64, first: u64) -> RedisSinkError {
        RedisSinkError::Gap {
            url: self.url.clone(),
            run_id: run_id.to_owned(),
            held,
            first,
        }
    }
}

/// The `last-generated-id` of an `XINFO STREAM` reply (none for an error: no stream).
fn last_generated_id(info: Value) -> Option<(u64, u64)> {
    let pairs: Vec<(Value, Value)> = match info {
        Value::Array(flat) => {
            let mut flat = flat.into_iter();
            std::iter::from_fn(|| Some((flat.next()?, flat.next()?))).collect()
        }
        Value::Map(map) => map,
        _ => return None,
    };
    let (_, id) = pairs.into_iter().find(|(k, _)| {
        matches!(k, Value::BulkString(b) if b == b"last-generated-id")
            || matches!(k, Value::SimpleString(t) if t == "last-generated-id")
    })?;
    parse_id(&String::from_utf8_lossy(&super::read::bytes_of(id)))
}

/// `<ms>-<seq>` of an entry ID.
fn parse_id(id: &str) -> Option<(u64, u64)> {
    let (ms, seq) = id.split_once('-')?;
    Some((ms.parse().ok()?, seq.parse().ok()?))
}

/// The base of a run's entries above `top` (the stream's newest entry, if any).
fn next_base(run_id: &str, start: u64, top: Option<(u64, u64)>) -> u64 {
    let above = top.map_or(0, |(ms, _)| ms.saturating_add(1));
    segment_base(run_id, start.max(above))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(seq: u64, len: usize) -> Record {
        Record::raw("a", "r", seq, vec![b'x'; len])
    }

    #[test]
    fn chunks_keep_order_and_bounds() {
        let small: Vec<Record> = (1..=2 * CHUNK_RECORDS as u64 + 176)
            .map(|s| record(s, 10))
            .collect();
        let c = chunks(&small);
        assert_eq!(
            c.iter().map(|c| c.len()).collect::<Vec<_>>(),
            vec![CHUNK_RECORDS, CHUNK_RECORDS, 176]
        );
        let big = vec![
            record(1, CHUNK_BYTES * 2),
            record(2, 10),
            record(3, CHUNK_BYTES),
        ];
        let c = chunks(&big);
        assert_eq!(c.iter().map(|c| c.len()).collect::<Vec<_>>(), vec![1, 1, 1]);
        assert!(chunks(&[]).is_empty());
    }

    #[test]
    fn ids_parse_and_bases_go_above_the_top() {
        assert_eq!(parse_id("1700000000000-42"), Some((1_700_000_000_000, 42)));
        assert_eq!(parse_id("garbage"), None);
        let base = next_base("r", 0, Some((5000, 7)));
        assert!(base > 5000, "{base}");
        assert!(next_base("r", 9000, Some((5000, 7))) >= 9000);
        assert!(next_base("r", 0, None) >= 1);
    }
}
