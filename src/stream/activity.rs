//! What an agent is waiting on, read from its stream: an API retry, a compaction or a
//! rejected rate limit. This is the one place that decides it, for the agent's `state`
//! (`retrying`, `compacting`, `rate_limited`) and for the stuck detector, which must not
//! call a wait the agent announced a hang.
//!
//! - **Retrying** from a `system/api_retry` until the API answers (an `assistant` or
//!   `stream_event` line). The announced `retry_delay_ms` says how long the silence may last.
//! - **Compacting** from a `system/status` saying `compacting` until `compact_boundary`,
//!   another status, or an answer.
//! - **Rate limited** while the latest `rate_limit_event` of a limit type says `rejected`
//!   and its `resetsAt` has not passed. An answer from the API ends it too: the agent is
//!   being served (on overage, say), whatever the last event said.
//!
//! `system/init` and a main-thread `result` end every wait: the turn they belonged to is over.
//! Times are Unix milliseconds passed in, so this is pure and tests need no clock.

use super::parse::Parsed;

/// Rejected limits remembered at once; there are a handful of limit types, a hostile
/// stream must not grow the list.
const MAX_REJECTED: usize = 16;

/// The longest retry delay believed: Claude Code's backoff stays within minutes, and a
/// bogus `retry_delay_ms` must not switch hang detection off for years.
const MAX_RETRY_DELAY_MS: i64 = 3600 * 1000;

/// What the agent waits on, most telling first when several hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Waiting {
    /// A rate limit rejected the agent until `until_ms` (unknown when `None`).
    RateLimit {
        /// The `rateLimitType`.
        limit: String,
        /// `resetsAt` in Unix ms.
        until_ms: Option<i64>,
    },
    /// Compacting its context since `since_ms`.
    Compaction {
        /// When the compaction began, Unix ms.
        since_ms: i64,
    },
    /// An API call is being retried; the retry is due at `due_ms`.
    Retry {
        /// When the announced delay ends, Unix ms.
        due_ms: i64,
    },
}

/// The waits an agent is in; see the module documentation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Activity {
    retry_due_ms: Option<i64>,
    compacting_since_ms: Option<i64>,
    /// Limit types whose latest event said `rejected`, with their reset time in ms.
    rejected: Vec<(String, Option<i64>)>,
}

impl Activity {
    /// Takes one line into account; `at_ms` gives the time it was received, asked only for
    /// the few lines that start a wait (most lines need no clock).
    pub fn observe(&mut self, p: &Parsed, at_ms: impl FnOnce() -> i64) {
        if self_ends_waits(p) {
            *self = Activity::default();
            return;
        }
        if p.is_api_answer() {
            self.retry_due_ms = None;
            self.compacting_since_ms = None;
            self.rejected.clear();
        }
        let starts_wait = p.is_api_retry()
            || p.system_status.as_deref() == Some("compacting")
            || p.rate_limit
                .as_ref()
                .is_some_and(|rl| rl.status == "rejected");
        let at_ms = if starts_wait { at_ms() } else { 0 };
        if p.is_api_retry() {
            let delay = p.retry_delay_ms.unwrap_or(0).min(MAX_RETRY_DELAY_MS as u64) as i64;
            self.retry_due_ms = Some(at_ms.saturating_add(delay));
        }
        if let Some(status) = &p.system_status {
            if status == "compacting" {
                self.compacting_since_ms.get_or_insert(at_ms);
            } else {
                self.compacting_since_ms = None;
            }
        }
        if p.is_compact_boundary() {
            self.compacting_since_ms = None;
        }
        if let Some(rl) = &p.rate_limit {
            self.rejected.retain(|(limit, _)| *limit != rl.limit_type);
            if rl.status == "rejected" {
                if self.rejected.len() >= MAX_REJECTED {
                    self.rejected.remove(0);
                }
                let until = rl.resets_at.map(|s| s.saturating_mul(1000));
                self.rejected.push((rl.limit_type.clone(), until));
            }
        }
    }

    /// Forgets the rejections whose reset has passed at `now_ms`: they hold nothing any more.
    pub fn expire(&mut self, now_ms: i64) {
        self.rejected
            .retain(|(_, until)| until.is_none_or(|u| u > now_ms));
    }

    /// Whether no wait is under way (then [`waiting`](Self::waiting) is `None` at any time).
    pub fn is_empty(&self) -> bool {
        self.retry_due_ms.is_none()
            && self.compacting_since_ms.is_none()
            && self.rejected.is_empty()
    }

    /// What the agent waits on at `now_ms`, if anything.
    pub fn waiting(&self, now_ms: i64) -> Option<Waiting> {
        let limit = self
            .rejected
            .iter()
            .filter(|(_, until)| until.is_none_or(|u| u > now_ms))
            // The one that lasts longest; an unknown reset lasts longest of all.
            .max_by_key(|(_, until)| until.unwrap_or(i64::MAX));
        if let Some((limit, until_ms)) = limit {
            return Some(Waiting::RateLimit {
                limit: limit.clone(),
                until_ms: *until_ms,
            });
        }
        if let Some(since_ms) = self.compacting_since_ms {
            return Some(Waiting::Compaction { since_ms });
        }
        self.retry_due_ms.map(|due_ms| Waiting::Retry { due_ms })
    }
}

/// `system/init` or a main-thread `result`.
fn self_ends_waits(p: &Parsed) -> bool {
    (p.type_ == "system" && p.subtype == "init")
        || (p.type_ == "result" && p.parent_tool_use_id.is_none())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::parse::parse;

    fn line(json: &str) -> Parsed {
        parse(json.as_bytes())
    }

    fn retry(delay: u64) -> Parsed {
        line(&format!(
            r#"{{"type":"system","subtype":"api_retry","attempt":1,"max_retries":10,"retry_delay_ms":{delay},"error_status":529}}"#
        ))
    }

    fn status(s: &str) -> Parsed {
        line(&format!(
            r#"{{"type":"system","subtype":"status","status":{s}}}"#
        ))
    }

    fn limit(kind: &str, status: &str, resets: i64) -> Parsed {
        line(&format!(
            r#"{{"type":"rate_limit_event","rate_limit_info":{{"status":"{status}","resetsAt":{resets},"rateLimitType":"{kind}"}}}}"#
        ))
    }

    fn answer() -> Parsed {
        line(
            r#"{"type":"assistant","message":{"id":"m1","content":[{"type":"text","text":"hi"}]}}"#,
        )
    }

    #[test]
    fn a_retry_waits_for_the_answer_not_for_its_delay() {
        let mut a = Activity::default();
        a.observe(&retry(30_000), || 1_000);
        assert_eq!(a.waiting(2_000), Some(Waiting::Retry { due_ms: 31_000 }));
        // Still retrying after the announced delay: no answer yet.
        assert_eq!(a.waiting(90_000), Some(Waiting::Retry { due_ms: 31_000 }));
        a.observe(&answer(), || 40_000);
        assert_eq!(a.waiting(40_000), None);
    }

    #[test]
    fn compaction_runs_from_its_status_to_its_boundary() {
        let mut a = Activity::default();
        a.observe(&status(r#""compacting""#), || 5_000);
        a.observe(&status(r#""compacting""#), || 6_000);
        assert_eq!(
            a.waiting(9_000),
            Some(Waiting::Compaction { since_ms: 5_000 })
        );
        a.observe(&line(r#"{"type":"system","subtype":"compact_boundary","compact_metadata":{"trigger":"auto","pre_tokens":150000}}"#), || 20_000);
        assert_eq!(a.waiting(20_000), None);
        a.observe(&status(r#""compacting""#), || 30_000);
        a.observe(&status("null"), || 31_000);
        assert_eq!(a.waiting(31_000), None);
    }

    #[test]
    fn a_rejected_limit_holds_until_its_reset_or_an_answer() {
        let mut a = Activity::default();
        a.observe(&limit("five_hour", "rejected", 100), || 10_000);
        let five = Waiting::RateLimit {
            limit: "five_hour".into(),
            until_ms: Some(100_000),
        };
        assert_eq!(a.waiting(50_000), Some(five.clone()));
        assert_eq!(a.waiting(100_000), None, "the reset has passed");
        let mut expired = a.clone();
        expired.expire(100_000);
        assert!(expired.is_empty(), "a passed reset is forgotten");
        // The longest-lasting rejection wins; an allowed event lifts its own type only.
        a.observe(&limit("seven_day", "rejected", 900), || 11_000);
        assert_eq!(
            a.waiting(50_000),
            Some(Waiting::RateLimit {
                limit: "seven_day".into(),
                until_ms: Some(900_000)
            })
        );
        a.observe(&limit("seven_day", "allowed", 900), || 12_000);
        assert_eq!(a.waiting(50_000), Some(five));
        a.observe(&answer(), || 13_000);
        assert_eq!(a.waiting(50_000), None);
    }

    #[test]
    fn a_rate_limit_outranks_a_compaction_which_outranks_a_retry() {
        let mut a = Activity::default();
        a.observe(&retry(1_000), || 0);
        a.observe(&status(r#""compacting""#), || 1);
        assert!(matches!(a.waiting(2), Some(Waiting::Compaction { .. })));
        a.observe(&limit("five_hour", "rejected", 10), || 2);
        assert!(matches!(a.waiting(3), Some(Waiting::RateLimit { .. })));
    }

    #[test]
    fn a_result_or_init_ends_every_wait_but_a_subagent_result_does_not() {
        let mut a = Activity::default();
        a.observe(&retry(1_000), || 0);
        a.observe(
            &line(r#"{"type":"result","subtype":"success","parent_tool_use_id":"toolu_1"}"#),
            || 1,
        );
        assert!(a.waiting(2).is_some());
        a.observe(&line(r#"{"type":"result","subtype":"success"}"#), || 3);
        assert_eq!(a.waiting(4), None);
        a.observe(&limit("five_hour", "rejected", 10), || 5);
        a.observe(&line(r#"{"type":"system","subtype":"init"}"#), || 6);
        assert_eq!(a.waiting(7), None);
    }

    #[test]
    fn hostile_values_stay_bounded() {
        let mut a = Activity::default();
        for i in 0..1_000 {
            a.observe(&limit(&format!("kind{i}"), "rejected", i64::MAX), || i);
        }
        assert!(a.rejected.len() <= MAX_REJECTED);
        let mut a = Activity::default();
        a.observe(&retry(u64::MAX), || 1_000);
        assert_eq!(
            a.waiting(0),
            Some(Waiting::Retry {
                due_ms: 1_000 + MAX_RETRY_DELAY_MS
            }),
            "a bogus delay is capped"
        );
        // A status of an unexpected shape is no status, and no panic.
        a.observe(&status("{\"x\":1}"), || 0);
        a.observe(
            &line(r#"{"type":"system","subtype":"api_retry","retry_delay_ms":"soon"}"#),
            || 0,
        );
    }
}
