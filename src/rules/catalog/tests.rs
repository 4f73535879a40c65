//! Tests of the catalogue: every data file parses, names are unique across sources, and
//! lookups, type helpers and suggestions behave as the linter expects.

use std::collections::BTreeMap;

use super::*;

#[test]
fn every_data_file_parses() {
    let mut problems = Vec::new();
    for (source, file, text) in SOURCES {
        let (entries, errors) = parse::parse(file, source, text);
        problems.extend(errors.iter().map(ToString::to_string));
        if entries.is_empty() {
            problems.push(format!("{file}: no entries"));
        }
    }
    assert!(
        problems.is_empty(),
        "data file errors:\n{}",
        problems.join("\n")
    );
}

#[test]
fn sources_and_names_agree() {
    let names: Vec<&str> = SOURCES.iter().map(|(s, _, _)| *s).collect();
    assert_eq!(names, Catalog::builtin_sources());
    for (source, file, _) in SOURCES {
        assert_eq!(format!("{source}.txt"), *file);
    }
}

#[test]
fn no_duplicate_names_unless_shared() {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut problems = Vec::new();
    for (source, file, text) in SOURCES {
        let (entries, _) = parse::parse(file, source, text);
        for e in entries {
            if let Some(first) = seen.get(&e.name) {
                if !SHARED.contains(&e.name.as_str()) {
                    problems.push(format!("{} in {first} and {file}", e.name));
                }
            } else {
                seen.insert(e.name.clone(), (*file).to_owned());
            }
        }
    }
    assert!(
        problems.is_empty(),
        "duplicate names:\n{}",
        problems.join("\n")
    );
}

#[test]
fn derived_series_do_not_collide_with_families() {
    // A histogram `foo` and a separate family `foo_count` would make lookups ambiguous.
    let c = Catalog::builtin();
    let mut problems = Vec::new();
    for e in c.entries().filter(|e| !e.is_prefix()) {
        for derived in series_names(e).into_iter().skip(1) {
            if let Some(other) = c.get(&derived) {
                problems.push(format!(
                    "{derived} ({}) vs {} ({})",
                    e.source, other.name, other.source
                ));
            }
        }
    }
    assert!(problems.is_empty(), "collisions:\n{}", problems.join("\n"));
}

#[test]
fn every_source_is_in_the_builtin_catalogue() {
    let c = Catalog::builtin();
    for source in Catalog::builtin_sources() {
        assert!(
            c.entries().any(|e| e.source == *source),
            "{source} has no entries"
        );
    }
}

#[test]
fn parse_errors_name_file_and_line() {
    let text =
        "# ok\nfoo_total counter a b -- fine\nbar gauges\n1bad gauge\nbaz counter\nq gauge a a\n";
    let (entries, errors) = Catalog::parse_source("x.txt", "x", text);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].labels, vec!["a", "b"]);
    assert_eq!(entries[0].help, "fine");
    let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, vec![3, 4, 5, 6]);
    assert!(
        errors[0].to_string().starts_with("x.txt:3: "),
        "{}",
        errors[0]
    );
}

#[test]
fn lookup_exact_counter_and_unknown() {
    let c = Catalog::builtin();
    let l = c.lookup("node_cpu_seconds_total").expect("known");
    assert_eq!(l.entry.kind, MetricType::Counter);
    assert_eq!(l.entry.source, "node_exporter");
    assert_eq!(l.series_kind, SeriesKind::Plain);
    assert!(l.entry.labels.iter().any(|x| x == "mode"));
    assert!(c.lookup("node_cpu_seconds").is_none());
    assert!(c.lookup("no_such_metric_anywhere").is_none());
    assert!(c.lookup("").is_none());
    assert!(c.lookup("up").is_some());
    assert!(c.lookup("ALERTS").is_some());
}

#[test]
fn lookup_histogram_and_summary_suffixes() {
    let c = Catalog::builtin();
    for (name, kind) in [
        ("stream_tool_duration_seconds_bucket", SeriesKind::Bucket),
        ("stream_tool_duration_seconds_sum", SeriesKind::Sum),
        ("stream_tool_duration_seconds_count", SeriesKind::Count),
        ("stream_tool_duration_seconds_created", SeriesKind::Created),
        ("stream_tool_duration_seconds", SeriesKind::Plain),
        ("go_gc_duration_seconds_sum", SeriesKind::Sum),
        ("go_gc_duration_seconds_count", SeriesKind::Count),
        ("go_gc_duration_seconds", SeriesKind::Plain),
        ("node_cpu_seconds_created", SeriesKind::Created),
    ] {
        let l = c.lookup(name).unwrap_or_else(|| panic!("{name} unknown"));
        assert_eq!(l.series_kind, kind, "{name}");
    }
    // A summary has no buckets; a gauge has no _sum; a counter's _created drops _total.
    assert!(c.lookup("go_gc_duration_seconds_bucket").is_none());
    assert!(c.lookup("node_load1_sum").is_none());
    assert!(c.lookup("node_cpu_seconds_total_created").is_none());
    let b = c
        .lookup("health_check_duration_seconds_bucket")
        .expect("known");
    assert!(b.entry.series_labels(b.series_kind).contains(&"le"));
    assert!(b.entry.series_labels(b.series_kind).contains(&"check_name"));
}

#[test]
fn lookup_prefix_entries() {
    let c = Catalog::builtin();
    let l = c
        .lookup("pg_settings_max_connections")
        .expect("prefix entry");
    assert!(l.entry.is_prefix());
    assert_eq!(l.entry.source, "postgres_exporter");
    // An exact name wins over a prefix.
    let mut c = Catalog::new();
    c.add("app_*", MetricType::Gauge, "user");
    c.add("app_requests_*", MetricType::Counter, "user");
    c.add("app_requests_total", MetricType::Counter, "user");
    assert_eq!(
        c.lookup("app_x").map(|l| l.entry.name.as_str()),
        Some("app_*")
    );
    assert_eq!(
        c.lookup("app_requests_failed_total")
            .map(|l| l.entry.name.as_str()),
        Some("app_requests_*")
    );
    assert_eq!(
        c.lookup("app_requests_total")
            .map(|l| l.entry.name.as_str()),
        Some("app_requests_total")
    );
    assert!(c.lookup("ap").is_none());
    assert!(c.lookup("other").is_none());
}

#[test]
fn add_records_and_replaces() {
    let mut c = Catalog::builtin();
    let before = c.len();
    assert!(c.lookup("job:http_requests:rate5m").is_none());
    c.add("job:http_requests:rate5m", MetricType::Gauge, "rules");
    assert_eq!(c.len(), before + 1);
    let l = c.lookup("job:http_requests:rate5m").expect("added");
    assert_eq!(l.entry.source, "rules");
    c.add("my_latency_seconds", MetricType::Histogram, "user");
    assert!(c.lookup("my_latency_seconds_bucket").is_some());
    c.add("my_latency_seconds", MetricType::Gauge, "user");
    assert!(c.lookup("my_latency_seconds_bucket").is_none());
    assert_eq!(
        c.suggest("my_latency_seconds_bucket"),
        Some("my_latency_seconds")
    );
}

/// The bare recorded names answer every question as entries added one by one would:
/// lookups (a recorded name replacing a histogram hides its `_bucket`), suggestions,
/// and a later entry of the same name replacing the recorded one.
#[test]
fn recorded_names_act_as_added_entries() {
    let names = [
        "job:node_cpu_seconds:rate5m",
        "prometheus_http_request_duration_seconds",
        "app:requests:rate5m",
        "app:requests:rate5m",
        "pg_settings_*",
    ];
    let mut added = Catalog::builtin();
    for name in names {
        added.add(name, MetricType::Untyped, RECORDED);
    }
    let mut bare = Catalog::builtin();
    bare.add_recorded(names.iter().map(|n| std::sync::Arc::from(*n)).collect());
    for probe in [
        "job:node_cpu_seconds:rate5m",
        "prometheus_http_request_duration_seconds",
        "prometheus_http_request_duration_seconds_bucket",
        "app:requests:rate5m",
        "app:requests:rate5",
        "app:request:rate5m",
        "pg_settings_x",
        "node_cpu_seconds_total",
    ] {
        let answer = |c: &Catalog| {
            let found = c.lookup(probe).map(|l| {
                (
                    l.entry.kind,
                    l.entry.source.clone(),
                    l.series_kind,
                    c.is_counter_like(probe),
                    c.is_gauge_like(probe),
                )
            });
            (found, c.suggest(probe).map(str::to_owned))
        };
        assert_eq!(answer(&bare), answer(&added), "{probe}");
    }
    added.add("app:requests:rate5m", MetricType::Counter, "settings");
    bare.add("app:requests:rate5m", MetricType::Counter, "settings");
    let kind = |c: &Catalog| c.lookup("app:requests:rate5m").map(|l| l.entry.kind);
    assert_eq!(kind(&bare), Some(MetricType::Counter));
    assert_eq!(kind(&bare), kind(&added));
}

#[test]
fn counter_and_gauge_like() {
    let c = Catalog::builtin();
    assert!(c.is_counter_like("node_cpu_seconds_total"));
    assert!(!c.is_gauge_like("node_cpu_seconds_total"));
    assert!(c.is_gauge_like("node_memory_MemAvailable_bytes"));
    assert!(!c.is_counter_like("node_memory_MemAvailable_bytes"));
    assert!(c.is_counter_like("stream_tool_duration_seconds_bucket"));
    assert!(c.is_counter_like("stream_tool_duration_seconds_count"));
    assert!(c.is_counter_like("stream_tool_duration_seconds_sum"));
    assert!(c.is_gauge_like("go_gc_duration_seconds"));
    assert!(c.is_counter_like("go_gc_duration_seconds_count"));
    assert!(c.is_gauge_like("stream_tool_duration_seconds_created"));
    assert!(!c.is_counter_like("stream_tool_duration_seconds_created"));
    assert!(!c.is_counter_like("nothing_here_total"));
    assert!(!c.is_gauge_like("nothing_here_total"));
    assert!(c.is_gauge_like("up"));
}

#[test]
fn suggestions() {
    let c = Catalog::builtin();
    assert_eq!(
        c.suggest("node_cpu_seconds"),
        Some("node_cpu_seconds_total")
    );
    assert_eq!(
        c.suggest("node_memory_MemAvailable"),
        Some("node_memory_MemAvailable_bytes")
    );
    assert_eq!(
        c.suggest("node_filesystem_avail"),
        Some("node_filesystem_avail_bytes")
    );
    assert_eq!(
        c.suggest("stream_tool_duration_seconds_buckets"),
        Some("stream_tool_duration_seconds_bucket")
    );
    assert_eq!(c.suggest("health_check_statu"), Some("health_check_status"));
    assert_eq!(c.suggest("redis_up"), None, "known names get no suggestion");
    assert_eq!(c.suggest("completely_unrelated_metric_name_xyz"), None);
}

/// The bounded search suggests exactly what scanning every name did.
#[test]
fn bounded_suggestions_equal_the_full_scan() {
    let mut c = Catalog::builtin();
    for g in 0..300 {
        c.add(
            &format!("job:node_cpu_seconds:rate5m_g{g}"),
            MetricType::Untyped,
            "rules",
        );
    }
    // Names recorded by linted rules are searched as well.
    c.add_recorded(
        (0..300)
            .map(|g| std::sync::Arc::from(format!("job:app_requests:rate5m_g{g}")))
            .collect(),
    );
    let mut rng = fastrand::Rng::with_seed(11);
    let names: Vec<String> = c
        .series
        .keys()
        .cloned()
        .chain(c.recorded.iter().map(|r| r.to_string()))
        .collect();
    let alphabet = b"abcdefghijklmnopqrstuvwxyz_:0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    for round in 0..600 {
        let mut name = names[rng.usize(0..names.len())].clone().into_bytes();
        for _ in 0..rng.usize(0..5) {
            let at = rng.usize(0..=name.len());
            let ch = alphabet[rng.usize(0..alphabet.len())];
            match rng.u8(0..4) {
                0 if at < name.len() => {
                    name.remove(at);
                }
                1 if at < name.len() => name[at] = ch,
                2 => name.make_ascii_uppercase(),
                _ => name.insert(at, ch),
            }
        }
        if round % 7 == 0 {
            name.extend_from_slice(b"_total");
        }
        let name = String::from_utf8(name).expect("ascii");
        assert_eq!(c.suggest(&name), c.suggest_by_scanning(&name), "{name:?}");
    }
}

#[test]
fn every_entry_is_well_formed() {
    let c = Catalog::builtin();
    assert!(c.len() > 500, "only {} families", c.len());
    for e in c.entries() {
        assert!(!e.help.is_empty(), "{} has no help", e.name);
        for l in &e.labels {
            assert!(is_label_name(l), "{}: {l}", e.name);
            assert!(
                l != "le" && l != "quantile",
                "{}: {l} is implied by the type",
                e.name
            );
        }
        if e.kind == MetricType::Histogram || e.kind == MetricType::Summary {
            for s in ["_bucket", "_sum", "_count", "_total"] {
                assert!(
                    !e.name.ends_with(s),
                    "{} is listed by a series name",
                    e.name
                );
            }
        }
    }
}

/// Claude Code's own telemetry is known under the names Prometheus gives it, with types.
#[test]
fn claude_code_telemetry_is_in_the_catalogue() {
    let c = Catalog::builtin();
    for name in [
        "claude_code_session_count_total",
        "claude_code_lines_of_code_count_total",
        "claude_code_pull_request_count_total",
        "claude_code_commit_count_total",
        "claude_code_cost_usage_USD_total",
        "claude_code_token_usage_tokens_total",
        "claude_code_code_edit_tool_decision_total",
        "claude_code_active_time_seconds_total",
    ] {
        let found = c.lookup(name).unwrap_or_else(|| panic!("{name} missing"));
        assert_eq!(found.entry.source, "claude_code");
        assert!(c.is_counter_like(name), "{name}");
    }
    // The OpenTelemetry name as written, without the suffixes Prometheus adds.
    assert_eq!(
        c.suggest("claude_code_cost_usage_USD"),
        Some("claude_code_cost_usage_USD_total")
    );
}
