//! Every setting, declared once: its name (as `ccmon context show` prints it), the flag,
//! the environment variables, the key in a context of the config file, the default, its
//! kind, and whether it is secret. Resolution (`resolve.rs`: flag > environment > context >
//! default) and `context show` both walk this table; the flags themselves are defined in
//! `src/cli/groups.rs`, with the same names.

use super::env_vars;

/// One setting.
#[derive(Debug)]
pub struct Setting {
    /// Its name in `context show`.
    pub name: &'static str,
    /// The command-line flag, if any.
    pub flag: Option<&'static str>,
    /// Environment variables, in order of precedence.
    pub env: &'static [&'static str],
    /// The key in a context of the config file, if any.
    pub key: Option<&'static str>,
    /// The default, as text, if there is one.
    pub default: Option<&'static str>,
    /// What `context show` says when it has no value.
    pub unset: &'static str,
    /// How the value is read.
    pub kind: Kind,
    /// Whether the value (or part of it, as a URL's password) is secret: `context show`
    /// never prints it, and it is registered with the redactor.
    pub secret: bool,
}

/// How a setting's value is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The config file's path (chosen before any other setting).
    ConfigFile,
    /// A context name.
    Context,
    /// One URL of these schemes.
    Url(UrlKind),
    /// URLs: repeated flags, a comma-separated variable, or one URL or a list in the file.
    Urls(UrlKind),
    /// A URL whose password may come from a file named by the context key `password_key`.
    StoreUrl {
        /// Schemes.
        kind: UrlKind,
        /// The context key of the password file.
        password_key: &'static str,
    },
    /// A secret read from a file, or (from the variable `value_var`) given itself.
    Secret {
        /// The variable that holds the secret itself rather than a file name.
        value_var: &'static str,
    },
    /// User name and password: from the environment, or `basic_auth:` in the context.
    BasicAuth,
    /// `tls:` of the context.
    Tls,
    /// `headers:` of the context.
    Headers,
    /// A duration longer than 0.
    Timeout,
    /// A directory derived from the environment.
    StateDir,
}

/// The schemes a URL setting accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlKind {
    /// http, https.
    Http,
    /// Every scheme the Redis client takes.
    Redis,
    /// postgres, postgresql.
    Postgres,
}

impl UrlKind {
    /// The schemes.
    pub fn schemes(self) -> &'static [&'static str] {
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

const NOT_SET: &str = "(not set)";

/// The config file.
pub const CONFIG_FILE: Setting = Setting {
    name: "config_file",
    flag: Some("--config"),
    env: &["CCMON_CONFIG"],
    key: None,
    default: None,
    unset: NOT_SET,
    kind: Kind::ConfigFile,
    secret: false,
};

/// The context in use.
pub const CONTEXT: Setting = Setting {
    name: "context",
    flag: Some("--context"),
    env: &["CCMON_CONTEXT"],
    key: Some("current_context"),
    default: None,
    unset: NOT_SET,
    kind: Kind::Context,
    secret: false,
};

/// Prometheus base URL.
pub const PROMETHEUS: Setting = Setting {
    name: "prometheus",
    flag: Some("--prometheus-url"),
    env: &[env_vars::PROMETHEUS_URL],
    key: Some("prometheus"),
    default: Some("http://localhost:9090"),
    unset: NOT_SET,
    kind: Kind::Url(UrlKind::Http),
    secret: false,
};

/// Alertmanager base URLs.
pub const ALERTMANAGER: Setting = Setting {
    name: "alertmanager",
    flag: Some("--alertmanager-url"),
    env: &[env_vars::ALERTMANAGER_URL],
    key: Some("alertmanager"),
    default: Some("http://localhost:9093"),
    unset: NOT_SET,
    kind: Kind::Urls(UrlKind::Http),
    secret: false,
};

/// Redis URL.
pub const REDIS: Setting = Setting {
    name: "redis",
    flag: Some("--redis-url"),
    env: &[env_vars::REDIS_URL],
    key: Some("redis"),
    default: None,
    unset: "(not set: events go to the local spool)",
    kind: Kind::StoreUrl {
        kind: UrlKind::Redis,
        password_key: "redis_password_file",
    },
    secret: true,
};

/// PostgreSQL URL.
pub const POSTGRES: Setting = Setting {
    name: "postgres",
    flag: Some("--database-url"),
    env: &[env_vars::DATABASE_URL],
    key: Some("postgres"),
    default: None,
    unset: NOT_SET,
    kind: Kind::StoreUrl {
        kind: UrlKind::Postgres,
        password_key: "postgres_password_file",
    },
    secret: true,
};

/// Bearer token for Prometheus and Alertmanager: never from argv, only from a file or the
/// environment.
pub const BEARER_TOKEN: Setting = Setting {
    name: "bearer_token",
    flag: Some("--bearer-token-file"),
    env: &[env_vars::BEARER_TOKEN, env_vars::BEARER_TOKEN_FILE],
    key: Some("bearer_token_file"),
    default: None,
    unset: NOT_SET,
    kind: Kind::Secret {
        value_var: env_vars::BEARER_TOKEN,
    },
    secret: true,
};

/// Basic auth for Prometheus and Alertmanager.
pub const BASIC_AUTH: Setting = Setting {
    name: "basic_auth",
    flag: None,
    env: &[env_vars::BASIC_AUTH_USERNAME],
    key: Some("basic_auth"),
    default: None,
    unset: NOT_SET,
    kind: Kind::BasicAuth,
    secret: true,
};

/// TLS for Prometheus and Alertmanager (and the CA for Redis).
pub const TLS: Setting = Setting {
    name: "tls",
    flag: None,
    env: &[],
    key: Some("tls"),
    default: None,
    unset: "(system roots)",
    kind: Kind::Tls,
    secret: false,
};

/// Extra HTTP headers.
pub const HEADERS: Setting = Setting {
    name: "headers",
    flag: None,
    env: &[],
    key: Some("headers"),
    default: None,
    unset: "(none)",
    kind: Kind::Headers,
    secret: false,
};

/// Per-request timeout for Prometheus and Alertmanager.
pub const TIMEOUT: Setting = Setting {
    name: "timeout",
    flag: Some("--timeout"),
    env: &[env_vars::TIMEOUT],
    key: Some("timeout"),
    default: Some("30s"),
    unset: NOT_SET,
    kind: Kind::Timeout,
    secret: false,
};

/// The state directory (the spool lives under it).
pub const STATE_DIR: Setting = Setting {
    name: "state_dir",
    flag: None,
    env: &[env_vars::XDG_STATE_HOME, env_vars::HOME],
    key: None,
    default: None,
    unset: NOT_SET,
    kind: Kind::StateDir,
    secret: false,
};

/// Every setting, in the order of `context show`.
pub const SETTINGS: &[&Setting] = &[
    &CONFIG_FILE,
    &CONTEXT,
    &PROMETHEUS,
    &ALERTMANAGER,
    &REDIS,
    &POSTGRES,
    &BEARER_TOKEN,
    &BASIC_AUTH,
    &TLS,
    &HEADERS,
    &TIMEOUT,
    &STATE_DIR,
];
