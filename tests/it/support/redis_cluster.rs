//! A real three-node Redis Cluster on free loopback ports: three `redis-server
//! --cluster-enabled yes` (each a [`ServerProcess`] in its own temp dir, so pause, kill and
//! drop work as for a single server), joined by `redis-cli --cluster create` with no replicas,
//! ready once every node reports `cluster_state:ok`. Each node's cluster bus port is chosen
//! free too, since the default (port + 10000) may be taken or past 65535.

use std::time::{Duration, Instant};

use super::process::{
    Launch, READY_TIMEOUT, ServerProcess, command_line, find_program, free_port, run_with_timeout,
    temp_dir,
};
use super::redis;
use super::resp::{self, Resp};

/// Nodes in the cluster (all primaries: the smallest cluster Redis accepts).
const NODES: usize = 3;
/// Timeout of one command to one node.
const CMD_TIMEOUT: Duration = Duration::from_secs(10);

/// A running three-node cluster; dropping it stops every node.
pub struct RedisCluster {
    nodes: Vec<ServerProcess>,
}

impl RedisCluster {
    /// Starts three nodes, creates the cluster and waits until all slots are served.
    pub fn start() -> RedisCluster {
        let program = find_program(&["redis-server"]);
        let nodes: Vec<ServerProcess> = (0..NODES)
            .map(|i| {
                let dir = temp_dir(&format!("redis-cluster-{i}"));
                ServerProcess::start("redis-server", "redis-server", dir, |port, dir| {
                    let mut args = redis::base_args(port, dir);
                    args.extend([
                        "--cluster-port".into(),
                        free_port().to_string(),
                        "--cluster-enabled".into(),
                        "yes".into(),
                        "--cluster-config-file".into(),
                        "nodes.conf".into(),
                        "--cluster-node-timeout".into(),
                        "5000".into(),
                    ]);
                    Launch::new(program.clone(), args, redis::answers_ping)
                })
            })
            .collect();
        let cluster = RedisCluster { nodes };
        cluster.create();
        cluster
    }

    /// `redis-cli --cluster create`, then waits for `cluster_state:ok` on every node.
    fn create(&self) {
        let mut cmd = std::process::Command::new(find_program(&["redis-cli"]));
        cmd.arg("--cluster").arg("create");
        for node in &self.nodes {
            cmd.arg(node.addr().to_string());
        }
        cmd.args(["--cluster-replicas", "0", "--cluster-yes"]);
        let line = command_line(&cmd);
        let out = run_with_timeout(&mut cmd, READY_TIMEOUT).unwrap_or_else(|e| {
            panic!("{e} (redis-cli comes with apt-get install -y redis-tools)")
        });
        assert!(
            out.status.success(),
            "`{line}` failed ({}):\n{}\n{}\nlogs:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            self.log_tails()
        );
        let deadline = Instant::now() + READY_TIMEOUT;
        for node in &self.nodes {
            loop {
                let info = resp::command(node.addr(), &["CLUSTER", "INFO"], CMD_TIMEOUT);
                if matches!(&info, Ok(r) if r.text().is_some_and(|t| t.contains("cluster_state:ok")))
                {
                    break;
                }
                assert!(
                    Instant::now() < deadline,
                    "cluster node {} not ok within {READY_TIMEOUT:?}: {info:?}\nlogs:\n{}",
                    node.addr(),
                    self.log_tails()
                );
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }

    /// `redis+cluster://127.0.0.1:P1/?node=127.0.0.1:P2&node=127.0.0.1:P3`: every node a seed.
    pub fn url(&self) -> String {
        let mut url = format!("redis+cluster://{}/", self.nodes[0].addr());
        for (i, node) in self.nodes.iter().enumerate().skip(1) {
            url.push(if i == 1 { '?' } else { '&' });
            url.push_str(&format!("node={}", node.addr()));
        }
        url
    }

    /// The nodes, for lifecycle faults and logs.
    pub fn nodes(&mut self) -> &mut [ServerProcess] {
        &mut self.nodes
    }

    /// Runs a command about `key` on the node that owns it (the others answer MOVED),
    /// panicking if none does.
    pub fn cmd_for_key(&self, key: &str, args: &[&str]) -> Resp {
        let mut replies = Vec::new();
        for node in &self.nodes {
            match resp::command(node.addr(), args, CMD_TIMEOUT) {
                Ok(Resp::Error(e)) if e.starts_with("MOVED") => replies.push(e),
                Ok(reply) => return reply,
                Err(e) => replies.push(format!("{}: {e}", node.addr())),
            }
        }
        panic!("no cluster node serves {key}: {replies:?}");
    }

    /// The number of keys each node holds (DBSIZE), in node order.
    pub fn key_counts(&self) -> Vec<i64> {
        self.nodes
            .iter()
            .map(|n| {
                resp::command(n.addr(), &["DBSIZE"], CMD_TIMEOUT)
                    .ok()
                    .and_then(|r| r.integer())
                    .unwrap_or(-1)
            })
            .collect()
    }

    fn log_tails(&self) -> String {
        self.nodes
            .iter()
            .map(|n| format!("--- {}\n{}", n.addr(), n.log_tail()))
            .collect::<Vec<_>>()
            .join("\n")
    }
}
