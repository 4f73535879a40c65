//! A real Prometheus server (Debian package `prometheus`) on a free loopback port with its
//! config, extra files (rule files) and TSDB in its own temp dir. Ready when `/-/ready` says
//! 200 (behind TLS or basic auth: when its port takes connections). Lifecycle (pause, kill,
//! restart, drop) comes from [`ServerProcess`], the builder from [`Builder`].

use std::fs;

use super::process::{ServerProcess, find_program};
use super::service::{Builder, Http, Service};

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

/// How to start a Prometheus: `config` replaces the default self-scraping config, and
/// `{{port}}` in it becomes the chosen port; `Prometheus::start()` is the all-defaults shortcut.
pub type PrometheusBuilder = Builder<PrometheusKind>;

/// A running Prometheus; derefs to [`ServerProcess`] for port, dir and lifecycle.
pub type Prometheus = Service<PrometheusKind>;

/// Prometheus takes no options of its own and keeps nothing beside its process.
#[derive(Clone, Debug, Default)]
pub struct PrometheusKind;

impl Http for PrometheusKind {}

impl PrometheusBuilder {
    /// Starts Prometheus and waits until `/-/ready` answers 200.
    pub fn start(self) -> Prometheus {
        let dir = self.temp_dir_with_files("prometheus");
        let program = find_program(&["prometheus"]);
        let server = ServerProcess::start("prometheus", "prometheus", dir, |port, dir| {
            let config_path = dir.join("prometheus.yml");
            fs::write(
                &config_path,
                self.config_or(DEFAULT_CONFIG)
                    .replace(PORT_PLACEHOLDER, &port.to_string()),
            )
            .unwrap_or_else(|e| panic!("writing {}: {e}", config_path.display()));
            let mut args = vec![
                format!("--config.file={}", config_path.display()),
                format!("--storage.tsdb.path={}", dir.join("data").display()),
                format!("--web.listen-address=127.0.0.1:{port}"),
            ];
            args.extend(self.args.iter().cloned());
            self.launch(&program, args)
        });
        Service {
            server,
            kind: PrometheusKind,
        }
    }
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
}
