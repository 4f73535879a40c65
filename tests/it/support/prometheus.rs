//! A real Prometheus server (Debian package `prometheus`) on a free loopback port with its
//! config, extra files (rule files) and TSDB in its own temp dir. Ready when `/-/ready` says
//! 200. Lifecycle (pause, kill, restart, drop) comes from [`ServerProcess`].

use std::fs;
use std::io;
use std::ops::{Deref, DerefMut};
use std::time::Duration;

use super::http::{self, HttpResponse};
use super::process::{Launch, ServerProcess, Signal, find_program, loopback};

/// Timeout of [`Prometheus::get`].
const HTTP_TIMEOUT: Duration = Duration::from_secs(10);
/// Stands for the chosen port in a config text, e.g. to scrape itself.
pub const PORT_PLACEHOLDER: &str = "{{port}}";

/// Scrapes itself, so a fresh server soon has series to query.
const DEFAULT_CONFIG: &str = "\
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: ['127.0.0.1:{{port}}']
";

/// How to start a Prometheus; `Prometheus::start()` is the all-defaults shortcut.
#[derive(Clone, Debug, Default)]
pub struct PrometheusBuilder {
    config: Option<String>,
    files: Vec<(String, String)>,
    args: Vec<String>,
}

impl PrometheusBuilder {
    /// Replaces the default self-scraping config; `{{port}}` in it becomes the chosen port.
    pub fn config(mut self, yaml: impl Into<String>) -> Self {
        self.config = Some(yaml.into());
        self
    }

    /// Writes `contents` to `name` in the temp dir before start (relative `rule_files` in the
    /// config resolve there).
    pub fn file(mut self, name: impl Into<String>, contents: impl Into<String>) -> Self {
        self.files.push((name.into(), contents.into()));
        self
    }

    /// Adds a command-line flag, e.g. `--web.enable-admin-api`.
    pub fn arg(mut self, arg: impl Into<String>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// Starts Prometheus and waits until `/-/ready` answers 200.
    pub fn start(self) -> Prometheus {
        let dir = tempfile::Builder::new()
            .prefix("ccmon-it-prometheus-")
            .tempdir()
            .expect("creating a temp dir for prometheus");
        for (name, contents) in &self.files {
            let path = dir.path().join(name);
            // Names may have directories (`templates/x.tmpl`, `targets/y.yml`).
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)
                    .unwrap_or_else(|e| panic!("creating {}: {e}", parent.display()));
            }
            fs::write(&path, contents)
                .unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
        }
        let program = find_program(&["prometheus"]);
        let server = ServerProcess::start("prometheus", "prometheus", dir, |port, dir| {
            let config = self.config.as_deref().unwrap_or(DEFAULT_CONFIG);
            let config_path = dir.join("prometheus.yml");
            fs::write(
                &config_path,
                config.replace(PORT_PLACEHOLDER, &port.to_string()),
            )
            .unwrap_or_else(|e| panic!("writing {}: {e}", config_path.display()));
            let mut args = vec![
                format!("--config.file={}", config_path.display()),
                format!("--storage.tsdb.path={}", dir.join("data").display()),
                format!("--web.listen-address=127.0.0.1:{port}"),
            ];
            args.extend(self.args.iter().cloned());
            Launch {
                program: program.clone(),
                args,
                run_as: None,
                stop_signal: Signal::Term,
                probe: Box::new(|port| http::is_ready(loopback(port), Duration::from_secs(1))),
            }
        });
        Prometheus { server }
    }
}

/// A running Prometheus; derefs to [`ServerProcess`] for port, dir and lifecycle.
pub struct Prometheus {
    server: ServerProcess,
}

impl Prometheus {
    /// Starts Prometheus with the default self-scraping config.
    pub fn start() -> Prometheus {
        Self::builder().start()
    }

    /// A builder for config, extra files and flags.
    pub fn builder() -> PrometheusBuilder {
        PrometheusBuilder::default()
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr())
    }
}

impl Deref for Prometheus {
    type Target = ServerProcess;
    fn deref(&self) -> &ServerProcess {
        &self.server
    }
}

impl DerefMut for Prometheus {
    fn deref_mut(&mut self) -> &mut ServerProcess {
        &mut self.server
    }
}
