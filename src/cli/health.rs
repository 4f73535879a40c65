//! `ccmon health serve|check`.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};

#[derive(Debug, Subcommand)]
pub enum HealthCommand {
    /// Run the health server for Kubernetes probes and Prometheus (long-running)
    #[command(
        long_about = "Run the health server. Checks run in the background, each on its own \
        interval with its own timeout, and every probe is answered from the latest results, \
        so a hung dependency never hangs a probe.\n\nPaths: /health/live (/livez), \
        /health/ready (/readyz), /health/startup (/startupz), /health (all levels), \
        /readyz/NAME (one check), /metrics.\n\nClients must send their request headers within \
        5s; on SIGTERM readiness fails at once, then open connections drain.",
        after_long_help = "Examples:\n  ccmon health serve\n  DATABASE_URL=postgres://app@db/app REDIS_URL=redis://cache:6379 ccmon health serve --listen 127.0.0.1:8080\n  curl -s localhost:8080/readyz?verbose"
    )]
    Serve(HealthServeArgs),

    /// Run the health checks once, print the report, exit 0 healthy, 1 degraded, 2 unhealthy
    #[command(
        after_long_help = "Examples:\n  ccmon health check\n  ccmon health check readiness -o json\n  HEALTHCHECK CMD ccmon health check liveness --fail-on degraded"
    )]
    Check(HealthCheckArgs),
}

#[derive(Debug, Args)]
pub struct HealthServeArgs {
    /// Address to listen on
    #[arg(long, value_name = "ADDR", default_value = "0.0.0.0:8080")]
    pub listen: String,

    /// When to include check messages and details in responses (they can leak hostnames)
    #[arg(long, value_enum, default_value_t = DetailsArg::Always)]
    pub details: DetailsArg,

    /// File holding the bearer token that unlocks details with `--details token`
    #[arg(long, value_name = "FILE")]
    pub details_token_file: Option<PathBuf>,

    /// Longest time to finish in-flight requests after SIGTERM
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = super::values::duration)]
    pub drain_timeout: Duration,

    /// After SIGTERM, keep accepting and answer readiness with 503 this long before the
    /// drain, so load balancers and the kubelet see the pod leave (e.g. 5s on Kubernetes)
    #[arg(long, value_name = "DURATION", default_value = "0s", value_parser = super::values::duration)]
    pub shutdown_delay: Duration,

    /// Most concurrent connections; at the limit a new connection replaces the one waiting
    /// longest for its request headers, so slow clients cannot starve probes
    #[arg(long, value_name = "N", default_value_t = 1024)]
    pub max_connections: usize,
}

/// `--details` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DetailsArg {
    /// Never include messages and details
    Never,
    /// Always include them
    Always,
    /// Only for requests with the bearer token of --details-token-file
    Token,
}

#[derive(Debug, Args)]
pub struct HealthCheckArgs {
    /// Check level to run (all levels when omitted)
    #[arg(value_enum)]
    pub level: Option<LevelArg>,

    /// Lowest status that makes the command fail
    #[arg(long, value_enum, default_value_t = FailOnHealthArg::Unhealthy)]
    pub fail_on: FailOnHealthArg,
}

/// Health check levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LevelArg {
    /// Is the process alive (restart it if not)
    Liveness,
    /// Can it serve traffic
    Readiness,
    /// Has it finished starting
    Startup,
}

/// `health check --fail-on` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOnHealthArg {
    /// Treat degraded as unhealthy: exit 2 when degraded or worse
    Degraded,
    /// Exit 2 only when unhealthy (or not checked); degraded exits 1
    Unhealthy,
}
