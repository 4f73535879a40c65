//! Resolution: each setting of the table (`table.rs`) from its flag, its environment
//! variables, its key in the context in use, or its default, remembering where it came
//! from; and the rows of `ccmon context show`, from the same table.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_saphyr::{Location, Spanned};

use super::file::{ConfigFile, OneOrMany, RawContext};
use super::table::{self, Kind, SETTINGS, Setting, UrlKind};
use super::*;

/// A value as found, before it is parsed.
#[derive(Debug, Clone)]
enum Raw<'a> {
    /// One text (a flag, a variable, a scalar of the file, a default).
    Text(&'a str),
    /// Several: a repeated flag, or a list in the file.
    Texts(Vec<&'a str>),
    /// A path, as given to a flag or in the file (relative to the file there).
    Path(&'a Path),
    /// Parsed by the flag's value parser already.
    Duration(Duration),
    /// A mapping of the context, read by the setting's own code.
    Section,
}

/// Where a value was found: it becomes the value's [`Source`], and a bad value's error
/// names it (the flag, the variable, or the file's line and column).
#[derive(Debug, Clone, Copy)]
enum Origin<'a> {
    Flag(&'static str),
    Env(&'static str),
    Context {
        file: &'a ConfigFile,
        name: &'a str,
        at: Location,
        key: &'static str,
    },
    Default,
}

impl Origin<'_> {
    fn source(&self) -> Source {
        match *self {
            Origin::Flag(flag) => Source::Flag { flag },
            Origin::Env(var) => Source::Env { var },
            Origin::Context { file, name, at, .. } => Source::Context {
                context: name.to_owned(),
                location: location(file, &at),
            },
            Origin::Default => Source::Default,
        }
    }

    fn error(&self, message: String) -> ConfigError {
        match *self {
            Origin::Flag(flag) => ConfigError::BadFlag { flag, message },
            Origin::Env(var) => ConfigError::BadEnv { var, message },
            Origin::Context { file, at, key, .. } => file.invalid(&at, format!("{key}: {message}")),
            Origin::Default => ConfigError::Conflict {
                message: format!("a built-in default is invalid: {message}"),
            },
        }
    }
}

/// A value and where it was found.
#[derive(Debug)]
struct Found<'a> {
    raw: Raw<'a>,
    origin: Origin<'a>,
}

impl Found<'_> {
    fn sourced<T>(&self, value: T) -> Sourced<T> {
        Sourced {
            value,
            source: self.origin.source(),
        }
    }

    /// The value as one or more texts.
    fn texts(&self) -> Vec<&str> {
        match &self.raw {
            Raw::Text(t) => vec![t],
            Raw::Texts(list) => list.clone(),
            Raw::Path(p) => p.to_str().into_iter().collect(),
            Raw::Duration(_) | Raw::Section => Vec::new(),
        }
    }

    /// The value as one text.
    fn text(&self) -> Result<&str, ConfigError> {
        match self.texts().as_slice() {
            [one] => Ok(one),
            _ => Err(self.origin.error("expected one value".to_owned())),
        }
    }
}

impl FlagSettings {
    /// The value given to `flag`, if any.
    fn get(&self, flag: &str) -> Option<Raw<'_>> {
        match flag {
            "--prometheus-url" => self.prometheus_url.as_deref().map(Raw::Text),
            "--alertmanager-url" => (!self.alertmanager_urls.is_empty())
                .then(|| Raw::Texts(self.alertmanager_urls.iter().map(String::as_str).collect())),
            "--redis-url" => self.redis_url.as_deref().map(Raw::Text),
            "--database-url" => self.database_url.as_deref().map(Raw::Text),
            "--bearer-token-file" => self.bearer_token_file.as_deref().map(Raw::Path),
            "--timeout" => self.timeout.map(Raw::Duration),
            _ => None,
        }
    }
}

impl RawContext {
    /// The value of `key`, and where it is.
    fn get(&self, key: &str) -> Option<(Raw<'_>, Location)> {
        fn text(v: &Option<Spanned<String>>) -> Option<(Raw<'_>, Location)> {
            v.as_ref()
                .map(|v| (Raw::Text(v.value.as_str()), v.referenced))
        }
        fn path(v: &Option<Spanned<PathBuf>>) -> Option<(Raw<'_>, Location)> {
            v.as_ref()
                .map(|v| (Raw::Path(v.value.as_path()), v.referenced))
        }
        match key {
            "prometheus" => text(&self.prometheus),
            "alertmanager" => self.alertmanager.as_ref().map(|v| {
                let list = match &v.value {
                    OneOrMany::One(s) => vec![s.as_str()],
                    OneOrMany::Many(list) => list.iter().map(String::as_str).collect(),
                };
                (Raw::Texts(list), v.referenced)
            }),
            "redis" => text(&self.redis),
            "redis_password_file" => path(&self.redis_password_file),
            "postgres" => text(&self.postgres),
            "postgres_password_file" => path(&self.postgres_password_file),
            "bearer_token_file" => path(&self.bearer_token_file),
            "timeout" => text(&self.timeout),
            "basic_auth" => self
                .basic_auth
                .as_ref()
                .map(|b| (Raw::Section, b.referenced)),
            "headers" => self.headers.as_ref().map(|h| (Raw::Section, h.referenced)),
            // `tls:` is not spanned itself: the first of its keys given says where it is.
            "tls" => self.tls.as_ref().and_then(|t| {
                [&t.ca_file, &t.cert_file, &t.key_file]
                    .into_iter()
                    .flatten()
                    .map(|s| s.referenced)
                    .next()
                    .or(t.insecure_skip_verify.as_ref().map(|s| s.referenced))
                    .map(|at| (Raw::Section, at))
            }),
            _ => None,
        }
    }
}

/// What resolution reads: the flags, the environment, and the context in use.
struct Inputs<'a> {
    flags: &'a FlagSettings,
    env: &'a Environment,
    ctx: Option<(&'a ConfigFile, &'a str, &'a RawContext)>,
}

impl<'a> Inputs<'a> {
    /// The first place with a value for `setting`: its flag, its variables in order, its
    /// key in the context, its default.
    fn find(&self, setting: &'static Setting) -> Option<Found<'a>> {
        if let Some(flag) = setting.flag
            && let Some(raw) = self.flags.get(flag)
        {
            return Some(Found {
                raw,
                origin: Origin::Flag(flag),
            });
        }
        for &var in setting.env {
            if let Some(v) = self.env.get(var) {
                return Some(Found {
                    raw: Raw::Text(v),
                    origin: Origin::Env(var),
                });
            }
        }
        if let (Some(key), Some((file, name, c))) = (setting.key, self.ctx)
            && let Some((raw, at)) = c.get(key)
        {
            return Some(Found {
                raw,
                origin: Origin::Context {
                    file,
                    name,
                    at,
                    key,
                },
            });
        }
        setting.default.map(|d| Found {
            raw: Raw::Text(d),
            origin: Origin::Default,
        })
    }

    /// A setting that always has a value (it has a default).
    fn found(&self, setting: &'static Setting) -> Result<Found<'a>, ConfigError> {
        self.find(setting).ok_or_else(|| ConfigError::Conflict {
            message: format!("the setting {} has no default", setting.name),
        })
    }

    fn url(&self, setting: &'static Setting) -> Result<Option<Sourced<url::Url>>, ConfigError> {
        let (Kind::Url(kind) | Kind::StoreUrl { kind, .. }) = setting.kind else {
            return Ok(None);
        };
        let Some(found) = self.find(setting) else {
            return Ok(None);
        };
        let mut url = parse_url(found.text()?, kind, &found.origin)?;
        // A password file of the context goes with a URL of the context only.
        if let Kind::StoreUrl { password_key, .. } = setting.kind
            && let Origin::Context { file, key, .. } = found.origin
            && let Some((_, _, c)) = self.ctx
            && let Some((Raw::Path(p), at)) = c.get(password_key)
        {
            let secret = SecretRef::File(file.resolve_path(p)).load()?;
            if url.set_password(Some(secret.expose())).is_err() {
                return Err(file.invalid(&at, format!("{key}: this URL cannot carry a password")));
            }
        }
        Ok(Some(found.sourced(url)))
    }

    fn urls(&self, setting: &'static Setting) -> Result<Sourced<Vec<url::Url>>, ConfigError> {
        let found = self.found(setting)?;
        let Kind::Urls(kind) = setting.kind else {
            return Err(found.origin.error("expected URLs".to_owned()));
        };
        let texts: Vec<&str> = match (&found.origin, &found.raw) {
            // A variable holds them comma-separated.
            (Origin::Env(_), Raw::Text(t)) => t
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect(),
            _ => found.texts(),
        };
        if texts.is_empty() && matches!(found.origin, Origin::Context { .. }) {
            return Err(found.origin.error("the list of URLs is empty".to_owned()));
        }
        let urls = texts
            .into_iter()
            .map(|t| parse_url(t, kind, &found.origin))
            .collect::<Result<_, _>>()?;
        Ok(found.sourced(urls))
    }

    fn secret(&self, setting: &'static Setting) -> Result<Option<Sourced<SecretRef>>, ConfigError> {
        let Some(found) = self.find(setting) else {
            return Ok(None);
        };
        let value = match (setting.kind, found.origin, &found.raw) {
            (Kind::Secret { value_var }, Origin::Env(var), Raw::Text(t)) if var == value_var => {
                SecretRef::Value(Secret::new((*t).to_owned()))
            }
            (_, Origin::Context { file, .. }, Raw::Path(p)) => {
                SecretRef::File(file.resolve_path(p))
            }
            (_, _, Raw::Path(p)) => SecretRef::File(p.to_path_buf()),
            (_, _, Raw::Text(t)) => SecretRef::File(PathBuf::from(t)),
            _ => return Err(found.origin.error("expected a file name".to_owned())),
        };
        Ok(Some(found.sourced(value)))
    }

    fn timeout(&self, setting: &'static Setting) -> Result<Sourced<Duration>, ConfigError> {
        let found = self.found(setting)?;
        let value = match &found.raw {
            Raw::Duration(d) => *d,
            _ => parse_timeout(found.text()?).map_err(|m| found.origin.error(m))?,
        };
        Ok(found.sourced(value))
    }

    fn basic_auth(&self) -> Option<Sourced<BasicAuth>> {
        let found = self.find(&table::BASIC_AUTH)?;
        let value = match (found.origin, &found.raw) {
            (Origin::Env(_), Raw::Text(user)) => BasicAuth {
                username: (*user).to_owned(),
                password: self
                    .env
                    .get(env_vars::BASIC_AUTH_PASSWORD)
                    .map(|v| SecretRef::Value(Secret::new(v.to_owned())))
                    .or_else(|| {
                        self.env
                            .get(env_vars::BASIC_AUTH_PASSWORD_FILE)
                            .map(|p| SecretRef::File(PathBuf::from(p)))
                    }),
            },
            (Origin::Context { file, .. }, _) => {
                let b = self.ctx?.2.basic_auth.as_ref()?;
                BasicAuth {
                    username: b.value.username.clone(),
                    password: b
                        .value
                        .password_file
                        .as_ref()
                        .map(|p| SecretRef::File(file.resolve_path(p))),
                }
            }
            _ => return None,
        };
        Some(found.sourced(value))
    }

    fn tls(&self) -> Result<Sourced<TlsSettings>, ConfigError> {
        let none = Sourced {
            value: TlsSettings::default(),
            source: Source::Default,
        };
        let (Some(found), Some((f, _, c))) = (self.find(&table::TLS), self.ctx) else {
            return Ok(none);
        };
        let Some(t) = &c.tls else {
            return Ok(none);
        };
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
                .unwrap_or(Location::UNKNOWN);
            return Err(f.invalid(
                &at,
                "tls: cert_file and key_file must be given together".into(),
            ));
        }
        Ok(found.sourced(settings))
    }

    fn headers(&self) -> Result<Sourced<BTreeMap<String, String>>, ConfigError> {
        let (Some(found), Some((_, _, c))) = (self.find(&table::HEADERS), self.ctx) else {
            return Ok(Sourced {
                value: BTreeMap::new(),
                source: Source::Default,
            });
        };
        let Some(h) = &c.headers else {
            return Ok(found.sourced(BTreeMap::new()));
        };
        for (name, value) in &h.value {
            if reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_err()
                || reqwest::header::HeaderValue::from_str(value).is_err()
            {
                return Err(found
                    .origin
                    .error(format!("{name:?} is not a valid HTTP header")));
            }
            if name.eq_ignore_ascii_case("authorization") {
                return Err(found.origin.error(
                    "set Authorization with bearer_token_file or basic_auth, so the secret \
                     stays out of the config file"
                        .into(),
                ));
            }
        }
        Ok(found.sourced(h.value.clone()))
    }
}

pub(super) fn resolve(
    global: &GlobalSettings,
    env: &Environment,
    file: Option<&ConfigFile>,
    file_source: ConfigPathSource,
) -> Result<Settings, ConfigError> {
    let (config_flag, config_var) = (table::CONFIG_FILE.flag, table::CONFIG_FILE.env.first());
    let config_file = file.map(|f| Sourced {
        value: f.path.clone(),
        source: match (file_source, config_flag, config_var) {
            (ConfigPathSource::Flag, Some(flag), _) => Source::Flag { flag },
            (ConfigPathSource::Env, _, Some(var)) => Source::Env { var },
            _ => Source::Default,
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
            let source = match (global.context_from_env, table::CONTEXT.env.first()) {
                (true, Some(var)) => Source::Env { var },
                _ => Source::Flag {
                    flag: table::CONTEXT.flag.unwrap_or("--context"),
                },
            };
            Some(Sourced {
                value: name.clone(),
                source,
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
    let inputs = Inputs {
        flags: &global.flags,
        env,
        ctx: match (&context, file) {
            (Some(c), Some(f)) => f
                .raw
                .contexts
                .get(&c.value)
                .map(|raw| (f, c.value.as_str(), &raw.value)),
            _ => None,
        },
    };

    let prometheus = inputs
        .url(&table::PROMETHEUS)?
        .ok_or_else(|| ConfigError::Conflict {
            message: "the setting prometheus has no default".to_owned(),
        })?;
    let alertmanager = inputs.urls(&table::ALERTMANAGER)?;
    let redis = inputs.url(&table::REDIS)?;
    let postgres = inputs.url(&table::POSTGRES)?;
    let bearer_token = inputs.secret(&table::BEARER_TOKEN)?;
    let basic_auth = inputs.basic_auth();
    if bearer_token.is_some() && basic_auth.is_some() {
        return Err(ConfigError::Conflict {
            message: "both a bearer token and basic auth are configured; an Authorization \
                      header can carry only one"
                .to_owned(),
        });
    }
    let tls = inputs.tls()?;
    let headers = inputs.headers()?;
    let timeout = inputs.timeout(&table::TIMEOUT)?;

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

/// One row of `ccmon context show`.
#[derive(Debug, serde::Serialize)]
pub struct Shown {
    /// The setting's name.
    pub setting: &'static str,
    /// Its value; secrets never shown.
    pub value: String,
    /// Where it came from.
    pub source: Source,
}

impl Settings {
    /// Every setting of the table with its value and source, as `context show` prints them.
    pub fn shown(&self) -> Vec<Shown> {
        SETTINGS
            .iter()
            .map(|setting| {
                let (value, source) = self
                    .show(setting)
                    .unwrap_or_else(|| (setting.unset.to_owned(), Source::Default));
                Shown {
                    setting: setting.name,
                    value,
                    source,
                }
            })
            .collect()
    }

    /// The value and source of `setting`, found by its kind (each setting has its own; a
    /// unit test holds the table to that), or `None` when it has no value.
    fn show(&self, setting: &Setting) -> Option<(String, Source)> {
        fn with<T>(s: &Sourced<T>, show: impl FnOnce(&T) -> String) -> (String, Source) {
            (show(&s.value), s.source.clone())
        }
        Some(match setting.kind {
            Kind::ConfigFile => with(self.config_file.as_ref()?, |p| p.display().to_string()),
            Kind::Context => with(self.context.as_ref()?, String::clone),
            Kind::Url(_) => with(&self.prometheus, shown_url),
            Kind::Urls(_) => with(&self.alertmanager, |urls| {
                urls.iter().map(shown_url).collect::<Vec<_>>().join(", ")
            }),
            Kind::StoreUrl { kind, .. } => match kind {
                UrlKind::Redis => with(self.redis.as_ref()?, shown_url),
                _ => with(self.postgres.as_ref()?, shown_url),
            },
            Kind::Secret { .. } => with(self.bearer_token.as_ref()?, SecretRef::describe),
            Kind::BasicAuth => with(self.basic_auth.as_ref()?, |b| {
                format!(
                    "user {}, password {}",
                    b.username,
                    b.password
                        .as_ref()
                        .map_or_else(|| "(none)".to_owned(), SecretRef::describe)
                )
            }),
            Kind::Tls => {
                let t = &self.tls.value;
                let mut parts = Vec::new();
                for (name, path) in [
                    ("ca_file", &t.ca_file),
                    ("cert_file", &t.cert_file),
                    ("key_file", &t.key_file),
                ] {
                    if let Some(p) = path {
                        parts.push(format!("{name} {}", p.display()));
                    }
                }
                if t.insecure_skip_verify {
                    parts.push("insecure_skip_verify".to_owned());
                }
                if parts.is_empty() {
                    return None;
                }
                (parts.join(", "), self.tls.source.clone())
            }
            Kind::Headers => {
                if self.headers.value.is_empty() {
                    return None;
                }
                with(&self.headers, |h| {
                    h.iter()
                        .map(|(k, v)| format!("{k}: {v}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
            }
            Kind::Timeout => with(&self.timeout, |d| crate::duration::format(*d)),
            Kind::StateDir => (
                self.state_dir.as_ref()?.display().to_string(),
                Source::Default,
            ),
        })
    }
}

/// A URL with its password masked.
fn shown_url(u: &url::Url) -> String {
    let mut u = u.clone();
    if u.password().is_some() {
        let _ = u.set_password(Some(crate::redact::MASK));
    }
    u.to_string()
}

pub(crate) fn parse_timeout(v: &str) -> Result<Duration, String> {
    match crate::duration::parse(v) {
        Ok(d) if d.is_zero() => Err("a timeout must be longer than 0".to_owned()),
        Ok(d) => Ok(d),
        Err(e) => Err(e.to_string()),
    }
}

fn location(f: &ConfigFile, at: &Location) -> String {
    format!("{}:{}:{}", f.path.display(), at.line(), at.column())
}

fn parse_url(value: &str, kind: UrlKind, at: &Origin<'_>) -> Result<url::Url, ConfigError> {
    // Before parsing: a value the parser rejects (a password with `/` or `?`, a libpq
    // key=value string) must not reach an error message or a log in clear either.
    crate::redact::register_url_secrets(value);
    let problem = match url::Url::parse(value) {
        Ok(url) if kind.schemes().contains(&url.scheme()) => {
            // A URL's password is a secret wherever else it may show up.
            if let Some(pw) = url.password() {
                register_secret(pw);
                if let Ok(decoded) = crate::redact::percent_decode(pw) {
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
    Err(at.error(problem))
}
