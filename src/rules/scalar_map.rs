//! Maps a byte offset inside a scalar's value back to the file, so a PromQL or template error
//! at character 17 of a folded, indented or quoted `expr` gets a caret under that character.
//!
//! Rather than re-implement YAML's folding and escaping, the value is aligned with the
//! source: the value is the source with characters removed (indentation, quotes, escape
//! backslashes) and line breaks turned into spaces, so a greedy walk that matches every value
//! character with the next equal source unit (whitespace matching whitespace) recovers each
//! character's position. Escapes are decoded into units first, so `\"` lines up with `"`.

use std::ops::Range;

use super::yaml_tree::Style;

/// One character of source as the value sees it, and where it starts.
struct Unit {
    ch: char,
    offset: usize,
    len: usize,
}

/// Source byte offsets for each byte offset of `value` (plus one for the end), or `None`
/// when the alignment fails (the caller then points at the scalar's start).
pub fn value_offsets(
    source: &str,
    span: Range<usize>,
    style: Style,
    value: &str,
) -> Option<Vec<usize>> {
    let text = source.get(span.clone())?;
    let units = units(text, span.start, style);
    let mut offsets = vec![0; value.len() + 1];
    let mut next = 0;
    let mut end = content_start(text, span.start, style);
    for (index, ch) in value.char_indices() {
        let unit = loop {
            let unit = units.get(next)?;
            next += 1;
            if unit.ch == ch || (ch.is_whitespace() && unit.ch.is_whitespace()) {
                break unit;
            }
        };
        for slot in offsets.iter_mut().skip(index).take(ch.len_utf8()) {
            *slot = unit.offset;
        }
        end = unit.offset + unit.len;
    }
    if let Some(last) = offsets.last_mut() {
        *last = end;
    }
    Some(offsets)
}

/// Where the value's text begins: after the opening quote or the block header line.
fn content_start(text: &str, base: usize, style: Style) -> usize {
    match style {
        // The parser's span of a block scalar already starts at its first content character.
        Style::Plain | Style::Literal | Style::Folded => base,
        Style::SingleQuoted | Style::DoubleQuoted => {
            base + text.chars().next().map_or(0, char::len_utf8)
        }
    }
}

fn units(text: &str, base: usize, style: Style) -> Vec<Unit> {
    let start = content_start(text, base, style) - base;
    let body = text.get(start..).unwrap_or("");
    let base = base + start;
    let mut out = Vec::with_capacity(body.len());
    let mut chars = body.char_indices().peekable();
    while let Some((i, ch)) = chars.next() {
        let offset = base + i;
        match (style, ch) {
            (Style::SingleQuoted, '\'') => {
                // `''` is one quote; a lone quote closes the scalar.
                if chars.peek().is_some_and(|&(_, c)| c == '\'') {
                    chars.next();
                    out.push(Unit {
                        ch: '\'',
                        offset,
                        len: 2,
                    });
                } else {
                    break;
                }
            }
            (Style::DoubleQuoted, '"') => break,
            (Style::DoubleQuoted, '\\') => {
                let Some(&(j, escaped)) = chars.peek() else {
                    break;
                };
                chars.next();
                let decoded = match escaped {
                    'n' => '\n',
                    't' | '\t' => '\t',
                    'r' => '\r',
                    '0' => '\0',
                    ' ' => ' ',
                    '/' => '/',
                    '"' => '"',
                    '\\' => '\\',
                    // A line continuation joins lines without a space.
                    '\n' | '\r' => continue,
                    'x' | 'u' | 'U' => {
                        let digits = match escaped {
                            'x' => 2,
                            'u' => 4,
                            _ => 8,
                        };
                        let hex: String = (0..digits)
                            .filter_map(|_| chars.next().map(|(_, c)| c))
                            .collect();
                        let decoded = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
                        out.push(Unit {
                            ch: decoded.unwrap_or('\u{fffd}'),
                            offset,
                            len: 2 + hex.len(),
                        });
                        continue;
                    }
                    other => other,
                };
                out.push(Unit {
                    ch: decoded,
                    offset,
                    len: j - i + escaped.len_utf8(),
                });
            }
            _ => out.push(Unit {
                ch,
                offset,
                len: ch.len_utf8(),
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::yaml_tree::{self, Node, NodeKind};
    use super::*;

    /// The source text under the value's character at `needle`'s first occurrence.
    fn source_at(text: &str, needle: &str) -> String {
        let stream = yaml_tree::parse(text).expect("valid yaml");
        let root = stream.documents[0].root.clone().expect("root");
        let NodeKind::Map(entries) = root.kind else {
            panic!("map")
        };
        let node: Node = entries[0].1.clone();
        let scalar = node.as_scalar().expect("scalar");
        let offsets =
            value_offsets(text, node.span.clone(), scalar.style, &scalar.value).expect("aligned");
        let at = scalar.value.find(needle).expect("needle in value");
        text[offsets[at]..]
            .chars()
            .take(needle.chars().count())
            .collect()
    }

    #[test]
    fn every_style_maps_back_to_the_right_characters() {
        for text in [
            "expr: rate(x[5m]) > bad\n",
            "expr: 'rate(x{a=''b''}[5m]) > bad'\n",
            "expr: \"rate(x{a=\\\"b\\\"}[5m]) > bad\"\n",
            "expr: |\n  rate(x[5m])\n    > bad\n",
            "expr: >-\n  rate(x[5m])\n  > bad\n",
            "expr: rate(x[5m])\n  > bad\n",
            "expr: \"rate(x[5m]) \\\n  > bad\"\n",
        ] {
            assert_eq!(source_at(text, "bad"), "bad", "{text:?}");
            assert_eq!(source_at(text, "rate"), "rate", "{text:?}");
        }
    }

    #[test]
    fn escapes_map_to_their_backslash() {
        let text = "expr: \"a\\u00e9b\"\n";
        assert_eq!(source_at(text, "b"), "b");
    }

    #[test]
    fn the_end_offset_follows_the_last_character() {
        let text = "expr: |\n  up ==\n";
        let stream = yaml_tree::parse(text).expect("valid");
        let NodeKind::Map(entries) = stream.documents[0].root.clone().expect("root").kind else {
            panic!("map")
        };
        let node = &entries[0].1;
        let scalar = node.as_scalar().expect("scalar");
        let offsets =
            value_offsets(text, node.span.clone(), scalar.style, &scalar.value).expect("aligned");
        assert_eq!(offsets.last().copied(), Some(text.len()));
    }
}
