//! A real `redis-server` on a free loopback port in its own temp dir. It writes an
//! append-only file fsynced on every write and no RDB snapshots, so data survives `kill()` +
//! `restart()`; `restart_without_data()` models "Redis came back empty" for the stream sink's
//! fault tests. Lifecycle (pause, kill, restart, drop) comes from [`ServerProcess`].

use std::fs;
use std::io;
use std::ops::{Deref, DerefMut};
use std::time::Duration;

use super::process::{Launch, ServerProcess, Signal, find_program};
use super::resp::{self, Resp};

/// Timeout of [`Redis::cmd`]; generous because a loaded CI machine is slow, not broken.
const CMD_TIMEOUT: Duration = Duration::from_secs(10);

/// A running `redis-server`; derefs to [`ServerProcess`] for port, dir and lifecycle.
pub struct Redis {
    server: ServerProcess,
}

impl Redis {
    /// Starts `redis-server` on a free port and waits until it answers PING.
    pub fn start() -> Redis {
        let dir = tempfile::Builder::new()
            .prefix("ccmon-it-redis-")
            .tempdir()
            .expect("creating a temp dir for redis-server");
        let program = find_program(&["redis-server"]);
        let server =
            ServerProcess::start("redis-server", "redis-server", dir, |port, dir| Launch {
                program: program.clone(),
                args: vec![
                    "--port".into(),
                    port.to_string(),
                    "--bind".into(),
                    "127.0.0.1".into(),
                    "--dir".into(),
                    dir.display().to_string(),
                    // Each write is on disk before the reply: kill() loses nothing acknowledged.
                    "--appendonly".into(),
                    "yes".into(),
                    "--appendfsync".into(),
                    "always".into(),
                    // No RDB snapshots: the AOF is the only data file restart_without_data removes.
                    "--save".into(),
                    String::new(),
                    // Logs go to stdout, which the harness sends to redis-server.log.
                    "--daemonize".into(),
                    "no".into(),
                ],
                run_as: None,
                stop_signal: Signal::Term,
                probe: Box::new(|port| {
                    let pong = resp::command(
                        super::process::loopback(port),
                        &["PING"],
                        Duration::from_secs(1),
                    );
                    matches!(pong, Ok(Resp::Simple(s)) if s == "PONG")
                }),
            });
        Redis { server }
    }

    /// `redis://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("redis://{}", self.addr())
    }

    /// Runs one command, panicking with the command and the log tail if Redis does not answer.
    pub fn cmd(&self, args: &[&str]) -> Resp {
        self.try_cmd(args, CMD_TIMEOUT).unwrap_or_else(|e| {
            panic!(
                "redis {args:?} on {} failed: {e}\nlog tail:\n{}",
                self.addr(),
                self.log_tail()
            )
        })
    }

    /// Runs one command with a caller-chosen timeout; for fault tests that expect failure.
    pub fn try_cmd(&self, args: &[&str], timeout: Duration) -> io::Result<Resp> {
        resp::command(self.addr(), args, timeout)
    }

    /// Kills Redis, deletes its data files and starts it again, empty, on the same port.
    pub fn restart_without_data(&mut self) {
        self.server.kill();
        // Redis 7 keeps the AOF as a directory of files; older versions as one file.
        for name in ["appendonlydir", "appendonly.aof", "dump.rdb"] {
            let path = self.server.dir().join(name);
            let removed = if path.is_dir() {
                fs::remove_dir_all(&path)
            } else {
                fs::remove_file(&path)
            };
            match removed {
                Err(e) if e.kind() != io::ErrorKind::NotFound => {
                    panic!("removing redis data {}: {e}", path.display())
                }
                _ => {}
            }
        }
        self.server.restart();
    }
}

impl Deref for Redis {
    type Target = ServerProcess;
    fn deref(&self) -> &ServerProcess {
        &self.server
    }
}

impl DerefMut for Redis {
    fn deref_mut(&mut self) -> &mut ServerProcess {
        &mut self.server
    }
}
