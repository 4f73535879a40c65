//! Rendering typed results as tables, JSON or YAML, and the one place ccmon writes to
//! stdout. Commands build data; this module decides how it looks, and every byte passes
//! through [`crate::redact::redact`] on its way out. Table cells are escaped for the
//! terminal ([`crate::terminal_text`]); JSON and YAML escape control characters themselves.

use std::io::{self, IsTerminal, Write};

use comfy_table::{Cell, ContentArrangement, Table, presets};
use serde::Serialize;

/// Output format chosen with `-o`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Aligned columns.
    Table,
    /// Aligned columns including the wide-only ones.
    Wide,
    /// Pretty-printed JSON, stable for programs.
    Json,
    /// YAML.
    Yaml,
}

/// Whether colour and decoration may be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal and `NO_COLOR` is unset.
    Auto,
    /// Never.
    Never,
}

/// Data that can be shown as a table. JSON and YAML come from `Serialize`.
pub trait Tabular: Serialize {
    /// Column headers; `wide` adds the extra columns of `-o wide`.
    fn headers(&self, wide: bool) -> Vec<&'static str>;
    /// One row of cells per item, in the same order as the headers.
    fn rows(&self, wide: bool) -> Vec<Vec<String>>;
    /// Text printed when there are no rows (to stderr, so pipelines stay clean).
    fn empty_message(&self) -> Option<&'static str> {
        None
    }
    /// A line printed under the table (a verdict over all rows); tables only.
    fn footer(&self) -> Option<String> {
        None
    }
}

/// Writes rendered results to stdout.
#[derive(Debug, Clone, Copy)]
pub struct Printer {
    format: Format,
    decorate: bool,
}

impl Printer {
    /// A printer for `format`; decoration (box lines, colour) only on a terminal without
    /// `NO_COLOR` and without `--no-color`.
    pub fn new(format: Format, color: ColorChoice, no_color_env: bool) -> Self {
        let decorate = color == ColorChoice::Auto && !no_color_env && io::stdout().is_terminal();
        Printer { format, decorate }
    }

    /// A printer that never decorates (for tests and non-terminal use).
    pub fn plain(format: Format) -> Self {
        Printer {
            format,
            decorate: false,
        }
    }

    /// The chosen format.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Whether output goes to a terminal that may be decorated.
    pub fn decorated(&self) -> bool {
        self.decorate
    }

    /// Renders `data` in the chosen format to a string.
    pub fn render<T: Tabular>(&self, data: &T) -> Result<String, RenderError> {
        let text = match self.format {
            Format::Json => {
                let mut s = serde_json::to_string_pretty(data).map_err(RenderError::Json)?;
                s.push('\n');
                s
            }
            Format::Yaml => {
                serde_saphyr::to_string(data).map_err(|e| RenderError::Yaml(e.to_string()))?
            }
            Format::Table | Format::Wide => {
                let wide = self.format == Format::Wide;
                let rows = data.rows(wide);
                if rows.is_empty() {
                    return Ok(String::new());
                }
                let mut text = self.table(data.headers(wide), rows);
                if let Some(footer) = data.footer() {
                    text.push('\n');
                    text.push_str(&crate::terminal_text::escape(&footer));
                    text.push('\n');
                }
                text
            }
        };
        Ok(crate::redact::redact(&text).into_owned())
    }

    /// Renders and writes `data` to stdout; an empty table prints its empty message to
    /// stderr instead.
    pub fn print<T: Tabular>(&self, data: &T) -> Result<(), RenderError> {
        let text = self.render(data)?;
        if text.is_empty() {
            if let Some(message) = data.empty_message() {
                let mut err = io::stderr().lock();
                writeln!(err, "{message}").map_err(RenderError::Io)?;
            }
            return Ok(());
        }
        write_stdout(&text).map_err(RenderError::Io)
    }

    fn table(&self, headers: Vec<&'static str>, rows: Vec<Vec<String>>) -> String {
        let mut table = Table::new();
        if self.decorate {
            table
                .load_style(presets::UTF8_HORIZONTAL_ONLY)
                .set_content_arrangement(ContentArrangement::Dynamic);
        } else {
            // kubectl-style: columns separated by spaces, nothing else, any width.
            table
                .load_style(presets::NOTHING)
                .set_content_arrangement(ContentArrangement::Disabled);
        }
        table.set_header(headers.into_iter().map(Cell::new));
        for row in rows {
            // Cells hold text from elsewhere (alert labels, rule names, agent output): no
            // control character may reach the terminal.
            table.add_row(
                row.iter()
                    .map(|cell| crate::terminal_text::escape(cell).into_owned()),
            );
        }
        if !self.decorate {
            for column in table.column_iter_mut() {
                column.set_padding((0, 2));
            }
        }
        let mut text: String = table
            .lines()
            .map(|line| line.trim_end().to_owned() + "\n")
            .collect();
        if text.is_empty() {
            text.push('\n');
        }
        text
    }
}

/// Writes text to stdout (redacted). A closed pipe surfaces as `BrokenPipe`, which the
/// binary turns into a silent exit 0.
pub fn write_stdout(text: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(crate::redact::redact(text).as_bytes())?;
    out.flush()
}

/// Writes a line to stderr (redacted); errors writing to stderr are ignored because there
/// is nowhere left to report them.
pub fn write_stderr_line(text: &str) {
    let mut err = io::stderr().lock();
    let _ = writeln!(err, "{}", crate::redact::redact(text));
}

/// Output could not be rendered or written.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// JSON serialization failed.
    #[error("cannot render JSON output")]
    Json(#[source] serde_json::Error),
    /// YAML serialization failed.
    #[error("cannot render YAML output: {0}")]
    Yaml(String),
    /// Writing to stdout or stderr failed.
    #[error("cannot write output")]
    Io(#[source] io::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Items(Vec<(String, u32)>);

    impl Tabular for Items {
        fn headers(&self, wide: bool) -> Vec<&'static str> {
            if wide {
                vec!["NAME", "COUNT", "URL"]
            } else {
                vec!["NAME", "COUNT"]
            }
        }
        fn rows(&self, wide: bool) -> Vec<Vec<String>> {
            self.0
                .iter()
                .map(|(n, c)| {
                    let mut row = vec![n.clone(), c.to_string()];
                    if wide {
                        row.push("redis://:pw@h".into());
                    }
                    row
                })
                .collect()
        }
    }

    fn items() -> Items {
        Items(vec![("alpha".into(), 1), ("b".into(), 22)])
    }

    #[test]
    fn plain_table_is_aligned_columns() {
        let text = Printer::plain(Format::Table).render(&items()).unwrap();
        assert_eq!(text, "NAME   COUNT\nalpha  1\nb      22\n");
    }

    #[test]
    fn wide_table_is_redacted() {
        let text = Printer::plain(Format::Wide).render(&items()).unwrap();
        assert!(text.contains("redis://:***@h"), "{text}");
    }

    #[test]
    fn json_and_yaml() {
        let json = Printer::plain(Format::Json).render(&items()).unwrap();
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back[1][1], 22);
        let yaml = Printer::plain(Format::Yaml).render(&items()).unwrap();
        assert!(yaml.contains("alpha"), "{yaml}");
    }
}
