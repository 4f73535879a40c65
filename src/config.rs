//! Contexts and settings: the config file, the environment, and the precedence
//! flag > environment > context > default. This is the only module that reads the
//! process environment, so every effective setting can say where it came from
//! (`ccmon context show`) and tests can hand in an environment of their own.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::output::{ColorChoice, Format};
use crate::redact::register_secret;
use crate::yaml::{self, YamlError};

/// Default Prometheus URL when nothing else is configured.
pub const DEFAULT_PROMETHEUS: &str = "http://localhost:9090";
/// Default Alertmanager URL when nothing else is configured.
pub const DEFAULT_ALERTMANAGER: &str = "http://localhost:9093";
/// Default per-request timeout for Prometheus and Alertmanager.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

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
    pub timeout: Option<String>,
}

// ---------------------------------------------------------------------------------------
// The file

/// The config file as written, with positions.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    current_context: Option<Spanned<String>>,
    #[serde(default)]
    contexts: BTreeMap<String, Spanned<RawContext>>,
    /// `health.checks` for `ccmon health serve` and `health check`.
    #[serde(default)]
    health: Option<Spanned<crate::health::spec::RawHealth>>,
    /// Read by `ccmon stream` (its own issue); accepted here so the file validates.
    #[serde(default, rename = "stream")]
    _stream: Option<serde::de::IgnoredAny>,
    /// `pricing:` model name or pattern → USD per million tokens, over the built-in table.
    #[serde(default)]
    pricing: BTreeMap<String, Spanned<RawPrice>>,
}

/// One `pricing:` entry, in USD per million tokens.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrice {
    input: f64,
    output: f64,
    #[serde(default)]
    cache_read: Option<f64>,
    #[serde(default)]
    cache_write: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContext {
    #[serde(default)]
    prometheus: Option<Spanned<String>>,
    #[serde(default)]
    alertmanager: Option<Spanned<OneOrMany>>,
    #[serde(default)]
    redis: Option<Spanned<String>>,
    #[serde(default)]
    redis_password_file: Option<Spanned<PathBuf>>,
    #[serde(default)]
    postgres: Option<Spanned<String>>,
    #[serde(default)]
    postgres_password_file: Option<Spanned<PathBuf>>,
    #[serde(default)]
    bearer_token_file: Option<Spanned<PathBuf>>,
    #[serde(default)]
    basic_auth: Option<Spanned<RawBasicAuth>>,
    #[serde(default)]
    tls: Option<RawTls>,
    #[serde(default)]
    headers: Option<Spanned<BTreeMap<String, String>>>,
    #[serde(default)]
    timeout: Option<Spanned<String>>,
}

/// `alertmanager:` as one URL or a list of them. Deserialized by hand: serde's untagged
/// enums report a mismatch as "data did not match any variant of untagged enum", which
/// tells the operator neither what is wrong nor what is expected.
#[derive(Debug)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = OneOrMany;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a URL, or a list of URLs (one per Alertmanager of a cluster)")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<OneOrMany, E> {
                Ok(OneOrMany::One(v.to_owned()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<OneOrMany, A::Error> {
                let mut list = Vec::new();
                while let Some(url) = seq.next_element::<String>()? {
                    list.push(url);
                }
                Ok(OneOrMany::Many(list))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBasicAuth {
    username: String,
    #[serde(default)]
    password_file: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTls {
    #[serde(default)]
    ca_file: Option<Spanned<PathBuf>>,
    #[serde(default)]
    cert_file: Option<Spanned<PathBuf>>,
    #[serde(default)]
    key_file: Option<Spanned<PathBuf>>,
    #[serde(default)]
    insecure_skip_verify: Option<Spanned<bool>>,
}

/// A loaded config file.
#[derive(Debug)]
pub struct ConfigFile {
    path: PathBuf,
    text: String,
    raw: RawConfig,
}

/// Where a config file path came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigPathSource {
    /// `--config`.
    Flag,
    /// `CCMON_CONFIG`.
    Env,
    /// The default location.
    Default,
}

impl ConfigFile {
    /// Reads and parses `path`.
    pub fn load(path: &Path) -> Result<ConfigFile, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(path, text)
    }

    /// Parses `text` as the contents of `path`.
    pub fn parse(path: &Path, text: String) -> Result<ConfigFile, ConfigError> {
        let raw: RawConfig = yaml::from_str(&text).map_err(|error| ConfigError::Syntax {
            path: path.to_owned(),
            error,
        })?;
        let file = ConfigFile {
            path: path.to_owned(),
            text,
            raw,
        };
        if let Some(current) = &file.raw.current_context
            && !file.raw.contexts.contains_key(&current.value)
        {
            return Err(file.invalid(
                &current.referenced,
                format!(
                    "current_context {:?} names no context in this file{}",
                    current.value,
                    file.available_hint()
                ),
            ));
        }
        Ok(file)
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Context names, sorted.
    pub fn context_names(&self) -> impl Iterator<Item = &str> {
        self.raw.contexts.keys().map(String::as_str)
    }

    /// The `current_context` value, if set.
    pub fn current_context(&self) -> Option<&str> {
        self.raw.current_context.as_ref().map(|c| c.value.as_str())
    }

    fn invalid(&self, at: &serde_saphyr::Location, message: String) -> ConfigError {
        ConfigError::Invalid {
            path: self.path.clone(),
            line: at.line(),
            column: at.column(),
            message,
        }
    }

    fn available_hint(&self) -> String {
        if self.raw.contexts.is_empty() {
            " (the file defines no contexts)".to_owned()
        } else {
            format!(
                " (contexts: {})",
                self.raw
                    .contexts
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    }

    /// Relative paths in the file are relative to the file's directory, as in Prometheus.
    fn resolve_path(&self, p: &Path) -> PathBuf {
        if p.is_absolute() {
            return p.to_owned();
        }
        self.path
            .parent()
            .map_or_else(|| p.to_owned(), |dir| dir.join(p))
    }

    /// Returns the text of the file with `current_context` set to `name`, editing only that
    /// value so comments and layout survive.
    fn with_current_context(&self, name: &str) -> Result<String, ConfigError> {
        let value = yaml_scalar(name);
        if let Some(current) = &self.raw.current_context {
            let range = yaml::byte_range(&current.referenced)
                .filter(|r| self.text.get(r.clone()).is_some())
                .ok_or_else(|| {
                    self.invalid(
                        &current.referenced,
                        "cannot locate current_context in the file to edit it".to_owned(),
                    )
                })?;
            let mut text = self.text.clone();
            text.replace_range(range, &value);
            return Ok(text);
        }
        // No current_context yet: add it after any leading comments and document marker.
        let mut insert_at = 0;
        for line in self.text.split_inclusive('\n') {
            let trimmed = line.trim();
            if trimmed.is_empty()
                || trimmed.starts_with('#')
                || trimmed == "---"
                || trimmed.starts_with('%')
            {
                insert_at += line.len();
            } else {
                break;
            }
        }
        let mut text = self.text.clone();
        if insert_at == text.len() && !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
            insert_at = text.len();
        }
        text.insert_str(insert_at, &format!("current_context: {value}\n"));
        Ok(text)
    }
}

/// A context name as a YAML scalar: plain when safe, else double-quoted (JSON escaping is
/// valid YAML double-quoted style).
fn yaml_scalar(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars().all(|c| c.is_alphanumeric() || "-_./".contains(c))
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "null" | "true" | "false" | "yes" | "no" | "on" | "off" | "~"
        )
        && s.parse::<f64>().is_err();
    if plain {
        s.to_owned()
    } else {
        serde_json::Value::String(s.to_owned()).to_string()
    }
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
    let settings = resolve(global, env, file.as_ref(), file_source)?;
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

fn resolve(
    global: &GlobalSettings,
    env: &Environment,
    file: Option<&ConfigFile>,
    file_source: ConfigPathSource,
) -> Result<Settings, ConfigError> {
    let config_file = file.map(|f| Sourced {
        value: f.path.clone(),
        source: match file_source {
            ConfigPathSource::Flag => Source::Flag { flag: "--config" },
            ConfigPathSource::Env => Source::Env {
                var: "CCMON_CONFIG",
            },
            ConfigPathSource::Default => Source::Default,
        },
    });

    // Which context: --context / CCMON_CONTEXT, else the file's current_context.
    let context = match (&global.context, file) {
        (Some(name), file) => {
            let known = file.is_some_and(|f| f.raw.contexts.contains_key(name));
            if !known {
                return Err(ConfigError::NoSuchContext {
                    name: name.clone(),
                    path: file.map(|f| f.path.clone()),
                    available: file
                        .map(|f| f.context_names().map(str::to_owned).collect())
                        .unwrap_or_default(),
                });
            }
            Some(Sourced {
                value: name.clone(),
                source: if global.context_from_env {
                    Source::Env {
                        var: "CCMON_CONTEXT",
                    }
                } else {
                    Source::Flag { flag: "--context" }
                },
            })
        }
        (None, Some(f)) => f.raw.current_context.as_ref().map(|c| Sourced {
            value: c.value.clone(),
            source: Source::Context {
                context: c.value.clone(),
                location: location(f, &c.referenced),
            },
        }),
        (None, None) => None,
    };
    let ctx: Option<(&ConfigFile, &str, &RawContext)> = match (&context, file) {
        (Some(c), Some(f)) => f
            .raw
            .contexts
            .get(&c.value)
            .map(|raw| (f, c.value.as_str(), &raw.value)),
        _ => None,
    };
    let from_ctx = |at: &serde_saphyr::Location| -> Source {
        let (f, name, _) = ctx.expect("only called with a context");
        Source::Context {
            context: name.to_owned(),
            location: location(f, at),
        }
    };

    // Prometheus
    let prometheus = if let Some(v) = &global.flags.prometheus_url {
        Sourced {
            value: parse_url(v, UrlKind::Http, || Where::Flag("--prometheus-url"))?,
            source: Source::Flag {
                flag: "--prometheus-url",
            },
        }
    } else if let Some(v) = env.get(env_vars::PROMETHEUS_URL) {
        Sourced {
            value: parse_url(v, UrlKind::Http, || Where::Env(env_vars::PROMETHEUS_URL))?,
            source: Source::Env {
                var: env_vars::PROMETHEUS_URL,
            },
        }
    } else if let Some((f, _, c)) = ctx
        && let Some(v) = &c.prometheus
    {
        Sourced {
            value: parse_url(&v.value, UrlKind::Http, || {
                Where::File(f, v.referenced, "prometheus")
            })?,
            source: from_ctx(&v.referenced),
        }
    } else {
        Sourced {
            value: parse_url(DEFAULT_PROMETHEUS, UrlKind::Http, || Where::Flag("default"))?,
            source: Source::Default,
        }
    };

    // Alertmanager (one or several)
    let alertmanager = if !global.flags.alertmanager_urls.is_empty() {
        let urls = global
            .flags
            .alertmanager_urls
            .iter()
            .map(|v| parse_url(v, UrlKind::Http, || Where::Flag("--alertmanager-url")))
            .collect::<Result<_, _>>()?;
        Sourced {
            value: urls,
            source: Source::Flag {
                flag: "--alertmanager-url",
            },
        }
    } else if let Some(v) = env.get(env_vars::ALERTMANAGER_URL) {
        let urls = v
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| parse_url(s, UrlKind::Http, || Where::Env(env_vars::ALERTMANAGER_URL)))
            .collect::<Result<_, _>>()?;
        Sourced {
            value: urls,
            source: Source::Env {
                var: env_vars::ALERTMANAGER_URL,
            },
        }
    } else if let Some((f, _, c)) = ctx
        && let Some(v) = &c.alertmanager
    {
        let list: Vec<&String> = match &v.value {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(list) => list.iter().collect(),
        };
        if list.is_empty() {
            return Err(f.invalid(
                &v.referenced,
                "alertmanager: the list of URLs is empty".into(),
            ));
        }
        let urls = list
            .into_iter()
            .map(|s| {
                parse_url(s, UrlKind::Http, || {
                    Where::File(f, v.referenced, "alertmanager")
                })
            })
            .collect::<Result<_, _>>()?;
        Sourced {
            value: urls,
            source: from_ctx(&v.referenced),
        }
    } else {
        Sourced {
            value: vec![parse_url(DEFAULT_ALERTMANAGER, UrlKind::Http, || {
                Where::Flag("default")
            })?],
            source: Source::Default,
        }
    };

    // Redis and PostgreSQL, each with an optional password file in the context.
    let redis = resolve_store_url(
        global.flags.redis_url.as_deref(),
        "--redis-url",
        env,
        env_vars::REDIS_URL,
        ctx.and_then(|(f, _, c)| {
            c.redis
                .as_ref()
                .map(|v| (f, v, c.redis_password_file.as_ref()))
        }),
        UrlKind::Redis,
        "redis",
        &from_ctx,
    )?;
    let postgres = resolve_store_url(
        global.flags.database_url.as_deref(),
        "--database-url",
        env,
        env_vars::DATABASE_URL,
        ctx.and_then(|(f, _, c)| {
            c.postgres
                .as_ref()
                .map(|v| (f, v, c.postgres_password_file.as_ref()))
        }),
        UrlKind::Postgres,
        "postgres",
        &from_ctx,
    )?;

    // Bearer token: never from argv, only from a file or the environment.
    let bearer_token = if let Some(p) = &global.flags.bearer_token_file {
        Some(Sourced {
            value: SecretRef::File(p.clone()),
            source: Source::Flag {
                flag: "--bearer-token-file",
            },
        })
    } else if let Some(v) = env.get(env_vars::BEARER_TOKEN) {
        Some(Sourced {
            value: SecretRef::Value(Secret::new(v.to_owned())),
            source: Source::Env {
                var: env_vars::BEARER_TOKEN,
            },
        })
    } else if let Some(p) = env.get(env_vars::BEARER_TOKEN_FILE) {
        Some(Sourced {
            value: SecretRef::File(PathBuf::from(p)),
            source: Source::Env {
                var: env_vars::BEARER_TOKEN_FILE,
            },
        })
    } else if let Some((f, _, c)) = ctx
        && let Some(p) = &c.bearer_token_file
    {
        Some(Sourced {
            value: SecretRef::File(f.resolve_path(&p.value)),
            source: from_ctx(&p.referenced),
        })
    } else {
        None
    };

    let basic_auth = if let Some(user) = env.get(env_vars::BASIC_AUTH_USERNAME) {
        let password = env
            .get(env_vars::BASIC_AUTH_PASSWORD)
            .map(|v| SecretRef::Value(Secret::new(v.to_owned())))
            .or_else(|| {
                env.get(env_vars::BASIC_AUTH_PASSWORD_FILE)
                    .map(|p| SecretRef::File(PathBuf::from(p)))
            });
        Some(Sourced {
            value: BasicAuth {
                username: user.to_owned(),
                password,
            },
            source: Source::Env {
                var: env_vars::BASIC_AUTH_USERNAME,
            },
        })
    } else if let Some((f, _, c)) = ctx
        && let Some(b) = &c.basic_auth
    {
        Some(Sourced {
            value: BasicAuth {
                username: b.value.username.clone(),
                password: b
                    .value
                    .password_file
                    .as_ref()
                    .map(|p| SecretRef::File(f.resolve_path(p))),
            },
            source: from_ctx(&b.referenced),
        })
    } else {
        None
    };
    if bearer_token.is_some() && basic_auth.is_some() {
        return Err(ConfigError::Conflict {
            message: "both a bearer token and basic auth are configured; an Authorization \
                      header can carry only one"
                .to_owned(),
        });
    }

    let tls = match ctx.and_then(|(f, _, c)| c.tls.as_ref().map(|t| (f, t))) {
        Some((f, t)) => {
            let first = [&t.ca_file, &t.cert_file, &t.key_file]
                .into_iter()
                .flatten()
                .map(|s| s.referenced)
                .next()
                .or(t.insecure_skip_verify.as_ref().map(|s| s.referenced));
            let settings = TlsSettings {
                ca_file: t.ca_file.as_ref().map(|p| f.resolve_path(&p.value)),
                cert_file: t.cert_file.as_ref().map(|p| f.resolve_path(&p.value)),
                key_file: t.key_file.as_ref().map(|p| f.resolve_path(&p.value)),
                insecure_skip_verify: t.insecure_skip_verify.as_ref().is_some_and(|b| b.value),
            };
            if settings.cert_file.is_some() != settings.key_file.is_some() {
                let at = t
                    .cert_file
                    .as_ref()
                    .or(t.key_file.as_ref())
                    .map(|s| s.referenced)
                    .unwrap_or(serde_saphyr::Location::UNKNOWN);
                return Err(f.invalid(
                    &at,
                    "tls: cert_file and key_file must be given together".into(),
                ));
            }
            Sourced {
                value: settings,
                source: first.map_or(Source::Default, |at| from_ctx(&at)),
            }
        }
        None => Sourced {
            value: TlsSettings::default(),
            source: Source::Default,
        },
    };

    let headers = match ctx.and_then(|(f, _, c)| c.headers.as_ref().map(|h| (f, h))) {
        Some((f, h)) => {
            for (name, value) in &h.value {
                if reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_err()
                    || reqwest::header::HeaderValue::from_str(value).is_err()
                {
                    return Err(f.invalid(
                        &h.referenced,
                        format!("headers: {name:?} is not a valid HTTP header"),
                    ));
                }
                if name.eq_ignore_ascii_case("authorization") {
                    return Err(f.invalid(
                        &h.referenced,
                        "headers: set Authorization with bearer_token_file or basic_auth, \
                         so the secret stays out of the config file"
                            .into(),
                    ));
                }
            }
            Sourced {
                value: h.value.clone(),
                source: from_ctx(&h.referenced),
            }
        }
        None => Sourced {
            value: BTreeMap::new(),
            source: Source::Default,
        },
    };

    let timeout = if let Some(v) = &global.flags.timeout {
        Sourced {
            value: parse_timeout(v).map_err(|m| ConfigError::BadFlag {
                flag: "--timeout",
                message: m,
            })?,
            source: Source::Flag { flag: "--timeout" },
        }
    } else if let Some(v) = env.get(env_vars::TIMEOUT) {
        Sourced {
            value: parse_timeout(v).map_err(|m| ConfigError::BadEnv {
                var: env_vars::TIMEOUT,
                message: m,
            })?,
            source: Source::Env {
                var: env_vars::TIMEOUT,
            },
        }
    } else if let Some((f, _, c)) = ctx
        && let Some(v) = &c.timeout
    {
        Sourced {
            value: parse_timeout(&v.value)
                .map_err(|m| f.invalid(&v.referenced, format!("timeout: {m}")))?,
            source: from_ctx(&v.referenced),
        }
    } else {
        Sourced {
            value: DEFAULT_TIMEOUT,
            source: Source::Default,
        }
    };

    let sources = crate::health::spec::Sources {
        postgres: postgres.as_ref().map(|p| p.value.clone()),
        redis: redis.as_ref().map(|r| r.value.clone()),
        home: env.get(env_vars::HOME).map(PathBuf::from),
    };
    let configured = file.and_then(|f| {
        let checks = f.raw.health.as_ref()?.value.checks.as_ref()?;
        Some((f, checks))
    });
    let (health_checks, health_configured) = match configured {
        Some((f, checks)) => (
            crate::health::spec::from_raw(checks, &sources)
                .map_err(|e| f.invalid(&e.at, format!("health.checks: {}", e.message)))?,
            true,
        ),
        None => (crate::health::spec::defaults(&sources), false),
    };

    // Prices in USD per million tokens; the cache prices default to Anthropic's usual
    // multiples of the input price (0.1 to read, 1.25 to write).
    let mut pricing = Vec::new();
    if let Some(f) = file {
        for (pattern, price) in &f.raw.pricing {
            let v = &price.value;
            let converted = crate::stream::pricing::Price::from_usd_per_mtok(
                v.input,
                v.output,
                v.cache_read.unwrap_or(v.input * 0.1),
                v.cache_write.unwrap_or(v.input * 1.25),
            )
            .map_err(|m| f.invalid(&price.referenced, format!("pricing.{pattern}: {m}")))?;
            pricing.push((pattern.clone(), converted));
        }
    }

    Ok(Settings {
        config_file,
        context,
        prometheus,
        alertmanager,
        redis,
        postgres,
        bearer_token,
        basic_auth,
        tls,
        headers,
        timeout,
        state_dir: env.state_dir(),
        health_checks,
        health_configured,
        pricing,
    })
}

fn parse_timeout(v: &str) -> Result<Duration, String> {
    match crate::duration::parse(v) {
        Ok(d) if d.is_zero() => Err("a timeout must be longer than 0".to_owned()),
        Ok(d) => Ok(d),
        Err(e) => Err(e.to_string()),
    }
}

fn location(f: &ConfigFile, at: &serde_saphyr::Location) -> String {
    format!("{}:{}:{}", f.path.display(), at.line(), at.column())
}

/// A store URL from a context, with its optional password file.
type ContextUrl<'a> = (
    &'a ConfigFile,
    &'a Spanned<String>,
    Option<&'a Spanned<PathBuf>>,
);

#[allow(clippy::too_many_arguments)]
fn resolve_store_url(
    flag_value: Option<&str>,
    flag: &'static str,
    env: &Environment,
    var: &'static str,
    ctx: Option<ContextUrl<'_>>,
    kind: UrlKind,
    key: &'static str,
    from_ctx: &dyn Fn(&serde_saphyr::Location) -> Source,
) -> Result<Option<Sourced<url::Url>>, ConfigError> {
    if let Some(v) = flag_value {
        return Ok(Some(Sourced {
            value: parse_url(v, kind, || Where::Flag(flag))?,
            source: Source::Flag { flag },
        }));
    }
    if let Some(v) = env.get(var) {
        return Ok(Some(Sourced {
            value: parse_url(v, kind, || Where::Env(var))?,
            source: Source::Env { var },
        }));
    }
    let Some((f, v, password_file)) = ctx else {
        return Ok(None);
    };
    let mut url = parse_url(&v.value, kind, || Where::File(f, v.referenced, key))?;
    if let Some(pf) = password_file {
        let secret = SecretRef::File(f.resolve_path(&pf.value)).load()?;
        if url.set_password(Some(secret.expose())).is_err() {
            return Err(f.invalid(
                &pf.referenced,
                format!("{key}: this URL cannot carry a password"),
            ));
        }
    }
    Ok(Some(Sourced {
        value: url,
        source: from_ctx(&v.referenced),
    }))
}

#[derive(Debug, Clone, Copy)]
enum UrlKind {
    Http,
    Redis,
    Postgres,
}

impl UrlKind {
    fn schemes(self) -> &'static [&'static str] {
        match self {
            UrlKind::Http => &["http", "https"],
            UrlKind::Redis => &[
                "redis",
                "rediss",
                "redis+cluster",
                "rediss+cluster",
                "redis+unix",
                "unix",
            ],
            UrlKind::Postgres => &["postgres", "postgresql"],
        }
    }
}

enum Where<'a> {
    Flag(&'static str),
    Env(&'static str),
    File(&'a ConfigFile, serde_saphyr::Location, &'static str),
}

fn parse_url<'a>(
    value: &str,
    kind: UrlKind,
    at: impl FnOnce() -> Where<'a>,
) -> Result<url::Url, ConfigError> {
    // Before parsing: a value the parser rejects (a password with `/` or `?`, a libpq
    // key=value string) must not reach an error message or a log in clear either.
    crate::redact::register_url_secrets(value);
    let problem = match url::Url::parse(value) {
        Ok(url) if kind.schemes().contains(&url.scheme()) => {
            // A URL's password is a secret wherever else it may show up.
            if let Some(pw) = url.password() {
                register_secret(pw);
                if let Ok(decoded) = percent_decode(pw) {
                    register_secret(&decoded);
                }
            }
            return Ok(url);
        }
        Ok(url) => format!(
            "unsupported scheme {:?}; use one of {}",
            url.scheme(),
            kind.schemes().join(", ")
        ),
        Err(err) => format!("invalid URL {:?}: {err}", crate::redact::redact(value)),
    };
    Err(match at() {
        Where::Flag(flag) => ConfigError::BadFlag {
            flag,
            message: problem,
        },
        Where::Env(var) => ConfigError::BadEnv {
            var,
            message: problem,
        },
        Where::File(f, loc, key) => f.invalid(&loc, format!("{key}: {problem}")),
    })
}

fn percent_decode(s: &str) -> Result<String, std::str::Utf8Error> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len() + 1
            && let Some(hex) = s.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).map_err(|e| e.utf8_error())
}

// ---------------------------------------------------------------------------------------
// Editing

/// Makes `name` the current context of the config file, keeping its comments and layout.
/// The file is replaced atomically and keeps its permissions.
pub fn use_context(
    global: &GlobalSettings,
    env: &Environment,
    name: &str,
) -> Result<PathBuf, ConfigError> {
    let path = match &global.config_path {
        Some(p) => p.clone(),
        None => env.default_config_path().ok_or(ConfigError::NoHome)?,
    };
    let file = ConfigFile::load(&path).map_err(|err| match err {
        ConfigError::Read { path, source } if source.kind() == std::io::ErrorKind::NotFound => {
            ConfigError::Missing {
                path,
                from: if global.config_path.is_some() {
                    "--config"
                } else {
                    "the default location"
                },
            }
        }
        other => other,
    })?;
    if !file.raw.contexts.contains_key(name) {
        return Err(ConfigError::NoSuchContext {
            name: name.to_owned(),
            path: Some(file.path.clone()),
            available: file.context_names().map(str::to_owned).collect(),
        });
    }
    let text = file.with_current_context(name)?;
    // Re-read what we are about to write: never leave a file ccmon itself cannot load.
    let check = ConfigFile::parse(&path, text.clone())?;
    if check.current_context() != Some(name) {
        return Err(ConfigError::Conflict {
            message: format!(
                "could not set current_context in {} without rewriting it; edit the file by hand",
                path.display()
            ),
        });
    }
    write_atomically(&path, text.as_bytes()).map_err(|source| ConfigError::Write {
        path: path.clone(),
        source,
    })?;
    Ok(path)
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{file_name}.ccmon-{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        if let Ok(meta) = std::fs::metadata(path) {
            f.set_permissions(meta.permissions())?;
        }
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

// ---------------------------------------------------------------------------------------
// Errors

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

#[cfg(test)]
mod tests {
    use super::*;

    fn global() -> GlobalSettings {
        GlobalSettings {
            format: Format::Table,
            format_given: false,
            color: ColorChoice::Never,
            verbosity: 0,
            config_path: None,
            config_path_from_env: false,
            context: None,
            context_from_env: false,
            flags: FlagSettings::default(),
        }
    }

    const FILE: &str = "\
# my contexts
current_context: dev
contexts:
  dev:
    prometheus: http://prom.dev:9090
    alertmanager: [http://am1:9093, http://am2:9093]
    redis: redis://:devpass@cache:6379/0
    timeout: 5s
  prod:
    prometheus: https://prom.prod
    headers:
      X-Scope-OrgID: team-a
";

    fn parsed(text: &str) -> ConfigFile {
        ConfigFile::parse(Path::new("/etc/ccmon.yaml"), text.to_owned()).unwrap()
    }

    #[test]
    fn precedence_flag_env_context_default() {
        let file = parsed(FILE);
        let env = Environment::from_pairs([("CCMON_PROMETHEUS_URL", "http://from-env:9090")]);
        let mut g = global();
        let s = resolve(&g, &env, Some(&file), ConfigPathSource::Flag).unwrap();
        assert_eq!(s.prometheus.value.as_str(), "http://from-env:9090/");
        assert_eq!(
            s.prometheus.source,
            Source::Env {
                var: "CCMON_PROMETHEUS_URL"
            }
        );
        assert_eq!(s.alertmanager.value.len(), 2);
        assert!(matches!(s.alertmanager.source, Source::Context { .. }));
        assert_eq!(s.timeout.value, Duration::from_secs(5));

        g.flags.prometheus_url = Some("http://from-flag:9090".into());
        let s = resolve(&g, &env, Some(&file), ConfigPathSource::Flag).unwrap();
        assert_eq!(
            s.prometheus.source,
            Source::Flag {
                flag: "--prometheus-url"
            }
        );

        let s = resolve(
            &global(),
            &Environment::default(),
            None,
            ConfigPathSource::Default,
        )
        .unwrap();
        assert_eq!(s.prometheus.value.as_str(), "http://localhost:9090/");
        assert_eq!(s.prometheus.source, Source::Default);
        assert!(s.redis.is_none());
    }

    #[test]
    fn context_location_is_reported() {
        let file = parsed(FILE);
        let s = resolve(
            &global(),
            &Environment::default(),
            Some(&file),
            ConfigPathSource::Default,
        )
        .unwrap();
        match &s.prometheus.source {
            Source::Context { context, location } => {
                assert_eq!(context, "dev");
                assert_eq!(location, "/etc/ccmon.yaml:5:17");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bad_values_point_at_their_position() {
        let err = ConfigFile::parse(
            Path::new("c.yaml"),
            "contexts:\n  a:\n    promethus: x\n".into(),
        )
        .unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("c.yaml:3:5: "), "{text}");
        let file = parsed("contexts:\n  a:\n    prometheus: 'ftp://x'\ncurrent_context: a\n");
        let err = resolve(
            &global(),
            &Environment::default(),
            Some(&file),
            ConfigPathSource::Default,
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("/etc/ccmon.yaml:3:17: prometheus: unsupported scheme"),
            "{err}"
        );
        let err = ConfigFile::parse(
            Path::new("c.yaml"),
            "current_context: nope\ncontexts: {a: {}}\n".into(),
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("c.yaml:1:18: current_context \"nope\""),
            "{err}"
        );
    }

    #[test]
    fn use_context_keeps_comments() {
        let file = parsed(FILE);
        let text = file.with_current_context("prod").unwrap();
        assert!(
            text.starts_with("# my contexts\ncurrent_context: prod\ncontexts:"),
            "{text}"
        );
        let file = parsed("# c\ncontexts:\n  a: {}\n");
        assert_eq!(
            file.with_current_context("a").unwrap(),
            "# c\ncurrent_context: a\ncontexts:\n  a: {}\n"
        );
        assert_eq!(yaml_scalar("true"), "\"true\"");
        assert_eq!(yaml_scalar("prod-eu.1"), "prod-eu.1");
        assert_eq!(yaml_scalar("a b"), "\"a b\"");
    }

    #[test]
    fn url_passwords_are_registered_secrets() {
        let file = parsed(FILE);
        let _ = resolve(
            &global(),
            &Environment::default(),
            Some(&file),
            ConfigPathSource::Default,
        )
        .unwrap();
        assert_eq!(
            crate::redact::redact("auth devpass failed"),
            "auth *** failed"
        );
    }
}
