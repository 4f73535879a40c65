//! A real Alertmanager (Debian package `prometheus-alertmanager`) on a free loopback port with
//! its config and storage in its own temp dir. Clustering is off unless asked for, so that
//! parallel tests never gossip with each other; `cluster()` + `peer()` build an HA pair.
//! Ready when `/-/ready` says 200 (behind TLS or basic auth: when its port takes
//! connections). Lifecycle comes from [`ServerProcess`], the builder from [`Builder`].

use std::fs;
use std::net::SocketAddr;

use super::process::{ServerProcess, find_program, free_port, loopback};
use super::service::{Builder, Http, Service};

/// The smallest valid config: every alert goes to one receiver that notifies nobody.
const DEFAULT_CONFIG: &str = "\
route:
  receiver: 'null'
receivers:
  - name: 'null'
";

/// How to start an Alertmanager: `config` replaces the default (one null receiver), and
/// `cluster()` + `peer()` build an HA pair; `Alertmanager::start()` is the all-defaults
/// shortcut.
pub type AlertmanagerBuilder = Builder<Clustering>;

/// A running Alertmanager; derefs to [`ServerProcess`] for port, dir and lifecycle.
pub type Alertmanager = Service<Gossip>;

/// The options only Alertmanager takes: whether it gossips, and with whom.
#[derive(Clone, Debug, Default)]
pub struct Clustering {
    cluster: bool,
    peers: Vec<SocketAddr>,
}

/// What a running Alertmanager keeps beside its process: its gossip address, if clustered.
pub struct Gossip {
    cluster_addr: Option<SocketAddr>,
}

impl Http for Gossip {}

impl AlertmanagerBuilder {
    /// Listens for cluster gossip on a free loopback port (see [`Alertmanager::cluster_addr`]).
    pub fn cluster(mut self) -> Self {
        self.options.cluster = true;
        self
    }

    /// Joins the cluster of the member at `addr` (implies [`AlertmanagerBuilder::cluster`]).
    pub fn peer(mut self, addr: SocketAddr) -> Self {
        self.options.cluster = true;
        self.options.peers.push(addr);
        self
    }

    /// Starts Alertmanager and waits until `/-/ready` answers 200.
    pub fn start(self) -> Alertmanager {
        let dir = self.temp_dir_with_files("alertmanager");
        let config_path = dir.path().join("alertmanager.yml");
        fs::write(&config_path, self.config_or(DEFAULT_CONFIG))
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
                if self.options.cluster {
                    // Chosen anew per attempt; a clash on it also says "already in use".
                    let gossip = loopback(free_port());
                    cluster_addr = Some(gossip);
                    args.push(format!("--cluster.listen-address={gossip}"));
                    // Without it memberlist looks for a private IP to advertise and finds none.
                    args.push(format!("--cluster.advertise-address={gossip}"));
                    let peers = self.options.peers.iter();
                    args.extend(peers.map(|p| format!("--cluster.peer={p}")));
                } else {
                    // Empty disables clustering; the default 0.0.0.0:9094 clashes between tests.
                    args.push("--cluster.listen-address=".to_owned());
                }
                args.extend(self.args.iter().cloned());
                self.launch(&program, args)
            },
        );
        Service {
            server,
            kind: Gossip { cluster_addr },
        }
    }
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

    /// Starts an HA pair with the default config: the second member joins the first's
    /// cluster (the pair forms shortly after both are ready).
    pub fn ha_pair() -> (Alertmanager, Alertmanager) {
        let first = Self::builder().cluster().start();
        let gossip = first
            .cluster_addr()
            .expect("a cluster member has a gossip address");
        let second = Self::builder().peer(gossip).start();
        (first, second)
    }

    /// The gossip address peers join, if built with `cluster()` or `peer()`.
    pub fn cluster_addr(&self) -> Option<SocketAddr> {
        self.kind.cluster_addr
    }
}
