//! The rules of silences, apart from any I/O: what `silence add` may create (at least one
//! matcher, a comment, a start before the end, nothing that silences every alert unless
//! forced), which silences `silence ls` shows (`--expired`, `--within`, `--created-by`),
//! and how `silence extend` moves an end. Time comes in as a parameter so tests fix it.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

use super::matcher::{self, Matcher};
use super::{PostableSilence, Silence};
use crate::clock::rfc3339;
use crate::duration::PromDuration;

/// A silence that ccmon refuses to create.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SilenceError {
    /// No matcher given.
    #[error("a silence needs at least one matcher")]
    NoMatchers,
    /// Only whitespace as comment.
    #[error("a silence needs a comment saying why (--comment)")]
    NoComment,
    /// Would match every alert.
    #[error(
        "refusing a silence that matches every alert ({matchers}): its matchers accept any value or only exclude some; add a matcher that selects the alerts, or pass --force"
    )]
    MatchesEverything {
        /// The matchers as given.
        matchers: String,
    },
    /// Every matcher accepts the empty value; Alertmanager refuses such a silence.
    #[error(
        "every matcher of {matchers} also matches an empty or missing label, which Alertmanager refuses; add a matcher that requires a value, such as alertname=NAME"
    )]
    AllMatchEmpty {
        /// The matchers as given.
        matchers: String,
    },
    /// `--duration 0`.
    #[error("the duration must be more than zero")]
    ZeroDuration,
    /// The start is not before the end.
    #[error(
        "the silence would start at {start} but end at {end}: the start must be before the end"
    )]
    StartAfterEnd {
        /// Start.
        start: String,
        /// End.
        end: String,
    },
    /// The end is already past.
    #[error("the silence would end at {end}, which is in the past")]
    EndInPast {
        /// End.
        end: String,
    },
    /// Time arithmetic overflowed.
    #[error("the time is out of range: {0}")]
    OutOfRange(String),
}

/// What `silence add` was asked for.
#[derive(Debug, Clone)]
pub struct NewSilence {
    /// Matchers (at least one).
    pub matchers: Vec<Matcher>,
    /// Start; now when absent.
    pub start: Option<Timestamp>,
    /// End; wins over `duration`.
    pub end: Option<Timestamp>,
    /// Length from the start.
    pub duration: Option<Duration>,
    /// Why.
    pub comment: String,
    /// Who.
    pub author: String,
    /// Allow a silence that matches every alert.
    pub force: bool,
}

/// `t + d`, as an error rather than a panic at the ends of time.
pub fn add(t: Timestamp, d: Duration) -> Result<Timestamp, SilenceError> {
    SignedDuration::try_from(d)
        .ok()
        .and_then(|d| t.checked_add(d).ok())
        .ok_or_else(|| SilenceError::OutOfRange(format!("{t} + {}", PromDuration(d))))
}

fn joined(matchers: &[Matcher]) -> String {
    matchers
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Checks the request and builds the silence to post.
pub fn build(new: &NewSilence, now: Timestamp) -> Result<PostableSilence, SilenceError> {
    if new.matchers.is_empty() {
        return Err(SilenceError::NoMatchers);
    }
    if new.comment.trim().is_empty() {
        return Err(SilenceError::NoComment);
    }
    if !new.force && matcher::matches_everything(&new.matchers) {
        return Err(SilenceError::MatchesEverything {
            matchers: joined(&new.matchers),
        });
    }
    if new.matchers.iter().all(|m| m.matches("")) {
        return Err(SilenceError::AllMatchEmpty {
            matchers: joined(&new.matchers),
        });
    }
    let start = new.start.unwrap_or(now);
    let end = match (new.end, new.duration) {
        (Some(end), _) => end,
        (None, Some(d)) if d.is_zero() => return Err(SilenceError::ZeroDuration),
        (None, Some(d)) => add(start, d)?,
        // The CLI requires one of them; an hour is amtool's default if a caller forgets.
        (None, None) => add(start, Duration::from_secs(3600))?,
    };
    if start >= end {
        return Err(SilenceError::StartAfterEnd {
            start: rfc3339(start),
            end: rfc3339(end),
        });
    }
    if end <= now {
        return Err(SilenceError::EndInPast { end: rfc3339(end) });
    }
    Ok(PostableSilence {
        id: None,
        matchers: new.matchers.iter().map(Matcher::to_api).collect(),
        starts_at: rfc3339(start),
        ends_at: rfc3339(end),
        created_by: new.author.clone(),
        comment: new.comment.clone(),
    })
}

/// Which silences `silence ls` shows.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Expired ones instead of active and pending ones.
    pub expired: bool,
    /// Active: ending within the next D; expired: ended within the last D.
    pub within: Option<Duration>,
    /// Only those by this author.
    pub created_by: Option<String>,
}

fn parse_time(text: &str) -> Option<Timestamp> {
    text.parse().ok()
}

/// Selects and orders silences as amtool does (by end time), the filtering done here
/// because the v2 API of the installed servers has no state parameters.
pub fn select(mut silences: Vec<Silence>, filter: &ListFilter, now: Timestamp) -> Vec<Silence> {
    silences.retain(|s| {
        let expired = s.status.state == "expired";
        if expired != filter.expired {
            return false;
        }
        if let Some(author) = &filter.created_by
            && &s.created_by != author
        {
            return false;
        }
        if let Some(within) = filter.within {
            let Some(end) = parse_time(&s.ends_at) else {
                return false;
            };
            let window = SignedDuration::try_from(within).unwrap_or(SignedDuration::MAX);
            let gap = if filter.expired {
                now.duration_since(end)
            } else {
                end.duration_since(now)
            };
            if gap > window {
                return false;
            }
        }
        true
    });
    silences.sort_by(|a, b| {
        let key = |s: &Silence| parse_time(&s.ends_at);
        key(a).cmp(&key(b)).then_with(|| a.id.cmp(&b.id))
    });
    silences
}

/// The update that extends `silence` by `by`: from its current end, or from now if it
/// already ended (which brings it back under a new ID).
pub fn extended(
    silence: &Silence,
    by: Duration,
    now: Timestamp,
) -> Result<PostableSilence, SilenceError> {
    let end = parse_time(&silence.ends_at)
        .ok_or_else(|| SilenceError::OutOfRange(format!("end {:?}", silence.ends_at)))?;
    let base = end.max(now);
    let mut update = PostableSilence::from(silence);
    if silence.status.state == "expired" {
        // An expired silence cannot be updated in place; the server would refuse its old
        // start anyway, so it becomes a new silence starting now.
        update.id = None;
        update.starts_at = rfc3339(now);
    }
    update.ends_at = rfc3339(add(base, by)?);
    Ok(update)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alertmanager::SilenceStatus;
    use crate::alertmanager::matcher::parse_args;

    fn now() -> Timestamp {
        "2026-11-28T03:00:00Z".parse().unwrap()
    }

    fn new(args: &[&str]) -> NewSilence {
        NewSilence {
            matchers: parse_args(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap(),
            start: None,
            end: None,
            duration: Some(Duration::from_secs(7200)),
            comment: "maintenance".into(),
            author: "ops".into(),
            force: false,
        }
    }

    #[test]
    fn builds_from_start_and_duration() {
        let s = build(&new(&["InstanceDown"]), now()).unwrap();
        assert_eq!(s.starts_at, "2026-11-28T03:00:00.000Z");
        assert_eq!(s.ends_at, "2026-11-28T05:00:00.000Z");
        assert_eq!(s.matchers[0].name, "alertname");
        // End is start + duration, not now + duration (amtool's 0.24 fix).
        let mut later = new(&["InstanceDown"]);
        later.start = Some("2026-11-29T00:00:00Z".parse().unwrap());
        assert_eq!(
            build(&later, now()).unwrap().ends_at,
            "2026-11-29T02:00:00.000Z"
        );
    }

    #[test]
    fn refuses_what_would_hurt() {
        assert_eq!(build(&new(&[]), now()), Err(SilenceError::NoMatchers));
        let mut c = new(&["X"]);
        c.comment = "  ".into();
        assert_eq!(build(&c, now()), Err(SilenceError::NoComment));
        let all = new(&["alertname=~.*"]);
        assert!(matches!(
            build(&all, now()),
            Err(SilenceError::MatchesEverything { .. })
        ));
        let mut forced = new(&["alertname=~.+"]);
        forced.force = true;
        assert!(build(&forced, now()).is_ok());
        let mut empty = new(&["team=\"\""]);
        assert!(matches!(
            build(&empty, now()),
            Err(SilenceError::AllMatchEmpty { .. })
        ));
        // Not even --force: the server would refuse it.
        empty.force = true;
        assert!(build(&empty, now()).is_err());
        assert!(build(&new(&["X", "team=\"\""]), now()).is_ok());
        let mut zero = new(&["X"]);
        zero.duration = Some(Duration::ZERO);
        assert_eq!(build(&zero, now()), Err(SilenceError::ZeroDuration));
        let from_to = |start: &str, end: &str| {
            let mut s = new(&["X"]);
            s.start = Some(start.parse().unwrap());
            s.end = Some(end.parse().unwrap());
            build(&s, now())
        };
        assert!(matches!(
            from_to("2026-11-29T00:00:00Z", "2026-11-28T04:00:00Z"),
            Err(SilenceError::StartAfterEnd { .. })
        ));
        assert!(matches!(
            from_to("2026-11-27T00:00:00Z", "2026-11-27T04:00:00Z"),
            Err(SilenceError::EndInPast { .. })
        ));
    }

    fn silence(id: &str, state: &str, ends: &str, by: &str) -> Silence {
        Silence {
            id: id.into(),
            status: SilenceStatus {
                state: state.into(),
            },
            updated_at: String::new(),
            matchers: vec![],
            starts_at: "2026-11-28T00:00:00Z".into(),
            ends_at: ends.into(),
            created_by: by.into(),
            comment: String::new(),
            context: None,
            extra: Default::default(),
        }
    }

    #[test]
    fn selects_like_amtool() {
        let all = vec![
            silence("late", "active", "2026-11-28T09:00:00Z", "ann"),
            silence("soon", "active", "2026-11-28T03:30:00Z", "bob"),
            silence("pending", "pending", "2026-11-30T00:00:00Z", "ann"),
            silence("old", "expired", "2026-11-27T00:00:00Z", "ann"),
            silence("recent", "expired", "2026-11-28T02:50:00Z", "bob"),
        ];
        let ids = |f: ListFilter| -> Vec<String> {
            select(all.clone(), &f, now())
                .into_iter()
                .map(|s| s.id)
                .collect()
        };
        assert_eq!(ids(ListFilter::default()), ["soon", "late", "pending"]);
        let expired = ListFilter {
            expired: true,
            ..Default::default()
        };
        assert_eq!(ids(expired.clone()), ["old", "recent"]);
        let hour = Some(Duration::from_secs(3600));
        assert_eq!(
            ids(ListFilter {
                within: hour,
                ..Default::default()
            }),
            ["soon"]
        );
        assert_eq!(
            ids(ListFilter {
                within: hour,
                ..expired
            }),
            ["recent"]
        );
        assert_eq!(
            ids(ListFilter {
                created_by: Some("ann".into()),
                ..Default::default()
            }),
            ["late", "pending"]
        );
    }

    #[test]
    fn extends_from_the_end_or_from_now() {
        let two_h = Duration::from_secs(7200);
        let active = silence("a", "active", "2026-11-28T04:00:00Z", "ann");
        let up = extended(&active, two_h, now()).unwrap();
        assert_eq!(up.id.as_deref(), Some("a"));
        assert_eq!(up.ends_at, "2026-11-28T06:00:00.000Z");
        assert_eq!(up.starts_at, active.starts_at);
        let gone = silence("b", "expired", "2026-11-27T00:00:00Z", "ann");
        let back = extended(&gone, two_h, now()).unwrap();
        assert_eq!(back.id, None);
        assert_eq!(back.starts_at, "2026-11-28T03:00:00.000Z");
        assert_eq!(back.ends_at, "2026-11-28T05:00:00.000Z");
    }
}
