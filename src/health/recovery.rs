//! Recovery: an explicit command a check may name, run after `after_failures` consecutive
//! unhealthy results, with exponential backoff (±10 % jitter so a fleet does not restart in
//! step) and a restart-loop guard (at most `max_runs` within `window`, then give up and say
//! so until the check is healthy again). [`Recovery`] is a pure state machine over the time
//! it is handed; [`execute`] runs the command and reports its real exit status.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::time::Instant;

use super::Status;
use super::spec::RecoverySpec;

/// What to do after a result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Nothing to do (healthy, not enough failures yet, or waiting out the backoff).
    Wait,
    /// Run the command now.
    Run,
    /// The restart-loop guard tripped; the text says why.
    GaveUp(String),
}

/// Per-check recovery state.
#[derive(Debug)]
pub struct Recovery {
    spec: RecoverySpec,
    failures: u32,
    backoff: Duration,
    not_before: Option<Instant>,
    runs: VecDeque<Instant>,
    gave_up: bool,
    last: Option<String>,
}

impl Recovery {
    /// Fresh state.
    pub fn new(spec: RecoverySpec) -> Self {
        let backoff = spec.backoff_initial;
        Recovery {
            spec,
            failures: 0,
            backoff,
            not_before: None,
            runs: VecDeque::new(),
            gave_up: false,
            last: None,
        }
    }

    /// The specification.
    pub fn spec(&self) -> &RecoverySpec {
        &self.spec
    }

    /// The last action and outcome, for the report's `recovery_action`.
    pub fn last(&self) -> Option<&str> {
        self.last.as_deref()
    }

    /// Feeds one check result at `now`; `jitter` is a factor in [0.9, 1.1].
    pub fn observe(&mut self, status: Status, now: Instant, jitter: f64) -> Decision {
        if status != Status::Unhealthy {
            if status == Status::Healthy {
                self.failures = 0;
                self.backoff = self.spec.backoff_initial;
                self.not_before = None;
                self.gave_up = false;
            }
            return Decision::Wait;
        }
        self.failures = self.failures.saturating_add(1);
        if self.failures < self.spec.after_failures {
            return Decision::Wait;
        }
        if self.gave_up {
            return Decision::Wait;
        }
        if self.not_before.is_some_and(|t| now < t) {
            return Decision::Wait;
        }
        while self
            .runs
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.spec.window)
        {
            self.runs.pop_front();
        }
        if self.runs.len() >= self.spec.max_runs as usize {
            self.gave_up = true;
            let text = format!(
                "gave up: {} ran {} times within {}; fix it by hand",
                self.spec.action,
                self.runs.len(),
                crate::duration::format(self.spec.window)
            );
            self.last = Some(text.clone());
            return Decision::GaveUp(text);
        }
        self.runs.push_back(now);
        self.not_before = Some(now + self.backoff.mul_f64(jitter.clamp(0.9, 1.1)));
        self.backoff =
            crate::duration::doubled(self.backoff, Duration::ZERO, self.spec.backoff_max);
        Decision::Run
    }

    /// Records the outcome of a run.
    pub fn record(&mut self, outcome: &str) {
        self.last = Some(outcome.to_owned());
    }
}

/// Runs the recovery command with stdin closed and output discarded (the command logs on
/// its own); returns whether it exited 0 and a one-line outcome.
pub async fn execute(spec: &RecoverySpec) -> (bool, String) {
    let Some((program, args)) = spec.command.split_first() else {
        return (false, "no recovery command".to_owned());
    };
    let shown = spec.command.join(" ");
    let child = tokio::process::Command::new(program)
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) => return (false, format!("`{shown}` could not start: {e}")),
    };
    match tokio::time::timeout(spec.timeout, child.wait()).await {
        Ok(Ok(status)) if status.success() => (true, format!("ran `{shown}`: exit 0")),
        Ok(Ok(status)) => (false, format!("ran `{shown}`: {status}")),
        Ok(Err(e)) => (false, format!("`{shown}` could not be waited for: {e}")),
        Err(_) => (
            false,
            format!(
                "`{shown}` timed out after {}",
                crate::duration::format(spec.timeout)
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recovery() -> Recovery {
        Recovery::new(RecoverySpec::new(vec!["true".into()], "restart".into()))
    }

    #[test]
    fn runs_after_three_failures_with_doubling_backoff_then_gives_up() {
        let mut r = recovery();
        let t0 = Instant::now();
        let s = Duration::from_secs;
        assert_eq!(r.observe(Status::Unhealthy, t0, 1.0), Decision::Wait);
        assert_eq!(r.observe(Status::Unhealthy, t0, 1.0), Decision::Wait);
        assert_eq!(r.observe(Status::Unhealthy, t0, 1.0), Decision::Run);
        // Backoff 1 s: not yet at +0.5 s, then at +1 s; then 2 s, then the guard.
        assert_eq!(
            r.observe(Status::Unhealthy, t0 + s(1) / 2, 1.0),
            Decision::Wait
        );
        assert_eq!(r.observe(Status::Unhealthy, t0 + s(1), 1.0), Decision::Run);
        assert_eq!(r.observe(Status::Unhealthy, t0 + s(2), 1.0), Decision::Wait);
        assert_eq!(r.observe(Status::Unhealthy, t0 + s(3), 1.0), Decision::Run);
        assert!(matches!(
            r.observe(Status::Unhealthy, t0 + s(10), 1.0),
            Decision::GaveUp(_)
        ));
        assert_eq!(
            r.observe(Status::Unhealthy, t0 + s(100), 1.0),
            Decision::Wait
        );
        // Healthy again resets everything.
        assert_eq!(r.observe(Status::Healthy, t0 + s(101), 1.0), Decision::Wait);
        for _ in 0..2 {
            assert_eq!(
                r.observe(Status::Unhealthy, t0 + s(102), 1.0),
                Decision::Wait
            );
        }
        assert_eq!(
            r.observe(Status::Unhealthy, t0 + s(102), 1.0),
            Decision::Run
        );
    }

    #[test]
    fn degraded_neither_counts_nor_resets() {
        let mut r = recovery();
        let t0 = Instant::now();
        r.observe(Status::Unhealthy, t0, 1.0);
        r.observe(Status::Degraded, t0, 1.0);
        r.observe(Status::Unhealthy, t0, 1.0);
        assert_eq!(r.observe(Status::Unhealthy, t0, 1.0), Decision::Run);
    }
}
