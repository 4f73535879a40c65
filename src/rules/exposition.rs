//! Metric families out of the Prometheus text exposition format (and OpenMetrics text): an
//! application's `/metrics` tells the linter which names exist and of which type, without
//! any values. `# TYPE` and `# HELP` lines give families; a sample with no `# TYPE` before
//! it is an untyped family of its own.
//!
//! Only names and types are read, so the parser is small and forgiving: a line it does not
//! understand is skipped rather than failing the catalogue (exporters differ in details
//! such as timestamps, exemplars and escaping that do not matter here).

use std::collections::BTreeMap;

use super::catalog::{Entry, MetricType, is_metric_name};

/// Suffixes a sample name carries beyond its family's name, by family type.
const SAMPLE_SUFFIXES: &[&str] = &[
    "_bucket", "_sum", "_count", "_total", "_created", "_info", "_gsum", "_gcount",
];

/// The families exposed in `text`, as catalogue entries of `source`, sorted by name.
/// Counters keep the name their samples have (`foo_total`, whether `# TYPE` says `foo`
/// as in OpenMetrics or `foo_total` as in the text format); an OpenMetrics info family
/// `foo` is `foo_info`.
pub fn families(text: &str, source: &str) -> Vec<Entry> {
    // Family name as declared -> (type word, help).
    let mut declared: BTreeMap<&str, (Option<&str>, &str)> = BTreeMap::new();
    // Sample names seen, each once.
    let mut samples: BTreeMap<&str, ()> = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim_start();
        if let Some(rest) = line.strip_prefix('#') {
            let mut words = rest.trim_start().splitn(3, [' ', '\t']);
            let (Some(keyword), Some(name)) = (words.next(), words.next()) else {
                continue;
            };
            let value = words.next().unwrap_or("").trim();
            let name = unquote(name);
            match keyword {
                "TYPE" => declared.entry(name).or_default().0 = Some(value),
                "HELP" => declared.entry(name).or_default().1 = value,
                _ => {}
            }
            continue;
        }
        if let Some(name) = sample_name(line) {
            samples.insert(name, ());
        }
    }
    let mut out: BTreeMap<String, Entry> = BTreeMap::new();
    let entry = |name: String, kind: MetricType, help: &str| Entry {
        name,
        kind,
        source: source.to_owned(),
        labels: Vec::new(),
        help: help.replace("\\n", " ").replace("\\\\", "\\"),
    };
    for (&name, &(kind, help)) in &declared {
        let Some(kind) = kind else {
            continue;
        };
        let has = |n: &str| samples.contains_key(n);
        let (name, kind) = match kind {
            "counter" if !name.ends_with("_total") && !has(name) => {
                (format!("{name}_total"), MetricType::Counter)
            }
            "counter" => (name.to_owned(), MetricType::Counter),
            "gauge" => (name.to_owned(), MetricType::Gauge),
            "histogram" | "gaugehistogram" => (name.to_owned(), MetricType::Histogram),
            "summary" => (name.to_owned(), MetricType::Summary),
            "info" if !name.ends_with("_info") => (format!("{name}_info"), MetricType::Info),
            "info" => (name.to_owned(), MetricType::Info),
            "stateset" => (name.to_owned(), MetricType::StateSet),
            _ => (name.to_owned(), MetricType::Untyped),
        };
        if is_metric_name(&name) {
            out.insert(name.clone(), entry(name, kind, help));
        }
    }
    for &name in samples.keys() {
        let typed = declared.get(name).is_some_and(|(k, _)| k.is_some())
            || SAMPLE_SUFFIXES.iter().any(|suffix| {
                name.strip_suffix(suffix)
                    .is_some_and(|base| declared.get(base).is_some_and(|(k, _)| k.is_some()))
            });
        if !typed && !out.contains_key(name) && is_metric_name(name) {
            let help = declared.get(name).map_or("", |(_, h)| h);
            out.insert(
                name.to_owned(),
                entry(name.to_owned(), MetricType::Untyped, help),
            );
        }
    }
    out.into_values().collect()
}

/// The metric name of a sample line: the name before `{` or a space, or the quoted first
/// item inside the braces (`{"my.metric", job="x"}`, UTF-8 names).
fn sample_name(line: &str) -> Option<&str> {
    if line.is_empty() {
        return None;
    }
    if let Some(inner) = line.strip_prefix('{') {
        let inner = inner.trim_start();
        let quoted = inner.strip_prefix('"')?;
        let end = quoted.find('"')?;
        let after = quoted.get(end + 1..)?.trim_start();
        // `{"name", ...}` or `{"name"}` names the metric; `{"label"="v"}` does not.
        return (after.starts_with(',') || after.starts_with('}')).then(|| &quoted[..end]);
    }
    let end = line.find(['{', ' ', '\t']).unwrap_or(line.len());
    let name = &line[..end];
    (!name.is_empty()).then_some(name)
}

/// A name in `# TYPE`/`# HELP` may be quoted (UTF-8 names).
fn unquote(name: &str) -> &str {
    name.strip_prefix('"')
        .and_then(|n| n.strip_suffix('"'))
        .unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The families read from `text`, as (name, type) pairs.
    fn kinds(text: &str) -> Vec<(String, MetricType)> {
        families(text, "test")
            .into_iter()
            .map(|e| (e.name, e.kind))
            .collect()
    }

    const TEXT_FORMAT: &str = "# HELP http_requests_total Requests.\n# TYPE http_requests_total counter\nhttp_requests_total{code=\"200\"} 1027 1395066363000\n# TYPE rpc_duration_seconds summary\nrpc_duration_seconds{quantile=\"0.5\"} 4773\nrpc_duration_seconds_sum 1.7560473e+07\nrpc_duration_seconds_count 2693\n# TYPE req_seconds histogram\nreq_seconds_bucket{le=\"+Inf\"} 1\nreq_seconds_sum 2\nreq_seconds_count 1\n# TYPE temp gauge\ntemp 3\nno_type_here{a=\"b c\"} 1\n";

    #[test]
    fn families_with_their_types() {
        let cases: [(&str, &[(&str, MetricType)]); 2] = [
            (
                TEXT_FORMAT,
                &[
                    ("http_requests_total", MetricType::Counter),
                    ("no_type_here", MetricType::Untyped),
                    ("req_seconds", MetricType::Histogram),
                    ("rpc_duration_seconds", MetricType::Summary),
                    ("temp", MetricType::Gauge),
                ],
            ),
            // OpenMetrics: counters named without `_total`, info, UTF-8 names.
            (
                "# TYPE jobs counter\n# HELP jobs Jobs done.\njobs_total 3\njobs_created 1.7e9\n# TYPE build info\nbuild_info{version=\"1\"} 1\n# TYPE \"my.metric\" gauge\n{\"my.metric\", job=\"x\"} 1\n# EOF\n",
                &[
                    ("build_info", MetricType::Info),
                    ("jobs_total", MetricType::Counter),
                ],
            ),
        ];
        for (text, want) in cases {
            let want: Vec<(String, MetricType)> =
                want.iter().map(|&(n, k)| (n.to_owned(), k)).collect();
            assert_eq!(kinds(text), want, "{text:?}");
        }
        assert_eq!(families(TEXT_FORMAT, "t")[0].help, "Requests.");
    }

    #[test]
    fn garbage_never_panics_and_yields_only_valid_names() {
        for text in [
            "",
            "#",
            "# TYPE",
            "{",
            "{\"",
            "{\"a",
            "}}} 1",
            "# TYPE x\n",
            "\u{0} 1\n",
            "a{b=\"\\\"\"} 1",
        ] {
            for e in families(text, "t") {
                assert!(is_metric_name(&e.name), "{e:?}");
            }
        }
    }
}
