//! Contexts and settings: the config file, the environment, and the precedence
//! flag > environment > context > default. This is the only module that reads the
//! process environment, so every effective setting can say where it came from
//! (`ccmon context show`) and tests can hand in an environment of their own.

mod error;
mod file;
mod resolve;
pub mod table;
#[cfg(test)]
mod tests;

pub use error::ConfigError;
pub use file::{ConfigFile, ConfigPathSource, use_context};
pub use resolve::Shown;
pub(crate) use resolve::parse_timeout;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::output::{ColorChoice, Format};
use crate::redact::register_secret;

/// Environment variables ccmon reads, each named once here.
pub mod env_vars {
    /// Prometheus base URL.
    pub const PROMETHEUS_URL: &str = "CCMON_PROMETHEUS_URL";
    /// Alertmanager base URL(s), comma-separated.
    pub const ALERTMANAGER_URL: &str = "CCMON_ALERTMANAGER_URL";
    /// Redis URL (the name every Redis client uses).
    pub const REDIS_URL: &str = "REDIS_URL";
    /// PostgreSQL URL (the name every PostgreSQL client uses).
    pub const DATABASE_URL: &str = "DATABASE_URL";
    /// Bearer token itself.
    pub const BEARER_TOKEN: &str = "CCMON_BEARER_TOKEN";
    /// File holding the bearer token.
    pub const BEARER_TOKEN_FILE: &str = "CCMON_BEARER_TOKEN_FILE";
    /// Basic-auth user name.
    pub const BASIC_AUTH_USERNAME: &str = "CCMON_BASIC_AUTH_USERNAME";
    /// Basic-auth password itself.
    pub const BASIC_AUTH_PASSWORD: &str = "CCMON_BASIC_AUTH_PASSWORD";
    /// File holding the basic-auth password.
    pub const BASIC_AUTH_PASSWORD_FILE: &str = "CCMON_BASIC_AUTH_PASSWORD_FILE";
    /// Per-request timeout.
    pub const TIMEOUT: &str = "CCMON_TIMEOUT";
    /// Log filter (tracing-subscriber syntax), overrides -v/-q.
    pub const LOG: &str = "CCMON_LOG";
    /// Disables colour (<https://no-color.org>).
    pub const NO_COLOR: &str = "NO_COLOR";
    /// Home directory.
    pub const HOME: &str = "HOME";
    /// XDG config directory.
    pub const XDG_CONFIG_HOME: &str = "XDG_CONFIG_HOME";
    /// XDG state directory (the spool lives under it).
    pub const XDG_STATE_HOME: &str = "XDG_STATE_HOME";
    /// XDG cache directory (`rules lint --online` keeps what servers answered under it).
    pub const XDG_CACHE_HOME: &str = "XDG_CACHE_HOME";
    /// Terminal width when stdout is not a terminal (the `query range` chart).
    pub const COLUMNS: &str = "COLUMNS";

    /// Every variable above, for [`super::Environment::from_process`].
    pub const ALL: &[&str] = &[
        PROMETHEUS_URL,
        ALERTMANAGER_URL,
        REDIS_URL,
        DATABASE_URL,
        BEARER_TOKEN,
        BEARER_TOKEN_FILE,
        BASIC_AUTH_USERNAME,
        BASIC_AUTH_PASSWORD,
        BASIC_AUTH_PASSWORD_FILE,
        TIMEOUT,
        LOG,
        NO_COLOR,
        HOME,
        XDG_CONFIG_HOME,
        XDG_CACHE_HOME,
        XDG_STATE_HOME,
        COLUMNS,
    ];
}

/// A snapshot of the environment variables ccmon uses.
#[derive(Debug, Clone, Default)]
pub struct Environment {
    vars: HashMap<String, String>,
}

impl Environment {
    /// Reads the variables of [`env_vars::ALL`] from the process. Empty values count as
    /// unset, as most Unix tools treat them.
    #[allow(clippy::disallowed_methods)] // the one sanctioned reader of the environment
    pub fn from_process() -> Self {
        let vars = env_vars::ALL
            .iter()
            .filter_map(|&name| {
                let value = std::env::var(name).ok()?;
                (!value.is_empty()).then(|| (name.to_owned(), value))
            })
            .collect();
        Environment { vars }
    }

    /// An environment from explicit pairs (for tests).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        Environment {
            vars: pairs
                .into_iter()
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
        }
    }

    /// The value of `name`, if set and not empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    /// Whether `NO_COLOR` is set.
    pub fn no_color(&self) -> bool {
        self.get(env_vars::NO_COLOR).is_some()
    }

    /// The default config file: `$XDG_CONFIG_HOME/ccmon/config.yaml`, else
    /// `~/.config/ccmon/config.yaml`.
    pub fn default_config_path(&self) -> Option<PathBuf> {
        if let Some(dir) = self.get(env_vars::XDG_CONFIG_HOME) {
            return Some(Path::new(dir).join("ccmon/config.yaml"));
        }
        self.get(env_vars::HOME)
            .map(|home| Path::new(home).join(".config/ccmon/config.yaml"))
    }

    /// The cache directory: `$XDG_CACHE_HOME/ccmon`, else `~/.cache/ccmon`.
    pub fn cache_dir(&self) -> Option<PathBuf> {
        if let Some(dir) = self.get(env_vars::XDG_CACHE_HOME) {
            return Some(Path::new(dir).join("ccmon"));
        }
        self.get(env_vars::HOME)
            .map(|home| Path::new(home).join(".cache/ccmon"))
    }

    /// The state directory: `$XDG_STATE_HOME/ccmon`, else `~/.local/state/ccmon`.
    pub fn state_dir(&self) -> Option<PathBuf> {
        if let Some(dir) = self.get(env_vars::XDG_STATE_HOME) {
            return Some(Path::new(dir).join("ccmon"));
        }
        self.get(env_vars::HOME)
            .map(|home| Path::new(home).join(".local/state/ccmon"))
    }
}

/// Global options as parsed from the command line.
#[derive(Debug, Clone)]
pub struct GlobalSettings {
    /// `-o`.
    pub format: Format,
    /// Whether `-o` was given, for commands whose default is not a table (`query range`
    /// draws a chart unless asked for `-o table`).
    pub format_given: bool,
    /// `--no-color`.
    pub color: ColorChoice,
    /// -1 quiet, 0 normal, 1 debug, 2+ trace.
    pub verbosity: i8,
    /// `--config` or `CCMON_CONFIG`.
    pub config_path: Option<PathBuf>,
    /// Whether `config_path` came from `CCMON_CONFIG`.
    pub config_path_from_env: bool,
    /// `--context` or `CCMON_CONTEXT`.
    pub context: Option<String>,
    /// Whether `context` came from `CCMON_CONTEXT`.
    pub context_from_env: bool,
    /// Connection flags.
    pub flags: FlagSettings,
}

/// Connection settings given as flags.
#[derive(Debug, Clone, Default)]
pub struct FlagSettings {
    /// `--prometheus-url`.
    pub prometheus_url: Option<String>,
    /// `--alertmanager-url`, repeatable.
    pub alertmanager_urls: Vec<String>,
    /// `--redis-url`.
    pub redis_url: Option<String>,
    /// `--database-url`.
    pub database_url: Option<String>,
    /// `--bearer-token-file`.
    pub bearer_token_file: Option<PathBuf>,
    /// `--timeout`.
    pub timeout: Option<Duration>,
}

// ---------------------------------------------------------------------------------------
// Effective settings

/// Where an effective setting came from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    /// A command-line flag.
    Flag {
        /// The flag, e.g. `--prometheus-url`.
        flag: &'static str,
    },
    /// An environment variable.
    Env {
        /// The variable name.
        var: &'static str,
    },
    /// A key of a context in the config file.
    Context {
        /// Context name.
        context: String,
        /// `path:line:col` of the value.
        location: String,
    },
    /// Built-in default.
    Default,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag { flag } => write!(f, "flag {flag}"),
            Source::Env { var } => write!(f, "env {var}"),
            Source::Context { context, location } => write!(f, "context {context} ({location})"),
            Source::Default => f.write_str("default"),
        }
    }
}

/// A value and where it came from.
#[derive(Debug, Clone)]
pub struct Sourced<T> {
    /// The value.
    pub value: T,
    /// Its origin.
    pub source: Source,
}

/// A secret value whose `Debug` never shows it; creating one registers it for redaction.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// Wraps `value` and registers it with the redactor.
    pub fn new(value: String) -> Self {
        register_secret(&value);
        Secret(value)
    }

    /// The secret itself, for building a request.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Where a secret is read from; it is read only when a command needs it.
#[derive(Debug, Clone)]
pub enum SecretRef {
    /// The value itself, from an environment variable.
    Value(Secret),
    /// A file whose contents (trailing newline removed) are the secret.
    File(PathBuf),
}

impl SecretRef {
    /// Reads the secret.
    pub fn load(&self) -> Result<Secret, ConfigError> {
        match self {
            SecretRef::Value(secret) => Ok(secret.clone()),
            SecretRef::File(path) => {
                let text =
                    std::fs::read_to_string(path).map_err(|source| ConfigError::SecretFile {
                        path: path.clone(),
                        source,
                    })?;
                Ok(Secret::new(text.trim_end_matches(['\n', '\r']).to_owned()))
            }
        }
    }

    /// How the secret is shown: never its value.
    pub fn describe(&self) -> String {
        match self {
            SecretRef::Value(_) => "<redacted>".to_owned(),
            SecretRef::File(path) => match std::fs::metadata(path) {
                Ok(meta) if meta.is_file() => format!("<redacted> (file {})", path.display()),
                Ok(_) => format!("<invalid: {} is not a file>", path.display()),
                Err(err) => format!("<unreadable file {}: {err}>", path.display()),
            },
        }
    }
}

/// Basic authentication for Prometheus and Alertmanager.
#[derive(Debug, Clone)]
pub struct BasicAuth {
    /// User name.
    pub username: String,
    /// Password source, if any.
    pub password: Option<SecretRef>,
}

/// TLS settings for Prometheus and Alertmanager.
#[derive(Debug, Clone, Default)]
pub struct TlsSettings {
    /// CA bundle to trust.
    pub ca_file: Option<PathBuf>,
    /// Client certificate.
    pub cert_file: Option<PathBuf>,
    /// Client key.
    pub key_file: Option<PathBuf>,
    /// Skip server certificate verification (dangerous; for tests and labs).
    pub insecure_skip_verify: bool,
}

/// Every effective setting, each with its source.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The config file in use, if any.
    pub config_file: Option<Sourced<PathBuf>>,
    /// The context in use, if any.
    pub context: Option<Sourced<String>>,
    /// Prometheus base URL.
    pub prometheus: Sourced<url::Url>,
    /// Alertmanager base URLs (several for an HA cluster).
    pub alertmanager: Sourced<Vec<url::Url>>,
    /// Redis URL, if configured.
    pub redis: Option<Sourced<url::Url>>,
    /// PostgreSQL URL, if configured.
    pub postgres: Option<Sourced<url::Url>>,
    /// Bearer token for Prometheus and Alertmanager.
    pub bearer_token: Option<Sourced<SecretRef>>,
    /// Basic auth for Prometheus and Alertmanager.
    pub basic_auth: Option<Sourced<BasicAuth>>,
    /// TLS settings.
    pub tls: Sourced<TlsSettings>,
    /// Extra HTTP headers (e.g. `X-Scope-OrgID`).
    pub headers: Sourced<BTreeMap<String, String>>,
    /// Per-request timeout.
    pub timeout: Sourced<Duration>,
    /// The state directory (spool), if a home directory is known.
    pub state_dir: Option<PathBuf>,
    /// The health checks: `health.checks` of the config file, else the defaults (docs/architecture.md section 4)
    /// enabled from the environment.
    pub health_checks: Vec<crate::health::spec::CheckSpec>,
    /// Whether `health_checks` came from the config file.
    pub health_configured: bool,
    /// `pricing:` of the config file: (model name or pattern, price), over the built-in
    /// table.
    pub pricing: Vec<(String, crate::stream::pricing::Price)>,
}

/// Everything `ccmon context` needs: the file (if any) and the effective settings.
#[derive(Debug)]
pub struct Loaded {
    /// The config file, if one exists.
    pub file: Option<ConfigFile>,
    /// Where its path came from.
    pub file_source: ConfigPathSource,
    /// Effective settings.
    pub settings: Settings,
}

/// Loads the config file and resolves every setting.
pub fn load(global: &GlobalSettings, env: &Environment) -> Result<Loaded, ConfigError> {
    let (path, file_source) = match &global.config_path {
        Some(path) if global.config_path_from_env => (Some(path.clone()), ConfigPathSource::Env),
        Some(path) => (Some(path.clone()), ConfigPathSource::Flag),
        None => (env.default_config_path(), ConfigPathSource::Default),
    };
    let file = match path {
        Some(path) if file_source == ConfigPathSource::Default && !path.exists() => None,
        Some(path) => Some(ConfigFile::load(&path).map_err(|err| match err {
            ConfigError::Read { path, source } if source.kind() == std::io::ErrorKind::NotFound => {
                ConfigError::Missing {
                    path,
                    from: if file_source == ConfigPathSource::Env {
                        "CCMON_CONFIG"
                    } else {
                        "--config"
                    },
                }
            }
            other => other,
        })?),
        None => None,
    };
    let settings = resolve::resolve(global, env, file.as_ref(), file_source)?;
    // Full URLs on purpose: the log writer redacts, and this line proves it does.
    tracing::debug!(
        prometheus = %settings.prometheus.value,
        alertmanager = ?settings.alertmanager.value.iter().map(url::Url::as_str).collect::<Vec<_>>(),
        redis = ?settings.redis.as_ref().map(|r| r.value.as_str()),
        postgres = ?settings.postgres.as_ref().map(|p| p.value.as_str()),
        context = ?settings.context.as_ref().map(|c| &c.value),
        "effective settings"
    );
    Ok(Loaded {
        file,
        file_source,
        settings,
    })
}
