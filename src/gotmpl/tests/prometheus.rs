//! Prometheus-style label/annotation templates (verdicts as promtool gives them), span checks,
//! and the query helpers used by `ccmon rules lint`.

use super::super::*;
use super::{assert_no_failures, fixture_rows};

const FIXTURE: &str = include_str!("../../../tests/fixtures/gotmpl/prometheus_annotations.txt");

fn unescape(s: &str) -> String {
    s.replace("\\n", "\n").replace("\\t", "\t")
}

#[test]
fn fixture_verdicts() {
    let mut failures = Vec::new();
    for (line, parts) in fixture_rows(FIXTURE, 30) {
        match parts.as_slice() {
            ["ok", tmpl] => {
                if let Err(e) = parse_prometheus(&unescape(tmpl)) {
                    failures.push(format!("{tmpl:?}: unexpected error {e}"));
                }
            }
            ["err", want, tmpl] => match parse_prometheus(&unescape(tmpl)) {
                Ok(_) => failures.push(format!("{tmpl:?}: expected error {want:?}")),
                Err(e) if !e.message.contains(want) => {
                    failures.push(format!("{tmpl:?}: got {:?}, want {want:?}", e.message));
                }
                Err(_) => {}
            },
            _ => failures.push(format!("malformed fixture line {line:?}")),
        }
    }
    assert_no_failures(&failures);
}

/// Returns the text the error span covers.
fn error_text(text: &str) -> (TemplateError, &str) {
    let e = parse_prometheus(text).expect_err("must fail");
    let covered = &text[e.span.start..e.span.end];
    (e, covered)
}

#[test]
fn error_spans_point_at_the_culprit() {
    // (template, Go's message, the text the span covers; a trailing `…`: what it starts with)
    let cases = [
        (
            "Instance {{ $labels.instance | bogus }} down",
            "function \"bogus\" not defined",
            "bogus",
        ),
        ("{{ $valu }}", "undefined variable \"$valu\"", "$valu"),
        (
            "a\n{{ if $value }}never closed",
            "unexpected EOF",
            "{{ if $value }}",
        ),
        ("x {{ end }}", "unexpected {{end}}", "{{ end }}"),
        ("ok {{ $labels.job ", "unclosed action", "{{ $labels…"),
        (
            "{{ if true }}{{ define \"x\" }}{{ end }}{{ end }}",
            "unexpected <define> in command",
            "define",
        ),
        (
            "{{ \"a\" | \"b\" }}",
            "non executable command in pipeline stage 2",
            "\"b\"",
        ),
        ("{{ $labels.foo-bar }}", "bad character U+002D '-'", "-"),
        ("{{ \"unterminated }}", "unterminated quoted string", "\"…"),
        ("{{ 0x }}", "illegal number syntax: \"0x\"", "0x"),
    ];
    for (text, message, covered) in cases {
        let (e, s) = error_text(text);
        assert_eq!(e.message, message, "{text:?}");
        match covered.strip_suffix('…') {
            Some(prefix) => assert!(s.starts_with(prefix), "{text:?}: {s:?}"),
            None => assert_eq!(s, covered, "{text:?}"),
        }
    }
    // Byte offsets, not characters or lines.
    assert_eq!(error_text(cases[0].0).0.span.start, 31);
}

#[test]
fn node_spans() {
    let text = "A {{ $labels.instance }} B {{ if $value }}x{{ else }}y{{ end }}";
    let t = parse_prometheus(text).expect("parses");
    let spans: Vec<&str> = t
        .nodes
        .iter()
        .map(|n| &text[n.span().start..n.span().end])
        .collect();
    assert_eq!(
        spans,
        [
            "A ",
            "{{ $labels.instance }}",
            " B ",
            "{{ if $value }}x{{ else }}y{{ end }}"
        ]
    );
    let Node::Action { pipe, .. } = &t.nodes[1] else {
        panic!("not an action")
    };
    assert_eq!(&text[pipe.span.start..pipe.span.end], "$labels.instance");
    assert_eq!(
        &text[pipe.cmds[0].span.start..pipe.cmds[0].span.end],
        "$labels.instance"
    );
}

#[test]
fn variable_uses_report_fields_and_spans() {
    let text =
        "{{ $labels.instance }} {{ $value | humanize }} {{ $x := 1 }}{{ $x }} {{ $.Labels.a }}";
    let t = parse_prometheus(text).expect("parses");
    let uses = variable_uses(&t);
    let got: Vec<(String, Vec<String>, &str)> = uses
        .iter()
        .map(|u| {
            (
                u.name.clone(),
                u.fields.clone(),
                &text[u.span.start..u.span.end],
            )
        })
        .collect();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(
        got,
        vec![
            ("$labels".to_string(), s(&["instance"]), "$labels.instance"),
            ("$value".to_string(), s(&[]), "$value"),
            ("$x".to_string(), s(&[]), "$x"),
            ("$".to_string(), s(&["Labels", "a"]), "$.Labels.a"),
        ]
    );
}

#[test]
fn function_calls_capture_string_args() {
    let text = "{{ range query \"up{job=\\\"x\\\"}\" }}{{ end }}{{ \"sum(up)\" | query | first | value }}{{ humanize (query `rate(x[5m])` | first | value) }}";
    let t = parse_prometheus(text).expect("parses");
    let calls = function_calls(&t);
    let names: Vec<&str> = calls.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "query", "query", "first", "value", "humanize", "query", "first", "value"
        ]
    );
    assert_eq!(calls[0].string_args.len(), 1);
    assert_eq!(calls[0].string_args[0].0, "up{job=\"x\"}");
    let sp = calls[0].string_args[0].1;
    assert_eq!(&text[sp.start..sp.end], "\"up{job=\\\"x\\\"}\"");
    assert_eq!(&text[calls[0].span.start..calls[0].span.end], "query");
    assert_eq!(calls[1].string_args[0].0, "sum(up)");
    assert_eq!(calls[5].string_args[0].0, "rate(x[5m])");
    assert!(calls[2].string_args.is_empty());
}

#[test]
fn field_uses_on_dot() {
    let text =
        "{{ .Labels.job }} {{ .Value }} {{ range query \"up\" }}{{ .Labels.instance }}{{ end }}";
    let t = parse_prometheus(text).expect("parses");
    let f: Vec<(Vec<String>, &str)> = field_uses(&t)
        .into_iter()
        .map(|u| (u.fields.clone(), &text[u.span.start..u.span.end]))
        .collect();
    assert_eq!(f.len(), 3);
    assert_eq!(f[0].0, ["Labels", "job"]);
    assert_eq!(f[0].1, ".Labels.job");
    assert_eq!(f[1].1, ".Value");
    assert_eq!(f[2].1, ".Labels.instance");
}

#[test]
fn template_refers_to_define_in_same_text() {
    let t = parse_prometheus("{{ define \"x\" }}X{{ end }}{{ template \"x\" . }}").expect("parses");
    assert_eq!(t.defines.len(), 1);
    assert_eq!(t.defines[0].name, "x");
    assert!(matches!(&t.nodes[..], [Node::Template { name, .. }] if name == "x"));
}

#[test]
fn function_list_matches_prometheus() {
    // Go's builtins and Prometheus's functions (`template.go`), sorted: a name added, lost or
    // listed twice shows here.
    let f = prometheus_functions();
    let mut sorted = f.to_vec();
    sorted.sort_unstable();
    assert_eq!(
        sorted.join(" "),
        "and args call eq externalURL first ge graphLink gt html humanize humanize1024 \
         humanizeDuration humanizePercentage humanizeTimestamp index js label le len lt \
         match ne not now or parseDuration pathPrefix print printf println query \
         reReplaceAll safeHtml slice sortByLabel stripDomain stripPort strvalue tableLink \
         title toDuration toLower toTime toUpper urlquery value"
    );
    // Console-only or Go-only names are not available to alert templates.
    assert!(!f.contains(&"tmpl"));
}

#[test]
fn error_display() {
    let e = parse_prometheus("{{ nope }}").expect_err("fails");
    assert_eq!(e.to_string(), "function \"nope\" not defined");
    let boxed: Box<dyn std::error::Error> = Box::new(e);
    assert!(boxed.to_string().contains("nope"));
}

#[test]
fn alert_name_collision_is_promtool_exact() {
    // promtool names the template "__alert_<name>"; defining that name again collides.
    let text = "{{ define \"__alert_HighLoad\" }}x{{ end }}";
    let e = parse_prometheus_alert(text, "HighLoad").expect_err("collides");
    assert_eq!(
        e.message,
        "template: multiple definition of template \"__alert_HighLoad\""
    );
    assert_eq!(&text[e.span.start..e.span.end], "\"__alert_HighLoad\"");
    // Other names, and empty definitions, are fine.
    assert!(parse_prometheus_alert(text, "Other").is_ok());
    assert!(
        parse_prometheus_alert("{{ define \"__alert_HighLoad\" }} {{ end }}", "HighLoad").is_ok()
    );
    assert!(parse_prometheus(text).is_ok());
}
