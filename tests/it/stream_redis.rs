//! `stream watch|ingest|flush|ls|tail` with a real Redis, and the faults the spool exists
//! for: Redis killed and restarted, paused past the timeout, restarted without its data,
//! and ccmon itself killed with SIGKILL. Each asserts that the agent's stream holds every
//! line of the input exactly once, in order.

use std::path::Path;
use std::process::Stdio;

use crate::redis_sink::entries;
use crate::support::redis::Redis;
use crate::support::standin::{self, Pace, Running, Standin, children, send_signal};
use crate::util::{ccmon, lines_of};

const AGENT: &str = "6170607e-7232-407c-82c3-7fc983d60064";

fn key(agent: &str) -> String {
    format!("agent:{{{agent}}}:events")
}

/// The `data` fields of the agent's stream, in order.
pub fn stream_data(redis: &Redis, agent: &str) -> Vec<Vec<u8>> {
    entries(redis.cmd(&["XRANGE", &key(agent), "-", "+"]))
        .into_iter()
        .map(|(_, fields)| {
            fields
                .into_iter()
                .find(|(name, _)| name == "data")
                .map(|(_, v)| v)
                .expect("every entry has data")
        })
        .collect()
}

/// `stream flush --spool-dir SPOOL` against `redis`, which must succeed.
pub fn flush(redis: &Redis, spool: &Path) -> crate::util::Output {
    ccmon()
        .env("REDIS_URL", redis.url())
        .args(["stream", "flush", "--spool-dir"])
        .args([spool])
        .ok()
}

fn spool_is_empty(spool: &Path) -> bool {
    walk(spool)
        .iter()
        .all(|p| !p.to_string_lossy().ends_with(".log"))
}

/// Every file under `dir` (the spool's layout is ccmon's business; tests look at all of it).
pub fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    crate::util::files_under(dir)
}

/// Starts `ccmon stream watch` against `redis_url` with the stand-in, stdout piped.
pub fn start_watch(
    redis_url: &str,
    spool: &Path,
    s: &Standin,
    extra: &[&str],
) -> (Running, Option<tempfile::TempDir>) {
    let (mut cmd, home) = crate::util::watch_raw(spool, s, extra)
        .env("REDIS_URL", redis_url)
        .into_command();
    cmd.stdin(Stdio::null());
    (Running::start(cmd), home)
}

/// A long paced session: the real recording three times, 10 ms between lines.
fn paced() -> Standin {
    Standin::new(standin::fixture(standin::CLAUDE_CLEAN))
        .repeat(3)
        .pace(Pace::Millis(10))
}

/// The lines `paced()` writes: the recording three times.
fn expected(_: &Standin) -> Vec<Vec<u8>> {
    let one = lines_of(&std::fs::read(standin::fixture(standin::CLAUDE_CLEAN)).unwrap());
    [one.clone(), one.clone(), one].concat()
}

#[test]
fn watch_writes_every_line_to_redis_exactly_once_and_empties_the_spool() {
    let redis = Redis::start();
    let spool = tempfile::tempdir().unwrap();
    let s = Standin::new(standin::fixture(standin::CLAUDE_CLEAN));
    let (running, _home) = start_watch(&redis.url(), spool.path(), &s, &[]);
    let out = running.finish();
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr_text());
    let input = std::fs::read(standin::fixture(standin::CLAUDE_CLEAN)).unwrap();
    assert_eq!(stream_data(&redis, AGENT), lines_of(&input));
    assert!(spool_is_empty(spool.path()), "{:?}", walk(spool.path()));
    // ls and tail read Redis when it is configured.
    let ls = ccmon()
        .env("REDIS_URL", redis.url())
        .args(["stream", "ls", "-o", "json"])
        .ok();
    let agents: serde_json::Value = serde_json::from_str(&ls.stdout).unwrap();
    assert_eq!(agents[0]["agent_id"], AGENT, "{ls}");
    assert_eq!(agents[0]["state"], "exited", "{ls}");
    assert_eq!(agents[0]["turns"], 19, "{ls}");
    // Per-model figures survive the meta hash, to the last digit.
    assert_eq!(agents[0]["tokens_out"], 3704, "{ls}");
    assert_eq!(agents[0]["cost_usd"], 0.21085415, "{ls}");
    assert_eq!(agents[0]["cost_estimated"], false, "{ls}");
    let haiku = &agents[0]["models"]["claude-haiku-4-5-20251001"];
    assert_eq!(
        (&haiku["tokens_out"], &haiku["cost_usd"]),
        (&1331.into(), &0.033490900000000004.into()),
        "{ls}"
    );
    let tail = ccmon()
        .env("REDIS_URL", redis.url())
        .args(["stream", "tail", AGENT, "-n", "2"])
        .ok();
    assert_eq!(tail.stdout.lines().count(), 2, "{tail}");
    assert!(
        tail.stdout.contains("#47") && tail.stdout.contains("done (success)"),
        "{tail}"
    );
}

#[test]
fn ingest_delivers_and_a_down_redis_leaves_the_events_for_flush() {
    let mut redis = Redis::start();
    let spool = tempfile::tempdir().unwrap();
    let fixture = standin::fixture(standin::GLEAM_BASIC);
    let input = std::fs::read(&fixture).unwrap();
    let agent = "1d1e46f9-35c7-4834-b529-846d5bb82288";
    redis.kill();
    let out = ccmon()
        .env("REDIS_URL", redis.url())
        .args([
            "stream".as_ref(),
            "ingest".as_ref(),
            fixture.as_os_str(),
            "--redis-timeout".as_ref(),
            "300ms".as_ref(),
            "--spool-dir".as_ref(),
            spool.path().as_os_str(),
        ])
        .ok();
    assert!(
        out.stderr.contains("`ccmon stream flush` delivers them"),
        "{out}"
    );
    assert!(!spool_is_empty(spool.path()));
    // flush with Redis still down: exit 3, nothing lost.
    ccmon()
        .env("REDIS_URL", redis.url())
        .args(["stream", "flush", "--redis-timeout", "300ms", "--spool-dir"])
        .args([spool.path()])
        .run()
        .code(3)
        .stderr_has("events stay in the spool");
    redis.restart();
    flush(&redis, spool.path()).stderr_has("delivered 3 spooled events");
    assert_eq!(stream_data(&redis, agent), lines_of(&input));
    assert!(spool_is_empty(spool.path()));
    // Flushing again is a no-op, never a duplicate.
    flush(&redis, spool.path());
    assert_eq!(stream_data(&redis, agent).len(), 3);
}

/// A paced session with `fault` done to Redis while it runs (given the running ccmon, to
/// time it by output): ccmon exits 0 and Redis ends up with every line, once, in order.
/// Returns the spool.
fn paced_session_survives(
    timeout: &str,
    fault: impl FnOnce(&mut Redis, &Running),
) -> tempfile::TempDir {
    let mut redis = Redis::start();
    let spool = tempfile::tempdir().unwrap();
    let s = paced();
    let (running, _home) = start_watch(
        &redis.url(),
        spool.path(),
        &s,
        &["--redis-timeout", timeout],
    );
    fault(&mut redis, &running);
    let out = running.finish();
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr_text());
    assert_eq!(stream_data(&redis, AGENT), expected(&s));
    spool
}

#[test]
fn redis_killed_mid_run_and_restarted_loses_nothing() {
    let spool = paced_session_survives("300ms", |redis, running| {
        let _ = running.stdout.take(20);
        redis.kill();
        let _ = running.stdout.take(40);
        redis.restart();
    });
    assert!(spool_is_empty(spool.path()));
}

#[test]
fn redis_paused_past_the_timeout_loses_nothing() {
    paced_session_survives("200ms", |redis, running| {
        let _ = running.stdout.take(20);
        redis.pause();
        let _ = running.stdout.take(60);
        redis.resume();
    });
}

#[test]
fn redis_restarted_without_its_data_gets_every_line_again() {
    paced_session_survives("300ms", |redis, running| {
        let _ = running.stdout.take(50);
        redis.restart_without_data();
    });
}

#[test]
fn a_ccmon_killed_with_sigkill_leaves_a_spool_that_flush_delivers() {
    let mut redis = Redis::start();
    redis.kill();
    let spool = tempfile::tempdir().unwrap();
    let s = Standin::new(standin::fixture(standin::CLAUDE_CLEAN)).hang_after(30);
    let (mut running, _home) = start_watch(
        &redis.url(),
        spool.path(),
        &s,
        &["--redis-timeout", "200ms"],
    );
    let _ = running.stdout.take(30);
    // Wait until the 30 lines are fsynced (the spool is readable without Redis).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let tail = ccmon()
            .args([
                "stream",
                "tail",
                AGENT,
                "-n",
                "100",
                "-o",
                "json",
                "--spool-dir",
            ])
            .args([spool.path()])
            .run();
        if tail.stdout.lines().count() == 30 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the spool never held 30 records\n{tail}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    // The agent (hanging after its 30 lines) outlives a SIGKILLed ccmon, which cannot kill
    // its group any more: the test does, so no process is left behind.
    let agents = children(running.pid());
    assert!(!agents.is_empty(), "no agent under ccmon {}", running.pid());
    running.signal(libc::SIGKILL);
    running.wait();
    for pid in agents {
        send_signal(-pid, libc::SIGKILL);
    }
    redis.restart();
    flush(&redis, spool.path());
    let input = std::fs::read(standin::fixture(standin::CLAUDE_CLEAN)).unwrap();
    assert_eq!(stream_data(&redis, AGENT), lines_of(&input)[..30].to_vec());
    assert!(
        spool_is_empty(spool.path()),
        "the killed run ended and left the spool: {:?}",
        walk(spool.path())
    );
}

#[test]
fn flush_without_redis_is_a_usage_error() {
    ccmon()
        .args(["stream", "flush"])
        .run()
        .code(2)
        .stderr_has("no Redis is configured");
}

#[test]
fn watch_delivers_to_a_redis_cluster() {
    use crate::support::redis_cluster::RedisCluster;
    let cluster = RedisCluster::start();
    let spool = tempfile::tempdir().unwrap();
    let s = Standin::new(standin::fixture(standin::CLAUDE_CLEAN));
    let (running, _home) = start_watch(&cluster.url(), spool.path(), &s, &[]);
    let out = running.finish();
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr_text());
    let key = key(AGENT);
    let got: Vec<Vec<u8>> = entries(cluster.cmd_for_key(&key, &["XRANGE", &key, "-", "+"]))
        .into_iter()
        .filter_map(|(_, fields)| {
            fields
                .into_iter()
                .find(|(n, _)| n == "data")
                .map(|(_, v)| v)
        })
        .collect();
    let input = std::fs::read(standin::fixture(standin::CLAUDE_CLEAN)).unwrap();
    assert_eq!(got, lines_of(&input));
    assert!(spool_is_empty(spool.path()));
}

#[test]
fn a_password_in_the_redis_url_never_shows() {
    let redis = Redis::start_with_password("s3cret-REDIS-pw");
    let spool = tempfile::tempdir().unwrap();
    let url = redis.url_with_password("s3cret-REDIS-pw");
    let fixture = standin::fixture(standin::GLEAM_BASIC);
    ccmon()
        .env("REDIS_URL", &url)
        .args([
            "-v".as_ref(),
            "stream".as_ref(),
            "ingest".as_ref(),
            fixture.as_os_str(),
            "--spool-dir".as_ref(),
            spool.path().as_os_str(),
        ])
        .ok()
        .stderr_has("in redis at redis://:***@")
        .nowhere("s3cret-REDIS-pw");
    // A wrong password: an error that names the server, not the password.
    ccmon()
        .env("REDIS_URL", redis.url_with_password("wrong-PASSWORD-x"))
        .args(["stream", "ls"])
        .run()
        .code(2)
        .nowhere("wrong-PASSWORD-x");
}

#[test]
fn the_fleet_view_for_the_health_server_comes_from_redis() {
    let redis = Redis::start();
    let spool = tempfile::tempdir().unwrap();
    let s = Standin::new(standin::fixture(standin::CLAUDE_CLEAN));
    let (running, _home) = start_watch(&redis.url(), spool.path(), &s, &[]);
    assert_eq!(running.finish().status.code(), Some(0));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let url: url::Url = redis.url().parse().unwrap();
    let mut sink =
        ccmon::stream::redis::RedisSink::new(ccmon::stream::redis::RedisConfig::new(url)).unwrap();
    let mut registry = ccmon::metrics::Registry::default();
    rt.block_on(ccmon::stream::fleet::fleet_metrics(
        &mut sink,
        &mut registry,
        jiff::Timestamp::now(),
    ))
    .unwrap();
    let text = registry.render();
    for needle in [
        "stream_active_monitors 0",
        "stream_agents_known 1",
        &format!("stream_length{{agent_id=\"{AGENT}\"}} 47"),
        &format!("stream_agent_state{{agent_id=\"{AGENT}\",state=\"exited\"}} 1"),
        &format!("stream_turn_count{{agent_id=\"{AGENT}\"}} 19"),
        &format!("stream_seconds_since_last_event{{agent_id=\"{AGENT}\"}}"),
        &format!("stream_spool_pending_events{{agent_id=\"{AGENT}\"}} 0"),
    ] {
        assert!(text.contains(needle), "missing {needle}\n{text}");
    }
}

#[test]
fn tail_follows_new_events_from_redis() {
    let redis = Redis::start();
    let fixture = standin::fixture(standin::GLEAM_BASIC);
    let ingest = |agent: &str| {
        let spool = tempfile::tempdir().unwrap();
        ccmon()
            .env("REDIS_URL", redis.url())
            .args([
                "stream".as_ref(),
                "ingest".as_ref(),
                fixture.as_os_str(),
                "--agent-id".as_ref(),
                agent.as_ref(),
                "--spool-dir".as_ref(),
                spool.path().as_os_str(),
            ])
            .ok();
    };
    ingest("follow-me");
    let (mut cmd, _home) = ccmon()
        .env("REDIS_URL", redis.url())
        .args(["stream", "tail", "follow-me", "-f", "-n", "1"])
        .into_command();
    cmd.stdin(Stdio::null());
    let running = Running::start(cmd);
    let first = running.stdout.next_line().expect("the newest event");
    assert!(
        String::from_utf8_lossy(&first).contains("#3"),
        "{}",
        String::from_utf8_lossy(&first)
    );
    // A second run of the same agent: its three events arrive through XREAD BLOCK.
    ingest("follow-me");
    let more: Vec<String> = running
        .stdout
        .take(3)
        .iter()
        .map(|l| String::from_utf8_lossy(l).into_owned())
        .collect();
    assert!(
        more[0].contains("#1") && more[0].contains("system/init"),
        "{more:?}"
    );
    assert!(more[2].contains("done (success)"), "{more:?}");
}

#[test]
fn tail_follows_the_spool_too() {
    let spool = tempfile::tempdir().unwrap();
    let s = Standin::new(standin::fixture(standin::CLAUDE_CLEAN)).pace(Pace::Millis(5));
    let (watcher, _home) = {
        let (mut cmd, home) = ccmon()
            .args(["stream", "watch", "--agent-id", "spooled", "--spool-dir"])
            .args([spool.path()])
            .args(["--".as_ref(), standin::standin_path().as_os_str()])
            .args(s.args())
            .into_command();
        cmd.stdin(Stdio::null());
        (Running::start(cmd), home)
    };
    let _ = watcher.stdout.next_line();
    // Wait until the run's log exists, then follow it to its result.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while ccmon()
        .args(["stream", "tail", "spooled", "-n", "0", "--spool-dir"])
        .args([spool.path()])
        .run()
        .code
        != 0
    {
        assert!(std::time::Instant::now() < deadline);
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let (mut cmd, _home2) = ccmon()
        .args([
            "stream",
            "tail",
            "spooled",
            "-f",
            "-n",
            "1000",
            "--spool-dir",
        ])
        .args([spool.path()])
        .into_command();
    cmd.stdin(Stdio::null());
    let tail = Running::start(cmd);
    let mut seen = 0;
    loop {
        let line = String::from_utf8_lossy(&tail.stdout.next_line().expect("tail -f keeps going"))
            .into_owned();
        seen += 1;
        if line.contains("done (success)") {
            break;
        }
    }
    assert_eq!(seen, 47, "every event once, in order, through the follow");
    watcher.finish();
}

/// Bytes of every run log in a spool.
fn spooled_bytes(spool: &Path) -> u64 {
    walk(spool)
        .iter()
        .filter(|p| p.to_string_lossy().ends_with(".log"))
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum()
}

#[test]
fn the_spool_is_bounded_during_an_outage_and_nothing_is_lost() {
    let mut redis = Redis::start();
    let spool = tempfile::tempdir().unwrap();
    redis.kill();
    // The agent stays alive after its output (the bound applies while it runs).
    let s = paced().hang_after(141);
    let (running, _home) = start_watch(
        &redis.url(),
        spool.path(),
        &s,
        &["--redis-timeout", "200ms", "--spool-max", "32KiB"],
    );
    // The agent's whole output passes through (its lines wait in memory, bounded)...
    let _ = running.stdout.take(141);
    // ...while the spool stays within its bound.
    let mut largest = 0;
    for _ in 0..50 {
        largest = largest.max(spooled_bytes(spool.path()));
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(largest > 0, "nothing was spooled");
    assert!(
        largest <= 32 * 1024,
        "the spool grew to {largest} bytes past --spool-max 32KiB"
    );
    redis.restart();
    // Redis back: the backlog drains and the waiting lines follow, every one once.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while stream_data(&redis, AGENT).len() < 141 {
        assert!(
            std::time::Instant::now() < deadline,
            "only {} lines arrived",
            stream_data(&redis, AGENT).len()
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(stream_data(&redis, AGENT), expected(&s));
    running.signal(libc::SIGTERM);
    let out = running.finish();
    assert_eq!(out.status.code(), Some(128 + libc::SIGTERM));
    assert!(
        out.stderr_text().contains("over --spool-max"),
        "{}",
        out.stderr_text()
    );
    assert_eq!(stream_data(&redis, AGENT), expected(&s));
    assert!(spool_is_empty(spool.path()));
}

#[test]
fn sigterm_is_forwarded_while_a_full_spool_holds_the_agent_back() {
    let mut redis = Redis::start();
    redis.kill();
    let spool = tempfile::tempdir().unwrap();
    // Far more lines than ccmon queues in memory: with the spool full the agent must end
    // up blocked on its stdout, and ccmon must still answer SIGTERM.
    let s = Standin::new(standin::fixture(standin::CLAUDE_CLEAN)).repeat(60);
    let (mut running, _home) = start_watch(
        &redis.url(),
        spool.path(),
        &s,
        &["--redis-timeout", "200ms", "--spool-max", "16KiB"],
    );
    let _ = running.stdout.take(200);
    // Wait until the spool has hit its bound (ccmon says so on stderr).
    let mut seen = String::new();
    while !seen.contains("over --spool-max") {
        let line = running
            .stderr
            .next_line()
            .expect("ccmon reports the full spool");
        seen.push_str(&String::from_utf8_lossy(&line));
    }
    running.signal(libc::SIGTERM);
    assert_eq!(running.wait().code(), Some(128 + libc::SIGTERM));
}

/// A hung agent produces no events, so its stuck state must reach Redis on its own, not
/// with the next batch (there is none): the fleet's view, and every alert on it, depend on it.
#[test]
fn a_hung_agent_is_marked_stuck_in_redis_without_waiting_for_an_event() {
    let redis = Redis::start();
    let spool = tempfile::tempdir().unwrap();
    let s = Standin::new(standin::fixture(standin::CLAUDE_CLEAN)).hang_after(5);
    let (mut running, _home) = start_watch(
        &redis.url(),
        spool.path(),
        &s,
        &[&["--agent-id", "hung-1"][..], &crate::util::QUICK_STUCK].concat(),
    );
    let meta = "agent:{hung-1}:meta";
    let field = |name: &str| match redis.cmd(&["HGET", meta, name]) {
        crate::support::Resp::Bulk(Some(v)) => String::from_utf8_lossy(&v).into_owned(),
        _ => String::new(),
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while field("state") != "stuck" {
        assert!(
            std::time::Instant::now() < deadline,
            "meta never said stuck: state={:?}",
            field("state")
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(field("stuck_reason"), "no_progress");
    assert_eq!(field("events"), "5");
    running.signal(libc::SIGTERM);
    running.wait();
    assert_eq!(field("state"), "exited");
}

/// A long session with Redis keeping up: the spool frees the blocks of what Redis already
/// holds, beyond the newest `--spool-keep` bytes, while the agent still runs; nothing is
/// lost, and the whole run goes once it ends.
#[test]
fn a_long_session_frees_the_delivered_part_of_its_spool() {
    use std::os::unix::fs::MetadataExt;
    const REPEAT: usize = 120;
    let redis = Redis::start();
    let spool = tempfile::tempdir().unwrap();
    let one = lines_of(&std::fs::read(standin::fixture(standin::CLAUDE_CLEAN)).unwrap());
    // At most `2 * keep` plus one delivery batch (512 records, about 1 MB of these lines)
    // stays on disk, however far delivery lags on a loaded machine; 120 repetitions make
    // that bound a small part of the log.
    let lines = one.len() * REPEAT;
    let s = Standin::new(standin::fixture(standin::CLAUDE_CLEAN))
        .repeat(REPEAT as u64)
        .hang_after(lines as u64);
    let (running, _home) = start_watch(&redis.url(), spool.path(), &s, &["--spool-keep", "64KiB"]);
    let _ = running.stdout.take(lines);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while stream_data(&redis, AGENT).len() < lines {
        assert!(
            std::time::Instant::now() < deadline,
            "not every line arrived"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // Reclaiming follows the acknowledgement of the last batch: give it a moment.
    std::thread::sleep(std::time::Duration::from_millis(300));
    let log = walk(spool.path())
        .into_iter()
        .find(|p| p.to_string_lossy().ends_with(".log"))
        .expect("the running session's log");
    let size = std::fs::metadata(&log).unwrap().len();
    let on_disk = std::fs::metadata(&log).unwrap().blocks() * 512;
    let reclaimed = log.with_extension("reclaimed");
    assert!(
        reclaimed.exists(),
        "no reclaim state next to {}",
        log.display()
    );
    // Where the file system punches holes, most of the delivered log is gone from disk.
    let probe = spool.path().join("probe");
    std::fs::write(&probe, vec![1u8; 1 << 20]).unwrap();
    let punches = std::process::Command::new("fallocate")
        .args(["-p", "-o", "0", "-l", "1048576"])
        .arg(&probe)
        .status()
        .is_ok_and(|s| s.success())
        && std::fs::metadata(&probe).unwrap().blocks() * 512 < 1 << 19;
    std::fs::remove_file(&probe).unwrap();
    assert!(
        !punches || on_disk < size / 4,
        "{on_disk} bytes on disk for a {size}-byte log kept to 64KiB"
    );
    running.signal(libc::SIGTERM);
    let out = running.finish();
    assert_eq!(
        out.status.code(),
        Some(128 + libc::SIGTERM),
        "{}",
        out.stderr_text()
    );
    assert_eq!(stream_data(&redis, AGENT), vec![one; REPEAT].concat());
    assert!(spool_is_empty(spool.path()));
    assert!(!reclaimed.exists());
}
