//! Duplicate rules across every linted file: the same alert or record name with the same
//! labels (group labels merged under rule labels), which Prometheus evaluates twice and
//! which, for recording rules, write the same series from two places. promtool only looks
//! within one file; the same rule in two files deployed together is just as wrong.

use std::collections::BTreeMap;
use std::collections::HashMap;

use super::super::Parsed;
use super::super::diagnostic::{Code, Context, Diagnostic};
use super::super::source::SourceFile;

/// What makes two rules the same: alert or not, name, and the merged labels.
type Identity = (bool, String, BTreeMap<String, String>);

/// Reports every repeat of a rule identity after its first occurrence.
pub fn check(files: &[SourceFile], parsed: &[Parsed], out: &mut Vec<Diagnostic>) {
    let mut first: HashMap<Identity, (usize, usize)> = HashMap::new();
    for (index, file) in parsed.iter().enumerate() {
        for group in &file.model.groups {
            for rule in &group.rules {
                let Some(name) = rule.name() else {
                    continue;
                };
                let mut labels: BTreeMap<String, String> = BTreeMap::new();
                for pair in group.labels.iter().chain(&rule.labels) {
                    labels.insert(pair.key.value.clone(), pair.value.value.clone());
                }
                let key = (rule.alert.is_some(), name.value.clone(), labels);
                match first.get(&key) {
                    None => {
                        first.insert(key, (index, name.span.start));
                    }
                    Some(&(other_file, other_offset)) => {
                        let cx = Context {
                            file: index,
                            group: Some(group.name.value.clone()),
                            rule: Some(name.value.clone()),
                        };
                        let place = files.get(other_file).map_or_else(String::new, |f| {
                            let at = f.line_col(other_offset);
                            format!("{}:{}:{}", f.name, at.line, at.column)
                        });
                        out.push(cx.diagnostic(
                            Code::Duplicate,
                            name.span.clone(),
                            format!(
                                "duplicate of the rule at {place} (same name and labels); Prometheus would evaluate both"
                            ),
                        ));
                    }
                }
            }
        }
    }
}
