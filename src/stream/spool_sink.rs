//! The spool as a [`Sink`]: every batch appended and fsynced, the summary replaced.

use super::record::Record;
use super::recorder::Sink;
use super::spool::{RunWriter, Spool, SpoolError};
use super::summary::Summary;

/// Writes one run into the spool, opening its log on the first batch (the agent id is
/// known only then).
pub struct SpoolSink {
    spool: Spool,
    run_id: String,
    writer: Option<RunWriter>,
    written: u64,
    max_pending: Option<u64>,
}

impl SpoolSink {
    /// A sink for run `run_id` in `spool`.
    pub fn new(spool: Spool, run_id: &str) -> Self {
        SpoolSink {
            spool,
            run_id: run_id.to_owned(),
            writer: None,
            written: 0,
            max_pending: None,
        }
    }

    /// Bounds the bytes not yet delivered to Redis (all runs of the spool): past it, a
    /// write fails with [`SpoolError::Full`] and the caller retries, which slows the agent
    /// down instead of filling the disk. Only meaningful when something delivers.
    pub fn with_max_pending(mut self, max: u64) -> Self {
        self.max_pending = Some(max);
        self
    }

    /// Drops the bound on undelivered bytes (the run is ending).
    pub fn lift_bound(&mut self) {
        self.max_pending = None;
    }

    /// Records written so far.
    pub fn written(&self) -> u64 {
        self.written
    }
}

impl Sink for SpoolSink {
    type Error = SpoolError;

    fn write(&mut self, records: &mut Vec<Record>, summary: &Summary) -> Result<(), SpoolError> {
        let writer = match &mut self.writer {
            Some(w) => w,
            None => self
                .writer
                .insert(self.spool.writer(&summary.agent_id, &self.run_id)?),
        };
        if let Some(max) = self.max_pending
            && !records.is_empty()
        {
            let pending = super::delivery::pending_bytes(&self.spool)?;
            let batch: u64 = records.iter().map(|r| r.data.len() as u64 + 256).sum();
            // A batch larger than the bound still goes through once nothing is pending.
            if pending > 0 && pending + batch > max {
                return Err(SpoolError::Full {
                    dir: self.spool.dir().to_owned(),
                    pending,
                    max,
                });
            }
        }
        if records.is_empty() {
            return writer.write_summary(summary);
        }
        writer.append(records)?;
        self.written += records.len() as u64;
        // The records are written: a summary that cannot be replaced now (a full disk)
        // must not make the caller write them again. The next batch brings it.
        if let Err(e) = writer.write_summary(summary) {
            tracing::debug!("{}", super::forwarder::error_chain(&e));
        }
        Ok(())
    }
}
