//! `/metrics`: one task owns the registry, counts the runner's events and republishes the
//! rendered text on a watch channel, so serving a scrape takes no lock and does no work.
//!
//! The fleet's stream metrics read from Redis are rendered by [`super::fleet`] and
//! appended by the server, so a slow Redis never holds up this text.

use std::collections::BTreeMap;

use tokio::sync::{mpsc, watch};

use super::runner::Event;
use super::{CheckResult, Level, Status};
use crate::metrics::{Kind, Registry};

/// Buckets for check durations: checks are milliseconds to a few seconds.
const CHECK_BUCKETS: &[f64] = &[
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

fn describe(r: &mut Registry) {
    r.describe(
        "health_check_status",
        Kind::Gauge,
        "Latest status of each check: 1 healthy, 0.5 degraded, 0 unhealthy, -1 unknown.",
    );
    r.describe_histogram(
        "health_check_duration_seconds",
        Kind::Histogram,
        "Time each check run took.",
        CHECK_BUCKETS,
    );
    r.describe(
        "health_checks_total",
        Kind::Counter,
        "Check runs by level and status.",
    );
    r.describe(
        "recovery_actions_total",
        Kind::Counter,
        "Recovery commands run, by action and real outcome.",
    );
    r.describe(
        "memory_daemon_health_status",
        Kind::Gauge,
        "1 when every liveness check is healthy, else 0.",
    );
    r.describe(
        "memory_daemon_queue_depth",
        Kind::Gauge,
        "Items waiting in the queue (queue_depth check).",
    );
    r.describe(
        "memory_daemon_backlog_count",
        Kind::Gauge,
        "Stale sessions not yet extracted (backlog check).",
    );
    r.describe(
        "disk_free_gb",
        Kind::Gauge,
        "Free space in GB at each checked path.",
    );
    r.describe(
        "memory_percent",
        Kind::Gauge,
        "System memory in use, percent.",
    );
}

/// Counts events into a registry.
#[derive(Debug, Default)]
pub struct Collector {
    registry: Registry,
    liveness: BTreeMap<String, Status>,
}

impl Collector {
    /// A collector that knows every check up front, so each has a series (`-1`) before
    /// its first run.
    pub fn new(initial: &[std::sync::Arc<CheckResult>]) -> Self {
        let mut c = Collector::default();
        describe(&mut c.registry);
        for r in initial {
            c.status(r);
        }
        c.update_liveness();
        c
    }

    fn status(&mut self, r: &CheckResult) {
        self.registry.set(
            "health_check_status",
            &[("check", &r.name), ("level", r.level.as_str())],
            r.status.gauge(),
        );
        if r.level == Level::Liveness {
            self.liveness.insert(r.name.clone(), r.status);
        }
    }

    fn update_liveness(&mut self) {
        let healthy = super::overall(self.liveness.values().copied()) == Status::Healthy;
        self.registry.set(
            "memory_daemon_health_status",
            &[],
            if healthy { 1.0 } else { 0.0 },
        );
    }

    /// Counts one event.
    pub fn record(&mut self, event: &Event) {
        match event {
            Event::Checked(r) => {
                self.status(r);
                self.update_liveness();
                self.registry.observe(
                    "health_check_duration_seconds",
                    &[("check_name", &r.name)],
                    r.duration_seconds,
                );
                self.registry.inc(
                    "health_checks_total",
                    &[("level", r.level.as_str()), ("status", r.status.as_str())],
                    1.0,
                );
                let number = |key: &str| {
                    r.details
                        .as_ref()
                        .and_then(|d| d.get(key))
                        .and_then(serde_json::Value::as_f64)
                };
                match r.name.as_str() {
                    "queue_depth" => {
                        if let Some(n) = number("depth").or_else(|| number("count")) {
                            self.registry.set("memory_daemon_queue_depth", &[], n);
                        }
                    }
                    "backlog" => {
                        if let Some(n) = number("count") {
                            self.registry.set("memory_daemon_backlog_count", &[], n);
                        }
                    }
                    _ => {}
                }
                if let (Some(gb), Some(path)) = (
                    number("free_gb"),
                    r.details
                        .as_ref()
                        .and_then(|d| d.get("path"))
                        .and_then(serde_json::Value::as_str),
                ) {
                    self.registry
                        .set("disk_free_gb", &[("mount_point", path)], gb);
                }
                if r.component_type == "system"
                    && let Some(p) = number("percent")
                {
                    self.registry.set("memory_percent", &[], p);
                }
            }
            Event::Recovery { action, success } => {
                self.registry.inc(
                    "recovery_actions_total",
                    &[
                        ("action_type", action),
                        ("success", if *success { "true" } else { "false" }),
                    ],
                    1.0,
                );
            }
        }
    }

    /// The text format.
    pub fn render(&self) -> String {
        self.registry.render()
    }
}

/// Runs the collector until the event channel closes, publishing the text after each event.
pub async fn run(
    mut collector: Collector,
    mut events: mpsc::Receiver<Event>,
    out: watch::Sender<String>,
) {
    let publish = |c: &Collector| {
        out.send_replace(c.render());
    };
    publish(&collector);
    while let Some(event) = events.recv().await {
        collector.record(&event);
        // Drain what else is queued before rendering once.
        while let Ok(more) = events.try_recv() {
            collector.record(&more);
        }
        publish(&collector);
    }
}
