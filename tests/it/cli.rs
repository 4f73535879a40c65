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
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
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
