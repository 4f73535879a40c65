//! The stream monitor: Claude Code stream-json events, their recording in Redis Streams or
//! the local spool, and the per-agent summary (`agent:{id}:meta`).

pub mod describe;
pub mod lines;
pub mod parse;
pub mod record;
pub mod recorder;
pub mod redis_sink;
pub mod spool;
pub mod spool_sink;
pub mod summary;
