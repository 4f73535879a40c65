//! The production options of `ccmon scaffold` (`--tls`, `--basic-auth`, `--remote-write`,
//! `--external-labels`, `--ha`) as transformations of the already rendered text, and the
//! files only they add (`monitoring/web-config.yml`, `ccmon-context.yaml`).
//!
//! The templates carry no markers for these options, so the default output stays the
//! repository's files byte for byte. Each edit is anchored on an exact piece of template
//! text that must occur exactly once; when a template changes under it, `anchored` fails
//! and the unit tests say which anchor moved, instead of the option silently doing nothing.
//!
//! Inside the containers every secret is a Compose secret under `/run/secrets/`: the
//! certificate and key, the CA, the web password (read by the clients through
//! `password_file`, `$__file{}` in Grafana, `cat` in the health checks) and the remote-write
//! credential. Only the bcrypt hash of the password is written to a config file.

use super::transform::TransformError;
use super::{Exporter, Options, RemoteWriteAuth};

/// The web password, below the output directory.
pub const WEB_PASSWORD: &str = "docker/secrets/web_password";
/// The CA that signed the server certificate, below the output directory.
pub const TLS_CA: &str = "docker/secrets/tls/ca.crt";
/// The server certificate (every service name and `--tls-hosts`).
pub const TLS_CERT: &str = "docker/secrets/tls/server.crt";
/// The server certificate's private key.
pub const TLS_KEY: &str = "docker/secrets/tls/server.key";
/// The bearer token for `--remote-write-auth bearer`.
pub const REMOTE_WRITE_TOKEN: &str = "docker/secrets/remote_write_token";
/// The password for `--remote-write-auth basic`.
pub const REMOTE_WRITE_PASSWORD: &str = "docker/secrets/remote_write_password";
/// The web configuration shared by Prometheus and Alertmanager.
pub const WEB_CONFIG: &str = "monitoring/web-config.yml";
/// The ccmon context for the written stack.
pub const CONTEXT: &str = "ccmon-context.yaml";

/// The host port the second Alertmanager of `--ha` is published on (9094 is the
/// Alertmanagers' gossip port, so it is not used for the API to avoid confusion).
pub const SECOND_ALERTMANAGER_PORT: u16 = 9095;

/// Compose secret names and where each comes from, in the order they are declared.
const SECRET_SOURCES: &[(&str, &str)] = &[
    ("tls_ca", "./secrets/tls/ca.crt"),
    ("tls_cert", "./secrets/tls/server.crt"),
    ("tls_key", "./secrets/tls/server.key"),
    ("web_password", "./secrets/web_password"),
    ("remote_write_token", "./secrets/remote_write_token"),
    ("remote_write_password", "./secrets/remote_write_password"),
];

/// Whether Prometheus and Alertmanager get a web configuration file.
pub fn has_web_config(options: &Options) -> bool {
    options.tls || options.basic_auth.is_some()
}

/// Whether anything a ccmon client needs to know differs from the defaults.
pub fn needs_context(options: &Options) -> bool {
    has_web_config(options) || options.ha
}

/// The names the server certificate carries: every service a client reaches by name,
/// loopback (the published ports and the health checks), then `--tls-hosts`.
pub fn certificate_hosts(options: &Options) -> Vec<String> {
    let mut hosts: Vec<String> = ["localhost", "127.0.0.1", "prometheus", "alertmanager"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    if options.ha {
        hosts.push("alertmanager-2".into());
    }
    hosts.push("grafana".into());
    for h in &options.tls_hosts {
        if !hosts.contains(h) {
            hosts.push(h.clone());
        }
    }
    hosts
}

/// Applies the production options to the rendered template at `path`.
pub fn apply(path: &str, text: String, options: &Options) -> Result<String, TransformError> {
    match path {
        "monitoring/prometheus.yml" => prometheus(text, options),
        "docker/monitoring-compose.yml" => compose(text, options),
        "monitoring/blackbox/blackbox.yml" if has_web_config(options) => {
            Ok(blackbox_modules(text, options))
        }
        "monitoring/grafana/provisioning/datasources/prometheus.yml" if has_web_config(options) => {
            datasources(text, options)
        }
        _ => Ok(text),
    }
}

/// Replaces the one occurrence of `anchor` in `text` with `with(anchor)`.
fn anchored(
    text: String,
    anchor: &str,
    with: impl FnOnce(&str) -> String,
) -> Result<String, TransformError> {
    let count = text.matches(anchor).count();
    if count != 1 {
        return Err(TransformError::Anchor {
            anchor: anchor.trim().to_owned(),
            count,
        });
    }
    Ok(text.replacen(anchor, &with(anchor), 1))
}

/// A YAML single-quoted scalar.
pub fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// `scheme`, `tls_config` and `basic_auth` of a client of Prometheus or Alertmanager, at
/// `indent` spaces.
fn client_lines(options: &Options, indent: usize) -> String {
    let i = " ".repeat(indent);
    let mut s = String::new();
    if options.tls {
        s.push_str(&format!(
            "{i}scheme: https\n{i}tls_config:\n{i}  ca_file: /run/secrets/tls_ca\n"
        ));
    }
    if let Some(user) = &options.basic_auth {
        s.push_str(&format!(
            "{i}basic_auth:\n{i}  username: {}\n{i}  password_file: /run/secrets/web_password\n",
            quote(user)
        ));
    }
    s
}

/// The Alertmanager targets of Prometheus.
fn alertmanager_targets(options: &Options) -> &'static str {
    if options.ha {
        "['alertmanager:9093', 'alertmanager-2:9093']"
    } else {
        "['alertmanager:9093']"
    }
}

fn prometheus(mut text: String, options: &Options) -> Result<String, TransformError> {
    if !options.external_labels.is_empty() {
        text = anchored(text, "    monitor: ccmon\n", |a| {
            let mut s = String::new();
            if !options.external_labels.iter().any(|(k, _)| k == "monitor") {
                s.push_str(a);
            }
            for (k, v) in &options.external_labels {
                s.push_str(&format!("    {k}: {}\n", quote(v)));
            }
            s
        })?;
    }
    if options.external_labels.iter().any(|(k, _)| k == "replica") {
        text = anchored(text, "alerting:\n  alertmanagers:\n", |_| {
            "alerting:\n  # Both replicas of a Prometheus pair send the same alerts; without their \
             `replica`\n  # label the Alertmanagers see one alert and deduplicate it.\n  \
             alert_relabel_configs:\n    - action: labeldrop\n      regex: replica\n  \
             alertmanagers:\n"
                .to_owned()
        })?;
    }
    if has_web_config(options) || options.ha {
        let targets = alertmanager_targets(options);
        text = anchored(
            text,
            "    - static_configs:\n        - targets: ['alertmanager:9093']\n",
            |_| {
                let client = client_lines(options, 6);
                let client = client.strip_prefix("      ").unwrap_or(&client);
                if client.is_empty() {
                    format!("    - static_configs:\n        - targets: {targets}\n")
                } else {
                    format!("    - {client}      static_configs:\n        - targets: {targets}\n")
                }
            },
        )?;
        text = anchored(
            text,
            "  - job_name: alertmanager\n    static_configs:\n      - targets: ['alertmanager:9093']\n",
            |_| {
                format!(
                    "  - job_name: alertmanager\n{}    static_configs:\n      - targets: {targets}\n",
                    client_lines(options, 4)
                )
            },
        )?;
    }
    if has_web_config(options) {
        text = anchored(text, "  - job_name: prometheus\n", |a| {
            format!("{a}{}", client_lines(options, 4))
        })?;
        if options.exporters.contains(&Exporter::Blackbox) {
            text = anchored(
                text,
                "          - 'http://grafana:3000/api/health'\n",
                |a| stack_probes(a, options),
            )?;
        }
    }
    if !options.remote_write.is_empty() {
        text = anchored(text, "\nscrape_configs:\n", |a| {
            format!("{}{a}", remote_write(options))
        })?;
    }
    Ok(text)
}

/// The stack's own endpoints in the `blackbox-http` job (so `ProbeFailed` and the
/// certificate alerts cover them), each group with the module that carries what it needs.
fn stack_probes(grafana_line: &str, options: &Options) -> String {
    let scheme = if options.tls { "https" } else { "http" };
    let mut s = String::new();
    if !options.tls {
        s.push_str(grafana_line);
    }
    s.push_str(
        "      # The stack's own endpoints, with its CA and credentials (modules in \
         blackbox/blackbox.yml).\n      - targets:\n",
    );
    s.push_str(&format!(
        "          - '{scheme}://prometheus:9090/-/ready'\n"
    ));
    s.push_str(&format!(
        "          - '{scheme}://alertmanager:9093/-/ready'\n"
    ));
    if options.ha {
        s.push_str(&format!(
            "          - '{scheme}://alertmanager-2:9093/-/ready'\n"
        ));
    }
    s.push_str("        labels:\n          __param_module: http_2xx_stack\n");
    if options.tls {
        // Grafana is not behind the web password: it gets the CA only, so a Basic header
        // it does not know cannot turn its health endpoint into a 401.
        s.push_str(
            "      - targets:\n          - 'https://grafana:3000/api/health'\n        labels:\n          \
             __param_module: http_2xx_stack_tls\n",
        );
    }
    s
}

/// The `remote_write` section: one entry per URL, the same credential for each.
fn remote_write(options: &Options) -> String {
    let mut s = String::from(
        "\n# Long-term storage (Thanos Receive, Cortex, Mimir). Up to 2000 samples per request on\n\
         # at most 50 shards, 10000 buffered per shard. While an endpoint is down, samples wait\n\
         # in the WAL, which keeps about two hours: a longer outage loses the oldest.\n\
         remote_write:\n",
    );
    for url in &options.remote_write {
        s.push_str(&format!("  - url: {}\n", quote(url)));
        match &options.remote_write_auth {
            Some(RemoteWriteAuth::Bearer) => s.push_str(
                "    authorization:\n      credentials_file: /run/secrets/remote_write_token\n",
            ),
            Some(RemoteWriteAuth::Basic(user)) => s.push_str(&format!(
                "    basic_auth:\n      username: {}\n      password_file: /run/secrets/remote_write_password\n",
                quote(user)
            )),
            None => {}
        }
        s.push_str(
            "    queue_config:\n      capacity: 10000\n      max_shards: 50\n      min_shards: 1\n      \
             max_samples_per_send: 2000\n      batch_send_deadline: 5s\n      min_backoff: 30ms\n      \
             max_backoff: 5s\n",
        );
    }
    s
}

/// The health check command of a service on `port`: Compose runs it inside the
/// container, on its own loopback, so the certificate is not what it checks (busybox
/// wget cannot verify one anyway); the password comes from the secret file at run time.
fn healthcheck(options: &Options, port: u16, path: &str) -> String {
    let scheme = if options.tls { "https" } else { "http" };
    match &options.basic_auth {
        None if options.tls => format!(
            "      test: ['CMD', 'wget', '-q', '--no-check-certificate', '-O', '/dev/null', \
             '{scheme}://localhost:{port}{path}']\n"
        ),
        None => format!(
            "      test: ['CMD', 'wget', '-q', '-O', '/dev/null', '{scheme}://localhost:{port}{path}']\n"
        ),
        Some(user) => {
            let check = if options.tls {
                "--no-check-certificate "
            } else {
                ""
            };
            format!(
                "      test: ['CMD-SHELL', 'wget -q {check}-O /dev/null --header \"Authorization: Basic \
                 $$(printf ''%s:%s'' {user} \"$$(cat /run/secrets/web_password)\" | base64 | tr -d ''\\n'')\" \
                 {scheme}://localhost:{port}{path}']\n"
            )
        }
    }
}

/// A service's `secrets:` list.
fn secrets_list(names: &[&str]) -> String {
    let mut s = String::from("    secrets:\n");
    for n in names {
        s.push_str(&format!("      - {n}\n"));
    }
    s
}

/// The Compose secrets the server side (Prometheus, Alertmanager) mounts.
fn server_secrets(options: &Options) -> Vec<&'static str> {
    let mut v = Vec::new();
    if options.tls {
        v.extend(["tls_ca", "tls_cert", "tls_key"]);
    }
    if options.basic_auth.is_some() {
        v.push("web_password");
    }
    v
}

fn compose(mut text: String, options: &Options) -> Result<String, TransformError> {
    let web = has_web_config(options);
    if web || options.ha || options.remote_write_auth.is_some() {
        text = anchored(
            text,
            "#   docker/secrets/smtp_password, slack_webhook_url, pagerduty_routing_key, webhook_token\n",
            |a| {
                let mut s = a.to_owned();
                let mut created = Vec::new();
                if options.basic_auth.is_some() {
                    created.push("web_password");
                }
                if options.tls {
                    created.push("tls/{ca.crt,server.crt,server.key}");
                }
                if !created.is_empty() {
                    s.push_str(&format!(
                        "#   docker/secrets/{}   (created by ccmon scaffold when absent)\n",
                        created.join(", ")
                    ));
                }
                match &options.remote_write_auth {
                    Some(RemoteWriteAuth::Bearer) => {
                        s.push_str("#   docker/secrets/remote_write_token\n");
                    }
                    Some(RemoteWriteAuth::Basic(_)) => {
                        s.push_str("#   docker/secrets/remote_write_password\n");
                    }
                    None => {}
                }
                s
            },
        )?;
        text = anchored(
            text,
            "#   Prometheus http://127.0.0.1:9090, Alertmanager :9093, Grafana :3000\n",
            |_| {
                let scheme = if options.tls { "https" } else { "http" };
                let second = if options.ha { " and :9095" } else { "" };
                let mut s = format!(
                    "#   Prometheus {scheme}://127.0.0.1:9090, Alertmanager :9093{second}, Grafana :3000\n"
                );
                if needs_context(options) {
                    s.push_str(
                        "#   ccmon --config ccmon-context.yaml targets   (in the directory above docker/)\n",
                    );
                }
                s
            },
        )?;
    }
    // Prometheus.
    let mut prom_secrets = server_secrets(options);
    match &options.remote_write_auth {
        Some(RemoteWriteAuth::Bearer) if !options.remote_write.is_empty() => {
            prom_secrets.push("remote_write_token");
        }
        Some(RemoteWriteAuth::Basic(_)) if !options.remote_write.is_empty() => {
            prom_secrets.push("remote_write_password");
        }
        _ => {}
    }
    if web {
        text = anchored(
            text,
            "      # The admin API (delete series, snapshots) stays off: --web.enable-admin-api is not set.\n",
            |a| format!("{a}      - --web.config.file=/etc/prometheus/web-config.yml\n"),
        )?;
    }
    if web || !prom_secrets.is_empty() {
        text = anchored(
            text,
            "    healthcheck:\n      test: ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://localhost:9090/-/ready']\n",
            |_| {
                format!(
                    "{}    healthcheck:\n{}",
                    if prom_secrets.is_empty() {
                        String::new()
                    } else {
                        secrets_list(&prom_secrets)
                    },
                    healthcheck(options, 9090, "/-/ready")
                )
            },
        )?;
    }
    // Alertmanager (and its twin).
    if web || options.ha {
        text = anchored(text, "      - --storage.path=/alertmanager\n", |a| {
            let mut s = a.to_owned();
            if web {
                s.push_str("      - --web.config.file=/etc/alertmanager/web-config.yml\n");
            }
            if options.ha {
                s.push_str(
                    "      # The pair gossips silences and notifications on 9094 (not published).\n      \
                     - --cluster.peer=alertmanager-2:9094\n",
                );
            }
            s
        })?;
    }
    if web {
        text = anchored(
            text,
            "    ports:\n      - '127.0.0.1:9093:9093'\n    secrets:\n",
            |a| {
                let mut s = a.to_owned();
                for n in server_secrets(options) {
                    s.push_str(&format!("      - {n}\n"));
                }
                s
            },
        )?;
        text = anchored(
            text,
            "      test: ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://localhost:9093/-/ready']\n",
            |_| healthcheck(options, 9093, "/-/ready"),
        )?;
    }
    if options.ha {
        let start = text.find("\n  alertmanager:\n").map(|i| i + 1);
        let end = text.find("\n  grafana:\n").map(|i| i + 1);
        let (Some(start), Some(end)) = (start, end) else {
            return Err(TransformError::Anchor {
                anchor: "alertmanager: ... grafana:".into(),
                count: 0,
            });
        };
        let twin = text[start..end]
            .replacen("  alertmanager:\n", "  alertmanager-2:\n", 1)
            .replace(
                "'127.0.0.1:9093:9093'",
                &format!("'127.0.0.1:{SECOND_ALERTMANAGER_PORT}:9093'"),
            )
            .replace(
                "alertmanager-data:/alertmanager",
                "alertmanager-2-data:/alertmanager",
            )
            .replace(
                "--cluster.peer=alertmanager-2:9094",
                "--cluster.peer=alertmanager:9094",
            );
        text.insert_str(end, &twin);
        text = anchored(text, "\n  alertmanager-data:\n", |a| {
            format!("{a}  alertmanager-2-data:\n")
        })?;
    }
    // Grafana serves HTTPS itself and reads the password for its data sources.
    if web {
        if options.tls {
            text = anchored(text, "      GF_AUTH_ANONYMOUS_ENABLED: 'false'\n", |a| {
                format!(
                    "{a}      GF_SERVER_PROTOCOL: https\n      GF_SERVER_CERT_FILE: /run/secrets/tls_cert\n      \
                     GF_SERVER_CERT_KEY: /run/secrets/tls_key\n"
                )
            })?;
            text = anchored(
                text,
                "      test: ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://localhost:3000/api/health']\n",
                |_| {
                    "      test: ['CMD', 'wget', '-q', '--no-check-certificate', '-O', '/dev/null', \
                     'https://localhost:3000/api/health']\n"
                        .to_owned()
                },
            )?;
        }
        text = anchored(text, "    ports:\n      - '127.0.0.1:3000:3000'\n", |a| {
            format!("{a}{}", secrets_list(&server_secrets(options)))
        })?;
        if options.exporters.contains(&Exporter::Blackbox) {
            let mut names = Vec::new();
            if options.tls {
                names.push("tls_ca");
            }
            if options.basic_auth.is_some() {
                names.push("web_password");
            }
            text = anchored(text, "    expose:\n      - '9115'\n", |a| {
                format!("{}{a}", secrets_list(&names))
            })?;
        }
    }
    // The secrets themselves, after the receivers'.
    let mut used: Vec<&str> = prom_secrets;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    used.sort_by_key(|n| SECRET_SOURCES.iter().position(|(s, _)| s == n));
    for (name, file) in SECRET_SOURCES {
        if used.contains(name) {
            text.push_str(&format!("  {name}:\n    file: {file}\n"));
        }
    }
    Ok(text)
}

fn blackbox_modules(mut text: String, options: &Options) -> String {
    text.push_str(
        "  # The stack's own endpoints (`ccmon scaffold --tls/--basic-auth`): trusted through the\n  \
         # stack's CA, authenticated with the web password (both Compose secrets).\n  \
         http_2xx_stack:\n    prober: http\n    timeout: 5s\n    http:\n      \
         preferred_ip_protocol: ip4\n      valid_status_codes: []   # any 2xx\n",
    );
    if options.tls {
        text.push_str(
            "      fail_if_not_ssl: true\n      tls_config:\n        ca_file: /run/secrets/tls_ca\n",
        );
    }
    if let Some(user) = &options.basic_auth {
        text.push_str(&format!(
            "      basic_auth:\n        username: {}\n        password_file: /run/secrets/web_password\n",
            quote(user)
        ));
    }
    if options.tls {
        text.push_str(
            "  http_2xx_stack_tls:\n    prober: http\n    timeout: 5s\n    http:\n      \
             preferred_ip_protocol: ip4\n      valid_status_codes: []   # any 2xx\n      \
             fail_if_not_ssl: true\n      tls_config:\n        ca_file: /run/secrets/tls_ca\n",
        );
    }
    text
}

fn datasources(mut text: String, options: &Options) -> Result<String, TransformError> {
    let scheme = if options.tls { "https" } else { "http" };
    let mut secure = String::new();
    if options.tls {
        secure.push_str("      tlsCACert: $__file{/run/secrets/tls_ca}\n");
    }
    if options.basic_auth.is_some() {
        secure.push_str("      basicAuthPassword: $__file{/run/secrets/web_password}\n");
    }
    for (service, port, last_json) in [
        ("prometheus", 9090, "      timeInterval: 15s\n"),
        (
            "alertmanager",
            9093,
            "      handleGrafanaManagedAlerts: false\n",
        ),
    ] {
        text = anchored(text, &format!("    url: http://{service}:{port}\n"), |_| {
            let mut s = format!("    url: {scheme}://{service}:{port}\n");
            if let Some(user) = &options.basic_auth {
                s.push_str(&format!(
                    "    basicAuth: true\n    basicAuthUser: {}\n",
                    quote(user)
                ));
            }
            s
        })?;
        text = anchored(text, last_json, |a| {
            let mut s = a.to_owned();
            if options.tls {
                s.push_str("      tlsAuthWithCACert: true\n");
            }
            s.push_str("    secureJsonData:\n");
            s.push_str(&secure);
            s
        })?;
    }
    Ok(text)
}

/// `monitoring/web-config.yml`: TLS and the users of Prometheus and Alertmanager.
pub fn web_config(options: &Options, password_hash: Option<&str>) -> String {
    let mut s = String::from(
        "# Web configuration of Prometheus and Alertmanager (--web.config.file), written by\n\
         # `ccmon scaffold`. Certificates and key are Compose secrets (docker/secrets/tls/);\n\
         # the password is here only as a bcrypt hash (docker/secrets/web_password holds it).\n\
         # Check: promtool check web-config monitoring/web-config.yml\n",
    );
    if options.tls {
        s.push_str(
            "tls_server_config:\n  cert_file: /run/secrets/tls_cert\n  key_file: /run/secrets/tls_key\n  \
             min_version: TLS12\n",
        );
    }
    if let (Some(user), Some(hash)) = (&options.basic_auth, password_hash) {
        s.push_str(&format!(
            "basic_auth_users:\n  {}: {}\n",
            quote(user),
            quote(hash)
        ));
    }
    s
}

/// The bcrypt hash of `user` in an existing web config, to keep it when the password has
/// not changed (a fresh salt would make every run rewrite the file).
pub fn existing_hash(web_config: &str, user: &str) -> Option<String> {
    let key = format!("  {}: ", quote(user));
    web_config.lines().find_map(|l| {
        let v = l.strip_prefix(&key)?.trim();
        let v = v.strip_prefix('\'')?.strip_suffix('\'')?;
        Some(v.to_owned())
    })
}

/// `ccmon-context.yaml`: where a ccmon on the Docker host reaches the stack, with which
/// CA and credentials. Paths are relative to the file (ccmon resolves them so).
pub fn context(options: &Options) -> String {
    let scheme = if options.tls { "https" } else { "http" };
    let mut s = String::from(
        "# ccmon context for the stack in this directory (written by `ccmon scaffold`):\n\
         #   ccmon --config ccmon-context.yaml targets\n\
         # Paths are relative to this file; the password stays in docker/secrets/.\n\
         current_context: ccmon-stack\ncontexts:\n  ccmon-stack:\n",
    );
    s.push_str(&format!("    prometheus: {scheme}://127.0.0.1:9090\n"));
    if options.ha {
        s.push_str(&format!(
            "    alertmanager:\n      - {scheme}://127.0.0.1:9093\n      - {scheme}://127.0.0.1:{SECOND_ALERTMANAGER_PORT}\n"
        ));
    } else {
        s.push_str(&format!("    alertmanager: {scheme}://127.0.0.1:9093\n"));
    }
    if options.tls {
        s.push_str(&format!("    tls:\n      ca_file: {}\n", TLS_CA));
    }
    if let Some(user) = &options.basic_auth {
        s.push_str(&format!(
            "    basic_auth:\n      username: {}\n      password_file: {}\n",
            quote(user),
            WEB_PASSWORD
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scaffold::{TEMPLATES, transform};

    fn all_options() -> Options {
        Options {
            tls: true,
            tls_hosts: vec!["mon.example.com".into()],
            basic_auth: Some("admin".into()),
            remote_write: vec!["https://mimir.example.com/api/v1/push".into()],
            remote_write_auth: Some(RemoteWriteAuth::Basic("tenant".into())),
            external_labels: vec![
                ("cluster".into(), "eu1".into()),
                ("replica".into(), "a".into()),
            ],
            ha: true,
            ..Options::default()
        }
    }

    /// Every anchor is found in the templates, for each option alone and all together.
    #[test]
    fn every_anchor_is_in_the_templates() {
        let full = all_options();
        let mut variants = vec![full.clone()];
        variants.push(Options {
            tls: true,
            ..Options::default()
        });
        variants.push(Options {
            basic_auth: Some("u".into()),
            ..Options::default()
        });
        variants.push(Options {
            ha: true,
            ..Options::default()
        });
        variants.push(Options {
            remote_write: full.remote_write.clone(),
            remote_write_auth: Some(RemoteWriteAuth::Bearer),
            external_labels: full.external_labels.clone(),
            ..Options::default()
        });
        for o in variants {
            for t in TEMPLATES {
                let text = transform::apply(t.path, t.text, &o).unwrap();
                apply(t.path, text, &o).unwrap_or_else(|e| panic!("{}: {e} ({o:?})", t.path));
            }
        }
    }

    #[test]
    fn existing_hash_is_found_for_its_user() {
        let text = web_config(&all_options(), Some("$2b$12$abc"));
        assert_eq!(existing_hash(&text, "admin").as_deref(), Some("$2b$12$abc"));
        assert_eq!(existing_hash(&text, "other"), None);
    }
}
