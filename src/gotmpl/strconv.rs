//! Go `strconv`-compatible helpers: unquoting string/char literals, quoting for display, and
//! the number parsing rules `text/template/parse.newNumber` relies on.
//!
//! Only syntax acceptance has to match Go exactly (it decides parse errors); numeric values are
//! computed as closely as is practical without arbitrary-precision arithmetic.

/// Go's `strconv.ErrSyntax` text, which `text/template` reports verbatim.
pub(super) const INVALID_SYNTAX: &str = "invalid syntax";

pub(super) use crate::go_quote::{format_rune_u, quote};

/// One decoded character of a quoted literal: either a code point or a raw byte (`\x`, octal).
enum Unquoted {
    /// A Unicode scalar value (written as UTF-8).
    Char(char),
    /// A single raw byte, possibly not valid UTF-8 on its own.
    Byte(u8),
}

fn unhex(b: u8) -> Option<u32> {
    (b as char).to_digit(16)
}

/// Go's `strconv.UnquoteChar`: decodes the first character of `s` within a literal quoted by
/// `quote`, returning it and the remaining text.
fn unquote_char(s: &str, quote: u8) -> Result<(Unquoted, &str), ()> {
    let bytes = s.as_bytes();
    let first = *bytes.first().ok_or(())?;
    if first == quote && (quote == b'\'' || quote == b'"') {
        return Err(());
    }
    if first != b'\\' {
        let c = s.chars().next().ok_or(())?;
        return Ok((Unquoted::Char(c), s.get(c.len_utf8()..).ok_or(())?));
    }
    let c = *bytes.get(1).ok_or(())?;
    if !c.is_ascii() {
        // Every valid escape letter is ASCII; this also keeps the slice below on a boundary.
        return Err(());
    }
    let rest = s.get(2..).ok_or(())?;
    let simple = |ch: char| Ok((Unquoted::Char(ch), rest));
    match c {
        b'a' => simple('\u{7}'),
        b'b' => simple('\u{8}'),
        b'f' => simple('\u{c}'),
        b'n' => simple('\n'),
        b'r' => simple('\r'),
        b't' => simple('\t'),
        b'v' => simple('\u{b}'),
        b'\\' => simple('\\'),
        b'\'' | b'"' => {
            if c != quote {
                return Err(());
            }
            simple(c as char)
        }
        b'x' | b'u' | b'U' => {
            let n = match c {
                b'x' => 2,
                b'u' => 4,
                _ => 8,
            };
            let digits = rest.as_bytes().get(..n).ok_or(())?;
            let mut v: u32 = 0;
            for &d in digits {
                v = (v << 4) | unhex(d).ok_or(())?;
            }
            let tail = rest.get(n..).ok_or(())?;
            if c == b'x' {
                // A single byte, which need not be valid UTF-8.
                return Ok((Unquoted::Byte(v as u8), tail));
            }
            let ch = char::from_u32(v).ok_or(())?;
            Ok((Unquoted::Char(ch), tail))
        }
        b'0'..=b'7' => {
            let digits = rest.as_bytes().get(..2).ok_or(())?;
            let mut v = u32::from(c - b'0');
            for &d in digits {
                if !(b'0'..=b'7').contains(&d) {
                    return Err(());
                }
                v = (v << 3) | u32::from(d - b'0');
            }
            if v > 255 {
                return Err(());
            }
            Ok((Unquoted::Byte(v as u8), rest.get(2..).ok_or(())?))
        }
        _ => Err(()),
    }
}

/// Go's `strconv.Unquote` for double-quoted and back-quoted literals (the only kinds the
/// template lexer hands it). Invalid UTF-8 produced by byte escapes is replaced lossily.
pub(super) fn unquote(s: &str) -> Result<String, ()> {
    let (Some(&q), Some(&last)) = (s.as_bytes().first(), s.as_bytes().last()) else {
        return Err(());
    };
    if s.len() < 2 || q != last {
        return Err(());
    }
    let inner = s.get(1..s.len() - 1).ok_or(())?;
    match q {
        b'`' => {
            if inner.contains('`') {
                return Err(());
            }
            // Go drops carriage returns from raw strings.
            Ok(inner.replace('\r', ""))
        }
        b'"' => {
            if inner.contains('\n') {
                return Err(());
            }
            let mut out: Vec<u8> = Vec::with_capacity(inner.len());
            let mut rest = inner;
            while !rest.is_empty() {
                let (u, tail) = unquote_char(rest, b'"')?;
                match u {
                    Unquoted::Char(c) => {
                        let mut buf = [0u8; 4];
                        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                    }
                    Unquoted::Byte(b) => out.push(b),
                }
                rest = tail;
            }
            Ok(String::from_utf8_lossy(&out).into_owned())
        }
        _ => Err(()),
    }
}

/// Numeric interpretation of a template number literal, mirroring Go's `NumberNode` flags.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct NumberValue {
    /// The literal is an integer representable as `i64`.
    pub is_int: bool,
    /// The literal is an integer representable as `u64`.
    pub is_uint: bool,
    /// The literal is representable as `f64`.
    pub is_float: bool,
    /// The literal is imaginary or complex.
    pub is_complex: bool,
    /// Value when `is_int`.
    pub int64: i64,
    /// Value when `is_uint`.
    pub uint64: u64,
    /// Value when `is_float`.
    pub float64: f64,
    /// Real and imaginary parts when `is_complex`.
    pub complex: (f64, f64),
}

/// Go's `underscoreOK`: underscores only between digits (or after a base prefix).
fn underscore_ok(s: &str) -> bool {
    let mut b = s.as_bytes();
    // `saw` is '^' at the start, '0' after a digit or base prefix, '_' after an underscore,
    // '!' after anything else.
    let mut saw = b'^';
    if let [b'-' | b'+', rest @ ..] = b {
        b = rest;
    }
    let mut hex = false;
    if let [b'0', p, rest @ ..] = b
        && matches!(p.to_ascii_lowercase(), b'b' | b'o' | b'x')
    {
        saw = b'0';
        hex = p.eq_ignore_ascii_case(&b'x');
        b = rest;
    }
    for &c in b {
        let lc = c.to_ascii_lowercase();
        if c.is_ascii_digit() || (hex && (b'a'..=b'f').contains(&lc)) {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
    }
    saw != b'_'
}

/// Unsigned magnitude parse for `strconv.ParseUint(s, 0, 64)` without sign handling.
/// `Err(true)` means out of range, `Err(false)` a syntax error.
fn parse_uint_base0(s: &str) -> Result<u64, bool> {
    let b = s.as_bytes();
    // Go requires at least one character after a two-letter base prefix.
    let (base, digits): (u32, &[u8]) = match b {
        [] => return Err(false),
        [b'0', p, rest @ ..] if !rest.is_empty() && p.eq_ignore_ascii_case(&b'b') => (2, rest),
        [b'0', p, rest @ ..] if !rest.is_empty() && p.eq_ignore_ascii_case(&b'o') => (8, rest),
        [b'0', p, rest @ ..] if !rest.is_empty() && p.eq_ignore_ascii_case(&b'x') => (16, rest),
        [b'0', rest @ ..] => (8, rest),
        _ => (10, b),
    };
    let mut n: u64 = 0;
    let mut overflow = false;
    let mut underscores = false;
    for &c in digits {
        if c == b'_' {
            underscores = true;
            continue;
        }
        let d = (c as char).to_digit(36).ok_or(false)?;
        if d >= base {
            return Err(false);
        }
        match n
            .checked_mul(u64::from(base))
            .and_then(|v| v.checked_add(u64::from(d)))
        {
            Some(v) => n = v,
            None => overflow = true,
        }
    }
    if underscores && !underscore_ok(s) {
        return Err(false);
    }
    if overflow {
        return Err(true);
    }
    Ok(n)
}

/// Go's `strconv.ParseUint(s, 0, 64)` (no sign allowed).
pub(super) fn parse_uint(s: &str) -> Option<u64> {
    if s.starts_with(['+', '-']) {
        return None;
    }
    parse_uint_base0(s).ok()
}

/// Go's `strconv.ParseInt(s, 0, 64)`.
pub(super) fn parse_int(s: &str) -> Option<i64> {
    let (neg, body) = match (s.strip_prefix('-'), s.strip_prefix('+')) {
        (Some(rest), _) => (true, rest),
        (None, Some(rest)) => (false, rest),
        (None, None) => (false, s),
    };
    let u = parse_uint_base0(body).ok()?;
    if neg {
        if u > (i64::MAX as u64) + 1 {
            return None;
        }
        Some((u as i64).wrapping_neg())
    } else {
        i64::try_from(u).ok()
    }
}

/// Go's `strconv.ParseFloat(s, 64)`: `None` on a syntax error or when the value overflows.
pub(super) fn parse_float(s: &str) -> Option<f64> {
    let (neg, body) = match (s.strip_prefix('-'), s.strip_prefix('+')) {
        (Some(rest), _) => (true, rest),
        (None, Some(rest)) => (false, rest),
        (None, None) => (false, s),
    };
    // Go also accepts inf/infinity/nan spellings.
    let lower = body.to_ascii_lowercase();
    if lower == "inf" || lower == "infinity" {
        return Some(if neg {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        });
    }
    if lower == "nan" && body.len() == s.len() {
        return Some(f64::NAN);
    }
    let mut rest = body.as_bytes();
    let mut hex = false;
    if let [b'0', x, tail @ ..] = rest
        && x.eq_ignore_ascii_case(&b'x')
    {
        hex = true;
        rest = tail;
    }
    let base: u32 = if hex { 16 } else { 10 };
    let mut mantissa = String::new();
    let mut saw_digits = false;
    let mut saw_dot = false;
    let mut hex_mant: f64 = 0.0;
    let mut hex_frac_digits: i64 = 0;
    let mut underscores = false;
    while let [c, tail @ ..] = rest {
        let c = *c;
        if c == b'_' {
            underscores = true;
        } else if c == b'.' {
            if saw_dot {
                break;
            }
            saw_dot = true;
            mantissa.push('.');
        } else if let Some(d) = (c as char).to_digit(base) {
            saw_digits = true;
            mantissa.push(c as char);
            if hex {
                hex_mant = hex_mant * 16.0 + f64::from(d);
                if saw_dot {
                    hex_frac_digits = hex_frac_digits.saturating_add(1);
                }
            }
        } else {
            break;
        }
        rest = tail;
    }
    if !saw_digits {
        return None;
    }
    let mut exp: i64 = 0;
    let mut has_exp = false;
    if let [c, tail @ ..] = rest
        && ((c.eq_ignore_ascii_case(&b'e') && !hex) || (c.eq_ignore_ascii_case(&b'p') && hex))
    {
        has_exp = true;
        rest = tail;
        let mut eneg = false;
        if let [sign @ (b'+' | b'-'), tail @ ..] = rest {
            eneg = *sign == b'-';
            rest = tail;
        }
        let mut saw_exp_digit = false;
        while let [c, tail @ ..] = rest {
            if *c == b'_' {
                underscores = true;
            } else if c.is_ascii_digit() {
                saw_exp_digit = true;
                // Clamped: anything this large is already out of range either way.
                exp = (exp * 10 + i64::from(c - b'0')).min(1_000_000);
            } else {
                break;
            }
            rest = tail;
        }
        if !saw_exp_digit {
            return None;
        }
        if eneg {
            exp = -exp;
        }
    }
    if !rest.is_empty() {
        return None;
    }
    if hex && !has_exp {
        // Go: a hexadecimal mantissa requires a 'p' exponent.
        return None;
    }
    if underscores && !underscore_ok(s) {
        return None;
    }
    let value = if hex {
        let e = (exp - 4 * hex_frac_digits).clamp(-4000, 4000) as i32;
        hex_mant * 2f64.powi(e)
    } else {
        let text = if has_exp {
            format!("{mantissa}e{exp}")
        } else {
            mantissa
        };
        text.parse::<f64>().ok()?
    };
    if value.is_infinite() {
        // strconv reports ErrRange, which the template parser treats as failure.
        return None;
    }
    Some(if neg { -value } else { value })
}

/// Fills the integer flags of a number whose float value is known (Go's `simplifyComplex` and
/// the float-to-int promotion in `newNumber`).
fn promote_float(n: &mut NumberValue, f: f64, set_int: bool, set_uint: bool) {
    // 2^63 and 2^64 as exact floats; Go's conversions are only meaningful inside these ranges.
    const TWO63: f64 = 9_223_372_036_854_775_808.0;
    const TWO64: f64 = 18_446_744_073_709_551_616.0;
    if set_int && (-TWO63..TWO63).contains(&f) && f.fract() == 0.0 {
        n.is_int = true;
        n.int64 = f as i64;
    }
    if set_uint && (0.0..TWO64).contains(&f) && f.fract() == 0.0 {
        n.is_uint = true;
        n.uint64 = f as u64;
    }
}

fn simplify_complex(n: &mut NumberValue) {
    n.is_float = n.complex.1 == 0.0;
    if n.is_float {
        n.float64 = n.complex.0;
        promote_float(n, n.complex.0, true, true);
    }
}

/// The kind of number token the lexer produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NumberKind {
    /// A character constant such as `'a'`.
    Char,
    /// A complex constant such as `1+2i`.
    Complex,
    /// Any other number.
    Plain,
}

/// Go's `fmt` scanner state for `fmt.Sscan(text, &complex128)`, which `newNumber` uses for
/// complex literals; its error texts are what the template parser reports.
struct FmtScanner<'a> {
    rest: &'a [u8],
    buf: String,
}

/// fmt's `errComplex` message.
const ERR_COMPLEX: &str = "syntax error scanning complex number";

impl FmtScanner<'_> {
    fn accept(&mut self, ok: &str) -> bool {
        if let [c, tail @ ..] = self.rest
            && ok.as_bytes().contains(c)
        {
            self.buf.push(*c as char);
            self.rest = tail;
            return true;
        }
        false
    }

    /// fmt's `floatToken`.
    fn float_token(&mut self) -> String {
        self.buf.clear();
        if self.accept("nN") && self.accept("aA") && self.accept("nN") {
            return self.buf.clone();
        }
        self.accept("+-");
        if self.accept("iI") && self.accept("nN") && self.accept("fF") {
            return self.buf.clone();
        }
        let mut digits = "0123456789_";
        let mut exp = "eEpP";
        if self.accept("0") && self.accept("xX") {
            digits = "0123456789aAbBcCdDeEfF_";
            exp = "pP";
        }
        while self.accept(digits) {}
        if self.accept(".") {
            while self.accept(digits) {}
        }
        if self.accept(exp) {
            self.accept("+-");
            while self.accept("0123456789_") {}
        }
        self.buf.clone()
    }
}

/// Formats a `strconv.NumError` the way Go prints it.
fn num_error(func: &str, num: &str, range: bool) -> String {
    let why = if range {
        "value out of range"
    } else {
        INVALID_SYNTAX
    };
    format!("strconv.{func}: parsing {}: {why}", quote(num))
}

/// fmt's `convertFloat`, including its decimal-mantissa-with-binary-exponent extension.
fn fmt_convert_float(s: &str) -> Result<f64, String> {
    if let Some(p) = s.find('p')
        && !s.contains(['x', 'X'])
    {
        let mant = s.get(..p).unwrap_or("");
        let f = parse_float(mant).ok_or_else(|| num_error("ParseFloat", s, false))?;
        let e: i32 = s
            .get(p + 1..)
            .unwrap_or("")
            .parse()
            .map_err(|_| num_error("Atoi", s, false))?;
        return Ok(f * 2f64.powi(e.clamp(-4000, 4000)));
    }
    parse_float(s).ok_or_else(|| {
        // Tell a range error apart from a syntax error as strconv does.
        let finite_syntax = parse_float_syntax_ok(s);
        num_error("ParseFloat", s, finite_syntax)
    })
}

/// Whether `s` is syntactically a float (so a `parse_float` failure means overflow).
fn parse_float_syntax_ok(s: &str) -> bool {
    // Shrinking every exponent digit run to "0" keeps the syntax and removes any overflow.
    let mut out = String::with_capacity(s.len());
    let mut in_exp = false;
    let hex = s.contains(['x', 'X']);
    for c in s.chars() {
        if (!hex && (c == 'e' || c == 'E')) || (hex && (c == 'p' || c == 'P')) {
            in_exp = true;
            out.push(c);
            continue;
        }
        if in_exp && c.is_ascii_digit() {
            if !out.ends_with('0') {
                out.push('0');
            }
            continue;
        }
        out.push(c);
    }
    parse_float(&out).is_some()
}

/// `fmt.Sscan` into a `complex128` (fmt's `complexTokens` plus `convertFloat`).
fn scan_complex(text: &str) -> Result<(f64, f64), String> {
    let mut s = FmtScanner {
        rest: text.as_bytes(),
        buf: String::new(),
    };
    s.buf.clear();
    let parens = s.accept("(");
    let real = s.float_token();
    s.buf.clear();
    if !s.accept("+-") {
        return Err(ERR_COMPLEX.to_string());
    }
    let sign = s.buf.clone();
    let imag = s.float_token();
    s.buf.clear();
    if !s.accept("i") {
        return Err(ERR_COMPLEX.to_string());
    }
    if parens && !s.accept(")") {
        return Err(ERR_COMPLEX.to_string());
    }
    let r = fmt_convert_float(&real)?;
    let i = fmt_convert_float(&format!("{sign}{imag}"))?;
    Ok((r, i))
}

/// Go's `(*Tree).newNumber`: interprets a number token, or returns Go's error message.
pub(super) fn new_number(text: &str, kind: NumberKind) -> Result<NumberValue, String> {
    let mut n = NumberValue::default();
    match kind {
        NumberKind::Char => {
            let inner = text.get(1..).unwrap_or("");
            let (u, tail) = unquote_char(inner, b'\'').map_err(|()| INVALID_SYNTAX.to_string())?;
            if tail != "'" {
                return Err(format!("malformed character constant: {text}"));
            }
            let v = match u {
                Unquoted::Char(c) => c as u32,
                Unquoted::Byte(b) => u32::from(b),
            };
            n.is_int = true;
            n.int64 = i64::from(v);
            n.is_uint = true;
            n.uint64 = u64::from(v);
            n.is_float = true;
            n.float64 = f64::from(v);
            return Ok(n);
        }
        NumberKind::Complex => {
            let (r, i) = scan_complex(text)?;
            n.is_complex = true;
            n.complex = (r, i);
            simplify_complex(&mut n);
            return Ok(n);
        }
        NumberKind::Plain => {}
    }
    if let Some(body) = text.strip_suffix('i')
        && let Some(f) = parse_float(body)
    {
        n.is_complex = true;
        n.complex = (0.0, f);
        simplify_complex(&mut n);
        return Ok(n);
    }
    let u = parse_uint(text);
    if let Some(u) = u {
        n.is_uint = true;
        n.uint64 = u;
    }
    if let Some(i) = parse_int(text) {
        n.is_int = true;
        n.int64 = i;
        if i == 0 {
            // "-0" is a valid unsigned zero too.
            n.is_uint = true;
            n.uint64 = 0;
        }
    }
    if n.is_int {
        n.is_float = true;
        n.float64 = n.int64 as f64;
    } else if n.is_uint {
        n.is_float = true;
        n.float64 = n.uint64 as f64;
    } else if let Some(f) = parse_float(text) {
        if !text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Err(format!("integer overflow: {}", quote(text)));
        }
        n.is_float = true;
        n.float64 = f;
        promote_float(&mut n, f, true, true);
    }
    if !n.is_int && !n.is_uint && !n.is_float {
        return Err(format!("illegal number syntax: {}", quote(text)));
    }
    Ok(n)
}
