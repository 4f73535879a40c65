//! The config file: its shape, loading it with positions, and editing `current_context`
//! in place.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_saphyr::Spanned;

use super::{ConfigError, Environment, GlobalSettings};
use crate::yaml;

/// The config file as written, with positions.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct RawConfig {
    pub(super) current_context: Option<Spanned<String>>,
    pub(super) contexts: BTreeMap<String, Spanned<RawContext>>,
    /// `health.checks` for `ccmon health serve` and `health check`.
    pub(super) health: Option<Spanned<crate::health::spec::RawHealth>>,
    /// Read by `ccmon stream` (its own issue); accepted here so the file validates.
    #[serde(rename = "stream")]
    pub(super) _stream: Option<serde::de::IgnoredAny>,
    /// `pricing:` model name or pattern → USD per million tokens, over the built-in table.
    pub(super) pricing: BTreeMap<String, Spanned<RawPrice>>,
}

/// One `pricing:` entry, in USD per million tokens; `input` and `output` are required.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPrice {
    pub(super) input: f64,
    pub(super) output: f64,
    pub(super) cache_read: Option<f64>,
    pub(super) cache_write: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct RawContext {
    pub(super) prometheus: Option<Spanned<String>>,
    pub(super) alertmanager: Option<Spanned<OneOrMany>>,
    pub(super) redis: Option<Spanned<String>>,
    pub(super) redis_password_file: Option<Spanned<PathBuf>>,
    pub(super) postgres: Option<Spanned<String>>,
    pub(super) postgres_password_file: Option<Spanned<PathBuf>>,
    pub(super) bearer_token_file: Option<Spanned<PathBuf>>,
    pub(super) basic_auth: Option<Spanned<RawBasicAuth>>,
    pub(super) tls: Option<RawTls>,
    pub(super) headers: Option<Spanned<BTreeMap<String, String>>>,
    pub(super) timeout: Option<Spanned<String>>,
}

/// `alertmanager:` as one URL or a list of them. Deserialized by hand: serde's untagged
/// enums report a mismatch as "data did not match any variant of untagged enum", which
/// tells the operator neither what is wrong nor what is expected.
#[derive(Debug)]
pub(super) enum OneOrMany {
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
pub(super) struct RawBasicAuth {
    pub(super) username: String,
    pub(super) password_file: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct RawTls {
    pub(super) ca_file: Option<Spanned<PathBuf>>,
    pub(super) cert_file: Option<Spanned<PathBuf>>,
    pub(super) key_file: Option<Spanned<PathBuf>>,
    pub(super) insecure_skip_verify: Option<Spanned<bool>>,
}

/// A loaded config file.
#[derive(Debug)]
pub struct ConfigFile {
    pub(super) path: PathBuf,
    pub(super) text: String,
    pub(super) raw: RawConfig,
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

    pub(super) fn invalid(&self, at: &serde_saphyr::Location, message: String) -> ConfigError {
        ConfigError::Invalid {
            path: self.path.clone(),
            line: at.line(),
            column: at.column(),
            message,
        }
    }

    pub(super) fn available_hint(&self) -> String {
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
    pub(super) fn resolve_path(&self, p: &Path) -> PathBuf {
        if p.is_absolute() {
            return p.to_owned();
        }
        self.path
            .parent()
            .map_or_else(|| p.to_owned(), |dir| dir.join(p))
    }

    /// Returns the text of the file with `current_context` set to `name`, editing only that
    /// value so comments and layout survive.
    pub(super) fn with_current_context(&self, name: &str) -> Result<String, ConfigError> {
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
pub(super) fn yaml_scalar(s: &str) -> String {
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

pub(super) fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
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
