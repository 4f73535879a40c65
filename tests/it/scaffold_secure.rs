//! `ccmon scaffold` for production (`--tls`, `--basic-auth`, `--remote-write`,
//! `--external-labels`, `--ha`): for each combination the real tools accept the files
//! (`promtool check config|web-config`, `amtool check-config`, blackbox_exporter), no secret
//! is written outside `docker/secrets/`, and a second run changes nothing. Then real
//! servers run the secured files, with the Compose secrets under `/run/secrets/` rewritten
//! to the scaffold's own `docker/secrets/` and service names to loopback ports: a request
//! without credentials gets 401, ccmon works through the written `ccmon-context.yaml`, an
//! alert crosses TLS and basic auth to both Alertmanagers, a silence made on one is listed
//! by the other, the compose health checks and the blackbox modules get through (and fail
//! without the password), and a second Prometheus receives the remote-written samples with
//! their external labels.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

use crate::scaffold::{
    firing_after_a_second, prometheus_on_loopback, read, scaffold, scaffold_alertmanager,
    scaffold_in, scaffold_prometheus, tool_ok,
};
use crate::support::process::{Launch, ServerProcess, find_program, free_port, loopback, temp_dir};
use crate::support::{Alertmanager, Prometheus};
use crate::util::{Output, ccmon, poll};

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
}

/// The Compose secrets as the scaffold's own files (what Compose would mount).
fn local_secrets(text: &str, dir: &Path) -> String {
    let s = dir.join("docker/secrets");
    let mut text = text.to_owned();
    for (secret, file) in [
        ("tls_ca", "tls/ca.crt"),
        ("tls_cert", "tls/server.crt"),
        ("tls_key", "tls/server.key"),
        ("web_password", "web_password"),
        ("remote_write_token", "remote_write_token"),
    ] {
        let local = s.join(file).display().to_string();
        text = text.replace(&format!("/run/secrets/{secret}"), &local);
    }
    text
}

/// Every file below `base` except under `docker/secrets/`.
fn config_files(base: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read_dir") {
        let path = entry.expect("entry").path();
        if path.starts_with(base.join("docker/secrets")) {
            continue;
        }
        if path.is_dir() {
            config_files(base, &path, out);
        } else {
            out.push(path);
        }
    }
}

/// No secret of `docker/secrets/` appears in any other file: the web password, the TLS
/// key, the remote-write token.
fn assert_no_plain_secret(dir: &Path) {
    let secrets = dir.join("docker/secrets");
    let mut values = Vec::new();
    for name in ["web_password", "remote_write_token"] {
        if let Ok(v) = std::fs::read_to_string(secrets.join(name)) {
            values.push(v.trim().to_owned());
        }
    }
    if let Ok(key) = std::fs::read_to_string(secrets.join("tls/server.key")) {
        // The base64 body of the key, line by line.
        values.extend(
            key.lines()
                .filter(|l| !l.starts_with("-----") && l.len() > 16)
                .map(str::to_owned),
        );
    }
    let mut files = Vec::new();
    config_files(dir, dir, &mut files);
    for f in files {
        let text = read(&f);
        for v in &values {
            assert!(
                !text.contains(v.as_str()),
                "{} contains a secret of docker/secrets/",
                f.display()
            );
        }
    }
}

/// The combinations the issue names, plus one with fewer exporters and receivers.
const SECURED: &[&[&str]] = &[
    &["--tls", "--basic-auth", "admin"],
    &[
        "--remote-write",
        "https://mimir.example.com/api/v1/push",
        "--external-labels",
        "cluster=eu1,replica=a",
    ],
    &["--ha"],
    &[
        "--tls",
        "--tls-hosts",
        "mon.example.com,10.0.0.7",
        "--basic-auth",
        "admin",
        "--remote-write",
        "https://mimir.example.com/api/v1/push",
        "--remote-write",
        "https://thanos.example.com/api/v1/receive",
        "--remote-write-auth",
        "bearer",
        "--external-labels",
        "cluster=eu1,replica=a",
        "--ha",
    ],
    &[
        "--basic-auth",
        "ops",
        "--exporters",
        "node",
        "--receivers",
        "slack",
        "--remote-write",
        "https://mimir.example.com/api/v1/push",
        "--remote-write-auth",
        "basic",
        "--remote-write-user",
        "tenant-1",
    ],
];

#[test]
fn secured_combinations_pass_the_real_tools() {
    for args in SECURED {
        let dir = scaffold(args);
        let d = dir.path();
        let m = d.join("monitoring");
        // Secrets the operator provides (the scaffold creates only its own).
        std::fs::create_dir_all(d.join("docker/secrets")).expect("mkdir");
        write(
            &d.join("docker/secrets/remote_write_token"),
            "rw-token-0123456789",
        );
        tool_ok(
            &["promtool"],
            &[
                "check",
                "config",
                m.join("prometheus.yml").to_str().unwrap(),
            ],
        );
        tool_ok(
            &["amtool"],
            &["check-config", m.join("alertmanager.yml").to_str().unwrap()],
        );
        let web = m.join("web-config.yml");
        let secured = args.contains(&"--tls") || args.contains(&"--basic-auth");
        assert_eq!(web.exists(), secured, "{args:?}");
        if secured {
            let local = d.join("web-config.local.yml");
            write(&local, &local_secrets(&read(&web), d));
            tool_ok(
                &["promtool"],
                &["check", "web-config", local.to_str().unwrap()],
            );
            std::fs::remove_file(&local).expect("remove");
        }
        let blackbox = m.join("blackbox/blackbox.yml");
        if blackbox.exists() {
            tool_ok(
                &["prometheus-blackbox-exporter", "blackbox_exporter"],
                &[
                    "--config.check",
                    &format!("--config.file={}", blackbox.display()),
                ],
            );
        }
        assert_no_plain_secret(d);
        check_compose(d, args);
        // Ran again, it finds everything in place: the same hash, the same certificates.
        let again = scaffold_in(d, args).args(["--dry-run", "-o", "json"]).ok();
        let rows: Value = serde_json::from_str(&again.stdout).expect("plan JSON");
        assert!(
            rows.as_array()
                .unwrap()
                .iter()
                .all(|r| r["action"] == "unchanged"),
            "{args:?}: a second run would change {again}"
        );
    }
}

/// What the compose file must say for the options: the web config on both servers, the
/// secrets each service mounts declared from files, the peer flags of the pair.
fn check_compose(d: &Path, args: &[&str]) {
    let compose: Value =
        serde_saphyr::from_str(&read(&d.join("docker/monitoring-compose.yml"))).expect("YAML");
    let services = compose["services"].as_object().expect("services");
    let declared = compose["secrets"].as_object().expect("secrets");
    for (name, s) in services {
        for secret in s["secrets"].as_array().into_iter().flatten() {
            let secret = secret.as_str().unwrap();
            assert!(
                declared[secret]["file"].is_string(),
                "{name} mounts undeclared secret {secret}"
            );
        }
    }
    let command = |svc: &str| -> Vec<String> {
        services[svc]["command"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_owned())
            .collect()
    };
    let secured = args.contains(&"--tls") || args.contains(&"--basic-auth");
    assert_eq!(
        command("prometheus")
            .iter()
            .any(|c| c.starts_with("--web.config.file=")),
        secured
    );
    if args.contains(&"--ha") {
        assert!(command("alertmanager").contains(&"--cluster.peer=alertmanager-2:9094".into()));
        assert!(command("alertmanager-2").contains(&"--cluster.peer=alertmanager:9094".into()));
    } else {
        assert!(!services.contains_key("alertmanager-2"));
    }
    if args.contains(&"--tls") {
        assert_eq!(
            services["grafana"]["environment"]["GF_SERVER_PROTOCOL"],
            "https"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Real servers with the secured files

/// The scaffold's web config from `d`, with the secrets as its own files, for a server's
/// `--web.config.file`.
fn web_config(d: &Path) -> String {
    local_secrets(&read(&d.join("monitoring/web-config.yml")), d)
}

/// An Alertmanager with the scaffold's config and web config, in a cluster on loopback,
/// joining `peer`'s if given; ready once its port takes connections (the HTTP probe has no
/// credentials).
fn secured_alertmanager(d: &Path, peer: Option<SocketAddr>) -> Alertmanager {
    let builder = scaffold_alertmanager(&d.join("monitoring"))
        .file("web-config.yml", web_config(d))
        .arg("--web.config.file=web-config.yml")
        .ready_when_listening()
        .cluster();
    match peer {
        Some(p) => builder.peer(p),
        None => builder,
    }
    .start()
}

/// The scaffold's Prometheus with its web config, evaluating every second with `for: 1s`,
/// sending to `ams`; every other target is down.
fn secured_prometheus(d: &Path, ams: &[SocketAddr]) -> Prometheus {
    let m = d.join("monitoring");
    let mut to = vec![("localhost:9090", "127.0.0.1:{{port}}".to_owned())];
    to.extend(
        ["alertmanager:9093", "alertmanager-2:9093"]
            .into_iter()
            .zip(ams.iter().map(SocketAddr::to_string)),
    );
    let config = prometheus_on_loopback(
        &local_secrets(&read(&m.join("prometheus.yml")), d),
        &to,
        true,
    );
    let rules = firing_after_a_second(&read(&m.join("alert-rules.yml")));
    scaffold_prometheus(&m, config, rules)
        .file("web-config.yml", web_config(d))
        .arg("--web.config.file=web-config.yml")
        // Alerts that fire before the Alertmanagers are found are resent after this.
        .arg("--rules.alert.resend-delay=1s")
        .ready_when_listening()
        .start()
}

/// The written context, pointed at the loopback ports (in place, so its relative paths
/// still name the scaffold's secrets).
fn point_context(d: &Path, prom: SocketAddr, ams: &[SocketAddr]) -> PathBuf {
    let path = d.join("ccmon-context.yaml");
    let mut text = read(&path).replace("127.0.0.1:9090", &prom.to_string());
    text = text.replace("127.0.0.1:9093", &ams[0].to_string());
    if let Some(second) = ams.get(1) {
        text = text.replace("127.0.0.1:9095", &second.to_string());
    }
    write(&path, &text);
    path
}

/// `ccmon --config CONTEXT ARGS...`.
fn with_context(context: &Path, args: &[&str]) -> Output {
    ccmon().args(["--config"]).args([context]).args(args).run()
}

/// Retries `ccmon --config CONTEXT ARGS... -o json` until it succeeds and `done` holds.
fn wait_json(context: &Path, args: &[&str], what: &str, done: impl Fn(&Value) -> bool) -> Value {
    poll(
        what,
        Duration::from_secs(90),
        Duration::from_millis(500),
        || {
            let out = with_context(context, &[args, &["-o", "json"]].concat());
            match serde_json::from_str::<Value>(&out.stdout) {
                Ok(v) if out.code == 0 && done(&v) => Ok(v),
                _ => Err(out),
            }
        },
    )
}

fn alertnames(v: &Value) -> Vec<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["labels"]["alertname"].as_str().map(str::to_owned))
        .collect()
}

/// Everything together, on real servers: TLS and basic auth on Prometheus and a pair of
/// Alertmanagers, remote write with a bearer token into a second Prometheus, external
/// labels, and the ccmon context the scaffold wrote.
#[test]
fn the_secured_stack_works_end_to_end() {
    let (receiver, rw) = remote_write_receiver();
    let dir = scaffold(&[
        "--tls",
        "--basic-auth",
        "admin",
        "--ha",
        "--remote-write",
        &rw,
        "--remote-write-auth",
        "bearer",
        "--external-labels",
        "cluster=eu1,replica=a",
    ]);
    let d = dir.path();
    write(
        &d.join("docker/secrets/remote_write_token"),
        "rw-token-0123456789",
    );
    assert_no_plain_secret(d);

    let am1 = secured_alertmanager(d, None);
    let am2 = secured_alertmanager(d, am1.cluster_addr());
    let ams = [am1.addr(), am2.addr()];
    let prom = secured_prometheus(d, &ams);
    let context = point_context(d, prom.addr(), &ams);

    // Without credentials: 401, through TLS (the CA is trusted, the password is not sent).
    let anonymous = d.join("anonymous.yaml");
    let text = read(&context);
    let cut = text
        .find("    basic_auth:")
        .expect("basic_auth in the context");
    write(&anonymous, &text[..cut]);
    let out = with_context(&anonymous, &["query", "up"]);
    assert_eq!(out.code, 2, "{out}");
    assert!(out.stderr.contains("401"), "{out}");
    let out = ccmon()
        .args(["--config"])
        .args([&anonymous])
        .args([
            "--alertmanager-url",
            &format!("https://{}", ams[1]),
            "alerts",
            "ls",
        ])
        .run();
    assert!(out.code == 2 && out.stderr.contains("401"), "{out}");
    // Plain HTTP is not served.
    let plain = crate::support::http::get(prom.addr(), "/-/ready", Duration::from_secs(5));
    assert!(
        plain.map_or(true, |r| r.status == 400),
        "plain HTTP answered"
    );

    // With the written context: query, targets, alerts, all over TLS with basic auth.
    // `up` is 1 for Prometheus itself and both Alertmanagers: the scrapes cross TLS and
    // basic auth too.
    wait_json(
        &context,
        &["query", "up"],
        "Prometheus and both Alertmanagers scraped over TLS",
        |v| {
            let up = |job: &str| {
                v["result"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|s| s["metric"]["job"] == job && s["value"][1] == "1")
                    .count()
            };
            up("prometheus") == 1 && up("alertmanager") == 2
        },
    );
    let targets = wait_json(&context, &["targets", "--health", "up"], "targets", |v| {
        v.as_array().is_some_and(|t| t.len() == 3)
    });
    let jobs: Vec<&str> = targets
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["labels"]["job"].as_str())
        .collect();
    assert_eq!(
        jobs.iter().filter(|j| **j == "alertmanager").count(),
        2,
        "{targets}"
    );
    assert!(jobs.contains(&"prometheus"), "{targets}");

    // A rule fires (ccmon's health server is down) and reaches both Alertmanagers.
    for am in ams {
        let url = format!("https://{am}");
        let alerts = wait_json(
            &context,
            &["--alertmanager-url", &url, "alerts", "ls"],
            &format!("the alert reaches {url}"),
            |v| alertnames(v).iter().any(|n| n == "CcmonHealthServerDown"),
        );
        // External labels travel with the alert, except the replica label.
        let alert = alerts
            .as_array()
            .into_iter()
            .flatten()
            .find(|a| a["labels"]["alertname"] == "CcmonHealthServerDown")
            .expect("the alert wait_json saw");
        assert_eq!(alert["labels"]["cluster"], "eu1", "{alert}");
        assert!(alert["labels"]["replica"].is_null(), "{alert}");
    }
    let out = with_context(&context, &["alerts", "ls"]);
    assert_eq!(out.code, 0, "{out}");
    assert!(out.stdout.contains("CcmonHealthServerDown"), "{out}");

    // A silence made on one Alertmanager is listed by the other.
    silence_crosses_the_pair(&context, ams);

    // The compose health checks, run by a shell with wget as Compose would in the
    // containers, pass against the real servers (and fail without the password).
    let compose: Value =
        serde_saphyr::from_str(&read(&d.join("docker/monitoring-compose.yml"))).expect("YAML");
    for (service, addr) in [
        ("prometheus", prom.addr()),
        ("alertmanager", ams[0]),
        ("alertmanager-2", ams[1]),
    ] {
        let test = &compose["services"][service]["healthcheck"]["test"];
        assert_eq!(test[0], "CMD-SHELL", "{service}: {test}");
        let port = if service == "prometheus" { 9090 } else { 9093 };
        // Compose turns `$$` into `$`.
        let script = local_secrets(test[1].as_str().unwrap(), d)
            .replace("$$", "$")
            .replace(&format!("localhost:{port}"), &addr.to_string());
        let run = |script: &str| {
            std::process::Command::new("sh")
                .args(["-c", script])
                .status()
                .expect("sh")
                .success()
        };
        assert!(run(&script), "{service}: health check failed: {script}");
        let wrong = script.replace(
            &d.join("docker/secrets/web_password").display().to_string(),
            "/dev/null",
        );
        assert!(
            !run(&wrong),
            "{service}: health check passed without the password"
        );
    }

    // The blackbox modules for the stack's own endpoints get through TLS and basic auth;
    // the plain module of the other probes does not.
    let blackbox = blackbox_exporter(d);
    for (module, target, success) in [
        ("http_2xx_stack", prom.addr(), "probe_success 1"),
        ("http_2xx_stack", ams[1], "probe_success 1"),
        ("http_2xx", prom.addr(), "probe_success 0"),
        ("http_2xx_stack_tls", prom.addr(), "probe_success 0"),
    ] {
        let path = format!("/probe?module={module}&target=https://{target}/-/ready");
        let body = crate::support::http::get(blackbox.addr(), &path, Duration::from_secs(10))
            .unwrap_or_else(|e| panic!("GET {path}: {e}\n{}", blackbox.log_tail()))
            .body;
        assert!(
            body.lines().any(|l| l == success),
            "{module} -> {target}: expected {success}\n{body}"
        );
    }

    // The samples reach the receiver with the external labels.
    remote_written(&receiver, "eu1", "a");
    drop(prom);
}

/// blackbox_exporter (Debian package prometheus-blackbox-exporter) with the scaffold's
/// modules, the secret paths pointed at the scaffold's files.
fn blackbox_exporter(d: &Path) -> ServerProcess {
    let tmp = temp_dir("blackbox");
    let config = tmp.path().join("blackbox.yml");
    write(
        &config,
        &local_secrets(&read(&d.join("monitoring/blackbox/blackbox.yml")), d),
    );
    let program = find_program(&["prometheus-blackbox-exporter", "blackbox_exporter"]);
    ServerProcess::start(
        "blackbox_exporter",
        "prometheus-blackbox-exporter",
        tmp,
        |port, _| {
            let args = vec![
                format!("--web.listen-address=127.0.0.1:{port}"),
                format!("--config.file={}", config.display()),
            ];
            Launch::http(program.clone(), args, "/metrics")
        },
    )
}

/// Adds a silence on the first Alertmanager and waits until the second lists it.
fn silence_crosses_the_pair(context: &Path, ams: [SocketAddr; 2]) {
    let scheme = if read(context).contains("https://") {
        "https"
    } else {
        "http"
    };
    // `ccmon --config CONTEXT --alertmanager-url AM ARGS...`.
    let on = |am: SocketAddr, args: &[&str]| {
        let url = format!("{scheme}://{am}");
        with_context(
            context,
            &[&["--alertmanager-url", url.as_str()], args].concat(),
        )
    };
    let add = [
        "alerts",
        "silence",
        "add",
        "alertname=CcmonHealthServerDown",
        "-d",
        "1h",
        "-c",
        "INC-16 across the pair",
    ];
    let out = on(ams[0], &add).code(0);
    let id = out.stdout.trim().to_owned();
    assert!(!id.is_empty(), "{out}");
    poll(
        format!("the second Alertmanager lists silence {id}"),
        Duration::from_secs(60),
        Duration::from_millis(500),
        || {
            let out = on(ams[1], &["alerts", "silence", "ls", "-o", "json"]);
            let listed = out.stdout.contains(&id) && out.stdout.contains("INC-16 across the pair");
            if out.code == 0 && listed {
                Ok(())
            } else {
                Err(out)
            }
        },
    );
}

/// A Prometheus that takes remote writes, and the URL to send them to.
fn remote_write_receiver() -> (Prometheus, String) {
    let receiver = Prometheus::builder()
        .arg("--web.enable-remote-write-receiver")
        .start();
    let url = format!("{}/api/v1/write", receiver.url());
    (receiver, url)
}

/// Waits until the receiver has the sender's `up{job="prometheus"}` with the external
/// labels (its own scrape of itself has none).
fn remote_written(receiver: &Prometheus, cluster: &str, replica: &str) {
    let query = format!(
        "/api/v1/query?query=up%7Bjob%3D%22prometheus%22%2Ccluster%3D%22{cluster}%22%2Creplica%3D%22{replica}%22%7D"
    );
    let series = poll(
        format!("a remote-written sample with cluster={cluster}, replica={replica}"),
        Duration::from_secs(90),
        Duration::from_millis(500),
        || {
            let body = receiver.get(&query).body;
            let v: Value = serde_json::from_str(&body).expect("query JSON");
            v["data"]["result"][0]
                .is_object()
                .then(|| v["data"]["result"][0].clone())
                .ok_or(body)
        },
    );
    assert_eq!(series["metric"]["monitor"], "ccmon", "{series}");
}

/// `--remote-write URL --external-labels cluster=eu1,replica=a` alone, on the plain stack:
/// the receiver (`--web.enable-remote-write-receiver`) can query the samples.
#[test]
fn remote_write_reaches_a_receiver_with_the_external_labels() {
    let (receiver, rw) = remote_write_receiver();
    let dir = scaffold(&[
        "--remote-write",
        &rw,
        "--external-labels",
        "cluster=eu1,replica=a",
    ]);
    let m = dir.path().join("monitoring");
    let config = prometheus_on_loopback(
        &read(&m.join("prometheus.yml")),
        &[("localhost:9090", "127.0.0.1:{{port}}".to_owned())],
        true,
    );
    let _sender = scaffold_prometheus(&m, config, read(&m.join("alert-rules.yml"))).start();
    remote_written(&receiver, "eu1", "a");
}

/// `--ha` alone: the pair the scaffold describes (gossip on loopback here), and a silence
/// added through one Alertmanager is listed by the other, through the written context.
#[test]
fn ha_alertmanagers_share_a_silence() {
    let dir = scaffold(&["--ha"]);
    let m = dir.path().join("monitoring");
    let am1 = scaffold_alertmanager(&m).cluster().start();
    let gossip = am1
        .cluster_addr()
        .expect("a cluster member has a gossip address");
    let am2 = scaffold_alertmanager(&m).peer(gossip).start();
    let ams = [am1.addr(), am2.addr()];
    let context = point_context(dir.path(), loopback(free_port()), &ams);
    let text = read(&context);
    assert!(
        text.contains(&format!("http://{}", ams[0]))
            && text.contains(&format!("http://{}", ams[1])),
        "{text}"
    );
    silence_crosses_the_pair(&context, ams);
}

/// Existing certificates are used as they are, and said so when they lack a name the
/// options need (`--ha` after a first `--tls`); an incomplete set is refused (exit 2).
#[test]
fn existing_certificates_are_kept_and_checked() {
    let dir = scaffold(&["--tls"]);
    let d = dir.path();
    let cert = read(&d.join("docker/secrets/tls/server.crt"));
    let out = scaffold_in(d, &["--tls", "--ha", "--force"])
        .ok()
        .stderr_has("warning:")
        .stderr_has("not valid for alertmanager-2");
    assert_eq!(
        read(&d.join("docker/secrets/tls/server.crt")),
        cert,
        "{out}"
    );
    std::fs::remove_file(d.join("docker/secrets/tls/server.key")).expect("rm");
    scaffold_in(d, &["--tls", "--force"])
        .run()
        .code(2)
        .stderr_has("server.key");
}
