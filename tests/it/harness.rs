//! Self-tests of the real-service harness in `support/`: for each service, that it starts and
//! answers, that pause() silences it and resume() brings it back, that kill() makes it
//! unreachable and restart() brings it back on the same port with its data, and that drop
//! leaves no process behind; and that a missing binary, an early exit and a port taken before
//! the first start each end in a clear message or a retry. Every other fault test builds on
//! these guarantees.

use std::ops::{Deref, DerefMut};
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
/// How long a server that should answer may take, as the harness' own clients allow.
const LONG: Duration = Duration::from_secs(10);

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

/// Dropping `server` stops it and leaves none of its processes behind.
fn assert_drop_leaves_no_process<S: Deref<Target = ServerProcess>>(name: &str, server: S) {
    let pid = running_pid(server.pid());
    let had = service_processes(pid);
    drop(server);
    assert_no_process_left(name, pid, &had);
}

/// pause() silences `server` and resume() brings it back; `answers(server, timeout)` says
/// whether it answered within the timeout.
fn assert_pause_then_resume<S: DerefMut<Target = ServerProcess>>(
    name: &str,
    server: &mut S,
    answers: impl Fn(&S, Duration) -> bool,
) {
    server.pause();
    assert!(!answers(server, SHORT), "a paused {name} answered");
    server.resume();
    assert!(answers(server, LONG), "a resumed {name} did not answer");
}

/// kill() reaps the leader and every process of `server` and leaves it silent; restart()
/// brings it back on the same port.
fn assert_kill_then_restart<S: DerefMut<Target = ServerProcess>>(
    name: &str,
    server: &mut S,
    answers: impl Fn(&S, Duration) -> bool,
) {
    let port = server.port();
    let pid = running_pid(server.pid());
    let had = service_processes(pid);
    server.kill();
    assert!(!process_exists(pid), "killed {name} pid {pid} not reaped");
    assert!(
        !had.iter().any(ProcStat::still_running),
        "{name} processes outlived kill(): {had:?}"
    );
    assert!(!answers(server, SHORT), "a killed {name} answered");
    server.restart();
    assert_eq!(server.port(), port);
    assert!(answers(server, LONG), "a restarted {name} did not answer");
}

/// Whether Redis answers PING with PONG within `timeout`.
fn redis_answers(redis: &Redis, timeout: Duration) -> bool {
    redis
        .try_cmd(&["PING"], timeout)
        .is_ok_and(|r| r == Resp::Simple("PONG".into()))
}

/// Whether an HTTP server answers `GET path` with 200 within `timeout`.
fn http_answers<S: Deref<Target = ServerProcess>>(
    path: &'static str,
) -> impl Fn(&S, Duration) -> bool {
    move |server, timeout| server.try_get(path, timeout).is_ok_and(|r| r.status == 200)
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
    assert_drop_leaves_no_process("redis-server", redis);
}

#[test]
fn redis_pause_silences_it_and_resume_brings_it_back() {
    assert_pause_then_resume("redis", &mut Redis::start(), redis_answers);
}

#[test]
fn redis_kill_then_restart_keeps_data_on_the_same_port() {
    let mut redis = Redis::start();
    redis.cmd(&["SET", "survivor", "1"]);
    assert_kill_then_restart("redis", &mut redis, redis_answers);
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
    assert_drop_leaves_no_process("postgres", pg);
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
    pg.sql("create table survivor (x int); insert into survivor values (42)");
    assert_kill_then_restart("postgres", &mut pg, Postgres::is_ready);
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
    assert_drop_leaves_no_process("prometheus", prom);
}

#[test]
fn prometheus_pause_silences_it_and_resume_brings_it_back() {
    assert_pause_then_resume(
        "prometheus",
        &mut Prometheus::start(),
        http_answers("/-/ready"),
    );
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
    assert_kill_then_restart("prometheus", &mut prom, http_answers("/-/ready"));
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
    assert_drop_leaves_no_process("alertmanager", am);
}

#[test]
fn alertmanager_pause_silences_it_and_resume_brings_it_back() {
    assert_pause_then_resume(
        "alertmanager",
        &mut Alertmanager::start(),
        http_answers("/api/v2/status"),
    );
}

#[test]
fn alertmanager_kill_then_restart_keeps_silences_on_the_same_port() {
    let mut am = Alertmanager::start();
    assert_kill_then_restart("alertmanager", &mut am, http_answers("/api/v2/status"));

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
