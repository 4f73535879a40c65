//! Value parsers: flags are turned into their types where they are defined, so commands
//! never parse strings. A bad value is a usage error that names the flag
//! ([`reword`]: "invalid value for --ttl: ...").

use std::time::Duration;

use clap::error::{ContextKind, ContextValue, ErrorKind};

use crate::stream::monitor::OnStuck;

/// A duration such as `90s` or `1h30m`; `0` is allowed.
pub fn duration(text: &str) -> Result<Duration, String> {
    crate::duration::parse(text).map_err(|e| e.to_string())
}

/// A span of time longer than 0, such as a query's `--step`; a bad one is shown with a
/// caret under the character at fault.
pub fn span(text: &str) -> Result<Duration, String> {
    match pointed(text)? {
        d if d.is_zero() => Err("it must be more than zero".to_owned()),
        d => Ok(d),
    }
}

/// A duration; a bad one is shown with a caret under the character at fault.
pub fn pointed(text: &str) -> Result<Duration, String> {
    crate::duration::parse(text)
        .map_err(|e| format!("{e}\n  {}", e.pointer().replace('\n', "\n  ")))
}

/// A timeout: a duration longer than 0.
pub fn timeout(text: &str) -> Result<Duration, String> {
    crate::config::parse_timeout(text)
}

/// A size: bytes with an optional binary suffix (`KiB`, `MiB`, `GiB`, `TiB`, or `K`, `M`,
/// `G`, `T`), more than 0.
pub fn size(text: &str) -> Result<u64, String> {
    let v = text.trim();
    let split = v.find(|c: char| !c.is_ascii_digit()).unwrap_or(v.len());
    let (number, unit) = v.split_at(split);
    let shift = match unit.trim() {
        "" | "B" => 0,
        "K" | "KiB" | "k" => 10,
        "M" | "MiB" => 20,
        "G" | "GiB" => 30,
        "T" | "TiB" => 40,
        _ => return Err(format!("{text:?} is not a size such as 512MiB or 2GiB")),
    };
    match number.parse::<u64>() {
        Ok(n) if n > 0 => n
            .checked_mul(1u64 << shift)
            .ok_or_else(|| format!("{text:?} is too large")),
        _ => Err(format!("{text:?} is not a size such as 512MiB or 2GiB")),
    }
}

/// `--max-line`: a size of at least 1 KiB (a line bound below that would cut ordinary
/// events).
pub fn line_bound(text: &str) -> Result<usize, String> {
    match size(text)? {
        n if n < 1024 => Err(format!("{text:?} is below the least line bound, 1KiB")),
        n => Ok(usize::try_from(n).unwrap_or(usize::MAX)),
    }
}

/// `--on-stuck`: warn, interrupt, kill, or exec CMD.
pub fn on_stuck(text: &str) -> Result<OnStuck, String> {
    OnStuck::parse(text)
        .ok_or_else(|| format!("{text:?} is not one of warn, interrupt, kill, exec CMD"))
}

/// A number greater than 0.
pub fn positive(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 => Ok(x),
        _ => Err(format!("{text} must be a positive number")),
    }
}

/// Says which flag a value parser refused, in ccmon's words: "invalid value for FLAG:
/// WHAT". clap's own wording repeats the value, which for a URL could carry a password.
pub fn reword(err: clap::Error, cmd: &clap::Command) -> clap::Error {
    if err.kind() != ErrorKind::ValueValidation {
        return err;
    }
    let (Some(ContextValue::String(arg)), Some(source)) = (
        err.get(ContextKind::InvalidArg),
        std::error::Error::source(&err),
    ) else {
        return err;
    };
    let flag = arg.split_whitespace().next().unwrap_or(arg);
    clap::Error::raw(
        ErrorKind::ValueValidation,
        format!("invalid value for {flag}: {source}\n"),
    )
    .with_cmd(cmd)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(size("4MiB"), Ok(4 << 20));
        assert_eq!(size("512"), Ok(512));
        assert_eq!(size("2G"), Ok(2 << 30));
        assert!(size("0").is_err());
        assert!(size("lots").unwrap_err().contains("not a size"));
        assert!(size("99999999999T").unwrap_err().contains("too large"));
        assert!(line_bound("512").unwrap_err().contains("least line bound"));
        assert_eq!(line_bound("1KiB"), Ok(1024));
    }

    #[test]
    fn the_rest() {
        assert_eq!(on_stuck("kill"), Ok(OnStuck::Kill));
        assert!(on_stuck("explode").is_err());
        assert!(positive("0").is_err());
        assert!(positive("NaN").is_err());
        assert_eq!(positive("1.5"), Ok(1.5));
        assert!(timeout("0s").is_err());
        assert_eq!(duration("0"), Ok(Duration::ZERO));
        assert!(span("0").is_err());
        assert!(span("1x").unwrap_err().ends_with("\n  1x\n   ^"));
    }
}
