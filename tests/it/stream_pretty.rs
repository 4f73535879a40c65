//! `stream watch --display pretty`: on a terminal (a pseudo-terminal from `script`, of
//! util-linux/bsdutils) a status line is kept under the events, redrawn in place and erased
//! at exit; into a pipe there is none. Tool results name their tool and how long it took.

use std::process::Command;

use crate::support::standin::{self, CLAUDE_CLEAN, Pace, Standin};
use crate::util::{ccmon_bin, on_spool};

const ERASE: &str = "\r\x1b[2K";

/// Single quotes for `sh`.
fn quote(arg: &std::ffi::OsStr) -> String {
    format!("'{}'", arg.to_string_lossy().replace('\'', r"'\''"))
}

/// The stand-in replaying the clean recording, paced so the line is drawn between events.
fn agent() -> Standin {
    Standin::new(standin::fixture(CLAUDE_CLEAN)).pace(Pace::Millis(20))
}

/// Runs the paced agent under `stream watch --display pretty` on a pseudo-terminal `cols`
/// wide; returns what the terminal received (stdout and stderr together, as a person sees
/// them).
fn on_terminal(cols: u16) -> String {
    let home = tempfile::tempdir().unwrap();
    let spool = tempfile::tempdir().unwrap();
    let mut words = vec![
        format!("stty cols {cols} rows 24 &&"),
        quote(ccmon_bin().as_os_str()),
        "stream watch --display pretty --spool-dir".to_owned(),
        quote(spool.path().as_os_str()),
        "--".to_owned(),
        quote(standin::standin_path().as_os_str()),
    ];
    words.extend(agent().args().iter().map(|a| quote(a)));
    // `script -qfec CMD /dev/null`: CMD runs on a fresh pseudo-terminal, whose output is
    // copied to script's stdout.
    let out = Command::new("script")
        .args(["-qfec", &words.join(" "), "/dev/null"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("TERM", "xterm")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run `script` (install util-linux or bsdutils, which has it): {e}")
        });
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{:?}\n{text}", out.status);
    text
}

/// Each drawing of the status line in `text`.
fn drawings(text: &str) -> Vec<&str> {
    text.split(ERASE)
        .skip(1)
        .map(|d| d.split(['\r', '\n']).next().unwrap_or_default())
        .filter(|d| d.contains("| last event") || d.starts_with("starting"))
        .collect()
}

#[test]
fn the_status_line_fits_the_terminal_it_is_on() {
    // Wide: everything, token counts included.
    let wide = on_terminal(200);
    assert!(
        drawings(&wide)
            .iter()
            .any(|d| d.contains("running | turn 19 | tokens 7.6k in, 3.7k out")),
        "{wide:?}"
    );
    // Narrow: within the width less one column, the least useful parts left out.
    let narrow = on_terminal(40);
    let lines = drawings(&narrow);
    assert!(lines.len() > 10, "{narrow:?}");
    for d in &lines {
        assert!(
            d.chars().count() <= 39,
            "{} columns: {d:?}",
            d.chars().count()
        );
        assert!(!d.contains("tokens") && !d.contains("turn"), "{d:?}");
    }
    assert!(
        lines
            .iter()
            .any(|d| d.starts_with("running | $0.2109 | last event")),
        "{narrow:?}"
    );
}

#[test]
fn on_a_terminal_a_status_line_stays_under_the_events_and_is_gone_at_exit() {
    let text = on_terminal(80);
    // Drawn in place: carriage return, clear line, the state and the figures.
    assert!(
        text.contains(&format!("{ERASE}running | turn ")),
        "{text:?}"
    );
    assert!(text.contains("| last event "), "{text:?}");
    // Events are printed over the erased line, and the line drawn again under each.
    let tool_result = text
        .find("tool_result")
        .unwrap_or_else(|| panic!("{text:?}"));
    let before = &text[..tool_result];
    let line_start = before.rfind(ERASE).unwrap_or_else(|| panic!("{text:?}"));
    assert!(
        before[line_start..].starts_with(&format!("{ERASE}00:")),
        "an event line starts on an erased line: {:?}",
        &before[line_start..]
    );
    let after = &text[tool_result..];
    let next_line = after.find('\n').unwrap_or_else(|| panic!("{text:?}"));
    assert!(
        after[next_line + 1..].starts_with(&format!("{ERASE}running | ")),
        "{:?}",
        after.chars().take(200).collect::<String>()
    );
    // The final figures are exact, and at exit the line is erased: nothing of it remains
    // after the last erase (only ccmon's closing line on stderr).
    assert!(text.contains("running | turn 19 | "), "{text:?}");
    let last = text.rfind(ERASE).unwrap_or_else(|| panic!("{text:?}"));
    let tail = &text[last + ERASE.len()..];
    assert!(!tail.contains("| last event"), "left on screen: {tail:?}");
    assert!(tail.starts_with("ccmon: agent "), "{tail:?}");
    // Tool results name their tool and how long it took.
    assert!(
        text.lines()
            .any(|l| l.contains("tool_result  [subagent] Read ") && l.contains("s error")),
        "{text:?}"
    );
}

#[test]
fn into_a_pipe_there_is_no_status_line_and_tool_results_are_named() {
    let spool = tempfile::tempdir().unwrap();
    let out = on_spool(spool.path(), &["watch", "--display", "pretty"])
        .args(["--".as_ref(), standin::standin_path().as_os_str()])
        .args(agent().args())
        .ok();
    assert!(!out.stdout.contains('\r'), "{out}");
    assert!(!out.stdout.contains('\x1b'), "{out}");
    assert!(!out.stdout.contains("| last event"), "{out}");
    let results: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.contains("tool_result"))
        .collect();
    assert_eq!(results.len(), 21, "{out}");
    for line in &results {
        let what = line
            .split("tool_result")
            .nth(1)
            .unwrap_or_default()
            .trim()
            .trim_start_matches("[subagent] ");
        let words: Vec<&str> = what.split(' ').collect();
        assert_eq!(words.len(), 3, "{line}");
        assert!(
            words[1].ends_with('s') && words[1].trim_end_matches('s').parse::<f64>().is_ok(),
            "{line}"
        );
        assert!(["ok", "error"].contains(&words[2]), "{line}");
    }
    assert!(
        results.iter().any(|l| l.contains(" Bash "))
            && results.iter().any(|l| l.contains(" Task ")),
        "{out}"
    );
}

#[test]
fn stream_tail_names_tool_results_too() {
    let spool = tempfile::tempdir().unwrap();
    on_spool(spool.path(), &["ingest", "-"])
        .stdin(std::fs::read(standin::fixture(CLAUDE_CLEAN)).unwrap())
        .ok();
    let out = on_spool(spool.path(), &["tail", "-n", "100"]).ok();
    // Timed by receive times (an ingest takes them all within moments): the names count.
    let has = |tool: &str, outcome: &str| {
        out.stdout
            .lines()
            .any(|l| l.contains(&format!("tool_result  {tool} ")) && l.ends_with(outcome))
    };
    assert!(has("[subagent] Read", "s error"), "{out}");
    assert!(has("Task", "s ok"), "{out}");
    assert!(!out.stdout.contains("tool result ok"), "{out}");
}
