//! `ccmon scaffold`: the monitoring stack writer. The templates are the repository's own
//! `monitoring/` folder and `docker/monitoring-compose.yml`, embedded with `include_str!`, so
//! what the tests validate with promtool, amtool and real servers is what users get. Options
//! are applied by small text transformations ([`transform`]); with the default options the
//! output is byte for byte the repository's files. [`plan`] compares the output with what is
//! on disk, [`write()`] writes only what changed and never overwrites without `force`.

pub mod diff;
pub mod secrets;
pub mod secure;
pub mod transform;

use std::collections::BTreeSet;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// An exporter the stack can deploy (a Compose service plus its scrape jobs, alerts and
/// dashboard panels).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Exporter {
    /// node_exporter: disk, memory and CPU of the host.
    Node,
    /// postgres_exporter: the fleet's PostgreSQL.
    Postgres,
    /// blackbox_exporter: HTTP probes and certificates.
    Blackbox,
}

impl Exporter {
    /// Every exporter, the default selection.
    pub const ALL: [Exporter; 3] = [Exporter::Node, Exporter::Postgres, Exporter::Blackbox];

    /// The name used in marked blocks and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Exporter::Node => "node",
            Exporter::Postgres => "postgres",
            Exporter::Blackbox => "blackbox",
        }
    }

    /// Prefixes of the metric names this exporter emits (and of rules recorded from them):
    /// a dashboard panel querying one of them is dropped with the exporter.
    pub fn metric_prefixes(self) -> &'static [&'static str] {
        match self {
            Exporter::Node => &["node_", "instance:node_"],
            Exporter::Postgres => &["pg_"],
            Exporter::Blackbox => &["probe_"],
        }
    }
}

/// An Alertmanager integration the stack can notify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Receiver {
    /// Email through an SMTP smarthost.
    Email,
    /// Slack incoming webhooks.
    Slack,
    /// PagerDuty Events API v2.
    Pagerduty,
    /// A generic webhook.
    Webhook,
}

impl Receiver {
    /// Every receiver, the default selection.
    pub const ALL: [Receiver; 4] = [
        Receiver::Email,
        Receiver::Slack,
        Receiver::Pagerduty,
        Receiver::Webhook,
    ];

    /// The name used in marked blocks and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Receiver::Email => "email",
            Receiver::Slack => "slack",
            Receiver::Pagerduty => "pagerduty",
            Receiver::Webhook => "webhook",
        }
    }

    /// The secret file (under `docker/secrets/`) the receiver reads, mounted by Compose.
    pub fn secret_file(self) -> &'static str {
        match self {
            Receiver::Email => "smtp_password",
            Receiver::Slack => "slack_webhook_url",
            Receiver::Pagerduty => "pagerduty_routing_key",
            Receiver::Webhook => "webhook_token",
        }
    }
}

/// Defaults that appear literally in the templates and are replaced when an option differs.
pub mod defaults {
    /// Where Prometheus (in Compose) reaches `ccmon health serve` on the host.
    pub const CCMON_HOST: &str = "host.docker.internal:8080";
    /// Prometheus retention.
    pub const RETENTION: &str = "30d";
    /// The runbooks every alert links to (anchors are the alert names, lowercased).
    pub const RUNBOOK_URL: &str = "https://github.com/ccmon/ccmon/blob/main/docs/runbooks.md";
}

/// How Prometheus authenticates to the remote-write endpoints (`--remote-write-auth`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemoteWriteAuth {
    /// `Authorization: Bearer` from `docker/secrets/remote_write_token`.
    Bearer,
    /// Basic auth as this user, password from `docker/secrets/remote_write_password`.
    Basic(String),
}

/// What to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Exporters to deploy.
    pub exporters: BTreeSet<Exporter>,
    /// Alertmanager integrations (at least one).
    pub receivers: BTreeSet<Receiver>,
    /// `HOST:PORT` of `ccmon health serve` as Prometheus reaches it.
    pub ccmon_host: String,
    /// Prometheus retention (Prometheus duration).
    pub retention: String,
    /// Base URL of the runbooks (`docs/runbooks.md` of the repository).
    pub runbook_url: String,
    /// HTTPS on Prometheus, Alertmanager and Grafana.
    pub tls: bool,
    /// Names the server certificate carries besides the stack's own.
    pub tls_hosts: Vec<String>,
    /// Basic auth on Prometheus and Alertmanager as this user.
    pub basic_auth: Option<String>,
    /// Remote-write endpoints.
    pub remote_write: Vec<String>,
    /// Credentials for the remote-write endpoints.
    pub remote_write_auth: Option<RemoteWriteAuth>,
    /// External labels added to `monitor: ccmon`, in order.
    pub external_labels: Vec<(String, String)>,
    /// Two Alertmanagers in a cluster.
    pub ha: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            exporters: Exporter::ALL.into_iter().collect(),
            receivers: Receiver::ALL.into_iter().collect(),
            ccmon_host: defaults::CCMON_HOST.to_owned(),
            retention: defaults::RETENTION.to_owned(),
            runbook_url: defaults::RUNBOOK_URL.to_owned(),
            tls: false,
            tls_hosts: Vec::new(),
            basic_auth: None,
            remote_write: Vec::new(),
            remote_write_auth: None,
            external_labels: Vec::new(),
            ha: false,
        }
    }
}

/// One embedded template: its path below the output directory and its text.
#[derive(Debug, Clone, Copy)]
pub struct Template {
    /// Relative path, `/`-separated.
    pub path: &'static str,
    /// The repository file's contents.
    pub text: &'static str,
}

macro_rules! templates {
    ($($path:literal),* $(,)?) => {
        &[$(Template { path: $path, text: include_str!(concat!("../../", $path)) }),*]
    };
}

/// Every file `ccmon scaffold` writes, in the order it lists them.
pub const TEMPLATES: &[Template] = templates![
    "docker/monitoring-compose.yml",
    "monitoring/prometheus.yml",
    "monitoring/recording-rules.yml",
    "monitoring/alert-rules.yml",
    "monitoring/.ccmon-lint.yaml",
    "monitoring/targets/ccmon-agents.yml",
    "monitoring/alertmanager.yml",
    "monitoring/templates/ccmon.tmpl",
    "monitoring/blackbox/blackbox.yml",
    "monitoring/grafana/provisioning/datasources/prometheus.yml",
    "monitoring/grafana/provisioning/dashboards/ccmon.yml",
    "monitoring/grafana/dashboards/overview.json",
    "monitoring/grafana/dashboards/stream-monitoring.json",
    "monitoring/grafana/dashboards/alert-status.json",
];

/// A file of the stack with its contents for the chosen options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedFile {
    /// Relative path, `/`-separated.
    pub path: &'static str,
    /// Contents to write.
    pub contents: String,
}

/// Renders every file for `options` (with the password hash of `secrets` for
/// `--basic-auth`). Files that only serve a deselected exporter are left out (the blackbox
/// config without blackbox); the web config and the ccmon context come with the options
/// that need them.
pub fn render(
    options: &Options,
    secrets: &secrets::Secrets,
) -> Result<Vec<RenderedFile>, ScaffoldError> {
    validate(options)?;
    let mut files = Vec::with_capacity(TEMPLATES.len());
    for t in TEMPLATES {
        if t.path == "monitoring/blackbox/blackbox.yml"
            && !options.exporters.contains(&Exporter::Blackbox)
        {
            continue;
        }
        let contents = transform::apply(t.path, t.text, options)
            .and_then(|text| secure::apply(t.path, text, options))
            .map_err(|source| ScaffoldError::Template {
                path: t.path,
                source,
            })?;
        files.push(RenderedFile {
            path: t.path,
            contents,
        });
        if t.path == "monitoring/prometheus.yml" && secure::has_web_config(options) {
            files.push(RenderedFile {
                path: secure::WEB_CONFIG,
                contents: secure::web_config(options, secrets.password_hash.as_deref()),
            });
        }
    }
    if secure::needs_context(options) {
        files.push(RenderedFile {
            path: secure::CONTEXT,
            contents: secure::context(options),
        });
    }
    Ok(files)
}

/// Rejects option values that would break the files they are written into.
pub fn validate(options: &Options) -> Result<(), ScaffoldError> {
    if options.receivers.is_empty() {
        return Err(ScaffoldError::NoReceiver);
    }
    let host = &options.ccmon_host;
    let valid_host = host.rsplit_once(':').is_some_and(|(h, port)| {
        !h.is_empty()
            && port.parse::<u16>().is_ok_and(|p| p > 0)
            && h.chars().all(|c| {
                c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '[' | ']' | ':')
            })
    });
    if !valid_host {
        return Err(ScaffoldError::InvalidHost(host.clone()));
    }
    let retention = &options.retention;
    let valid_retention = retention.chars().all(|c| c.is_ascii_alphanumeric())
        && crate::duration::parse(retention).is_ok_and(|d| !d.is_zero());
    if !valid_retention {
        return Err(ScaffoldError::InvalidRetention(retention.clone()));
    }
    let url = &options.runbook_url;
    let valid_url = (url.starts_with("https://") || url.starts_with("http://"))
        && !url.contains(['\'', '"', ' ', '#', '{', '}']);
    if !valid_url {
        return Err(ScaffoldError::InvalidRunbookUrl(url.clone()));
    }
    validate_production(options)
}

/// The production options: every value is written into YAML or a shell command.
fn validate_production(options: &Options) -> Result<(), ScaffoldError> {
    let plain_name = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    };
    if let Some(user) = &options.basic_auth
        && !plain_name(user)
    {
        return Err(ScaffoldError::InvalidOption {
            flag: "--basic-auth",
            value: user.clone(),
            expected: "a user name of letters, digits, '.', '_' and '-'",
        });
    }
    for host in &options.tls_hosts {
        let ok = host.parse::<std::net::IpAddr>().is_ok()
            || (plain_name(host.trim_start_matches("*.")) && !host.contains('_'));
        if !ok {
            return Err(ScaffoldError::InvalidOption {
                flag: "--tls-hosts",
                value: host.clone(),
                expected: "a DNS name or an IP address",
            });
        }
    }
    for url in &options.remote_write {
        let parsed = url::Url::parse(url).ok();
        let ok = parsed.as_ref().is_some_and(|u| {
            matches!(u.scheme(), "http" | "https")
                && u.host_str().is_some()
                && u.password().is_none()
        }) && !url.contains(['\'', '"', ' ', '#', '{', '}']);
        if !ok {
            return Err(ScaffoldError::InvalidOption {
                flag: "--remote-write",
                value: crate::redact::redact(url).into_owned(),
                expected: "an http(s) URL without a password (put it in docker/secrets/ with --remote-write-auth)",
            });
        }
    }
    match &options.remote_write_auth {
        Some(_) if options.remote_write.is_empty() => {
            return Err(ScaffoldError::InvalidOption {
                flag: "--remote-write-auth",
                value: String::new(),
                expected: "--remote-write URL too",
            });
        }
        Some(RemoteWriteAuth::Basic(user)) if !plain_name(user) => {
            return Err(ScaffoldError::InvalidOption {
                flag: "--remote-write-user",
                value: user.clone(),
                expected: "a user name (needed by --remote-write-auth basic) of letters, digits, '.', '_' and '-'",
            });
        }
        _ => {}
    }
    let mut seen = BTreeSet::new();
    for (name, value) in &options.external_labels {
        let valid_name = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !name.starts_with("__");
        if !valid_name || value.is_empty() || value.contains(['\n', '\r']) || !seen.insert(name) {
            return Err(ScaffoldError::InvalidOption {
                flag: "--external-labels",
                value: format!("{name}={value}"),
                expected: "NAME=VALUE pairs with distinct Prometheus label names and non-empty values",
            });
        }
    }
    Ok(())
}

/// What writing a file would do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// The file does not exist yet.
    Create,
    /// The file exists and differs; it is overwritten only with `--force`.
    Update,
    /// The file exists with the same contents.
    Unchanged,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Change::Create => "create",
            Change::Update => "update",
            Change::Unchanged => "unchanged",
        })
    }
}

/// One file of the plan.
#[derive(Debug, Clone)]
pub struct PlannedFile {
    /// Relative path, `/`-separated.
    pub path: &'static str,
    /// Where it goes.
    pub target: PathBuf,
    /// What writing it does.
    pub change: Change,
    /// The new contents.
    pub contents: String,
    /// The contents on disk, when the file exists and is text.
    pub current: Option<String>,
    /// A secret under `docker/secrets/` (never shown in a diff; its directory is private).
    pub secret: bool,
}

/// Compares the rendered files with what is under `dir`.
pub fn plan(dir: &Path, files: Vec<RenderedFile>) -> Result<Vec<PlannedFile>, ScaffoldError> {
    let mut planned = Vec::with_capacity(files.len());
    for f in files {
        let target = dir.join(f.path);
        let (change, current) = match std::fs::read(&target) {
            Ok(bytes) if bytes == f.contents.as_bytes() => (Change::Unchanged, None),
            Ok(bytes) => (Change::Update, String::from_utf8(bytes).ok()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => (Change::Create, None),
            Err(source) => {
                return Err(ScaffoldError::Read {
                    path: target,
                    source,
                });
            }
        };
        planned.push(PlannedFile {
            path: f.path,
            target,
            change,
            contents: f.contents,
            current,
            secret: false,
        });
    }
    Ok(planned)
}

/// The secret files to create, as plan entries (they never exist: existing secrets are
/// used as they are).
pub fn plan_secrets(dir: &Path, secrets: &secrets::Secrets) -> Vec<PlannedFile> {
    secrets
        .create
        .iter()
        .map(|f| PlannedFile {
            path: f.path,
            target: dir.join(f.path),
            change: Change::Create,
            contents: f.contents.clone(),
            current: None,
            secret: true,
        })
        .collect()
}

/// Writes the files that change. Without `force`, a file that exists and differs stops
/// the whole write before anything is written ([`ScaffoldError::Conflicts`]).
pub fn write(plan: &[PlannedFile], force: bool) -> Result<usize, ScaffoldError> {
    let conflicts: Vec<PathBuf> = plan
        .iter()
        .filter(|f| f.change == Change::Update)
        .map(|f| f.target.clone())
        .collect();
    if !force && !conflicts.is_empty() {
        return Err(ScaffoldError::Conflicts(conflicts));
    }
    let mut written = 0;
    for f in plan.iter().filter(|f| f.change != Change::Unchanged) {
        if f.secret {
            private_secrets_dir(&f.target)?;
        }
        write_file(&f.target, &f.contents)?;
        written += 1;
    }
    Ok(written)
}

/// Creates `docker/secrets/` (above `target`) readable by its owner only. The files in it
/// keep the default mode: Compose bind-mounts each one into containers whose processes
/// run as other users (nobody for Prometheus, 472 for Grafana), so the directory is what
/// keeps other host users out.
fn private_secrets_dir(target: &Path) -> Result<(), ScaffoldError> {
    use std::os::unix::fs::PermissionsExt as _;
    let Some(dir) = target
        .ancestors()
        .find(|a| a.file_name().is_some_and(|n| n == "secrets"))
    else {
        return Ok(());
    };
    if dir.exists() {
        return Ok(());
    }
    let err = |source| ScaffoldError::Write {
        path: dir.to_owned(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(err)?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(err)
}

/// Writes through a temporary file in the same directory and renames it, so a crash never
/// leaves a half-written config for Prometheus to load.
fn write_file(target: &Path, contents: &str) -> Result<(), ScaffoldError> {
    let err = |source| ScaffoldError::Write {
        path: target.to_owned(),
        source,
    };
    let parent = target.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(err)?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = parent.join(format!(".{name}.ccmon-tmp"));
    std::fs::write(&tmp, contents).map_err(err)?;
    std::fs::rename(&tmp, target).map_err(|source| {
        let _ = std::fs::remove_file(&tmp);
        err(source)
    })
}

/// `ccmon scaffold` failed.
#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    /// Files exist with other contents and `--force` was not given.
    #[error(
        "{} file(s) exist and differ, nothing was written: {}",
        .0.len(),
        .0.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
    )]
    Conflicts(Vec<PathBuf>),
    /// No receiver was selected.
    #[error("--receivers needs at least one of email, slack, pagerduty, webhook")]
    NoReceiver,
    /// `--ccmon-host` is not `HOST:PORT`.
    #[error("invalid --ccmon-host {0:?}: expected HOST:PORT, e.g. host.docker.internal:8080")]
    InvalidHost(String),
    /// `--retention` is not a Prometheus duration.
    #[error("invalid --retention {0:?}: expected a Prometheus duration, e.g. 30d or 2w")]
    InvalidRetention(String),
    /// `--runbook-url` is not a plain http(s) URL.
    #[error("invalid --runbook-url {0:?}: expected an http(s) URL without quotes, spaces or '#'")]
    InvalidRunbookUrl(String),
    /// A production option has a value that cannot be written.
    #[error("invalid {flag} {value:?}: expected {expected}")]
    InvalidOption {
        /// The flag.
        flag: &'static str,
        /// The value given (redacted).
        value: String,
        /// What would do.
        expected: &'static str,
    },
    /// The web password file is empty.
    #[error("{} is empty", .0.display())]
    EmptyPassword(PathBuf),
    /// Some but not all of the TLS files exist.
    #[error(
        "TLS files missing: {} (the others exist; ccmon creates the set only when none exists)",
        .0.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
    )]
    TlsIncomplete(Vec<PathBuf>),
    /// A key, certificate, hash or random value could not be made.
    #[error("cannot create the secrets: {0}")]
    Crypto(String),
    /// An embedded template could not be transformed (a bug in the template).
    #[error("embedded template {path} is malformed")]
    Template {
        /// The template.
        path: &'static str,
        /// What is wrong.
        #[source]
        source: transform::TransformError,
    },
    /// An existing file could not be read.
    #[error("cannot read {}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
    /// A file could not be written.
    #[error("cannot write {}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
}

impl ScaffoldError {
    /// What to do about it, when ccmon knows.
    pub fn hint(&self) -> Option<String> {
        match self {
            ScaffoldError::Conflicts(_) => Some(
                "see the changes with `ccmon scaffold --diff`, then overwrite with --force".into(),
            ),
            ScaffoldError::TlsIncomplete(_) => Some(
                "put your CA, certificate and key in place (ca.crt, server.crt, server.key), \
                 or remove all three to have new ones created"
                    .into(),
            ),
            _ => None,
        }
    }

    /// Whether the error is a refusal to overwrite (exit 1) rather than a usage or I/O
    /// error (exit 2).
    pub fn is_conflict(&self) -> bool {
        matches!(self, ScaffoldError::Conflicts(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_output_is_the_repository_files() {
        let files = render(&Options::default(), &secrets::Secrets::default()).unwrap();
        assert_eq!(files.len(), TEMPLATES.len());
        for (f, t) in files.iter().zip(TEMPLATES) {
            assert_eq!(
                f.contents, t.text,
                "{} differs from the repository file",
                t.path
            );
        }
    }

    #[test]
    fn bad_options_are_rejected() {
        let bad = |f: fn(&mut Options)| {
            let mut o = Options::default();
            f(&mut o);
            render(&o, &secrets::Secrets::default()).unwrap_err()
        };
        let refusal = |e: ScaffoldError| match e {
            ScaffoldError::NoReceiver => "receivers",
            ScaffoldError::InvalidHost(_) => "host",
            ScaffoldError::InvalidRetention(_) => "retention",
            ScaffoldError::InvalidRunbookUrl(_) => "runbook url",
            other => panic!("{other}"),
        };
        type Edit = fn(&mut Options);
        let cases: [(Edit, &str); 7] = [
            (|o| o.receivers.clear(), "receivers"),
            (|o| o.ccmon_host = "nohost".into(), "host"),
            (|o| o.ccmon_host = "h:99999".into(), "host"),
            (|o| o.ccmon_host = "a'b:80".into(), "host"),
            (|o| o.retention = "30 d".into(), "retention"),
            (|o| o.retention = "0s".into(), "retention"),
            (|o| o.runbook_url = "ftp://x".into(), "runbook url"),
        ];
        for (edit, want) in cases {
            assert_eq!(refusal(bad(edit)), want);
        }
        let invalid = |f: fn(&mut Options)| match bad(f) {
            ScaffoldError::InvalidOption { flag, .. } => flag,
            other => panic!("{other}"),
        };
        assert_eq!(
            invalid(|o| o.basic_auth = Some("a b".into())),
            "--basic-auth"
        );
        assert_eq!(invalid(|o| o.tls_hosts = vec!["a'b".into()]), "--tls-hosts");
        assert_eq!(
            invalid(|o| o.remote_write = vec!["https://u:secret@mimir/push".into()]),
            "--remote-write"
        );
        assert_eq!(
            invalid(|o| {
                o.remote_write = vec!["https://mimir/push".into()];
                o.remote_write_auth = Some(RemoteWriteAuth::Basic(String::new()));
            }),
            "--remote-write-user"
        );
        for labels in [
            vec![("cluster".to_owned(), String::new())],
            vec![("__x".to_owned(), "a".to_owned())],
            vec![("1a".to_owned(), "a".to_owned())],
            vec![
                ("a".to_owned(), "1".to_owned()),
                ("a".to_owned(), "2".to_owned()),
            ],
        ] {
            let o = Options {
                external_labels: labels,
                ..Options::default()
            };
            assert!(
                matches!(
                    render(&o, &secrets::Secrets::default()),
                    Err(ScaffoldError::InvalidOption {
                        flag: "--external-labels",
                        ..
                    })
                ),
                "{:?}",
                o.external_labels
            );
        }
    }

    #[test]
    fn the_redacted_url_never_shows_the_password() {
        let o = Options {
            remote_write: vec!["https://u:s3cr3t@mimir/push".into()],
            ..Options::default()
        };
        let err = render(&o, &secrets::Secrets::default()).unwrap_err();
        assert!(!err.to_string().contains("s3cr3t"), "{err}");
    }

    #[test]
    fn a_local_ca_signs_a_pem_certificate_and_key() {
        let hosts = vec![
            "localhost".to_owned(),
            "127.0.0.1".to_owned(),
            "mon.example.com".to_owned(),
        ];
        let (ca, cert, key) = secrets::certificates(&hosts, jiff::Timestamp::UNIX_EPOCH).unwrap();
        assert!(ca.starts_with("-----BEGIN CERTIFICATE-----"), "{ca}");
        assert!(cert.starts_with("-----BEGIN CERTIFICATE-----"), "{cert}");
        assert!(key.starts_with("-----BEGIN PRIVATE KEY-----"), "{key}");
        // Valid, now, for the names it was made for; not for another.
        let now = jiff::Timestamp::now();
        let (ca, cert, _) = secrets::certificates(&hosts, now).unwrap();
        assert!(secrets::check_certificate(&ca, &cert, &hosts).is_empty());
        let other = vec!["alertmanager-2".to_owned()];
        let problems = secrets::check_certificate(&ca, &cert, &other);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("alertmanager-2"), "{problems:?}");
        // Signed by another CA: not trusted.
        let (other_ca, _, _) = secrets::certificates(&hosts, now).unwrap();
        assert_eq!(
            secrets::check_certificate(&other_ca, &cert, &hosts).len(),
            hosts.len()
        );
    }

    #[test]
    fn write_refuses_to_overwrite_without_force() {
        let dir = tempfile::tempdir().unwrap();
        let files = render(&Options::default(), &secrets::Secrets::default()).unwrap();
        let p = plan(dir.path(), files.clone()).unwrap();
        assert!(p.iter().all(|f| f.change == Change::Create));
        assert_eq!(write(&p, false).unwrap(), TEMPLATES.len());
        let p = plan(dir.path(), files.clone()).unwrap();
        assert!(p.iter().all(|f| f.change == Change::Unchanged));
        let edited = dir.path().join("monitoring/prometheus.yml");
        std::fs::write(&edited, "edited\n").unwrap();
        let p = plan(dir.path(), files.clone()).unwrap();
        let err = write(&p, false).unwrap_err();
        assert!(err.is_conflict(), "{err}");
        assert_eq!(std::fs::read_to_string(&edited).unwrap(), "edited\n");
        assert_eq!(write(&p, true).unwrap(), 1);
        assert_eq!(std::fs::read_to_string(&edited).unwrap(), TEMPLATES[1].text);
    }
}
