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
//! a cluster: both keys of an agent hash to the same slot, so the one script that appends
//! the entries, refreshes their TTL and updates the meta hash is a legal single-slot script
//! there, and is atomic everywhere. Without the tag the two keys would land on different
//! nodes and the meta update could not be part of the exactly-once step. The tag holds for
//! any non-empty agent id (the text up to the first `}` is the same for both keys), which is
//! why an empty agent id is refused. The cost is that people type the braces in
//! `redis-cli`; [`events_key`] and [`meta_key`] are the one place that spells them.
//!
//! # Files
//!
//! - `layout.rs`: the keys, the defaults, how records and summaries become fields.
//! - `connection.rs`: URLs, (re)connecting to a server or a cluster, timeouts.
//! - `write.rs`: the exactly-once delivery, its chunks and the deliver script.
//! - `transaction.rs`: the single server's optimistic transaction.
//! - `read.rs`: the agents, the events, following a stream.
//! - `errors.rs`: what went wrong, classified for the caller.
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

mod connection;
mod errors;
mod layout;
mod read;
mod transaction;
mod write;

pub use errors::{Cause, RedisSinkError};
pub use layout::{
    AGENTS_KEY, DEFAULT_MAXLEN, DEFAULT_TIMEOUT, DEFAULT_TTL, STUCK_KEY, events_key, meta_key,
};
pub use read::{MAX_AGENTS, READ_PAGE};
pub use write::{CHUNK_BYTES, CHUNK_RECORDS, Delivered, SCAN_LIMIT};

use connection::{Conn, Target};
use transaction::Watched;
use write::Script;

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
