//! Prometheus-style durations (`500ms`, `90s`, `1h30m`, `2d`, `1w`, `1y`), the one syntax
//! ccmon accepts wherever a duration is given: flags, config files and silence files.

use std::fmt;
use std::time::Duration;

/// A duration string that is not valid Prometheus syntax.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid duration {input:?}: {reason}")]
pub struct DurationError {
    input: String,
    reason: &'static str,
    position: usize,
}

impl DurationError {
    fn at(mut self, position: usize) -> Self {
        self.position = position;
        self
    }

    /// The text as given.
    pub fn input(&self) -> &str {
        &self.input
    }

    /// Byte offset of the character at fault, so callers can point at it.
    pub fn position(&self) -> usize {
        self.position
    }

    /// The input and a caret under the character at fault, on two lines.
    pub fn pointer(&self) -> String {
        let width = self
            .input
            .get(..self.position.min(self.input.len()))
            .map_or(0, |s| s.chars().count());
        format!("{}\n{}^", self.input, " ".repeat(width))
    }
}

/// Units from largest to smallest: Prometheus requires them in this order, each at most once.
const UNITS: [(&str, u64); 7] = [
    ("y", 365 * 24 * 3600 * 1000),
    ("w", 7 * 24 * 3600 * 1000),
    ("d", 24 * 3600 * 1000),
    ("h", 3600 * 1000),
    ("m", 60 * 1000),
    ("s", 1000),
    ("ms", 1),
];

/// Parses a duration such as `1h30m`. `0` alone is accepted, as in Prometheus.
pub fn parse(input: &str) -> Result<Duration, DurationError> {
    let err = |reason| DurationError {
        input: input.to_owned(),
        reason,
        position: 0,
    };
    if input == "0" {
        return Ok(Duration::ZERO);
    }
    if input.is_empty() {
        return Err(err(
            "empty; use a number and a unit such as 30s, 5m, 2h, 1d",
        ));
    }
    let mut rest = input;
    let mut total_ms: u64 = 0;
    let mut last_unit: Option<usize> = None;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(
                err("expected a number; use a number and a unit such as 30s, 5m, 2h, 1d")
                    .at(input.len() - rest.len()),
            );
        }
        let number: u64 = rest[..digits]
            .parse()
            .map_err(|_| err("number too large").at(input.len() - rest.len()))?;
        rest = &rest[digits..];
        // "ms" before "m": try the longest unit that matches.
        let unit = UNITS
            .iter()
            .enumerate()
            .filter(|(_, (u, _))| rest.starts_with(u))
            .max_by_key(|(_, (u, _))| u.len())
            .map(|(i, &(u, ms))| (i, u, ms));
        let Some((index, unit, unit_ms)) = unit else {
            return Err(
                err("unknown or missing unit; units are ms, s, m, h, d, w, y")
                    .at(input.len() - rest.len()),
            );
        };
        if last_unit.is_some_and(|last| index <= last) {
            return Err(
                err("units must go from largest to smallest, each once (e.g. 1h30m)")
                    .at(input.len() - rest.len()),
            );
        }
        last_unit = Some(index);
        total_ms = number
            .checked_mul(unit_ms)
            .and_then(|v| v.checked_add(total_ms))
            .ok_or_else(|| err("duration too large"))?;
        rest = &rest[unit.len()..];
    }
    Ok(Duration::from_millis(total_ms))
}

/// Formats a duration the way Prometheus prints it (`1h30m`, `500ms`, `0s`).
pub fn format(duration: Duration) -> String {
    let mut ms = u64::try_from(duration.as_millis()).unwrap_or(u64::MAX);
    if ms == 0 {
        return "0s".to_owned();
    }
    let mut out = String::new();
    for &(unit, unit_ms) in &UNITS {
        if ms >= unit_ms {
            out.push_str(&(ms / unit_ms).to_string());
            out.push_str(unit);
            ms %= unit_ms;
        }
    }
    out
}

/// A duration that displays in Prometheus syntax.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PromDuration(pub Duration);

impl fmt::Display for PromDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format(self.0))
    }
}

/// The next wait of a backoff: `current` doubled, kept within `floor..=cap` (the one
/// backoff formula of ccmon: the forwarder's retries and the health server's recovery
/// actions both double up to a cap).
pub fn doubled(current: Duration, floor: Duration, cap: Duration) -> Duration {
    current.saturating_mul(2).clamp(floor, cap.max(floor))
}

#[cfg(test)]
mod tests {
    #[test]
    fn backoff_doubles_within_its_bounds() {
        use std::time::Duration as D;
        let (floor, cap) = (D::from_millis(250), D::from_secs(30));
        assert_eq!(doubled(D::ZERO, floor, cap), floor);
        assert_eq!(doubled(D::from_secs(1), floor, cap), D::from_secs(2));
        assert_eq!(doubled(D::from_secs(20), floor, cap), cap);
        assert_eq!(doubled(D::MAX, floor, cap), cap);
    }

    use super::*;

    #[test]
    fn parses_prometheus_syntax() {
        assert_eq!(parse("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse("2d"), Ok(Duration::from_secs(2 * 86400)));
        assert_eq!(parse("1w"), Ok(Duration::from_secs(7 * 86400)));
        assert_eq!(parse("1m500ms"), Ok(Duration::from_millis(60_500)));
        assert_eq!(parse("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse("0"), Ok(Duration::ZERO));
    }

    #[test]
    fn rejects_what_prometheus_rejects() {
        for bad in [
            "",
            "5",
            "1.5h",
            "30m1h",
            "1h1h",
            "h",
            "-1h",
            "1 h",
            "10x",
            "99999999999999999999y",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn formats_round_trip() {
        for s in ["1h30m", "500ms", "2d", "1w", "1y2d", "1m500ms"] {
            let d = parse(s).unwrap();
            assert_eq!(format(d), s);
        }
        assert_eq!(format(Duration::ZERO), "0s");
    }

    #[test]
    fn format_then_parse_is_identity() {
        // A cheap property test: every duration built from a spread of unit counts
        // formats to text that parses back to the same duration.
        let counts = [0u64, 1, 2, 7, 59, 60, 999, 1000, 86_399];
        for &a in &counts {
            for &b in &counts {
                for &(unit, ms) in &[(1u64, 1u64), (1, 1000), (1, 60_000), (1, 86_400_000)] {
                    let d = Duration::from_millis(a * ms * unit + b);
                    let text = format(d);
                    assert_eq!(parse(&text), Ok(d), "{d:?} -> {text}");
                }
            }
        }
    }

    #[test]
    fn never_panics_on_short_inputs() {
        let alphabet = ['1', '0', 'm', 's', 'h', 'd', 'w', 'y', '-', '.'];
        for s in crate::test_inputs::words(&alphabet, 4) {
            if let Ok(v) = parse(&s) {
                assert_eq!(parse(&format(v)), Ok(v), "{s}");
            }
        }
    }

    #[test]
    fn errors_point_at_the_character() {
        let e = parse("1h30x").unwrap_err();
        assert_eq!(e.position(), 4);
        assert_eq!(e.pointer(), "1h30x\n    ^");
        assert_eq!(parse("30m1h").unwrap_err().position(), 4);
        assert_eq!(parse("h").unwrap_err().position(), 0);
    }
}
