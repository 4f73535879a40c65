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

/// A 128-bit hash of the rule's identity (two differently seeded SipHashes): all the
/// duplicate check keeps of a rule, so a file's model can go once the file is checked.
pub fn rule_identity(group: &Group, rule: &Rule) -> u128 {
    let Some(id) = identity(group, rule) else {
        return 0;
    };
    let half = |seed: u8| {
        let mut hasher = DefaultHasher::new();
        hasher.write_u8(seed);
        id.hash(&mut hasher);
        hasher.finish()
    };
    (u128::from(half(0)) << 64) | u128::from(half(1))
}

/// Reports every repeat of a rule identity after its first occurrence, from the compact
/// keys of each file's [`Summary`](super::super::Summary).
pub fn check(files: &[SourceFile], parsed: &[Parsed], out: &mut Vec<Diagnostic>) {
    // identity -> (file, name span, rule start) of the first occurrence
    let mut first: HashMap<u128, (usize, std::ops::Range<usize>, usize)> = HashMap::new();
    for (index, file) in parsed.iter().enumerate() {
        // The file's model, taken (or read again) at its first duplicate only.
        let mut model = None;
        let summary = file.summary();
        for key in &summary.rules {
            let Some((other_file, other_name, other_start)) = first.get(&key.identity).cloned()
            else {
                first.insert(
                    key.identity,
                    (index, key.name_span.clone(), key.rule_span.start),
                );
                continue;
            };
            // Names given through one YAML alias share the anchor's span: then the
            // rules' own mappings tell the two apart, so the finding never names itself.
            let (here, other_offset) = if other_file != index || other_name != key.name_span {
                (key.name_span.clone(), other_name.start)
            } else {
                (key.rule_span.clone(), other_start)
            };
            let repeated_alias = other_file == index && here.start == other_offset;
            // Names only for a rule reported, from its model (read again if it was dropped).
            let Some(source) = files.get(index) else {
                continue;
            };
            let model = model.get_or_insert_with(|| file.model(source, index));
            let group = model.groups.get(key.group as usize);
            let cx = Context {
                file: index,
                group: group.map(|g| g.name.clone()),
                rule: group
                    .and_then(|g| g.rules.get(key.rule as usize))
                    .and_then(|r| r.name.clone()),
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
