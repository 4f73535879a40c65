//! The intake: every byte the agent prints is written here (one `write(2)` per read) before
//! it is passed through to ccmon's stdout, so a line that reached stdout survives a SIGKILL
//! of ccmon (an OOM kill, an eviction) even if the monitor had not recorded it yet.
//!
//! One file per `stream watch` run, `<spool>/.intake/<run_id>.intake`: a JSON header line
//! ([`IntakeHeader`]), then the agent's stdout exactly as read. The monitor records lines in
//! the run's log with their stdout position (the byte after the line), so the log's last
//! record says how much of the intake is recorded. The writing process holds an exclusive
//! `flock` on the file for as long as it runs; the kernel drops it when the process dies,
//! however it dies, which is how [`recover`] tells a live run from an orphan without
//! trusting pids. The recorded prefix is freed as the run goes ([`Reclaimer`]), so the intake
//! holds about one batch of bytes, not the session. A run that ends normally removes its
//! intake; [`recover`] records what an orphan holds past its log and then removes it.
//!
//! `.intake` cannot clash with an agent's directory: agent names escape `.`.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Seek, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::lines::LineReader;
use super::recorder::{Recorder, RecorderConfig};
use super::spool::{LogReader, Spool, SpoolError};
use super::spool_sink::SpoolSink;
use crate::clock;

/// The directory of intakes inside the spool.
pub const DIR: &str = ".intake";

/// Longest header line accepted when reading one back.
const MAX_HEADER: u64 = 64 * 1024;

/// What recovery needs to record an orphaned intake as its run would have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntakeHeader {
    /// The run.
    pub run_id: String,
    /// `--agent-id`, if given (else the stream names it).
    pub agent_id: Option<String>,
    /// The command, for the summary.
    pub command: String,
    /// When the run started, RFC 3339.
    pub started_at: String,
    /// The line bound the run split its stdout with (chunks must be cut the same way).
    pub max_line: usize,
    /// Records per batch.
    pub batch_size: usize,
}

/// The intake of the running process.
#[derive(Debug)]
pub struct Intake {
    path: PathBuf,
    file: File,
    header_len: u64,
    /// Stdout bytes written so far.
    written: u64,
    /// The error that stopped the intake (the next bytes are not written: no gaps).
    failed: Option<io::ErrorKind>,
}

impl Intake {
    /// Creates the intake of a run and locks it for the life of this process.
    pub fn create(spool: &Spool, header: &IntakeHeader) -> Result<Intake, SpoolError> {
        let dir = spool.dir().join(DIR);
        fs::create_dir_all(&dir).map_err(|e| SpoolError::io(&dir, "create", e))?;
        let path = dir.join(format!(
            "{}.intake",
            super::spool::file_safe(&header.run_id)
        ));
        let mut file = OpenOptions::new()
            .create_new(true)
            .read(true)
            .write(true)
            .open(&path)
            .map_err(|e| SpoolError::io(&path, "create", e))?;
        file.try_lock()
            .map_err(|e| SpoolError::io(&path, "lock", io::Error::other(format!("{e:?}"))))?;
        let mut line = serde_json::to_vec(header)
            .map_err(|e| SpoolError::io(&path, "encode", io::Error::other(e)))?;
        line.push(b'\n');
        // The header must be durable before any line depends on it.
        file.write_all(&line)
            .and_then(|()| file.sync_data())
            .map_err(|e| SpoolError::io(&path, "write", e))?;
        Ok(Intake {
            path,
            file,
            header_len: line.len() as u64,
            written: 0,
            failed: None,
        })
    }

    /// Writes bytes read from the agent, before they are passed on. A failure (a full
    /// disk) stops the intake for good, so it never has a gap; it is reported once, and the
    /// caller passes the bytes on anyway: the agent must not stall on its safety net.
    pub fn write(&mut self, bytes: &[u8]) {
        if self.failed.is_some() {
            return;
        }
        match self.file.write_all(bytes) {
            Ok(()) => self.written += bytes.len() as u64,
            Err(e) => {
                crate::output::write_stderr_line(&format!(
                    "ccmon: cannot write the intake {}: {e}; lines passed through from now on \
                     are recorded only by the monitor, so a SIGKILL of ccmon could lose the \
                     newest of them",
                    self.path.display()
                ));
                self.failed = Some(e.kind());
            }
        }
    }

    /// The intake file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether every byte read so far is in the intake.
    pub fn complete(&self) -> bool {
        self.failed.is_none()
    }

    /// A handle for the monitor to free the recorded prefix.
    pub fn reclaimer(&self) -> Option<Reclaimer> {
        Some(Reclaimer {
            file: self.file.try_clone().ok()?,
            header_len: self.header_len,
            freed: 0,
        })
    }

    /// Removes the intake once every line is recorded in the log.
    pub fn remove(self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// Frees the intake's blocks below what the log holds.
#[derive(Debug)]
pub struct Reclaimer {
    file: File,
    header_len: u64,
    freed: u64,
}

/// Free in steps of this much, so the intake costs one `fallocate` per megabyte recorded.
const RECLAIM_STEP: u64 = 1 << 20;

impl Reclaimer {
    /// Every stdout byte before `pos` is recorded and fsynced in the log.
    pub fn recorded(&mut self, pos: u64) {
        // The header stays: recovery needs it. Whole blocks after it, below `pos`, go.
        let start = self.header_len.div_ceil(4096) * 4096;
        let end = (self.header_len + pos) / 4096 * 4096;
        if end >= self.freed.max(start) + RECLAIM_STEP {
            // Holes keep every offset valid; a file system without them keeps the bytes.
            if super::spool::punch_range(&self.file, start, end).is_ok() {
                self.freed = end;
            }
        }
    }
}

/// What [`recover`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Recovered {
    /// Runs whose intake was completed into their log.
    pub runs: u64,
    /// Lines recorded from intakes (passed through but not yet in a log when ccmon died).
    pub lines: u64,
    /// Intakes that could not be read, moved aside (path after the move).
    pub damaged: Vec<PathBuf>,
}

/// Records what orphaned intakes (their process is gone) hold beyond their run's log,
/// marks those runs ended, and removes the intakes. Live runs are left alone.
pub fn recover(spool: &Spool) -> Result<Recovered, SpoolError> {
    let dir = spool.dir().join(DIR);
    let mut done = Recovered::default();
    let entries = match fs::read_dir(&dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(done),
        Err(e) => return Err(SpoolError::io(&dir, "read", e)),
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("intake") {
            continue; // a stray file, or one moved aside
        }
        let Ok(file) = OpenOptions::new().read(true).write(true).open(&path) else {
            continue;
        };
        if file.try_lock().is_err() {
            continue; // its ccmon is running
        }
        match recover_one(spool, &path, file) {
            Ok(lines) => {
                done.runs += 1;
                done.lines += lines;
                let _ = fs::remove_file(&path);
            }
            Err(RecoverError::Damaged(why)) => {
                let aside = super::spool::move_aside(&path);
                tracing::warn!(
                    "intake {} is damaged ({why}); moved aside to {}",
                    path.display(),
                    aside.display()
                );
                done.damaged.push(aside);
            }
            Err(RecoverError::Spool(e)) => return Err(e),
        }
    }
    Ok(done)
}

enum RecoverError {
    Damaged(String),
    Spool(SpoolError),
}

impl From<SpoolError> for RecoverError {
    fn from(e: SpoolError) -> Self {
        RecoverError::Spool(e)
    }
}

fn recover_one(spool: &Spool, path: &Path, mut file: File) -> Result<u64, RecoverError> {
    let received = file
        .metadata()
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| jiff::Timestamp::try_from(t).ok())
        .unwrap_or_else(clock::now);
    let mut reader = BufReader::new(&mut file);
    let mut line = Vec::new();
    (&mut reader)
        .take(MAX_HEADER)
        .read_until(b'\n', &mut line)
        .map_err(|e| SpoolError::io(path, "read", e))?;
    if line.last() != Some(&b'\n') {
        let size = file.metadata().map_or(0, |m| m.len());
        if size == line.len() as u64 {
            // The process died while creating the intake: no line was passed on yet.
            return Ok(0);
        }
        return Err(RecoverError::Damaged("no header line".to_owned()));
    }
    let header: IntakeHeader = serde_json::from_slice(&line[..line.len() - 1])
        .map_err(|e| RecoverError::Damaged(format!("bad header: {e}")))?;
    let header_len = line.len() as u64;
    drop(reader);

    // Where the run's log stands: its last record's seq and stdout position.
    let run = spool.runs()?.into_iter().find(|r| r.is_run(&header.run_id));
    let (mut seq, mut pos, mut summary) = (0, 0, None);
    if let Some(run) = &run {
        let mut log = LogReader::open(&run.log)?;
        loop {
            match log.next_record() {
                Ok(Some(r)) => (seq, pos) = (r.seq, r.pos),
                Ok(None) => break,
                // The valid prefix counts; the damage is the log's, handled by delivery.
                Err(SpoolError::Corrupt { .. }) => break,
                Err(e) => return Err(e.into()),
            }
        }
        if log.torn() {
            // The dead ccmon was cut off in the middle of a record: drop the torn bytes,
            // or the records appended below would be read as the rest of that record.
            OpenOptions::new()
                .write(true)
                .open(&run.log)
                .and_then(|f| f.set_len(log.offset()))
                .map_err(|e| SpoolError::io(&run.log, "truncate", e))?;
        }
        summary = run.summary();
        if seq > 0 && pos == 0 {
            return Err(RecoverError::Damaged(
                "its log has records without stdout positions".to_owned(),
            ));
        }
    }
    tracing::debug!(
        "recovering {} from stdout byte {pos} (seq {seq})",
        path.display()
    );
    let ends_with_newline = {
        use std::os::unix::fs::FileExt as _;
        let size = file.metadata().map_or(0, |m| m.len());
        let mut last = [0u8; 1];
        size > header_len && file.read_exact_at(&mut last, size - 1).is_ok() && last[0] == b'\n'
    };
    file.seek(io::SeekFrom::Start(header_len + pos))
        .map_err(|e| SpoolError::io(path, "seek", e))?;
    let config = RecorderConfig {
        agent_id: header.agent_id.clone(),
        command: header.command.clone(),
        batch_size: header.batch_size.max(1),
    };
    let sink = SpoolSink::new(spool.clone(), &header.run_id);
    let mut recorder = Recorder::resume(
        config,
        header.run_id.clone(),
        header.started_at.clone(),
        sink,
        seq,
        summary,
    );
    let at = clock::rfc3339(received);
    let mut lines = LineReader::new(BufReader::with_capacity(256 * 1024, file), header.max_line);
    let mut n = 0;
    // A last line without its newline was cut short (by the death of ccmon, or by a write
    // the disk refused): it is kept, as a raw chunk, never parsed as if it were whole.
    let mut held: Option<super::lines::Chunk> = None;
    while let Some(chunk) = lines
        .next_chunk()
        .map_err(|e| SpoolError::io(path, "read", e))?
    {
        if let Some(prev) = held.replace(chunk) {
            pos += prev.data.len() as u64 + u64::from(prev.complete);
            recorder.push_at(prev.data, prev.complete, &at, pos)?;
            n += 1;
        }
    }
    if let Some(last) = held {
        let complete = last.complete && ends_with_newline;
        pos += last.data.len() as u64 + u64::from(complete);
        recorder.push_at(last.data, complete, &at, pos)?;
        n += 1;
    }
    // A run that had ended keeps its exit code (ccmon died between its last write and the
    // intake's removal).
    let code = recorder
        .summary()
        .filter(|s| s.state == super::summary::AgentState::Exited)
        .and_then(|s| s.exit_code);
    recorder.finish(code)?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(run: &str, agent: Option<&str>) -> IntakeHeader {
        IntakeHeader {
            run_id: run.into(),
            agent_id: agent.map(str::to_owned),
            command: "agent".into(),
            started_at: "2026-01-01T00:00:00.000Z".into(),
            max_line: 8,
            batch_size: 3,
        }
    }

    /// Everything in the run's log, in order.
    fn logged(spool: &Spool) -> Vec<(u64, Vec<u8>)> {
        let mut out = Vec::new();
        for run in spool.runs().unwrap() {
            let mut r = LogReader::open(&run.log).unwrap();
            while let Some(rec) = r.next_record().unwrap() {
                out.push((rec.seq, rec.data));
            }
        }
        out
    }

    /// Records `lines` the way the monitor does: positions from the intake's splitting.
    fn record_prefix(spool: &Spool, run: &str, input: &[u8], lines: usize) {
        let mut rec = Recorder::new(
            RecorderConfig {
                agent_id: Some("a".into()),
                command: "agent".into(),
                batch_size: 2,
            },
            run.into(),
            "t0".into(),
            SpoolSink::new(spool.clone(), run),
        );
        let mut reader = LineReader::new(input, 8);
        let mut pos = 0;
        for _ in 0..lines {
            let c = reader.next_chunk().unwrap().unwrap();
            pos += c.data.len() as u64 + u64::from(c.complete);
            rec.push_at(c.data, c.complete, "t", pos).unwrap();
        }
        rec.flush().unwrap();
    }

    #[test]
    fn an_orphaned_intake_completes_its_log_exactly_once() {
        let input = b"one\ntwo\nthree-is-long\nfour\nfive\nsix-partial";
        for recorded in [0, 1, 2, 4, 5] {
            let dir = tempfile::tempdir().unwrap();
            let spool = Spool::new(dir.path());
            let mut intake = Intake::create(&spool, &header("r1", Some("a"))).unwrap();
            // The bytes arrive in pieces that do not follow lines.
            for piece in input.chunks(5) {
                intake.write(piece);
            }
            record_prefix(&spool, "r1", input, recorded);
            if recorded > 0 {
                // ccmon died in the middle of appending a record: a torn tail.
                let run = spool.runs().unwrap().remove(0);
                let mut log = OpenOptions::new().append(true).open(&run.log).unwrap();
                log.write_all(b"{\"agent_id\":\"a\",\"run_id\":\"r1\",\"seq\":99,\"timestamp\":\"t\",\"event_type\":\"raw\",\"type\":\"\",\"subtype\":\"\",\"session_id\":\"\",\"tool\":\"\",\"turn_number\":0,\"len\":50}\nfive").unwrap();
            }
            // While its process lives, the intake is not touched.
            assert_eq!(recover(&spool).unwrap(), Recovered::default());
            drop(intake); // the process dies: the lock goes with it
            let done = recover(&spool).unwrap();
            let got = logged(&spool);
            let want: Vec<&[u8]> = vec![
                b"one",
                b"two",
                b"three-is",
                b"-long",
                b"four",
                b"five",
                b"six-part",
                b"ial",
            ];
            assert_eq!(
                got.iter().map(|(_, d)| d.as_slice()).collect::<Vec<_>>(),
                want,
                "recorded {recorded}"
            );
            assert_eq!(
                got.iter().map(|(s, _)| *s).collect::<Vec<_>>(),
                (1..=8).collect::<Vec<_>>()
            );
            assert_eq!(done.lines, 8 - recorded as u64);
            // The run is ended, and the intake is gone: a second recovery does nothing.
            let run = spool.runs().unwrap().remove(0);
            assert_eq!(
                run.summary().unwrap().state,
                super::super::summary::AgentState::Exited
            );
            assert_eq!(recover(&spool).unwrap(), Recovered::default());
            assert_eq!(logged(&spool).len(), 8);
        }
    }

    #[test]
    fn a_freed_prefix_keeps_the_header_and_what_is_not_recorded() {
        let dir = tempfile::tempdir().unwrap();
        let spool = Spool::new(dir.path());
        let mut h = header("r3", Some("a"));
        h.max_line = 1 << 20;
        let mut intake = Intake::create(&spool, &h).unwrap();
        let mut reclaimer = intake.reclaimer().unwrap();
        let line = format!("{}\n", "x".repeat(999));
        let input = line.repeat(3000);
        intake.write(input.as_bytes());
        let mut rec = Recorder::new(
            RecorderConfig {
                agent_id: Some("a".into()),
                command: "agent".into(),
                batch_size: 100,
            },
            "r3".into(),
            "t0".into(),
            SpoolSink::new(spool.clone(), "r3"),
        );
        for i in 1..=2990u64 {
            rec.push_at(line.trim_end().as_bytes().to_vec(), true, "t", i * 1000)
                .unwrap();
        }
        rec.flush().unwrap();
        reclaimer.recorded(rec.recorded_pos());
        assert!(reclaimer.freed > 2_000_000, "{}", reclaimer.freed);
        drop((intake, reclaimer));
        assert_eq!(recover(&spool).unwrap().lines, 10);
        let got = logged(&spool);
        assert_eq!(got.len(), 3000);
        assert!(got.iter().all(|(_, d)| d.len() == 999));
    }

    #[test]
    fn an_intake_without_agent_id_or_log_takes_the_session_from_its_lines() {
        let dir = tempfile::tempdir().unwrap();
        let spool = Spool::new(dir.path());
        let mut h = header("r2", None);
        h.max_line = 1024;
        let mut intake = Intake::create(&spool, &h).unwrap();
        intake.write(b"not json\n{\"type\":\"system\",\"session_id\":\"s-1\"}\n");
        drop(intake);
        assert_eq!(recover(&spool).unwrap().lines, 2);
        let agents = spool.agents().unwrap();
        assert_eq!(agents.len(), 1);
        assert_eq!(agents[0].agent_id, "s-1");
        assert_eq!(logged(&spool).len(), 2);
    }

    #[test]
    fn a_damaged_intake_is_moved_aside_and_stray_files_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let spool = Spool::new(dir.path());
        let intakes = dir.path().join(DIR);
        fs::create_dir_all(&intakes).unwrap();
        fs::write(intakes.join("bad.intake"), b"\xff\xfe garbage\nline\n").unwrap();
        fs::write(intakes.join("x.log"), b"stray").unwrap();
        let done = recover(&spool).unwrap();
        assert_eq!(done.damaged.len(), 1);
        assert!(
            done.damaged[0]
                .to_string_lossy()
                .contains("bad.intake.corrupt-1")
        );
        assert!(intakes.join("x.log").exists());
        assert!(spool.runs().unwrap().is_empty());
    }
}
