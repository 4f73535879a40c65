//! `stream watch` under the faults an unlucky operator meets: ccmon SIGKILLed (an OOM kill,
//! an eviction) at several points of a session, an id that would make a file name too long,
//! damaged and stray files in the spool. Each asserts what was promised: every line that
//! reached stdout is recorded exactly once, nothing hangs, one bad file harms no one else.

use std::time::{Duration, Instant};

use crate::stream_redis::start_watch;
use crate::support::redis::Redis;
use crate::support::standin::{self, Pace, Standin, send_signal};
use crate::util::{ccmon, lines_of};

/// The `data` fields of an agent's stream, in order.
fn stream_data(redis: &Redis, agent: &str) -> Vec<Vec<u8>> {
    crate::redis_sink::entries(redis.cmd(&[
        "XRANGE",
        &format!("agent:{{{agent}}}:events"),
        "-",
        "+",
    ]))
    .into_iter()
    .map(|(_, fields)| {
        fields
            .into_iter()
            .find(|(name, _)| name == "data")
            .map(|(_, v)| v)
            .expect("every entry has data")
    })
    .collect()
}

/// The children of `pid` (the agent under a ccmon), from /proc.
fn children(pid: i32) -> Vec<i32> {
    std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|p| p.parse().ok())
        .collect()
}

/// SIGKILL ccmon after `shown` lines reached its stdout, then `stream flush`: every line
/// that reached stdout is in Redis, exactly once and in order (Redis holds a prefix of the
/// agent's output that contains all of stdout; it may hold a little more, the lines read
/// and recorded but not yet shown).
fn killed_after(redis: &Redis, shown: usize, agent: &str) {
    let spool = tempfile::tempdir().unwrap();
    let one = lines_of(&std::fs::read(standin::fixture(standin::CLAUDE_CLEAN)).unwrap());
    let s = Standin::new(standin::fixture(standin::CLAUDE_CLEAN))
        .repeat(400)
        .pace(Pace::Fast);
    let (mut running, _home) = start_watch(&redis.url(), spool.path(), &s, &["--agent-id", agent]);
    let mut seen = running.stdout.take(shown);
    let agents = children(running.pid());
    running.signal(libc::SIGKILL);
    running.wait();
    // What reached stdout before the kill (the pipe ends with ccmon).
    seen.extend(running.stdout.rest());
    // The agent outlives a SIGKILLed supervisor; a test leaves no process behind.
    for pid in agents {
        send_signal(-pid, libc::SIGKILL);
    }
    let flush = ccmon()
        .env("REDIS_URL", redis.url())
        .args(["stream", "flush", "--spool-dir"])
        .args([spool.path()])
        .ok();
    let recorded = stream_data(redis, agent);
    let stdout: Vec<Vec<u8>> = seen
        .iter()
        .filter(|l| l.ends_with(b"\n"))
        .map(|l| l[..l.len() - 1].to_vec())
        .collect();
    assert!(
        recorded.len() >= stdout.len(),
        "killed after {shown} lines: {} lines reached stdout, only {} were recorded\n{flush}",
        stdout.len(),
        recorded.len()
    );
    let input: Vec<Vec<u8>> = one.iter().cycle().take(recorded.len()).cloned().collect();
    for (i, (got, want)) in recorded.iter().zip(&input).enumerate() {
        // The last record may be the part of a line read before the kill.
        let ok = got == want || (i + 1 == recorded.len() && want.starts_with(got));
        assert!(
            ok,
            "killed after {shown} lines: record {} differs from the agent's line",
            i + 1
        );
    }
    let walk = crate::stream_redis::walk(spool.path());
    assert!(
        walk.iter()
            .all(|p| !p.to_string_lossy().ends_with(".log")
                && !p.to_string_lossy().ends_with(".intake")),
        "the spool is left with {walk:?}"
    );
}

#[test]
fn a_sigkilled_ccmon_loses_no_line_that_reached_stdout() {
    let redis = Redis::start();
    for (i, shown) in [1, 60, 700, 3000].into_iter().enumerate() {
        killed_after(&redis, shown, &format!("killed-{i}"));
    }
}

/// The session id comes from the agent's output: 90 slashes would be a 270-byte directory
/// name. The run is recorded under a bounded name with the id kept inside.
#[test]
fn an_agent_id_too_long_for_a_file_name_is_recorded_under_a_bounded_name() {
    let spool = tempfile::tempdir().unwrap();
    let id = "/".repeat(90);
    let input = format!(
        "{{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"{id}\"}}\n{{\"type\":\"result\",\"subtype\":\"success\",\"session_id\":\"{id}\"}}\n"
    );
    let file = spool.path().join("input.jsonl");
    std::fs::write(&file, &input).unwrap();
    let started = Instant::now();
    let out = ccmon()
        .args(["stream", "watch", "--display", "raw", "--spool-dir"])
        .args([spool.path()])
        .args(["--", "cat"])
        .args([&file])
        .ok();
    assert!(started.elapsed() < Duration::from_secs(60));
    assert_eq!(out.stdout, input);
    let ls = ccmon()
        .args(["stream", "ls", "-o", "json", "--spool-dir"])
        .args([spool.path()])
        .ok();
    let agents: serde_json::Value = serde_json::from_str(&ls.stdout).unwrap();
    assert_eq!(agents[0]["agent_id"], id, "{ls}");
    assert_eq!(agents[0]["events"], 2, "{ls}");
    for p in crate::stream_redis::walk(spool.path()) {
        for part in p.strip_prefix(spool.path()).unwrap().components() {
            assert!(part.as_os_str().len() < 200, "{}", p.display());
        }
    }
}
