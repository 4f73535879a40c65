//! The diagnostic model every check produces and every report format renders: a stable
//! code, a severity, a byte span in one file, the group and rule, and a message.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

/// How bad a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth knowing; never fails a run.
    Info,
    /// Probably a mistake; fails with `--fail-on warning`.
    Warning,
    /// Prometheus would reject the file (or the rule can never work).
    Error,
}

impl Severity {
    /// The lower-case name used in every format and in `.ccmon-lint.yaml`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Parses a name as written in `.ccmon-lint.yaml`.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! codes {
    ($($variant:ident => ($name:literal, $severity:ident, $summary:literal),)*) => {
        /// Every check's stable code. Names are interfaces (ignore comments, config, SARIF
        /// rule ids): never rename one.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $(#[doc = $summary] $variant,)* }

        impl Code {
            /// All codes, in catalogue order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The stable name, such as `promql/syntax`.
            pub fn name(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            /// The severity when `.ccmon-lint.yaml` does not override it.
            pub fn default_severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }

            /// One line on what the check catches.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$variant => $summary,)* }
            }
        }
    };
}

codes! {
    // What promtool check rules rejects: always errors.
    YamlSyntax => ("yaml/syntax", Error, "The file is not well-formed YAML."),
    YamlSchema => ("yaml/schema", Error, "A key is unknown, or a value has the wrong type (Prometheus decodes rule files strictly)."),
    YamlDuplicateKey => ("yaml/duplicate-key", Error, "A mapping has the same key twice."),
    YamlMultipleDocuments => ("yaml/multiple-documents", Warning, "The file has several YAML documents; Prometheus reads only the first."),
    GroupName => ("group/name", Error, "A group name is empty or repeated in the same file."),
    RuleKind => ("rule/kind", Error, "A rule has both or neither of `alert` and `record`."),
    RuleExpr => ("rule/expr", Error, "A rule has no `expr`."),
    PromqlSyntax => ("promql/syntax", Error, "`expr` is not valid PromQL (as Prometheus 3.x parses it)."),
    RecordingFields => ("rule/recording-fields", Error, "A recording rule has `for`, `keep_firing_for` or `annotations`, which only alerts may have."),
    RecordName => ("rule/record-name", Error, "A recording rule's name is not a valid metric name."),
    LabelName => ("rule/label-name", Error, "A label or annotation name is invalid, or is `__name__`."),
    Duration => ("rule/duration", Error, "`for`, `keep_firing_for`, `interval` or `query_offset` is not a valid duration."),
    Template => ("alerts/template", Error, "An alert's label or annotation template does not parse (Go text/template with Prometheus's functions)."),
    // Beyond promtool: warnings unless configured.
    Duplicate => ("rule/duplicate", Warning, "Two rules have the same name and labels (across all linted files)."),
    UnknownMetric => ("catalog/unknown-metric", Warning, "A selector names a metric that nothing in the catalogue emits and no linted rule records."),
    VectorMatching => ("promql/vector-matching", Warning, "A binary operation between selectors of the same metric with different label matchers and no `on`/`ignoring`/aggregation (the \"5xx divided by itself\" bug)."),
    RateOnGauge => ("promql/rate-on-gauge", Warning, "`rate`/`irate`/`increase` over a gauge."),
    DeltaOnCounter => ("promql/delta-on-counter", Warning, "`delta`/`idelta`/`deriv` over a counter (use `rate`/`increase`)."),
    HistogramQuantile => ("promql/histogram-quantile", Warning, "`histogram_quantile` over something that is not a rate of `_bucket` series keeping `le`."),
    MissingFor => ("alerts/missing-for", Warning, "An alert has no `for`, so one bad scrape pages someone."),
    Comparison => ("alerts/comparison", Warning, "An alert's expression has no comparison, so it fires whenever the series exists."),
    TemplateQuery => ("alerts/template-query", Warning, "PromQL in a template's `query` call does not parse, so the notification fails when the alert fires."),
    ValueInLabels => ("alerts/value-in-labels", Warning, "An alert label uses `$value`, so every new value is a new alert."),
    RequiredLabel => ("rule/required-label", Warning, "An alert lacks a label the configuration requires (default: `severity`)."),
    RequiredAnnotation => ("rule/required-annotation", Warning, "An alert lacks an annotation the configuration requires (default: `summary`)."),
    SeverityValue => ("rule/severity", Warning, "An alert's `severity` label is not one of the configured values."),
    RecordNaming => ("rule/record-naming", Warning, "A recording rule's name is not of the `level:metric:operations` form."),
    Absent => ("promql/absent", Warning, "An `absent()` that cannot work as intended."),
    Regex => ("promql/regex", Warning, "A regex matcher that needs no regex, or a redundant anchor."),
    Series => ("promql/series", Warning, "With --online: a selector's metric is on the server but its label matchers match none of its series."),
    UnusedIgnore => ("lint/unused-ignore", Info, "A `# ccmon: ignore[...]` comment that suppressed nothing."),
}

impl Code {
    /// The code with this name.
    pub fn from_name(name: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.name() == name)
    }

    /// True if `pattern` (a code name, or a family such as `promql` or `promql/`) names it.
    pub fn matches(self, pattern: &str) -> bool {
        let name = self.name();
        let pattern = pattern.trim();
        name == pattern
            || pattern == "*"
            || pattern == "all"
            || name
                .strip_prefix(pattern.trim_end_matches('/'))
                .is_some_and(|rest| rest.starts_with('/'))
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One finding. The texts are shared, not owned: a large run has tens of thousands of
/// findings, most naming a group and rule others name too, and many saying the same thing
/// (every use of one unknown metric), so each text is allocated once.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// Index of the file in the report's file list.
    pub file: usize,
    /// Byte range in that file.
    pub span: Range<usize>,
    /// The check.
    pub code: Code,
    /// After configuration overrides.
    pub severity: Severity,
    /// What is wrong and, where it helps, what to do.
    pub message: Arc<str>,
    /// The group's name, when the finding is inside a group.
    pub group: Option<Arc<str>>,
    /// The rule's alert or record name, when inside a rule.
    pub rule: Option<Arc<str>>,
}

/// Where a finding is, as the checks know it: a file, a span, and the group and rule around.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// Index of the file.
    pub file: usize,
    /// The enclosing group's name.
    pub group: Option<Arc<str>>,
    /// The enclosing rule's name.
    pub rule: Option<Arc<str>>,
}

impl Context {
    /// A diagnostic of `code` at `span` with the code's default severity.
    pub fn diagnostic(
        &self,
        code: Code,
        span: Range<usize>,
        message: impl Into<Arc<str>>,
    ) -> Diagnostic {
        Diagnostic {
            file: self.file,
            span,
            code,
            severity: code.default_severity(),
            message: message.into(),
            group: self.group.clone(),
            rule: self.rule.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_names_are_unique_and_round_trip() {
        let mut names: Vec<_> = Code::ALL.iter().map(|c| c.name()).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len());
        for code in Code::ALL {
            assert_eq!(Code::from_name(code.name()), Some(*code));
            assert!(code.name().contains('/'), "{code}");
        }
    }

    #[test]
    fn patterns_match_codes_and_families() {
        assert!(Code::PromqlSyntax.matches("promql/syntax"));
        assert!(Code::PromqlSyntax.matches("promql"));
        assert!(Code::PromqlSyntax.matches("promql/"));
        assert!(!Code::PromqlSyntax.matches("prom"));
        assert!(!Code::PromqlSyntax.matches("rule"));
        assert!(Code::PromqlSyntax.matches("*"));
    }
}
