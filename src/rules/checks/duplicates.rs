//! Duplicate rules across every linted file: the same alert or record name with the same
//! labels (group labels merged under rule labels), which Prometheus evaluates twice and
//! which, for recording rules, write the same series from two places. promtool only looks
//! within one file; the same rule in two files deployed together is just as wrong.

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};

use super::super::Parsed;
use super::super::diagnostic::{Code, Context, Diagnostic};
use super::super::model::{Group, Rule};
use super::super::source::SourceFile;

/// What makes two rules the same: alert or not, name, and the merged labels.
type Identity<'a> = (bool, &'a str, BTreeMap<&'a str, &'a str>);

fn identity<'a>(group: &'a Group, rule: &'a Rule) -> Option<Identity<'a>> {
    let name = rule.name()?;
    let mut labels = BTreeMap::new();
    for pair in group.labels.iter().chain(&rule.labels) {
        labels.insert(pair.key.value.as_str(), pair.value.value.as_str());
    }
    Some((rule.alert.is_some(), name.value.as_str(), labels))
}

/// Reports every repeat of a rule identity after its first occurrence. Only a hash of each
/// identity is kept (a big rule set would otherwise be copied); a hash match is confirmed
/// by comparing the two rules themselves.
pub fn check(files: &[SourceFile], parsed: &[Parsed], out: &mut Vec<Diagnostic>) {
    // hash -> (file, group, rule) of the first occurrences with that hash
    let mut first: HashMap<u64, Vec<(usize, usize, usize)>> = HashMap::new();
    for (index, file) in parsed.iter().enumerate() {
        for (g, group) in file.model.groups.iter().enumerate() {
            for (r, rule) in group.rules.iter().enumerate() {
                let Some(id) = identity(group, rule) else {
                    continue;
                };
                let mut hasher = DefaultHasher::new();
                id.hash(&mut hasher);
                let seen = first.entry(hasher.finish()).or_default();
                let earlier = seen.iter().copied().find(|&(f, g2, r2)| {
                    let other = parsed.get(f).and_then(|p| p.model.groups.get(g2));
                    other
                        .and_then(|og| Some((og, og.rules.get(r2)?)))
                        .and_then(|(og, or)| identity(og, or))
                        .is_some_and(|other| other == id)
                });
                let Some((other_file, og, or)) = earlier else {
                    seen.push((index, g, r));
                    continue;
                };
                let Some(name) = rule.name() else {
                    continue;
                };
                let Some(other) = parsed
                    .get(other_file)
                    .and_then(|p| p.model.groups.get(og)?.rules.get(or))
                else {
                    continue;
                };
                // Names given through one YAML alias share the anchor's span: then the
                // rules' own mappings tell the two apart, so the finding never names itself.
                let (here, other_offset) = match other.name() {
                    Some(o) if other_file != index || o.span != name.span => {
                        (name.span.clone(), o.span.start)
                    }
                    _ => (rule.span.clone(), other.span.start),
                };
                let repeated_alias = other_file == index && here.start == other_offset;
                let cx = Context {
                    file: index,
                    group: Some(group.name.value.clone()),
                    rule: Some(name.value.clone()),
                };
                let place = files.get(other_file).map_or_else(String::new, |f| {
                    let at = f.line_col(other_offset);
                    format!("{}:{}:{}", f.name, at.line, at.column)
                });
                let message = if repeated_alias {
                    // The same mapping listed twice (`- *rule`): there is no other place.
                    "this rule is listed more than once through a YAML alias; Prometheus would evaluate each copy".to_owned()
                } else {
                    format!(
                        "duplicate of the rule at {place} (same name and labels); Prometheus would evaluate both"
                    )
                };
                out.push(cx.diagnostic(Code::Duplicate, here, message));
            }
        }
    }
}
