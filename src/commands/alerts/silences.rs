//! `alerts silence add|ls|expire|extend|import`, with the preview of what a silence mutes.

use super::*;

pub(super) async fn silence_add(ctx: &Ctx, args: &SilenceAddArgs) -> anyhow::Result<Outcome> {
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
pub(super) async fn silence_preview(ctx: &Ctx, mut new: NewSilence) -> anyhow::Result<Outcome> {
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
    let alerts = mute::muted(&new.matchers, &all)
        .into_iter()
        .cloned()
        .collect();
    print_alerts(ctx, alerts, false)?;
    report_muted(&new, &all, ctx.now, true);
    if let Some(e) = refused {
        write_stderr_line(&format!("warning: without --dry-run: {e}"));
    }
    Ok(ExitStatus::Success.into())
}

/// Says on stderr how many alerts the silence mutes, and why it might mute none.
pub(super) fn report_muted(new: &NewSilence, alerts: &[Alert], now: Timestamp, dry_run: bool) {
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
pub(super) fn os_user() -> String {
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

pub(super) async fn silence_ls(ctx: &Ctx, args: &SilenceLsArgs) -> anyhow::Result<Outcome> {
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
pub(super) async fn count_mutes(
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
#[derive(Serialize)]
#[serde(transparent)]
pub(super) struct SilenceList {
    silences: Vec<Silence>,
    /// Alerts muted now per silence ID, as the server reports them; `?` for those absent.
    #[serde(skip)]
    mutes: HashMap<String, usize>,
    /// Several contexts merged: a CONTEXT column leads.
    #[serde(skip)]
    merged: bool,
    #[serde(skip)]
    now: Timestamp,
}

/// `in 2h` or `3m ago`.
pub(super) fn relative(text: &str, now: Timestamp) -> String {
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
        let mut h = led_by_context(
            self.merged,
            || "CONTEXT",
            ["ID", "MATCHERS", "MUTES", "ENDS", "CREATED BY", "COMMENT"],
        );
        if wide {
            h.extend(["STATE", "STARTS AT", "ENDS AT", "UPDATED AT"]);
        }
        h
    }
    fn rows(&self, wide: bool) -> Vec<Vec<String>> {
        self.silences
            .iter()
            .map(|s| {
                let mut row = led_by_context(
                    self.merged,
                    || s.context.clone().unwrap_or_default(),
                    [
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
                    ],
                );
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

pub(super) async fn silence_expire(ctx: &Ctx, args: &SilenceExpireArgs) -> anyhow::Result<Outcome> {
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
    Ok(failure_if_any(failed))
}

pub(super) fn confirm(question: &str) -> anyhow::Result<bool> {
    write_stderr_line(question);
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .context("cannot read the answer from stdin")?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes"))
}

// ---------------------------------------------------------------------------------------
// silence extend

pub(super) async fn silence_extend(ctx: &Ctx, args: &SilenceExtendArgs) -> anyhow::Result<Outcome> {
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
    Ok(failure_if_any(failed))
}

pub(super) async fn extend_one(
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

pub(super) async fn silence_import(ctx: &Ctx, args: &SilenceImportArgs) -> anyhow::Result<Outcome> {
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
    Ok(failure_if_any(failed))
}

/// Posts one imported silence; an ID the cluster does not know is dropped and the silence
/// created anew (as amtool does), so exports move between clusters.
pub(super) async fn post_imported(
    peer: &PeerClient,
    mut s: PostableSilence,
) -> Result<String, AmError> {
    match peer.post_silence(&s).await {
        Err(e) if s.id.is_some() && e.status() == Some(reqwest::StatusCode::NOT_FOUND) => {
            s.id = None;
            peer.post_silence(&s).await
        }
        other => other,
    }
}

pub(super) fn progress_bar(len: usize) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let style = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} silences {eta}")
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    Some(indicatif::ProgressBar::new(len as u64).with_style(style))
}
