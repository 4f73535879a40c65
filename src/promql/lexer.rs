//! The PromQL lexer, a state-for-state port of Prometheus's `promql/parser/lex.go`, so that
//! tokenisation (and therefore every lexer error and its position) matches Prometheus.

use super::ast::Span;
use crate::go_cursor::Cursor;

/// Token kinds; the names follow Prometheus's item types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Eql,
    Comma,
    Colon,
    LeftBrace,
    RightBrace,
    LeftBracket,
    RightBracket,
    LeftParen,
    RightParen,
    Identifier,
    MetricIdentifier,
    Number,
    Duration,
    Str,
    Eof,
    Error,
    // Operators.
    Add,
    Div,
    Eqlc,
    EqlRegex,
    Gte,
    Gtr,
    Land,
    Lor,
    Lss,
    Lte,
    Lunless,
    Mod,
    Mul,
    Neq,
    NeqRegex,
    Pow,
    Sub,
    At,
    Atan2,
    // Aggregators.
    Avg,
    Bottomk,
    Count,
    CountValues,
    Group,
    Max,
    Min,
    Quantile,
    Stddev,
    Stdvar,
    Sum,
    Topk,
    Limitk,
    LimitRatio,
    // Keywords.
    Bool,
    By,
    GroupLeft,
    GroupRight,
    Ignoring,
    Offset,
    Smoothed,
    Anchored,
    On,
    Without,
    // Preprocessors.
    Start,
    End,
    Step,
    Range,
    MaxOf,
    MinOf,
}

impl Kind {
    fn is_operator(self) -> bool {
        use Kind::*;
        matches!(
            self,
            Add | Div
                | Eqlc
                | EqlRegex
                | Gte
                | Gtr
                | Land
                | Lor
                | Lss
                | Lte
                | Lunless
                | Mod
                | Mul
                | Neq
                | NeqRegex
                | Pow
                | Sub
                | At
                | Atan2
        )
    }

    /// Whether the token is an aggregation operator keyword.
    pub fn is_aggregator(self) -> bool {
        use Kind::*;
        matches!(
            self,
            Avg | Bottomk
                | Count
                | CountValues
                | Group
                | Max
                | Min
                | Quantile
                | Stddev
                | Stdvar
                | Sum
                | Topk
                | Limitk
                | LimitRatio
        )
    }

    fn is_keyword(self) -> bool {
        use Kind::*;
        matches!(
            self,
            Bool | By
                | GroupLeft
                | GroupRight
                | Ignoring
                | Offset
                | Smoothed
                | Anchored
                | On
                | Without
        )
    }
}

/// One token with its byte range; for `Error` tokens `message` holds the lexer error.
#[derive(Debug, Clone)]
pub struct Token {
    /// What kind of token this is.
    pub kind: Kind,
    /// Where it is; for errors, from the failing token's start to the end of input.
    pub span: Span,
    /// The lexer error message for `Kind::Error`, empty otherwise.
    pub message: String,
}

impl Token {
    /// The token's source text.
    pub fn text<'a>(&self, input: &'a str) -> &'a str {
        input.get(self.span.start..self.span.end).unwrap_or("")
    }

    /// Prometheus's `Item.desc()`: how the token is named in "unexpected ..." errors.
    pub fn desc(&self, input: &str) -> String {
        let val = self.text(input);
        match self.kind {
            Kind::Eof => "end of input".to_string(),
            Kind::Error => self.message.clone(),
            Kind::Identifier => format!("identifier {}", go_quote(val)),
            Kind::MetricIdentifier => format!("metric identifier {}", go_quote(val)),
            Kind::Str => format!("string {}", truncated_quote(val)),
            Kind::Number => format!("number {}", truncated_quote(val)),
            Kind::Duration => format!("duration {}", truncated_quote(val)),
            k if k.is_keyword() => format!("<{val}>"),
            k if k.is_operator() => format!("<op:{val}>"),
            k if k.is_aggregator() => format!("<aggr:{val}>"),
            _ => truncated_quote(val),
        }
    }
}

/// Go's `%.10q...` for long values, `%q` otherwise.
fn truncated_quote(val: &str) -> String {
    if val.len() > 10 {
        let head: String = val.chars().take(10).collect();
        format!("{}...", go_quote(&head))
    } else {
        go_quote(val)
    }
}

/// Go's `strconv.Quote`, with U+FFFD (and U+FFFC) escaped too.
pub fn go_quote(s: &str) -> String {
    crate::go_quote::quote_with(s, is_go_printable)
}

/// Go's `strconv.QuoteRune`, as [`go_quote`].
pub fn go_quote_rune(c: char) -> String {
    crate::go_quote::quote_rune_with(c, is_go_printable)
}

/// Go's `strconv.IsPrint`, except that U+FFFD is escaped so quoted output re-lexes.
fn is_go_printable(c: char) -> bool {
    crate::go_quote::is_print(c) && !matches!(c, '\u{FFFC}' | '\u{FFFD}')
}

/// Go's `%#U` formatting of a rune.
fn go_unicode(c: char) -> String {
    crate::go_quote::format_rune_u_with(c, is_go_printable)
}

fn is_space(c: Option<char>) -> bool {
    matches!(c, Some(' ' | '\t' | '\n' | '\r'))
}

fn is_alpha(c: Option<char>) -> bool {
    matches!(c, Some(c) if c == '_' || c.is_ascii_alphabetic())
}

fn is_digit(c: Option<char>) -> bool {
    matches!(c, Some(c) if c.is_ascii_digit())
}

fn is_alnum(c: Option<char>) -> bool {
    is_alpha(c) || is_digit(c)
}

fn keyword(word: &str) -> Option<Kind> {
    use Kind::*;
    Some(match word.to_ascii_lowercase().as_str() {
        "and" => Land,
        "or" => Lor,
        "unless" => Lunless,
        "atan2" => Atan2,
        "sum" => Sum,
        "avg" => Avg,
        "count" => Count,
        "min" => Min,
        "max" => Max,
        "group" => Group,
        "stddev" => Stddev,
        "stdvar" => Stdvar,
        "topk" => Topk,
        "bottomk" => Bottomk,
        "count_values" => CountValues,
        "quantile" => Quantile,
        "limitk" => Limitk,
        "limit_ratio" => LimitRatio,
        "offset" => Offset,
        "smoothed" => Smoothed,
        "anchored" => Anchored,
        "by" => By,
        "without" => Without,
        "on" => On,
        "ignoring" => Ignoring,
        "group_left" => GroupLeft,
        "group_right" => GroupRight,
        "bool" => Bool,
        "start" => Start,
        "end" => End,
        "step" => Step,
        "range" => Range,
        "max_of" => MaxOf,
        "min_of" => MinOf,
        "inf" | "nan" => Number,
        _ => return None,
    })
}

#[derive(Clone, Copy)]
enum State {
    Statements,
    InsideBraces,
    DurationExpr,
}

struct Lexer<'a> {
    cur: Cursor<'a>,
    start: usize,
    paren_depth: i64,
    brace_open: bool,
    bracket_open: bool,
    got_colon: bool,
    got_duration: bool,
    string_open: char,
    tokens: Vec<Token>,
}

/// Outcome of one lexing step: continue in a state, or stop (EOF or error emitted).
enum Step {
    Next(State),
    Stop,
}

/// Tokenises the whole input; the last token is `Eof` or `Error`. Comments are dropped.
pub fn lex(input: &str) -> Vec<Token> {
    let mut l = Lexer {
        cur: Cursor::new(input),
        start: 0,
        paren_depth: 0,
        brace_open: false,
        bracket_open: false,
        got_colon: false,
        got_duration: false,
        string_open: '"',
        tokens: Vec::new(),
    };
    let mut state = State::Statements;
    loop {
        let step = match state {
            State::Statements => l.statements(),
            State::InsideBraces => l.inside_braces(),
            State::DurationExpr => l.duration_expr(),
        };
        match step {
            Step::Next(s) => state = s,
            Step::Stop => break,
        }
    }
    l.tokens
}

impl Lexer<'_> {
    fn is(&self, valid: &str) -> bool {
        matches!(self.cur.peek(), Some(c) if valid.contains(c))
    }

    fn emit(&mut self, kind: Kind) {
        self.tokens.push(Token {
            kind,
            span: Span::new(self.start, self.cur.pos),
            message: String::new(),
        });
        self.start = self.cur.pos;
    }

    fn ignore(&mut self) {
        self.start = self.cur.pos;
    }

    /// Emits an error token spanning from the current token start to the end of input,
    /// which is how Prometheus positions lexer errors.
    fn errorf(&mut self, message: String) -> Step {
        self.tokens.push(Token {
            kind: Kind::Error,
            span: Span::new(self.start, self.cur.input.len()),
            message,
        });
        Step::Stop
    }

    fn skip_spaces(&mut self) {
        while is_space(self.cur.peek()) {
            self.cur.next();
        }
        self.ignore();
    }

    fn skip_comment(&mut self) {
        // Comments run to the end of the line; the newline itself is left for the space rule.
        while let Some(c) = self.cur.peek() {
            if c == '\n' || c == '\r' {
                break;
            }
            self.cur.next();
        }
        self.ignore();
    }

    fn statements(&mut self) -> Step {
        if self.brace_open {
            return Step::Next(State::InsideBraces);
        }
        if self.cur.peek() == Some('#') {
            self.skip_comment();
            return Step::Next(State::Statements);
        }
        let r = self.cur.next();
        let Some(c) = r else {
            if self.paren_depth != 0 {
                return self.errorf("unclosed left parenthesis".into());
            }
            if self.bracket_open {
                return self.errorf("unclosed left bracket".into());
            }
            self.emit(Kind::Eof);
            return Step::Stop;
        };
        match c {
            ',' => self.emit(Kind::Comma),
            ' ' | '\t' | '\n' | '\r' => self.skip_spaces(),
            '*' => self.emit(Kind::Mul),
            '/' => self.emit(Kind::Div),
            '%' => self.emit(Kind::Mod),
            '+' => self.emit(Kind::Add),
            '-' => self.emit(Kind::Sub),
            '^' => self.emit(Kind::Pow),
            '=' => match self.cur.peek() {
                Some('=') => {
                    self.cur.next();
                    self.emit(Kind::Eqlc);
                }
                Some('~') => {
                    return self.errorf(format!(
                        "unexpected character after '=': {}",
                        go_quote_rune('~')
                    ));
                }
                _ => self.emit(Kind::Eql),
            },
            '!' => {
                let t = self.cur.next();
                if t != Some('=') {
                    return self.errorf(format!(
                        "unexpected character after '!': {}",
                        go_quote_rune(t.unwrap_or('\u{FFFD}'))
                    ));
                }
                self.emit(Kind::Neq);
            }
            '<' => self.emit_or_eq(Kind::Lss, Kind::Lte),
            '>' => self.emit_or_eq(Kind::Gtr, Kind::Gte),
            c if c.is_ascii_digit() || (c == '.' && is_digit(self.cur.peek())) => {
                self.cur.backup();
                return self.number_or_duration();
            }
            '"' | '\'' => {
                self.string_open = c;
                return self.string();
            }
            '`' => {
                self.string_open = c;
                return self.raw_string();
            }
            c if is_alpha(Some(c)) || c == ':' => {
                if !self.bracket_open {
                    self.cur.backup();
                    return self.keyword_or_identifier();
                }
                if c == ':' {
                    if self.got_colon {
                        return self.errorf(format!("unexpected colon {}", go_quote_rune(c)));
                    }
                    self.emit(Kind::Colon);
                    self.got_colon = true;
                    return Step::Next(State::Statements);
                }
                if matches!(c, 's' | 'S' | 'm' | 'M' | 'r' | 'R') && self.duration_keyword() {
                    return Step::Next(State::Statements);
                }
                return self.errorf(format!(
                    "unexpected character: {}, expected {}",
                    go_quote_rune(c),
                    go_quote_rune(':')
                ));
            }
            '(' | ')' => {
                if let Some(stop) = self.paren(c) {
                    return stop;
                }
            }
            '{' => {
                self.emit(Kind::LeftBrace);
                self.brace_open = true;
                return Step::Next(State::InsideBraces);
            }
            '[' => {
                if self.bracket_open {
                    return self.errorf(format!("unexpected left bracket {}", go_quote_rune(c)));
                }
                self.got_colon = false;
                self.emit(Kind::LeftBracket);
                if is_space(self.cur.peek()) {
                    self.skip_spaces();
                }
                self.bracket_open = true;
                return Step::Next(State::DurationExpr);
            }
            ']' => {
                if !self.bracket_open {
                    return self.errorf(format!("unexpected right bracket {}", go_quote_rune(c)));
                }
                self.emit(Kind::RightBracket);
                self.bracket_open = false;
            }
            '@' => self.emit(Kind::At),
            c => return self.errorf(format!("unexpected character: {}", go_quote_rune(c))),
        }
        Step::Next(State::Statements)
    }

    fn inside_braces(&mut self) -> Step {
        if self.cur.peek() == Some('#') {
            self.skip_comment();
            return Step::Next(State::InsideBraces);
        }
        let Some(c) = self.cur.next() else {
            return self.errorf("unexpected end of input inside braces".into());
        };
        match c {
            ' ' | '\t' | '\n' | '\r' => self.skip_spaces(),
            c if is_alpha(Some(c)) => {
                while is_alnum(self.cur.peek()) {
                    self.cur.next();
                }
                self.emit(Kind::Identifier);
            }
            ',' => self.emit(Kind::Comma),
            '"' | '\'' => {
                self.string_open = c;
                return match self.string() {
                    Step::Next(_) => Step::Next(State::InsideBraces),
                    Step::Stop => Step::Stop,
                };
            }
            '`' => {
                self.string_open = c;
                return match self.raw_string() {
                    Step::Next(_) => Step::Next(State::InsideBraces),
                    Step::Stop => Step::Stop,
                };
            }
            '=' => {
                if self.cur.next() == Some('~') {
                    self.emit(Kind::EqlRegex);
                } else {
                    self.cur.backup();
                    self.emit(Kind::Eql);
                }
            }
            '!' => match self.cur.next() {
                Some('~') => self.emit(Kind::NeqRegex),
                Some('=') => self.emit(Kind::Neq),
                nr => {
                    return self.errorf(format!(
                        "unexpected character after '!' inside braces: {}",
                        go_quote_rune(nr.unwrap_or('\u{FFFD}'))
                    ));
                }
            },
            '{' => return self.errorf(format!("unexpected left brace {}", go_quote_rune(c))),
            '}' => {
                self.emit(Kind::RightBrace);
                self.brace_open = false;
                return Step::Next(State::Statements);
            }
            c => {
                return self.errorf(format!(
                    "unexpected character inside braces: {}",
                    go_quote_rune(c)
                ));
            }
        }
        Step::Next(State::InsideBraces)
    }

    fn duration_expr(&mut self) -> Step {
        let Some(c) = self.cur.next() else {
            return self.errorf("unexpected end of input in duration expression".into());
        };
        match c {
            ']' => {
                self.emit(Kind::RightBracket);
                self.bracket_open = false;
                self.got_colon = false;
                return Step::Next(State::Statements);
            }
            ':' => {
                self.emit(Kind::Colon);
                if !self.got_duration || self.got_colon {
                    // Go's errorf overwrites the item just emitted.
                    self.tokens.pop();
                }
                if !self.got_duration {
                    return self
                        .errorf("unexpected colon before duration in duration expression".into());
                }
                if self.got_colon {
                    return self.errorf("unexpected repeated colon in duration expression".into());
                }
                self.got_colon = true;
            }
            '(' | ')' => {
                if let Some(stop) = self.paren(c) {
                    return stop;
                }
            }
            ' ' | '\t' | '\n' | '\r' => self.skip_spaces(),
            '+' => self.emit(Kind::Add),
            '-' => self.emit(Kind::Sub),
            '*' => self.emit(Kind::Mul),
            '/' => self.emit(Kind::Div),
            '%' => self.emit(Kind::Mod),
            '^' => self.emit(Kind::Pow),
            ',' => self.emit(Kind::Comma),
            's' | 'S' | 'm' | 'M' | 'r' | 'R' => {
                if !self.duration_keyword() {
                    return self.errorf(format!(
                        "unexpected character in duration expression: {}",
                        go_quote_rune(c)
                    ));
                }
            }
            c if c.is_ascii_digit() || (c == '.' && is_digit(self.cur.peek())) => {
                self.cur.backup();
                self.got_duration = true;
                return self.number_or_duration();
            }
            c => {
                return self.errorf(format!(
                    "unexpected character in duration expression: {}",
                    go_quote_rune(c)
                ));
            }
        }
        Step::Next(State::DurationExpr)
    }

    /// `alone`, or `with_eq` when `=` follows (`<` or `<=`, `>` or `>=`).
    fn emit_or_eq(&mut self, alone: Kind, with_eq: Kind) {
        if self.cur.peek() == Some('=') {
            self.cur.next();
            self.emit(with_eq);
        } else {
            self.emit(alone);
        }
    }

    /// `(` or `)`, alike in expressions and in duration expressions: counts the depth and
    /// rejects a `)` that closes nothing. `None`: lexing goes on in the current state.
    fn paren(&mut self, c: char) -> Option<Step> {
        if c == '(' {
            self.emit(Kind::LeftParen);
            self.paren_depth += 1;
            return None;
        }
        self.emit(Kind::RightParen);
        self.paren_depth -= 1;
        if self.paren_depth >= 0 {
            return None;
        }
        // Go's errorf overwrites the item just emitted.
        self.tokens.pop();
        Some(self.errorf(format!("unexpected right parenthesis {}", go_quote_rune(c))))
    }

    /// Recognises `step`, `range`, `max_of` and `min_of` inside brackets; the first letter
    /// is consumed.
    fn duration_keyword(&mut self) -> bool {
        while is_alpha(self.cur.peek()) {
            self.cur.next();
        }
        let word = self.cur.since(self.start).to_ascii_lowercase();
        let kind = match word.as_str() {
            "step" => Kind::Step,
            "range" => Kind::Range,
            "max_of" => Kind::MaxOf,
            "min_of" => Kind::MinOf,
            _ => return false,
        };
        self.emit(kind);
        true
    }

    fn escape(&mut self) -> Result<(), String> {
        let mut ch = self.cur.next();
        let (mut n, base, max): (u32, u32, u32) = match ch {
            Some('a' | 'b' | 'f' | 'n' | 'r' | 't' | 'v' | '\\') => return Ok(()),
            Some(c) if c == self.string_open => return Ok(()),
            Some('0'..='7') => (3, 8, 255),
            Some('x') => {
                ch = self.cur.next();
                (2, 16, 255)
            }
            Some('u') => {
                ch = self.cur.next();
                (4, 16, 0x10FFFF)
            }
            Some('U') => {
                ch = self.cur.next();
                (8, 16, 0x10FFFF)
            }
            None => return Err("escape sequence not terminated".into()),
            Some(c) => return Err(format!("unknown escape sequence {}", go_unicode(c))),
        };
        let mut x: u32 = 0;
        while n > 0 {
            let d = ch.and_then(|c| c.to_digit(16)).unwrap_or(16);
            if d >= base {
                return Err(match ch {
                    None => "escape sequence not terminated".into(),
                    Some(c) => format!("illegal character {} in escape sequence", go_unicode(c)),
                });
            }
            x = x.wrapping_mul(base).wrapping_add(d);
            n -= 1;
            if n > 0 {
                ch = self.cur.next();
            }
        }
        if x > max || (0xD800..0xE000).contains(&x) {
            return Err("escape sequence is an invalid Unicode code point".into());
        }
        Ok(())
    }

    fn string(&mut self) -> Step {
        loop {
            match self.cur.next() {
                Some('\\') => {
                    if let Err(e) = self.escape() {
                        return self.errorf(e);
                    }
                }
                // Go decodes a literal U+FFFD as utf8.RuneError and rejects it.
                Some('\u{FFFD}') => return self.errorf("invalid UTF-8 rune".into()),
                None | Some('\n') => return self.errorf("unterminated quoted string".into()),
                Some(c) if c == self.string_open => break,
                Some(_) => {}
            }
        }
        self.emit(Kind::Str);
        Step::Next(State::Statements)
    }

    fn raw_string(&mut self) -> Step {
        loop {
            match self.cur.next() {
                Some('\u{FFFD}') => return self.errorf("invalid UTF-8 rune".into()),
                None => return self.errorf("unterminated raw string".into()),
                Some(c) if c == self.string_open => break,
                Some(_) => {}
            }
        }
        self.emit(Kind::Str);
        Step::Next(State::Statements)
    }

    fn number_or_duration(&mut self) -> Step {
        if self.scan_number() {
            self.emit(Kind::Number);
            return Step::Next(State::Statements);
        }
        if self.accept_remaining_duration() {
            self.cur.backup();
            self.emit(Kind::Duration);
            return Step::Next(State::Statements);
        }
        let text = self.cur.since(self.start);
        self.errorf(format!("bad number or duration syntax: {}", go_quote(text)))
    }

    fn accept_remaining_duration(&mut self) -> bool {
        if !self.cur.accept("smhdwy") {
            return false;
        }
        self.cur.accept("s");
        while self.cur.accept("0123456789") {
            while self.cur.accept("0123456789") {}
            if !self.cur.accept("smhdw") {
                return false;
            }
            self.cur.accept("s");
        }
        let next = self.cur.next();
        !is_alnum(next)
    }

    /// Go's `scanNumber`: the scanned text is not necessarily a valid number; the parser checks.
    fn scan_number(&mut self) -> bool {
        let initial = self.cur.pos;
        let mut digits = "0123456789";
        if self.cur.accept("0") && self.cur.accept("xX") {
            self.cur.accept("_");
            digits = "0123456789abcdefABCDEF";
        }
        let hex = digits.len() > 10;
        self.cur.accept(".");
        self.cur.accept(digits);
        let mut dot_consumed = false;
        let mut exp_consumed = false;
        while self.is(digits) || self.is("._eE") {
            if self.is(".") && dot_consumed {
                self.cur.accept(".");
                return false;
            }
            if self.is("eE") && exp_consumed {
                self.cur.accept("eE");
                return false;
            }
            if self.cur.accept(".") {
                dot_consumed = true;
                if self.cur.accept("_.") {
                    return false;
                }
                if hex {
                    return false;
                }
                continue;
            }
            if self.cur.accept("eE") {
                exp_consumed = true;
                self.cur.accept("+-");
                if self.cur.accept("._eE") || self.cur.peek().is_none() {
                    return false;
                }
                continue;
            }
            if self.cur.accept("_") {
                if self.cur.accept("._eE") || self.cur.peek().is_none() {
                    return false;
                }
                continue;
            }
            self.cur.accept_run(digits);
        }
        if self.cur.pos == initial {
            return false;
        }
        !is_alnum(self.cur.peek())
    }

    fn keyword_or_identifier(&mut self) -> Step {
        while matches!(self.cur.peek(), Some(c) if c == ':' || is_alnum(Some(c))) {
            self.cur.next();
        }
        let word = self.cur.since(self.start);
        let kind = match keyword(word) {
            Some(k) => k,
            None if word.contains(':') => Kind::MetricIdentifier,
            None => Kind::Identifier,
        };
        self.emit(kind);
        Step::Next(State::Statements)
    }
}
