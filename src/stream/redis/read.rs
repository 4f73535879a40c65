//! Reading back: the newest agents with their summaries, an agent's events (newest, after
//! an entry, blocking for new ones), in bounded pages.

use std::time::Duration;

use redis::Value;

use super::connection::Conn;
use super::layout::{AGENTS_KEY, events_key, meta_key};
use super::{Ctx, RedisSink, RedisSinkError};
use crate::stream::record::{EventType, Record};
use crate::stream::summary::{AgentState, Summary};

/// Most agents [`RedisSink::agents`] returns (the newest).
pub const MAX_AGENTS: usize = 10_000;

/// Stream entries read per round trip by [`RedisSink::events`] and
/// [`RedisSink::events_after`].
pub const READ_PAGE: usize = 1000;

/// Meta hashes read per round trip in [`RedisSink::agents`].
pub(super) const META_BATCH: usize = 64;

/// Which end of a stream a read starts from.
#[derive(Clone, Copy)]
pub(super) enum Direction {
    /// `XRANGE`, oldest first.
    Oldest,
    /// `XREVRANGE`, newest first.
    Newest,
}

/// One stream entry: its id and its field/value pairs.
pub(super) type Entry = (String, Vec<(Vec<u8>, Vec<u8>)>);

/// Splits an XRANGE/XREVRANGE reply into (entry id, field/value pairs).
pub(super) fn parse_entries(value: Value) -> Result<Vec<Entry>, String> {
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

pub(super) fn bytes_of(v: Value) -> Vec<u8> {
    match v {
        Value::BulkString(b) => b,
        Value::SimpleString(s) => s.into_bytes(),
        Value::Int(n) => n.to_string().into_bytes(),
        _ => Vec::new(),
    }
}

/// The records of an agent's entries, with their ids.
fn records_of(agent_id: &str, entries: Vec<Entry>) -> Vec<(String, Record)> {
    entries
        .into_iter()
        .map(|(id, fields)| (id, record_from_entry(agent_id, fields)))
        .collect()
}

/// A record from a stream entry; fields another writer left out or garbled read as empty
/// or 0 rather than failing the whole read.
pub(super) fn record_from_entry(agent_id: &str, fields: Vec<(Vec<u8>, Vec<u8>)>) -> Record {
    let mut r = Record {
        event_type: EventType::Unknown,
        ..Record::raw(agent_id, "", 0, Vec::new())
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
pub(super) fn summary_from_meta(agent_id: &str, fields: &[(String, String)]) -> Summary {
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

impl RedisSink {
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
        Ok(records_of(agent_id, entries))
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
        Ok(records_of(agent_id, entries))
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
}

impl Ctx {
    /// The `agents` set, then the meta hashes in batches of concurrent reads.
    pub(super) async fn agents(&self, conn: Conn) -> Result<Vec<Summary>, RedisSinkError> {
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
    pub(super) async fn range(
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

    pub(super) async fn xread(
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
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
