//! The Redis layout (docs/architecture.md section 3): the keys of an agent, the defaults,
//! how a record's fields go into a command, and the rules a write keeps for the meta hash
//! (never replaced by an older summary) and the `agents` set (scores only move forward).

use std::time::Duration;

use super::RedisConfig;
use crate::stream::record::FieldValue;
use crate::stream::summary::Summary;

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

/// The stream of an agent's events: `agent:{<agent_id>}:events`.
pub fn events_key(agent_id: &str) -> String {
    format!("agent:{{{agent_id}}}:events")
}

/// The meta hash of an agent: `agent:{<agent_id>}:meta`.
pub fn meta_key(agent_id: &str) -> String {
    format!("agent:{{{agent_id}}}:meta")
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

/// Whether a summary of `last_event_at` (canonical) may replace the stored meta hash: the
/// same rule as the deliver script. Canonical times compare as text; anything else never
/// blocks an update.
pub(super) fn meta_is_newer(stored: Option<&str>, last_event_at: &str) -> bool {
    match stored {
        Some(stored) if is_canonical_time(stored) && is_canonical_time(last_event_at) => {
            stored <= last_event_at
        }
        _ => true,
    }
}

/// `2026-11-28T01:45:55.123Z`, exactly: RFC 3339 UTC with milliseconds.
pub(super) fn is_canonical_time(text: &str) -> bool {
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
pub(super) fn zset_update(cfg: &RedisConfig, summary: &Summary) -> redis::Pipeline {
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

/// A time as the recorder writes it (`2026-11-28T01:45:55.123Z`), so the script can
/// compare times as text; unparsable input is passed through (and never blocks an update).
pub(super) fn canonical_time(text: &str) -> String {
    match text.parse::<jiff::Timestamp>() {
        Ok(ts) => crate::clock::rfc3339(ts),
        Err(_) => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_carry_the_agent_id_as_a_hash_tag() {
        assert_eq!(events_key("builder-1"), "agent:{builder-1}:events");
        assert_eq!(meta_key("builder-1"), "agent:{builder-1}:meta");
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
