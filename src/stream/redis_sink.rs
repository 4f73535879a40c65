//! The Redis side of `ccmon stream`: writes records to Redis Streams exactly once, keeps each
//! agent's meta hash and the `agents` sorted set, appends stuck episodes, and reads it all
//! back for `stream ls`, `stream tail` and the health server's fleet metrics.
//!
//! # Layout (docs/architecture.md section 3)
//!
//! | key | type | what |
//! |---|---|---|
//! | `agent:{<agent_id>}:events` | stream | one entry per record, the fields of [`Record::fields`], `XADD ... MAXLEN ~ maxlen` |
//! | `agent:{<agent_id>}:meta` | hash | [`Summary::fields`] |
//! | `agents` | sorted set | member agent id, score the last event time (Unix seconds, float) |
//! | `agents:stuck` | stream | one entry per stuck episode, `agent_id` first, `MAXLEN ~ maxlen` |
//!
//! Every write refreshes the TTL of the keys it touches (`ttl`, default 24 h; none when
//! `ttl` is `None` or zero), and drops `agents` members whose last event is older than the
//! TTL, since their keys have expired by then. Nothing ever needs `KEYS` or `SCAN`.
//!
//! **The braces are a literal Redis Cluster hash tag**: agent `builder-1` has the keys
//! `agent:{builder-1}:events` and `agent:{builder-1}:meta`. The design writes the key in
//! Redis's own hash-tag notation, and taking it literally is what makes the contract work on
//! a cluster: both keys of an agent hash to the same slot, so the one script that appends
//! the entries, refreshes their TTL and updates the meta hash is a legal single-slot script
//! there, and is atomic everywhere. Without the tag the two keys would land on different
//! nodes and the meta update could not be part of the exactly-once step. The tag holds for
//! any non-empty agent id (the text up to the first `}` is the same for both keys), which is
//! why an empty agent id is refused. The cost is that people type the braces in
//! `redis-cli`; [`events_key`] and [`meta_key`] are the one place that spells them.
//!
//! # Exactly once
//!
//! Each chunk of a batch is written in one atomic step that appends only the records
//! above the highest `seq` the agent's stream holds for the batch's `run_id`. A batch
//! retried after a timeout whose first attempt did land is therefore skipped, a
//! half-delivered batch gets only its missing half, and a stream that Redis lost
//! (restarted empty) simply takes the records again. Two ways, one rule:
//!
//! - **A single server** takes an optimistic transaction: `WATCH`
//!   the agent's keys, read the highest seq, then `MULTI`, plain `XADD`s, the meta update
//!   and TTLs, `EXEC`, which runs nothing if another client touched the keys in between
//!   (the read is then repeated; after three lost races the script takes over).
//!   Redis spends about 60 % of the script's time per entry on this.
//! - **A cluster**, whose client cannot keep `WATCH` and `EXEC` on one connection, takes a
//!   Lua script (`EVALSHA`, falling back to `EVAL` after `NOSCRIPT`, e.g. after a restart)
//!   that does the same in one call.
//!
//! The highest seq comes from a look-back over the newest entries of the stream, newest
//! first, in growing pages, at most [`SCAN_LIMIT`] entries. Entries of one run are
//! appended in `seq` order, so the first entry of the run met going backwards holds the
//! highest `seq`; only other runs of the same agent id writing more than [`SCAN_LIMIT`]
//! entries in between could hide it. The look-back usually reads one entry (the stream's
//! newest entry is the run's own); the first batch of a new run reads up to
//! [`SCAN_LIMIT`] entries, measured at about 50 ms of Redis time for 10 000 entries of
//! 1 KB. Callers must deliver a run's batches in order and, after an error, deliver the
//! failed records again before later ones (the spool does): a chunk that would leave a
//! gap above the highest `seq` is refused ([`RedisSinkError::Gap`]), never written
//! around the hole.
//!
//! The meta hash is only replaced by a summary whose `last_event_at` is not older than the
//! stored one, and `agents` scores only move forward (`ZADD GT`), so a late spool flush of an
//! old run cannot make a running agent look exited.
//!
//! # Connections
//!
//! URL forms: `redis://[[user]:password@]host[:port][/db]`, `rediss://...` (TLS through
//! rustls, verified against the system roots or against [`RedisConfig::ca_file`]),
//! `redis+unix:///path` and `unix:///path`, and for Redis Cluster
//! `redis+cluster://[[user]:password@]host:port[?node=host:port...]` (`rediss+cluster://`
//! with TLS): the URL's host and each `node` are seed nodes, the rest of the cluster is
//! discovered. The `#insecure` fragment is refused: trust the server's CA with `ca_file`.
//! Requires Redis 6.2 or newer (`ZADD GT`, exclusive stream ranges).
//!
//! Every round trip, including the reconnect it may need, is bounded by
//! [`RedisConfig::timeout`], so a hung Redis yields [`RedisSinkError::Timeout`], never a hang.
//! After an unavailable error the connection is dropped and the next call reconnects.
//!
//! Memory is bounded by the caller's batch (sent in chunks of at most [`CHUNK_RECORDS`]
//! records or [`CHUNK_BYTES`] bytes), the `last`/`max` of the reads (fetched in pages of
//! [`READ_PAGE`]), and [`MAX_AGENTS`].

use std::path::PathBuf;
use std::time::Duration;

use redis::aio::ConnectionLike;
use redis::cluster_async::ClusterConnection;
use redis::{Cmd, ErrorKind, RedisError, RedisFuture, ServerErrorKind, Value};

use super::record::{EventType, FieldValue, Record};
use super::resp_conn::{self, Packed, RespConnection};
use super::summary::{AgentState, Summary};
use crate::redact::redact;

/// Default `MAXLEN ~` of a stream.
pub const DEFAULT_MAXLEN: u64 = 100_000;
/// Default key TTL.
pub const DEFAULT_TTL: Duration = Duration::from_secs(24 * 3600);
/// Default per-operation timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);
/// The sorted set of agents, scored by last event time.
pub const AGENTS_KEY: &str = "agents";
/// The stream of stuck episodes.
pub const STUCK_KEY: &str = "agents:stuck";
/// How many stream entries the exactly-once check looks back at most.
pub const SCAN_LIMIT: u64 = 10_000;
/// Most records sent in one script call or transaction. Measured on ingest into a single
/// server, since the connection writes requests as they are: 256 is 5 to 10 % faster than
/// 512 and 1024 (Redis waits less at the end of each transaction for the next one's EXEC),
/// 128 no faster than 256.
pub const CHUNK_RECORDS: usize = 256;
/// Optimistic transactions tried for a chunk before it falls back to the script.
const TX_ATTEMPTS: usize = 3;
/// How long the read a delivery leaves watched on its connection (see [`Watched`]) may
/// stand in for the next delivery's first round trip. Short, so that a key expiring in
/// between (which Redis before 6.0.9 does not count as a change to a watched key) cannot
/// matter: the TTL is hours at least.
const WATCHED_FOR: Duration = Duration::from_secs(10);
/// Most record bytes sent in one script call (a larger single record goes alone).
pub const CHUNK_BYTES: usize = 8 * 1024 * 1024;
/// Most agents [`RedisSink::agents`] returns (the newest).
pub const MAX_AGENTS: usize = 10_000;
/// Stream entries read per round trip by [`RedisSink::events`] and
/// [`RedisSink::events_after`].
pub const READ_PAGE: usize = 1000;
/// Meta hashes read per round trip in [`RedisSink::agents`].
const META_BATCH: usize = 64;

/// The stream of an agent's events: `agent:{<agent_id>}:events`.
pub fn events_key(agent_id: &str) -> String {
    format!("agent:{{{agent_id}}}:events")
}

/// The meta hash of an agent: `agent:{<agent_id>}:meta`.
pub fn meta_key(agent_id: &str) -> String {
    format!("agent:{{{agent_id}}}:meta")
}

/// Finds the highest `seq` of run ARGV-given `run_id` among the newest `limit` entries of
/// `key`, newest first, in growing pages so the common case (the newest entry is the run's)
/// reads one entry and a long look-back never holds more than 128 entries at once.
/// Exclusive ranges (`(id`) need Redis 6.2.
const LUA_HIGHEST_SEQ: &str = r"
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
const LUA_DELIVER_BODY: &str = r"
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
const LUA_DELIVERED_BODY: &str = r"
return highest_seq(KEYS[1], ARGV[1], tonumber(ARGV[2]))
";

/// The run's highest seq and the stored `last_event_at`, read with the agent's keys watched.
type Read = (u64, Option<String>);

/// What a delivery to a single server leaves on its connection: the agent's keys watched,
/// and what was read right after its last `EXEC`. The next delivery of the same run starts
/// its first transaction from this read instead of a round trip of its own, which is as
/// safe as a fresh read: any change to the keys since the `WATCH` aborts that `EXEC`.
/// Only deliveries send `EXEC`, so the watch holds until the next one. Tied to the
/// connection: dropped whenever the connection is.
struct Watched {
    agent_id: String,
    run_id: String,
    read: Read,
    at: std::time::Instant,
}

/// A record's field as an argument: numbers are formatted straight into the command.
impl redis::ToRedisArgs for FieldValue<'_> {
    fn write_redis_args<W: ?Sized + redis::RedisWrite>(&self, out: &mut W) {
        match *self {
            FieldValue::Bytes(b) => b.write_redis_args(out),
            FieldValue::Number(n) => n.write_redis_args(out),
        }
    }
}

/// One chunk of a batch on its way to a single server.
struct Chunk<'a> {
    records: &'a [Record],
    /// The summary, with the batch's last chunk.
    meta: Option<&'a Summary>,
    /// The chunk after this one, whose `MULTI` and `XADD`s are sent behind this one.
    next: Option<&'a [Record]>,
    /// The chunk after that, whose `XADD`s are built while this one is written.
    after_next: Option<&'a [Record]>,
    /// The lowest seq the caller still holds (see [`RedisSink::deliver_from_floor`]).
    floor: u64,
}

/// What the previous transaction of a batch prepared for the next one.
#[derive(Default)]
struct Ahead {
    /// The `XADD`s of the chunk after the next, built while Redis ran this one.
    appends: Option<Appends>,
    /// The next chunk's `MULTI` and `XADD`s, sent behind this one's `EXEC`.
    queued: Option<Queued>,
    /// The highest seq and stored `last_event_at`, read after this one's `EXEC` with the
    /// agent's keys watched again.
    read: Option<Read>,
}

/// A chunk's `MULTI` and `XADD`s, sent before its transaction's read came back: its
/// `EXEC` goes only if the read shows the stream holding the run up to `after`.
struct Queued {
    /// The seq of the chunk's first record.
    first: u64,
    /// The seq the `XADD`s were built for.
    after: u64,
    /// How many records they write.
    written: u64,
    /// Their replies (`OK`, `QUEUED`...).
    reply: Submitted,
}

/// A request already handed to the connection, whose reply is awaited later. Requests on
/// one multiplexed connection go out in the order they are handed over, which is what
/// lets a transaction span several of them.
struct Submitted(
    futures_util::future::MaybeDone<
        futures_util::future::BoxFuture<
            'static,
            Result<Result<Value, RedisError>, tokio::time::error::Elapsed>,
        >,
    >,
);

impl Submitted {
    /// Hands `pipe` to the connection (polling it once puts it in the connection's queue,
    /// or in line for it) under `timeout`.
    async fn send(conn: Conn, pipe: redis::Pipeline, timeout: Duration) -> Submitted {
        use futures_util::FutureExt;
        let request = async move {
            let mut c = conn;
            tokio::time::timeout(timeout, pipe.query_async::<Value>(&mut c)).await
        };
        let mut request = futures_util::future::maybe_done(request.boxed());
        std::future::poll_fn(|cx| {
            let _ = std::pin::Pin::new(&mut request).poll(cx);
            std::task::Poll::Ready(())
        })
        .await;
        Submitted(request)
    }

    /// Hands `packed` to `conn` at once (see [`RespConnection::send_packed`]) under
    /// `timeout`; its reply is an array of the replies of its last `keep` commands.
    fn send_packed(
        conn: &RespConnection,
        packed: Packed,
        keep: usize,
        timeout: Duration,
    ) -> Submitted {
        use futures_util::FutureExt;
        let reply = conn.send_packed(packed, keep);
        let request =
            async move { tokio::time::timeout(timeout, reply.map(|r| r.map(Value::Array))).await };
        Submitted(futures_util::future::maybe_done(request.boxed()))
    }

    /// Its reply.
    async fn reply(mut self) -> Result<Result<Value, RedisError>, tokio::time::error::Elapsed> {
        (&mut self.0).await;
        match std::pin::Pin::new(&mut self.0).take_output() {
            Some(reply) => reply,
            // Only a second take could see nothing, and `self` is taken once.
            None => Ok(Err(RedisError::from((
                ErrorKind::Client,
                "reply already taken",
            )))),
        }
    }
}

/// A chunk's transaction up to its last `XADD`: `MULTI` and the `XADD`s of its records
/// above seq `after`, encoded for the wire.
struct Appends {
    /// The seq of the chunk's first record (0 for none).
    first: u64,
    after: u64,
    multi: Packed,
    /// How many records it writes.
    written: u64,
}

/// Which end of a stream a read starts from.
#[derive(Clone, Copy)]
enum Direction {
    /// `XRANGE`, oldest first.
    Oldest,
    /// `XREVRANGE`, newest first.
    Newest,
}

/// One stream entry: its id and its field/value pairs.
type Entry = (String, Vec<(Vec<u8>, Vec<u8>)>);

/// Settings of a [`RedisSink`].
#[derive(Debug, Clone)]
pub struct RedisConfig {
    /// `redis://`, `rediss://`, `redis+cluster://`, `rediss+cluster://`, `redis+unix://`.
    pub url: url::Url,
    /// `MAXLEN ~` of the streams.
    pub maxlen: u64,
    /// TTL refreshed on every write; `None` (or zero) means the keys never expire.
    pub ttl: Option<Duration>,
    /// Bound of every round trip, reconnects included.
    pub timeout: Duration,
    /// PEM file of the CA(s) that signed the server's certificate (TLS URLs only); the
    /// system's roots when `None`.
    pub ca_file: Option<PathBuf>,
}

impl RedisConfig {
    /// The defaults (docs/architecture.md section 3) for `url`: MAXLEN ~ 100000, TTL 24 h, timeout 2 s.
    pub fn new(url: url::Url) -> RedisConfig {
        RedisConfig {
            url,
            maxlen: DEFAULT_MAXLEN,
            ttl: Some(DEFAULT_TTL),
            timeout: DEFAULT_TIMEOUT,
            ca_file: None,
        }
    }

    /// The TTL in whole seconds (rounded up), 0 for none.
    fn ttl_secs(&self) -> u64 {
        self.ttl
            .map_or(0, |t| t.as_secs() + u64::from(t.subsec_nanos() > 0))
    }
}

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

/// The redacted text of an underlying error, kept as the error's source so the cause
/// chain prints without ever showing a password.
#[derive(Debug)]
pub struct Cause(String);

impl std::fmt::Display for Cause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Cause {}

impl Cause {
    fn of(err: &RedisError) -> Cause {
        Cause(redact(&err.to_string()).into_owned())
    }
}

/// Why a Redis operation failed. The URL in every message is redacted.
#[derive(Debug, thiserror::Error)]
pub enum RedisSinkError {
    /// Connection refused, dropped, or the server cannot serve now (loading, cluster
    /// down, busy script): the caller should keep the records in the spool.
    #[error("cannot reach redis at {url} ({op})")]
    Unreachable {
        /// Redacted URL.
        url: String,
        /// What was being done.
        op: &'static str,
        /// The client's error.
        source: Cause,
    },
    /// Redis holds fewer entries of the run than the batch assumes (it lost data): the
    /// batch was not written; re-send the run from its start.
    #[error(
        "redis at {url} holds run {run_id} only up to seq {held}, so seq {first} would leave a gap"
    )]
    Gap {
        /// Redacted URL.
        url: String,
        /// The run.
        run_id: String,
        /// The highest seq of the run Redis holds.
        held: u64,
        /// The first seq of the refused batch.
        first: u64,
    },
    /// No answer within the configured timeout (e.g. a paused or overloaded server).
    #[error("redis at {url} did not answer {op} within {after}")]
    Timeout {
        /// Redacted URL.
        url: String,
        /// What was being done.
        op: &'static str,
        /// The configured timeout, Prometheus syntax.
        after: String,
    },
    /// The server refused the credentials.
    #[error("redis at {url} refused the credentials")]
    Auth {
        /// Redacted URL.
        url: String,
        /// The server's error.
        source: Cause,
    },
    /// The TLS handshake failed: an untrusted or mismatched certificate, or a server that
    /// does not speak TLS. A retry will not fix it.
    #[error("TLS handshake with redis at {url} failed")]
    Tls {
        /// Redacted URL.
        url: String,
        /// The TLS library's error.
        source: Cause,
    },
    /// The server rejected a command (wrong key type, out of memory, no permission...).
    #[error("redis at {url} rejected {op}")]
    Command {
        /// Redacted URL.
        url: String,
        /// What was being done.
        op: &'static str,
        /// The server's error.
        source: Cause,
    },
    /// The server answered something this client does not understand.
    #[error("unexpected reply from redis at {url} to {op}: {detail}")]
    Reply {
        /// Redacted URL.
        url: String,
        /// What was being done.
        op: &'static str,
        /// What was wrong with it.
        detail: String,
    },
    /// The URL or TLS settings cannot be used.
    #[error("cannot use redis URL {url}: {detail}")]
    Config {
        /// Redacted URL.
        url: String,
        /// What is wrong.
        detail: String,
    },
    /// The caller handed in a batch that breaks the contract of [`RedisSink::deliver`].
    #[error("cannot deliver to redis at {url}: {detail}")]
    Batch {
        /// Redacted URL.
        url: String,
        /// What is wrong.
        detail: String,
    },
}

impl RedisSinkError {
    /// True when Redis is unreachable, busy or too slow: the records belong in the spool
    /// and a later delivery may succeed. False for errors a retry will not fix.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            RedisSinkError::Unreachable { .. } | RedisSinkError::Timeout { .. }
        )
    }

    /// What the user can do about it, when ccmon knows.
    pub fn hint(&self) -> Option<String> {
        match self {
            RedisSinkError::Auth { .. } => Some(
                "check the password in the URL (redis://:PASSWORD@host) or the context's redis_password_file"
                    .to_owned(),
            ),
            RedisSinkError::Tls { .. } => Some(
                "trust the server's CA with the context's ca_file, and check that the server speaks TLS on that port"
                    .to_owned(),
            ),
            _ => None,
        }
    }
}

/// One connection to a server or a cluster; both are cheap handles to a multiplexed
/// connection, so clones send concurrently over the same socket(s), in order.
#[derive(Clone)]
enum Conn {
    /// Our own connection, which writes a request's bytes as they are (see
    /// [`super::resp_conn`]).
    Single(RespConnection),
    Cluster(ClusterConnection),
}

impl ConnectionLike for Conn {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        match self {
            Conn::Single(c) => c.req_packed_command(cmd),
            Conn::Cluster(c) => c.req_packed_command(cmd),
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a redis::Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        match self {
            Conn::Single(c) => c.req_packed_commands(pipeline, offset, count),
            Conn::Cluster(c) => c.req_packed_commands(pipeline, offset, count),
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            Conn::Single(c) => c.get_db(),
            Conn::Cluster(c) => c.get_db(),
        }
    }
}

/// How to (re)connect.
#[allow(
    clippy::large_enum_variant,
    reason = "one per sink, built once and never moved in a hot path"
)]
enum Target {
    /// The server's address and credentials, and with TLS, whom to trust.
    Single(redis::Client, Option<resp_conn::TlsConfig>),
    Cluster(redis::cluster::ClusterClient),
}

/// A script with its SHA1, sent as `EVALSHA` and as `EVAL` when the server lacks it.
struct Script {
    code: String,
    sha: String,
}

impl Script {
    fn new(code: String) -> Script {
        let sha = redis::Script::new(&code).get_hash().to_owned();
        Script { code, sha }
    }
}

/// What every operation needs besides the connection: settings, the redacted URL, the
/// scripts. Kept apart from the connection state so operations borrow it while the sink
/// swaps connections.
struct Ctx {
    cfg: RedisConfig,
    /// The URL with its password masked, for every message.
    url: String,
    deliver_script: Script,
    delivered_script: Script,
}

/// Writes and reads the stream monitor's Redis layout over one (cluster) connection.
pub struct RedisSink {
    ctx: Ctx,
    target: Target,
    conn: Option<Conn>,
    /// What the last delivery left watched on `conn`.
    watched: Option<Watched>,
}

impl std::fmt::Debug for RedisSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisSink")
            .field("url", &self.ctx.url)
            .field("connected", &self.conn.is_some())
            .finish_non_exhaustive()
    }
}

/// Runs `$body` (a future using `$ctx: &Ctx` and `$conn: Conn`) on the sink's connection.
/// A cached connection that turns out dead (the server restarted since) is replaced and
/// the body run once more, which is safe because every operation is idempotent (writes go
/// through the exactly-once script); a timeout is not retried, so a hung server costs one
/// timeout. After an unavailable error the connection is dropped, so the next call
/// reconnects instead of waiting on a socket whose server is gone or still owes replies.
/// A macro rather than a closure-taking method: async closures borrowing the sink make
/// the futures lose `Send` (higher-ranked lifetimes), and callers spawn them.
macro_rules! with_conn {
    ($sink:ident, $op:expr, |$ctx:ident, $conn:ident| $body:expr) => {{
        let cached = $sink.conn.is_some();
        let $conn = $sink.connection($op).await?;
        let $ctx = &$sink.ctx;
        let mut result = $body.await;
        if cached && matches!(result, Err(RedisSinkError::Unreachable { .. })) {
            $sink.forget_connection();
            let $conn = $sink.connection($op).await?;
            let $ctx = &$sink.ctx;
            result = $body.await;
        }
        if matches!(&result, Err(e) if e.is_unavailable()) {
            $sink.forget_connection();
        }
        result
    }};
}

impl RedisSink {
    /// A sink for `cfg` that connects on first use; fails only on an unusable URL or CA file.
    pub fn new(cfg: RedisConfig) -> Result<RedisSink, RedisSinkError> {
        let url = redact(cfg.url.as_str()).into_owned();
        let config_err = |detail: String| RedisSinkError::Config {
            url: url.clone(),
            detail,
        };
        if cfg.maxlen == 0 {
            return Err(config_err("maxlen must be at least 1".into()));
        }
        if cfg.timeout.is_zero() {
            return Err(config_err("the timeout must be above zero".into()));
        }
        if cfg.url.fragment().is_some() {
            return Err(config_err(
                "URL fragments (#insecure) are not supported; trust the server's CA with ca_file"
                    .into(),
            ));
        }
        let tls = matches!(cfg.url.scheme(), "rediss" | "rediss+cluster");
        let ca =
            match (&cfg.ca_file, tls) {
                (Some(path), true) => Some(std::fs::read(path).map_err(|e| {
                    config_err(format!("cannot read ca_file {}: {e}", path.display()))
                })?),
                _ => None,
            };
        let client_err = |e: RedisError| config_err(redact(&e.to_string()).into_owned());
        let target = match cfg.url.scheme() {
            "redis" | "rediss" | "redis+unix" | "unix" => {
                let client = redis::Client::open(cfg.url.as_str()).map_err(client_err)?;
                let tls = tls
                    .then(|| resp_conn::tls_config(ca.as_deref()))
                    .transpose()
                    .map_err(|e| {
                        config_err(match &cfg.ca_file {
                            Some(path) => format!("ca_file {}: {e}", path.display()),
                            None => e,
                        })
                    })?;
                Target::Single(client, tls)
            }
            "redis+cluster" | "rediss+cluster" => {
                let seeds = cluster_seeds(&cfg.url, tls).map_err(config_err)?;
                let mut builder = redis::cluster::ClusterClientBuilder::new(seeds)
                    .connection_timeout(cfg.timeout)
                    .response_timeout(cfg.timeout);
                if let Some(ca) = ca {
                    builder = builder.certs(redis::TlsCertificates {
                        client_tls: None,
                        root_cert: Some(ca),
                    });
                }
                Target::Cluster(builder.build().map_err(client_err)?)
            }
            other => {
                return Err(config_err(format!(
                    "unsupported scheme {other:?}; use redis, rediss, redis+cluster, rediss+cluster or redis+unix"
                )));
            }
        };
        Ok(RedisSink {
            ctx: Ctx {
                cfg,
                url,
                deliver_script: Script::new(format!("{LUA_HIGHEST_SEQ}{LUA_DELIVER_BODY}")),
                delivered_script: Script::new(format!("{LUA_HIGHEST_SEQ}{LUA_DELIVERED_BODY}")),
            },
            target,
            conn: None,
            watched: None,
        })
    }

    /// Connects to `cfg.url` (authenticating, within the timeout).
    pub async fn connect(cfg: RedisConfig) -> Result<RedisSink, RedisSinkError> {
        let mut sink = RedisSink::new(cfg)?;
        sink.ping().await?;
        Ok(sink)
    }

    /// The URL, password masked.
    pub fn url(&self) -> &str {
        &self.ctx.url
    }

    /// `PING`: whether the server answers, within the timeout.
    pub async fn ping(&mut self) -> Result<(), RedisSinkError> {
        let op = "PING";
        with_conn!(self, op, |ctx, conn| async move {
            let mut c = conn;
            ctx.bounded(op, redis::cmd("PING").query_async::<String>(&mut c))
                .await
                .map(drop)
        })
    }

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

    /// Summaries of the newest agents (at most [`MAX_AGENTS`]), newest first, from the
    /// `agents` sorted set and the meta hashes; agents whose meta hash expired are left out.
    pub async fn agents(&mut self) -> Result<Vec<Summary>, RedisSinkError> {
        with_conn!(self, "agents", |ctx, conn| ctx.agents(conn))
    }

    /// The agent's `last` newest events, oldest first (`XREVRANGE`, in pages).
    pub async fn events(
        &mut self,
        agent_id: &str,
        last: usize,
    ) -> Result<Vec<Record>, RedisSinkError> {
        Ok(self
            .recent_events(agent_id, last)
            .await?
            .into_iter()
            .map(|(_, r)| r)
            .collect())
    }

    /// Like [`RedisSink::events`], with entry ids (the last one starts a follow).
    pub async fn recent_events(
        &mut self,
        agent_id: &str,
        last: usize,
    ) -> Result<Vec<(String, Record)>, RedisSinkError> {
        self.ctx.check_agent_id(agent_id)?;
        let key = events_key(agent_id);
        let op = "events";
        let entries = with_conn!(self, op, |ctx, conn| ctx.range(
            op,
            conn,
            &key,
            Direction::Newest,
            "+".into(),
            last
        ))?;
        Ok(entries
            .into_iter()
            .rev()
            .map(|(id, fields)| (id, record_from_entry(agent_id, fields)))
            .collect())
    }

    /// Up to `max` events after entry `after_id` (from the oldest when `None`), with their
    /// entry ids, oldest first: pass the last id back in to follow the stream.
    pub async fn events_after(
        &mut self,
        agent_id: &str,
        after_id: Option<&str>,
        max: usize,
    ) -> Result<Vec<(String, Record)>, RedisSinkError> {
        self.ctx.check_agent_id(agent_id)?;
        let key = events_key(agent_id);
        let start = after_id.map_or_else(|| "-".to_owned(), |id| format!("({id}"));
        let op = "events_after";
        let entries = with_conn!(self, op, |ctx, conn| ctx.range(
            op,
            conn,
            &key,
            Direction::Oldest,
            start.clone(),
            max
        ))?;
        Ok(entries
            .into_iter()
            .map(|(id, fields)| {
                let record = record_from_entry(agent_id, fields);
                (id, record)
            })
            .collect())
    }

    /// Up to `max` events after entry `after_id` (`$` for "from now"), waiting for them up
    /// to `block` (`XREAD BLOCK`, capped below the timeout); empty when none came.
    pub async fn read_blocking(
        &mut self,
        agent_id: &str,
        after_id: &str,
        block: Duration,
        max: usize,
    ) -> Result<Vec<(String, Record)>, RedisSinkError> {
        self.ctx.check_agent_id(agent_id)?;
        let key = events_key(agent_id);
        let block_ms = u64::try_from(block.min(self.ctx.cfg.timeout / 2).as_millis())
            .unwrap_or(1)
            .max(1);
        let op = "read_blocking";
        let entries = with_conn!(self, op, |ctx, conn| ctx
            .xread(op, conn, &key, after_id, block_ms, max))?;
        Ok(entries
            .into_iter()
            .map(|(id, fields)| {
                let record = record_from_entry(agent_id, fields);
                (id, record)
            })
            .collect())
    }

    /// `XLEN` of the agent's stream.
    pub async fn stream_len(&mut self, agent_id: &str) -> Result<u64, RedisSinkError> {
        let op = "stream_len";
        self.ctx.check_agent_id(agent_id)?;
        let key = events_key(agent_id);
        with_conn!(self, op, |ctx, conn| async {
            let mut c = conn;
            ctx.bounded(op, redis::cmd("XLEN").arg(&key).query_async::<u64>(&mut c))
                .await
        })
    }

    /// Drops the connection and what was watched on it; the next operation reconnects.
    fn forget_connection(&mut self) {
        self.conn = None;
        self.watched = None;
    }

    /// The open connection, or a new one (within the timeout).
    async fn connection(&mut self, op: &'static str) -> Result<Conn, RedisSinkError> {
        if let Some(conn) = &self.conn {
            return Ok(conn.clone());
        }
        let timeout = self.ctx.cfg.timeout;
        let connecting = async {
            match &self.target {
                Target::Single(client, tls) => {
                    RespConnection::connect(client.get_connection_info(), tls.as_ref())
                        .await
                        .map(Conn::Single)
                }
                Target::Cluster(client) => client.get_async_connection().await.map(Conn::Cluster),
            }
        };
        let conn = match tokio::time::timeout(timeout, connecting).await {
            Ok(Ok(conn)) => conn,
            Ok(Err(e)) => return Err(classify(&self.ctx.url, op, &e, timeout)),
            Err(_) => return Err(self.ctx.timeout_err(op)),
        };
        self.conn = Some(conn.clone());
        Ok(conn)
    }
}

impl Ctx {
    /// Runs one round trip under the timeout, mapping its error.
    async fn bounded<T>(
        &self,
        op: &'static str,
        fut: impl Future<Output = Result<T, RedisError>>,
    ) -> Result<T, RedisSinkError> {
        match tokio::time::timeout(self.cfg.timeout, fut).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(classify(&self.url, op, &e, self.cfg.timeout)),
            Err(_) => Err(self.timeout_err(op)),
        }
    }

    /// The writes of a batch, in order (a later chunk only after the earlier one landed, so
    /// a failure never leaves a gap), with the `agents` update sent ahead of them and
    /// awaited after: it lives in another slot, and on a single server it must not land
    /// inside a transaction. A single server takes each chunk as an optimistic transaction; a
    /// cluster takes the script (see [`Ctx::transaction`] for why both exist).
    ///
    /// On a single server, `read` is what the previous delivery of this run left watched
    /// on `conn` (see [`Watched`]), and the read the last transaction leaves is returned
    /// for the next delivery.
    async fn deliver(
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

    /// One chunk on a single server: the optimistic transaction, retried while other
    /// writers keep changing the agent's keys, then the script, which cannot be raced.
    async fn deliver_single(
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
    async fn transaction(
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
    async fn discard(&self, conn: Conn, queued: Queued) -> Result<(), RedisSinkError> {
        let mut discard = redis::pipe();
        discard.cmd("DISCARD").ignore();
        let discard = Submitted::send(conn, discard, self.cfg.timeout).await;
        // The queued replies say nothing once discarded; the DISCARD's does.
        let _ = queued.reply.reply().await;
        self.sent("deliver", discard.reply().await).map(drop)
    }

    /// The reply of a [`Submitted`] request, its errors mapped.
    fn sent(
        &self,
        op: &'static str,
        reply: Result<Result<Value, RedisError>, tokio::time::error::Elapsed>,
    ) -> Result<Value, RedisSinkError> {
        match reply {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(classify(&self.url, op, &e, self.cfg.timeout)),
            Err(_) => Err(self.timeout_err(op)),
        }
    }

    /// `MULTI` and the `XADD`s of the records of `records` above seq `after`.
    fn appends(&self, key: &str, records: &[Record], after: u64) -> Appends {
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

    /// One script call: the exactly-once write of `records` and, with `meta`, the summary.
    async fn deliver_chunk(
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

    /// The `agents` set, then the meta hashes in batches of concurrent reads.
    async fn agents(&self, conn: Conn) -> Result<Vec<Summary>, RedisSinkError> {
        let op = "agents";
        let mut c = conn.clone();
        let ids = self
            .bounded(
                op,
                redis::cmd("ZREVRANGE")
                    .arg(AGENTS_KEY)
                    .arg(0)
                    .arg(MAX_AGENTS - 1)
                    .query_async::<Vec<String>>(&mut c),
            )
            .await?;
        let mut out = Vec::with_capacity(ids.len());
        for batch in ids.chunks(META_BATCH) {
            // One request per hash, all in flight at once: on a cluster they go to
            // different nodes, on one server they share the socket like a pipeline.
            let reads = batch.iter().map(|id| {
                let mut c = conn.clone();
                let key = meta_key(id);
                async move {
                    redis::cmd("HGETALL")
                        .arg(key)
                        .query_async::<Vec<(String, String)>>(&mut c)
                        .await
                }
            });
            let metas = self
                .bounded(op, async move {
                    futures_util::future::join_all(reads)
                        .await
                        .into_iter()
                        .collect::<Result<Vec<_>, _>>()
                })
                .await?;
            for (id, fields) in batch.iter().zip(metas) {
                if !fields.is_empty() {
                    out.push(summary_from_meta(id, &fields));
                }
            }
        }
        Ok(out)
    }

    /// Up to `max` entries of `key` from `start` (an id, `(id`, `-` or `+`), in pages of
    /// [`READ_PAGE`] so that every round trip stays small enough for the timeout.
    async fn range(
        &self,
        op: &'static str,
        conn: Conn,
        key: &str,
        direction: Direction,
        start: String,
        max: usize,
    ) -> Result<Vec<Entry>, RedisSinkError> {
        let (name, end) = match direction {
            Direction::Oldest => ("XRANGE", "+"),
            Direction::Newest => ("XREVRANGE", "-"),
        };
        let mut out: Vec<Entry> = Vec::new();
        let mut from = start;
        while out.len() < max {
            let count = READ_PAGE.min(max - out.len());
            let mut cmd = redis::cmd(name);
            cmd.arg(key).arg(&from).arg(end).arg("COUNT").arg(count);
            let mut c = conn.clone();
            let value = self.bounded(op, cmd.query_async::<Value>(&mut c)).await?;
            let page = parse_entries(value).map_err(|detail| self.reply_err(op, detail))?;
            let got = page.len();
            if let Some((id, _)) = page.last() {
                from = format!("({id}");
            }
            out.extend(page);
            if got < count {
                break;
            }
        }
        Ok(out)
    }

    async fn xread(
        &self,
        op: &'static str,
        conn: Conn,
        key: &str,
        after: &str,
        block_ms: u64,
        max: usize,
    ) -> Result<Vec<Entry>, RedisSinkError> {
        let mut cmd = redis::cmd("XREAD");
        cmd.arg("COUNT")
            .arg(max.max(1))
            .arg("BLOCK")
            .arg(block_ms)
            .arg("STREAMS")
            .arg(key)
            .arg(after);
        let mut c = conn;
        let value = self.bounded(op, cmd.query_async::<Value>(&mut c)).await?;
        // Nil on timeout; else one [key, entries] pair (an array, or a map under RESP3).
        let entries = match value {
            Value::Nil => return Ok(Vec::new()),
            Value::Array(mut streams) if streams.len() == 1 => match streams.pop() {
                Some(Value::Array(mut pair)) if pair.len() == 2 => pair.pop(),
                _ => None,
            },
            Value::Map(mut streams) if streams.len() == 1 => streams.pop().map(|(_, v)| v),
            _ => None,
        };
        let Some(entries) = entries else {
            return Err(self.reply_err(op, "unexpected XREAD reply".to_owned()));
        };
        parse_entries(entries).map_err(|detail| self.reply_err(op, detail))
    }

    /// An empty agent id would make `agent:{}:events` and `agent:{}:meta` hash to
    /// different cluster slots (an empty tag is no tag), breaking the single-slot script.
    fn check_agent_id(&self, agent_id: &str) -> Result<(), RedisSinkError> {
        if agent_id.is_empty() {
            return Err(RedisSinkError::Batch {
                url: self.url.clone(),
                detail: "the agent id is empty".into(),
            });
        }
        Ok(())
    }

    fn timeout_err(&self, op: &'static str) -> RedisSinkError {
        RedisSinkError::Timeout {
            url: self.url.clone(),
            op,
            after: crate::duration::format(self.cfg.timeout),
        }
    }

    fn reply_err(&self, op: &'static str, detail: String) -> RedisSinkError {
        RedisSinkError::Reply {
            url: self.url.clone(),
            op,
            detail,
        }
    }
}

/// `EVALSHA`, or `EVAL` when the server does not have the script (first use, restart,
/// another cluster node): the failed `EVALSHA` ran nothing, so the fallback is safe.
async fn eval(
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

/// The first round of [`Ctx::transaction`], one pipeline: `WATCH` the agent's keys, the
/// highest seq of `run_id` in its stream (the look-back script, `EVAL` after `NOSCRIPT`),
/// and the stored `last_event_at`.
async fn watch_and_read(
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
fn watch_and_read_cmds(name: &str, body: &str, keys: &[String; 2], run_id: &str) -> [Cmd; 3] {
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
fn read_reply(seq: Value, stored: Value) -> Result<(u64, Option<String>), String> {
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

/// Whether a summary of `last_event_at` (canonical) may replace the stored meta hash: the
/// same rule as the deliver script. Canonical times compare as text; anything else never
/// blocks an update.
fn meta_is_newer(stored: Option<&str>, last_event_at: &str) -> bool {
    match stored {
        Some(stored) if is_canonical_time(stored) && is_canonical_time(last_event_at) => {
            stored <= last_event_at
        }
        _ => true,
    }
}

/// `2026-11-28T01:45:55.123Z`, exactly: RFC 3339 UTC with milliseconds.
fn is_canonical_time(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 24
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            19 => *c == b'.',
            23 => *c == b'Z',
            _ => c.is_ascii_digit(),
        })
}

/// `ZADD agents GT score id`, the pruning of members older than the TTL, and the TTL of
/// the set itself, as one pipeline (one slot).
fn zset_update(cfg: &RedisConfig, summary: &Summary) -> redis::Pipeline {
    let now = jiff::Timestamp::now();
    let score = summary
        .last_event_at
        .parse::<jiff::Timestamp>()
        .unwrap_or(now);
    let score = score.as_millisecond() as f64 / 1000.0;
    let mut pipe = redis::pipe();
    pipe.cmd("ZADD")
        .arg(AGENTS_KEY)
        .arg("GT")
        .arg(score)
        .arg(&summary.agent_id)
        .ignore();
    let ttl = cfg.ttl_secs();
    if ttl > 0 {
        let cutoff = now.as_millisecond() as f64 / 1000.0 - ttl as f64;
        pipe.cmd("ZREMRANGEBYSCORE")
            .arg(AGENTS_KEY)
            .arg("-inf")
            .arg(format!("({cutoff}"))
            .ignore();
        pipe.cmd("EXPIRE").arg(AGENTS_KEY).arg(ttl).ignore();
    }
    pipe
}

/// Maps a client error to what the caller must do about it.
fn classify(url: &str, op: &'static str, e: &RedisError, timeout: Duration) -> RedisSinkError {
    let url = url.to_owned();
    let code = e.code().unwrap_or_default();
    if e.kind() == ErrorKind::AuthenticationFailed || matches!(code, "WRONGPASS" | "NOAUTH") {
        return RedisSinkError::Auth {
            url,
            source: Cause::of(e),
        };
    }
    // tokio-rustls reports handshake and certificate failures as InvalidData I/O errors;
    // they are not transient, so they must not send records to the spool for good.
    if io_kinds(e).any(|k| k == std::io::ErrorKind::InvalidData) {
        return RedisSinkError::Tls {
            url,
            source: Cause::of(e),
        };
    }
    if e.is_timeout() {
        return RedisSinkError::Timeout {
            url,
            op,
            after: crate::duration::format(timeout),
        };
    }
    let transient = matches!(
        e.kind(),
        ErrorKind::Io
            | ErrorKind::ClusterConnectionNotFound
            | ErrorKind::Server(
                ServerErrorKind::BusyLoading
                    | ServerErrorKind::TryAgain
                    | ServerErrorKind::ClusterDown
                    | ServerErrorKind::MasterDown
                    | ServerErrorKind::ReadOnly
            )
    ) || e.is_connection_dropped()
        || e.is_connection_refusal()
        || code == "BUSY";
    if transient {
        return RedisSinkError::Unreachable {
            url,
            op,
            source: Cause::of(e),
        };
    }
    if e.kind() == ErrorKind::InvalidClientConfig {
        return RedisSinkError::Config {
            url,
            detail: redact(&e.to_string()).into_owned(),
        };
    }
    RedisSinkError::Command {
        url,
        op,
        source: Cause::of(e),
    }
}

/// The kinds of the I/O errors in `e`'s cause chain. The client keeps its I/O error behind
/// an `Arc<dyn Error>`, whose own `source()` skips the wrapped error, so look inside it.
fn io_kinds(e: &RedisError) -> impl Iterator<Item = std::io::ErrorKind> + '_ {
    type Shared = std::sync::Arc<dyn std::error::Error + Send + Sync>;
    let mut next: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    std::iter::from_fn(move || {
        let cur = next?;
        next = cur.source();
        Some(cur)
    })
    .filter_map(|c| {
        c.downcast_ref::<std::io::Error>()
            .or_else(|| c.downcast_ref::<Shared>()?.downcast_ref::<std::io::Error>())
            .map(std::io::Error::kind)
    })
}

/// The seed node URLs of a cluster URL: its host and every `node=host:port`, with the
/// URL's credentials, as `redis://` or `rediss://`.
fn cluster_seeds(url: &url::Url, tls: bool) -> Result<Vec<String>, String> {
    let scheme = if tls { "rediss" } else { "redis" };
    let userinfo = match (url.username(), url.password()) {
        ("", None) => String::new(),
        (user, None) => format!("{user}@"),
        (user, Some(pw)) => format!("{user}:{pw}@"),
    };
    let db = url.path().trim_matches('/');
    if !db.is_empty() && db != "0" {
        return Err(format!(
            "Redis Cluster has only database 0, but the URL selects {db:?}"
        ));
    }
    let host = url
        .host_str()
        .ok_or_else(|| "the URL names no host".to_owned())?;
    let mut seeds = vec![format!(
        "{scheme}://{userinfo}{host}:{}",
        url.port().unwrap_or(6379)
    )];
    for (name, value) in url.query_pairs() {
        if name != "node" {
            return Err(format!(
                "unknown parameter {name:?}; cluster URLs take only node=host:port"
            ));
        }
        if value.is_empty() || value.contains(['/', '@', '?', '#']) {
            return Err(format!("node={value:?} is not host:port"));
        }
        seeds.push(format!("{scheme}://{userinfo}{value}"));
    }
    Ok(seeds)
}

/// Splits a batch into script calls of bounded size, keeping order.
fn chunks(records: &[Record]) -> Vec<&[Record]> {
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

/// A time as the recorder writes it (`2026-11-28T01:45:55.123Z`), so the script can
/// compare times as text; unparsable input is passed through (and never blocks an update).
fn canonical_time(text: &str) -> String {
    match text.parse::<jiff::Timestamp>() {
        Ok(ts) => crate::clock::rfc3339(ts),
        Err(_) => text.to_owned(),
    }
}

/// Splits an XRANGE/XREVRANGE reply into (entry id, field/value pairs).
fn parse_entries(value: Value) -> Result<Vec<Entry>, String> {
    let Value::Array(entries) = value else {
        return Err(format!("expected an array of entries, got {value:?}"));
    };
    let mut out = Vec::with_capacity(entries.len());
    for entry in entries {
        let Value::Array(parts) = entry else {
            return Err("an entry is not an array".into());
        };
        let mut parts = parts.into_iter();
        let (Some(id), Some(Value::Array(flat))) = (parts.next(), parts.next()) else {
            return Err("an entry lacks its id or fields".into());
        };
        let id = match id {
            Value::BulkString(b) => String::from_utf8_lossy(&b).into_owned(),
            Value::SimpleString(s) => s,
            other => return Err(format!("an entry id is {other:?}")),
        };
        let mut fields = Vec::with_capacity(flat.len() / 2);
        let mut flat = flat.into_iter();
        while let (Some(name), Some(value)) = (flat.next(), flat.next()) {
            fields.push((bytes_of(name), bytes_of(value)));
        }
        out.push((id, fields));
    }
    Ok(out)
}

fn bytes_of(v: Value) -> Vec<u8> {
    match v {
        Value::BulkString(b) => b,
        Value::SimpleString(s) => s.into_bytes(),
        Value::Int(n) => n.to_string().into_bytes(),
        _ => Vec::new(),
    }
}

/// A record from a stream entry; fields another writer left out or garbled read as empty
/// or 0 rather than failing the whole read.
fn record_from_entry(agent_id: &str, fields: Vec<(Vec<u8>, Vec<u8>)>) -> Record {
    let mut r = Record {
        agent_id: agent_id.to_owned(),
        run_id: String::new(),
        seq: 0,
        timestamp: String::new(),
        event_type: EventType::Unknown,
        type_: String::new(),
        subtype: String::new(),
        session_id: String::new(),
        tool: String::new(),
        turn_number: 0,
        data: Vec::new(),
        pos: 0,
    };
    for (name, value) in fields {
        let text = || String::from_utf8_lossy(&value).into_owned();
        match name.as_slice() {
            b"event_type" => {
                let t = text();
                r.event_type = EventType::ALL
                    .into_iter()
                    .find(|e| e.as_str() == t)
                    .unwrap_or(EventType::Unknown);
            }
            b"type" => r.type_ = text(),
            b"subtype" => r.subtype = text(),
            b"session_id" => r.session_id = text(),
            b"tool" => r.tool = text(),
            b"turn_number" => r.turn_number = text().parse().unwrap_or(0),
            b"run_id" => r.run_id = text(),
            b"seq" => r.seq = text().parse().unwrap_or(0),
            b"timestamp" => r.timestamp = text(),
            b"data" => r.data = value,
            _ => {}
        }
    }
    r
}

/// A summary from a meta hash (the inverse of [`Summary::fields`]).
fn summary_from_meta(agent_id: &str, fields: &[(String, String)]) -> Summary {
    let get = |name: &str| {
        fields
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    };
    let num = |name: &str| get(name).parse::<u64>().unwrap_or(0);
    let mut s = Summary::new(agent_id, get("command"), get("started_at"));
    s.state = AgentState::parse(get("state"));
    s.pid = get("pid").parse().ok();
    get("session_id").clone_into(&mut s.session_id);
    get("model").clone_into(&mut s.model);
    get("last_event_at").clone_into(&mut s.last_event_at);
    s.events = num("events");
    s.turns = num("turns");
    s.tool_calls = num("tool_calls");
    s.api_retries = num("api_retries");
    s.compactions = num("compactions");
    s.tokens_in = num("tokens_in");
    s.tokens_out = num("tokens_out");
    s.tokens_cache_read = num("tokens_cache_read");
    s.tokens_cache_creation = num("tokens_cache_creation");
    s.cost_usd = get("cost_usd").parse().unwrap_or(0.0);
    s.cost_estimated = get("cost_estimated") == "true";
    s.cost_unknown = get("cost_unknown") == "true";
    s.models = serde_json::from_str(get("models")).unwrap_or_default();
    s.rate_limits = serde_json::from_str(get("rate_limits")).unwrap_or_default();
    s.exit_code = get("exit_code").parse().ok();
    s.spool_pending = num("spool_pending");
    s.spool_write_errors = num("spool_write_errors");
    s.stuck_reason = Some(get("stuck_reason"))
        .filter(|r| !r.is_empty())
        .map(str::to_owned);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn keys_carry_the_agent_id_as_a_hash_tag() {
        assert_eq!(events_key("builder-1"), "agent:{builder-1}:events");
        assert_eq!(meta_key("builder-1"), "agent:{builder-1}:meta");
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
    fn cluster_urls_name_their_seeds() {
        let url = url::Url::parse("redis+cluster://:pw@10.0.0.1:7000/?node=h2:7001&node=h3:7002")
            .unwrap();
        assert_eq!(
            cluster_seeds(&url, false).unwrap(),
            vec![
                "redis://:pw@10.0.0.1:7000",
                "redis://:pw@h2:7001",
                "redis://:pw@h3:7002"
            ]
        );
        let url = url::Url::parse("rediss+cluster://h:7000").unwrap();
        assert_eq!(cluster_seeds(&url, true).unwrap(), vec!["rediss://h:7000"]);
        let url = url::Url::parse("redis+cluster://h:7000/3").unwrap();
        assert!(cluster_seeds(&url, false).is_err());
        let url = url::Url::parse("redis+cluster://h:7000/?protocol=resp3").unwrap();
        assert!(cluster_seeds(&url, false).is_err());
    }

    #[test]
    fn bad_urls_are_config_errors_without_the_password() {
        let cfg = |u: &str| RedisConfig::new(url::Url::parse(u).unwrap());
        let err = RedisSink::new(cfg("rediss://:hunter22@h:1/#insecure")).unwrap_err();
        assert!(matches!(err, RedisSinkError::Config { .. }));
        assert!(!err.to_string().contains("hunter22"), "{err}");
        let err = RedisSink::new(cfg("http://h:1")).unwrap_err();
        assert!(err.to_string().contains("unsupported scheme"), "{err}");
        assert!(!err.is_unavailable());
        let mut c = cfg("redis://h:1");
        c.maxlen = 0;
        assert!(RedisSink::new(c).is_err());
    }

    #[test]
    fn meta_round_trips_through_summary_fields() {
        let mut s = Summary::new("a", "claude -p", "2026-11-28T01:45:55.123Z");
        s.state = AgentState::Stuck;
        s.pid = Some(42);
        s.turns = 3;
        s.tokens_cache_read = 7;
        s.cost_usd = 0.25;
        s.exit_code = Some(1);
        s.stuck_reason = Some("no_progress".into());
        s.events = 9;
        let fields: Vec<(String, String)> = s
            .fields()
            .into_iter()
            .map(|(n, v)| (n.to_owned(), v))
            .collect();
        assert_eq!(summary_from_meta("a", &fields), s);
    }

    #[test]
    fn times_compare_as_text_once_canonical() {
        assert_eq!(
            canonical_time("2026-11-28T01:45:55Z"),
            "2026-11-28T01:45:55.000Z"
        );
        assert_eq!(canonical_time("garbage"), "garbage");
    }
}

#[cfg(test)]
mod send_tests {
    use super::*;

    fn assert_send<T: Send>(_: &T) {}

    /// The sink's futures can run in spawned tasks on the multi-threaded runtime.
    #[allow(dead_code, reason = "compile-time check only")]
    async fn futures_are_send(sink: &mut RedisSink, records: &[Record], summary: &Summary) {
        assert_send(&sink.deliver(records, summary));
        assert_send(&sink.delivered_seq("a", "r"));
        assert_send(&sink.agents());
        assert_send(&sink.events("a", 1));
        assert_send(&sink.events_after("a", None, 1));
        assert_send(&sink.add_stuck_episode("a", &[]));
        assert_send(&RedisSink::connect(RedisConfig::new(
            url::Url::parse("redis://h").unwrap(),
        )));
    }
}
