//! Transcription of `text/template/parse/lex_test.go` (`lexTests`, `lexPosTests`,
//! `TestDelimsAndMarkers` semantics). Comment items are omitted: Go emits them only in
//! `ParseComments` mode, which promtool does not use. Custom-delimiter tests are skipped
//! because promtool always uses `{{`/`}}`.

use super::super::lex::{ItemType, lex};
use super::assert_no_failures;

/// Go's `itemName` for the types the tables use.
fn name(t: ItemType) -> &'static str {
    match t {
        ItemType::Error => "error",
        ItemType::Bool => "bool",
        ItemType::Char => "char",
        ItemType::CharConstant => "charconst",
        ItemType::Complex => "complex",
        ItemType::Assign => "=",
        ItemType::Declare => ":=",
        ItemType::Eof => "EOF",
        ItemType::Field => "field",
        ItemType::Identifier => "identifier",
        ItemType::LeftDelim => "left delim",
        ItemType::LeftParen => "(",
        ItemType::Number => "number",
        ItemType::Pipe => "pipe",
        ItemType::RawString => "raw string",
        ItemType::RightDelim => "right delim",
        ItemType::RightParen => ")",
        ItemType::Space => "space",
        ItemType::String => "string",
        ItemType::Text => "text",
        ItemType::Variable => "variable",
        ItemType::Block => "block",
        ItemType::Break => "break",
        ItemType::Continue => "continue",
        ItemType::Dot => ".",
        ItemType::Define => "define",
        ItemType::Else => "else",
        ItemType::End => "end",
        ItemType::If => "if",
        ItemType::Nil => "nil",
        ItemType::Range => "range",
        ItemType::Template => "template",
        ItemType::With => "with",
    }
}

const L: (&str, &str) = ("left delim", "{{");
const R: (&str, &str) = ("right delim", "}}");
const S: (&str, &str) = ("space", " ");
const E: (&str, &str) = ("EOF", "");
const DOT: (&str, &str) = (".", ".");
const LP: (&str, &str) = ("(", "(");
const RP: (&str, &str) = (")", ")");
const P: (&str, &str) = ("pipe", "|");

#[allow(clippy::type_complexity)]
const LEX_TESTS: &[(&str, &str, &[(&str, &str)])] = &[
    ("empty", "", &[E]),
    ("spaces", " \t\n", &[("text", " \t\n"), E]),
    ("text", "now is the time", &[("text", "now is the time"), E]),
    (
        "text with comment",
        "hello-{{/* this is a comment */}}-world",
        &[("text", "hello-"), ("text", "-world"), E],
    ),
    (
        "punctuation",
        "{{,@% }}",
        &[L, ("char", ","), ("char", "@"), ("char", "%"), S, R, E],
    ),
    (
        "parens",
        "{{((3))}}",
        &[L, LP, LP, ("number", "3"), RP, RP, R, E],
    ),
    ("empty action", "{{}}", &[L, R, E]),
    ("for", "{{for}}", &[L, ("identifier", "for"), R, E]),
    (
        "block",
        "{{block \"foo\" .}}",
        &[
            L,
            ("block", "block"),
            S,
            ("string", "\"foo\""),
            S,
            DOT,
            R,
            E,
        ],
    ),
    (
        "quote",
        "{{\"abc \\n\\t\\\" \"}}",
        &[L, ("string", "\"abc \\n\\t\\\" \""), R, E],
    ),
    (
        "raw quote",
        "{{`abc\\n\\t\\\" `}}",
        &[L, ("raw string", "`abc\\n\\t\\\" `"), R, E],
    ),
    (
        "raw quote with newline",
        "{{`now is{{\n}}the time`}}",
        &[L, ("raw string", "`now is{{\n}}the time`"), R, E],
    ),
    (
        "numbers",
        "{{1 02 0x14 0X14 -7.2i 1e3 1E3 +1.2e-4 4.2i 1+2i 1_2 0x1.e_fp4 0X1.E_FP4}}",
        &[
            L,
            ("number", "1"),
            S,
            ("number", "02"),
            S,
            ("number", "0x14"),
            S,
            ("number", "0X14"),
            S,
            ("number", "-7.2i"),
            S,
            ("number", "1e3"),
            S,
            ("number", "1E3"),
            S,
            ("number", "+1.2e-4"),
            S,
            ("number", "4.2i"),
            S,
            ("complex", "1+2i"),
            S,
            ("number", "1_2"),
            S,
            ("number", "0x1.e_fp4"),
            S,
            ("number", "0X1.E_FP4"),
            R,
            E,
        ],
    ),
    (
        "characters",
        "{{'a' '\\n' '\\'' '\\\\' '\\u00FF' '\\xFF' '本'}}",
        &[
            L,
            ("charconst", "'a'"),
            S,
            ("charconst", "'\\n'"),
            S,
            ("charconst", "'\\''"),
            S,
            ("charconst", "'\\\\'"),
            S,
            ("charconst", "'\\u00FF'"),
            S,
            ("charconst", "'\\xFF'"),
            S,
            ("charconst", "'本'"),
            R,
            E,
        ],
    ),
    (
        "bools",
        "{{true false}}",
        &[L, ("bool", "true"), S, ("bool", "false"), R, E],
    ),
    ("dot", "{{.}}", &[L, DOT, R, E]),
    ("nil", "{{nil}}", &[L, ("nil", "nil"), R, E]),
    (
        "dots",
        "{{.x . .2 .x.y.z}}",
        &[
            L,
            ("field", ".x"),
            S,
            DOT,
            S,
            ("number", ".2"),
            S,
            ("field", ".x"),
            ("field", ".y"),
            ("field", ".z"),
            R,
            E,
        ],
    ),
    (
        "keywords",
        "{{range if else end with}}",
        &[
            L,
            ("range", "range"),
            S,
            ("if", "if"),
            S,
            ("else", "else"),
            S,
            ("end", "end"),
            S,
            ("with", "with"),
            R,
            E,
        ],
    ),
    (
        "variables",
        "{{$c := printf $ $hello $23 $ $var.Field .Method}}",
        &[
            L,
            ("variable", "$c"),
            S,
            (":=", ":="),
            S,
            ("identifier", "printf"),
            S,
            ("variable", "$"),
            S,
            ("variable", "$hello"),
            S,
            ("variable", "$23"),
            S,
            ("variable", "$"),
            S,
            ("variable", "$var"),
            ("field", ".Field"),
            S,
            ("field", ".Method"),
            R,
            E,
        ],
    ),
    (
        "variable invocation",
        "{{$x 23}}",
        &[L, ("variable", "$x"), S, ("number", "23"), R, E],
    ),
    (
        "pipeline",
        "intro {{echo hi 1.2 |noargs|args 1 \"hi\"}} outro",
        &[
            ("text", "intro "),
            L,
            ("identifier", "echo"),
            S,
            ("identifier", "hi"),
            S,
            ("number", "1.2"),
            S,
            P,
            ("identifier", "noargs"),
            P,
            ("identifier", "args"),
            S,
            ("number", "1"),
            S,
            ("string", "\"hi\""),
            R,
            ("text", " outro"),
            E,
        ],
    ),
    (
        "declaration",
        "{{$v := 3}}",
        &[
            L,
            ("variable", "$v"),
            S,
            (":=", ":="),
            S,
            ("number", "3"),
            R,
            E,
        ],
    ),
    (
        "2 declarations",
        "{{$v , $w := 3}}",
        &[
            L,
            ("variable", "$v"),
            S,
            ("char", ","),
            S,
            ("variable", "$w"),
            S,
            (":=", ":="),
            S,
            ("number", "3"),
            R,
            E,
        ],
    ),
    (
        "field of parenthesized expression",
        "{{(.X).Y}}",
        &[L, LP, ("field", ".X"), RP, ("field", ".Y"), R, E],
    ),
    (
        "trimming spaces before and after",
        "hello- {{- 3 -}} -world",
        &[
            ("text", "hello-"),
            L,
            ("number", "3"),
            R,
            ("text", "-world"),
            E,
        ],
    ),
    (
        "trimming spaces before and after comment",
        "hello- {{- /* hello */ -}} -world",
        &[("text", "hello-"), ("text", "-world"), E],
    ),
    // Errors.
    (
        "badchar",
        "#{{\u{1}}}",
        &[
            ("text", "#"),
            L,
            ("error", "unrecognized character in action: U+0001"),
        ],
    ),
    ("unclosed action", "{{", &[L, ("error", "unclosed action")]),
    (
        "EOF in action",
        "{{range",
        &[L, ("range", "range"), ("error", "unclosed action")],
    ),
    (
        "unclosed quote",
        "{{\"\n\"}}",
        &[L, ("error", "unterminated quoted string")],
    ),
    (
        "unclosed raw quote",
        "{{`xx}}",
        &[L, ("error", "unterminated raw quoted string")],
    ),
    (
        "unclosed char constant",
        "{{'\n}}",
        &[L, ("error", "unterminated character constant")],
    ),
    (
        "bad number",
        "{{3k}}",
        &[L, ("error", "bad number syntax: \"3k\"")],
    ),
    (
        "unclosed paren",
        "{{(3}}",
        &[L, LP, ("number", "3"), ("error", "unclosed left paren")],
    ),
    (
        "extra right paren",
        "{{3)}}",
        &[L, ("number", "3"), ("error", "unexpected right paren")],
    ),
    // Fixed bugs.
    (
        "long pipeline deadlock",
        "{{|||||}}",
        &[L, P, P, P, P, P, R, E],
    ),
    (
        "text with bad comment",
        "hello-{{/*/}}-world",
        &[("text", "hello-"), ("error", "unclosed comment")],
    ),
    (
        "text with comment close separated from delim",
        "hello-{{/* */ }}-world",
        &[
            ("text", "hello-"),
            ("error", "comment ends before closing delimiter"),
        ],
    ),
    (
        "unmatched right delimiter",
        "hello-{.}}-world",
        &[("text", "hello-{.}}-world"), E],
    ),
    // Not in Go's table; pins Go's behaviour for trim markers with other spaces and signs.
    (
        "trim with tab and newline",
        "a\n{{-\t3\n-}}\nb",
        &[("text", "a"), L, ("number", "3"), R, ("text", "b"), E],
    ),
    (
        "negative number is not a trim marker",
        "a {{-3}} b",
        &[("text", "a "), L, ("number", "-3"), R, ("text", " b"), E],
    ),
    (
        "assign",
        "{{$x = 1}}",
        &[
            L,
            ("variable", "$x"),
            S,
            ("=", "="),
            S,
            ("number", "1"),
            R,
            E,
        ],
    ),
    (
        "break and continue",
        "{{break}}{{continue}}",
        &[L, ("break", "break"), R, L, ("continue", "continue"), R, E],
    ),
];

#[test]
fn go_lex_tests() {
    let mut failures = Vec::new();
    for &(test, input, want) in LEX_TESTS {
        let got: Vec<(&str, String)> = lex(input, true, true)
            .into_iter()
            .map(|i| (name(i.typ), i.val))
            .collect();
        let want: Vec<(&str, String)> = want.iter().map(|&(t, v)| (t, v.to_string())).collect();
        if got != want {
            failures.push(format!("{test}: got {got:?}\n    want {want:?}"));
        }
    }
    assert_no_failures(&failures);
}

/// Go's `lexPosTests` (comment item dropped), checking byte positions.
#[test]
fn go_lex_pos_tests() {
    #[allow(clippy::type_complexity)]
    let cases: &[(&str, &[(&str, usize, &str)])] = &[
        ("", &[("EOF", 0, "")]),
        (
            "{{,@%#}}",
            &[
                ("left delim", 0, "{{"),
                ("char", 2, ","),
                ("char", 3, "@"),
                ("char", 4, "%"),
                ("char", 5, "#"),
                ("right delim", 6, "}}"),
                ("EOF", 8, ""),
            ],
        ),
        (
            "0123{{hello}}xyz",
            &[
                ("text", 0, "0123"),
                ("left delim", 4, "{{"),
                ("identifier", 6, "hello"),
                ("right delim", 11, "}}"),
                ("text", 13, "xyz"),
                ("EOF", 16, ""),
            ],
        ),
        (
            "{{x -}}\n{{y}}",
            &[
                ("left delim", 0, "{{"),
                ("identifier", 2, "x"),
                ("right delim", 5, "}}"),
                ("left delim", 8, "{{"),
                ("identifier", 10, "y"),
                ("right delim", 11, "}}"),
                ("EOF", 13, ""),
            ],
        ),
        (
            "{{x}}\n{{- y}}",
            &[
                ("left delim", 0, "{{"),
                ("identifier", 2, "x"),
                ("right delim", 3, "}}"),
                ("left delim", 6, "{{"),
                ("identifier", 10, "y"),
                ("right delim", 11, "}}"),
                ("EOF", 13, ""),
            ],
        ),
        (
            "{{/*\n*/}}\n{{undefinedFunction \"test\"}}",
            &[
                ("text", 9, "\n"),
                ("left delim", 10, "{{"),
                ("identifier", 12, "undefinedFunction"),
                ("space", 29, " "),
                ("string", 30, "\"test\""),
                ("right delim", 36, "}}"),
                ("EOF", 38, ""),
            ],
        ),
    ];
    for &(input, want) in cases {
        let got: Vec<(&str, usize, String)> = lex(input, true, true)
            .into_iter()
            .map(|i| (name(i.typ), i.pos, i.val))
            .collect();
        let want: Vec<(&str, usize, String)> = want
            .iter()
            .map(|&(t, p, v)| (t, p, v.to_string()))
            .collect();
        assert_eq!(got, want, "{input:?}");
    }
}
