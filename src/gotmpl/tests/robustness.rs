//! Randomized robustness: the parser never panics, always terminates, and every error span
//! lies inside the input on character boundaries — on random bytes, random template fragments
//! and pathologically deep nesting.

use super::super::*;
use crate::test_inputs::XorShift;

const FRAGMENTS: &[&str] = &[
    "{{", "}}", "{{- ", " -}}", "{{/*", "*/}}", "/*", "*/", " ", "\n", "\t", "\r", "if", "else",
    "end", "range", "with", "define", "template", "block", "break", "continue", "nil", "true",
    "false", ".", ".Labels", ".X", "$", "$labels", "$value", "$x", ":=", "=", ",", "|", "(", ")",
    "\"s\"", "\"\\q\"", "\"", "`raw`", "`", "'a'", "'", "'\\x", "1", "-2", "0x1p-2", "1e", "0b",
    "3i", "1+2i", "_", "humanize", "query", "printf", "bogus", "é", "パ", "\u{1}", "#", "-", "+",
    "{", "}", "x", "\\",
];

fn check(text: &str) {
    let result = parse_prometheus(text);
    if let Err(e) = &result {
        assert!(
            e.span.start <= e.span.end && e.span.end <= text.len(),
            "{text:?}: span {:?}",
            e.span
        );
        assert!(
            text.is_char_boundary(e.span.start) && text.is_char_boundary(e.span.end),
            "{text:?}: {:?}",
            e.span
        );
        assert!(!e.message.is_empty());
    }
    if let Ok(t) = &result {
        // The query helpers must be total on anything the parser accepts.
        let _ = (variable_uses(t), function_calls(t), field_uses(t));
        for n in &t.nodes {
            let sp = n.span();
            assert!(
                sp.start <= sp.end && sp.end <= text.len(),
                "{text:?}: node span {sp:?}"
            );
        }
    }
    // Go's own test predicate (all functions defined) exercises other paths.
    let all = |_: &str| true;
    let _ = parse(
        text,
        &ParseOptions {
            funcs: &all,
            predefined_vars: &["$x"],
        },
    );
}

#[test]
fn random_fragments_never_panic() {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    for _ in 0..30_000 {
        let n = rng.below(24);
        let mut s = String::new();
        for _ in 0..n {
            s.push_str(rng.pick(FRAGMENTS));
        }
        check(&s);
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = XorShift(0xD1B5_4A32_D192_ED03);
    let alphabet = b"{}-/* \n$.|():=,\"'`\\ab0x1ei_+";
    for _ in 0..20_000 {
        let n = rng.below(40);
        let bytes: Vec<u8> = (0..n).map(|_| rng.pick(alphabet)).collect();
        check(&String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn deep_nesting_is_bounded() {
    for depth in [10, 99, 100, 101, 5_000, 50_000] {
        let parens = format!("{{{{ {}1{} }}}}", "(".repeat(depth), ")".repeat(depth));
        check(&parens);
        let ifs = format!(
            "{}x{}",
            "{{ if true }}".repeat(depth),
            "{{ end }}".repeat(depth)
        );
        check(&ifs);
        let ranges = format!(
            "{}x{}",
            "{{ range . }}".repeat(depth),
            "{{ end }}".repeat(depth)
        );
        check(&ranges);
        let elses = format!(
            "{{{{ if true }}}}{}{{{{ end }}}}",
            "{{ else if true }}".repeat(depth)
        );
        check(&elses);
    }
    let e = parse_prometheus(&format!(
        "{{{{ {}1{} }}}}",
        "(".repeat(1000),
        ")".repeat(1000)
    ))
    .expect_err("too deep");
    assert_eq!(e.message, "max expression depth exceeded");
    assert!(
        parse_prometheus(&format!(
            "{}x{}",
            "{{ if true }}".repeat(90),
            "{{ end }}".repeat(90)
        ))
        .is_ok()
    );
}

#[test]
fn long_inputs_are_linear_enough() {
    let text = "{{ $labels.instance | humanize }} text ".repeat(20_000);
    assert!(parse_prometheus(&text).is_ok());
}

#[test]
fn non_ascii_after_backslash_is_a_syntax_error() {
    for text in [
        "{{ \"\\é\" }}",
        "{{ '\\é' }}",
        "{{ '\\xé' }}",
        "{{ \"\\uéééé\" }}",
        "{{ '\\1é' }}",
    ] {
        let e = parse_prometheus(text).expect_err(text);
        assert_eq!(e.message, "invalid syntax", "{text}");
    }
}

#[test]
fn exhaustive_short_inputs_never_panic() {
    const ALPHABET: &[&str] = &[
        "\\", "é", "'", "\"", "`", "x", "0", ".", "$", "-", "(", ")", "{", "}", "/", "*", ":", "=",
        "|", " ", "\n", "i", "e", "p", "_", "9",
    ];
    const WRAPPERS: &[(&str, &str)] = &[
        ("{{ ", " }}"),
        ("{{", "}}"),
        ("{{'", "'}}"),
        ("{{\"", "\"}}"),
        ("", ""),
    ];
    for a in ALPHABET {
        for b in ALPHABET {
            for c in ALPHABET {
                for (open, close) in WRAPPERS {
                    check(&format!("{open}{a}{b}{c}{close}"));
                }
            }
        }
    }
}
