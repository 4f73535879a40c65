//! Self-tests of the real-service harness in `support/`: for each service, that it starts and
//! answers, that pause() silences it and resume() brings it back, that kill() makes it
//! unreachable and restart() brings it back on the same port with its data, and that drop
//! leaves no process behind; and that a missing binary, an early exit and a port taken before
//! the first start each end in a clear message or a retry. Every other fault test builds on
//! these guarantees.

use std::panic::{self, AssertUnwindSafe};
use std::time::Duration;

use crate::support::http;
use crate::support::process::{
    Launch, ProcStat, ServerProcess, Signal, find_program, loopback, process_exists,
    service_processes,
};
use crate::support::resp;
use crate::support::{Alertmanager, Postgres, Prometheus, Redis, Resp};
use crate::util::eventually;

/// Long enough for an idle local server to answer, short enough to keep fault tests quick.
const SHORT: Duration = Duration::from_millis(300);

/// The leader is reaped and none of the processes the service had is still running.
fn assert_no_process_left(name: &str, pid: u32, had: &[ProcStat]) {
    assert!(
        !process_exists(pid),
        "{name} pid {pid} still in /proc after drop"
    );
    let left: Vec<&ProcStat> = had.iter().filter(|p| p.still_running()).collect();
    assert!(
        left.is_empty(),
        "{name} processes still running after drop: {left:?}"
    );
}

fn running_pid(pid: Option<u32>) -> u32 {
    pid.expect("a started server has a pid")
}

fn text(reply: Resp) -> String {
    reply
        .text()
        .unwrap_or_else(|| panic!("expected a string reply, got {reply:?}"))
}

#[test]
fn redis_answers_ping_set_get_and_drop_leaves_no_process() {
    let redis = Redis::start();
    assert_eq!(text(redis.cmd(&["PING"])), "PONG");
    assert_eq!(text(redis.cmd(&["SET", "greeting", "hello world"])), "OK");
    assert_eq!(text(redis.cmd(&["GET", "greeting"])), "hello world");
    assert!(redis.cmd(&["GET", "missing"]).is_nil());
    assert_eq!(redis.cmd(&["DBSIZE"]).integer(), Some(1));
    assert_eq!(redis.url(), format!("redis://127.0.0.1:{}", redis.port()));
    let pid = running_pid(redis.pid());
    let had = service_processes(pid);
    drop(redis);
    assert_no_process_left("redis-server", pid, &had);
}

#[test]
fn redis_pause_silences_it_and_resume_brings_it_back() {
    let mut redis = Redis::start();
    redis.pause();
    assert!(
        redis.try_cmd(&["PING"], SHORT).is_err(),
        "a paused redis answered PING"
    );
    redis.resume();
    assert_eq!(text(redis.cmd(&["PING"])), "PONG");
}

#[test]
fn redis_kill_then_restart_keeps_data_on_the_same_port() {
    let mut redis = Redis::start();
    let port = redis.port();
    redis.cmd(&["SET", "survivor", "1"]);
    let pid = running_pid(redis.pid());
    redis.kill();
    assert!(!process_exists(pid), "killed redis pid {pid} not reaped");
    assert!(
        redis.try_cmd(&["PING"], SHORT).is_err(),
        "a killed redis answered PING"
    );

    redis.restart();
    assert_eq!(redis.port(), port);
    assert_eq!(text(redis.cmd(&["GET", "survivor"])), "1");

    // And after a clean stop, too.
    redis.stop();
    redis.restart();
    assert_eq!(text(redis.cmd(&["GET", "survivor"])), "1");
}

#[test]
fn redis_restart_without_data_comes_back_empty() {
    let mut redis = Redis::start();
    let port = redis.port();
    redis.cmd(&["SET", "doomed", "1"]);
    redis.restart_without_data();
    assert_eq!(redis.port(), port);
    assert!(redis.cmd(&["GET", "doomed"]).is_nil());
    assert_eq!(redis.cmd(&["DBSIZE"]).integer(), Some(0));
}

#[test]
fn postgres_answers_sql_and_drop_leaves_no_process() {
    let pg = Postgres::start();
    assert_eq!(pg.sql("select 1"), "1");
    assert_eq!(
        pg.url(),
        format!("postgres://postgres@127.0.0.1:{}/postgres", pg.port())
    );
    let pid = running_pid(pg.pid());
    // Backends (checkpointer, walwriter...) run in their own sessions; drop must end them too.
    let had = service_processes(pid);
    assert!(
        had.len() > 1,
        "expected postgres backends next to postmaster {pid}: {had:?}"
    );
    drop(pg);
    assert_no_process_left("postgres", pid, &had);
}

#[test]
fn postgres_pause_silences_it_and_resume_brings_it_back() {
    let mut pg = Postgres::start();
    pg.pause();
    // Backends left the postmaster's process group (setsid); pause must reach them anyway.
    let procs = service_processes(running_pid(pg.pid()));
    assert!(
        procs.len() > 1 && procs.iter().all(ProcStat::is_stopped),
        "not all stopped: {procs:?}"
    );
    assert!(!pg.is_ready(SHORT), "a paused postgres reported ready");
    assert!(
        pg.try_sql("select 1", SHORT).is_err(),
        "a paused postgres answered"
    );
    pg.resume();
    assert_eq!(pg.sql("select 1"), "1");
}

#[test]
fn postgres_kill_then_restart_keeps_tables_on_the_same_port() {
    let mut pg = Postgres::start();
    let port = pg.port();
    pg.sql("create table survivor (x int); insert into survivor values (42)");
    let pid = running_pid(pg.pid());
    let had = service_processes(pid);
    pg.kill();
    assert!(
        !process_exists(pid),
        "killed postmaster pid {pid} not reaped"
    );
    assert!(
        !had.iter().any(ProcStat::still_running),
        "postgres backends outlived kill()"
    );
    assert!(!pg.is_ready(SHORT), "a killed postgres reported ready");

    pg.restart();
    assert_eq!(pg.port(), port);
    assert_eq!(pg.sql("select x from survivor"), "42");

    // And after a clean (fast) shutdown, too.
    pg.stop();
    pg.restart();
    assert_eq!(pg.sql("select x from survivor"), "42");
}

#[test]
fn prometheus_answers_buildinfo_and_drop_leaves_no_process() {
    let prom = Prometheus::start();
    let info = prom.get("/api/v1/status/buildinfo");
    assert_eq!(info.status, 200, "buildinfo: {}", info.body);
    assert!(
        info.body.contains("\"version\""),
        "buildinfo body: {}",
        info.body
    );
    assert_eq!(prom.url(), format!("http://127.0.0.1:{}", prom.port()));
    let pid = running_pid(prom.pid());
    let had = service_processes(pid);
    drop(prom);
    assert_no_process_left("prometheus", pid, &had);
}

#[test]
fn prometheus_pause_silences_it_and_resume_brings_it_back() {
    let mut prom = Prometheus::start();
    prom.pause();
    assert!(
        prom.try_get("/-/ready", SHORT).is_err(),
        "a paused prometheus answered"
    );
    prom.resume();
    assert_eq!(prom.get("/-/ready").status, 200);
}

/// A rule file for the builder test; the group name is what the test looks for.
const RULES: &str = "\
groups:
  - name: harness_rules
    rules:
      - record: harness:up
        expr: up
";

/// Loads `rules.yml` from the temp dir and scrapes itself through the `{{port}}` placeholder.
const SELF_SCRAPE_WITH_RULES: &str = "\
global:
  scrape_interval: 1s
rule_files: [rules.yml]
scrape_configs:
  - job_name: self
    static_configs:
      - targets: ['127.0.0.1:{{port}}']
";

#[test]
fn prometheus_kill_then_restart_keeps_config_files_and_flags() {
    let mut prom = Prometheus::builder()
        .config(SELF_SCRAPE_WITH_RULES)
        .file("rules.yml", RULES)
        .arg("--web.enable-admin-api")
        .start();
    let port = prom.port();
    assert!(prom.get("/api/v1/rules").body.contains("harness_rules"));
    let pid = running_pid(prom.pid());
    prom.kill();
    assert!(
        !process_exists(pid),
        "killed prometheus pid {pid} not reaped"
    );
    assert!(
        prom.try_get("/-/ready", SHORT).is_err(),
        "a killed prometheus answered"
    );

    prom.restart();
    assert_eq!(prom.port(), port);
    assert!(prom.get("/api/v1/rules").body.contains("harness_rules"));
    // The admin API answers only because the extra flag was passed again on restart.
    let snapshot = http::post(
        prom.addr(),
        "/api/v1/admin/tsdb/snapshot",
        "text/plain",
        b"",
        Duration::from_secs(10),
    )
    .expect("POST to the admin API");
    assert_eq!(snapshot.status, 200, "admin snapshot: {}", snapshot.body);
    // The {{port}} placeholder became the chosen port in the loaded config (the scrape
    // itself would take Prometheus' 5 s target-reload tick to show).
    let config = prom.get("/api/v1/status/config").body;
    assert!(
        config.contains(&format!("127.0.0.1:{port}")),
        "config: {config}"
    );
}

#[test]
fn alertmanager_answers_status_and_drop_leaves_no_process() {
    let am = Alertmanager::start();
    let status = am.get("/api/v2/status");
    assert_eq!(status.status, 200, "status: {}", status.body);
    assert!(am.cluster_addr().is_none());
    assert_eq!(am.url(), format!("http://127.0.0.1:{}", am.port()));
    let pid = running_pid(am.pid());
    let had = service_processes(pid);
    drop(am);
    assert_no_process_left("alertmanager", pid, &had);
}

#[test]
fn alertmanager_pause_silences_it_and_resume_brings_it_back() {
    let mut am = Alertmanager::start();
    am.pause();
    assert!(
        am.try_get("/api/v2/status", SHORT).is_err(),
        "a paused alertmanager answered"
    );
    am.resume();
    assert_eq!(am.get("/api/v2/status").status, 200);
}

#[test]
fn alertmanager_kill_then_restart_keeps_silences_on_the_same_port() {
    let mut am = Alertmanager::start();
    let port = am.port();
    let pid = running_pid(am.pid());
    am.kill();
    assert!(
        !process_exists(pid),
        "killed alertmanager pid {pid} not reaped"
    );
    assert!(
        am.try_get("/api/v2/status", SHORT).is_err(),
        "a killed alertmanager answered"
    );
    am.restart();
    assert_eq!(am.port(), port);
    assert_eq!(am.get("/api/v2/status").status, 200);

    // Alertmanager snapshots silences on a clean shutdown, so they survive stop() + restart().
    let silence = r#"{"matchers":[{"name":"alertname","value":"HarnessSilence","isRegex":false}],
        "startsAt":"2020-01-01T00:00:00Z","endsAt":"2999-01-01T00:00:00Z",
        "createdBy":"harness","comment":"survives restart"}"#;
    let created = http::post(
        am.addr(),
        "/api/v2/silences",
        "application/json",
        silence.as_bytes(),
        Duration::from_secs(10),
    )
    .expect("POST a silence");
    assert_eq!(created.status, 200, "create silence: {}", created.body);
    am.stop();
    am.restart();
    assert!(am.get("/api/v2/silences").body.contains("HarnessSilence"));
}

#[test]
fn alertmanager_ha_pair_gossips() {
    let first = Alertmanager::builder().cluster().start();
    let first_gossip = first
        .cluster_addr()
        .expect("a cluster member has a gossip address");
    let second = Alertmanager::builder().peer(first_gossip).start();
    let second_gossip = second
        .cluster_addr()
        .expect("a cluster member has a gossip address");
    eventually("the first alertmanager lists the second as a peer", || {
        first
            .get("/api/v2/status")
            .body
            .contains(&second_gossip.to_string())
    });
}

/// The panic message of `f`, which must panic.
fn panic_message(f: impl FnOnce()) -> String {
    let payload = panic::catch_unwind(AssertUnwindSafe(f)).expect_err("expected a panic");
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

fn scratch_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("ccmon-it-harness-")
        .tempdir()
        .expect("creating a temp dir")
}

/// A redis-server launch on `port`, probed with PING, for tests of `ServerProcess` itself.
fn redis_launch(port: u16, extra: &[&str]) -> Launch {
    let mut args: Vec<String> = vec![
        "--bind".into(),
        "127.0.0.1".into(),
        "--save".into(),
        String::new(),
    ];
    args.extend(["--port".into(), port.to_string()]);
    args.extend(extra.iter().map(|a| a.to_string()));
    Launch {
        program: find_program(&["redis-server"]),
        args,
        run_as: None,
        stop_signal: Signal::Term,
        probe: Box::new(|port| resp::command(loopback(port), &["PING"], SHORT).is_ok()),
    }
}

#[test]
fn missing_binary_names_the_apt_package() {
    let message = panic_message(|| {
        ServerProcess::start(
            "ccmon-missing-server",
            "ccmon-missing-pkg",
            scratch_dir(),
            |port, _| Launch {
                program: "/nonexistent/ccmon-missing-server".into(),
                ..redis_launch(port, &[])
            },
        );
    });
    assert!(
        message.contains("ccmon-missing-server not found")
            && message.contains("apt-get install -y ccmon-missing-pkg"),
        "unhelpful message: {message}"
    );
}

#[test]
fn early_exit_reports_the_command_line_and_log_tail() {
    let message = panic_message(|| {
        // The server rejects the second --port and exits at once.
        ServerProcess::start("redis-server", "redis-server", scratch_dir(), |port, _| {
            redis_launch(port, &["--port", "not-a-port"])
        });
    });
    assert!(
        message.contains("exited before it was ready")
            && message.contains("--port not-a-port")
            && message.contains("couldn't be parsed"),
        "unhelpful message: {message}"
    );
}

#[test]
fn a_port_taken_before_the_first_start_is_retried_on_another() {
    // Held for the whole test, so the first attempt is certain to find it in use.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("binding a port to occupy");
    let taken_port = taken.local_addr().expect("local addr").port();
    let mut builds = 0;
    let server = ServerProcess::start("redis-server", "redis-server", scratch_dir(), |port, _| {
        builds += 1;
        redis_launch(if builds == 1 { taken_port } else { port }, &[])
    });
    assert_eq!(builds, 2, "expected exactly one retry");
    assert_ne!(server.port(), taken_port);
    let pong = resp::command(server.addr(), &["PING"], Duration::from_secs(10))
        .expect("PING the retried server");
    assert_eq!(pong, Resp::Simple("PONG".into()));
}
