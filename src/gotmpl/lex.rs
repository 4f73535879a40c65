//! Lexer for Go templates, a port of `text/template/parse/lex.go` (delimiters `{{`/`}}`).
//!
//! The whole input is tokenized eagerly into a vector that always ends in an `Eof` or `Error`
//! item; the parser's look-ahead then becomes plain index arithmetic. Because Go's lexer stops
//! at its first error as well, the token order the parser sees is identical.

use super::strconv::{format_rune_u, quote};
use crate::go_cursor::Cursor;

const LEFT_DELIM: &str = "{{";
const RIGHT_DELIM: &str = "}}";
const LEFT_COMMENT: &str = "/*";
const RIGHT_COMMENT: &str = "*/";
/// Length of the `- ` / ` -` trim markers.
const TRIM_MARKER_LEN: usize = 2;

/// Token kinds, in Go's order; everything from `Block` on is a keyword.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum ItemType {
    Error,
    Bool,
    Char,
    CharConstant,
    Complex,
    Assign,
    Declare,
    Eof,
    Field,
    Identifier,
    LeftDelim,
    LeftParen,
    Number,
    Pipe,
    RawString,
    RightDelim,
    RightParen,
    Space,
    String,
    Text,
    Variable,
    // Keywords.
    Block,
    Break,
    Continue,
    Dot,
    Define,
    Else,
    End,
    If,
    Nil,
    Range,
    Template,
    With,
}

/// One token with its byte range in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Item {
    /// Token kind.
    pub typ: ItemType,
    /// Byte offset of the first byte.
    pub pos: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// Token text (or the error message for `Error`).
    pub val: String,
}

impl Item {
    /// Go's `item.String()`, used inside "unexpected X in Y" messages.
    pub(super) fn describe(&self) -> String {
        match self.typ {
            ItemType::Eof => "EOF".to_string(),
            ItemType::Error => self.val.clone(),
            t if t >= ItemType::Block => format!("<{}>", self.val),
            _ => {
                // Go tests the byte length but `%.10q` truncates to ten runes.
                if self.val.len() > 10 {
                    let head: String = self.val.chars().take(10).collect();
                    format!("{}...", quote(&head))
                } else {
                    quote(&self.val)
                }
            }
        }
    }
}

fn keyword(word: &str) -> Option<ItemType> {
    Some(match word {
        "block" => ItemType::Block,
        "break" => ItemType::Break,
        "continue" => ItemType::Continue,
        "define" => ItemType::Define,
        "else" => ItemType::Else,
        "end" => ItemType::End,
        "if" => ItemType::If,
        "range" => ItemType::Range,
        "nil" => ItemType::Nil,
        "template" => ItemType::Template,
        "with" => ItemType::With,
        _ => return None,
    })
}

/// Go's `isSpace`: the characters that separate arguments (newlines included since Go 1.16).
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// Go's `isAlphaNumeric` (`unicode.IsLetter`/`IsDigit` approximated by Rust's classes).
pub(super) fn is_alphanumeric(c: char) -> bool {
    c == '_' || c.is_alphabetic() || c.is_numeric()
}

fn has_left_trim_marker(s: &str) -> bool {
    matches!(s.as_bytes(), [b'-', c, ..] if is_space(*c as char))
}

fn has_right_trim_marker(s: &str) -> bool {
    matches!(s.as_bytes(), [c, b'-', ..] if is_space(*c as char))
}

fn trim_set(c: char) -> bool {
    is_space(c)
}

/// Lexer states (Go's `stateFn`s).
#[derive(Debug, Clone, Copy)]
enum State {
    Text,
    LeftDelim,
    Comment,
    RightDelim,
    InsideAction,
    Space,
    Identifier,
    Field,
    Variable,
    Char,
    Number,
    Quote,
    RawQuote,
}

struct Lexer<'a> {
    cur: Cursor<'a>,
    start: usize,
    paren_depth: i64,
    /// Offset of the `{{` that opened the current action, for "unclosed action" spans.
    action_start: usize,
    break_ok: bool,
    continue_ok: bool,
    items: Vec<Item>,
}

/// Tokenizes `input`. `break_ok`/`continue_ok` say whether those words are keywords (Go makes
/// them plain identifiers when a function of that name exists).
pub(super) fn lex(input: &str, break_ok: bool, continue_ok: bool) -> Vec<Item> {
    let mut l = Lexer {
        cur: Cursor::new(input),
        start: 0,
        paren_depth: 0,
        action_start: 0,
        break_ok,
        continue_ok,
        items: Vec::new(),
    };
    let mut state = Some(State::Text);
    while let Some(s) = state {
        state = l.step(s);
    }
    l.items
}

impl Lexer<'_> {
    fn emit(&mut self, typ: ItemType) {
        let val = self.cur.since(self.start).to_string();
        self.items.push(Item {
            typ,
            pos: self.start,
            end: self.cur.pos,
            val,
        });
        self.start = self.cur.pos;
    }

    fn emit_span(&mut self, typ: ItemType, pos: usize, end: usize) {
        let val = self.cur.input.get(pos..end).unwrap_or("").to_string();
        self.items.push(Item { typ, pos, end, val });
    }

    fn error_at(&mut self, pos: usize, end: usize, msg: String) -> Option<State> {
        self.items.push(Item {
            typ: ItemType::Error,
            pos,
            end: end.max(pos),
            val: msg,
        });
        None
    }

    fn errorf(&mut self, msg: String) -> Option<State> {
        self.error_at(self.start, self.cur.pos, msg)
    }

    /// Reports the character that illegally follows a word; the span covers just that
    /// character, which is what a caret should point at.
    fn bad_character(&mut self) -> Option<State> {
        let c = self.cur.peek().unwrap_or('\u{FFFD}');
        let at = self.cur.pos;
        self.error_at(
            at,
            at + c.len_utf8(),
            format!("bad character {}", format_rune_u(c)),
        )
    }

    fn at_right_delim(&self) -> (bool, bool) {
        let rest = self.cur.rest();
        if has_right_trim_marker(rest)
            && rest
                .get(TRIM_MARKER_LEN..)
                .is_some_and(|r| r.starts_with(RIGHT_DELIM))
        {
            return (true, true);
        }
        (rest.starts_with(RIGHT_DELIM), false)
    }

    fn at_terminator(&self) -> bool {
        match self.cur.peek() {
            None => true,
            Some(c) if is_space(c) => true,
            Some('.' | ',' | '|' | ':' | ')' | '(') => true,
            Some(_) => self.cur.rest().starts_with(RIGHT_DELIM),
        }
    }

    fn step(&mut self, state: State) -> Option<State> {
        match state {
            State::Text => self.lex_text(),
            State::LeftDelim => self.lex_left_delim(),
            State::Comment => self.lex_comment(),
            State::RightDelim => self.lex_right_delim(),
            State::InsideAction => self.lex_inside_action(),
            State::Space => self.lex_space(),
            State::Identifier => self.lex_identifier(),
            State::Field => self.lex_field_or_variable(ItemType::Field),
            State::Variable => {
                if self.at_terminator() {
                    self.emit(ItemType::Variable);
                    return Some(State::InsideAction);
                }
                self.lex_field_or_variable(ItemType::Variable)
            }
            State::Char => self.lex_delimited(
                '\'',
                "unterminated character constant",
                ItemType::CharConstant,
            ),
            State::Quote => self.lex_delimited('"', "unterminated quoted string", ItemType::String),
            State::RawQuote => self.lex_raw_quote(),
            State::Number => self.lex_number(),
        }
    }

    fn lex_text(&mut self) -> Option<State> {
        if let Some(x) = self.cur.rest().find(LEFT_DELIM) {
            if x > 0 {
                self.cur.pos += x;
                let delim_end = self.cur.pos + LEFT_DELIM.len();
                let mut trim = 0;
                if has_left_trim_marker(self.cur.input.get(delim_end..).unwrap_or("")) {
                    let text = self.cur.since(self.start);
                    trim = text.len() - text.trim_end_matches(trim_set).len();
                }
                let text_end = self.cur.pos - trim;
                if text_end > self.start {
                    self.emit_span(ItemType::Text, self.start, text_end);
                }
                self.start = self.cur.pos;
            }
            return Some(State::LeftDelim);
        }
        self.cur.pos = self.cur.input.len();
        if self.cur.pos > self.start {
            self.emit(ItemType::Text);
        }
        self.emit(ItemType::Eof);
        None
    }

    fn lex_left_delim(&mut self) -> Option<State> {
        self.action_start = self.cur.pos;
        self.cur.pos += LEFT_DELIM.len();
        let trim = has_left_trim_marker(self.cur.rest());
        let after = if trim { TRIM_MARKER_LEN } else { 0 };
        if self
            .cur
            .input
            .get(self.cur.pos + after..)
            .unwrap_or("")
            .starts_with(LEFT_COMMENT)
        {
            self.cur.pos += after;
            self.start = self.cur.pos;
            return Some(State::Comment);
        }
        self.emit_span(ItemType::LeftDelim, self.action_start, self.cur.pos);
        self.cur.pos += after;
        self.start = self.cur.pos;
        self.paren_depth = 0;
        Some(State::InsideAction)
    }

    fn lex_comment(&mut self) -> Option<State> {
        self.cur.pos += LEFT_COMMENT.len();
        let Some(x) = self.cur.rest().find(RIGHT_COMMENT) else {
            return self.error_at(
                self.action_start,
                self.cur.input.len(),
                "unclosed comment".to_string(),
            );
        };
        self.cur.pos += x + RIGHT_COMMENT.len();
        let (delim, trim) = self.at_right_delim();
        if !delim {
            return self.error_at(
                self.action_start,
                self.cur.pos,
                "comment ends before closing delimiter".to_string(),
            );
        }
        if trim {
            self.cur.pos += TRIM_MARKER_LEN;
        }
        self.cur.pos += RIGHT_DELIM.len();
        if trim {
            self.skip_trimmed_space();
        }
        self.start = self.cur.pos;
        Some(State::Text)
    }

    fn lex_right_delim(&mut self) -> Option<State> {
        let (_, trim) = self.at_right_delim();
        if trim {
            self.cur.pos += TRIM_MARKER_LEN;
            self.start = self.cur.pos;
        }
        self.cur.pos += RIGHT_DELIM.len();
        self.emit(ItemType::RightDelim);
        if trim {
            self.skip_trimmed_space();
        }
        Some(State::Text)
    }

    /// After ` -}}`: the spaces that follow belong to no item (Go trims them off the text).
    fn skip_trimmed_space(&mut self) {
        let rest = self.cur.rest();
        self.cur.pos += rest.len() - rest.trim_start_matches(trim_set).len();
        self.start = self.cur.pos;
    }

    fn lex_inside_action(&mut self) -> Option<State> {
        let (delim, _) = self.at_right_delim();
        if delim {
            if self.paren_depth == 0 {
                return Some(State::RightDelim);
            }
            return self.errorf("unclosed left paren".to_string());
        }
        let Some(r) = self.cur.next() else {
            return self.error_at(
                self.action_start,
                self.cur.input.len(),
                "unclosed action".to_string(),
            );
        };
        match r {
            c if is_space(c) => {
                self.cur.backup();
                return Some(State::Space);
            }
            '=' => self.emit(ItemType::Assign),
            ':' => {
                if self.cur.next() != Some('=') {
                    return self.errorf("expected :=".to_string());
                }
                self.emit(ItemType::Declare);
            }
            '|' => self.emit(ItemType::Pipe),
            '"' => return Some(State::Quote),
            '`' => return Some(State::RawQuote),
            '$' => return Some(State::Variable),
            '\'' => return Some(State::Char),
            '.' => {
                // Special look-ahead for ".field" so a '.' before a digit starts a number.
                match self.cur.input.as_bytes().get(self.cur.pos) {
                    Some(b) if b.is_ascii_digit() => {
                        self.cur.backup();
                        return Some(State::Number);
                    }
                    Some(_) => return Some(State::Field),
                    None => {
                        self.cur.backup();
                        return Some(State::Number);
                    }
                }
            }
            '+' | '-' | '0'..='9' => {
                self.cur.backup();
                return Some(State::Number);
            }
            c if is_alphanumeric(c) => {
                self.cur.backup();
                return Some(State::Identifier);
            }
            '(' => {
                self.paren_depth += 1;
                self.emit(ItemType::LeftParen);
            }
            ')' => {
                self.paren_depth -= 1;
                if self.paren_depth < 0 {
                    return self.errorf("unexpected right paren".to_string());
                }
                self.emit(ItemType::RightParen);
            }
            c if c.is_ascii() && !c.is_ascii_control() => self.emit(ItemType::Char),
            c => {
                return self.errorf(format!(
                    "unrecognized character in action: {}",
                    format_rune_u(c)
                ));
            }
        }
        Some(State::InsideAction)
    }

    fn lex_space(&mut self) -> Option<State> {
        let mut num_spaces = 0;
        while let Some(c) = self.cur.peek() {
            if !is_space(c) {
                break;
            }
            self.cur.next();
            num_spaces += 1;
        }
        // A trim-marked closing delimiter starts with a space: leave that space to it.
        let before = self
            .cur
            .input
            .get(self.cur.pos.saturating_sub(1)..)
            .unwrap_or("");
        if has_right_trim_marker(before)
            && before
                .get(TRIM_MARKER_LEN..)
                .is_some_and(|r| r.starts_with(RIGHT_DELIM))
        {
            self.cur.pos -= 1;
            if num_spaces == 1 {
                return Some(State::RightDelim);
            }
        }
        self.emit(ItemType::Space);
        Some(State::InsideAction)
    }

    fn lex_identifier(&mut self) -> Option<State> {
        self.cur.accept_while(is_alphanumeric);
        if !self.at_terminator() {
            return self.bad_character();
        }
        let word = self.cur.since(self.start);
        let typ = match keyword(word) {
            Some(ItemType::Break) if !self.break_ok => ItemType::Identifier,
            Some(ItemType::Continue) if !self.continue_ok => ItemType::Identifier,
            Some(k) => k,
            None if word == "true" || word == "false" => ItemType::Bool,
            None => ItemType::Identifier,
        };
        self.emit(typ);
        Some(State::InsideAction)
    }

    fn lex_field_or_variable(&mut self, typ: ItemType) -> Option<State> {
        if self.at_terminator() {
            // Nothing interesting follows: "." or "$".
            self.emit(if typ == ItemType::Variable {
                ItemType::Variable
            } else {
                ItemType::Dot
            });
            return Some(State::InsideAction);
        }
        self.cur.accept_while(is_alphanumeric);
        if !self.at_terminator() {
            return self.bad_character();
        }
        self.emit(typ);
        Some(State::InsideAction)
    }

    fn lex_delimited(&mut self, close: char, unterminated: &str, typ: ItemType) -> Option<State> {
        loop {
            match self.cur.next() {
                Some('\\') => match self.cur.next() {
                    None | Some('\n') => {
                        return self.error_at(self.start, self.cur.pos, unterminated.to_string());
                    }
                    Some(_) => {}
                },
                None | Some('\n') => {
                    return self.error_at(self.start, self.cur.pos, unterminated.to_string());
                }
                Some(c) if c == close => break,
                Some(_) => {}
            }
        }
        self.emit(typ);
        Some(State::InsideAction)
    }

    fn lex_raw_quote(&mut self) -> Option<State> {
        loop {
            match self.cur.next() {
                None => return self.errorf("unterminated raw quoted string".to_string()),
                Some('`') => break,
                Some(_) => {}
            }
        }
        self.emit(ItemType::RawString);
        Some(State::InsideAction)
    }

    fn lex_number(&mut self) -> Option<State> {
        if !self.scan_number() {
            let text = self.cur.since(self.start);
            return self.errorf(format!("bad number syntax: {}", quote(text)));
        }
        if matches!(self.cur.peek(), Some('+' | '-')) {
            // Complex: 1+2i. No spaces, must end in 'i'.
            if !self.scan_number()
                || !self
                    .cur
                    .input
                    .get(..self.cur.pos)
                    .unwrap_or("")
                    .ends_with('i')
            {
                let text = self.cur.since(self.start);
                return self.errorf(format!("bad number syntax: {}", quote(text)));
            }
            self.emit(ItemType::Complex);
        } else {
            self.emit(ItemType::Number);
        }
        Some(State::InsideAction)
    }

    fn scan_number(&mut self) -> bool {
        const DEC: &str = "0123456789_";
        const HEX: &str = "0123456789abcdefABCDEF_";
        self.cur.accept("+-");
        let mut digits = DEC;
        if self.cur.accept("0") {
            // A leading 0 does not mean octal in floats.
            if self.cur.accept("xX") {
                digits = HEX;
            } else if self.cur.accept("oO") {
                digits = "01234567_";
            } else if self.cur.accept("bB") {
                digits = "01_";
            }
        }
        self.cur.accept_run(digits);
        if self.cur.accept(".") {
            self.cur.accept_run(digits);
        }
        if digits == DEC && self.cur.accept("eE") {
            self.cur.accept("+-");
            self.cur.accept_run(DEC);
        }
        if digits == HEX && self.cur.accept("pP") {
            self.cur.accept("+-");
            self.cur.accept_run(DEC);
        }
        // Imaginary?
        self.cur.accept("i");
        // The next thing mustn't be alphanumeric.
        if self.cur.peek().is_some_and(is_alphanumeric) {
            self.cur.next();
            return false;
        }
        true
    }
}
