//! A real Alertmanager (Debian package `prometheus-alertmanager`) on a free loopback port with
//! its config and storage in its own temp dir. Clustering is off unless asked for, so that
//! parallel tests never gossip with each other; `cluster()` + `peer()` build an HA pair.
//! Ready when `/-/ready` says 200. Lifecycle comes from [`ServerProcess`].

use std::fs;
use std::io;
use std::net::SocketAddr;
use std::ops::{Deref, DerefMut};
use std::time::Duration;

use super::http::{self, HttpResponse};
use super::process::{Launch, ServerProcess, Signal, find_program, free_port, loopback};

/// Timeout of [`Alertmanager::get`].
const HTTP_TIMEOUT: Duration = Duration::from_secs(10);

/// The smallest valid config: every alert goes to one receiver that notifies nobody.
const DEFAULT_CONFIG: &str = "\
route:
  receiver: 'null'
receivers:
  - name: 'null'
";

/// How to start an Alertmanager; `Alertmanager::start()` is the all-defaults shortcut.
#[derive(Clone, Debug, Default)]
pub struct AlertmanagerBuilder {
    config: Option<String>,
    files: Vec<(String, String)>,
    args: Vec<String>,
    cluster: bool,
    peers: Vec<SocketAddr>,
}

impl AlertmanagerBuilder {
    /// Replaces the default config (one null receiver).
    pub fn config(mut self, yaml: impl Into<String>) -> Self {
        self.config = Some(yaml.into());
        self
    }

    /// Writes `contents` to `name` in the temp dir before start (templates, secret files).
    pub fn file(mut self, name: impl Into<String>, contents: impl Into<String>) -> Self {
        self.files.push((name.into(), contents.into()));
        self
    }

    /// Adds a command-line flag.
    pub fn arg(mut self, arg: impl Into<String>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// Listens for cluster gossip on a free loopback port (see [`Alertmanager::cluster_addr`]).
    pub fn cluster(mut self) -> Self {
        self.cluster = true;
        self
    }

    /// Joins the cluster of the member at `addr` (implies [`AlertmanagerBuilder::cluster`]).
    pub fn peer(mut self, addr: SocketAddr) -> Self {
        self.cluster = true;
        self.peers.push(addr);
        self
    }

    /// Starts Alertmanager and waits until `/-/ready` answers 200.
    pub fn start(self) -> Alertmanager {
        let dir = tempfile::Builder::new()
            .prefix("ccmon-it-alertmanager-")
            .tempdir()
            .expect("creating a temp dir for alertmanager");
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
        let config_path = dir.path().join("alertmanager.yml");
        let config = self.config.as_deref().unwrap_or(DEFAULT_CONFIG);
        fs::write(&config_path, config)
            .unwrap_or_else(|e| panic!("writing {}: {e}", config_path.display()));
        // Debian renames the upstream `alertmanager` binary.
        let program = find_program(&["prometheus-alertmanager", "alertmanager"]);
        let mut cluster_addr = None;
        let server = ServerProcess::start(
            "alertmanager",
            "prometheus-alertmanager",
            dir,
            |port, dir| {
                let mut args = vec![
                    format!("--config.file={}", config_path.display()),
                    format!("--storage.path={}", dir.join("data").display()),
                    format!("--web.listen-address=127.0.0.1:{port}"),
                ];
                if self.cluster {
                    // Chosen anew per attempt; a clash on it also says "already in use".
                    let gossip = loopback(free_port());
                    cluster_addr = Some(gossip);
                    args.push(format!("--cluster.listen-address={gossip}"));
                    // Without it memberlist looks for a private IP to advertise and finds none.
                    args.push(format!("--cluster.advertise-address={gossip}"));
                    args.extend(self.peers.iter().map(|p| format!("--cluster.peer={p}")));
                } else {
                    // Empty disables clustering; the default 0.0.0.0:9094 clashes between tests.
                    args.push("--cluster.listen-address=".to_owned());
                }
                args.extend(self.args.iter().cloned());
                Launch {
                    program: program.clone(),
                    args,
                    run_as: None,
                    stop_signal: Signal::Term,
                    probe: Box::new(|port| http::is_ready(loopback(port), Duration::from_secs(1))),
                }
            },
        );
        Alertmanager {
            server,
            cluster_addr,
        }
    }
}

/// A running Alertmanager; derefs to [`ServerProcess`] for port, dir and lifecycle.
pub struct Alertmanager {
    server: ServerProcess,
    cluster_addr: Option<SocketAddr>,
}

impl Alertmanager {
    /// Starts a single Alertmanager with the default config and no clustering.
    pub fn start() -> Alertmanager {
        Self::builder().start()
    }

    /// A builder for config, files, flags and clustering.
    pub fn builder() -> AlertmanagerBuilder {
        AlertmanagerBuilder::default()
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr())
    }

    /// The gossip address peers join, if built with `cluster()` or `peer()`.
    pub fn cluster_addr(&self) -> Option<SocketAddr> {
        self.cluster_addr
    }
}

impl Deref for Alertmanager {
    type Target = ServerProcess;
    fn deref(&self) -> &ServerProcess {
        &self.server
    }
}

impl DerefMut for Alertmanager {
    fn deref_mut(&mut self) -> &mut ServerProcess {
        &mut self.server
    }
}
