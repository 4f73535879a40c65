//! `ccmon context`, `completions` and `man`.

use std::path::PathBuf;

use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum ContextCommand {
    /// List the contexts of the config file; * marks the current one
    Ls,

    /// Make NAME the current context (written to the config file, comments kept)
    Use(ContextUseArgs),

    /// Show the effective settings and where each came from (secrets redacted)
    #[command(
        after_long_help = "Examples:\n  ccmon context show\n  ccmon --context prod context show -o json"
    )]
    Show,
}

#[derive(Debug, Args)]
pub struct ContextUseArgs {
    /// Context name
    #[arg(value_name = "NAME")]
    pub name: String,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// Shell to generate for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Directory to write the pages into
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
}
