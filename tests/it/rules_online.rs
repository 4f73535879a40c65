//! `rules lint --online` and `rules catalog export --online` against a real Prometheus
//! scraping a small test application: names and types from the server, `promql/series`
//! naming the values a label has, the per-server cache (fresh, stale, corrupt, refreshed),
//! an unreachable server, and a password in the URL that never leaks.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::prometheus::Prometheus;
use crate::util::{Output, ccmon, eventually, files_under};

const SHOP_METRICS: &str = "# HELP shop_orders_total Orders placed.\n# TYPE shop_orders_total counter\nshop_orders_total{region=\"eu\",status=\"ok\"} 10\nshop_orders_total{region=\"us\",status=\"ok\"} 5\nshop_orders_total{region=\"us\",status=\"failed\"} 1\n# HELP shop_queue_depth Jobs waiting.\n# TYPE shop_queue_depth gauge\nshop_queue_depth{queue=\"email\"} 3\nshop_queue_depth{queue=\"invoice\"} 0\n# TYPE shop_latency_seconds histogram\nshop_latency_seconds_bucket{le=\"0.1\"} 1\nshop_latency_seconds_bucket{le=\"+Inf\"} 2\nshop_latency_seconds_sum 1\nshop_latency_seconds_count 2\n";

/// Rules on the shop's metrics: line 6 clean, line 8 unknown (a typo), line 10 a region the
/// shop does not have, line 12 `rate` of a gauge, line 14 a combination no series has.
const SHOP_RULES: &str = "groups:
  - name: shop
    rules:
      - record: region:shop_orders:rate5m
        expr: >-
          sum by (region) (rate(shop_orders_total{status=\"ok\"}[5m]))
      - record: shop:ordrs:rate5m
        expr: sum(rate(shop_ordrs_total[5m]))
      - record: shop:orders_asia:rate5m
        expr: sum(rate(shop_orders_total{region=\"asia\"}[5m]))
      - record: shop:queue:rate5m
        expr: sum(rate(shop_queue_depth[5m]))
      - record: shop:orders_eu_failed:rate5m
        expr: sum(rate(shop_orders_total{region=\"eu\", status=\"failed\"}[5m]))
      - record: shop:latency:p99
        expr: histogram_quantile(0.99, sum by (le) (rate(shop_latency_seconds_bucket[5m])))
      - record: shop:queue_missing:absent
        expr: absent(shop_queue_depth{queue=\"sms\"})
";

/// A Prometheus scraping the shop every second, once it has the shop's series and metadata.
fn shop_prometheus() -> Prometheus {
    let app = crate::rules_lint::serve_metrics(SHOP_METRICS);
    let prom = Prometheus::builder()
        .config(format!(
            "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: shop\n    static_configs:\n      - targets: ['{app}']\n"
        ))
        .start();
    eventually("prometheus has scraped the shop", || {
        prom.get("/api/v1/label/__name__/values")
            .body
            .contains("shop_orders_total")
            && prom
                .get("/api/v1/metadata?metric=shop_queue_depth")
                .body
                .contains("gauge")
    });
    prom
}

/// Runs `rules lint --online --format json` with the cache under `cache`.
fn lint_online(url: &str, cache: &Path, rules: &Path, extra: &[&str]) -> (Output, Vec<Value>) {
    let out = ccmon()
        .env("XDG_CACHE_HOME", cache)
        .args(["--prometheus-url", url, "rules", "lint", "--online"])
        .args(["--format", "json"])
        .args(extra)
        .args([rules])
        .run();
    let items: Value =
        serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{out}"));
    let items = items.as_array().cloned().expect("an array");
    (out, items)
}

/// `(line, code)` of the findings, with the message of `promql/series` ones.
fn found(items: &[Value]) -> Vec<(u64, String)> {
    items
        .iter()
        .map(|d| {
            let code = d["code"].as_str().unwrap_or("").to_owned();
            (d["line"].as_u64().unwrap_or(0), code)
        })
        .collect()
}

fn message_of(items: &[Value], code: &str) -> Vec<String> {
    crate::rules_lint::field_where(items, "code", code, "message")
}

fn write_rules(dir: &Path) -> PathBuf {
    let path = dir.join("shop.yml");
    std::fs::write(&path, SHOP_RULES).expect("write rules");
    path
}

fn assert_no_secret(dir: &Path, secret: &str) {
    for file in files_under(dir) {
        assert!(
            !file.to_string_lossy().contains(secret),
            "{} has the secret in its name",
            file.display()
        );
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        assert!(
            !text.contains(secret),
            "{} holds the secret:\n{text}",
            file.display()
        );
    }
}

/// The server's names and types replace the guesswork: its own metrics are known (and
/// `rate` of its gauge is caught), a typo is still unknown, and a matcher on a value the
/// label does not have is `promql/series` naming the values it does have.
#[test]
fn online_lint_knows_the_servers_metrics_and_series() {
    let prom = shop_prometheus();
    let dir = tempfile::tempdir().expect("tempdir");
    let rules = write_rules(dir.path());
    let cache = dir.path().join("cache");

    // Offline, every shop metric is unknown.
    let offline = ccmon()
        .args(["rules", "lint", "--format", "json"])
        .args([&rules])
        .run();
    assert!(
        offline.stdout.matches("catalog/unknown-metric").count() >= 4,
        "{offline}"
    );

    let (out, items) = lint_online(&prom.url(), &cache, &rules, &[]);
    let out = out.code(0);
    assert!(!out.stderr.contains("warning"), "{out}");
    assert_eq!(
        found(&items),
        [
            (8, "catalog/unknown-metric".to_owned()),
            (10, "promql/series".to_owned()),
            (12, "promql/rate-on-gauge".to_owned()),
            (14, "promql/series".to_owned()),
        ],
        "{items:#?}"
    );
    let series = message_of(&items, "promql/series");
    assert!(
        series[0].contains("`region=\"asia\"` matches no series of `shop_orders_total`")
            && series[0].ends_with("region has: eu, us"),
        "{series:?}"
    );
    assert!(series[1].contains("none matches them all"), "{series:?}");
    // The caret is on the matcher at fault.
    assert_eq!(items[1]["column"], 42, "{:#?}", items[1]);
    // With --fail-on warning the findings fail the run, as any warning does.
    lint_online(&prom.url(), &cache, &rules, &["--fail-on", "warning"])
        .0
        .code(1);
}

/// A server that does not answer is one warning naming it, and the offline catalogue is
/// used: exit 0, or 1 with `--fail-on warning`. The password in the URL never shows.
#[test]
fn an_unreachable_server_is_a_warning_not_a_failure() {
    let port = crate::support::process::free_port();
    let url = format!("http://ops:s3cretpw@127.0.0.1:{port}");
    let dir = tempfile::tempdir().expect("tempdir");
    let rules = dir.path().join("up.yml");
    std::fs::write(
        &rules,
        "groups:\n  - name: g\n    rules:\n      - record: job:up:sum\n        expr: sum by (job) (up{job=\"node\"})\n",
    )
    .expect("write");
    let cache = dir.path().join("cache");
    let (out, items) = lint_online(&url, &cache, &rules, &[]);
    let out = out
        .code(0)
        .stderr_has(&format!(
            "warning: --online: cannot read the metric names of http://ops:***@127.0.0.1:{port}/"
        ))
        .stderr_has("linting with the offline catalogue only")
        .nowhere("s3cretpw");
    assert_eq!(out.stderr.lines().count(), 1, "{out}");
    assert!(items.is_empty(), "{items:#?}");
    lint_online(&url, &cache, &rules, &["--fail-on", "warning"])
        .0
        .code(1)
        .nowhere("s3cretpw");
    assert_no_secret(&cache, "s3cretpw");
}

/// The cache: written on the first run (without the password), used while fresh even with
/// the server gone, used stale with a warning when the TTL has passed, ignored by
/// `--refresh`, and a corrupt file is reported and rewritten.
#[test]
fn the_cache_serves_when_the_server_is_gone() {
    let mut prom = shop_prometheus();
    let url = format!("http://ops:s3cretpw@127.0.0.1:{}", prom.port());
    let dir = tempfile::tempdir().expect("tempdir");
    let rules = write_rules(dir.path());
    let cache = dir.path().join("cache");
    let unknown = |items: &[Value]| {
        found(items)
            .iter()
            .filter(|(_, c)| c == "catalog/unknown-metric")
            .count()
    };

    let (out, items) = lint_online(&url, &cache, &rules, &[]);
    out.code(0).nowhere("s3cretpw");
    assert_eq!(unknown(&items), 1, "{items:#?}");
    let files = files_under(&cache.join("ccmon/online"));
    assert_eq!(files.len(), 1, "{files:?}");
    let cache_file = files[0].clone();
    assert_no_secret(&cache, "s3cretpw");

    // A corrupt file: one warning naming it, then it is rewritten.
    std::fs::write(&cache_file, "{\"version\": 1, \"names\": [tru").expect("corrupt");
    let (out, items) = lint_online(&url, &cache, &rules, &[]);
    out.code(0)
        .stderr_has(&format!("ignoring the cache file {}", cache_file.display()))
        .stderr_has("it is rewritten");
    assert_eq!(unknown(&items), 1, "{items:#?}");
    let rewritten: Value =
        serde_json::from_str(&std::fs::read_to_string(&cache_file).expect("read cache"))
            .expect("the cache file is JSON again");
    assert!(
        rewritten["names"]
            .as_array()
            .is_some_and(|n| n.iter().any(|n| n == "shop_orders_total")),
        "{rewritten}"
    );

    prom.stop();
    // Fresh cache, server gone: the names still come from the cache. The series check
    // cannot ask and says so once.
    let (out, items) = lint_online(&url, &cache, &rules, &[]);
    let out = out.code(0).nowhere("s3cretpw");
    assert!(!out.stderr.contains("offline catalogue"), "{out}");
    assert!(
        out.stderr
            .contains("promql/series was not checked to the end"),
        "{out}"
    );
    assert_eq!(unknown(&items), 1, "{items:#?}");
    assert!(
        found(&items)
            .iter()
            .any(|(_, c)| c == "promql/rate-on-gauge"),
        "types come from the cache too: {items:#?}"
    );

    // Stale cache, server gone: used, with a warning that counts for --fail-on warning.
    let (out, items) = lint_online(&url, &cache, &rules, &["--cache-ttl", "0s"]);
    out.code(0)
        .stderr_has("using the names cached")
        .nowhere("s3cretpw");
    assert_eq!(unknown(&items), 1, "{items:#?}");

    // --refresh, server gone: the cache is not used; the offline catalogue is.
    let (out, items) = lint_online(&url, &cache, &rules, &["--refresh"]);
    out.code(0)
        .stderr_has("cannot read the metric names of http://ops:***@127.0.0.1:")
        .stderr_has("offline catalogue")
        .nowhere("s3cretpw");
    assert!(unknown(&items) >= 4, "{items:#?}");
    assert_no_secret(&cache, "s3cretpw");
}

/// `catalog export --online` writes the server's names and types; named as `metrics_file:`
/// in `.ccmon-lint.yaml`, the lint is then offline with the same verdict on names and types.
#[test]
fn online_export_round_trips_through_the_settings_file() {
    let prom = shop_prometheus();
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("cache");
    let out = ccmon()
        .env("XDG_CACHE_HOME", &cache)
        .args(["--prometheus-url", &prom.url()])
        .args(["rules", "catalog", "export", "--online"])
        .run()
        .code(0);
    for line in [
        "shop_orders_total counter -- Orders placed.",
        "shop_queue_depth gauge -- Jobs waiting.",
        "shop_latency_seconds histogram",
    ] {
        assert!(out.stdout.contains(line), "{line:?} missing:\n{out}");
    }
    std::fs::write(dir.path().join("prod-metrics.txt"), &out.stdout).expect("write");
    std::fs::write(
        dir.path().join(".ccmon-lint.yaml"),
        "metrics_file: prod-metrics.txt\n",
    )
    .expect("write");
    let rules = write_rules(dir.path());
    drop(prom);
    let out = ccmon()
        .args(["rules", "lint", "--format", "json"])
        .args([&rules])
        .run()
        .code(0);
    let items: Value = serde_json::from_str(&out.stdout).expect("JSON");
    let items = items.as_array().cloned().expect("array");
    assert_eq!(
        found(&items),
        [
            (8, "catalog/unknown-metric".to_owned()),
            (12, "promql/rate-on-gauge".to_owned()),
        ],
        "{items:#?}"
    );
    // Without a server and without a cache, export --online is an error naming the server
    // (exit 3: unreachable).
    let port = crate::support::process::free_port();
    ccmon()
        .args(["--prometheus-url", &format!("http://127.0.0.1:{port}")])
        .args(["rules", "catalog", "export", "--online"])
        .run()
        .code(3)
        .stderr_has(&format!(
            "cannot read the metric names of http://127.0.0.1:{port}/"
        ));
}
