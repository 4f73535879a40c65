//! Configuration errors: always exit code 2, each saying where the bad value is.

use std::path::PathBuf;

use crate::yaml::YamlError;

/// A configuration problem; always exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config file {}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// An explicitly named file does not exist.
    #[error("config file {} does not exist (named by {from})", path.display())]
    Missing {
        /// The file.
        path: PathBuf,
        /// `--config`, `CCMON_CONFIG`, ...
        from: &'static str,
    },
    /// The YAML does not parse or has the wrong shape.
    #[error("{}:{error}", path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// What and where.
        error: YamlError,
    },
    /// A value is well-formed YAML but not a valid setting.
    #[error("{}:{line}:{column}: {message}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: u64,
        /// 1-based column.
        column: u64,
        /// What is wrong.
        message: String,
    },
    /// A context that does not exist was asked for.
    #[error("no context named {name:?}{}", match path { Some(p) => format!(" in {}", p.display()), None => " (there is no config file)".to_owned() })]
    NoSuchContext {
        /// The name asked for.
        name: String,
        /// The file searched, if any.
        path: Option<PathBuf>,
        /// The names that exist.
        available: Vec<String>,
    },
    /// A flag's value is invalid.
    #[error("invalid value for {flag}: {message}")]
    BadFlag {
        /// The flag.
        flag: &'static str,
        /// What is wrong.
        message: String,
    },
    /// An environment variable's value is invalid.
    #[error("invalid value in environment variable {var}: {message}")]
    BadEnv {
        /// The variable.
        var: &'static str,
        /// What is wrong.
        message: String,
    },
    /// Settings that cannot be combined.
    #[error("{message}")]
    Conflict {
        /// What is wrong.
        message: String,
    },
    /// A secret file could not be read.
    #[error("cannot read secret file {}", path.display())]
    SecretFile {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The config file could not be written.
    #[error("cannot write config file {}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Neither `HOME` nor `XDG_CONFIG_HOME` is set and no `--config` was given.
    #[error("cannot find the config file: neither HOME nor XDG_CONFIG_HOME is set")]
    NoHome,
}

impl ConfigError {
    /// What the user can do about it, when ccmon knows.
    pub fn hint(&self) -> Option<String> {
        match self {
            ConfigError::Missing { .. } => Some(
                "create it (see the README's \"Configuration\" section) or drop --config/CCMON_CONFIG to use defaults"
                    .to_owned(),
            ),
            ConfigError::NoSuchContext { available, .. } if available.is_empty() => {
                Some("define contexts under `contexts:` in the config file".to_owned())
            }
            ConfigError::NoSuchContext { available, .. } => {
                Some(format!("known contexts: {}; see `ccmon context ls`", available.join(", ")))
            }
            ConfigError::NoHome => Some("pass --config FILE or set CCMON_CONFIG".to_owned()),
            ConfigError::Syntax { .. } | ConfigError::Invalid { .. } => {
                Some("fix the file at the position shown; `ccmon context show` re-checks it".to_owned())
            }
            _ => None,
        }
    }
}
