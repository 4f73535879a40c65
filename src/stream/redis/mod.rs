//! The Redis side of `ccmon stream`: writes records to Redis Streams exactly once, keeps each
//! agent's meta hash and the `agents` sorted set, appends stuck episodes, and reads it all
//! back for `stream ls`, `stream tail` and the health server's fleet metrics.
//!
//! # Layout (docs/architecture.md section 3)
//!
//! | key | type | what |
//! |---|---|---|
//! | `agent:{<agent_id>}:events` | stream | one entry per record, the fields of [`Record::fields`](crate::stream::record::Record::fields), `XADD ... MAXLEN ~ maxlen` |
//! | `agent:{<agent_id>}:meta` | hash | [`Summary::fields`](crate::stream::summary::Summary::fields) |
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
//! a cluster: both keys of an agent hash to the same slot, so a batch's entries, its meta
//! update and their TTLs go to one node in one pipeline. The tag holds for any non-empty
//! agent id (the text up to the first `}` is the same for both keys), which is why an empty
//! agent id is refused. The cost is that people type the braces in `redis-cli`;
//! [`events_key`] and [`meta_key`] are the one place that spells them.
//!
//! # Files
//!
//! - `layout.rs`: the keys, the defaults, the IDs of a run's entries, how records and
//!   summaries become fields.
//! - `connection.rs`: URLs, (re)connecting to a server or a cluster, timeouts.
//! - `write.rs`: the exactly-once delivery, the meta update, stuck episodes.
//! - `read.rs`: the agents, the events, following a stream.
//! - `errors.rs`: what went wrong, classified for the caller.
//!
//! # Exactly once: Redis's own stream-ID order
//!
//! Every entry of a run is added with an explicit ID, `<base>-<seq>`: `base` is a
//! millisecond value of the run's own (at or after its start, see
//! [`layout::segment_base`]), `seq` the record's. Redis refuses an ID at or below the
//! stream's top, so a batch retried after a timeout whose first attempt did land is refused
//! entry by entry by Redis itself, a half-delivered batch gets only its missing half, and
//! two deliverers of one run (a `stream flush` racing the live process) write each entry
//! once. The batch is plain pipelined `XADD`s: no `WATCH`, no transaction, no script on
//! the entries' path, the same on a single server and on a cluster (docs/redis-decision.md
//! has the figures).
//!
//! What the client keeps is where the run stands (`write::Position`: the base and the
//! highest seq held), read once per run and connection by a look-back over the newest
//! entries (only entries as new as the run's start) and carried from batch to batch:
//!
//! - **Redis lost data.** A new connection reads the position again, so a server that
//!   restarted empty or failed over to a lagging replica shows what it holds, and a batch
//!   that would leave a gap above it is refused ([`RedisSinkError::Gap`]): the caller
//!   re-sends from its spool, in order. A stream that vanishes under a live connection
//!   (flushed, expired) is caught by `NOMKSTREAM` on every entry but a run's first.
//! - **Another run of the agent wrote above the run** (a late spool of an earlier run, or
//!   two live writers with one `--agent-id`): its entries are refused; the position is read
//!   again and the rest of the run goes above the top, at a new base of its own (a
//!   segment). Each run stays complete and exactly once, in seq order; runs interleave by
//!   segments. Bases are distinct between runs (a residue per run), so two runs never
//!   share an ID range; the one case left is two runs whose residues collide (1 in 1024)
//!   *and* two deliverers of one of them racing while the other writes.
//! - A run's IDs carry its start, not the arrival time; readers use the `timestamp` field.
//!
//! The meta hash is only replaced by a summary whose `last_event_at` is not older than the
//! stored one (a three-line script, after the batch's entries), and `agents` scores only
//! move forward (`ZADD GT`), so a late spool flush of an old run cannot make a running agent
//! look exited. `agents:stuck` is shared by all agents and stays `XADD *`: at least once.
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
//! Memory is bounded by the caller's batch (sent in pipelines of at most [`CHUNK_RECORDS`]
//! records or [`CHUNK_BYTES`] bytes, a few megabytes in flight), the `last`/`max` of the reads (fetched in pages of
//! [`READ_PAGE`]), and [`MAX_AGENTS`].

use std::path::PathBuf;
use std::time::Duration;

/// Runs `$body` (a future using `$ctx: &Ctx` and `$conn: Conn`) on the sink's connection.
/// A cached connection that turns out dead (the server restarted since) is replaced and
/// the body run once more, which is safe because every operation is idempotent (entries
/// carry their own IDs); a timeout is not retried, so a hung server costs one
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

mod connection;
mod errors;
mod layout;
mod read;
mod write;

pub use errors::{Cause, RedisSinkError};
pub use layout::{
    AGENTS_KEY, DEFAULT_MAXLEN, DEFAULT_TIMEOUT, DEFAULT_TTL, STUCK_KEY, events_key, meta_key,
};
pub use read::{MAX_AGENTS, READ_PAGE};
pub use write::{CHUNK_BYTES, CHUNK_RECORDS, Delivered, SCAN_LIMIT};

use connection::{Conn, Target};
use write::{Position, Script};

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

/// What every operation needs besides the connection: settings, the redacted URL, the
/// meta script. Kept apart from the connection state so operations borrow it while the sink
/// swaps connections.
struct Ctx {
    cfg: RedisConfig,
    /// The URL with its password masked, for every message.
    url: String,
    meta_script: Script,
}

/// Writes and reads the stream monitor's Redis layout over one (cluster) connection.
pub struct RedisSink {
    ctx: Ctx,
    target: Target,
    conn: Option<Conn>,
    /// Where the last run delivered over `conn` stands (see [`Position`]).
    position: Option<Position>,
}

impl std::fmt::Debug for RedisSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisSink")
            .field("url", &self.ctx.url)
            .field("connected", &self.conn.is_some())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod send_tests {
    use super::*;
    use crate::stream::record::Record;
    use crate::stream::summary::Summary;

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
