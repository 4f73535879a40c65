//! Go's `strconv` quoting (`strconv.Quote`, `QuoteRune`, the `%q` and `%#U` verbs), which
//! the PromQL lexer and the Go template parser both need so their messages read exactly as
//! Prometheus's and `text/template`'s do. One implementation: callers that must escape more
//! than Go does (PromQL escapes U+FFFD so quoted output re-lexes) pass their own notion of
//! printable.

use std::fmt::Write as _;

/// An approximation of Go's `strconv.IsPrint` (letters, marks, numbers, punctuation,
/// symbols and the ASCII space): control, format, private-use and non-ASCII space
/// characters are not printable.
pub fn is_print(c: char) -> bool {
    if c.is_ascii() {
        return (' '..='~').contains(&c);
    }
    !c.is_control()
        && !matches!(
            c as u32,
            0xA0 | 0xAD
                | 0x600..=0x605
                | 0x1680
                | 0x2000..=0x200F
                | 0x2028..=0x202F
                | 0x205F..=0x206F
                | 0x3000
                | 0xFEFF
                | 0xFFF9..=0xFFFB
                | 0xE000..=0xF8FF
        )
}

/// Go's `strconv.Quote` (and `%q`).
pub fn quote(s: &str) -> String {
    quote_with(s, is_print)
}

/// `strconv.Quote` with `printable` deciding which characters are written as they are.
pub fn quote_with(s: &str, printable: impl Fn(char) -> bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        push_escaped(&mut out, c, '"', &printable);
    }
    out.push('"');
    out
}

/// Go's `strconv.QuoteRune`, with `printable` as for [`quote_with`].
pub fn quote_rune_with(c: char, printable: impl Fn(char) -> bool) -> String {
    let mut out = String::from("'");
    push_escaped(&mut out, c, '\'', &printable);
    out.push('\'');
    out
}

/// Go's `%#U`: `U+0023 '#'`, without the character when it is not printable.
pub fn format_rune_u(c: char) -> String {
    format_rune_u_with(c, is_print)
}

/// `%#U` with `printable` as for [`quote_with`].
pub fn format_rune_u_with(c: char, printable: impl Fn(char) -> bool) -> String {
    if printable(c) {
        format!("U+{:04X} '{}'", c as u32, c)
    } else {
        format!("U+{:04X}", c as u32)
    }
}

fn push_escaped(out: &mut String, c: char, quote: char, printable: &impl Fn(char) -> bool) {
    match c {
        '\u{7}' => out.push_str("\\a"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{b}' => out.push_str("\\v"),
        '\\' => out.push_str("\\\\"),
        c if c == quote => {
            out.push('\\');
            out.push(c);
        }
        c if printable(c) => out.push(c),
        c if (c as u32) < 0x80 => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c if (c as u32) < 0x10000 => {
            let _ = write!(out, "\\u{:04x}", c as u32);
        }
        c => {
            let _ = write!(out, "\\U{:08x}", c as u32);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_as_go_does() {
        assert_eq!(quote("a\"b\\c\n\t"), r#""a\"b\\c\n\t""#);
        assert_eq!(quote("\u{0}\u{7f}"), r#""\x00\x7f""#);
        assert_eq!(quote("é✓\u{a0}\u{feff}"), r#""é✓\u00a0\ufeff""#);
        assert_eq!(quote("\u{e000}"), r#""\ue000""#);
        assert_eq!(quote("\u{fffd}"), "\"\u{fffd}\"");
        assert_eq!(quote_rune_with('\'', is_print), r"'\''");
        assert_eq!(format_rune_u('#'), "U+0023 '#'");
        assert_eq!(format_rune_u('\u{200b}'), "U+200B");
    }
}
