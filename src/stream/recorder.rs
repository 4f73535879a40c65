//! Turning input lines into records: sequence numbers, receive times, the agent id, the
//! running summary, and batches handed to a sink. Shared by `stream ingest` and
//! `stream watch`.

use super::parse::{Parsed, parse};
use super::record::{EventType, Record};
use super::summary::{AgentState, Summary};

/// Lines held back while waiting for the stream to name its session (the agent id
/// defaults to the session id); past this many the agent gets a generated id.
const HOLD_LINES: usize = 16;

/// Where batches of records go.
pub trait Sink {
    /// The error a sink reports.
    type Error;
    /// Stores `records` (in order, all of one agent) and the agent's summary after them.
    /// A sink that keeps the records past the call takes them out of `records` rather
    /// than copy them; the caller clears whatever is left.
    fn write(&mut self, records: &mut Vec<Record>, summary: &Summary) -> Result<(), Self::Error>;
}

/// Settings of a recorder.
#[derive(Debug, Clone)]
pub struct RecorderConfig {
    /// `--agent-id`, if given.
    pub agent_id: Option<String>,
    /// What is recorded (the command, or the file ingested), for the summary.
    pub command: String,
    /// Records per batch.
    pub batch_size: usize,
}

/// A batch is also written once it holds this many bytes, whatever its record count, so
/// memory stays bounded with multi-megabyte lines.
pub const BATCH_BYTES: usize = 8 * 1024 * 1024;

/// Builds records from lines and hands them to a sink in batches.
pub struct Recorder<S: Sink> {
    config: RecorderConfig,
    run_id: String,
    seq: u64,
    summary: Option<Summary>,
    held: Vec<(Vec<u8>, Parsed, String, u64)>,
    batch: Vec<Record>,
    /// Stdout position after the last record the sink has taken (see [`Record::pos`]).
    recorded_pos: u64,
    batch_bytes: usize,
    sink: S,
    started_at: String,
}

impl<S: Sink> Recorder<S> {
    /// A recorder for one run.
    pub fn new(config: RecorderConfig, run_id: String, started_at: String, sink: S) -> Self {
        let mut r = Recorder {
            config,
            run_id,
            seq: 0,
            summary: None,
            held: Vec::new(),
            batch: Vec::new(),
            recorded_pos: 0,
            batch_bytes: 0,
            sink,
            started_at,
        };
        if let Some(id) = r.config.agent_id.clone() {
            r.summary = Some(r.new_summary(&id));
        }
        r
    }

    /// A recorder that continues a run whose log already holds records up to `seq`, with
    /// the summary last stored for it (recovery of a run whose ccmon died).
    pub fn resume(
        config: RecorderConfig,
        run_id: String,
        started_at: String,
        sink: S,
        seq: u64,
        summary: Option<Summary>,
    ) -> Self {
        let mut r = Recorder::new(config, run_id, started_at, sink);
        r.seq = seq;
        if summary.is_some() {
            r.summary = summary;
        }
        r
    }

    /// Stdout position after the last record handed to the sink (0 when none carries one).
    pub fn recorded_pos(&self) -> u64 {
        self.recorded_pos
    }

    fn new_summary(&self, agent_id: &str) -> Summary {
        let mut s = Summary::new(agent_id, &self.config.command, &self.started_at);
        s.owner_pid = Some(std::process::id());
        s
    }

    /// The run id.
    pub fn run_id(&self) -> &str {
        &self.run_id
    }

    /// The summary so far (None until the agent id is known).
    pub fn summary(&self) -> Option<&Summary> {
        self.summary.as_ref()
    }

    /// The sink.
    pub fn sink_mut(&mut self) -> &mut S {
        &mut self.sink
    }

    /// Records one line (or chunk of a long line, which is then recorded as `raw`)
    /// received at `now` (RFC 3339). Returns what the line said.
    pub fn push(&mut self, data: Vec<u8>, complete: bool, now: &str) -> Result<Parsed, S::Error> {
        self.push_at(data, complete, now, 0)
    }

    /// [`Recorder::push`] of a line that ends at stdout position `pos` (see [`Record::pos`]).
    pub fn push_at(
        &mut self,
        data: Vec<u8>,
        complete: bool,
        now: &str,
        pos: u64,
    ) -> Result<Parsed, S::Error> {
        let parsed = parse_chunk(&data, complete);
        self.push_parsed(data, &parsed, now, pos)?;
        Ok(parsed)
    }

    /// Records a line already parsed with [`parse_chunk`] (the supervisor parses once for
    /// display, stuck detection and recording).
    pub fn push_parsed(
        &mut self,
        data: Vec<u8>,
        parsed: &Parsed,
        now: &str,
        pos: u64,
    ) -> Result<(), S::Error> {
        if self.summary.is_none() {
            if parsed.session_id.is_empty() && self.held.len() < HOLD_LINES {
                self.held.push((data, parsed.clone(), now.to_owned(), pos));
                return Ok(());
            }
            let id = if parsed.session_id.is_empty() {
                generated_agent_id(&self.run_id)
            } else {
                parsed.session_id.clone()
            };
            self.summary = Some(self.new_summary(&id));
            for (d, p, t, pos) in std::mem::take(&mut self.held) {
                self.add(d, &p, &t, pos);
            }
        }
        self.add(data, parsed, now, pos);
        // A failed write leaves the batch pending: nothing is dropped, the caller retries
        // with `flush`.
        if self.batch.len() >= self.config.batch_size.max(1) || self.batch_bytes >= BATCH_BYTES {
            self.flush()?;
        }
        Ok(())
    }

    /// Mutable access to the summary (state, pid, stuck reason are set by the supervisor).
    pub fn summary_mut(&mut self) -> Option<&mut Summary> {
        self.summary.as_mut()
    }

    fn add(&mut self, data: Vec<u8>, p: &Parsed, now: &str, pos: u64) {
        let Some(summary) = self.summary.as_mut() else {
            return;
        };
        let turn = summary.observe(p, now);
        self.seq += 1;
        self.batch_bytes += data.len();
        self.batch.push(Record {
            agent_id: summary.agent_id.clone(),
            run_id: self.run_id.clone(),
            seq: self.seq,
            timestamp: now.to_owned(),
            event_type: p.event_type(),
            type_: p.type_.clone(),
            subtype: p.subtype.clone(),
            session_id: p.session_id.clone(),
            tool: p
                .tool_uses
                .iter()
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>()
                .join(","),
            turn_number: turn,
            data,
            pos,
        });
    }

    /// Stores the summary now (after a state change), with the pending records.
    pub fn write_summary(&mut self) -> Result<(), S::Error> {
        self.write_batch(true)
    }

    /// Hands the pending records to the sink.
    pub fn flush(&mut self) -> Result<(), S::Error> {
        self.write_batch(false)
    }

    /// Writes the pending records with the summary; with nothing pending, only when the
    /// summary itself must be stored.
    fn write_batch(&mut self, even_if_empty: bool) -> Result<(), S::Error> {
        let Some(summary) = &self.summary else {
            return Ok(());
        };
        if self.batch.is_empty() && !even_if_empty {
            return Ok(());
        }
        let pos = self.batch.last().map(|r| r.pos);
        self.sink.write(&mut self.batch, summary)?;
        self.batch.clear();
        self.batch_bytes = 0;
        if let Some(pos) = pos {
            self.recorded_pos = self.recorded_pos.max(pos);
        }
        Ok(())
    }

    /// Ends the run: records held lines, marks the agent exited and flushes.
    pub fn finish(mut self, exit_code: Option<i32>) -> Result<(Summary, S), S::Error> {
        if self.summary.is_none() {
            let id = self
                .config
                .agent_id
                .clone()
                .unwrap_or_else(|| generated_agent_id(&self.run_id));
            self.summary = Some(self.new_summary(&id));
            for (d, p, t, pos) in std::mem::take(&mut self.held) {
                self.add(d, &p, &t, pos);
            }
        }
        if let Some(s) = self.summary.as_mut() {
            s.state = AgentState::Exited;
            s.exit_code = exit_code;
            s.stuck_reason = None;
        }
        self.flush()?;
        // The final summary must be stored even when the last batch was already flushed.
        if let Some(s) = &self.summary {
            self.sink.write(&mut Vec::new(), s)?;
        }
        let summary = self
            .summary
            .take()
            .unwrap_or_else(|| Summary::new("", "", ""));
        Ok((summary, self.sink))
    }
}

/// Parses a line, or classifies a chunk of an over-long line as `raw`.
pub fn parse_chunk(data: &[u8], complete: bool) -> Parsed {
    if complete {
        parse(data)
    } else {
        Parsed {
            event_type: Some(EventType::Raw),
            ..Parsed::default()
        }
    }
}

/// An agent id for a stream that never names its session.
pub fn generated_agent_id(run_id: &str) -> String {
    format!("agent-{run_id}")
}

/// A run id unique across runs on this and other machines: time, pid and a counter.
pub fn new_run_id(now_ms: u128, pid: u32) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{now_ms:x}-{pid:x}-{n:x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Memory {
        records: Vec<Record>,
        summaries: Vec<Summary>,
    }

    impl Sink for Memory {
        type Error = std::convert::Infallible;
        fn write(
            &mut self,
            records: &mut Vec<Record>,
            summary: &Summary,
        ) -> Result<(), Self::Error> {
            self.records.append(records);
            self.summaries.push(summary.clone());
            Ok(())
        }
    }

    fn config(agent_id: Option<&str>) -> RecorderConfig {
        RecorderConfig {
            agent_id: agent_id.map(str::to_owned),
            command: "test".into(),
            batch_size: 2,
        }
    }

    #[test]
    fn agent_id_comes_from_the_session_and_nothing_is_lost() {
        let mut r = Recorder::new(config(None), "run".into(), "t0".into(), Memory::default());
        r.push(b"garbage before init".to_vec(), true, "t1").unwrap();
        r.push(
            br#"{"type":"system","subtype":"init","session_id":"sess-1"}"#.to_vec(),
            true,
            "t2",
        )
        .unwrap();
        r.push(b"partial".to_vec(), false, "t3").unwrap();
        let (summary, sink) = r.finish(Some(0)).unwrap();
        assert_eq!(summary.agent_id, "sess-1");
        assert_eq!(summary.exit_code, Some(0));
        let seqs: Vec<u64> = sink.records.iter().map(|r| r.seq).collect();
        assert_eq!(seqs, vec![1, 2, 3]);
        assert_eq!(sink.records[0].data, b"garbage before init");
        assert_eq!(sink.records[0].event_type, EventType::Raw);
        assert_eq!(sink.records[2].event_type, EventType::Raw);
        assert!(sink.records.iter().all(|r| r.agent_id == "sess-1"));
    }

    #[test]
    fn a_stream_without_session_gets_a_generated_id() {
        let mut r = Recorder::new(config(None), "run9".into(), "t0".into(), Memory::default());
        for i in 0..20 {
            r.push(format!("line {i}").into_bytes(), true, "t").unwrap();
        }
        let (summary, sink) = r.finish(None).unwrap();
        assert_eq!(summary.agent_id, "agent-run9");
        assert_eq!(sink.records.len(), 20);
        let (summary, _) = Recorder::new(
            config(Some("fixed")),
            "r".into(),
            "t0".into(),
            Memory::default(),
        )
        .finish(None)
        .unwrap();
        assert_eq!(summary.agent_id, "fixed");
    }
}
