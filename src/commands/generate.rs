//! `ccmon completions SHELL` and `ccmon man DIR`.

use std::path::Path;

use anyhow::Context as _;

use crate::exit::{ExitStatus, Outcome};
use crate::generate;
use crate::output::{write_stderr_line, write_stdout};

/// Prints the completion script for `shell`.
pub fn completions(shell: clap_complete::Shell) -> anyhow::Result<Outcome> {
    let script = generate::completion(shell);
    let text = String::from_utf8_lossy(&script);
    write_stdout(&text).context("cannot write the completion script to stdout")?;
    Ok(ExitStatus::Success.into())
}

/// Writes the man pages into `dir`.
pub fn man(dir: &Path) -> anyhow::Result<Outcome> {
    let count = generate::write_man_pages(dir)?;
    write_stderr_line(&format!("wrote {count} man pages to {}", dir.display()));
    Ok(ExitStatus::Success.into())
}
