//! `alerts routes test`: which receivers an alert with given labels reaches, and the route tree.

use super::*;

pub(super) async fn routes_test(ctx: &Ctx, args: &RoutesTestArgs) -> anyhow::Result<Outcome> {
    let mut labels = BTreeMap::new();
    for m in matchers(&args.labels)? {
        if m.op != matcher::Op::Equal {
            bail!(
                "invalid label {m}: routes test takes the alert's labels as LABEL=VALUE, not matchers"
            );
        }
        labels.insert(m.name, m.value);
    }
    let (text, source) = match &args.config_file {
        Some(path) => (
            std::fs::read_to_string(path)
                .map_err(crate::exit::UnreadableInput::of(path.display()))?,
            path.display().to_string(),
        ),
        None => {
            let status = ctx.client.status().await?;
            (
                status.config.original,
                "the live Alertmanager's configuration (/api/v2/status)".to_owned(),
            )
        }
    };
    let tree = route::parse(&text, &source)?;
    let routes: Vec<RouteOut> = tree
        .destinations(&labels)
        .into_iter()
        .map(|r| RouteOut {
            receiver: r.receiver.clone(),
            route: r.path.clone(),
            matchers: r.matchers_text(),
            group_by: if r.group_by_all {
                vec!["...".to_owned()]
            } else {
                r.group_by.clone()
            },
            group: r.group(&labels),
            continue_: r.continue_,
            group_wait: r.group_wait.clone(),
            group_interval: r.group_interval.clone(),
            repeat_interval: r.repeat_interval.clone(),
        })
        .collect();
    let result = RoutesResult {
        source,
        receivers: routes.iter().map(|r| r.receiver.clone()).collect(),
        labels: labels.clone(),
        routes,
        tree: args.tree.then(|| tree.trace(&labels)),
    };
    if let Some(tree) = &result.tree
        && matches!(ctx.printer.format(), Format::Table | Format::Wide)
    {
        let mut text = String::new();
        draw_tree(tree, "", None, &mut text);
        text.push('\n');
        write_stdout(&text).context("cannot write output")?;
    }
    ctx.printer.print(&result)?;
    if let Some(expected) = &args.verify_receivers {
        let got = result.receivers.join(",");
        if &got != expected {
            write_stderr_line(&format!(
                "error: the receivers are {got}, not the expected {expected}"
            ));
            return Ok(ExitStatus::Failure.into());
        }
    }
    Ok(ExitStatus::Success.into())
}

/// `routes test`'s answer: JSON for scripts, a table of destinations for people.
#[derive(Serialize)]
pub(super) struct RoutesResult {
    /// Where the routing tree came from.
    source: String,
    labels: BTreeMap<String, String>,
    /// In tree order, as amtool prints them (a receiver may repeat).
    receivers: Vec<String>,
    routes: Vec<RouteOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tree: Option<TraceNode>,
}

#[derive(Serialize)]
pub(super) struct RouteOut {
    receiver: String,
    /// Where in the tree: `root.routes[2]`.
    route: String,
    matchers: String,
    group_by: Vec<String>,
    /// The alert's group: its values of the `group_by` labels.
    group: BTreeMap<String, String>,
    #[serde(rename = "continue")]
    continue_: bool,
    group_wait: String,
    group_interval: String,
    repeat_interval: String,
}

impl Tabular for RoutesResult {
    fn headers(&self, wide: bool) -> Vec<&'static str> {
        let mut h = vec!["RECEIVER", "ROUTE", "MATCHERS", "GROUP"];
        if wide {
            h.extend([
                "GROUP BY",
                "CONTINUE",
                "GROUP WAIT",
                "GROUP INTERVAL",
                "REPEAT",
            ]);
        }
        h
    }
    fn rows(&self, wide: bool) -> Vec<Vec<String>> {
        self.routes
            .iter()
            .map(|r| {
                let group: Vec<String> = r
                    .group
                    .iter()
                    .map(|(k, v)| format!("{k}={}", matcher::quote(v)))
                    .collect();
                let mut row = vec![
                    r.receiver.clone(),
                    r.route.clone(),
                    r.matchers.clone(),
                    format!("{{{}}}", group.join(", ")),
                ];
                if wide {
                    row.extend([
                        r.group_by.join(","),
                        r.continue_.to_string(),
                        r.group_wait.clone(),
                        r.group_interval.clone(),
                        r.repeat_interval.clone(),
                    ]);
                }
                row
            })
            .collect()
    }
}

/// Draws the routing tree as amtool does (`├──`, `└──`), each route with what evaluation
/// did with it.
pub(super) fn draw_tree(node: &TraceNode, prefix: &str, last: Option<bool>, out: &mut String) {
    let (branch, child_prefix) = match last {
        None => (String::new(), String::new()),
        Some(true) => (format!("{prefix}└── "), format!("{prefix}    ")),
        Some(false) => (format!("{prefix}├── "), format!("{prefix}│   ")),
    };
    let outcome = match node.outcome {
        RouteOutcome::Receives => "<- receives",
        RouteOutcome::Matches => "matches",
        RouteOutcome::NoMatch => "no match",
        RouteOutcome::NotTried => "not tried",
    };
    let cont = if node.continue_ {
        "  continue: true"
    } else {
        ""
    };
    out.push_str(&format!(
        "{branch}{}{cont}  receiver: {}  [{outcome}]\n",
        node.matchers, node.receiver
    ));
    for (i, child) in node.routes.iter().enumerate() {
        draw_tree(child, &child_prefix, Some(i + 1 == node.routes.len()), out);
    }
}

// ---------------------------------------------------------------------------------------
// silence add
