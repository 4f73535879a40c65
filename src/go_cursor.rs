//! The character cursor under both Go-derived lexers (PromQL's, after Prometheus's
//! `promql/parser/lex.go`, and the template lexer, after Go's `text/template/parse/lex.go`):
//! Go's `next`, `backup`, `peek`, `accept` and `acceptRun` over a UTF-8 string. The two
//! languages lex differently; this part of them is the same code, so it is written once.

/// A position in the input and the width of the last character read.
pub(crate) struct Cursor<'a> {
    /// The whole input.
    pub(crate) input: &'a str,
    /// Byte offset of the next character.
    pub(crate) pos: usize,
    /// Byte length of the character `next` last returned (0 after `backup` or at the end),
    /// so `backup` undoes exactly one `next`.
    width: usize,
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `input`.
    pub(crate) fn new(input: &'a str) -> Self {
        Cursor {
            input,
            pos: 0,
            width: 0,
        }
    }

    /// The input from the cursor on.
    pub(crate) fn rest(&self) -> &'a str {
        self.input.get(self.pos..).unwrap_or("")
    }

    /// The text from `start` to the cursor (the item being scanned).
    pub(crate) fn since(&self, start: usize) -> &'a str {
        self.input.get(start..self.pos).unwrap_or("")
    }

    /// Reads one character; `None` at the end.
    pub(crate) fn next(&mut self) -> Option<char> {
        match self.peek() {
            Some(c) => {
                self.width = c.len_utf8();
                self.pos += self.width;
                Some(c)
            }
            None => {
                self.width = 0;
                None
            }
        }
    }

    /// The next character, without reading it.
    pub(crate) fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    /// Steps back over the character `next` just read (once only, as in Go).
    pub(crate) fn backup(&mut self) {
        self.pos = self.pos.saturating_sub(self.width);
        self.width = 0;
    }

    /// Reads the next character if it is one of `valid`.
    pub(crate) fn accept(&mut self, valid: &str) -> bool {
        match self.next() {
            Some(c) if valid.contains(c) => true,
            _ => {
                self.backup();
                false
            }
        }
    }

    /// Reads characters while they are in `valid`.
    pub(crate) fn accept_run(&mut self, valid: &str) {
        self.accept_while(|c| valid.contains(c));
    }

    /// Reads characters while `valid` holds for them.
    pub(crate) fn accept_while(&mut self, valid: impl Fn(char) -> bool) {
        loop {
            match self.next() {
                Some(c) if valid(c) => {}
                _ => {
                    self.backup();
                    return;
                }
            }
        }
    }
}
