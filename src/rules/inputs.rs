//! Turns the command line's paths into files to lint: files as given, directories searched
//! recursively for `*.yml`/`*.yaml` (hidden directories skipped, sorted for stable output),
//! `-` for standard input. A path that cannot be read stops the run (exit 2).

use std::io::Read as _;
use std::path::{Path, PathBuf};

use super::source::{STDIN_NAME, SourceFile};

/// A file to lint, and whether the user named it (a file found under a directory that is
/// plainly not a rule file, such as `prometheus.yml`, is skipped rather than failed).
#[derive(Debug)]
pub struct Input {
    /// The text and its name.
    pub source: SourceFile,
    /// Named on the command line (or stdin), rather than found in a directory.
    pub explicit: bool,
}

/// A path that cannot be linted.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// Does not exist.
    #[error("{path}: no such file or directory")]
    NotFound {
        /// As given.
        path: String,
    },
    /// Larger than [`MAX_FILE_BYTES`].
    #[error("{path}: {size} bytes is more than the {limit} MiB a rule file may have; is this the right file?", limit = MAX_FILE_BYTES >> 20)]
    TooLarge {
        /// As given.
        path: String,
        /// Its size (or more, for stdin).
        size: u64,
    },
    /// Exists but cannot be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// As given.
        path: String,
        /// Why.
        source: std::io::Error,
    },
}

/// Directory entries deeper than this are not searched (guards against symlink loops).
const MAX_DEPTH: usize = 32;
/// Files larger than this are refused unread: 10,000 real rules take under 4 MiB, and
/// reading whatever a path points at must not take all memory.
pub const MAX_FILE_BYTES: u64 = 32 << 20;

/// Reads every input; `paths` empty means the current directory.
pub fn collect(paths: &[PathBuf]) -> Result<Vec<Input>, InputError> {
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let mut inputs = Vec::new();
    let mut stdin_read = false;
    for path in paths {
        if path.as_os_str() == "-" {
            if stdin_read {
                continue;
            }
            stdin_read = true;
            let mut bytes = Vec::new();
            std::io::stdin()
                .take(MAX_FILE_BYTES + 1)
                .read_to_end(&mut bytes)
                .map_err(|source| InputError::Read {
                    path: STDIN_NAME.to_owned(),
                    source,
                })?;
            if bytes.len() as u64 > MAX_FILE_BYTES {
                return Err(InputError::TooLarge {
                    path: STDIN_NAME.to_owned(),
                    size: bytes.len() as u64,
                });
            }
            inputs.push(Input {
                source: decode(STDIN_NAME.to_owned(), None, bytes),
                explicit: true,
            });
            continue;
        }
        let metadata = std::fs::metadata(path).map_err(|source| match source.kind() {
            std::io::ErrorKind::NotFound => InputError::NotFound {
                path: path.display().to_string(),
            },
            _ => InputError::Read {
                path: path.display().to_string(),
                source,
            },
        })?;
        if metadata.is_dir() {
            let mut found = Vec::new();
            walk(path, 0, &mut std::collections::HashSet::new(), &mut found)?;
            found.sort();
            for file in found {
                inputs.push(Input {
                    source: read(&file)?,
                    explicit: false,
                });
            }
        } else {
            inputs.push(Input {
                source: read(path)?,
                explicit: true,
            });
        }
    }
    Ok(inputs)
}

/// `seen` holds the canonical directories already searched, so symlinks that lead back up
/// the tree (or two links to one place) are searched once, not exponentially often.
fn walk(
    dir: &Path,
    depth: usize,
    seen: &mut std::collections::HashSet<PathBuf>,
    found: &mut Vec<PathBuf>,
) -> Result<(), InputError> {
    if depth > MAX_DEPTH {
        return Ok(());
    }
    let canonical = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    if !seen.insert(canonical) {
        return Ok(());
    }
    let entries = std::fs::read_dir(dir).map_err(|source| InputError::Read {
        path: dir.display().to_string(),
        source,
    })?;
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() || (kind.is_symlink() && path.is_dir()) {
            walk(&path, depth + 1, seen, found)?;
        } else if name.ends_with(".yml") || name.ends_with(".yaml") {
            found.push(path);
        }
    }
    Ok(())
}

fn read(path: &Path) -> Result<SourceFile, InputError> {
    let read_error = |source| InputError::Read {
        path: path.display().to_string(),
        source,
    };
    let file = std::fs::File::open(path).map_err(read_error)?;
    // Sized from the metadata: doubling growth would hold up to twice the file.
    let size = file
        .metadata()
        .map_or(0, |m| m.len())
        .min(MAX_FILE_BYTES + 1);
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0).saturating_add(1));
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(read_error)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(InputError::TooLarge {
            path: path.display().to_string(),
            size: std::fs::metadata(path).map_or(bytes.len() as u64, |m| m.len()),
        });
    }
    let name = path.display().to_string();
    let name = name.strip_prefix("./").unwrap_or(&name).to_owned();
    Ok(decode(name, Some(path.to_path_buf()), bytes))
}

/// A source from raw bytes; invalid UTF-8 is replaced and its offset kept for the report.
fn decode(name: String, path: Option<PathBuf>, bytes: Vec<u8>) -> SourceFile {
    match String::from_utf8(bytes) {
        Ok(text) => SourceFile::new(name, path, text),
        Err(err) => {
            let at = err.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(err.as_bytes()).into_owned();
            let mut source = SourceFile::new(name, path, text);
            source.invalid_utf8_at = Some(at);
            source
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symlink_loops_are_searched_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("rules.yml"), "groups: []\n").expect("write");
        // Two links back to the directory itself: without a guard, 2^32 paths.
        for name in ["a", "b"] {
            std::os::unix::fs::symlink(dir.path(), dir.path().join(name)).expect("symlink");
        }
        let inputs = collect(&[dir.path().to_path_buf()]).expect("collect");
        assert_eq!(inputs.len(), 1);
    }
}
