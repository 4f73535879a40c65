//! One recorded input line: the unit that the spool stores and the Redis sink writes as one
//! stream entry. Field names are the Redis stream fields of docs/architecture.md section 3.

use serde::{Deserialize, Serialize};

/// How a line is classified, the `event_type` field of a stream entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventType {
    /// `system` lines and other metadata (`tool_progress`, `rate_limit_event`).
    System,
    /// An assistant line whose blocks are text.
    Text,
    /// An assistant line with thinking (and no text or tool call).
    Thinking,
    /// An assistant line with at least one tool call.
    ToolUse,
    /// A user line carrying tool results.
    ToolResult,
    /// The final `result` line of a successful run.
    Result,
    /// An error: an error `result`, or an assistant line with `error`.
    Error,
    /// A partial-message `stream_event`.
    StreamEvent,
    /// A line that is not JSON (or not a JSON object).
    Raw,
    /// JSON of a type ccmon does not know (kept, never an error).
    Unknown,
}

impl EventType {
    /// Every variant, for metrics that list all label values.
    pub const ALL: [EventType; 10] = [
        EventType::System,
        EventType::Text,
        EventType::Thinking,
        EventType::ToolUse,
        EventType::ToolResult,
        EventType::Result,
        EventType::Error,
        EventType::StreamEvent,
        EventType::Raw,
        EventType::Unknown,
    ];

    /// The label value, as written to Redis and metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::System => "system",
            EventType::Text => "text",
            EventType::Thinking => "thinking",
            EventType::ToolUse => "tool_use",
            EventType::ToolResult => "tool_result",
            EventType::Result => "result",
            EventType::Error => "error",
            EventType::StreamEvent => "stream_event",
            EventType::Raw => "raw",
            EventType::Unknown => "unknown",
        }
    }
}

impl std::fmt::Display for EventType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One input line with its classification, as stored and delivered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// The agent the line belongs to.
    pub agent_id: String,
    /// The ccmon run that received it (unique per `stream watch`/`ingest` invocation).
    pub run_id: String,
    /// Line number within the run, from 1; with `run_id`, the de-duplication key.
    pub seq: u64,
    /// Receive time, RFC 3339 UTC with milliseconds.
    pub timestamp: String,
    /// Classification.
    pub event_type: EventType,
    /// The line's top-level `type` ("" for raw lines).
    #[serde(rename = "type")]
    pub type_: String,
    /// The line's `subtype`, if any.
    pub subtype: String,
    /// The line's `session_id`, if any.
    pub session_id: String,
    /// Tool names called on this line, comma-separated (tool_use lines only).
    pub tool: String,
    /// The agent's turn (assistant API messages so far) when the line arrived.
    pub turn_number: u64,
    /// The line exactly as received, without its newline. Not necessarily UTF-8.
    #[serde(with = "bytes_as_string")]
    pub data: Vec<u8>,
    /// For `stream watch`: the agent's stdout byte count after this line (0: not known).
    /// The spool keeps it so that recovery knows which part of the intake is recorded;
    /// it is not an event field.
    #[serde(skip)]
    pub pos: u64,
}

/// The value of one stream field: bytes, or a number that a writer formats itself (so a
/// record's fields cost no allocation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldValue<'a> {
    /// Text or raw bytes, as written.
    Bytes(&'a [u8]),
    /// A decimal number.
    Number(u64),
}

impl FieldValue<'_> {
    /// The bytes as written to a stream entry.
    pub fn to_vec(self) -> Vec<u8> {
        match self {
            FieldValue::Bytes(b) => b.to_vec(),
            FieldValue::Number(n) => n.to_string().into_bytes(),
        }
    }

    /// At most how many bytes the value takes.
    pub fn max_len(self) -> usize {
        match self {
            FieldValue::Bytes(b) => b.len(),
            FieldValue::Number(_) => 20,
        }
    }
}

impl Record {
    /// A `raw` record of `data` with no time, type or session: the start of one built
    /// field by field (`Record { seq: 2, ..Record::raw(...) }`).
    pub fn raw(agent_id: &str, run_id: &str, seq: u64, data: Vec<u8>) -> Record {
        Record {
            agent_id: agent_id.to_owned(),
            run_id: run_id.to_owned(),
            seq,
            timestamp: String::new(),
            event_type: EventType::Raw,
            type_: String::new(),
            subtype: String::new(),
            session_id: String::new(),
            tool: String::new(),
            turn_number: 0,
            data,
            pos: 0,
        }
    }

    /// The stream entry's fields in a fixed order, as Redis `XADD` field/value pairs.
    pub fn fields(&self) -> [(&'static str, FieldValue<'_>); 10] {
        fn text(s: &str) -> FieldValue<'_> {
            FieldValue::Bytes(s.as_bytes())
        }
        [
            ("event_type", text(self.event_type.as_str())),
            ("type", text(&self.type_)),
            ("subtype", text(&self.subtype)),
            ("session_id", text(&self.session_id)),
            ("tool", text(&self.tool)),
            ("turn_number", FieldValue::Number(self.turn_number)),
            ("run_id", text(&self.run_id)),
            ("seq", FieldValue::Number(self.seq)),
            ("timestamp", text(&self.timestamp)),
            ("data", FieldValue::Bytes(&self.data)),
        ]
    }
}

/// Serializes bytes as a string when they are UTF-8 (the normal case, readable in spool
/// files and JSON output), else as `{"base64": ...}`.
mod bytes_as_string {
    use base64::Engine as _;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    #[serde(untagged)]
    enum Repr {
        Text(String),
        Binary { base64: String },
    }

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        match std::str::from_utf8(bytes) {
            Ok(text) => Repr::Text(text.to_owned()).serialize(s),
            Err(_) => Repr::Binary {
                base64: base64::engine::general_purpose::STANDARD.encode(bytes),
            }
            .serialize(s),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        match Repr::deserialize(d)? {
            Repr::Text(text) => Ok(text.into_bytes()),
            Repr::Binary { base64 } => base64::engine::general_purpose::STANDARD
                .decode(base64)
                .map_err(serde::de::Error::custom),
        }
    }
}
