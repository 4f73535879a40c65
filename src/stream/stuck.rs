//! Stuck and loop detection for one agent's stream (docs/architecture.md section 2, "Stuck
//! and loop detection"): a pure, synchronous state machine fed every parsed line and a
//! timer. Time is passed in and never read here, so the supervisor owns the clock and tests
//! need no sleeps.
//!
//! Choices worth knowing before changing anything:
//!
//! - **One episode at a time.** The agent's meta hash has one `state`/`stuck_reason`,
//!   `stream_active_stuck_agents` counts agents, and `--on-stuck` acts on the agent; a second
//!   symptom during an episode (a loop that then goes silent) is the same incident, and
//!   reporting it would fire `--on-stuck` twice. While an episode is active nothing new is
//!   reported; the loop counters keep counting, so a loop still going when the episode
//!   clears is reported on its next call. `system/init` and a main-thread `result` end any
//!   episode: whatever was stuck belongs to a turn that is over.
//! - **`no_progress` threshold** = `max(floor, multiplier × p90 of the last gaps)`. The gaps
//!   are between lines while no tool call is open, the agent is not idle and no hang is being
//!   reported: they measure the model's pace, not tool run times, user think time or the
//!   hang itself. The 90th percentile ignores the longest few gaps of the window (4 of 32),
//!   so one slow turn does not inflate it, yet it reflects API round trips rather than the
//!   near-zero gaps between the lines of one split message, which a median would pick. While
//!   a tool call is open the threshold is at least `tool_timeout`. Every line, including
//!   `tool_progress` heartbeats, restarts the silence clock. `system/init` starts a new
//!   session: the gap window is emptied, so the wait for the first answer uses the floor.
//!   After a main-thread `result` the agent is idle (done, or waiting for its next input in
//!   `--input-format stream-json` mode): no `no_progress` deadline until the next line,
//!   because flagging (and with `--on-stuck kill`, killing) an idle session would be wrong.
//! - **`no_exit_after_result`**: once the agent cannot get more input (told by
//!   [`Detector::no_more_input`]: a `-p` command without stream-json input, or its stdin at
//!   end of file), a main-thread `result` should be followed by its exit. Still there
//!   `result_exit_timeout` later is a known Claude Code hang (idle at 0 % CPU, sockets open).
//! - **Announced waits are not hangs** ([`super::activity`]): while an API call is retried
//!   the silence may last the announced delay plus the threshold; a compaction may last
//!   `tool_timeout`; a rejected rate limit until its reset plus the threshold (a week at
//!   most; `tool_timeout` when no reset is given). Gaps that end a wait are not the model's
//!   pace and stay out of the window.
//! - **Loops are counted per thread and per turn.** The main thread and each subagent
//!   (`parent_tool_use_id`) have their own counters, so interleaving neither hides nor fakes
//!   a loop. Calls in the same API message (`message.id`) are one step: parallel fan-out is
//!   one decision, not a loop, and the bundled real recording has a subagent issuing five
//!   `Glob`s over two messages. Inputs are compared as canonical JSON (object keys sorted),
//!   hashed, so a megabyte `Write` is not kept. Text in the thread breaks every loop; a
//!   different call breaks the call loops; text or a call breaks a thinking run. A loop in a
//!   subagent also ends when its Task/Agent call gets its result.
//! - **`api_retry_storm`** counts `system/api_retry` lines over the whole agent; an
//!   `assistant`, `user` or `stream_event` line (an API answer or tool output) resets it.
//! - **Bounded memory**: the gap window, the open tool calls and the threads are capped
//!   (oldest or least recently active evicted first), ids and names are cut to 128 bytes,
//!   and tool inputs and message ids are kept only as hashes.

use std::collections::VecDeque;
use std::fmt;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::activity::{Activity, Waiting};
use super::parse::Parsed;
use crate::duration::PromDuration;

/// Position of the "typical" gap in the sorted window, in thousandths (the 90th percentile).
const GAP_QUANTILE_PERMILLE: usize = 900;

/// Ids, tool names and thread keys are cut to this many bytes: real ones are about 30, and a
/// hostile line must not make the bounded tables big.
const MAX_KEY_BYTES: usize = 128;

/// The longest rate-limit wait honoured: Claude Code's longest limit window is seven days,
/// and a bogus `resetsAt` must not switch hang detection off for good.
const MAX_RATE_LIMIT_WAIT_MS: i64 = 8 * 24 * 3600 * 1000;

/// Thresholds (the `stream watch` flags) and memory bounds of the detector.
#[derive(Debug, Clone, PartialEq)]
pub struct StuckConfig {
    /// The `no_progress` threshold never goes below this (`Duration::MAX` turns it off).
    pub floor: Duration,
    /// The `no_progress` threshold is this many times the typical recent gap between lines.
    pub multiplier: f64,
    /// The `no_progress` threshold while a tool call is open, when longer than the adaptive one.
    pub tool_timeout: Duration,
    /// Same tool with the same input in this many turns in a row is a loop (0 = off).
    pub repeated_tool_calls: u32,
    /// Same tool name in this many turns in a row is a loop (0 = off).
    pub consecutive_tools: u32,
    /// This many thinking blocks with no text or tool call in between is a loop (0 = off).
    pub consecutive_thinking: u32,
    /// This many `system/api_retry` lines with no answer in between is a storm (0 = off).
    pub api_retry_storm: u32,
    /// An agent that cannot get more input and has not exited this long after its
    /// main-thread `result` is stuck (zero turns the check off).
    pub result_exit_timeout: Duration,
    /// How many recent gaps between lines the adaptive threshold looks at.
    pub gap_window: usize,
    /// How many open tool calls are remembered; the oldest is forgotten first.
    pub max_open_tools: usize,
    /// How many threads (main and subagents) are tracked for loops (0 = loop checks off).
    pub max_threads: usize,
}

impl Default for StuckConfig {
    fn default() -> Self {
        Self {
            floor: Duration::from_secs(120),
            multiplier: 10.0,
            tool_timeout: Duration::from_secs(600),
            repeated_tool_calls: 3,
            consecutive_tools: 5,
            consecutive_thinking: 5,
            api_retry_storm: 5,
            result_exit_timeout: Duration::from_secs(60),
            gap_window: 32,
            max_open_tools: 256,
            max_threads: 64,
        }
    }
}

/// Why an agent is stuck, the bounded `reason` label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StuckReason {
    /// No line for longer than the threshold.
    NoProgress,
    /// The same tool with the same input, turn after turn.
    RepeatedToolCall,
    /// The same tool name, turn after turn.
    ConsecutiveTool,
    /// Thinking blocks with no text or tool call.
    ConsecutiveThinking,
    /// API retries with no answer.
    ApiRetryStorm,
    /// The result was printed, no more input can come, and the process did not exit.
    NoExitAfterResult,
}

impl StuckReason {
    /// Every variant, for metrics that list all label values.
    pub const ALL: [StuckReason; 6] = [
        StuckReason::NoProgress,
        StuckReason::RepeatedToolCall,
        StuckReason::ConsecutiveTool,
        StuckReason::ConsecutiveThinking,
        StuckReason::ApiRetryStorm,
        StuckReason::NoExitAfterResult,
    ];

    /// The label value, as written to Redis and metrics.
    pub const fn as_str(self) -> &'static str {
        match self {
            StuckReason::NoProgress => "no_progress",
            StuckReason::RepeatedToolCall => "repeated_tool_call",
            StuckReason::ConsecutiveTool => "consecutive_tool",
            StuckReason::ConsecutiveThinking => "consecutive_thinking",
            StuckReason::ApiRetryStorm => "api_retry_storm",
            StuckReason::NoExitAfterResult => "no_exit_after_result",
        }
    }
}

impl fmt::Display for StuckReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A change of the agent's stuck state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transition {
    /// An episode began; `detail` says what was seen, for people (logs, `agents:stuck`).
    Stuck {
        /// Why.
        reason: StuckReason,
        /// What was seen, e.g. `Read called with the same input in 3 turns in a row (main thread)`.
        detail: String,
    },
    /// The active episode ended because progress resumed.
    Recovered {
        /// The reason of the episode that ended.
        reason: StuckReason,
        /// How long the episode lasted, from its `Stuck` to now.
        after: Duration,
    },
}

/// The stuck and loop detector of one agent.
#[derive(Debug)]
pub struct Detector {
    config: StuckConfig,
    /// When the last line arrived (creation time before the first): the silence clock.
    last_line: Instant,
    /// After a main-thread `result`: done or waiting for input, so silence is not a hang.
    idle: bool,
    /// Recent gaps between lines, oldest first, at most `gap_window`.
    gaps: VecDeque<Duration>,
    /// The quantile of `gaps`, recomputed when a gap is added.
    typical_gap: Duration,
    /// Reused for sorting the window, so adding a gap does not allocate.
    scratch: Vec<Duration>,
    /// Tool calls without their result yet, oldest first, at most `max_open_tools`.
    open_tools: VecDeque<OpenTool>,
    /// Loop counters per thread, at most `max_threads`.
    threads: Vec<Thread>,
    /// Lines seen, as a clock for evicting the least recently active thread.
    lines: u64,
    /// `system/api_retry` lines since the last answer.
    api_retries: u32,
    /// What the agent announced it waits on: silence then is no hang.
    activity: Activity,
    /// One moment on both clocks, `Instant` and Unix ms, to place a rate limit's reset.
    wall: (Instant, i64),
    /// The agent cannot get more input, so its main-thread `result` should end it.
    no_more_input: bool,
    episode: Option<Episode>,
}

#[derive(Debug)]
struct OpenTool {
    id: String,
    name: String,
    since: Instant,
}

/// Loop counters of one conversation thread: the main agent or one subagent.
#[derive(Debug)]
struct Thread {
    /// `parent_tool_use_id`, cut to [`MAX_KEY_BYTES`]; `None` is the main thread.
    parent: Option<String>,
    /// The line count when it last had a line.
    touched: u64,
    /// Same tool and input.
    same_call: Streak,
    /// Same tool name.
    same_name: Streak,
    /// Name of the latest call, for details.
    tool: String,
    /// Thinking blocks since the last text or tool call.
    thinking: u32,
}

/// A run of equal keys, counted once per API message.
#[derive(Debug, Default)]
struct Streak {
    key: u64,
    count: u32,
    message: Option<u64>,
}

impl Streak {
    /// Counts one call; returns whether it broke the run (a new key starts over at 1).
    fn step(&mut self, key: u64, message: Option<u64>) -> bool {
        if self.count > 0 && self.key == key {
            // Calls of one API message are issued together: one decision, one step.
            if message.is_none() || message != self.message {
                self.count = self.count.saturating_add(1);
                self.message = message;
            }
            false
        } else {
            *self = Streak {
                key,
                count: 1,
                message,
            };
            true
        }
    }
}

#[derive(Debug)]
struct Episode {
    reason: StuckReason,
    since: Instant,
    /// For loop reasons, the thread that loops (`None` inside is the main thread).
    thread: Option<Option<String>>,
}

/// What one line changed, to decide recovery after the state is updated.
#[derive(Debug, Default)]
struct Effect {
    /// `system/init` or a main-thread `result`: everything before is over.
    session_boundary: bool,
    /// An assistant, user or stream_event line: the API is answering.
    answer: bool,
    /// For a line of agent output: its thread and which runs it broke.
    thread: Option<(Option<String>, Broken)>,
}

#[derive(Debug, Default)]
struct Broken {
    same_call: bool,
    same_name: bool,
    thinking: bool,
}

impl Detector {
    /// A detector whose silence clock starts at `now` (when the child was started).
    pub fn new(config: StuckConfig, now: Instant) -> Self {
        Self {
            config,
            last_line: now,
            idle: false,
            gaps: VecDeque::new(),
            typical_gap: Duration::ZERO,
            scratch: Vec::new(),
            open_tools: VecDeque::new(),
            threads: Vec::new(),
            lines: 0,
            api_retries: 0,
            activity: Activity::default(),
            wall: (now, 0),
            no_more_input: false,
            episode: None,
        }
    }

    /// Sets the Unix time (ms) of the `now` the detector was created with; rate-limit
    /// resets are Unix times.
    #[must_use]
    pub fn with_wall_clock(mut self, unix_ms: i64) -> Self {
        self.wall.1 = unix_ms;
        self
    }

    /// The agent can get no more input (its stdin ended, or it was started to answer one
    /// prompt): from its next main-thread `result` on, it should exit.
    pub fn no_more_input(&mut self) {
        self.no_more_input = true;
    }

    /// Feeds one input line, in order; returns a recovery and/or a new episode.
    ///
    /// A silence is reported only by [`tick`](Self::tick): a line arriving after a long gap
    /// that was never ticked through is just a line.
    #[must_use]
    pub fn observe(&mut self, line: &Parsed, now: Instant) -> Vec<Transition> {
        // A caller's clock that steps back must not make gaps negative or move the clock back.
        let now = now.max(self.last_line);
        let hanging = self
            .episode
            .as_ref()
            .is_some_and(|e| e.reason == StuckReason::NoProgress);
        // A gap that ends an announced wait measures the wait, not the model's pace.
        if !self.idle && self.open_tools.is_empty() && !hanging && self.activity.is_empty() {
            self.push_gap(now.saturating_duration_since(self.last_line));
        }
        let at_ms = self.unix_ms(now);
        self.activity.observe(line, || at_ms);
        self.activity.expire(at_ms);
        self.last_line = now;
        self.idle = false;
        self.lines = self.lines.wrapping_add(1);

        let effect = self.update(line, now);
        let mut out = Vec::new();
        if let Some(episode) = self.episode.take() {
            if recovers(&episode, line, &effect) {
                out.push(Transition::Recovered {
                    reason: episode.reason,
                    after: now.saturating_duration_since(episode.since),
                });
            } else {
                self.episode = Some(episode);
            }
        }
        if self.episode.is_none()
            && let Some((reason, thread, detail)) = self.detect(&effect)
        {
            self.episode = Some(Episode {
                reason,
                since: now,
                thread,
            });
            out.push(Transition::Stuck { reason, detail });
        }
        out
    }

    /// Called on a timer; reports `no_progress` once the silence reaches the threshold.
    #[must_use]
    pub fn tick(&mut self, now: Instant) -> Option<Transition> {
        let deadline = self.next_deadline()?;
        if now < deadline {
            return None;
        }
        let silence = now.saturating_duration_since(self.last_line);
        let (reason, detail) = if self.idle {
            (
                StuckReason::NoExitAfterResult,
                format!(
                    "the result came {} ago, no more input can come, and the process has not \
                     exited (timeout {})",
                    PromDuration(silence),
                    PromDuration(self.config.result_exit_timeout),
                ),
            )
        } else {
            (
                StuckReason::NoProgress,
                format!(
                    "no output for {} (threshold {}, {})",
                    PromDuration(silence),
                    PromDuration(self.threshold()),
                    self.threshold_basis(now),
                ),
            )
        };
        self.episode = Some(Episode {
            reason,
            since: now,
            thread: None,
        });
        Some(Transition::Stuck { reason, detail })
    }

    /// When [`tick`](Self::tick) could next fire: `None` during an episode, and while idle
    /// after a result unless no more input can come.
    pub fn next_deadline(&self) -> Option<Instant> {
        if self.episode.is_some() {
            return None;
        }
        if self.idle {
            let timeout = self.config.result_exit_timeout;
            return (self.no_more_input && !timeout.is_zero())
                .then(|| self.last_line.checked_add(timeout))
                .flatten();
        }
        let silence = self.last_line.checked_add(self.threshold())?;
        Some(match self.wait_end() {
            Some(end) => silence.max(end.checked_add(self.threshold())?),
            None => silence,
        })
    }

    /// When the wait the agent announced (as of its last line) is over, if it is in one.
    fn wait_end(&self) -> Option<Instant> {
        if self.activity.is_empty() {
            return None;
        }
        let last_ms = self.unix_ms(self.last_line);
        let end = match self.activity.waiting(last_ms)? {
            Waiting::RateLimit {
                until_ms: Some(until),
                ..
            } => self.instant_at(until.min(last_ms.saturating_add(MAX_RATE_LIMIT_WAIT_MS))),
            Waiting::RateLimit { until_ms: None, .. } => {
                self.last_line.checked_add(self.config.tool_timeout)
            }
            Waiting::Compaction { since_ms } => self
                .instant_at(since_ms)
                .and_then(|since| since.checked_add(self.config.tool_timeout)),
            Waiting::Retry { due_ms } => self.instant_at(due_ms),
        };
        // Beyond what `Instant` can hold: as good as never, so the plain threshold rules.
        end.or(Some(self.last_line))
    }

    /// `at` on the Unix clock, in ms.
    fn unix_ms(&self, at: Instant) -> i64 {
        let (anchor, ms) = self.wall;
        match at.checked_duration_since(anchor) {
            Some(d) => ms.saturating_add(i64::try_from(d.as_millis()).unwrap_or(i64::MAX)),
            None => ms.saturating_sub(
                i64::try_from(anchor.saturating_duration_since(at).as_millis()).unwrap_or(i64::MAX),
            ),
        }
    }

    /// A Unix time in ms on the `Instant` clock; `None` beyond what it can hold.
    fn instant_at(&self, unix_ms: i64) -> Option<Instant> {
        let (anchor, ms) = self.wall;
        let ahead = unix_ms.saturating_sub(ms);
        let by = Duration::from_millis(ahead.unsigned_abs());
        if ahead >= 0 {
            anchor.checked_add(by)
        } else {
            // Before the anchor (and perhaps before boot): the anchor is late enough.
            Some(anchor.checked_sub(by).unwrap_or(anchor))
        }
    }

    /// The reason of the active episode, if any.
    pub fn active(&self) -> Option<StuckReason> {
        self.episode.as_ref().map(|e| e.reason)
    }

    /// The silence that counts as a hang now.
    fn threshold(&self) -> Duration {
        let adaptive = self
            .config
            .floor
            .max(scale(self.typical_gap, self.config.multiplier));
        if self.open_tools.is_empty() {
            adaptive
        } else {
            adaptive.max(self.config.tool_timeout)
        }
    }

    /// Which rule set the threshold, for the `no_progress` detail.
    fn threshold_basis(&self, now: Instant) -> String {
        if let Some(w) = self.activity.waiting(self.unix_ms(self.last_line)) {
            let what = match w {
                Waiting::RateLimit { limit, .. } => format!("rate limit {limit} rejected"),
                Waiting::Compaction { .. } => "compacting".to_owned(),
                Waiting::Retry { .. } => "API call being retried".to_owned(),
            };
            return format!("{what}, and the wait it announced is over");
        }
        let scaled = scale(self.typical_gap, self.config.multiplier);
        let adaptive = self.config.floor.max(scaled);
        if let Some(oldest) = self.open_tools.front()
            && self.config.tool_timeout >= adaptive
        {
            let more = match self.open_tools.len() {
                1 => String::new(),
                n => format!(" and {} more", n - 1),
            };
            return format!(
                "tool call open: {} {} for {}{more}",
                oldest.name,
                oldest.id,
                PromDuration(now.saturating_duration_since(oldest.since)),
            );
        }
        if scaled > self.config.floor {
            format!(
                "{} × typical gap {}",
                self.config.multiplier,
                PromDuration(self.typical_gap)
            )
        } else {
            "floor".to_owned()
        }
    }

    fn push_gap(&mut self, gap: Duration) {
        let cap = self.config.gap_window;
        if cap == 0 {
            return;
        }
        while self.gaps.len() >= cap {
            self.gaps.pop_front();
        }
        self.gaps.push_back(gap);
        self.scratch.clear();
        self.scratch.extend(self.gaps.iter().copied());
        self.scratch.sort_unstable();
        let index = self.scratch.len().saturating_sub(1) * GAP_QUANTILE_PERMILLE / 1000;
        self.typical_gap = self.scratch.get(index).copied().unwrap_or_default();
    }

    /// Updates every counter with one line and says what it changed.
    fn update(&mut self, line: &Parsed, now: Instant) -> Effect {
        let is_init = line.type_ == "system" && line.subtype == "init";
        let is_result = line.type_ == "result" && line.parent_tool_use_id.is_none();
        if is_init || is_result {
            // Tool calls and loops of the previous turn or session are over either way.
            self.open_tools.clear();
            self.threads.clear();
            self.api_retries = 0;
            if is_init {
                self.gaps.clear();
                self.typical_gap = Duration::ZERO;
            } else {
                self.idle = true;
            }
            return Effect {
                session_boundary: true,
                ..Effect::default()
            };
        }

        let mut effect = Effect::default();
        if line.is_api_retry() {
            self.api_retries = self.api_retries.saturating_add(1);
        } else if matches!(line.type_.as_str(), "assistant" | "user" | "stream_event") {
            self.api_retries = 0;
            effect.answer = true;
        }
        for call in &line.tool_uses {
            self.open_tool(&call.id, &call.name, now);
        }
        for result in &line.tool_results {
            let id = cut(&result.tool_use_id);
            self.open_tools.retain(|t| t.id != id);
            // A subagent's thread ends with its Task/Agent call.
            self.threads.retain(|t| t.parent.as_deref() != Some(id));
        }
        effect.thread = self.update_thread(line);
        effect
    }

    fn open_tool(&mut self, id: &str, name: &str, now: Instant) {
        let cap = self.config.max_open_tools;
        let id = cut(id);
        // Without an id no result can close it; server tools (`srvtoolu_`, e.g. web search)
        // are answered inside the assistant message, never by a tool_result.
        if cap == 0 || id.is_empty() || id.starts_with("srvtoolu_") {
            return;
        }
        if self.open_tools.iter().any(|t| t.id == id) {
            return;
        }
        while self.open_tools.len() >= cap {
            self.open_tools.pop_front();
        }
        self.open_tools.push_back(OpenTool {
            id: id.to_owned(),
            name: cut(name).to_owned(),
            since: now,
        });
    }

    /// Counts the agent output of a line (text, thinking, tool calls) in its thread.
    fn update_thread(&mut self, line: &Parsed) -> Option<(Option<String>, Broken)> {
        let output = line.text_blocks > 0 || line.thinking_blocks > 0 || !line.tool_uses.is_empty();
        // A user line's text is a prompt or an interruption notice, not the agent's output.
        if line.type_ == "user" || !output {
            return None;
        }
        let parent = line
            .parent_tool_use_id
            .as_deref()
            .map(|p| cut(p).to_owned());
        let message = line.message_id.as_deref().map(hash_str);
        let touched = self.lines;
        let thread = self.thread_mut(&parent, touched)?;
        let mut broken = Broken::default();
        if line.text_blocks > 0 || !line.tool_uses.is_empty() {
            thread.thinking = 0;
            broken.thinking = true;
        } else {
            thread.thinking = thread.thinking.saturating_add(line.thinking_blocks);
        }
        if line.text_blocks > 0 {
            // Text comes before the calls of its message (one line per block, or text first
            // in the older one-line form), so it breaks the runs before they are counted.
            thread.same_call = Streak::default();
            thread.same_name = Streak::default();
            broken.same_call = true;
            broken.same_name = true;
        }
        for call in &line.tool_uses {
            broken.same_call |= thread
                .same_call
                .step(call_key(&call.name, &call.input), message);
            broken.same_name |= thread.same_name.step(hash_str(&call.name), message);
            thread.tool = cut(&call.name).to_owned();
        }
        Some((parent, broken))
    }

    /// The thread's counters, created (evicting the least recently active) when new.
    fn thread_mut(&mut self, parent: &Option<String>, touched: u64) -> Option<&mut Thread> {
        let index = match self.threads.iter().position(|t| &t.parent == parent) {
            Some(index) => index,
            None => {
                let cap = self.config.max_threads;
                if cap == 0 {
                    return None;
                }
                while self.threads.len() >= cap {
                    let oldest = self
                        .threads
                        .iter()
                        .enumerate()
                        .min_by_key(|(_, t)| t.touched)
                        .map(|(i, _)| i)?;
                    self.threads.swap_remove(oldest);
                }
                self.threads.push(Thread {
                    parent: parent.clone(),
                    touched,
                    same_call: Streak::default(),
                    same_name: Streak::default(),
                    tool: String::new(),
                    thinking: 0,
                });
                self.threads.len() - 1
            }
        };
        let thread = self.threads.get_mut(index)?;
        thread.touched = touched;
        Some(thread)
    }

    /// A loop or storm the line just completed, if any.
    fn detect(&self, effect: &Effect) -> Option<(StuckReason, Option<Option<String>>, String)> {
        let c = &self.config;
        if let Some((parent, _)) = &effect.thread
            && let Some(t) = self.threads.iter().find(|t| &t.parent == parent)
        {
            let place = match parent {
                None => "main thread".to_owned(),
                Some(p) => format!("subagent of {p}"),
            };
            let found = if reached(t.same_call.count, c.repeated_tool_calls) {
                Some((
                    StuckReason::RepeatedToolCall,
                    format!(
                        "{} called with the same input in {} turns in a row ({place})",
                        t.tool, t.same_call.count
                    ),
                ))
            } else if reached(t.same_name.count, c.consecutive_tools) {
                Some((
                    StuckReason::ConsecutiveTool,
                    format!(
                        "{} called in {} turns in a row ({place})",
                        t.tool, t.same_name.count
                    ),
                ))
            } else if reached(t.thinking, c.consecutive_thinking) {
                Some((
                    StuckReason::ConsecutiveThinking,
                    format!(
                        "{} thinking blocks with no text or tool call ({place})",
                        t.thinking
                    ),
                ))
            } else {
                None
            };
            if let Some((reason, detail)) = found {
                return Some((reason, Some(parent.clone()), detail));
            }
        }
        if reached(self.api_retries, c.api_retry_storm) {
            return Some((
                StuckReason::ApiRetryStorm,
                None,
                format!("{} API retries with no answer in between", self.api_retries),
            ));
        }
        None
    }
}

/// Whether the line (after the update that produced `effect`) ends the episode.
fn recovers(episode: &Episode, line: &Parsed, effect: &Effect) -> bool {
    if effect.session_boundary {
        return true;
    }
    match episode.reason {
        StuckReason::NoProgress | StuckReason::NoExitAfterResult => true,
        StuckReason::ApiRetryStorm => effect.answer,
        StuckReason::RepeatedToolCall
        | StuckReason::ConsecutiveTool
        | StuckReason::ConsecutiveThinking => {
            let Some(looping) = &episode.thread else {
                return true;
            };
            if let Some(parent) = looping
                && line
                    .tool_results
                    .iter()
                    .any(|r| cut(&r.tool_use_id) == parent)
            {
                return true;
            }
            match &effect.thread {
                Some((thread, broken)) if thread == looping => match episode.reason {
                    StuckReason::RepeatedToolCall => broken.same_call,
                    StuckReason::ConsecutiveTool => broken.same_name,
                    _ => broken.thinking,
                },
                _ => false,
            }
        }
    }
}

fn reached(count: u32, threshold: u32) -> bool {
    threshold > 0 && count >= threshold
}

/// `d × m`, saturating; a NaN or negative factor gives zero (so the floor rules).
fn scale(d: Duration, m: f64) -> Duration {
    let secs = d.as_secs_f64() * m;
    Duration::try_from_secs_f64(secs).unwrap_or(if secs > 0.0 {
        Duration::MAX
    } else {
        Duration::ZERO
    })
}

/// The first [`MAX_KEY_BYTES`] bytes of `s`, on a character boundary.
fn cut(s: &str) -> &str {
    let mut end = s.len().min(MAX_KEY_BYTES);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

fn hash_str(s: &str) -> u64 {
    let mut h = DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

/// Identity of a call: its name and canonical input (object keys sorted), hashed.
fn call_key(name: &str, input: &str) -> u64 {
    let mut h = DefaultHasher::new();
    name.hash(&mut h);
    match serde_json::from_str::<Value>(input) {
        Ok(value) => hash_value(&value, &mut h),
        // Not JSON (or empty): compare the text itself.
        Err(_) => {
            u8::MAX.hash(&mut h);
            input.trim().hash(&mut h);
        }
    }
    h.finish()
}

/// Hashes a JSON value independently of object key order. Recursion is bounded by
/// serde_json's nesting limit (128).
fn hash_value(value: &Value, h: &mut DefaultHasher) {
    match value {
        Value::Null => 0u8.hash(h),
        Value::Bool(b) => {
            1u8.hash(h);
            b.hash(h);
        }
        Value::Number(n) => {
            2u8.hash(h);
            n.to_string().hash(h);
        }
        Value::String(s) => {
            3u8.hash(h);
            s.hash(h);
        }
        Value::Array(items) => {
            4u8.hash(h);
            items.len().hash(h);
            for item in items {
                hash_value(item, h);
            }
        }
        Value::Object(map) => {
            5u8.hash(h);
            map.len().hash(h);
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            for (key, item) in entries {
                key.hash(h);
                hash_value(item, h);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::parse::parse;
    use crate::test_inputs::XorShift;

    fn secs(t0: Instant, n: u64) -> Instant {
        t0 + Duration::from_secs(n)
    }

    fn line(json: &str) -> Parsed {
        parse(json.as_bytes())
    }

    fn parent_json(parent: Option<&str>) -> String {
        parent.map_or_else(|| "null".to_owned(), |p| format!("\"{p}\""))
    }

    fn init() -> Parsed {
        line(r#"{"type":"system","subtype":"init","session_id":"s","model":"m"}"#)
    }

    fn text(msg: &str, parent: Option<&str>) -> Parsed {
        line(&format!(
            r#"{{"type":"assistant","message":{{"id":"{msg}","content":[{{"type":"text","text":"hm"}}]}},"parent_tool_use_id":{}}}"#,
            parent_json(parent)
        ))
    }

    fn thinking(msg: &str) -> Parsed {
        line(&format!(
            r#"{{"type":"assistant","message":{{"id":"{msg}","content":[{{"type":"thinking","thinking":"hm","signature":"x"}}]}},"parent_tool_use_id":null}}"#
        ))
    }

    fn call(msg: &str, id: &str, name: &str, input: &str, parent: Option<&str>) -> Parsed {
        line(&format!(
            r#"{{"type":"assistant","message":{{"id":"{msg}","content":[{{"type":"tool_use","id":"{id}","name":"{name}","input":{input}}}]}},"parent_tool_use_id":{}}}"#,
            parent_json(parent)
        ))
    }

    fn answer(id: &str, parent: Option<&str>) -> Parsed {
        line(&format!(
            r#"{{"type":"user","message":{{"role":"user","content":[{{"type":"tool_result","tool_use_id":"{id}","content":"ok"}}]}},"parent_tool_use_id":{}}}"#,
            parent_json(parent)
        ))
    }

    fn heartbeat(id: &str, elapsed: u64) -> Parsed {
        line(&format!(
            r#"{{"type":"tool_progress","tool_use_id":"{id}","tool_name":"Bash","parent_tool_use_id":null,"elapsed_time_seconds":{elapsed}}}"#
        ))
    }

    fn retry(attempt: u32) -> Parsed {
        line(&format!(
            r#"{{"type":"system","subtype":"api_retry","attempt":{attempt},"max_retries":10,"retry_delay_ms":500,"error_status":529}}"#
        ))
    }

    fn result() -> Parsed {
        line(r#"{"type":"result","subtype":"success","is_error":false,"num_turns":1}"#)
    }

    fn stuck(reason: StuckReason) -> impl Fn(&Transition) -> bool {
        move |t| matches!(t, Transition::Stuck { reason: r, .. } if *r == reason)
    }

    /// Feeds lines at given seconds; returns every transition with the second it came at.
    fn feed(d: &mut Detector, t0: Instant, lines: &[(u64, Parsed)]) -> Vec<(u64, Transition)> {
        let mut out = Vec::new();
        for (at, l) in lines {
            for t in d.observe(l, secs(t0, *at)) {
                out.push((*at, t));
            }
        }
        out
    }

    #[test]
    fn reason_labels_are_stable() {
        let labels: Vec<_> = StuckReason::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(
            labels,
            [
                "no_progress",
                "repeated_tool_call",
                "consecutive_tool",
                "consecutive_thinking",
                "api_retry_storm",
                "no_exit_after_result"
            ]
        );
        assert_eq!(StuckReason::ApiRetryStorm.to_string(), "api_retry_storm");
    }

    #[test]
    fn silence_after_init_uses_the_floor() {
        let t0 = Instant::now();
        let mut d = Detector::new(StuckConfig::default(), t0);
        // A child that prints nothing at all is flagged too.
        assert_eq!(d.next_deadline(), Some(secs(t0, 120)));
        assert!(d.observe(&init(), secs(t0, 1)).is_empty());
        assert_eq!(d.next_deadline(), Some(secs(t0, 121)));
        assert_eq!(d.tick(secs(t0, 121) - Duration::from_millis(1)), None);
        let Some(Transition::Stuck { reason, detail }) = d.tick(secs(t0, 121)) else {
            panic!("expected a hang at the floor");
        };
        assert_eq!(reason, StuckReason::NoProgress);
        assert_eq!(detail, "no output for 2m (threshold 2m, floor)");
        assert_eq!(d.active(), Some(StuckReason::NoProgress));
        // Reported once: no deadline and no second report while the episode lasts.
        assert_eq!(d.next_deadline(), None);
        assert_eq!(d.tick(secs(t0, 5000)), None);
    }

    #[test]
    fn threshold_adapts_to_the_recent_pace() {
        let t0 = Instant::now();
        let mut d = Detector::new(StuckConfig::default(), t0);
        let _ = d.observe(&init(), t0);
        // A slow model: 30 s between lines, so 10 × 30 s = 5 min beats the 2 min floor.
        let mut at = 0;
        for i in 0..40 {
            at += 30;
            assert!(
                d.observe(&text(&format!("m{i}"), None), secs(t0, at))
                    .is_empty()
            );
        }
        assert_eq!(d.next_deadline(), Some(secs(t0, at + 300)));
        assert_eq!(d.tick(secs(t0, at + 299)), None);
        let Some(Transition::Stuck { detail, .. }) = d.tick(secs(t0, at + 300)) else {
            panic!("expected a hang at 10 × the typical gap");
        };
        assert_eq!(
            detail,
            "no output for 5m (threshold 5m, 10 × typical gap 30s)"
        );
    }

    #[test]
    fn one_long_gap_does_not_inflate_the_threshold() {
        let t0 = Instant::now();
        let mut d = Detector::new(StuckConfig::default(), t0);
        let mut at = 0;
        for i in 0..31 {
            at += 20;
            let _ = d.observe(&text(&format!("m{i}"), None), secs(t0, at));
        }
        // One hour-long gap (never ticked through, so not a reported hang) in the window.
        at += 3600;
        let _ = d.observe(&text("slow", None), secs(t0, at));
        assert_eq!(d.gaps.len(), 32);
        assert_eq!(d.next_deadline(), Some(secs(t0, at + 200)));
    }

    #[test]
    fn init_starts_a_new_session_at_the_floor() {
        let t0 = Instant::now();
        let mut d = Detector::new(StuckConfig::default(), t0);
        let mut at = 0;
        for i in 0..10 {
            at += 60;
            let _ = d.observe(&text(&format!("m{i}"), None), secs(t0, at));
        }
        assert_eq!(d.next_deadline(), Some(secs(t0, at + 600)));
        at += 1;
        let _ = d.observe(&init(), secs(t0, at));
        assert_eq!(d.next_deadline(), Some(secs(t0, at + 120)));
    }

    #[test]
    fn recovery_is_reported_once_when_a_line_arrives() {
        let t0 = Instant::now();
        let mut d = Detector::new(StuckConfig::default(), t0);
        let _ = d.observe(&init(), t0);
        assert!(
            d.tick(secs(t0, 120))
                .is_some_and(|t| stuck(StuckReason::NoProgress)(&t))
        );
        assert_eq!(d.tick(secs(t0, 200)), None);
        assert_eq!(
            d.observe(&text("m1", None), secs(t0, 300)),
            vec![Transition::Recovered {
                reason: StuckReason::NoProgress,
                after: Duration::from_secs(180),
            }]
        );
        assert_eq!(d.active(), None);
        assert!(d.observe(&text("m2", None), secs(t0, 301)).is_empty());
        // The hang is not a pace sample: the threshold is back at 10 × 1 s → the floor.
        assert_eq!(d.next_deadline(), Some(secs(t0, 301 + 120)));
    }

    #[test]
    fn same_tool_and_input_three_turns_in_a_row_is_a_loop() {
        let t0 = Instant::now();
        let mut d = Detector::new(StuckConfig::default(), t0);
        let got = feed(
            &mut d,
            t0,
            &[
                (0, init()),
                (
                    1,
                    call("m1", "t1", "Read", r#"{"file_path":"a","limit":10}"#, None),
                ),
                (2, answer("t1", None)),
                (3, thinking("m2")),
                (
                    4,
                    call("m2", "t2", "Read", r#"{"file_path":"a","limit":10}"#, None),
                ),
                (5, answer("t2", None)),
                // Same input with its keys in another order: still the same call.
                (
                    6,
                    call("m3", "t3", "Read", r#"{"limit":10,"file_path":"a"}"#, None),
                ),
                (7, answer("t3", None)),
                (
                    8,
                    call("m4", "t4", "Read", r#"{"file_path":"a","limit":10}"#, None),
                ),
                (9, answer("t4", None)),
                (10, call("m5", "t5", "Read", r#"{"file_path":"b"}"#, None)),
                (11, call("m6", "t6", "Read", r#"{"file_path":"b"}"#, None)),
            ],
        );
        assert_eq!(
            got,
            vec![
                (
                    6,
                    Transition::Stuck {
                        reason: StuckReason::RepeatedToolCall,
                        detail: "Read called with the same input in 3 turns in a row (main thread)"
                            .to_owned(),
                    }
                ),
                (
                    10,
                    Transition::Recovered {
                        reason: StuckReason::RepeatedToolCall,
                        after: Duration::from_secs(4),
                    }
                ),
                // A new input ends the repeat, but that is Read in a fifth turn in a row:
                // one line can end one episode and start another.
                (
                    10,
                    Transition::Stuck {
                        reason: StuckReason::ConsecutiveTool,
                        detail: "Read called in 5 turns in a row (main thread)".to_owned(),
                    }
                ),
            ]
        );
    }

    #[test]
    fn parallel_calls_of_one_message_are_one_step() {
        let t0 = Instant::now();
        let mut d = Detector::new(StuckConfig::default(), t0);
        let lines: Vec<_> = (0..6)
            .map(|i| {
                (
                    i,
                    call("m1", &format!("t{i}"), "Read", r#"{"file_path":"a"}"#, None),
                )
            })
            .collect();
        assert!(feed(&mut d, t0, &lines).is_empty());
        assert_eq!(d.threads[0].same_call.count, 1);
    }

    #[test]
    fn same_tool_name_five_turns_in_a_row_is_a_loop() {
        let t0 = Instant::now();
        let mut d = Detector::new(StuckConfig::default(), t0);
        let mut lines = vec![(0, init())];
        for i in 1..=6 {
            let input = format!(r#"{{"command":"ls {i}"}}"#);
            lines.push((
                i,
                call(&format!("m{i}"), &format!("t{i}"), "Bash", &input, None),
            ));
        }
        lines.push((7, call("m7", "t7", "Read", r#"{"file_path":"a"}"#, None)));
        let got = feed(&mut d, t0, &lines);
        assert_eq!(
            got,
            vec![
                (
                    5,
                    Transition::Stuck {
                        reason: StuckReason::ConsecutiveTool,
                        detail: "Bash called in 5 turns in a row (main thread)".to_owned(),
                    }
                ),
                (
                    7,
                    Transition::Recovered {
                        reason: StuckReason::ConsecutiveTool,
                        after: Duration::from_secs(2),
                    }
                ),
            ]
        );

        // Text in between is progress: it breaks the run and ends an episode.
        let mut d = Detector::new(StuckConfig::default(), t0);
        let mut lines = Vec::new();
        for i in 1..=5 {
            let input = format!(r#"{{"command":"ls {i}"}}"#);
            lines.push((
                i,
                call(&format!("m{i}"), &format!("t{i}"), "Bash", &input, None),
            ));
        }
        lines.push((6, text("m6", None)));
        for i in 7..=10 {
            let input = format!(r#"{{"command":"ls {i}"}}"#);
            lines.push((
                i,
                call(&format!("m{i}"), &format!("t{i}"), "Bash", &input, None),
            ));
        }
        let got = feed(&mut d, t0, &lines);
        assert_eq!(got.len(), 2);
        assert!(stuck(StuckReason::ConsecutiveTool)(&got[0].1));
        assert_eq!(
            got[1],
            (
                6,
                Transition::Recovered {
                    reason: StuckReason::ConsecutiveTool,
                    after: Duration::from_secs(1),
                }
            )
        );
    }

    #[test]
    fn thinking_without_output_is_a_loop() {
        let t0 = Instant::now();
        let mut d = Detector::new(StuckConfig::default(), t0);
        let mut lines = vec![(0, init())];
        for i in 1..=6 {
            lines.push((i, thinking(&format!("m{i}"))));
        }
        lines.push((7, text("m7", None)));
        let got = feed(&mut d, t0, &lines);
        assert_eq!(
            got,
            vec![
                (
                    5,
                    Transition::Stuck {
                        reason: StuckReason::ConsecutiveThinking,
                        detail: "5 thinking blocks with no text or tool call (main thread)"
                            .to_owned(),
                    }
                ),
                (
                    7,
                    Transition::Recovered {
                        reason: StuckReason::ConsecutiveThinking,
                        after: Duration::from_secs(2),
                    }
                ),
            ]
        );
    }

    #[test]
    fn api_retries_without_an_answer_are_a_storm() {
        let t0 = Instant::now();
        let status = line(r#"{"type":"system","subtype":"status","status":"requesting"}"#);
        let mut d = Detector::new(StuckConfig::default(), t0);
        // Four retries, an answer, four more: never five in a row.
        let mut lines = vec![(0, init())];
        for i in 1..=4 {
            lines.push((i, retry(1)));
        }
        lines.push((5, text("m1", None)));
        for i in 6..=9 {
            lines.push((i, retry(1)));
        }
        assert!(feed(&mut d, t0, &lines).is_empty());

        let mut d = Detector::new(StuckConfig::default(), t0);
        let mut lines = vec![(0, init())];
        for i in 1..=7 {
            // Other system lines between retries are not an answer.
            lines.push((2 * i - 1, retry(1)));
            lines.push((2 * i, status.clone()));
        }
        lines.push((20, text("m1", None)));
        let got = feed(&mut d, t0, &lines);
        assert_eq!(
            got,
            vec![
                (
                    9,
                    Transition::Stuck {
                        reason: StuckReason::ApiRetryStorm,
                        detail: "5 API retries with no answer in between".to_owned(),
                    }
                ),
                (
                    20,
                    Transition::Recovered {
                        reason: StuckReason::ApiRetryStorm,
                        after: Duration::from_secs(11),
                    }
                ),
            ]
        );
    }

    #[test]
    fn long_tool_call_with_heartbeats_is_not_stuck() {
        let t0 = Instant::now();
        let mut d = Detector::new(StuckConfig::default(), t0);
        let _ = d.observe(&init(), t0);
        let _ = d.observe(&text("m1", None), secs(t0, 5));
        let _ = d.observe(
            &call("m1", "toolu_b", "Bash", r#"{"command":"make"}"#, None),
            secs(t0, 10),
        );
        // Heartbeats every 30 s for 30 min; the timer ticks every 5 s.
        let mut next_beat = 40;
        for now in (15..=10 + 1800).step_by(5) {
            if now == next_beat {
                assert!(
                    d.observe(&heartbeat("toolu_b", now - 10), secs(t0, now))
                        .is_empty()
                );
                assert_eq!(d.next_deadline(), Some(secs(t0, now + 600)));
                next_beat += 30;
            }
            assert_eq!(d.tick(secs(t0, now)), None, "flagged at {now}s");
        }
        assert!(
            d.observe(&answer("toolu_b", None), secs(t0, 1815))
                .is_empty()
        );
        assert!(d.open_tools.is_empty());
        assert_eq!(d.active(), None);
    }

    #[test]
    fn silent_tool_call_beyond_the_tool_timeout_is_stuck() {
        let t0 = Instant::now();
        let mut d = Detector::new(StuckConfig::default(), t0);
        let _ = d.observe(&init(), t0);
        let _ = d.observe(
            &call("m1", "toolu_b", "Bash", r#"{"command":"make"}"#, None),
            secs(t0, 10),
        );
        assert_eq!(d.next_deadline(), Some(secs(t0, 610)));
        // The floor does not apply while a tool call is open.
        assert_eq!(d.tick(secs(t0, 10 + 121)), None);
        assert_eq!(d.tick(secs(t0, 609)), None);
        let Some(Transition::Stuck { reason, detail }) = d.tick(secs(t0, 610)) else {
            panic!("expected a hang at the tool timeout");
        };
        assert_eq!(reason, StuckReason::NoProgress);
        assert_eq!(
            detail,
            "no output for 10m (threshold 10m, tool call open: Bash toolu_b for 10m)"
        );
        assert_eq!(
            d.observe(&answer("toolu_b", None), secs(t0, 700)),
            vec![Transition::Recovered {
                reason: StuckReason::NoProgress,
                after: Duration::from_secs(90),
            }]
        );
        // Closed: back to the floor.
        assert_eq!(d.next_deadline(), Some(secs(t0, 820)));
    }

    #[test]
    fn subagent_interleaving_does_not_fake_a_loop() {
        let t0 = Instant::now();
        let mut d = Detector::new(StuckConfig::default(), t0);
        let read = r#"{"file_path":"README.md"}"#;
        let mut lines = vec![(0, init())];
        // Three subagents and the main thread each read the same file once, interleaved.
        for (i, parent) in [None, Some("toolu_a"), Some("toolu_b"), Some("toolu_c")]
            .into_iter()
            .enumerate()
        {
            let i = i as u64 + 1;
            lines.push((
                i,
                call(&format!("m{i}"), &format!("t{i}"), "Read", read, parent),
            ));
        }
        // Two subagents globbing alternately, three times each: six Globs in a row overall.
        for i in 5..=10 {
            let parent = if i % 2 == 0 { "toolu_a" } else { "toolu_b" };
            let input = format!(r#"{{"pattern":"*.{i}"}}"#);
            lines.push((
                i,
                call(
                    &format!("m{i}"),
                    &format!("t{i}"),
                    "Glob",
                    &input,
                    Some(parent),
                ),
            ));
        }
        assert!(feed(&mut d, t0, &lines).is_empty());
    }

    #[test]
    fn subagent_interleaving_does_not_hide_a_loop() {
        let t0 = Instant::now();
        let mut d = Detector::new(StuckConfig::default(), t0);
        let read = r#"{"file_path":"a"}"#;
        let got = feed(
            &mut d,
            t0,
            &[
                (0, init()),
                (1, call("m1", "t1", "Read", read, None)),
                (2, text("s1", Some("toolu_sub"))),
                (
                    3,
                    call("s1", "s2", "Glob", r#"{"pattern":"*"}"#, Some("toolu_sub")),
                ),
                (4, call("m2", "t2", "Read", read, None)),
                (5, text("s3", Some("toolu_sub"))),
                (6, call("m3", "t3", "Read", read, None)),
            ],
        );
        assert_eq!(
            got,
            vec![(
                6,
                Transition::Stuck {
                    reason: StuckReason::RepeatedToolCall,
                    detail: "Read called with the same input in 3 turns in a row (main thread)"
                        .to_owned(),
                }
            )]
        );
        // The subagent's text is not the looping thread's progress.
        assert!(
            d.observe(&text("s4", Some("toolu_sub")), secs(t0, 7))
                .is_empty()
        );
        assert_eq!(d.active(), Some(StuckReason::RepeatedToolCall));
    }

    #[test]
    fn a_subagent_loop_ends_with_its_task() {
        let t0 = Instant::now();
        let mut d = Detector::new(StuckConfig::default(), t0);
        let sub = Some("toolu_task");
        let read = r#"{"file_path":"a"}"#;
        let got = feed(
            &mut d,
            t0,
            &[
                (0, init()),
                (
                    1,
                    call("m0", "toolu_task", "Task", r#"{"prompt":"x"}"#, None),
                ),
                (2, call("s1", "t1", "Read", read, sub)),
                (3, call("s2", "t2", "Read", read, sub)),
                (4, call("s3", "t3", "Read", read, sub)),
                (9, answer("toolu_task", None)),
            ],
        );
        assert_eq!(
            got,
            vec![
                (
                    4,
                    Transition::Stuck {
                        reason: StuckReason::RepeatedToolCall,
                        detail: "Read called with the same input in 3 turns in a row (subagent of toolu_task)"
                            .to_owned(),
                    }
                ),
                (
                    9,
                    Transition::Recovered {
                        reason: StuckReason::RepeatedToolCall,
                        after: Duration::from_secs(5),
                    }
                ),
            ]
        );
        assert!(d.threads.iter().all(|t| t.parent.is_none()));
    }

    #[test]
    fn silence_after_the_result_is_idle() {
        let t0 = Instant::now();
        let mut d = Detector::new(StuckConfig::default(), t0);
        let _ = d.observe(&init(), t0);
        let _ = d.observe(&call("m1", "t1", "Bash", "{}", None), secs(t0, 1));
        let _ = d.observe(&result(), secs(t0, 2));
        assert_eq!(d.next_deadline(), None);
        assert_eq!(d.tick(secs(t0, 86_400)), None);
        // The next turn starts the clock again, with nothing left open from the last one.
        let _ = d.observe(&text("m2", None), secs(t0, 90_000));
        assert_eq!(d.next_deadline(), Some(secs(t0, 90_000 + 120)));
    }

    #[test]
    fn a_result_not_followed_by_an_exit_is_stuck_once_no_input_can_come() {
        let t0 = Instant::now();
        let mut d = Detector::new(StuckConfig::default(), t0);
        let _ = d.observe(&init(), t0);
        let _ = d.observe(&result(), secs(t0, 2));
        // Input may still come (stream-json input): idle, not stuck.
        assert_eq!(d.next_deadline(), None);
        d.no_more_input();
        assert_eq!(d.next_deadline(), Some(secs(t0, 62)));
        assert_eq!(d.tick(secs(t0, 61)), None);
        let t = d
            .tick(secs(t0, 62))
            .expect("stuck after the result timeout");
        assert!(stuck(StuckReason::NoExitAfterResult)(&t), "{t:?}");
        let Transition::Stuck { detail, .. } = t else {
            unreachable!()
        };
        assert!(detail.contains("has not exited"), "{detail}");
        // Reported once; a late line ends the episode.
        assert_eq!(d.tick(secs(t0, 600)), None);
        let back = d.observe(&text("m9", None), secs(t0, 700));
        assert!(matches!(
            back.as_slice(),
            [Transition::Recovered {
                reason: StuckReason::NoExitAfterResult,
                ..
            }]
        ));
        // A subagent's result is not the agent's.
        let mut d = Detector::new(StuckConfig::default(), t0);
        d.no_more_input();
        let _ = d.observe(
            &line(r#"{"type":"result","subtype":"success","parent_tool_use_id":"toolu_1"}"#),
            t0,
        );
        assert_eq!(d.next_deadline(), Some(secs(t0, 120)));
        // Zero turns the check off.
        let off = StuckConfig {
            result_exit_timeout: Duration::ZERO,
            ..StuckConfig::default()
        };
        let mut d = Detector::new(off, t0);
        d.no_more_input();
        let _ = d.observe(&result(), t0);
        assert_eq!(d.next_deadline(), None);
    }

    #[test]
    fn an_announced_retry_may_last_its_delay_plus_the_threshold() {
        let t0 = Instant::now();
        let mut d = Detector::new(StuckConfig::default(), t0);
        let _ = d.observe(&init(), t0);
        let long = line(
            r#"{"type":"system","subtype":"api_retry","attempt":3,"max_retries":10,"retry_delay_ms":300000,"error_status":529}"#,
        );
        let _ = d.observe(&long, secs(t0, 10));
        // 300 s of announced delay, then the floor.
        assert_eq!(d.next_deadline(), Some(secs(t0, 10 + 300 + 120)));
        assert_eq!(d.tick(secs(t0, 400)), None);
        let t = d.tick(secs(t0, 430)).expect("stuck once the wait is over");
        let Transition::Stuck { reason, detail } = t else {
            unreachable!()
        };
        assert_eq!(reason, StuckReason::NoProgress);
        assert!(detail.contains("retried"), "{detail}");
        // The wait stays out of the pace window: an answer brings back the floor.
        let _ = d.observe(&text("m1", None), secs(t0, 431));
        assert_eq!(d.next_deadline(), Some(secs(t0, 431 + 120)));
        // A bogus delay of years is believed for an hour at most.
        let bogus =
            line(r#"{"type":"system","subtype":"api_retry","attempt":1,"retry_delay_ms":9e15}"#);
        let _ = d.observe(&bogus, secs(t0, 500));
        assert_eq!(d.next_deadline(), Some(secs(t0, 500 + 3600 + 120)));
    }

    #[test]
    fn a_compaction_may_last_the_tool_timeout() {
        let t0 = Instant::now();
        let mut d = Detector::new(StuckConfig::default(), t0);
        let _ = d.observe(&init(), t0);
        let _ = d.observe(
            &line(r#"{"type":"system","subtype":"status","status":"compacting"}"#),
            secs(t0, 5),
        );
        assert_eq!(d.next_deadline(), Some(secs(t0, 5 + 600 + 120)));
        assert_eq!(d.tick(secs(t0, 300)), None);
        let _ = d.observe(
            &line(r#"{"type":"system","subtype":"compact_boundary","compact_metadata":{"trigger":"auto"}}"#),
            secs(t0, 400),
        );
        assert_eq!(d.next_deadline(), Some(secs(t0, 400 + 120)));
    }

    #[test]
    fn a_rejected_rate_limit_holds_until_its_reset() {
        let t0 = Instant::now();
        // The detector's t0 is Unix second 1,000,000.
        let mut d = Detector::new(StuckConfig::default(), t0).with_wall_clock(1_000_000_000);
        let _ = d.observe(&init(), t0);
        let rejected = line(
            r#"{"type":"rate_limit_event","rate_limit_info":{"status":"rejected","resetsAt":1003600,"rateLimitType":"five_hour"}}"#,
        );
        let _ = d.observe(&rejected, secs(t0, 1));
        // An hour to the reset, then the floor.
        assert_eq!(d.next_deadline(), Some(secs(t0, 3600 + 120)));
        assert_eq!(d.tick(secs(t0, 3000)), None);
        let t = d.tick(secs(t0, 3720)).expect("stuck after the reset");
        let Transition::Stuck { detail, .. } = t else {
            unreachable!()
        };
        assert!(detail.contains("rate limit five_hour"), "{detail}");
        // A reset years away is capped at eight days; none given means the tool timeout.
        let mut d = Detector::new(StuckConfig::default(), t0).with_wall_clock(1_000_000_000);
        let _ = d.observe(
            &line(
                r#"{"type":"rate_limit_event","rate_limit_info":{"status":"rejected","resetsAt":99999999999,"rateLimitType":"seven_day"}}"#,
            ),
            t0,
        );
        assert_eq!(
            d.next_deadline(),
            Some(secs(t0, 8 * 24 * 3600 + 120)),
            "capped"
        );
        let mut d = Detector::new(StuckConfig::default(), t0);
        let _ = d.observe(
            &line(r#"{"type":"rate_limit_event","rate_limit_info":{"status":"rejected"}}"#),
            t0,
        );
        assert_eq!(d.next_deadline(), Some(secs(t0, 600 + 120)));
    }

    #[test]
    fn real_recording_has_no_episode() {
        let recording = include_str!("../../tests/fixtures/stream-json/claude-clean-simple.jsonl");
        let t0 = Instant::now();
        let mut d = Detector::new(StuckConfig::default(), t0);
        let mut at = 0;
        for l in recording.lines() {
            at += 1000;
            let now = t0 + Duration::from_millis(at);
            assert_eq!(d.tick(now - Duration::from_millis(500)), None);
            assert_eq!(d.observe(&parse(l.as_bytes()), now), vec![], "line {l}");
            assert_eq!(d.tick(now), None);
        }
        assert_eq!(at, 47_000, "the recording has 47 lines");
        assert_eq!(d.next_deadline(), None, "idle after the result");
        assert!(d.open_tools.is_empty());
    }

    #[test]
    fn zero_thresholds_turn_checks_off() {
        let t0 = Instant::now();
        let config = StuckConfig {
            repeated_tool_calls: 0,
            consecutive_tools: 0,
            consecutive_thinking: 0,
            api_retry_storm: 0,
            floor: Duration::MAX,
            ..StuckConfig::default()
        };
        let mut d = Detector::new(config, t0);
        for i in 0..50 {
            let _ = d.observe(
                &call(&format!("m{i}"), "t", "Read", "{}", None),
                secs(t0, i),
            );
            let _ = d.observe(&thinking(&format!("k{i}")), secs(t0, i));
            let _ = d.observe(&retry(1), secs(t0, i));
        }
        assert_eq!(d.active(), None);
        assert_eq!(d.next_deadline(), None);
        assert_eq!(d.tick(secs(t0, 1 << 40)), None);
    }

    #[test]
    fn tables_stay_bounded() {
        let t0 = Instant::now();
        let mut d = Detector::new(StuckConfig::default(), t0);
        let long = "x".repeat(10_000);
        for i in 0..5_000u64 {
            let id = format!("toolu_{i}{long}");
            let parent = format!("toolu_p{i}{long}");
            let _ = d.observe(
                &call(&format!("m{i}"), &id, &long, "{}", Some(&parent)),
                secs(t0, i),
            );
        }
        assert_eq!(d.open_tools.len(), 256);
        assert_eq!(d.threads.len(), 64);
        // Only the gap before the first call: later ones have a tool call open, so they are
        // tool run times, not the model's pace.
        assert_eq!(d.gaps.len(), 1);
        assert!(
            d.open_tools
                .iter()
                .all(|t| t.id.len() <= MAX_KEY_BYTES && t.name.len() <= MAX_KEY_BYTES)
        );
        assert!(
            d.threads
                .iter()
                .all(|t| t.parent.as_ref().is_some_and(|p| p.len() <= MAX_KEY_BYTES))
        );
        // Multi-byte characters are cut on a boundary.
        assert_eq!(cut(&"é".repeat(100)).len(), 128);
    }

    fn random_line(rng: &mut XorShift) -> Parsed {
        const PARENTS: [Option<&str>; 3] = [None, Some("toolu_1"), Some("toolu_2")];
        const NAMES: [&str; 3] = ["Read", "Bash", "Glob"];
        const INPUTS: [&str; 5] = [r#"{"a":1}"#, r#"{"a":2}"#, r#"{"b":1,"a":1}"#, "{}", "nope"];
        let parent = rng.pick(&PARENTS);
        let msg = format!("m{}", rng.below(4));
        let id = format!("toolu_{}", rng.below(6));
        match rng.below(17) {
            0 => init(),
            14 => line(r#"{"type":"system","subtype":"status","status":"compacting"}"#),
            15 => line(r#"{"type":"system","subtype":"compact_boundary"}"#),
            16 => line(&format!(
                r#"{{"type":"rate_limit_event","rate_limit_info":{{"status":"{}","resetsAt":{},"rateLimitType":"five_hour"}}}}"#,
                rng.pick(&["rejected", "allowed"]),
                rng.below(4000)
            )),
            1 => text(&msg, parent),
            2 | 3 => thinking(&msg),
            4..=6 => call(&msg, &id, rng.pick(&NAMES), rng.pick(&INPUTS), parent),
            7 => answer(&id, parent),
            8 => retry(1),
            9 => heartbeat(&id, 3),
            10 => result(),
            11 => {
                let bytes: Vec<u8> = (0..rng.below(40))
                    .map(|_| rng.pick(b"{}[]\":,aty01 \xff"))
                    .collect();
                parse(&bytes)
            }
            12 => line(r#"{"type":"stream_event","event":{"type":"message_start"}}"#),
            _ => line(r#"{"type":"brand_new","x":1}"#),
        }
    }

    /// Checks that episodes alternate, ticks match the announced deadline and tables stay
    /// bounded, over random lines at random times. Returns how many episodes of each
    /// reason (in [`StuckReason::ALL`] order) began.
    fn run_random(seed: u64, config: StuckConfig, steps: usize) -> [u32; 6] {
        let mut rng = XorShift(seed);
        let t0 = Instant::now();
        let mut d = Detector::new(config.clone(), t0);
        // Half the runs cannot get more input, so a result may be followed by a hang.
        if seed.is_multiple_of(2) {
            d.no_more_input();
        }
        let mut now = t0;
        let mut model: Option<StuckReason> = None;
        let mut began = [0u32; 6];
        let mut check = |t: &Transition, model: &mut Option<StuckReason>| match t {
            Transition::Stuck { reason, .. } => {
                assert_eq!(
                    *model, None,
                    "seed {seed}: {reason} while {model:?} is active"
                );
                *model = Some(*reason);
                began[*reason as usize] += 1;
            }
            Transition::Recovered { reason, .. } => {
                assert_eq!(
                    *model,
                    Some(*reason),
                    "seed {seed}: recovery without its episode"
                );
                *model = None;
            }
        };
        for _ in 0..steps {
            let gap = match rng.below(10) {
                0 => Duration::from_secs(rng.below(3000)),
                1..=3 => Duration::ZERO,
                _ => Duration::from_millis(rng.below(30_000)),
            };
            let until = now + gap;
            // A few ticks in the gap, sometimes right at the announced deadline.
            for _ in 0..rng.below(3) {
                let at = match d.next_deadline() {
                    Some(deadline) if rng.below(2) == 0 && deadline <= until => deadline,
                    _ => now + gap.mul_f64(rng.below(1000) as f64 / 1000.0),
                };
                let at = at.max(now);
                let due = d.next_deadline().is_some_and(|deadline| at >= deadline);
                let fired = d.tick(at);
                assert_eq!(
                    fired.is_some(),
                    due,
                    "seed {seed}: tick disagrees with next_deadline"
                );
                if let Some(t) = &fired {
                    check(t, &mut model);
                }
                now = at;
            }
            now = until.max(now);
            for t in d.observe(&random_line(&mut rng), now) {
                check(&t, &mut model);
            }
            assert_eq!(d.active(), model, "seed {seed}");
            assert!(d.gaps.len() <= config.gap_window);
            assert!(d.open_tools.len() <= config.max_open_tools);
            assert!(d.threads.len() <= config.max_threads);
        }
        began
    }

    #[test]
    fn random_lines_never_panic_and_episodes_alternate() {
        let mut began = [0u32; 6];
        let mut add = |counts: [u32; 6]| {
            for (total, n) in began.iter_mut().zip(counts) {
                *total += n;
            }
        };
        for seed in 1..=300 {
            add(run_random(seed, StuckConfig::default(), 400));
        }
        // Low thresholds make episodes frequent, which exercises the alternation most.
        let twitchy = StuckConfig {
            floor: Duration::from_secs(5),
            multiplier: 2.0,
            tool_timeout: Duration::from_secs(20),
            repeated_tool_calls: 2,
            consecutive_tools: 2,
            consecutive_thinking: 2,
            api_retry_storm: 2,
            result_exit_timeout: Duration::from_secs(10),
            gap_window: 4,
            max_open_tools: 3,
            max_threads: 2,
        };
        for seed in 1..=300 {
            add(run_random(seed * 7919, twitchy.clone(), 400));
        }
        // Every kind of episode happened, so the invariants were checked on each.
        assert!(
            began.iter().all(|&n| n > 0),
            "episodes per reason: {began:?}"
        );
    }

    #[test]
    fn extreme_configs_never_panic() {
        let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
        let durations = [
            Duration::ZERO,
            Duration::from_millis(1),
            Duration::from_secs(60),
            Duration::MAX,
        ];
        let factors = [0.0, -1.0, f64::NAN, f64::INFINITY, 1e300, 10.0];
        let counts = [0, 1, 2, u32::MAX];
        let sizes = [0, 1, 3, 1000];
        for seed in 1..=200 {
            let config = StuckConfig {
                floor: rng.pick(&durations),
                multiplier: rng.pick(&factors),
                tool_timeout: rng.pick(&durations),
                repeated_tool_calls: rng.pick(&counts),
                consecutive_tools: rng.pick(&counts),
                consecutive_thinking: rng.pick(&counts),
                api_retry_storm: rng.pick(&counts),
                result_exit_timeout: rng.pick(&durations),
                gap_window: rng.pick(&sizes),
                max_open_tools: rng.pick(&sizes),
                max_threads: rng.pick(&sizes),
            };
            let _ = run_random(seed, config, 200);
        }
    }
}
