//! `ccmon scaffold`: the stack it writes is checked with the real tools (Debian packages
//! `prometheus` and `prometheus-alertmanager`): `promtool check config|rules`,
//! `amtool check-config`, `amtool config routes test` for a table of label sets; real
//! Prometheus and Alertmanager start with its files and report ready; every metric in a rule
//! or dashboard is emitted by ccmon or a deployed exporter; dashboards, the compose file and
//! the runbook links are checked for what the tools cannot see. Several option combinations
//! go through the same checks. The writer itself: byte-identical default output, no
//! overwrite without --force, --dry-run and --diff.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use crate::support::http;
use crate::support::process::{
    Launch, ServerProcess, find_program, free_port, loopback, run_with_timeout, temp_dir,
};
use crate::support::{Alertmanager, AlertmanagerBuilder, Postgres, Prometheus, PrometheusBuilder};
use crate::util::{Ccmon, Output, ccmon, poll};

/// The repository root (the source of the embedded templates).
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `ccmon scaffold DIR ARGS...`, to be run.
pub fn scaffold_in(dir: &Path, args: &[&str]) -> Ccmon {
    ccmon()
        .args(["scaffold".as_ref(), dir.as_os_str()])
        .args(args)
}

/// Runs `ccmon scaffold DIR ARGS...` into a fresh temp dir and returns it; what it prints
/// names the password file (with `--basic-auth`), never the password.
pub fn scaffold(args: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = scaffold_in(dir.path(), args).ok().stderr_has("next steps");
    if let Ok(password) = std::fs::read_to_string(dir.path().join("docker/secrets/web_password")) {
        out.nowhere(&password)
            .stderr_has("docker/secrets/web_password");
    }
    dir
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// The Compose service names (and the host address) a scaffold's prometheus.yml scrapes
/// or sends alerts to.
const COMPOSE_TARGETS: [&str; 8] = [
    "alertmanager:9093",
    "alertmanager-2:9093",
    "host.docker.internal:8080",
    "node-exporter:9100",
    "postgres-exporter:9187",
    "blackbox-exporter:9115",
    "grafana:3000",
    "prometheus:9090",
];

/// A scaffold's prometheus.yml on loopback: each `(name, address)` of `to` at its address,
/// every other Compose target at a port nothing listens on (which only makes it down);
/// `fast` scrapes and evaluates every second.
pub fn prometheus_on_loopback(config: &str, to: &[(&str, String)], fast: bool) -> String {
    let mut config = config.to_owned();
    for (name, addr) in to {
        config = config.replace(name, addr);
    }
    if fast {
        config = config
            .replace("scrape_interval: 15s", "scrape_interval: 1s")
            .replace("scrape_timeout: 10s", "scrape_timeout: 1s")
            .replace("evaluation_interval: 15s", "evaluation_interval: 1s");
    }
    let nowhere = loopback(free_port()).to_string();
    for name in COMPOSE_TARGETS {
        config = config.replace(name, &nowhere);
    }
    config
}

/// Alert rules with every `for:` cut to 1s, so that alerts fire within a test.
pub fn firing_after_a_second(rules: &str) -> String {
    let for_clause = regex::Regex::new(r"(?m)^(\s+for: )\d+[smh]$").expect("regex");
    for_clause.replace_all(rules, "${1}1s").into_owned()
}

/// A Prometheus with the scaffold's rule files and targets from `m` (its `monitoring/`),
/// `alert_rules` in place of its alert rules and `config` in place of prometheus.yml.
pub fn scaffold_prometheus(m: &Path, config: String, alert_rules: String) -> PrometheusBuilder {
    Prometheus::builder()
        .config(config)
        .file("alert-rules.yml", alert_rules)
        .file("recording-rules.yml", read(&m.join("recording-rules.yml")))
        .file(
            "targets/ccmon-agents.yml",
            read(&m.join("targets/ccmon-agents.yml")),
        )
}

/// An Alertmanager with the scaffold's config and template from `m` (its `monitoring/`).
pub fn scaffold_alertmanager(m: &Path) -> AlertmanagerBuilder {
    Alertmanager::builder()
        .config(read(&m.join("alertmanager.yml")))
        .file(
            "templates/ccmon.tmpl",
            read(&m.join("templates/ccmon.tmpl")),
        )
}

/// Runs a tool to completion (bounded), returning (exit code, stdout, stderr).
fn tool(program: &[&str], args: &[&str]) -> (i32, String, String) {
    let home = tempfile::tempdir().expect("temp HOME");
    let mut cmd = Command::new(find_program(program));
    cmd.args(args)
        .env_clear()
        .env("HOME", home.path())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    let out = run_with_timeout(&mut cmd, Duration::from_secs(60)).unwrap_or_else(|e| {
        panic!(
            "cannot run {} (install the Debian package prometheus / prometheus-alertmanager): {e}",
            program[0]
        )
    });
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Asserts that a tool accepts the files.
#[track_caller]
pub fn tool_ok(program: &[&str], args: &[&str]) -> String {
    let (code, stdout, stderr) = tool(program, args);
    assert_eq!(
        code,
        0,
        "{} {} failed\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}",
        program[0],
        args.join(" ")
    );
    stdout
}

/// Option combinations beyond the default that must pass every check too.
const COMBINATIONS: &[&[&str]] = &[
    &[],
    &["--exporters", "node", "--receivers", "slack"],
    &[
        "--exporters",
        "postgres,blackbox",
        "--receivers",
        "email,webhook",
    ],
    &[
        "--exporters",
        "blackbox",
        "--receivers",
        "pagerduty",
        "--ccmon-host",
        "10.1.2.3:9000",
        "--retention",
        "15d",
    ],
];

/// The exporters a combination deploys.
fn exporters_of(args: &[&str]) -> BTreeSet<String> {
    match args.iter().position(|a| *a == "--exporters") {
        Some(i) => args[i + 1].split(',').map(str::to_owned).collect(),
        None => ["node", "postgres", "blackbox"].map(str::to_owned).into(),
    }
}

// ---------------------------------------------------------------------------------------
// The writer

#[test]
fn scaffold_default_output_is_the_repository_files() {
    let dir = scaffold(&[]);
    let mut written = Vec::new();
    collect_files(dir.path(), dir.path(), &mut written);
    written.sort();
    let all = ccmon::scaffold::TEMPLATES.len();
    assert_eq!(written.len(), all, "files written: {written:?}");
    for rel in &written {
        let ours = read(&dir.path().join(rel));
        let repo = read(&root().join(rel));
        assert!(ours == repo, "{rel} differs from the repository's copy");
    }
    // A second run changes nothing and says so.
    let out = scaffold_in(dir.path(), &[]).ok();
    assert_eq!(out.stdout.matches("unchanged").count(), all, "{out}");
}

fn collect_files(base: &Path, dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_files(base, &path, out);
        } else {
            let rel = path.strip_prefix(base).expect("below base");
            out.push(rel.to_string_lossy().into_owned());
        }
    }
}

#[test]
fn scaffold_never_overwrites_without_force() {
    let dir = scaffold(&[]);
    let edited = dir.path().join("monitoring/alertmanager.yml");
    let mine = read(&edited).replace("fleet-oncall@example.com", "me@corp.example");
    std::fs::write(&edited, &mine).unwrap();

    // Refused: exit 1, the file named, nothing written (not even files that are missing).
    std::fs::remove_file(dir.path().join("monitoring/prometheus.yml")).unwrap();
    scaffold_in(dir.path(), &[])
        .run()
        .code(1)
        .stdout_has("conflict")
        .stderr_has("monitoring/alertmanager.yml")
        .stderr_has("--force");
    assert_eq!(read(&edited), mine);
    assert!(!dir.path().join("monitoring/prometheus.yml").exists());

    // --dry-run lists, --diff shows what the edit would lose; neither writes.
    let out = scaffold_in(dir.path(), &["--dry-run"])
        .ok()
        .stderr_has(&format!(
            "would create 1, update 1, leave {} unchanged",
            ccmon::scaffold::TEMPLATES.len() - 2
        ));
    assert_rows(
        &out,
        &[
            ("update", "monitoring/alertmanager.yml"),
            ("create", "monitoring/prometheus.yml"),
        ],
    );
    scaffold_in(dir.path(), &["--diff"])
        .ok()
        .stdout_has("--- a/monitoring/alertmanager.yml")
        .stdout_has("-      - to: 'me@corp.example'")
        .stdout_has("+      - to: 'fleet-oncall@example.com'")
        .stdout_has("+++ b/monitoring/prometheus.yml");
    assert_eq!(read(&edited), mine);

    // JSON output for scripts.
    let out = scaffold_in(dir.path(), &["--dry-run", "-o", "json"]).ok();
    let plan: Value = serde_json::from_str(&out.stdout).expect("JSON plan");
    assert!(
        plan.as_array()
            .unwrap()
            .iter()
            .any(|f| f["path"] == "monitoring/alertmanager.yml" && f["action"] == "update"),
        "{out}"
    );

    let out = scaffold_in(dir.path(), &["--force"]).ok();
    assert_rows(
        &out,
        &[
            ("updated", "monitoring/alertmanager.yml"),
            ("created", "monitoring/prometheus.yml"),
        ],
    );
    assert_eq!(
        read(&edited),
        read(&root().join("monitoring/alertmanager.yml"))
    );
}

/// Asserts the plan table has each row `ACTION PATH` of `rows`.
#[track_caller]
fn assert_rows(out: &Output, rows: &[(&str, &str)]) {
    for (action, path) in rows {
        let found = (out.stdout.lines()).any(|l| l.split_whitespace().eq([*action, *path]));
        assert!(found, "no row {action} {path}\n{out}");
    }
}

#[test]
fn scaffold_rejects_bad_options_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    for (args, needle) in [
        (&["--ccmon-host", "no-port"][..], "--ccmon-host"),
        (&["--retention", "30 days"][..], "--retention"),
        (&["--exporters", "mysql"][..], "mysql"),
        (&["--runbook-url", "runbooks.md"][..], "--runbook-url"),
    ] {
        scaffold_in(dir.path(), args)
            .run()
            .code(2)
            .stderr_has(needle);
    }
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none());
}

#[test]
fn scaffold_options_change_only_what_they_name() {
    let dir = scaffold(&[
        "--exporters",
        "node",
        "--receivers",
        "slack",
        "--ccmon-host",
        "10.1.2.3:9000",
        "--retention",
        "15d",
        "--runbook-url",
        "https://wiki.example.com/runbooks",
    ]);
    let m = dir.path().join("monitoring");
    let prom = read(&m.join("prometheus.yml"));
    assert!(prom.contains("'10.1.2.3:9000'") && !prom.contains("host.docker.internal:8080"));
    assert!(prom.contains("job_name: node") && !prom.contains("job_name: postgres"));
    assert!(!m.join("blackbox/blackbox.yml").exists());
    let compose = read(&dir.path().join("docker/monitoring-compose.yml"));
    assert!(compose.contains("--storage.tsdb.retention.time=15d"));
    assert!(!compose.contains("  postgres-exporter:\n") && !compose.contains("- smtp_password"));
    let am = read(&m.join("alertmanager.yml"));
    assert!(am.contains("slack-oncall") && !am.contains("pagerduty_configs"));
    assert!(!am.contains("email_configs") && !am.contains("smtp_smarthost"));
    let rules = read(&m.join("alert-rules.yml"));
    assert!(rules.contains("https://wiki.example.com/runbooks#agentstuck"));
    assert!(!rules.contains("pg_up") && rules.contains("HostDiskSpaceLow"));
    let overview = read(&m.join("grafana/dashboards/overview.json"));
    assert!(!overview.contains("pg_up") && !overview.contains("probe_success"));
    assert!(overview.contains("node_cpu_seconds_total"));
}

// ---------------------------------------------------------------------------------------
// The real tools on every combination

#[test]
fn scaffold_output_passes_promtool_and_amtool() {
    for args in COMBINATIONS {
        let dir = scaffold(args);
        let m = dir.path().join("monitoring");
        let prom = m.join("prometheus.yml");
        let out = tool_ok(&["promtool"], &["check", "config", prom.to_str().unwrap()]);
        assert!(
            out.contains("SUCCESS: 2 rule files found"),
            "{args:?}: {out}"
        );
        for rules in ["alert-rules.yml", "recording-rules.yml"] {
            tool_ok(
                &["promtool"],
                &["check", "rules", m.join(rules).to_str().unwrap()],
            );
        }
        let out = tool_ok(
            &["amtool"],
            &["check-config", m.join("alertmanager.yml").to_str().unwrap()],
        );
        assert!(out.contains("1 templates"), "{args:?}: {out}");
        check_alert_conventions(&m, args);
        check_metric_names(&m, &exporters_of(args));
        check_dashboards(&m);
        check_compose(dir.path(), args);
    }
}

/// `ccmon rules lint` reports nothing at all on the rules, warnings included.
#[test]
fn scaffold_rules_pass_ccmon_rules_lint() {
    for args in COMBINATIONS {
        let dir = scaffold(args);
        // The whole directory: the rule files, under the scaffold's own .ccmon-lint.yaml
        // (P0-P3, category, runbook_url), with prometheus.yml and the rest skipped.
        let out = ccmon()
            .args(["rules", "lint", "--fail-on", "warning"])
            .args([dir.path().join("monitoring")])
            .run()
            .code(0);
        assert!(
            out.stdout.starts_with("All checks passed: 2 files"),
            "{out}"
        );
    }
}

/// The rules and panels over cost by model, rate limits, lingering agents and the agent
/// states are in every combination (they depend on no exporter).
#[test]
fn scaffold_watches_cost_rate_limits_lingering_and_states() {
    // The next steps name the budget to set.
    let dir = tempfile::tempdir().expect("temp dir");
    scaffold_in(dir.path(), &[])
        .ok()
        .stderr_has("monitoring/alert-rules.yml (the fleet's cost budget)");
    for args in COMBINATIONS {
        let dir = scaffold(args);
        let m = dir.path().join("monitoring");
        let recorded = rules_of(&m.join("recording-rules.yml"));
        let cost_rate = recorded
            .iter()
            .find(|r| r["record"] == "job_model:stream_cost_usd:rate5m")
            .unwrap_or_else(|| panic!("{args:?}: no cost rate by model"));
        assert_eq!(
            cost_rate["expr"],
            "sum by (job, model) (rate(stream_cost_usd_total[5m]))"
        );

        let alerts = rules_of(&m.join("alert-rules.yml"));
        let alert = |name: &str| -> Value {
            alerts
                .iter()
                .find(|r| r["alert"] == name)
                .cloned()
                .unwrap_or_else(|| panic!("{args:?}: no alert {name}"))
        };
        let expect = |name: &str, severity: &str, for_: &str, parts: &[&str]| {
            let rule = alert(name);
            assert_eq!(rule["labels"]["severity"], severity, "{name}");
            assert_eq!(rule["labels"]["category"], "agents", "{name}");
            assert_eq!(rule["for"], for_, "{name}");
            let expr = rule["expr"].as_str().unwrap();
            for part in parts {
                assert!(expr.contains(part), "{name}: no {part} in {expr}");
            }
        };
        expect(
            "AgentRateLimited",
            "P2",
            "5m",
            &[
                r#"stream_rate_limit_status{status="rejected"}"#,
                "stream_rate_limit_resets_at_seconds < time()",
                "== 1",
            ],
        );
        expect(
            "FleetRateLimitNearlyExhausted",
            "P3",
            "5m",
            &["stream_rate_limit_utilization_ratio", "> 0.9"],
        );
        expect(
            "AgentLingeringAfterResult",
            "P2",
            "5m",
            &[
                r#"stream_stuck_detections_total{reason="no_exit_after_result"}"#,
                r#"stream_agent_state{state="stuck"}"#,
            ],
        );
        expect(
            "FleetCostHigh",
            "P2",
            "15m",
            &["job_model:stream_cost_usd:rate5m", "* 3600 >"],
        );
        // The budget is the operator's to set, marked like the other EDIT lines.
        let text = read(&m.join("alert-rules.yml"));
        let budget = text
            .lines()
            .find(|l| l.contains("job_model:stream_cost_usd:rate5m"))
            .unwrap();
        assert!(budget.contains("# EDIT"), "{budget}");

        // One cause, one alert: the lingering agent is also stuck, a rejected limit was
        // nearly exhausted before.
        let am = read(&m.join("alertmanager.yml"));
        for source in ["AgentLingeringAfterResult", "AgentRateLimited"] {
            assert!(
                am.contains(&format!("source_matchers: ['alertname=\"{source}\"']")),
                "{args:?}: no inhibition by {source}"
            );
        }

        let boards = dashboards(&m);
        let (_, stream) = boards
            .iter()
            .find(|(f, _)| f == "stream-monitoring.json")
            .unwrap();
        let panels = stream["panels"].as_array().unwrap();
        let row = panels
            .iter()
            .position(|p| p["type"] == "row")
            .expect("a row in Stream Monitoring");
        let below: Vec<String> = panels[row + 1..]
            .iter()
            .flat_map(|p| p["targets"].as_array().unwrap().clone())
            .map(|t| t["expr"].as_str().unwrap().to_owned())
            .collect();
        for name in [
            "job_model:stream_cost_usd:rate5m",
            "stream_rate_limit_utilization_ratio",
            "stream_agent_state",
            "stream_api_retries_total",
            "stream_compactions_total",
        ] {
            assert!(
                below.iter().any(|e| metric_names(e).contains(name)),
                "{args:?}: no panel below the row queries {name}: {below:?}"
            );
        }
    }
}

/// The new alerts fire on the series they are meant for, once per agent (or once for the
/// fleet) although two jobs report the same agents, and not on the look-alikes:
/// `promtool test rules` with tests/fixtures/scaffold/fleet-alerts.test.yml next to the
/// scaffold's rule files.
#[test]
fn the_fleet_alerts_pass_their_promtool_unit_tests() {
    let tests = read(&root().join("tests/fixtures/scaffold/fleet-alerts.test.yml"));
    for args in COMBINATIONS {
        let dir = scaffold(args);
        let file = dir.path().join("monitoring/fleet-alerts.test.yml");
        std::fs::write(&file, &tests).expect("write the unit tests");
        let out = tool_ok(&["promtool"], &["test", "rules", file.to_str().unwrap()]);
        assert!(out.contains("SUCCESS"), "{args:?}: {out}");
    }
}

/// The intended receivers for a table of label sets, as `amtool config routes test` resolves
/// them (`--verify.receivers` exits 1 on any difference).
#[test]
fn alertmanager_routes_deliver_by_severity_and_category() {
    let table: &[(&[&str], &str, &str)] = &[
        // (options, labels, receivers)
        (
            &[],
            "severity=P0 category=ccmon",
            "webhook,pagerduty,slack-oncall",
        ),
        (
            &[],
            "severity=P1 category=datastore",
            "webhook,slack-oncall",
        ),
        (&[], "severity=P1 category=agents", "webhook,slack-oncall"),
        (&[], "severity=P2 category=agents", "webhook,slack-agents"),
        (&[], "severity=P2 category=host", "webhook,slack-oncall"),
        (&[], "severity=P3 category=agents", "webhook,slack-agents"),
        (&[], "severity=P3 category=health", "webhook,default"),
        (&[], "alertname=Unlabelled", "webhook,default"),
        (
            &["--receivers", "email"],
            "severity=P0 category=ccmon",
            "default",
        ),
        (
            &["--receivers", "pagerduty"],
            "severity=P0 category=ccmon",
            "pagerduty,default",
        ),
        (
            &["--receivers", "slack"],
            "severity=P3 category=host",
            "default",
        ),
        (
            &["--receivers", "slack,webhook"],
            "severity=P2 category=agents",
            "webhook,slack-agents",
        ),
    ];
    for (options, labels, want) in table {
        let dir = scaffold(options);
        let config = dir.path().join("monitoring/alertmanager.yml");
        let mut args = vec![
            "config".to_owned(),
            "routes".to_owned(),
            "test".to_owned(),
            format!("--config.file={}", config.display()),
            format!("--verify.receivers={want}"),
        ];
        args.extend(labels.split(' ').map(str::to_owned));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, stdout, stderr) = tool(&["amtool"], &args);
        assert_eq!(
            code, 0,
            "{options:?} {labels}: want {want}, amtool says {stdout}{stderr}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Real servers

/// Prometheus and Alertmanager start with the scaffold's files, targets rewritten to
/// loopback, load every rule, and Prometheus finds the Alertmanager.
#[test]
fn prometheus_and_alertmanager_start_with_the_scaffold() {
    let dir = scaffold(&[]);
    let m = dir.path().join("monitoring");

    let am = scaffold_alertmanager(&m).start();
    let status = am.get("/api/v2/status");
    assert_eq!(status.status, 200);
    assert!(status.body.contains("slack-agents"), "{}", status.body);
    // The Alertmanager names the Alert Status dashboard uses (see `catalogue`).
    let metrics = am.get("/metrics").body;
    for name in [
        "alertmanager_alerts",
        "alertmanager_silences",
        "alertmanager_notifications_total",
        "alertmanager_notifications_failed_total",
    ] {
        assert!(exposes(&metrics, name), "alertmanager has no {name}");
    }

    // Every Compose service name and the host address become loopback ports; nothing
    // answers on the exporters' ports, which only makes those targets down.
    let config = prometheus_on_loopback(
        &read(&m.join("prometheus.yml")),
        &[
            ("alertmanager:9093", am.addr().to_string()),
            ("localhost:9090", "127.0.0.1:{{port}}".to_owned()),
        ],
        false,
    );
    assert!(
        !config.contains("host.docker.internal") && !config.contains("-exporter:"),
        "a target was not rewritten:\n{config}"
    );
    let prom = scaffold_prometheus(&m, config, read(&m.join("alert-rules.yml"))).start();
    let rules: Value = serde_json::from_str(&prom.get("/api/v1/rules").body).unwrap();
    let loaded: usize = rules["data"]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["rules"].as_array().unwrap().len())
        .sum();
    assert_eq!(loaded, 37, "{rules}");
    let health_errors: Vec<&Value> = rules["data"]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["rules"].as_array().unwrap())
        .filter(|r| r["health"] == "err")
        .collect();
    assert!(health_errors.is_empty(), "{health_errors:?}");
    poll(
        "Prometheus finds the Alertmanager",
        Duration::from_secs(30),
        Duration::from_millis(200),
        || {
            let ams = prom.get("/api/v1/alertmanagers").body;
            if ams.contains(&am.addr().to_string()) {
                Ok(())
            } else {
                Err(ams)
            }
        },
    );
}

// ---------------------------------------------------------------------------------------
// What the tools do not check

/// Every alert has `for`, a comparison, `severity` P0-P3, `category`, `summary`,
/// `description` and a `runbook_url` whose anchor is a heading of docs/runbooks.md; every
/// recording rule is named `level:metric:operations`.
fn check_alert_conventions(m: &Path, args: &[&str]) {
    let runbooks = read(&root().join("docs/runbooks.md"));
    let anchors: BTreeSet<String> = runbooks
        .lines()
        .filter_map(|l| l.strip_prefix("### ").or_else(|| l.strip_prefix("## ")))
        .map(|h| h.trim().to_lowercase())
        .collect();
    let custom = args.contains(&"--runbook-url");
    for rule in rules_of(&m.join("alert-rules.yml")) {
        let name = rule["alert"].as_str().expect("alert rules only");
        let expr = rule["expr"].as_str().unwrap();
        assert!(rule["for"].is_string(), "{name}: no `for`");
        assert!(
            ["==", "!=", ">", "<"].iter().any(|op| expr.contains(op)),
            "{name}: no comparison in {expr}"
        );
        let severity = rule["labels"]["severity"].as_str().unwrap_or_default();
        assert!(
            ["P0", "P1", "P2", "P3"].contains(&severity),
            "{name}: severity {severity:?}"
        );
        assert!(
            rule["labels"]["category"].is_string(),
            "{name}: no category"
        );
        for key in ["summary", "description", "runbook_url"] {
            assert!(rule["annotations"][key].is_string(), "{name}: no {key}");
        }
        for value in rule["labels"].as_object().unwrap().values() {
            assert!(
                !value.as_str().unwrap_or_default().contains("$value"),
                "{name}: $value in a label"
            );
        }
        let url = rule["annotations"]["runbook_url"].as_str().unwrap();
        let (_, anchor) = url.split_once('#').expect("runbook_url with an anchor");
        assert!(
            anchors.contains(anchor),
            "{name}: docs/runbooks.md has no heading for #{anchor}"
        );
        // One section per alert: its own name is its anchor.
        assert_eq!(
            anchor,
            name.to_lowercase(),
            "{name}: runbook_url points elsewhere"
        );
        if !custom {
            assert!(url.starts_with("https://github.com/ccmon/ccmon/blob/main/docs/runbooks.md#"));
        }
    }
    let recorded = rules_of(&m.join("recording-rules.yml"));
    assert!(!recorded.is_empty());
    for rule in recorded {
        let name = rule["record"].as_str().expect("recording rules only");
        let parts: Vec<&str> = name.split(':').collect();
        assert!(
            parts.len() == 3 && parts.iter().all(|p| !p.is_empty()),
            "{name} is not level:metric:operations"
        );
    }
}

/// The rules of a rule file as JSON values.
fn rules_of(path: &Path) -> Vec<Value> {
    let file: Value =
        serde_saphyr::from_str(&read(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    file["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["rules"].as_array().unwrap().iter().cloned())
        .collect()
}

/// Every metric named in a rule or a dashboard is in the catalogue of what the deployed
/// components emit, or recorded by the rules themselves.
fn check_metric_names(m: &Path, exporters: &BTreeSet<String>) {
    let emitted = emitted_by(exporters);
    let mut exprs: Vec<(String, String)> = Vec::new();
    for file in ["alert-rules.yml", "recording-rules.yml"] {
        for rule in rules_of(&m.join(file)) {
            let name = rule["alert"].as_str().or(rule["record"].as_str()).unwrap();
            exprs.push((
                format!("{file} {name}"),
                rule["expr"].as_str().unwrap().into(),
            ));
        }
    }
    let recorded: BTreeSet<String> = rules_of(&m.join("recording-rules.yml"))
        .iter()
        .map(|r| r["record"].as_str().unwrap().to_owned())
        .collect();
    for (file, dashboard) in dashboards(m) {
        for panel in dashboard["panels"].as_array().unwrap() {
            for target in panel["targets"].as_array().into_iter().flatten() {
                let title = panel["title"].as_str().unwrap_or_default();
                exprs.push((
                    format!("{file} panel {title:?}"),
                    target["expr"].as_str().unwrap().into(),
                ));
            }
        }
    }
    assert!(exprs.len() > 40, "too few queries found: {}", exprs.len());
    for (place, expr) in exprs {
        for name in metric_names(&expr) {
            assert!(
                emitted(&name) || recorded.contains(&name),
                "{place}: metric {name} is emitted by nothing deployed (exporters {exporters:?})\n  {expr}"
            );
        }
    }
}

/// Whether a series name is emitted by a component the stack deploys with `exporters`: the
/// linter's catalogue (ccmon's own families are checked against what ccmon really serves in
/// `rules_lint::assert_families_in_catalog`), restricted to the sources the compose file runs.
fn emitted_by(exporters: &BTreeSet<String>) -> impl Fn(&str) -> bool {
    let catalog = ccmon::rules::catalog::Catalog::builtin();
    let exporters = exporters.clone();
    move |name| {
        catalog
            .lookup(name)
            .is_some_and(|found| match found.entry.source.as_str() {
                "node_exporter" => exporters.contains("node"),
                "postgres_exporter" => exporters.contains("postgres"),
                "blackbox_exporter" => exporters.contains("blackbox"),
                // The scaffold deploys no redis_exporter.
                "redis_exporter" => false,
                // ccmon, Prometheus, Alertmanager and their process/Go collectors.
                _ => true,
            })
    }
}

/// The exporters' metric names the stack uses, by `--exporters` name; the test below
/// scrapes the real exporters for them.
const EXPORTER_METRICS: &[(&str, &[&str])] = &[
    (
        "node",
        &[
            "node_filesystem_avail_bytes",
            "node_filesystem_size_bytes",
            "node_memory_MemAvailable_bytes",
            "node_memory_MemTotal_bytes",
            "node_cpu_seconds_total",
        ],
    ),
    (
        "postgres",
        &[
            "pg_up",
            "pg_stat_database_numbackends",
            "pg_settings_max_connections",
        ],
    ),
    (
        "blackbox",
        &[
            "probe_success",
            "probe_ssl_earliest_cert_expiry",
            "probe_http_status_code",
            "probe_duration_seconds",
        ],
    ),
];

/// Starts an exporter binary on a free loopback port (ready when `/metrics` answers), with
/// `env` set through env(1) since the harness launches programs as they are.
fn exporter(
    name: &'static str,
    package: &'static str,
    env: &[String],
    args: &[String],
) -> ServerProcess {
    let dir = temp_dir("exporter");
    let program = find_program(&[name]);
    assert!(
        program.is_absolute(),
        "{name} is not installed (Debian package {package})"
    );
    let env_program = find_program(&["env"]);
    ServerProcess::start(name, package, dir, |port, _| {
        let mut all: Vec<String> = env.to_vec();
        all.push(program.display().to_string());
        all.push(format!("--web.listen-address=127.0.0.1:{port}"));
        all.extend(args.iter().cloned());
        Launch::http(env_program.clone(), all, "/metrics")
    })
}

/// Whether an exposition has a sample of `name`.
fn exposes(text: &str, name: &str) -> bool {
    text.lines().any(|l| {
        l.strip_prefix(name)
            .is_some_and(|rest| rest.starts_with('{') || rest.starts_with(' '))
    })
}

/// The real exporters (Debian packages prometheus-node-exporter,
/// prometheus-postgres-exporter, prometheus-blackbox-exporter) emit every name the rules
/// and dashboards use, and blackbox_exporter accepts the scaffold's modules. The one name
/// not seen here is `probe_ssl_earliest_cert_expiry`, which needs a TLS target with a
/// trusted certificate.
#[test]
fn the_exporters_emit_the_names_the_stack_uses() {
    let want = |exporter: &str| -> Vec<&str> {
        EXPORTER_METRICS
            .iter()
            .find(|(e, _)| *e == exporter)
            .map(|(_, m)| m.to_vec())
            .unwrap()
    };
    let node = exporter(
        "prometheus-node-exporter",
        "prometheus-node-exporter",
        &[],
        &[],
    );
    let text = http::get(node.addr(), "/metrics", Duration::from_secs(10))
        .unwrap()
        .body;
    for name in want("node") {
        assert!(exposes(&text, name), "node_exporter has no {name}");
    }

    let pg = Postgres::start();
    let dsn = format!("DATA_SOURCE_NAME={}?sslmode=disable", pg.url());
    let pg_exporter = exporter(
        "prometheus-postgres-exporter",
        "prometheus-postgres-exporter",
        &[dsn],
        &[],
    );
    let text = http::get(pg_exporter.addr(), "/metrics", Duration::from_secs(10))
        .unwrap()
        .body;
    assert!(
        text.lines().any(|l| l == "pg_up 1"),
        "pg_up is not 1:\n{text}"
    );
    for name in want("postgres") {
        assert!(exposes(&text, name), "postgres_exporter has no {name}");
    }

    let dir = scaffold(&[]);
    let config = dir.path().join("monitoring/blackbox/blackbox.yml");
    let blackbox = exporter(
        "prometheus-blackbox-exporter",
        "prometheus-blackbox-exporter",
        &[],
        &[format!("--config.file={}", config.display())],
    );
    let probe = format!(
        "/probe?module=http_2xx&target=http://{}/metrics",
        node.addr()
    );
    let text = http::get(blackbox.addr(), &probe, Duration::from_secs(10))
        .unwrap()
        .body;
    assert!(text.lines().any(|l| l == "probe_success 1"), "{text}");
    for name in want("blackbox") {
        if name != "probe_ssl_earliest_cert_expiry" {
            assert!(
                exposes(&text, name),
                "blackbox_exporter has no {name}:\n{text}"
            );
        }
    }
}

/// The metric names a PromQL expression selects: identifiers outside strings, label
/// matchers and ranges that are not functions, keywords or grouping label lists.
fn metric_names(expr: &str) -> BTreeSet<String> {
    // Operators, modifiers and aggregations (which may be followed by `by (...)` rather
    // than a parenthesis, so they are not recognised as calls).
    const KEYWORDS: &[&str] = &[
        "and",
        "or",
        "unless",
        "bool",
        "offset",
        "inf",
        "nan",
        "atan2",
        "sum",
        "avg",
        "min",
        "max",
        "count",
        "count_values",
        "group",
        "stddev",
        "stdvar",
        "topk",
        "bottomk",
        "quantile",
        "limitk",
        "limit_ratio",
    ];
    const GROUPING: &[&str] = &[
        "by",
        "without",
        "on",
        "ignoring",
        "group_left",
        "group_right",
    ];
    let chars: Vec<char> = expr.chars().collect();
    let mut names = BTreeSet::new();
    let mut i = 0;
    let skip_to = |i: &mut usize, close: char| {
        while *i < chars.len() && chars[*i] != close {
            if chars[*i] == '"' || chars[*i] == '\'' {
                let q = chars[*i];
                *i += 1;
                while *i < chars.len() && chars[*i] != q {
                    *i += if chars[*i] == '\\' { 2 } else { 1 };
                }
            }
            *i += 1;
        }
        *i += 1;
    };
    while i < chars.len() {
        let c = chars[i];
        if c == '"' || c == '\'' {
            i += 1;
            skip_to(&mut i, c);
        } else if c == '{' {
            skip_to(&mut i, '}');
        } else if c == '[' {
            skip_to(&mut i, ']');
        } else if c.is_ascii_digit() || c == '.' {
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.') {
                i += 1;
            }
        } else if c.is_ascii_alphabetic() || c == '_' || c == ':' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_alphanumeric() || matches!(chars[i], '_' | ':'))
            {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let mut j = i;
            while j < chars.len() && chars[j].is_whitespace() {
                j += 1;
            }
            let call = j < chars.len() && chars[j] == '(';
            if GROUPING.contains(&word.as_str()) {
                if call {
                    i = j + 1;
                    skip_to(&mut i, ')');
                }
            } else if !call && !KEYWORDS.contains(&word.to_lowercase().as_str()) {
                names.insert(word);
            }
        } else {
            i += 1;
        }
    }
    names
}

#[test]
fn metric_names_are_found_in_promql() {
    let names = metric_names(
        r#"sum by (job, le) (rate(a_bucket{x="y{z}"}[5m])) > on (job) 0.8 * b and c == 1 or vector(0) - time() + d offset 5m"#,
    );
    let want: BTreeSet<String> = ["a_bucket", "b", "c", "d"].map(str::to_owned).into();
    assert_eq!(names, want);
    assert_eq!(
        metric_names("1 - instance:node_memory_available:ratio < 1e3"),
        ["instance:node_memory_available:ratio".to_owned()].into()
    );
}

/// The dashboard files as JSON.
fn dashboards(m: &Path) -> Vec<(String, Value)> {
    let dir = m.join("grafana/dashboards");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("dashboards dir").flatten() {
        let path = entry.path();
        let text = read(&path);
        let value: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not valid JSON: {e}", path.display()));
        out.push((entry.file_name().to_string_lossy().into_owned(), value));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Three dashboards, unique uids, every panel and query on the provisioned datasource
/// uid, no template variable that is not defined (or one of Grafana's own).
fn check_dashboards(m: &Path) {
    let provisioned = read(&m.join("grafana/provisioning/datasources/prometheus.yml"));
    assert!(provisioned.contains("uid: ccmon-prometheus"));
    let boards = dashboards(m);
    let titles: Vec<&str> = boards
        .iter()
        .map(|(_, d)| d["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "ccmon / Alert Status",
            "ccmon / Overview",
            "ccmon / Stream Monitoring"
        ]
    );
    let uids: BTreeSet<&str> = boards
        .iter()
        .map(|(_, d)| d["uid"].as_str().unwrap())
        .collect();
    assert_eq!(uids.len(), 3);
    let variable = regex::Regex::new(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)").unwrap();
    for (file, d) in &boards {
        assert!(
            d["id"].is_null(),
            "{file}: a provisioned dashboard has no id"
        );
        let defined: BTreeSet<String> = d["templating"]["list"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["name"].as_str().unwrap().to_owned())
            .collect();
        let panels = d["panels"].as_array().unwrap();
        assert!(!panels.is_empty(), "{file}: no panels");
        let mut ids = BTreeSet::new();
        for p in panels {
            let title = p["title"].as_str().unwrap();
            assert!(
                ids.insert(p["id"].as_u64().unwrap()),
                "{file}: duplicate id"
            );
            // A row only groups the panels below it: no query, nothing nested (collapsed
            // rows would hide their panels from these checks).
            if p["type"] == "row" {
                assert!(p["targets"].is_null(), "{file}: row {title} has queries");
                assert_eq!(p["collapsed"], false, "{file}: row {title} is collapsed");
                assert!(
                    p["panels"].as_array().is_some_and(Vec::is_empty),
                    "{file}: row {title} nests panels"
                );
                continue;
            }
            assert_eq!(
                p["datasource"]["uid"], "ccmon-prometheus",
                "{file}: {title}"
            );
            let targets = p["targets"].as_array().unwrap();
            assert!(!targets.is_empty(), "{file}: {title} has no query");
            for t in targets {
                assert_eq!(
                    t["datasource"]["uid"], "ccmon-prometheus",
                    "{file}: {title}"
                );
                let expr = t["expr"].as_str().unwrap();
                for c in variable.captures_iter(expr) {
                    let name = &c[1];
                    assert!(
                        name.starts_with("__") || defined.contains(name),
                        "{file}: {title}: unresolved variable ${name} in {expr}"
                    );
                }
            }
        }
    }
}

/// The compose file: every service has a health check and a pinned image, published host
/// ports are unique and not ccmon's, secrets come from env files or secret files (never a
/// literal), Prometheus keeps the retention asked for with the admin API off, and every
/// scrape target is a service of the project, Prometheus itself or the host.
fn check_compose(dir: &Path, args: &[&str]) {
    let path = dir.join("docker/monitoring-compose.yml");
    let text = read(&path);
    let compose: Value = serde_saphyr::from_str(&text).expect("compose YAML");
    let services = compose["services"].as_object().expect("services");
    let mut expected: BTreeSet<&str> = ["prometheus", "alertmanager", "grafana"].into();
    for e in exporters_of(args) {
        expected.insert(match e.as_str() {
            "node" => "node-exporter",
            "postgres" => "postgres-exporter",
            _ => "blackbox-exporter",
        });
    }
    let names: BTreeSet<&str> = services.keys().map(String::as_str).collect();
    assert_eq!(names, expected, "{args:?}");
    let mut host_ports = BTreeSet::new();
    for (name, s) in services {
        assert!(
            s["healthcheck"]["test"].is_array(),
            "{name}: no health check"
        );
        let image = s["image"].as_str().unwrap();
        assert!(
            image.contains(':') && !image.ends_with(":latest"),
            "{name}: unpinned image {image}"
        );
        for port in s["ports"].as_array().into_iter().flatten() {
            let spec = port.as_str().unwrap();
            let parts: Vec<&str> = spec.split(':').collect();
            assert_eq!(parts.len(), 3, "{name}: publish on an address: {spec}");
            assert!(
                host_ports.insert(parts[1].to_owned()),
                "port {} twice",
                parts[1]
            );
            assert_ne!(
                parts[1], "8080",
                "{name}: ccmon health serve uses 8080 on the host"
            );
        }
        for (key, value) in s["environment"].as_object().into_iter().flatten() {
            let k = key.to_lowercase();
            assert!(
                !["password", "secret", "token", "key", "data_source"]
                    .iter()
                    .any(|w| k.contains(w)),
                "{name}: secret {key}={value} in the compose file; use env_file"
            );
        }
        for volume in s["volumes"].as_array().into_iter().flatten() {
            let source = volume.as_str().unwrap().split(':').next().unwrap();
            if let Some(rel) = source.strip_prefix("../") {
                assert!(dir.join(rel).exists(), "{name}: mounts missing {source}");
            }
        }
    }
    assert!(
        services["grafana"]["env_file"].is_array(),
        "grafana password from an env file"
    );
    if services.contains_key("postgres-exporter") {
        assert!(services["postgres-exporter"]["env_file"].is_array());
    }
    let receivers = args
        .iter()
        .position(|a| *a == "--receivers")
        .map_or(4, |i| args[i + 1].split(',').count());
    assert_eq!(
        compose["secrets"].as_object().map_or(0, |s| s.len()),
        receivers,
        "one secret file per receiver"
    );
    for (secret, def) in compose["secrets"].as_object().into_iter().flatten() {
        assert!(
            def["file"].is_string(),
            "secret {secret} must come from a file"
        );
    }
    let command: Vec<&str> = services["prometheus"]["command"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    let retention = args
        .iter()
        .position(|a| *a == "--retention")
        .map_or("30d", |i| args[i + 1]);
    assert!(command.contains(&format!("--storage.tsdb.retention.time={retention}").as_str()));
    assert!(!command.iter().any(|c| c.contains("enable-admin-api")));
    let prometheus: Value =
        serde_saphyr::from_str(&read(&dir.join("monitoring/prometheus.yml"))).unwrap();
    let mut hosts = Vec::new();
    for job in prometheus["scrape_configs"].as_array().unwrap() {
        for sc in job["static_configs"].as_array().into_iter().flatten() {
            for t in sc["targets"].as_array().unwrap() {
                hosts.push(t.as_str().unwrap().to_owned());
            }
        }
        if let Some(r) = job["relabel_configs"].as_array() {
            for rc in r {
                if rc["target_label"] == "__address__" {
                    hosts.push(rc["replacement"].as_str().unwrap().to_owned());
                }
            }
        }
    }
    let ccmon_host = args
        .iter()
        .position(|a| *a == "--ccmon-host")
        .map_or("host.docker.internal:8080", |i| args[i + 1]);
    for target in hosts {
        let host_port = target
            .trim_start_matches("http://")
            .split('/')
            .next()
            .unwrap()
            .to_owned();
        let host = host_port
            .rsplit_once(':')
            .map_or(host_port.as_str(), |(h, _)| h);
        assert!(
            names.contains(host) || host == "localhost" || host_port == ccmon_host,
            "scrape target {target} is not a service of the compose file"
        );
    }
    compose_config_if_available(&path);
}

/// `docker compose config -q` where Docker Compose exists (it does not on the CI machine:
/// the structural checks above are what runs there).
fn compose_config_if_available(path: &Path) {
    let Ok(version) = Command::new("docker").args(["compose", "version"]).output() else {
        return;
    };
    if !version.status.success() {
        return;
    }
    let secrets = path.parent().unwrap().join("secrets");
    std::fs::create_dir_all(&secrets).unwrap();
    for f in [
        "grafana.env",
        "postgres-exporter.env",
        "smtp_password",
        "slack_webhook_url",
        "pagerduty_routing_key",
        "webhook_token",
    ] {
        std::fs::write(secrets.join(f), "").unwrap();
    }
    let out = Command::new("docker")
        .args(["compose", "-f"])
        .arg(path)
        .args(["config", "-q"])
        .output()
        .expect("docker compose config");
    assert!(
        out.status.success(),
        "docker compose config -q: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The loop the stack exists for, with the scaffold's own files: a target goes down,
/// Prometheus fires the P0 alert and sends it to Alertmanager, which routes it to the
/// pager, inhibits the alert it explains, and `ccmon alerts silence add` silences it.
/// Only the timing is changed (1s intervals, `for: 1s`, resend delay) so it takes seconds.
/// The scaffold's Prometheus and Alertmanager on loopback, evaluating every second with
/// every `for:` shortened to 1s. ccmon's health server is scraped at `ccmon` when given;
/// every other target points at a port nothing listens on, so it is down.
struct Stack {
    prom: Prometheus,
    am: Alertmanager,
}

impl Stack {
    fn start(m: &Path, ccmon: Option<std::net::SocketAddr>) -> Stack {
        let am = scaffold_alertmanager(m).start();
        let mut to = vec![
            ("alertmanager:9093", am.addr().to_string()),
            ("localhost:9090", "127.0.0.1:{{port}}".to_owned()),
        ];
        to.extend(ccmon.map(|addr| ("host.docker.internal:8080", addr.to_string())));
        let config = prometheus_on_loopback(&read(&m.join("prometheus.yml")), &to, true);
        let rules = firing_after_a_second(&read(&m.join("alert-rules.yml")));
        let prom = scaffold_prometheus(m, config, rules)
            // Alerts that fire before Prometheus has found the Alertmanager are dropped and
            // resent after this delay (default 1m).
            .arg("--rules.alert.resend-delay=1s")
            .start();
        Stack { prom, am }
    }

    /// `ccmon --alertmanager-url URL alerts ARGS...` on the stack's Alertmanager.
    fn alerts_cmd(&self, args: &[&str]) -> Output {
        ccmon()
            .args(["--alertmanager-url", &self.am.url(), "alerts"])
            .args(args)
            .ok()
    }

    /// `ccmon alerts ls STATE -o json`.
    fn alerts(&self, state: &str) -> Vec<Value> {
        let out = self.alerts_cmd(&["ls", state, "-o", "json"]);
        serde_json::from_str::<Value>(&out.stdout)
            .unwrap_or_else(|e| panic!("alerts ls JSON: {e}\n{out}"))
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// The first alert named `name` in `state`, waiting up to 90s for it.
    fn wait_for(&self, state: &str, name: &str) -> Value {
        poll(
            format!("{name} shows up as {state}"),
            Duration::from_secs(90),
            Duration::from_millis(500),
            || {
                let alerts = self.alerts(state);
                match alerts.iter().find(|a| a["labels"]["alertname"] == name) {
                    Some(alert) => Ok(alert.clone()),
                    None => {
                        let names: Vec<_> =
                            alerts.iter().map(|a| &a["labels"]["alertname"]).collect();
                        Err(format!("{state} has {names:?}"))
                    }
                }
            },
        )
    }

    /// `ccmon alerts silence add ALERTNAME ARGS...`, then waits until Alertmanager lists
    /// the alert as silenced by the new silence.
    fn silence(&self, alertname: &str, args: &[&str]) {
        let out = self.alerts_cmd(&[&["silence", "add", alertname], args].concat());
        let id = out.stdout.trim().to_owned();
        assert!(!id.is_empty(), "{out}");
        let silenced = self.wait_for("--silenced", alertname);
        assert_eq!(
            silenced["status"]["silencedBy"][0],
            id.as_str(),
            "{silenced}"
        );
    }
}

/// `ccmon health serve` with no checks, exporting the fleet it reads from `redis_url`.
fn fleet_health_server(redis_url: &str) -> ServerProcess {
    let home = tempfile::tempdir().expect("home");
    ServerProcess::start("ccmon-health", "ccmon", home, |port, dir| {
        let config = dir.join("config.yaml");
        std::fs::write(&config, "health:\n  checks: []\n").expect("write config");
        let args = vec![
            format!("REDIS_URL={redis_url}"),
            format!("HOME={}", dir.display()),
            crate::util::ccmon_bin().display().to_string(),
            "--config".to_owned(),
            config.display().to_string(),
            "health".to_owned(),
            "serve".to_owned(),
            "--listen".to_owned(),
            loopback(port).to_string(),
        ];
        Launch::http("/usr/bin/env", args, "/livez")
    })
}

/// The rate-limit alerts on what ccmon really exports: rate_limit_event lines recorded in
/// Redis, `health serve`'s fleet view, the scaffold's Prometheus and Alertmanager. The
/// rejected five_hour limit fires AgentRateLimited (routed to the agents channel) and mutes
/// the "nearly exhausted" warning of the same limit, not that of the seven_day limit.
#[test]
fn a_rate_limited_agent_fires_through_the_scaffold_stack() {
    use crate::support::Redis;

    let redis = Redis::start();
    let spool = tempfile::tempdir().expect("spool");
    let resets_at = jiff::Timestamp::now().as_second() + 3 * 3600;
    let event = |status: &str, kind: &str, utilization: u32| {
        format!(
            r#"{{"type":"rate_limit_event","session_id":"rl-9","rate_limit_info":{{"status":"{status}","rateLimitType":"{kind}","utilization":{utilization},"resetsAt":{resets_at}}}}}"#
        ) + "\n"
    };
    let lines = event("allowed_warning", "five_hour", 92)
        + &event("rejected", "five_hour", 100)
        + &event("allowed_warning", "seven_day", 95);
    crate::util::ingest_stdin(&redis.url(), spool.path(), "builder-9", &[], lines);
    let health = fleet_health_server(&redis.url());

    let dir = scaffold(&[]);
    let stack = Stack::start(&dir.path().join("monitoring"), Some(health.addr()));
    let limited = stack.wait_for("--active", "AgentRateLimited");
    assert_eq!(limited["labels"]["agent_id"], "builder-9", "{limited}");
    assert_eq!(limited["labels"]["limit_type"], "five_hour", "{limited}");
    assert_eq!(limited["labels"]["severity"], "P2", "{limited}");
    assert!(
        receivers_of(&limited).iter().any(|r| r == "slack-agents"),
        "{limited}"
    );

    let nearly = |state: &str, limit: &str| {
        stack.alerts(state).into_iter().find(|a| {
            a["labels"]["alertname"] == "FleetRateLimitNearlyExhausted"
                && a["labels"]["limit_type"] == limit
        })
    };
    let (seven, five) = poll(
        "FleetRateLimitNearlyExhausted is active for seven_day and inhibited for five_hour",
        Duration::from_secs(90),
        Duration::from_millis(500),
        || match (
            nearly("--active", "seven_day"),
            nearly("--inhibited", "five_hour"),
        ) {
            (Some(seven), Some(five)) => Ok((seven, five)),
            found => Err(format!("found {found:?}")),
        },
    );
    assert_eq!(seven["labels"]["severity"], "P3", "{seven}");
    assert!(
        seven["status"]["inhibitedBy"]
            .as_array()
            .is_none_or(Vec::is_empty),
        "{seven}"
    );
    assert!(
        seven["annotations"]["summary"]
            .as_str()
            .is_some_and(|s| s.contains("95%")),
        "{seven}"
    );
    assert!(
        !five["status"]["inhibitedBy"].as_array().unwrap().is_empty(),
        "{five}"
    );
}

fn receivers_of(alert: &Value) -> Vec<String> {
    alert["receivers"]
        .as_array()
        .map(|r| {
            r.iter()
                .filter_map(|r| r["name"].as_str().or(r.as_str()))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_down_ccmon_pages_inhibits_its_echo_and_is_silenced() {
    let dir = scaffold(&[]);
    let stack = Stack::start(&dir.path().join("monitoring"), None);

    let page = stack.wait_for("--active", "CcmonHealthServerDown");
    assert_eq!(page["labels"]["severity"], "P0", "{page}");
    assert!(
        receivers_of(&page).iter().any(|r| r == "pagerduty"),
        "{page}"
    );
    let runbook = page["annotations"]["runbook_url"].as_str().unwrap();
    assert!(runbook.ends_with("#ccmonhealthserverdown"), "{page}");
    // The series the Alert Status dashboard counts.
    let firing = stack
        .prom
        .get("/api/v1/query?query=ALERTS%7Balertstate%3D%22firing%22%7D");
    assert!(
        firing.body.contains("CcmonHealthServerDown"),
        "{}",
        firing.body
    );

    // The absent-guard fires too, and is muted by the alert that explains it.
    let echo = stack.wait_for("--inhibited", "CcmonHealthMetricsAbsent");
    assert!(
        !echo["status"]["inhibitedBy"].as_array().unwrap().is_empty(),
        "{echo}"
    );

    stack.silence(
        "CcmonHealthServerDown",
        &["-d", "1h", "-c", "ccmon restarting, INC-1"],
    );
}

/// The whole loop of the product: an agent hangs under `ccmon stream watch`, which records
/// it stuck in Redis; `ccmon health serve` exports the fleet's view; the scaffold's
/// Prometheus scrapes it and fires AgentStuck into the scaffold's Alertmanager, which routes
/// it; the operator finds it with `ccmon alerts ls` and silences it with `ccmon` (amtool
/// sees the silence); the agent resumes and the alert resolves.
#[test]
fn a_stuck_agent_pages_through_the_scaffold_stack_and_is_silenced() {
    use crate::support::Redis;
    use crate::support::standin::{self, Standin};

    let redis = Redis::start();
    let spool = tempfile::tempdir().expect("spool");
    let resume = spool.path().join("resume");
    let agent = Standin::new(standin::fixture(standin::CLAUDE_CLEAN))
        .hang_after(5)
        .resume_when(&resume);
    let (mut watcher, _home) = crate::stream_redis::start_watch(
        &redis.url(),
        spool.path(),
        &agent,
        &[&["--agent-id", "builder-7"][..], &crate::util::QUICK_STUCK].concat(),
    );

    // The health server, reading the fleet from the same Redis.
    let health = fleet_health_server(&redis.url());
    let addr = health.addr();

    let dir = scaffold(&[]);
    let stack = Stack::start(&dir.path().join("monitoring"), Some(addr));
    let stuck = stack.wait_for("--active", "AgentStuck");
    assert_eq!(stuck["labels"]["agent_id"], "builder-7", "{stuck}");
    assert_eq!(stuck["labels"]["severity"], "P2", "{stuck}");
    assert_eq!(stuck["labels"]["category"], "agents", "{stuck}");
    assert!(!receivers_of(&stuck).is_empty(), "{stuck}");
    assert!(
        stuck["annotations"]["runbook_url"]
            .as_str()
            .is_some_and(|u| u.ends_with("#agentstuck")),
        "{stuck}"
    );

    stack.silence(
        "AgentStuck",
        &[
            "agent_id=builder-7",
            "-d",
            "2h",
            "-c",
            "builder-7 under investigation",
        ],
    );

    // amtool, the reference client, sees the same silence.
    let amtool = Command::new(find_program(&["amtool"]))
        .args([
            "--alertmanager.url",
            &stack.am.url(),
            "silence",
            "query",
            "-o",
            "json",
        ])
        .output()
        .expect("amtool not found: apt-get install -y prometheus-alertmanager");
    let silences: Value = serde_json::from_slice(&amtool.stdout).expect("amtool JSON");
    let matched = silences.as_array().is_some_and(|list| {
        list.iter().any(|s| {
            s["comment"] == "builder-7 under investigation"
                && s["matchers"]
                    .as_array()
                    .is_some_and(|m| m.iter().any(|m| m["value"] == "builder-7"))
        })
    });
    assert!(matched, "amtool does not list the silence: {silences}");

    // The agent's tool call returns: it writes again, the watcher says it made progress
    // (and it finishes), Redis says so, and the alert resolves.
    std::fs::write(&resume, b"").expect("resume the agent");
    poll(
        "AgentStuck resolves after the agent resumed",
        Duration::from_secs(90),
        Duration::from_millis(500),
        || {
            let still = ["--active", "--silenced"].iter().find(|state| {
                stack
                    .alerts(state)
                    .iter()
                    .any(|a| a["labels"]["alertname"] == "AgentStuck")
            });
            match still {
                Some(state) => Err(format!("still {state}")),
                None => Ok(()),
            }
        },
    );
    let firing = stack
        .prom
        .get("/api/v1/query?query=ALERTS%7Balertname%3D%22AgentStuck%22%7D");
    assert!(!firing.body.contains("AgentStuck"), "{}", firing.body);
    assert_eq!(watcher.wait().code(), Some(0));
    drop(health);
}
