//! The on-disk spool: an append-only log of records per agent and run, fsynced per batch.
//! It takes over when Redis is unreachable, and with no Redis configured it is the store
//! that `stream ls` and `stream tail` read.
//!
//! This module is the spool's whole on-disk format (the intake, written before any line is
//! passed through, is described and handled in [`super::intake`]). Layout under the spool
//! directory (default `$XDG_STATE_HOME/ccmon/spool`):
//!
//! ```text
//! <agent>/<run>.log          records: a JSON header line (with the data's length, its
//!                            CRC-32 and, for watch, the stdout position after the line),
//!                            then the data, then \n; appended and fsynced per batch
//! <agent>/<run>.meta.json    the agent's summary as of the last batch (replaced atomically)
//! <agent>/<run>.acked        how far the log was delivered ([`Ack`]): always ACK_LEN bytes,
//!                            created with the log and overwritten in place (a full disk
//!                            does not stop delivery)
//! <agent>/<run>.reclaimed    where the log's readable part starts ([`Reclaimed`])
//! <agent>/<file>.corrupt-N   a damaged file moved aside (see `move_aside`); never read
//! .intake/<run>.intake       the agent's stdout as read (see [`super::intake`])
//! ```
//!
//! `<agent>` and `<run>` are ids made safe and bounded (`file_safe`); a name starting with
//! `.` is never an agent's. The data is stored as raw bytes after a length-prefixed header,
//! so any line (invalid UTF-8, megabytes long) round-trips exactly. A record torn by a crash
//! mid-write is detected by its length and ignored; everything before it is intact. A
//! record whose data does not match its CRC is damage: the log's readable part is delivered
//! and the log moved aside. Undelivered bytes ([`pending_bytes`]) are each log's length past
//! its ack, cheap enough to check before every batch.
//!
//! A run that lasts for days must not fill the disk with records Redis already holds, so
//! the process writing a run frees the disk blocks of its delivered prefix as it goes
//! ([`reclaim`]: `fallocate(PUNCH_HOLE)`, which keeps the file's size and every offset
//! valid), keeping the newest delivered bytes for a Redis that restarts empty. The
//! `.reclaimed` file says where the records still held start; readers begin there.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::record::{EventType, Record};
use super::summary::Summary;

/// Records with more data than this are written straight from the record.
const DIRECT_WRITE: usize = 256 * 1024;

/// A write buffer larger than this (a burst of records just under [`DIRECT_WRITE`]) is
/// not kept for the rest of the run; an ordinary batch's buffer is reused.
const KEEP_BUFFER: usize = 16 * 1024 * 1024;

/// Longest header line accepted when reading; anything longer is corruption.
const MAX_HEADER: usize = 64 * 1024;

/// A spool directory.
#[derive(Debug, Clone)]
pub struct Spool {
    dir: PathBuf,
}

/// The header written before each record's data.
#[derive(Debug, Serialize, Deserialize)]
struct Header {
    agent_id: String,
    run_id: String,
    seq: u64,
    timestamp: String,
    event_type: EventType,
    #[serde(rename = "type")]
    type_: String,
    subtype: String,
    session_id: String,
    tool: String,
    turn_number: u64,
    len: usize,
    /// The record's [`Record::pos`]; absent when 0 (ingest, older spools).
    #[serde(default, skip_serializing_if = "is_zero")]
    pos: u64,
    /// CRC-32 of the data, so damage inside a line is caught rather than delivered
    /// (absent in spools of older versions).
    #[serde(default)]
    crc: Option<u32>,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if takes a reference
fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl Spool {
    /// A spool rooted at `dir` (created on first write).
    pub fn new(dir: impl Into<PathBuf>) -> Spool {
        Spool { dir: dir.into() }
    }

    /// The spool directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn agent_dir(&self, agent_id: &str) -> PathBuf {
        self.dir.join(file_safe(agent_id))
    }

    /// Opens (creating) the log of one run for appending.
    pub fn writer(&self, agent_id: &str, run_id: &str) -> Result<RunWriter, SpoolError> {
        let dir = self.agent_dir(agent_id);
        fs::create_dir_all(&dir).map_err(|e| SpoolError::io(&dir, "create", e))?;
        let log = dir.join(format!("{}.log", file_safe(run_id)));
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .map_err(|e| SpoolError::io(&log, "open", e))?;
        let len = file
            .metadata()
            .map_err(|e| SpoolError::io(&log, "open", e))?
            .len();
        // The ack exists from the start, so later acks overwrite it in place, even on a
        // full disk (see `delivery::Ack::write`).
        let acked = dir.join(format!("{}.acked", file_safe(run_id)));
        if !acked.exists() {
            let _ = Ack::default().write(&acked);
        }
        Ok(RunWriter {
            meta: dir.join(format!("{}.meta.json", file_safe(run_id))),
            log,
            file,
            buf: Vec::new(),
            len,
        })
    }

    /// Every run's summary in the spool, newest last event first.
    pub fn summaries(&self) -> Result<Vec<Summary>, SpoolError> {
        let mut out = Vec::new();
        for agent_dir in self.agent_dirs()? {
            for path in files_with_suffix(&agent_dir, ".meta.json")? {
                // One unreadable summary (not UTF-8, truncated, not ours) must not hide
                // every other agent.
                let bytes = match fs::read(&path) {
                    Ok(b) => b,
                    Err(e) => {
                        tracing::warn!("skipping unreadable summary {}: {e}", path.display());
                        continue;
                    }
                };
                match serde_json::from_slice::<Summary>(&bytes) {
                    Ok(s) => out.push(s),
                    Err(e) => tracing::warn!("skipping unreadable summary {}: {e}", path.display()),
                }
            }
        }
        out.sort_by(|a, b| b.last_event_at.cmp(&a.last_event_at));
        Ok(out)
    }

    /// The latest summary of each agent (its most recent run), newest first.
    pub fn agents(&self) -> Result<Vec<Summary>, SpoolError> {
        let mut seen = std::collections::HashSet::new();
        Ok(self
            .summaries()?
            .into_iter()
            .filter(|s| seen.insert(s.agent_id.clone()))
            .collect())
    }

    /// The log files of one agent, oldest run first (by the time its summary started).
    pub fn run_logs(&self, agent_id: &str) -> Result<Vec<PathBuf>, SpoolError> {
        let dir = self.agent_dir(agent_id);
        if !dir.exists() {
            return Ok(Vec::new());
        }
        let mut logs = files_with_suffix(&dir, ".log")?;
        // Sorting by modification time puts runs in the order they were last written.
        logs.sort_by_key(|p| fs::metadata(p).and_then(|m| m.modified()).ok());
        Ok(logs)
    }

    /// Every run in the spool: (log, summary file), in no particular order.
    pub fn runs(&self) -> Result<Vec<RunFiles>, SpoolError> {
        let mut out = Vec::new();
        for agent_dir in self.agent_dirs()? {
            for log in files_with_suffix(&agent_dir, ".log")? {
                let stem = log
                    .file_name()
                    .and_then(|n| n.to_str())
                    .and_then(|n| n.strip_suffix(".log"))
                    .unwrap_or_default()
                    .to_owned();
                out.push(RunFiles {
                    meta: agent_dir.join(format!("{stem}.meta.json")),
                    acked: agent_dir.join(format!("{stem}.acked")),
                    reclaimed: Reclaimed::path_for(&log),
                    log,
                });
            }
        }
        Ok(out)
    }

    /// Files moved aside as damaged (`*.corrupt-N`), for a person to look at.
    pub fn damaged(&self) -> Result<Vec<PathBuf>, SpoolError> {
        let mut out = Vec::new();
        let intakes = self.dir.join(super::intake::DIR);
        for dir in self.agent_dirs()?.into_iter().chain([intakes]) {
            let Ok(rd) = fs::read_dir(&dir) else { continue };
            out.extend(
                rd.filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p.to_string_lossy().contains(".corrupt-")),
            );
        }
        out.sort();
        Ok(out)
    }

    fn agent_dirs(&self) -> Result<Vec<PathBuf>, SpoolError> {
        match fs::read_dir(&self.dir) {
            // Agent names escape `.`, so a dot-directory (the intakes, a run moved
            // aside) is never an agent's.
            Ok(rd) => Ok(rd
                .filter_map(Result::ok)
                .filter(|e| !e.file_name().as_encoded_bytes().starts_with(b"."))
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(SpoolError::io(&self.dir, "read", e)),
        }
    }
}

fn files_with_suffix(dir: &Path, suffix: &str) -> Result<Vec<PathBuf>, SpoolError> {
    let rd = fs::read_dir(dir).map_err(|e| SpoolError::io(dir, "read", e))?;
    let mut files: Vec<PathBuf> = rd
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(suffix))
        })
        .collect();
    files.sort();
    Ok(files)
}

/// Longest file-name component [`file_safe`] makes: below every common file system's 255-byte
/// limit with room for the suffixes (`.meta.json.tmp`) and the `.corrupt-N` of a run moved
/// aside.
const MAX_NAME: usize = 180;

/// Agent and run ids come from streams and users; keep them from escaping the directory,
/// clashing with the file suffixes, or exceeding the file system's name limit (an id is
/// whatever the agent printed as its `session_id`). Short ids stay readable (`%XX` for any
/// other byte); a long one keeps a readable prefix and ends with a 128-bit hash of the whole
/// id, so distinct ids get distinct names. The id itself is kept inside the files.
pub(crate) fn file_safe(id: &str) -> String {
    let mut out = String::with_capacity(id.len().min(MAX_NAME));
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    if out.is_empty() {
        out.push_str("%00");
    }
    if out.len() > MAX_NAME {
        // `~` is escaped in every short name, so a hashed name never equals a short one.
        let hash = fnv1a_128(id.as_bytes());
        let mut cut = MAX_NAME - 33;
        // Never cut inside a `%XX` escape (all ASCII, so any index is a char boundary).
        while out.as_bytes()[..cut].ends_with(b"%") || out.as_bytes()[..cut - 1].ends_with(b"%") {
            cut -= 1;
        }
        out.truncate(cut);
        out.push_str(&format!("~{hash:032x}"));
    }
    out
}

/// FNV-1a, 128 bits: stable across versions and machines, which a file name must be.
fn fnv1a_128(bytes: &[u8]) -> u128 {
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
    bytes
        .iter()
        .fold(OFFSET, |h, b| (h ^ u128::from(*b)).wrapping_mul(PRIME))
}

/// The files of one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunFiles {
    /// The records.
    pub log: PathBuf,
    /// The latest summary.
    pub meta: PathBuf,
    /// How far the log was delivered to Redis.
    pub acked: PathBuf,
    /// Where the records still held start (see [`Reclaimed`]).
    pub reclaimed: PathBuf,
}

impl RunFiles {
    /// Whether these are the files of run `run_id`.
    pub fn is_run(&self, run_id: &str) -> bool {
        self.log.file_name().and_then(|n| n.to_str()) == Some(&format!("{}.log", file_safe(run_id)))
    }

    /// Replaces the run's summary (e.g. to mark the run of a killed ccmon as ended).
    pub fn write_summary(&self, summary: &Summary) -> Result<(), SpoolError> {
        write_summary_file(&self.meta, summary)
    }

    /// The run's summary, if written and readable.
    pub fn summary(&self) -> Option<Summary> {
        let text = fs::read_to_string(&self.meta).ok()?;
        serde_json::from_str(&text).ok()
    }
}

/// Appends one run's records.
#[derive(Debug)]
pub struct RunWriter {
    log: PathBuf,
    meta: PathBuf,
    file: File,
    buf: Vec<u8>,
    /// The log's length after the last complete append.
    len: u64,
}

impl RunWriter {
    /// Appends a batch of records and fsyncs it: after this returns, the batch survives a
    /// crash of ccmon or of the machine.
    pub fn append(&mut self, records: &[Record]) -> Result<(), SpoolError> {
        let result = self.append_unchecked(records);
        if result.is_err() {
            // A write cut short (a full disk) must not leave a torn record in the middle of
            // the log once the batch is written again: back to the last complete batch.
            let _ = self.file.set_len(self.len);
        } else if let Ok(m) = self.file.metadata() {
            self.len = m.len();
        }
        result
    }

    fn append_unchecked(&mut self, records: &[Record]) -> Result<(), SpoolError> {
        self.buf.clear();
        for r in records {
            let header = Header {
                agent_id: r.agent_id.clone(),
                run_id: r.run_id.clone(),
                seq: r.seq,
                timestamp: r.timestamp.clone(),
                event_type: r.event_type,
                type_: r.type_.clone(),
                subtype: r.subtype.clone(),
                session_id: r.session_id.clone(),
                tool: r.tool.clone(),
                turn_number: r.turn_number,
                len: r.data.len(),
                pos: r.pos,
                crc: Some(crc32fast::hash(&r.data)),
            };
            // Serializing plain strings and numbers cannot fail.
            serde_json::to_writer(&mut self.buf, &header)
                .map_err(|e| SpoolError::io(&self.log, "encode", io::Error::other(e)))?;
            self.buf.push(b'\n');
            if r.data.len() > DIRECT_WRITE {
                // A huge line is written from where it is, not copied into the buffer.
                self.file
                    .write_all(&self.buf)
                    .and_then(|()| self.file.write_all(&r.data))
                    .map_err(|e| SpoolError::io(&self.log, "write", e))?;
                self.buf.clear();
            } else {
                self.buf.extend_from_slice(&r.data);
            }
            self.buf.push(b'\n');
        }
        self.file
            .write_all(&self.buf)
            .and_then(|()| self.file.sync_data())
            .map_err(|e| SpoolError::io(&self.log, "write", e))?;
        // A buffer grown for a burst is not kept for the rest of the run.
        if self.buf.capacity() > KEEP_BUFFER {
            self.buf = Vec::new();
        }
        Ok(())
    }

    /// Replaces the run's summary atomically.
    pub fn write_summary(&self, summary: &Summary) -> Result<(), SpoolError> {
        write_summary_file(&self.meta, summary)
    }

    /// The log file's path.
    pub fn path(&self) -> &Path {
        &self.log
    }
}

/// Renames a damaged file out of the way (`<name>.corrupt-N`, the first N free), so it is
/// kept for a person to look at and never read again as spool data. Returns where it went
/// (or its own path if even the rename failed: then it stays, and is reported again).
pub(crate) fn move_aside(path: &Path) -> PathBuf {
    for n in 1..1000 {
        let mut name = path.as_os_str().to_owned();
        name.push(format!(".corrupt-{n}"));
        let to = PathBuf::from(name);
        if to.exists() {
            continue;
        }
        return match fs::rename(path, &to) {
            Ok(()) => to,
            Err(_) => path.to_owned(),
        };
    }
    path.to_owned()
}

/// Replaces a summary file atomically.
fn write_summary_file(path: &Path, summary: &Summary) -> Result<(), SpoolError> {
    let json = serde_json::to_vec_pretty(summary)
        .map_err(|e| SpoolError::io(path, "encode", io::Error::other(e)))?;
    replace_file(path, &json)
}

/// Replaces a small file atomically: writes `<path>.tmp` and renames it over `path`, so a
/// reader sees the old content or the new one, never half of either.
pub(crate) fn replace_file(path: &Path, bytes: &[u8]) -> Result<(), SpoolError> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    fs::write(&tmp, bytes)
        .and_then(|()| fs::rename(&tmp, path))
        .map_err(|e| SpoolError::io(path, "write", e))
}

/// Reads a small JSON state file of a run (its ack, its reclaim state); a missing or
/// unreadable one reads as the default, "nothing done yet", which is always safe: at worst
/// records are sent again and the target skips them.
pub(crate) fn read_state<T: serde::de::DeserializeOwned + Default>(path: &Path) -> T {
    fs::read_to_string(path)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

/// How far a run was delivered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ack {
    /// Byte offset in the log after the last delivered record.
    pub offset: u64,
    /// Seq of the last delivered record.
    pub seq: u64,
    /// Fingerprint of the summary last delivered (0: none), so a summary that changes
    /// without new records (the agent hangs and is declared stuck) still reaches the target.
    #[serde(default)]
    pub meta: u64,
}

impl Ack {
    /// Reads a run's ack file; a missing or unreadable one means nothing was delivered.
    pub fn read(path: &Path) -> Ack {
        read_state(path)
    }

    /// Writes the ack. An ack file is always [`ACK_LEN`] bytes (padded with spaces), so
    /// an existing one is overwritten in place: that needs no new disk block, and delivery
    /// goes on (and frees space) when the disk is full. A torn write reads as "nothing
    /// delivered", which is safe: the target skips what it has.
    pub(crate) fn write(self, path: &Path) -> Result<(), SpoolError> {
        use std::os::unix::fs::FileExt as _;
        let mut text = format!(
            "{{\"offset\":{},\"seq\":{},\"meta\":{}}}",
            self.offset, self.seq, self.meta
        )
        .into_bytes();
        text.resize(ACK_LEN, b' ');
        if let Ok(file) = fs::OpenOptions::new().write(true).open(path)
            && file.metadata().is_ok_and(|m| m.len() == ACK_LEN as u64)
        {
            return file
                .write_all_at(&text, 0)
                .map_err(|e| SpoolError::io(path, "write", e));
        }
        replace_file(path, &text)
    }
}

/// The size of every ack file: room for three 20-digit numbers.
const ACK_LEN: usize = 96;

/// Bytes of spool logs not delivered yet (log length past each run's ack), without
/// reading the logs: cheap enough to check before every batch.
pub fn pending_bytes(spool: &Spool) -> Result<u64, SpoolError> {
    let mut n = 0;
    for run in spool.runs()? {
        let len = fs::metadata(&run.log).map(|m| m.len()).unwrap_or(0);
        n += len.saturating_sub(Ack::read(&run.acked).offset);
    }
    Ok(n)
}

/// Records of a spool that are not delivered yet.
pub fn pending(spool: &Spool) -> Result<u64, SpoolError> {
    let mut n = 0;
    for run in spool.runs()? {
        let ack = Ack::read(&run.acked);
        let mut reader = LogReader::open_at(&run.log, ack.offset)?;
        loop {
            match reader.next_record() {
                Ok(Some(_)) => n += 1,
                Ok(None) => break,
                // A damaged log counts up to its damage (what delivery can still send).
                Err(SpoolError::Corrupt { .. }) => break,
                Err(e) => return Err(e),
            }
        }
    }
    Ok(n)
}

/// Where the readable part of a run log starts once its delivered prefix was reclaimed,
/// and where the next reclaim will stop. Written only by the process writing the run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reclaimed {
    /// Byte offset of the first record still held (a record boundary; 0: all held).
    pub offset: u64,
    /// The seq of that record: the lowest the spool can still deliver (0: all).
    pub seq: u64,
    /// A later record boundary, already delivered, up to which the next reclaim frees.
    #[serde(default)]
    pub mark: u64,
    /// The seq of the record at `mark`.
    #[serde(default)]
    pub mark_seq: u64,
}

impl Reclaimed {
    /// Reads a run's reclaim state; missing or unreadable means nothing was reclaimed.
    pub fn read(path: &Path) -> Reclaimed {
        read_state(path)
    }

    /// The reclaim state file of the run whose log is `log` (`<run>.reclaimed`).
    pub fn path_for(log: &Path) -> PathBuf {
        log.with_extension("reclaimed")
    }

    /// Replaces the file atomically.
    pub fn write(&self, path: &Path) -> Result<(), SpoolError> {
        let text = serde_json::to_vec(self)
            .map_err(|e| SpoolError::io(path, "encode", io::Error::other(e)))?;
        replace_file(path, &text)
    }
}

/// Frees the disk blocks of `log` before byte `end`, rounded down to whole 4 KiB blocks
/// so no byte at or after `end` is touched, keeping the file's size and offsets. The
/// caller must have moved the run's [`Reclaimed`] offset to `end` first, so no reader
/// starts in the freed part. A file system without hole punching keeps the bytes: an
/// error here loses nothing.
pub fn reclaim(log: &Path, end: u64) -> io::Result<()> {
    let end = end / 4096 * 4096;
    if end == 0 {
        return Ok(());
    }
    let file = OpenOptions::new().write(true).open(log)?;
    punch_hole(&file, end)
}

/// Frees the blocks of `file` before byte `len` (see [`punch_range`]).
pub(crate) fn punch_hole(file: &File, len: u64) -> io::Result<()> {
    punch_range(file, 0, len)
}

/// Frees the blocks of `file` in `start..end`, keeping its size and every offset.
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) fn punch_range(file: &File, start: u64, end: u64) -> io::Result<()> {
    use rustix::fs::FallocateFlags;
    if end <= start {
        return Ok(());
    }
    rustix::fs::fallocate(
        file,
        FallocateFlags::PUNCH_HOLE | FallocateFlags::KEEP_SIZE,
        start,
        end - start,
    )
    .map_err(io::Error::from)
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub(crate) fn punch_range(_file: &File, _start: u64, _end: u64) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// Reads the records of one run log in order.
pub struct LogReader {
    path: PathBuf,
    reader: BufReader<File>,
    offset: u64,
    torn: bool,
}

impl LogReader {
    /// Opens a log at its first record still held (see [`Reclaimed`]).
    pub fn open(path: &Path) -> Result<LogReader, SpoolError> {
        LogReader::open_at(path, 0)
    }

    /// Opens a log and skips to `offset` (an offset returned by [`LogReader::offset`]), or
    /// to the first record still held if that is later.
    pub fn open_at(path: &Path, offset: u64) -> Result<LogReader, SpoolError> {
        let offset = offset.max(Reclaimed::read(&Reclaimed::path_for(path)).offset);
        LogReader::open_with(path, offset, 256 * 1024)
    }

    /// Opens a log at `offset` exactly, even inside its reclaimed part (to check a state
    /// file against the log).
    pub fn open_exactly_at(path: &Path, offset: u64) -> Result<LogReader, SpoolError> {
        LogReader::open_with(path, offset, 64 * 1024)
    }

    fn open_with(path: &Path, offset: u64, buffer: usize) -> Result<LogReader, SpoolError> {
        use std::io::Seek;
        let file = File::open(path).map_err(|e| SpoolError::io(path, "open", e))?;
        let mut reader = BufReader::with_capacity(buffer, file);
        if offset > 0 {
            reader
                .seek(io::SeekFrom::Start(offset))
                .map_err(|e| SpoolError::io(path, "seek", e))?;
        }
        Ok(LogReader {
            path: path.to_owned(),
            reader,
            offset,
            torn: false,
        })
    }

    /// Byte offset after the last complete record read.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Whether reading stopped at an incomplete (torn) record.
    pub fn torn(&self) -> bool {
        self.torn
    }

    /// The next complete record; `None` at the end or at a torn tail (the file may still
    /// be growing: a later call can return more).
    pub fn next_record(&mut self) -> Result<Option<Record>, SpoolError> {
        let mut header_line = Vec::new();
        let n = (&mut self.reader)
            .take(MAX_HEADER as u64 + 1)
            .read_until(b'\n', &mut header_line)
            .map_err(|e| SpoolError::io(&self.path, "read", e))?;
        if n == 0 {
            return Ok(None);
        }
        if header_line.last() != Some(&b'\n') {
            return self.torn_tail(n);
        }
        let header: Header =
            serde_json::from_slice(&header_line[..n - 1]).map_err(|e| SpoolError::Corrupt {
                path: self.path.clone(),
                offset: self.offset,
                message: e.to_string(),
            })?;
        let mut data = vec![0; header.len];
        let mut got = 0;
        while got < data.len() {
            match self.reader.read(&mut data[got..]) {
                Ok(0) => return self.torn_tail(n + got),
                Ok(k) => got += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(SpoolError::io(&self.path, "read", e)),
            }
        }
        let mut newline = [0u8; 1];
        match self.reader.read(&mut newline) {
            Ok(1) if newline[0] == b'\n' => {}
            Ok(0) => return self.torn_tail(n + got),
            Ok(_) => {
                return Err(SpoolError::Corrupt {
                    path: self.path.clone(),
                    offset: self.offset,
                    message: "record not terminated by a newline".to_owned(),
                });
            }
            Err(e) => return Err(SpoolError::io(&self.path, "read", e)),
        }
        if let Some(crc) = header.crc
            && crc != crc32fast::hash(&data)
        {
            return Err(SpoolError::Corrupt {
                path: self.path.clone(),
                offset: self.offset,
                message: format!("record {} does not match its checksum", header.seq),
            });
        }
        self.offset += (n + got + 1) as u64;
        Ok(Some(Record {
            agent_id: header.agent_id,
            run_id: header.run_id,
            seq: header.seq,
            timestamp: header.timestamp,
            event_type: header.event_type,
            type_: header.type_,
            subtype: header.subtype,
            session_id: header.session_id,
            tool: header.tool,
            turn_number: header.turn_number,
            data,
            pos: header.pos,
        }))
    }

    /// Stops at an incomplete record and rewinds to its start, so a follower can retry when
    /// the writer has finished it.
    fn torn_tail(&mut self, _consumed: usize) -> Result<Option<Record>, SpoolError> {
        use std::io::Seek;
        self.torn = true;
        self.reader
            .seek(io::SeekFrom::Start(self.offset))
            .map_err(|e| SpoolError::io(&self.path, "seek", e))?;
        Ok(None)
    }
}

/// A spool operation failed.
#[derive(Debug, thiserror::Error)]
pub enum SpoolError {
    /// A file operation failed.
    #[error("cannot {op} spool file {}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What was being done.
        op: &'static str,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// The spool holds more undelivered bytes than allowed: the writer waits for delivery.
    #[error("the spool {} holds {pending} bytes not yet delivered to Redis, over --spool-max {max}; waiting for Redis", dir.display())]
    Full {
        /// The spool directory.
        dir: PathBuf,
        /// Undelivered bytes.
        pending: u64,
        /// The bound.
        max: u64,
    },
    /// The disk refuses events and Redis does not take them fast enough: the memory
    /// queue of the degraded mode is full, and the agent waits.
    #[error(
        "the spool cannot be written and {max} bytes of events already wait in memory for Redis; waiting for the disk or Redis"
    )]
    MemoryFull {
        /// The bound.
        max: u64,
    },
    /// A log holds something that is not a record.
    #[error("spool file {} is corrupt at byte {offset}: {message}", path.display())]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// Where.
        offset: u64,
        /// What.
        message: String,
    },
}

impl SpoolError {
    pub(crate) fn io(path: &Path, op: &'static str, source: io::Error) -> SpoolError {
        SpoolError::Io {
            path: path.to_owned(),
            op,
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(seq: u64, data: &[u8]) -> Record {
        Record {
            timestamp: "2026-01-01T00:00:00.000Z".into(),
            ..Record::raw("a/b", "r1", seq, data.to_vec())
        }
    }

    #[test]
    fn records_round_trip_exactly_and_torn_tails_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let spool = Spool::new(dir.path());
        let mut w = spool.writer("a/b", "r1").unwrap();
        let big = vec![b'x'; 3 * 1024 * 1024];
        let records = vec![
            record(1, b"{\"type\":\"x\"}"),
            record(2, b"\xff\xfe\n\nnot utf8"),
            record(3, b""),
            record(4, &big),
        ];
        w.append(&records).unwrap();
        // A torn record: header and half the data.
        let mut f = OpenOptions::new().append(true).open(w.path()).unwrap();
        f.write_all(b"{\"agent_id\":\"a/b\",\"run_id\":\"r1\",\"seq\":5,\"timestamp\":\"t\",\"event_type\":\"raw\",\"type\":\"\",\"subtype\":\"\",\"session_id\":\"\",\"tool\":\"\",\"turn_number\":0,\"len\":10}\nabc").unwrap();
        let logs = spool.run_logs("a/b").unwrap();
        assert_eq!(logs.len(), 1);
        assert!(logs[0].starts_with(dir.path().join("a%2Fb")));
        let mut r = LogReader::open(&logs[0]).unwrap();
        let mut back = Vec::new();
        while let Some(rec) = r.next_record().unwrap() {
            back.push(rec);
        }
        assert_eq!(back, records);
        assert!(r.torn());
    }

    #[test]
    fn file_names_are_safe() {
        assert_eq!(file_safe("6170607e-7232"), "6170607e-7232");
        assert_eq!(file_safe("../x"), "%2E%2E%2Fx");
        assert_eq!(file_safe(""), "%00");
    }

    #[test]
    fn long_ids_get_bounded_distinct_names_that_still_work() {
        let slashes = "/".repeat(90);
        let long = "a".repeat(5000);
        let mut long2 = long.clone();
        long2.push('b');
        let names: Vec<String> = [&slashes, &long, &long2, &format!("{slashes}x")]
            .iter()
            .map(|id| file_safe(id))
            .collect();
        for n in &names {
            assert!(n.len() <= MAX_NAME, "{} bytes: {n}", n.len());
            assert!(!n.contains('/') && !n.contains('.'), "{n}");
        }
        let distinct: std::collections::HashSet<_> = names.iter().collect();
        assert_eq!(distinct.len(), names.len());
        // A hashed name ends on its hash and is cut between escapes, never inside one.
        let cut = names[0].rsplit_once('~').unwrap().0;
        assert!(cut.ends_with("%2F"), "{cut}");
        // The whole spool works with such ids: written, listed, read back with the id inside.
        let dir = tempfile::tempdir().unwrap();
        let spool = Spool::new(dir.path());
        for id in [&slashes, &long] {
            let mut r = record(1, b"x");
            r.agent_id = id.clone();
            let mut w = spool.writer(id, &long).unwrap();
            w.append(&[r]).unwrap();
            let logs = spool.run_logs(id).unwrap();
            assert_eq!(logs.len(), 1);
            let back = LogReader::open(&logs[0])
                .unwrap()
                .next_record()
                .unwrap()
                .unwrap();
            assert_eq!(&back.agent_id, id);
        }
    }
}
