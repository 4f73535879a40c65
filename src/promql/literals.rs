//! Literal decoding shared by the parser: string unquoting (Prometheus `strutil.Unquote`),
//! number parsing (Go `strconv.ParseInt(s, 0, 64)` then `ParseFloat`) and durations
//! (`model.ParseDuration`).

use super::lexer::go_quote;

/// Unquotes a string token already validated by the lexer.
pub fn unquote(token: &str) -> Result<String, String> {
    let mut chars = token.chars();
    let quote = chars.next().ok_or_else(|| "invalid syntax".to_string())?;
    let body = token
        .get(quote.len_utf8()..token.len().saturating_sub(quote.len_utf8()))
        .ok_or_else(|| "invalid syntax".to_string())?;
    if quote == '`' {
        return Ok(body.to_string());
    }
    let mut out: Vec<u8> = Vec::with_capacity(body.len());
    let mut it = body.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            continue;
        }
        let e = it.next().ok_or_else(|| "invalid syntax".to_string())?;
        let simple = match e {
            'a' => Some(7u8),
            'b' => Some(8),
            'f' => Some(12),
            'n' => Some(b'\n'),
            'r' => Some(b'\r'),
            't' => Some(b'\t'),
            'v' => Some(11),
            '\\' => Some(b'\\'),
            '\'' => Some(b'\''),
            '"' => Some(b'"'),
            _ => None,
        };
        if let Some(b) = simple {
            out.push(b);
            continue;
        }
        let (digits, base) = match e {
            '0'..='7' => (2, 8),
            'x' => (2, 16),
            'u' => (4, 16),
            'U' => (8, 16),
            _ => return Err("invalid syntax".into()),
        };
        let mut v: u32 = if base == 8 {
            e.to_digit(8).unwrap_or(0)
        } else {
            0
        };
        for _ in 0..digits {
            let d = it
                .next()
                .and_then(|c| c.to_digit(base))
                .ok_or_else(|| "invalid syntax".to_string())?;
            v = v.wrapping_mul(base).wrapping_add(d);
        }
        if matches!(e, 'u' | 'U') {
            let ch = char::from_u32(v).ok_or_else(|| "invalid syntax".to_string())?;
            let mut buf = [0u8; 4];
            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
        } else {
            // \xNN and octal escapes produce raw bytes, which may not be valid UTF-8.
            out.push(u8::try_from(v).map_err(|_| "invalid syntax".to_string())?);
        }
    }
    // Rust strings must be UTF-8; invalid byte escapes become U+FFFD.
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// Go's `underscoreOK`: underscores only between digits or right after a base prefix.
fn underscores_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let mut prev_ok = false; // whether the previous character permits a following '_'
    let mut i = 0;
    let hex = b.len() >= 2 && b.first() == Some(&b'0') && matches!(b.get(1), Some(b'x' | b'X'));
    if hex {
        i = 2;
        prev_ok = true;
    }
    while let Some(&c) = b.get(i) {
        if c == b'_' {
            let next_digit = b.get(i + 1).is_some_and(|n| {
                if hex {
                    n.is_ascii_hexdigit()
                } else {
                    n.is_ascii_digit()
                }
            });
            if !prev_ok || !next_digit {
                return false;
            }
            prev_ok = false;
        } else {
            prev_ok = if hex {
                c.is_ascii_hexdigit()
            } else {
                c.is_ascii_digit()
            };
        }
        i += 1;
    }
    true
}

/// Parses a NUMBER token like Prometheus's `parser.number`.
pub fn parse_number(val: &str) -> Result<f64, String> {
    let lower = val.to_ascii_lowercase();
    if lower == "inf" || lower == "+inf" {
        return Ok(f64::INFINITY);
    }
    if lower == "nan" {
        return Ok(f64::NAN);
    }
    let err = |why: &str| {
        format!(
            "error parsing number: strconv.ParseFloat: parsing {}: {why}",
            go_quote(val)
        )
    };
    if val.contains('_') && !underscores_ok(val) {
        return Err(err("invalid syntax"));
    }
    let clean: String = val.chars().filter(|&c| c != '_').collect();
    // ParseInt with base 0: 0x hex, leading-0 octal, else decimal.
    let int = if let Some(h) = clean
        .strip_prefix("0x")
        .or_else(|| clean.strip_prefix("0X"))
    {
        i64::from_str_radix(h, 16).ok()
    } else if clean.len() > 1 && clean.starts_with('0') && clean.bytes().all(|c| c.is_ascii_digit())
    {
        i64::from_str_radix(clean.get(1..).unwrap_or(""), 8).ok()
    } else {
        clean.parse::<i64>().ok()
    };
    if let Some(i) = int {
        return Ok(i as f64);
    }
    if clean.starts_with("0x") || clean.starts_with("0X") {
        // Hex floats need a 'p' exponent, which the lexer never produces.
        let all_hex = clean
            .get(2..)
            .is_some_and(|h| !h.is_empty() && h.bytes().all(|c| c.is_ascii_hexdigit()));
        return Err(err(if all_hex {
            "value out of range"
        } else {
            "invalid syntax"
        }));
    }
    match clean.parse::<f64>() {
        Ok(f) if f.is_infinite() => Err(err("value out of range")),
        Ok(f) => Ok(f),
        Err(_) => Err(err("invalid syntax")),
    }
}

/// Parses a DURATION token like `model.ParseDuration`, returning milliseconds.
pub fn parse_duration(s: &str) -> Result<i64, String> {
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err("empty duration string".into());
    }
    const UNITS: [(&str, i64, u8); 7] = [
        ("y", 365 * 24 * 3_600_000, 7),
        ("w", 7 * 24 * 3_600_000, 6),
        ("d", 24 * 3_600_000, 5),
        ("h", 3_600_000, 4),
        ("m", 60_000, 3),
        ("s", 1000, 2),
        ("ms", 1, 1),
    ];
    let mut rest = s;
    let mut total: i64 = 0;
    let mut last_pos = u8::MAX;
    while !rest.is_empty() {
        let ndig = rest.bytes().take_while(|c| c.is_ascii_digit()).count();
        if ndig == 0 {
            return Err(format!("not a valid duration string: {}", go_quote(s)));
        }
        let (num, tail) = rest.split_at(ndig);
        let nunit = tail
            .bytes()
            .take_while(|c| !c.is_ascii_digit() && *c != b'.')
            .count();
        let (unit, tail) = tail.split_at(nunit);
        let Some(&(_, mult, pos)) = UNITS.iter().find(|(u, _, _)| *u == unit) else {
            return Err(format!(
                "unknown unit {} in duration {}",
                go_quote(unit),
                go_quote(s)
            ));
        };
        if pos >= last_pos {
            return Err(format!("not a valid duration string: {}", go_quote(s)));
        }
        last_pos = pos;
        let n: i64 = num
            .parse()
            .map_err(|_| "duration out of range".to_string())?;
        total = n
            .checked_mul(mult)
            .and_then(|v| total.checked_add(v))
            .filter(|v| *v <= i64::MAX / 1_000_000)
            .ok_or_else(|| "duration out of range".to_string())?;
        rest = tail;
    }
    Ok(total)
}

/// Prometheus's `model.Duration.String()` for a non-negative number of milliseconds.
pub fn format_duration(ms: i64) -> String {
    if ms == 0 {
        return "0s".into();
    }
    let mut ms = ms;
    let mut r = String::new();
    let units: [(&str, i64, bool); 7] = [
        ("y", 365 * 24 * 3_600_000, true),
        ("w", 7 * 24 * 3_600_000, true),
        ("d", 24 * 3_600_000, false),
        ("h", 3_600_000, false),
        ("m", 60_000, false),
        ("s", 1000, false),
        ("ms", 1, false),
    ];
    for (unit, mult, exact) in units {
        if exact && ms % mult != 0 {
            continue;
        }
        let v = ms / mult;
        if v > 0 {
            r.push_str(&format!("{v}{unit}"));
            ms -= v * mult;
        }
    }
    r
}

/// Go's `%f` for floats (used in the `@` bounds error).
pub fn go_format_f(v: f64) -> String {
    go_non_finite(v).map_or_else(|| format!("{v:.6}"), str::to_owned)
}

/// A number as the printer writes it: the shortest form that reads back the same.
pub fn format_number(v: f64) -> String {
    go_non_finite(v).map_or_else(|| format!("{v}"), str::to_owned)
}

/// How Go spells the floats that are not finite; Rust's own spelling (`inf`) would not parse
/// back as PromQL.
fn go_non_finite(v: f64) -> Option<&'static str> {
    if v.is_nan() {
        Some("NaN")
    } else if v == f64::INFINITY {
        Some("+Inf")
    } else if v == f64::NEG_INFINITY {
        Some("-Inf")
    } else {
        None
    }
}
