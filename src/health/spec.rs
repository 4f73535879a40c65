//! What to check: the typed check specifications, the `health.checks` section of the config
//! file as written (with positions, so a bad value is reported as `file:line:col`), and the
//! defaults of docs/architecture.md section 4 enabled from the environment when nothing is configured.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use serde_saphyr::{Location, Spanned};

use super::Level;

/// Default time between two runs of a check.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(10);
/// Shortest interval a check may have.
pub const MIN_INTERVAL: Duration = Duration::from_millis(50);
/// Default time a check may take before it counts as unhealthy.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);
/// The query the default `backlog` check runs: sessions without a heartbeat for five
/// minutes whose memories were not extracted.
pub const DEFAULT_BACKLOG_QUERY: &str = "SELECT count(*) FROM sessions \
     WHERE last_heartbeat < now() - interval '5 minutes' AND NOT extracted";
/// The Redis key the default `queue_depth` check measures.
pub const DEFAULT_QUEUE_KEY: &str = "memory:queue";

/// One check to run.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckSpec {
    /// Unique name (`database_connection`, ...).
    pub name: String,
    /// Which probes include it.
    pub level: Level,
    /// Time between runs.
    pub interval: Duration,
    /// Longest a run may take; past it the result is `unhealthy: timed out after T`.
    pub timeout: Duration,
    /// A non-critical check's failure only degrades.
    pub critical: bool,
    /// What it checks.
    pub kind: Kind,
    /// What to run after repeated failures, if anything.
    pub recovery: Option<RecoverySpec>,
}

/// The check kinds of docs/architecture.md section 4 with their thresholds.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// A PID file naming a live process.
    PidFile {
        /// The file.
        path: PathBuf,
    },
    /// `SELECT 1` on PostgreSQL; `None` when no database is configured.
    Postgres {
        /// The database.
        url: Option<url::Url>,
        /// Slower than this is degraded.
        degraded_latency: Duration,
    },
    /// `PING` on Redis; `None` when no Redis is configured (degraded).
    Redis {
        /// The server.
        url: Option<url::Url>,
    },
    /// Length of a Redis stream or list.
    RedisQueue {
        /// The server.
        url: Option<url::Url>,
        /// The stream or list key.
        key: String,
        /// The thresholds.
        thresholds: Thresholds,
    },
    /// A number from a SQL query (queue depth, stale-session backlog).
    SqlCount {
        /// The database.
        url: Option<url::Url>,
        /// A query returning one number.
        query: String,
        /// The thresholds.
        thresholds: Thresholds,
    },
    /// Free space at a path.
    Disk {
        /// The path.
        path: PathBuf,
        /// Less free than this (bytes) is degraded.
        degraded_below: u64,
        /// Less free than this (bytes) is unhealthy.
        unhealthy_below: u64,
    },
    /// System memory used.
    Memory {
        /// Above this percentage is degraded.
        degraded_above: f64,
        /// Above this percentage is unhealthy.
        unhealthy_above: f64,
    },
    /// Size of a log file.
    LogFile {
        /// The file.
        path: PathBuf,
        /// The thresholds, in bytes.
        thresholds: Thresholds,
    },
    /// A table (and optionally a column) exists.
    Schema {
        /// The database.
        url: Option<url::Url>,
        /// The table.
        table: String,
        /// The column, if any.
        column: Option<String>,
    },
    /// An HTTP GET answers with an expected status.
    Http {
        /// The URL.
        url: url::Url,
        /// The expected status; any 2xx or 3xx when unset.
        expect_status: Option<u16>,
        /// Slower than this is degraded.
        degraded_latency: Option<Duration>,
    },
    /// A TCP connection can be opened.
    Tcp {
        /// `host:port`.
        address: String,
    },
}

impl Kind {
    /// The config-file name of the kind.
    pub fn name(&self) -> &'static str {
        match self {
            Kind::PidFile { .. } => "pidfile",
            Kind::Postgres { .. } => "postgres",
            Kind::Redis { .. } => "redis",
            Kind::RedisQueue { .. } => "queue_depth",
            Kind::SqlCount { .. } => "sql_count",
            Kind::Disk { .. } => "disk",
            Kind::Memory { .. } => "memory",
            Kind::LogFile { .. } => "log_file",
            Kind::Schema { .. } => "schema",
            Kind::Http { .. } => "http",
            Kind::Tcp { .. } => "tcp",
        }
    }

    /// The IETF `componentType`.
    pub fn component_type(&self) -> &'static str {
        match self {
            Kind::Postgres { .. }
            | Kind::Redis { .. }
            | Kind::RedisQueue { .. }
            | Kind::SqlCount { .. }
            | Kind::Schema { .. } => "datastore",
            Kind::Disk { .. } | Kind::Memory { .. } | Kind::LogFile { .. } => "system",
            Kind::PidFile { .. } | Kind::Http { .. } | Kind::Tcp { .. } => "component",
        }
    }
}

/// Count thresholds: above `degraded` is degraded, above `unhealthy` (if set) unhealthy.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// Degraded above this.
    pub degraded: f64,
    /// Unhealthy above this, if set.
    pub unhealthy: Option<f64>,
}

impl Thresholds {
    /// The status of `value`.
    pub fn classify(&self, value: f64) -> super::Status {
        if self.unhealthy.is_some_and(|u| value > u) {
            super::Status::Unhealthy
        } else if value > self.degraded {
            super::Status::Degraded
        } else {
            super::Status::Healthy
        }
    }
}

/// An explicit recovery command (docs/architecture.md section 4, off by default).
#[derive(Debug, Clone, PartialEq)]
pub struct RecoverySpec {
    /// The program and its arguments (no shell).
    pub command: Vec<String>,
    /// The `action_type` label of `recovery_actions_total`.
    pub action: String,
    /// Consecutive failures before the first run.
    pub after_failures: u32,
    /// First backoff; doubles after each run.
    pub backoff_initial: Duration,
    /// Longest backoff.
    pub backoff_max: Duration,
    /// At most this many runs within `window`, then give up.
    pub max_runs: u32,
    /// The restart-loop window.
    pub window: Duration,
    /// Longest a recovery command may run.
    pub timeout: Duration,
}

impl RecoverySpec {
    /// The documented defaults around `command`.
    pub fn new(command: Vec<String>, action: String) -> Self {
        RecoverySpec {
            command,
            action,
            after_failures: 3,
            backoff_initial: Duration::from_secs(1),
            backoff_max: Duration::from_secs(30),
            max_runs: 3,
            window: Duration::from_secs(60),
            timeout: Duration::from_secs(30),
        }
    }
}

/// Where the defaults and unset URLs come from.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// The PostgreSQL URL of the settings (`DATABASE_URL`, context).
    pub postgres: Option<url::Url>,
    /// The Redis URL of the settings (`REDIS_URL`, context).
    pub redis: Option<url::Url>,
    /// The home directory, for `~/.claude`.
    pub home: Option<PathBuf>,
}

impl Sources {
    fn claude(&self) -> Option<PathBuf> {
        self.home.as_ref().map(|h| h.join(".claude"))
    }
}

fn spec(name: &str, level: Level, kind: Kind) -> CheckSpec {
    CheckSpec {
        name: name.to_owned(),
        level,
        interval: DEFAULT_INTERVAL,
        timeout: DEFAULT_TIMEOUT,
        critical: true,
        kind,
        recovery: None,
    }
}

const GB: f64 = 1e9;
const MB: f64 = 1e6;

/// The checks enabled when the config file has no `health.checks`: the README's list, each
/// only where its target exists or is configured, so a fresh machine is not reported
/// unhealthy for a service it never had. The memory daemon's PID file and log are checked
/// when they exist now (at start); a daemon that is set up later needs a restart of the
/// server or an explicit `health.checks`. The SQL checks need a database, `redis_connection`
/// and the queue need Redis. The free space is that of `~/.claude`, or of the home
/// directory before `~/.claude` exists.
pub fn defaults(sources: &Sources) -> Vec<CheckSpec> {
    let mut checks = Vec::new();
    let claude = sources.claude();
    let present = |name: &str| {
        claude
            .as_ref()
            .map(|dir| dir.join(name))
            .filter(|path| path.exists())
    };
    if let Some(path) = present("memory-daemon.pid") {
        checks.push(spec("pid_file", Level::Liveness, Kind::PidFile { path }));
    }
    if sources.postgres.is_some() {
        checks.push(spec(
            "database_connection",
            Level::Readiness,
            Kind::Postgres {
                url: sources.postgres.clone(),
                degraded_latency: Duration::from_millis(5000),
            },
        ));
    }
    if sources.redis.is_some() {
        checks.push(spec(
            "redis_connection",
            Level::Readiness,
            Kind::Redis {
                url: sources.redis.clone(),
            },
        ));
        checks.push(spec(
            "queue_depth",
            Level::Readiness,
            Kind::RedisQueue {
                url: sources.redis.clone(),
                key: DEFAULT_QUEUE_KEY.to_owned(),
                thresholds: Thresholds {
                    degraded: 100.0,
                    unhealthy: None,
                },
            },
        ));
    }
    if sources.postgres.is_some() {
        checks.push(spec(
            "backlog",
            Level::Readiness,
            Kind::SqlCount {
                url: sources.postgres.clone(),
                query: DEFAULT_BACKLOG_QUERY.to_owned(),
                thresholds: Thresholds {
                    degraded: 50.0,
                    unhealthy: None,
                },
            },
        ));
    }
    let disk = claude
        .as_ref()
        .filter(|dir| dir.exists())
        .or(sources.home.as_ref())
        .cloned();
    if let Some(path) = disk {
        checks.push(spec(
            "disk_space",
            Level::Readiness,
            Kind::Disk {
                path,
                degraded_below: (2.0 * GB) as u64,
                unhealthy_below: GB as u64,
            },
        ));
    }
    checks.push(spec(
        "memory_pressure",
        Level::Readiness,
        Kind::Memory {
            degraded_above: 72.0,
            unhealthy_above: 90.0,
        },
    ));
    if let Some(path) = present("memory-daemon.log") {
        checks.push(spec(
            "log_file",
            Level::Readiness,
            Kind::LogFile {
                path,
                thresholds: Thresholds {
                    degraded: 100.0 * MB,
                    unhealthy: None,
                },
            },
        ));
    }
    if sources.postgres.is_some() {
        checks.push(spec(
            "database_schema",
            Level::Startup,
            Kind::Schema {
                url: sources.postgres.clone(),
                table: "sessions".to_owned(),
                column: Some("last_heartbeat".to_owned()),
            },
        ));
    }
    checks
}

// ---------------------------------------------------------------------------------------
// The config file's `health:` section as written.

/// `health:` in the config file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHealth {
    /// The checks; when absent the defaults apply.
    pub checks: Option<Vec<Spanned<RawCheck>>>,
}

/// One entry of `health.checks`: `name` and `kind` are required, every `Option` may be left
/// out (serde reads a missing one as `None`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCheck {
    name: Spanned<String>,
    kind: Spanned<String>,
    level: Option<Spanned<String>>,
    interval: Option<Spanned<String>>,
    timeout: Option<Spanned<String>>,
    critical: Option<bool>,
    path: Option<Spanned<String>>,
    url: Option<Spanned<String>>,
    key: Option<Spanned<String>>,
    query: Option<Spanned<String>>,
    table: Option<Spanned<String>>,
    column: Option<Spanned<String>>,
    address: Option<Spanned<String>>,
    expect_status: Option<Spanned<u16>>,
    thresholds: Option<Spanned<RawThresholds>>,
    recovery: Option<Spanned<RawRecovery>>,
}

/// `thresholds:` of a check; the unit depends on the kind (see the README).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawThresholds {
    degraded: Option<Spanned<f64>>,
    unhealthy: Option<Spanned<f64>>,
}

/// `recovery:` of a check: `command` is required, every `Option` may be left out.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRecovery {
    command: Spanned<Vec<String>>,
    action: Option<String>,
    after_failures: Option<Spanned<u32>>,
    timeout: Option<Spanned<String>>,
}

/// A bad value in `health.checks`, with where it is.
#[derive(Debug, Clone)]
pub struct SpecError {
    /// Where.
    pub at: Location,
    /// What is wrong.
    pub message: String,
}

fn bad(at: &Location, message: impl Into<String>) -> SpecError {
    SpecError {
        at: *at,
        message: message.into(),
    }
}

fn expand_home(text: &str, home: Option<&Path>) -> PathBuf {
    match (text.strip_prefix("~/"), home) {
        (Some(rest), Some(home)) => home.join(rest),
        _ => PathBuf::from(text),
    }
}

fn duration(field: &Option<Spanned<String>>, default: Duration) -> Result<Duration, SpecError> {
    match field {
        None => Ok(default),
        Some(s) => match crate::duration::parse(&s.value) {
            Ok(d) if !d.is_zero() => Ok(d),
            Ok(_) => Err(bad(&s.referenced, "must be longer than 0s")),
            Err(e) => Err(bad(&s.referenced, e.to_string())),
        },
    }
}

fn parse_url(field: &Spanned<String>) -> Result<url::Url, SpecError> {
    // A check's URL may carry a password (valid or not); it is a secret wherever it shows up.
    crate::redact::register_url_secrets(&field.value);
    url::Url::parse(&field.value).map_err(|e| {
        bad(
            &field.referenced,
            format!("invalid URL {:?}: {e}", crate::redact::redact(&field.value)),
        )
    })
}

impl RawCheck {
    fn url_or(&self, fallback: Option<&url::Url>) -> Result<Option<url::Url>, SpecError> {
        match &self.url {
            Some(u) => parse_url(u).map(Some),
            None => Ok(fallback.cloned()),
        }
    }

    fn required<'a>(
        &self,
        field: &'a Option<Spanned<String>>,
        what: &str,
        at: &Location,
    ) -> Result<&'a Spanned<String>, SpecError> {
        field.as_ref().ok_or_else(|| {
            bad(
                at,
                format!(
                    "check {:?} of kind {} needs `{what}`",
                    self.name.value, self.kind.value
                ),
            )
        })
    }

    fn thresholds(&self, degraded: f64, unhealthy: Option<f64>) -> Thresholds {
        let raw = self.thresholds.as_ref().map(|t| &t.value);
        Thresholds {
            degraded: raw
                .and_then(|t| t.degraded.as_ref())
                .map_or(degraded, |v| v.value),
            unhealthy: raw
                .and_then(|t| t.unhealthy.as_ref())
                .map(|v| v.value)
                .or(unhealthy),
        }
    }

    fn kind(&self, sources: &Sources, at: &Location) -> Result<Kind, SpecError> {
        let home = sources.home.as_deref();
        let claude = sources.claude().unwrap_or_else(|| PathBuf::from(".claude"));
        let path = |default: PathBuf| {
            self.path
                .as_ref()
                .map_or(default, |p| expand_home(&p.value, home))
        };
        let text_or = |field: &Option<Spanned<String>>, default: &str| {
            field
                .as_ref()
                .map_or_else(|| default.to_owned(), |f| f.value.clone())
        };
        Ok(match self.kind.value.as_str() {
            "pidfile" => Kind::PidFile {
                path: path(claude.join("memory-daemon.pid")),
            },
            "postgres" => Kind::Postgres {
                url: self.url_or(sources.postgres.as_ref())?,
                degraded_latency: Duration::from_secs_f64(
                    self.thresholds(5000.0, None).degraded.max(0.0) / 1000.0,
                ),
            },
            "redis" => Kind::Redis {
                url: self.url_or(sources.redis.as_ref())?,
            },
            "queue_depth" => match &self.query {
                Some(query) => Kind::SqlCount {
                    url: self.url_or(sources.postgres.as_ref())?,
                    query: query.value.clone(),
                    thresholds: self.thresholds(100.0, None),
                },
                None => Kind::RedisQueue {
                    url: self.url_or(sources.redis.as_ref())?,
                    key: text_or(&self.key, DEFAULT_QUEUE_KEY),
                    thresholds: self.thresholds(100.0, None),
                },
            },
            "backlog" | "sql_count" => Kind::SqlCount {
                url: self.url_or(sources.postgres.as_ref())?,
                query: text_or(&self.query, DEFAULT_BACKLOG_QUERY),
                thresholds: self.thresholds(50.0, None),
            },
            "disk" => {
                let t = self.thresholds(2.0, Some(1.0));
                Kind::Disk {
                    path: path(claude),
                    degraded_below: (t.degraded.max(0.0) * GB) as u64,
                    unhealthy_below: (t.unhealthy.unwrap_or(0.0).max(0.0) * GB) as u64,
                }
            }
            "memory" => {
                let t = self.thresholds(72.0, Some(90.0));
                Kind::Memory {
                    degraded_above: t.degraded,
                    unhealthy_above: t.unhealthy.unwrap_or(100.0),
                }
            }
            "log_file" => {
                let t = self.thresholds(100.0, None);
                Kind::LogFile {
                    path: path(claude.join("memory-daemon.log")),
                    thresholds: Thresholds {
                        degraded: t.degraded * MB,
                        unhealthy: t.unhealthy.map(|u| u * MB),
                    },
                }
            }
            "schema" => Kind::Schema {
                url: self.url_or(sources.postgres.as_ref())?,
                table: self.required(&self.table, "table", at)?.value.clone(),
                column: self.column.as_ref().map(|c| c.value.clone()),
            },
            "http" => Kind::Http {
                url: parse_url(self.required(&self.url, "url", at)?)?,
                expect_status: self.expect_status.as_ref().map(|s| s.value),
                degraded_latency: self
                    .thresholds
                    .as_ref()
                    .and_then(|t| t.value.degraded.as_ref())
                    .map(|v| Duration::from_secs_f64(v.value.max(0.0) / 1000.0)),
            },
            "tcp" => Kind::Tcp {
                address: self.required(&self.address, "address", at)?.value.clone(),
            },
            other => {
                return Err(bad(
                    &self.kind.referenced,
                    format!(
                        "unknown check kind {other:?}; expected one of pidfile, postgres, redis, \
                         queue_depth, backlog, sql_count, disk, memory, log_file, schema, http, tcp"
                    ),
                ));
            }
        })
    }

    fn default_level(&self) -> Level {
        match self.kind.value.as_str() {
            "pidfile" => Level::Liveness,
            "schema" => Level::Startup,
            _ => Level::Readiness,
        }
    }
}

/// Turns `health.checks` into specifications, reporting the first bad value with its
/// position.
pub fn from_raw(
    checks: &[Spanned<RawCheck>],
    sources: &Sources,
) -> Result<Vec<CheckSpec>, SpecError> {
    let mut out: Vec<CheckSpec> = Vec::with_capacity(checks.len());
    for raw in checks {
        let at = &raw.referenced;
        let raw = &raw.value;
        let name = raw.name.value.trim();
        if name.is_empty() {
            return Err(bad(&raw.name.referenced, "a check name cannot be empty"));
        }
        if out.iter().any(|c| c.name == name) {
            return Err(bad(
                &raw.name.referenced,
                format!("two checks are named {name:?}; names must be unique"),
            ));
        }
        let level = match &raw.level {
            None => raw.default_level(),
            Some(l) => Level::parse(&l.value).ok_or_else(|| {
                bad(
                    &l.referenced,
                    format!(
                        "unknown level {:?}; expected liveness, readiness or startup",
                        l.value
                    ),
                )
            })?,
        };
        let kind = raw.kind(sources, at)?;
        let recovery = match &raw.recovery {
            None => None,
            Some(r) => {
                if r.value.command.value.is_empty() {
                    return Err(bad(
                        &r.value.command.referenced,
                        "recovery.command needs a program",
                    ));
                }
                let mut spec = RecoverySpec::new(
                    r.value.command.value.clone(),
                    r.value.action.clone().unwrap_or_else(|| name.to_owned()),
                );
                if let Some(n) = &r.value.after_failures {
                    if n.value == 0 {
                        return Err(bad(&n.referenced, "after_failures must be at least 1"));
                    }
                    spec.after_failures = n.value;
                }
                spec.timeout = duration(&r.value.timeout, spec.timeout)?;
                Some(spec)
            }
        };
        let interval = duration(&raw.interval, DEFAULT_INTERVAL)?;
        if interval < MIN_INTERVAL
            && let Some(at) = &raw.interval
        {
            return Err(bad(
                &at.referenced,
                format!(
                    "interval must be at least {}: a check is not a busy loop",
                    crate::duration::format(MIN_INTERVAL)
                ),
            ));
        }
        out.push(CheckSpec {
            name: name.to_owned(),
            level,
            interval,
            timeout: duration(&raw.timeout, DEFAULT_TIMEOUT)?,
            critical: raw.critical.unwrap_or(true),
            kind,
            recovery,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(home: &Path) -> Sources {
        Sources {
            postgres: None,
            redis: None,
            home: Some(home.to_owned()),
        }
    }

    fn names(checks: &[CheckSpec]) -> Vec<&str> {
        checks.iter().map(|c| c.name.as_str()).collect()
    }

    /// A home with the memory daemon's PID file and log in `~/.claude`.
    fn daemon_home() -> tempfile::TempDir {
        let home = tempfile::tempdir().unwrap();
        let claude = home.path().join(".claude");
        std::fs::create_dir(&claude).unwrap();
        std::fs::write(claude.join("memory-daemon.pid"), "1\n").unwrap();
        std::fs::write(claude.join("memory-daemon.log"), "").unwrap();
        home
    }

    #[test]
    fn defaults_on_a_fresh_machine_check_only_what_is_there() {
        // No daemon, no services configured: nothing the user never had is checked.
        let home = tempfile::tempdir().unwrap();
        let checks = defaults(&sources(home.path()));
        assert_eq!(names(&checks), ["disk_space", "memory_pressure"]);
        // Before `~/.claude` exists, the free space is the home directory's.
        assert!(
            matches!(&checks[0].kind, Kind::Disk { path, .. } if path == home.path()),
            "{:?}",
            checks[0].kind
        );
    }

    #[test]
    fn defaults_check_the_memory_daemon_when_its_files_are_present() {
        let home = daemon_home();
        let checks = defaults(&sources(home.path()));
        assert_eq!(
            names(&checks),
            ["pid_file", "disk_space", "memory_pressure", "log_file"]
        );
        assert!(
            matches!(&checks[1].kind, Kind::Disk { path, .. } if path.ends_with(".claude")),
            "{:?}",
            checks[1].kind
        );
    }

    #[test]
    fn defaults_with_services_have_every_named_check() {
        let home = daemon_home();
        let mut s = sources(home.path());
        s.postgres = url::Url::parse("postgres://app@db/app").ok();
        s.redis = url::Url::parse("redis://cache").ok();
        let checks = defaults(&s);
        assert_eq!(checks.len(), 9);
        let schema = checks.iter().find(|c| c.name == "database_schema");
        assert_eq!(schema.map(|c| c.level), Some(Level::Startup));
    }

    #[test]
    fn thresholds_classify() {
        let t = Thresholds {
            degraded: 100.0,
            unhealthy: Some(500.0),
        };
        assert_eq!(t.classify(100.0), super::super::Status::Healthy);
        assert_eq!(t.classify(101.0), super::super::Status::Degraded);
        assert_eq!(t.classify(501.0), super::super::Status::Unhealthy);
    }
}
