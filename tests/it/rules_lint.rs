//! `ccmon rules lint` through the CLI: the same verdict as the real `promtool check rules`
//! on every parity fixture, each beyond-promtool check triggered by one fixture and quiet on
//! another, the four report formats, settings, ignore comments and exit codes.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::support::process::find_program;
use crate::util::{Output, ccmon};

fn fixtures(dir: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/rules")
        .join(dir)
}

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml"))
        .collect();
    files.sort();
    files
}

/// ccmon's findings on `path` as JSON objects.
fn lint_json(path: &Path, extra: &[&str]) -> (i32, Vec<Value>) {
    let out = lint(path, &[&["--format", "json"], extra].concat());
    let items: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{}: not JSON ({e}):\n{}\n{}",
            out.shown, out.stdout, out.stderr
        )
    });
    let items = items.as_array().cloned().expect("an array");
    (out.code, items)
}

/// The `field` of each finding whose `key` is `value`, e.g. the codes of the errors.
pub fn field_where(items: &[Value], key: &str, value: &str, field: &str) -> Vec<String> {
    items
        .iter()
        .filter(|d| d[key] == value)
        .map(|d| d[field].as_str().unwrap_or("").to_owned())
        .collect()
}

fn codes_at(items: &[Value], severity: &str) -> Vec<String> {
    field_where(items, "severity", severity, "code")
}

/// Each finding's code and line.
fn codes_and_lines<'a>(items: impl IntoIterator<Item = &'a Value>) -> Vec<(String, u64)> {
    items
        .into_iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("").to_owned(),
                d["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

/// `ccmon rules lint EXTRA... PATH`.
fn lint(path: &Path, extra: &[&str]) -> Output {
    ccmon()
        .args(["rules", "lint"])
        .args(extra)
        .args([path])
        .run()
}

/// Writes `contents` to `path`, panicking with the path if it cannot.
fn write(path: &Path, contents: impl AsRef<[u8]>) {
    std::fs::write(path, contents).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

/// A fresh temp dir with `contents` in its file `name`; the dir lives as long as the guard.
fn rule_file(name: &str, contents: impl AsRef<[u8]>) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join(name);
    write(&file, contents);
    (dir, file)
}

/// A rule file of one group `g` with the one recording rule `record: expr`.
fn one_recording_rule(record: &str, expr: &str) -> String {
    format!("groups:\n  - name: g\n    rules:\n      - record: {record}\n        expr: {expr}\n")
}

/// Settings in `dir` naming `name`, which holds `metrics`, as the metrics file.
fn use_metrics_file(dir: &Path, name: &str, metrics: &str) {
    write(&dir.join(name), metrics);
    write(
        &dir.join(".ccmon-lint.yaml"),
        format!("metrics_file: {name}\n"),
    );
}

/// The fixture header: `# expect: valid` or `# expect: invalid CODE...`, and optionally
/// `# promtool-differs: why` when the installed promtool is older or laxer on purpose.
struct Expectation {
    valid: bool,
    codes: Vec<String>,
    promtool_differs: Option<String>,
}

fn expectation(path: &Path) -> Expectation {
    let text = std::fs::read_to_string(path).expect("read fixture");
    let mut expect = None;
    let mut differs = None;
    for line in text.lines().take_while(|l| l.starts_with('#')) {
        if let Some(rest) = line.strip_prefix("# expect:") {
            let mut words = rest.split_whitespace();
            let valid = words.next() == Some("valid");
            expect = Some((valid, words.map(str::to_owned).collect()));
        } else if let Some(rest) = line.strip_prefix("# promtool-differs:") {
            differs = Some(rest.trim().to_owned());
        }
    }
    let (valid, codes) =
        expect.unwrap_or_else(|| panic!("{}: no `# expect:` header", path.display()));
    Expectation {
        valid,
        codes,
        promtool_differs: differs,
    }
}

/// `promtool check rules FILE`: (accepted, stderr).
fn promtool_check(file: &Path) -> (bool, String) {
    let out = Command::new(find_program(&["promtool"]))
        .args(["check", "rules"])
        .arg(file)
        .output()
        .expect("promtool not found: apt-get install -y prometheus");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_parity_fixture_gets_promtools_verdict() {
    let files = yaml_files(&fixtures("parity"));
    assert!(files.len() >= 40, "parity corpus shrank: {}", files.len());
    let failures = verdict_failures(files);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every file of Prometheus's own `model/rulefmt/testdata`, aliases and merge keys
/// included, gets the verdict of Prometheus 3.x and of the installed promtool.
#[test]
fn prometheus_rulefmt_testdata_gets_promtools_verdict() {
    let dir = fixtures("prometheus-rulefmt");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 16, "upstream testdata files: {files:?}");
    assert!(dir.join("LICENSE.prometheus").is_file());
    let failures = verdict_failures(files);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// For each fixture, what disagrees: ccmon against its `# expect:` header, and promtool
/// against it unless marked `# promtool-differs:`.
fn verdict_failures(files: Vec<PathBuf>) -> Vec<String> {
    let mut failures = Vec::new();
    for path in files {
        let expect = expectation(&path);
        let (code, items) = lint_json(&path, &[]);
        let errors = codes_at(&items, "error");
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if expect.valid != errors.is_empty() {
            failures.push(format!(
                "{name}: ccmon errors {errors:?}, expected valid={}",
                expect.valid
            ));
        }
        if code != if errors.is_empty() { 0 } else { 1 } {
            failures.push(format!("{name}: exit {code} with errors {errors:?}"));
        }
        for wanted in &expect.codes {
            if !errors.contains(wanted) {
                failures.push(format!("{name}: expected error {wanted}, got {errors:?}"));
            }
        }
        let (promtool_ok, promtool_err) = promtool_check(&path);
        match &expect.promtool_differs {
            None if promtool_ok != expect.valid => failures.push(format!(
                "{name}: promtool says valid={promtool_ok}, fixture says {}: {promtool_err}",
                expect.valid
            )),
            Some(why) if promtool_ok == expect.valid => failures.push(format!(
                "{name}: marked promtool-differs ({why}) but promtool agrees now"
            )),
            _ => {}
        }
    }
    failures
}

/// A node repeated through aliases and merge keys is one place to fix: each finding is
/// reported once, at the anchor, and `rule/duplicate` names the other rule, never itself.
#[test]
fn aliased_nodes_report_each_finding_once_at_the_anchor() {
    let path = fixtures("prometheus-rulefmt").join("test_aliases.yaml");
    let (code, items) = lint_json(&path, &[]);
    assert_eq!(code, 0, "{items:?}");
    let mut seen = std::collections::HashSet::new();
    for d in &items {
        let key = (
            d["line"].as_u64(),
            d["column"].as_u64(),
            d["end_line"].as_u64(),
            d["end_column"].as_u64(),
            d["code"].as_str(),
            d["message"].as_str(),
        );
        assert!(seen.insert(key), "reported twice: {d}");
    }
    let unknown: Vec<_> = items
        .iter()
        .filter(|d| d["code"] == "catalog/unknown-metric")
        .map(|d| (d["line"].as_u64(), d["message"].as_str().unwrap_or("")))
        .collect();
    // `errors_total` and `requests_total`, in the anchored `&expr` (its first lines).
    let text = std::fs::read_to_string(&path).expect("read fixture");
    let line_of = |needle: &str| {
        text.lines()
            .position(|l| l.contains(needle))
            .map(|i| i as u64 + 1)
    };
    assert_eq!(unknown.len(), 2, "{unknown:?}");
    assert_eq!(unknown[0].0, line_of("(rate(errors_total[5m]))"));
    assert_eq!(unknown[1].0, line_of("(rate(requests_total[5m]))"));
    let duplicates: Vec<_> = items
        .iter()
        .filter(|d| d["code"] == "rule/duplicate")
        .collect();
    assert!(duplicates.len() >= 3, "{duplicates:?}");
    for d in duplicates {
        let here = format!(
            "{}:{}:{}",
            d["file"].as_str().unwrap_or(""),
            d["line"].as_u64().unwrap_or(0),
            d["column"].as_u64().unwrap_or(0)
        );
        let message = d["message"].as_str().unwrap_or("");
        assert!(message.contains("duplicate of the rule at "), "{message}");
        assert!(!message.contains(&format!("{here} ")), "names itself: {d}");
    }
}

/// `checks/CODE-with-dashes/bad*.yml` must report CODE, `good*.yml` must not.
#[test]
fn every_check_fires_on_its_bad_fixture_and_not_on_its_good_one() {
    let root = fixtures("checks");
    let mut failures = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("checks fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty());
    for dir in dirs {
        let code = dir
            .file_name()
            .map(|n| n.to_string_lossy().replacen("--", "/", 1))
            .unwrap_or_default();
        let mut bad = 0;
        let mut good = 0;
        for path in yaml_files(&dir) {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let (_, items) = lint_json(&path, &[]);
            let found = items.iter().any(|d| d["code"] == code.as_str());
            if name.starts_with("bad") {
                bad += 1;
                if !found {
                    failures.push(format!("{code}/{name}: not reported; got {items:?}"));
                }
            } else if name.starts_with("good") {
                good += 1;
                if found {
                    failures.push(format!(
                        "{code}/{name}: reported but must not be: {items:?}"
                    ));
                }
            }
        }
        if bad == 0 || good == 0 {
            failures.push(format!("{code}: needs a bad*.yml and a good*.yml fixture"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

const BROKEN: &str =
    "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n        fro: 5m\n";

/// No `for`: a warning, not an error.
const WARN_ONLY: &str = "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n        labels: {severity: page}\n        annotations: {summary: s}\n";

#[test]
fn human_output_points_at_the_fault_and_summarises() {
    let (_dir, file) = rule_file("alerts.yml", BROKEN);
    let out = lint(&file, &[]).code(1)
        .stdout_has("alerts.yml:6:9: error[yaml/schema] field `fro` is not allowed in a rule; did you mean `for`?")
        .stdout_has("6 |         fro: 5m\n  |         ^^^");
    assert!(out.stdout.contains("Found 1 error"), "{}", out.stdout);
}

#[test]
fn json_output_has_exactly_the_documented_keys() {
    let (dir, file) = rule_file("alerts.yml", BROKEN);
    let (code, items) = lint_json(&file, &[]);
    assert_eq!(code, 1);
    let error = items
        .iter()
        .find(|d| d["severity"] == "error")
        .expect("an error");
    let mut keys: Vec<&str> = error
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "code",
            "column",
            "end_column",
            "end_line",
            "file",
            "group",
            "line",
            "message",
            "rule",
            "severity"
        ]
    );
    assert_eq!(error["line"], 6);
    assert_eq!(error["column"], 9);
    assert_eq!(error["end_column"], 12);
    assert_eq!(error["group"], "g");
    assert_eq!(error["rule"], "A");

    let clean = dir.path().join("clean.yml");
    write(&clean, "groups: []\n");
    let out = ccmon()
        .args([
            "rules",
            "lint",
            "--format",
            "json",
            clean.to_str().expect("utf-8"),
        ])
        .ok();
    assert_eq!(out.stdout.trim(), "[]");
}

#[test]
fn github_and_sarif_formats() {
    let (_dir, file) = rule_file("alerts.yml", BROKEN);
    let path = file.to_str().expect("utf-8");
    ccmon()
        .args(["rules", "lint", "--format", "github", path])
        .run().code(1)
        .stdout_has(&format!(
            "::error file={},line=6,col=9,endLine=6,endColumn=12,title=ccmon yaml/schema::field `fro`",
            path.replace(':', "%3A").replace(',', "%2C")
        ));
    let out = lint(&file, &["--format", "sarif"]).code(1);
    let sarif: Value = serde_json::from_str(&out.stdout).expect("sarif is JSON");
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "ccmon");
    let result = run["results"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["level"] == "error"))
        .expect("an error result");
    assert_eq!(result["ruleId"], "yaml/schema");
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 6);
    assert_eq!(region["startColumn"], 9);
    let index = result["ruleIndex"].as_u64().expect("index") as usize;
    assert_eq!(run["tool"]["driver"]["rules"][index]["id"], "yaml/schema");
}

/// Checkstyle: well-formed XML, one `<file>` per linted file, an `<error>` per finding with
/// line, column, a Checkstyle severity, the message and `ccmon.CODE` as source.
#[test]
fn checkstyle_format_is_well_formed_xml() {
    let (dir, file) = rule_file("a&b<alerts>.yml", BROKEN);
    let clean = dir.path().join("clean.yml");
    write(&clean, "groups: []\n");
    let path = file.to_str().expect("utf-8");
    let out = ccmon()
        .args(["rules", "lint", "--format", "checkstyle", path])
        .args([&clean])
        .run()
        .code(1);
    let doc = roxmltree::Document::parse(&out.stdout)
        .unwrap_or_else(|e| panic!("not well-formed XML ({e}):\n{}", out.stdout));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "checkstyle");
    let files: Vec<_> = root.children().filter(|n| n.is_element()).collect();
    assert_eq!(files.len(), 2, "{}", out.stdout);
    assert!(files.iter().all(|f| f.tag_name().name() == "file"));
    assert_eq!(files[0].attribute("name"), Some(path));
    let errors: Vec<_> = files[0].children().filter(|n| n.is_element()).collect();
    assert!(!errors.is_empty());
    for e in &errors {
        assert_eq!(e.tag_name().name(), "error");
        assert!(
            e.attribute("line")
                .and_then(|l| l.parse::<u32>().ok())
                .is_some()
        );
        assert!(
            e.attribute("column")
                .and_then(|l| l.parse::<u32>().ok())
                .is_some()
        );
        assert!(matches!(
            e.attribute("severity"),
            Some("error" | "warning" | "info")
        ));
        assert!(
            e.attribute("source")
                .is_some_and(|s| s.starts_with("ccmon."))
        );
        assert!(e.attribute("message").is_some_and(|m| !m.is_empty()));
    }
    let schema = errors
        .iter()
        .find(|e| e.attribute("source") == Some("ccmon.yaml/schema"))
        .expect("the `fro` finding");
    assert_eq!(schema.attribute("line"), Some("6"));
    assert_eq!(schema.attribute("column"), Some("9"));
    assert_eq!(schema.attribute("severity"), Some("error"));
    assert!(
        schema
            .attribute("message")
            .is_some_and(|m| m.contains("`fro`"))
    );
    assert_eq!(files[1].children().filter(|n| n.is_element()).count(), 0);
}

/// GitLab Code Quality: every issue has description, check_name, fingerprint, a severity
/// of GitLab's set, location.path and location.lines.begin; fingerprints are unique and
/// stay the same when the finding moves to another line.
#[test]
fn gitlab_format_has_code_quality_fields_and_stable_fingerprints() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("alerts.yml");
    let issues = |text: &str| -> Vec<Value> {
        std::fs::write(&file, text).expect("write");
        let out = lint(&file, &["--format", "gitlab"]);
        let v: Value = serde_json::from_str(&out.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", out.stdout));
        v.as_array().cloned().expect("an array")
    };
    let before = issues(BROKEN);
    assert!(!before.is_empty());
    let mut fingerprints = std::collections::HashSet::new();
    for issue in &before {
        let object = issue.as_object().expect("an object");
        let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "check_name",
                "description",
                "fingerprint",
                "location",
                "severity"
            ]
        );
        assert!(issue["description"].as_str().is_some_and(|d| !d.is_empty()));
        assert!(
            issue["check_name"]
                .as_str()
                .is_some_and(|c| c.contains('/'))
        );
        assert!(matches!(
            issue["severity"].as_str(),
            Some("info" | "minor" | "major" | "critical" | "blocker")
        ));
        assert_eq!(issue["location"]["path"], file.to_str().expect("utf-8"));
        assert!(issue["location"]["lines"]["begin"].as_u64() >= Some(1));
        let fingerprint = issue["fingerprint"].as_str().expect("fingerprint");
        assert!(fingerprint.len() >= 32 && fingerprint.bytes().all(|b| b.is_ascii_hexdigit()));
        assert!(
            fingerprints.insert(fingerprint.to_owned()),
            "repeated: {issue}"
        );
    }
    // Two lines more at the top: every finding moves, no fingerprint changes.
    let after = issues(&format!("# a comment\n# another\n{BROKEN}"));
    let key = |v: &Vec<Value>| -> Vec<(String, u64)> {
        v.iter()
            .map(|i| {
                (
                    i["fingerprint"].as_str().unwrap_or("").to_owned(),
                    i["location"]["lines"]["begin"].as_u64().unwrap_or(0),
                )
            })
            .collect()
    };
    let (b, a) = (key(&before), key(&after));
    assert_eq!(b.len(), a.len());
    for ((fb, lb), (fa, la)) in b.iter().zip(&a) {
        assert_eq!(fb, fa);
        assert_eq!(lb + 2, *la);
    }
}

/// `--min-severity` hides what is below it, and the exit status counts what is shown.
#[test]
fn min_severity_hides_findings_below_it() {
    let (dir, file) = rule_file("alerts.yml", BROKEN);
    let (_, all) = lint_json(&file, &[]);
    assert!(!codes_at(&all, "warning").is_empty(), "{all:?}");
    let (code, errors_only) = lint_json(&file, &["--min-severity", "error"]);
    assert_eq!(code, 1);
    assert!(!errors_only.is_empty());
    assert!(
        errors_only.iter().all(|d| d["severity"] == "error"),
        "{errors_only:?}"
    );
    let warn_only = dir.path().join("warn.yml");
    write(&warn_only, WARN_ONLY);
    let (code, shown) = lint_json(
        &warn_only,
        &["--min-severity", "error", "--fail-on", "warning"],
    );
    assert_eq!((code, shown.len()), (0, 0), "{shown:?}");
}

#[test]
fn exit_codes_follow_fail_on_and_usage_errors_are_2() {
    let (_dir, warn_only) = rule_file("warn.yml", WARN_ONLY);
    lint(&warn_only, &[])
        .code(0)
        .stdout_has("warning[alerts/missing-for]");
    lint(&warn_only, &["--fail-on", "warning"]).code(1);
    lint(Path::new("/nonexistent/rules.yml"), &[])
        .code(2)
        .stderr_has("/nonexistent/rules.yml: no such file or directory");
    lint(&warn_only, &["--format", "xml"]).code(2);
}

#[test]
fn stdin_is_read_with_a_dash() {
    ccmon()
        .args(["rules", "lint", "-"])
        .stdin(BROKEN)
        .run()
        .code(1)
        .stdout_has("<stdin>:6:9: error[yaml/schema]");
}

#[test]
fn directories_are_searched_and_non_rule_yaml_is_skipped() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("nested/.hidden")).expect("mkdir");
    write(
        &dir.path().join("prometheus.yml"),
        "global:\n  scrape_interval: 15s\n",
    );
    for name in [
        "nested/rules.yaml",
        "nested/.hidden/x.yml",
        "nested/notes.txt",
    ] {
        write(&dir.path().join(name), BROKEN);
    }
    let (code, items) = lint_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let files: Vec<&str> = items.iter().filter_map(|d| d["file"].as_str()).collect();
    assert!(!files.is_empty());
    assert!(
        files.iter().all(|f| f.ends_with("nested/rules.yaml")),
        "{files:?}"
    );
    // Named explicitly, a non-rule file is linted (and fails).
    let (code, _) = lint_json(&dir.path().join("prometheus.yml"), &[]);
    assert_eq!(code, 1);
}

#[test]
fn settings_are_found_upward_and_ignore_comments_silence() {
    let dir = tempfile::tempdir().expect("tempdir");
    let nested = dir.path().join("team/rules");
    std::fs::create_dir_all(&nested).expect("mkdir");
    write(
        &dir.path().join(".ccmon-lint.yaml"),
        "required_labels: [severity, team]\nallowed_severities: [P0, P1]\ndisabled: [alerts/missing-for]\n",
    );
    let file = nested.join("alerts.yml");
    write(
        &file,
        "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n        labels: {severity: page}\n        annotations: {summary: s}\n      # ccmon: ignore[rule/required-label]\n      - alert: B\n        expr: up == 0\n        labels: {severity: P0}\n        annotations: {summary: s}\n      - alert: C  # ccmon: ignore[promql/regex]\n        expr: up == 0\n        labels: {severity: P1, team: t}\n        annotations: {summary: s}\n",
    );
    let (_, items) = lint_json(&file, &[]);
    let found = codes_and_lines(&items);
    assert!(
        found.contains(&("rule/required-label".to_owned(), 6)),
        "{found:?}"
    );
    assert!(
        found.contains(&("rule/severity".to_owned(), 6)),
        "{found:?}"
    );
    assert!(
        !found
            .iter()
            .any(|(c, l)| c == "rule/required-label" && *l > 8),
        "{found:?}"
    );
    assert!(
        !found.iter().any(|(c, _)| c == "alerts/missing-for"),
        "{found:?}"
    );
    assert!(
        found.contains(&("lint/unused-ignore".to_owned(), 13)),
        "{found:?}"
    );

    // An explicit settings file replaces the search; a broken one is a usage error.
    let other = dir.path().join("other.yaml");
    let lint_with_other = |settings: &str| {
        write(&other, settings);
        ccmon()
            .args(["rules", "lint", "--lint-config"])
            .args([&other, &file])
            .run()
    };
    lint_with_other("disabled: [no/such-code]\n")
        .code(2)
        .stderr_has("unknown code \"no/such-code\"");

    // A value of the wrong shape says where and what is expected, in human words.
    lint_with_other("metrics: 12\n")
        .code(2)
        .stderr_has("other.yaml:1:")
        .stderr_has("a list of metric names, or a mapping of metric name to type")
        .nowhere("untagged enum");
}

#[test]
fn list_codes_prints_the_catalogue() {
    let out = ccmon()
        .args(["rules", "lint", "--list-codes", "-o", "json"])
        .ok();
    let codes: Value = serde_json::from_str(&out.stdout).expect("json");
    let names: Vec<&str> = codes
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|c| c["code"].as_str())
        .collect();
    assert!(names.contains(&"promql/syntax"));
    assert!(names.contains(&"catalog/unknown-metric"));
}

/// Every family in a `/metrics` body is in the linter's catalogue with the type it is
/// exposed as, so rules over ccmon's own metrics are never flagged as unknown.
pub fn assert_families_in_catalog(body: &str) {
    let catalog = ccmon::rules::catalog::Catalog::builtin();
    let mut missing = Vec::new();
    for line in body.lines() {
        let Some(rest) = line.strip_prefix("# TYPE ") else {
            continue;
        };
        let mut words = rest.split_whitespace();
        let (Some(name), Some(kind)) = (words.next(), words.next()) else {
            continue;
        };
        match catalog.get(name) {
            Some(entry) if entry.kind.as_str() == kind => {}
            Some(entry) => missing.push(format!(
                "{name}: exposed as {kind}, catalogue says {}",
                entry.kind.as_str()
            )),
            None => missing.push(format!(
                "{name} ({kind}) is not in src/rules/catalog/data/ccmon.txt"
            )),
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

/// Every case of the PromQL corpus (Prometheus's own parser tests, transcribed) goes
/// through the real promtool and through ccmon in one rule file each; they must agree except
/// on the cases listed, with reasons, in `promtool-2.42-differences.txt`.
#[test]
fn the_promql_corpus_gets_promtools_verdict_except_the_listed_newer_syntax() {
    let corpus = std::fs::read_to_string(fixtures("../promql/parse_cases.txt")).expect("corpus");
    let mut inputs: Vec<(String, String)> = Vec::new();
    for line in corpus.lines() {
        let kind = line.split(" | ").next().unwrap_or("");
        let fields = match kind {
            "ok" | "okx" => 2,
            "err" | "errx" => 4,
            _ => continue,
        };
        let raw = line
            .splitn(fields, " | ")
            .nth(fields - 1)
            .unwrap_or("")
            .to_owned();
        let input = if kind.ends_with('x') {
            raw.replace("\\\\", "\u{0}")
                .replace("\\n", "\n")
                .replace("\\r", "\r")
                .replace("\\t", "\t")
                .replace('\u{0}', "\\")
        } else {
            raw.clone()
        };
        inputs.push((raw, input));
    }
    assert!(inputs.len() > 500, "corpus shrank: {}", inputs.len());
    let mut yaml = String::from("groups:\n  - name: corpus\n    rules:\n");
    for (i, (_, input)) in inputs.iter().enumerate() {
        let quoted = serde_json::to_string(input).expect("json string");
        yaml.push_str(&format!(
            "      - record: case_{i}\n        expr: {quoted}\n"
        ));
    }
    let (_dir, file) = rule_file("corpus.yml", yaml);

    let (_, stderr) = promtool_check(&file);
    let case_of = |text: &str| -> Option<usize> {
        let start = text.find("\"case_")? + 6;
        let digits: String = text[start..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    };
    let rejected_by_promtool: std::collections::BTreeSet<usize> =
        stderr.lines().filter_map(case_of).collect();
    let (_, items) = lint_json(&file, &[]);
    let rejected_by_ccmon: std::collections::BTreeSet<usize> = items
        .iter()
        .filter(|d| d["severity"] == "error")
        .filter_map(|d| d["rule"].as_str()?.strip_prefix("case_")?.parse().ok())
        .collect();

    let listed = std::fs::read_to_string(fixtures("../promql/promtool-2.42-differences.txt"))
        .expect("differences list");
    let mut expected: std::collections::BTreeSet<(String, String)> = Default::default();
    for line in listed
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let mut parts = line.splitn(3, " | ");
        let (Some(kind), Some(_reason), Some(input)) = (parts.next(), parts.next(), parts.next())
        else {
            panic!("malformed line in promtool-2.42-differences.txt: {line:?}");
        };
        expected.insert((kind.to_owned(), input.to_owned()));
    }
    let mut actual: std::collections::BTreeSet<(String, String)> = Default::default();
    for (i, (raw, _)) in inputs.iter().enumerate() {
        match (
            rejected_by_promtool.contains(&i),
            rejected_by_ccmon.contains(&i),
        ) {
            (true, false) => actual.insert(("newer".to_owned(), raw.clone())),
            (false, true) => actual.insert(("older".to_owned(), raw.clone())),
            _ => false,
        };
    }
    let unexplained: Vec<_> = actual.difference(&expected).collect();
    let stale: Vec<_> = expected.difference(&actual).collect();
    assert!(
        unexplained.is_empty() && stale.is_empty(),
        "disagreements with promtool not in the list: {unexplained:#?}\nlisted but no longer true: {stale:#?}"
    );
}

/// The template cases (checked against real Go by the parser's author) go through promtool
/// as alert annotations: same verdict, except templates using functions newer than the
/// installed promtool 2.42.
#[test]
fn alert_templates_get_promtools_verdict() {
    // toDuration, now and parseDuration arrived in Prometheus 2.5x-3.x.
    const NEWER: &[&str] =
        &[r#"{{ toTime $value }} {{ toDuration 60 }} {{ now }} {{ parseDuration "1h" }}"#];
    let cases =
        std::fs::read_to_string(fixtures("../gotmpl/prometheus_annotations.txt")).expect("cases");
    let templates: Vec<&str> = cases
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .filter_map(|l| l.rsplit('\t').next())
        .collect();
    assert!(templates.len() > 50, "{}", templates.len());
    let mut yaml = String::from("groups:\n  - name: g\n    rules:\n");
    for (i, raw) in templates.iter().enumerate() {
        let text = raw.replace("\\n", "\n").replace("\\t", "\t");
        let quoted = serde_json::to_string(&text).expect("json");
        yaml.push_str(&format!(
            "      - alert: case_{i}\n        expr: up == 0\n        annotations:\n          summary: {quoted}\n"
        ));
    }
    let (_dir, file) = rule_file("templates.yml", yaml);
    let (_, stderr) = promtool_check(&file);
    let (_, items) = lint_json(&file, &[]);
    let mut failures = Vec::new();
    for (i, raw) in templates.iter().enumerate() {
        let name = format!("\"case_{i}\"");
        let by_promtool = stderr.lines().any(|l| l.contains(&name));
        let by_ccmon = items
            .iter()
            .any(|d| d["severity"] == "error" && d["rule"] == format!("case_{i}").as_str());
        let expected_ccmon = if NEWER.contains(raw) {
            false
        } else {
            by_promtool
        };
        if by_ccmon != expected_ccmon {
            failures.push(format!(
                "{raw}: promtool rejects={by_promtool}, ccmon rejects={by_ccmon}"
            ));
        }
        if NEWER.contains(raw) && !by_promtool {
            failures.push(format!(
                "{raw}: listed as newer than promtool, but promtool accepts it now"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A PromQL error points at its own character in the file, whatever the scalar style.
#[test]
fn promql_errors_point_into_block_and_quoted_scalars() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases = [
        // (expr as written, line and column Prometheus reports: just after the stray `)`)
        ("|\n          sum(up)\n            / sum(up))", 7, 23),
        (">-\n          sum(up)\n          / sum(up))", 7, 21),
        ("\"sum(up) /\n          sum(up))\"", 6, 19),
        ("'sum(up{a=''b''}) / sum(up))'", 5, 43),
    ];
    for (expr, line, column) in cases {
        let file = dir.path().join("rules.yml");
        write(&file, one_recording_rule("a:b:c", expr));
        let (_, items) = lint_json(&file, &[]);
        let error = items
            .iter()
            .find(|d| d["code"] == "promql/syntax")
            .unwrap_or_else(|| panic!("no syntax error for {expr:?}: {items:?}"));
        assert_eq!(
            (error["line"].as_u64(), error["column"].as_u64()),
            (Some(line), Some(column)),
            "{expr:?}: {error}"
        );
    }
}

/// Kubernetes manifests: every `PrometheusRule` document is linted as a rule file of its
/// own (group names are per object), other documents are skipped, in files named on the
/// command line and found under directories alike.
#[test]
fn prometheus_rule_manifests_are_linted_per_object() {
    let dir = tempfile::tempdir().expect("tempdir");
    let manifest = "\
apiVersion: v1
kind: ConfigMap
metadata: {name: unrelated}
data: {a: b}
---
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: first}
spec:
  groups:
    - name: g
      rules:
        - record: job:up:sum
          expr: sum by (job) (up)
---
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: second}
spec:
  groups:
    - name: g
      rules:
        - record: job:up:max
          expr: max by (job) (up
";
    std::fs::create_dir_all(dir.path().join("k8s")).expect("mkdir");
    let file = dir.path().join("k8s/rules.yaml");
    write(&file, manifest);
    for target in [file.clone(), dir.path().to_path_buf()] {
        let (code, items) = lint_json(&target, &[]);
        assert_eq!(code, 1, "{items:?}");
        let errors = codes_and_lines(items.iter().filter(|d| d["severity"] == "error"));
        assert_eq!(errors, [("promql/syntax".to_owned(), 24)], "{items:?}");
    }
    let out = lint(&file, &[]).code(1);
    assert!(out.stdout.contains("1 file (2 rules)"), "{out}");
}

/// Hostile input: arbitrary bytes, invalid UTF-8, deep nesting and an alias bomb are lint
/// errors with a position; a 100 MB file is refused unread (exit 2), never a crash.
#[test]
fn hostile_input_gets_a_clear_error_and_never_a_crash() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut rng = 0x9e37_79b9_7f4a_7c15_u64;
    let random: Vec<u8> = (0..65_536)
        .map(|_| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            (rng >> 24) as u8
        })
        .collect();
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let list = vec![format!("*a{}", i - 1); 10].join(", ");
        bomb.push_str(&format!("a{i}: &a{i} [{list}]\n"));
    }
    let cases: [(&str, Vec<u8>); 4] = [
        ("random.yml", random),
        ("latin1.yml", b"groups:\n  - name: caf\xe9\n".to_vec()),
        (
            "deep.yml",
            format!("groups: {}{}", "[".repeat(100_000), "]".repeat(100_000)).into_bytes(),
        ),
        ("bomb.yml", bomb.into_bytes()),
    ];
    for (name, bytes) in cases {
        let file = dir.path().join(name);
        write(&file, bytes);
        let (code, items) = lint_json(&file, &[]);
        assert_eq!(code, 1, "{name}: {items:?}");
        assert!(
            items
                .iter()
                .any(|d| d["code"] == "yaml/syntax" && d["line"].as_u64() >= Some(1)),
            "{name}: {items:?}"
        );
    }
    let huge = dir.path().join("huge.yml");
    std::fs::File::create(&huge)
        .and_then(|f| f.set_len(100 << 20))
        .expect("a sparse 100 MB file");
    lint(&huge, &[])
        .code(2)
        .stderr_has("is more than the 32 MiB a rule file may have");
}

/// The README documents every code with an example, so the table cannot fall behind.
#[test]
fn the_readme_documents_every_code() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let missing: Vec<&str> = ccmon::rules::diagnostic::Code::ALL
        .iter()
        .map(|c| c.name())
        .filter(|name| !readme.contains(&format!("| `{name}` |")))
        .collect();
    assert!(missing.is_empty(), "README's code table lacks {missing:?}");
}

/// One test per check code: each code has a bad/good fixture pair under `checks/`, or is
/// the expected error of a parity fixture (checked against promtool too), or needs a
/// server (`--online`) and is tested against a real Prometheus in `rules_online.rs`.
#[test]
fn every_code_has_a_fixture() {
    let parity: String = yaml_files(&fixtures("parity"))
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("read fixture"))
        .collect();
    let missing: Vec<&str> = ccmon::rules::diagnostic::Code::ALL
        .iter()
        .map(|c| c.name())
        .filter(|name| {
            let dir = fixtures("checks").join(name.replacen('/', "--", 1));
            let in_parity = parity
                .lines()
                .filter(|l| l.starts_with("# expect: invalid"))
                .any(|l| l.split_whitespace().any(|w| w == *name));
            let online_only = *name == "promql/series";
            !dir.is_dir() && !in_parity && !online_only
        })
        .collect();
    assert!(missing.is_empty(), "codes without a fixture: {missing:?}");
}

/// `--enable-feature` takes promtool's feature names: experimental PromQL is an error
/// without the flag and fine with it; an unknown name is a usage error.
#[test]
fn enable_feature_gates_experimental_promql() {
    const DURATION_EXPR: &[&str] = &["--enable-feature", "promql-duration-expr"];
    /// (record, expr, flags, exit code, the promql/syntax message it must have if any)
    type Case = (
        &'static str,
        &'static str,
        &'static [&'static str],
        i32,
        Option<&'static str>,
    );
    let cases: [Case; 6] = [
        (
            "job:up:max_over_6m",
            "max by (job) (max_over_time(up[5m+1m]))",
            &[],
            1,
            Some("experimental duration expression"),
        ),
        (
            "job:up:max_over_6m",
            "max by (job) (max_over_time(up[5m+1m]))",
            DURATION_EXPR,
            0,
            None,
        ),
        // The duration functions of the newest grammar: `max_of`/`min_of` inside ranges and
        // offsets need promql-duration-expr; `start()` as a function needs the experimental
        // functions, as upstream gates them.
        (
            "job:up:max",
            "max by (job) (max_over_time(up[max_of(step(), 5m)] offset -min_of(5s, step() + 8s)))",
            &[],
            1,
            None,
        ),
        (
            "job:up:max",
            "max by (job) (max_over_time(up[max_of(step(), 5m)] offset -min_of(5s, step() + 8s)))",
            DURATION_EXPR,
            0,
            None,
        ),
        (
            "job:up:elapsed",
            "end() - start()",
            DURATION_EXPR,
            1,
            Some("function \"end\" is not enabled"),
        ),
        (
            "job:up:elapsed",
            "end() - start()",
            &["--enable-feature", "promql-experimental-functions"],
            0,
            None,
        ),
    ];
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("rules.yml");
    for (record, expr, flags, expected, message) in cases {
        write(&file, one_recording_rule(record, expr));
        let (code, items) = lint_json(&file, flags);
        assert_eq!(code, expected, "{expr} {flags:?}: {items:?}");
        if let Some(message) = message {
            assert!(
                items.iter().any(|d| d["code"] == "promql/syntax"
                    && d["message"].as_str().is_some_and(|m| m.contains(message))),
                "{expr} {flags:?}: {items:?}"
            );
        }
    }
    lint(&file, &["--enable-feature", "promql-nonsense"])
        .code(2)
        .stderr_has("unknown --enable-feature \"promql-nonsense\"");
}

#[test]
fn control_characters_in_a_rule_file_never_reach_the_terminal() {
    // A raw ESC ] 0 ; title BEL in a label (a YAML error at that byte), and the same as
    // YAML escapes in a label value a finding quotes.
    let (dir, raw) = rule_file(
        "raw.yml",
        b"groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n        for: 5m\n        labels:\n          team: x\x1b]0;PWNED\x07\n",
    );
    let quoted = dir.path().join("quoted.yml");
    write(
        &quoted,
        "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n        for: 5m\n        labels:\n          severity: \"\\e]0;PWNED\\a\"\n        annotations:\n          summary: s\n",
    );
    write(
        &dir.path().join(".ccmon-lint.yaml"),
        "allowed_severities: [critical]\n",
    );
    for format in ["human", "github", "json", "sarif"] {
        let out = ccmon()
            .args(["rules", "lint", "--format", format])
            .args([&raw, &quoted])
            .run()
            .no_raw_control();
        assert!(out.stdout.contains("PWNED"), "{out}");
    }
    lint(&raw, &[])
        .code(1)
        .stdout_has(r"          team: x\x1b]0;PWNED\x07");
}

/// Rules on Claude Code's own telemetry (the names Prometheus gives its OpenTelemetry
/// metrics) lint clean: known metrics, counters under `rate`/`increase`.
#[test]
fn rules_on_claude_code_telemetry_lint_clean() {
    let (_dir, file) = rule_file(
        "claude-code.yml",
        r#"groups:
  - name: claude-code
    rules:
      - record: model:claude_code_cost_usd:rate1h
        expr: sum by (model) (rate(claude_code_cost_usage_USD_total[1h]))
      - record: type:claude_code_tokens:rate5m
        expr: sum by (type) (rate(claude_code_token_usage_tokens_total{type=~"input|output"}[5m]))
      - alert: ClaudeCodeSpendHigh
        expr: sum(increase(claude_code_cost_usage_USD_total[1d])) > 500
        for: 15m
        labels:
          severity: warning
        annotations:
          summary: "Claude Code spent {{ $value | humanize }} USD in a day"
      - alert: ClaudeCodeEditsRejected
        expr: |
          sum(rate(claude_code_code_edit_tool_decision_total{decision="reject"}[1h]))
            / sum(rate(claude_code_code_edit_tool_decision_total[1h])) > 0.5
          and sum(rate(claude_code_lines_of_code_count_total[1h])) > 0
          and sum(increase(claude_code_session_count_total[1h]) + increase(claude_code_commit_count_total[1h])
            + increase(claude_code_pull_request_count_total[1h]) + increase(claude_code_active_time_seconds_total[1h])) > 0
        for: 1h
        labels:
          severity: warning
        annotations:
          summary: "Half of Claude Code's edits are rejected"
"#,
    );
    let (code, items) = lint_json(&file, &["--fail-on", "warning"]);
    assert_eq!((code, items.len()), (0, 0), "{items:#?}");
}

/// A stand-in application: serves `body` as its /metrics on a loopback port, answering
/// every request, until the test ends.
pub fn serve_metrics(body: &'static str) -> std::net::SocketAddr {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    addr
}

const APP_METRICS: &str = "# HELP myapp_requests_total Requests served.\n# TYPE myapp_requests_total counter\nmyapp_requests_total{code=\"200\"} 10\n# TYPE myapp_queue_depth gauge\nmyapp_queue_depth 3\n# TYPE myapp_latency_seconds histogram\nmyapp_latency_seconds_bucket{le=\"+Inf\"} 1\nmyapp_latency_seconds_sum 1\nmyapp_latency_seconds_count 1\nmyapp_untyped_thing 1\n";

const APP_RULES: &str = "groups:\n  - name: app\n    rules:\n      - record: job:myapp_requests:rate5m\n        expr: sum by (job) (rate(myapp_requests_total[5m]))\n      - record: job:myapp_latency:p99\n        expr: histogram_quantile(0.99, sum by (le) (rate(myapp_latency_seconds_bucket[5m])))\n      - record: job:myapp_queue:rate5m\n        expr: sum(rate(myapp_queue_depth[5m])) + sum(myapp_untyped_thing)\n";

/// `--metrics-from` a live /metrics (a test application of ours) adds its families with
/// their types: the unknown-metric findings go, and `rate` of its gauge is caught.
#[test]
fn metrics_from_a_live_application_adds_its_families() {
    let url = format!("http://{}/metrics", serve_metrics(APP_METRICS));
    let (dir, file) = rule_file("app.yml", APP_RULES);
    let codes = |items: &[Value]| -> Vec<String> {
        items
            .iter()
            .map(|d| d["code"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    let (_, without) = lint_json(&file, &[]);
    assert!(
        codes(&without).contains(&"catalog/unknown-metric".to_owned()),
        "{without:?}"
    );
    let (code, with) = lint_json(&file, &["--metrics-from", &url]);
    assert_eq!(code, 0, "{with:?}");
    assert_eq!(codes(&with), ["promql/rate-on-gauge"], "{with:#?}");
    // A saved copy works the same.
    let saved = dir.path().join("metrics.txt");
    write(&saved, APP_METRICS);
    let (_, from_file) = lint_json(&file, &["--metrics-from", saved.to_str().expect("utf-8")]);
    assert_eq!(codes(&from_file), ["promql/rate-on-gauge"]);
    // An application that does not answer is a clear error naming it, exit 3 (unreachable).
    let port = crate::support::process::free_port();
    ccmon()
        .args([
            "rules",
            "lint",
            "--metrics-from",
            &format!("http://127.0.0.1:{port}/metrics"),
        ])
        .args([&file])
        .run()
        .code(3)
        .stderr_has(&format!("cannot fetch http://127.0.0.1:{port}/metrics"));
}

/// `rules catalog export` writes what `.ccmon-lint.yaml` names as `metrics_file:`: the
/// lint is then clean offline, with the application gone.
#[test]
fn catalog_export_round_trips_through_the_settings_file() {
    let url = format!("http://{}/metrics", serve_metrics(APP_METRICS));
    let dir = tempfile::tempdir().expect("tempdir");
    let out = ccmon()
        .args(["rules", "catalog", "export", "--metrics-from", &url])
        .run()
        .code(0)
        .stdout_has("myapp_requests_total counter -- Requests served.")
        .stdout_has("myapp_latency_seconds histogram")
        .stdout_has("myapp_untyped_thing untyped");
    use_metrics_file(dir.path(), "app-metrics.txt", &out.stdout);
    let file = dir.path().join("app.yml");
    write(&file, APP_RULES);
    let (code, items) = lint_json(&file, &[]);
    assert_eq!(code, 0, "{items:?}");
    let codes: Vec<_> = items
        .iter()
        .map(|d| d["code"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(codes, ["promql/rate-on-gauge"], "{items:#?}");
    // A broken metrics_file names the file and the line.
    write(
        &dir.path().join("app-metrics.txt"),
        "ok_total counter\nbad gauges\n",
    );
    lint(&file, &[])
        .code(2)
        .stderr_has("app-metrics.txt:2: unknown type `gauges`");
}

/// A real exporter's /metrics (prometheus-node-exporter) is read whole: its counters,
/// gauges, summaries and untyped families, in a file that reads back without error.
#[test]
fn catalog_export_reads_a_real_exporter() {
    use crate::support::process::{Launch, ServerProcess, find_program, temp_dir};
    let program = find_program(&["prometheus-node-exporter", "node_exporter"]);
    let server = ServerProcess::start(
        "prometheus-node-exporter",
        "prometheus-node-exporter",
        temp_dir("node-exporter"),
        |port, _| {
            let args = vec![format!("--web.listen-address=127.0.0.1:{port}")];
            Launch::http(program.clone(), args, "/-/ready")
        },
    );
    let url = format!("http://127.0.0.1:{}/metrics", server.port());
    let out = ccmon()
        .args(["rules", "catalog", "export", "--metrics-from", &url])
        .run()
        .code(0);
    for line in [
        "node_cpu_seconds_total counter",
        "node_load1 gauge",
        "go_gc_duration_seconds summary",
    ] {
        assert!(out.stdout.contains(line), "{line} missing:\n{}", out.stdout);
    }
    let families = out.stdout.lines().filter(|l| !l.starts_with('#')).count();
    assert!(families > 100, "{families} families");
    let work = tempfile::tempdir().expect("tempdir");
    use_metrics_file(work.path(), "node.txt", &out.stdout);
    let file = work.path().join("node.yml");
    write(
        &file,
        "groups:\n  - name: node\n    rules:\n      - record: instance:node_cpu:rate5m\n        expr: sum by (instance) (rate(node_cpu_seconds_total[5m]))\n",
    );
    let (code, items) = lint_json(&file, &["--metrics-from", &url]);
    assert_eq!((code, items.len()), (0, 0), "{items:#?}");
}

/// A template shared by several alerts is parsed once, but the check that depends on the
/// alert's name still runs for each: promtool names the template `__alert_<name>`, so only
/// alert A's `{{define "__alert_A"}}` is a "multiple definition", whichever alert came first.
#[test]
fn a_template_shared_by_alerts_is_still_checked_against_each_alerts_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("rules.yml");
    let alert = |name: &str| {
        format!(
            "      - alert: {name}\n        expr: up == 0\n        annotations:\n          summary: '{{{{define \"__alert_A\"}}}}x{{{{end}}}}y'\n"
        )
    };
    write(
        &path,
        format!(
            "groups:\n  - name: g\n    rules:\n{}{}{}",
            alert("B"),
            alert("A"),
            alert("C")
        ),
    );
    let promtool = std::process::Command::new("promtool")
        .args(["check", "rules"])
        .arg(&path)
        .output()
        .expect("running promtool");
    let said = String::from_utf8_lossy(&promtool.stderr);
    assert!(
        said.contains("\"A\"") && said.contains("multiple definition"),
        "{said}"
    );
    let (code, items) = lint_json(&path, &[]);
    assert_eq!(code, 1);
    let templates: Vec<_> = items
        .iter()
        .filter(|d| d["code"] == "alerts/template")
        .map(|d| d["line"].as_u64().unwrap_or(0))
        .collect();
    assert_eq!(templates, vec![11], "only alert A's annotation: {items:?}");
}
