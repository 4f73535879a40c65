//! The Redis sink against real servers: the bundled recording lands in
//! `agent:{id}:events` exactly once with every field, the meta hash, the `agents` set and
//! the TTLs are right, retried and half-delivered batches are never written twice, a server
//! that is paused, killed or restarted empty yields a clear unavailable error within the
//! timeout and works again afterwards, and the same holds with a password, over TLS and on
//! a three-node Redis Cluster.

use std::convert::Infallible;
use std::time::{Duration, Instant};

use ccmon::stream::record::{EventType, Record};
use ccmon::stream::recorder::{Recorder, RecorderConfig, Sink};
use ccmon::stream::redis::{
    AGENTS_KEY, Delivered, RedisConfig, RedisSink, RedisSinkError, STUCK_KEY, events_key, meta_key,
};
use ccmon::stream::summary::{AgentState, Summary};

use crate::support::standin::{self, CLAUDE_CLEAN};
use crate::support::{Redis, RedisCluster, Resp};

/// Generous for a loaded CI machine; only the pause test uses a short one.
const TIMEOUT: Duration = Duration::from_secs(5);

/// The recording's agent (its session id).
const AGENT: &str = "6170607e-7232-407c-82c3-7fc983d60064";

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("building a tokio runtime")
}

fn config(url: &str) -> RedisConfig {
    let mut cfg = RedisConfig::new(url::Url::parse(url).expect("test URL parses"));
    cfg.timeout = TIMEOUT;
    cfg
}

fn connect(rt: &tokio::runtime::Runtime, cfg: RedisConfig) -> RedisSink {
    let url = cfg.url.to_string();
    rt.block_on(RedisSink::connect(cfg))
        .unwrap_or_else(|e| panic!("connecting to {url}: {}", chain(&e)))
}

/// The error and its causes, one per line, as a user sees them.
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str("\ncaused by: ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// A batch as a recorder hands it over: records and the summary as of then.
type Batch = (Vec<Record>, Summary);
/// A stream entry as read back: id and (field, value) pairs.
pub(crate) type Entry = (String, Vec<(String, Vec<u8>)>);

/// Collects what a recorder hands its sink: each batch with the summary as of then.
#[derive(Default)]
struct Batches(Vec<Batch>);

impl Sink for Batches {
    type Error = Infallible;
    fn write(&mut self, records: &mut Vec<Record>, summary: &Summary) -> Result<(), Infallible> {
        self.0.push((std::mem::take(records), summary.clone()));
        Ok(())
    }
}

/// The receive time of line `i`: one second apart from an hour ago, so scores and order
/// are checkable and nothing is older than the TTL (the sink drops such `agents` members).
fn at(i: usize) -> String {
    static BASE: std::sync::OnceLock<i64> = std::sync::OnceLock::new();
    let base = *BASE.get_or_init(|| jiff::Timestamp::now().as_second() - 3600);
    let t = jiff::Timestamp::from_second(base + i as i64).expect("valid time");
    format!("{t:.3}")
}

/// The bundled real recording's lines, recorded in batches of `batch_size` for run `run_id`.
fn recording(batch_size: usize, run_id: &str) -> (Vec<Vec<u8>>, Vec<Batch>) {
    let text = std::fs::read(standin::fixture(CLAUDE_CLEAN)).expect("reading the fixture");
    let mut lines: Vec<Vec<u8>> = text.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
    if lines.last().is_some_and(Vec::is_empty) {
        lines.pop();
    }
    let config = RecorderConfig {
        agent_id: None,
        command: "claude -p --output-format stream-json".into(),
        batch_size,
    };
    let mut rec = Recorder::new(config, run_id.into(), at(0), Batches::default());
    for (i, line) in lines.iter().enumerate() {
        rec.push(line.clone(), true, &at(i + 1))
            .expect("in-memory sink");
    }
    let (_, sink) = rec.finish(Some(0)).expect("in-memory sink");
    (lines, sink.0)
}

/// Synthetic records of one agent and run, seq `from..=to`.
fn records(agent: &str, run: &str, from: u64, to: u64) -> Vec<Record> {
    (from..=to)
        .map(|seq| Record {
            agent_id: agent.into(),
            run_id: run.into(),
            seq,
            timestamp: at(seq as usize),
            event_type: EventType::Raw,
            type_: String::new(),
            subtype: String::new(),
            session_id: String::new(),
            tool: String::new(),
            turn_number: 0,
            data: format!("line {seq} of {run}").into_bytes(),
            pos: 0,
        })
        .collect()
}

fn summary(agent: &str, last: usize) -> Summary {
    let mut s = Summary::new(agent, "test", &at(0));
    s.last_event_at = at(last);
    s.events = last as u64;
    s
}

fn deliver(
    rt: &tokio::runtime::Runtime,
    sink: &mut RedisSink,
    records: &[Record],
    summary: &Summary,
) -> Delivered {
    rt.block_on(sink.deliver(records, summary))
        .unwrap_or_else(|e| panic!("deliver: {}", chain(&e)))
}

/// A fresh server, a runtime and a sink connected to the server.
fn started() -> (Redis, tokio::runtime::Runtime, RedisSink) {
    let redis = Redis::start();
    let rt = rt();
    let sink = connect(&rt, config(&redis.url()));
    (redis, rt, sink)
}

/// Every entry of `agent`'s stream, oldest first.
fn stream_of(redis: &Redis, agent: &str) -> Vec<Entry> {
    entries(redis.cmd(&["XRANGE", &events_key(agent), "-", "+"]))
}

/// The entries of an XRANGE reply as (id, [(field, value)]).
pub(crate) fn entries(reply: Resp) -> Vec<Entry> {
    let Resp::Array(Some(items)) = reply else {
        panic!("XRANGE reply is not an array: {reply:?}");
    };
    items
        .into_iter()
        .map(|item| {
            let Resp::Array(Some(mut parts)) = item else {
                panic!("entry is not an array");
            };
            let Resp::Array(Some(flat)) = parts.pop().expect("entry fields") else {
                panic!("entry fields are not an array");
            };
            let id = parts.pop().and_then(|r| r.text()).expect("entry id");
            let fields = flat
                .chunks(2)
                .map(|pair| match pair {
                    [Resp::Bulk(Some(n)), Resp::Bulk(Some(v))] => {
                        (String::from_utf8_lossy(n).into_owned(), v.clone())
                    }
                    other => panic!("bad field pair {other:?}"),
                })
                .collect();
            (id, fields)
        })
        .collect()
}

/// Asserts the stream entries are exactly `records`, in order, with every field of
/// `Record::fields()` in its order.
fn assert_entries_are(entries: &[Entry], records: &[&Record]) {
    assert_eq!(entries.len(), records.len(), "entry count");
    for ((id, fields), record) in entries.iter().zip(records) {
        let expected: Vec<(String, Vec<u8>)> = record
            .fields()
            .into_iter()
            .map(|(n, v)| (n.to_owned(), v.to_vec()))
            .collect();
        assert_eq!(fields, &expected, "entry {id} (seq {})", record.seq);
    }
}

fn hash(reply: Resp) -> Vec<(String, String)> {
    let Resp::Array(Some(flat)) = reply else {
        panic!("HGETALL reply is not an array: {reply:?}");
    };
    flat.chunks(2)
        .map(|p| {
            (
                p[0].text().expect("field name"),
                p[1].text().expect("field value"),
            )
        })
        .collect()
}

fn int(reply: Resp) -> i64 {
    reply
        .integer()
        .unwrap_or_else(|| panic!("expected an integer, got {reply:?}"))
}

fn unix_seconds(rfc3339: &str) -> f64 {
    rfc3339
        .parse::<jiff::Timestamp>()
        .expect("a time")
        .as_millisecond() as f64
        / 1000.0
}

#[test]
fn the_real_recording_lands_exactly_once_with_meta_zset_and_ttl() {
    let (redis, rt, mut sink) = started();
    let (lines, batches) = recording(10, "run-1");
    let mut written = 0;
    for (records, summary) in &batches {
        let d = deliver(&rt, &mut sink, records, summary);
        assert_eq!(d.skipped, 0);
        written += d.written;
    }
    assert_eq!(written, lines.len() as u64);

    let key = events_key(AGENT);
    assert_eq!(key, format!("agent:{{{AGENT}}}:events"));
    let got = entries(redis.cmd(&["XRANGE", &key, "-", "+"]));
    let all: Vec<&Record> = batches.iter().flat_map(|(r, _)| r).collect();
    assert_entries_are(&got, &all);
    for ((_, fields), (i, line)) in got.iter().zip(lines.iter().enumerate()) {
        let get = |n: &str| &fields.iter().find(|(f, _)| f == n).expect("field").1;
        assert_eq!(get("data"), line, "line {}", i + 1);
        assert_eq!(get("seq"), (i + 1).to_string().as_bytes());
        assert_eq!(get("run_id"), b"run-1");
    }
    let kinds: Vec<&[u8]> = got.iter().map(|(_, f)| f[0].1.as_slice()).collect();
    assert!(kinds.contains(&b"tool_use".as_slice()) && kinds.contains(&b"result".as_slice()));

    let (_, last_summary) = batches.last().expect("a final summary");
    assert_eq!(last_summary.state, AgentState::Exited);
    let meta = hash(redis.cmd(&["HGETALL", &meta_key(AGENT)]));
    let mut expected: Vec<(String, String)> = last_summary
        .fields()
        .into_iter()
        .map(|(n, v)| (n.to_owned(), v))
        .collect();
    let mut meta_sorted = meta.clone();
    meta_sorted.sort();
    expected.sort();
    assert_eq!(meta_sorted, expected);

    let score: f64 = redis
        .cmd(&["ZSCORE", AGENTS_KEY, AGENT])
        .text()
        .expect("a score")
        .parse()
        .expect("a float score");
    assert!((score - unix_seconds(&last_summary.last_event_at)).abs() < 0.001);

    for k in [key.as_str(), &meta_key(AGENT), AGENTS_KEY] {
        let ttl = int(redis.cmd(&["TTL", k]));
        assert!((86_000..=86_400).contains(&ttl), "TTL of {k} is {ttl}");
    }
    assert_eq!(
        rt.block_on(sink.delivered_seq(AGENT, "run-1")).unwrap(),
        lines.len() as u64
    );
    assert_eq!(rt.block_on(sink.delivered_seq(AGENT, "other")).unwrap(), 0);
}

#[test]
fn maxlen_trims_approximately_and_no_ttl_means_no_expiry() {
    let redis = Redis::start();
    let rt = rt();
    let mut cfg = config(&redis.url());
    cfg.maxlen = 10;
    cfg.ttl = None;
    let mut sink = connect(&rt, cfg);
    let batch = records("trim", "r", 1, 1000);
    let d = deliver(&rt, &mut sink, &batch, &summary("trim", 1000));
    assert_eq!(d.written, 1000);
    let len = int(redis.cmd(&["XLEN", &events_key("trim")]));
    // `~` trims whole radix-tree nodes (100 entries each by default): never below
    // MAXLEN, and far below what was written.
    assert!((10..=300).contains(&len), "XLEN {len} after MAXLEN ~ 10");
    assert_eq!(rt.block_on(sink.stream_len("trim")).unwrap(), len as u64);
    // The newest entries are the ones kept.
    let last = rt.block_on(sink.events("trim", 1)).unwrap();
    assert_eq!(last[0].seq, 1000);
    for k in [events_key("trim"), meta_key("trim"), AGENTS_KEY.into()] {
        assert_eq!(int(redis.cmd(&["TTL", &k])), -1, "{k} has a TTL");
    }
}

#[test]
fn a_batch_delivered_twice_or_half_delivered_is_written_once() {
    let (redis, rt, mut sink) = started();
    let batch = records("twice", "r1", 1, 40);
    let s = summary("twice", 40);
    let first = deliver(&rt, &mut sink, &batch, &s);
    assert_eq!(
        (first.written, first.skipped, first.previous_seq),
        (40, 0, 0)
    );
    let again = deliver(&rt, &mut sink, &batch, &s);
    assert_eq!(
        (again.written, again.skipped, again.previous_seq),
        (0, 40, 40)
    );

    // Half of a batch landed (the reply to the first attempt was lost), then it is retried.
    let batch = records("half", "r1", 1, 40);
    deliver(&rt, &mut sink, &batch[..20], &summary("half", 20));
    let retry = deliver(&rt, &mut sink, &batch, &summary("half", 40));
    assert_eq!(
        (retry.written, retry.skipped, retry.previous_seq),
        (20, 20, 20)
    );
    for agent in ["twice", "half"] {
        let got = stream_of(&redis, agent);
        let expected = records(agent, "r1", 1, 40);
        assert_entries_are(&got, &expected.iter().collect::<Vec<_>>());
    }
}

#[test]
fn interleaved_runs_of_one_agent_are_deduplicated_per_run() {
    let (_redis, rt, mut sink) = started();
    let old = records("shared", "old-run", 1, 30);
    let new = records("shared", "new-run", 1, 30);
    // A new run starts while the old run's spool is still being flushed.
    deliver(&rt, &mut sink, &old[..10], &summary("shared", 10));
    deliver(&rt, &mut sink, &new[..15], &summary("shared", 15));
    deliver(&rt, &mut sink, &old[10..20], &summary("shared", 20));
    deliver(&rt, &mut sink, &new[15..], &summary("shared", 30));
    // Both retried whole: only the old run's missing tail is written.
    let d = deliver(&rt, &mut sink, &old, &summary("shared", 30));
    assert_eq!((d.written, d.skipped, d.previous_seq), (10, 20, 20));
    let d = deliver(&rt, &mut sink, &new, &summary("shared", 30));
    assert_eq!((d.written, d.skipped), (0, 30));
    let got = rt.block_on(sink.events("shared", 1000)).unwrap();
    assert_eq!(got.len(), 60);
    for run in ["old-run", "new-run"] {
        let seqs: Vec<u64> = got
            .iter()
            .filter(|r| r.run_id == run)
            .map(|r| r.seq)
            .collect();
        assert_eq!(seqs, (1..=30).collect::<Vec<_>>(), "{run}");
    }
    assert_eq!(
        rt.block_on(sink.delivered_seq("shared", "old-run"))
            .unwrap(),
        30
    );
}

/// Where a run stands is read once per connection and then carried from delivery to
/// delivery. A writer in between must still be noticed (Redis refuses the entries it
/// wrote, and the position is read again), or the next batch would be written twice.
#[test]
fn a_write_between_two_deliveries_of_a_run_is_noticed() {
    let redis = Redis::start();
    let rt = rt();
    let run = records("between", "r1", 1, 1500);
    let mut first = connect(&rt, config(&redis.url()));
    let mut other = connect(&rt, config(&redis.url()));
    assert_eq!(
        deliver(&rt, &mut first, &run[..100], &summary("between", 100)).written,
        100
    );
    // Another deliverer of the run (a `stream flush`, say) gets further meanwhile.
    assert_eq!(
        deliver(&rt, &mut other, &run[..700], &summary("between", 700)).written,
        600
    );
    // The first goes on from where it stopped, in several chunks, the first of them sent
    // for a stream it believes ends at 100.
    assert_eq!(
        deliver(&rt, &mut first, &run[100..], &summary("between", 1500)).written,
        800
    );
    let got = stream_of(&redis, "between");
    assert_entries_are(&got, &run.iter().collect::<Vec<_>>());
    // And a delivery of nothing new after that writes nothing.
    assert_eq!(
        deliver(&rt, &mut other, &run, &summary("between", 1500)).written,
        0
    );
}

/// Several deliverers of the same run at once (a `stream flush` racing the live process,
/// two spools holding the same run) on separate connections, while another run of the same
/// agent keeps writing (so every deliverer keeps finding the top taken and moving its run
/// above it): each line still lands once, in order.
#[test]
fn racing_deliverers_of_one_run_write_each_line_once() {
    let redis = Redis::start();
    let n = 3000;
    let run = records("raced", "r1", 1, n);
    let other = records("raced", "r2", 1, n);
    std::thread::scope(|scope| {
        // Small batches (one pipeline each) and large ones (several pipelines in flight)
        // race each other.
        for (i, batch) in [137usize, 1100, 512, 57, 1600, 1300]
            .into_iter()
            .enumerate()
        {
            let (run, url) = (&run, redis.url());
            scope.spawn(move || {
                let rt = rt();
                let mut sink = connect(&rt, config(&url));
                // Each starts at a different point, so their batches overlap unevenly.
                let mut from = 0;
                let mut step = batch;
                while from < run.len() {
                    let to = (from + step).min(run.len());
                    deliver(&rt, &mut sink, &run[..to], &summary("raced", to));
                    from = to;
                    step = batch + i;
                }
            });
        }
        let (other, url) = (&other, redis.url());
        scope.spawn(move || {
            let rt = rt();
            let mut sink = connect(&rt, config(&url));
            for chunk in other.chunks(3) {
                deliver(&rt, &mut sink, chunk, &summary("raced", n as usize));
            }
        });
        // And the meta script keeps disappearing (a SCRIPT FLUSH, a failover to a fresh
        // replica): the meta update falls back to EVAL.
        let redis = &redis;
        scope.spawn(move || {
            for _ in 0..40 {
                redis.cmd(&["SCRIPT", "FLUSH"]);
                std::thread::sleep(Duration::from_millis(5));
            }
        });
    });
    let got = stream_of(&redis, "raced");
    for (run_id, expected) in [("r1", &run), ("r2", &other)] {
        let want: Vec<u64> = expected.iter().map(|r| r.seq).collect();
        assert_eq!(
            seqs_of(&got, run_id),
            want,
            "run {run_id}: every seq once, in order"
        );
    }
    // The racers were kept apart by Redis's own ID order: it refused the entries another
    // deliverer had written first, and nothing ran a transaction.
    let stats = redis
        .cmd(&["INFO", "commandstats"])
        .text()
        .unwrap_or_default();
    let xadd = stats
        .lines()
        .find(|l| l.starts_with("cmdstat_xadd:"))
        .unwrap_or_default();
    let failed: u64 = xadd
        .split(',')
        .find_map(|kv| kv.strip_prefix("failed_calls="))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(failed > 0, "no XADD was refused: {xadd}");
    assert!(
        !stats.contains("cmdstat_exec:"),
        "a transaction ran: {stats}"
    );
}

/// The seqs of `run_id` in the order the stream holds them.
fn seqs_of(got: &[Entry], run_id: &str) -> Vec<u64> {
    got.iter()
        .filter(|(_, fields)| {
            fields
                .iter()
                .any(|(f, v)| f == "run_id" && v == run_id.as_bytes())
        })
        .filter_map(|(_, fields)| {
            let (_, v) = fields.iter().find(|(f, _)| f == "seq")?;
            String::from_utf8_lossy(v).parse().ok()
        })
        .collect()
}

/// A run id as ccmon makes them (its start in milliseconds, hex, then pid and counter).
fn run_started_at(ms: u64, n: u32) -> String {
    format!("{ms:x}-{:x}-{n:x}", std::process::id())
}

/// Each entry's ID is `<base>-<seq>`, its base at or after the run's start (and within the
/// spread that keeps runs apart), so Redis itself orders and deduplicates a run.
#[test]
fn a_runs_entries_carry_its_start_and_their_seq_in_their_ids() {
    let (redis, rt, mut sink) = started();
    let start = jiff::Timestamp::now().as_millisecond() as u64;
    let run = run_started_at(start, 0);
    deliver(
        &rt,
        &mut sink,
        &records("ids", &run, 1, 20),
        &summary("ids", 20),
    );
    let got = stream_of(&redis, "ids");
    assert_eq!(got.len(), 20);
    let mut bases = std::collections::BTreeSet::new();
    for (i, (id, _)) in got.iter().enumerate() {
        let (ms, seq) = id.split_once('-').expect("an entry id");
        let ms: u64 = ms.parse().expect("ms");
        assert!(
            ms >= start && ms < start + 1024,
            "{id} for a run started at {start}"
        );
        assert_eq!(seq, (i + 1).to_string(), "{id}");
        bases.insert(ms);
    }
    assert_eq!(bases.len(), 1, "one base for the whole run: {bases:?}");
}

/// A stream deleted under a live connection (a FLUSHALL, an expiry, an operator's DEL):
/// the next batch finds it gone instead of starting it again above a hole, and the run is
/// re-sent from its start.
#[test]
fn a_stream_deleted_under_a_live_connection_is_refused_then_refilled() {
    let (redis, rt, mut sink) = started();
    let run = records("gone", "r", 1, 30);
    deliver(&rt, &mut sink, &run[..20], &summary("gone", 20));
    redis.cmd(&["DEL", &events_key("gone")]);
    let refused = rt.block_on(sink.deliver(&run[20..], &summary("gone", 30)));
    assert!(
        matches!(refused, Err(RedisSinkError::Gap { first: 21, .. })),
        "{refused:?}"
    );
    assert_eq!(int(redis.cmd(&["EXISTS", &events_key("gone")])), 0);
    let again = deliver(&rt, &mut sink, &run, &summary("gone", 30));
    assert_eq!((again.written, again.skipped), (30, 0));
    let got = stream_of(&redis, "gone");
    assert_entries_are(&got, &run.iter().collect::<Vec<_>>());
}

/// Entries deleted at the stream's end (XDEL) leave the stream's last ID where it was, so
/// Redis refuses IDs below it although nothing holds them: the run goes on above it.
#[test]
fn entries_deleted_at_the_end_of_the_stream_are_written_again_above_its_last_id() {
    let (redis, rt, mut sink) = started();
    let run = records("xdel", "r", 1, 20);
    deliver(&rt, &mut sink, &run[..10], &summary("xdel", 10));
    let got = stream_of(&redis, "xdel");
    for (id, _) in &got[7..] {
        redis.cmd(&["XDEL", &events_key("xdel"), id]);
    }
    // What the spool does after a new connection: ask, then re-send from what is held.
    let mut fresh = connect(&rt, config(&redis.url()));
    assert_eq!(rt.block_on(fresh.delivered_seq("xdel", "r")).unwrap(), 7);
    let d = deliver(&rt, &mut fresh, &run, &summary("xdel", 20));
    assert_eq!((d.written, d.skipped, d.previous_seq), (13, 7, 7));
    let got = stream_of(&redis, "xdel");
    assert_eq!(seqs_of(&got, "r"), (1..=20).collect::<Vec<_>>());
}

/// Entries an older ccmon wrote with `*` IDs for the same run (an upgrade in the middle of
/// a run's delivery) are recognised by their fields: the run goes on after them, once.
#[test]
fn entries_written_with_server_ids_by_an_older_ccmon_are_not_written_again() {
    let redis = Redis::start();
    let rt = rt();
    let run = records("upgraded", "r", 1, 12);
    for r in &run[..5] {
        let mut args = vec!["XADD".to_owned(), events_key("upgraded"), "*".to_owned()];
        for (name, value) in r.fields() {
            args.push(name.to_owned());
            args.push(String::from_utf8_lossy(&value.to_vec()).into_owned());
        }
        redis.cmd(&args.iter().map(String::as_str).collect::<Vec<_>>());
    }
    let mut sink = connect(&rt, config(&redis.url()));
    let d = deliver(&rt, &mut sink, &run, &summary("upgraded", 12));
    assert_eq!((d.written, d.skipped, d.previous_seq), (7, 5, 5));
    let got = stream_of(&redis, "upgraded");
    assert_entries_are(&got, &run.iter().collect::<Vec<_>>());
}

/// Two live writers with one agent id (two `stream watch --agent-id same` at once), each
/// with its own run and connection, batches taking turns: each run lands complete, once
/// and in order, as segments of the stream.
#[test]
fn two_live_runs_of_one_agent_id_each_land_complete_once_and_in_order() {
    let redis = Redis::start();
    let start = jiff::Timestamp::now().as_millisecond() as u64;
    // The later run started later, as two processes would; the earlier one keeps writing.
    let runs = [run_started_at(start, 1), run_started_at(start + 5, 2)];
    let n = 600;
    std::thread::scope(|scope| {
        for (i, run) in runs.iter().enumerate() {
            let url = redis.url();
            scope.spawn(move || {
                let rt = rt();
                let mut sink = connect(&rt, config(&url));
                let records = records("twins", run, 1, n);
                for (k, batch) in records.chunks(7 + i * 4).enumerate() {
                    let last = batch.last().map_or(0, |r| r.seq) as usize;
                    deliver(&rt, &mut sink, batch, &summary("twins", last));
                    // Retried now and then, as after a lost reply.
                    if k % 5 == 0 {
                        let d = deliver(&rt, &mut sink, batch, &summary("twins", last));
                        assert_eq!(d.written, 0, "a retried batch of {run}");
                    }
                }
            });
        }
    });
    let got = stream_of(&redis, "twins");
    for run in &runs {
        assert_eq!(seqs_of(&got, run), (1..=n).collect::<Vec<_>>(), "run {run}");
    }
    assert_eq!(got.len() as u64, 2 * n);
}

#[test]
fn an_old_runs_late_summary_does_not_overwrite_a_newer_one() {
    let (redis, rt, mut sink) = started();
    let mut newer = summary("agent-x", 100);
    newer.state = AgentState::Running;
    newer.command = "new".into();
    rt.block_on(sink.write_meta(&newer)).unwrap();
    let mut older = summary("agent-x", 50);
    older.state = AgentState::Exited;
    older.command = "old".into();
    deliver(&rt, &mut sink, &records("agent-x", "old", 1, 5), &older);
    let meta = hash(redis.cmd(&["HGETALL", &meta_key("agent-x")]));
    let get = |n: &str| meta.iter().find(|(f, _)| f == n).map(|(_, v)| v.as_str());
    assert_eq!(get("state"), Some("running"));
    assert_eq!(get("command"), Some("new"));
    let score: f64 = redis
        .cmd(&["ZSCORE", AGENTS_KEY, "agent-x"])
        .text()
        .and_then(|t| t.parse().ok())
        .expect("a score");
    assert!((score - unix_seconds(&at(100))).abs() < 0.001);
    assert_eq!(int(redis.cmd(&["XLEN", &events_key("agent-x")])), 5);
}

#[test]
fn delivered_seq_is_zero_after_redis_restarts_empty() {
    let mut redis = Redis::start();
    let rt = rt();
    let mut sink = connect(&rt, config(&redis.url()));
    deliver(
        &rt,
        &mut sink,
        &records("lost", "r", 1, 25),
        &summary("lost", 25),
    );
    assert_eq!(rt.block_on(sink.delivered_seq("lost", "r")).unwrap(), 25);
    redis.restart_without_data();
    // The cached connection died with the server: the sink reconnects by itself.
    assert_eq!(rt.block_on(sink.delivered_seq("lost", "r")).unwrap(), 0);
    // A later batch that would leave a gap is refused, not written with a hole.
    let cfg_err = rt.block_on(sink.deliver(&records("lost", "r", 26, 30), &summary("lost", 30)));
    assert!(
        matches!(
            cfg_err,
            Err(RedisSinkError::Gap {
                held: 0,
                first: 26,
                ..
            })
        ),
        "{cfg_err:?}"
    );
    assert_eq!(int(redis.cmd(&["XLEN", &events_key("lost")])), 0);
    // Re-sending the run from its start (what delivery does) fills it in order.
    let resent = deliver(
        &rt,
        &mut sink,
        &records("lost", "r", 1, 30),
        &summary("lost", 30),
    );
    assert_eq!((resent.written, resent.skipped), (30, 0));
    assert_eq!(int(redis.cmd(&["XLEN", &events_key("lost")])), 30);

    // A spool that freed its delivered prefix holds the run only from seq 21 (its floor):
    // an emptied stream takes it from there, and still refuses a gap above the floor.
    redis.restart_without_data();
    let refused = rt.block_on(sink.deliver_from_floor(
        &records("lost", "r", 26, 30),
        &summary("lost", 30),
        21,
    ));
    assert!(
        matches!(refused, Err(RedisSinkError::Gap { .. })),
        "{refused:?}"
    );
    let from_floor = rt
        .block_on(sink.deliver_from_floor(&records("lost", "r", 21, 30), &summary("lost", 30), 21))
        .unwrap_or_else(|e| panic!("deliver from the floor: {}", chain(&e)));
    assert_eq!((from_floor.written, from_floor.previous_seq), (10, 0));
    let got = rt.block_on(sink.events("lost", 100)).unwrap();
    let seqs: Vec<u64> = got.iter().map(|r| r.seq).collect();
    assert_eq!(seqs, (21..=30).collect::<Vec<_>>());
}

#[test]
fn a_paused_redis_is_unavailable_within_the_timeout_and_works_after_resume() {
    let mut redis = Redis::start();
    let rt = rt();
    let timeout = Duration::from_millis(500);
    let margin = Duration::from_secs(5);
    let mut cfg = config(&redis.url());
    cfg.timeout = timeout;
    let mut sink = connect(&rt, cfg);
    let batch = records("paused", "r", 1, 20);
    let s = summary("paused", 20);

    redis.pause();
    // First on the open connection, then through a reconnect that the server never answers.
    for attempt in ["open connection", "reconnect"] {
        let start = Instant::now();
        let err = rt
            .block_on(sink.deliver(&batch, &s))
            .expect_err("deliver to a paused redis succeeded");
        let took = start.elapsed();
        assert!(err.is_unavailable(), "{attempt}: {}", chain(&err));
        assert!(
            matches!(err, RedisSinkError::Timeout { .. }),
            "{attempt}: {err:?}"
        );
        assert!(took < timeout + margin, "{attempt}: took {took:?}");
        let text = err.to_string();
        assert!(
            text.contains(&redis.url()) && text.contains("500ms"),
            "{text}"
        );
    }

    redis.resume();
    // The paused attempt may have run once the server woke up; either way, once only.
    let d = deliver(&rt, &mut sink, &batch, &s);
    assert_eq!(d.written + d.skipped, 20);
    let got = stream_of(&redis, "paused");
    assert_entries_are(&got, &batch.iter().collect::<Vec<_>>());
}

#[test]
fn a_killed_redis_is_unavailable_and_restart_reconnects() {
    let mut redis = Redis::start();
    let rt = rt();
    let mut sink = connect(&rt, config(&redis.url()));
    let batch = records("killed", "r", 1, 30);
    deliver(&rt, &mut sink, &batch[..10], &summary("killed", 10));

    redis.kill();
    let err = rt
        .block_on(sink.deliver(&batch[10..20], &summary("killed", 20)))
        .expect_err("deliver to a killed redis succeeded");
    assert!(err.is_unavailable(), "{}", chain(&err));
    assert!(matches!(err, RedisSinkError::Unreachable { .. }), "{err:?}");
    assert!(err.to_string().contains(&redis.url()), "{err}");

    redis.restart();
    let d = deliver(&rt, &mut sink, &batch[10..20], &summary("killed", 20));
    assert_eq!((d.written, d.previous_seq), (10, 10));
    // Killed and restarted between two calls: the dead connection is replaced unnoticed.
    redis.kill();
    redis.restart();
    let d = deliver(&rt, &mut sink, &batch[20..], &summary("killed", 30));
    assert_eq!(d.written, 10);
    let got = stream_of(&redis, "killed");
    assert_entries_are(&got, &batch.iter().collect::<Vec<_>>());
}

#[test]
fn a_password_protected_redis_works_and_a_wrong_password_is_not_printed() {
    let password = "s3cret-pw-4242";
    let redis = Redis::start_with_password(password);
    let rt = rt();
    let mut sink = connect(&rt, config(&redis.url_with_password(password)));
    assert!(!sink.url().contains(password), "{}", sink.url());
    let batch = records("pw", "r", 1, 5);
    assert_eq!(
        deliver(&rt, &mut sink, &batch, &summary("pw", 5)).written,
        5
    );
    assert_eq!(rt.block_on(sink.events("pw", 10)).unwrap(), batch);
    // A lone userinfo is the password, as the redaction takes it, not a user name.
    let lone = format!("redis://{password}@{}", redis.addr());
    let mut sink = connect(&rt, config(&lone));
    assert!(!sink.url().contains(password), "{}", sink.url());
    assert_eq!(rt.block_on(sink.stream_len("pw")).unwrap(), 5);

    let wrong = "wrong-pw-7777";
    for url in [redis.url_with_password(wrong), redis.url()] {
        let err = rt
            .block_on(RedisSink::connect(config(&url)))
            .expect_err("a wrong or missing password was accepted");
        assert!(matches!(err, RedisSinkError::Auth { .. }), "{url}: {err:?}");
        assert!(!err.is_unavailable());
        let shown = format!("{}\n{err:?}", chain(&err));
        assert!(!shown.contains(wrong), "password shown: {shown}");
        assert!(shown.contains(&redis.addr().to_string()), "{shown}");
        assert!(shown.contains("credentials"), "{shown}");
        assert!(err.hint().is_some_and(|h| h.contains("password")));
    }
}

#[test]
fn tls_with_a_private_ca_works_and_an_untrusted_server_is_refused() {
    let redis = Redis::start_tls();
    let rt = rt();
    let mut cfg = config(&redis.tls_url());
    cfg.ca_file = Some(redis.tls_ca_file());
    let mut sink = connect(&rt, cfg);
    let batch = records("tls", "r", 1, 12);
    assert_eq!(
        deliver(&rt, &mut sink, &batch, &summary("tls", 12)).written,
        12
    );
    assert_eq!(rt.block_on(sink.events("tls", 100)).unwrap(), batch);
    assert_eq!(rt.block_on(sink.stream_len("tls")).unwrap(), 12);

    // Without the CA the server's certificate is not trusted.
    let err = rt
        .block_on(RedisSink::connect(config(&redis.tls_url())))
        .expect_err("an untrusted certificate was accepted");
    let shown = chain(&err);
    assert!(matches!(err, RedisSinkError::Tls { .. }), "{err:?}");
    assert!(
        !err.is_unavailable(),
        "an untrusted server is no reason to wait: {shown}"
    );
    assert!(err.hint().is_some_and(|h| h.contains("ca_file")));
    assert!(shown.contains(&redis.tls_url()), "{shown}");
    assert!(shown.to_lowercase().contains("certificate"), "{shown}");
}

/// A Unix socket URL, an ACL user and a database number all reach the same place as a
/// plain TCP URL naming that database, and no other.
#[test]
fn a_unix_socket_an_acl_user_and_a_database_number_are_honoured() {
    let redis = Redis::start_with_socket_and_user("deliverer", "s3cret");
    let rt = rt();
    let unix = format!("redis+unix://{}?db=3", redis.socket().display());
    let mut sink = connect(&rt, config(&unix));
    let batch = records("unix", "r", 1, 300);
    assert_eq!(
        deliver(&rt, &mut sink, &batch, &summary("unix", 300)).written,
        300
    );
    let user = format!("redis://deliverer:s3cret@{}/3", redis.addr());
    let mut db3 = connect(&rt, config(&user));
    assert_eq!(rt.block_on(db3.events("unix", 1000)).unwrap(), batch);
    // Retried over the other connection: written once.
    assert_eq!(
        deliver(&rt, &mut db3, &batch, &summary("unix", 300)).written,
        0
    );
    let mut db0 = connect(&rt, config(&redis.url()));
    assert_eq!(rt.block_on(db0.stream_len("unix")).unwrap(), 0);
    // A wrong password for the user is an authentication error, without the password.
    let wrong = format!("redis://deliverer:wrong-pw@{}/3", redis.addr());
    let err = rt
        .block_on(RedisSink::connect(config(&wrong)))
        .expect_err("a wrong password was accepted");
    assert!(matches!(err, RedisSinkError::Auth { .. }), "{err:?}");
    assert!(!chain(&err).contains("wrong-pw"), "{}", chain(&err));
}

#[test]
fn a_three_node_cluster_holds_every_line_exactly_once() {
    let cluster = RedisCluster::start();
    let rt = rt();
    let mut sink = connect(&rt, config(&cluster.url()));
    let (lines, batches) = recording(7, "run-c");
    for (records, summary) in &batches {
        deliver(&rt, &mut sink, records, summary);
    }
    // Retried whole, nothing is written twice.
    for (records, summary) in &batches {
        assert_eq!(deliver(&rt, &mut sink, records, summary).written, 0);
    }
    let key = events_key(AGENT);
    let got = entries(cluster.cmd_for_key(&key, &["XRANGE", &key, "-", "+"]));
    let all: Vec<&Record> = batches.iter().flat_map(|(r, _)| r).collect();
    assert_entries_are(&got, &all);
    assert_eq!(got.len(), lines.len());
    let read = rt.block_on(sink.events(AGENT, 1000)).unwrap();
    assert_eq!(
        read.iter().map(|r| &r.data).collect::<Vec<_>>(),
        lines.iter().collect::<Vec<_>>()
    );
    assert_eq!(
        rt.block_on(sink.delivered_seq(AGENT, "run-c")).unwrap(),
        lines.len() as u64
    );

    // More agents spread over the nodes; the fleet view reads across all of them.
    for i in 0..8 {
        let agent = format!("builder-{i}");
        deliver(
            &rt,
            &mut sink,
            &records(&agent, "r", 1, 3),
            &summary(&agent, 200 + i),
        );
    }
    let busy = cluster.key_counts().iter().filter(|&&n| n > 0).count();
    assert!(
        busy >= 2,
        "all keys on one node: {:?}",
        cluster.key_counts()
    );
    let agents = rt.block_on(sink.agents()).unwrap();
    let ids: Vec<&str> = agents.iter().map(|s| s.agent_id.as_str()).collect();
    let mut expected: Vec<String> = (0..8).rev().map(|i| format!("builder-{i}")).collect();
    expected.push(AGENT.into());
    assert_eq!(ids, expected);
    rt.block_on(sink.add_stuck_episode("builder-3", &[("reason", "no_progress".into())]))
        .unwrap();
    let stuck = entries(cluster.cmd_for_key(STUCK_KEY, &["XRANGE", STUCK_KEY, "-", "+"]));
    assert_eq!(stuck.len(), 1);

    // A cluster keeps the same floor rule as a single server.
    let gap = rt.block_on(sink.deliver_from_floor(
        &records("floored", "r", 9, 12),
        &summary("floored", 12),
        5,
    ));
    assert!(matches!(gap, Err(RedisSinkError::Gap { .. })), "{gap:?}");
    let d = rt
        .block_on(sink.deliver_from_floor(
            &records("floored", "r", 5, 12),
            &summary("floored", 12),
            5,
        ))
        .unwrap_or_else(|e| panic!("deliver from the floor: {}", chain(&e)));
    assert_eq!(d.written, 8);
}

#[test]
fn the_read_side_returns_what_was_written() {
    let (redis, rt, mut sink) = started();
    let older = records("reader-a", "r", 1, 25);
    let mut sa = summary("reader-a", 25);
    sa.turns = 4;
    sa.tokens_in = 1234;
    sa.cost_usd = 0.125;
    sa.state = AgentState::Stuck;
    sa.stuck_reason = Some("repeated_tool_call".into());
    deliver(&rt, &mut sink, &older, &sa);
    let mut newer = records("reader-b", "r", 1, 3);
    newer[1].data = vec![0xff, 0xfe, 0x00, b'\n', 0x80];
    let sb = summary("reader-b", 300);
    deliver(&rt, &mut sink, &newer, &sb);

    let agents = rt.block_on(sink.agents()).unwrap();
    assert_eq!(
        agents,
        vec![sb.clone(), sa.clone()],
        "newest first, meta intact"
    );

    let last = rt.block_on(sink.events("reader-a", 3)).unwrap();
    assert_eq!(last, older[22..].to_vec(), "the newest three, oldest first");
    assert_eq!(rt.block_on(sink.events("reader-b", 10)).unwrap(), newer);
    assert!(rt.block_on(sink.events("nobody", 10)).unwrap().is_empty());

    // Following the stream page by page returns every entry once, in order.
    let mut followed = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = rt
            .block_on(sink.events_after("reader-a", after.as_deref(), 10))
            .unwrap();
        let Some((id, _)) = page.last() else { break };
        after = Some(id.clone());
        followed.extend(page.into_iter().map(|(_, r)| r));
    }
    assert_eq!(followed, older);
    deliver(
        &rt,
        &mut sink,
        &records("reader-a", "r", 26, 27),
        &summary("reader-a", 27),
    );
    let more = rt
        .block_on(sink.events_after("reader-a", after.as_deref(), 10))
        .unwrap();
    assert_eq!(
        more.iter().map(|(_, r)| r.seq).collect::<Vec<_>>(),
        vec![26, 27]
    );
    assert_eq!(rt.block_on(sink.stream_len("reader-a")).unwrap(), 27);

    rt.block_on(sink.add_stuck_episode(
        "reader-a",
        &[
            ("reason", "repeated_tool_call".into()),
            ("detail", "Bash x3".into()),
        ],
    ))
    .unwrap();
    let stuck = entries(redis.cmd(&["XRANGE", STUCK_KEY, "-", "+"]));
    let fields: Vec<(String, String)> = stuck[0]
        .1
        .iter()
        .map(|(n, v)| (n.clone(), String::from_utf8_lossy(v).into_owned()))
        .collect();
    assert_eq!(
        fields,
        vec![
            ("agent_id".into(), "reader-a".into()),
            ("reason".into(), "repeated_tool_call".into()),
            ("detail".into(), "Bash x3".into()),
        ]
    );
    assert!(int(redis.cmd(&["TTL", STUCK_KEY])) > 0);
}

#[test]
fn large_batches_and_reads_go_in_bounded_pieces_and_bad_batches_are_refused() {
    let (redis, rt, mut sink) = started();
    // More records than one pipeline takes, and more entries than one read page.
    let batch = records("big", "r", 1, 2500);
    let d = deliver(&rt, &mut sink, &batch, &summary("big", 2500));
    assert_eq!((d.written, d.skipped), (2500, 0));
    let d = deliver(&rt, &mut sink, &batch, &summary("big", 2500));
    assert_eq!((d.written, d.skipped, d.previous_seq), (0, 2500, 2500));
    assert_eq!(int(redis.cmd(&["XLEN", &events_key("big")])), 2500);
    let newest = rt.block_on(sink.events("big", 2400)).unwrap();
    assert_eq!(newest, batch[100..].to_vec());
    let all = rt.block_on(sink.events_after("big", None, 5000)).unwrap();
    assert_eq!(all.into_iter().map(|(_, r)| r).collect::<Vec<_>>(), batch);

    let mut shuffled = records("bad", "r", 1, 3);
    shuffled.swap(1, 2);
    let err = rt
        .block_on(sink.deliver(&shuffled, &summary("bad", 3)))
        .expect_err("out-of-order seqs were accepted");
    assert!(matches!(err, RedisSinkError::Batch { .. }), "{err:?}");
    let mut mixed = records("bad", "r", 1, 3);
    mixed[2].run_id = "other".into();
    let err = rt
        .block_on(sink.deliver(&mixed, &summary("bad", 3)))
        .expect_err("a batch of two runs was accepted");
    assert!(
        !err.is_unavailable() && err.to_string().contains("one run"),
        "{err}"
    );
    assert_eq!(int(redis.cmd(&["EXISTS", &events_key("bad")])), 0);
}
