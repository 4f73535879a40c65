//! `ccmon stream ingest|ls|tail` on the local spool, through the binary: every input line
//! is recorded exactly once, in order, byte for byte, whatever it contains.

use std::path::Path;

use crate::support::standin::{self, Standin};
use crate::util::{Output, ccmon, data, on_spool, recorded};

fn ingest(spool: &Path, input: &[u8], extra: &[&str]) -> Output {
    on_spool(spool, &["ingest", "-"])
        .args(extra)
        .stdin(input.to_vec())
        .ok()
}

/// Asserts the recorded lines are exactly the input's lines, in order, seq 1..n.
fn assert_exact(spool: &Path, agent: &str, input: &[u8]) {
    let records = recorded(spool, agent);
    let mut expected: Vec<&[u8]> = input.split(|&b| b == b'\n').collect();
    if input.ends_with(b"\n") {
        expected.pop();
    }
    assert_eq!(records.len(), expected.len(), "record count");
    for (i, (record, line)) in records.iter().zip(&expected).enumerate() {
        assert_eq!(record["seq"], i as u64 + 1);
        assert_eq!(data(record), *line, "line {}", i + 1);
    }
}

#[test]
fn ingest_records_a_real_recording_exactly() {
    let spool = tempfile::tempdir().unwrap();
    let path = standin::fixture(standin::CLAUDE_CLEAN);
    let out = ccmon()
        .args([
            "stream".as_ref(),
            "ingest".as_ref(),
            path.as_os_str(),
            "--spool-dir".as_ref(),
            spool.path().as_os_str(),
        ])
        .args(["-o", "json"])
        .ok()
        .stderr_has("recorded 47 events of agent 6170607e-7232-407c-82c3-7fc983d60064");
    let summary: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let s = &summary[0];
    assert_eq!(s["agent_id"], "6170607e-7232-407c-82c3-7fc983d60064");
    assert_eq!(s["model"], "claude-sonnet-4-5-20250929");
    assert_eq!(s["state"], "exited");
    assert_eq!(s["events"], 47);
    assert_eq!(s["turns"], 19, "the result line's num_turns wins");
    assert_eq!(s["tool_calls"], 21);
    assert_eq!(s["cost_usd"], 0.21085415);
    let input = std::fs::read(&path).unwrap();
    assert_exact(spool.path(), "6170607e-7232-407c-82c3-7fc983d60064", &input);
    let records = recorded(spool.path(), "6170607e-7232-407c-82c3-7fc983d60064");
    let types: Vec<&str> = records
        .iter()
        .map(|r| r["event_type"].as_str().unwrap())
        .collect();
    assert_eq!(types.first(), Some(&"system"));
    assert_eq!(types.last(), Some(&"result"));
    assert_eq!(types.iter().filter(|t| **t == "tool_use").count(), 21);
    assert_eq!(types.iter().filter(|t| **t == "tool_result").count(), 21);
    let first_tool = records
        .iter()
        .find(|r| r["event_type"] == "tool_use")
        .unwrap();
    assert_eq!(first_tool["tool"], "Glob");
}

#[test]
fn garbage_invalid_utf8_and_huge_lines_are_recorded_not_dropped() {
    let replay = Standin::new(standin::fixture(standin::CLAUDE_CLEAN))
        .garbage_every(5)
        .invalid_utf8()
        .big_line_at(10, 3)
        .run();
    let input = replay.stdout;
    let spool = tempfile::tempdir().unwrap();
    ingest(spool.path(), &input, &[]).stderr_has("agent 6170607e");
    assert_exact(spool.path(), "6170607e-7232-407c-82c3-7fc983d60064", &input);
    let records = recorded(spool.path(), "6170607e-7232-407c-82c3-7fc983d60064");
    assert!(records.iter().any(|r| r["event_type"] == "raw"));
    assert!(
        records.iter().any(|r| r["data"].get("base64").is_some()),
        "invalid UTF-8 kept as bytes"
    );
    assert!(
        records.iter().any(|r| data(r).len() >= 3 * 1024 * 1024),
        "the 3 MiB line is whole"
    );
}

#[test]
fn a_stream_that_never_names_its_session_gets_an_agent_id() {
    let spool = tempfile::tempdir().unwrap();
    let out = ingest(spool.path(), b"one\ntwo\nthree", &["-o", "json"]);
    let summary: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let agent = summary[0]["agent_id"].as_str().unwrap().to_owned();
    assert!(agent.starts_with("agent-"), "{agent}");
    assert_exact(spool.path(), &agent, b"one\ntwo\nthree");
    // --agent-id wins over the session id.
    let input = std::fs::read(standin::fixture(standin::GLEAM_BASIC)).unwrap();
    ingest(spool.path(), &input, &["--agent-id", "builder/1"]).stderr_has("agent builder/1");
    assert_exact(spool.path(), "builder/1", &input);
}

#[test]
fn random_bytes_never_break_ingest() {
    let spool = tempfile::tempdir().unwrap();
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    for round in 0..8 {
        let mut input = Vec::new();
        for _ in 0..4096 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let b = (seed >> 24) as u8;
            // Bias towards JSON punctuation and newlines so the parser sees near-JSON.
            input.push(match b % 8 {
                0 => b'\n',
                1 => b'{',
                2 => b'"',
                3 => b'}',
                _ => b,
            });
        }
        let agent = format!("fuzz-{round}");
        ingest(spool.path(), &input, &["--agent-id", &agent]);
        assert_exact(spool.path(), &agent, &input);
    }
}

#[test]
fn ls_and_tail_read_the_spool() {
    let spool = tempfile::tempdir().unwrap();
    on_spool(spool.path(), &["ls"])
        .ok()
        .stderr_has("no agents recorded yet");
    for fixture in [standin::CLAUDE_CLEAN, standin::GLEAM_BASIC] {
        let input = std::fs::read(standin::fixture(fixture)).unwrap();
        ingest(spool.path(), &input, &[]);
    }
    let out = on_spool(spool.path(), &["ls"]).ok();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(lines[0].starts_with("AGENT"), "{out}");
    assert!(
        out.stdout
            .contains("6170607e-7232-407c-82c3-7fc983d60064  exited"),
        "{out}"
    );
    let ids = on_spool(spool.path(), &["ls", "-q"]).ok();
    assert_eq!(ids.stdout.lines().count(), 2, "{ids}");
    on_spool(spool.path(), &["ls", "--state", "running"])
        .ok()
        .stderr_has("no agents");
    // The most recent agent is tailed by default; its last event is the result.
    let tail = on_spool(spool.path(), &["tail", "-n", "1"]).ok();
    assert!(
        tail.stdout.contains("#3") && tail.stdout.contains("result"),
        "{tail}"
    );
    on_spool(spool.path(), &["tail", "nope"])
        .run()
        .code(2)
        .stderr_has("no events recorded for agent \"nope\"");
}

#[test]
fn a_spool_that_cannot_be_written_exits_4_not_usage() {
    // Not a bad option and not a verdict on the session: ccmon's own store failed.
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("file");
    std::fs::write(&file, "").unwrap();
    on_spool(file.join("spool"), &["ingest", "-"])
        .stdin(b"{\"type\":\"system\",\"subtype\":\"init\"}\n".to_vec())
        .run()
        .code(4)
        .stderr_has("spool file")
        .stderr_has("Not a directory");
}

#[test]
fn ingest_of_a_missing_file_is_a_clear_error() {
    ccmon()
        .args(["stream", "ingest", "/nonexistent/session.jsonl"])
        .run()
        .code(2)
        .stderr_has("cannot read /nonexistent/session.jsonl");
}

/// Agent output that tries to drive the terminal: a title change and a screen clear in
/// text, a tool name, a subtype, and a raw (non-JSON) line with the bytes themselves.
fn hostile_lines() -> Vec<u8> {
    let mut input = Vec::new();
    input.extend_from_slice(
        br#"{"type":"system","subtype":"init\u001b[2J","session_id":"esc-1","model":"m"}"#,
    );
    input.push(b'\n');
    input.extend_from_slice(br#"{"type":"assistant","message":{"id":"m1","content":[{"type":"text","text":"hi \u001b]0;PWNED\u0007 there\u009b31m"}]},"session_id":"esc-1"}"#);
    input.push(b'\n');
    input.extend_from_slice(br#"{"type":"assistant","message":{"id":"m2","content":[{"type":"tool_use","id":"t1","name":"Bash\u001b[2J","input":{"command":"echo \u001bc"}}]},"session_id":"esc-1"}"#);
    input.push(b'\n');
    input.extend_from_slice(b"raw \x1b]0;PWNED\x07 line \x1b[2J\x7f\r\n");
    input
}

#[test]
fn stream_tail_shows_control_characters_as_escapes() {
    let spool = tempfile::tempdir().unwrap();
    ingest(spool.path(), &hostile_lines(), &["--agent-id", "esc-1"]);
    let out = on_spool(spool.path(), &["tail", "esc-1", "-n", "10"])
        .ok()
        .no_raw_control();
    assert!(
        !out.stdout.contains('\u{9b}') && !out.stdout.contains('\x7f'),
        "{out}"
    );
    for shown in [
        r"hi \x1b]0;PWNED\x07 there\x9b31m",
        r"Bash\x1b[2J",
        r"raw \x1b]0;PWNED\x07 line \x1b[2J\x7f",
        r"init\x1b[2J",
    ] {
        assert!(out.stdout.contains(shown), "{shown:?} not shown\n{out}");
    }
    // The recording itself keeps the bytes as they were.
    let raw = recorded(spool.path(), "esc-1");
    assert!(data(&raw[3]).starts_with(b"raw \x1b]0;PWNED\x07"));
}

/// `stream ls -o json` of the only agent in `spool`.
fn listed(spool: &Path) -> serde_json::Value {
    let out = on_spool(spool, &["ls", "-o", "json"]).ok();
    let mut agents: Vec<serde_json::Value> = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(agents.len(), 1, "{}", out.stdout);
    agents.remove(0)
}

fn model_figures(s: &serde_json::Value, model: &str) -> (Vec<u64>, f64) {
    let m = &s["models"][model];
    let tokens = [
        "tokens_in",
        "tokens_out",
        "tokens_cache_read",
        "tokens_cache_creation",
    ]
    .iter()
    .map(|k| {
        m[k].as_u64()
            .unwrap_or_else(|| panic!("{model}.{k} in {s}"))
    })
    .collect();
    (tokens, m["cost_usd"].as_f64().unwrap_or(f64::NAN))
}

#[test]
fn ls_shows_the_exact_tokens_and_cost_of_each_model_of_both_recordings() {
    let spool = tempfile::tempdir().unwrap();
    let input = std::fs::read(standin::fixture(standin::CLAUDE_CLEAN)).unwrap();
    ingest(spool.path(), &input, &[]);
    let s = listed(spool.path());
    // The result line's modelUsage, subagents included (result.usage says 956 output).
    assert_eq!(
        (
            &s["tokens_in"],
            &s["tokens_out"],
            &s["tokens_cache_read"],
            &s["tokens_cache_creation"]
        ),
        (&7584.into(), &3704.into(), &85759.into(), &43679.into())
    );
    assert_eq!(s["cost_usd"], 0.21085415);
    assert_eq!(s["cost_estimated"], false);
    assert_eq!(
        model_figures(&s, "claude-haiku-4-5-20251001"),
        (vec![7460, 1331, 18159, 14048], 0.033490900000000004)
    );
    assert_eq!(
        model_figures(&s, "claude-sonnet-4-5-20250929"),
        (vec![124, 2373, 67600, 29631], 0.17736324999999997)
    );
    let wide = on_spool(spool.path(), &["ls", "-o", "wide"]).ok();
    assert!(
        wide.stdout.contains("MODELS")
            && wide.stdout.contains(
                "claude-haiku-4-5-20251001 7460/1331 $0.0335, claude-sonnet-4-5-20250929 124/2373 $0.1774"
            ),
        "{wide}"
    );

    let spool = tempfile::tempdir().unwrap();
    let input = std::fs::read(standin::fixture(standin::GLEAM_BASIC)).unwrap();
    ingest(spool.path(), &input, &[]);
    let s = listed(spool.path());
    assert_eq!(
        model_figures(&s, "claude-opus-4-5-20251101"),
        (vec![10, 25, 0, 21570], 0.1354875)
    );
    assert_eq!(
        (&s["cost_usd"], &s["cost_estimated"]),
        (&0.1354875.into(), &false.into())
    );
}

#[test]
fn before_the_result_ls_shows_an_estimated_cost() {
    let spool = tempfile::tempdir().unwrap();
    let input = std::fs::read_to_string(standin::fixture(standin::CLAUDE_CLEAN)).unwrap();
    let without_result: String = input
        .lines()
        .filter(|l| !l.starts_with(r#"{"type":"result""#))
        .map(|l| format!("{l}\n"))
        .collect();
    ingest(spool.path(), without_result.as_bytes(), &[]);
    let s = listed(spool.path());
    assert_eq!(s["cost_estimated"], true);
    let cost = s["cost_usd"].as_f64().unwrap();
    assert!(cost > 0.0, "{s}");
    let (haiku, haiku_cost) = model_figures(&s, "claude-haiku-4-5-20251001");
    let (sonnet, sonnet_cost) = model_figures(&s, "claude-sonnet-4-5-20250929");
    assert!((cost - haiku_cost - sonnet_cost).abs() < 1e-12, "{s}");
    // Tokens × the price table, per million: input, output, cache read, cache write.
    let priced =
        |t: &[u64], p: [f64; 4]| t.iter().zip(p).map(|(&n, p)| n as f64 * p).sum::<f64>() / 1e6;
    assert!((haiku_cost - priced(&haiku, [1.0, 5.0, 0.1, 1.25])).abs() < 1e-12);
    assert!(sonnet_cost >= priced(&sonnet, [3.0, 15.0, 0.3, 3.75]) - 1e-12);
    let table = on_spool(spool.path(), &["ls"]).ok();
    assert!(
        table.stdout.contains(&format!("~${cost:.4}")),
        "{}",
        table.stdout
    );
}

#[test]
fn an_unpriced_model_costs_unknown_until_the_config_prices_it() {
    let lines = concat!(
        r#"{"type":"assistant","session_id":"local-1","message":{"id":"m1","model":"local-model-7","usage":{"input_tokens":1000000,"output_tokens":500000}}}"#,
        "\n"
    );
    let spool = tempfile::tempdir().unwrap();
    ingest(spool.path(), lines.as_bytes(), &[]);
    let s = listed(spool.path());
    assert_eq!(
        s["models"]["local-model-7"]["cost_usd"],
        serde_json::Value::Null
    );
    assert_eq!(
        (&s["cost_unknown"], &s["cost_estimated"]),
        (&true.into(), &true.into())
    );
    let table = on_spool(spool.path(), &["ls"]).ok();
    assert!(
        table
            .stdout
            .lines()
            .any(|l| l.starts_with("local-1") && l.contains(" ? ")),
        "{}",
        table.stdout
    );

    // `pricing:` in the config file: a pattern, USD per million tokens.
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.yaml");
    std::fs::write(
        &config,
        "pricing:\n  \"local-*\":\n    input: 2\n    output: 8\n",
    )
    .unwrap();
    let spool = tempfile::tempdir().unwrap();
    ccmon()
        .args(["--config".as_ref(), config.as_os_str()])
        .args(["stream", "ingest", "-", "--spool-dir"])
        .args([spool.path()])
        .stdin(lines.as_bytes().to_vec())
        .ok();
    let s = listed(spool.path());
    assert_eq!(s["models"]["local-model-7"]["cost_usd"], 6.0);
    assert_eq!(
        (&s["cost_unknown"], &s["cost_estimated"]),
        (&false.into(), &true.into())
    );

    // A price that is not one: exit 2, where and what.
    std::fs::write(&config, "pricing:\n  m:\n    input: -1\n    output: 8\n").unwrap();
    ccmon()
        .args(["--config".as_ref(), config.as_os_str()])
        .args(["stream", "ingest", "-", "--spool-dir"])
        .args([spool.path()])
        .stdin(lines.as_bytes().to_vec())
        .run()
        .code(2)
        .stderr_has("config.yaml:3:")
        .stderr_has("pricing.m: input: -1 is not a price");
}

#[test]
fn ls_shows_each_rate_limit_and_the_worst_in_a_column() {
    let event = |status: &str, kind: &str, more: &str| {
        format!(
            r#"{{"type":"rate_limit_event","session_id":"rl-1","rate_limit_info":{{"status":"{status}","rateLimitType":"{kind}"{more}}}}}"#
        ) + "\n"
    };
    let spool = tempfile::tempdir().unwrap();
    let input = event("allowed", "five_hour", r#","utilization":40"#)
        + &event(
            "allowed_warning",
            "five_hour",
            r#","utilization":85,"resetsAt":1771390800"#,
        );
    ingest(spool.path(), input.as_bytes(), &[]);
    let s = listed(spool.path());
    let five = &s["rate_limits"]["five_hour"];
    assert_eq!(
        (&five["status"], &five["utilization"]),
        (&"allowed_warning".into(), &0.85.into())
    );
    assert_eq!(
        (&five["resets_at"], &five["rejections"]),
        (&1771390800.into(), &0.into())
    );
    let table = on_spool(spool.path(), &["ls"]).ok();
    assert!(table.stdout.contains("RATE LIMIT"), "{}", table.stdout);
    assert!(table.stdout.contains("5h 85% warning"), "{}", table.stdout);

    // A rejection is the worst, whatever the use of the others; far in the future, its reset
    // time is shown.
    let spool = tempfile::tempdir().unwrap();
    let input = input + &event("rejected", "seven_day", r#","resetsAt":4102444800"#);
    ingest(spool.path(), input.as_bytes(), &[]);
    let s = listed(spool.path());
    assert_eq!(s["rate_limits"]["seven_day"]["rejections"], 1);
    let table = on_spool(spool.path(), &["ls"]).ok();
    assert!(
        table.stdout.contains("7d rejected until 00:00Z"),
        "{}",
        table.stdout
    );
}
