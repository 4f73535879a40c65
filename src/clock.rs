//! Wall-clock time as ccmon records it: RFC 3339, UTC, millisecond precision, ages for
//! people ("3m ago"), and the time arguments people type (`--time`, `--start`, `--end`):
//! RFC 3339, Unix seconds, or relative to now like `-1h`.

use std::time::Duration;

/// The current time.
pub fn now() -> jiff::Timestamp {
    jiff::Timestamp::now()
}

/// `2026-11-28T01:45:55.123Z`.
pub fn rfc3339(ts: jiff::Timestamp) -> String {
    format!("{ts:.3}")
}

/// The current time as [`rfc3339`] text, formatted again only when the millisecond
/// changes: a reader stamping every line of a fast input formats each millisecond once.
#[derive(Debug, Default)]
pub struct Stamps {
    millis: Option<i64>,
    text: String,
}

impl Stamps {
    /// The current time.
    pub fn now(&mut self) -> &str {
        let now = now();
        let millis = now.as_millisecond();
        if self.millis != Some(millis) {
            self.millis = Some(millis);
            self.text = rfc3339(now);
        }
        &self.text
    }
}

/// How long ago an RFC 3339 time was, for display: `42s`, `3m`, `5h`, `2d`; `-` when the
/// text is not a time.
pub fn age(text: &str, now: jiff::Timestamp) -> String {
    let Ok(then) = text.parse::<jiff::Timestamp>() else {
        return "-".to_owned();
    };
    let secs = now.as_second().saturating_sub(then.as_second()).max(0);
    let secs = u64::try_from(secs).unwrap_or(0);
    let d = Duration::from_secs(secs);
    match secs {
        0..60 => format!("{secs}s"),
        60..3600 => format!("{}m", d.as_secs() / 60),
        3600..86_400 => format!("{}h", d.as_secs() / 3600),
        _ => format!("{}d", d.as_secs() / 86_400),
    }
}

/// A time argument that is none of the accepted forms.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid time {input:?}: use RFC 3339 (2026-01-31T08:00:00Z), Unix seconds (1767168000) \
     or a duration relative to now (-1h, +30m, now)"
)]
pub struct TimeError {
    /// The text as given.
    pub input: String,
}

/// Parses a time argument: RFC 3339, Unix seconds (with an optional fraction), `now`, or a
/// Prometheus duration before or after `now` (`-1h`, `+30m`).
pub fn parse_time(input: &str, now: jiff::Timestamp) -> Result<jiff::Timestamp, TimeError> {
    let err = || TimeError {
        input: input.to_owned(),
    };
    let text = input.trim();
    if text == "now" {
        return Ok(now);
    }
    if let Some((sign, rest)) = text
        .strip_prefix('-')
        .map(|r| (-1, r))
        .or_else(|| text.strip_prefix('+').map(|r| (1, r)))
    {
        let d = crate::duration::parse(rest).map_err(|_| err())?;
        let d = jiff::SignedDuration::try_from(d).map_err(|_| err())?;
        let d = if sign < 0 { -d } else { d };
        return now.checked_add(d).map_err(|_| err());
    }
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        let seconds: f64 = text.parse().map_err(|_| err())?;
        let millis = (seconds * 1000.0).round();
        if !millis.is_finite() || millis > i64::MAX as f64 {
            return Err(err());
        }
        return jiff::Timestamp::from_millisecond(millis as i64).map_err(|_| err());
    }
    text.parse().map_err(|_| err())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_are_the_current_millisecond() {
        let mut stamps = Stamps::default();
        let before = now();
        let text = stamps.now().to_owned();
        let after = now();
        let at: jiff::Timestamp = text.parse().unwrap();
        assert!(before.as_millisecond() <= at.as_millisecond());
        assert!(at.as_millisecond() <= after.as_millisecond());
        assert_eq!(text.len(), "2026-11-28T01:45:55.123Z".len(), "{text}");
    }

    #[test]
    fn formats_and_ages() {
        let t: jiff::Timestamp = "2026-11-28T01:45:55.123456Z".parse().unwrap();
        assert_eq!(rfc3339(t), "2026-11-28T01:45:55.123Z");
        let later: jiff::Timestamp = "2026-11-28T03:45:56Z".parse().unwrap();
        assert_eq!(age("2026-11-28T01:45:55.123Z", later), "2h");
        assert_eq!(age("nonsense", later), "-");
    }

    #[test]
    fn parses_time_arguments() {
        let now: jiff::Timestamp = "2026-11-28T03:00:00Z".parse().unwrap();
        let t = |s: &str| parse_time(s, now).map(rfc3339);
        assert_eq!(t("now").unwrap(), "2026-11-28T03:00:00.000Z");
        assert_eq!(t("-1h").unwrap(), "2026-11-28T02:00:00.000Z");
        assert_eq!(t("+1h30m").unwrap(), "2026-11-28T04:30:00.000Z");
        assert_eq!(t("1767168000").unwrap(), "2025-12-31T08:00:00.000Z");
        assert_eq!(t("1767168000.5").unwrap(), "2025-12-31T08:00:00.500Z");
        assert_eq!(
            t("2026-01-31T08:00:00+01:00").unwrap(),
            "2026-01-31T07:00:00.000Z"
        );
        for bad in [
            "",
            "-",
            "-1x",
            "yesterday",
            "2026-13-01T00:00:00Z",
            "1e99",
            "..",
            "+",
        ] {
            assert!(parse_time(bad, now).is_err(), "{bad:?} should be rejected");
        }
    }
}
