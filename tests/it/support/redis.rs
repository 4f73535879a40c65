//! A real `redis-server` on a free loopback port in its own temp dir. It writes an
//! append-only file fsynced on every write and no RDB snapshots, so data survives `kill()` +
//! `restart()`; `restart_without_data()` models "Redis came back empty" for the stream sink's
//! fault tests. Lifecycle (pause, kill, restart, drop) comes from [`ServerProcess`].

use std::fs;
use std::io;
use std::path::Path;
use std::time::Duration;

use super::process::{Launch, PROBE_TIMEOUT, ServerProcess, find_program, loopback, temp_dir};
use super::resp::{self, Resp};
use super::service::Service;

/// Timeout of [`Redis::cmd`]; generous because a loaded CI machine is slow, not broken.
const CMD_TIMEOUT: Duration = Duration::from_secs(10);

/// A running `redis-server`; derefs to [`ServerProcess`] for port, dir and lifecycle.
pub type Redis = Service<RedisKind>;

/// Redis keeps nothing beside its process.
pub struct RedisKind;

/// The flags every harness `redis-server` starts with, single server or cluster node; flags
/// appended after them win.
pub(super) fn base_args(port: u16, dir: &Path) -> Vec<String> {
    vec![
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
    ]
}

/// True once the server on `port` answers PING with PONG.
pub(super) fn answers_ping(port: u16) -> bool {
    let pong = resp::command(loopback(port), &["PING"], PROBE_TIMEOUT);
    matches!(pong, Ok(Resp::Simple(s)) if s == "PONG")
}

impl Redis {
    /// Starts `redis-server` on a free port and waits until it answers PING.
    pub fn start() -> Redis {
        Redis::start_with(
            "redis",
            |_, _| Vec::new(),
            |port, _| answers_ping(port),
            |_| {},
        )
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

/// Runs `openssl` with `args` in `dir`, panicking with its output if it fails.
pub fn openssl(dir: &std::path::Path, args: &[&str]) {
    let program = find_program(&["openssl"]);
    let mut cmd = std::process::Command::new(&program);
    cmd.args(args).current_dir(dir);
    let out = super::process::run_with_timeout(&mut cmd, Duration::from_secs(60))
        .unwrap_or_else(|e| panic!("{e} (is openssl installed? apt-get install -y openssl)"));
    assert!(
        out.status.success(),
        "`{}` failed ({}):\n{}",
        super::process::command_line(&cmd),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Writes a throwaway CA (`ca.crt`) and a server certificate signed by it (`server.crt`,
/// `server.key`) for 127.0.0.1 and localhost into `dir`, with the extensions rustls insists
/// on (a CA that may sign, a leaf for server auth with subject alternative names).
pub fn write_tls_certificates(dir: &std::path::Path) {
    fs::create_dir_all(dir).expect("creating the TLS dir");
    let ext = "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n";
    fs::write(dir.join("server.ext"), ext).expect("writing server.ext");
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=ccmon test CA",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
            "-keyout",
            "ca.key",
            "-out",
            "ca.crt",
        ],
    );
    openssl(
        dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
        ],
    );
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            "server.ext",
            "-out",
            "server.crt",
        ],
    );
}

impl Redis {
    /// Starts `redis-server` in a temp dir named after `name` (prepared by `before`), with
    /// `extra(port, dir)` appended to [`base_args`] and `probe(port, dir)` as its readiness
    /// check: plain, or for servers that need a password or speak only TLS.
    fn start_with(
        name: &str,
        extra: impl Fn(u16, &std::path::Path) -> Vec<String>,
        probe: impl Fn(u16, &std::path::Path) -> bool + Send + Sync + Clone + 'static,
        before: impl FnOnce(&std::path::Path),
    ) -> Redis {
        let dir = temp_dir(name);
        before(dir.path());
        let program = find_program(&["redis-server"]);
        let server = ServerProcess::start("redis-server", "redis-server", dir, |port, dir| {
            let mut args = base_args(port, dir);
            args.extend(extra(port, dir));
            let probe = probe.clone();
            let dir = dir.to_path_buf();
            Launch::new(program.clone(), args, move |port| probe(port, &dir))
        });
        Service {
            server,
            kind: RedisKind,
        }
    }

    /// Starts `redis-server` with `requirepass password`; ready once AUTH succeeds.
    pub fn start_with_password(password: &str) -> Redis {
        let pw = password.to_owned();
        Redis::start_with(
            "redis-pw",
            |_, _| vec!["--requirepass".into(), password.into()],
            move |port, _| {
                let ok = resp::command(loopback(port), &["AUTH", &pw], PROBE_TIMEOUT);
                matches!(ok, Ok(Resp::Simple(s)) if s == "OK")
            },
            |_| {},
        )
    }

    /// Starts `redis-server` also listening on a Unix socket ([`Redis::socket`]), with an
    /// ACL user `user` (password `password`) besides the default user.
    pub fn start_with_socket_and_user(user: &str, password: &str) -> Redis {
        Redis::start_with(
            "redis-unix",
            |_, dir| {
                vec![
                    "--unixsocket".into(),
                    dir.join("redis.sock").display().to_string(),
                    "--unixsocketperm".into(),
                    "700".into(),
                    // One argument per word: redis-server joins them into the directive.
                    "--user".into(),
                    user.into(),
                    "on".into(),
                    format!(">{password}"),
                    "~*".into(),
                    "&*".into(),
                    "+@all".into(),
                ]
            },
            |port, _| answers_ping(port),
            |_| {},
        )
    }

    /// The Unix socket of a [`Redis::start_with_socket_and_user`] server.
    pub fn socket(&self) -> std::path::PathBuf {
        self.dir().join("redis.sock")
    }

    /// `redis://:PASSWORD@127.0.0.1:PORT`.
    pub fn url_with_password(&self, password: &str) -> String {
        format!("redis://:{password}@{}", self.addr())
    }

    /// Starts `redis-server` speaking only TLS on its port, with a fresh CA and server
    /// certificate in `<dir>/tls` (see [`Redis::tls_ca_file`]); clients need no certificate.
    /// Ready once `redis-cli --tls` gets PONG.
    pub fn start_tls() -> Redis {
        let cli = find_program(&["redis-cli"]);
        Redis::start_with(
            "redis-tls",
            |port, dir| {
                let file = |name: &str| dir.join("tls").join(name).display().to_string();
                vec![
                    // No plaintext port: the only way in is TLS, on the harness' port.
                    "--port".into(),
                    "0".into(),
                    "--tls-port".into(),
                    port.to_string(),
                    "--tls-cert-file".into(),
                    file("server.crt"),
                    "--tls-key-file".into(),
                    file("server.key"),
                    "--tls-ca-cert-file".into(),
                    file("ca.crt"),
                    "--tls-auth-clients".into(),
                    "no".into(),
                ]
            },
            move |port, dir| {
                let mut cmd = std::process::Command::new(&cli);
                cmd.arg("--tls")
                    .arg("--cacert")
                    .arg(dir.join("tls").join("ca.crt"))
                    .args(["-h", "127.0.0.1", "-p", &port.to_string(), "PING"]);
                super::process::run_with_timeout(&mut cmd, Duration::from_secs(2))
                    .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "PONG")
            },
            |dir| write_tls_certificates(&dir.join("tls")),
        )
    }

    /// The CA certificate that signed a [`Redis::start_tls`] server's certificate.
    pub fn tls_ca_file(&self) -> std::path::PathBuf {
        self.dir().join("tls").join("ca.crt")
    }

    /// `rediss://127.0.0.1:PORT`.
    pub fn tls_url(&self) -> String {
        format!("rediss://{}", self.addr())
    }
}
