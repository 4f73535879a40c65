//! A small metrics registry rendered in the Prometheus text exposition format (0.0.4).
//! Owned by one task and rendered to a string that servers hand out, so no locks are
//! shared between the code that counts and the code that serves.
//!
//! Not the prometheus-client crate: `/metrics` serves the Prometheus text format, and
//! that crate writes only OpenMetrics (`# EOF`, a period appended to every HELP), which is a different content type for scrapers to negotiate.

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Default histogram buckets for durations in seconds (tool calls run from milliseconds
/// to many minutes).
pub const DURATION_BUCKETS: &[f64] = &[
    0.005, 0.025, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0,
];

/// Metric kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Monotonic.
    Counter,
    /// Up and down.
    Gauge,
    /// Distribution with cumulative buckets.
    Histogram,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
            Kind::Histogram => "histogram",
        }
    }
}

type Labels = Vec<(&'static str, String)>;

#[derive(Debug, Clone)]
enum Value {
    Scalar(f64),
    Histogram {
        counts: Vec<u64>,
        sum: f64,
        count: u64,
    },
}

#[derive(Debug, Clone)]
struct Family {
    help: &'static str,
    kind: Kind,
    buckets: &'static [f64],
    series: BTreeMap<Labels, Value>,
}

/// A set of metric families.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    families: BTreeMap<&'static str, Family>,
}

fn labels(pairs: &[(&'static str, &str)]) -> Labels {
    pairs.iter().map(|(k, v)| (*k, (*v).to_owned())).collect()
}

impl Registry {
    /// Declares a family; rendering shows its HELP and TYPE even with no series yet.
    pub fn describe(&mut self, name: &'static str, kind: Kind, help: &'static str) {
        self.describe_histogram(name, kind, help, DURATION_BUCKETS);
    }

    /// Declares a histogram family with its buckets (or any family, ignoring buckets).
    pub fn describe_histogram(
        &mut self,
        name: &'static str,
        kind: Kind,
        help: &'static str,
        buckets: &'static [f64],
    ) {
        self.families.entry(name).or_insert(Family {
            help,
            kind,
            buckets,
            series: BTreeMap::new(),
        });
    }

    fn family(&mut self, name: &'static str, kind: Kind) -> &mut Family {
        self.families.entry(name).or_insert(Family {
            help: "",
            kind,
            buckets: DURATION_BUCKETS,
            series: BTreeMap::new(),
        })
    }

    /// Adds to a counter.
    pub fn inc(&mut self, name: &'static str, pairs: &[(&'static str, &str)], by: f64) {
        let f = self.family(name, Kind::Counter);
        match f.series.entry(labels(pairs)).or_insert(Value::Scalar(0.0)) {
            Value::Scalar(v) => *v += by,
            Value::Histogram { .. } => {}
        }
    }

    /// Sets a gauge (or a counter mirrored from a total kept elsewhere).
    pub fn set(&mut self, name: &'static str, pairs: &[(&'static str, &str)], value: f64) {
        let kind = self.families.get(name).map_or(Kind::Gauge, |f| f.kind);
        let f = self.family(name, kind);
        f.series.insert(labels(pairs), Value::Scalar(value));
    }

    /// Removes every series of a family whose labels include `pair` (e.g. a status that
    /// no longer holds).
    pub fn remove_matching(&mut self, name: &'static str, pair: (&'static str, &str)) {
        if let Some(f) = self.families.get_mut(name) {
            f.series
                .retain(|l, _| !l.iter().any(|(k, v)| *k == pair.0 && v == pair.1));
        }
    }

    /// Records one observation in a histogram.
    pub fn observe(&mut self, name: &'static str, pairs: &[(&'static str, &str)], value: f64) {
        let f = self.family(name, Kind::Histogram);
        let n = f.buckets.len();
        let buckets = f.buckets;
        let entry = f.series.entry(labels(pairs)).or_insert(Value::Histogram {
            counts: vec![0; n],
            sum: 0.0,
            count: 0,
        });
        if let Value::Histogram { counts, sum, count } = entry {
            for (i, bound) in buckets.iter().enumerate() {
                if value <= *bound {
                    counts[i] += 1;
                }
            }
            *sum += value;
            *count += 1;
        }
    }

    /// Renders every family in the text format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for (name, f) in &self.families {
            if !f.help.is_empty() {
                let _ = writeln!(out, "# HELP {name} {}", escape_help(f.help));
            }
            let _ = writeln!(out, "# TYPE {name} {}", f.kind.as_str());
            for (l, v) in &f.series {
                match v {
                    Value::Scalar(x) => {
                        let _ = writeln!(out, "{name}{} {}", render_labels(l, None), number(*x));
                    }
                    Value::Histogram { counts, sum, count } => {
                        for (bound, c) in f.buckets.iter().zip(counts) {
                            let _ = writeln!(
                                out,
                                "{name}_bucket{} {c}",
                                render_labels(l, Some(&number(*bound)))
                            );
                        }
                        let _ = writeln!(
                            out,
                            "{name}_bucket{} {count}",
                            render_labels(l, Some("+Inf"))
                        );
                        let _ =
                            writeln!(out, "{name}_sum{} {}", render_labels(l, None), number(*sum));
                        let _ = writeln!(out, "{name}_count{} {count}", render_labels(l, None));
                    }
                }
            }
        }
        out
    }
}

fn number(x: f64) -> String {
    if x.is_nan() {
        "NaN".to_owned()
    } else if x.is_infinite() {
        if x > 0.0 {
            "+Inf".to_owned()
        } else {
            "-Inf".to_owned()
        }
    } else {
        format!("{x}")
    }
}

fn render_labels(l: &Labels, le: Option<&str>) -> String {
    if l.is_empty() && le.is_none() {
        return String::new();
    }
    let mut parts: Vec<String> = l
        .iter()
        .map(|(k, v)| format!("{k}=\"{}\"", escape_value(v)))
        .collect();
    if let Some(le) = le {
        parts.push(format!("le=\"{le}\""));
    }
    format!("{{{}}}", parts.join(","))
}

fn escape_value(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn escape_help(v: &str) -> String {
    v.replace('\\', "\\\\").replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_the_text_format() {
        let mut r = Registry::default();
        r.describe("x_total", Kind::Counter, "Things.");
        r.inc("x_total", &[("agent_id", "a\"b")], 2.0);
        r.set("g", &[], 0.5);
        r.describe_histogram("h_seconds", Kind::Histogram, "Time.", &[1.0, 5.0]);
        r.observe("h_seconds", &[("tool", "Bash")], 2.0);
        let text = r.render();
        assert!(
            text.contains(
                "# HELP x_total Things.\n# TYPE x_total counter\nx_total{agent_id=\"a\\\"b\"} 2\n"
            ),
            "{text}"
        );
        assert!(text.contains("g 0.5\n"), "{text}");
        assert!(text.contains("h_seconds_bucket{tool=\"Bash\",le=\"1\"} 0\nh_seconds_bucket{tool=\"Bash\",le=\"5\"} 1\nh_seconds_bucket{tool=\"Bash\",le=\"+Inf\"} 1\nh_seconds_sum{tool=\"Bash\"} 2\nh_seconds_count{tool=\"Bash\"} 1\n"), "{text}");
    }
}
