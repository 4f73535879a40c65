//! The health server and `health check`: the status model shared by every part, the check
//! specifications read from the config (or built from the environment), one file per check
//! kind, the background runner, the report formats, recovery and the HTTP server.

pub mod checks;
pub mod fleet;
pub mod metrics;
pub mod recovery;
pub mod report;
pub mod runner;
pub mod server;
pub mod spec;

use std::collections::BTreeMap;

use serde::Serialize;

/// A check's (or a report's) status, from best to worst as docs/architecture.md section 4 orders them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Everything is fine.
    Healthy,
    /// Working, with a concern; readiness still passes.
    Degraded,
    /// Broken.
    Unhealthy,
    /// Not checked yet.
    Unknown,
}

impl Status {
    /// The lowercase name used in JSON and tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Healthy => "healthy",
            Status::Degraded => "degraded",
            Status::Unhealthy => "unhealthy",
            Status::Unknown => "unknown",
        }
    }

    /// The value of the `health_check_status` gauge.
    pub fn gauge(self) -> f64 {
        match self {
            Status::Healthy => 1.0,
            Status::Degraded => 0.5,
            Status::Unhealthy => 0.0,
            Status::Unknown => -1.0,
        }
    }
}

/// Combines statuses: any unhealthy wins, then degraded, then unknown; nothing is healthy.
pub fn overall(statuses: impl IntoIterator<Item = Status>) -> Status {
    let (mut degraded, mut unknown) = (false, false);
    for status in statuses {
        match status {
            Status::Unhealthy => return Status::Unhealthy,
            Status::Degraded => degraded = true,
            Status::Unknown => unknown = true,
            Status::Healthy => {}
        }
    }
    if degraded {
        Status::Degraded
    } else if unknown {
        Status::Unknown
    } else {
        Status::Healthy
    }
}

/// Check levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Is the process alive (restart it if not).
    Liveness,
    /// Can it serve traffic.
    Readiness,
    /// Has it finished starting.
    Startup,
}

impl Level {
    /// The lowercase name used in JSON, labels and the config file.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Liveness => "liveness",
            Level::Readiness => "readiness",
            Level::Startup => "startup",
        }
    }

    /// Parses a config value.
    pub fn parse(text: &str) -> Option<Level> {
        match text {
            "liveness" => Some(Level::Liveness),
            "readiness" => Some(Level::Readiness),
            "startup" => Some(Level::Startup),
            _ => None,
        }
    }
}

/// What one run of a check found, before the runner stamps it with time and name.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// The status.
    pub status: Status,
    /// One line for humans.
    pub message: String,
    /// Measured values, keyed by name (shown in JSON `details`).
    pub details: BTreeMap<String, serde_json::Value>,
    /// The main measurement for `application/health+json` (`observedValue`, unit, name).
    pub observed: Option<Observed>,
}

/// The one number a check is about, for the IETF format.
#[derive(Debug, Clone, PartialEq)]
pub struct Observed {
    /// The measurement name (`responseTime`, `utilization`, ...).
    pub measurement: &'static str,
    /// The value.
    pub value: serde_json::Value,
    /// The unit (`ms`, `percent`, `bytes`, ...).
    pub unit: &'static str,
}

impl Finding {
    /// A finding with no details.
    pub fn new(status: Status, message: impl Into<String>) -> Self {
        Finding {
            status,
            message: message.into(),
            details: BTreeMap::new(),
            observed: None,
        }
    }

    /// Healthy.
    pub fn healthy(message: impl Into<String>) -> Self {
        Self::new(Status::Healthy, message)
    }

    /// Degraded.
    pub fn degraded(message: impl Into<String>) -> Self {
        Self::new(Status::Degraded, message)
    }

    /// Unhealthy.
    pub fn unhealthy(message: impl Into<String>) -> Self {
        Self::new(Status::Unhealthy, message)
    }

    /// Adds a detail.
    pub fn detail(mut self, key: &str, value: impl Into<serde_json::Value>) -> Self {
        self.details.insert(key.to_owned(), value.into());
        self
    }

    /// Sets the observed value.
    pub fn observe(
        mut self,
        measurement: &'static str,
        value: impl Into<serde_json::Value>,
        unit: &'static str,
    ) -> Self {
        self.observed = Some(Observed {
            measurement,
            value: value.into(),
            unit,
        });
        self
    }
}

/// The latest result of one check, as probes and `health check` report it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckResult {
    /// The check's name.
    pub name: String,
    /// Its status.
    pub status: Status,
    /// Its level.
    pub level: Level,
    /// One line for humans (`None` when details are withheld).
    pub message: Option<String>,
    /// Measured values (`None` when withheld).
    pub details: Option<BTreeMap<String, serde_json::Value>>,
    /// When the check finished (RFC 3339 UTC), `None` before the first run. Formatted once
    /// when the result is published, not on every probe.
    pub timestamp: Option<String>,
    /// How long the run took.
    pub duration_seconds: f64,
    /// The last recovery action and its outcome, if any ran.
    pub recovery_action: Option<String>,
    /// The kind of component, for the IETF format.
    #[serde(skip)]
    pub component_type: &'static str,
    /// The main measurement, for the IETF format.
    #[serde(skip)]
    pub observed: Option<Observed>,
}

/// A time as the reports write it.
pub fn timestamp_now() -> String {
    crate::clock::rfc3339(crate::clock::now())
}

impl CheckResult {
    /// The result of a check that has not run yet.
    pub fn unknown(name: &str, level: Level, component_type: &'static str) -> Self {
        CheckResult {
            name: name.to_owned(),
            status: Status::Unknown,
            level,
            message: Some("not checked yet".to_owned()),
            details: Some(BTreeMap::new()),
            timestamp: None,
            duration_seconds: 0.0,
            recovery_action: None,
            component_type,
            observed: None,
        }
    }

    /// The same result without message, details and recovery text (`--details never`).
    pub fn withheld(mut self) -> Self {
        self.message = None;
        self.details = None;
        self.recovery_action = None;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overall_follows_the_design_order() {
        use Status::*;
        assert_eq!(overall([]), Healthy);
        assert_eq!(overall([Healthy, Unknown]), Unknown);
        assert_eq!(overall([Unknown, Degraded]), Degraded);
        assert_eq!(overall([Degraded, Unhealthy, Unknown]), Unhealthy);
    }
}
