//! `.ccmon-lint.yaml`: the team's rule policy (required labels and annotations, allowed
//! severities, extra metric names, disabled codes, severity overrides), found by walking up
//! from each linted file, as ruff finds `ruff.toml`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::catalog::{Catalog, Entry};
use super::diagnostic::{Code, Severity};

/// The file name searched for.
pub const FILE_NAME: &str = ".ccmon-lint.yaml";

/// The policy as written in the file; every key is optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    required_labels: Option<Vec<String>>,
    required_annotations: Option<Vec<String>>,
    allowed_severities: Option<Vec<String>>,
    #[serde(default)]
    metrics: MetricList,
    metrics_file: Option<PathBuf>,
    #[serde(default)]
    disabled: Vec<String>,
    #[serde(default)]
    severity: HashMap<String, String>,
}

/// `metrics:` as a list of names or a mapping of name to type. Deserialized by hand: an
/// untagged enum would report a mismatch as "data did not match any variant of untagged
/// enum", which says neither what is wrong nor what is expected.
#[derive(Debug, Clone)]
enum MetricList {
    Names(Vec<String>),
    Typed(HashMap<String, String>),
}

impl<'de> Deserialize<'de> for MetricList {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = MetricList;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a list of metric names, or a mapping of metric name to type")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<MetricList, A::Error> {
                let mut names = Vec::new();
                while let Some(name) = seq.next_element::<String>()? {
                    names.push(name);
                }
                Ok(MetricList::Names(names))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<MetricList, A::Error> {
                let mut typed = HashMap::new();
                while let Some((name, kind)) = map.next_entry::<String, String>()? {
                    typed.insert(name, kind);
                }
                Ok(MetricList::Typed(typed))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl Default for MetricList {
    fn default() -> Self {
        MetricList::Names(Vec::new())
    }
}

/// The policy in force for a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Where it came from; `None` for the defaults.
    pub path: Option<PathBuf>,
    /// Labels every alert must have.
    pub required_labels: Vec<String>,
    /// Annotations every alert must have.
    pub required_annotations: Vec<String>,
    /// Values the `severity` label may take; `None` means any.
    pub allowed_severities: Option<Vec<String>>,
    /// Extra metric names (and optional types: counter, gauge, histogram, summary, ...).
    pub metrics: Vec<(String, Option<String>)>,
    /// The families of `metrics_file:` (a catalogue file, as `ccmon rules catalog export`
    /// writes it), read when the settings are loaded.
    pub metrics_file: Vec<Entry>,
    /// Codes or families switched off.
    pub disabled: Vec<String>,
    /// Severity overrides by code or family.
    pub severity: Vec<(String, Severity)>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            path: None,
            required_labels: vec!["severity".to_owned()],
            required_annotations: vec!["summary".to_owned()],
            allowed_severities: None,
            metrics: Vec::new(),
            metrics_file: Vec::new(),
            disabled: Vec::new(),
            severity: Vec::new(),
        }
    }
}

/// A settings file that cannot be used; the run stops with exit 2.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// Unreadable.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// Not the expected shape.
    #[error("{path}:{source}")]
    Yaml {
        /// The file.
        path: String,
        /// Where and what.
        source: crate::yaml::YamlError,
    },
    /// A value that means nothing.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong and what is allowed.
        message: String,
    },
}

impl Settings {
    /// Reads a settings file.
    pub fn load(path: &Path) -> Result<Self, SettingsError> {
        let display = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| SettingsError::Read {
            path: display.clone(),
            source,
        })?;
        let raw: RawSettings =
            crate::yaml::from_str(&text).map_err(|source| SettingsError::Yaml {
                path: display.clone(),
                source,
            })?;
        let invalid = |message: String| SettingsError::Invalid {
            path: display.clone(),
            message,
        };
        for code in raw.disabled.iter().chain(raw.severity.keys()) {
            if !Code::ALL.iter().any(|c| c.matches(code)) {
                return Err(invalid(format!(
                    "unknown code {code:?}; `ccmon rules lint --list-codes` lists them"
                )));
            }
        }
        let mut severity = Vec::new();
        for (code, name) in raw.severity {
            let level = Severity::from_name(&name).ok_or_else(|| {
                invalid(format!(
                    "severity of {code:?} must be error, warning or info, not {name:?}"
                ))
            })?;
            severity.push((code, level));
        }
        // Exact codes win over families, whatever the file's order.
        severity.sort_by_key(|(code, _)| std::cmp::Reverse(code.len()));
        let metrics = match raw.metrics {
            MetricList::Names(names) => names.into_iter().map(|n| (n, None)).collect(),
            MetricList::Typed(map) => {
                let mut list: Vec<_> = map.into_iter().map(|(n, t)| (n, Some(t))).collect();
                list.sort();
                list
            }
        };
        let metrics_file = match &raw.metrics_file {
            None => Vec::new(),
            Some(file) => {
                // Relative to the settings file, so the repository can be linted from anywhere.
                let file = path.parent().unwrap_or(Path::new(".")).join(file);
                let shown = file.display().to_string();
                let text = std::fs::read_to_string(&file).map_err(|source| {
                    invalid(format!("metrics_file: cannot read {shown}: {source}"))
                })?;
                let (entries, errors) = Catalog::parse_source(&shown, "metrics_file", &text);
                if let Some(first) = errors.first() {
                    return Err(invalid(format!(
                        "metrics_file: {first} (the format `ccmon rules catalog export` writes: `name type [label ...] [-- help]`)"
                    )));
                }
                entries
            }
        };
        let defaults = Settings::default();
        Ok(Settings {
            metrics_file,
            path: Some(path.to_path_buf()),
            required_labels: raw.required_labels.unwrap_or(defaults.required_labels),
            required_annotations: raw
                .required_annotations
                .unwrap_or(defaults.required_annotations),
            allowed_severities: raw.allowed_severities,
            metrics,
            disabled: raw.disabled,
            severity,
        })
    }

    /// The severity `code` reports at, or `None` when it is disabled.
    pub fn severity_of(&self, code: Code) -> Option<Severity> {
        if self.disabled.iter().any(|d| code.matches(d)) {
            return None;
        }
        Some(
            self.severity
                .iter()
                .find(|(pattern, _)| code.matches(pattern))
                .map_or(code.default_severity(), |(_, s)| *s),
        )
    }
}

/// Finds and caches the settings file for each directory.
#[derive(Debug, Default)]
pub struct Finder {
    cache: HashMap<PathBuf, Option<PathBuf>>,
}

impl Finder {
    /// The nearest `.ccmon-lint.yaml` at or above `dir`.
    pub fn find(&mut self, dir: &Path) -> Option<PathBuf> {
        let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        let mut chain = Vec::new();
        let mut found = None;
        let mut current = Some(dir.as_path());
        while let Some(d) = current {
            if let Some(cached) = self.cache.get(d) {
                found = cached.clone();
                break;
            }
            chain.push(d.to_path_buf());
            let candidate = d.join(FILE_NAME);
            if candidate.is_file() {
                found = Some(candidate);
                break;
            }
            current = d.parent();
        }
        for d in chain {
            self.cache.insert(d, found.clone());
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_overrides_defaults_and_rejects_unknown_codes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(FILE_NAME);
        std::fs::write(
            &path,
            "required_labels: [severity, team]\nallowed_severities: [P0, P1]\nmetrics: {my_total: counter}\ndisabled: [promql/regex]\nseverity: {catalog: error, catalog/unknown-metric: info}\n",
        )
        .expect("write");
        let settings = Settings::load(&path).expect("valid");
        assert_eq!(settings.required_labels, ["severity", "team"]);
        assert_eq!(settings.required_annotations, ["summary"]);
        assert_eq!(settings.severity_of(Code::Regex), None);
        assert_eq!(
            settings.severity_of(Code::UnknownMetric),
            Some(Severity::Info)
        );
        assert_eq!(
            settings.severity_of(Code::PromqlSyntax),
            Some(Severity::Error)
        );
        assert_eq!(
            settings.metrics,
            [("my_total".to_owned(), Some("counter".to_owned()))]
        );

        std::fs::write(&path, "disabled: [promql/nope]\n").expect("write");
        let err = Settings::load(&path).expect_err("unknown code");
        assert!(
            err.to_string().contains("unknown code \"promql/nope\""),
            "{err}"
        );

        std::fs::write(&path, "required_label: [x]\n").expect("write");
        let err = Settings::load(&path).expect_err("unknown key");
        assert!(err.to_string().contains(":1:"), "{err}");
    }

    #[test]
    fn the_finder_walks_up() {
        let dir = tempfile::tempdir().expect("tempdir");
        let nested = dir.path().join("a/b");
        std::fs::create_dir_all(&nested).expect("mkdir");
        std::fs::write(dir.path().join(FILE_NAME), "{}\n").expect("write");
        let mut finder = Finder::default();
        let found = finder.find(&nested).expect("found");
        assert!(found.ends_with(FILE_NAME));
        assert_eq!(finder.find(&dir.path().join("a")), Some(found));
    }
}
