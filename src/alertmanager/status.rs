//! A summary of the configuration an Alertmanager reports in `/api/v2/status`: how many
//! receivers, routes, inhibit rules and templates it runs with, which is what an operator
//! checks after a reload, without reading the whole YAML.

use serde::Deserialize;
use serde::de::IgnoredAny;

/// Counts of the main parts of a config.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ConfigSummary {
    /// Receiver names.
    pub receivers: Vec<String>,
    /// Routes, including the root.
    pub routes: usize,
    /// Inhibit rules.
    pub inhibit_rules: usize,
    /// Template globs.
    pub templates: usize,
    /// Time intervals (mute/active).
    pub time_intervals: usize,
}

#[derive(Debug, Default, Deserialize)]
struct RawConfig {
    #[serde(default)]
    route: Option<RawRoute>,
    #[serde(default)]
    receivers: Vec<RawNamed>,
    #[serde(default)]
    inhibit_rules: Vec<IgnoredAny>,
    #[serde(default)]
    templates: Vec<IgnoredAny>,
    #[serde(default)]
    time_intervals: Vec<IgnoredAny>,
    #[serde(default)]
    mute_time_intervals: Vec<IgnoredAny>,
}

#[derive(Debug, Default, Deserialize)]
struct RawRoute {
    #[serde(default)]
    routes: Vec<RawRoute>,
}

#[derive(Debug, Default, Deserialize)]
struct RawNamed {
    #[serde(default)]
    name: String,
}

fn count_routes(route: &RawRoute) -> usize {
    1 + route.routes.iter().map(count_routes).sum::<usize>()
}

/// Summarises the config text; `None` when it is not the YAML Alertmanager documents.
pub fn summarize(original: &str) -> Option<ConfigSummary> {
    let raw: RawConfig = crate::yaml::from_str(original).ok()?;
    Some(ConfigSummary {
        receivers: raw.receivers.into_iter().map(|r| r.name).collect(),
        routes: raw.route.as_ref().map_or(0, count_routes),
        inhibit_rules: raw.inhibit_rules.len(),
        templates: raw.templates.len(),
        time_intervals: raw.time_intervals.len() + raw.mute_time_intervals.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_the_parts() {
        let text = "\
global: {resolve_timeout: 5m}
route:
  receiver: a
  routes:
    - receiver: b
      routes: [{receiver: a}]
    - receiver: a
receivers: [{name: a}, {name: b, webhook_configs: [{url: 'http://x'}]}]
inhibit_rules:
  - source_matchers: [severity=critical]
    target_matchers: [severity=warning]
    equal: [alertname]
templates: ['/etc/am/*.tmpl']
";
        let s = summarize(text).unwrap();
        assert_eq!(s.receivers, ["a", "b"]);
        assert_eq!((s.routes, s.inhibit_rules, s.templates), (4, 1, 1));
        assert_eq!(summarize("route: [").map(|s| s.routes), None);
    }
}
