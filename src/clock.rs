//! Wall-clock time as ccmon records it: RFC 3339, UTC, millisecond precision, and ages
//! for people ("3m ago").

use std::time::Duration;

/// The current time.
pub fn now() -> jiff::Timestamp {
    jiff::Timestamp::now()
}

/// `2026-11-28T01:45:55.123Z`.
pub fn rfc3339(ts: jiff::Timestamp) -> String {
    format!("{ts:.3}")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_ages() {
        let t: jiff::Timestamp = "2026-11-28T01:45:55.123456Z".parse().unwrap();
        assert_eq!(rfc3339(t), "2026-11-28T01:45:55.123Z");
        let later: jiff::Timestamp = "2026-11-28T03:45:56Z".parse().unwrap();
        assert_eq!(age("2026-11-28T01:45:55.123Z", later), "2h");
        assert_eq!(age("nonsense", later), "-");
    }
}
