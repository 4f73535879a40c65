//! Regular-expression checks for `=~`/`!~` matchers without a regex engine: RE2 syntax
//! validation with Go's `regexp/syntax` error wording, and whether a pattern matches "".

/// What the previous item was, for repetition-operator rules.
#[derive(Clone, Copy, PartialEq)]
enum Last {
    /// Nothing to repeat (start, after `(` or `|`).
    Nothing,
    /// An atom that may be repeated.
    Atom,
    /// A repetition operator; another one directly after it is "nested".
    Repeat,
}

fn err(code: &str, arg: &str) -> String {
    format!("error parsing regexp: {code}: `{arg}`")
}

fn text(c: &[char], from: usize, to: usize) -> String {
    c.get(from..to.min(c.len())).unwrap_or(&[]).iter().collect()
}

/// Parses `{n}`, `{n,}` or `{n,m}` at `i`; returns (end index, min, max) when well-formed.
fn repeat_braces(c: &[char], i: usize) -> Option<(usize, u64, Option<u64>)> {
    let mut j = i + 1;
    let digits = |j: &mut usize| {
        let start = *j;
        while c.get(*j).is_some_and(|d| d.is_ascii_digit()) {
            *j += 1;
        }
        text(c, start, *j).parse::<u64>().ok()
    };
    let min = digits(&mut j)?;
    let mut max = Some(min);
    if c.get(j) == Some(&',') {
        j += 1;
        max = if c.get(j) == Some(&'}') {
            None
        } else {
            Some(digits(&mut j)?)
        };
    }
    (c.get(j) == Some(&'}')).then_some((j + 1, min, max))
}

/// Validates an escape at `i` (pointing at the backslash); returns the index after it.
fn escape(c: &[char], i: usize, in_class: bool) -> Result<usize, String> {
    let bad = |end: usize| Err(err("invalid escape sequence", &text(c, i, end)));
    let Some(&e) = c.get(i + 1) else {
        return Err(err("trailing backslash at end of expression", ""));
    };
    match e {
        'a' | 'f' | 't' | 'n' | 'r' | 'v' | 'd' | 'D' | 's' | 'S' | 'w' | 'W' => Ok(i + 2),
        'A' | 'b' | 'B' | 'z' if !in_class => Ok(i + 2),
        '0'..='7' => {
            // Octal: \0 is fine, \1-\7 only as part of an octal escape of up to three digits
            // started by 0 (Go rejects backreferences).
            if e != '0' && !c.get(i + 2).is_some_and(|d| d.is_digit(8)) {
                return bad(i + 2);
            }
            let mut j = i + 1;
            while j < i + 4 && c.get(j).is_some_and(|d| d.is_digit(8)) {
                j += 1;
            }
            Ok(j)
        }
        'x' => {
            if c.get(i + 2) == Some(&'{') {
                let mut j = i + 3;
                while c.get(j).is_some_and(|d| d.is_ascii_hexdigit()) {
                    j += 1;
                }
                if j > i + 3 && c.get(j) == Some(&'}') {
                    Ok(j + 1)
                } else {
                    bad(j + 1)
                }
            } else if c.get(i + 2).is_some_and(|d| d.is_ascii_hexdigit())
                && c.get(i + 3).is_some_and(|d| d.is_ascii_hexdigit())
            {
                Ok(i + 4)
            } else {
                bad(i + 4)
            }
        }
        'p' | 'P' => {
            if c.get(i + 2) == Some(&'{') {
                let mut j = i + 3;
                while c.get(j).is_some_and(|d| *d != '}') {
                    j += 1;
                }
                if c.get(j) == Some(&'}') {
                    Ok(j + 1)
                } else {
                    Err(err("invalid character class range", &text(c, i, j)))
                }
            } else if c.get(i + 2).is_some() {
                Ok(i + 3)
            } else {
                bad(i + 2)
            }
        }
        'Q' if !in_class => {
            let mut j = i + 2;
            while j < c.len() && !(c.get(j) == Some(&'\\') && c.get(j + 1) == Some(&'E')) {
                j += 1;
            }
            Ok((j + 2).min(c.len()))
        }
        c2 if c2.is_ascii_alphanumeric() => bad(i + 2),
        _ => Ok(i + 2),
    }
}

/// Validates a character class starting at `i` (pointing at `[`); returns the index after it.
fn class(c: &[char], i: usize) -> Result<usize, String> {
    let missing = || err("missing closing ]", &text(c, i, c.len()));
    let mut j = i + 1;
    if c.get(j) == Some(&'^') {
        j += 1;
    }
    let mut first = true;
    loop {
        let Some(&ch) = c.get(j) else {
            return Err(missing());
        };
        if ch == ']' && !first {
            return Ok(j + 1);
        }
        first = false;
        if ch == '[' && c.get(j + 1) == Some(&':') {
            let mut k = j + 2;
            while c.get(k).is_some_and(|x| *x != ']') {
                k += 1;
            }
            j = k + 1;
            continue;
        }
        let (lo, next) = if ch == '\\' {
            let end = escape(c, j, true)?;
            let single = end == j + 2 && !c.get(j + 1).is_some_and(|x| "dDsSwWpP".contains(*x));
            (if single { c.get(j + 1).copied() } else { None }, end)
        } else {
            (Some(ch), j + 1)
        };
        // A range lo-hi (a '-' right before ']' is literal).
        if let Some(lo) = lo
            && c.get(next) == Some(&'-')
            && c.get(next + 1).is_some_and(|x| *x != ']')
        {
            let hi_at = next + 1;
            let (hi, end) = match c.get(hi_at) {
                Some('\\') => {
                    let end = escape(c, hi_at, true)?;
                    (c.get(hi_at + 1).copied(), end)
                }
                Some(&h) => (Some(h), hi_at + 1),
                None => return Err(missing()),
            };
            if hi.is_some_and(|h| h < lo) {
                return Err(err("invalid character class range", &text(c, j, end)));
            }
            j = end;
            continue;
        }
        j = next;
    }
}

/// Checks `re` against RE2 syntax as Go's `regexp/syntax` does (Perl flags), returning Go's message.
pub fn validate_regex(re: &str) -> Result<(), String> {
    let c: Vec<char> = re.chars().collect();
    let mut depth = 0usize;
    let mut last = Last::Nothing;
    let mut last_start = 0usize;
    let mut i = 0;
    while let Some(&ch) = c.get(i) {
        match ch {
            '(' => {
                let mut j = i + 1;
                if c.get(j) == Some(&'?') {
                    j += 1;
                    if c.get(j) == Some(&'P')
                        || (c.get(j) == Some(&'<')
                            && c.get(j + 1) != Some(&'=')
                            && c.get(j + 1) != Some(&'!'))
                    {
                        // Named group.
                        if c.get(j) == Some(&'P') {
                            j += 1;
                        }
                        let start = j;
                        while c.get(j).is_some_and(|x| *x != '>') {
                            j += 1;
                        }
                        let name = text(c.as_slice(), start + 1, j);
                        if c.get(start) != Some(&'<')
                            || c.get(j) != Some(&'>')
                            || name.is_empty()
                            || !name.chars().all(|x| x == '_' || x.is_alphanumeric())
                        {
                            return Err(err("invalid named capture", &text(&c, i, j + 1)));
                        }
                        j += 1;
                    } else {
                        let start = j;
                        while c.get(j).is_some_and(|x| "imsU-".contains(*x)) {
                            j += 1;
                        }
                        match c.get(j) {
                            Some(')') if j > start => {
                                // Flag-only group such as (?i): nothing to repeat afterwards either.
                                i = j + 1;
                                continue;
                            }
                            Some(':') => j += 1,
                            _ => {
                                return Err(err(
                                    "invalid or unsupported Perl syntax",
                                    &text(&c, i, j + 1),
                                ));
                            }
                        }
                    }
                }
                depth += 1;
                last = Last::Nothing;
                i = j;
            }
            ')' => {
                if depth == 0 {
                    return Err(err("unexpected )", re));
                }
                depth -= 1;
                last = Last::Atom;
                last_start = i;
                i += 1;
            }
            '|' => {
                last = Last::Nothing;
                i += 1;
            }
            '*' | '+' | '?' | '{' => {
                let (end, bad_count) = if ch == '{' {
                    match repeat_braces(&c, i) {
                        Some((end, min, max)) => {
                            (end, min > 1000 || max.is_some_and(|m| m > 1000 || m < min))
                        }
                        None => {
                            // A '{' that does not start a repetition is a literal.
                            last = Last::Atom;
                            last_start = i;
                            i += 1;
                            continue;
                        }
                    }
                } else {
                    (i + 1, false)
                };
                let mut end = end;
                if c.get(end) == Some(&'?') {
                    end += 1; // Non-greedy form.
                }
                match last {
                    Last::Nothing => {
                        return Err(err(
                            "missing argument to repetition operator",
                            &text(&c, i, end),
                        ));
                    }
                    Last::Repeat => {
                        return Err(err(
                            "invalid nested repetition operator",
                            &text(&c, last_start, end),
                        ));
                    }
                    Last::Atom => {}
                }
                if bad_count {
                    return Err(err("invalid repeat count", &text(&c, i, end)));
                }
                last = Last::Repeat;
                last_start = i;
                i = end;
            }
            '[' => {
                last_start = i;
                i = class(&c, i)?;
                last = Last::Atom;
            }
            '\\' => {
                last_start = i;
                i = escape(&c, i, false)?;
                last = Last::Atom;
            }
            _ => {
                last_start = i;
                last = Last::Atom;
                i += 1;
            }
        }
    }
    if depth > 0 {
        return Err(err("missing closing )", re));
    }
    Ok(())
}

/// Whether the fully anchored RE2 regex `re` matches the empty string, by a structural
/// nullability analysis (alternation, concatenation, groups, classes, repetition).
pub fn regex_matches_empty(re: &str) -> bool {
    let chars: Vec<char> = re.chars().collect();
    let mut pos = 0;
    alternation(&chars, &mut pos, 0)
}

fn alternation(c: &[char], pos: &mut usize, depth: usize) -> bool {
    let mut any = concat(c, pos, depth);
    while c.get(*pos) == Some(&'|') {
        *pos += 1;
        let branch = concat(c, pos, depth);
        any = any || branch;
    }
    any
}

fn concat(c: &[char], pos: &mut usize, depth: usize) -> bool {
    let mut all = true;
    while let Some(&ch) = c.get(*pos) {
        if ch == '|' || ch == ')' {
            break;
        }
        let mut atom = atom(c, pos, depth);
        // Repetition operators.
        loop {
            match c.get(*pos) {
                Some('*') | Some('?') => {
                    *pos += 1;
                    atom = true;
                }
                Some('+') => *pos += 1,
                Some('{') => {
                    let start = *pos;
                    let mut j = *pos + 1;
                    let mut min = String::new();
                    while let Some(d) = c.get(j).filter(|d| d.is_ascii_digit()) {
                        min.push(*d);
                        j += 1;
                    }
                    let mut k = j;
                    while let Some(ch) = c.get(k).filter(|ch| ch.is_ascii_digit() || **ch == ',') {
                        let _ = ch;
                        k += 1;
                    }
                    if !min.is_empty() && c.get(k) == Some(&'}') {
                        *pos = k + 1;
                        if min.parse::<u64>() == Ok(0) {
                            atom = true;
                        }
                    } else {
                        // Not a repetition: a literal '{'.
                        *pos = start;
                        break;
                    }
                }
                _ => break,
            }
            if c.get(*pos) == Some(&'?') {
                // Lazy modifier.
                *pos += 1;
            }
        }
        all = all && atom;
    }
    all
}

fn atom(c: &[char], pos: &mut usize, depth: usize) -> bool {
    let Some(&ch) = c.get(*pos) else { return true };
    *pos += 1;
    match ch {
        '(' => {
            if depth > 100 {
                return false;
            }
            let mut flags_only = false;
            if c.get(*pos) == Some(&'?') {
                // (?:...), (?P<name>...), (?<name>...), (?i) and (?i:...)
                *pos += 1;
                if matches!(c.get(*pos), Some('P') | Some('<')) {
                    while let Some(&x) = c.get(*pos) {
                        *pos += 1;
                        if x == '>' {
                            break;
                        }
                    }
                } else {
                    while let Some(&x) = c.get(*pos) {
                        if x == ':' {
                            *pos += 1;
                            break;
                        }
                        if x == ')' {
                            flags_only = true;
                            break;
                        }
                        *pos += 1;
                    }
                }
            }
            let inner = if flags_only {
                true
            } else {
                alternation(c, pos, depth + 1)
            };
            if c.get(*pos) == Some(&')') {
                *pos += 1;
            }
            inner
        }
        '[' => {
            // Character class: skip to the closing bracket (a leading ']' or '^]' is literal).
            if c.get(*pos) == Some(&'^') {
                *pos += 1;
            }
            if c.get(*pos) == Some(&']') {
                *pos += 1;
            }
            while let Some(&x) = c.get(*pos) {
                *pos += 1;
                if x == '\\' {
                    *pos += 1;
                } else if x == '[' && c.get(*pos) == Some(&':') {
                    while let Some(&y) = c.get(*pos) {
                        *pos += 1;
                        if y == ']' {
                            break;
                        }
                    }
                } else if x == ']' {
                    break;
                }
            }
            false
        }
        '\\' => {
            let e = c.get(*pos).copied();
            *pos += 1;
            match e {
                Some('b' | 'B' | 'A' | 'z') => true,
                Some('p' | 'P') => {
                    if c.get(*pos) == Some(&'{') {
                        while let Some(&x) = c.get(*pos) {
                            *pos += 1;
                            if x == '}' {
                                break;
                            }
                        }
                    } else {
                        *pos += 1;
                    }
                    false
                }
                Some('Q') => {
                    // Literal text up to \E; empty \Q\E matches empty.
                    let mut empty = true;
                    while let Some(&x) = c.get(*pos) {
                        if x == '\\' && c.get(*pos + 1) == Some(&'E') {
                            *pos += 2;
                            break;
                        }
                        empty = false;
                        *pos += 1;
                    }
                    empty
                }
                _ => false,
            }
        }
        '^' | '$' => true,
        _ => false,
    }
}
