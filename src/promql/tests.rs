//! Tests for the PromQL parser: the corpus transcribed from Prometheus's own parser tests,
//! printer round-trips, error and node spans, and a randomized no-panic test.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use super::*;

const CORPUS: &str = include_str!("../../tests/fixtures/promql/parse_cases.txt");

#[derive(Debug)]
enum Expect {
    Ok,
    Err { span: Option<Span>, message: String },
}

#[derive(Debug)]
struct Case {
    line: usize,
    input: String,
    features: Features,
    expect: Expect,
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some('\\') => out.push('\\'),
                Some(o) => {
                    out.push('\\');
                    out.push(o);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn parse_features(s: &str) -> Features {
    let mut f = Features::default();
    for name in s.split(',').map(str::trim) {
        match name {
            "-" | "" => {}
            "exp" => f.experimental_functions = true,
            "dur" => f.duration_expr = true,
            "ext" => f.extended_range_selectors = true,
            "fill" => f.binop_fill_modifiers = true,
            other => panic!("unknown feature {other:?} in corpus"),
        }
    }
    f
}

/// Parses the corpus file; returns the runnable cases and the number of skipped ones.
fn corpus() -> (Vec<Case>, usize) {
    let mut features = Features::default();
    let mut cases = Vec::new();
    let mut skipped = 0;
    for (i, raw) in CORPUS.lines().enumerate() {
        let line = i + 1;
        if raw.trim().is_empty() || raw.starts_with('#') {
            continue;
        }
        if let Some(rest) = raw.strip_prefix("@features ") {
            features = parse_features(rest);
            continue;
        }
        let (kind, rest) = raw
            .split_once(" | ")
            .unwrap_or_else(|| panic!("line {line}: malformed case"));
        let escaped = kind.ends_with('x');
        let fix = |s: &str| if escaped { unescape(s) } else { s.to_string() };
        match kind {
            "ok" | "okx" => cases.push(Case {
                line,
                input: fix(rest),
                features,
                expect: Expect::Ok,
            }),
            "err" | "errx" => {
                let mut parts = rest.splitn(3, " | ");
                let pos = parts.next().unwrap();
                let message = parts
                    .next()
                    .unwrap_or_else(|| panic!("line {line}: missing message"))
                    .to_string();
                let input = fix(parts
                    .next()
                    .unwrap_or_else(|| panic!("line {line}: missing input")));
                let span = if pos == "-" {
                    None
                } else {
                    let (s, e) = pos.split_once(':').unwrap();
                    Some(Span::new(s.parse().unwrap(), e.parse().unwrap()))
                };
                cases.push(Case {
                    line,
                    input,
                    features,
                    expect: Expect::Err { span, message },
                });
            }
            "skip" => skipped += 1,
            other => panic!("line {line}: unknown case kind {other:?}"),
        }
    }
    (cases, skipped)
}

#[test]
fn corpus_verdicts() {
    let (cases, skipped) = corpus();
    assert!(
        cases.len() > 350,
        "corpus unexpectedly small: {}",
        cases.len()
    );
    let mut failures = Vec::new();
    for c in &cases {
        let got = parse_with(&c.input, &c.features);
        let problem = match (&c.expect, &got) {
            (Expect::Ok, Ok(_)) => None,
            (Expect::Ok, Err(e)) => Some(format!(
                "expected success, got error {:?} at {:?}",
                e.message, e.span
            )),
            (Expect::Err { .. }, Ok(e)) => Some(format!("expected an error, parsed as `{e}`")),
            (Expect::Err { span, message }, Err(e)) => {
                if !e.message.contains(message.as_str()) {
                    Some(format!("expected message {message:?}, got {:?}", e.message))
                } else if span.is_some_and(|s| s != e.span) {
                    Some(format!(
                        "expected span {:?}, got {:?} ({})",
                        span.unwrap(),
                        e.span,
                        e.message
                    ))
                } else {
                    None
                }
            }
        };
        if let Some(p) = problem {
            failures.push(format!("line {}: {:?}: {p}", c.line, c.input));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} corpus cases failed ({skipped} skipped):\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

fn clear_duration(d: &mut DurationExpr) {
    match d {
        DurationExpr::Literal(l) => l.span = Span::default(),
        DurationExpr::Step(s) | DurationExpr::Range(s) => *s = Span::default(),
        DurationExpr::Neg { expr, span } | DurationExpr::Paren { expr, span } => {
            *span = Span::default();
            clear_duration(expr);
        }
        DurationExpr::Binary { lhs, rhs, span, .. }
        | DurationExpr::MinMax { lhs, rhs, span, .. } => {
            *span = Span::default();
            clear_duration(lhs);
            clear_duration(rhs);
        }
    }
}

fn clear_selector(v: &mut VectorSelector) {
    v.span = Span::default();
    v.name_span = v.name_span.map(|_| Span::default());
    for m in &mut v.matchers {
        m.span = Span::default();
    }
    // The canonical form sorts matchers, as Prometheus does.
    v.matchers.sort_by_key(|m| m.to_string());
    clear_mods(&mut v.offset, &mut v.at);
}

fn clear_mods(offset: &mut Option<Offset>, at: &mut Option<At>) {
    if let Some(o) = offset {
        o.span = Span::default();
        clear_duration(&mut o.duration);
    }
    if let Some(a) = at {
        a.span = Span::default();
    }
}

/// Zeroes every span so trees can be compared structurally.
fn clear_spans(e: &mut Expr) {
    *e.span_mut() = Span::default();
    match e {
        Expr::Number(_) | Expr::String(_) => {}
        Expr::Vector(v) => clear_selector(v),
        Expr::Matrix(m) => {
            clear_selector(&mut m.vector);
            m.range_span = Span::default();
            clear_duration(&mut m.range);
        }
        Expr::Subquery(s) => {
            clear_spans(&mut s.expr);
            clear_duration(&mut s.range);
            if let Some(st) = &mut s.step {
                clear_duration(st);
            }
            clear_mods(&mut s.offset, &mut s.at);
        }
        Expr::Call(c) => {
            c.name_span = Span::default();
            c.args.iter_mut().for_each(clear_spans);
        }
        Expr::Aggregate(a) => {
            a.op_span = Span::default();
            clear_spans(&mut a.expr);
            if let Some(p) = &mut a.param {
                clear_spans(p);
            }
            if let Some(g) = &mut a.grouping {
                g.span = Span::default();
            }
            // `by ()` prints as nothing, like in Prometheus.
            if a.grouping
                .as_ref()
                .is_some_and(|g| !g.without && g.labels.is_empty())
            {
                a.grouping = None;
            }
        }
        Expr::Binary(b) => {
            b.op_span = Span::default();
            clear_spans(&mut b.lhs);
            clear_spans(&mut b.rhs);
        }
        Expr::Unary(u) => clear_spans(&mut u.expr),
        Expr::Paren(p) => clear_spans(&mut p.expr),
    }
}

#[test]
fn printer_round_trips_every_valid_case() {
    let (cases, _) = corpus();
    let mut failures = Vec::new();
    let mut checked = 0;
    for c in cases.iter().filter(|c| matches!(c.expect, Expect::Ok)) {
        let Ok(mut first) = parse_with(&c.input, &c.features) else {
            continue;
        };
        checked += 1;
        let printed = first.to_string();
        match parse_with(&printed, &c.features) {
            Err(e) => failures.push(format!(
                "line {}: {:?} printed as {printed:?}, which fails: {}",
                c.line, c.input, e
            )),
            Ok(mut second) => {
                let reprinted = second.to_string();
                clear_spans(&mut first);
                clear_spans(&mut second);
                // NaN never compares equal, so trees holding NaN are compared by their text.
                let same = if printed.contains("NaN") {
                    reprinted == printed
                } else {
                    first == second
                };
                if !same {
                    failures.push(format!(
                        "line {}: {:?} printed as {printed:?}, reparsed differently",
                        c.line, c.input
                    ));
                }
            }
        }
    }
    assert!(checked > 200, "too few valid cases checked: {checked}");
    assert!(
        failures.is_empty(),
        "round-trip failures:\n{}",
        failures.join("\n")
    );
}

const PRINT_CASES: &str = include_str!("../../tests/fixtures/promql/print_cases.txt");

#[test]
fn printer_matches_prometheus_string() {
    let mut failures = Vec::new();
    let mut n = 0;
    for (i, line) in PRINT_CASES.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        n += 1;
        let (input, want) = line.split_once(" => ").unwrap_or((line, line));
        match parse_with(input, &Features::all()) {
            Ok(e) if e.to_string() == want => {}
            Ok(e) => failures.push(format!(
                "line {}: {input:?} printed as {:?}, want {want:?}",
                i + 1,
                e.to_string()
            )),
            Err(e) => failures.push(format!("line {}: {input:?} failed to parse: {e}", i + 1)),
        }
    }
    assert!(n > 30, "too few print cases: {n}");
    assert!(
        failures.is_empty(),
        "printer mismatches:\n{}",
        failures.join("\n")
    );
}

#[test]
fn canonical_printing() {
    let all = Features::all();
    let cases = [
        (
            "sum by(job)(rate(foo{a=\"b\"}[5m]))",
            "sum by (job) (rate(foo{a=\"b\"}[5m]))",
        ),
        ("foo OFFSET 1h30m", "foo offset 1h30m"),
        ("foo offset -7m", "foo offset -7m"),
        ("a + on(x) group_left(y) b", "a + on (x) group_left (y) b"),
        ("1 == bool 2", "1 == bool 2"),
        ("topk(5, foo)", "topk(5, foo)"),
        ("foo @ 1603774568", "foo @ 1603774568.000"),
        ("foo[5m:] @ end()", "foo[5m:] @ end()"),
        (
            "{\"my.metric\", job=\"x\"}",
            "{__name__=\"my.metric\",job=\"x\"}",
        ),
        (
            "foo{z=\"1\", a!~\"2\"} offset 5m @ 10",
            "foo{a!~\"2\",z=\"1\"} @ 10.000 offset 5m",
        ),
        ("sum by (\"a.b\") (foo)", "sum by (\"a.b\") (foo)"),
        ("-(foo)", "-(foo)"),
        ("foo[5m+1m]", "foo[5m + 1m]"),
    ];
    for (input, want) in cases {
        let e = parse_with(input, &all).unwrap();
        assert_eq!(e.to_string(), want, "printing {input:?}");
    }
}

#[test]
fn error_points_at_end_of_input() {
    let input = "rate(foo[5m]) + ";
    let e = parse(input).unwrap_err();
    assert_eq!(e.message, "unexpected end of input");
    assert_eq!(e.span, Span::new(input.len(), input.len()));
    assert_eq!(e.to_string(), "unexpected end of input");
}

#[test]
fn error_points_at_offending_token() {
    let e = parse("sum(rate(foo[5m])) by job").unwrap_err();
    assert_eq!(
        e.message,
        "unexpected identifier \"job\" in grouping opts, expected \"(\""
    );
    assert_eq!(e.span, Span::new(22, 25));
    let e = parse("rate(foo)").unwrap_err();
    assert_eq!(e.span, Span::new(5, 8));
    assert_eq!(
        e.message,
        "expected type range vector in call to function \"rate\", got instant vector"
    );
}

#[test]
fn matcher_and_nested_selector_spans() {
    let input = "sum by (x) (rate(foo{job=\"a\", path=~\"/b.*\"}[5m])) > 2";
    let e = parse(input).unwrap();
    let mut matrices = Vec::new();
    walk(&e, &mut |n| {
        if let Expr::Matrix(m) = n {
            matrices.push(m.clone());
        }
    });
    assert_eq!(matrices.len(), 1);
    let m = &matrices[0];
    let text = |s: Span| &input[s.start..s.end];
    assert_eq!(text(m.vector.span), "foo{job=\"a\", path=~\"/b.*\"}");
    assert_eq!(text(m.span), "foo{job=\"a\", path=~\"/b.*\"}[5m]");
    assert_eq!(text(m.range_span), "[5m]");
    assert_eq!(text(m.vector.name_span.unwrap()), "foo");
    assert_eq!(text(m.vector.matchers[0].span), "job=\"a\"");
    assert_eq!(text(m.vector.matchers[1].span), "path=~\"/b.*\"");
    assert_eq!(m.range.as_millis(), Some(300_000));
    let Expr::Binary(b) = &e else {
        panic!("expected a binary expression")
    };
    assert_eq!(text(b.op_span), ">");
    assert_eq!(text(b.span), input);
    let Expr::Aggregate(a) = &*b.lhs else {
        panic!("expected an aggregation")
    };
    assert_eq!(text(a.op_span), "sum");
    assert_eq!(text(a.grouping.as_ref().unwrap().span), "by (x)");
    assert_eq!(
        text(a.span),
        "sum by (x) (rate(foo{job=\"a\", path=~\"/b.*\"}[5m]))"
    );
}

#[test]
fn walk_is_preorder_over_all_nodes() {
    let e = parse("a + sum(rate(b[1m])) * -c").unwrap();
    let mut kinds = Vec::new();
    walk(&e, &mut |n| {
        kinds.push(match n {
            Expr::Binary(_) => "bin",
            Expr::Aggregate(_) => "agg",
            Expr::Call(_) => "call",
            Expr::Matrix(_) => "matrix",
            Expr::Vector(_) => "vec",
            Expr::Unary(_) => "unary",
            _ => "other",
        })
    });
    assert_eq!(
        kinds,
        ["bin", "vec", "bin", "agg", "call", "matrix", "unary", "vec"]
    );
}

#[test]
fn value_types() {
    let t = |s: &str| parse_with(s, &Features::all()).unwrap().value_type();
    assert_eq!(t("1 + 2"), ValueType::Scalar);
    assert_eq!(t("foo + 2"), ValueType::Vector);
    assert_eq!(t("foo[5m]"), ValueType::Matrix);
    assert_eq!(t("rate(foo[5m])[10m:]"), ValueType::Matrix);
    assert_eq!(t("\"x\""), ValueType::String);
    assert_eq!(t("scalar(foo)"), ValueType::Scalar);
    assert_eq!(t("(time())"), ValueType::Scalar);
}

#[test]
fn function_table_and_features() {
    let rate = function("rate").unwrap();
    assert_eq!(rate.arg_types, &[ValueType::Matrix]);
    assert!(!rate.experimental);
    assert!(function("info").unwrap().experimental);
    assert_eq!(function("label_join").unwrap().variadic, -1);
    assert!(function("nope").is_none());
    assert!(FUNCTIONS.windows(2).all(|w| w[0].name < w[1].name));
    for (flag, feature) in [
        ("promql-duration-expr", Some(Feature::DurationExpr)),
        (
            "promql-experimental-functions",
            Some(Feature::ExperimentalFunctions),
        ),
        (
            "promql-extended-range-selectors",
            Some(Feature::ExtendedRangeSelectors),
        ),
        (
            "promql-binop-fill-modifiers",
            Some(Feature::BinopFillModifiers),
        ),
        ("exemplar-storage", None),
    ] {
        assert_eq!(Features::from_flag(flag), feature, "{flag}");
    }
    let f = Features::from_flags([
        "promql-duration-expr,promql-experimental-functions",
        "auto-gomaxprocs",
    ]);
    assert!(f.duration_expr && f.experimental_functions && !f.extended_range_selectors);
    assert_eq!(
        Features::default(),
        Features {
            experimental_functions: false,
            duration_expr: false,
            extended_range_selectors: false,
            binop_fill_modifiers: false
        }
    );
}

#[test]
fn regex_nullability() {
    for re in [
        "", ".*", "a*", "a?", "(a|)", "a|b|", "(?i)", "^$", "(a+|b*)", "x{0,3}", "\\b",
    ] {
        assert!(
            regex_matches_empty(re),
            "{re:?} should match the empty string"
        );
    }
    for re in [
        ".+", "a", "a|b", "[a-z]*x", "(a)+", "x{1,3}", "\\d", "\\pL*z", "[]]",
    ] {
        assert!(
            !regex_matches_empty(re),
            "{re:?} should not match the empty string"
        );
    }
}

#[test]
fn fuzz_generated_subquery_chain() {
    // parse_test.go's timeout regression, scaled down to stay within MAX_DEPTH.
    let input = format!("({}){}", "-{}-1".repeat(100), "[1m:]".repeat(50));
    let errs = parse_all_errors(&input, &Features::all()).unwrap_err();
    assert_eq!(
        errs[0].message,
        "vector selector must contain at least one non-empty matcher"
    );
    assert_eq!(errs[0].span, Span::new(2, 4));
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let n = 100_000;
    for input in [
        "(".repeat(n) + "1" + &")".repeat(n),
        "-".repeat(n) + "1",
        "1".to_string() + &"+1".repeat(n),
        "2".to_string() + &"^2".repeat(n),
        "foo".to_string() + &"[1m:]".repeat(n),
        "foo[".to_string() + &"(".repeat(n) + "1m" + &")".repeat(n) + "]",
        "sum(".repeat(n) + "x" + &")".repeat(n),
    ] {
        let e = parse_with(&input, &Features::all()).unwrap_err();
        assert!(
            e.message.contains("maximum depth"),
            "unexpected error for deep input: {}",
            e.message
        );
    }
    // Moderately deep input still parses.
    let ok = "(".repeat(400) + "foo" + &")".repeat(400);
    assert!(parse(&ok).is_ok());
}

#[test]
fn random_input_never_panics() {
    const PIECES: &[&str] = &[
        "foo",
        "sum",
        "by",
        "(",
        ")",
        "{",
        "}",
        "[",
        "]",
        ",",
        "=",
        "=~",
        "!=",
        "!~",
        "\"a\"",
        "'b'",
        "`c`",
        "5m",
        "1",
        "0x1f",
        "1e3",
        ".5",
        "+",
        "-",
        "*",
        "/",
        "%",
        "^",
        "==",
        "<=",
        "offset",
        "@",
        "start()",
        "bool",
        "on",
        "ignoring",
        "group_left",
        "without",
        "rate",
        "topk",
        "step()",
        "min",
        "anchored",
        "fill",
        ":",
        " ",
        "#",
        "\n",
        "\\",
        "Inf",
        "NaN",
        "é",
        "☺",
        "\u{FFFD}",
        "\u{0}",
        "1_0",
        "𝄞",
        "count_values",
        "info",
    ];
    let (cases, _) = corpus();
    let all = Features::all();
    let mut rng = crate::test_inputs::XorShift(0x9E37_79B9_7F4A_7C15);
    for round in 0..8_000 {
        let input = if round % 2 == 0 {
            let mut s = String::new();
            for _ in 0..rng.below(24) {
                s.push_str(rng.pick(PIECES));
            }
            s
        } else {
            // Mutate a corpus input: delete, duplicate or insert at a char boundary.
            let base = &cases[rng.index(cases.len())].input;
            let chars: Vec<char> = base.chars().collect();
            let mut out: Vec<char> = chars.clone();
            for _ in 0..1 + rng.below(3) {
                let at = if out.is_empty() {
                    0
                } else {
                    rng.index(out.len() + 1)
                };
                match rng.below(3) {
                    0 if at < out.len() => {
                        out.remove(at);
                    }
                    1 => {
                        let p = rng.pick(PIECES);
                        for (k, c) in p.chars().enumerate() {
                            out.insert(at + k, c);
                        }
                    }
                    _ => {
                        let c = char::from_u32(rng.below(0x11_0000) as u32).unwrap_or('x');
                        out.insert(at, c);
                    }
                }
            }
            out.into_iter().collect()
        };
        for features in [Features::default(), all] {
            if let Ok(e) = parse_with(&input, &features) {
                // Whatever parses must print to something that parses again.
                let printed = e.to_string();
                assert!(
                    parse_with(&printed, &features).is_ok(),
                    "{input:?} printed as {printed:?} does not reparse"
                );
            } else if let Err(e) = parse_with(&input, &features) {
                assert!(
                    e.span.start <= e.span.end && e.span.end <= input.len(),
                    "bad span for {input:?}: {e:?}"
                );
                assert!(input.is_char_boundary(e.span.start) && input.is_char_boundary(e.span.end));
            }
        }
    }
}
