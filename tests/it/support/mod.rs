//! The real-service harness of the integration tests: Redis, PostgreSQL, Prometheus and
//! Alertmanager, each started from its installed binary on a free loopback port in its own
//! temp dir, ready when it answers, paused/killed/restarted on demand and stopped on drop.
//! `process` owns everything about the processes, `service` what the service types share, and
//! the service files only say how to launch and probe theirs; `http` and `resp` are the
//! dependency-free clients the probes and tests use.
//! `standin` runs the agent stand-in that plays `claude -p` for the supervisor tests.

// Helpers and re-exports are added ahead of the tests that use them.
#![allow(dead_code, unused_imports)]

pub mod alertmanager;
pub mod http;
pub mod postgres;
pub mod process;
pub mod prometheus;
pub mod redis;
pub mod redis_cluster;
pub mod resp;
pub mod service;
pub mod standin;

pub use alertmanager::{Alertmanager, AlertmanagerBuilder};
pub use http::HttpResponse;
pub use postgres::Postgres;
pub use process::ServerProcess;
pub use prometheus::{Prometheus, PrometheusBuilder};
pub use redis::Redis;
pub use redis_cluster::RedisCluster;
pub use resp::Resp;
