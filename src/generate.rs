//! The generated files shipped in `completions/` and `man/`, built from the clap
//! definition in `cli/` so they can never disagree with `--help`.

use std::io;
use std::path::Path;

use clap_complete::Generator as _;
use clap_complete::Shell;

use crate::cli::Cli;

/// Every shell a completion script is shipped for.
pub const SHELLS: [Shell; 5] = [
    Shell::Bash,
    Shell::Zsh,
    Shell::Fish,
    Shell::PowerShell,
    Shell::Elvish,
];

/// The completion script for `shell`.
pub fn completion(shell: Shell) -> Vec<u8> {
    let mut cmd = Cli::definition();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "ccmon", &mut out);
    out
}

/// The file name a completion script is shipped under (`ccmon.bash`, `_ccmon`, ...).
pub fn completion_file_name(shell: Shell) -> String {
    shell.file_name("ccmon")
}

/// Every man page: `ccmon.1` and one per subcommand (`ccmon-health-serve.1`, ...), as
/// (file name, contents).
pub fn man_pages() -> io::Result<Vec<(String, Vec<u8>)>> {
    fn walk(cmd: clap::Command, out: &mut Vec<(String, Vec<u8>)>) -> io::Result<()> {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned() {
            walk(sub, out)?;
        }
        let man = clap_mangen::Man::new(cmd)
            .manual("ccmon manual")
            .source(concat!("ccmon ", env!("CARGO_PKG_VERSION")));
        let mut page = Vec::new();
        man.render(&mut page)?;
        out.push((man.get_filename(), page));
        Ok(())
    }
    // As clap_mangen::generate_to does: build once so subcommands know their full names.
    let mut cmd = Cli::definition().disable_help_subcommand(true);
    cmd.build();
    let mut pages = Vec::new();
    walk(cmd, &mut pages)?;
    pages.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(pages)
}

/// Writes every man page into `dir` (created if missing) and returns how many.
pub fn write_man_pages(dir: &Path) -> Result<usize, GenerateError> {
    let pages = man_pages().map_err(GenerateError::Render)?;
    std::fs::create_dir_all(dir).map_err(|source| GenerateError::Write {
        path: dir.to_owned(),
        source,
    })?;
    for (name, page) in &pages {
        let path = dir.join(name);
        std::fs::write(&path, page).map_err(|source| GenerateError::Write { path, source })?;
    }
    Ok(pages.len())
}

/// Generated files could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// Rendering failed.
    #[error("cannot render man pages")]
    Render(#[source] io::Error),
    /// Writing a file failed.
    #[error("cannot write {}", path.display())]
    Write {
        /// The file or directory.
        path: std::path::PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
}
