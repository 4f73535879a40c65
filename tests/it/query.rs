//! `ccmon query`, `query range` and `targets` against a real Prometheus that scrapes itself
//! and a dead target and evaluates a rule firing into a real Alertmanager; plus what the
//! client sends (bearer token, extra headers) checked on a recording listener, and the
//! errors for bad PromQL and an unreachable server.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::time::Duration;

use serde_json::Value;

use crate::support::{Alertmanager, Prometheus};
use crate::util::{Output, ccmon, poll};

/// Scrapes itself and a port nothing listens on; one rule always fires.
const CONFIG: &str = "\
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [rules.yml]
scrape_configs:
  - job_name: self
    static_configs:
      - targets: ['127.0.0.1:{{port}}']
  - job_name: dead
    static_configs:
      - targets: ['127.0.0.1:1']
";

const RULES: &str = "\
groups:
  - name: ccmon_it
    rules:
      - alert: AlwaysFiring
        expr: vector(1)
        labels: {severity: P2}
        annotations: {summary: the rule fires on every evaluation}
";

fn prometheus(extra: &str) -> Prometheus {
    Prometheus::builder()
        .config(format!("{CONFIG}{extra}"))
        .file("rules.yml", RULES)
        // Send firing alerts every second, not every minute, so the end-to-end test is quick.
        .arg("--rules.alert.resend-delay=1s")
        .start()
}

fn prom(url: &str, args: &[&str]) -> Output {
    ccmon().args(["--prometheus-url", url]).args(args).run()
}

/// Runs `ccmon` until `check` accepts its output; new targets take Prometheus' 5 s
/// discovery tick to appear, so tests poll with a deadline instead of sleeping.
fn until(what: &str, url: &str, args: &[&str], check: impl Fn(&Output) -> bool) -> Output {
    poll(
        what,
        Duration::from_secs(40),
        Duration::from_millis(250),
        || {
            let out = prom(url, args);
            if check(&out) { Ok(out) } else { Err(out) }
        },
    )
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

#[test]
fn targets_queries_and_chart_on_a_real_prometheus() {
    let server = prometheus("");
    let url = server.url();

    // Targets: both appear; the dead one first, with its error.
    let targets = until("both targets were scraped", &url, &["targets"], |o| {
        o.code == 0 && o.stdout.contains(" up ") && o.stdout.contains(" down ")
    });
    let rows: Vec<&str> = targets.stdout.lines().collect();
    assert!(rows[0].starts_with("JOB"), "{targets}");
    assert!(
        rows[1].starts_with("dead") && rows[1].contains("connection refused"),
        "{targets}"
    );
    assert!(
        rows[2].starts_with("self") && rows[2].contains(" ago"),
        "{targets}"
    );
    let only_up = prom(&url, &["-o", "json", "targets", "--health", "up"]).code(0);
    let list = json(&only_up.stdout);
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{only_up}");
    assert_eq!(list[0]["labels"]["job"], "self");
    let by_job = prom(&url, &["targets", "--job", "dead"]).code(0);
    assert!(!by_job.stdout.contains("self"), "{by_job}");

    // A few seconds of history, so relative times have data behind them.
    until(
        "a few seconds of samples exist",
        &url,
        &["-o", "json", "query", "count_over_time(up[1m])"],
        |o| o.stdout.contains("\"3\"") || o.stdout.contains("\"4\"") || o.stdout.contains("\"5\""),
    );
    // Instant query: a table of series and values; JSON is the API's data.
    prom(&url, &["query", "up"])
        .code(0)
        .stdout_has("SERIES")
        .stdout_has("up{instance=\"127.0.0.1:1\", job=\"dead\"}");
    let at = prom(&url, &["-o", "json", "query", "sum(up)", "--time", "-1s"]).code(0);
    let data = json(&at.stdout);
    assert_eq!(data["resultType"], "vector");
    assert_eq!(data["result"][0]["value"][1], "1", "{at}");
    prom(&url, &["query", "time()", "--time", "1767168000"])
        .code(0)
        .stdout_has("1767168000");
    prom(&url, &["query", "up{"])
        .code(2)
        .stderr_has("HTTP 400")
        .stderr_has("parse error")
        .stderr_has("/api/v1/query");
    prom(&url, &["query", "up", "--time", "yesterday"])
        .code(2)
        .stderr_has("invalid --time");

    // Range query: a chart by default (plain ASCII here: not a terminal), data on request.
    let chart = prom(&url, &["query", "range", "up", "--since", "1m"]).code(0);
    assert!(chart.stdout.is_ascii(), "{chart}");
    assert!(chart.stdout.contains("up  (step 1s)"), "{chart}");
    assert!(
        chart
            .stdout
            .contains("  * up{instance=\"127.0.0.1:1\", job=\"dead\"}"),
        "{chart}"
    );
    assert!(chart.stdout.contains("  + up{instance="), "{chart}");
    assert!(chart.stdout.contains(" UTC"), "{chart}");
    assert!(
        chart.stdout.lines().any(|l| l.starts_with("  1 +")),
        "{chart}"
    );
    // The width follows --width, else $COLUMNS (stdout is not a terminal here), else 80.
    let widest = |out: &Output| {
        out.stdout
            .lines()
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(0)
    };
    assert!(widest(&chart) <= 80, "{chart}");
    let wide = prom(
        &url,
        &["query", "range", "up", "--since", "1m", "--width", "160"],
    )
    .code(0);
    assert!(widest(&wide) > 120 && widest(&wide) <= 160, "{wide}");
    let columns = ccmon()
        .env("COLUMNS", "120")
        .args([
            "--prometheus-url",
            &url,
            "query",
            "range",
            "up",
            "--since",
            "1m",
        ])
        .run()
        .code(0);
    assert!(
        widest(&columns) > 100 && widest(&columns) <= 120,
        "{columns}"
    );
    prom(&url, &["query", "range", "up", "--width", "10"]).code(2);
    let table = prom(
        &url,
        &[
            "-o", "table", "query", "range", "up", "--since", "10s", "--step", "2s",
        ],
    )
    .code(0);
    assert!(
        table.stdout.starts_with("SERIES") && table.stdout.contains("TIME"),
        "{table}"
    );
    let data = prom(
        &url,
        &[
            "-o", "json", "query", "range", "up", "--start", "-20s", "--end", "now",
        ],
    )
    .code(0);
    let data = json(&data.stdout);
    assert_eq!(data["resultType"], "matrix");
    assert!(
        data["result"][0]["values"]
            .as_array()
            .is_some_and(|v| v.len() > 1)
    );
    prom(
        &url,
        &["query", "range", "up", "--since", "1h", "--step", "0"],
    )
    .code(2)
    .stderr_has("--step");
    prom(
        &url,
        &["query", "range", "up", "--since", "1y", "--step", "1s"],
    )
    .code(2)
    .stderr_has("at most");
    prom(
        &url,
        &["query", "range", "ccmon_no_such_metric", "--since", "1m"],
    )
    .code(0)
    .stderr_has("empty result");
}

#[test]
fn a_rule_fires_through_prometheus_into_alertmanager() {
    let am = Alertmanager::start();
    let server = prometheus(&format!(
        "alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['{}']\n",
        am.addr()
    ));
    let am_url = am.url();
    let alerts_ls = |flags: &[&str]| {
        ccmon()
            .args(["--alertmanager-url", &am_url, "alerts", "ls"])
            .args(flags)
            .run()
    };
    let out = poll(
        "the alert reaches Alertmanager",
        Duration::from_secs(60),
        Duration::from_millis(500),
        || {
            let out = alerts_ls(&[]);
            if out.stdout.contains("AlwaysFiring") {
                Ok(out)
            } else {
                Err(out)
            }
        },
    );
    assert!(
        out.stdout.contains("P2") && out.stdout.contains("the rule fires on every evaluation"),
        "{out}"
    );
    // Prometheus sees the same alert through its ALERTS series.
    until(
        "ALERTS has the alert",
        &server.url(),
        &["query", "ALERTS"],
        |o| o.stdout.contains("alertname=\"AlwaysFiring\""),
    );
    // Silencing it takes it out of the active list.
    ccmon()
        .args(["--alertmanager-url", &am_url])
        .args([
            "alerts",
            "silence",
            "add",
            "AlwaysFiring",
            "-d",
            "1h",
            "-c",
            "test",
        ])
        .run()
        .code(0);
    poll(
        "it is silenced",
        Duration::from_secs(30),
        Duration::from_millis(250),
        || {
            let out = alerts_ls(&["--silenced"]);
            if out.stdout.contains("silenced") {
                Ok(())
            } else {
                Err(out)
            }
        },
    );
}

/// One canned HTTP answer on a loopback port; returns the port and a receiver for the
/// request head the client sent.
fn recording_server(body: &'static str) -> (u16, std::sync::mpsc::Receiver<String>) {
    answering_server("200 OK", body)
}

/// The head of the first request a [`recording_server`] got while `out` ran.
fn first_request(heads: &std::sync::mpsc::Receiver<String>, out: &Output) -> String {
    heads
        .recv_timeout(Duration::from_secs(10))
        .unwrap_or_else(|_| panic!("no request recorded\n{out}"))
}

/// Like [`recording_server`], with a chosen status line.
fn answering_server(
    status: &'static str,
    body: &'static str,
) -> (u16, std::sync::mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let port = listener.local_addr().expect("local addr").port();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let Ok((stream, _)) = listener.accept() else {
            return;
        };
        let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
        let mut head = String::new();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                break;
            }
            head.push_str(&line);
        }
        let mut stream = stream;
        let _ = write!(
            stream,
            "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = tx.send(head);
    });
    (port, rx)
}

#[test]
fn sends_the_bearer_token_and_headers_and_never_prints_the_token() {
    let (port, heads) = recording_server(
        r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"job":"x"},"value":[1,"7"]}]}}"#,
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("token"), "tok-SECRET-1234567\n").unwrap();
    std::fs::write(
        dir.path().join("config.yaml"),
        format!(
            "current_context: mimir\ncontexts:\n  mimir:\n    prometheus: http://127.0.0.1:{port}/prometheus\n    bearer_token_file: token\n    headers:\n      X-Scope-OrgID: fleet-7\n"
        ),
    )
    .unwrap();
    let out = ccmon()
        .args(["--config"])
        .args([dir.path().join("config.yaml")])
        .args(["-vv", "query", "up"])
        .run()
        .code(0)
        .stdout_has("{job=\"x\"}")
        .nowhere("tok-SECRET-1234567");
    let head = first_request(&heads, &out);
    let lower = head.to_ascii_lowercase();
    assert!(
        head.starts_with("GET /prometheus/api/v1/query?query=up"),
        "{head}"
    );
    assert!(
        lower.contains("authorization: bearer tok-secret-1234567"),
        "{head}"
    );
    assert!(lower.contains("x-scope-orgid: fleet-7"), "{head}");
}

#[test]
fn unreachable_prometheus_exits_3_naming_the_url() {
    prom("http://admin:pw-SECRET-99@127.0.0.1:1", &["targets"])
        .code(3)
        .stderr_has("cannot reach http://admin:")
        .stderr_has("127.0.0.1:1/api/v1/targets")
        .nowhere("pw-SECRET-99");
}

#[test]
fn a_connection_error_says_one_cause_and_the_hint_unless_verbose() {
    // The layers between the headline and the refused connect repeat the URL; an operator
    // needs the innermost cause and what to do. `-v` shows the whole chain.
    let caused = |out: &Output| out.stderr.matches("caused by:").count();
    let out = prom("http://127.0.0.1:1", &["targets"])
        .code(3)
        .stderr_has("caused by: Connection refused")
        .stderr_has("hint: ");
    assert_eq!(caused(&out), 1, "{}", out.stderr);
    assert_eq!(out.stderr.lines().count(), 3, "{}", out.stderr);
    let out = prom("http://127.0.0.1:1", &["-v", "targets"])
        .code(3)
        .stderr_has("caused by: Connection refused");
    assert!(caused(&out) > 1, "{}", out.stderr);
}

#[test]
fn sends_basic_auth_from_the_environment_and_masks_it() {
    let (port, heads) =
        recording_server(r#"{"status":"success","data":{"activeTargets":[],"droppedTargets":[]}}"#);
    let out = ccmon()
        .env("CCMON_PROMETHEUS_URL", format!("http://127.0.0.1:{port}"))
        .env("CCMON_BASIC_AUTH_USERNAME", "ops")
        .env("CCMON_BASIC_AUTH_PASSWORD", "pw-BASIC-5678")
        .args(["-vv", "targets"])
        .run()
        .code(0)
        .stderr_has("no targets match")
        .nowhere("pw-BASIC-5678");
    let head = first_request(&heads, &out);
    // base64("ops:pw-BASIC-5678")
    assert!(
        head.contains("authorization: Basic b3BzOnB3LUJBU0lDLTU2Nzg=")
            || head.contains("Authorization: Basic b3BzOnB3LUJBU0lDLTU2Nzg="),
        "{head}"
    );
}

#[test]
fn server_errors_show_status_url_and_message() {
    let (port, _heads) = answering_server(
        "503 Service Unavailable",
        r#"{"code":503,"message":"cluster is settling"}"#,
    );
    ccmon()
        .args(["--alertmanager-url", &format!("http://127.0.0.1:{port}")])
        .args(["alerts", "status"])
        .run()
        // A server that cannot serve is unreachable, not a usage error.
        .code(3)
        .stderr_has(&format!(
            "GET http://127.0.0.1:{port}/api/v2/status: HTTP 503 Service Unavailable: cluster is settling"
        ));
}

#[test]
fn a_write_skips_a_peer_answering_5xx() {
    let (port, _heads) = answering_server(
        "503 Service Unavailable",
        r#"{"code":503,"message":"shutting down"}"#,
    );
    let am = Alertmanager::start();
    let out = ccmon()
        .args(["--alertmanager-url", &format!("http://127.0.0.1:{port}")])
        .args(["--alertmanager-url", &am.url()])
        .args([
            "alerts", "silence", "add", "Skipped", "-d", "1h", "-c", "5xx",
        ])
        .run()
        .code(0);
    let id = out.stdout.trim();
    assert!(am.get("/api/v2/silences").body.contains(id), "{out}");
}

/// A server that answers without end (misbehaving, or not the server meant) is cut off at
/// 256 MiB with a clear error, instead of filling ccmon's memory.
#[test]
fn an_endless_answer_is_cut_off() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let port = listener.local_addr().expect("local addr").port();
    std::thread::spawn(move || {
        let Ok((stream, _)) = listener.accept() else {
            return;
        };
        let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
        let mut line = String::new();
        while reader.read_line(&mut line).unwrap_or(0) > 0 && line != "\r\n" {
            line.clear();
        }
        let mut stream = stream;
        let _ = write!(
            stream,
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            1u64 << 40
        );
        let chunk = vec![b' '; 1 << 20];
        // Until ccmon hangs up.
        while stream.write_all(&chunk).is_ok() {}
    });
    ccmon()
        .args(["--prometheus-url", &format!("http://127.0.0.1:{port}")])
        .args(["query", "up"])
        .run()
        .code(2)
        .stderr_has("is larger than 256 MiB");
}
