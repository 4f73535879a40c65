//! Alertmanager's routing tree, evaluated the way its dispatcher does, for `alerts routes
//! test`: a route matches when all its matchers (`matchers:` and the legacy `match` /
//! `match_re`) accept the labels; its children are tried in order, the first match stops
//! the search unless that child has `continue: true`; a route none of whose children
//! match is itself the destination. Children inherit the receiver, `group_by` and the
//! timers of their parent. The tree comes from a config file or from the text a live
//! Alertmanager reports in `/api/v2/status` (its config re-marshalled as YAML).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::matcher::{self, Matcher, Op};

/// A routing tree that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RouteError {
    /// The YAML does not parse.
    #[error("{source_name}:{line}:{column}: {message}")]
    Yaml {
        /// The file, or the Alertmanager it came from.
        source_name: String,
        /// 1-based line.
        line: u64,
        /// 1-based column.
        column: u64,
        /// What is wrong.
        message: String,
    },
    /// The config has no `route:`.
    #[error("{0}: the config has no `route:`")]
    NoRoute(String),
    /// A matcher of a route does not parse.
    #[error("{source_name}: route {path}: {message}")]
    Matcher {
        /// The file, or the Alertmanager it came from.
        source_name: String,
        /// Where in the tree (`root`, `root.routes[1]`, ...).
        path: String,
        /// What is wrong.
        message: String,
    },
}

#[derive(Debug, Default, Deserialize)]
struct RawConfig {
    #[serde(default)]
    route: Option<RawRoute>,
}

#[derive(Debug, Default, Clone, Deserialize)]
struct RawRoute {
    #[serde(default)]
    receiver: Option<String>,
    #[serde(default)]
    group_by: Option<Vec<String>>,
    #[serde(default, rename = "continue")]
    continue_: bool,
    #[serde(default, rename = "match")]
    match_eq: BTreeMap<String, String>,
    #[serde(default)]
    match_re: BTreeMap<String, String>,
    #[serde(default)]
    matchers: Vec<String>,
    #[serde(default)]
    group_wait: Option<String>,
    #[serde(default)]
    group_interval: Option<String>,
    #[serde(default)]
    repeat_interval: Option<String>,
    #[serde(default)]
    routes: Vec<RawRoute>,
}

/// One route with its inherited options resolved.
#[derive(Debug, Clone)]
pub struct Route {
    /// Where it is: `root`, `root.routes[0]`, ...
    pub path: String,
    /// Its own matchers (sorted as Alertmanager sorts them).
    pub matchers: Vec<Matcher>,
    /// Receiver (own or inherited).
    pub receiver: String,
    /// `group_by` labels (own or inherited); `...` means every label.
    pub group_by: Vec<String>,
    /// Whether `group_by` is `['...']`.
    pub group_by_all: bool,
    /// `continue: true`.
    pub continue_: bool,
    /// Timers, own or inherited (Alertmanager's defaults at the root).
    pub group_wait: String,
    /// See `group_wait`.
    pub group_interval: String,
    /// See `group_wait`.
    pub repeat_interval: String,
    /// Child routes in order.
    pub routes: Vec<Route>,
}

/// Reads the routing tree of an Alertmanager config; `source_name` names it in errors.
pub fn parse(text: &str, source_name: &str) -> Result<Route, RouteError> {
    let raw: RawConfig = crate::yaml::from_str(text).map_err(|e| RouteError::Yaml {
        source_name: source_name.to_owned(),
        line: e.line,
        column: e.column,
        message: e.message,
    })?;
    let root = raw
        .route
        .ok_or_else(|| RouteError::NoRoute(source_name.to_owned()))?;
    let defaults = Route {
        path: String::new(),
        matchers: Vec::new(),
        receiver: String::new(),
        group_by: Vec::new(),
        group_by_all: false,
        continue_: false,
        group_wait: "30s".into(),
        group_interval: "5m".into(),
        repeat_interval: "4h".into(),
        routes: Vec::new(),
    };
    build(&root, &defaults, "root".into(), source_name)
}

fn build(raw: &RawRoute, parent: &Route, path: String, source: &str) -> Result<Route, RouteError> {
    let err = |message: String| RouteError::Matcher {
        source_name: source.to_owned(),
        path: path.clone(),
        message,
    };
    let mut matchers = Vec::new();
    for (name, value) in &raw.match_eq {
        matchers.push(Matcher::new(name, Op::Equal, value).map_err(&err)?);
    }
    for (name, value) in &raw.match_re {
        matchers.push(Matcher::new(name, Op::Regex, value).map_err(&err)?);
    }
    for text in &raw.matchers {
        matchers.extend(parse_matchers(text).map_err(&err)?);
    }
    // Alertmanager sorts a route's matchers (by name, then value, then operator) before
    // printing them; the order does not change what matches.
    let rank = |op: Op| match op {
        Op::Equal => 0,
        Op::NotEqual => 1,
        Op::Regex => 2,
        Op::NotRegex => 3,
    };
    matchers.sort_by(|a, b| (&a.name, &a.value, rank(a.op)).cmp(&(&b.name, &b.value, rank(b.op))));
    let (group_by, group_by_all) = match &raw.group_by {
        Some(labels) => {
            let all = labels.iter().any(|l| l == "...");
            let mut labels: Vec<String> = labels.iter().filter(|l| *l != "...").cloned().collect();
            labels.sort();
            labels.dedup();
            (labels, all)
        }
        None => (parent.group_by.clone(), parent.group_by_all),
    };
    let mut route = Route {
        path: path.clone(),
        matchers,
        receiver: raw
            .receiver
            .clone()
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| parent.receiver.clone()),
        group_by,
        group_by_all,
        continue_: raw.continue_,
        group_wait: raw
            .group_wait
            .clone()
            .unwrap_or_else(|| parent.group_wait.clone()),
        group_interval: raw
            .group_interval
            .clone()
            .unwrap_or_else(|| parent.group_interval.clone()),
        repeat_interval: raw
            .repeat_interval
            .clone()
            .unwrap_or_else(|| parent.repeat_interval.clone()),
        routes: Vec::new(),
    };
    let mut children = Vec::with_capacity(raw.routes.len());
    for (i, child) in raw.routes.iter().enumerate() {
        children.push(build(child, &route, format!("{path}.routes[{i}]"), source)?);
    }
    route.routes = children;
    Ok(route)
}

/// One entry of a route's `matchers:` list: one matcher, or several separated by commas,
/// optionally in braces (`{a="b", c=~"d"}`), as Alertmanager's parser accepts.
pub fn parse_matchers(text: &str) -> Result<Vec<Matcher>, String> {
    let mut inner = text.trim();
    if let Some(rest) = inner.strip_prefix('{') {
        inner = rest
            .strip_suffix('}')
            .ok_or_else(|| format!("{text:?}: an opening brace needs a closing one"))?;
    }
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut escaped = false;
    for c in inner.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ',' if !quoted => {
                parts.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    parts.push(current);
    parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .map(|p| matcher::parse(p).map_err(|e| e.to_string()))
        .collect()
}

impl Route {
    /// The routes an alert with `labels` ends at, in order (a receiver may repeat).
    pub fn destinations(&self, labels: &BTreeMap<String, String>) -> Vec<&Route> {
        if !self.matches(labels) {
            return Vec::new();
        }
        let mut all = Vec::new();
        for child in &self.routes {
            let found = child.destinations(labels);
            let matched = !found.is_empty();
            all.extend(found);
            if matched && !child.continue_ {
                break;
            }
        }
        if all.is_empty() {
            all.push(self);
        }
        all
    }

    /// Whether this route's own matchers accept `labels`.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.matchers.iter().all(|m| m.matches_labels(labels))
    }

    /// The matchers as Alertmanager prints them: `{a="b", c=~"d"}`, or `default-route`.
    pub fn matchers_text(&self) -> String {
        if self.matchers.is_empty() {
            return "default-route".into();
        }
        let parts: Vec<String> = self.matchers.iter().map(ToString::to_string).collect();
        format!("{{{}}}", parts.join(", "))
    }

    /// The labels of `labels` this route groups by: the alert's group.
    pub fn group(&self, labels: &BTreeMap<String, String>) -> BTreeMap<String, String> {
        labels
            .iter()
            .filter(|(k, _)| self.group_by_all || self.group_by.contains(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    /// The tree with each node marked by what evaluation did with it.
    pub fn trace(&self, labels: &BTreeMap<String, String>) -> TraceNode {
        let finals: Vec<&str> = self
            .destinations(labels)
            .iter()
            .map(|r| r.path.as_str())
            .collect();
        self.trace_with(labels, &finals, true)
    }

    fn trace_with(
        &self,
        labels: &BTreeMap<String, String>,
        finals: &[&str],
        tried: bool,
    ) -> TraceNode {
        let matched = tried && self.matches(labels);
        let outcome = if !tried {
            Outcome::NotTried
        } else if !matched {
            Outcome::NoMatch
        } else if finals.contains(&self.path.as_str()) {
            Outcome::Receives
        } else {
            Outcome::Matches
        };
        let mut children = Vec::new();
        let mut stop = !matched;
        for child in &self.routes {
            let node = child.trace_with(labels, finals, !stop);
            // A child stops its later siblings when something in it matched and it does
            // not continue.
            if !stop && node.outcome != Outcome::NoMatch && !child.continue_ {
                stop = true;
            }
            children.push(node);
        }
        TraceNode {
            path: self.path.clone(),
            matchers: self.matchers_text(),
            receiver: self.receiver.clone(),
            continue_: self.continue_,
            outcome,
            routes: children,
        }
    }
}

/// What evaluation did with a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Matched, and the alert ends here (its receiver gets it).
    Receives,
    /// Matched, and a child took the alert on.
    Matches,
    /// Tried, did not match.
    NoMatch,
    /// Not tried: an earlier sibling matched without `continue`, or the parent did not match.
    NotTried,
}

/// One node of `routes test --tree`.
#[derive(Debug, Clone, Serialize)]
pub struct TraceNode {
    /// Where it is.
    pub path: String,
    /// Its matchers, or `default-route`.
    pub matchers: String,
    /// Its receiver.
    pub receiver: String,
    /// `continue: true`.
    #[serde(rename = "continue")]
    pub continue_: bool,
    /// What evaluation did.
    pub outcome: Outcome,
    /// Children.
    pub routes: Vec<TraceNode>,
}

#[cfg(test)]
mod tests {
    use super::*;

    const TREE: &str = "\
route:
  receiver: a
  group_by: [alertname]
  routes:
    - receiver: b
      match: {team: db}
      continue: true
      group_by: ['...']
      routes:
        - receiver: c
          match_re: {sev: 'P[01]'}
          group_wait: 1s
        - match: {x: y}
    - receiver: b
      matchers: ['team=~\"d.*\"', 'env!=\"\"', '{x=\"a,b\", y=~\"1|2\"}']
receivers: [{name: a}, {name: b}, {name: c}]
";

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn receivers(tree: &Route, pairs: &[(&str, &str)]) -> Vec<String> {
        tree.destinations(&labels(pairs))
            .iter()
            .map(|r| r.receiver.clone())
            .collect()
    }

    #[test]
    fn evaluates_like_the_dispatcher() {
        let tree = parse(TREE, "t.yml").unwrap();
        assert_eq!(receivers(&tree, &[("team", "db"), ("sev", "P0")]), ["c"]);
        assert_eq!(receivers(&tree, &[("team", "db"), ("sev", "P00")]), ["b"]);
        assert_eq!(receivers(&tree, &[("team", "db"), ("x", "y")]), ["b"]);
        assert_eq!(
            receivers(
                &tree,
                &[("team", "db"), ("x", "a,b"), ("env", "p"), ("y", "2")]
            ),
            ["b", "b"]
        );
        assert_eq!(receivers(&tree, &[("team", "web")]), ["a"]);
        assert_eq!(receivers(&tree, &[]), ["a"]);
        let c = &tree.routes[0].routes[0];
        assert_eq!(c.path, "root.routes[0].routes[0]");
        assert_eq!((c.group_by_all, c.group_wait.as_str()), (true, "1s"));
        assert_eq!(tree.routes[1].group_by, ["alertname"]);
        assert_eq!(tree.routes[0].routes[1].receiver, "b", "inherited");
        assert_eq!(
            tree.routes[1].matchers_text(),
            "{env!=\"\", team=~\"d.*\", x=\"a,b\", y=~\"1|2\"}"
        );
        let alert = labels(&[("alertname", "A"), ("team", "db"), ("sev", "P1")]);
        assert_eq!(c.group(&alert).len(), 3);
        assert_eq!(tree.group(&alert), labels(&[("alertname", "A")]));
    }

    #[test]
    fn the_trace_marks_what_was_tried() {
        let tree = parse(TREE, "t.yml").unwrap();
        let t = tree.trace(&labels(&[("team", "db"), ("sev", "P0")]));
        assert_eq!(t.outcome, Outcome::Matches);
        assert_eq!(t.routes[0].outcome, Outcome::Matches);
        assert_eq!(t.routes[0].routes[0].outcome, Outcome::Receives);
        assert_eq!(t.routes[0].routes[1].outcome, Outcome::NotTried);
        assert_eq!(t.routes[1].outcome, Outcome::NoMatch, "b continues");
        let t = tree.trace(&labels(&[("team", "web")]));
        assert_eq!(t.outcome, Outcome::Receives);
        assert_eq!(t.routes[0].routes[0].outcome, Outcome::NotTried);
    }

    #[test]
    fn errors_say_where() {
        let e = parse("route: [", "f.yml").unwrap_err();
        assert!(matches!(e, RouteError::Yaml { line: 1, .. }), "{e}");
        assert_eq!(
            parse("receivers: []\n", "f.yml").unwrap_err(),
            RouteError::NoRoute("f.yml".into())
        );
        let e = parse(
            "route:\n  receiver: a\n  routes: [{matchers: ['a=~(']}]\n",
            "f.yml",
        )
        .unwrap_err();
        assert!(
            e.to_string().starts_with("f.yml: route root.routes[0]: "),
            "{e}"
        );
        assert!(parse_matchers("{a=b").is_err());
        assert_eq!(parse_matchers("a=b, c!=\"d,e\"").unwrap().len(), 2);
    }
}
