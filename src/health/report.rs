//! The report model and its three HTTP forms: the compatible JSON body, the IETF
//! `application/health+json` draft, and the Kubernetes `?verbose` text. The same model is
//! what `health check` prints as a table or `-o json`.

use std::sync::Arc;

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::{CheckResult, Level, Status};
use crate::output::Tabular;

/// Which checks a report covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// One level.
    Level(Level),
    /// Every level (`/health`).
    All,
}

impl Scope {
    /// The `level` field.
    pub fn name(self) -> &'static str {
        match self {
            Scope::Level(l) => l.as_str(),
            Scope::All => "all",
        }
    }

    /// Whether a check belongs.
    pub fn includes(self, level: Level) -> bool {
        match self {
            Scope::Level(l) => l == level,
            Scope::All => true,
        }
    }

    /// Whether a status passes this scope: liveness only when healthy, the others also
    /// when degraded (the README's path table, docs/architecture.md section 4).
    pub fn passes(self, status: Status) -> bool {
        match (self, status) {
            (_, Status::Healthy) => true,
            (Scope::Level(Level::Liveness), _) => false,
            (_, Status::Degraded) => true,
            _ => false,
        }
    }
}

/// A report, serialized as the compatible JSON body.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The combined status.
    pub overall_status: Status,
    /// `liveness`, `readiness`, `startup` or `all`.
    pub level: &'static str,
    /// The checks.
    pub checks: Vec<Arc<CheckResult>>,
    /// When the report was made (RFC 3339 UTC).
    pub timestamp: String,
    /// The server's uptime.
    pub uptime_seconds: f64,
    #[serde(skip)]
    scope: Scope,
}

impl Report {
    /// Builds a report over `checks`.
    pub fn new(scope: Scope, checks: Vec<Arc<CheckResult>>, uptime_seconds: f64) -> Report {
        Report {
            overall_status: super::overall(checks.iter().map(|c| c.status)),
            level: scope.name(),
            checks,
            timestamp: super::timestamp_now(),
            uptime_seconds: (uptime_seconds * 1000.0).round() / 1000.0,
            scope,
        }
    }

    /// Whether the scope's probe passes (HTTP 200).
    pub fn passes(&self) -> bool {
        self.scope.passes(self.overall_status)
    }

    /// The IETF health-check draft form.
    pub fn health_json(&self, show_details: bool) -> Value {
        let mut checks = Map::new();
        for c in &self.checks {
            let measurement = c.observed.as_ref().map_or("status", |o| o.measurement);
            // The draft's keys are `component:measurement` with no colon inside a part.
            let key = format!("{}:{measurement}", c.name.replace(':', "_"));
            let mut item = Map::new();
            item.insert("componentId".into(), json!(c.name));
            item.insert("componentType".into(), json!(c.component_type));
            item.insert("status".into(), json!(ietf_status(c.status)));
            if let Some(ts) = &c.timestamp {
                item.insert("time".into(), json!(ts));
            }
            if show_details {
                if let Some(o) = &c.observed {
                    item.insert("observedValue".into(), o.value.clone());
                    item.insert("observedUnit".into(), json!(o.unit));
                }
                if c.status != Status::Healthy
                    && let Some(m) = &c.message
                {
                    item.insert("output".into(), json!(m));
                }
            }
            if let Some(items) = checks
                .entry(key)
                .or_insert_with(|| Value::Array(Vec::new()))
                .as_array_mut()
            {
                items.push(Value::Object(item));
            }
        }
        let mut root = Map::new();
        root.insert("status".into(), json!(ietf_status(self.overall_status)));
        root.insert("serviceId".into(), json!("ccmon"));
        root.insert(
            "description".into(),
            json!(format!("ccmon {} health", self.level)),
        );
        if show_details && self.overall_status != Status::Healthy {
            let failing: Vec<String> = self
                .checks
                .iter()
                .filter(|c| c.status != Status::Healthy)
                .map(|c| {
                    format!(
                        "{}: {}",
                        c.name,
                        c.message.as_deref().unwrap_or(c.status.as_str())
                    )
                })
                .collect();
            root.insert("output".into(), json!(failing.join("; ")));
        }
        root.insert("checks".into(), Value::Object(checks));
        Value::Object(root)
    }

    /// The Kubernetes text: `[+]name ok` / `[-]name failed: reason`, excluded checks, a
    /// warning for excludes that matched nothing, then `NAME check passed|failed`.
    pub fn kubernetes_text(
        &self,
        probe: &str,
        excluded: &[String],
        unmatched: &[String],
        show_details: bool,
    ) -> String {
        let mut out = String::new();
        for c in &self.checks {
            let reason = || {
                if show_details {
                    c.message
                        .clone()
                        .unwrap_or_else(|| c.status.as_str().to_owned())
                } else {
                    "reason withheld".to_owned()
                }
            };
            let line = match (self.scope.passes(c.status), c.status) {
                (true, Status::Healthy) => format!("[+]{} ok\n", c.name),
                (true, _) => format!("[+]{} degraded: {}\n", c.name, reason()),
                (false, _) => format!("[-]{} failed: {}\n", c.name, reason()),
            };
            out.push_str(&line);
        }
        for name in excluded {
            out.push_str(&format!("[+]{name} excluded: ok\n"));
        }
        for name in unmatched {
            out.push_str(&format!(
                "warn: some health checks cannot be excluded: no matches for \"{name}\"\n"
            ));
        }
        out.push_str(&format!(
            "{probe} check {}\n",
            if self.passes() { "passed" } else { "failed" }
        ));
        out
    }
}

fn ietf_status(status: Status) -> &'static str {
    match status {
        Status::Healthy => "pass",
        Status::Degraded => "warn",
        Status::Unhealthy | Status::Unknown => "fail",
    }
}

impl Tabular for Report {
    fn headers(&self, wide: bool) -> Vec<&'static str> {
        if wide {
            vec!["NAME", "LEVEL", "STATUS", "DURATION", "MESSAGE", "RECOVERY"]
        } else {
            vec!["NAME", "LEVEL", "STATUS", "MESSAGE"]
        }
    }

    fn rows(&self, wide: bool) -> Vec<Vec<String>> {
        self.checks
            .iter()
            .map(|c| {
                let mut row = vec![
                    c.name.clone(),
                    c.level.as_str().to_owned(),
                    c.status.as_str().to_owned(),
                ];
                if wide {
                    row.push(format!("{:.3}s", c.duration_seconds));
                }
                row.push(c.message.clone().unwrap_or_default());
                if wide {
                    row.push(c.recovery_action.clone().unwrap_or_else(|| "-".into()));
                }
                row
            })
            .collect()
    }

    fn empty_message(&self) -> Option<&'static str> {
        Some("no checks configured")
    }

    /// The verdict the exit code follows, so a reader need not work it out from the rows.
    fn footer(&self) -> Option<String> {
        let count = self.checks.len();
        Some(format!(
            "overall: {} ({count} check{})",
            self.overall_status.as_str(),
            if count == 1 { "" } else { "s" }
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(name: &str, level: Level, status: Status) -> Arc<CheckResult> {
        let mut r = CheckResult::unknown(name, level, "component");
        r.status = status;
        r.message = Some(format!("{name} is {}", status.as_str()));
        Arc::new(r)
    }

    #[test]
    fn liveness_fails_on_degraded_readiness_does_not() {
        let checks = vec![result("a", Level::Liveness, Status::Degraded)];
        assert!(!Report::new(Scope::Level(Level::Liveness), checks.clone(), 1.0).passes());
        assert!(Report::new(Scope::Level(Level::Readiness), checks, 1.0).passes());
    }

    #[test]
    fn kubernetes_text_lists_checks_exclusions_and_verdict() {
        let report = Report::new(
            Scope::Level(Level::Readiness),
            vec![
                result("db", Level::Readiness, Status::Healthy),
                result("redis", Level::Readiness, Status::Unhealthy),
            ],
            1.0,
        );
        let text = report.kubernetes_text("readyz", &["disk".into()], &["nope".into()], false);
        assert_eq!(
            text,
            "[+]db ok\n[-]redis failed: reason withheld\n[+]disk excluded: ok\n\
             warn: some health checks cannot be excluded: no matches for \"nope\"\n\
             readyz check failed\n"
        );
    }

    #[test]
    fn health_json_keys_and_statuses() {
        let report = Report::new(
            Scope::All,
            vec![result("db", Level::Readiness, Status::Degraded)],
            1.0,
        );
        let v = report.health_json(true);
        assert_eq!(v["status"], "warn");
        assert_eq!(v["checks"]["db:status"][0]["status"], "warn");
        assert_eq!(v["checks"]["db:status"][0]["output"], "db is degraded");
        let hidden = report.health_json(false);
        assert!(hidden.get("output").is_none());
    }
}
