//! The command tree, help, usage errors, exit codes and stdout handling, through the binary.

use crate::util::{ccmon, ccmon_bin};

/// Every command of docs/architecture.md section 1, as words after `ccmon`.
const COMMANDS: &[&[&str]] = &[
    &["health", "serve"],
    &["health", "check"],
    &["stream", "watch"],
    &["stream", "ingest"],
    &["stream", "tail"],
    &["stream", "ls"],
    &["stream", "flush"],
    &["query"],
    &["query", "range"],
    &["targets"],
    &["alerts", "ls"],
    &["alerts", "silence", "add"],
    &["alerts", "silence", "ls"],
    &["alerts", "silence", "expire"],
    &["alerts", "silence", "extend"],
    &["alerts", "silence", "import"],
    &["alerts", "status"],
    &["rules", "lint"],
    &["scaffold"],
    &["completions"],
    &["man"],
    &["context", "ls"],
    &["context", "use"],
    &["context", "show"],
];

#[test]
fn top_level_help_lists_every_command_family() {
    let out = ccmon().args(["--help"]).ok();
    for family in [
        "health",
        "stream",
        "query",
        "targets",
        "alerts",
        "rules",
        "scaffold",
        "context",
        "completions",
        "man",
    ] {
        assert!(
            out.stdout.contains(&format!("\n  {family} ")),
            "--help lacks {family}\n{out}"
        );
    }
    assert!(out.stdout.contains("Exit codes:"), "{out}");
}

#[test]
fn every_command_has_help_with_a_description() {
    for words in COMMANDS {
        let out = ccmon().args(words.iter().copied()).args(["--help"]).ok();
        assert!(out.stdout.contains("Usage: ccmon "), "{out}");
        // The first line is the one-line description (not empty, not the usage line).
        let first = out.stdout.lines().next().unwrap_or_default();
        assert!(
            !first.is_empty() && !first.starts_with("Usage"),
            "{words:?} has no description\n{out}"
        );
    }
}

#[test]
fn every_flag_has_help_text() {
    // Walk the clap tree: an argument without help would show an empty line in --help.
    fn walk(cmd: &clap::Command, path: &str) {
        for arg in cmd.get_arguments() {
            let id = arg.get_id().as_str();
            if id == "help" || id == "version" {
                continue;
            }
            assert!(
                arg.get_help().is_some() || arg.get_long_help().is_some(),
                "{path} {id} has no help"
            );
        }
        for sub in cmd.get_subcommands() {
            assert!(
                sub.get_about().is_some(),
                "{path} {} has no description",
                sub.get_name()
            );
            walk(sub, &format!("{path} {}", sub.get_name()));
        }
    }
    let mut cmd = ccmon::cli::Cli::definition();
    cmd.build();
    cmd.clone().debug_assert();
    walk(&cmd, "ccmon");
}

/// The options only some commands have, and which command has which (visible in its
/// --help). Written out here, not read from `ccmon::cli::GROUPS`, so a change to either
/// shows up as a failure to look at.
const SCOPED: &[&str] = &[
    "output",
    "prometheus-url",
    "alertmanager-url",
    "bearer-token-file",
    "timeout",
    "redis-url",
    "database-url",
];

fn scoped_flags(path: &str) -> &'static [&'static str] {
    const PROM: &[&str] = &["output", "prometheus-url", "bearer-token-file", "timeout"];
    const AM: &[&str] = &["output", "alertmanager-url", "bearer-token-file", "timeout"];
    const AM_NO_OUTPUT: &[&str] = &["alertmanager-url", "bearer-token-file", "timeout"];
    match path {
        "health serve" => &["redis-url", "database-url"],
        "health check" => &["output", "redis-url", "database-url"],
        "stream watch" | "stream flush" => &["redis-url"],
        "stream ingest" | "stream tail" | "stream ls" | "stream report" => &["output", "redis-url"],
        "query" | "query range" | "targets" => PROM,
        "alerts ls" | "alerts silence add" | "alerts silence ls" | "alerts status"
        | "alerts routes test" => AM,
        "alerts silence expire" | "alerts silence extend" | "alerts silence import" => AM_NO_OUTPUT,
        // --online asks the context's Prometheus.
        "rules lint" | "rules catalog export" => {
            &["prometheus-url", "bearer-token-file", "timeout"]
        }
        "scaffold" | "context ls" => &["output"],
        "context show" => SCOPED,
        // context use, completions, man
        _ => &[],
    }
}

#[test]
fn connection_flags_and_output_only_on_the_commands_that_use_them() {
    fn walk(cmd: &clap::Command, path: &str, seen: &mut Vec<String>) {
        if path != "ccmon" {
            let mut has: Vec<&str> = cmd
                .get_arguments()
                .filter(|a| !a.is_hide_set())
                .filter_map(|a| a.get_long())
                .filter(|long| SCOPED.contains(long))
                .collect();
            has.sort_unstable();
            let name = path.trim_start_matches("ccmon ");
            let mut want = scoped_flags(name).to_vec();
            want.sort_unstable();
            assert_eq!(has, want, "`{path}` has the wrong scoped flags");
            seen.push(name.to_owned());
        }
        for sub in cmd.get_subcommands() {
            walk(sub, &format!("{path} {}", sub.get_name()), seen);
        }
    }
    let mut cmd = ccmon::cli::Cli::definition();
    cmd.build();
    let mut seen = Vec::new();
    walk(&cmd, "ccmon", &mut seen);
    assert!(seen.iter().any(|p| p == "rules lint"), "{seen:?}");
    // And in what a person reads.
    let help = ccmon().args(["rules", "lint", "--help"]).ok();
    for flag in [
        "--redis-url",
        "--database-url",
        "--alertmanager-url",
        "--output",
    ] {
        assert!(
            !help.stdout.contains(flag),
            "rules lint lists {flag}\n{help}"
        );
    }
    assert!(
        help.stdout.contains("--prometheus-url"),
        "for --online\n{help}"
    );
    let help = ccmon().args(["stream", "tail", "--help"]).ok();
    assert!(help.stdout.contains("--redis-url"), "{help}");
    for flag in ["--prometheus-url", "--database-url", "--alertmanager-url"] {
        assert!(
            !help.stdout.contains(flag),
            "stream tail lists {flag}\n{help}"
        );
    }
}

#[test]
fn scoped_flags_are_refused_after_other_commands_and_kept_before_any() {
    ccmon()
        .args(["rules", "lint", "--redis-url", "redis://x"])
        .run()
        .code(2)
        .stderr_has("--redis-url");
    ccmon()
        .args(["stream", "ls", "--prometheus-url", "http://x"])
        .run()
        .code(2)
        .stderr_has("--prometheus-url");
    // Before the command name, as scripts wrote them when these flags were global.
    let out = ccmon()
        .args(["-o", "json", "--redis-url", "redis://before:1"])
        .args(["context", "show"])
        .ok();
    assert!(out.stdout.contains("redis://before:1"), "{out}");
    // After it, the value wins over one before.
    let out = ccmon()
        .args(["--redis-url", "redis://before:1", "context", "show"])
        .args(["--redis-url", "redis://after:1", "-o", "yaml"])
        .ok();
    assert!(out.stdout.contains("redis://after:1"), "{out}");
    assert!(out.stdout.contains("- setting: "), "{out}");
}

#[test]
fn version_prints_the_crate_version() {
    ccmon()
        .args(["--version"])
        .ok()
        .stdout_has(env!("CARGO_PKG_VERSION"));
}

#[test]
fn usage_errors_exit_2() {
    ccmon()
        .args(["frobnicate"])
        .run()
        .code(2)
        .stderr_has("unrecognized subcommand");
    ccmon()
        .args(["alerts", "silence", "add", "x"])
        .run()
        .code(2)
        .stderr_has("--comment");
    ccmon().args(["-o", "xml", "context", "ls"]).run().code(2);
    ccmon().args(["stream", "watch"]).run().code(2);
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = ccmon().args(["completions", shell]).ok();
        assert!(out.stdout.contains("ccmon"), "{out}");
        assert!(
            out.stdout.len() > 1000,
            "{shell} script is suspiciously short\n{out}"
        );
    }
    ccmon().args(["completions", "tcsh"]).run().code(2);
}

#[test]
fn man_writes_a_page_per_command() {
    let dir = tempfile::tempdir().unwrap();
    ccmon()
        .args(["man".as_ref(), dir.path().as_os_str()])
        .ok()
        .stderr_has("man pages");
    for page in [
        "ccmon.1",
        "ccmon-health-serve.1",
        "ccmon-alerts-silence-add.1",
        "ccmon-context-show.1",
    ] {
        let text = std::fs::read_to_string(dir.path().join(page))
            .unwrap_or_else(|e| panic!("{page}: {e}"));
        assert!(text.contains(".TH"), "{page} is not a man page");
    }
}

#[test]
fn a_closed_stdout_is_not_an_error() {
    // `ccmon ... | head -0`: the reader is gone before ccmon writes. ccmon must exit 0
    // with nothing on stderr, as ripgrep does.
    let mut child = std::process::Command::new(ccmon_bin())
        .args(["completions", "zsh"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    crate::util::assert_exited_0(&out);
    assert!(
        out.stderr.is_empty(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn every_reference_in_the_code_points_inside_the_repository() {
    // The repository documents itself (docs/architecture.md): a citation of a design
    // document that is not in it, or of a path outside it, leaves the reader stranded.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    assert!(root.join("docs/architecture.md").is_file());
    let mut stranded = Vec::new();
    let mut dirs = vec![
        root.join("src"),
        root.join("tests"),
        root.join("scripts"),
        root.join("docs"),
    ];
    let mut files = vec![root.join("README.md")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                files.push(path);
            }
        }
    }
    // Spelled in two halves so this test does not find itself.
    let needles = [concat!("DESIGN", ".md"), concat!("../", "shared/")];
    for path in files {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue; // binary fixtures
        };
        for (n, line) in text.lines().enumerate() {
            if needles.iter().any(|needle| line.contains(needle)) {
                stranded.push(format!("{}:{}: {line}", path.display(), n + 1));
            }
        }
    }
    assert!(stranded.is_empty(), "{}", stranded.join("\n"));
}

/// Every error type of ccmon has its exit code decided in `exit::status_of` (one place), or
/// is listed here with why it never reaches the exit on its own.
#[test]
fn every_error_type_has_its_exit_code_decided_in_one_place() {
    // Types that are caught and turned into findings, wrapped by a decided type, or generic.
    const NOT_AT_THE_EXIT: [(&str, &str); 5] = [
        (
            "PgError",
            "a health check's own failure, reported as the check's status",
        ),
        (
            "SyntaxError",
            "a rule file's YAML error, reported as a lint finding",
        ),
        ("TransformError", "wrapped in ScaffoldError"),
        (
            "DeliveryError",
            "generic over its sink's error; the spool or Redis error decides",
        ),
        (
            "ApiError",
            "an HTTP answer of the health server, never an exit",
        ),
    ];
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let exit = std::fs::read_to_string(root.join("src/exit.rs")).unwrap();
    let mut dirs = vec![root.join("src")];
    let mut undecided = Vec::new();
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let mut derives = false;
            // Test modules come last in a file; their errors are the tests' own.
            for line in text.lines().take_while(|l| !l.starts_with("#[cfg(test)]")) {
                let line = line.trim();
                if line.starts_with("#[derive(") && line.contains("thiserror::Error") {
                    derives = true;
                    continue;
                }
                if !derives || line.starts_with("#[") || line.starts_with("///") {
                    continue;
                }
                derives = false;
                let name = line
                    .split_whitespace()
                    .skip_while(|w| !matches!(*w, "enum" | "struct"))
                    .nth(1)
                    .map(|n| n.trim_end_matches(['{', '<', ';', '(']))
                    .unwrap_or_default()
                    .split('<')
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                if name.is_empty() || NOT_AT_THE_EXIT.iter().any(|(n, _)| *n == name) {
                    continue;
                }
                if !exit.contains(&format!("{name}>()")) && !exit.contains(&format!("{name}::")) {
                    undecided.push(format!("{}: {name}", path.display()));
                }
            }
        }
    }
    assert!(
        undecided.is_empty(),
        "error types without an exit code in src/exit.rs status_of:\n{}",
        undecided.join("\n")
    );
}
