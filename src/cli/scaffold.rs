//! `ccmon scaffold`.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

#[derive(Debug, Args)]
pub struct ScaffoldArgs {
    /// Directory to write into (docker/ and monitoring/ are created below it)
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,

    /// Overwrite files that exist and differ (without it, nothing is written and the
    /// command exits 1 when any file would be overwritten)
    #[arg(long)]
    pub force: bool,

    /// Only list what would be created, updated or left unchanged; write nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Show a unified diff of what would change (implies --dry-run)
    #[arg(long)]
    pub diff: bool,

    /// Exporters to deploy (comma-separated); their scrape jobs, alerts and dashboard
    /// panels come and go with them
    #[arg(
        long,
        value_name = "LIST",
        value_enum,
        value_delimiter = ',',
        default_value = "node,postgres,blackbox"
    )]
    pub exporters: Vec<ExporterArg>,

    /// Alertmanager receivers to configure (comma-separated, at least one)
    #[arg(
        long,
        value_name = "LIST",
        value_enum,
        value_delimiter = ',',
        default_value = "email,slack,pagerduty,webhook"
    )]
    pub receivers: Vec<ReceiverArg>,

    /// Address where Prometheus reaches `ccmon health serve`
    #[arg(
        long,
        value_name = "HOST:PORT",
        default_value = "host.docker.internal:8080"
    )]
    pub ccmon_host: String,

    /// Prometheus retention (Prometheus duration)
    #[arg(long, value_name = "DURATION", default_value = "30d")]
    pub retention: String,

    /// Base URL of the runbooks the alerts link to (anchors are the alert names, lowercased)
    #[arg(
        long,
        value_name = "URL",
        default_value = "https://github.com/ccmon/ccmon/blob/main/docs/runbooks.md"
    )]
    pub runbook_url: String,

    /// Serve Prometheus, Alertmanager and Grafana over HTTPS; the certificate, its key and
    /// CA are read from DIR/docker/secrets/tls/ (ca.crt, server.crt, server.key) and created
    /// there with a local CA when none exists
    #[arg(long)]
    pub tls: bool,

    /// Names (DNS or IP) the created server certificate carries besides the service names,
    /// localhost and 127.0.0.1 (comma-separated)
    #[arg(long, value_name = "LIST", value_delimiter = ',', requires = "tls")]
    pub tls_hosts: Vec<String>,

    /// Require HTTP basic auth as USER on Prometheus and Alertmanager; the password is read
    /// from DIR/docker/secrets/web_password (generated when absent), only its bcrypt hash
    /// is written, and every client of the stack carries it
    #[arg(long, value_name = "USER")]
    pub basic_auth: Option<String>,

    /// Send every sample to this remote-write endpoint too (Thanos Receive, Cortex, Mimir;
    /// repeatable)
    #[arg(long, value_name = "URL")]
    pub remote_write: Vec<String>,

    /// Credentials for --remote-write: bearer (docker/secrets/remote_write_token) or basic
    /// (--remote-write-user, docker/secrets/remote_write_password)
    #[arg(long, value_name = "KIND", value_enum, requires = "remote_write")]
    pub remote_write_auth: Option<RemoteWriteAuthArg>,

    /// User name for --remote-write-auth basic
    #[arg(long, value_name = "USER", requires = "remote_write_auth")]
    pub remote_write_user: Option<String>,

    /// Labels Prometheus adds to everything it sends out (NAME=VALUE, comma-separated),
    /// e.g. cluster=eu1,replica=a as Thanos, Cortex and Mimir expect; a `replica` label is
    /// dropped from alerts so a Prometheus pair's alerts deduplicate
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub external_labels: Vec<String>,

    /// Two Alertmanagers peering as a cluster (the second published on 127.0.0.1:9095);
    /// Prometheus sends to both
    #[arg(long)]
    pub ha: bool,
}

/// `scaffold --remote-write-auth` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RemoteWriteAuthArg {
    /// Authorization: Bearer, token from docker/secrets/remote_write_token
    Bearer,
    /// Basic auth, password from docker/secrets/remote_write_password
    Basic,
}

/// `scaffold --exporters` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExporterArg {
    /// node_exporter: host disk, memory, CPU
    Node,
    /// postgres_exporter: the fleet's PostgreSQL
    Postgres,
    /// blackbox_exporter: HTTP probes and certificates
    Blackbox,
}

/// `scaffold --receivers` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReceiverArg {
    /// Email through an SMTP smarthost
    Email,
    /// Slack incoming webhook
    Slack,
    /// PagerDuty Events API v2
    Pagerduty,
    /// Generic webhook
    Webhook,
}

impl ScaffoldArgs {
    /// The scaffold options these flags select.
    pub fn options(&self) -> crate::scaffold::Options {
        use crate::scaffold::{Exporter, Receiver};
        crate::scaffold::Options {
            exporters: self
                .exporters
                .iter()
                .map(|e| match e {
                    ExporterArg::Node => Exporter::Node,
                    ExporterArg::Postgres => Exporter::Postgres,
                    ExporterArg::Blackbox => Exporter::Blackbox,
                })
                .collect(),
            receivers: self
                .receivers
                .iter()
                .map(|r| match r {
                    ReceiverArg::Email => Receiver::Email,
                    ReceiverArg::Slack => Receiver::Slack,
                    ReceiverArg::Pagerduty => Receiver::Pagerduty,
                    ReceiverArg::Webhook => Receiver::Webhook,
                })
                .collect(),
            ccmon_host: self.ccmon_host.clone(),
            retention: self.retention.clone(),
            runbook_url: self.runbook_url.clone(),
            tls: self.tls,
            tls_hosts: self.tls_hosts.clone(),
            basic_auth: self.basic_auth.clone(),
            remote_write: self.remote_write.clone(),
            remote_write_auth: self.remote_write_auth.map(|a| match a {
                RemoteWriteAuthArg::Bearer => crate::scaffold::RemoteWriteAuth::Bearer,
                RemoteWriteAuthArg::Basic => crate::scaffold::RemoteWriteAuth::Basic(
                    self.remote_write_user.clone().unwrap_or_default(),
                ),
            }),
            external_labels: self
                .external_labels
                .iter()
                .map(|kv| match kv.split_once('=') {
                    Some((k, v)) => (k.trim().to_owned(), v.trim().to_owned()),
                    // Rejected by validation with the pair as given.
                    None => (kv.clone(), String::new()),
                })
                .collect(),
            ha: self.ha,
        }
    }
}
