//! The stream monitor: Claude Code stream-json events, their recording in Redis Streams or
//! the local spool, and the per-agent summary (`agent:{id}:meta`).

pub mod activity;
pub mod delivery;
pub mod describe;
pub mod direct_sink;
pub mod fleet;
pub mod forwarder;
pub mod ingest;
pub mod intake;
pub mod lines;
pub mod memory_queue;
pub mod messages;
pub mod metrics;
pub mod monitor;
pub mod parse;
pub mod pricing;
pub mod record;
pub mod recorder;
pub mod redis;
pub mod report;
pub mod signal;
pub mod spool;
pub mod spool_sink;
pub mod status_line;
pub mod stuck;
pub mod summary;
pub mod supervisor;

// The front doors of the two recording pipelines.
pub use ingest::{IngestSpec, ingest};
pub use supervisor::{WatchConfig as WatchSpec, watch};
