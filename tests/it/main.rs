//! The one integration-test binary (one link step on a 2-core machine): a module per
//! command family, plus `util` (running the ccmon binary) and `support` (real services
//! and the agent stand-in).

// Tests print diagnostics and the harness sends signals to the services it started.
#![allow(clippy::print_stdout, clippy::print_stderr, unsafe_code)]
// Tests read PATH and the like to set up children; the env rule is for ccmon itself.
#![allow(clippy::disallowed_methods)]

mod alerts;
mod cli;
mod context;
mod generated;
mod harness;
mod health;
mod query;
mod redis_sink;
mod rules_lint;
mod rules_online;
mod scaffold;
mod scaffold_secure;
mod standin;
mod stream;
mod stream_faults;
mod stream_pretty;
mod stream_redis;
mod stream_report;
mod support;
mod util;
mod watch;
mod watch_states;
