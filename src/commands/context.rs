//! `ccmon context ls|use|show`: the contexts of the config file and the effective settings.

use serde::Serialize;

use crate::config::{self, Environment, GlobalSettings, Loaded, Shown};
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

/// The effective settings, for `context show`.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct SettingList(pub Vec<Shown>);

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
    printer.print(&SettingList(settings.shown()))?;
    Ok(ExitStatus::Success.into())
}
