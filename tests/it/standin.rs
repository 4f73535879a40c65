//! The agent stand-in (`examples/agent_standin.rs`) keeps the promises the supervisor tests
//! build on: byte-exact replay of the bundled recordings, pacing, and every fault on cue.
//! Waits are on output (the Nth line, end of stream) wherever one exists; the few short
//! windows left check an absence (no more output, still alive), which only time can show.

use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::support::standin::{
    CLAUDE_CLEAN, GLEAM_BASIC, Pace, RECORDINGS, Running, Standin, children, fixture,
    ignores_signal, is_alive, process_group, recorded_duration_ms, standin_path, wait_until_dead,
};

/// Long enough to notice output that should not come; short enough to keep the suite quick.
const QUIET_WINDOW: Duration = Duration::from_millis(200);

fn recording(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).expect("bundled recording is readable")
}

fn lines_of(bytes: &[u8]) -> Vec<Vec<u8>> {
    bytes
        .split_inclusive(|&b| b == b'\n')
        .map(<[u8]>::to_vec)
        .collect()
}

fn temp_recording(content: &[u8]) -> tempfile::NamedTempFile {
    let file = tempfile::NamedTempFile::new().expect("temp file");
    std::fs::write(file.path(), content).expect("write temp recording");
    file
}

fn show(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn replays_each_recording_byte_for_byte() {
    for name in RECORDINGS {
        let run = Standin::new(fixture(name)).run();
        run.assert_success(name);
        assert!(
            run.stdout == recording(name),
            "{name}: replay differs from the recording"
        );
        assert_eq!(run.stderr_text(), "", "{name}: nothing on stderr");
    }
}

#[test]
fn keeps_a_last_line_without_newline_and_separates_repeats() {
    let file = temp_recording(b"{\"type\":\"a\"}\n{\"type\":\"b\"}");
    let once = Standin::new(file.path()).run();
    assert_eq!(show(&once.stdout), "{\"type\":\"a\"}\n{\"type\":\"b\"}");

    let twice = Standin::new(file.path()).repeat(2).run();
    assert_eq!(
        show(&twice.stdout),
        "{\"type\":\"a\"}\n{\"type\":\"b\"}\n{\"type\":\"a\"}\n{\"type\":\"b\"}"
    );
}

#[test]
fn replays_a_recording_given_on_stdin() {
    let run = Standin::from_stdin().run_with_stdin(&recording(CLAUDE_CLEAN));
    run.assert_success("the stand-in");
    assert!(
        run.stdout == recording(CLAUDE_CLEAN),
        "replay from stdin differs"
    );
}

#[test]
fn ignores_arguments_after_double_dash() {
    // A supervisor may append claude's own arguments to the agent command.
    let run = Standin::new(fixture(GLEAM_BASIC))
        .args_after_double_dash(["-p", "--output-format", "stream-json", "--verbose", "hi"])
        .run();
    run.assert_success("the stand-in");
    assert!(run.stdout == recording(GLEAM_BASIC));
}

#[test]
fn repeat_replays_the_recording_n_times_and_faults_count_across_passes() {
    let run = Standin::new(fixture(GLEAM_BASIC)).repeat(3).run();
    assert!(run.stdout == recording(GLEAM_BASIC).repeat(3));

    let lines = lines_of(&recording(GLEAM_BASIC));
    let run = Standin::new(fixture(GLEAM_BASIC))
        .repeat(3)
        .exit_after(5, 0)
        .run();
    let expected: Vec<Vec<u8>> = lines.iter().cycle().take(5).cloned().collect();
    assert_eq!(lines_of(&run.stdout), expected);
}

#[test]
fn hang_after_stops_writing_but_stays_alive_until_signalled() {
    let expected = lines_of(&recording(CLAUDE_CLEAN));
    let mut standin = Standin::new(fixture(CLAUDE_CLEAN)).hang_after(5).spawn();
    assert_eq!(standin.stdout.take(5), expected[..5]);
    assert!(
        standin.stdout.is_silent_for(QUIET_WINDOW),
        "wrote past line 5 or closed stdout"
    );
    assert!(standin.is_running(), "a hung agent is still alive");

    standin.signal(libc::SIGTERM);
    assert_eq!(
        standin.wait().signal(),
        Some(libc::SIGTERM),
        "hanging does not block signals"
    );
    assert!(
        standin.stdout.rest().is_empty(),
        "nothing written after the hang"
    );
}

#[test]
fn exit_after_exits_with_the_code() {
    let expected = lines_of(&recording(CLAUDE_CLEAN));
    let run = Standin::new(fixture(CLAUDE_CLEAN)).exit_after(2, 3).run();
    assert_eq!(run.status.code(), Some(3));
    assert_eq!(lines_of(&run.stdout), expected[..2]);

    // 0 lines: an agent that fails before its first event.
    let run = Standin::new(fixture(CLAUDE_CLEAN)).exit_after(0, 7).run();
    assert_eq!(run.status.code(), Some(7));
    assert!(run.stdout.is_empty());
}

#[test]
fn signal_after_dies_by_that_signal() {
    let expected = lines_of(&recording(CLAUDE_CLEAN));
    let cases = [
        ("SEGV", libc::SIGSEGV),
        ("KILL", libc::SIGKILL),
        ("TERM", libc::SIGTERM),
        ("ABRT", libc::SIGABRT),
        ("sigbus", libc::SIGBUS),
        ("15", libc::SIGTERM),
    ];
    for (signal, number) in cases {
        let run = Standin::new(fixture(CLAUDE_CLEAN))
            .signal_after(2, signal)
            .run();
        assert_eq!(
            run.status.code(),
            None,
            "--signal {signal}: killed, not exited"
        );
        assert_eq!(run.status.signal(), Some(number), "--signal {signal}");
        assert!(!run.status.core_dumped(), "--signal {signal}: no core dump");
        assert_eq!(lines_of(&run.stdout), expected[..2], "--signal {signal}");
    }
}

#[test]
fn garbage_every_inserts_non_json_and_invalid_utf8_lines() {
    let lines = lines_of(&recording(GLEAM_BASIC));
    let run = Standin::new(fixture(GLEAM_BASIC))
        .garbage_every(1)
        .invalid_utf8()
        .run();
    let mut expected = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let k = i + 1;
        expected.extend_from_slice(line);
        expected.extend_from_slice(format!("not json: {k}\n").as_bytes());
        expected.extend_from_slice(b"not utf-8: \xff\xfe\xc3\x28 ");
        expected.extend_from_slice(format!("{k}\n").as_bytes());
    }
    assert!(run.stdout == expected, "got:\n{}", show(&run.stdout));
    assert!(
        std::str::from_utf8(&run.stdout).is_err(),
        "the output holds invalid UTF-8"
    );

    let lines = lines_of(&recording(CLAUDE_CLEAN));
    let run = Standin::new(fixture(CLAUDE_CLEAN)).garbage_every(10).run();
    let got = lines_of(&run.stdout);
    assert_eq!(got.len(), lines.len() + 4, "47 lines get 4 garbage lines");
    for k in 1..=4 {
        // After 10 recording lines come 1 garbage line, so garbage k sits at 11k - 1.
        assert_eq!(show(&got[11 * k - 1]), format!("not json: {k}\n"));
    }
    let replayed: Vec<Vec<u8>> = got
        .into_iter()
        .filter(|line| !line.starts_with(b"not json: "))
        .collect();
    assert_eq!(replayed, lines, "garbage is inserted, nothing replaced");
}

#[test]
fn big_line_is_one_valid_assistant_event_of_m_mib() {
    let lines = lines_of(&recording(GLEAM_BASIC));
    let run = Standin::new(fixture(GLEAM_BASIC)).big_line_at(1, 2).run();
    run.assert_success("the stand-in");
    let got = lines_of(&run.stdout);
    assert_eq!(got.len(), 4);
    assert_eq!(got[0], lines[0]);
    assert_eq!(got[2..], lines[1..]);

    let big = &got[1];
    let mib = 1 << 20;
    assert!(
        (2 * mib..2 * mib + 1024).contains(&big.len()),
        "length {}",
        big.len()
    );
    let event: serde_json::Value = serde_json::from_slice(big).expect("the big line is JSON");
    assert_eq!(event["type"], "assistant");
    assert_eq!(
        event["message"]["content"][0]["text"]
            .as_str()
            .map(str::len),
        Some(2 * mib)
    );
    assert_eq!(
        event["session_id"], "1d1e46f9-35c7-4834-b529-846d5bb82288",
        "same session"
    );

    // At 0 it comes before the first recording line.
    let run = Standin::new(fixture(GLEAM_BASIC)).big_line_at(0, 1).run();
    let got = lines_of(&run.stdout);
    assert_eq!(got.len(), 4);
    assert!(got[0].len() > mib && got[1..] == lines[..]);
}

#[test]
fn fixed_pace_waits_between_lines() {
    // A lower bound on sleeps, not a speed claim: 3 lines, 2 gaps of 60 ms.
    let started = Instant::now();
    let run = Standin::new(fixture(GLEAM_BASIC))
        .pace(Pace::Millis(60))
        .run();
    let elapsed = started.elapsed();
    assert!(run.stdout == recording(GLEAM_BASIC));
    assert!(elapsed >= Duration::from_millis(120), "took {elapsed:?}");
}

#[test]
fn recorded_pace_spreads_the_result_duration_divided_by_speed() {
    for (name, speed) in [(GLEAM_BASIC, 20.0), (CLAUDE_CLEAN, 200.0)] {
        // The recordings have no timestamps, so the replay lasts the result's duration_ms.
        let expected_ms = recorded_duration_ms(&fixture(name)) / speed;
        let started = Instant::now();
        let run = Standin::new(fixture(name))
            .pace(Pace::Recorded)
            .speed(speed)
            .run();
        let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
        assert!(
            run.stdout == recording(name),
            "{name}: pacing changes no byte"
        );
        // 1 ms of slack for rounding each gap to whole nanoseconds.
        assert!(
            elapsed_ms >= expected_ms - 1.0,
            "{name}: {elapsed_ms} ms < {expected_ms} ms"
        );
    }
}

#[test]
fn recorded_pace_prefers_timestamps_to_the_result_duration() {
    // 600 ms between the first and last timestamp (the last in another zone); the result's
    // duration_ms of 2 would make the replay near-instant if it were used instead.
    let file = temp_recording(
        br#"{"type":"system","timestamp":"2025-06-01T12:00:00Z"}
{"type":"assistant","timestamp":"2025-06-01T12:00:00.400Z"}
{"type":"result","duration_ms":2,"timestamp":"2025-06-01T14:00:00.600+02:00"}
"#,
    );
    let started = Instant::now();
    let run = Standin::new(file.path())
        .pace(Pace::Recorded)
        .speed(2.0)
        .run();
    let elapsed = started.elapsed();
    run.assert_success("the stand-in");
    assert!(elapsed >= Duration::from_millis(300), "took {elapsed:?}");
}

#[test]
fn stderr_text_is_written_to_stderr() {
    let run = Standin::new(fixture(GLEAM_BASIC))
        .stderr_text("warming up the stand-in")
        .run();
    assert_eq!(run.stderr_text(), "warming up the stand-in\n");
    assert!(run.stdout == recording(GLEAM_BASIC), "stdout untouched");
}

#[test]
fn echo_stdin_copies_stdin_to_stderr_after_the_replay() {
    let run = Standin::new(fixture(GLEAM_BASIC))
        .echo_stdin()
        .run_with_stdin(b"first\nsecond");
    assert!(run.status.success());
    assert!(run.stdout == recording(GLEAM_BASIC));
    assert_eq!(run.stderr_text(), "stdin: first\nstdin: second\n");
}

#[test]
fn ignore_term_survives_term_hup_int_and_dies_on_kill() {
    let mut standin = Standin::new(fixture(CLAUDE_CLEAN))
        .ignore_term()
        .hang_after(1)
        .spawn();
    // Dispositions are in place before the first byte, so the first line is the sync point.
    standin.stdout.take(1);
    let pid = standin.pid();
    for signal in [libc::SIGTERM, libc::SIGHUP, libc::SIGINT] {
        assert!(ignores_signal(pid, signal), "signal {signal} is ignored");
        standin.signal(signal);
    }
    // Death would close stdout and end this wait early.
    assert!(
        standin.stdout.is_silent_for(QUIET_WINDOW),
        "died or wrote after TERM/HUP/INT"
    );
    assert!(standin.is_running());

    standin.signal(libc::SIGKILL);
    assert_eq!(standin.wait().signal(), Some(libc::SIGKILL));
}

#[test]
fn grandchild_stays_in_the_process_group_and_holds_stdout() {
    let mut standin = Standin::new(fixture(CLAUDE_CLEAN))
        .spawn_grandchild()
        .spawn();
    let grandchild = standin.announced_grandchild();
    assert_eq!(
        process_group(grandchild),
        Some(standin.pid()),
        "same process group"
    );

    // The stand-in finishes; its orphan lives on and keeps the stdout pipe open.
    standin.stdout.take(47);
    assert!(standin.wait().success());
    assert!(is_alive(grandchild), "the orphan outlives the stand-in");
    assert!(
        standin.stdout.is_silent_for(QUIET_WINDOW),
        "stdout stays open through the orphan"
    );

    standin.signal_group(libc::SIGKILL);
    assert_eq!(
        standin.stdout.next_line(),
        None,
        "killing the group closes stdout"
    );
    wait_until_dead(grandchild);
}

#[test]
fn ignored_term_is_inherited_by_the_grandchild() {
    // The escalation case: TERM to the group stops nobody, KILL stops everyone.
    let standin = Standin::new(fixture(CLAUDE_CLEAN))
        .ignore_term()
        .spawn_grandchild()
        .hang_after(1)
        .spawn();
    let grandchild = standin.announced_grandchild();
    standin.stdout.take(1);
    assert!(ignores_signal(grandchild, libc::SIGTERM));

    standin.signal_group(libc::SIGTERM);
    assert!(
        standin.stdout.is_silent_for(QUIET_WINDOW),
        "TERM stopped a member of the group"
    );
    assert!(is_alive(grandchild));

    standin.signal_group(libc::SIGKILL);
    assert_eq!(standin.stdout.next_line(), None);
    wait_until_dead(grandchild);
}

#[test]
fn closed_stdout_ends_the_replay_quietly() {
    use std::process::Stdio;
    // Far more than a pipe buffer, so the stand-in is still writing when the reader leaves.
    let mut child = Standin::new(fixture(CLAUDE_CLEAN))
        .repeat(1000)
        .command()
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn the stand-in");
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("wait for the stand-in");
    assert!(output.status.success(), "{:?}", output.status);
    assert_eq!(show(&output.stderr), "");
}

#[test]
fn bad_arguments_give_usage_and_exit_2() {
    let gleam = fixture(GLEAM_BASIC);
    let file = gleam.to_str().expect("UTF-8 path");
    let cases: &[(&[&str], &str)] = &[
        (&[], "--file is required"),
        (&["--file"], "--file needs a value"),
        (
            &["--file", file, "--pace", "slow"],
            "--pace needs fast, recorded or milliseconds",
        ),
        (
            &["--file", file, "--speed", "0"],
            "--speed needs a number > 0",
        ),
        (
            &["--file", file, "--repeat", "0"],
            "--repeat needs a whole number >= 1",
        ),
        (
            &["--file", file, "--hang-after", "-1"],
            "--hang-after needs a whole number",
        ),
        (
            &["--file", file, "--exit-after", "1", "--code", "256"],
            "--code needs an exit code",
        ),
        (
            &["--file", file, "--code", "3"],
            "--code needs --exit-after",
        ),
        (
            &["--file", file, "--signal-after", "1", "--signal", "STOP"],
            "does not end a process",
        ),
        (
            &["--file", file, "--signal-after", "1", "--signal", "NOPE"],
            "unknown signal",
        ),
        (
            &["--file", file, "--signal", "KILL"],
            "--signal needs --signal-after",
        ),
        (
            &["--file", file, "--garbage-every", "0"],
            "--garbage-every needs a whole number >= 1",
        ),
        (
            &["--file", file, "--invalid-utf8"],
            "--invalid-utf8 needs --garbage-every",
        ),
        (
            &[
                "--file",
                file,
                "--big-line-at",
                "1",
                "--big-line-mb",
                "2048",
            ],
            "at most 1024",
        ),
        (
            &["--file", file, "--big-line-mb", "2"],
            "--big-line-mb needs --big-line-at",
        ),
        (
            &["--file", "-", "--echo-stdin"],
            "--echo-stdin cannot be used with --file -",
        ),
        (
            &[
                "--file",
                file,
                "--ignore-term",
                "--signal-after",
                "1",
                "--signal",
                "TERM",
            ],
            "cannot kill with --ignore-term",
        ),
        (
            &["--file", file, "--echo-stdin=yes"],
            "--echo-stdin takes no value",
        ),
        (&["--file", file, "--bogus"], "unknown option --bogus"),
        (&["--file", file, "stray"], "unexpected argument stray"),
    ];
    for (args, message) in cases {
        let output = std::process::Command::new(standin_path())
            .args(*args)
            .stdin(std::process::Stdio::null())
            .output()
            .expect("run the stand-in");
        let stderr = show(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(output.stdout.is_empty(), "{args:?}: nothing on stdout");
        assert!(
            stderr.contains(message),
            "{args:?}: {stderr:?} lacks {message:?}"
        );
        assert!(
            stderr.contains("usage: agent_standin --file"),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

#[test]
fn a_missing_recording_is_named_and_exits_2() {
    let missing = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/no-such.jsonl");
    let run = Standin::new(&missing).run();
    assert_eq!(run.status.code(), Some(2));
    assert!(
        run.stderr_text()
            .contains(&format!("cannot read {}", missing.display()))
    );
}

#[test]
fn help_prints_the_usage_and_exits_0() {
    let output = std::process::Command::new(standin_path())
        .arg("--help")
        .output()
        .expect("run");
    assert!(output.status.success());
    let usage = show(&output.stdout);
    for flag in [
        "--file",
        "--pace",
        "--hang-after",
        "--signal-after",
        "--spawn-grandchild",
    ] {
        assert!(usage.contains(flag), "help mentions {flag}");
    }
}

/// A test that fails while ccmon runs drops its `Running`: the agent ccmon started in a
/// group of its own (and its grandchild) must go too, or every failed run leaves them.
#[test]
fn dropping_a_running_ccmon_ends_its_agent_and_the_agents_group() {
    let s = Standin::new(fixture(CLAUDE_CLEAN))
        .hang_after(2)
        .ignore_term()
        .spawn_grandchild();
    let spool = tempfile::tempdir().expect("spool");
    let (mut cmd, _home) = crate::util::watch_raw(spool.path(), &s, &[]).into_command();
    cmd.stdin(std::process::Stdio::null());
    let running = Running::start(cmd);
    let grandchild = running.announced_grandchild();
    let agents = children(running.pid());
    assert_eq!(agents.len(), 1, "ccmon runs one agent: {agents:?}");
    drop(running);
    wait_until_dead(agents[0]);
    wait_until_dead(grandchild);
}
