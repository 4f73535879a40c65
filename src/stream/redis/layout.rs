//! The Redis layout (docs/architecture.md section 3): the keys of an agent, the defaults,
//! how a record's fields go into a command, the IDs a run's entries take, and the rule a
//! write keeps for the `agents` set (scores only move forward).

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

/// Run bases are spread over this many milliseconds, one residue per run (see
/// [`segment_base`]).
const BASE_SPREAD: u64 = 1024;

/// The run's start in Unix milliseconds, from its id (`<ms hex>-<pid hex>-<n hex>`, see
/// `recorder::new_run_id`); `None` for ids of another shape.
pub(super) fn run_start_ms(run_id: &str) -> Option<u64> {
    let (ms, rest) = run_id.split_once('-')?;
    if rest.is_empty() || ms.is_empty() || ms.len() > 16 {
        return None;
    }
    u64::from_str_radix(ms, 16).ok()
}

/// The millisecond part of the IDs a run's entries take from `from` on: the first value at
/// or above `from` (and above 0) whose residue modulo [`BASE_SPREAD`] is the run's own.
/// Deterministic, so two writers of one run that saw the same stream pick the same IDs
/// (and Redis keeps one of each); distinct between runs (unless their residues collide, 1
/// in 1024), so two runs choosing a base above the same top never share IDs.
pub(super) fn segment_base(run_id: &str, from: u64) -> u64 {
    let residue = run_id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    }) % BASE_SPREAD;
    let from = from.max(1);
    let at = from - from % BASE_SPREAD + residue;
    // Run ids and stream IDs come from files and servers: an absurd start (near u64::MAX)
    // must not overflow; it keeps `from` and gives up the residue there.
    if at >= from {
        at
    } else {
        at.checked_add(BASE_SPREAD).unwrap_or(from)
    }
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
    fn run_bases_start_at_the_run_and_differ_between_runs() {
        let run = "19ae0c1f2a3-1f40-0";
        let start = run_start_ms(run).unwrap();
        assert_eq!(start, 0x19ae0c1f2a3);
        let base = segment_base(run, start);
        assert!(base >= start && base < start + BASE_SPREAD, "{base}");
        assert_eq!(segment_base(run, start), base, "deterministic");
        assert_eq!(segment_base(run, base), base);
        assert!(segment_base(run, base + 1) > base + 1);
        assert_ne!(segment_base("r1", 5000), segment_base("r2", 5000));
        assert!(segment_base("r", 0) >= 1);
        assert_eq!(run_start_ms("r1"), None);
        // A hostile run id (from a spool file) near the end of the ID space.
        assert_eq!(segment_base(run, u64::MAX), u64::MAX);
        assert!(segment_base(run, u64::MAX - 3) >= u64::MAX - 3);
        assert_eq!(run_start_ms("old-run"), None);
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
