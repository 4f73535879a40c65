//! `rules lint --online`: the metric names and types of the context's Prometheus, cached per
//! server, and the series probe behind `promql/series`.
//!
//! The cache is one JSON file per server under `$XDG_CACHE_HOME/ccmon/online/`, named after
//! the server's host and a hash of its redacted URL and headers, so neither a file name nor
//! a file's content ever holds a password or a token. A file older than the TTL is asked
//! again; a file that does not parse is reported once and rewritten; a stale file still
//! serves when the server does not answer.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::Digest as _;
use url::Url;

use super::catalog::{Catalog, Entry, MetricType};
use super::checks::series::SeriesSource;
use crate::prom::{self, PromError};
use crate::redact::redact;

/// How long cached names serve without asking the server again.
pub const DEFAULT_TTL: Duration = Duration::from_secs(3600);
/// A cache file larger than this is not read (a server with a million names writes ~50 MiB).
pub const MAX_CACHE_BYTES: u64 = 256 << 20;
/// How far back `promql/series` looks for a series (as pint does, a week).
pub const SERIES_LOOKBACK: Duration = Duration::from_secs(7 * 24 * 3600);
/// At most this many distinct selectors are asked about per run; the rest are skipped
/// with one warning, so a 100,000-rule run cannot flood the server.
pub const MAX_SERIES_QUERIES: usize = 2000;
/// The cache format; a file of another version is fetched again, not reported.
const CACHE_VERSION: u32 = 1;

/// The context's Prometheus, as `--online` asks it.
#[derive(Debug, Clone)]
pub struct Server {
    client: prom::Client,
    /// The URL as shown (redacted).
    shown: String,
    /// The cache file's name without extension.
    key: String,
}

impl Server {
    /// A server at `url`, asked with `http` (built from the context: auth, TLS, headers).
    /// `headers` tell tenants of one URL apart (`X-Scope-OrgID`) in the cache key.
    pub fn new(http: reqwest::Client, url: Url, headers: &BTreeMap<String, String>) -> Server {
        let shown = redact(url.as_str()).into_owned();
        Server {
            key: cache_key(&url, &shown, headers),
            client: prom::Client::new(http, url),
            shown,
        }
    }

    /// The URL as shown in messages (redacted).
    pub fn shown(&self) -> &str {
        &self.shown
    }
}

/// `prometheus-HOST-PORT-HASH`: readable, one per server and tenant, and free of secrets
/// (the hash is over the redacted URL and redacted headers, never a password).
fn cache_key(url: &Url, shown: &str, headers: &BTreeMap<String, String>) -> String {
    let mut hasher = sha2::Sha256::new();
    hasher.update(shown.as_bytes());
    for (name, value) in headers {
        hasher.update(b"\n");
        hasher.update(redact(&format!("{name}: {value}")).as_bytes());
    }
    let digest = hasher.finalize();
    let hash: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    let host: String = url
        .host_str()
        .unwrap_or("server")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(64)
        .collect();
    match url.port_or_known_default() {
        Some(port) => format!("prometheus-{host}-{port}-{hash}"),
        None => format!("prometheus-{host}-{hash}"),
    }
}

/// Where and how long names are cached.
#[derive(Debug, Clone)]
pub struct CacheOptions {
    /// `$XDG_CACHE_HOME/ccmon` (no cache when unknown).
    pub dir: Option<PathBuf>,
    /// How long a cached answer serves.
    pub ttl: Duration,
    /// `--refresh`: ask the server whatever the cache holds.
    pub refresh: bool,
    /// Now, for the TTL.
    pub now: SystemTime,
}

/// What the server (or its cache) said.
#[derive(Debug, Clone, Default)]
pub struct Fetched {
    /// Families with their types (from `/api/v1/metadata`), then every other name as
    /// untyped.
    pub entries: Vec<Entry>,
    /// Every series name the server has (`__name__` values).
    pub names: Vec<String>,
    /// Things the user should know (a corrupt cache, a stale cache used, a cache not
    /// written), one line each.
    pub warnings: Vec<String>,
    /// The server did not answer and a stale cache stood in: a warning that counts for
    /// `--fail-on warning`, as an unreachable server does.
    pub server_failed: bool,
}

/// Why the server's names could not be had.
#[derive(Debug, thiserror::Error)]
pub enum OnlineError {
    /// The request failed (unreachable, HTTP error, API error).
    #[error("cannot read the metric names of {url}: {message}")]
    Fetch {
        /// The server (redacted).
        url: String,
        /// The cause chain on one line (redacted).
        message: String,
    },
    /// The async runtime could not start.
    #[error("cannot start the HTTP runtime: {0}")]
    Runtime(std::io::Error),
}

/// The cache file's content.
#[derive(Debug, Serialize, Deserialize)]
struct CacheFile {
    version: u32,
    /// The server, redacted: for people reading the file.
    server: String,
    /// Unix seconds.
    fetched_at: u64,
    names: Vec<String>,
    families: Vec<CachedFamily>,
}

#[derive(Debug, Serialize, Deserialize)]
struct CachedFamily {
    name: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    help: String,
}

/// A runtime for the blocking callers of this module (the linter is synchronous).
pub fn runtime() -> Result<tokio::runtime::Runtime, OnlineError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(OnlineError::Runtime)
}

/// The server's names and types: from the cache when fresh, else from the server (and
/// then cached), else from a stale cache with a warning. Fails only when neither the
/// server nor any cache answers.
pub fn load(
    server: &Server,
    runtime: &tokio::runtime::Runtime,
    cache: &CacheOptions,
) -> Result<Fetched, OnlineError> {
    let mut warnings = Vec::new();
    let path = cache
        .dir
        .as_ref()
        .map(|d| d.join("online").join(format!("{}.json", server.key)));
    let now = unix_seconds(cache.now);
    let cached = match &path {
        Some(path) if !cache.refresh => match read_cache(path) {
            Ok(found) => found,
            Err(why) => {
                warnings.push(format!(
                    "ignoring the cache file {} ({why}); it is rewritten",
                    path.display()
                ));
                None
            }
        },
        _ => None,
    };
    if let Some(file) = &cached {
        let age = now.saturating_sub(file.fetched_at);
        // A time in the future (a clock set back) counts as stale.
        if file.fetched_at <= now && age < cache.ttl.as_secs() {
            return Ok(fetched(file, warnings));
        }
    }
    match runtime.block_on(fetch(server)) {
        Ok(file) => {
            if let Some(path) = &path
                && let Err(why) = write_cache(path, &file)
            {
                warnings.push(format!(
                    "cannot write the cache file {}: {why}",
                    path.display()
                ));
            }
            Ok(fetched(&file, warnings))
        }
        Err(err) => match cached {
            Some(file) => {
                let age = now.saturating_sub(file.fetched_at);
                warnings.push(format!(
                    "{err}; using the names cached {} ago",
                    crate::duration::format(Duration::from_secs(age))
                ));
                let mut found = fetched(&file, warnings);
                found.server_failed = true;
                Ok(found)
            }
            None => Err(err),
        },
    }
}

fn unix_seconds(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// `Ok(None)` when there is no file (or one of another version or server).
fn read_cache(path: &Path) -> Result<Option<CacheFile>, String> {
    let metadata = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    if metadata.len() > MAX_CACHE_BYTES {
        return Err(format!("larger than {} MiB", MAX_CACHE_BYTES >> 20));
    }
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    // The version first, so a future format is fetched anew rather than called corrupt.
    #[derive(Deserialize)]
    struct Version {
        version: u32,
    }
    let version: Version = serde_json::from_slice(&bytes).map_err(|e| format!("not JSON: {e}"))?;
    if version.version != CACHE_VERSION {
        return Ok(None);
    }
    let file: CacheFile =
        serde_json::from_slice(&bytes).map_err(|e| format!("unexpected content: {e}"))?;
    Ok(Some(file))
}

/// Written to a temporary file and renamed, so a crash or a second run never leaves half
/// a file.
fn write_cache(path: &Path, file: &CacheFile) -> Result<(), String> {
    let dir = path.parent().ok_or("no parent directory")?;
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let text = serde_json::to_vec(file).map_err(|e| e.to_string())?;
    let tmp = path.with_extension(format!("json.{}.tmp", std::process::id()));
    // A full disk must not leave the half-written temporary file behind either.
    std::fs::write(&tmp, text)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            e.to_string()
        })
}

async fn fetch(server: &Server) -> Result<CacheFile, OnlineError> {
    let fail = |err: PromError| OnlineError::Fetch {
        url: server.shown.clone(),
        message: one_line(&err),
    };
    let names = server
        .client
        .label_values("__name__", &[], None)
        .await
        .map_err(fail)?
        .data;
    // Metadata is an extra: a server without it (some proxies) still gives names.
    let metadata = server
        .client
        .metadata()
        .await
        .map(|a| a.data)
        .unwrap_or_default();
    let families = metadata
        .into_iter()
        .filter_map(|(name, entries)| {
            let first = entries.into_iter().next()?;
            Some(CachedFamily {
                name,
                kind: first.kind,
                help: first.help,
            })
        })
        .collect();
    Ok(CacheFile {
        version: CACHE_VERSION,
        server: server.shown.clone(),
        fetched_at: unix_seconds(SystemTime::now()),
        names,
        families,
    })
}

/// An error and its causes on one line, redacted.
pub fn one_line(err: &dyn std::error::Error) -> String {
    let mut message = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = cause.source();
    }
    redact(&message).into_owned()
}

fn fetched(file: &CacheFile, warnings: Vec<String>) -> Fetched {
    let source = format!("prometheus {}", file.server);
    let mut typed = Catalog::new();
    let mut entries = Vec::new();
    for family in &file.families {
        let Some(kind) = MetricType::parse(&family.kind) else {
            continue;
        };
        if !super::catalog::is_metric_name(&family.name) {
            continue;
        }
        let entry = Entry {
            name: family.name.clone(),
            kind,
            source: source.clone(),
            labels: Vec::new(),
            help: family.help.clone(),
        };
        typed.insert(entry.clone());
        entries.push(entry);
    }
    // Names without metadata (recording rules' output, federated series) are untyped;
    // `_bucket`/`_sum`/`_count` of a typed family resolve to it.
    for name in &file.names {
        if typed.lookup(name).is_none() {
            entries.push(Entry {
                name: name.clone(),
                kind: MetricType::Untyped,
                source: source.clone(),
                labels: Vec::new(),
                help: String::new(),
            });
        }
    }
    Fetched {
        entries,
        names: file.names.clone(),
        warnings,
        server_failed: false,
    }
}

/// Asks the server whether selectors match series, for `promql/series`: each distinct
/// question once per run, at most [`MAX_SERIES_QUERIES`] selectors, and nothing more after
/// the first failure (which becomes one warning).
#[derive(Debug)]
pub struct SeriesProbe {
    server: Server,
    runtime: tokio::runtime::Runtime,
    names: HashSet<String>,
    range: (Timestamp, Timestamp),
    state: Mutex<ProbeState>,
}

#[derive(Debug, Default)]
struct ProbeState {
    has_series: HashMap<String, Option<bool>>,
    values: HashMap<(String, String), Option<Vec<String>>>,
    failure: Option<String>,
    skipped: usize,
}

impl SeriesProbe {
    /// A probe of `server`, which has the series names `names`, looking back
    /// [`SERIES_LOOKBACK`] from `now`.
    pub fn new(
        server: Server,
        runtime: tokio::runtime::Runtime,
        names: &[String],
        now: Timestamp,
    ) -> SeriesProbe {
        let start = now
            .checked_sub(jiff::SignedDuration::try_from(SERIES_LOOKBACK).unwrap_or_default())
            .unwrap_or(now);
        SeriesProbe {
            server,
            runtime,
            names: names.iter().cloned().collect(),
            range: (start, now),
            state: Mutex::new(ProbeState::default()),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, ProbeState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether a request failed (a warning that counts for `--fail-on warning`).
    pub fn failed(&self) -> bool {
        self.state().failure.is_some()
    }

    /// What went wrong or was left out, one line each, for stderr.
    pub fn warnings(&self) -> Vec<String> {
        let state = self.state();
        let mut out = Vec::new();
        if let Some(failure) = &state.failure {
            out.push(format!(
                "promql/series was not checked to the end: {failure}"
            ));
        }
        if state.skipped > 0 {
            out.push(format!(
                "promql/series asked {} about the first {MAX_SERIES_QUERIES} distinct selectors and skipped {} more",
                self.server.shown, state.skipped
            ));
        }
        out
    }

    fn ask<T>(
        &self,
        query: impl std::future::Future<Output = Result<prom::Answer<T>, PromError>>,
    ) -> Option<T> {
        match self.runtime.block_on(query) {
            Ok(answer) => Some(answer.data),
            Err(err) => {
                let mut state = self.state();
                if state.failure.is_none() {
                    state.failure = Some(one_line(&err));
                }
                None
            }
        }
    }
}

impl SeriesSource for SeriesProbe {
    fn server(&self) -> &str {
        &self.server.shown
    }

    fn has_metric(&self, name: &str) -> bool {
        self.names.contains(name)
    }

    fn has_series(&self, selector: &str) -> Option<bool> {
        {
            let mut state = self.state();
            if let Some(known) = state.has_series.get(selector) {
                return *known;
            }
            if state.failure.is_some() {
                return None;
            }
            if state.has_series.len() >= MAX_SERIES_QUERIES {
                state.skipped += 1;
                state.has_series.insert(selector.to_owned(), None);
                return None;
            }
        }
        // `__name__` values of the matching series: at most one value, so the answer is
        // small however many series match.
        let answer = self
            .ask(
                self.server
                    .client
                    .label_values("__name__", &[selector], Some(self.range)),
            )
            .map(|names| !names.is_empty());
        self.state().has_series.insert(selector.to_owned(), answer);
        answer
    }

    fn label_values(&self, metric: &str, label: &str) -> Option<Vec<String>> {
        let key = (metric.to_owned(), label.to_owned());
        {
            let state = self.state();
            if let Some(known) = state.values.get(&key) {
                return known.clone();
            }
            if state.failure.is_some() {
                return None;
            }
        }
        let selector = format!("{{__name__={}}}", crate::go_quote::quote(metric));
        let answer = self.ask(self.server.client.label_values(
            label,
            &[selector.as_str()],
            Some(self.range),
        ));
        self.state().values.insert(key, answer.clone());
        answer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_keys_hold_no_secret_and_tell_servers_apart() {
        let url: Url = "http://user:s3cretpw@prom.example:9090/".parse().unwrap();
        let shown = redact(url.as_str()).into_owned();
        let key = cache_key(&url, &shown, &BTreeMap::new());
        assert!(!key.contains("s3cret"), "{key}");
        assert!(key.starts_with("prometheus-prom.example-9090-"), "{key}");
        let tenant = BTreeMap::from([("X-Scope-OrgID".to_owned(), "team-a".to_owned())]);
        assert_ne!(key, cache_key(&url, &shown, &tenant));
        let other: Url = "http://prom.example:9091/".parse().unwrap();
        assert_ne!(key, cache_key(&other, other.as_str(), &BTreeMap::new()));
    }

    #[test]
    fn untyped_names_are_only_those_no_family_explains() {
        let file = CacheFile {
            version: CACHE_VERSION,
            server: "http://p/".into(),
            fetched_at: 0,
            names: vec![
                "lat_seconds_bucket".into(),
                "lat_seconds_count".into(),
                "job:x:rate5m".into(),
            ],
            families: vec![CachedFamily {
                name: "lat_seconds".into(),
                kind: "histogram".into(),
                help: String::new(),
            }],
        };
        let got = fetched(&file, Vec::new());
        let names: Vec<_> = got
            .entries
            .iter()
            .map(|e| (e.name.as_str(), e.kind))
            .collect();
        assert_eq!(
            names,
            [
                ("lat_seconds", MetricType::Histogram),
                ("job:x:rate5m", MetricType::Untyped)
            ]
        );
    }
}
