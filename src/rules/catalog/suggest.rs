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

/// The names that differ from `wanted` only by one of [`SUFFIXES`], added or dropped.
pub fn suffix_slips(wanted: &str) -> Vec<String> {
    let mut out = Vec::with_capacity(SUFFIXES.len() + 2);
    for suffix in SUFFIXES {
        out.push(format!("{wanted}{suffix}"));
        if let Some(base) = wanted.strip_suffix(suffix) {
            out.push(base.to_owned());
        }
    }
    out
}

/// Calls `found(name, distance)` for every name of `sorted` (ascending) within the largest
/// edit distance worth suggesting for `wanted` (in bytes, like [`levenshtein`]).
///
/// The sorted names are walked as a trie: the distance rows of a common prefix are kept
/// from one name to the next, and when every entry of a prefix's row exceeds the limit,
/// every name starting with that prefix is skipped at once. Work then grows with the
/// prefixes near `wanted`, not with the number of names.
pub fn within_distance<'n, S: AsRef<str>>(
    wanted: &str,
    sorted: &'n [S],
    mut found: impl FnMut(&'n str, usize),
) {
    let w = wanted.as_bytes();
    let limit = max_distance(wanted);
    let width = w.len() + 1;
    // rows[d * width..][..width] is the distance row after the first d bytes of `current`.
    let mut rows: Vec<usize> = (0..width).collect();
    let mut current: &[u8] = &[];
    let mut i = 0;
    while let Some(name) = sorted.get(i) {
        let name: &'n str = name.as_ref();
        let bytes = name.as_bytes();
        let valid = rows.len() / width - 1;
        let common = current
            .iter()
            .zip(bytes)
            .take(valid)
            .take_while(|(a, b)| a == b)
            .count();
        rows.truncate((common + 1) * width);
        current = bytes;
        let mut pruned = None;
        for (depth, &byte) in bytes.iter().enumerate().skip(common) {
            let base = depth * width;
            rows.push(depth + 1);
            let mut row_min = depth + 1;
            for j in 1..width {
                let cost = usize::from(w[j - 1] != byte);
                let value = (rows[base + j - 1] + cost)
                    .min(rows[base + j] + 1)
                    .min(rows[base + width + j - 1] + 1);
                rows.push(value);
                row_min = row_min.min(value);
            }
            if row_min > limit {
                pruned = Some(depth + 1);
                break;
            }
        }
        match pruned {
            Some(len) => {
                // Every following name with this prefix is out of reach too.
                let prefix = &bytes[..len];
                let rest = sorted.get(i..).unwrap_or(&[]);
                i += rest
                    .partition_point(|n| n.as_ref().as_bytes().starts_with(prefix))
                    .max(1);
            }
            None => {
                let distance = rows[rows.len() - 1];
                if distance <= limit {
                    found(name, distance);
                }
                i += 1;
            }
        }
    }
}

/// How far `candidate` is from `wanted` (lower is closer), or `None` when it is too far to
/// suggest: the scoring that [`super::Catalog::suggest`] applies through bounded lookups,
/// kept whole to test against.
#[cfg(test)]
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
    fn the_trie_walk_finds_what_levenshtein_finds() {
        let mut rng = fastrand::Rng::with_seed(7);
        let mut names: Vec<Box<str>> = (0..400)
            .map(|_| {
                let len = rng.usize(1..14);
                (0..len)
                    .map(|_| rng.choice(b"ab_c:".iter()).map_or('a', |&c| c as char))
                    .collect::<String>()
                    .into()
            })
            .collect();
        names.sort();
        names.dedup();
        for _ in 0..300 {
            let len = rng.usize(0..14);
            let wanted: String = (0..len)
                .map(|_| rng.choice(b"ab_c:".iter()).map_or('a', |&c| c as char))
                .collect();
            let mut got = Vec::new();
            within_distance(&wanted, &names, |n, d| got.push((n.to_owned(), d)));
            let limit = max_distance(&wanted);
            let want: Vec<(String, usize)> = names
                .iter()
                .filter_map(|n| {
                    Some((
                        n.to_string(),
                        levenshtein(wanted.as_bytes(), n.as_bytes(), limit)?,
                    ))
                })
                .collect();
            assert_eq!(got, want, "{wanted:?}");
        }
    }

    #[test]
    fn suffix_slips_rank_first() {
        assert_eq!(score("node_cpu_seconds", "node_cpu_seconds_total"), Some(1));
        assert_eq!(score("up", "up"), None);
        assert_eq!(score("node_load1", "node_load5"), Some(1));
        assert_eq!(score("node_load1", "node_network_up"), None);
    }
}
