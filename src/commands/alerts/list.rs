//! `alerts ls`: the alerts of one or several clusters, as a table, by group, or as ids.

use super::*;

pub(super) async fn ls(ctx: &Ctx, args: &AlertsLsArgs) -> anyhow::Result<Outcome> {
    let any_state = args.active || args.silenced || args.inhibited || args.unprocessed;
    let query = AlertQuery {
        // As amtool: no state flag means active only; any flag selects exactly those.
        active: args.active || !any_state && args.silenced_by.is_none(),
        silenced: args.silenced || args.silenced_by.is_some(),
        inhibited: args.inhibited,
        unprocessed: args.unprocessed,
        filter: matchers(&args.matchers)?,
        receiver: args.receiver.clone(),
    };
    if let Some(receiver) = &query.receiver {
        regex::Regex::new(receiver)
            .with_context(|| format!("invalid --receiver regex {receiver:?}"))?;
    }
    // The API cannot filter by silence; the server's own `silencedBy` decides here.
    let keep = |a: &Alert| {
        args.silenced_by
            .as_ref()
            .is_none_or(|id| a.status.silenced_by.iter().any(|s| s == id))
    };
    let query = &query;
    match args.group.as_deref() {
        Some("") => {
            let (fetched, failed) = on_all_targets(ctx, |t| async move {
                Ok((t.context.clone(), t.client.alert_groups(query).await?))
            })
            .await?;
            if fetched.is_empty() {
                return Ok(merged_status(failed));
            }
            let groups = fetched
                .into_iter()
                .flat_map(|(_, (context, groups))| {
                    groups.into_iter().map(move |g| (context.clone(), g))
                })
                .map(|(context, mut g)| {
                    g.alerts.retain(keep);
                    for a in &mut g.alerts {
                        a.context.clone_from(&context);
                    }
                    (context, g)
                })
                .filter(|(_, g)| !g.alerts.is_empty())
                .map(|(context, g)| GroupOut {
                    context,
                    labels: g.labels,
                    receiver: Some(g.receiver.name),
                    alerts: g.alerts,
                })
                .collect();
            print_groups(ctx, groups)?;
            Ok(merged_status(failed))
        }
        by_label => {
            let (fetched, failed) = on_all_targets(ctx, |t| async move {
                Ok(tag_alerts(t, t.client.alerts(query).await?))
            })
            .await?;
            if fetched.is_empty() {
                // Every context failed and said so; an empty table would only mislead.
                return Ok(merged_status(failed));
            }
            let mut alerts: Vec<Alert> = fetched.into_iter().flat_map(|(_, a)| a).collect();
            alerts.retain(keep);
            if let Some(label) = by_label {
                print_groups(ctx, group_by_label(alerts, label))?;
            } else {
                print_alerts(ctx, alerts, ctx.merging())?;
            }
            Ok(merged_status(failed))
        }
    }
}

/// Prints alerts oldest first: their fingerprints with `-q`, else the table.
pub(super) fn print_alerts(ctx: &Ctx, mut alerts: Vec<Alert>, merged: bool) -> anyhow::Result<()> {
    sort_alerts(&mut alerts);
    if ctx.ids_only {
        print_ids(alerts.iter().map(|a| a.fingerprint.as_str()))?;
    } else {
        ctx.printer.print(&AlertList {
            alerts,
            merged,
            now: ctx.now,
        })?;
    }
    Ok(())
}

/// Marks alerts with the context they came from, when contexts are merged.
pub(super) fn tag_alerts(target: &Target, mut alerts: Vec<Alert>) -> Vec<Alert> {
    for a in &mut alerts {
        a.context.clone_from(&target.context);
    }
    alerts
}

pub(super) fn sort_alerts(alerts: &mut [Alert]) {
    // As amtool: oldest first, so the alert that started the incident leads.
    alerts.sort_by(|a, b| {
        a.starts_at
            .parse::<Timestamp>()
            .ok()
            .cmp(&b.starts_at.parse::<Timestamp>().ok())
            .then_with(|| a.labels.get("alertname").cmp(&b.labels.get("alertname")))
            .then_with(|| a.fingerprint.cmp(&b.fingerprint))
            .then_with(|| a.context.cmp(&b.context))
    });
}

pub(super) fn group_by_label(alerts: Vec<Alert>, label: &str) -> Vec<GroupOut> {
    let mut groups: BTreeMap<String, Vec<Alert>> = BTreeMap::new();
    for alert in alerts {
        let key = alert.labels.get(label).cloned().unwrap_or_default();
        groups.entry(key).or_default().push(alert);
    }
    groups
        .into_iter()
        .map(|(value, alerts)| GroupOut {
            context: None,
            labels: BTreeMap::from([(label.to_owned(), value)]),
            receiver: None,
            alerts,
        })
        .collect()
}

pub(super) fn print_groups(ctx: &Ctx, mut groups: Vec<GroupOut>) -> anyhow::Result<Outcome> {
    for g in &mut groups {
        sort_alerts(&mut g.alerts);
    }
    if ctx.ids_only {
        return print_ids(
            groups
                .iter()
                .flat_map(|g| g.alerts.iter().map(|a| a.fingerprint.as_str())),
        );
    }
    ctx.printer.print(&GroupList {
        groups,
        merged: ctx.merging(),
        now: ctx.now,
    })?;
    Ok(ExitStatus::Success.into())
}

pub(super) fn print_ids<'a>(ids: impl Iterator<Item = &'a str>) -> anyhow::Result<Outcome> {
    let text: String = ids.map(|id| format!("{id}\n")).collect();
    write_stdout(&text).context("cannot write output")?;
    Ok(ExitStatus::Success.into())
}

/// Alerts for the printer: JSON is the API's array, as amtool prints it.
#[derive(Serialize)]
#[serde(transparent)]
pub(super) struct AlertList {
    pub(super) alerts: Vec<Alert>,
    /// Several contexts merged: a CONTEXT column leads.
    #[serde(skip)]
    pub(super) merged: bool,
    #[serde(skip)]
    pub(super) now: Timestamp,
}

pub(super) const ALERT_HEADERS: [&str; 5] = ["ALERTNAME", "SEVERITY", "STATE", "AGE", "SUMMARY"];
pub(super) const ALERT_WIDE_HEADERS: [&str; 5] = [
    "LABELS",
    "RECEIVERS",
    "STARTS AT",
    "MUTED BY",
    "FINGERPRINT",
];

pub(super) fn alert_row(a: &Alert, now: Timestamp, wide: bool) -> Vec<String> {
    let label = |k: &str| a.labels.get(k).cloned().unwrap_or_else(|| "-".into());
    let summary = a
        .annotations
        .get("summary")
        .or_else(|| a.annotations.get("description"))
        .cloned()
        .unwrap_or_default();
    let summary = if wide {
        summary
    } else {
        truncate(&summary, SUMMARY_WIDTH)
    };
    let mut row = vec![
        label("alertname"),
        label("severity"),
        a.state().to_owned(),
        clock::age(&a.starts_at, now),
        summary,
    ];
    if wide {
        let others: Vec<String> = a
            .labels
            .iter()
            .filter(|(k, _)| k.as_str() != "alertname" && k.as_str() != "severity")
            .map(|(k, v)| format!("{k}={}", matcher::quote(v)))
            .collect();
        let muted: Vec<&str> = a
            .status
            .silenced_by
            .iter()
            .chain(&a.status.inhibited_by)
            .map(String::as_str)
            .collect();
        row.extend([
            others.join(" "),
            a.receivers
                .iter()
                .map(|r| r.name.as_str())
                .collect::<Vec<_>>()
                .join(","),
            a.starts_at.clone(),
            if muted.is_empty() {
                "-".into()
            } else {
                muted.join(",")
            },
            a.fingerprint.clone(),
        ]);
    }
    row
}

/// A row's cells (or the column names), led by the context's when several contexts are
/// merged into one table.
pub(super) fn led_by_context<T>(
    merged: bool,
    context: impl FnOnce() -> T,
    cells: impl IntoIterator<Item = T>,
) -> Vec<T> {
    merged.then(context).into_iter().chain(cells).collect()
}

pub(super) fn truncate(text: &str, max: usize) -> String {
    let line = text.lines().next().unwrap_or("");
    if line.chars().count() <= max && !text.contains('\n') {
        return line.to_owned();
    }
    let cut: String = line.chars().take(max.saturating_sub(1)).collect();
    format!("{cut}…")
}

impl Tabular for AlertList {
    fn headers(&self, wide: bool) -> Vec<&'static str> {
        let mut h = led_by_context(self.merged, || "CONTEXT", ALERT_HEADERS);
        if wide {
            h.extend(ALERT_WIDE_HEADERS);
        }
        h
    }
    fn rows(&self, wide: bool) -> Vec<Vec<String>> {
        self.alerts
            .iter()
            .map(|a| {
                led_by_context(
                    self.merged,
                    || a.context.clone().unwrap_or_default(),
                    alert_row(a, self.now, wide),
                )
            })
            .collect()
    }
    fn empty_message(&self) -> Option<&'static str> {
        Some("no alerts match")
    }
}

/// A group of alerts: a route group of Alertmanager (with its receiver) or the alerts
/// sharing one value of a label.
#[derive(Serialize)]
pub(super) struct GroupOut {
    /// The context of a route group, when contexts are merged.
    #[serde(skip_serializing_if = "Option::is_none")]
    context: Option<String>,
    labels: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    receiver: Option<String>,
    alerts: Vec<Alert>,
}

#[derive(Serialize)]
#[serde(transparent)]
pub(super) struct GroupList {
    groups: Vec<GroupOut>,
    #[serde(skip)]
    merged: bool,
    #[serde(skip)]
    now: Timestamp,
}

impl Tabular for GroupList {
    fn headers(&self, wide: bool) -> Vec<&'static str> {
        let mut h = vec!["GROUP"];
        if self.merged {
            h.push("CONTEXT");
        }
        h.extend(ALERT_HEADERS);
        if wide {
            h.extend(ALERT_WIDE_HEADERS);
        }
        h
    }
    fn rows(&self, wide: bool) -> Vec<Vec<String>> {
        let mut rows = Vec::new();
        for g in &self.groups {
            let labels: Vec<String> = g
                .labels
                .iter()
                .map(|(k, v)| format!("{k}={}", matcher::quote(v)))
                .collect();
            let mut title = format!("{{{}}} ({})", labels.join(", "), g.alerts.len());
            if let Some(r) = &g.receiver {
                title.push_str(&format!(" → {r}"));
            }
            for (i, a) in g.alerts.iter().enumerate() {
                // The group is named on its first row only, so the groups stand out.
                let mut row = vec![if i == 0 { title.clone() } else { String::new() }];
                if self.merged {
                    row.push(a.context.clone().unwrap_or_default());
                }
                row.extend(alert_row(a, self.now, wide));
                rows.push(row);
            }
        }
        rows
    }
    fn empty_message(&self) -> Option<&'static str> {
        Some("no alerts match")
    }
}

// ---------------------------------------------------------------------------------------
// alerts status
