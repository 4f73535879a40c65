//! Writing: a batch of one run delivered exactly once, in chunks, with the summary; the
//! deliver script (a cluster, or a single server after lost races); stuck episodes.

use redis::{Cmd, ErrorKind, RedisError, ServerErrorKind, Value};

use super::connection::{Conn, Submitted};
use super::layout::{STUCK_KEY, canonical_time, events_key, meta_key, zset_update};
use super::transaction::{Ahead, Chunk, Read, WATCHED_FOR, Watched};
use super::{Ctx, RedisSink, RedisSinkError};
use crate::stream::record::Record;
use crate::stream::summary::Summary;

/// How many stream entries the exactly-once check looks back at most.
pub const SCAN_LIMIT: u64 = 10_000;

/// Most records sent in one script call or transaction. Measured on ingest into a single
/// server, since the connection writes requests as they are: 256 is 5 to 10 % faster than
/// 512 and 1024 (Redis waits less at the end of each transaction for the next one's EXEC),
/// 128 no faster than 256.
pub const CHUNK_RECORDS: usize = 256;

/// Most record bytes sent in one script call (a larger single record goes alone).
pub const CHUNK_BYTES: usize = 8 * 1024 * 1024;

/// Finds the highest `seq` of run ARGV-given `run_id` among the newest `limit` entries of
/// `key`, newest first, in growing pages so the common case (the newest entry is the run's)
/// reads one entry and a long look-back never holds more than 128 entries at once.
/// Exclusive ranges (`(id`) need Redis 6.2.
pub(super) const LUA_HIGHEST_SEQ: &str = r"
local function highest_seq(key, run_id, limit)
  local page = 1
  local from = '+'
  local scanned = 0
  while scanned < limit do
    local n = math.min(page, limit - scanned)
    local entries = redis.call('XREVRANGE', key, from, '-', 'COUNT', n)
    for _, entry in ipairs(entries) do
      local f = entry[2]
      local run, seq = nil, nil
      for i = 1, #f, 2 do
        if f[i] == 'run_id' then run = f[i + 1] elseif f[i] == 'seq' then seq = f[i + 1] end
      end
      if run == run_id then return tonumber(seq) or 0 end
    end
    if #entries < n then return 0 end
    scanned = scanned + n
    from = '(' .. entries[#entries][1]
    if page < 128 then page = math.min(page * 4, 128) end
  end
  return 0
end
";

/// The exactly-once write. KEYS: events stream, meta hash (one slot: the hash tag).
/// ARGV: run_id, maxlen, ttl seconds (0 = none), scan limit, floor (the lowest seq the
/// caller still holds; a stream holding less may start there), F (fields per record), F
/// field names, last_event_at of the summary (guards the meta update), M (meta pairs), 2M
/// meta args, then the records, F field/value pairs each. Returns {written, skipped,
/// highest seq before}.
pub(super) const LUA_DELIVER_BODY: &str = r"
local run_id = ARGV[1]
local maxlen = ARGV[2]
local ttl = tonumber(ARGV[3])
local limit = tonumber(ARGV[4])
local floor = tonumber(ARGV[5]) or 0
local nf = tonumber(ARGV[6])
local names, seq_at = {}, nil
for i = 1, nf do
  names[i] = ARGV[6 + i]
  if names[i] == 'seq' then seq_at = i end
end
local at = 7 + nf
local last_event_at = ARGV[at]
local nmeta = tonumber(ARGV[at + 1])
local meta_at = at + 2
at = meta_at + 2 * nmeta
local before, written, skipped = 0, 0, 0
if at <= #ARGV then
  if not seq_at then return redis.error_reply('ERR ccmon deliver: no seq field') end
  before = highest_seq(KEYS[1], run_id, limit)
  -- A batch that would leave a hole (Redis lost the run's earlier entries) is refused:
  -- the caller re-sends from the start of its spool, and the holes are filled in order;
  -- only what the caller no longer holds (below floor) stays missing.
  local first = tonumber(ARGV[at + 2 * seq_at - 1]) or 0
  if first > before + 1 and first > floor then return {0, 0, before} end
  local highest = before
  -- Records come as field/value pairs, so each XADD takes a slice of ARGV as it is
  -- (no table built per record: this loop is the ingest's hot path in Redis).
  local stride = 2 * nf
  while at + stride - 1 <= #ARGV do
    local seq = tonumber(ARGV[at + 2 * seq_at - 1]) or 0
    if seq > highest then
      redis.call('XADD', KEYS[1], 'MAXLEN', '~', maxlen, '*', unpack(ARGV, at, at + stride - 1))
      highest = seq
      written = written + 1
    else
      skipped = skipped + 1
    end
    at = at + stride
  end
end
if nmeta > 0 then
  -- RFC 3339 UTC with milliseconds compares as text; anything else never blocks an update.
  local canonical = '^%d%d%d%d%-%d%d%-%d%dT%d%d:%d%d:%d%d%.%d%d%dZ$'
  local stored = redis.call('HGET', KEYS[2], 'last_event_at')
  local newer = not stored or not string.match(stored, canonical)
    or not string.match(last_event_at, canonical) or stored <= last_event_at
  if newer then
    local pairs_ = {}
    for i = 1, 2 * nmeta do pairs_[i] = ARGV[meta_at + i - 1] end
    redis.call('HSET', KEYS[2], unpack(pairs_))
  end
end
if ttl > 0 then
  redis.call('EXPIRE', KEYS[1], ttl)
  redis.call('EXPIRE', KEYS[2], ttl)
end
return {written, skipped, before}
";

/// KEYS: events stream. ARGV: run_id, scan limit. Returns the highest seq of the run.
pub(super) const LUA_DELIVERED_BODY: &str = r"
return highest_seq(KEYS[1], ARGV[1], tonumber(ARGV[2]))
";

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
}

/// `EVALSHA`, or `EVAL` when the server does not have the script (first use, restart,
/// another cluster node): the failed `EVALSHA` ran nothing, so the fallback is safe.
pub(super) async fn eval(
    conn: Conn,
    script: &Script,
    keys: &[&str],
    args: &(dyn Fn(&mut Cmd) + Sync),
) -> Result<Value, RedisError> {
    let build = |name: &str, body: &str| {
        let mut cmd = redis::cmd(name);
        cmd.arg(body).arg(keys.len()).arg(keys);
        args(&mut cmd);
        cmd
    };
    let mut c = conn;
    match build("EVALSHA", &script.sha)
        .query_async::<Value>(&mut c)
        .await
    {
        Err(e) if e.kind() == ErrorKind::Server(ServerErrorKind::NoScript) => {
            build("EVAL", &script.code)
                .query_async::<Value>(&mut c)
                .await
        }
        other => other,
    }
}

/// Splits a batch into script calls of bounded size, keeping order.
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
        // The script skips a seq at or below the highest it holds; out of order, a record
        // would be skipped as "already there" and lost.
        if let Some(w) = records.windows(2).find(|w| w[1].seq <= w[0].seq) {
            return Err(RedisSinkError::Batch {
                url: self.ctx.url.clone(),
                detail: format!(
                    "seqs of run {run_id:?} must ascend, but {} follows {}",
                    w[1].seq, w[0].seq
                ),
            });
        }
        let chunks = chunks(records);
        let mut watched = self
            .watched
            .take()
            .filter(|w| {
                w.agent_id == summary.agent_id && w.run_id == run_id && w.at.elapsed() < WATCHED_FOR
            })
            .map(|w| w.read);
        // A retry on a new connection must read for itself: `take` leaves it `None`.
        let result = with_conn!(self, "deliver", |ctx, conn| ctx.deliver(
            conn,
            run_id,
            &chunks,
            summary,
            floor,
            watched.take()
        ));
        if result.is_err() {
            // A failed delivery may leave keys watched or a transaction open on the
            // connection; a new one costs one connect.
            self.forget_connection();
        }
        let (delivered, read) = result?;
        self.watched = read.map(|read| Watched {
            agent_id: summary.agent_id.clone(),
            run_id: run_id.to_owned(),
            read,
            at: std::time::Instant::now(),
        });
        Ok(delivered)
    }

    /// The highest seq of `run_id` that the agent's stream holds (0 if none): lets the
    /// caller notice that Redis lost data (restarted empty) and re-send from the spool.
    pub async fn delivered_seq(
        &mut self,
        agent_id: &str,
        run_id: &str,
    ) -> Result<u64, RedisSinkError> {
        let op = "delivered_seq";
        self.ctx.check_agent_id(agent_id)?;
        let key = events_key(agent_id);
        let args = |cmd: &mut Cmd| {
            cmd.arg(run_id).arg(SCAN_LIMIT);
        };
        with_conn!(self, op, |ctx, conn| async {
            let value = ctx
                .bounded(op, eval(conn, &ctx.delivered_script, &[&key], &args))
                .await?;
            match value {
                Value::Int(n) => Ok(u64::try_from(n).unwrap_or(0)),
                other => Err(ctx.reply_err(op, format!("expected an integer, got {other:?}"))),
            }
        })
    }

    /// Stores the agent's summary in its meta hash and the `agents` sorted set.
    pub async fn write_meta(&mut self, summary: &Summary) -> Result<(), RedisSinkError> {
        self.deliver(&[], summary).await.map(drop)
    }

    /// Appends a stuck episode to `agents:stuck` (with `agent_id` as the first field).
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
    /// The writes of a batch, in order (a later chunk only after the earlier one landed, so
    /// a failure never leaves a gap), with the `agents` update sent ahead of them and
    /// awaited after: it lives in another slot, and on a single server it must not land
    /// inside a transaction. A single server takes each chunk as an optimistic transaction; a
    /// cluster takes the script (see [`Ctx::transaction`] for why both exist).
    ///
    /// On a single server, `read` is what the previous delivery of this run left watched
    /// on `conn` (see [`Watched`]), and the read the last transaction leaves is returned
    /// for the next delivery.
    pub(super) async fn deliver(
        &self,
        conn: Conn,
        run_id: &str,
        chunks: &[&[Record]],
        summary: &Summary,
        floor: u64,
        read: Option<Read>,
    ) -> Result<(Delivered, Option<Read>), RedisSinkError> {
        let op = "deliver";
        let per_agent = async {
            let empty: [&[Record]; 1] = [&[]];
            // No records: the summary alone still goes through one write.
            let chunks = if chunks.is_empty() {
                &empty[..]
            } else {
                chunks
            };
            let (results, left) = match &conn {
                Conn::Single(single) => {
                    let mut results = Vec::with_capacity(chunks.len());
                    let mut ahead = Ahead {
                        appends: None,
                        queued: None,
                        read,
                    };
                    for (i, chunk) in chunks.iter().enumerate() {
                        let meta = (i + 1 == chunks.len()).then_some(summary);
                        let chunk = Chunk {
                            records: chunk,
                            meta,
                            next: chunks.get(i + 1).copied(),
                            after_next: chunks.get(i + 2).copied(),
                            floor,
                        };
                        results.push(
                            self.deliver_single(single, run_id, &chunk, &mut ahead)
                                .await?,
                        );
                    }
                    (results, ahead.read)
                }
                Conn::Cluster(_) => {
                    // All chunks are sent at once, pipelined on the connection in order, so
                    // Redis never waits for the client between them. If one fails, the
                    // script refuses every later one as a gap rather than write around a hole.
                    let sends = chunks.iter().enumerate().map(|(i, chunk)| {
                        let meta = (i + 1 == chunks.len()).then_some(summary);
                        self.deliver_chunk(conn.clone(), run_id, chunk, meta, floor)
                    });
                    (futures_util::future::try_join_all(sends).await?, None)
                }
            };
            let mut total = Delivered::default();
            for (i, d) in results.iter().enumerate() {
                if i == 0 {
                    total.previous_seq = d.previous_seq;
                }
                total.written += d.written;
                total.skipped += d.skipped;
            }
            Ok((total, left))
        };
        // Sent first: on a single server a transaction spans several requests, and another
        // request landing inside its MULTI would run (or be discarded) with it.
        let fleet = Submitted::send(
            conn.clone(),
            zset_update(&self.cfg, summary),
            self.cfg.timeout,
        )
        .await;
        let delivered = per_agent.await;
        let fleet = self.sent(op, fleet.reply().await);
        // The stream's error says more than the sorted set's, when both failed.
        let delivered = delivered?;
        fleet?;
        Ok(delivered)
    }

    /// One script call: the exactly-once write of `records` and, with `meta`, the summary.
    pub(super) async fn deliver_chunk(
        &self,
        conn: Conn,
        run_id: &str,
        records: &[Record],
        meta: Option<&Summary>,
        floor: u64,
    ) -> Result<Delivered, RedisSinkError> {
        let op = "deliver";
        let agent_id = meta
            .map(|s| s.agent_id.as_str())
            .or_else(|| records.first().map(|r| r.agent_id.as_str()))
            .unwrap_or_default();
        let names: Vec<&str> = match records.first() {
            Some(r) => r.fields().iter().map(|(n, _)| *n).collect(),
            None => Vec::new(),
        };
        let last_event_at = meta.map(|s| canonical_time(&s.last_event_at));
        let meta_fields = meta.map(Summary::fields).unwrap_or_default();
        // Appended straight into the command (twice only after NOSCRIPT): the record data
        // is copied once, into the request buffer.
        let args = |cmd: &mut Cmd| {
            cmd.arg(run_id)
                .arg(self.cfg.maxlen)
                .arg(self.cfg.ttl_secs())
                .arg(SCAN_LIMIT)
                .arg(floor)
                .arg(names.len())
                .arg(&names)
                .arg(last_event_at.as_deref().unwrap_or_default())
                .arg(meta_fields.len());
            for (name, value) in &meta_fields {
                cmd.arg(*name).arg(value.as_str());
            }
            for r in records {
                for (name, value) in r.fields() {
                    cmd.arg(name).arg(value);
                }
            }
        };
        let keys = [events_key(agent_id), meta_key(agent_id)];
        let reply = self
            .bounded(
                op,
                eval(conn, &self.deliver_script, &[&keys[0], &keys[1]], &args),
            )
            .await?;
        let counts = match &reply {
            Value::Array(items) if items.len() == 3 => items
                .iter()
                .map(|v| match v {
                    Value::Int(n) => u64::try_from(*n).ok(),
                    _ => None,
                })
                .collect::<Option<Vec<u64>>>(),
            _ => None,
        };
        match counts.as_deref() {
            Some(&[0, 0, held]) if !records.is_empty() => Err(RedisSinkError::Gap {
                url: self.url.clone(),
                run_id: run_id.to_owned(),
                held,
                first: records.first().map_or(0, |r| r.seq),
            }),
            Some(&[written, skipped, previous_seq]) => Ok(Delivered {
                written,
                skipped,
                previous_seq,
            }),
            _ => Err(self.reply_err(
                op,
                format!("expected {{written, skipped, seq}}, got {reply:?}"),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::record::EventType;

    fn record(seq: u64, len: usize) -> Record {
        Record {
            agent_id: "a".into(),
            run_id: "r".into(),
            seq,
            timestamp: String::new(),
            event_type: EventType::Raw,
            type_: String::new(),
            subtype: String::new(),
            session_id: String::new(),
            tool: String::new(),
            turn_number: 0,
            data: vec![b'x'; len],
            pos: 0,
        }
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
}
