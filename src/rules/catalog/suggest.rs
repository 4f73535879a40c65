//! Scoring for "did you mean": edit distance, with a bonus for names that differ only in
//! case or in a conventional suffix (`_total`, `_bytes`, `_seconds`, `_bucket`...), the
//! most common way a rule names a metric nothing emits.

/// Suffixes whose presence or absence is a likely mistake rather than a different metric.
const SUFFIXES: &[&str] = &[
    "_total",
    "_bytes",
    "_seconds",
    "_bytes_total",
    "_seconds_total",
    "_bucket",
    "_count",
    "_sum",
    "_info",
    "_ratio",
    "_celsius",
    "_hertz",
];

/// How far `candidate` is from `wanted` (lower is closer), or `None` when it is too far to
/// suggest.
pub fn score(wanted: &str, candidate: &str) -> Option<usize> {
    if wanted == candidate {
        return None;
    }
    if wanted.eq_ignore_ascii_case(candidate) {
        return Some(1);
    }
    let (short, long) = if wanted.len() < candidate.len() {
        (wanted, candidate)
    } else {
        (candidate, wanted)
    };
    if let Some(rest) = long.strip_prefix(short)
        && SUFFIXES.contains(&rest)
    {
        return Some(1);
    }
    let limit = max_distance(wanted);
    if long.len() - short.len() > limit {
        return None;
    }
    let d = levenshtein(wanted.as_bytes(), candidate.as_bytes(), limit)?;
    // A pure typo (one edit) ties with a suffix slip; anything more ranks behind both.
    Some(if d <= 1 { 1 } else { d + 1 })
}

/// The largest edit distance worth suggesting for a name of this length.
fn max_distance(name: &str) -> usize {
    match name.len() {
        0..=5 => 1,
        6..=12 => 2,
        n => 2 + n / 10,
    }
}

/// Levenshtein distance (in bytes), or `None` as soon as it must exceed `limit`: the one
/// edit distance of the linter (metric names here, field names in `model`).
pub(crate) fn levenshtein(a: &[u8], b: &[u8], limit: usize) -> Option<usize> {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, &ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        let mut row_min = cur[0];
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            row_min = row_min.min(cur[j + 1]);
        }
        if row_min > limit {
            return None;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[b.len()];
    (d <= limit).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(levenshtein(b"kitten", b"sitting", 10), Some(3));
        assert_eq!(levenshtein(b"kitten", b"sitting", 2), None);
        assert_eq!(levenshtein(b"", b"abc", 5), Some(3));
    }

    #[test]
    fn suffix_slips_rank_first() {
        assert_eq!(score("node_cpu_seconds", "node_cpu_seconds_total"), Some(1));
        assert_eq!(score("up", "up"), None);
        assert_eq!(score("node_load1", "node_load5"), Some(1));
        assert_eq!(score("node_load1", "node_network_up"), None);
    }
}
