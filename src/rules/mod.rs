//! `ccmon rules lint`: Prometheus rule files read with exact positions, checked as strictly
//! as promtool and beyond, and reported in the formats people and CI read.
//!
//! The pipeline: [`inputs`] reads the files, [`yaml_tree`] parses each into spanned nodes,
//! [`model`] reads groups and rules out of them (reporting what `rulefmt` rejects), the
//! [`checks`] run per rule and across files, [`suppress`] and [`settings`] decide what is
//! reported and how loudly, and [`render`] prints it.

pub mod catalog;
pub mod checks;
pub mod diagnostic;
pub mod exposition;
pub mod inputs;
pub mod metrics_from;
pub mod model;
pub mod online;
pub mod render;
pub mod scalar_map;
pub mod settings;
pub mod source;
pub mod suppress;
pub mod yaml_tree;

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use diagnostic::{Code, Context, Diagnostic, Severity};
use inputs::Input;
use model::{Checked, CheckedGroup, Group};
use settings::{Finder, Settings, SettingsError};
use source::SourceFile;
use yaml_tree::NodeKind;

/// What the command line decided.
#[derive(Debug, Clone)]
pub struct LintOptions {
    /// `--lint-config`: one settings file for every input instead of searching upward.
    pub settings_file: Option<PathBuf>,
    /// `--enable-feature` names, as promtool takes them.
    pub features: Vec<String>,
    /// `--min-severity`: findings below it (after settings) are left out of the report.
    pub min_severity: Severity,
    /// Families from `--metrics-from`, added to every catalogue.
    pub metrics: Vec<catalog::Entry>,
    /// Families from `--online` (the server's names and types), added to every catalogue;
    /// an untyped one never replaces a known type.
    pub online_metrics: Vec<catalog::Entry>,
    /// `--online`: the server `promql/series` asks.
    pub series: Option<std::sync::Arc<dyn checks::series::SeriesSource>>,
    /// Up to this much rule text the models are kept between reading and checking
    /// ([`KEEP_MODELS_BYTES`]; tests set 0 to take the large-run path on small input).
    pub keep_models_bytes: usize,
}

impl Default for LintOptions {
    fn default() -> Self {
        LintOptions {
            settings_file: None,
            features: Vec::new(),
            min_severity: Severity::Info,
            metrics: Vec::new(),
            online_metrics: Vec::new(),
            series: None,
            keep_models_bytes: KEEP_MODELS_BYTES,
        }
    }
}

/// Everything a run found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The files linted, in order; diagnostics refer to them by index.
    pub files: Vec<SourceFile>,
    /// Findings after suppression and settings, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// Rule groups read.
    pub groups: usize,
    /// Rules read.
    pub rules: usize,
    /// Files found under directories and skipped because they are not rule files.
    pub skipped: Vec<String>,
}

impl Report {
    /// Number of findings at `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    /// True when a finding is at or above `fail_on`.
    pub fn fails(&self, fail_on: Severity) -> bool {
        self.diagnostics.iter().any(|d| d.severity >= fail_on)
    }
}

/// Up to this much rule text, every file's checked model ([`Checked`]) is kept from
/// reading to checking; beyond it (100,000 rules take 34 MB of text and about as much
/// again as checked models, four times that as full ones) each model is dropped after its
/// summary is taken and read again when its file is checked, so a run holds one model per
/// thread, not one per file.
pub const KEEP_MODELS_BYTES: usize = 16 << 20;

/// One file after reading: its model (or, in a large run, only its summary) and the
/// settings in force.
pub struct Parsed {
    /// What the checks after reading need of the groups and rules; `None` when dropped
    /// to save memory, then read again from the source by [`Parsed::model`].
    model: Option<Checked>,
    /// What the checks across files need, when the model is dropped (see
    /// [`Parsed::summary`]).
    summary: Summary,
    /// Index into the run's settings list.
    pub settings: usize,
}

impl Parsed {
    /// What the checks across files need: taken from the kept model when asked (so the
    /// usual small run holds no second copy while it checks), or kept since reading.
    pub fn summary(&self) -> Cow<'_, Summary> {
        match &self.model {
            Some(model) => Cow::Owned(Summary::of(model, false)),
            None => Cow::Borrowed(&self.summary),
        }
    }

    /// Each rule's span, in order (all that ignore comments need), dropping the model.
    pub fn rule_spans(self) -> Vec<std::ops::Range<usize>> {
        match self.model {
            Some(model) => model
                .groups
                .iter()
                .flat_map(|g| &g.rules)
                .map(|r| r.span.clone())
                .collect(),
            None => self.summary.rule_spans,
        }
    }

    /// Calls `f` with every metric name the file's recording rules record.
    pub fn each_recorded(&self, f: &mut dyn FnMut(&str)) {
        match &self.model {
            Some(model) => {
                for rule in model.groups.iter().flat_map(|g| &g.rules) {
                    if let Some(record) = &rule.recorded {
                        f(record);
                    }
                }
            }
            None => self.summary.recorded.iter().for_each(|r| f(r)),
        }
    }

    /// The file's groups and rules: the kept model, or the file read again (its reading
    /// findings were reported the first time, and the early checks are not run again).
    pub fn model<'a>(&'a self, source: &SourceFile, file: usize) -> Cow<'a, Checked> {
        match &self.model {
            Some(model) => Cow::Borrowed(model),
            None => {
                let cx = Context {
                    file,
                    ..Context::default()
                };
                Cow::Owned(read(source, true, &cx, &mut Vec::new(), None).unwrap_or_default())
            }
        }
    }
}

/// The little a file's model is needed for once the file has been checked: the metrics
/// its rules record (for every file's catalogue), where its rules are (for ignore
/// comments), and a compact identity per rule (for duplicates across files). No string is
/// copied while the model is kept.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    /// Names recorded by the file's recording rules, only when the model is dropped.
    pub recorded: Vec<String>,
    /// Each rule's span, in order.
    pub rule_spans: Vec<std::ops::Range<usize>>,
    /// How many groups the file has.
    pub groups: usize,
    /// One key per named rule, in order.
    pub rules: Vec<RuleKey>,
}

/// A rule as the duplicate check sees it.
#[derive(Debug, Clone)]
pub struct RuleKey {
    /// A 128-bit hash of alert-or-record, name and merged labels: equal keys are the
    /// same rule (a collision among even millions of rules is out of reach).
    pub identity: u128,
    /// Where the rule's name is.
    pub name_span: std::ops::Range<usize>,
    /// Where the rule is.
    pub rule_span: std::ops::Range<usize>,
    /// The group's index in the file.
    pub group: u32,
    /// The rule's index in its group.
    pub rule: u32,
}

impl Summary {
    /// Takes what the checks across files need from `model`; `recorded` only when the
    /// model is about to be dropped (a kept model answers itself).
    pub fn of(model: &Checked, with_recorded: bool) -> Summary {
        // Sized exactly: doubling growth would leave up to half of each list unused.
        let rules = model.groups.iter().map(|g| g.rules.len()).sum();
        let mut summary = Summary {
            groups: model.groups.len(),
            rule_spans: Vec::with_capacity(rules),
            rules: Vec::with_capacity(rules),
            ..Summary::default()
        };
        for (g, group) in model.groups.iter().enumerate() {
            for (r, rule) in group.rules.iter().enumerate() {
                summary.rule_spans.push(rule.span.clone());
                if with_recorded && let Some(record) = &rule.recorded {
                    summary.recorded.push(record.to_string());
                }
                if rule.name.is_none() {
                    continue;
                }
                summary.rules.push(RuleKey {
                    identity: rule.identity,
                    name_span: rule.name_span.clone(),
                    rule_span: rule.span.clone(),
                    group: u32::try_from(g).unwrap_or(u32::MAX),
                    rule: u32::try_from(r).unwrap_or(u32::MAX),
                });
            }
        }
        summary
    }
}

/// Why a run could not lint at all (findings are never errors here).
#[derive(Debug, thiserror::Error)]
pub enum LintError {
    /// A settings file is unusable.
    #[error(transparent)]
    Settings(#[from] SettingsError),
    /// The linting thread could not be started.
    #[error("cannot start the linting thread: {0}")]
    Thread(std::io::Error),
}

/// Lints `inputs`. Fails only when a settings file is unusable or no thread can start.
///
/// Runs on one thread with a stack deep enough for the PromQL parser's nesting limit, so
/// the thousands of expressions of a large rule set are parsed without a spawn each.
pub fn lint(inputs: Vec<Input>, options: &LintOptions) -> Result<Report, LintError> {
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("rules-lint".into())
            .stack_size(crate::promql::PARSE_STACK_BYTES)
            .spawn_scoped(scope, || lint_on_this_thread(inputs, options));
        match spawned {
            Ok(handle) => match handle.join() {
                Ok(result) => result,
                Err(panic) => std::panic::resume_unwind(panic),
            },
            Err(err) => Err(LintError::Thread(err)),
        }
    })
}

fn lint_on_this_thread(inputs: Vec<Input>, options: &LintOptions) -> Result<Report, LintError> {
    let mut report = Report::default();
    let mut all_settings: Vec<Settings> = Vec::new();
    let mut settings_index: HashMap<Option<PathBuf>, usize> = HashMap::new();
    let mut finder = Finder::default();
    let mut parsed: Vec<Parsed> = Vec::new();
    let mut raw: Vec<Diagnostic> = Vec::new();

    // Settings first, in order (the finder caches directories); then the files are read
    // in parallel, each with a provisional index that skipped files give up below.
    let mut settings_of = Vec::with_capacity(inputs.len());
    for input in &inputs {
        let settings_path = match &options.settings_file {
            Some(path) => Some(path.clone()),
            None => finder.find(&directory_of(input.source.path.as_deref())),
        };
        let index = match settings_index.get(&settings_path) {
            Some(&i) => i,
            None => {
                let settings = match &settings_path {
                    Some(path) => Settings::load(path)?,
                    None => Settings::default(),
                };
                all_settings.push(settings);
                settings_index.insert(settings_path, all_settings.len() - 1);
                all_settings.len() - 1
            }
        };
        settings_of.push(index);
    }
    // The series check asks the server file after file, after the others: models stay.
    let keep_models = options.series.is_some()
        || inputs.iter().map(|i| i.source.text.len()).sum::<usize>() <= options.keep_models_bytes;
    let features = crate::promql::Features::from_flags(options.features.iter().map(String::as_str));
    let defaults = Settings::default();
    let results = parallel(inputs.len(), |i| {
        let mut out = Vec::new();
        let cx = Context {
            file: i,
            ..Context::default()
        };
        let model = inputs.get(i).and_then(|input| {
            let early = checks::Early {
                source: &input.source.text,
                settings: settings_of
                    .get(i)
                    .and_then(|&s| all_settings.get(s))
                    .unwrap_or(&defaults),
                features: &features,
            };
            read(&input.source, input.explicit, &cx, &mut out, Some(&early))
        });
        let parsed = model.map(|model| {
            let counts = (
                model.groups.len(),
                model.groups.iter().map(|g| g.rules.len()).sum::<usize>(),
            );
            if keep_models {
                (Some(model), Summary::default(), counts)
            } else {
                (None, Summary::of(&model, true), counts)
            }
        });
        (parsed, out)
    });
    for ((input, (parsed_file, mut out)), settings) in
        inputs.into_iter().zip(results).zip(settings_of)
    {
        let Some((model, summary, (groups, rules))) = parsed_file else {
            report.skipped.push(input.source.name);
            continue;
        };
        let file = report.files.len();
        for d in &mut out {
            d.file = file;
        }
        raw.append(&mut out);
        report.groups += groups;
        report.rules += rules;
        report.files.push(input.source);
        parsed.push(Parsed {
            model,
            summary,
            settings,
        });
    }

    checks::run(&report.files, &parsed, &all_settings, options, &mut raw);

    // The models are done with: what is left needs only each file's rule spans (for
    // ignore comments) and settings, so the models go before the findings are sorted.
    let kept: Vec<(Vec<std::ops::Range<usize>>, usize)> = parsed
        .into_iter()
        .map(|p| {
            let settings = p.settings;
            (p.rule_spans(), settings)
        })
        .collect();

    // Suppression per file, then each file's settings decide severity (or drop), all in
    // place: a big run has tens of thousands of findings, and a copy of them per step
    // would be the largest thing the run holds. A finding keeps its order among those of
    // its file, as the sort below wants (of equal findings, the first is kept).
    for (index, file) in report.files.iter().enumerate() {
        let rule_spans = kept.get(index).map_or(&[][..], |(spans, _)| &spans[..]);
        let mut ignores = suppress::find(file, rule_spans);
        if ignores.is_empty() {
            continue;
        }
        let unused = suppress::apply(&mut raw, &mut ignores, index);
        raw.extend(unused);
    }
    raw.retain_mut(|d| {
        let Some((_, settings)) = kept.get(d.file) else {
            return false;
        };
        let severity = match all_settings.get(*settings) {
            Some(s) => s.severity_of(d.code),
            None => Some(d.code.default_severity()),
        };
        match severity.filter(|s| *s >= options.min_severity) {
            Some(severity) => {
                d.severity = severity;
                true
            }
            None => false,
        }
    });
    let mut diagnostics = raw;
    // One finding per (file, span, code, message): a node repeated through YAML aliases
    // or merge keys is checked once per use but is one place to fix, at its anchor.
    diagnostics.sort_by(|a, b| {
        (a.file, a.span.start, a.span.end, a.code, &a.message).cmp(&(
            b.file,
            b.span.start,
            b.span.end,
            b.code,
            &b.message,
        ))
    });
    diagnostics.dedup_by(|a, b| {
        a.file == b.file && a.span == b.span && a.code == b.code && a.message == b.message
    });
    diagnostics.shrink_to_fit();
    report.diagnostics = diagnostics;
    Ok(report)
}

/// Runs `f` for every index of `0..n` on up to as many threads as there are cores, each
/// with a stack deep enough for the parsers, and returns the results in index order. A
/// single item (or a failed spawn) runs on the calling thread.
pub(crate) fn parallel<R: Send>(n: usize, f: impl Fn(usize) -> R + Sync) -> Vec<R> {
    let workers = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(n);
    if workers <= 1 {
        return (0..n).map(&f).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let slots: Vec<std::sync::Mutex<Option<R>>> =
        (0..n).map(|_| std::sync::Mutex::new(None)).collect();
    let work = || loop {
        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if i >= n {
            break;
        }
        let result = f(i);
        if let Some(slot) = slots.get(i) {
            *slot
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(result);
        }
    };
    std::thread::scope(|scope| {
        for _ in 1..workers {
            let spawned = std::thread::Builder::new()
                .name("rules-lint".into())
                .stack_size(crate::promql::PARSE_STACK_BYTES)
                .spawn_scoped(scope, work);
            if spawned.is_err() {
                break;
            }
        }
        // The calling thread (itself deep-stacked) takes its share too.
        work();
    });
    slots
        .into_iter()
        .map(|slot| {
            slot.into_inner()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        })
        .enumerate()
        .map(|(i, r)| r.unwrap_or_else(|| f(i)))
        .collect()
}

/// A group read in full: the checks that need only it run (unless `early` is `None`: a
/// file read again), then it is cut down to what the later checks need. Its name is kept
/// for the file's repeated-name check.
fn finish_group(
    group: Group,
    early: Option<&checks::Early<'_>>,
    cx: &Context,
    out: &mut Vec<Diagnostic>,
) -> (model::Text, CheckedGroup) {
    if let Some(early) = early {
        checks::early(&group, early, cx, out);
    }
    let name = group.name.clone();
    (name, CheckedGroup::of(group))
}

/// Parses one file into the model, reporting YAML problems, and runs the checks that need
/// only the file ([`checks::early`]) unless `early` is `None`; `None` when a file found
/// under a directory is not a rule file at all.
fn read(
    source: &SourceFile,
    explicit: bool,
    cx: &Context,
    out: &mut Vec<Diagnostic>,
    early: Option<&checks::Early<'_>>,
) -> Option<Checked> {
    if let Some(at) = source.invalid_utf8_at {
        out.push(cx.diagnostic(
            Code::YamlSyntax,
            at..at + 1,
            "the file is not valid UTF-8 (YAML must be)",
        ));
        return Some(Checked::default());
    }
    // Groups of a plain rule file are checked and cut down as soon as they are parsed, so
    // a big file's whole tree, or whole model, is never in memory at once.
    let mut taken: Vec<Option<(model::Text, CheckedGroup)>> = Vec::new();
    let mut found: Vec<Diagnostic> = Vec::new();
    let parsed = yaml_tree::parse_streaming(&source.text, &mut |node| {
        let group = model::build_group(&node, cx, &mut found);
        taken.push(group.map(|g| finish_group(g, early, cx, &mut found)));
        Ok(taken.len() - 1)
    });
    let stream = match parsed {
        Ok(stream) => stream,
        Err(err) => {
            out.push(cx.diagnostic(Code::YamlSyntax, err.offset..err.offset, err.message));
            return Some(Checked::default());
        }
    };
    // Kubernetes manifests: every PrometheusRule document's `spec` is a rule file of its
    // own (the operator writes each to a separate file), other documents are skipped.
    let specs: Vec<&yaml_tree::Node<'_>> = stream
        .documents
        .iter()
        .filter_map(|d| d.root.as_ref())
        .filter_map(prometheus_rule_spec)
        .collect();
    if !specs.is_empty() {
        let mut names = Vec::new();
        let mut groups = Vec::new();
        for (document, spec) in specs.into_iter().enumerate() {
            for group in model::build(Some(spec), cx, out).groups {
                let (name, checked) = finish_group(group, early, cx, out);
                names.push((document, name));
                groups.push(checked);
            }
        }
        if early.is_some() {
            checks::group_names(&names, cx, out);
        }
        return Some(Checked { groups });
    }
    let root = stream.documents.first().and_then(|d| d.root.as_ref());
    if !explicit && !looks_like_rules(root) {
        return None;
    }
    out.append(&mut found);
    if let Some(second) = stream
        .documents
        .get(1)
        .filter(|d| d.root.as_ref().is_some_and(|r| !r.is_null()))
    {
        out.push(cx.diagnostic(
            Code::YamlMultipleDocuments,
            second.start..second.start,
            "only the first YAML document is read, as Prometheus does; move these rules into the first document or another file",
        ));
    }
    let finished = model::build_groups_with(
        root.filter(|r| !r.is_null()),
        &mut taken,
        cx,
        out,
        &mut |group, out| finish_group(group, early, cx, out),
    );
    let mut names = Vec::with_capacity(finished.len());
    let mut groups = Vec::with_capacity(finished.len());
    for (name, checked) in finished {
        names.push((0, name));
        groups.push(checked);
    }
    if early.is_some() {
        checks::group_names(&names, cx, out);
    }
    Some(Checked { groups })
}

/// The `spec` of a Kubernetes `PrometheusRule` (prometheus-operator's CRD), whose shape is
/// a rule file's: `{groups: [...]}`.
fn prometheus_rule_spec<'n, 'a>(root: &'n yaml_tree::Node<'a>) -> Option<&'n yaml_tree::Node<'a>> {
    let NodeKind::Map(entries) = &root.kind else {
        return None;
    };
    let value = |key: &str| {
        entries
            .iter()
            .find(|(k, _)| k.as_scalar().is_some_and(|s| s.value == key))
            .map(|(_, v)| v)
    };
    let kind = value("kind")?.as_scalar()?;
    let api = value("apiVersion")?.as_scalar()?;
    (kind.value == "PrometheusRule" && api.value.starts_with("monitoring.coreos.com/"))
        .then(|| value("spec"))
        .flatten()
}

/// A mapping with a `groups` key (or an empty file) is a rule file; `prometheus.yml`,
/// `alertmanager.yml` and compose files found under the same directory are not.
fn looks_like_rules(root: Option<&yaml_tree::Node>) -> bool {
    match root.map(|r| &r.kind) {
        None => true,
        Some(NodeKind::Map(entries)) => entries
            .iter()
            .any(|(k, _)| k.as_scalar().is_some_and(|s| s.value == "groups")),
        Some(_) => false,
    }
}

/// Where to start looking for `.ccmon-lint.yaml`: the file's directory, or the current one.
fn directory_of(path: Option<&Path>) -> PathBuf {
    path.and_then(Path::parent)
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED_FILE: &str = "groups:\n  - name: g\n    interval: 1m\n    labels: {team: a}\n    rules:\n      - alert: \"A\"\n        expr: |\n          sum by (job) (rate(http_requests_total{code=~\"5..\"}[5m]))\n            / sum by (job) (rate(http_requests_total[5m])) > 0.05\n        for: 5m\n        labels: {severity: page}\n        annotations:\n          summary: '{{ $labels.job }} at {{ $value | humanizePercentage }}'\n      - record: job:up:sum  # ccmon: ignore[rule]\n        expr: >-\n          sum by (job)\n          (up{job=\"x\"} offset 5m)\n";

    fn lint_text(text: &str) -> Report {
        let input = Input {
            source: SourceFile::new("fuzz.yml", None, text.to_owned()),
            explicit: true,
        };
        lint(vec![input], &LintOptions::default()).expect("no settings file involved")
    }

    #[test]
    fn the_seed_file_lints_with_positions_inside_the_file() {
        let report = lint_text(SEED_FILE);
        for d in &report.diagnostics {
            assert!(
                d.span.start <= SEED_FILE.len() && d.span.end <= SEED_FILE.len(),
                "{d:?}"
            );
        }
        assert!(!report.fails(Severity::Error), "{:?}", report.diagnostics);
    }

    /// Files linted in parallel keep their own findings, in input order.
    #[test]
    fn parallel_files_keep_their_own_findings() {
        let inputs: Vec<Input> = (0..40)
            .map(|i| {
                // File i has its syntax error on line i + 5.
                let text = format!(
                    "groups:\n  - name: g\n    rules:\n      - record: a:b:c\n{}        expr: sum(up\n",
                    "        # padding\n".repeat(i)
                );
                Input {
                    source: SourceFile::new(format!("f{i}.yml"), None, text),
                    explicit: true,
                }
            })
            .collect();
        let report = lint(inputs, &LintOptions::default()).expect("lint");
        assert_eq!(report.files.len(), 40);
        for (i, file) in report.files.iter().enumerate() {
            assert_eq!(file.name, format!("f{i}.yml"));
            let errors: Vec<_> = report
                .diagnostics
                .iter()
                .filter(|d| d.file == i && d.code == Code::PromqlSyntax)
                .map(|d| file.line_col(d.span.start).line)
                .collect();
            assert_eq!(errors, [i + 5], "file {i}");
        }
    }

    /// A large run drops each model after reading and reads the file again to check it:
    /// the findings are the same as when every model is kept, duplicates across files and
    /// ignore comments included.
    #[test]
    fn dropping_models_changes_no_finding() {
        let files = [
            SEED_FILE.to_owned(),
            format!("{SEED_FILE}      - record: 'bad name'\n        expr: nothing_known_total\n"),
            "groups:\n  - name: h\n    labels: {team: a}\n    rules:\n      - alert: A\n        expr: |\n          sum by (job) (rate(http_requests_total{code=~\"5..\"}[5m]))\n            / sum by (job) (rate(http_requests_total[5m])) > 0.05\n        labels: {severity: page}\n      - record: job:up:sum\n        expr: sum(up{job=\"x\"}) # ccmon: ignore[promql]\n".to_owned(),
        ];
        let run = |keep_models_bytes: usize| {
            let inputs = files
                .iter()
                .enumerate()
                .map(|(i, text)| Input {
                    source: SourceFile::new(format!("f{i}.yml"), None, text.clone()),
                    explicit: true,
                })
                .collect();
            let options = LintOptions {
                keep_models_bytes,
                ..LintOptions::default()
            };
            let report = lint(inputs, &options).expect("lint");
            (
                report
                    .diagnostics
                    .iter()
                    .map(|d| format!("{} {:?} {} {}", d.file, d.span, d.code, d.message))
                    .collect::<Vec<_>>(),
                report.groups,
                report.rules,
            )
        };
        let kept = run(usize::MAX);
        assert!(
            kept.0.iter().any(|d| d.contains("rule/duplicate")),
            "{:#?}",
            kept.0
        );
        assert_eq!(kept, run(0));
    }

    /// Never panics, and every span stays inside the file, whatever the mutation.
    #[test]
    fn mutated_rule_files_never_panic() {
        let alphabet: Vec<char> = "{}[]()\"'|>-:#,&*!%@` \n\t\\$=~.5mabcé😀\u{0}"
            .chars()
            .collect();
        let mut rng = fastrand::Rng::with_seed(0x5eed);
        for _ in 0..500 {
            let mut chars: Vec<char> = SEED_FILE.chars().collect();
            for _ in 0..rng.usize(1..6) {
                let at = rng.usize(0..=chars.len());
                match rng.u8(0..3) {
                    0 if at < chars.len() => {
                        chars.remove(at);
                    }
                    1 if at < chars.len() => chars[at] = alphabet[rng.usize(0..alphabet.len())],
                    _ => chars.insert(at, alphabet[rng.usize(0..alphabet.len())]),
                }
            }
            let text: String = chars.into_iter().collect();
            let report = lint_text(&text);
            for d in &report.diagnostics {
                assert!(
                    d.span.start <= text.len() && d.span.end <= text.len(),
                    "{d:?} in {text:?}"
                );
            }
            let _ = render::human(&report, false);
            let _ = render::sarif(&report);
        }
    }
}
