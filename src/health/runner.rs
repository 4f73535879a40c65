//! The background runner: one task per check, each on its own interval, every run wrapped
//! in the check's timeout, the latest result published on a watch channel that probes read
//! without waiting. A check that has not finished its first run reads as `unknown`; one
//! that overruns its timeout is dropped (cancelling its I/O) and reads as
//! `unhealthy: timed out after T`. Results also flow to the metrics task as events.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;

use super::checks::{self, Check};
use super::recovery::{self, Decision, Recovery};
use super::spec::CheckSpec;
use super::{CheckResult, Finding, Status};

/// Something the metrics task counts.
#[derive(Debug, Clone)]
pub enum Event {
    /// A check finished a run.
    Checked(CheckResult),
    /// A recovery command ran (or the guard gave up: `success` false).
    Recovery {
        /// `action_type`.
        action: String,
        /// Its real outcome.
        success: bool,
    },
}

/// The latest results, as the server reads them.
pub trait Results: Send + Sync {
    /// The latest result of every check for which `keep(level, name)` holds, in
    /// configuration order. Filtering comes before cloning: a liveness probe copies only
    /// the liveness results, which keeps the hot path short.
    fn latest(&self, keep: &dyn Fn(super::Level, &str) -> bool) -> Vec<Arc<CheckResult>>;
}

/// The results published by the runner's tasks.
#[derive(Debug, Clone)]
pub struct Board {
    receivers: Vec<watch::Receiver<Arc<CheckResult>>>,
}

impl Results for Board {
    fn latest(&self, keep: &dyn Fn(super::Level, &str) -> bool) -> Vec<Arc<CheckResult>> {
        self.receivers
            .iter()
            .filter_map(|rx| {
                let r = rx.borrow();
                keep(r.level, &r.name).then(|| r.clone())
            })
            .collect()
    }
}

/// A fixed set of results (for tests and `health check`).
#[derive(Debug, Clone, Default)]
pub struct Fixed(pub Vec<CheckResult>);

impl Results for Fixed {
    fn latest(&self, keep: &dyn Fn(super::Level, &str) -> bool) -> Vec<Arc<CheckResult>> {
        self.0
            .iter()
            .filter(|r| keep(r.level, &r.name))
            .map(|r| Arc::new(r.clone()))
            .collect()
    }
}

/// The running checks; dropping it stops them.
#[derive(Debug)]
pub struct Runner {
    board: Board,
    _tasks: JoinSet<()>,
}

impl Runner {
    /// Starts one task per check. Must be called inside a tokio runtime.
    pub fn start(specs: &[CheckSpec], events: mpsc::Sender<Event>) -> Runner {
        let mut tasks = JoinSet::new();
        let mut receivers = Vec::with_capacity(specs.len());
        for spec in specs {
            let check = checks::build(&spec.kind, spec.timeout);
            let (tx, rx) = watch::channel(Arc::new(CheckResult::unknown(
                &spec.name,
                spec.level,
                spec.kind.component_type(),
            )));
            receivers.push(rx);
            tasks.spawn(run_forever(
                Arc::new(spec.clone()),
                check,
                tx,
                events.clone(),
            ));
        }
        Runner {
            board: Board { receivers },
            _tasks: tasks,
        }
    }

    /// The published results.
    pub fn board(&self) -> Board {
        self.board.clone()
    }
}

/// Runs `check` once under `spec`'s timeout and criticality.
pub async fn run_once(spec: &CheckSpec, check: &dyn Check) -> (Finding, Duration) {
    let started = Instant::now();
    let mut finding = match tokio::time::timeout(spec.timeout, check.run()).await {
        Ok(finding) => finding,
        Err(_) => Finding::unhealthy(format!(
            "timed out after {}",
            crate::duration::format(spec.timeout)
        )),
    };
    let elapsed = started.elapsed();
    if !spec.critical && finding.status == Status::Unhealthy {
        // docs/architecture.md section 4: a non-critical check's failure degrades, never fails.
        finding.status = Status::Degraded;
        finding.message.push_str(" (not critical)");
    }
    (finding, elapsed)
}

fn result(
    spec: &CheckSpec,
    finding: Finding,
    elapsed: Duration,
    recovery: Option<&str>,
) -> CheckResult {
    // Redacted once here rather than on every response: messages and details are the only
    // text in a report that can carry a URL with a password.
    let details = finding
        .details
        .into_iter()
        .map(|(k, v)| match v {
            serde_json::Value::String(text) => (
                k,
                serde_json::Value::String(crate::redact::redact(&text).into_owned()),
            ),
            other => (k, other),
        })
        .collect();
    CheckResult {
        name: spec.name.clone(),
        status: finding.status,
        level: spec.level,
        message: Some(crate::redact::redact(&finding.message).into_owned()),
        details: Some(details),
        timestamp: Some(super::timestamp_now()),
        duration_seconds: (elapsed.as_secs_f64() * 1e6).round() / 1e6,
        recovery_action: recovery.map(str::to_owned),
        component_type: spec.kind.component_type(),
        observed: finding.observed,
    }
}

/// Runs every check once, concurrently, each under its own timeout (`health check`).
pub async fn run_all_once(specs: &[CheckSpec]) -> Vec<CheckResult> {
    let mut set = JoinSet::new();
    for (i, spec) in specs.iter().enumerate() {
        let spec = spec.clone();
        set.spawn(async move {
            let check = checks::build(&spec.kind, spec.timeout);
            let (finding, elapsed) = run_once(&spec, check.as_ref()).await;
            (i, result(&spec, finding, elapsed, None))
        });
    }
    let mut out: Vec<Option<CheckResult>> = vec![None; specs.len()];
    while let Some(joined) = set.join_next().await {
        if let Ok((i, r)) = joined {
            out[i] = Some(r);
        }
    }
    out.into_iter()
        .zip(specs)
        .map(|(r, spec)| {
            r.unwrap_or_else(|| {
                let mut r =
                    CheckResult::unknown(&spec.name, spec.level, spec.kind.component_type());
                r.status = Status::Unhealthy;
                r.message = Some("the check task failed".to_owned());
                r
            })
        })
        .collect()
}

async fn run_forever(
    spec: Arc<CheckSpec>,
    check: Arc<dyn Check>,
    tx: watch::Sender<Arc<CheckResult>>,
    events: mpsc::Sender<Event>,
) {
    let mut recovery = spec.recovery.clone().map(Recovery::new);
    let mut next = Instant::now();
    loop {
        tokio::time::sleep_until(next).await;
        let started = Instant::now();
        let (finding, elapsed) = run_once(&spec, check.as_ref()).await;
        // Interval from start to start, so a slow check does not drift its schedule.
        next = started + spec.interval;
        let status = finding.status;
        if let Some(r) = recovery.as_mut() {
            let jitter = 0.9 + fastrand::f64() * 0.2;
            match r.observe(status, Instant::now(), jitter) {
                Decision::Wait => {}
                Decision::Run => {
                    let (success, outcome) = recovery::execute(r.spec()).await;
                    tracing::warn!(check = %spec.name, "recovery: {outcome}");
                    r.record(&outcome);
                    let _ = events.try_send(Event::Recovery {
                        action: r.spec().action.clone(),
                        success,
                    });
                    // Check again soon to see whether it worked.
                    next = next.min(Instant::now() + Duration::from_millis(500).min(spec.interval));
                }
                Decision::GaveUp(text) => {
                    tracing::error!(check = %spec.name, "recovery: {text}");
                }
            }
        }
        let published = result(
            &spec,
            finding,
            elapsed,
            recovery.as_ref().and_then(|r| r.last()),
        );
        // The metrics task may lag; a full queue drops an event rather than slow a check.
        let _ = events.try_send(Event::Checked(published.clone()));
        tx.send_replace(Arc::new(published));
    }
}
