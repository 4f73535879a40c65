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
use crate::support::process::{find_program, free_port};
use crate::support::redis::openssl;
use crate::util::{Output, ccmon, eventually};

/// A fresh Alertmanager and its URL.
fn alertmanager() -> (Alertmanager, String) {
    let server = Alertmanager::start();
    let url = server.url();
    (server, url)
}

/// `ccmon --alertmanager-url URL ARGS...`.
fn am(url: &str, args: &[&str]) -> Output {
    ccmon().args(["--alertmanager-url", url]).args(args).run()
}

/// `ccmon --alertmanager-url URL alerts silence add ARGS...`.
fn silence_add(url: &str, args: &[&str]) -> Output {
    am(url, &[&["alerts", "silence", "add"], args].concat())
}

/// Adds a silence through ccmon and returns its id, which `silence add` prints.
fn new_silence(url: &str, args: &[&str]) -> String {
    silence_add(url, args).code(0).stdout.trim().to_owned()
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
    let (server, url) = alertmanager();
    let id = new_silence(
        &url,
        &[
            "InstanceDown",
            "instance=~db-.*",
            "--duration",
            "2h",
            "--comment",
            "disk swap",
            "--author",
            "ops",
        ],
    );
    assert_eq!(state_of(&server, &id), "active");

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
    let (server, url) = alertmanager();
    // (arguments, what stderr must say)
    let refused: [(&[&str], &[&str]); 7] = [
        (
            &["alertname=~.*", "-d", "1h", "-c", "oops"],
            &["matches every alert", "--force"],
        ),
        (
            &["severity!=critical", "-d", "1h", "-c", "x"],
            &["matches every alert"],
        ),
        (
            &["job=~api(", "-d", "1h", "-c", "x"],
            &["invalid matcher", "^"],
        ),
        (&["job==api", "-d", "1h", "-c", "x"], &["job==api\n      ^"]),
        (&["job=api", "-d", "1h"], &[]),
        (&["job=api", "-d", "0", "-c", "x"], &["more than zero"]),
        (
            &["job=api", "-d", "1x", "-c", "x"],
            &["invalid --duration", "  1x\n   ^"],
        ),
    ];
    for (args, said) in refused {
        let out = silence_add(&url, args).code(2);
        for needle in said {
            assert!(out.stderr.contains(needle), "{args:?}: {needle:?}\n{out}");
        }
    }
    assert!(
        api_silences(&server).is_empty(),
        "nothing may have been created"
    );

    // Alertmanager itself refuses only matchers that all match the empty string;
    // `alertname=~.+` passes there but still matches every alert, so ccmon wants --force.
    silence_add(&url, &["alertname=~.+", "-d", "1h", "-c", "all"])
        .code(2)
        .stderr_has("matches every alert");
    let forced = silence_add(&url, &["alertname=~.+", "-d", "1h", "-c", "all", "--force"]).code(0);
    assert_eq!(state_of(&server, forced.stdout.trim()), "active");

    // --start/--end: a pending silence, listed with the active ones.
    let pending = silence_add(
        &url,
        &["Batch", "--start", "+1h", "--end", "+3h", "-c", "later"],
    )
    .code(0);
    assert_eq!(state_of(&server, pending.stdout.trim()), "pending");
}

#[test]
fn amtool_and_ccmon_see_the_same_silences() {
    let (_server, url) = alertmanager();

    // ccmon adds, amtool lists the same matchers, author and comment.
    let id = new_silence(
        &url,
        &[
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
    );
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
        silence_add(&src, &[name, regex, "-d", "2h", "-c", name]).code(0);
    }
    let exported = am(&src, &["-o", "json", "alerts", "silence", "ls"])
        .code(0)
        .stdout;

    // ccmon's JSON into ccmon on another cluster: IDs unknown there, so new silences.
    am_stdin(&dst, &["alerts", "silence", "import", "-"], &exported)
        .code(0)
        .stderr_has(
            "imported 2, skipped 0 (0 already expired, 0 identical to a silence), failed 0",
        );
    // Again: the IDs are still unknown there, but the silences are the same ones.
    am_stdin(&dst, &["alerts", "silence", "import", "-"], &exported)
        .code(0)
        .stderr_has(
            "imported 0, skipped 2 (0 already expired, 2 identical to a silence), failed 0",
        );
    assert_eq!(api_silences(&target).len(), 2);
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
    let (server, url) = alertmanager();
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
        .stderr_has(
            "imported 1, skipped 1 (1 already expired, 0 identical to a silence), failed 1",
        );
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
    let (first, second) = Alertmanager::ha_pair();
    eventually("the pair has formed", || {
        first
            .get("/api/v2/status")
            .body
            .matches("\"address\"")
            .count()
            >= 2
    });
    let id = new_silence(&first.url(), &["Replicated", "-d", "1h", "-c", "ha"]);
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
    silence_add(&url, &["Latency", "-d", "1h", "-c", "known"]).code(0);
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
    silence_add("http://127.0.0.1:1", &["X", "-d", "1h", "-c", "x"])
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
    let (server, url) = alertmanager();
    let mut db = Vec::new();
    for host in ["db-1", "db-2"] {
        let matcher = format!("host={host}");
        db.push(new_silence(
            &url,
            &["DiskFull", &matcher, "-d", "1h", "-c", "swap"],
        ));
    }
    let other = new_silence(&url, &["Latency", "-d", "1h", "-c", "known"]);

    // YAML out, YAML in: the list form of docs/architecture.md section 6 round-trips too.
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

/// A temp dir with a private CA, server and client certificates signed by it, and
/// `web.yml` holding `web_config` for the servers' own `--web.config.file`.
fn pki_with_web_config(web_config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    write_ca_server_and_client_certificates(dir.path());
    std::fs::write(dir.path().join("web.yml"), web_config).expect("write web.yml");
    dir
}

#[test]
fn tls_with_the_context_ca_and_a_clear_error_without_it() {
    // A private CA and a server certificate for 127.0.0.1, served by Alertmanager's own
    // web config, as behind an internal PKI.
    let dir =
        pki_with_web_config("tls_server_config:\n  cert_file: srv.crt\n  key_file: srv.key\n");
    let d = dir.path();
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
    let (server, url) = alertmanager();
    let id = new_silence(&url, &["Asked", "-d", "1h", "-c", "t"]);
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
    let (mut first, second) = Alertmanager::ha_pair();
    let id = new_silence(&second.url(), &["Hung", "-d", "1h", "-c", "fault test"]);
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

#[test]
fn client_certificates_and_basic_auth_against_the_servers_own_web_config() {
    // Both servers require a client certificate from the private CA and a bcrypt-checked
    // password (their own --web.config.file, as in a locked-down production setup).
    // bcrypt of "s3cret-pass" (htpasswd -nbBC 10 ops s3cret-pass).
    let dir = pki_with_web_config(
        "tls_server_config:\n  cert_file: srv.crt\n  key_file: srv.key\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\nbasic_auth_users:\n  ops: $2y$10$Z7DwP5A7lDbvkF39XatHp.YPLA0F5FoiGPaOcADaLAMw6vv6XrsYS\n",
    );
    let d = dir.path();
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

/// Fingerprints of the alerts the server reports as silenced by `id`.
fn silenced_by(server: &Alertmanager, id: &str) -> std::collections::BTreeSet<String> {
    let all = json(&server.get("/api/v2/alerts").body);
    all.as_array()
        .into_iter()
        .flatten()
        .filter(|a| {
            a["status"]["silencedBy"]
                .as_array()
                .is_some_and(|ids| ids.iter().any(|s| s == id))
        })
        .filter_map(|a| a["fingerprint"].as_str().map(str::to_owned))
        .collect()
}

/// Fires alerts whose labels exercise each matcher form: anchoring, absent and empty
/// labels, quoting, case, and a non-ASCII digit that Go's `\d` does not match.
fn fire_matcher_corpus(server: &Alertmanager) {
    fire(
        server,
        &[
            ("alertname", "Disk"),
            ("instance", "db-1:9100"),
            ("severity", "P1"),
            ("team", "db"),
        ],
        "disk on db-1",
    );
    fire(
        server,
        &[
            ("alertname", "Disk"),
            ("instance", "db-10:9100"),
            ("severity", "P2"),
        ],
        "disk on db-10",
    );
    fire(
        server,
        &[
            ("alertname", "CPU"),
            ("instance", "web-1"),
            ("severity", "p1"),
            ("team", "web"),
            ("code", "٣"),
        ],
        "cpu on web-1",
    );
    fire(
        server,
        &[
            ("alertname", "Watchdog"),
            ("severity", "none"),
            ("msg", "say \"hi\", a b {c}"),
            ("code", "7"),
        ],
        "always firing",
    );
    eventually("four alerts", || {
        json(&server.get("/api/v2/alerts").body)
            .as_array()
            .map(Vec::len)
            == Some(4)
    });
}

#[test]
fn the_preview_lists_exactly_what_the_silence_then_mutes() {
    let (server, url) = alertmanager();
    fire_matcher_corpus(&server);
    let forms: &[&[&str]] = &[
        &["Disk"],
        &["instance=db-1:9100"],
        &["Disk", "severity!=P1"],
        &["instance=~db-1.*"],
        &["instance=~db-1"],
        &["instance=~\"db-1:9100|web-1\""],
        &["alertname=~.+", "instance!~\"db-.*\""],
        &["alertname=~.+", "team=\"\""],
        &["alertname=~.+", "team!=\"\""],
        &["alertname=~\"Disk|CPU\"", "team=~\".*\""],
        &["alertname=~.+", "team=~\"db|\""],
        &["code=~\"\\d\""],
        &["code=~\"[^0-9]\""],
        &["msg=\"say \\\"hi\\\", a b {c}\""],
        &["severity=~p1"],
        &["severity=~\"(?i)p1\""],
        &["alertname=~Dis"],
        &["alertname=~\"Dis.*|W.*g\"", "severity!~\"P.\""],
        &["msg=~\".*{c}\""],
        &["alertname=~\\QDisk\\E"],
        &["instance=~\"[\\w-]+:\\d{4}\""],
    ];
    for form in forms {
        let preview = silence_add(&url, &[*form, &["--dry-run", "-o", "json"]].concat()).code(0);
        let previewed: std::collections::BTreeSet<String> = json(&preview.stdout)
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| a["fingerprint"].as_str().map(str::to_owned))
            .collect();
        assert!(
            preview.stderr.contains("nothing was created"),
            "{form:?}: {preview}"
        );
        let added =
            silence_add(&url, &[*form, &["-d", "1h", "-c", "cross-check"]].concat()).code(0);
        let id = added.stdout.trim();
        let muted = silenced_by(&server, id);
        assert_eq!(
            previewed, muted,
            "{form:?}: preview vs Alertmanager\n{preview}"
        );
        let n = muted.len();
        if n == 0 {
            assert!(
                added.stderr.contains("warning: the silence mutes no alert"),
                "{form:?}: {added}"
            );
        } else {
            let noun = if n == 1 { "alert" } else { "alerts" };
            assert!(
                added
                    .stderr
                    .contains(&format!("the silence mutes {n} {noun} now")),
                "{form:?}: {added}"
            );
        }
    }
    // The forms above are not all trivial: together they hit every alert, and some none.
    assert_eq!(api_silences(&server).len(), forms.len());
}

#[test]
fn a_silence_that_mutes_nothing_suggests_the_closest_value() {
    let (server, url) = alertmanager();
    fire_matcher_corpus(&server);
    let preview = silence_add(&url, &["Disk", "instance=db-1:910", "--dry-run"])
        .code(0)
        .stderr_has("no alerts match")
        .stderr_has("would mute no alert now (of 4 alerts)")
        .stderr_has(
            "hint: no alert matches instance=\"db-1:910\"; did you mean instance=\"db-1:9100\"?",
        );
    assert!(api_silences(&server).is_empty(), "{preview}");
    silence_add(
        &url,
        &["Disk", "instanse=db-1:9100", "-d", "1h", "-c", "typo"],
    )
    .code(0)
    .stderr_has("warning: the silence mutes no alert")
    .stderr_has("did you mean \"instance\"?");
    // The table is `alerts ls`'s; a match-all preview still shows, with the refusal.
    silence_add(&url, &["Disk", "--dry-run"])
        .code(0)
        .stdout_has("ALERTNAME")
        .stdout_has("disk on db-10")
        .stderr_has("would mute 2 alerts now");
    silence_add(&url, &["Disk", "--start", "+1h", "--dry-run"])
        .code(0)
        .stderr_has("the silence starts at ")
        .stderr_has("; it would mute 2 alerts of those firing now; nothing was created");
    silence_add(&url, &["alertname=~.+", "--dry-run"])
        .code(0)
        .stdout_has("Watchdog")
        .stderr_has("would mute 4 alerts")
        .stderr_has("warning: without --dry-run: refusing");
}

#[test]
fn silence_ls_counts_what_each_silence_mutes_and_alerts_ls_lists_them() {
    let (server, url) = alertmanager();
    fire_matcher_corpus(&server);
    let add = |args: &[&str]| new_silence(&url, &[args, &["-d", "1h", "-c", "count me"]].concat());
    let disk = add(&["Disk"]);
    let db1 = add(&["instance=db-1:9100"]);
    let none = add(&["NoSuchAlert"]);
    let table = am(&url, &["alerts", "silence", "ls"]).code(0);
    let row = |id: &str| -> Vec<String> {
        table
            .stdout
            .lines()
            .find(|l| l.contains(id))
            .unwrap_or_else(|| panic!("no row for {id}:\n{table}"))
            .split_whitespace()
            .map(str::to_owned)
            .collect()
    };
    assert!(table.stdout.contains("MUTES"), "{table}");
    // ID, MATCHERS (one word each here), MUTES.
    assert_eq!(row(&disk)[2], "2", "{table}");
    assert_eq!(row(&db1)[2], "1", "{table}");
    assert_eq!(row(&none)[2], "0", "{table}");
    // JSON stays the API's array, importable as is.
    let listed = json(
        &am(&url, &["-o", "json", "alerts", "silence", "ls"])
            .code(0)
            .stdout,
    );
    assert!(listed[0].get("mutes").is_none(), "{listed}");

    let by_disk = json(
        &am(
            &url,
            &["-o", "json", "alerts", "ls", "--silenced-by", &disk],
        )
        .code(0)
        .stdout,
    );
    let fingerprints: std::collections::BTreeSet<String> = by_disk
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["fingerprint"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(fingerprints, silenced_by(&server, &disk));
    assert_eq!(fingerprints.len(), 2);
    am(&url, &["alerts", "ls", "--silenced-by", &db1])
        .code(0)
        .stdout_has("disk on db-1")
        .nowhere("disk on db-10");
    am(&url, &["alerts", "ls", "--silenced-by", &none, "--group"])
        .code(0)
        .stderr_has("no alerts match");
}

/// Reference routing cases beyond the scaffold's: legacy `match`/`match_re`, several
/// matchers in one string and in braces, nested `continue`, inherited receivers, an
/// anchored regex, an empty-value matcher and `group_by: ['...']`.
const ROUTING_REFERENCE: &str = "\
route:
  receiver: fallback
  group_by: [alertname]
  routes:
    - receiver: db
      match: {team: db}
      continue: true
      group_by: ['...']
      routes:
        - receiver: db-page
          match_re: {severity: 'P[01]'}
        - match: {env: staging}
        - receiver: db-quiet
          matchers: ['{severity=\"P3\", env!=\"\"}']
    - receiver: platform
      matchers: ['team=~\"d.*|platform\"', 'region!~\"eu-.*\"']
      continue: true
    - receiver: eu
      matchers: ['region=~\"eu-.*\"', 'x=\"a,b\"']
    - receiver: unowned
      matchers: ['team=\"\"']
receivers:
  - name: fallback
  - name: db
  - name: db-page
  - name: db-quiet
  - name: platform
  - name: eu
  - name: unowned
";

fn scaffold_alertmanager_yml() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("monitoring/alertmanager.yml");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Label sets for both configs: every route of each reached at least once.
const ROUTING_CASES: &[&str] = &[
    "severity=P0 category=agents",
    "severity=P1 category=datastore",
    "severity=P2 category=agents",
    "severity=P2 category=host",
    "severity=P3 category=health",
    "severity=P3 category=agents",
    "alertname=Unlabelled",
    "severity=P9",
    "team=db severity=P0",
    "team=db severity=P00",
    "team=db env=staging",
    "team=db severity=P3 env=prod",
    "team=db severity=P3",
    "team=db region=eu-west x=a,b",
    "team=platform region=us-east",
    "team=dba region=eu-1 x=a,b",
    "region=eu-west x=a,b",
    "region=eu-west",
    "",
];

/// What `ccmon alerts routes test` resolves, comma-joined like amtool.
fn ccmon_receivers(url: &str, config: Option<&Path>, labels: &str) -> String {
    let mut args = vec![
        "-o".to_owned(),
        "json".to_owned(),
        "alerts".into(),
        "routes".into(),
        "test".into(),
    ];
    if let Some(path) = config {
        args.push(format!("--config-file={}", path.display()));
    }
    args.extend(labels.split_whitespace().map(str::to_owned));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = am(url, &args).code(0);
    let v = json(&out.stdout);
    v["receivers"]
        .as_array()
        .unwrap_or_else(|| panic!("no receivers: {out}"))
        .iter()
        .map(|r| r.as_str().unwrap_or("?").to_owned())
        .collect::<Vec<_>>()
        .join(",")
}

#[test]
fn routes_test_agrees_with_amtool_from_a_file_and_from_the_live_alertmanager() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, config) in [
        ("scaffold", scaffold_alertmanager_yml()),
        ("reference", ROUTING_REFERENCE.to_owned()),
    ] {
        let file = dir.path().join(format!("{name}.yml"));
        std::fs::write(&file, &config).expect("writing the config");
        let server = Alertmanager::builder().config(config.clone()).start();
        let url = server.url();
        for labels in ROUTING_CASES {
            let label_args: Vec<&str> = labels.split_whitespace().collect();
            let mut from_file = vec!["config", "routes", "test"];
            let flag = format!("--config.file={}", file.display());
            from_file.push(&flag);
            from_file.extend(&label_args);
            let (code, want_file, err) = amtool(&url, &from_file, None);
            assert_eq!(code, 0, "{name} {labels}: amtool: {err}");
            let mut live = vec!["config", "routes", "test"];
            live.extend(&label_args);
            let (code, want_live, err) = amtool(&url, &live, None);
            assert_eq!(code, 0, "{name} {labels}: amtool (live): {err}");
            assert_eq!(want_file, want_live, "{name} {labels}: amtool file vs live");
            let got_file = ccmon_receivers(&url, Some(&file), labels);
            let got_live = ccmon_receivers(&url, None, labels);
            assert_eq!(got_file, want_file.trim(), "{name} {labels}: from the file");
            assert_eq!(
                got_live,
                want_file.trim(),
                "{name} {labels}: from the live server"
            );
        }
    }
}

#[test]
fn routes_test_tree_group_and_verify() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("reference.yml");
    std::fs::write(&file, ROUTING_REFERENCE).expect("writing the config");
    let file_arg = format!("--config-file={}", file.display());
    // Nothing listens there: a file needs no Alertmanager.
    let nowhere = "http://127.0.0.1:9";
    let out = am(
        nowhere,
        &[
            "alerts",
            "routes",
            "test",
            &file_arg,
            "--tree",
            "Disk",
            "team=db",
            "severity=P1",
        ],
    )
    .code(0);
    assert!(
        out.stdout
            .contains("├── {team=\"db\"}  continue: true  receiver: db  [matches]"),
        "{out}"
    );
    assert!(
        out.stdout
            .contains("{severity=~\"P[01]\"}  receiver: db-page  [<- receives]"),
        "{out}"
    );
    assert!(out.stdout.contains("receiver: eu  [no match]"), "{out}");
    assert!(out.stdout.contains("receiver: db  [not tried]"), "{out}");
    // group_by ['...'] groups by every label; the root groups by alertname.
    assert!(
        out.stdout
            .contains("{alertname=\"Disk\", severity=\"P1\", team=\"db\"}"),
        "{out}"
    );
    let json_out = json(
        &am(
            nowhere,
            &[
                "-o", "json", "alerts", "routes", "test", &file_arg, "--tree", "x=y",
            ],
        )
        .code(0)
        .stdout,
    );
    assert_eq!(json_out["receivers"], serde_json::json!(["unowned"]));
    assert_eq!(json_out["routes"][0]["group"], serde_json::json!({}));
    assert_eq!(json_out["routes"][0]["route"], "root.routes[3]");
    assert_eq!(json_out["tree"]["outcome"], "matches");
    am(
        nowhere,
        &[
            "alerts",
            "routes",
            "test",
            &file_arg,
            "team=db",
            "--verify-receivers",
            "db",
        ],
    )
    .code(1)
    .stderr_has("the receivers are db,platform, not the expected db");
    am(
        nowhere,
        &["alerts", "routes", "test", &file_arg, "team=~db"],
    )
    .code(2)
    .stderr_has("LABEL=VALUE");
    let broken = dir.path().join("broken.yml");
    std::fs::write(&broken, "route:\n  routes: [{matchers: ['a=~(']}]\n").expect("write");
    am(
        nowhere,
        &[
            "alerts",
            "routes",
            "test",
            &format!("--config-file={}", broken.display()),
        ],
    )
    .code(2)
    .stderr_has("route root.routes[0]");
    // Live, but nobody answers: exit 3 naming the URL.
    am(nowhere, &["alerts", "routes", "test", "x=y"])
        .code(3)
        .stderr_has("127.0.0.1:9");
}

/// `ccmon --config FILE ARGS...`.
fn with_config(config: &Path, args: &[&str]) -> Output {
    ccmon()
        .args(["--config".to_owned(), config.display().to_string()])
        .args(args)
        .run()
}

fn alert_contexts(out: &Output) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = json(&out.stdout)
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| {
            (
                a["context"].as_str().unwrap_or("-").to_owned(),
                a["labels"]["alertname"].as_str().unwrap_or("-").to_owned(),
            )
        })
        .collect();
    found.sort();
    found
}

#[test]
fn several_contexts_merge_count_an_ha_pair_once_and_survive_one_down() {
    // prod: an HA pair, each member fed the same alerts as Prometheus feeds both.
    let (prod_a, prod_b) = Alertmanager::ha_pair();
    let staging = Alertmanager::start();
    for member in [&prod_a, &prod_b] {
        fire(
            member,
            &[("alertname", "DiskFull"), ("severity", "P1")],
            "prod disk",
        );
        fire(
            member,
            &[("alertname", "Latency"), ("severity", "P2")],
            "prod latency",
        );
    }
    fire(
        &staging,
        &[("alertname", "DiskFull"), ("severity", "P3")],
        "staging disk",
    );
    let down = format!("http://127.0.0.1:{}", free_port());
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("config.yaml");
    std::fs::write(
        &config,
        format!(
            "current_context: prod\ncontexts:\n  prod:\n    alertmanager: [{}, {}]\n  prod-b:\n    alertmanager: {}\n  staging:\n    alertmanager: {}\n  dr:\n    alertmanager: {down}\n  db-only:\n    redis: redis://127.0.0.1:1\n",
            prod_a.url(),
            prod_b.url(),
            prod_b.url(),
            staging.url()
        ),
    )
    .expect("writing the config");
    eventually("the pair has formed", || {
        prod_a
            .get("/api/v2/status")
            .body
            .matches("\"address\"")
            .count()
            >= 2
    });
    eventually("every alert is in", || {
        json(&prod_b.get("/api/v2/alerts").body)
            .as_array()
            .map(Vec::len)
            == Some(2)
            && json(&staging.get("/api/v2/alerts").body)
                .as_array()
                .map(Vec::len)
                == Some(1)
    });

    let ls_prod_and_staging = || {
        with_config(
            &config,
            &["-o", "json", "alerts", "ls", "--context", "prod,staging"],
        )
        .code(0)
    };
    let merged = ls_prod_and_staging();
    assert_eq!(
        alert_contexts(&merged),
        [
            ("prod".to_owned(), "DiskFull".to_owned()),
            ("prod".to_owned(), "Latency".to_owned()),
            ("staging".to_owned(), "DiskFull".to_owned()),
        ],
        "{merged}"
    );
    let table = with_config(&config, &["alerts", "ls", "--context", "staging,prod"]).code(0);
    assert!(table.stdout.starts_with("CONTEXT"), "{table}");
    assert!(table.stdout.contains("staging disk"), "{table}");

    // Every context: dr does not answer, is named on stderr, and the rest still shows;
    // db-only has no Alertmanager and is left out.
    let all = with_config(&config, &["-o", "json", "alerts", "ls", "--all-contexts"]).code(3);
    assert_eq!(alert_contexts(&all).len(), 3, "{all}");
    assert!(all.stderr.contains("error: context dr"), "{all}");
    assert!(all.stderr.contains(&down), "{all}");
    assert!(
        all.stderr.contains("context db-only sets no alertmanager"),
        "{all}"
    );
    // prod-b names the second member of prod's pair: listed once, under prod.
    assert!(
        all.stderr.contains(
            "note: context prod-b reaches the same Alertmanager cluster as context prod; listed once, under prod"
        ),
        "{all}"
    );
    // Named first, the lone member is the one kept; the pair is still counted once.
    let swapped = with_config(
        &config,
        &["-o", "json", "alerts", "ls", "--context", "prod-b,prod"],
    )
    .code(0)
    .stderr_has("context prod reaches the same Alertmanager cluster as context prod-b");
    assert_eq!(alert_contexts(&swapped).len(), 2, "{swapped}");
    let grouped = with_config(&config, &["alerts", "ls", "--all-contexts", "--group"]).code(3);
    assert!(grouped.stdout.contains("prod"), "{grouped}");
    assert!(grouped.stdout.contains("staging"), "{grouped}");
    let by_label = with_config(
        &config,
        &[
            "-o",
            "json",
            "alerts",
            "ls",
            "--all-contexts",
            "--group=alertname",
        ],
    )
    .code(3);
    let groups = json(&by_label.stdout);
    assert_eq!(groups[0]["labels"]["alertname"], "DiskFull");
    assert_eq!(
        groups[0]["alerts"].as_array().map(Vec::len),
        Some(2),
        "{by_label}"
    );

    // Silences: one per cluster, the pair's replicated one counted once.
    let add = |context: &str, name: &str| {
        with_config(
            &config,
            &[
                "--context",
                context,
                "alerts",
                "silence",
                "add",
                name,
                "-d",
                "1h",
                "-c",
                "merge",
            ],
        )
        .code(0)
        .stdout
        .trim()
        .to_owned()
    };
    let prod_id = add("prod", "DiskFull");
    let staging_id = add("staging", "DiskFull");
    eventually("the prod silence replicated", || {
        api_silences(&prod_b)
            .iter()
            .any(|s| s["id"] == prod_id.as_str())
    });
    let silences = with_config(
        &config,
        &["alerts", "silence", "ls", "--context", "prod,staging"],
    )
    .code(0);
    assert!(silences.stdout.starts_with("CONTEXT"), "{silences}");
    assert_eq!(silences.stdout.matches(&prod_id).count(), 1, "{silences}");
    assert_eq!(
        silences.stdout.matches(&staging_id).count(),
        1,
        "{silences}"
    );
    let row = |id: &str| -> Vec<String> {
        silences
            .stdout
            .lines()
            .find(|l| l.contains(id))
            .map(|l| l.split_whitespace().map(str::to_owned).collect())
            .unwrap_or_default()
    };
    assert_eq!(row(&prod_id)[0], "prod");
    assert_eq!(row(&prod_id)[3], "1", "mutes one prod alert: {silences}");
    assert_eq!(row(&staging_id)[0], "staging");
    let listed = with_config(
        &config,
        &["-o", "json", "alerts", "silence", "ls", "--all-contexts"],
    )
    .code(3);
    assert_eq!(listed.stdout.matches("\"context\"").count(), 2, "{listed}");

    // With the first member of the pair gone, prod still answers through the other.
    drop(prod_a);
    let after = ls_prod_and_staging();
    // (Both DiskFull alerts are silenced by now, so only the active one is listed.)
    assert_eq!(
        alert_contexts(&after),
        [("prod".to_owned(), "Latency".to_owned())],
        "{after}"
    );

    // Only reads merge; a URL flag would override every context alike.
    with_config(
        &config,
        &[
            "--context",
            "prod,staging",
            "alerts",
            "silence",
            "add",
            "X",
            "-d",
            "1h",
            "-c",
            "x",
        ],
    )
    .code(2)
    .stderr_has("only by `alerts ls` and `alerts silence ls`");
    with_config(
        &config,
        &[
            "--alertmanager-url",
            &staging.url(),
            "alerts",
            "ls",
            "--all-contexts",
        ],
    )
    .code(2)
    .stderr_has("--alertmanager-url");
    // A context whose own name has a comma is one context, not two.
    let comma = dir.path().join("comma.yaml");
    std::fs::write(
        &comma,
        format!(
            "contexts:\n  \"eu,west\":\n    alertmanager: {}\n",
            staging.url()
        ),
    )
    .expect("writing the config");
    let single = with_config(
        &comma,
        &["alerts", "ls", "--context", "eu,west", "--silenced"],
    )
    .code(0);
    assert!(
        single.stdout.starts_with("ALERTNAME") && single.stdout.contains("staging disk"),
        "{single}"
    );
    with_config(&config, &["alerts", "ls", "--context", "prod,nope"])
        .code(2)
        .stderr_has("no context named \"nope\"");
}

#[test]
fn import_refuses_match_all_entries_and_skips_identical_ones() {
    let (server, url) = alertmanager();
    let file = "\
- comment: maintenance
  createdBy: ops
  endsAt: 2099-01-01T00:00:00Z
  matchers: [{name: alertname, value: Disk}]
- comment: everything
  createdBy: ops
  endsAt: 2099-01-01T00:00:00Z
  matchers: [{name: alertname, value: '.+', isRegex: true}]
";
    am_stdin(&url, &["alerts", "silence", "import", "-"], file)
        .code(1)
        .stderr_has("entry 2: refusing a silence that matches every alert")
        .stderr_has("--force")
        .stderr_has(
            "imported 1, skipped 0 (0 already expired, 0 identical to a silence), failed 1",
        );
    assert_eq!(api_silences(&server).len(), 1);
    // Re-importing the id-less file: the first entry is already there.
    let again = am_stdin(&url, &["alerts", "silence", "import", "--force", "-"], file)
        .code(0)
        .stderr_has(
            "imported 1, skipped 1 (0 already expired, 1 identical to a silence), failed 0",
        );
    let first = api_silences(&server)
        .iter()
        .find(|s| s["comment"] == "maintenance")
        .and_then(|s| s["id"].as_str().map(str::to_owned))
        .unwrap_or_default();
    assert!(
        again.stderr.contains(&format!(
            "skipped: stdin: entry 1: identical to silence {first}"
        )),
        "{again}"
    );
    assert_eq!(api_silences(&server).len(), 2);
    // Once expired, the same entry is imported again.
    am(&url, &["alerts", "silence", "expire", &first]).code(0);
    am_stdin(&url, &["alerts", "silence", "import", "--force", "-"], file)
        .code(0)
        .stderr_has("imported 1, skipped 1 (0 already expired, 1 identical to a silence)");
    assert_eq!(api_silences(&server).len(), 3);
}

#[test]
fn alerts_ls_shows_control_characters_in_labels_and_annotations_as_escapes() {
    let (server, url) = alertmanager();
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
        let out = am(&url, &["-o", format, "alerts", "ls"])
            .code(0)
            .no_raw_control();
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
