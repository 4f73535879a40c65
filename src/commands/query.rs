//! `ccmon query`, `ccmon query range` and `ccmon targets`: the glue between the command
//! line, the Prometheus client, the printer and the terminal chart.

use std::io::IsTerminal;
use std::time::Duration;

use anyhow::{Context as _, bail};
use jiff::Timestamp;
use serde::Serialize;

use crate::cli::{QueryArgs, QueryCommand, QueryRangeArgs, TargetHealthArg, TargetsArgs};
use crate::clock;
use crate::config::{self, Environment, GlobalSettings};
use crate::exit::{ExitStatus, Outcome};
use crate::output::{Format, Printer, Tabular, write_stderr_line, write_stdout};
use crate::prom::chart::{self, ChartOptions, Line};
use crate::prom::{self, Answer, Client, QueryData, Target, series_name};

/// Chart size: wide enough for a trend, narrow enough for a split terminal.
/// Chart width when neither the terminal, `--width` nor `$COLUMNS` says otherwise.
const CHART_WIDTH: usize = 80;
/// The widest chart drawn from the terminal's size (beyond it lines get too thin to read).
const CHART_MAX_WIDTH: usize = 240;
const CHART_HEIGHT: usize = 15;
/// Prometheus refuses more than 11,000 points per series.
const MAX_POINTS: f64 = 11_000.0;
/// Default window of `query range` without --start/--since.
const DEFAULT_WINDOW: Duration = Duration::from_secs(3600);

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

fn client(global: &GlobalSettings, env: &Environment) -> anyhow::Result<Client> {
    let settings = config::load(global, env)?.settings;
    let http = crate::http_client::build(&settings)?;
    Ok(Client::new(http, settings.prometheus.value))
}

fn warn<T>(answer: &Answer<T>) {
    for w in &answer.warnings {
        write_stderr_line(&format!("warning: prometheus: {w}"));
    }
}

/// `ccmon query EXPR` and `ccmon query range EXPR`.
pub fn query(
    args: &QueryArgs,
    global: &GlobalSettings,
    env: &Environment,
    printer: &Printer,
) -> anyhow::Result<Outcome> {
    if let Some(QueryCommand::Range(range)) = &args.range {
        return query_range(range, global, env, printer);
    }
    let Some(expr) = &args.expr else {
        bail!("a PromQL expression is required");
    };
    let now = clock::now();
    let time = args
        .time
        .as_deref()
        .map(|t| clock::parse_time(t, now).context("invalid --time"))
        .transpose()?;
    let client = client(global, env)?;
    let answer = runtime()?.block_on(client.query(expr, time))?;
    warn(&answer);
    printer.print(&InstantResult(answer.data))?;
    Ok(ExitStatus::Success.into())
}

/// An instant result for the printer: JSON is the API's `data` object.
#[derive(Serialize)]
#[serde(transparent)]
struct InstantResult(QueryData);

impl Tabular for InstantResult {
    fn headers(&self, wide: bool) -> Vec<&'static str> {
        if matches!(self.0, QueryData::Matrix(_)) {
            // One row per sample: without its time a value of a range means nothing.
            vec!["SERIES", "TIME", "VALUE"]
        } else if wide {
            vec!["SERIES", "VALUE", "TIME"]
        } else {
            vec!["SERIES", "VALUE"]
        }
    }
    fn rows(&self, wide: bool) -> Vec<Vec<String>> {
        let time = |pair: &prom::SamplePair| pair.time().map_or("-".to_owned(), clock::rfc3339);
        let row = |name: String, pair: Option<&prom::SamplePair>| {
            let mut r = vec![name, pair.map_or("-".to_owned(), |p| p.1.clone())];
            if wide {
                r.push(
                    pair.and_then(prom::SamplePair::time)
                        .map_or("-".to_owned(), clock::rfc3339),
                );
            }
            r
        };
        match &self.0 {
            QueryData::Vector(samples) => samples
                .iter()
                .map(|s| row(series_name(&s.metric), s.value.as_ref()))
                .collect(),
            QueryData::Scalar(p) => vec![row("scalar".into(), Some(p))],
            QueryData::String(p) => vec![row("string".into(), Some(p))],
            QueryData::Matrix(series) => series
                .iter()
                .flat_map(|s| {
                    let name = series_name(&s.metric);
                    s.values.iter().map(move |p| (name.clone(), p))
                })
                .map(|(name, p)| vec![name, time(p), p.1.clone()])
                .collect(),
        }
    }
    fn empty_message(&self) -> Option<&'static str> {
        Some("empty result: no series match")
    }
}

/// `--width`, else the terminal's width (stdout a TTY), else `$COLUMNS`, else 80; the
/// terminal's and `$COLUMNS` are clamped to 40..=240.
fn chart_width(flag: Option<u16>, env: &Environment) -> usize {
    if let Some(w) = flag {
        return usize::from(w);
    }
    let from_terminal = std::io::stdout()
        .is_terminal()
        .then(|| terminal_size::terminal_size().map(|(w, _)| usize::from(w.0)))
        .flatten();
    let from_env = || {
        env.get(crate::config::env_vars::COLUMNS)
            .and_then(|c| c.trim().parse::<usize>().ok())
    };
    from_terminal
        .or_else(from_env)
        .map_or(CHART_WIDTH, |w| w.clamp(40, CHART_MAX_WIDTH))
}

fn query_range(
    args: &QueryRangeArgs,
    global: &GlobalSettings,
    env: &Environment,
    printer: &Printer,
) -> anyhow::Result<Outcome> {
    let now = clock::now();
    let end = match &args.end {
        Some(t) => clock::parse_time(t, now).context("invalid --end")?,
        None => now,
    };
    let start = match (&args.start, &args.since) {
        (Some(t), _) => clock::parse_time(t, now).context("invalid --start")?,
        (None, Some(d)) => sub(end, *d)?,
        (None, None) => sub(end, DEFAULT_WINDOW)?,
    };
    if start >= end {
        bail!(
            "the range is empty: start {} is not before end {}",
            clock::rfc3339(start),
            clock::rfc3339(end)
        );
    }
    let width = chart_width(args.width, env);
    let plot_width = (width - 10) as u32;
    let step = match args.step {
        Some(step) => {
            let points = end.duration_since(start).as_secs_f64() / step.as_secs_f64();
            if points > MAX_POINTS {
                bail!(
                    "--step {} gives {points:.0} points per series; Prometheus allows at most {MAX_POINTS}: use a larger --step or a shorter range",
                    crate::duration::format(step)
                );
            }
            step
        }
        None => prom::auto_step(start, end, plot_width),
    };
    let client = client(global, env)?;
    let answer = runtime()?.block_on(client.query_range(&args.expr, start, end, step))?;
    warn(&answer);
    let chart_wanted = !global.format_given && printer.format() == Format::Table;
    if !chart_wanted {
        printer.print(&InstantResult(answer.data))?;
        return Ok(ExitStatus::Success.into());
    }
    let QueryData::Matrix(series) = answer.data else {
        bail!("Prometheus did not answer with a range vector; use -o json to see what it sent");
    };
    if series.is_empty() {
        write_stderr_line("empty result: no series match");
        return Ok(ExitStatus::Success.into());
    }
    let lines: Vec<Line> = series
        .iter()
        .map(|s| Line {
            name: series_name(&s.metric),
            points: s.values.iter().map(|p| (p.0, p.value())).collect(),
        })
        .collect();
    let decorate = printer.decorated() && std::io::stdout().is_terminal();
    let text = chart::render(
        &lines,
        start.as_millisecond() as f64 / 1000.0,
        end.as_millisecond() as f64 / 1000.0,
        step.as_secs_f64(),
        ChartOptions {
            width,
            height: CHART_HEIGHT,
            decorate,
        },
    );
    let title = format!(
        "{}  (step {})\n",
        args.expr,
        crate::duration::PromDuration(step)
    );
    write_stdout(&(title + &text)).context("cannot write output")?;
    Ok(ExitStatus::Success.into())
}

fn sub(t: Timestamp, d: Duration) -> anyhow::Result<Timestamp> {
    jiff::SignedDuration::try_from(d)
        .ok()
        .and_then(|d| t.checked_sub(d).ok())
        .context("the time range is out of range")
}

/// `ccmon targets`.
pub fn targets(
    args: &TargetsArgs,
    global: &GlobalSettings,
    env: &Environment,
    printer: &Printer,
) -> anyhow::Result<Outcome> {
    let client = client(global, env)?;
    let answer = runtime()?.block_on(client.targets())?;
    warn(&answer);
    let mut targets = answer.data;
    targets.retain(|t| {
        args.job.as_deref().is_none_or(|j| prom::job(t) == j)
            && args.health.is_none_or(|h| {
                t.health
                    == match h {
                        TargetHealthArg::Up => "up",
                        TargetHealthArg::Down => "down",
                        TargetHealthArg::Unknown => "unknown",
                    }
            })
    });
    prom::sort_targets(&mut targets);
    printer.print(&TargetList {
        targets,
        now: clock::now(),
    })?;
    Ok(ExitStatus::Success.into())
}

#[derive(Serialize)]
#[serde(transparent)]
struct TargetList {
    targets: Vec<Target>,
    #[serde(skip)]
    now: Timestamp,
}

impl Tabular for TargetList {
    fn headers(&self, wide: bool) -> Vec<&'static str> {
        let mut h = vec!["JOB", "INSTANCE", "HEALTH", "LAST SCRAPE", "LAST ERROR"];
        if wide {
            h.extend(["SCRAPE URL", "DURATION"]);
        }
        h
    }
    fn rows(&self, wide: bool) -> Vec<Vec<String>> {
        self.targets
            .iter()
            .map(|t| {
                // A never-scraped target reports the zero time; say "never", not "56y".
                let scraped = if t.last_scrape.starts_with("0001-") || t.last_scrape.is_empty() {
                    "never".to_owned()
                } else {
                    format!("{} ago", clock::age(&t.last_scrape, self.now))
                };
                let mut row = vec![
                    prom::job(t).to_owned(),
                    t.labels.get("instance").cloned().unwrap_or_default(),
                    t.health.clone(),
                    scraped,
                    if t.last_error.is_empty() {
                        "-".to_owned()
                    } else {
                        t.last_error.clone()
                    },
                ];
                if wide {
                    row.extend([
                        t.scrape_url.clone(),
                        format!("{:.3}s", t.last_scrape_duration),
                    ]);
                }
                row
            })
            .collect()
    }
    fn empty_message(&self) -> Option<&'static str> {
        Some("no targets match")
    }
}
