//! `alerts status`: the cluster, its peers and its configuration.

use super::*;

pub(super) async fn status(ctx: &Ctx) -> anyhow::Result<Outcome> {
    let status = ctx.client.status().await?;
    let summary = am_status::summarize(&status.config.original);
    ctx.printer.print(&StatusView {
        status,
        summary,
        now: ctx.now,
    })?;
    Ok(ExitStatus::Success.into())
}

/// JSON is the server's status object as is, so scripts see what amtool's -o json shows.
#[derive(Serialize)]
#[serde(transparent)]
pub(super) struct StatusView {
    status: Status,
    #[serde(skip)]
    summary: Option<ConfigSummary>,
    #[serde(skip)]
    now: Timestamp,
}

impl Tabular for StatusView {
    fn headers(&self, _wide: bool) -> Vec<&'static str> {
        vec!["FIELD", "VALUE"]
    }
    fn rows(&self, wide: bool) -> Vec<Vec<String>> {
        let s = &self.status;
        let v = |k: &str| s.version_info.get(k).cloned().unwrap_or_else(|| "-".into());
        let mut rows = vec![
            vec!["version".into(), v("version")],
            vec![
                "uptime".into(),
                format!("{} (since {})", clock::age(&s.uptime, self.now), s.uptime),
            ],
            vec!["cluster".into(), s.cluster.status.clone()],
        ];
        if wide {
            rows.push(vec!["revision".into(), v("revision")]);
            rows.push(vec!["go version".into(), v("goVersion")]);
        }
        if let Some(name) = &s.cluster.name {
            rows.push(vec!["cluster name".into(), name.clone()]);
        }
        let mut peers: Vec<String> = s
            .cluster
            .peers
            .iter()
            .map(|p| format!("{} {}", p.address, p.name))
            .collect();
        peers.sort();
        for (i, p) in peers.into_iter().enumerate() {
            rows.push(vec![
                if i == 0 {
                    "peers".into()
                } else {
                    String::new()
                },
                p,
            ]);
        }
        match &self.summary {
            Some(c) => {
                rows.push(vec![
                    "receivers".into(),
                    format!("{} ({})", c.receivers.len(), c.receivers.join(", ")),
                ]);
                rows.push(vec!["routes".into(), c.routes.to_string()]);
                rows.push(vec!["inhibit rules".into(), c.inhibit_rules.to_string()]);
                rows.push(vec!["templates".into(), c.templates.to_string()]);
                if c.time_intervals > 0 {
                    rows.push(vec!["time intervals".into(), c.time_intervals.to_string()]);
                }
            }
            None => rows.push(vec!["config".into(), "(not readable)".into()]),
        }
        rows
    }
}

// ---------------------------------------------------------------------------------------
// alerts routes test
