//! The status line of `stream watch --display pretty` on a terminal: one line kept under the
//! events (state, turn, tokens, live cost, the worst rate limit, time since the last event),
//! redrawn in place the way indicatif draws a one-line bar: carriage return and "clear line"
//! (`ESC [2K`), then the text, no newline. It is erased before an event line is printed and
//! drawn again under it, redrawn at most [`REDRAW`] apart in between (so the age of the last
//! event moves), and erased at exit so the terminal is left clean.
//!
//! [`render`] is the pure part (summary and times in, text out); [`StatusLine`] does the
//! drawing through a writer it is given, so both are testable without a terminal. The
//! monitor creates one only when stdout, where the pretty view goes, is a terminal.

use std::io;
use std::time::{Duration, Instant};

use super::report::{rate_limit_text, summary_cost_text};
use super::summary::{AgentState, Summary};

/// Least time between two redraws that no event asked for.
pub const REDRAW: Duration = Duration::from_millis(250);

/// Width of the line when the terminal's is unknown.
pub const DEFAULT_WIDTH: usize = 100;

/// Back to the start of the line and clear it.
const ERASE: &str = "\r\x1b[2K";

/// The separator between the parts of the line.
const SEP: &str = " | ";

/// The status text, at most `width` characters: parts that do not fit are left out, least
/// useful first (tokens, then the rate limit, the turn, the cost, the last event's age);
/// the state always stays (cut with `…` on a very narrow terminal). `since_last` is the time
/// since the last event (`None` before the first); `now` the wall clock, for rate-limit
/// reset times. The text is escaped for the terminal.
pub fn render(
    summary: Option<&Summary>,
    since_last: Option<Duration>,
    now: jiff::Timestamp,
    width: usize,
) -> String {
    let last = match since_last {
        Some(d) => format!("last event {} ago", age(d)),
        None => "no event yet".to_owned(),
    };
    // (text, drop order: the highest goes first)
    let parts: Vec<(String, u8)> = match summary {
        None => vec![("starting".to_owned(), 0), (last, 1)],
        Some(s) => {
            let state = match (s.state, &s.stuck_reason) {
                (AgentState::Stuck, Some(reason)) => format!("stuck ({reason})"),
                (state, _) => state.as_str().to_owned(),
            };
            let limit = rate_limit_text(s, now);
            let mut parts = vec![
                (state, 0),
                (format!("turn {}", s.turns), 3),
                (
                    format!(
                        "tokens {} in, {} out, cache {} read, {} written",
                        compact(s.tokens_in),
                        compact(s.tokens_out),
                        compact(s.tokens_cache_read),
                        compact(s.tokens_cache_creation)
                    ),
                    5,
                ),
                (summary_cost_text(s), 2),
            ];
            if limit != "-" {
                parts.push((format!("limit {limit}"), 4));
            }
            parts.push((last, 1));
            parts
        }
    };
    let parts: Vec<(String, u8)> = parts
        .into_iter()
        .map(|(text, rank)| (crate::terminal_text::escape_line(&text).into_owned(), rank))
        .collect();
    let len = |kept: &[&(String, u8)]| {
        kept.iter().map(|(t, _)| t.chars().count()).sum::<usize>()
            + SEP.len() * kept.len().saturating_sub(1)
    };
    let mut kept: Vec<&(String, u8)> = parts.iter().collect();
    while len(&kept) > width {
        let Some((i, _)) = kept
            .iter()
            .enumerate()
            .filter(|(_, (_, rank))| *rank > 0)
            .max_by_key(|(_, (_, rank))| *rank)
        else {
            break;
        };
        kept.remove(i);
    }
    let text = kept
        .iter()
        .map(|(t, _)| t.as_str())
        .collect::<Vec<_>>()
        .join(SEP);
    if text.chars().count() <= width {
        return text;
    }
    let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
    if width > 0 {
        cut.push('…');
    }
    cut
}

/// `956`, `7.6k`, `1.2M`: token counts short enough for one line.
fn compact(n: u64) -> String {
    match n {
        0..1_000 => n.to_string(),
        1_000..999_950 => format!("{:.1}k", n as f64 / 1e3),
        _ => format!("{:.1}M", n as f64 / 1e6),
    }
}

/// `0s`, `42s`, `3m05s`, `2h10m`.
fn age(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{}h{:02}m", s / 3600, s % 3600 / 60),
    }
}

/// Where the line is written, and how wide the terminal is (`None` when unknown).
type Writer = Box<dyn FnMut(&str) -> io::Result<()> + Send>;
type Width = Box<dyn Fn() -> Option<usize> + Send>;

/// The status line of one terminal.
pub struct StatusLine {
    write: Writer,
    width: Width,
    /// Whether the line is on the screen now.
    drawn: bool,
    /// When it was last drawn.
    last_draw: Option<Instant>,
    /// When the last event was printed.
    last_event: Option<Instant>,
    /// A write failed (the terminal is gone): nothing more is drawn.
    broken: bool,
}

impl std::fmt::Debug for StatusLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StatusLine")
            .field("drawn", &self.drawn)
            .field("broken", &self.broken)
            .finish_non_exhaustive()
    }
}

impl StatusLine {
    /// A status line on stdout, when stdout is a terminal; `None` otherwise (a pipe or a
    /// file gets the event lines only).
    pub fn on_stdout() -> Option<StatusLine> {
        if !io::IsTerminal::is_terminal(&io::stdout()) {
            return None;
        }
        Some(StatusLine::new(
            Box::new(crate::output::write_stdout),
            Box::new(|| {
                terminal_size::terminal_size_of(io::stdout()).map(|(w, _)| usize::from(w.0))
            }),
        ))
    }

    /// A status line written with `write`, on a terminal `width` wide.
    pub fn new(write: Writer, width: Width) -> StatusLine {
        StatusLine {
            write,
            width,
            drawn: false,
            last_draw: None,
            last_event: None,
            broken: false,
        }
    }

    /// Prints an event's `text` (whole lines) above the status line, then redraws it.
    pub fn print(&mut self, text: &str, summary: Option<&Summary>, now: Instant) {
        self.last_event = Some(now);
        let mut out = String::with_capacity(text.len() + 128);
        if self.drawn && !self.broken {
            out.push_str(ERASE);
        }
        out.push_str(text);
        self.drawn = false;
        if !self.broken {
            self.append_line(&mut out, summary, now);
        }
        self.send(&out);
    }

    /// Redraws the line when it was last drawn [`REDRAW`] ago or more (or erased since).
    pub fn tick(&mut self, summary: Option<&Summary>, now: Instant) {
        if self.broken
            || self
                .last_draw
                .is_some_and(|t| now.saturating_duration_since(t) < REDRAW)
        {
            return;
        }
        let mut out = String::with_capacity(128);
        self.append_line(&mut out, summary, now);
        self.send(&out);
    }

    /// Erases the line (before other output, and at exit); the next tick draws it again.
    pub fn erase(&mut self) {
        if self.drawn && !self.broken {
            self.send(ERASE);
        }
        self.drawn = false;
        self.last_draw = None;
    }

    fn append_line(&mut self, out: &mut String, summary: Option<&Summary>, now: Instant) {
        // One column is kept free: a line that fills the last column makes some terminals
        // wrap the cursor, and the next carriage return would then miss the line.
        // A pseudo-terminal nobody sized says 0 columns: that is "unknown" too.
        let width = (self.width)()
            .filter(|w| *w > 0)
            .unwrap_or(DEFAULT_WIDTH)
            .saturating_sub(1)
            .max(1);
        let since = self.last_event.map(|t| now.saturating_duration_since(t));
        out.push_str(ERASE);
        out.push_str(&render(summary, since, crate::clock::now(), width));
        self.drawn = true;
        self.last_draw = Some(now);
    }

    fn send(&mut self, text: &str) {
        if (self.write)(text).is_err() {
            self.broken = true;
            self.drawn = false;
        }
    }
}

/// Whatever ends the view (an error included), the terminal is left clean.
impl Drop for StatusLine {
    fn drop(&mut self) {
        self.erase();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::parse::parse;

    const CLEAN: &str = include_str!("../../tests/fixtures/stream-json/claude-clean-simple.jsonl");

    fn summary(lines: &str) -> Summary {
        let mut s = Summary::new("a", "test", "2026-12-06T12:00:00Z");
        for line in lines.lines() {
            s.observe(&parse(line.as_bytes()), "2026-12-06T12:00:00Z");
        }
        s
    }

    fn now() -> jiff::Timestamp {
        "2026-12-06T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn the_line_shows_state_turn_tokens_cost_rate_limit_and_age() {
        let s = summary(CLEAN);
        let text = render(Some(&s), Some(Duration::from_secs(65)), now(), 200);
        assert_eq!(
            text,
            "running | turn 19 | tokens 7.6k in, 3.7k out, cache 85.8k read, 43.7k written \
             | $0.2109 | last event 1m05s ago"
        );
        let limited = summary(&format!(
            "{}\n{}",
            r#"{"type":"assistant","message":{"id":"m1","model":"claude-haiku-4-5-20251001","usage":{"input_tokens":10,"output_tokens":5}}}"#,
            r#"{"type":"rate_limit_event","rate_limit_info":{"status":"allowed_warning","rateLimitType":"five_hour","utilization":85}}"#
        ));
        let text = render(Some(&limited), Some(Duration::ZERO), now(), 200);
        assert_eq!(
            text,
            "running | turn 1 | tokens 10 in, 5 out, cache 0 read, 0 written | ~$0.0000 \
             | limit 5h 85% warning | last event 0s ago"
        );
    }

    #[test]
    fn an_unknown_cost_is_a_question_mark_never_zero() {
        let s = summary(
            r#"{"type":"assistant","message":{"id":"m1","model":"mystery-9","usage":{"input_tokens":10,"output_tokens":5}}}"#,
        );
        let text = render(Some(&s), None, now(), 200);
        assert!(text.contains(" | ? | "), "{text}");
        assert!(!text.contains('$'), "{text}");
        assert!(text.ends_with("no event yet"), "{text}");
    }

    #[test]
    fn a_stuck_agent_says_why_and_agent_text_is_escaped() {
        let mut s = summary(
            r#"{"type":"rate_limit_event","rate_limit_info":{"status":"rejected","rateLimitType":"evil\u001b]0;x\u0007"}}"#,
        );
        s.state = AgentState::Stuck;
        s.stuck_reason = Some("no_progress".into());
        let text = render(Some(&s), Some(Duration::from_secs(7300)), now(), 300);
        assert!(text.starts_with("stuck (no_progress) | "), "{text}");
        assert!(text.contains("limit evil\\x1b]0;x\\x07 rejected"), "{text}");
        assert!(text.ends_with("last event 2h01m ago"), "{text}");
        assert!(!text.contains('\x1b'), "{text}");
    }

    #[test]
    fn the_line_fits_the_width_dropping_the_least_useful_parts_first() {
        let s = summary(CLEAN);
        for width in [0, 1, 5, 10, 20, 30, 40, 60, 80, 100, 120] {
            let text = render(Some(&s), Some(Duration::from_secs(3)), now(), width);
            assert!(text.chars().count() <= width, "{width}: {text:?}");
        }
        assert_eq!(
            render(Some(&s), Some(Duration::from_secs(3)), now(), 60),
            "running | turn 19 | $0.2109 | last event 3s ago"
        );
        assert_eq!(
            render(Some(&s), Some(Duration::from_secs(3)), now(), 40),
            "running | $0.2109 | last event 3s ago"
        );
        assert_eq!(
            render(Some(&s), Some(Duration::from_secs(3)), now(), 5),
            "runn…"
        );
        assert_eq!(
            render(None, None, now(), 100),
            "starting | no event yet",
            "before the agent is known"
        );
    }

    fn recording() -> (StatusLine, std::sync::mpsc::Receiver<String>) {
        let (tx, rx) = std::sync::mpsc::channel();
        let line = StatusLine::new(
            Box::new(move |t: &str| {
                tx.send(t.to_owned())
                    .map_err(|_| io::Error::from(io::ErrorKind::BrokenPipe))
            }),
            Box::new(|| Some(41)),
        );
        (line, rx)
    }

    #[test]
    fn events_go_above_the_line_which_is_redrawn_a_few_times_a_second_and_erased_at_exit() {
        let s = summary(CLEAN);
        let (mut line, rx) = recording();
        let t0 = Instant::now();
        line.print("00:01  turn 1  text  hello\n", Some(&s), t0);
        assert_eq!(
            rx.try_recv().unwrap(),
            "00:01  turn 1  text  hello\n\r\x1b[2Krunning | $0.2109 | last event 0s ago"
        );
        line.tick(Some(&s), t0 + Duration::from_millis(100));
        assert!(rx.try_recv().is_err(), "not redrawn within {REDRAW:?}");
        line.tick(Some(&s), t0 + Duration::from_millis(1300));
        assert_eq!(
            rx.try_recv().unwrap(),
            "\r\x1b[2Krunning | $0.2109 | last event 1s ago"
        );
        line.print("next\n", Some(&s), t0 + Duration::from_millis(1400));
        let out = rx.try_recv().unwrap();
        assert!(
            out.starts_with("\r\x1b[2Knext\n\r\x1b[2Krunning"),
            "{out:?}"
        );
        line.erase();
        assert_eq!(rx.try_recv().unwrap(), "\r\x1b[2K");
        line.erase();
        assert!(rx.try_recv().is_err(), "erased once");
        // Once erased, the next tick draws it again at once.
        line.tick(Some(&s), t0 + Duration::from_millis(1450));
        assert!(rx.try_recv().unwrap().starts_with("\r\x1b[2Krunning"));
    }

    #[test]
    fn a_terminal_that_is_gone_stops_the_drawing() {
        let s = summary(CLEAN);
        let (mut line, rx) = recording();
        drop(rx);
        let t0 = Instant::now();
        line.print("x\n", Some(&s), t0);
        line.tick(Some(&s), t0 + Duration::from_secs(5));
        line.erase();
        assert!(line.broken && !line.drawn);
    }

    #[test]
    fn an_unknown_or_zero_width_is_the_default_width() {
        let s = summary(CLEAN);
        for width in [None, Some(0)] {
            let (tx, rx) = std::sync::mpsc::channel();
            let mut line = StatusLine::new(
                Box::new(move |t: &str| {
                    tx.send(t.to_owned())
                        .map_err(|_| io::Error::from(io::ErrorKind::BrokenPipe))
                }),
                Box::new(move || width),
            );
            line.tick(Some(&s), Instant::now());
            let drawn = rx.try_recv().unwrap();
            let text = drawn.trim_start_matches(ERASE);
            assert!(text.chars().count() < DEFAULT_WIDTH, "{width:?}: {text}");
            assert!(
                text.starts_with("running | turn 19 | $0.2109"),
                "{width:?}: {text}"
            );
        }
    }

    #[test]
    fn dropping_the_line_erases_it() {
        let s = summary(CLEAN);
        let (mut line, rx) = recording();
        line.tick(Some(&s), Instant::now());
        assert!(rx.try_recv().unwrap().contains("running"));
        drop(line);
        assert_eq!(rx.try_recv().unwrap(), ERASE);
    }

    #[test]
    fn token_counts_and_ages_are_short() {
        let counts = [
            (956, "956"),
            (7584, "7.6k"),
            (999_949, "999.9k"),
            (999_950, "1.0M"),
            (12_345_678, "12.3M"),
        ];
        for (count, want) in counts {
            assert_eq!(compact(count), want, "{count}");
        }
        assert_eq!(age(Duration::from_millis(999)), "0s");
        assert_eq!(age(Duration::from_secs(3599)), "59m59s");
    }
}
