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

mod list;
mod routes;
mod silences;
mod status;

use list::*;
use routes::*;
use silences::*;
use status::*;

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

/// Exit 1 when any of the silences acted on failed (each said why), else 0.
fn failure_if_any(failed: usize) -> Outcome {
    if failed > 0 {
        ExitStatus::Failure.into()
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

#[cfg(test)]
mod tests {
    use super::list::truncate;
    use super::silences::{os_user, relative};
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
