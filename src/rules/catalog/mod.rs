//! The metric catalogue `ccmon rules lint` checks rules against: every metric family that
//! ccmon and the exporters the scaffold deploys really expose, with its type, main labels
//! and help, so that a rule naming a metric nothing emits is caught, and so are
//! `rate(some_gauge[5m])` and `delta(some_counter[5m])`.
//!
//! # Data files
//!
//! One file per source under `data/`, embedded with `include_str!`. The format is one
//! family a line:
//!
//! ```text
//! # a comment (whole lines only)
//! name type [label ...] [-- help]
//! ```
//!
//! - `name` is the family as exposed: counters with their `_total`
//!   (`node_cpu_seconds_total`), histograms and summaries once by family name
//!   (`prometheus_http_request_duration_seconds`; lookup resolves `_bucket`, `_sum`,
//!   `_count`), info metrics with their `_info`.
//! - A name ending in `*` is a prefix entry for a family the exporter builds at run time
//!   (`pg_settings_*`): it matches every series name starting with the part before `*`.
//! - `type` is one of `counter`, `gauge`, `histogram`, `summary`, `untyped`, `info`,
//!   `stateset`.
//! - Labels are the family's main label names, space separated; optional, never
//!   exhaustive (target labels such as `job` and `instance` are never listed).
//! - ` -- ` (spaces around it) starts the help text. A counter whose exposed name does
//!   not end in `_total` must have `[no _total]` in its help, so a forgotten suffix in
//!   the data is an error rather than a silent false positive in every rule.
//!
//! Names are unique across all files, except those listed in [`SHARED`] (the same family
//! really exposed by two sources).
//!
//! # Lookup
//!
//! [`Catalog::lookup`] resolves, in order: an exact family name; `_bucket` of a histogram;
//! `_sum`/`_count` of a histogram or summary; OpenMetrics `_created` of a counter
//! (`foo_created` for `foo_total`), histogram or summary; then the longest matching
//! prefix entry.

mod parse;
pub(crate) mod suggest;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, OnceLock};

pub use self::parse::{ParseError, is_label_name, is_metric_name};

/// The embedded data files: source name, file name and text.
const SOURCES: &[(&str, &str, &str)] = &[
    ("ccmon", "ccmon.txt", include_str!("data/ccmon.txt")),
    (
        "node_exporter",
        "node_exporter.txt",
        include_str!("data/node_exporter.txt"),
    ),
    (
        "postgres_exporter",
        "postgres_exporter.txt",
        include_str!("data/postgres_exporter.txt"),
    ),
    (
        "blackbox_exporter",
        "blackbox_exporter.txt",
        include_str!("data/blackbox_exporter.txt"),
    ),
    (
        "redis_exporter",
        "redis_exporter.txt",
        include_str!("data/redis_exporter.txt"),
    ),
    ("process", "process.txt", include_str!("data/process.txt")),
    ("go", "go.txt", include_str!("data/go.txt")),
    (
        "prometheus",
        "prometheus.txt",
        include_str!("data/prometheus.txt"),
    ),
    (
        "alertmanager",
        "alertmanager.txt",
        include_str!("data/alertmanager.txt"),
    ),
    (
        "claude_code",
        "claude_code.txt",
        include_str!("data/claude_code.txt"),
    ),
];

/// The source names of [`SOURCES`], in the same order.
const SOURCE_NAMES: &[&str] = &[
    "ccmon",
    "node_exporter",
    "postgres_exporter",
    "blackbox_exporter",
    "redis_exporter",
    "process",
    "go",
    "prometheus",
    "alertmanager",
    "claude_code",
];

/// Family names intentionally listed by more than one source (none today: the Go and
/// process collectors every Go exporter embeds are listed once, in `go.txt` and
/// `process.txt`).
pub const SHARED: &[&str] = &[];

/// The type of a metric family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MetricType {
    /// Monotonic count (`_total`).
    Counter,
    /// A value that goes up and down.
    Gauge,
    /// Cumulative buckets with `_bucket`, `_sum`, `_count` (or a native histogram).
    Histogram,
    /// Quantiles with `_sum` and `_count`.
    Summary,
    /// Untyped (many exporters' generic values).
    Untyped,
    /// OpenMetrics info (constant 1, data in labels).
    Info,
    /// OpenMetrics state set (one series per state, 1 for the current ones).
    StateSet,
}

impl MetricType {
    /// The word used in data files and the exposition format.
    pub fn as_str(self) -> &'static str {
        match self {
            MetricType::Counter => "counter",
            MetricType::Gauge => "gauge",
            MetricType::Histogram => "histogram",
            MetricType::Summary => "summary",
            MetricType::Untyped => "untyped",
            MetricType::Info => "info",
            MetricType::StateSet => "stateset",
        }
    }

    /// Parses the word used in data files (case-insensitive).
    pub fn parse(word: &str) -> Option<MetricType> {
        Some(match word.to_ascii_lowercase().as_str() {
            "counter" => MetricType::Counter,
            "gauge" => MetricType::Gauge,
            "histogram" => MetricType::Histogram,
            "summary" => MetricType::Summary,
            "untyped" | "unknown" => MetricType::Untyped,
            "info" => MetricType::Info,
            "stateset" => MetricType::StateSet,
            _ => return None,
        })
    }
}

impl fmt::Display for MetricType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One metric family of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The family name as exposed (a prefix entry ends in `*`).
    pub name: String,
    /// Its type.
    pub kind: MetricType,
    /// Where it comes from (`node_exporter`, `ccmon`, `user`, `rules`...).
    pub source: String,
    /// Its main label names (not exhaustive; `le`/`quantile` are implied by the type).
    pub labels: Vec<String>,
    /// Its help text (may be empty).
    pub help: String,
}

impl Entry {
    /// Whether this is a prefix entry (`pg_settings_*`).
    pub fn is_prefix(&self) -> bool {
        self.name.ends_with('*')
    }

    /// The labels a series of this family can carry for `series_kind`: the listed ones
    /// plus `le` for histogram buckets and `quantile` for summary quantiles.
    pub fn series_labels(&self, series_kind: SeriesKind) -> Vec<&str> {
        let mut out: Vec<&str> = self.labels.iter().map(String::as_str).collect();
        match (self.kind, series_kind) {
            (MetricType::Histogram, SeriesKind::Bucket) => out.push("le"),
            (MetricType::Summary, SeriesKind::Plain) => out.push("quantile"),
            (MetricType::StateSet, SeriesKind::Plain) if !out.contains(&self.name.as_str()) => {
                out.push(self.name.as_str());
            }
            _ => {}
        }
        out
    }
}

/// Which series of a family a name denotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SeriesKind {
    /// The family name itself (a summary's quantiles, a native histogram, any other type).
    Plain,
    /// A histogram's `_bucket`.
    Bucket,
    /// A histogram's or summary's `_sum`.
    Sum,
    /// A histogram's or summary's `_count`.
    Count,
    /// OpenMetrics `_created` of a counter, histogram or summary.
    Created,
}

/// The result of a lookup: the family and which of its series the name denotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lookup<'a> {
    /// The family.
    pub entry: &'a Entry,
    /// Which series of it.
    pub series_kind: SeriesKind,
}

impl Lookup<'_> {
    /// Whether the series only goes up (a counter, or a histogram's `_bucket`/`_count`/
    /// `_sum`, or a native histogram): what `rate`, `increase` and `irate` want.
    pub fn is_counter_like(&self) -> bool {
        match (self.entry.kind, self.series_kind) {
            (_, SeriesKind::Created) => false,
            (MetricType::Counter, _) => true,
            (MetricType::Histogram, _) => true,
            (MetricType::Summary, SeriesKind::Sum | SeriesKind::Count) => true,
            _ => false,
        }
    }

    /// Whether the series goes up and down (a gauge, a summary's quantiles, an info or
    /// state set, a `_created` timestamp): what `delta`, `deriv` and `predict_linear` want.
    pub fn is_gauge_like(&self) -> bool {
        matches!(
            (self.entry.kind, self.series_kind),
            (_, SeriesKind::Created)
                | (
                    MetricType::Gauge | MetricType::Info | MetricType::StateSet,
                    _
                )
                | (MetricType::Summary, SeriesKind::Plain)
        )
    }
}

/// The source of the metrics recorded by the linted rules ([`Catalog::add_recorded`]).
pub const RECORDED: &str = "recording rule";

/// The one entry every name of [`Catalog::add_recorded`] is looked up as: untyped, from
/// [`RECORDED`], with an empty name (the name is the one looked up).
fn recorded_entry() -> &'static Entry {
    static ENTRY: OnceLock<Entry> = OnceLock::new();
    ENTRY.get_or_init(|| Entry {
        name: String::new(),
        kind: MetricType::Untyped,
        source: RECORDED.to_owned(),
        labels: Vec::new(),
        help: String::new(),
    })
}

/// The catalogue: families by name, plus prefix entries.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    exact: BTreeMap<String, Entry>,
    /// Prefix entries, keyed by the prefix (without `*`).
    prefixes: BTreeMap<String, Entry>,
    /// Every exposed series name of the exact families, to the family, for suggestions.
    series: BTreeMap<String, String>,
    /// Names recorded by the linted rules that are no other family, sorted: bare names
    /// rather than an entry and two map nodes each, as a large rule set records thousands.
    /// Never a key of `exact`, never a prefix (those are added as entries).
    recorded: Vec<Arc<str>>,
    /// The keys of `series` and the `recorded` names in order, for the suggestion search
    /// (built on first use, dropped by every insertion).
    series_names: OnceLock<Vec<Arc<str>>>,
}

impl Catalog {
    /// An empty catalogue.
    pub fn new() -> Catalog {
        Catalog::default()
    }

    /// The catalogue of every embedded source. Lines that do not parse are skipped (a
    /// unit test keeps every data file clean); a name listed twice keeps its first entry.
    pub fn builtin() -> Catalog {
        let mut c = Catalog::new();
        for (source, file, text) in SOURCES {
            let (entries, _errors) = parse::parse(file, source, text);
            for e in entries {
                c.insert_if_absent(e);
            }
        }
        c
    }

    /// The names of the embedded sources.
    pub fn builtin_sources() -> &'static [&'static str] {
        SOURCE_NAMES
    }

    /// Parses a data file in the catalogue's format, as from `source` (for user-supplied
    /// catalogue files); the errors name `file` and the line.
    pub fn parse_source(file: &str, source: &str, text: &str) -> (Vec<Entry>, Vec<ParseError>) {
        parse::parse(file, source, text)
    }

    /// Adds a family (a user addition or a metric recorded by the linted rules). A name
    /// ending in `*` adds a prefix entry. An existing family of that name is replaced.
    pub fn add(&mut self, name: &str, kind: MetricType, source: &str) {
        self.insert(Entry {
            name: name.to_owned(),
            kind,
            source: source.to_owned(),
            labels: Vec::new(),
            help: String::new(),
        });
    }

    /// Adds the metrics the linted recording rules record, as untyped families from
    /// [`RECORDED`] (replacing a family of the same name), as [`Catalog::add`] would one by
    /// one. A lookup answers for them with one shared entry whose name is empty.
    pub fn add_recorded(&mut self, names: Vec<Arc<str>>) {
        let mut bare: Vec<Arc<str>> = Vec::with_capacity(names.len());
        for name in names {
            if name.ends_with('*') || self.exact.contains_key(&*name) {
                self.add(&name, MetricType::Untyped, RECORDED);
            } else {
                bare.push(name);
            }
        }
        if bare.is_empty() {
            return;
        }
        self.series_names = OnceLock::new();
        bare.append(&mut self.recorded);
        bare.sort_unstable();
        bare.dedup();
        bare.shrink_to_fit();
        self.recorded = bare;
    }

    /// Whether `name` is one of the bare recorded names.
    fn is_recorded(&self, name: &str) -> bool {
        self.recorded.binary_search_by(|r| (**r).cmp(name)).is_ok()
    }

    /// Adds a full entry, replacing an existing family of that name.
    pub fn insert(&mut self, entry: Entry) {
        self.series_names = OnceLock::new();
        // A recorded name becomes this entry, as an entry of that name would be replaced.
        if let Ok(i) = self
            .recorded
            .binary_search_by(|r| (**r).cmp(entry.name.as_str()))
        {
            self.recorded.remove(i);
        }
        match entry.name.strip_suffix('*') {
            Some(prefix) => {
                self.prefixes.insert(prefix.to_owned(), entry);
            }
            None => {
                if let Some(old) = self.exact.get(&entry.name) {
                    for n in series_names(old) {
                        if self.series.get(&n) == Some(&entry.name) {
                            self.series.remove(&n);
                        }
                    }
                }
                for n in series_names(&entry) {
                    self.series.insert(n, entry.name.clone());
                }
                self.exact.insert(entry.name.clone(), entry);
            }
        }
    }

    fn insert_if_absent(&mut self, entry: Entry) {
        let present = match entry.name.strip_suffix('*') {
            Some(prefix) => self.prefixes.contains_key(prefix),
            None => self.exact.contains_key(&entry.name) || self.is_recorded(&entry.name),
        };
        if !present {
            self.insert(entry);
        }
    }

    /// The family listed under exactly `name` (a prefix entry with its `*`; a recorded
    /// name's shared entry, see [`Catalog::add_recorded`]).
    pub fn get(&self, name: &str) -> Option<&Entry> {
        match name.strip_suffix('*') {
            Some(prefix) => self.prefixes.get(prefix),
            None => self
                .exact
                .get(name)
                .or_else(|| self.is_recorded(name).then(recorded_entry)),
        }
    }

    /// Every family with an entry of its own, exact names first (sorted), then prefix
    /// entries (sorted); the names of [`Catalog::add_recorded`] are not listed.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.exact.values().chain(self.prefixes.values())
    }

    /// How many families (exact and prefix) the catalogue holds.
    pub fn len(&self) -> usize {
        self.exact.len() + self.prefixes.len()
    }

    /// Whether the catalogue is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Resolves a series name to its family: exact names, `_bucket`/`_sum`/`_count`/
    /// `_created` of histograms, summaries and counters, then prefix entries.
    pub fn lookup(&self, series_name: &str) -> Option<Lookup<'_>> {
        if let Some(entry) = self.exact.get(series_name) {
            return Some(Lookup {
                entry,
                series_kind: SeriesKind::Plain,
            });
        }
        // Recorded names are never keys of `exact`, so `_bucket` and the like of a family
        // replaced by a recorded name find nothing below, as they would find it untyped.
        if self.is_recorded(series_name) {
            return Some(Lookup {
                entry: recorded_entry(),
                series_kind: SeriesKind::Plain,
            });
        }
        if let Some(found) = self.lookup_suffix(series_name) {
            return Some(found);
        }
        self.lookup_prefix(series_name)
    }

    fn lookup_suffix(&self, name: &str) -> Option<Lookup<'_>> {
        fn found(entry: &Entry, series_kind: SeriesKind) -> Lookup<'_> {
            Lookup { entry, series_kind }
        }
        if let Some(base) = name.strip_suffix("_bucket")
            && let Some(e) = self.exact.get(base)
            && e.kind == MetricType::Histogram
        {
            return Some(found(e, SeriesKind::Bucket));
        }
        for (suffix, series_kind) in [("_sum", SeriesKind::Sum), ("_count", SeriesKind::Count)] {
            if let Some(base) = name.strip_suffix(suffix)
                && let Some(e) = self.exact.get(base)
                && matches!(e.kind, MetricType::Histogram | MetricType::Summary)
            {
                return Some(found(e, series_kind));
            }
        }
        if let Some(base) = name.strip_suffix("_created") {
            if let Some(e) = self.exact.get(base)
                && matches!(e.kind, MetricType::Histogram | MetricType::Summary)
            {
                return Some(found(e, SeriesKind::Created));
            }
            if let Some(e) = self.exact.get(&format!("{base}_total"))
                && e.kind == MetricType::Counter
            {
                return Some(found(e, SeriesKind::Created));
            }
        }
        None
    }

    fn lookup_prefix(&self, name: &str) -> Option<Lookup<'_>> {
        // The longest matching prefix wins (there are only a few dozen prefixes).
        self.prefixes
            .iter()
            .filter(|(prefix, _)| name.starts_with(prefix.as_str()))
            .max_by_key(|(prefix, _)| prefix.len())
            .map(|(_, entry)| Lookup {
                entry,
                series_kind: SeriesKind::Plain,
            })
    }

    /// Whether `name` is a known series that only goes up (see [`Lookup::is_counter_like`]).
    /// Unknown and untyped names are neither counter- nor gauge-like.
    pub fn is_counter_like(&self, name: &str) -> bool {
        self.lookup(name).is_some_and(|l| l.is_counter_like())
    }

    /// Whether `name` is a known series that goes up and down (see [`Lookup::is_gauge_like`]).
    pub fn is_gauge_like(&self, name: &str) -> bool {
        self.lookup(name).is_some_and(|l| l.is_gauge_like())
    }

    /// The known name closest to `name` for a "did you mean": a family or one of its
    /// `_bucket`/`_sum`/`_count` series, within a small edit distance, preferring a name
    /// that only adds or drops a suffix (`node_cpu_seconds` → `node_cpu_seconds_total`).
    /// `None` when `name` is already known or nothing is close.
    ///
    /// The search is bounded: suffix slips are direct lookups, a case slip has the same
    /// length, and the edit-distance walk shares its work across names with a common
    /// prefix and leaves a whole run of names as soon as their prefix is out of reach.
    /// A catalogue holding thousands of recorded rules costs about as much as a small one.
    pub fn suggest<'s>(&'s self, name: &str) -> Option<&'s str> {
        if self.lookup(name).is_some() {
            return None;
        }
        let mut best: Option<(usize, &'s str)> = None;
        let mut consider = |candidate: &'s str, score: usize| {
            if candidate != name
                && best.is_none_or(|(b, n)| score < b || (score == b && candidate < n))
            {
                best = Some((score, candidate));
            }
        };
        for candidate in suggest::suffix_slips(name) {
            if let Some((known, _)) = self.series.get_key_value(candidate.as_str()) {
                consider(known, 1);
            } else if let Ok(i) = self
                .recorded
                .binary_search_by(|r| (**r).cmp(candidate.as_str()))
                && let Some(known) = self.recorded.get(i)
            {
                consider(known, 1);
            }
        }
        let names = self.series_names.get_or_init(|| {
            // The recorded names are shared, not copied.
            let mut names: Vec<Arc<str>> = self
                .series
                .keys()
                .map(|k| Arc::from(k.as_str()))
                .chain(self.recorded.iter().cloned())
                .collect();
            names.sort_unstable();
            names.dedup();
            names
        });
        for candidate in names
            .iter()
            .filter(|c| c.len() == name.len() && c.eq_ignore_ascii_case(name))
        {
            consider(candidate, 1);
        }
        suggest::within_distance(name, names, |candidate, distance| {
            // A pure typo (one edit) ties with a suffix slip; anything more ranks behind.
            consider(candidate, if distance <= 1 { 1 } else { distance + 1 });
        });
        best.map(|(_, n)| n)
    }

    /// The old exhaustive scan, kept to prove the bounded search finds the same names.
    #[cfg(test)]
    pub(crate) fn suggest_by_scanning(&self, name: &str) -> Option<&str> {
        if self.lookup(name).is_some() {
            return None;
        }
        let mut best: Option<(usize, &str)> = None;
        let candidates = self
            .series
            .keys()
            .map(String::as_str)
            .chain(self.recorded.iter().map(|r| &**r));
        for candidate in candidates {
            if let Some(score) = suggest::score(name, candidate)
                && best.is_none_or(|(b, n)| score < b || (score == b && candidate < n))
            {
                best = Some((score, candidate));
            }
        }
        best.map(|(_, n)| n)
    }
}

/// Writes `entries` in the data-file format (one family a line), after `header` as
/// comment lines, so that `.ccmon-lint.yaml` can name the file as `metrics_file:` and
/// [`Catalog::parse_source`] reads back the same families.
pub fn write_data_file(header: &str, entries: &[Entry]) -> String {
    let mut out = String::new();
    for line in header.lines() {
        out.push_str("# ");
        out.push_str(line);
        out.push('\n');
    }
    for e in entries {
        out.push_str(&e.name);
        out.push(' ');
        out.push_str(e.kind.as_str());
        for label in &e.labels {
            out.push(' ');
            out.push_str(label);
        }
        // The help is one line, and ` -- ` only ever separates it from the spec.
        let mut help = e.help.replace(['\n', '\r'], " ").trim().to_owned();
        if e.kind == MetricType::Counter
            && !e.name.ends_with("_total")
            && !help.contains("[no _total]")
        {
            help = format!("[no _total] {help}").trim_end().to_owned();
        }
        if !help.is_empty() {
            out.push_str(" -- ");
            out.push_str(&help);
        }
        out.push('\n');
    }
    out
}

/// The series names a family exposes, for suggestions.
fn series_names(entry: &Entry) -> Vec<String> {
    let name = &entry.name;
    match entry.kind {
        MetricType::Histogram => vec![
            name.clone(),
            format!("{name}_bucket"),
            format!("{name}_sum"),
            format!("{name}_count"),
        ],
        MetricType::Summary => vec![name.clone(), format!("{name}_sum"), format!("{name}_count")],
        _ => vec![name.clone()],
    }
}
