//! The states real agents are in, through `stream watch` with the stand-in as the agent:
//! an API retry, a compaction or a rejected rate limit is a wait the agent announced, never
//! a hang; an agent that printed its result and cannot get more input must exit, and
//! `--on-stuck kill` ends one that does not.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::standin::{self, Pace, Running, Standin};
use crate::util::{ccmon, on_spool, poll};

/// Starts `stream watch` on the stand-in with ccmon's stdin as given.
fn start(spool: &Path, s: &Standin, extra: &[&str], stdin: Stdio) -> Running {
    let (mut cmd, _home) = crate::util::watch_raw(spool, s, extra).into_command();
    cmd.stdin(stdin);
    Running::start(cmd)
}

/// The agent's entry in `stream ls -o json`.
fn agent(spool: &Path) -> serde_json::Value {
    let ls = on_spool(spool, &["ls", "-o", "json"]).ok();
    let agents: serde_json::Value = serde_json::from_str(&ls.stdout).unwrap();
    agents[0].clone()
}

const GLEAM_AGENT: &str = "1d1e46f9-35c7-4834-b529-846d5bb82288";

#[test]
fn a_result_without_an_exit_is_stuck_and_on_stuck_kill_ends_it() {
    let spool = tempfile::tempdir().unwrap();
    // Three lines: init, the answer, the result; then the process stays, silent.
    let s = Standin::new(standin::fixture(standin::GLEAM_BASIC)).hang_after(3);
    let started = Instant::now();
    // ccmon's stdin is at its end at once: no more input can reach the agent.
    let mut running = start(
        spool.path(),
        &s,
        &["--result-exit-timeout", "1s", "--on-stuck", "kill"],
        Stdio::null(),
    );
    let seen = running.stderr_until("is stuck (no_exit_after_result)");
    assert!(seen.contains(&format!("agent {GLEAM_AGENT}")), "{seen}");
    assert!(seen.contains("has not exited"), "{seen}");
    assert_eq!(running.wait().code(), Some(128 + libc::SIGTERM));
    assert!(
        started.elapsed() < standin::PATIENCE,
        "the agent was ended by --on-stuck, not by the test"
    );
    let a = agent(spool.path());
    assert_eq!(a["state"], "exited", "{a}");
}

#[test]
fn a_result_is_awaited_while_input_can_still_come_and_stuck_once_it_cannot() {
    let spool = tempfile::tempdir().unwrap();
    let s = Standin::new(standin::fixture(standin::GLEAM_BASIC)).hang_after(3);
    let mut running = start(
        spool.path(),
        &s,
        &["--result-exit-timeout", "300ms"],
        Stdio::piped(),
    );
    let mut stdin = running.child.stdin.take().expect("stdin is piped");
    // The agent could be sent another prompt: idle after its result, not stuck.
    for _ in 0..3 {
        assert!(running.stdout.next_line().is_some());
    }
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(agent(spool.path())["state"], "running");
    // End of input: from now on the result should have ended it.
    use std::io::Write as _;
    stdin.flush().unwrap();
    drop(stdin);
    running.stderr_until("is stuck (no_exit_after_result)");
    assert_eq!(agent(spool.path())["state"], "stuck");
    running.signal(libc::SIGTERM);
    running.wait();
}

#[test]
fn a_one_prompt_command_must_exit_after_its_result_even_with_stdin_open() {
    let spool = tempfile::tempdir().unwrap();
    // `-p` without `--input-format stream-json`: Claude Code answers one prompt and exits.
    let s = Standin::new(standin::fixture(standin::GLEAM_BASIC))
        .hang_after(3)
        .args_after_double_dash(["-p", "--output-format", "stream-json"]);
    let mut running = start(
        spool.path(),
        &s,
        &["--result-exit-timeout", "300ms"],
        Stdio::piped(),
    );
    let _stdin = running.child.stdin.take();
    running.stderr_until("is stuck (no_exit_after_result)");
    running.signal(libc::SIGTERM);
    running.wait();
}

/// A recording with real timing: each line at `(seconds after the start, json)`.
fn timed_recording(lines: &[(f64, String)]) -> tempfile::NamedTempFile {
    let t0 = jiff::Timestamp::from_second(1_767_225_600).unwrap();
    let mut text = String::new();
    for (at, json) in lines {
        let ts = t0
            .checked_add(jiff::SignedDuration::from_secs_f64(*at))
            .unwrap();
        let mut v: serde_json::Value = serde_json::from_str(json).unwrap();
        v["timestamp"] = serde_json::Value::String(ts.to_string());
        v["session_id"] = "waits-1".into();
        text.push_str(&v.to_string());
        text.push('\n');
    }
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), text).unwrap();
    file
}

fn answer(id: &str) -> String {
    format!(
        r#"{{"type":"assistant","message":{{"id":"{id}","model":"claude-sonnet-4-5-20250929","content":[{{"type":"text","text":"ok"}}],"usage":{{"input_tokens":1,"output_tokens":1}}}},"parent_tool_use_id":null}}"#
    )
}

/// Each wait lasts `WAIT` seconds, well past the one-second stuck floor.
const WAIT: f64 = 3.0;

/// A one-second stuck floor, so every wait of the recording outlasts it.
const TWITCHY: [&str; 4] = ["--stuck-floor", "1s", "--stuck-multiplier", "1"];

/// The stand-in replaying, in real time, a retry, a compaction and a rate limit rejected
/// for an hour from now, each lasting [`WAIT`]; keep the file as long as it runs.
fn waits_standin() -> (tempfile::NamedTempFile, Standin) {
    let file = waits_recording(jiff::Timestamp::now().as_second() + 3600);
    let s = Standin::new(file.path()).pace(Pace::Recorded);
    (file, s)
}

fn waits_recording(resets_at: i64) -> tempfile::NamedTempFile {
    let init = r#"{"type":"system","subtype":"init","model":"claude-sonnet-4-5-20250929"}"#;
    let retry = r#"{"type":"system","subtype":"api_retry","attempt":1,"max_retries":10,"retry_delay_ms":4000,"error_status":529,"error":"overloaded"}"#;
    let compacting = r#"{"type":"system","subtype":"status","status":"compacting"}"#;
    let boundary = r#"{"type":"system","subtype":"compact_boundary","compact_metadata":{"trigger":"auto","pre_tokens":150000}}"#;
    let rejected = format!(
        r#"{{"type":"rate_limit_event","rate_limit_info":{{"status":"rejected","resetsAt":{resets_at},"rateLimitType":"five_hour","utilization":100}}}}"#
    );
    let result = r#"{"type":"result","subtype":"success","is_error":false,"num_turns":3,"parent_tool_use_id":null}"#;
    timed_recording(&[
        (0.0, init.to_owned()),
        (0.1, retry.to_owned()),
        (0.1 + WAIT, answer("m1")),
        (0.2 + WAIT, compacting.to_owned()),
        (0.2 + 2.0 * WAIT, boundary.to_owned()),
        (0.3 + 2.0 * WAIT, rejected),
        (0.3 + 3.0 * WAIT, answer("m2")),
        (0.4 + 3.0 * WAIT, result.to_owned()),
    ])
}

/// Polls `stream ls` until the agent's state is `want`.
fn until_state(spool: &Path, want: &str) {
    poll(
        format!("the state is {want}"),
        standin::PATIENCE,
        Duration::from_millis(50),
        || {
            let state = agent(spool)["state"].clone();
            if state == want { Ok(()) } else { Err(state) }
        },
    );
}

#[test]
fn retrying_compacting_and_rate_limited_agents_are_not_stuck() {
    let spool = tempfile::tempdir().unwrap();
    let resets = jiff::Timestamp::now().as_second() + 3600;
    let file = waits_recording(resets);
    let s = Standin::new(file.path()).pace(Pace::Recorded);
    let running = start(spool.path(), &s, &TWITCHY, Stdio::null());
    // Each wait shows as the agent's state while it lasts.
    until_state(spool.path(), "retrying");
    until_state(spool.path(), "compacting");
    until_state(spool.path(), "rate_limited");
    let out = running.finish();
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr_text());
    assert!(
        !out.stderr_text().contains("is stuck"),
        "a wait was called a hang:\n{}",
        out.stderr_text()
    );
    let a = agent(spool.path());
    assert_eq!(a["state"], "exited", "{a}");
    assert_eq!(a["api_retries"], 1, "{a}");
    assert_eq!(a["compactions"], 1, "{a}");
    assert_eq!(a["rate_limits"]["five_hour"]["status"], "rejected", "{a}");
    // `stream ls --state` takes the stored names.
    let count = |state: &str| {
        let ls = ccmon()
            .args([
                "stream",
                "ls",
                "-o",
                "json",
                "--state",
                state,
                "--spool-dir",
            ])
            .args([spool.path()])
            .ok();
        let agents: serde_json::Value = serde_json::from_str(&ls.stdout).unwrap();
        agents.as_array().map_or(0, Vec::len)
    };
    assert_eq!((count("exited"), count("rate_limited")), (1, 0));
}

/// The control: the same silences without the announcements are hangs, so the test above
/// would fail if the waits were not understood.
#[test]
fn the_same_silences_unannounced_are_stuck() {
    let spool = tempfile::tempdir().unwrap();
    let file = timed_recording(&[
        (
            0.0,
            r#"{"type":"system","subtype":"init","model":"m"}"#.to_owned(),
        ),
        (WAIT, answer("m1")),
        (
            WAIT + 0.1,
            r#"{"type":"result","subtype":"success","is_error":false,"num_turns":1}"#.to_owned(),
        ),
    ]);
    let s = Standin::new(file.path()).pace(Pace::Recorded);
    let running = start(spool.path(), &s, &TWITCHY, Stdio::null());
    let out = running.finish();
    assert!(
        out.stderr_text().contains("is stuck (no_progress)"),
        "{}",
        out.stderr_text()
    );
}

/// With Redis, the fleet sees each wait in the agent's meta hash as it happens, and the
/// counters once the run is over.
#[test]
fn each_wait_reaches_the_meta_hash_in_redis_while_it_lasts() {
    let redis = crate::support::Redis::start();
    let spool = tempfile::tempdir().unwrap();
    let (_file, s) = waits_standin();
    let (running, _home) =
        crate::stream_redis::start_watch(&redis.url(), spool.path(), &s, &TWITCHY);
    let field = |name: &str| match redis.cmd(&["HGET", "agent:{waits-1}:meta", name]) {
        crate::support::Resp::Bulk(Some(v)) => String::from_utf8_lossy(&v).into_owned(),
        _ => String::new(),
    };
    for want in ["retrying", "compacting", "rate_limited"] {
        poll(
            format!("the meta state is {want}"),
            standin::PATIENCE,
            Duration::from_millis(50),
            || {
                let state = field("state");
                if state == want { Ok(()) } else { Err(state) }
            },
        );
    }
    let out = running.finish();
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr_text());
    assert_eq!(field("state"), "exited");
    assert_eq!(field("api_retries"), "1");
    assert_eq!(field("compactions"), "1");
}
