//! `ccmon health serve` and `health check` against real PostgreSQL and Redis: every path and
//! status code, a SIGSTOPped dependency that turns into `timed out after T` while probes keep
//! answering, PID files in every bad shape, queue depth on a real stream and list, the SQL
//! checks on a fresh and a filled database, recovery of a real process that dies, the exit
//! codes of `health check`, and the SIGTERM drain.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::http::{self, HttpResponse};
use crate::support::process::{free_port, loopback};
use crate::support::{Postgres, Redis};
use crate::util::{Output, ccmon, ccmon_bin, eventually, poll};

/// A probe is answered from memory; this budget is generous on a loaded 2-core machine and
/// still far below the check timeouts used with paused servers. Only the hung-dependency
/// tests assert it ([`Server::probe_within_budget`]); other requests just get [`PATIENCE`].
const PROBE_BUDGET: Duration = Duration::from_secs(1);
/// How long an ordinary request may take before the test gives up on the server.
const PATIENCE: Duration = Duration::from_secs(10);

/// The names of a report's checks, in order.
fn check_names(report: &Value) -> Vec<&str> {
    report["checks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["name"].as_str())
        .collect()
}

/// A `ccmon health serve` process on a free port with a config file in a temp HOME.
struct Server {
    child: Child,
    addr: SocketAddr,
    home: tempfile::TempDir,
}

impl Server {
    fn start(config: &str, extra: &[&str]) -> Server {
        let home = tempfile::tempdir().expect("temp HOME");
        Self::start_in(home, config, extra, &[])
    }

    fn start_in(
        home: tempfile::TempDir,
        config: &str,
        extra: &[&str],
        env: &[(&str, &str)],
    ) -> Server {
        Self::start_limited(home, config, extra, env, None)
    }

    /// As [`Server::start_in`], with the server's open-file limit set to `nofile`.
    fn start_limited(
        home: tempfile::TempDir,
        config: &str,
        extra: &[&str],
        env: &[(&str, &str)],
        nofile: Option<u64>,
    ) -> Server {
        let addr = loopback(free_port());
        let config_path = home.path().join("config.yaml");
        std::fs::write(&config_path, config).expect("write config");
        let mut cmd = Command::new(ccmon_bin());
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", home.path())
            .args(["--config"])
            .arg(&config_path)
            .args(["health", "serve", "--listen", &addr.to_string()])
            .args(extra)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        if let Some(nofile) = nofile {
            use std::os::unix::process::CommandExt;
            // SAFETY: only an async-signal-safe system call between fork and exec.
            unsafe {
                cmd.pre_exec(move || {
                    let limit = libc::rlimit {
                        rlim_cur: nofile,
                        rlim_max: nofile,
                    };
                    if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) == 0 {
                        Ok(())
                    } else {
                        Err(std::io::Error::last_os_error())
                    }
                });
            }
        }
        let child = cmd.spawn().expect("start ccmon health serve");
        let mut server = Server { child, addr, home };
        eventually("the health server answers", || {
            if let Ok(Some(status)) = server.child.try_wait() {
                let mut err = String::new();
                if let Some(mut e) = server.child.stderr.take() {
                    let _ = e.read_to_string(&mut err);
                }
                panic!("ccmon health serve exited early with {status}: {err}");
            }
            http::get(server.addr, "/metrics", PATIENCE).is_ok()
        });
        server
    }

    fn get(&self, path: &str) -> HttpResponse {
        http::get(self.addr, path, PATIENCE)
            .unwrap_or_else(|e| panic!("GET {path} did not answer within {PATIENCE:?}: {e}"))
    }

    /// GET that must answer within [`PROBE_BUDGET`] (while a dependency hangs).
    fn probe_within_budget(&self, path: &str) -> HttpResponse {
        let started = Instant::now();
        let resp = http::get(self.addr, path, PROBE_BUDGET)
            .unwrap_or_else(|e| panic!("GET {path} did not answer within {PROBE_BUDGET:?}: {e}"));
        assert!(
            started.elapsed() < PROBE_BUDGET,
            "GET {path} took {:?}",
            started.elapsed()
        );
        resp
    }

    fn json(&self, path: &str) -> (u16, Value) {
        let resp = self.get(path);
        let v = serde_json::from_str(&resp.body)
            .unwrap_or_else(|e| panic!("GET {path}: not JSON ({e}): {}", resp.body));
        (resp.status, v)
    }

    /// The named check's status and message in `/health`.
    fn check(&self, name: &str) -> (String, String) {
        let (_, v) = self.json("/health");
        let c = v["checks"]
            .as_array()
            .and_then(|a| a.iter().find(|c| c["name"] == name))
            .unwrap_or_else(|| panic!("no check {name} in {v}"))
            .clone();
        (
            c["status"].as_str().unwrap_or_default().to_owned(),
            c["message"].as_str().unwrap_or_default().to_owned(),
        )
    }

    fn wait_status(&self, name: &str, status: &str) -> String {
        poll(
            format!("{name} is {status}"),
            Duration::from_secs(30),
            Duration::from_millis(50),
            || match self.check(name) {
                (now, message) if now == status => Ok(message),
                last => Err(format!("{last:?}")),
            },
        )
    }

    /// Asserts the server's /metrics has every one of `needles`, and returns it.
    #[track_caller]
    fn assert_metrics<S: AsRef<str>>(&self, needles: &[S]) -> String {
        let metrics = self.get("/metrics").body;
        for needle in needles {
            let needle = needle.as_ref();
            assert!(metrics.contains(needle), "no {needle:?} in\n{metrics}");
        }
        metrics
    }

    /// Waits up to `within` for the server to exit, and returns how it did.
    fn wait_exit(&mut self, within: Duration, what: &str) -> std::process::ExitStatus {
        poll(what, within, Duration::from_millis(20), || {
            self.child.try_wait().expect("wait").ok_or("still running")
        })
    }

    fn signal(&self, sig: i32) {
        // SAFETY: kill(2) with plain integers on our own child.
        let rc = unsafe { libc::kill(self.child.id() as i32, sig) };
        assert_eq!(rc, 0, "kill({}, {sig})", self.child.id());
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `ccmon --config CONFIG health check EXTRA...`.
fn health_check(config: &Path, extra: &[&str]) -> Output {
    ccmon()
        .args(["--config".as_ref(), config.as_os_str()])
        .args(["health", "check"])
        .args(extra)
        .run()
}

fn pid_file_in(home: &Path, pid: u32) -> PathBuf {
    let dir = home.join(".claude");
    std::fs::create_dir_all(&dir).expect("mkdir .claude");
    let path = dir.join("memory-daemon.pid");
    std::fs::write(&path, format!("{pid}\n")).expect("write pid file");
    path
}

#[test]
fn serve_without_config_answers_every_path_with_the_defaults() {
    let home = tempfile::tempdir().expect("temp HOME");
    let pid = pid_file_in(home.path(), std::process::id());
    // The daemon's log is there and past its 100 MB threshold (a sparse file).
    std::fs::File::create(pid.with_file_name("memory-daemon.log"))
        .and_then(|f| f.set_len(200_000_000))
        .expect("write the log");
    // No health section at all: the defaults from the environment.
    let server = Server::start_in(home, "", &[], &[]);
    eventually("pid_file has run", || server.get("/livez").status == 200);
    let (status, v) = server.json("/health/live");
    assert_eq!(status, 200);
    assert_eq!(v["overall_status"], "healthy");
    assert_eq!(v["checks"][0]["name"], "pid_file");
    // The log is too big: degraded, still ready. Redis is not configured: not checked.
    server.wait_status("log_file", "degraded");
    let (status, v) = server.json("/readyz");
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["overall_status"], "degraded");
    let names = check_names(&v);
    assert_eq!(names, ["disk_space", "memory_pressure", "log_file"]);
    assert_eq!(server.get("/health").status, 200);
    assert_eq!(server.get("/health/ready").status, 200);
    // No startup checks at all: an empty set is healthy.
    assert_eq!(server.get("/startupz").status, 200);
    assert_eq!(server.get("/readyz/nope").status, 404);
    let verbose = server.get("/readyz?verbose&exclude=disk_space");
    assert!(
        verbose.body.contains("[+]disk_space excluded: ok\n"),
        "{}",
        verbose.body
    );
    assert!(
        verbose.body.ends_with("readyz check passed\n"),
        "{}",
        verbose.body
    );
    let post = http::request(server.addr, "POST", "/livez", None, PATIENCE).expect("POST");
    assert_eq!(post.status, 405);
    // HEAD: the GET's headers (Content-Length included) and no body.
    let mut s = TcpStream::connect(server.addr).expect("connect");
    write!(
        s,
        "HEAD /livez HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut head = String::new();
    s.read_to_string(&mut head).expect("read HEAD response");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(head.ends_with("\r\n\r\n"), "HEAD sent a body: {head:?}");
    server.assert_metrics(&[
        "health_check_status{check=\"pid_file\",level=\"liveness\"} 1",
        "memory_daemon_health_status 1",
        "health_checks_total{level=\"liveness\",status=\"healthy\"}",
        "health_check_duration_seconds_bucket{check_name=\"pid_file\"",
        "disk_free_gb{mount_point=",
        "memory_percent ",
    ]);
}

#[test]
fn health_json_and_hidden_details() {
    let token_dir = tempfile::tempdir().expect("tmp");
    let token = token_dir.path().join("token");
    std::fs::write(&token, "probe-secret-123\n").expect("write token");
    let config = "health:\n  checks:\n    - name: closed\n      kind: tcp\n      address: 127.0.0.1:1\n      interval: 200ms\n";
    let server = Server::start(
        config,
        &[
            "--details",
            "token",
            "--details-token-file",
            token.to_str().unwrap(),
        ],
    );
    server.wait_status("closed", "unhealthy");
    let (_, v) = server.json("/health");
    assert!(v["checks"][0]["message"].is_null(), "details leaked: {v}");
    let (_, v) = server.json("/health?format=health%2Bjson");
    assert_eq!(v["status"], "fail");
    assert_eq!(v["checks"]["closed:status"][0]["status"], "fail");
    assert!(
        v["checks"]["closed:status"][0].get("output").is_none(),
        "{v}"
    );
    let verbose = server.get("/readyz?verbose");
    assert_eq!(verbose.status, 503);
    assert!(
        verbose.body.contains("[-]closed failed: reason withheld"),
        "{}",
        verbose.body
    );
    // With the token, the reason is there.
    let mut s = TcpStream::connect(server.addr).expect("connect");
    write!(s, "GET /readyz/closed HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer probe-secret-123\r\nConnection: close\r\n\r\n").unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).expect("read");
    assert!(text.contains("cannot connect to 127.0.0.1:1"), "{text}");
}

fn pg_config(url: &str, extra: &str) -> String {
    format!(
        "health:\n  checks:\n    - name: database_connection\n      kind: postgres\n      url: {url}\n      interval: 200ms\n      timeout: 2s\n{extra}"
    )
}

#[test]
fn paused_postgres_times_out_while_probes_answer_and_recovers() {
    let mut pg = Postgres::start();
    let server = Server::start(&pg_config(&pg.url(), ""), &[]);
    server.wait_status("database_connection", "healthy");
    assert_eq!(server.get("/readyz/database_connection").status, 200);

    pg.pause();
    let message = server.wait_status("database_connection", "unhealthy");
    assert_eq!(message, "timed out after 2s");
    // Probes keep answering within the budget while the check hangs.
    for _ in 0..20 {
        assert_eq!(server.probe_within_budget("/readyz").status, 503);
        assert_eq!(server.probe_within_budget("/livez").status, 200);
    }
    pg.resume();
    server.wait_status("database_connection", "healthy");

    pg.kill();
    let message = server.wait_status("database_connection", "unhealthy");
    assert!(message.contains("PostgreSQL at postgres://"), "{message}");
    pg.restart();
    server.wait_status("database_connection", "healthy");
}

#[test]
fn paused_redis_times_out_and_recovers() {
    let mut redis = Redis::start();
    let config = format!(
        "health:\n  checks:\n    - name: redis_connection\n      kind: redis\n      url: {}\n      interval: 200ms\n      timeout: 1s\n",
        redis.url()
    );
    let server = Server::start(&config, &[]);
    server.wait_status("redis_connection", "healthy");
    redis.pause();
    assert_eq!(
        server.wait_status("redis_connection", "unhealthy"),
        "timed out after 1s"
    );
    assert_eq!(server.probe_within_budget("/readyz").status, 503);
    redis.resume();
    server.wait_status("redis_connection", "healthy");
    redis.kill();
    server.wait_status("redis_connection", "unhealthy");
    redis.restart();
    server.wait_status("redis_connection", "healthy");
}

#[test]
fn queue_depth_on_a_real_stream_and_list_crosses_thresholds() {
    let redis = Redis::start();
    let config = format!(
        "health:\n  checks:\n\
         \x20   - {{name: queue_depth, kind: queue_depth, url: {u}, key: events, interval: 100ms, thresholds: {{degraded: 3, unhealthy: 6}}}}\n\
         \x20   - {{name: jobs, kind: queue_depth, url: {u}, key: jobs, interval: 100ms, critical: false, thresholds: {{degraded: 1, unhealthy: 2}}}}\n",
        u = redis.url()
    );
    let server = Server::start(&config, &[]);
    // No key yet: an empty queue.
    server.wait_status("queue_depth", "healthy");
    for i in 0..4 {
        redis.cmd(&["XADD", "events", "*", "n", &i.to_string()]);
    }
    let message = server.wait_status("queue_depth", "degraded");
    assert!(message.starts_with("events holds 4 items"), "{message}");
    for i in 0..3 {
        redis.cmd(&["XADD", "events", "*", "n", &i.to_string()]);
    }
    server.wait_status("queue_depth", "unhealthy");
    server.assert_metrics(&["memory_daemon_queue_depth 7"]);
    // A list over its unhealthy threshold, but not critical: degraded.
    redis.cmd(&["RPUSH", "jobs", "a", "b", "c"]);
    let message = server.wait_status("jobs", "degraded");
    assert!(message.ends_with("(not critical)"), "{message}");
    redis.cmd(&["SET", "events", "x"]);
    eventually("a string key is reported as the wrong type", || {
        server
            .check("queue_depth")
            .1
            .contains("is a string, not a stream or list")
    });
}

#[test]
fn sql_checks_degrade_on_a_fresh_database_and_follow_the_data() {
    let pg = Postgres::start();
    let url = pg.url();
    let extra = format!(
        "    - {{name: backlog, kind: backlog, url: {url}, interval: 100ms, thresholds: {{degraded: 2, unhealthy: 4}}}}\n\
         \x20   - {{name: database_schema, kind: schema, url: {url}, table: sessions, column: last_heartbeat, interval: 100ms}}\n\
         \x20   - {{name: queue_sql, kind: queue_depth, url: {url}, query: 'SELECT count(*) FROM jobs', interval: 100ms}}\n"
    );
    let server = Server::start(&pg_config(&url, &extra), &[]);
    let message = server.wait_status("backlog", "degraded");
    assert!(message.contains("not measurable yet"), "{message}");
    server.wait_status("queue_sql", "degraded");
    // The design's rule for every check: a target that does not exist yet degrades, so a
    // fresh database passes startup (degraded) instead of failing it.
    assert_eq!(
        server.wait_status("database_schema", "degraded"),
        "table sessions does not exist yet"
    );
    assert_eq!(server.get("/startupz").status, 200);

    pg.sql(
        "CREATE TABLE sessions (id serial primary key, extracted boolean NOT NULL DEFAULT false)",
    );
    eventually("the schema check sees the table but not the column", || {
        server.check("database_schema")
            == (
                "degraded".to_owned(),
                "column sessions.last_heartbeat does not exist yet".to_owned(),
            )
    });
    pg.sql("ALTER TABLE sessions ADD COLUMN last_heartbeat timestamptz NOT NULL DEFAULT now()");
    server.wait_status("database_schema", "healthy");
    assert_eq!(server.get("/startupz").status, 200);
    server.wait_status("backlog", "healthy");
    pg.sql("INSERT INTO sessions (last_heartbeat) SELECT now() - interval '10 minutes' FROM generate_series(1, 3)");
    pg.sql("INSERT INTO sessions (last_heartbeat, extracted) SELECT now() - interval '10 minutes', true FROM generate_series(1, 5)");
    server.wait_status("backlog", "degraded");
    server.assert_metrics(&["memory_daemon_backlog_count 3"]);
    pg.sql("INSERT INTO sessions (last_heartbeat) SELECT now() - interval '10 minutes' FROM generate_series(1, 2)");
    server.wait_status("backlog", "unhealthy");
    pg.sql("CREATE TABLE jobs (id int)");
    server.wait_status("queue_sql", "healthy");
}

#[test]
fn pid_file_missing_garbage_stale_and_another_users_process() {
    let pg = Postgres::start();
    let postmaster = pg.pid().expect("postgres pid");
    let home = tempfile::tempdir().expect("home");
    let dir = home.path();
    let mut dead = Command::new("true").spawn().expect("spawn true");
    let dead_pid = dead.id();
    dead.wait().expect("reap");
    std::fs::write(dir.join("garbage.pid"), "not a pid\n").unwrap();
    std::fs::write(dir.join("stale.pid"), format!("{dead_pid}\n")).unwrap();
    std::fs::write(dir.join("other.pid"), format!("{postmaster}\n")).unwrap();
    std::fs::write(dir.join("self.pid"), format!("{}\n", std::process::id())).unwrap();
    let mut config = String::from("health:\n  checks:\n");
    for name in ["missing", "garbage", "stale", "other", "self"] {
        config.push_str(&format!(
            "    - {{name: {name}, kind: pidfile, path: {}}}\n",
            dir.join(format!("{name}.pid")).display()
        ));
    }
    let config_path = dir.join("config.yaml");
    std::fs::write(&config_path, config).unwrap();
    let out = health_check(&config_path, &["liveness", "-o", "json"]).code(2);
    let v: Value = serde_json::from_str(&out.stdout).expect("json");
    let by_name = |n: &str| {
        v["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == n)
            .cloned()
            .unwrap()
    };
    assert!(
        by_name("missing")["message"]
            .as_str()
            .unwrap()
            .ends_with("is missing")
    );
    assert!(
        by_name("garbage")["message"]
            .as_str()
            .unwrap()
            .contains("does not hold a PID")
    );
    assert!(
        by_name("stale")["message"]
            .as_str()
            .unwrap()
            .contains("stale PID file")
    );
    for name in ["missing", "garbage", "stale"] {
        assert_eq!(by_name(name)["status"], "unhealthy", "{name}");
    }
    // kill(pid, 0) says EPERM for another user's process; it is alive all the same.
    let other = by_name("other");
    assert_eq!(other["status"], "healthy", "{other}");
    assert_eq!(by_name("self")["status"], "healthy");
    // No side effects: every file is still there.
    for name in ["garbage", "stale", "other", "self"] {
        assert!(
            dir.join(format!("{name}.pid")).exists(),
            "{name}.pid was removed"
        );
    }
}

/// A one-shot HTTP responder on a free port that answers every request with `status`.
fn http_responder(status: u16) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(&stream);
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let _ = (&stream).write_all(
                format!("HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .as_bytes(),
            );
        }
    });
    addr
}

#[test]
fn health_check_exit_codes_follow_the_worst_status() {
    let ok = http_responder(204);
    let broken = http_responder(500);
    let open = TcpListener::bind("127.0.0.1:0").expect("bind");
    let open_addr = open.local_addr().expect("addr");
    let home = tempfile::tempdir().expect("home");
    let write = |name: &str, body: String| {
        let p = home.path().join(name);
        std::fs::write(&p, body).unwrap();
        p
    };
    let healthy = write(
        "healthy.yaml",
        format!(
            "health:\n  checks:\n    - {{name: web, kind: http, url: 'http://{ok}/'}}\n    - {{name: port, kind: tcp, address: '{open_addr}'}}\n    - {{name: mem, kind: memory, thresholds: {{degraded: 100, unhealthy: 100}}}}\n"
        ),
    );
    let degraded = write(
        "degraded.yaml",
        format!(
            "health:\n  checks:\n    - {{name: web, kind: http, url: 'http://{ok}/'}}\n    - {{name: log, kind: log_file, path: {}/nope.log}}\n",
            home.path().display()
        ),
    );
    let unhealthy = write(
        "unhealthy.yaml",
        format!("health:\n  checks:\n    - {{name: web, kind: http, url: 'http://{broken}/'}}\n"),
    );
    let run = health_check;
    run(&healthy, &[])
        .code(0)
        .stdout_has("web   readiness  healthy");
    run(&degraded, &[]).code(1).stdout_has("degraded");
    run(&degraded, &["--fail-on", "degraded"]).code(2);
    run(&degraded, &["liveness"]).code(0);
    let out = run(&unhealthy, &["-o", "json"]).code(2);
    let v: Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(v["overall_status"], "unhealthy");
    assert!(
        v["checks"][0]["message"]
            .as_str()
            .unwrap()
            .contains("answered 500")
    );
}

#[test]
fn a_bad_health_config_names_file_line_and_column() {
    let home = tempfile::tempdir().expect("home");
    let config = home.path().join("config.yaml");
    for (text, said) in [
        (
            "health:\n  checks:\n    - name: x\n      kind: nonsense\n",
            "config.yaml:4:13: health.checks: unknown check kind \"nonsense\"",
        ),
        (
            "health:\n  checks:\n    - name: x\n      kind: tcp\n      address: a:1\n      interval: soon\n",
            "config.yaml:6:17:",
        ),
        (
            "health:\n  checks:\n    - {name: x, kind: memory, interval: 1ms}\n",
            "config.yaml:3:41: health.checks: interval must be at least 50ms",
        ),
    ] {
        std::fs::write(&config, text).unwrap();
        health_check(&config, &[]).code(2).stderr_has(said);
    }
}

#[test]
fn recovery_restarts_a_dead_process_and_the_guard_gives_up() {
    let home = tempfile::tempdir().expect("home");
    let dir = home.path().to_path_buf();
    let pid_path = dir.join("daemon.pid");
    let mut dead = Command::new("true").spawn().expect("spawn true");
    let dead_pid = dead.id();
    dead.wait().expect("reap");
    std::fs::write(&pid_path, format!("{dead_pid}\n")).unwrap();
    // The "daemon" is a sleep started in the background by the recovery script.
    let script = dir.join("restart.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nsleep 300 >/dev/null 2>&1 &\necho $! > {}\n",
            pid_path.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let config = format!(
        "health:\n  checks:\n\
         \x20   - name: daemon\n      kind: pidfile\n      path: {}\n      interval: 100ms\n      recovery: {{command: ['{}'], action: restart_daemon, after_failures: 2}}\n\
         \x20   - name: hopeless\n      kind: tcp\n      address: 127.0.0.1:1\n      interval: 100ms\n      recovery: {{command: ['false'], action: hopeless_fix, after_failures: 1}}\n",
        pid_path.display(),
        script.display()
    );
    let server = Server::start_in(home, &config, &[], &[]);
    server.wait_status("daemon", "healthy");
    let read_pid = || {
        std::fs::read_to_string(&pid_path)
            .unwrap()
            .trim()
            .parse::<i32>()
            .unwrap()
    };
    let first = read_pid();
    server.assert_metrics(&[
        "recovery_actions_total{action_type=\"restart_daemon\",success=\"true\"} 1",
    ]);
    // The daemon dies: recovery brings it back again.
    // SAFETY: kill(2) with plain integers.
    unsafe { libc::kill(first, libc::SIGKILL) };
    eventually("a new daemon runs", || read_pid() != first);
    server.wait_status("daemon", "healthy");
    let second = read_pid();
    unsafe { libc::kill(second, libc::SIGKILL) };
    // The failing command runs at most three times within a minute, then gives up.
    eventually("the guard gives up", || {
        let (_, v) = server.json("/health");
        v["checks"][1]["recovery_action"]
            .as_str()
            .is_some_and(|s| s.starts_with("gave up"))
    });
    server.assert_metrics(&[
        "recovery_actions_total{action_type=\"hopeless_fix\",success=\"false\"} 3",
    ]);
    // Stop ccmon first so nothing restarts the daemon, then end the last one it started.
    let mut server = server;
    let _ = server.child.kill();
    let _ = server.child.wait();
    // SAFETY: kill(2) with plain integers.
    unsafe { libc::kill(read_pid(), libc::SIGKILL) };
}

#[test]
fn sigterm_fails_readiness_drains_and_exits() {
    let config = "health:\n  checks:\n    - {name: mem, kind: memory, interval: 100ms, thresholds: {degraded: 100, unhealthy: 100}}\n";
    let mut server = Server::start(config, &["--drain-timeout", "5s"]);
    server.wait_status("mem", "healthy");
    // A keep-alive connection that is idle when the signal comes is closed by the drain.
    let mut idle = TcpStream::connect(server.addr).expect("connect");
    write!(idle, "GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut buf = [0u8; 4096];
    let n = idle.read(&mut buf).expect("first response");
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    server.signal(libc::SIGTERM);
    let status = server.wait_exit(Duration::from_secs(10), "it exits after SIGTERM");
    assert_eq!(status.code(), Some(0), "{status}");
    idle.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    assert_eq!(
        idle.read(&mut buf).unwrap_or(0),
        0,
        "the idle connection was not closed"
    );
    assert!(
        TcpStream::connect(server.addr).is_err(),
        "still accepting after exit"
    );
    let _ = &server.home;
}

#[test]
fn with_a_shutdown_delay_new_probes_see_readiness_fail_before_the_drain() {
    let config = "health:\n  checks:\n    - {name: mem, kind: memory, interval: 100ms, thresholds: {degraded: 100, unhealthy: 100}}\n";
    let mut server = Server::start(config, &["--shutdown-delay", "3s", "--drain-timeout", "2s"]);
    server.wait_status("mem", "healthy");
    assert_eq!(server.get("/readyz").status, 200);
    server.signal(libc::SIGTERM);
    // During the delay the server still accepts: readiness says 503, liveness stays 200.
    poll(
        "readiness fails after SIGTERM",
        Duration::from_secs(10),
        Duration::from_millis(20),
        || match server.get("/readyz").status {
            503 => Ok(()),
            status => Err(status),
        },
    );
    assert_eq!(
        server.get("/livez").status,
        200,
        "liveness must not fail while draining"
    );
    assert!(
        server.child.try_wait().expect("wait").is_none(),
        "exited before its shutdown delay"
    );
    let status = server.wait_exit(Duration::from_secs(15), "it exits after the delay");
    assert_eq!(status.code(), Some(0), "{status}");
}

#[test]
fn slow_clients_are_cut_off_and_a_new_connection_evicts_the_slowest() {
    let config = "health:\n  checks:\n    - {name: mem, kind: memory, thresholds: {degraded: 100, unhealthy: 100}}\n";
    let server = Server::start(config, &["--max-connections", "2"]);
    // The start-up probes' connections must be gone before the slots are counted.
    std::thread::sleep(Duration::from_millis(300));
    // Two clients that connect and never finish their headers hold both slots.
    let mut slow: Vec<TcpStream> = (0..2)
        .map(|_| {
            let mut s = TcpStream::connect(server.addr).expect("connect");
            s.write_all(b"GET /livez HTTP/1.1\r\nHost: x\r\n").unwrap();
            // Let the server accept this one before the next arrives, so their order is known.
            std::thread::sleep(Duration::from_millis(300));
            s
        })
        .collect();
    // A probe over the limit takes the place of the client that has waited longest.
    let probe = server.get("/livez");
    assert_eq!(probe.status, 200, "{probe:?}");
    let mut buf = [0u8; 256];
    slow[0]
        .set_read_timeout(Some(Duration::from_secs(3)))
        .unwrap();
    let evicted = slow[0].read(&mut buf);
    assert!(
        matches!(evicted, Ok(0) | Err(_)),
        "the slowest client was not evicted: {evicted:?} {:?}",
        String::from_utf8_lossy(&buf)
    );
    // The header-read timeout (5 s) closes the other slow one.
    slow[1]
        .set_read_timeout(Some(Duration::from_secs(15)))
        .unwrap();
    let started = Instant::now();
    let n = slow[1].read(&mut buf).unwrap_or(0);
    let text = String::from_utf8_lossy(&buf[..n]);
    assert!(
        n == 0 || text.starts_with("HTTP/1.1 408"),
        "a slow client got {text:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(14));
}

/// Raises this process's open-file limit (inherited by the server it starts) so that
/// thousands of client sockets fit on machines whose soft limit is 1,024.
fn raise_open_file_limit(wanted: u64) {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: plain system calls on a local struct.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 && limit.rlim_cur < wanted {
            limit.rlim_cur = wanted.min(limit.rlim_max);
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
}

/// Opens slow clients up to `count` and keeps them slow: every other one sends half a
/// request line, the rest nothing; each round trickles one header byte to the talkers and
/// replaces the ones the server closed. Stops when `stop` is set.
fn slowloris(
    addr: SocketAddr,
    count: usize,
    stop: &std::sync::atomic::AtomicBool,
    opened: &std::sync::atomic::AtomicUsize,
) {
    use std::sync::atomic::Ordering;
    let open = |i: usize| -> Option<TcpStream> {
        let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
        if i.is_multiple_of(2) {
            s.write_all(b"GET /livez HTTP/1.1\r\nX-Slow: ").ok()?;
        }
        s.set_nonblocking(true).ok()?;
        opened.fetch_add(1, Ordering::Relaxed);
        Some(s)
    };
    let mut clients: Vec<Option<TcpStream>> = Vec::with_capacity(count);
    // Bounded: at most this many rounds (each at least 200 ms), whatever `stop` says.
    for _ in 0..600 {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        while clients.len() < count && !stop.load(Ordering::Relaxed) {
            clients.push(open(clients.len()));
        }
        let mut buf = [0u8; 512];
        for (i, slot) in clients.iter_mut().enumerate() {
            if stop.load(Ordering::Relaxed) {
                break;
            }
            let alive = match slot {
                Some(s) => match s.read(&mut buf) {
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                        !i.is_multiple_of(2) || s.write_all(b"a").is_ok()
                    }
                    _ => false,
                },
                None => false,
            };
            if !alive {
                *slot = open(i);
            }
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn two_thousand_slow_clients_leave_every_probe_answered() {
    raise_open_file_limit(8192);
    // The default --max-connections (1,024), well below the number of slow clients.
    let config = "health:\n  checks:\n    - {name: mem, kind: memory, thresholds: {degraded: 100, unhealthy: 100}}\n";
    let server = Server::start(config, &[]);
    probes_survive_slow_clients(&server, 2000);
}

#[test]
fn slow_clients_beyond_the_open_file_limit_leave_every_probe_answered() {
    raise_open_file_limit(8192);
    // A soft limit of 300 descriptors runs out long before the default 1,024 connections:
    // accept fails with EMFILE, and the slowest client must make room all the same.
    let config = "health:\n  checks:\n    - {name: mem, kind: memory, thresholds: {degraded: 100, unhealthy: 100}}\n";
    let home = tempfile::tempdir().expect("temp HOME");
    let server = Server::start_limited(home, config, &[], &[], Some(300));
    probes_survive_slow_clients(&server, 600);
}

/// Keeps `slow` slow clients on `server` while probing `/livez` on fresh connections every
/// ~50 ms, and asserts every probe is answered 200.
fn probes_survive_slow_clients(server: &Server, slow: usize) {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    let stop = Arc::new(AtomicBool::new(false));
    let opened = Arc::new(AtomicUsize::new(0));
    let attacker = {
        let (stop, opened, addr) = (stop.clone(), opened.clone(), server.addr);
        std::thread::spawn(move || slowloris(addr, slow, &stop, &opened))
    };
    eventually("the slow clients are connected", || {
        opened.load(Ordering::Relaxed) >= slow
    });
    // Probes on fresh connections every ~50 ms for a while, as a kubelet under attack does.
    let mut answers = Vec::new();
    // Bounded in time too: a starved server fails the test in a minute, not in 120 timeouts.
    let give_up = Instant::now() + Duration::from_secs(60);
    while answers.len() < 120 && Instant::now() < give_up {
        answers.push(
            http::get(server.addr, "/livez", PATIENCE)
                .map(|r| r.status)
                .map_err(|e| e.to_string()),
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let still_slow = opened.load(Ordering::Relaxed);
    stop.store(true, Ordering::Relaxed);
    attacker.join().expect("the slow clients' thread");
    let failed: Vec<_> = answers.iter().filter(|a| **a != Ok(200)).collect();
    assert!(
        failed.is_empty() && answers.len() == 120,
        "{} of {} probes failed under {still_slow} slow connections: {failed:?}",
        failed.len(),
        answers.len()
    );
}

#[test]
fn metrics_include_the_fleet_read_from_redis() {
    // The fleet is what real watchers wrote: record a real session through ccmon itself.
    let redis = Redis::start();
    let spool = tempfile::tempdir().expect("spool");
    let ingest = |recording: &Path| {
        ccmon()
            .env("REDIS_URL", redis.url())
            .args(["stream", "ingest"])
            .args([recording])
            .args(["--spool-dir"])
            .args([spool.path()])
            .ok()
    };
    ingest(&crate::support::standin::fixture(
        crate::support::standin::CLAUDE_CLEAN,
    ));
    // And one whose API calls were retried and whose context was compacted.
    let waits = spool.path().join("waits.jsonl");
    std::fs::write(
        &waits,
        concat!(
            r#"{"type":"system","subtype":"init","session_id":"waits-1","model":"m"}"#,
            "\n",
            r#"{"type":"system","subtype":"api_retry","attempt":1,"retry_delay_ms":500,"session_id":"waits-1"}"#,
            "\n",
            r#"{"type":"system","subtype":"api_retry","attempt":2,"retry_delay_ms":1000,"session_id":"waits-1"}"#,
            "\n",
            r#"{"type":"system","subtype":"status","status":"compacting","session_id":"waits-1"}"#,
            "\n",
            r#"{"type":"system","subtype":"compact_boundary","session_id":"waits-1"}"#,
            "\n",
        ),
    )
    .expect("write the recording");
    ingest(&waits);
    let home = tempfile::tempdir().expect("home");
    let config = "health:\n  checks:\n    - {name: mem, kind: memory, thresholds: {degraded: 100, unhealthy: 100}}\n";
    let server = Server::start_in(home, config, &[], &[("REDIS_URL", &redis.url())]);
    eventually("the fleet is read", || {
        server.get("/metrics").body.contains("stream_fleet_up 1")
    });
    let agent = "6170607e-7232-407c-82c3-7fc983d60064";
    let text = server.assert_metrics(&[
        "stream_active_monitors 0\n".to_owned(),
        "stream_active_stuck_agents 0\n".to_owned(),
        format!("stream_length{{agent_id=\"{agent}\"}} 47\n"),
        format!("stream_turn_count{{agent_id=\"{agent}\"}} 19\n"),
        format!("stream_agent_state{{agent_id=\"{agent}\",state=\"exited\"}} 1\n"),
        format!(
            "stream_tokens_total{{agent_id=\"{agent}\",model=\"claude-haiku-4-5-20251001\",kind=\"output\"}} 1331\n"
        ),
        format!(
            "stream_cost_usd_total{{agent_id=\"{agent}\",model=\"claude-sonnet-4-5-20250929\"}} 0.17736324999999997\n"
        ),
        format!("stream_cost_estimated{{agent_id=\"{agent}\"}} 0\n"),
        format!("stream_seconds_since_last_event{{agent_id=\"{agent}\"}}"),
        "stream_api_retries_total{agent_id=\"waits-1\"} 2\n".to_owned(),
        "stream_compactions_total{agent_id=\"waits-1\"} 1\n".to_owned(),
        "stream_agent_state{agent_id=\"waits-1\",state=\"rate_limited\"} 0\n".to_owned(),
        "stream_agent_state{agent_id=\"waits-1\",state=\"exited\"} 1\n".to_owned(),
        "health_check_status{check=\"mem\",level=\"readiness\"}".to_owned(),
    ]);
    crate::rules_lint::assert_families_in_catalog(&text);
    // Redis gone: the scrape still answers, and says the fleet is unknown.
    drop(redis);
    eventually("the fleet is reported down", || {
        server.get("/metrics").body.contains("stream_fleet_up 0")
    });
}

#[test]
fn health_check_on_a_fresh_machine_checks_only_what_is_there() {
    // A fresh HOME, no config, no services: no memory daemon, no Redis, no PostgreSQL is
    // expected, so none is reported unhealthy; only the disk and memory are checked.
    let out = ccmon().args(["health", "check", "-o", "json"]).run();
    let v: Value = serde_json::from_str(&out.stdout).expect("json");
    let names = check_names(&v);
    assert_eq!(names, ["disk_space", "memory_pressure"], "{v}");
    // The table ends with the verdict the exit code follows.
    let out = ccmon().args(["health", "check"]).run();
    let last = out.stdout.lines().last().unwrap_or_default();
    // (The status itself depends on this machine's memory and disk.)
    assert!(
        last.starts_with("overall: ") && last.ends_with(" (2 checks)"),
        "{}",
        out.stdout
    );
}

#[test]
fn the_readme_config_with_every_check_kind_is_valid() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("read README.md");
    let start = readme
        .find("```yaml\nhealth:\n")
        .expect("the README's health config")
        + 8;
    let end = start + readme[start..].find("```").expect("end of the block");
    let home = tempfile::tempdir().expect("home");
    let config = home.path().join("config.yaml");
    std::fs::write(&config, &readme[start..end]).unwrap();
    let out = health_check(&config, &["-o", "json"]);
    assert!(!out.stderr.contains("error:"), "{out}");
    let v: Value = serde_json::from_str(&out.stdout).expect("json report");
    let kinds = v["checks"].as_array().map_or(0, Vec::len);
    assert_eq!(kinds, 13, "{v}");
}
