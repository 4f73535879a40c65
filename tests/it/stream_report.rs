//! `ccmon stream report`: the fleet's tokens and cost by agent, model and day, read from a
//! real Redis (the agents' meta hashes) or, without Redis, from the spool. The figures must
//! be the recordings' own `modelUsage` totals to the last digit.

use std::path::Path;

use serde_json::Value;

use crate::support::redis::Redis;
use crate::support::standin::{self, CLAUDE_CLEAN, GLEAM_BASIC};
use crate::util::{Ccmon, Output, on_spool};

/// A line of a model without a price: its cost is unknown, never $0.
const UNPRICED: &str = concat!(
    r#"{"type":"assistant","session_id":"local-1","message":{"id":"m1","model":"local-model-7","usage":{"input_tokens":1000,"output_tokens":500}}}"#,
    "\n"
);

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(standin::fixture(name)).unwrap()
}

/// `ccmon stream ARGS... --spool-dir SPOOL`, writing to or reading from Redis when `redis`
/// is given.
fn on(redis: Option<&Redis>, spool: &Path, args: &[&str]) -> Ccmon {
    let cmd = on_spool(spool, args);
    match redis {
        Some(r) => cmd.env("REDIS_URL", r.url()),
        None => cmd,
    }
}

/// `stream ingest -` of `input` as `agent`, into Redis when `redis` is given.
fn ingest(redis: Option<&Redis>, spool: &Path, agent: &str, input: &[u8]) {
    on(redis, spool, &["ingest", "-", "--agent-id", agent])
        .stdin(input.to_vec())
        .ok();
}

/// `stream report ARGS`, from Redis when `redis` is given, else from `spool`.
fn report(redis: Option<&Redis>, spool: &Path, args: &[&str]) -> Output {
    on(redis, spool, &["report"]).args(args).ok()
}

fn json(out: &Output) -> Value {
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {out}"))
}

fn row<'a>(report: &'a Value, key: &str) -> &'a Value {
    report["rows"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["key"] == key))
        .unwrap_or_else(|| panic!("no row {key} in {report}"))
}

fn tokens(figures: &Value) -> [u64; 4] {
    [
        "tokens_in",
        "tokens_out",
        "tokens_cache_read",
        "tokens_cache_creation",
    ]
    .map(|k| {
        figures[k]
            .as_u64()
            .unwrap_or_else(|| panic!("{k} in {figures}"))
    })
}

/// The table line whose first cell is `key`, split into cells.
fn table_row(out: &Output, key: &str) -> Vec<String> {
    out.stdout
        .lines()
        .map(|l| l.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
        .find(|cells| cells.first().is_some_and(|c| c == key))
        .unwrap_or_else(|| panic!("no row {key}\n{out}"))
}

#[test]
fn report_from_redis_gives_the_recordings_exact_totals_by_agent_model_and_day() {
    let redis = Redis::start();
    let spool = tempfile::tempdir().unwrap();
    ingest(Some(&redis), spool.path(), "clean", &fixture(CLAUDE_CLEAN));
    ingest(Some(&redis), spool.path(), "gleam", &fixture(GLEAM_BASIC));
    ingest(Some(&redis), spool.path(), "local", UNPRICED.as_bytes());

    // By agent: each recording's modelUsage totals, the unpriced agent's cost unknown.
    let r = json(&report(Some(&redis), spool.path(), &["-o", "json"]));
    assert_eq!(r["by"], "agent");
    let clean = row(&r, "clean");
    assert_eq!(tokens(clean), [7584, 3704, 85759, 43679]);
    assert_eq!(clean["cost_usd"], 0.21085415);
    assert_eq!(
        (&clean["cost_estimated"], &clean["cost_unknown"]),
        (&false.into(), &false.into())
    );
    let gleam = row(&r, "gleam");
    assert_eq!(tokens(gleam), [10, 25, 0, 21570]);
    assert_eq!(gleam["cost_usd"], 0.1354875);
    let local = row(&r, "local");
    assert_eq!(tokens(local), [1000, 500, 0, 0]);
    assert_eq!(local["cost_usd"], Value::Null);
    assert_eq!(local["cost_unknown"], true);
    let total = &r["total"];
    assert_eq!(total["agents"], 3);
    assert_eq!(
        tokens(total),
        [7584 + 10 + 1000, 3704 + 25 + 500, 85759, 43679 + 21570]
    );
    assert_eq!(total["cost_usd"], 0.21085415 + 0.1354875);
    assert_eq!(total["cost_unknown"], true);

    let table = report(Some(&redis), spool.path(), &[]);
    assert_eq!(
        table_row(&table, "AGENT"),
        [
            "AGENT",
            "AGENTS",
            "INPUT",
            "OUTPUT",
            "CACHE",
            "READ",
            "CACHE",
            "WRITE",
            "COST",
            "ESTIMATED"
        ]
    );
    assert_eq!(
        table_row(&table, "clean"),
        [
            "clean", "1", "7584", "3704", "85759", "43679", "$0.2109", "-"
        ]
    );
    assert_eq!(table_row(&table, "local")[6], "?", "never $0\n{table}");
    assert_eq!(table_row(&table, "TOTAL")[6], "$0.3463+?", "{table}");

    // By model: each model's figures; the total is the same whatever the grouping.
    let m = json(&report(
        Some(&redis),
        spool.path(),
        &["--by", "model", "-o", "json"],
    ));
    let haiku = row(&m, "claude-haiku-4-5-20251001");
    assert_eq!(tokens(haiku), [7460, 1331, 18159, 14048]);
    assert_eq!(haiku["cost_usd"], 0.033490900000000004);
    let sonnet = row(&m, "claude-sonnet-4-5-20250929");
    assert_eq!(tokens(sonnet), [124, 2373, 67600, 29631]);
    assert_eq!(sonnet["cost_usd"], 0.17736324999999997);
    assert_eq!(row(&m, "claude-opus-4-5-20251101")["cost_usd"], 0.1354875);
    assert_eq!(row(&m, "local-model-7")["cost_usd"], Value::Null);
    assert_eq!(m["rows"].as_array().map(Vec::len), Some(4));
    assert_eq!(m["total"], r["total"]);

    // By day: the UTC day of each agent's last event.
    let today = redis
        .cmd(&["HGET", "agent:{clean}:meta", "last_event_at"])
        .text()
        .unwrap();
    let d = json(&report(
        Some(&redis),
        spool.path(),
        &["--by", "day", "-o", "json"],
    ));
    assert_eq!(d["rows"].as_array().map(Vec::len), Some(1), "{d}");
    assert_eq!(row(&d, &today[..10])["agents"], 3);

    // An agent last heard of long ago is outside --since, and on its own day.
    redis.cmd(&[
        "HSET",
        "agent:{clean}:meta",
        "last_event_at",
        "2020-01-02T03:04:05.000Z",
    ]);
    let recent = json(&report(
        Some(&redis),
        spool.path(),
        &["--since", "24h", "-o", "json"],
    ));
    assert_eq!(recent["total"]["agents"], 2, "{recent}");
    assert!(
        recent["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["key"] != "clean")
    );
    assert!(recent["since"].as_str().is_some_and(|s| s.ends_with('Z')));
    let d = json(&report(
        Some(&redis),
        spool.path(),
        &["--by", "day", "-o", "json"],
    ));
    assert_eq!(d["rows"][0]["key"], "2020-01-02", "days oldest first: {d}");
    assert_eq!(d["rows"][0]["tokens_out"], 3704);
}

#[test]
fn report_reads_the_spool_without_redis_and_marks_an_estimate() {
    let spool = tempfile::tempdir().unwrap();
    ingest(None, spool.path(), "clean", &fixture(CLAUDE_CLEAN));
    let r = json(&report(None, spool.path(), &["-o", "json"]));
    let clean = row(&r, "clean");
    assert_eq!(tokens(clean), [7584, 3704, 85759, 43679]);
    assert_eq!(clean["cost_usd"], 0.21085415);

    // A run still going (no result line yet): its cost is an estimate, and says so.
    let without_result: String = String::from_utf8(fixture(CLAUDE_CLEAN))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with(r#"{"type":"result""#))
        .map(|l| format!("{l}\n"))
        .collect();
    ingest(None, spool.path(), "live", without_result.as_bytes());
    let r = json(&report(None, spool.path(), &["-o", "json"]));
    let live = row(&r, "live");
    assert_eq!(live["cost_estimated"], true);
    let estimate = live["cost_usd"].as_f64().unwrap();
    assert!(estimate > 0.0, "{r}");
    assert_eq!(live["cost_estimated_usd"], estimate);
    assert_eq!(r["total"]["cost_estimated_usd"], estimate);
    let table = report(None, spool.path(), &[]);
    let cells = table_row(&table, "live");
    assert_eq!(cells[6], format!("~${estimate:.4}"), "{table}");
    assert_eq!(cells[7], format!("~${estimate:.4}"), "{table}");
    assert_eq!(table_row(&table, "clean")[7], "-", "{table}");
    assert!(table_row(&table, "TOTAL")[6].starts_with("~$"), "{table}");

    // --since reads the spool's summaries too: age one run's last event.
    for meta in crate::util::files_under(spool.path())
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".meta.json"))
    {
        let mut s: Value = serde_json::from_slice(&std::fs::read(&meta).unwrap()).unwrap();
        if s["agent_id"] == "clean" {
            s["last_event_at"] = "2020-01-02T03:04:05.000Z".into();
            std::fs::write(&meta, serde_json::to_vec(&s).unwrap()).unwrap();
        }
    }
    let recent = json(&report(
        None,
        spool.path(),
        &["--since", "7d", "--by", "model", "-o", "json"],
    ));
    assert_eq!(recent["total"]["agents"], 1, "{recent}");
    assert_eq!(recent["total"]["cost_usd"], estimate);
}

#[test]
fn report_of_nothing_says_so_and_a_bad_since_is_a_usage_error() {
    let spool = tempfile::tempdir().unwrap();
    report(None, spool.path(), &[]).stderr_has("no agents to report");
    let empty = json(&report(None, spool.path(), &["-o", "json"]));
    assert_eq!(empty["rows"], Value::Array(Vec::new()));
    assert_eq!(empty["total"]["agents"], 0);
    on_spool(spool.path(), &["report", "--since", "yesterday"])
        .run()
        .code(2)
        .stderr_has("--since");
}
