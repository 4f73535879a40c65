//! Command glue: each function takes settings, calls library code, hands typed results to
//! the printer and returns an outcome. `anyhow` context is added here and nowhere deeper.

pub mod alerts;
pub mod context;
pub mod generate;
pub mod health;
pub mod query;
pub mod rules;
pub mod scaffold;
pub mod stream;

/// Parses the duration given to `flag`; a bad one is a usage error that shows the text
/// with a caret under the character at fault.
pub(crate) fn duration_flag(flag: &str, text: &str) -> anyhow::Result<std::time::Duration> {
    crate::duration::parse(text).map_err(|e| {
        anyhow::anyhow!(
            "invalid {flag}: {e}\n  {}",
            e.pointer().replace('\n', "\n  ")
        )
    })
}
