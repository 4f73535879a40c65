//! `stream ingest`: the recording pipeline for input that needs no supervision (a file, or
//! stdin). Lines go straight to Redis while it keeps up, through the spool from the first
//! failure on, or into the spool alone when no Redis is configured; whatever the spool
//! holds at the end (this run's rest, runs of earlier processes) is delivered if Redis
//! takes it. The front door of this pipeline, as [`super::supervisor::watch`] is the one of
//! `stream watch`: the command only opens the input and reports.

use std::io::BufRead;

use super::delivery::{self, DeliveryError};
use super::direct_sink::DirectSink;
use super::lines::LineReader;
use super::recorder::{Recorder, RecorderConfig, Sink};
use super::redis::{RedisConfig, RedisSink, RedisSinkError};
use super::spool::{Spool, SpoolError};
use super::spool_sink::SpoolSink;
use super::summary::Summary;
use crate::clock;

/// What to ingest, and where to.
#[derive(Debug, Clone)]
pub struct IngestSpec {
    /// The agent id, the command for the summary, records per batch.
    pub recorder: RecorderConfig,
    /// The run.
    pub run_id: String,
    /// When the run started, RFC 3339.
    pub started_at: String,
    /// The spool (the store without Redis, the safety net with it).
    pub spool: Spool,
    /// Redis, if configured.
    pub redis: Option<RedisConfig>,
    /// `--spool-max`: undelivered bytes the spool may hold while Redis fails.
    pub spool_max: u64,
    /// `--max-line`.
    pub max_line: usize,
}

/// What an ingest did.
#[derive(Debug)]
pub struct IngestOutcome {
    /// The agent's final summary.
    pub summary: Summary,
    /// Records of this run (in Redis or the spool).
    pub recorded: u64,
    /// Where the records are: `None` without Redis (the spool is the store); with Redis, the
    /// records left in the spool for a later delivery, and why Redis was given up, if it was.
    pub redis: Option<(u64, Option<RedisSinkError>)>,
}

/// Why an ingest stopped.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The input could not be read.
    #[error("cannot read {source_name}")]
    Read {
        /// The input, as the user named it.
        source_name: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The spool failed (with Redis failing too, or without Redis).
    #[error(transparent)]
    Spool(#[from] SpoolError),
    /// Redis refused for another reason than being unavailable (a bad password, say).
    #[error(transparent)]
    Redis(#[from] RedisSinkError),
    /// The delivery thread or its runtime could not be started.
    #[error("cannot start the delivery thread")]
    Thread(#[source] std::io::Error),
}

/// Records every line of `input` (named `source_name` in errors).
pub fn ingest(
    input: impl BufRead,
    source_name: &str,
    spec: IngestSpec,
) -> Result<IngestOutcome, IngestError> {
    let IngestSpec {
        recorder,
        run_id,
        started_at,
        spool,
        redis,
        spool_max,
        max_line,
    } = spec;
    let spool_sink = SpoolSink::new(spool.clone(), &run_id);
    let recording = Recording {
        input,
        source_name,
        config: recorder,
        run_id,
        started_at,
        max_line,
    };
    let Some(cfg) = redis else {
        let (summary, sink) = recording.through(spool_sink)?;
        return Ok(IngestOutcome {
            summary,
            recorded: sink.written(),
            redis: None,
        });
    };
    // Straight to Redis while it keeps up (the input is on disk already); the spool takes
    // the rest of the run the moment Redis fails.
    let runtime = || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(IngestError::Thread)
    };
    let sink = DirectSink::new(
        RedisSink::new(cfg.clone())?,
        runtime()?,
        spool_sink.with_max_pending(spool_max),
    )
    .map_err(IngestError::Thread)?;
    let (summary, sink) = recording.through(sink)?;
    let outcome = sink.finish()?;
    // Whatever is spooled goes now if Redis is back; otherwise it waits for the next run
    // or `stream flush`.
    let mut target = RedisSink::new(cfg)?;
    let delivered = runtime()?.block_on(delivery::deliver_all(
        &mut target,
        &spool,
        None,
        // No run of this process is current: nothing is kept, ended runs go whole.
        u64::MAX,
    ));
    match delivered {
        Ok(_) => {}
        Err(DeliveryError::Target(e)) if e.is_unavailable() => {}
        Err(DeliveryError::Target(e)) => return Err(e.into()),
        Err(DeliveryError::Spool(e)) => return Err(e.into()),
    }
    Ok(IngestOutcome {
        summary,
        recorded: outcome.delivered + outcome.spooled,
        redis: Some((delivery::pending(&spool)?, outcome.failure)),
    })
}

/// What recording the input takes, whatever the sink.
struct Recording<'a, R> {
    input: R,
    /// The input as the user named it, for errors.
    source_name: &'a str,
    config: RecorderConfig,
    run_id: String,
    started_at: String,
    max_line: usize,
}

impl<R: BufRead> Recording<'_, R> {
    /// Records every line through `sink`; returns the final summary and the sink.
    fn through<S: Sink<Error = SpoolError>>(self, sink: S) -> Result<(Summary, S), IngestError> {
        let mut recorder = Recorder::new(self.config, self.run_id, self.started_at, sink);
        let mut lines = LineReader::new(self.input, self.max_line);
        let mut stamps = clock::Stamps::default();
        while let Some(chunk) = lines.next_chunk().map_err(|source| IngestError::Read {
            source_name: self.source_name.to_owned(),
            source,
        })? {
            recorder.push(chunk.data, chunk.complete, stamps.now())?;
        }
        Ok(recorder.finish(None)?)
    }
}
