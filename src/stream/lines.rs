//! Splitting a byte stream into lines without limits on content and with a bound on memory:
//! a line longer than the bound is delivered as several consecutive chunks, so nothing is
//! ever dropped and concatenating the chunks gives the line back.

use std::io::{self, BufRead};

/// Default bound on one line (or chunk) in memory.
pub const DEFAULT_MAX_LINE: usize = 64 * 1024 * 1024;

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
            if let Some(i) = window.iter().position(|&b| b == b'\n') {
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
