//! What the service types of the harness share, so that each service file says only how its
//! server is launched and probed: [`Service`], a running server that derefs to its
//! [`ServerProcess`] (port, dir, lifecycle) and keeps what its kind needs beside it, and
//! [`Builder`], the config, files and flags a test sets before starting Prometheus or
//! Alertmanager.

use std::fs;
use std::net::TcpStream;
use std::ops::{Deref, DerefMut};
use std::path::Path;

use tempfile::TempDir;

use super::process::{Launch, PROBE_TIMEOUT, ServerProcess, loopback, temp_dir};

/// A running server of kind `K`; derefs to [`ServerProcess`] for port, dir and lifecycle.
pub struct Service<K> {
    pub(super) server: ServerProcess,
    /// What this kind of server keeps beside its process (clients, addresses).
    pub(super) kind: K,
}

impl<K> Deref for Service<K> {
    type Target = ServerProcess;
    fn deref(&self) -> &ServerProcess {
        &self.server
    }
}

impl<K> DerefMut for Service<K> {
    fn deref_mut(&mut self) -> &mut ServerProcess {
        &mut self.server
    }
}

/// The kinds of server that are spoken to over HTTP.
pub trait Http {}

impl<K: Http> Service<K> {
    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr())
    }
}

/// How to start a Prometheus or an Alertmanager: the config that replaces the default, files
/// written into its temp dir, extra flags, and `options` that only one kind takes.
#[derive(Clone, Debug, Default)]
pub struct Builder<O> {
    pub(super) config: Option<String>,
    pub(super) files: Vec<(String, String)>,
    pub(super) args: Vec<String>,
    /// Ready once the port takes a connection, not when `/-/ready` answers.
    pub(super) ready_when_listening: bool,
    pub(super) options: O,
}

impl<O> Builder<O> {
    /// Replaces the default config.
    pub fn config(mut self, yaml: impl Into<String>) -> Self {
        self.config = Some(yaml.into());
        self
    }

    /// Writes `contents` to `name` in the temp dir before start (rule files, templates,
    /// secret files; relative paths in the config resolve there).
    pub fn file(mut self, name: impl Into<String>, contents: impl Into<String>) -> Self {
        self.files.push((name.into(), contents.into()));
        self
    }

    /// Adds a command-line flag, e.g. `--web.enable-admin-api`.
    pub fn arg(mut self, arg: impl Into<String>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// Ready once the port takes a TCP connection rather than when `/-/ready` answers 200:
    /// for a server behind TLS or basic auth, which the plain HTTP probe cannot pass.
    pub fn ready_when_listening(mut self) -> Self {
        self.ready_when_listening = true;
        self
    }

    /// The launch of `program` with `args`, probed as asked.
    pub(super) fn launch(&self, program: &Path, args: Vec<String>) -> Launch {
        if self.ready_when_listening {
            Launch::new(program, args, |port| {
                TcpStream::connect_timeout(&loopback(port), PROBE_TIMEOUT).is_ok()
            })
        } else {
            Launch::http(program, args, "/-/ready")
        }
    }

    /// The config, or `default` when none was set.
    pub(super) fn config_or<'a>(&'a self, default: &'a str) -> &'a str {
        self.config.as_deref().unwrap_or(default)
    }

    /// A temp dir for `name` holding the files asked for.
    pub(super) fn temp_dir_with_files(&self, name: &str) -> TempDir {
        let dir = temp_dir(name);
        for (file, contents) in &self.files {
            let path = dir.path().join(file);
            // Names may have directories (`templates/x.tmpl`, `targets/y.yml`).
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)
                    .unwrap_or_else(|e| panic!("creating {}: {e}", parent.display()));
            }
            fs::write(&path, contents)
                .unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
        }
        dir
    }
}
