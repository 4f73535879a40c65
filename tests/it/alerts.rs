//! `ccmon alerts ...` against real Alertmanagers started by the harness: silences added,
//! listed, extended, expired and imported; the same silences seen through the real `amtool`
//! (Debian package `prometheus-alertmanager`) both ways; an HA pair where a silence written
//! through one member is read through the other; alerts listed by state and grouped; and
//! the errors an operator meets at 3 a.m. (unreachable peer, HTTP errors, bad matchers).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::Alertmanager;
use crate::support::http;
use crate::support::process::find_program;
use crate::util::{Output, ccmon};

/// Polls `check` until it is true, panicking after 30 s with `what`.
fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// `ccmon --alertmanager-url URL ARGS...`.
fn am(url: &str, args: &[&str]) -> Output {
    ccmon().args(["--alertmanager-url", url]).args(args).run()
}

/// `ccmon` with stdin.
fn am_stdin(url: &str, args: &[&str], input: &str) -> Output {
    ccmon()
        .args(["--alertmanager-url", url])
        .args(args)
        .stdin(input)
        .run()
}

/// Runs the real amtool against `url` with a clean environment.
fn amtool(url: &str, args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let home = tempfile::tempdir().expect("temp HOME for amtool");
    let mut cmd = Command::new(find_program(&["amtool"]));
    cmd.env_clear()
        .env("HOME", home.path())
        .arg(format!("--alertmanager.url={url}"))
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("starting amtool");
    if let Some(input) = stdin {
        use std::io::Write;
        let mut pipe = child.stdin.take().expect("piped stdin");
        pipe.write_all(input.as_bytes()).expect("feeding amtool");
    }
    let out = child.wait_with_output().expect("waiting for amtool");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

/// The silences of the API, straight from the server.
fn api_silences(am: &Alertmanager) -> Vec<Value> {
    let body = am.get("/api/v2/silences").body;
    json(&body).as_array().cloned().unwrap_or_default()
}

fn state_of(am: &Alertmanager, id: &str) -> String {
    api_silences(am)
        .iter()
        .find(|s| s["id"] == id)
        .map(|s| s["status"]["state"].as_str().unwrap_or("").to_owned())
        .unwrap_or_default()
}

fn ids(out: &Output) -> Vec<String> {
    out.stdout.lines().map(str::to_owned).collect()
}

/// Fires an alert into Alertmanager the way Prometheus does.
fn fire(am: &Alertmanager, labels: &[(&str, &str)], summary: &str) {
    let labels: serde_json::Map<String, Value> = labels
        .iter()
        .map(|(k, v)| (k.to_string(), Value::String(v.to_string())))
        .collect();
    let body = serde_json::json!([{
        "labels": labels,
        "annotations": {"summary": summary},
        "generatorURL": "http://prometheus.invalid/graph",
    }]);
    let r = http::post(
        am.addr(),
        "/api/v2/alerts",
        "application/json",
        body.to_string().as_bytes(),
        Duration::from_secs(10),
    )
    .expect("POST /api/v2/alerts");
    assert_eq!(r.status, 200, "posting an alert: {}", r.body);
}

#[test]
fn silence_add_ls_extend_expire() {
    let server = Alertmanager::start();
    let url = server.url();
    let added = am(
        &url,
        &[
            "alerts",
            "silence",
            "add",
            "InstanceDown",
            "instance=~db-.*",
            "--duration",
            "2h",
            "--comment",
            "disk swap",
            "--author",
            "ops",
        ],
    )
    .code(0);
    let id = added.stdout.trim().to_owned();
    assert_eq!(state_of(&server, &id), "active", "{added}");

    am(&url, &["alerts", "silence", "ls"])
        .code(0)
        .stdout_has(&id)
        .stdout_has("alertname=\"InstanceDown\" instance=~\"db-.*\"")
        .stdout_has("disk swap");
    let table = am(&url, &["alerts", "silence", "ls"]).stdout;
    assert!(
        table.contains("in 2h") || table.contains("in 1h"),
        "{table}"
    );
    let quiet = am(
        &url,
        &["-q", "alerts", "silence", "ls", "alertname=InstanceDown"],
    )
    .code(0);
    assert_eq!(ids(&quiet), [id.as_str()]);
    let none = am(&url, &["-q", "alerts", "silence", "ls", "alertname=Other"]).code(0);
    assert!(none.stdout.is_empty(), "{none}");
    let by_other = am(
        &url,
        &["-q", "alerts", "silence", "ls", "--created-by", "bob"],
    )
    .code(0);
    assert!(by_other.stdout.is_empty(), "{by_other}");

    // Extend: the end moves by exactly the duration; the ID printed is the one to use.
    let before = api_silences(&server)[0]["endsAt"]
        .as_str()
        .unwrap()
        .to_owned();
    let extended = am(
        &url,
        &["alerts", "silence", "extend", &id, "--duration", "1h"],
    )
    .code(0);
    let new_id = extended.stdout.trim().to_owned();
    let silence = api_silences(&server)
        .into_iter()
        .find(|s| s["id"] == new_id.as_str())
        .expect("the extended silence");
    let old_end: jiff::Timestamp = before.parse().unwrap();
    let new_end: jiff::Timestamp = silence["endsAt"].as_str().unwrap().parse().unwrap();
    let moved = new_end.duration_since(old_end).as_secs_f64();
    assert!(
        (moved - 3600.0).abs() < 1.0,
        "moved by {moved}s\n{extended}"
    );

    // Within: ends in ~3h, so not within 2h, but within 4h.
    let within = am(&url, &["-q", "alerts", "silence", "ls", "--within", "2h"]).code(0);
    assert!(within.stdout.is_empty(), "{within}");
    let within = am(&url, &["-q", "alerts", "silence", "ls", "--within", "4h"]).code(0);
    assert_eq!(ids(&within), [new_id.as_str()]);

    am(&url, &["alerts", "silence", "expire", &new_id])
        .code(0)
        .stdout_has(&new_id);
    assert_eq!(state_of(&server, &new_id), "expired");
    let active = am(&url, &["-q", "alerts", "silence", "ls"]).code(0);
    assert!(active.stdout.is_empty(), "{active}");
    let expired = am(
        &url,
        &[
            "-q",
            "alerts",
            "silence",
            "ls",
            "--expired",
            "--within",
            "1h",
        ],
    )
    .code(0);
    assert!(ids(&expired).contains(&new_id), "{expired}");

    // An unknown ID fails alone, with a reason, and the exit code says so.
    am(
        &url,
        &[
            "alerts",
            "silence",
            "expire",
            "00000000-0000-0000-0000-000000000000",
        ],
    )
    .code(1)
    .stderr_has("00000000-0000-0000-0000-000000000000");
}

#[test]
fn silence_add_refuses_what_would_hurt() {
    let server = Alertmanager::start();
    let url = server.url();
    am(
        &url,
        &[
            "alerts",
            "silence",
            "add",
            "alertname=~.*",
            "-d",
            "1h",
            "-c",
            "oops",
        ],
    )
    .code(2)
    .stderr_has("matches every alert")
    .stderr_has("--force");
    am(
        &url,
        &[
            "alerts",
            "silence",
            "add",
            "severity!=critical",
            "-d",
            "1h",
            "-c",
            "x",
        ],
    )
    .code(2)
    .stderr_has("matches every alert");
    am(
        &url,
        &[
            "alerts",
            "silence",
            "add",
            "job=~api(",
            "-d",
            "1h",
            "-c",
            "x",
        ],
    )
    .code(2)
    .stderr_has("invalid matcher")
    .stderr_has("^");
    am(
        &url,
        &[
            "alerts", "silence", "add", "job==api", "-d", "1h", "-c", "x",
        ],
    )
    .code(2)
    .stderr_has("job==api\n      ^");
    am(&url, &["alerts", "silence", "add", "job=api", "-d", "1h"]).code(2);
    am(
        &url,
        &["alerts", "silence", "add", "job=api", "-d", "0", "-c", "x"],
    )
    .code(2)
    .stderr_has("more than zero");
    am(
        &url,
        &["alerts", "silence", "add", "job=api", "-d", "1x", "-c", "x"],
    )
    .code(2)
    .stderr_has("invalid --duration")
    .stderr_has("  1x\n   ^");
    assert!(
        api_silences(&server).is_empty(),
        "nothing may have been created"
    );

    // Alertmanager itself refuses only matchers that all match the empty string;
    // `alertname=~.+` passes there but still matches every alert, so ccmon wants --force.
    am(
        &url,
        &[
            "alerts",
            "silence",
            "add",
            "alertname=~.+",
            "-d",
            "1h",
            "-c",
            "all",
        ],
    )
    .code(2)
    .stderr_has("matches every alert");
    let forced = am(
        &url,
        &[
            "alerts",
            "silence",
            "add",
            "alertname=~.+",
            "-d",
            "1h",
            "-c",
            "all",
            "--force",
        ],
    )
    .code(0);
    assert_eq!(state_of(&server, forced.stdout.trim()), "active");

    // --start/--end: a pending silence, listed with the active ones.
    let pending = am(
        &url,
        &[
            "alerts", "silence", "add", "Batch", "--start", "+1h", "--end", "+3h", "-c", "later",
        ],
    )
    .code(0);
    assert_eq!(state_of(&server, pending.stdout.trim()), "pending");
}

#[test]
fn amtool_and_ccmon_see_the_same_silences() {
    let server = Alertmanager::start();
    let url = server.url();

    // ccmon adds, amtool lists the same matchers, author and comment.
    let id = am(
        &url,
        &[
            "alerts",
            "silence",
            "add",
            "DiskFull",
            "mount!=/boot",
            "host=~\"db-[0-9]+\"",
            "-d",
            "1h",
            "-c",
            "ticket 42",
            "-a",
            "ann",
        ],
    )
    .code(0)
    .stdout
    .trim()
    .to_owned();
    let (code, out, err) = amtool(&url, &["silence", "query", "-o", "json"], None);
    assert_eq!(code, 0, "amtool: {err}");
    let listed = json(&out);
    let s = listed
        .as_array()
        .and_then(|a| a.iter().find(|s| s["id"] == id.as_str()))
        .unwrap_or_else(|| panic!("amtool does not list {id}: {out}"));
    assert_eq!(s["createdBy"], "ann");
    assert_eq!(s["comment"], "ticket 42");
    let matchers: Vec<(String, String, bool, bool)> = s["matchers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["name"].as_str().unwrap().to_owned(),
                m["value"].as_str().unwrap().to_owned(),
                m["isRegex"].as_bool().unwrap(),
                m["isEqual"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        matchers,
        [
            ("alertname".into(), "DiskFull".into(), false, true),
            ("mount".into(), "/boot".into(), false, false),
            ("host".into(), "db-[0-9]+".into(), true, true),
        ]
    );

    // amtool adds, ccmon lists it (amtool's -q idiom works the same) and expires it.
    let (code, amtool_id, err) = amtool(
        &url,
        &[
            "silence",
            "add",
            "alertname=Flappy",
            "-d",
            "1h",
            "-c",
            "from amtool",
            "-a",
            "bob",
        ],
        None,
    );
    assert_eq!(code, 0, "amtool silence add: {err}");
    let amtool_id = amtool_id.trim().to_owned();
    let listed = am(&url, &["-q", "alerts", "silence", "ls", "alertname=Flappy"]).code(0);
    assert_eq!(ids(&listed), [amtool_id.as_str()]);
    am(&url, &["alerts", "silence", "ls", "--created-by", "bob"])
        .code(0)
        .stdout_has("from amtool")
        .stdout_has("alertname=\"Flappy\"");
    am(&url, &["alerts", "silence", "expire", &amtool_id]).code(0);
    let (_, out, _) = amtool(&url, &["silence", "query", "-q"], None);
    assert_eq!(out.trim(), id, "amtool must see only ccmon's silence left");
}

#[test]
fn silences_round_trip_through_json_between_ccmon_and_amtool() {
    let source = Alertmanager::start();
    let target = Alertmanager::start();
    let (src, dst) = (source.url(), target.url());
    for (name, regex) in [("Alpha", "a=1"), ("Beta", "b=~\"x|y\"")] {
        am(
            &src,
            &[
                "alerts", "silence", "add", name, regex, "-d", "2h", "-c", name,
            ],
        )
        .code(0);
    }
    let exported = am(&src, &["-o", "json", "alerts", "silence", "ls"])
        .code(0)
        .stdout;

    // ccmon's JSON into ccmon on another cluster: IDs unknown there, so new silences.
    am_stdin(&dst, &["alerts", "silence", "import", "-"], &exported)
        .code(0)
        .stderr_has("imported 2, skipped 0 (already expired), failed 0");
    let copied = am(&dst, &["-o", "json", "alerts", "silence", "ls"])
        .code(0)
        .stdout;
    let strip = |text: &str| -> Vec<(Value, Value, Value)> {
        let mut v: Vec<(Value, Value, Value)> = json(text)
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["matchers"].clone(),
                    s["comment"].clone(),
                    s["endsAt"].clone(),
                )
            })
            .collect();
        v.sort_by_key(|t| t.1.to_string());
        v
    };
    assert_eq!(strip(&exported), strip(&copied));

    // Importing the same file again into the source updates in place: no duplicates.
    am_stdin(&src, &["alerts", "silence", "import", "-"], &exported).code(0);
    assert_eq!(api_silences(&source).len(), 2);

    // amtool's JSON into ccmon, and ccmon's JSON into amtool.
    let (code, amtool_json, err) = amtool(&src, &["silence", "query", "-o", "json"], None);
    assert_eq!(code, 0, "{err}");
    let third = Alertmanager::start();
    am_stdin(
        &third.url(),
        &["alerts", "silence", "import", "-"],
        &amtool_json,
    )
    .code(0)
    .stderr_has("imported 2");
    let fourth = Alertmanager::start();
    let (code, _, err) = amtool(&fourth.url(), &["silence", "import"], Some(&exported));
    assert_eq!(code, 0, "amtool silence import of ccmon JSON: {err}");
    assert_eq!(api_silences(&fourth).len(), 2);
}

#[test]
fn import_yaml_warns_skips_and_fails_per_entry() {
    let server = Alertmanager::start();
    let url = server.url();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("silences.yml");
    std::fs::write(
        &file,
        "\
- comment: weekend maintenance
  startsAt: 2020-01-01T00:00:00Z
  endsAt: 2999-01-01T00:00:00Z
  createdBy: ops
  matchers:
    - name: instance
      value: db-.*
    - name: severity
      value: P2|P3
      isRegex: true
- comment: long gone
  endsAt: 2020-01-02T00:00:00Z
  matchers: [{name: alertname, value: Old}]
- comment: broken regex
  endsAt: 2999-01-01T00:00:00Z
  matchers: [{name: job, value: '(', isRegex: true}]
",
    )
    .unwrap();
    let out = am(&url, &["alerts", "silence", "import"]).code(2); // the FILE argument is required
    drop(out);
    let out = ccmon()
        .args(["--alertmanager-url", &url, "alerts", "silence", "import"])
        .args([&file])
        .run()
        .code(1)
        .stderr_has("entry 1: instance=\"db-.*\" looks like a regex")
        .stderr_has("entry 3")
        .stderr_has("imported 1, skipped 1 (already expired), failed 1");
    drop(out);
    let silences = api_silences(&server);
    assert_eq!(silences.len(), 1);
    assert_eq!(silences[0]["matchers"][1]["isRegex"], true);

    // A file that is not a list of silences: file:line:col.
    let bad = dir.path().join("bad.yml");
    std::fs::write(
        &bad,
        "- comment: x\n  matchers: [{name: a, value: b, isRegex: maybe}]\n",
    )
    .unwrap();
    ccmon()
        .args(["--alertmanager-url", &url, "alerts", "silence", "import"])
        .args([&bad])
        .run()
        .code(2)
        .stderr_has(&format!("{}:2:", bad.display()));
}

#[test]
fn ha_pair_writes_through_one_and_reads_through_the_other() {
    let first = Alertmanager::builder().cluster().start();
    let second = Alertmanager::builder()
        .peer(first.cluster_addr().expect("gossip address"))
        .start();
    eventually("the pair has formed", || {
        first
            .get("/api/v2/status")
            .body
            .matches("\"address\"")
            .count()
            >= 2
    });
    let id = am(
        &first.url(),
        &[
            "alerts",
            "silence",
            "add",
            "Replicated",
            "-d",
            "1h",
            "-c",
            "ha",
        ],
    )
    .code(0)
    .stdout
    .trim()
    .to_owned();
    eventually("the silence reached the second member", || {
        ids(&am(&second.url(), &["-q", "alerts", "silence", "ls"])).contains(&id)
    });

    // Both URLs given and the first one dead: reads and writes use the live one, and -v
    // says which was used.
    let dead = "http://127.0.0.1:1";
    let out = ccmon()
        .args([
            "--alertmanager-url",
            dead,
            "--alertmanager-url",
            &second.url(),
        ])
        .args([
            "-v",
            "alerts",
            "silence",
            "add",
            "ViaSecond",
            "-d",
            "1h",
            "-c",
            "failover",
        ])
        .run()
        .code(0)
        .stderr_has(&format!("writing to Alertmanager {}", second.url()));
    let second_id = out.stdout.trim().to_owned();
    eventually("the failover silence reached the first member", || {
        state_of(&first, &second_id) == "active"
    });
    ccmon()
        .args([
            "--alertmanager-url",
            dead,
            "--alertmanager-url",
            &first.url(),
        ])
        .args(["-v", "alerts", "silence", "ls", "alertname=ViaSecond"])
        .run()
        .code(0)
        .stdout_has(&second_id)
        .stderr_has(&format!("read from Alertmanager {}", first.url()));

    am(&first.url(), &["alerts", "status"])
        .code(0)
        .stdout_has("cluster")
        .stdout_has(&second.cluster_addr().unwrap().to_string());
}

#[test]
fn alerts_ls_by_state_group_and_receiver() {
    let server = Alertmanager::builder()
        .config(
            "\
route:
  receiver: 'null'
  group_by: [alertname]
  routes:
    - receiver: pager
      matchers: [severity=\"P0\"]
receivers:
  - name: 'null'
  - name: pager
",
        )
        .start();
    let url = server.url();
    fire(
        &server,
        &[
            ("alertname", "DiskFull"),
            ("severity", "P0"),
            ("host", "db-1"),
        ],
        "disk 99% on db-1",
    );
    fire(
        &server,
        &[
            ("alertname", "DiskFull"),
            ("severity", "P2"),
            ("host", "db-2"),
        ],
        "disk 91% on db-2",
    );
    fire(
        &server,
        &[("alertname", "Latency"), ("severity", "P2")],
        "p99 over 2s",
    );
    eventually("three active alerts", || {
        am(&url, &["-q", "alerts", "ls"]).stdout.lines().count() == 3
    });
    am(&url, &["alerts", "ls"])
        .code(0)
        .stdout_has("ALERTNAME")
        .stdout_has("DiskFull")
        .stdout_has("disk 99% on db-1")
        .stdout_has("active");
    let wide = am(&url, &["-o", "wide", "alerts", "ls", "DiskFull"]).code(0);
    assert!(
        wide.stdout.contains("host=\"db-1\"") && !wide.stdout.contains("Latency"),
        "{wide}"
    );
    let by_receiver = am(&url, &["-o", "json", "alerts", "ls", "--receiver", "pager"]).code(0);
    let alerts = json(&by_receiver.stdout);
    assert_eq!(alerts.as_array().map(Vec::len), Some(1), "{by_receiver}");
    assert_eq!(alerts[0]["labels"]["host"], "db-1");

    // Silence one: it leaves the default (active) list and shows with --silenced.
    am(
        &url,
        &[
            "alerts", "silence", "add", "Latency", "-d", "1h", "-c", "known",
        ],
    )
    .code(0);
    eventually("the silenced alert leaves the active list", || {
        !am(&url, &["alerts", "ls"]).stdout.contains("Latency")
    });
    am(&url, &["alerts", "ls", "--silenced"])
        .code(0)
        .stdout_has("Latency")
        .stdout_has("silenced");

    let grouped = am(&url, &["alerts", "ls", "--group"]).code(0);
    assert!(
        grouped
            .stdout
            .contains("{alertname=\"DiskFull\"} (1) → 'null'")
            || grouped
                .stdout
                .contains("{alertname=\"DiskFull\"} (1) → null"),
        "{grouped}"
    );
    assert!(grouped.stdout.contains("→ pager"), "{grouped}");
    let by_severity = am(&url, &["-o", "json", "alerts", "ls", "--group=severity"]).code(0);
    let groups = json(&by_severity.stdout);
    assert_eq!(groups[0]["labels"]["severity"], "P0");
    assert_eq!(groups[1]["alerts"].as_array().map(Vec::len), Some(1));
}

#[test]
fn unreachable_and_http_errors_name_the_url() {
    // Nothing listens on port 1; the password in the URL must never be printed.
    let out = am(
        "http://ops:hunter2-secret@127.0.0.1:1",
        &["alerts", "silence", "ls"],
    )
    .code(3)
    .stderr_has("127.0.0.1:1")
    .nowhere("hunter2-secret");
    drop(out);
    am(
        "http://127.0.0.1:1",
        &["alerts", "silence", "add", "X", "-d", "1h", "-c", "x"],
    )
    .code(3)
    .stderr_has("cannot reach http://127.0.0.1:1/api/v2/status");
    let both = ccmon()
        .args([
            "--alertmanager-url",
            "http://127.0.0.1:1",
            "--alertmanager-url",
            "http://127.0.0.1:2",
        ])
        .args(["alerts", "ls"])
        .run()
        .code(3);
    assert!(
        both.stderr
            .contains("no Alertmanager answered (tried http://127.0.0.1:1/, http://127.0.0.1:2/)"),
        "{both}"
    );

    // A wrong path prefix: the server answers 404; show status, URL and a hint.
    let server = Alertmanager::start();
    am(&format!("{}/wrong", server.url()), &["alerts", "status"])
        .code(2)
        .stderr_has("HTTP 404")
        .stderr_has(&format!("{}/wrong/api/v2/status", server.url()))
        .stderr_has("hint:");
}

#[test]
fn expire_by_matchers_and_yaml_round_trip() {
    let server = Alertmanager::start();
    let url = server.url();
    let mut db = Vec::new();
    for host in ["db-1", "db-2"] {
        let matcher = format!("host={host}");
        let out = am(
            &url,
            &[
                "alerts", "silence", "add", "DiskFull", &matcher, "-d", "1h", "-c", "swap",
            ],
        )
        .code(0);
        db.push(out.stdout.trim().to_owned());
    }
    let other = am(
        &url,
        &[
            "alerts", "silence", "add", "Latency", "-d", "1h", "-c", "known",
        ],
    )
    .code(0)
    .stdout
    .trim()
    .to_owned();

    // YAML out, YAML in: the list form of DESIGN.md section 4 round-trips too.
    let yaml = am(&url, &["-o", "yaml", "alerts", "silence", "ls"])
        .code(0)
        .stdout;
    let copy = Alertmanager::start();
    am_stdin(&copy.url(), &["alerts", "silence", "import", "-"], &yaml)
        .code(0)
        .stderr_has("imported 3");

    // Not a terminal: no question, and exactly the silences that have the matcher go.
    let out = am(
        &url,
        &[
            "alerts",
            "silence",
            "expire",
            "--matching",
            "alertname=DiskFull",
        ],
    )
    .code(0);
    let mut expired = ids(&out);
    expired.sort();
    db.sort();
    assert_eq!(expired, db, "{out}");
    assert_eq!(state_of(&server, &other), "active");
    assert!(db.iter().all(|id| state_of(&server, id) == "expired"));
    am(
        &url,
        &[
            "alerts",
            "silence",
            "expire",
            "--yes",
            "--matching",
            "alertname=Nothing",
        ],
    )
    .code(0)
    .stderr_has("no active or pending silence");
}

/// A process killed and reaped on drop.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new(find_program(&["openssl"]))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("running openssl (Debian package openssl)");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn tls_with_the_context_ca_and_a_clear_error_without_it() {
    // A private CA and a server certificate for 127.0.0.1, served by Alertmanager's own
    // web config, as behind an internal PKI.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_ca_server_and_client_certificates(d);
    std::fs::write(
        d.join("web.yml"),
        "tls_server_config:\n  cert_file: srv.crt\n  key_file: srv.key\n",
    )
    .unwrap();
    let port = free_port();
    let _server = alertmanager_with_web_config(d, port);
    let url = format!("https://127.0.0.1:{port}");
    let config = d.join("config.yaml");
    std::fs::write(
        &config,
        format!("current_context: pki\ncontexts:\n  pki:\n    alertmanager: {url}\n    tls:\n      ca_file: ca.crt\n"),
    )
    .unwrap();
    let with_ca = || {
        ccmon()
            .args(["--config"])
            .args([&config])
            .args(["alerts", "status"])
            .run()
    };
    eventually("Alertmanager answers over TLS", || with_ca().code == 0);
    with_ca().code(0).stdout_has("version");

    // Without the CA: exit 3, the URL, the reason and what to do.
    am(&url, &["alerts", "status"])
        .code(3)
        .stderr_has(&format!("cannot reach {url}/api/v2/status"))
        .stderr_has("UnknownIssuer")
        .stderr_has("ca_file");
}

/// Runs ccmon under `script`, so stdin and stderr are a terminal, feeding `answer`.
fn on_a_terminal(args: &[&str], answer: &str) -> (i32, String) {
    let line = std::iter::once(crate::util::ccmon_bin().display().to_string())
        .chain(args.iter().map(|a| format!("'{a}'")))
        .collect::<Vec<_>>()
        .join(" ");
    let home = tempfile::tempdir().expect("temp HOME");
    let mut child = Command::new(find_program(&["script"]))
        .args(["-qec", &line, "/dev/null"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("running script (Debian package bsdutils)");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("piped stdin");
        stdin.write_all(answer.as_bytes()).expect("answering");
    }
    let out = child.wait_with_output().expect("waiting for script");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn expire_matching_asks_on_a_terminal() {
    let server = Alertmanager::start();
    let url = server.url();
    let id = am(
        &url,
        &["alerts", "silence", "add", "Asked", "-d", "1h", "-c", "t"],
    )
    .code(0)
    .stdout
    .trim()
    .to_owned();
    let args = [
        "--alertmanager-url",
        &url,
        "alerts",
        "silence",
        "expire",
        "--matching",
        "alertname=Asked",
    ];
    let (code, text) = on_a_terminal(&args, "n\n");
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains(&id) && text.contains("expire this silence? [y/N]"),
        "{text}"
    );
    assert!(text.contains("not confirmed"), "{text}");
    assert_eq!(state_of(&server, &id), "active");
    let (code, text) = on_a_terminal(&args, "y\n");
    assert_eq!(code, 0, "{text}");
    assert_eq!(state_of(&server, &id), "expired");
}

#[test]
fn a_hung_peer_costs_one_timeout_then_the_next_one_answers() {
    let mut first = Alertmanager::builder().cluster().start();
    let second = Alertmanager::builder()
        .peer(first.cluster_addr().expect("gossip address"))
        .start();
    let id = am(
        &second.url(),
        &[
            "alerts",
            "silence",
            "add",
            "Hung",
            "-d",
            "1h",
            "-c",
            "fault test",
        ],
    )
    .code(0)
    .stdout
    .trim()
    .to_owned();
    // SIGSTOP: the kernel still accepts connections, but nothing answers.
    first.pause();
    let started = Instant::now();
    let out = ccmon()
        .args(["--timeout", "2s"])
        .args([
            "--alertmanager-url",
            &first.url(),
            "--alertmanager-url",
            &second.url(),
        ])
        .args(["-q", "alerts", "silence", "ls"])
        .run()
        .code(0);
    assert!(ids(&out).contains(&id), "{out}");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    // Only the hung peer configured: exit 3 after the timeout, naming it.
    am(&first.url(), &["--timeout", "1s", "alerts", "status"])
        .code(3)
        .stderr_has(&format!("cannot reach {}/api/v2/status", first.url()));
    first.resume();
}

/// A private CA with a server certificate for 127.0.0.1 and a client certificate, in `d`.
fn write_ca_server_and_client_certificates(d: &Path) {
    openssl(
        d,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.crt",
            "-days",
            "2",
            "-subj",
            "/CN=ccmon-it-ca",
        ],
    );
    for (name, usage) in [("srv", "serverAuth"), ("client", "clientAuth")] {
        openssl(
            d,
            &[
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                &format!("{name}.key"),
                "-out",
                &format!("{name}.csr"),
                "-subj",
                &format!("/CN={name}"),
            ],
        );
        std::fs::write(
            d.join(format!("{name}.cnf")),
            format!(
                "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage={usage}\n"
            ),
        )
        .unwrap();
        openssl(
            d,
            &[
                "x509",
                "-req",
                "-in",
                &format!("{name}.csr"),
                "-CA",
                "ca.crt",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                &format!("{name}.crt"),
                "-days",
                "2",
                "-extfile",
                &format!("{name}.cnf"),
            ],
        );
    }
}

/// A null-routing Alertmanager in `d` on `port`, serving with `d/web.yml` (its own TLS and
/// auth settings); the caller waits for it to answer.
fn alertmanager_with_web_config(d: &Path, port: u16) -> KillOnDrop {
    std::fs::write(
        d.join("am.yml"),
        "route:\n  receiver: 'null'\nreceivers:\n  - name: 'null'\n",
    )
    .unwrap();
    KillOnDrop(
        Command::new(find_program(&["prometheus-alertmanager", "alertmanager"]))
            .current_dir(d)
            .args([
                "--config.file=am.yml".to_owned(),
                "--storage.path=am-data".to_owned(),
                format!("--web.listen-address=127.0.0.1:{port}"),
                "--web.config.file=web.yml".to_owned(),
                "--cluster.listen-address=".to_owned(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting prometheus-alertmanager"),
    )
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

#[test]
fn client_certificates_and_basic_auth_against_the_servers_own_web_config() {
    // Both servers require a client certificate from the private CA and a bcrypt-checked
    // password (their own --web.config.file, as in a locked-down production setup).
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_ca_server_and_client_certificates(d);
    // bcrypt of "s3cret-pass" (htpasswd -nbBC 10 ops s3cret-pass).
    std::fs::write(
        d.join("web.yml"),
        "tls_server_config:\n  cert_file: srv.crt\n  key_file: srv.key\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\nbasic_auth_users:\n  ops: $2y$10$Z7DwP5A7lDbvkF39XatHp.YPLA0F5FoiGPaOcADaLAMw6vv6XrsYS\n",
    )
    .unwrap();
    std::fs::write(d.join("prom.yml"), "global:\n  scrape_interval: 1m\n").unwrap();
    std::fs::write(d.join("pass.txt"), "s3cret-pass\n").unwrap();
    std::fs::write(d.join("wrong.txt"), "not-the-pass\n").unwrap();
    let (am_port, prom_port) = (free_port(), free_port());
    let _am = alertmanager_with_web_config(d, am_port);
    let _prom = KillOnDrop(
        Command::new(find_program(&["prometheus"]))
            .current_dir(d)
            .args([
                "--config.file=prom.yml".to_owned(),
                "--storage.tsdb.path=prom-data".to_owned(),
                format!("--web.listen-address=127.0.0.1:{prom_port}"),
                "--web.config.file=web.yml".to_owned(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting prometheus"),
    );
    let context = |name: &str, password: &str, client_cert: bool| {
        let cert = if client_cert {
            "\n      cert_file: client.crt\n      key_file: client.key"
        } else {
            ""
        };
        format!(
            "  {name}:\n    prometheus: https://127.0.0.1:{prom_port}\n    alertmanager: https://127.0.0.1:{am_port}\n    basic_auth: {{username: ops, password_file: {password}}}\n    tls:\n      ca_file: ca.crt{cert}\n"
        )
    };
    let config = d.join("config.yaml");
    std::fs::write(
        &config,
        format!(
            "current_context: secure\ncontexts:\n{}{}{}",
            context("secure", "pass.txt", true),
            context("nocert", "pass.txt", false),
            context("wrongpass", "wrong.txt", true),
        ),
    )
    .unwrap();
    let run = |context: &str, args: &[&str]| {
        ccmon()
            .args(["--config"])
            .args([&config])
            .args(["--context", context])
            .args(args)
            .run()
    };
    eventually("both servers answer over mutual TLS", || {
        run("secure", &["alerts", "status"]).code == 0
            && run("secure", &["query", "vector(1)"]).code == 0
    });
    let out = run("secure", &["-vv", "query", "vector(7)", "-o", "json"]).code(0);
    assert!(out.stdout.contains('7'), "{out}");
    assert!(
        !out.stdout.contains("s3cret") && !out.stderr.contains("s3cret"),
        "{out}"
    );
    run("secure", &["alerts", "status"])
        .code(0)
        .stdout_has("version");

    // No client certificate: the handshake fails, and ccmon says where.
    let out = run("nocert", &["query", "vector(1)"]);
    assert_ne!(out.code, 0, "{out}");
    assert!(
        out.stderr.contains(&format!("127.0.0.1:{prom_port}")),
        "{out}"
    );
    assert!(
        out.stderr.contains("tls.cert_file and tls.key_file"),
        "{out}"
    );
    // A wrong password: the server's 401, not a crash or a hang.
    let out = run("wrongpass", &["alerts", "status"]);
    assert_ne!(out.code, 0, "{out}");
    assert!(out.stderr.contains("401"), "{out}");
    assert!(!out.stderr.contains("not-the-pass"), "{out}");
}

#[test]
fn alerts_ls_shows_control_characters_in_labels_and_annotations_as_escapes() {
    let server = Alertmanager::start();
    let url = server.url();
    fire(
        &server,
        &[
            ("alertname", "Esc\u{1b}]0;PWNED\u{7}"),
            ("severity", "P1\u{1b}[2J"),
            ("host", "h\u{9b}31m"),
        ],
        "disk \u{1b}]0;PWNED\u{7} full\u{1b}c",
    );
    eventually("the alert is listed", || {
        am(&url, &["-q", "alerts", "ls"]).stdout.lines().count() == 1
    });
    for format in ["table", "wide"] {
        let out = am(&url, &["-o", format, "alerts", "ls"]).code(0);
        assert!(
            !out.stdout.contains('\u{1b}')
                && !out.stdout.contains('\u{7}')
                && !out.stdout.contains('\u{9b}'),
            "a raw control character reached stdout\n{out}"
        );
        assert!(out.stdout.contains(r"Esc\x1b]0;PWNED\x07"), "{out}");
        assert!(out.stdout.contains(r"P1\x1b[2J"), "{out}");
        assert!(out.stdout.contains(r"disk \x1b]0;PWNED\x07 full"), "{out}");
    }
    let grouped = am(&url, &["alerts", "ls", "--group"]).code(0);
    assert!(!grouped.stdout.contains('\u{1b}'), "{grouped}");
    // JSON keeps the values exact, escaped the JSON way.
    let out = am(&url, &["-o", "json", "alerts", "ls"]).code(0);
    assert!(!out.stdout.contains('\u{1b}'), "{out}");
    assert_eq!(
        json(&out.stdout)[0]["annotations"]["summary"],
        "disk \u{1b}]0;PWNED\u{7} full\u{1b}c"
    );
}
