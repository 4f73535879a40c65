//! Connecting to a single server (TCP, TLS or a Unix socket) or a cluster, from the URL
//! forms of the module documentation, and bounding every round trip by the timeout.

use redis::aio::{ConnectionLike, MultiplexedConnection};
use redis::cluster_async::ClusterConnection;
use redis::{Cmd, RedisError, RedisFuture, Value};

use super::errors::classify;
use super::write::{LUA_META, Script};
use super::{Ctx, RedisConfig, RedisSink, RedisSinkError};
use crate::redact::redact;

/// One connection to a server or a cluster; both are cheap handles to a multiplexed
/// connection, so clones send concurrently over the same socket(s), in order.
#[derive(Clone)]
pub(super) enum Conn {
    Single(MultiplexedConnection),
    Cluster(ClusterConnection),
}

impl ConnectionLike for Conn {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        match self {
            Conn::Single(c) => c.req_packed_command(cmd),
            Conn::Cluster(c) => c.req_packed_command(cmd),
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a redis::Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        match self {
            Conn::Single(c) => c.req_packed_commands(pipeline, offset, count),
            Conn::Cluster(c) => c.req_packed_commands(pipeline, offset, count),
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            Conn::Single(c) => c.get_db(),
            Conn::Cluster(c) => c.get_db(),
        }
    }
}

/// How to (re)connect.
#[allow(
    clippy::large_enum_variant,
    reason = "one per sink, built once and never moved in a hot path"
)]
pub(super) enum Target {
    /// The server's address and credentials, and with TLS, whom to trust.
    Single(redis::Client),
    Cluster(redis::cluster::ClusterClient),
}

/// Checks that a CA file holds at least one usable PEM certificate, so that a wrong file
/// is a configuration error at start rather than a failed handshake later.
fn check_ca(pem: &[u8]) -> Result<(), String> {
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;
    let mut found = 0;
    for cert in CertificateDer::pem_slice_iter(pem) {
        cert.map_err(|e| format!("not a PEM certificate: {e}"))?;
        found += 1;
    }
    if found == 0 {
        return Err("no certificate in it".into());
    }
    Ok(())
}

/// The seed node URLs of a cluster URL: its host and every `node=host:port`, with the
/// URL's credentials, as `redis://` or `rediss://`.
pub(super) fn cluster_seeds(url: &url::Url, tls: bool) -> Result<Vec<String>, String> {
    let scheme = if tls { "rediss" } else { "redis" };
    let userinfo = match (url.username(), url.password()) {
        ("", None) => String::new(),
        (user, None) => format!("{user}@"),
        (user, Some(pw)) => format!("{user}:{pw}@"),
    };
    let db = url.path().trim_matches('/');
    if !db.is_empty() && db != "0" {
        return Err(format!(
            "Redis Cluster has only database 0, but the URL selects {db:?}"
        ));
    }
    let host = url
        .host_str()
        .ok_or_else(|| "the URL names no host".to_owned())?;
    let mut seeds = vec![format!(
        "{scheme}://{userinfo}{host}:{}",
        url.port().unwrap_or(6379)
    )];
    for (name, value) in url.query_pairs() {
        if name != "node" {
            return Err(format!(
                "unknown parameter {name:?}; cluster URLs take only node=host:port"
            ));
        }
        if value.is_empty() || value.contains(['/', '@', '?', '#']) {
            return Err(format!("node={value:?} is not host:port"));
        }
        seeds.push(format!("{scheme}://{userinfo}{value}"));
    }
    Ok(seeds)
}

/// `url` with a lone userinfo (`redis://SECRET@host`) moved to the password: ccmon's
/// redaction masks it as a password, so it must be sent as one, not as a user name
/// without a password (with which no `AUTH` is sent at all). `redis://user:pw@host` and
/// `redis://:pw@host` are left as they are.
pub(super) fn password_url(url: &url::Url) -> url::Url {
    let mut out = url.clone();
    if url.username().is_empty() || url.password().is_some() {
        return out;
    }
    // Both setters fail only for URLs that cannot have a userinfo, which have none.
    if out.set_password(Some(url.username())).is_err() || out.set_username("").is_err() {
        return url.clone();
    }
    out
}

impl RedisSink {
    /// A sink for `cfg` that connects on first use; fails only on an unusable URL or CA file.
    pub fn new(cfg: RedisConfig) -> Result<RedisSink, RedisSinkError> {
        let url = redact(cfg.url.as_str()).into_owned();
        let config_err = |detail: String| RedisSinkError::Config {
            url: url.clone(),
            detail,
        };
        if cfg.maxlen == 0 {
            return Err(config_err("maxlen must be at least 1".into()));
        }
        if cfg.timeout.is_zero() {
            return Err(config_err("the timeout must be above zero".into()));
        }
        if cfg.url.fragment().is_some() {
            return Err(config_err(
                "URL fragments (#insecure) are not supported; trust the server's CA with ca_file"
                    .into(),
            ));
        }
        let tls = matches!(cfg.url.scheme(), "rediss" | "rediss+cluster");
        let ca = match (&cfg.ca_file, tls) {
            (Some(path), true) => {
                let pem = std::fs::read(path).map_err(|e| {
                    config_err(format!("cannot read ca_file {}: {e}", path.display()))
                })?;
                check_ca(&pem)
                    .map_err(|e| config_err(format!("ca_file {}: {e}", path.display())))?;
                Some(pem)
            }
            _ => None,
        };
        let client_err = |e: RedisError| config_err(redact(&e.to_string()).into_owned());
        let with_password = password_url(&cfg.url);
        let target = match cfg.url.scheme() {
            "redis" | "rediss" | "redis+unix" | "unix" => {
                let client = match ca {
                    Some(ca) => redis::Client::build_with_tls(
                        with_password.as_str(),
                        redis::TlsCertificates {
                            client_tls: None,
                            root_cert: Some(ca),
                        },
                    ),
                    None => redis::Client::open(with_password.as_str()),
                };
                Target::Single(client.map_err(client_err)?)
            }
            "redis+cluster" | "rediss+cluster" => {
                let seeds = cluster_seeds(&with_password, tls).map_err(config_err)?;
                let mut builder = redis::cluster::ClusterClientBuilder::new(seeds)
                    .connection_timeout(cfg.timeout)
                    .response_timeout(cfg.timeout);
                if let Some(ca) = ca {
                    builder = builder.certs(redis::TlsCertificates {
                        client_tls: None,
                        root_cert: Some(ca),
                    });
                }
                Target::Cluster(builder.build().map_err(client_err)?)
            }
            other => {
                return Err(config_err(format!(
                    "unsupported scheme {other:?}; use redis, rediss, redis+cluster, rediss+cluster or redis+unix"
                )));
            }
        };
        Ok(RedisSink {
            ctx: Ctx {
                cfg,
                url,
                meta_script: Script::new(LUA_META.to_owned()),
            },
            target,
            conn: None,
            position: None,
        })
    }

    /// Connects to `cfg.url` (authenticating, within the timeout).
    pub async fn connect(cfg: RedisConfig) -> Result<RedisSink, RedisSinkError> {
        let mut sink = RedisSink::new(cfg)?;
        sink.ping().await?;
        Ok(sink)
    }

    /// The URL, password masked.
    pub fn url(&self) -> &str {
        &self.ctx.url
    }

    /// `PING`: whether the server answers, within the timeout.
    pub async fn ping(&mut self) -> Result<(), RedisSinkError> {
        let op = "PING";
        with_conn!(self, op, |ctx, conn| async move {
            let mut c = conn;
            ctx.bounded(op, redis::cmd("PING").query_async::<String>(&mut c))
                .await
                .map(drop)
        })
    }

    /// Drops the connection and the run's position read over it; the next operation
    /// reconnects (and reads the position again: the server may have restarted since).
    pub(super) fn forget_connection(&mut self) {
        self.conn = None;
        self.position = None;
    }

    /// The open connection, or a new one (within the timeout).
    pub(super) async fn connection(&mut self, op: &'static str) -> Result<Conn, RedisSinkError> {
        if let Some(conn) = &self.conn {
            return Ok(conn.clone());
        }
        let timeout = self.ctx.cfg.timeout;
        let connecting = async {
            match &self.target {
                Target::Single(client) => {
                    // The crate's own response timeout (0.5 s by default) would cut a slow
                    // but legal reply short; every round trip is bounded by ours instead.
                    let config = redis::AsyncConnectionConfig::new()
                        .set_connection_timeout(Some(timeout))
                        .set_response_timeout(None);
                    client
                        .get_multiplexed_async_connection_with_config(&config)
                        .await
                        .map(Conn::Single)
                }
                Target::Cluster(client) => client.get_async_connection().await.map(Conn::Cluster),
            }
        };
        let conn = match tokio::time::timeout(timeout, connecting).await {
            Ok(Ok(conn)) => conn,
            Ok(Err(e)) => return Err(classify(&self.ctx.url, op, &e, timeout)),
            Err(_) => return Err(self.ctx.timeout_err(op)),
        };
        self.conn = Some(conn.clone());
        Ok(conn)
    }
}

impl Ctx {
    /// Runs one round trip under the timeout, mapping its error.
    pub(super) async fn bounded<T>(
        &self,
        op: &'static str,
        fut: impl Future<Output = Result<T, RedisError>>,
    ) -> Result<T, RedisSinkError> {
        match tokio::time::timeout(self.cfg.timeout, fut).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(self.classify(op, &e)),
            Err(_) => Err(self.timeout_err(op)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ccmon's redaction masks a lone userinfo as a password, so it is sent as one.
    #[test]
    fn a_lone_userinfo_is_the_password() {
        let url = |u: &str| password_url(&url::Url::parse(u).unwrap()).to_string();
        assert_eq!(url("redis://s3cret@h:1/2"), "redis://:s3cret@h:1/2");
        assert_eq!(url("redis://user:pw@h:1"), "redis://user:pw@h:1");
        assert_eq!(url("redis://:pw@h:1"), "redis://:pw@h:1");
        assert_eq!(url("redis://h:1"), "redis://h:1");
        assert_eq!(
            url("redis+cluster://s3cret@h:1/?node=h2:2"),
            "redis+cluster://:s3cret@h:1/?node=h2:2"
        );
        assert_eq!(url("redis+unix:///tmp/r.sock"), "redis+unix:///tmp/r.sock");
    }

    #[test]
    fn cluster_urls_name_their_seeds() {
        let url = url::Url::parse("redis+cluster://:pw@10.0.0.1:7000/?node=h2:7001&node=h3:7002")
            .unwrap();
        assert_eq!(
            cluster_seeds(&url, false).unwrap(),
            vec![
                "redis://:pw@10.0.0.1:7000",
                "redis://:pw@h2:7001",
                "redis://:pw@h3:7002"
            ]
        );
        let url = url::Url::parse("rediss+cluster://h:7000").unwrap();
        assert_eq!(cluster_seeds(&url, true).unwrap(), vec!["rediss://h:7000"]);
        let url = url::Url::parse("redis+cluster://h:7000/3").unwrap();
        assert!(cluster_seeds(&url, false).is_err());
        let url = url::Url::parse("redis+cluster://h:7000/?protocol=resp3").unwrap();
        assert!(cluster_seeds(&url, false).is_err());
    }

    #[test]
    fn bad_urls_are_config_errors_without_the_password() {
        let cfg = |u: &str| RedisConfig::new(url::Url::parse(u).unwrap());
        let err = RedisSink::new(cfg("rediss://:hunter22@h:1/#insecure")).unwrap_err();
        assert!(matches!(err, RedisSinkError::Config { .. }));
        assert!(!err.to_string().contains("hunter22"), "{err}");
        let err = RedisSink::new(cfg("http://h:1")).unwrap_err();
        assert!(err.to_string().contains("unsupported scheme"), "{err}");
        assert!(!err.is_unavailable());
        let mut c = cfg("redis://h:1");
        c.maxlen = 0;
        assert!(RedisSink::new(c).is_err());
    }
}
