//! A real PostgreSQL cluster: `initdb` into a temp dir, then the `postgres` server on a free
//! loopback port, from the highest `/usr/lib/postgresql/<ver>/bin` (or PATH). Runs as the
//! `postgres` system user when the tests run as root, because initdb and postgres refuse to run
//! as root. Lifecycle (pause, kill, restart, drop) comes from [`ServerProcess`].

use std::fs;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::process::{
    self, Launch, RunAs, ServerProcess, Signal, find_program, run_with_timeout, temp_dir,
};
use super::service::Service;

/// Timeout of [`Postgres::sql`]; generous because a loaded CI machine is slow, not broken.
const SQL_TIMEOUT: Duration = Duration::from_secs(30);
/// initdb writes a whole cluster; on a busy 2-core runner that takes seconds.
const INITDB_TIMEOUT: Duration = Duration::from_secs(120);
const PACKAGE: &str = "postgresql";

/// A running PostgreSQL server with trust auth for user `postgres`; derefs to
/// [`ServerProcess`] for port, dir and lifecycle.
pub type Postgres = Service<Clients>;

/// The client programs a running PostgreSQL is spoken to and probed with.
pub struct Clients {
    psql: PathBuf,
    pg_isready: PathBuf,
}

impl Postgres {
    /// Creates a cluster with initdb and starts `postgres` on a free port, waiting until
    /// pg_isready succeeds.
    pub fn start() -> Postgres {
        let bin = bin_dir();
        let tool = |name: &str| match &bin {
            Some(dir) => dir.join(name),
            None => find_program(&[name]),
        };
        let dir = temp_dir("postgres");

        // initdb and postgres exit with "cannot be run as root"; CI and these tests run as
        // root, so both run as the `postgres` user that the Debian package creates, and that
        // user must own the dir that initdb fills (it then creates data/ with mode 0700).
        let run_as = (process::effective_uid() == 0).then(|| {
            let user = process::lookup_user("postgres").unwrap_or_else(|| {
                panic!(
                    "running as root but there is no `postgres` user to run postgres as: \
                     apt-get install -y {PACKAGE}"
                )
            });
            std::os::unix::fs::chown(dir.path(), Some(user.uid), Some(user.gid)).unwrap_or_else(
                |e| panic!("chown {} to the postgres user: {e}", dir.path().display()),
            );
            user
        });

        let data = dir.path().join("data");
        let mut initdb = Command::new(tool("initdb"));
        initdb
            .arg("-D")
            .arg(&data)
            // Trust auth for the `postgres` superuser over loopback: tests need no password, and
            // C locale + UTF8 make the cluster independent of the machine's locales.
            .args([
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ])
            // Its default cwd may be unreadable to the postgres user (/root).
            .current_dir(dir.path());
        as_user(&mut initdb, run_as);
        let out = run_with_timeout(&mut initdb, INITDB_TIMEOUT)
            .unwrap_or_else(|e| panic!("{e}\nhint: apt-get install -y {PACKAGE}"));
        assert!(
            out.status.success(),
            "`{}` failed ({}):\n{}{}",
            process::command_line(&initdb),
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );

        let pg_isready = tool("pg_isready");
        let program = tool("postgres");
        let server = ServerProcess::start("postgres", PACKAGE, dir, |port, dir| Launch {
            // The server binary itself, not `pg_ctl start`: pg_ctl daemonizes the postmaster
            // out of our process group, and then pause/kill/drop could not reach it.
            program: program.clone(),
            args: vec![
                "-D".into(),
                data.display().to_string(),
                "-p".into(),
                port.to_string(),
                "-c".into(),
                "listen_addresses=127.0.0.1".into(),
                // The socket goes into the temp dir: the default /var/run/postgresql belongs to
                // the system cluster and may not exist or be writable.
                "-k".into(),
                dir.display().to_string(),
                // Test data need not survive a machine crash, only a process kill.
                "-c".into(),
                "fsync=off".into(),
            ],
            run_as,
            // SIGINT is postgres' "fast shutdown": roll back sessions, checkpoint, exit.
            stop_signal: Signal::Int,
            probe: Box::new({
                let pg_isready = pg_isready.clone();
                move |port| is_ready(&pg_isready, port, Duration::from_secs(2))
            }),
        });
        Service {
            server,
            kind: Clients {
                psql: tool("psql"),
                pg_isready,
            },
        }
    }

    /// `postgres://postgres@127.0.0.1:PORT/postgres`.
    pub fn url(&self) -> String {
        format!("postgres://postgres@{}/postgres", self.addr())
    }

    /// Runs one SQL statement with psql and returns its unaligned, tuples-only output (rows on
    /// lines, columns separated by `|`); panics with psql's stderr and the log tail on failure.
    pub fn sql(&self, statement: &str) -> String {
        self.try_sql(statement, SQL_TIMEOUT)
            .unwrap_or_else(|e| panic!("{e}\npostgres log tail:\n{}", self.log_tail()))
    }

    /// Like [`Postgres::sql`] but returns failures (including the timeout) as text.
    pub fn try_sql(&self, statement: &str, timeout: Duration) -> Result<String, String> {
        let mut psql = Command::new(&self.kind.psql);
        psql.args([
            "-X",
            "-q",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-d",
            "postgres",
        ])
        .arg("-p")
        .arg(self.port().to_string())
        .arg("-c")
        .arg(statement);
        let out = run_with_timeout(&mut psql, timeout)?;
        if !out.status.success() {
            return Err(format!(
                "`{}` failed ({}): {}",
                process::command_line(&psql),
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        let text = String::from_utf8_lossy(&out.stdout);
        Ok(text.strip_suffix('\n').unwrap_or(&text).to_owned())
    }

    /// True if pg_isready reports the server accepting connections within `timeout`.
    pub fn is_ready(&self, timeout: Duration) -> bool {
        is_ready(&self.kind.pg_isready, self.port(), timeout)
    }
}

fn is_ready(pg_isready: &Path, port: u16, timeout: Duration) -> bool {
    let mut cmd = Command::new(pg_isready);
    cmd.args(["-q", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres"])
        .arg("-p")
        .arg(port.to_string());
    run_with_timeout(&mut cmd, timeout).is_ok_and(|out| out.status.success())
}

fn as_user(cmd: &mut Command, run_as: Option<RunAs>) {
    if let Some(user) = run_as {
        cmd.uid(user.uid).gid(user.gid);
    }
}

/// The bin dir of the highest installed PostgreSQL major version on Debian, if any.
fn bin_dir() -> Option<PathBuf> {
    let entries = fs::read_dir("/usr/lib/postgresql").ok()?;
    entries
        .flatten()
        .filter_map(|e| {
            // Versions are "15" since 10, "9.6" before; compare them numerically.
            let name = e.file_name().to_string_lossy().into_owned();
            let version: Vec<u32> = name
                .split('.')
                .map(|p| p.parse().ok())
                .collect::<Option<_>>()?;
            let bin = e.path().join("bin");
            bin.join("postgres").is_file().then_some((version, bin))
        })
        .max()
        .map(|(_, bin)| bin)
}
