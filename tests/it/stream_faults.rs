//! `stream watch` under the faults an unlucky operator meets: ccmon SIGKILLed (an OOM kill,
//! an eviction) at several points of a session, an id that would make a file name too long,
//! damaged and stray files in the spool. Each asserts what was promised: every line that
//! reached stdout is recorded exactly once, nothing hangs, one bad file harms no one else.

use std::time::{Duration, Instant};

use crate::stream_redis::{flush, start_watch, stream_data};
use crate::support::redis::Redis;
use crate::support::standin::{self, Pace, Standin, children, send_signal};
use crate::util::{ccmon, lines_of};

/// SIGKILL ccmon after `shown` lines reached its stdout, then `stream flush`: every line
/// that reached stdout is in Redis, exactly once and in order (Redis holds a prefix of the
/// agent's output that contains all of stdout; it may hold a little more, the lines read
/// and recorded but not yet shown).
fn killed_after(redis: &Redis, shown: usize, agent: &str) {
    let spool = tempfile::tempdir().unwrap();
    let one = lines_of(&std::fs::read(standin::fixture(standin::CLAUDE_CLEAN)).unwrap());
    let s = Standin::new(standin::fixture(standin::CLAUDE_CLEAN))
        .repeat(400)
        .pace(Pace::Fast);
    let (mut running, _home) = start_watch(&redis.url(), spool.path(), &s, &["--agent-id", agent]);
    let mut seen = running.stdout.take(shown);
    let agents = children(running.pid());
    running.signal(libc::SIGKILL);
    running.wait();
    // What reached stdout before the kill (the pipe ends with ccmon).
    seen.extend(running.stdout.rest());
    // The agent outlives a SIGKILLed supervisor; a test leaves no process behind.
    for pid in agents {
        send_signal(-pid, libc::SIGKILL);
    }
    let flushed = flush(redis, spool.path());
    let recorded = stream_data(redis, agent);
    let stdout: Vec<Vec<u8>> = seen
        .iter()
        .filter(|l| l.ends_with(b"\n"))
        .map(|l| l[..l.len() - 1].to_vec())
        .collect();
    assert!(
        recorded.len() >= stdout.len(),
        "killed after {shown} lines: {} lines reached stdout, only {} were recorded\n{flushed}",
        stdout.len(),
        recorded.len()
    );
    let input: Vec<Vec<u8>> = one.iter().cycle().take(recorded.len()).cloned().collect();
    for (i, (got, want)) in recorded.iter().zip(&input).enumerate() {
        // The last record may be the part of a line read before the kill.
        let ok = got == want || (i + 1 == recorded.len() && want.starts_with(got));
        assert!(
            ok,
            "killed after {shown} lines: record {} differs from the agent's line",
            i + 1
        );
    }
    let walk = crate::stream_redis::walk(spool.path());
    assert!(
        walk.iter()
            .all(|p| !p.to_string_lossy().ends_with(".log")
                && !p.to_string_lossy().ends_with(".intake")),
        "the spool is left with {walk:?}"
    );
}

#[test]
fn a_sigkilled_ccmon_loses_no_line_that_reached_stdout() {
    let redis = Redis::start();
    for (i, shown) in [1, 60, 700, 3000].into_iter().enumerate() {
        killed_after(&redis, shown, &format!("killed-{i}"));
    }
}

/// The session id comes from the agent's output: 90 slashes would be a 270-byte directory
/// name. The run is recorded under a bounded name with the id kept inside.
#[test]
fn an_agent_id_too_long_for_a_file_name_is_recorded_under_a_bounded_name() {
    let spool = tempfile::tempdir().unwrap();
    let id = "/".repeat(90);
    let input = format!(
        "{{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"{id}\"}}\n{{\"type\":\"result\",\"subtype\":\"success\",\"session_id\":\"{id}\"}}\n"
    );
    let file = spool.path().join("input.jsonl");
    std::fs::write(&file, &input).unwrap();
    let started = Instant::now();
    let out = ccmon()
        .args(["stream", "watch", "--display", "raw", "--spool-dir"])
        .args([spool.path()])
        .args(["--", "cat"])
        .args([&file])
        .ok();
    assert!(started.elapsed() < Duration::from_secs(60));
    assert_eq!(out.stdout, input);
    let ls = ccmon()
        .args(["stream", "ls", "-o", "json", "--spool-dir"])
        .args([spool.path()])
        .ok();
    let agents: serde_json::Value = serde_json::from_str(&ls.stdout).unwrap();
    assert_eq!(agents[0]["agent_id"], id, "{ls}");
    assert_eq!(agents[0]["events"], 2, "{ls}");
    for p in crate::stream_redis::walk(spool.path()) {
        for part in p.strip_prefix(spool.path()).unwrap().components() {
            assert!(part.as_os_str().len() < 200, "{}", p.display());
        }
    }
}

/// Spools `lines` raw lines for `agent` with Redis down; returns the run's log.
fn spooled_run(
    redis_url: &str,
    spool: &std::path::Path,
    agent: &str,
    lines: usize,
) -> std::path::PathBuf {
    let input: String = (1..=lines).map(|i| format!("{agent} line {i}\n")).collect();
    crate::util::ingest_stdin(
        redis_url,
        spool,
        agent,
        &["--redis-timeout", "300ms"],
        input,
    );
    let dir = spool.join(agent);
    std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "log"))
        .unwrap_or_else(|| panic!("no log in {}", dir.display()))
}

fn lines_for(agent: &str, n: usize) -> Vec<Vec<u8>> {
    (1..=n)
        .map(|i| format!("{agent} line {i}").into_bytes())
        .collect()
}

/// A corrupt log, a stray file, an ack that lies and a summary that is not UTF-8 next to
/// a healthy agent: each damaged run delivers what is readable and is moved aside with a
/// report; nothing is deleted undelivered; the healthy agent never notices.
#[test]
fn damaged_spool_files_harm_no_other_agent() {
    let mut redis = Redis::start();
    redis.kill();
    let spool = tempfile::tempdir().unwrap();
    let sp = spool.path();
    spooled_run(&redis.url(), sp, "healthy", 2000);
    let corrupt = spooled_run(&redis.url(), sp, "corrupt", 2000);
    let lying = spooled_run(&redis.url(), sp, "lying", 5000);
    // 4,000 random bytes in the middle of one log.
    let mut bytes = std::fs::read(&corrupt).unwrap();
    let middle = bytes.len() / 2;
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    for b in &mut bytes[middle..middle + 4000] {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        *b = (seed >> 24) as u8;
    }
    std::fs::write(&corrupt, &bytes).unwrap();
    // An ack far past the end of its log.
    std::fs::write(
        lying.with_extension("acked"),
        br#"{"offset":999999999,"seq":99999,"meta":1}"#,
    )
    .unwrap();
    // Stray and unreadable files.
    std::fs::write(sp.join("healthy").join("x.log"), b"not a spool log\n").unwrap();
    std::fs::write(sp.join("stray.txt"), b"hello").unwrap();
    std::fs::create_dir_all(sp.join("weird")).unwrap();
    std::fs::write(sp.join("weird").join("r.meta.json"), b"\xff\xfe{").unwrap();

    // Without Redis the spool is read as it is: every readable agent is listed.
    let ls = ccmon()
        .args(["stream", "ls", "-o", "json", "--spool-dir"])
        .args([sp])
        .ok();
    let agents: serde_json::Value = serde_json::from_str(&ls.stdout).unwrap();
    let ids: Vec<&str> = agents
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["agent_id"].as_str())
        .collect();
    for id in ["healthy", "corrupt", "lying"] {
        assert!(ids.contains(&id), "{id} missing from {ls}");
    }
    // A follow of the damaged run says so once, not at every poll.
    let (cmd, _home) = ccmon()
        .args(["stream", "tail", "corrupt", "-f", "-n", "1", "--spool-dir"])
        .args([sp])
        .into_command();
    let tail = crate::support::standin::Running::start(cmd);
    tail.stderr_until("not shown");
    std::thread::sleep(Duration::from_millis(1500));
    tail.signal(libc::SIGTERM);
    let out = tail.finish();
    assert_eq!(
        out.stderr_text().matches("not shown").count(),
        0,
        "repeated after the first:\n{}",
        out.stderr_text()
    );

    redis.restart();
    let flushed = flush(&redis, sp);
    assert_eq!(
        stream_data(&redis, "healthy"),
        lines_for("healthy", 2000),
        "{flushed}"
    );
    assert_eq!(
        stream_data(&redis, "lying"),
        lines_for("lying", 5000),
        "{flushed}"
    );
    // The corrupt run: a prefix, exactly as spooled, up to the damage.
    let got = stream_data(&redis, "corrupt");
    assert!(
        got.len() > 500 && got.len() < 2000,
        "{} records\n{flushed}",
        got.len()
    );
    assert_eq!(got, lines_for("corrupt", got.len()));
    assert!(
        flushed.stderr.contains(".corrupt-1"),
        "flush says where the damaged log went\n{flushed}"
    );
    let aside = std::fs::read_dir(sp.join("corrupt"))
        .unwrap()
        .flatten()
        .any(|e| e.file_name().to_string_lossy().contains(".log.corrupt-"));
    assert!(aside, "the damaged log is kept aside");
    // stream ls says it too, and a second flush delivers nothing twice.
    ccmon()
        .args(["stream", "ls", "--spool-dir"])
        .args([sp])
        .ok()
        .stderr_has("moved aside");
    flush(&redis, sp);
    assert_eq!(stream_data(&redis, "healthy").len(), 2000);
    assert_eq!(stream_data(&redis, "lying").len(), 5000);

    // A damaged log in the spool does not keep a new watch from delivering its agent.
    std::fs::create_dir_all(sp.join("other")).unwrap();
    std::fs::write(sp.join("other").join("x.log"), vec![0xAB; 4000]).unwrap();
    let s = Standin::new(standin::fixture(standin::CLAUDE_CLEAN));
    let (running, _home) = start_watch(&redis.url(), sp, &s, &["--agent-id", "fresh"]);
    let out = running.finish();
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr_text());
    let input = std::fs::read(standin::fixture(standin::CLAUDE_CLEAN)).unwrap();
    assert_eq!(stream_data(&redis, "fresh"), lines_of(&input));
}

/// Runs `cmd` to its end with stdout into `out`, sampling its peak resident memory
/// (VmHWM) from /proc while it runs; returns the exit status and the peak in MiB.
fn run_measuring_memory(
    mut cmd: std::process::Command,
    out: &std::path::Path,
) -> (std::process::ExitStatus, u64) {
    cmd.stdout(std::fs::File::create(out).unwrap())
        .stdin(std::process::Stdio::null());
    let mut child = cmd.spawn().unwrap();
    let status_file = format!("/proc/{}/status", child.id());
    let deadline = Instant::now() + Duration::from_secs(300);
    let mut peak_kib = 0u64;
    loop {
        if let Ok(text) = std::fs::read_to_string(&status_file)
            && let Some(kib) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        {
            peak_kib = peak_kib.max(kib);
        }
        if let Some(status) = child.try_wait().unwrap() {
            return (status, peak_kib / 1024);
        }
        assert!(Instant::now() < deadline, "still running after 300 s");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A 600 MB line streams through `watch` (into Redis) and `ingest` in chunks of
/// `--max-line`: memory stays under 100 MB, and every byte arrives, in order.
#[test]
fn a_600_mb_line_streams_through_in_bounded_memory() {
    let redis = Redis::start();
    let spool = tempfile::tempdir().unwrap();
    let out = spool.path().join("out.jsonl");
    let s = Standin::new(standin::fixture(standin::GLEAM_BASIC))
        .big_line_at(1, 600)
        .pace(Pace::Fast);
    let (cmd, _home) = ccmon()
        .env("REDIS_URL", redis.url())
        .args([
            "stream",
            "watch",
            "--display",
            "raw",
            "--agent-id",
            "huge",
            "--spool-dir",
        ])
        .args([spool.path()])
        .args(["--".as_ref(), standin::standin_path().as_os_str()])
        .args(s.args())
        .into_command();
    let (status, peak) = run_measuring_memory(cmd, &out);
    assert!(status.success(), "{status}");
    eprintln!("watch peaked at {peak} MiB");
    assert!(peak < 100, "watch peaked at {peak} MiB");
    let passed = std::fs::metadata(&out).unwrap().len();
    assert!(passed > 600 << 20, "{passed} bytes passed through");
    let recorded: u64 = stream_data(&redis, "huge")
        .iter()
        .map(|d| d.len() as u64 + 1)
        .sum();
    // Every byte, chunks included (a chunk has no newline of its own: at most one per entry).
    let entries = stream_data(&redis, "huge").len() as u64;
    assert!(
        recorded <= passed + entries && recorded + entries >= passed,
        "{recorded} bytes recorded of {passed}"
    );
    assert!(
        entries > 70,
        "{entries} entries: the line went in chunks of --max-line"
    );

    // The same output, ingested from a file.
    let (mut cmd, _home) = ccmon()
        .env("REDIS_URL", redis.url())
        .args([
            "stream",
            "ingest",
            "--agent-id",
            "huge-ingest",
            "--spool-dir",
        ])
        .args([spool.path()])
        .args([&out])
        .into_command();
    cmd.stderr(std::process::Stdio::null());
    let (status, peak) = run_measuring_memory(cmd, &spool.path().join("ingest.out"));
    assert!(status.success(), "{status}");
    eprintln!("ingest peaked at {peak} MiB");
    assert!(peak < 100, "ingest peaked at {peak} MiB");
    assert_eq!(stream_data(&redis, "huge-ingest").len() as u64, entries);
}

/// A small tmpfs for the spool, which a test fills up: a real full disk (ENOSPC), not a
/// simulation. Mounting needs root, which CI has; elsewhere the test says so and passes.
struct FullDisk {
    dir: tempfile::TempDir,
}

impl FullDisk {
    fn mount(size_kib: u64) -> Option<FullDisk> {
        let dir = tempfile::tempdir().unwrap();
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size_kib}k"), "tmpfs"])
            .arg(dir.path())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("SKIPPED: mounting a tmpfs needs root (CI runs as root)");
            return None;
        }
        Some(FullDisk { dir })
    }

    fn path(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// Takes every free byte: the next write anywhere on this file system fails.
    fn fill(&self) {
        use std::io::Write as _;
        let mut f = std::fs::File::create(self.path().join("filler")).unwrap();
        let block = vec![0u8; 4096];
        while f.write_all(&block).is_ok() {}
        let mut f2 = std::fs::OpenOptions::new()
            .append(true)
            .open(self.path().join("filler"))
            .unwrap();
        while f2.write_all(&[0]).is_ok() {}
    }

    /// Frees what `fill` took.
    fn free(&self) {
        let _ = std::fs::remove_file(self.path().join("filler"));
    }
}

impl Drop for FullDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .args(["-l"])
            .arg(self.dir.path())
            .status();
    }
}

/// The spool's disk is full from the start and Redis is up: every line still reaches
/// Redis exactly once (straight from memory), ccmon says loudly that it is degraded and
/// why, and nothing hangs.
#[test]
fn a_full_disk_with_redis_up_records_every_line_in_redis() {
    let Some(disk) = FullDisk::mount(512) else {
        return;
    };
    let redis = Redis::start();
    let spool = disk.path().join("spool");
    std::fs::create_dir_all(&spool).unwrap();
    disk.fill();
    let s = Standin::new(standin::fixture(standin::CLAUDE_CLEAN))
        .repeat(20)
        .pace(Pace::Fast);
    let (running, _home) = start_watch(
        &redis.url(),
        &spool,
        &s,
        &["--agent-id", "full-disk", "--metrics-listen", "127.0.0.1:0"],
    );
    let out = running.finish();
    let stderr = out.stderr_text();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let one = lines_of(&std::fs::read(standin::fixture(standin::CLAUDE_CLEAN)).unwrap());
    let want: Vec<Vec<u8>> = one.iter().cycle().take(one.len() * 20).cloned().collect();
    assert_eq!(lines_of(&out.stdout).len(), want.len());
    assert_eq!(stream_data(&redis, "full-disk"), want, "{stderr}");
    assert!(stderr.contains("DEGRADED"), "{stderr}");
    assert!(stderr.contains("No space left on device"), "{stderr}");
    let meta = redis.cmd(&["HGET", "agent:{full-disk}:meta", "spool_write_errors"]);
    assert!(
        !format!("{meta:?}").contains("\"0\""),
        "the meta counts the failed writes: {meta:?}"
    );
}

/// Full disk and Redis down: the agent is stopped with SIGTERM and ccmon ends, saying how
/// many lines it could not record. Redis comes back with the disk still full: `stream
/// flush` delivers what the spool holds (it needs no new file). The disk gets room: flush
/// records what the intake kept, and every line that reached stdout is in Redis once.
#[test]
fn a_full_disk_with_redis_down_ends_on_sigterm_and_says_what_was_lost() {
    let Some(disk) = FullDisk::mount(4096) else {
        return;
    };
    let mut redis = Redis::start();
    redis.kill();
    let spool = disk.path().join("spool");
    std::fs::create_dir_all(&spool).unwrap();
    let s = Standin::new(standin::fixture(standin::CLAUDE_CLEAN))
        .repeat(40)
        .hang_after(1500)
        .pace(Pace::Millis(2));
    let (mut running, _home) = start_watch(
        &redis.url(),
        &spool,
        &s,
        &["--agent-id", "full-down", "--redis-timeout", "200ms"],
    );
    let mut seen = running.stdout.take(200);
    // Wait until those lines are in the spool log, then take the rest of the disk.
    let deadline = Instant::now() + Duration::from_secs(30);
    while ccmon()
        .args([
            "stream",
            "tail",
            "full-down",
            "-n",
            "1000",
            "-o",
            "json",
            "--spool-dir",
        ])
        .args([&spool])
        .run()
        .stdout
        .lines()
        .count()
        < 200
    {
        assert!(Instant::now() < deadline, "the spool never held 200 lines");
        std::thread::sleep(Duration::from_millis(50));
    }
    disk.fill();
    seen.extend(running.stdout.take(1300));
    let started = Instant::now();
    running.signal(libc::SIGTERM);
    let status = running.wait();
    seen.extend(running.stdout.rest());
    let stderr = String::from_utf8_lossy(&running.stderr.rest_bytes()).into_owned();
    assert!(started.elapsed() < Duration::from_secs(30));
    assert_eq!(status.code(), Some(128 + libc::SIGTERM), "{stderr}");
    assert!(stderr.contains("NOT recorded"), "{stderr}");
    assert!(stderr.contains("No space left on device"), "{stderr}");
    let one = lines_of(&std::fs::read(standin::fixture(standin::CLAUDE_CLEAN)).unwrap());
    let prefix_of_input = |recorded: &[Vec<u8>]| {
        let want: Vec<Vec<u8>> = one.iter().cycle().take(recorded.len()).cloned().collect();
        // The last record may be the part of a line the disk had room for (a raw chunk).
        let first_bad = recorded
            .iter()
            .zip(&want)
            .enumerate()
            .position(|(i, (a, b))| a != b && !(i + 1 == recorded.len() && b.starts_with(a)));
        assert!(
            first_bad.is_none(),
            "not a gap-free prefix of the agent's output: record {first_bad:?} of {} differs: {:?}",
            recorded.len(),
            first_bad.map(|i| (
                String::from_utf8_lossy(&recorded[i][..recorded[i].len().min(120)]).into_owned(),
                String::from_utf8_lossy(&want[i][..want[i].len().min(120)]).into_owned()
            ))
        );
    };
    // Redis is back, the disk still full: what the spool log holds is delivered.
    redis.restart();
    let flushed = flush(&redis, &spool);
    let recorded = stream_data(&redis, "full-down");
    assert!(
        recorded.len() >= 200,
        "{} recorded\n{flushed}\n{stderr}",
        recorded.len()
    );
    prefix_of_input(&recorded);
    // The disk has room again: what only the intake kept is recorded too.
    disk.free();
    let flushed = flush(&redis, &spool);
    let after = stream_data(&redis, "full-down");
    eprintln!(
        "phase 2: {} records, phase 3: {}\n{flushed}",
        recorded.len(),
        after.len()
    );
    prefix_of_input(&after);
    assert!(after.len() >= recorded.len(), "{flushed}");
}

/// `--maxlen 0` keeps every entry (it used to trim the stream to one); a small maxlen trims.
#[test]
fn maxlen_zero_keeps_every_entry() {
    let redis = Redis::start();
    let spool = tempfile::tempdir().unwrap();
    let input: String = (1..=1000).map(|i| format!("line {i}\n")).collect();
    for (agent, maxlen) in [("keep-all", "0"), ("trimmed", "10")] {
        crate::util::ingest_stdin(
            &redis.url(),
            spool.path(),
            agent,
            &["--maxlen", maxlen],
            input.clone(),
        );
    }
    let all: Vec<Vec<u8>> = (1..=1000)
        .map(|i| format!("line {i}").into_bytes())
        .collect();
    assert_eq!(stream_data(&redis, "keep-all"), all);
    assert!(stream_data(&redis, "trimmed").len() < 1000);
}
