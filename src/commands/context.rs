//! `ccmon context ls|use|show`: the contexts of the config file and the effective settings.

use serde::Serialize;

use crate::config::{self, Environment, GlobalSettings, Loaded, Settings, Source};
use crate::exit::{ExitStatus, Outcome};
use crate::output::{Printer, Tabular, write_stderr_line};

/// One context of the config file.
#[derive(Debug, Serialize)]
pub struct ContextRow {
    /// Context name.
    pub name: String,
    /// Whether it is the one in use.
    pub current: bool,
}

/// The contexts, for `context ls`.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct ContextList(pub Vec<ContextRow>);

impl Tabular for ContextList {
    fn headers(&self, _wide: bool) -> Vec<&'static str> {
        vec!["CURRENT", "NAME"]
    }

    fn rows(&self, _wide: bool) -> Vec<Vec<String>> {
        self.0
            .iter()
            .map(|c| {
                vec![
                    if c.current { "*".into() } else { String::new() },
                    c.name.clone(),
                ]
            })
            .collect()
    }

    fn empty_message(&self) -> Option<&'static str> {
        Some("no contexts defined; add them under `contexts:` in the config file")
    }
}

/// Lists contexts; the one in use (after --context / CCMON_CONTEXT) is marked.
pub fn ls(
    global: &GlobalSettings,
    env: &Environment,
    printer: &Printer,
) -> anyhow::Result<Outcome> {
    let loaded = config::load(global, env)?;
    let Some(file) = &loaded.file else {
        if let Some(path) = env.default_config_path() {
            write_stderr_line(&format!(
                "no config file at {}; defaults are in use",
                path.display()
            ));
        }
        printer.print(&ContextList(Vec::new()))?;
        return Ok(ExitStatus::Success.into());
    };
    let current = loaded.settings.context.as_ref().map(|c| c.value.as_str());
    let list = ContextList(
        file.context_names()
            .map(|name| ContextRow {
                name: name.to_owned(),
                current: Some(name) == current,
            })
            .collect(),
    );
    printer.print(&list)?;
    Ok(ExitStatus::Success.into())
}

/// Sets the current context in the config file.
pub fn use_(global: &GlobalSettings, env: &Environment, name: &str) -> anyhow::Result<Outcome> {
    let path = config::use_context(global, env, name)?;
    write_stderr_line(&format!(
        "switched to context {name:?} in {}",
        path.display()
    ));
    Ok(ExitStatus::Success.into())
}

/// One effective setting.
#[derive(Debug, Serialize)]
pub struct SettingRow {
    /// Setting name, as in the config file.
    pub setting: &'static str,
    /// Its value (secrets never shown).
    pub value: String,
    /// Where it came from.
    pub source: Source,
}

/// The effective settings, for `context show`.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct SettingList(pub Vec<SettingRow>);

impl Tabular for SettingList {
    fn headers(&self, _wide: bool) -> Vec<&'static str> {
        vec!["SETTING", "VALUE", "SOURCE"]
    }

    fn rows(&self, _wide: bool) -> Vec<Vec<String>> {
        self.0
            .iter()
            .map(|r| vec![r.setting.to_owned(), r.value.clone(), r.source.to_string()])
            .collect()
    }
}

/// Shows every effective setting and its source.
pub fn show(
    global: &GlobalSettings,
    env: &Environment,
    printer: &Printer,
) -> anyhow::Result<Outcome> {
    let Loaded { settings, .. } = config::load(global, env)?;
    printer.print(&SettingList(setting_rows(&settings)))?;
    Ok(ExitStatus::Success.into())
}

fn url(u: &url::Url) -> String {
    let mut u = u.clone();
    if u.password().is_some() {
        let _ = u.set_password(Some(crate::redact::MASK));
    }
    u.to_string()
}

fn setting_rows(s: &Settings) -> Vec<SettingRow> {
    let none = |setting| SettingRow {
        setting,
        value: "(not set)".to_owned(),
        source: Source::Default,
    };
    let mut rows = vec![
        match &s.config_file {
            Some(f) => SettingRow {
                setting: "config_file",
                value: f.value.display().to_string(),
                source: f.source.clone(),
            },
            None => none("config_file"),
        },
        match &s.context {
            Some(c) => SettingRow {
                setting: "context",
                value: c.value.clone(),
                source: c.source.clone(),
            },
            None => none("context"),
        },
        SettingRow {
            setting: "prometheus",
            value: url(&s.prometheus.value),
            source: s.prometheus.source.clone(),
        },
        SettingRow {
            setting: "alertmanager",
            value: s
                .alertmanager
                .value
                .iter()
                .map(url)
                .collect::<Vec<_>>()
                .join(", "),
            source: s.alertmanager.source.clone(),
        },
    ];
    rows.push(match &s.redis {
        Some(r) => SettingRow {
            setting: "redis",
            value: url(&r.value),
            source: r.source.clone(),
        },
        None => SettingRow {
            setting: "redis",
            value: "(not set: events go to the local spool)".to_owned(),
            source: Source::Default,
        },
    });
    rows.push(match &s.postgres {
        Some(p) => SettingRow {
            setting: "postgres",
            value: url(&p.value),
            source: p.source.clone(),
        },
        None => none("postgres"),
    });
    rows.push(match &s.bearer_token {
        Some(t) => SettingRow {
            setting: "bearer_token",
            value: t.value.describe(),
            source: t.source.clone(),
        },
        None => none("bearer_token"),
    });
    rows.push(match &s.basic_auth {
        Some(b) => SettingRow {
            setting: "basic_auth",
            value: format!(
                "user {}, password {}",
                b.value.username,
                b.value
                    .password
                    .as_ref()
                    .map_or_else(|| "(none)".to_owned(), |p| p.describe())
            ),
            source: b.source.clone(),
        },
        None => none("basic_auth"),
    });
    let tls = &s.tls.value;
    let mut tls_parts = Vec::new();
    if let Some(p) = &tls.ca_file {
        tls_parts.push(format!("ca_file {}", p.display()));
    }
    if let Some(p) = &tls.cert_file {
        tls_parts.push(format!("cert_file {}", p.display()));
    }
    if let Some(p) = &tls.key_file {
        tls_parts.push(format!("key_file {}", p.display()));
    }
    if tls.insecure_skip_verify {
        tls_parts.push("insecure_skip_verify".to_owned());
    }
    rows.push(SettingRow {
        setting: "tls",
        value: if tls_parts.is_empty() {
            "(system roots)".to_owned()
        } else {
            tls_parts.join(", ")
        },
        source: s.tls.source.clone(),
    });
    rows.push(SettingRow {
        setting: "headers",
        value: if s.headers.value.is_empty() {
            "(none)".to_owned()
        } else {
            s.headers
                .value
                .iter()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        },
        source: s.headers.source.clone(),
    });
    rows.push(SettingRow {
        setting: "timeout",
        value: crate::duration::format(s.timeout.value),
        source: s.timeout.source.clone(),
    });
    rows.push(match &s.state_dir {
        Some(d) => SettingRow {
            setting: "state_dir",
            value: d.display().to_string(),
            source: Source::Default,
        },
        None => none("state_dir"),
    });
    rows
}
