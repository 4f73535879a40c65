//! A linted file's text and the one conversion from byte offsets to the 1-based line and
//! column (in characters) that every report format prints.

use std::path::PathBuf;

/// The name the reports use for standard input.
pub const STDIN_NAME: &str = "<stdin>";

/// One input: its display name, where it came from, and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// As given on the command line (or found under a directory), or `<stdin>`.
    pub name: String,
    /// The file on disk; `None` for standard input.
    pub path: Option<PathBuf>,
    /// The whole text (invalid UTF-8 was replaced when read).
    pub text: String,
    /// Byte offset of the first invalid UTF-8 sequence in the file as read, if any.
    pub invalid_utf8_at: Option<usize>,
    /// Where each line starts (u32: files are capped far below 4 GiB).
    line_starts: Vec<u32>,
}

/// A 1-based line and column (column in characters, as editors and SARIF's
/// `unicodeCodePoints` count).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    /// 1-based line.
    pub line: usize,
    /// 1-based column in characters.
    pub column: usize,
}

impl SourceFile {
    /// Wraps `text` read from `path` (or stdin when `path` is `None`).
    pub fn new(name: impl Into<String>, path: Option<PathBuf>, text: String) -> Self {
        let mut line_starts = vec![0u32];
        line_starts.extend(
            memchr::memchr_iter(b'\n', text.as_bytes())
                .map(|i| u32::try_from(i + 1).unwrap_or(u32::MAX)),
        );
        Self {
            name: name.into(),
            path,
            text,
            invalid_utf8_at: None,
            line_starts,
        }
    }

    /// Line and column of a byte offset (clamped to the text, rounded down to a character).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let key = u32::try_from(offset).unwrap_or(u32::MAX);
        let line_index = match self.line_starts.binary_search(&key) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts.get(line_index).map_or(0, |&s| s as usize);
        let column = self
            .text
            .get(start..offset)
            .map_or(0, |s| s.chars().count())
            + 1;
        LineCol {
            line: line_index + 1,
            column,
        }
    }

    /// Byte offset where 1-based `line` starts, if the file has it.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.line_starts
            .get(line.checked_sub(1)?)
            .map(|&s| s as usize)
    }

    /// The text of 1-based `line`, without its line break.
    pub fn line_text(&self, line: usize) -> &str {
        let Some(start) = self.line_start(line) else {
            return "";
        };
        let end = self
            .line_starts
            .get(line)
            .map_or(self.text.len(), |&e| e as usize);
        self.text
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }

    /// Number of lines.
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

/// The largest character boundary at or before `offset`.
pub fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_to_one_based_lines_and_character_columns() {
        let file = SourceFile::new("f", None, "ab\nçd\n\nx".to_owned());
        assert_eq!(file.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(file.line_col(2), LineCol { line: 1, column: 3 });
        assert_eq!(file.line_col(3), LineCol { line: 2, column: 1 });
        // 'ç' is two bytes: the 'd' after it is column 2.
        assert_eq!(file.line_col(5), LineCol { line: 2, column: 2 });
        assert_eq!(file.line_col(4), LineCol { line: 2, column: 1 });
        assert_eq!(file.line_col(7), LineCol { line: 3, column: 1 });
        assert_eq!(file.line_col(99), LineCol { line: 4, column: 2 });
        assert_eq!(file.line_text(2), "çd");
        assert_eq!(file.line_text(9), "");
    }
}
