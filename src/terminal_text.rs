//! Untrusted text made safe for a terminal: a rule file's labels, an alert's annotations, an
//! agent's output. Control characters (C0, DEL, C1, and so every ESC sequence) are shown as
//! visible escapes such as `\x1b`, so `ESC]0;title BEL` can neither retitle nor clear the
//! screen of the operator reading it; bidirectional overrides (`\u{202e}`), which can make
//! shown text differ from the bytes underneath, are shown the same way.
//!
//! JSON and YAML output need none of this (their encoders escape control characters); every
//! human renderer passes untrusted text through [`escape`] or [`escape_line`].

use std::borrow::Cow;
use std::fmt::Write as _;

/// Escapes control characters but keeps newlines and tabs: for text laid out in lines,
/// such as a table cell that may span several.
pub fn escape(text: &str) -> Cow<'_, str> {
    escape_where(text, |c| c != '\n' && c != '\t' && unsafe_char(c))
}

/// Escapes every control character, newlines and tabs included: for text that must stay on
/// one line (a source line under a finding, an event's description).
pub fn escape_line(text: &str) -> Cow<'_, str> {
    escape_where(text, unsafe_char)
}

/// How many characters `text` takes once escaped by [`escape_line`]; keeps carets aligned
/// under escaped source lines.
pub fn escaped_width(text: &str) -> usize {
    escape_line(text).chars().count()
}

fn unsafe_char(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn escape_where(text: &str, escaped: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(&escaped) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !escaped(c) {
            out.push(c);
            continue;
        }
        let _ = match c {
            '\n' => write!(out, "\\n"),
            '\r' => write!(out, "\\r"),
            '\t' => write!(out, "\\t"),
            c if u32::from(c) <= 0xff => write!(out, "\\x{:02x}", u32::from(c)),
            c => write!(out, "\\u{{{:x}}}", u32::from(c)),
        };
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_become_visible_escapes() {
        let cases = [
            ("\x1b]0;PWNED\x07 ok", "\\x1b]0;PWNED\\x07 ok"),
            ("a\x7fb\u{9b}c", "a\\x7fb\\x9bc"),
            ("x\ry", "x\\ry"),
            ("left\u{202e}right", "left\\u{202e}right"),
            ("two\nlines\tand tab", "two\nlines\tand tab"),
        ];
        for (text, want) in cases {
            assert_eq!(escape(text), want, "{text:?}");
        }
        // Only the one-line form escapes newlines and tabs.
        assert_eq!(escape_line("two\nlines\tand tab"), "two\\nlines\\tand tab");
    }

    #[test]
    fn plain_text_is_borrowed_and_unicode_kept() {
        assert!(matches!(escape("größe ✓ 日本"), Cow::Borrowed(_)));
        assert!(matches!(escape_line(r"a\.b"), Cow::Borrowed(_)));
    }

    #[test]
    fn no_escape_byte_survives_any_input() {
        let all: String = (0u32..0x300).filter_map(char::from_u32).collect();
        for out in [escape(&all), escape_line(&all)] {
            assert!(
                !out.chars()
                    .any(|c| c.is_control() && c != '\n' && c != '\t')
            );
        }
        assert!(!escape_line(&all).contains('\n'));
        assert_eq!(escaped_width("\x1bx"), 5);
    }
}
