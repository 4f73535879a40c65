//! `ccmon stream watch -- CMD`: the agent stand-in as the child. Output passes through
//! byte for byte, every line is recorded exactly once, ccmon exits with the child's code,
//! signals are forwarded, and no process of the child's group outlives ccmon.

use std::path::Path;
use std::process::Stdio;

use crate::support::standin::{self, Running, Standin, is_alive};
use crate::util::{ccmon, lines_of, on_spool, poll, recorded_data};

fn watch(spool: &Path, standin: &Standin, extra: &[&str]) -> crate::util::Output {
    on_spool(spool, &["watch"])
        .args(extra)
        .args(["--".as_ref(), standin::standin_path().as_os_str()])
        .args(standin.args())
        .run()
}

const AGENT: &str = "6170607e-7232-407c-82c3-7fc983d60064";

/// The stand-in replaying the clean recording of agent [`AGENT`].
fn clean() -> Standin {
    Standin::new(standin::fixture(standin::CLAUDE_CLEAN))
}

/// `stream ls -o json` of `spool`.
fn agents(spool: &Path) -> serde_json::Value {
    let ls = on_spool(spool, &["ls", "-o", "json"]).ok();
    serde_json::from_str(&ls.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {ls}"))
}

/// A session of agent `loop-1`: its init line, then `events`.
fn session(events: impl IntoIterator<Item = String>) -> Vec<String> {
    std::iter::once(init()).chain(events).collect()
}

#[test]
fn output_passes_through_byte_for_byte_and_every_line_is_recorded() {
    let spool = tempfile::tempdir().unwrap();
    let replay = clean().garbage_every(7).invalid_utf8().big_line_at(20, 2);
    let expected = replay.run().stdout;
    let out = on_spool(spool.path(), &["watch", "--display", "raw"])
        .args(["--".as_ref(), standin::standin_path().as_os_str()])
        .args(replay.args())
        .into_command();
    let (mut cmd, _home) = out;
    let result = cmd.stdin(Stdio::null()).output().unwrap();
    crate::util::assert_exited_0(&result);
    assert!(
        result.stdout == expected,
        "stdout differs from the child's ({} vs {} bytes)",
        result.stdout.len(),
        expected.len()
    );
    assert_eq!(recorded_data(spool.path(), AGENT), lines_of(&expected));
}

#[test]
fn exits_with_the_childs_code_and_keeps_what_it_wrote() {
    let spool = tempfile::tempdir().unwrap();
    let s = clean().exit_after(10, 7);
    watch(spool.path(), &s, &[]).code(7);
    assert_eq!(recorded_data(spool.path(), AGENT).len(), 10);
    let agents = agents(spool.path());
    assert_eq!(agents[0]["state"], "exited");
    assert_eq!(agents[0]["exit_code"], 7);
    assert!(agents[0]["pid"].as_u64().is_some(), "{agents}");
}

#[test]
fn a_child_killed_by_a_signal_gives_128_plus_n() {
    let spool = tempfile::tempdir().unwrap();
    let s = clean().signal_after(5, "SEGV");
    watch(spool.path(), &s, &[]).code(128 + 11);
    assert_eq!(recorded_data(spool.path(), AGENT).len(), 5);
}

#[test]
fn stdin_is_passed_through_and_stderr_is_untouched() {
    let spool = tempfile::tempdir().unwrap();
    let s = Standin::new(standin::fixture(standin::GLEAM_BASIC))
        .echo_stdin()
        .stderr_text("from the agent's stderr");
    let out = on_spool(spool.path(), &["watch"])
        .args(["--".as_ref(), standin::standin_path().as_os_str()])
        .args(s.args())
        .stdin("hello agent\nsecond line\n")
        .ok()
        .stderr_has("from the agent's stderr\n")
        .stderr_has("stdin: hello agent\nstdin: second line\n");
    assert_eq!(
        out.stdout.as_bytes(),
        std::fs::read(standin::fixture(standin::GLEAM_BASIC)).unwrap()
    );
}

/// Starts ccmon watching a stand-in that hangs after `lines` lines, and waits for them.
fn hanging(
    spool: &Path,
    s: &Standin,
    lines: usize,
    extra: &[&str],
) -> (Running, Option<tempfile::TempDir>, i32) {
    let (mut cmd, home) = crate::util::watch_raw(spool, s, extra).into_command();
    cmd.stdin(Stdio::null());
    let running = Running::start(cmd);
    let _ = running.stdout.take(lines);
    let pid = running.announced_grandchild();
    (running, home, pid)
}

/// ccmon with `--kill-grace GRACE` watching a stand-in that hangs after two lines, ignores
/// SIGTERM and has a grandchild, as [`hanging`] returns it.
fn ignoring_sigterm(spool: &Path, grace: &str) -> (Running, Option<tempfile::TempDir>, i32) {
    let s = clean().hang_after(2).ignore_term().spawn_grandchild();
    hanging(spool, &s, 2, &["--kill-grace", grace])
}

#[test]
fn sigterm_is_forwarded_and_nothing_survives() {
    let spool = tempfile::tempdir().unwrap();
    let s = clean().hang_after(3).spawn_grandchild();
    let (mut running, _home, grandchild) = hanging(spool.path(), &s, 3, &[]);
    assert!(is_alive(grandchild));
    running.signal(libc::SIGTERM);
    let status = running.wait();
    assert_eq!(
        status.code(),
        Some(128 + libc::SIGTERM),
        "ccmon exits with the child's 128+15"
    );
    standin::wait_until_dead(grandchild);
    assert_eq!(recorded_data(spool.path(), AGENT).len(), 3);
}

#[test]
fn a_child_that_ignores_sigterm_is_killed_after_the_grace_period() {
    let spool = tempfile::tempdir().unwrap();
    let (mut running, _home, grandchild) = ignoring_sigterm(spool.path(), "500ms");
    running.signal(libc::SIGTERM);
    let status = running.wait();
    assert_eq!(status.code(), Some(128 + libc::SIGKILL));
    standin::wait_until_dead(grandchild);
}

#[test]
fn a_second_ctrl_c_kills_at_once() {
    let spool = tempfile::tempdir().unwrap();
    let (mut running, _home, grandchild) = ignoring_sigterm(spool.path(), "1h");
    running.signal(libc::SIGINT);
    // ccmon took the first (two signals sent at once could arrive as one)...
    running.stderr_until("Ctrl-C again to kill it");
    // ...and, the child ignoring SIGINT, is still there, waiting.
    assert!(running.is_running());
    running.signal(libc::SIGINT);
    assert_eq!(running.wait().code(), Some(128 + libc::SIGKILL));
    standin::wait_until_dead(grandchild);
}

#[test]
fn a_grandchild_holding_stdout_does_not_keep_ccmon_alive() {
    let spool = tempfile::tempdir().unwrap();
    let s = Standin::new(standin::fixture(standin::GLEAM_BASIC)).spawn_grandchild();
    let out = watch(spool.path(), &s, &[]).code(0);
    let pid: i32 = out
        .stderr
        .lines()
        .find_map(|l| l.strip_prefix("grandchild pid "))
        .and_then(|p| p.trim().parse().ok())
        .unwrap_or_else(|| panic!("no grandchild pid\n{out}"));
    standin::wait_until_dead(pid);
    assert_eq!(
        recorded_data(spool.path(), "1d1e46f9-35c7-4834-b529-846d5bb82288").len(),
        3
    );
}

#[test]
fn a_command_that_cannot_start_is_a_clear_error() {
    ccmon()
        .args(["stream", "watch", "--", "/nonexistent/claude", "-p"])
        .run()
        .code(127)
        .stderr_has("cannot start `/nonexistent/claude -p`");
}

#[test]
fn live_metrics_are_served_while_the_agent_runs_and_promtool_accepts_them() {
    use std::time::Duration;

    use crate::support::{http, process::free_port};

    let spool = tempfile::tempdir().unwrap();
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let s = clean().hang_after(47).spawn_grandchild();
    let (mut running, _home, _grandchild) =
        hanging(spool.path(), &s, 47, &["--metrics-listen", &listen]);
    let addr: std::net::SocketAddr = listen.parse().unwrap();
    // The monitor publishes on its next tick; poll with a deadline rather than sleep.
    let body = poll(
        "the metrics show the whole recording",
        Duration::from_secs(30),
        Duration::from_millis(50),
        || {
            let r = http::get(addr, "/metrics", Duration::from_secs(5))
                .expect("metrics endpoint answers");
            assert_eq!(r.status, 200);
            if r.body.contains("stream_events_processed_total{agent_id=\"6170607e-7232-407c-82c3-7fc983d60064\",event_type=\"result\"} 1") {
                Ok(r.body)
            } else {
                Err(r.body)
            }
        },
    );
    for needle in [
        "stream_tool_calls_total{agent_id=\"6170607e-7232-407c-82c3-7fc983d60064\",tool=\"Glob\"}",
        "mcp_servers_connected{agent_id=\"6170607e-7232-407c-82c3-7fc983d60064\"} 2",
        "mcp_server_status{agent_id=\"6170607e-7232-407c-82c3-7fc983d60064\",server=\"perplexity-mcp\",status=\"connected\"} 1",
        "stream_turn_count{agent_id=\"6170607e-7232-407c-82c3-7fc983d60064\"} 19",
        "stream_cost_usd_total{agent_id=\"6170607e-7232-407c-82c3-7fc983d60064\",model=\"claude-haiku-4-5-20251001\"} 0.033490900000000004",
        "stream_tokens_total{agent_id=\"6170607e-7232-407c-82c3-7fc983d60064\",model=\"claude-sonnet-4-5-20250929\",kind=\"output\"} 2373",
        "stream_cost_estimated{agent_id=\"6170607e-7232-407c-82c3-7fc983d60064\"} 0",
        "stream_tool_duration_seconds_count{agent_id=\"6170607e-7232-407c-82c3-7fc983d60064\",tool=\"Glob\"}",
        "stream_active_monitors 1",
    ] {
        assert!(body.contains(needle), "missing {needle}\n{body}");
    }
    crate::rules_lint::assert_families_in_catalog(&body);
    // The endpoint runs on the health server's loop: slow clients beyond its connection
    // limit neither starve a scrape nor stay open past the header-read timeout.
    {
        use std::io::{Read as _, Write as _};
        let mut slow: Vec<std::net::TcpStream> = (0..100)
            .filter_map(|_| {
                let mut c =
                    std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
                c.write_all(b"GET /metrics HTTP/1.1\r\n").ok()?;
                Some(c)
            })
            .collect();
        let r = http::get(addr, "/metrics", Duration::from_secs(10)).expect("a scrape answers");
        assert_eq!(r.status, 200);
        let first = &mut slow[0];
        first
            .set_read_timeout(Some(Duration::from_secs(15)))
            .unwrap();
        let mut buf = [0u8; 64];
        // A reset counts as closed; a read that times out means the client was kept.
        let closed = match first.read(&mut buf) {
            Ok(n) => n == 0 || buf[..n].starts_with(b"HTTP/1.1 408"),
            Err(e) => e.kind() == std::io::ErrorKind::ConnectionReset,
        };
        assert!(closed, "a slow client was kept open: {buf:?}");
    }
    // promtool (Debian package prometheus) is the reference for the text format.
    let mut check = std::process::Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("promtool not found: apt-get install -y prometheus");
    {
        use std::io::Write as _;
        check
            .stdin
            .take()
            .unwrap()
            .write_all(body.as_bytes())
            .unwrap();
    }
    let out = check.wait_with_output().unwrap();
    let complaints =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    // promtool's lint nags about counters without _total suffix and the like; a parse
    // error is what must never happen.
    assert!(
        !complaints.contains("error while linting")
            && !complaints.contains("text format parsing error"),
        "{complaints}"
    );
    running.signal(libc::SIGTERM);
    running.wait();
}

#[test]
fn pretty_display_summarises_each_event_and_the_totals() {
    let spool = tempfile::tempdir().unwrap();
    let s = clean();
    let out = watch(spool.path(), &s, &["--display", "pretty"])
        .code(0)
        .stdout_has("tool_use     Glob {\"pattern\":\"**/*.go\"}")
        .stdout_has("[subagent]")
        .stdout_has("turn 19  result       done (success) turns=19 cost=$0.2109")
        .stdout_has(
            "19 turns, 21 tool calls, tokens 7584 in / 3704 out (cache 85759 read, 43679 written)",
        )
        .stderr_has("exited with code 0");
    assert!(
        !out.stdout.contains("\"type\":\"assistant\""),
        "raw JSON must not leak into the pretty view\n{out}"
    );
}

/// Writes a hand-made recording (one JSON object per line) into `dir`.
fn recording(dir: &Path, name: &str, lines: &[String]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

fn init() -> String {
    r#"{"type":"system","subtype":"init","session_id":"loop-1","model":"m","mcp_servers":[]}"#
        .to_owned()
}

fn tool_call(n: usize, tool: &str, input: &str) -> [String; 2] {
    [
        format!(
            r#"{{"type":"assistant","message":{{"id":"msg_{n}","content":[{{"type":"tool_use","id":"toolu_{n}","name":"{tool}","input":{input}}}]}},"session_id":"loop-1"}}"#
        ),
        format!(
            r#"{{"type":"user","message":{{"content":[{{"type":"tool_result","tool_use_id":"toolu_{n}","content":"same"}}]}},"session_id":"loop-1"}}"#
        ),
    ]
}

/// Runs ccmon on a recording that then hangs, and returns its stderr lines reader.
fn watch_hanging(
    spool: &Path,
    file: &Path,
    lines: usize,
    extra: &[&str],
) -> (Running, Option<tempfile::TempDir>) {
    let s = Standin::new(file)
        .hang_after(lines as u64)
        .spawn_grandchild();
    let (running, home, _) = hanging(spool, &s, lines, extra);
    (running, home)
}

#[test]
fn a_hang_is_reported_and_on_stuck_kill_stops_the_agent() {
    let spool = tempfile::tempdir().unwrap();
    let file = standin::fixture(standin::CLAUDE_CLEAN);
    let (mut running, _home) = watch_hanging(
        spool.path(),
        &file,
        5,
        &[&crate::util::QUICK_STUCK[..], &["--on-stuck", "kill"]].concat(),
    );
    let seen = running.stderr_until("is stuck (no_progress)");
    assert!(
        seen.contains("agent 6170607e-7232-407c-82c3-7fc983d60064"),
        "{seen}"
    );
    assert_eq!(running.wait().code(), Some(128 + libc::SIGTERM));
    assert_eq!(agents(spool.path())[0]["state"], "exited");
}

#[test]
fn a_tool_loop_runs_the_on_stuck_command_with_the_reason() {
    let spool = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let lines =
        session((1..=3).flat_map(|n| tool_call(n, "Read", r#"{"file_path":"/etc/hosts"}"#)));
    let file = recording(dir.path(), "loop.jsonl", &lines);
    let hook_out = dir.path().join("hook.txt");
    let hook = format!(
        "exec echo \"$CCMON_AGENT_ID $CCMON_STUCK_REASON\" > {}",
        hook_out.display()
    );
    let (mut running, _home) =
        watch_hanging(spool.path(), &file, lines.len(), &["--on-stuck", &hook]);
    let seen = running.stderr_until("is stuck (repeated_tool_call)");
    assert!(seen.contains("Read"), "{seen}");
    // The meta shows the state while the episode lasts.
    poll(
        "the hook has run",
        std::time::Duration::from_secs(30),
        std::time::Duration::from_millis(20),
        || {
            let text = std::fs::read_to_string(&hook_out).unwrap_or_default();
            if text == "loop-1 repeated_tool_call\n" {
                Ok(())
            } else {
                Err(format!("{text:?}"))
            }
        },
    );
    let agents = agents(spool.path());
    assert_eq!(agents[0]["state"], "stuck", "{agents}");
    assert_eq!(agents[0]["stuck_reason"], "repeated_tool_call", "{agents}");
    running.signal(libc::SIGTERM);
    running.wait();
}

#[test]
fn a_thinking_loop_is_interrupted() {
    let spool = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let lines = session((1..=5).map(|n| format!(r#"{{"type":"assistant","message":{{"id":"msg_t{n}","content":[{{"type":"thinking","thinking":"hmm","signature":"s"}}]}},"session_id":"loop-1"}}"#)));
    let file = recording(dir.path(), "think.jsonl", &lines);
    let (mut running, _home) = watch_hanging(
        spool.path(),
        &file,
        lines.len(),
        &["--on-stuck", "interrupt"],
    );
    running.stderr_until("is stuck (consecutive_thinking)");
    // The stand-in dies of the SIGINT; ccmon exits with 128+2.
    assert_eq!(running.wait().code(), Some(128 + libc::SIGINT));
}

#[test]
fn a_long_tool_call_with_heartbeats_is_not_stuck() {
    let spool = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut lines = vec![
        init(),
        r#"{"type":"assistant","message":{"id":"msg_1","content":[{"type":"tool_use","id":"toolu_1","name":"Bash","input":{"command":"make test"}}]},"session_id":"loop-1"}"#.to_owned(),
    ];
    for i in 1..=12 {
        lines.push(format!(r#"{{"type":"tool_progress","tool_use_id":"toolu_1","tool_name":"Bash","elapsed_time_seconds":{i},"session_id":"loop-1"}}"#));
    }
    lines.push(r#"{"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"ok"}]},"session_id":"loop-1"}"#.to_owned());
    lines.push(r#"{"type":"result","subtype":"success","is_error":false,"num_turns":1,"session_id":"loop-1"}"#.to_owned());
    let file = recording(dir.path(), "heartbeat.jsonl", &lines);
    // Heartbeats every 400 ms for about 5 s, with thresholds of 1 s: only the heartbeats
    // keep the agent from being called stuck.
    let s = Standin::new(&file).pace(standin::Pace::Millis(400));
    let out = watch(
        spool.path(),
        &s,
        &[
            "--stuck-floor",
            "1s",
            "--tool-timeout",
            "1s",
            "--stuck-multiplier",
            "1",
        ],
    )
    .code(0);
    assert!(!out.stderr.contains("is stuck"), "{out}");
}

#[test]
fn bad_on_stuck_and_thresholds_are_usage_errors() {
    ccmon()
        .args(["stream", "watch", "--on-stuck", "explode", "--", "true"])
        .run()
        .code(2)
        .stderr_has("invalid value for --on-stuck");
    ccmon()
        .args(["stream", "watch", "--stuck-floor", "soon", "--", "true"])
        .run()
        .code(2)
        .stderr_has("--stuck-floor");
    ccmon()
        .args(["stream", "watch", "--spool-keep", "lots", "--", "true"])
        .run()
        .code(2)
        .stderr_has("invalid value for --spool-keep");
}

#[test]
fn pretty_display_shows_control_characters_as_escapes() {
    let spool = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut lines = vec![init()];
    lines.push(
        r#"{"type":"assistant","message":{"id":"m1","content":[{"type":"text","text":"hi \u001b]0;PWNED\u0007 \u001b[2J"}]},"session_id":"loop-1"}"#
            .to_owned(),
    );
    lines.extend(tool_call(2, "Bash\\u001bc", r#"{"command":"x\u009b2J"}"#));
    let s = Standin::new(recording(dir.path(), "hostile.jsonl", &lines));
    let out = watch(spool.path(), &s, &["--display", "pretty"])
        .code(0)
        .no_raw_control();
    assert!(out.stdout.contains(r"hi \x1b]0;PWNED\x07 \x1b[2J"), "{out}");
    assert!(out.stdout.contains(r"Bash\x1bc"), "{out}");
}
