//! `ccmon alerts ls|status` and `ccmon alerts silence add|ls|expire|extend|import`: the glue
//! between the command line, the Alertmanager client and the printer. Each command builds
//! its own current-thread tokio runtime; none of them needs more than one thread.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{IsTerminal, Read};
use std::time::Duration;

use anyhow::{Context as _, bail};
use futures_util::stream::{self, StreamExt};
use jiff::Timestamp;
use serde::Serialize;

use crate::alertmanager::import::{self, Plan};
use crate::alertmanager::matcher::{self, Matcher};
use crate::alertmanager::mute;
use crate::alertmanager::route::{self, Outcome as RouteOutcome, TraceNode};
use crate::alertmanager::silence::{self, ListFilter, NewSilence};
use crate::alertmanager::status::{self as am_status, ConfigSummary};
use crate::alertmanager::{
    Alert, AlertQuery, AmError, Client, PeerClient, PostableSilence, Silence, Status,
};
use crate::cli::{
    AlertsCommand, AlertsLsArgs, RoutesCommand, RoutesTestArgs, SilenceAddArgs, SilenceCommand,
    SilenceExpireArgs, SilenceExtendArgs, SilenceImportArgs, SilenceLsArgs,
};
use crate::clock::{self, rfc3339};
use crate::config::{self, Environment, GlobalSettings, Settings};
use crate::exit::{ExitStatus, Outcome};
use crate::output::{Format, Printer, Tabular, write_stderr_line, write_stdout};

/// Concurrent requests of `silence import`: the server, not ccmon, is the bottleneck, and
/// 32 in flight measured 1.50x amtool (which uses 8) against 1.35x with 8.
const IMPORT_WORKERS: usize = 32;

/// Longest summary shown in the narrow alert table; `-o wide` and JSON have it whole.
const SUMMARY_WIDTH: usize = 80;

/// Runs one `alerts` subcommand.
pub fn run(
    command: &AlertsCommand,
    global: &GlobalSettings,
    env: &Environment,
    printer: &Printer,
) -> anyhow::Result<Outcome> {
    let (targets, merging) = match merged_contexts(command, global, env)? {
        Some(names) => (context_targets(&names, global, env)?, true),
        None => {
            let settings = config::load(global, env)?.settings;
            let target = Target {
                context: None,
                client: client(&settings)?,
            };
            (vec![target], false)
        }
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let (targets, failed_early) = if merging {
            one_per_cluster(targets, global.verbosity > 0).await
        } else {
            (targets, false)
        };
        let Some(first) = targets.first() else {
            // Every context failed, each already named on stderr.
            return Ok(ExitStatus::Unreachable.into());
        };
        let ctx = Ctx {
            client: first.client.clone(),
            targets,
            failed_early,
            printer: *printer,
            ids_only: global.verbosity < 0,
            verbose: global.verbosity > 0,
            now: clock::now(),
        };
        let ctx = &ctx;
        match command {
            AlertsCommand::Ls(args) => ls(ctx, args).await,
            AlertsCommand::Status => status(ctx).await,
            AlertsCommand::Routes(RoutesCommand::Test(args)) => routes_test(ctx, args).await,
            AlertsCommand::Silence(SilenceCommand::Add(args)) => silence_add(ctx, args).await,
            AlertsCommand::Silence(SilenceCommand::Ls(args)) => silence_ls(ctx, args).await,
            AlertsCommand::Silence(SilenceCommand::Expire(args)) => silence_expire(ctx, args).await,
            AlertsCommand::Silence(SilenceCommand::Extend(args)) => silence_extend(ctx, args).await,
            AlertsCommand::Silence(SilenceCommand::Import(args)) => silence_import(ctx, args).await,
        }
    })
}

struct Ctx {
    /// The one cluster of commands that talk to one (the first of `targets`).
    client: Client,
    /// The clusters `alerts ls` and `silence ls` read: one, or one per merged context.
    targets: Vec<Target>,
    /// A merged context failed before the reading started (and was left out).
    failed_early: bool,
    printer: Printer,
    ids_only: bool,
    /// `-v`: a failing context's error with its whole cause chain.
    verbose: bool,
    now: Timestamp,
}

/// One Alertmanager cluster to read, named by its context when several are merged.
struct Target {
    context: Option<String>,
    client: Client,
}

impl Ctx {
    /// Whether several contexts are merged (then rows carry a CONTEXT).
    fn merging(&self) -> bool {
        self.targets.iter().any(|t| t.context.is_some())
    }
}

/// The contexts to merge, when `--all-contexts` or a comma-separated `--context` asks for
/// several; `None` for the usual single cluster.
fn merged_contexts(
    command: &AlertsCommand,
    global: &GlobalSettings,
    env: &Environment,
) -> anyhow::Result<Option<Vec<String>>> {
    let all = match command {
        AlertsCommand::Ls(args) => args.all_contexts,
        AlertsCommand::Silence(SilenceCommand::Ls(args)) => args.all_contexts,
        _ => false,
    };
    let listed = global.context.as_deref().filter(|c| c.contains(','));
    if !all && listed.is_none() {
        return Ok(None);
    }
    let merges = matches!(
        command,
        AlertsCommand::Ls(_) | AlertsCommand::Silence(SilenceCommand::Ls(_))
    );
    if !merges {
        bail!(
            "several contexts can be merged only by `alerts ls` and `alerts silence ls`; name one with --context NAME"
        );
    }
    if all {
        if global.context.is_some() && !global.context_from_env {
            bail!("--all-contexts and --context exclude each other");
        }
        let mut one = global.clone();
        one.context = None;
        let names: Vec<String> = config::load(&one, env)?
            .file
            .map(|f| f.context_names().map(str::to_owned).collect())
            .unwrap_or_default();
        if names.is_empty() {
            bail!("--all-contexts: the config file defines no contexts (see `ccmon context ls`)");
        }
        return Ok(Some(names));
    }
    let listed = listed.unwrap_or("");
    let mut one = global.clone();
    one.context = None;
    let exists = config::load(&one, env)?
        .file
        .is_some_and(|f| f.context_names().any(|n| n == listed));
    if exists {
        // A context whose own name has a comma is one context.
        return Ok(None);
    }
    let mut names: Vec<String> = Vec::new();
    for name in listed.split(',').map(str::trim) {
        if !name.is_empty() && !names.iter().any(|n| n == name) {
            names.push(name.to_owned());
        }
    }
    Ok(Some(names))
}

/// Leaves out a context that reaches the same cluster as an earlier one: a URL in common,
/// or a cluster peer both report in `/api/v2/status` (two members of one HA pair named by
/// two contexts). Its alerts would otherwise be listed twice. A context whose status cannot
/// be read is reported here and left out, so a hung cluster costs one timeout, not two.
async fn one_per_cluster(targets: Vec<Target>, verbose: bool) -> (Vec<Target>, bool) {
    let statuses = futures_util::future::join_all(targets.iter().map(|t| t.client.status())).await;
    let mut kept: Vec<(Target, BTreeSet<String>, BTreeSet<String>)> = Vec::new();
    let mut failed = false;
    for (target, status) in targets.into_iter().zip(statuses) {
        let name = target.context.clone().unwrap_or_default();
        let status = match status {
            Ok(status) => status,
            Err(e) => {
                failed = true;
                crate::exit::report(
                    &anyhow::Error::new(e).context(format!("context {name}")),
                    verbose,
                );
                continue;
            }
        };
        let urls: BTreeSet<String> = target
            .client
            .peers()
            .iter()
            .map(|u| u.as_str().trim_end_matches('/').to_owned())
            .collect();
        let peers: BTreeSet<String> = if status.cluster.status == "disabled" {
            BTreeSet::new()
        } else {
            status
                .cluster
                .peers
                .iter()
                .map(|p| p.name.clone())
                .collect()
        };
        let same = kept
            .iter()
            .find(|(_, u, p)| !u.is_disjoint(&urls) || !p.is_disjoint(&peers));
        if let Some((first, _, _)) = same {
            write_stderr_line(&format!(
                "note: context {name} reaches the same Alertmanager cluster as context {}; listed once, under {}",
                first.context.as_deref().unwrap_or(""),
                first.context.as_deref().unwrap_or("")
            ));
            continue;
        }
        kept.push((target, urls, peers));
    }
    (kept.into_iter().map(|(t, _, _)| t).collect(), failed)
}

/// A client per context, each with that context's URLs, auth and TLS. A context that
/// sets no Alertmanager is left out (said on stderr); URL flags and variables, which
/// would override every context alike, are refused.
fn context_targets(
    names: &[String],
    global: &GlobalSettings,
    env: &Environment,
) -> anyhow::Result<Vec<Target>> {
    let mut targets = Vec::new();
    for name in names {
        let mut one = global.clone();
        one.context = Some(name.clone());
        one.context_from_env = false;
        let settings = config::load(&one, env)?.settings;
        match &settings.alertmanager.source {
            config::Source::Context { .. } => {}
            config::Source::Default => {
                write_stderr_line(&format!(
                    "note: context {name} sets no alertmanager; left out"
                ));
                continue;
            }
            source => bail!(
                "{source} sets the Alertmanager of every context alike; unset it to merge contexts"
            ),
        }
        targets.push(Target {
            context: Some(name.clone()),
            client: client(&settings)?,
        });
    }
    if targets.is_empty() {
        bail!(
            "none of the contexts {} sets an alertmanager",
            names.join(", ")
        );
    }
    Ok(targets)
}

/// Runs `fetch` on every target at once; a target that fails is reported on stderr
/// (naming its context) and left out, so one cluster down does not hide the others.
/// Returns the results of those that answered, and whether any failed.
/// With a single cluster, its error is the command's, as always.
async fn on_all_targets<'a, T, F, Fut>(
    ctx: &'a Ctx,
    fetch: F,
) -> anyhow::Result<(Vec<(&'a Target, T)>, bool)>
where
    F: Fn(&'a Target) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<T>>,
{
    if !ctx.merging() {
        let target = &ctx.targets[0];
        return Ok((vec![(target, fetch(target).await?)], false));
    }
    let results = futures_util::future::join_all(ctx.targets.iter().map(|t| {
        let fut = fetch(t);
        async move { (t, fut.await) }
    }))
    .await;
    let mut ok = Vec::new();
    let mut failed = ctx.failed_early;
    for (target, result) in results {
        match result {
            Ok(v) => ok.push((target, v)),
            Err(e) => {
                failed = true;
                let name = target.context.as_deref().unwrap_or("");
                crate::exit::report(&e.context(format!("context {name}")), ctx.verbose);
            }
        }
    }
    Ok((ok, failed))
}

/// The exit status of a merged read: 3 when a context failed, whatever the others did.
fn merged_status(failed: bool) -> Outcome {
    if failed {
        ExitStatus::Unreachable.into()
    } else {
        ExitStatus::Success.into()
    }
}

fn client(settings: &Settings) -> anyhow::Result<Client> {
    let http = crate::http_client::build(settings)?;
    Ok(Client::new(http, settings.alertmanager.value.clone()))
}

/// Matchers from the command line, as a usage error pointing at the bad character.
fn matchers(args: &[String]) -> anyhow::Result<Vec<Matcher>> {
    Ok(matcher::parse_args(args)?)
}

fn duration_arg(flag: &str, text: &str) -> anyhow::Result<Duration> {
    super::duration_flag(flag, text)
}

fn time_arg(flag: &str, text: &str, now: Timestamp) -> anyhow::Result<Timestamp> {
    clock::parse_time(text, now).with_context(|| format!("invalid {flag}"))
}

// ---------------------------------------------------------------------------------------
// alerts ls

async fn ls(ctx: &Ctx, args: &AlertsLsArgs) -> anyhow::Result<Outcome> {
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
        None => {
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
            sort_alerts(&mut alerts);
            if ctx.ids_only {
                print_ids(alerts.iter().map(|a| a.fingerprint.as_str()))?;
            } else {
                ctx.printer.print(&AlertList {
                    alerts,
                    merged: ctx.merging(),
                    now: ctx.now,
                })?;
            }
            Ok(merged_status(failed))
        }
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
        Some(label) => {
            let (fetched, failed) = on_all_targets(ctx, |t| async move {
                Ok(tag_alerts(t, t.client.alerts(query).await?))
            })
            .await?;
            if fetched.is_empty() {
                return Ok(merged_status(failed));
            }
            let mut alerts: Vec<Alert> = fetched.into_iter().flat_map(|(_, a)| a).collect();
            alerts.retain(keep);
            print_groups(ctx, group_by_label(alerts, label))?;
            Ok(merged_status(failed))
        }
    }
}

/// Marks alerts with the context they came from, when contexts are merged.
fn tag_alerts(target: &Target, mut alerts: Vec<Alert>) -> Vec<Alert> {
    for a in &mut alerts {
        a.context.clone_from(&target.context);
    }
    alerts
}

fn sort_alerts(alerts: &mut [Alert]) {
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

fn group_by_label(alerts: Vec<Alert>, label: &str) -> Vec<GroupOut> {
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

fn print_groups(ctx: &Ctx, mut groups: Vec<GroupOut>) -> anyhow::Result<Outcome> {
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

fn print_ids<'a>(ids: impl Iterator<Item = &'a str>) -> anyhow::Result<Outcome> {
    let text: String = ids.map(|id| format!("{id}\n")).collect();
    write_stdout(&text).context("cannot write output")?;
    Ok(ExitStatus::Success.into())
}

/// Alerts for the printer: JSON is the API's array, as amtool prints it.
struct AlertList {
    alerts: Vec<Alert>,
    /// Several contexts merged: a CONTEXT column leads.
    merged: bool,
    now: Timestamp,
}

impl Serialize for AlertList {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.alerts.serialize(s)
    }
}

const ALERT_HEADERS: [&str; 5] = ["ALERTNAME", "SEVERITY", "STATE", "AGE", "SUMMARY"];
const ALERT_WIDE_HEADERS: [&str; 5] = [
    "LABELS",
    "RECEIVERS",
    "STARTS AT",
    "MUTED BY",
    "FINGERPRINT",
];

fn alert_row(a: &Alert, now: Timestamp, wide: bool) -> Vec<String> {
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

fn truncate(text: &str, max: usize) -> String {
    let line = text.lines().next().unwrap_or("");
    if line.chars().count() <= max && !text.contains('\n') {
        return line.to_owned();
    }
    let cut: String = line.chars().take(max.saturating_sub(1)).collect();
    format!("{cut}…")
}

impl Tabular for AlertList {
    fn headers(&self, wide: bool) -> Vec<&'static str> {
        let mut h = if self.merged { vec!["CONTEXT"] } else { vec![] };
        h.extend(ALERT_HEADERS);
        if wide {
            h.extend(ALERT_WIDE_HEADERS);
        }
        h
    }
    fn rows(&self, wide: bool) -> Vec<Vec<String>> {
        self.alerts
            .iter()
            .map(|a| {
                let mut row = if self.merged {
                    vec![a.context.clone().unwrap_or_default()]
                } else {
                    vec![]
                };
                row.extend(alert_row(a, self.now, wide));
                row
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
struct GroupOut {
    /// The context of a route group, when contexts are merged.
    #[serde(skip_serializing_if = "Option::is_none")]
    context: Option<String>,
    labels: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    receiver: Option<String>,
    alerts: Vec<Alert>,
}

struct GroupList {
    groups: Vec<GroupOut>,
    merged: bool,
    now: Timestamp,
}

impl Serialize for GroupList {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.groups.serialize(s)
    }
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

async fn status(ctx: &Ctx) -> anyhow::Result<Outcome> {
    let status = ctx.client.status().await?;
    let summary = am_status::summarize(&status.config.original);
    ctx.printer.print(&StatusView {
        status,
        summary,
        now: ctx.now,
    })?;
    Ok(ExitStatus::Success.into())
}

struct StatusView {
    status: Status,
    summary: Option<ConfigSummary>,
    now: Timestamp,
}

impl Serialize for StatusView {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // The server's status object as is, so scripts see what amtool's -o json shows.
        self.status.serialize(s)
    }
}

impl Tabular for StatusView {
    fn headers(&self, _wide: bool) -> Vec<&'static str> {
        vec!["FIELD", "VALUE"]
    }
    fn rows(&self, wide: bool) -> Vec<Vec<String>> {
        let s = &self.status;
        let v = |k: &str| s.version_info.get(k).cloned().unwrap_or_else(|| "-".into());
        let mut rows = vec![
            vec!["version".into(), v("version")],
            vec![
                "uptime".into(),
                format!("{} (since {})", clock::age(&s.uptime, self.now), s.uptime),
            ],
            vec!["cluster".into(), s.cluster.status.clone()],
        ];
        if wide {
            rows.push(vec!["revision".into(), v("revision")]);
            rows.push(vec!["go version".into(), v("goVersion")]);
        }
        if let Some(name) = &s.cluster.name {
            rows.push(vec!["cluster name".into(), name.clone()]);
        }
        let mut peers: Vec<String> = s
            .cluster
            .peers
            .iter()
            .map(|p| format!("{} {}", p.address, p.name))
            .collect();
        peers.sort();
        for (i, p) in peers.into_iter().enumerate() {
            rows.push(vec![
                if i == 0 {
                    "peers".into()
                } else {
                    String::new()
                },
                p,
            ]);
        }
        match &self.summary {
            Some(c) => {
                rows.push(vec![
                    "receivers".into(),
                    format!("{} ({})", c.receivers.len(), c.receivers.join(", ")),
                ]);
                rows.push(vec!["routes".into(), c.routes.to_string()]);
                rows.push(vec!["inhibit rules".into(), c.inhibit_rules.to_string()]);
                rows.push(vec!["templates".into(), c.templates.to_string()]);
                if c.time_intervals > 0 {
                    rows.push(vec!["time intervals".into(), c.time_intervals.to_string()]);
                }
            }
            None => rows.push(vec!["config".into(), "(not readable)".into()]),
        }
        rows
    }
}

// ---------------------------------------------------------------------------------------
// alerts routes test

async fn routes_test(ctx: &Ctx, args: &RoutesTestArgs) -> anyhow::Result<Outcome> {
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
struct RoutesResult {
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
struct RouteOut {
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
fn draw_tree(node: &TraceNode, prefix: &str, last: Option<bool>, out: &mut String) {
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

async fn silence_add(ctx: &Ctx, args: &SilenceAddArgs) -> anyhow::Result<Outcome> {
    let comment = args.comment.clone().unwrap_or_default();
    let mut new = NewSilence {
        matchers: matchers(&args.matchers)?,
        start: args
            .start
            .as_deref()
            .map(|t| time_arg("--start", t, ctx.now))
            .transpose()?,
        end: args
            .end
            .as_deref()
            .map(|t| time_arg("--end", t, ctx.now))
            .transpose()?,
        duration: args
            .duration
            .as_deref()
            .map(|d| duration_arg("--duration", d))
            .transpose()?,
        comment,
        author: args.author.clone().unwrap_or_else(os_user),
        force: args.force,
    };
    if args.dry_run {
        return silence_preview(ctx, new).await;
    }
    let postable = silence::build(&new, ctx.now)?;
    let peer = ctx.client.writer().await?;
    // Counted on the peer written to, before the write, by Alertmanager's own rules; a
    // failure to count must not stop a silence someone needs at 3 a.m.
    let alerts = peer.alerts(&AlertQuery::all()).await;
    let id = peer.post_silence(&postable).await?;
    write_stdout(&format!("{id}\n")).context("cannot write output")?;
    new.force = true;
    match alerts {
        Ok(alerts) => report_muted(&new, &alerts, ctx.now, false),
        Err(e) => write_stderr_line(&format!(
            "warning: cannot count the alerts the silence mutes: {e}"
        )),
    }
    Ok(ExitStatus::Success.into())
}

/// `silence add --dry-run`: the alerts the silence would mute now, as `alerts ls` prints
/// them; nothing is created.
async fn silence_preview(ctx: &Ctx, mut new: NewSilence) -> anyhow::Result<Outcome> {
    if new.comment.trim().is_empty() {
        // A preview needs no reason; the real `add` still asks for one.
        new.comment = "dry run".into();
    }
    // Every check `add` makes, so a preview that passes means the add will pass; the
    // match-all refusal is reported but does not hide the preview of what it would hit.
    let refused = match silence::build(&new, ctx.now) {
        Ok(_) => None,
        Err(e @ silence::SilenceError::MatchesEverything { .. }) => Some(e),
        Err(e) => return Err(e.into()),
    };
    let all = ctx.client.alerts(&AlertQuery::all()).await?;
    let mut alerts: Vec<Alert> = mute::muted(&new.matchers, &all)
        .into_iter()
        .cloned()
        .collect();
    sort_alerts(&mut alerts);
    if ctx.ids_only {
        print_ids(alerts.iter().map(|a| a.fingerprint.as_str()))?;
    } else {
        ctx.printer.print(&AlertList {
            alerts,
            merged: false,
            now: ctx.now,
        })?;
    }
    report_muted(&new, &all, ctx.now, true);
    if let Some(e) = refused {
        write_stderr_line(&format!("warning: without --dry-run: {e}"));
    }
    Ok(ExitStatus::Success.into())
}

/// Says on stderr how many alerts the silence mutes, and why it might mute none.
fn report_muted(new: &NewSilence, alerts: &[Alert], now: Timestamp, dry_run: bool) {
    let count = mute::muted(&new.matchers, alerts).len();
    let noun = if count == 1 { "alert" } else { "alerts" };
    let tail = if dry_run { "; nothing was created" } else { "" };
    // A silence that starts later mutes nothing yet; say what it would mute of today's.
    let (verb, when) = match (new.start, dry_run) {
        (Some(start), _) if start > now => (
            format!("the silence starts at {}; it would mute", rfc3339(start)),
            " of those firing now",
        ),
        (_, true) => ("dry run: the silence would mute".to_owned(), " now"),
        (_, false) => ("the silence mutes".to_owned(), " now"),
    };
    if count > 0 {
        write_stderr_line(&format!("{verb} {count} {noun}{when}{tail}"));
        return;
    }
    write_stderr_line(&format!(
        "warning: {verb} no alert{when} (of {} alerts){tail}",
        alerts.len()
    ));
    for hint in mute::hints(&new.matchers, alerts) {
        write_stderr_line(&format!("hint: {hint}"));
    }
}

/// The name of the user running ccmon, from the user database (as amtool), so a silence
/// says who made it even when `--author` is forgotten.
fn os_user() -> String {
    use std::os::unix::fs::MetadataExt as _;
    // /proc/self belongs to the process's effective uid: no libc call needed.
    let Ok(uid) = std::fs::metadata("/proc/self").map(|m| m.uid()) else {
        return "unknown".into();
    };
    let name = std::fs::read_to_string("/etc/passwd")
        .ok()
        .and_then(|passwd| {
            passwd.lines().find_map(|line| {
                let mut fields = line.split(':');
                let name = fields.next()?;
                let id = fields.nth(1)?;
                (id == uid.to_string()).then(|| name.to_owned())
            })
        });
    name.unwrap_or_else(|| format!("uid {uid}"))
}

// ---------------------------------------------------------------------------------------
// silence ls

async fn silence_ls(ctx: &Ctx, args: &SilenceLsArgs) -> anyhow::Result<Outcome> {
    let filter = ListFilter {
        expired: args.expired,
        within: args
            .within
            .as_deref()
            .map(|d| duration_arg("--within", d))
            .transpose()?,
        created_by: args.created_by.clone(),
    };
    let filter_matchers = matchers(&args.matchers)?;
    let filter_matchers = &filter_matchers;
    // Tables only: the JSON stays the API's array, which imports back unchanged.
    let count = !ctx.ids_only && matches!(ctx.printer.format(), Format::Table | Format::Wide);
    let (fetched, failed) = on_all_targets(ctx, |t| async move {
        let mut silences = t.client.silences(filter_matchers).await?;
        for s in &mut silences {
            s.context.clone_from(&t.context);
        }
        let mutes = if count {
            count_mutes(&t.client, &silences, t.context.as_deref()).await
        } else {
            HashMap::new()
        };
        Ok((silences, mutes))
    })
    .await?;
    if fetched.is_empty() {
        return Ok(merged_status(failed));
    }
    let mut all = Vec::new();
    let mut mutes = HashMap::new();
    for (_, (silences, counts)) in fetched {
        all.extend(silences);
        mutes.extend(counts);
    }
    let silences = silence::select(all, &filter, ctx.now);
    if ctx.ids_only {
        print_ids(silences.iter().map(|s| s.id.as_str()))?;
        return Ok(merged_status(failed));
    }
    ctx.printer.print(&SilenceList {
        silences,
        mutes,
        merged: ctx.merging(),
        now: ctx.now,
    })?;
    Ok(merged_status(failed))
}

/// How many alerts each of `silences` mutes now, by the server's `silencedBy`; empty (the
/// column then shows `?`) with a warning when the alerts cannot be read.
async fn count_mutes(
    client: &Client,
    silences: &[Silence],
    context: Option<&str>,
) -> HashMap<String, usize> {
    match client.alerts(&AlertQuery::all()).await {
        Ok(alerts) => {
            let counts = mute::counts_by_silence(&alerts);
            silences
                .iter()
                .map(|s| {
                    (
                        s.id.clone(),
                        counts.get(s.id.as_str()).copied().unwrap_or(0),
                    )
                })
                .collect()
        }
        Err(e) => {
            let whose = context.map_or(String::new(), |c| format!(" of context {c}"));
            write_stderr_line(&format!(
                "warning: cannot count the alerts each silence{whose} mutes: {e}"
            ));
            HashMap::new()
        }
    }
}

/// Silences for the printer: JSON is the API's array, which `silence import` (and
/// `amtool silence import`) read back.
struct SilenceList {
    silences: Vec<Silence>,
    /// Alerts muted now per silence ID, as the server reports them; `?` for those absent.
    mutes: HashMap<String, usize>,
    /// Several contexts merged: a CONTEXT column leads.
    merged: bool,
    now: Timestamp,
}

impl Serialize for SilenceList {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.silences.serialize(s)
    }
}

/// `in 2h` or `3m ago`.
fn relative(text: &str, now: Timestamp) -> String {
    match text.parse::<Timestamp>() {
        Ok(t) if t > now => {
            let back = now.checked_sub(t.duration_since(now)).unwrap_or(now);
            format!("in {}", clock::age(&rfc3339(back), now))
        }
        Ok(_) => format!("{} ago", clock::age(text, now)),
        Err(_) => "-".into(),
    }
}

impl Tabular for SilenceList {
    fn headers(&self, wide: bool) -> Vec<&'static str> {
        let mut h = if self.merged { vec!["CONTEXT"] } else { vec![] };
        h.extend(["ID", "MATCHERS", "MUTES", "ENDS", "CREATED BY", "COMMENT"]);
        if wide {
            h.extend(["STATE", "STARTS AT", "ENDS AT", "UPDATED AT"]);
        }
        h
    }
    fn rows(&self, wide: bool) -> Vec<Vec<String>> {
        self.silences
            .iter()
            .map(|s| {
                let mut row = if self.merged {
                    vec![s.context.clone().unwrap_or_default()]
                } else {
                    vec![]
                };
                row.extend([
                    s.id.clone(),
                    s.matchers_text(),
                    self.mutes
                        .get(&s.id)
                        .map_or_else(|| "?".to_owned(), ToString::to_string),
                    relative(&s.ends_at, self.now),
                    s.created_by.clone(),
                    if wide {
                        s.comment.clone()
                    } else {
                        truncate(&s.comment, SUMMARY_WIDTH)
                    },
                ]);
                if wide {
                    row.extend([
                        s.status.state.clone(),
                        s.starts_at.clone(),
                        s.ends_at.clone(),
                        s.updated_at.clone(),
                    ]);
                }
                row
            })
            .collect()
    }
    fn empty_message(&self) -> Option<&'static str> {
        Some("no silences match")
    }
}

// ---------------------------------------------------------------------------------------
// silence expire

async fn silence_expire(ctx: &Ctx, args: &SilenceExpireArgs) -> anyhow::Result<Outcome> {
    let peer = ctx.client.writer().await?;
    let ids: Vec<String> = if args.matching.is_empty() {
        args.ids.clone()
    } else {
        let filter = matchers(&args.matching)?;
        let found = peer.silences(&filter).await.map_err(AmError::Http)?;
        let found = silence::select(found, &ListFilter::default(), ctx.now);
        if found.is_empty() {
            write_stderr_line("no active or pending silence has these matchers");
            return Ok(ExitStatus::Success.into());
        }
        let ids = found.iter().map(|s| s.id.clone()).collect();
        let found_count = found.len();
        if !args.yes && std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
            let mutes = count_mutes(&ctx.client, &found, None).await;
            let table = Printer::plain(Format::Table).render(&SilenceList {
                silences: found,
                mutes,
                merged: false,
                now: ctx.now,
            })?;
            write_stderr_line(table.trim_end());
            let question = match found_count {
                1 => "expire this silence? [y/N]".to_owned(),
                n => format!("expire these {n} silences? [y/N]"),
            };
            if !confirm(&question)? {
                bail!("nothing expired: not confirmed");
            }
        }
        ids
    };
    let mut failed = 0;
    let mut expired = String::new();
    for id in &ids {
        match peer.expire(id).await {
            Ok(()) => expired.push_str(&format!("{id}\n")),
            Err(e) if e.status().is_none() && !matches!(e, AmError::BadId(_)) => {
                // The peer went away mid-way: say what was done, then fail as unreachable.
                write_stdout(&expired).context("cannot write output")?;
                return Err(e.into());
            }
            Err(e) => {
                failed += 1;
                let why = if e.status() == Some(reqwest::StatusCode::NOT_FOUND) {
                    "no such silence".to_owned()
                } else {
                    e.to_string()
                };
                write_stderr_line(&format!("error: cannot expire silence {id}: {why}"));
            }
        }
    }
    write_stdout(&expired).context("cannot write output")?;
    Ok(if failed > 0 {
        ExitStatus::Failure.into()
    } else {
        ExitStatus::Success.into()
    })
}

fn confirm(question: &str) -> anyhow::Result<bool> {
    write_stderr_line(question);
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .context("cannot read the answer from stdin")?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes"))
}

// ---------------------------------------------------------------------------------------
// silence extend

async fn silence_extend(ctx: &Ctx, args: &SilenceExtendArgs) -> anyhow::Result<Outcome> {
    let by = duration_arg("--duration", &args.duration)?;
    if by.is_zero() {
        bail!("invalid --duration: it must be more than zero");
    }
    let peer = ctx.client.writer().await?;
    let mut failed = 0;
    for id in &args.ids {
        match extend_one(&peer, id, by, ctx.now).await {
            Ok(new_id) => {
                write_stdout(&format!("{new_id}\n")).context("cannot write output")?;
                if &new_id != id {
                    // Alertmanager replaces a silence it cannot update in place; scripts
                    // must follow the new ID, so say so.
                    write_stderr_line(&format!(
                        "note: silence {id} was replaced by {new_id} (Alertmanager issues a new ID when it cannot update in place)"
                    ));
                }
            }
            Err(e)
                if e.downcast_ref::<AmError>()
                    .is_some_and(|e| e.status().is_none() && !matches!(e, AmError::BadId(_))) =>
            {
                return Err(e);
            }
            Err(e) => {
                failed += 1;
                write_stderr_line(&format!("error: cannot extend silence {id}: {e:#}"));
            }
        }
    }
    Ok(if failed > 0 {
        ExitStatus::Failure.into()
    } else {
        ExitStatus::Success.into()
    })
}

async fn extend_one(
    peer: &PeerClient,
    id: &str,
    by: Duration,
    now: Timestamp,
) -> anyhow::Result<String> {
    let current = peer.silence(id).await?;
    let update = silence::extended(&current, by, now)?;
    Ok(peer.post_silence(&update).await?)
}

// ---------------------------------------------------------------------------------------
// silence import

async fn silence_import(ctx: &Ctx, args: &SilenceImportArgs) -> anyhow::Result<Outcome> {
    let from_stdin = args.input.as_os_str() == "-";
    let name = if from_stdin {
        "stdin".to_owned()
    } else {
        args.input.display().to_string()
    };
    let mut text = String::new();
    if from_stdin {
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(crate::exit::UnreadableInput::of("stdin"))?;
    } else {
        text = std::fs::read_to_string(&args.input)
            .map_err(crate::exit::UnreadableInput::of(&name))?;
    }
    let entries = import::parse(&text, &name)?;
    let author = os_user();
    // The silences already there, from the peer the import writes to, so that entries
    // identical to one of them are skipped rather than duplicated.
    let (peer, existing) = if entries.is_empty() {
        (None, Vec::new())
    } else {
        let peer = ctx.client.writer().await?;
        let existing = peer.silences(&[]).await.map_err(AmError::Http)?;
        (Some(peer), existing)
    };
    let Plan {
        posts,
        skipped,
        invalid,
        warnings,
    } = import::plan(entries, &existing, ctx.now, args.force, &author);
    for w in &warnings {
        write_stderr_line(&format!("warning: {name}: {w}"));
    }
    for (n, why) in &invalid {
        write_stderr_line(&format!("error: {name}: entry {n}: {why}"));
    }
    for (n, why) in &skipped {
        if *why != import::Skip::Expired {
            write_stderr_line(&format!("skipped: {name}: entry {n}: {why}"));
        }
    }
    let mut imported = 0usize;
    let mut failed = invalid.len();
    if let Some(peer) = peer.filter(|_| !posts.is_empty()) {
        let bar = progress_bar(posts.len());
        let mut results = stream::iter(posts)
            .map(|(n, s)| {
                let peer = &peer;
                async move { (n, post_imported(peer, s).await) }
            })
            .buffer_unordered(IMPORT_WORKERS);
        while let Some((n, result)) = results.next().await {
            if let Some(bar) = &bar {
                bar.inc(1);
            }
            match result {
                Ok(_) => imported += 1,
                Err(e) if e.status().is_none() && !matches!(e, AmError::BadId(_)) => {
                    if let Some(bar) = &bar {
                        bar.finish_and_clear();
                    }
                    return Err(anyhow::Error::new(e).context(format!(
                        "import stopped after {imported} silences from {name}"
                    )));
                }
                Err(e) => {
                    failed += 1;
                    let text = match &bar {
                        Some(bar) => {
                            bar.suspend(|| {
                                write_stderr_line(&format!("error: {name}: entry {n}: {e}"))
                            });
                            continue;
                        }
                        None => format!("error: {name}: entry {n}: {e}"),
                    };
                    write_stderr_line(&text);
                }
            }
        }
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
    }
    let expired = skipped
        .iter()
        .filter(|(_, why)| *why == import::Skip::Expired)
        .count();
    write_stderr_line(&format!(
        "imported {imported}, skipped {} ({expired} already expired, {} identical to a silence), failed {failed}",
        skipped.len(),
        skipped.len() - expired
    ));
    Ok(if failed > 0 {
        ExitStatus::Failure.into()
    } else {
        ExitStatus::Success.into()
    })
}

/// Posts one imported silence; an ID the cluster does not know is dropped and the silence
/// created anew (as amtool does), so exports move between clusters.
async fn post_imported(peer: &PeerClient, mut s: PostableSilence) -> Result<String, AmError> {
    match peer.post_silence(&s).await {
        Err(e) if s.id.is_some() && e.status() == Some(reqwest::StatusCode::NOT_FOUND) => {
            s.id = None;
            peer.post_silence(&s).await
        }
        other => other,
    }
}

fn progress_bar(len: usize) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let style = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} silences {eta}")
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    Some(indicatif::ProgressBar::new(len as u64).with_style(style))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_times_read_naturally() {
        let now: Timestamp = "2026-11-28T03:00:00Z".parse().unwrap();
        assert_eq!(relative("2026-11-28T05:00:00Z", now), "in 2h");
        assert_eq!(relative("2026-11-28T02:57:00Z", now), "3m ago");
        assert_eq!(relative("garbage", now), "-");
    }

    #[test]
    fn truncates_to_one_line() {
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("a long summary", 6), "a lon…");
        assert_eq!(truncate("two\nlines", 10), "two…");
    }

    #[test]
    fn the_os_user_is_found() {
        assert!(!os_user().is_empty());
    }
}
