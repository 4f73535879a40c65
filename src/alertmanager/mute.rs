//! Which alerts a silence mutes, computed the way Alertmanager's silencer does it, so that
//! `silence add --dry-run` can show them before the silence exists: every matcher must
//! accept the alert's value of its label, a label the alert lacks counts as the empty
//! value, and regexes are fully anchored with Go's ASCII classes (see `matcher`). Time plays
//! no part: a pending silence mutes the same alerts once it starts. Also: the counts
//! `silence ls` shows (from what the server reports, not recomputed) and the hint given
//! when a new silence mutes nothing.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::Alert;
use super::matcher::{Matcher, Op};

/// Whether a silence with `matchers` mutes an alert with `labels`.
pub fn mutes(matchers: &[Matcher], labels: &BTreeMap<String, String>) -> bool {
    !matchers.is_empty() && matchers.iter().all(|m| m.matches_labels(labels))
}

/// The alerts a silence with `matchers` would mute, in the order given.
pub fn muted<'a>(matchers: &[Matcher], alerts: &'a [Alert]) -> Vec<&'a Alert> {
    alerts
        .iter()
        .filter(|a| mutes(matchers, &a.labels))
        .collect()
}

/// How many alerts each silence mutes, as the server reports it (`status.silencedBy`).
pub fn counts_by_silence(alerts: &[Alert]) -> HashMap<&str, usize> {
    let mut counts = HashMap::new();
    for a in alerts {
        // An alert lists a silence once; a set guards against a server that repeats it.
        let ids: BTreeSet<&str> = a.status.silenced_by.iter().map(String::as_str).collect();
        for id in ids {
            *counts.entry(id).or_insert(0) += 1;
        }
    }
    counts
}

/// Why a silence mutes nothing, for the matchers that select nothing on their own: the
/// closest label value (or name) the alerts do have, since a typo is the usual cause.
pub fn hints(matchers: &[Matcher], alerts: &[Alert]) -> Vec<String> {
    let mut hints = Vec::new();
    for m in matchers {
        if alerts.iter().any(|a| m.matches_labels(&a.labels)) {
            continue;
        }
        let values: BTreeSet<&str> = alerts
            .iter()
            .filter_map(|a| a.labels.get(&m.name).map(String::as_str))
            .collect();
        if values.is_empty() {
            let names: BTreeSet<&str> = alerts
                .iter()
                .flat_map(|a| a.labels.keys().map(String::as_str))
                .collect();
            let mut hint = format!("no alert has a label {:?}", m.name);
            if let Some(name) = closest(&m.name, names.iter().copied()) {
                hint.push_str(&format!("; did you mean {name:?}?"));
            }
            hints.push(hint);
            continue;
        }
        let mut hint = format!("no alert matches {m}");
        if m.op == Op::Equal
            && let Some(value) = closest(&m.value, values.iter().copied())
            && let Ok(fix) = Matcher::new(&m.name, Op::Equal, value)
        {
            hint.push_str(&format!("; did you mean {fix}?"));
        } else if values.len() <= 5 {
            let list: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
            hint.push_str(&format!("; {} has {}", m.name, list.join(", ")));
        }
        hints.push(hint);
    }
    hints
}

/// The candidate nearest to `word` by edit distance, if it is near enough to be a typo
/// (at most a third of the word's length, and at least one edit allowed).
fn closest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .map(|c| (distance(&word.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

/// Levenshtein distance over chars.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(here + 1);
            prev = here;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alertmanager::matcher::parse_args;

    fn alert(labels: &[(&str, &str)], silenced_by: &[&str]) -> Alert {
        let labels: BTreeMap<String, String> = labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        serde_json::from_value(serde_json::json!({
            "labels": labels,
            "status": {"state": "active", "silencedBy": silenced_by},
        }))
        .unwrap()
    }

    fn ms(args: &[&str]) -> Vec<Matcher> {
        parse_args(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn empty_and_missing_labels_are_the_same() {
        let no_team = alert(&[("alertname", "A")], &[]);
        let team = alert(&[("alertname", "A"), ("team", "db")], &[]);
        assert!(mutes(&ms(&["team=\"\""]), &no_team.labels));
        assert!(!mutes(&ms(&["team=\"\""]), &team.labels));
        assert!(mutes(&ms(&["team!=db"]), &no_team.labels));
        assert!(mutes(&ms(&["team=~\"db|\""]), &no_team.labels));
        assert!(!mutes(&ms(&["team=~.+"]), &no_team.labels));
        assert!(mutes(&ms(&["team!~.+"]), &no_team.labels));
        // UTF-8 names are plain map keys.
        let utf8 = alert(&[("alertname", "A"), ("service.name", "api")], &[]);
        assert!(mutes(&ms(&["\"service.name\"=api"]), &utf8.labels));
        assert!(!mutes(&[], &utf8.labels), "no matcher mutes nothing");
    }

    #[test]
    fn counts_what_the_server_reports() {
        let alerts = [
            alert(&[("alertname", "A")], &["s1", "s2"]),
            alert(&[("alertname", "B")], &["s1", "s1"]),
            alert(&[("alertname", "C")], &[]),
        ];
        let c = counts_by_silence(&alerts);
        assert_eq!((c["s1"], c["s2"], c.get("s3")), (2, 1, None));
        assert_eq!(muted(&ms(&["alertname=~A|C"]), &alerts).len(), 2);
    }

    #[test]
    fn a_typo_gets_the_closest_value() {
        let alerts = [
            alert(
                &[("alertname", "InstanceDown"), ("instance", "db-1:9100")],
                &[],
            ),
            alert(
                &[("alertname", "DiskFull"), ("instance", "web-2:9100")],
                &[],
            ),
        ];
        let h = hints(&ms(&["InstanceDwn", "instance=db-1:9100"]), &alerts);
        assert_eq!(
            h,
            [
                "no alert matches alertname=\"InstanceDwn\"; did you mean alertname=\"InstanceDown\"?"
            ]
        );
        let h = hints(&ms(&["instanse=db-1:9100"]), &alerts);
        assert_eq!(
            h,
            ["no alert has a label \"instanse\"; did you mean \"instance\"?"]
        );
        let h = hints(&ms(&["instance=~zzz.*"]), &alerts);
        assert!(
            h[0].ends_with("instance has \"db-1:9100\", \"web-2:9100\""),
            "{h:?}"
        );
        // Far from everything: no guess.
        let h = hints(&ms(&["alertname=Completely"]), &alerts);
        assert!(!h[0].contains("did you mean"), "{h:?}");
        assert!(hints(&ms(&["DiskFull"]), &alerts).is_empty());
    }

    #[test]
    fn distance_is_levenshtein() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("café", "cafe"), 1);
    }
}
