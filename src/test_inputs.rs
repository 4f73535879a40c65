//! Inputs for tests (compiled for tests only): a xorshift generator, so a failure reproduces
//! from its seed without a dependency; every short word over an alphabet, for exhaustive
//! checks of small parsers; and a stream-json transcript cut before its end.

/// xorshift64 (Marsaglia): small, fast and the same sequence on every machine.
pub(crate) struct XorShift(pub(crate) u64);

impl XorShift {
    /// The next number of the sequence.
    pub(crate) fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number below `n` (0 when `n` is 0).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// An index into a slice of `len` items (0 when it is empty).
    pub(crate) fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }

    /// One of `items`, which must not be empty.
    pub(crate) fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.index(items.len())]
    }
}

/// Every word of `len` characters over `alphabet`, the first character varying slowest.
pub(crate) fn words(alphabet: &[char], len: u32) -> impl Iterator<Item = String> + '_ {
    let n = alphabet.len();
    (0..n.pow(len)).map(move |mut k| {
        let mut word = vec![' '; len as usize];
        for slot in word.iter_mut().rev() {
            *slot = alphabet[k % n];
            k /= n;
        }
        word.into_iter().collect()
    })
}

/// A stream-json transcript without its `result` line: a run still going, whose cost is
/// only estimated.
pub(crate) fn without_result_line(jsonl: &str) -> String {
    jsonl
        .lines()
        .filter(|l| !l.starts_with(r#"{"type":"result""#))
        .map(|l| format!("{l}\n"))
        .collect()
}
