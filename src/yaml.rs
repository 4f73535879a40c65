//! Reading YAML with positions: the one wrapper around serde-saphyr, so the config loader,
//! the silence importer and the linter's settings file all report `file:line:col: message`
//! the same way and never panic on hostile input. (Rule files themselves are read by
//! `rules::yaml_tree`, which keeps key positions and scalar styles.)

use serde::de::DeserializeOwned;

/// A YAML document that could not be read into the expected shape.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{column}: {message}")]
pub struct YamlError {
    /// 1-based line, 0 when unknown.
    pub line: u64,
    /// 1-based column (characters), 0 when unknown.
    pub column: u64,
    /// What is wrong, without position.
    pub message: String,
}

/// Deserializes `text` (one document). An empty document, or one with only comments, reads
/// as `T::default()` because an empty config file is a valid, empty configuration.
pub fn from_str<T: DeserializeOwned + Default>(text: &str) -> Result<T, YamlError> {
    match serde_saphyr::from_str::<Option<T>>(text) {
        Ok(value) => Ok(value.unwrap_or_default()),
        Err(err) => Err(convert(&err)),
    }
}

fn convert(err: &serde_saphyr::Error) -> YamlError {
    use serde_saphyr::MessageFormatter;
    let plain = err.without_snippet();
    let message = serde_saphyr::UserMessageFormatter.format_standalone_message(plain);
    // The library's messages can quote input; keep control characters out of terminals.
    let message: String = message
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let (line, column) = err
        .location()
        .map_or((0, 0), |loc| (loc.line(), loc.column()));
    YamlError {
        line,
        column,
        message,
    }
}

/// Byte range of a spanned node in the source it was read from, when known.
pub fn byte_range(location: &serde_saphyr::Location) -> Option<std::ops::Range<usize>> {
    let span = location.span();
    let start = usize::try_from(span.byte_offset()?).ok()?;
    let len = usize::try_from(span.byte_len()?).ok()?;
    Some(start..start + len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Doc {
        #[serde(default)]
        name: String,
    }

    #[test]
    fn empty_and_comment_only_documents_are_default() {
        assert_eq!(from_str::<Doc>("").unwrap().name, "");
        assert_eq!(from_str::<Doc>("# nothing\n").unwrap().name, "");
    }

    #[test]
    fn errors_have_positions() {
        let err = from_str::<Doc>("name: a\nnmae: b\n").unwrap_err();
        assert_eq!((err.line, err.column), (2, 1), "{err}");
        assert!(err.message.contains("nmae"), "{err}");
        let err = from_str::<Doc>("name: [unclosed\n").unwrap_err();
        assert!(err.line >= 1, "{err}");
    }

    #[test]
    fn never_panics_on_garbage() {
        for input in [
            "{",
            "]]]",
            "\u{0}\u{1}",
            "a: &x [*x]",
            "- - - -",
            "? : :",
            "name: !!binary x",
        ] {
            let _ = from_str::<Doc>(input);
        }
    }
}
