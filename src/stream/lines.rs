//! Splitting a byte stream into lines without limits on content and with a bound on memory:
//! a line longer than the bound is delivered as several consecutive chunks, so nothing is
//! ever dropped and concatenating the chunks gives the line back.

use std::io::{self, BufRead};

/// Default bound on one line (or chunk) in memory (`--max-line`): a few of these are in
/// flight at once, so it sets the memory of a session with huge lines.
pub const DEFAULT_MAX_LINE: usize = 4 * 1024 * 1024;

/// One line or one chunk of an over-long line, without its `\n`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    /// The bytes.
    pub data: Vec<u8>,
    /// Whether this chunk ends its line (false for all but the last chunk of a long line).
    pub complete: bool,
}

/// Reads lines from a buffered reader.
pub struct LineReader<R> {
    inner: R,
    max: usize,
}

impl<R: BufRead> LineReader<R> {
    /// A reader that delivers at most `max` bytes per chunk (at least 1).
    pub fn new(inner: R, max: usize) -> Self {
        LineReader {
            inner,
            max: max.max(1),
        }
    }

    /// The next line or chunk; `None` at the end of input. A last line without `\n` is
    /// still delivered.
    pub fn next_chunk(&mut self) -> io::Result<Option<Chunk>> {
        let mut data = Vec::new();
        loop {
            let available = match self.inner.fill_buf() {
                Ok(buf) => buf,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                return Ok((!data.is_empty()).then_some(Chunk {
                    data,
                    complete: true,
                }));
            }
            let room = self.max - data.len();
            let window = &available[..available.len().min(room)];
            if let Some(i) = memchr::memchr(b'\n', window) {
                data.extend_from_slice(&window[..i]);
                self.inner.consume(i + 1);
                return Ok(Some(Chunk {
                    data,
                    complete: true,
                }));
            }
            let n = window.len();
            data.extend_from_slice(window);
            self.inner.consume(n);
            if data.len() >= self.max {
                // A line of exactly `max` bytes is still one complete line: look ahead for
                // its newline or the end of input.
                let next = loop {
                    match self.inner.fill_buf() {
                        Ok(buf) => break buf.first().copied(),
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => return Err(e),
                    }
                };
                let complete = match next {
                    None => true,
                    Some(b'\n') => {
                        self.inner.consume(1);
                        true
                    }
                    Some(_) => false,
                };
                return Ok(Some(Chunk { data, complete }));
            }
        }
    }
}

/// Splits bytes that arrive in arbitrary pieces (a child's stdout) into lines, with the
/// same bound and chunking as [`LineReader`].
#[derive(Debug)]
pub struct LineSplitter {
    buf: Vec<u8>,
    max: usize,
}

impl LineSplitter {
    /// A splitter that delivers at most `max` bytes per chunk (at least 1).
    pub fn new(max: usize) -> Self {
        LineSplitter {
            buf: Vec::new(),
            max: max.max(1),
        }
    }

    /// Feeds bytes; calls `emit` for every line or chunk completed by them.
    pub fn push(&mut self, mut bytes: &[u8], mut emit: impl FnMut(Chunk)) {
        while !bytes.is_empty() {
            let room = self.max - self.buf.len();
            let window = &bytes[..bytes.len().min(room)];
            if let Some(i) = memchr::memchr(b'\n', window) {
                self.buf.extend_from_slice(&window[..i]);
                emit(Chunk {
                    data: std::mem::take(&mut self.buf),
                    complete: true,
                });
                bytes = &bytes[i + 1..];
                continue;
            }
            self.buf.extend_from_slice(window);
            bytes = &bytes[window.len()..];
            if self.buf.len() >= self.max {
                // A line of exactly `max` bytes whose newline is next is still complete.
                let complete = bytes.first() == Some(&b'\n');
                if complete {
                    bytes = &bytes[1..];
                }
                emit(Chunk {
                    data: std::mem::take(&mut self.buf),
                    complete,
                });
            }
        }
    }

    /// Ends the input: a last line without a newline is delivered.
    pub fn finish(&mut self) -> Option<Chunk> {
        (!self.buf.is_empty()).then(|| Chunk {
            data: std::mem::take(&mut self.buf),
            complete: true,
        })
    }

    /// Bytes held for an unfinished line.
    pub fn pending(&self) -> usize {
        self.buf.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(input: &[u8], max: usize) -> Vec<Chunk> {
        let mut r = LineReader::new(io::BufReader::with_capacity(4, input), max);
        let mut out = Vec::new();
        while let Some(c) = r.next_chunk().unwrap() {
            out.push(c);
        }
        out
    }

    #[test]
    fn lines_chunks_and_last_line() {
        let c = all(b"ab\n\ncdefg\nhi", 3);
        let got: Vec<(&[u8], bool)> = c.iter().map(|c| (c.data.as_slice(), c.complete)).collect();
        assert_eq!(
            got,
            vec![
                (&b"ab"[..], true),
                (b"", true),
                (b"cde", false),
                (b"fg", true),
                (b"hi", true)
            ]
        );
        assert!(all(b"", 10).is_empty());
        assert_eq!(all(b"\n", 10).len(), 1);
    }

    #[test]
    fn splitter_matches_reader_whatever_the_pieces() {
        let input = b"ab\n\ncdefg\nhij\nklm";
        for max in 1..6 {
            let expected = all(input, max);
            for piece in 1..5 {
                let mut s = LineSplitter::new(max);
                let mut got = Vec::new();
                for part in input.chunks(piece) {
                    s.push(part, |c| got.push(c));
                }
                got.extend(s.finish());
                // The reader looks ahead at EOF; the splitter cannot, so compare contents.
                let join = |cs: &[Chunk]| {
                    cs.iter()
                        .map(|c| c.data.clone())
                        .collect::<Vec<_>>()
                        .concat()
                };
                assert_eq!(join(&got), join(&expected), "max {max} piece {piece}");
            }
        }
    }

    #[test]
    fn never_loses_bytes() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..200 {
            let mut input = Vec::new();
            for _ in 0..(seed % 64) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                input.push(if seed.is_multiple_of(5) {
                    b'\n'
                } else {
                    (seed % 256) as u8
                });
            }
            let max = usize::try_from(seed % 7 + 1).unwrap();
            let mut back = Vec::new();
            for c in all(&input, max) {
                back.extend_from_slice(&c.data);
                if c.complete {
                    back.push(b'\n');
                }
            }
            // The reconstruction equals the input, plus a final newline if it lacked one.
            if !input.is_empty() && !input.ends_with(b"\n") {
                input.push(b'\n');
            }
            assert_eq!(back, input);
        }
    }
}
