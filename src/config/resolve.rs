//! Resolution: each setting from flag, environment, context or default.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use serde_saphyr::Spanned;

use super::file::{ConfigFile, OneOrMany, RawContext};
use super::*;

pub(super) fn resolve(
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

    let timeout = if let Some(v) = global.flags.timeout {
        Sourced {
            value: v,
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

pub(crate) fn parse_timeout(v: &str) -> Result<Duration, String> {
    match crate::duration::parse(v) {
        Ok(d) if d.is_zero() => Err("a timeout must be longer than 0".to_owned()),
        Ok(d) => Ok(d),
        Err(e) => Err(e.to_string()),
    }
}

pub(super) fn location(f: &ConfigFile, at: &serde_saphyr::Location) -> String {
    format!("{}:{}:{}", f.path.display(), at.line(), at.column())
}

/// A store URL from a context, with its optional password file.
pub(super) type ContextUrl<'a> = (
    &'a ConfigFile,
    &'a Spanned<String>,
    Option<&'a Spanned<PathBuf>>,
);

#[allow(clippy::too_many_arguments)]
pub(super) fn resolve_store_url(
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
pub(super) enum UrlKind {
    Http,
    Redis,
    Postgres,
}

impl UrlKind {
    pub(super) fn schemes(self) -> &'static [&'static str] {
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

pub(super) enum Where<'a> {
    Flag(&'static str),
    Env(&'static str),
    File(&'a ConfigFile, serde_saphyr::Location, &'static str),
}

pub(super) fn parse_url<'a>(
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

pub(super) fn percent_decode(s: &str) -> Result<String, std::str::Utf8Error> {
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
