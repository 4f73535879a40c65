//! A pipelined connection to one Redis server (TCP, TLS or a Unix socket), speaking RESP2
//! itself.
//!
//! Delivering a batch is one long run of `XADD`s. Through the client's multiplexed
//! connection each of them was copied into a packed pipeline and again into a framed
//! writer's buffer, and every reply went through a general parser combinator: at ingest
//! speed, a large part of the delivery thread. Here a request's packed bytes go to the
//! socket as they are, and the five RESP2 reply types are parsed by hand (an error reply
//! by the client's own parser, so errors keep the client's kinds and codes).
//!
//! It is a [`ConnectionLike`], so commands, pipelines and scripts work on it unchanged.
//! TLS is rustls verified against the system's roots or a given CA, as the client does it.
//! Cluster connections stay with the client.

use std::collections::VecDeque;
use std::sync::Arc;

use redis::aio::ConnectionLike;
use redis::{Cmd, ConnectionAddr, ConnectionInfo, Pipeline, RedisError, RedisFuture, Value};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::{mpsc, oneshot};

/// How much the reading side asks the socket for at a time.
const READ_SIZE: usize = 64 * 1024;

/// The largest read buffer kept once empty.
const KEEP_READ_BUFFER: usize = 1024 * 1024;

/// Deepest nesting of arrays a reply may have: the server's own replies nest three deep
/// (an `EXEC` of `XRANGE`s); anything far deeper is a broken stream, not a reply.
const MAX_DEPTH: usize = 32;

/// How to verify a TLS server: the roots to trust, built once per sink.
pub type TlsConfig = Arc<tokio_rustls::rustls::ClientConfig>;

/// The TLS settings for servers whose certificates chain to the PEM certificates in `ca`,
/// or, without it, to the system's roots.
pub fn tls_config(ca: Option<&[u8]>) -> Result<TlsConfig, String> {
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;
    let mut roots = tokio_rustls::rustls::RootCertStore::empty();
    match ca {
        Some(pem) => {
            for cert in CertificateDer::pem_slice_iter(pem) {
                let cert = cert.map_err(|e| format!("not a PEM certificate: {e}"))?;
                roots
                    .add(cert)
                    .map_err(|e| format!("an unusable certificate: {e}"))?;
            }
            if roots.is_empty() {
                return Err("no certificate in it".into());
            }
        }
        None => {
            // Unreadable system certificates are skipped, as long as some are left.
            let found = rustls_native_certs::load_native_certs();
            let (added, _) = roots.add_parsable_certificates(found.certs);
            if added == 0 && !found.errors.is_empty() {
                return Err(format!(
                    "cannot load the system's root certificates: {}",
                    found.errors[0]
                ));
            }
        }
    }
    let config = tokio_rustls::rustls::ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// Commands encoded for the wire as they are built, for [`RespConnection::send_packed`]:
/// a record's bytes are copied once, straight into the request, with no command object
/// in between.
#[derive(Default)]
pub struct Packed {
    bytes: Vec<u8>,
    commands: usize,
}

impl Packed {
    /// Room for about `bytes` bytes of commands.
    pub fn with_capacity(bytes: usize) -> Packed {
        Packed {
            bytes: Vec::with_capacity(bytes),
            commands: 0,
        }
    }

    /// Starts a command of `args` arguments (including its name), which the next calls to
    /// [`Packed::arg`] and [`Packed::number`] must supply.
    pub fn command(&mut self, args: usize) -> &mut Packed {
        self.commands += 1;
        self.bytes.push(b'*');
        self.digits(args as u64);
        self.bytes.extend_from_slice(b"\r\n");
        self
    }

    /// An argument.
    pub fn arg(&mut self, arg: &[u8]) -> &mut Packed {
        self.bytes.push(b'$');
        self.digits(arg.len() as u64);
        self.bytes.extend_from_slice(b"\r\n");
        self.bytes.extend_from_slice(arg);
        self.bytes.extend_from_slice(b"\r\n");
        self
    }

    /// A number argument, in decimal.
    pub fn number(&mut self, n: u64) -> &mut Packed {
        let mut buf = [0u8; 20];
        let start = decimal(n, &mut buf);
        self.arg(&buf[start..])
    }

    /// A whole command built by the client.
    pub fn cmd(&mut self, cmd: &Cmd) -> &mut Packed {
        self.commands += 1;
        cmd.write_packed_command(&mut self.bytes);
        self
    }

    fn digits(&mut self, n: u64) {
        let mut buf = [0u8; 20];
        let start = decimal(n, &mut buf);
        self.bytes.extend_from_slice(&buf[start..]);
    }
}

/// Writes `n` in decimal at the end of `buf`; returns where it starts.
fn decimal(mut n: u64, buf: &mut [u8; 20]) -> usize {
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return at;
        }
    }
}

/// A handle to the connection; clones share it, and requests from all of them go out in
/// the order they were made. The connection closes when the last handle is dropped.
#[derive(Clone)]
pub struct RespConnection {
    requests: mpsc::UnboundedSender<Request>,
    db: i64,
    _driver: Arc<Driver>,
}

/// The task that owns the socket, stopped when the last handle goes: a server that never
/// answers must not keep it (and the socket) alive.
struct Driver(tokio::task::AbortHandle);

impl Drop for Driver {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A request: its packed commands, and who waits for which of their replies.
struct Request {
    bytes: Vec<u8>,
    waiter: Waiter,
}

struct Waiter {
    /// Replies read and dropped before the kept ones (a transaction's `QUEUED`s); a server
    /// error among them fails the request.
    skip: usize,
    /// Replies kept and handed back.
    keep: usize,
    replies: Vec<Value>,
    /// The first server error among the skipped replies.
    error: Option<RedisError>,
    done: oneshot::Sender<Result<Vec<Value>, RedisError>>,
}

impl RespConnection {
    /// Connects to the server of `info` (over TLS with `tls`, which a `rediss://` server
    /// needs), authenticates and selects its database. Always RESP2: a `protocol` in the
    /// URL is not followed, since nothing here needs RESP3. The caller bounds the time it
    /// takes.
    pub async fn connect(
        info: &ConnectionInfo,
        tls: Option<&TlsConfig>,
    ) -> Result<RespConnection, RedisError> {
        let db = info.redis_settings().db();
        let conn = match info.addr() {
            ConnectionAddr::Tcp(host, port) => RespConnection::start(tcp(host, *port).await?, db),
            ConnectionAddr::TcpTls { host, port, .. } => {
                let Some(tls) = tls else {
                    return Err(RedisError::from((
                        redis::ErrorKind::InvalidClientConfig,
                        "a TLS server without TLS settings",
                    )));
                };
                let name = rustls_pki_types::ServerName::try_from(host.clone()).map_err(|e| {
                    RedisError::from((
                        redis::ErrorKind::InvalidClientConfig,
                        "not a TLS server name",
                        e.to_string(),
                    ))
                })?;
                let socket = tcp(host, *port).await?;
                let socket = tokio_rustls::TlsConnector::from(Arc::clone(tls))
                    .connect(name, socket)
                    .await?;
                RespConnection::start(socket, db)
            }
            #[cfg(unix)]
            ConnectionAddr::Unix(path) => {
                RespConnection::start(tokio::net::UnixStream::connect(path).await?, db)
            }
            #[allow(unreachable_patterns, reason = "the client's address kinds may grow")]
            _ => {
                return Err(RedisError::from((
                    redis::ErrorKind::InvalidClientConfig,
                    "an address kind ccmon cannot connect to",
                )));
            }
        };
        // One command at a time, so that a refusal comes back as the server's own error.
        let settings = info.redis_settings();
        let mut c = conn.clone();
        if let Some(password) = settings.password() {
            let mut auth = redis::cmd("AUTH");
            if let Some(user) = settings.username() {
                auth.arg(user);
            }
            auth.arg(password).query_async::<()>(&mut c).await?;
        }
        if settings.db() != 0 {
            redis::cmd("SELECT")
                .arg(settings.db())
                .query_async::<()>(&mut c)
                .await?;
        }
        Ok(conn)
    }

    fn start<S>(socket: S, db: i64) -> RespConnection
    where
        S: AsyncRead + AsyncWrite + Send + 'static,
    {
        let (requests, incoming) = mpsc::unbounded_channel();
        let task = tokio::spawn(drive(socket, incoming));
        RespConnection {
            requests,
            db,
            _driver: Arc::new(Driver(task.abort_handle())),
        }
    }

    /// Hands `bytes` to the socket's task now, so requests go out in the order they are
    /// made, and returns a future of the replies it keeps.
    fn send(
        &self,
        bytes: Vec<u8>,
        skip: usize,
        keep: usize,
    ) -> impl Future<Output = Result<Vec<Value>, RedisError>> + Send + 'static {
        let (done, reply) = oneshot::channel();
        // Nothing to send (an empty pipeline) has nothing to wait for.
        let empty = skip + keep == 0;
        let waiter = Waiter {
            skip,
            keep,
            replies: Vec::with_capacity(keep),
            error: None,
            done,
        };
        let sent = if empty {
            Ok(())
        } else {
            self.requests.send(Request { bytes, waiter })
        };
        // A request in flight keeps the connection open until it is answered, even when
        // every handle is gone by then; dropping the future lets go of it.
        let driver = Arc::clone(&self._driver);
        async move {
            let _driver = driver;
            if empty {
                return Ok(Vec::new());
            }
            if sent.is_err() {
                return Err(closed());
            }
            reply.await.unwrap_or_else(|_| Err(closed()))
        }
    }
}

impl RespConnection {
    /// Hands `packed` to the socket's task now (requests go out in the order they are
    /// made) and returns a future of the replies of its last `keep` commands. A server
    /// error in any reply fails the request with that error, as a pipeline's does.
    pub fn send_packed(
        &self,
        packed: Packed,
        keep: usize,
    ) -> impl Future<Output = Result<Vec<Value>, RedisError>> + Send + 'static {
        let skip = packed.commands.saturating_sub(keep);
        let reply = self.send(packed.bytes, skip, packed.commands - skip);
        async move {
            let replies = reply.await?;
            match replies.iter().find(|v| matches!(v, Value::ServerError(_))) {
                Some(e) => Err(e.clone().extract_error().err().unwrap_or_else(closed)),
                None => Ok(replies),
            }
        }
    }
}

impl ConnectionLike for RespConnection {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        let reply = self.send(cmd.get_packed_command(), 0, 1);
        Box::pin(async move {
            let mut replies = reply.await?;
            replies.pop().ok_or_else(closed)
        })
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        Box::pin(self.send(pipeline.get_packed_pipeline(), offset, count))
    }

    fn get_db(&self) -> i64 {
        self.db
    }
}

/// A TCP connection to `host:port` that sends each request at once: requests are whole
/// pipelines, nothing is gained by waiting to fill packets.
async fn tcp(host: &str, port: u16) -> std::io::Result<tokio::net::TcpStream> {
    let socket = tokio::net::TcpStream::connect((host, port)).await?;
    socket.set_nodelay(true)?;
    Ok(socket)
}

/// The error of a request the connection can no longer answer.
fn closed() -> RedisError {
    RedisError::from(std::io::Error::new(
        std::io::ErrorKind::ConnectionReset,
        "the connection to Redis closed",
    ))
}

/// Writes requests and reads replies until the socket fails or every handle is gone; then
/// fails whatever is still waiting.
async fn drive<S: AsyncRead + AsyncWrite>(
    socket: S,
    mut incoming: mpsc::UnboundedReceiver<Request>,
) {
    let (mut reader, mut writer) = tokio::io::split(socket);
    let mut waiting: VecDeque<Waiter> = VecDeque::new();
    // Requests' bytes not yet written, and how much of the first is.
    let mut unwritten: VecDeque<Vec<u8>> = VecDeque::new();
    let mut written = 0;
    let mut read = Buffer::default();
    let mut open = true;
    let failure = loop {
        tokio::select! {
            request = incoming.recv(), if open => match request {
                Some(Request { bytes, waiter }) => {
                    unwritten.push_back(bytes);
                    waiting.push_back(waiter);
                }
                // Every handle is gone: finish what is in flight, then stop.
                None => open = false,
            },
            n = writer.write(unwritten.front().map_or(&[][..], |b| &b[written..])), if !unwritten.is_empty() => match n {
                Ok(0) => break closed(),
                Ok(n) => {
                    written += n;
                    if unwritten.front().is_some_and(|b| written == b.len()) {
                        unwritten.pop_front();
                        written = 0;
                    }
                }
                Err(e) => break e.into(),
            },
            n = read.fill(&mut reader) => match n {
                Ok(0) => break closed(),
                Ok(_) => {
                    if let Err(e) = read.dispatch(&mut waiting) {
                        break e;
                    }
                }
                Err(e) => break e.into(),
            },
        }
        if !open && waiting.is_empty() {
            return;
        }
    };
    // No shutdown: a TLS close would wait for room in a send buffer that a hung server
    // never drains. Dropping the socket closes it.
    let message = failure.to_string();
    let fail = |w: Waiter| {
        let _ = w.done.send(Err(RedisError::from(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            message.clone(),
        ))));
    };
    if let Some(w) = waiting.pop_front() {
        let _ = w.done.send(Err(failure));
    }
    waiting.into_iter().for_each(fail);
    incoming.close();
    while let Ok(r) = incoming.try_recv() {
        fail(r.waiter);
    }
}

/// Bytes read from the server and not yet parsed.
#[derive(Default)]
struct Buffer {
    bytes: Vec<u8>,
    start: usize,
    /// How far the reply at `start` has been checked.
    scan: Scan,
}

impl Buffer {
    async fn fill<R: AsyncRead + Unpin>(&mut self, reader: &mut R) -> std::io::Result<usize> {
        if self.start == self.bytes.len() {
            // A large reply read back leaves a large buffer: not kept for the connection's
            // life (a watch lasts as long as its agent).
            if self.bytes.capacity() > KEEP_READ_BUFFER {
                self.bytes = Vec::new();
            }
            self.bytes.clear();
            self.start = 0;
        } else if self.start > self.bytes.len() / 2 {
            self.bytes.drain(..self.start);
            self.start = 0;
        }
        self.bytes.reserve(READ_SIZE);
        reader.read_buf(&mut self.bytes).await
    }

    /// Hands every complete reply to the request waiting for it.
    fn dispatch(&mut self, waiting: &mut VecDeque<Waiter>) -> Result<(), RedisError> {
        loop {
            let rest = &self.bytes[self.start..];
            let Some(len) = self.scan.advance(rest).map_err(protocol_error)? else {
                return Ok(());
            };
            let frame = &rest[..len];
            let Some(waiter) = waiting.front_mut() else {
                return Err(protocol_error("a reply nobody asked for".into()));
            };
            if waiter.skip > 0 {
                waiter.skip -= 1;
                if frame[0] == b'-' && waiter.error.is_none() {
                    waiter.error = parse(frame)?.extract_error().err();
                }
            } else {
                waiter.replies.push(parse(frame)?);
            }
            self.start += len;
            if waiter.skip == 0
                && waiter.replies.len() == waiter.keep
                && let Some(w) = waiting.pop_front()
            {
                let result = match w.error {
                    Some(e) => Err(e),
                    None => Ok(w.replies),
                };
                let _ = w.done.send(result);
            }
        }
    }
}

/// Not `InvalidData`, which is how TLS reports an untrusted server (a configuration
/// error): a peer talking nonsense may be a server restarting behind the address, and is
/// tried again like one that went away.
fn protocol_error(detail: String) -> RedisError {
    RedisError::from(std::io::Error::other(format!(
        "unexpected bytes from Redis: {detail}"
    )))
}

/// Progress through the reply at the front of the buffer, kept between reads, so that a
/// long reply arriving in many reads has each of its headers read once.
#[derive(Default)]
struct Scan {
    /// Where the next header starts, from the front of the reply.
    at: usize,
    /// Elements still to come in each array the scan is inside, outermost first.
    open: Vec<u64>,
}

impl Scan {
    /// The length of the reply at the front of `buf` once all of it is there (and the scan
    /// is reset for the next), or `None` while some of it is still to arrive.
    fn advance(&mut self, buf: &[u8]) -> Result<Option<usize>, String> {
        loop {
            let Some((kind, n, header)) = header(&buf[self.at..])? else {
                return Ok(None);
            };
            let len = match kind {
                b'+' | b'-' | b':' => header,
                b'$' | b'*' if n < 0 => header,
                b'$' => {
                    let end = usize::try_from(n)
                        .ok()
                        .and_then(|n| n.checked_add(header + 2))
                        .ok_or("a bulk string too long")?;
                    let Some(element) = buf[self.at..].get(..end) else {
                        return Ok(None);
                    };
                    if !element.ends_with(b"\r\n") {
                        return Err("a bulk string not ended by CRLF".into());
                    }
                    end
                }
                b'*' if n > 0 => {
                    if self.open.len() >= MAX_DEPTH {
                        return Err("replies nested too deep".into());
                    }
                    self.at += header;
                    self.open.push(n as u64);
                    continue;
                }
                b'*' => header,
                other => return Err(format!("reply type {:?}", other as char)),
            };
            self.at += len;
            // An element is complete: so is every array it was the last element of.
            loop {
                match self.open.last_mut() {
                    None => {
                        let total = self.at;
                        *self = Scan::default();
                        return Ok(Some(total));
                    }
                    Some(left) if *left > 1 => {
                        *left -= 1;
                        break;
                    }
                    Some(_) => {
                        self.open.pop();
                    }
                }
            }
        }
    }
}

/// The length of the complete reply at the start of `buf`, or `None` while it has not all
/// arrived (a scan from scratch).
#[cfg(test)]
fn frame_len(buf: &[u8]) -> Result<Option<usize>, String> {
    Scan::default().advance(buf)
}

/// A reply's type byte, its number (a length, or an integer's value; 0 for the others) and
/// the length of its header line with the CRLF.
fn header(buf: &[u8]) -> Result<Option<(u8, i64, usize)>, String> {
    let Some(&kind) = buf.first() else {
        return Ok(None);
    };
    let Some(cr) = memchr::memchr(b'\r', buf) else {
        return Ok(None);
    };
    if buf.len() < cr + 2 {
        return Ok(None);
    }
    if buf[cr + 1] != b'\n' {
        return Err("a line not ended by CRLF".into());
    }
    let n = match kind {
        b'$' | b'*' | b':' => std::str::from_utf8(&buf[1..cr])
            .ok()
            .and_then(|s| s.parse::<i64>().ok())
            .ok_or_else(|| format!("a bad number after {:?}", kind as char))?,
        _ => 0,
    };
    Ok(Some((kind, n, cr + 2)))
}

/// The value of a complete reply (checked by [`Scan`]).
fn parse(frame: &[u8]) -> Result<Value, RedisError> {
    let mut at = 0;
    value(frame, &mut at)
}

fn value(buf: &[u8], at: &mut usize) -> Result<Value, RedisError> {
    let rest = &buf[*at..];
    let Some((kind, n, header)) = header(rest).map_err(protocol_error)? else {
        return Err(protocol_error("a reply cut short".into()));
    };
    *at += header;
    // Empty for a malformed header, which the scan has already refused.
    let line = rest.get(1..header - 2).unwrap_or_default();
    Ok(match kind {
        b'+' if line == b"OK" => Value::Okay,
        b'+' => Value::SimpleString(String::from_utf8_lossy(line).into_owned()),
        // The client's parser, for its error kinds and codes (rare, so its cost is not).
        b'-' => redis::parse_redis_value(&rest[..header])?,
        b':' => Value::Int(n),
        b'$' | b'*' if n < 0 => Value::Nil,
        b'$' => {
            let len = n as usize;
            let bytes = buf
                .get(*at..*at + len)
                .ok_or_else(|| protocol_error("a bulk string cut short".into()))?;
            *at += len + 2;
            Value::BulkString(bytes.to_vec())
        }
        b'*' => {
            let mut items = Vec::with_capacity(n as usize);
            for _ in 0..n {
                items.push(value(buf, at)?);
            }
            Value::Array(items)
        }
        other => return Err(protocol_error(format!("reply type {:?}", other as char))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    fn parsed(bytes: &[u8]) -> Value {
        let len = frame_len(bytes).unwrap().unwrap();
        assert_eq!(len, bytes.len());
        parse(bytes).unwrap()
    }

    #[test]
    fn parses_what_the_client_parses() {
        let cases: [&[u8]; 9] = [
            b"+OK\r\n",
            b"+QUEUED\r\n",
            b":-42\r\n",
            b"$-1\r\n",
            b"*-1\r\n",
            b"$0\r\n\r\n",
            b"$5\r\na\r\nbc\r\n",
            b"*3\r\n+OK\r\n-LOADING server is loading\r\n*2\r\n$1\r\nx\r\n:7\r\n",
            b"-NOSCRIPT No matching script. Please use EVAL.\r\n",
        ];
        for case in cases {
            assert_eq!(
                parsed(case),
                redis::parse_redis_value(case).unwrap(),
                "{}",
                String::from_utf8_lossy(case)
            );
        }
    }

    #[test]
    fn packed_commands_are_what_the_client_packs() {
        let mut packed = Packed::default();
        packed
            .command(6)
            .arg(b"XADD")
            .arg(b"s")
            .arg(b"*")
            .arg(b"a\r\n\x00")
            .number(1234567890)
            .number(0);
        let mut set = redis::cmd("SET");
        set.arg("k").arg(u64::MAX);
        packed.cmd(&set);
        let mut expected = redis::cmd("XADD")
            .arg("s")
            .arg("*")
            .arg(b"a\r\n\x00")
            .arg(1234567890u64)
            .arg(0)
            .get_packed_command();
        expected.extend(set.get_packed_command());
        assert_eq!(packed.bytes, expected);
        assert_eq!(packed.commands, 2);
    }

    #[test]
    fn incomplete_replies_wait_for_more() {
        let whole = b"*2\r\n$5\r\nhello\r\n:1\r\n";
        for cut in 0..whole.len() {
            assert_eq!(frame_len(&whole[..cut]), Ok(None), "cut at {cut}");
        }
        assert_eq!(frame_len(whole), Ok(Some(whole.len())));
        // The same bytes arriving one at a time, scanned where the last scan stopped.
        let two = [&whole[..], b"+OK\r\n"].concat();
        let mut scan = Scan::default();
        let mut found = Vec::new();
        let mut start = 0;
        for end in 1..=two.len() {
            if let Some(len) = scan.advance(&two[start..end]).unwrap() {
                found.push(len);
                start += len;
            }
        }
        assert_eq!(found, [whole.len(), 5]);
    }

    /// A connection to a listener that answers every request with `answer`, then closes.
    async fn answered_by(answer: &'static [u8]) -> RespConnection {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut request = [0u8; 1024];
            let _ = socket.read(&mut request).await;
            let _ = socket.write_all(answer).await;
        });
        let info =
            redis::IntoConnectionInfo::into_connection_info(format!("redis://{addr}")).unwrap();
        RespConnection::connect(&info, None).await.unwrap()
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    /// A server that breaks off or talks nonsense fails the requests in flight and every
    /// later one, with an I/O error the sink treats as Redis being unreachable, and no
    /// request waits forever.
    #[test]
    fn a_broken_server_fails_requests_instead_of_hanging_them() {
        runtime().block_on(async {
            for (answer, expected) in [
                (&b"+OK\r\n$10\r\nabc"[..], "closed"),
                (b"?garbage\r\n", "unexpected bytes from Redis"),
            ] {
                let mut conn = answered_by(answer).await;
                let mut pipe = redis::pipe();
                pipe.cmd("SET").arg("a").arg(1).cmd("GET").arg("a");
                let err = pipe.query_async::<Value>(&mut conn).await.unwrap_err();
                assert_eq!(err.kind(), redis::ErrorKind::Io, "{err}");
                assert!(err.to_string().contains(expected), "{err}");
                let again = redis::cmd("PING").query_async::<Value>(&mut conn).await;
                assert!(again.is_err());
            }
            // A reply too many: the request before it got its own, the connection is done.
            let mut conn = answered_by(b"+OK\r\n+OK\r\n+OK\r\n").await;
            let mut pipe = redis::pipe();
            pipe.cmd("SET").arg("a").arg(1).cmd("GET").arg("a");
            let ok = pipe.query_async::<Value>(&mut conn).await.unwrap();
            assert_eq!(ok, Value::Array(vec![Value::Okay, Value::Okay]));
            let err = redis::cmd("PING")
                .query_async::<Value>(&mut conn)
                .await
                .unwrap_err();
            assert_eq!(err.kind(), redis::ErrorKind::Io, "{err}");
        });
    }

    /// A request already made is answered even when the last handle goes before the reply
    /// comes; the connection closes after it.
    #[test]
    fn a_request_in_flight_outlives_the_handles() {
        runtime().block_on(async {
            let conn = answered_by(b"+PONG\r\n").await;
            let mut ping = Packed::default();
            ping.command(1).arg(b"PING");
            let reply = conn.send_packed(ping, 1);
            drop(conn);
            let replies = reply.await.unwrap();
            assert_eq!(replies, [Value::SimpleString("PONG".into())]);
        });
    }

    #[test]
    fn a_ca_file_without_certificates_is_refused() {
        let err = tls_config(Some(b"not a certificate\n")).unwrap_err();
        assert!(err.contains("no certificate"), "{err}");
        let truncated = b"-----BEGIN CERTIFICATE-----\nMIIB\n";
        assert!(tls_config(Some(truncated)).is_err());
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for bad in [
            &b"?what\r\n"[..],
            b"$abc\r\n",
            b"*x\r\n",
            b":1\rX",
            b"%1\r\n",
        ] {
            assert!(frame_len(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
        let deep = "*1\r\n".repeat(100);
        assert!(frame_len(deep.as_bytes()).is_err());
    }

    /// Random sequences of RESP pieces, whole or cut anywhere: the scan and the parse
    /// never panic, and whatever the scan calls complete parses as the client parses it.
    #[test]
    fn random_replies_never_panic_and_agree_with_the_client() {
        let pieces: [&[u8]; 14] = [
            b"*2\r\n",
            b"*-1\r\n",
            b"*0\r\n",
            b"$3\r\nabc\r\n",
            b"$-1\r\n",
            b"$2\r\n",
            b"+OK\r\n",
            b"-ERR x\r\n",
            b":12\r\n",
            b"\r\n",
            b"*99999999999\r\n",
            b"$99999999999999999999\r\n",
            b"x",
            b"*1\r\n",
        ];
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let mut buf = Vec::new();
            for _ in 0..(next() % 8) {
                buf.extend_from_slice(pieces[(next() % pieces.len() as u64) as usize]);
            }
            let cut = (next() as usize) % (buf.len() + 1);
            for bytes in [&buf[..], &buf[..cut]] {
                if let Ok(Some(len)) = frame_len(bytes) {
                    let ours = parse(&bytes[..len]).unwrap();
                    let theirs = redis::parse_redis_value(&bytes[..len]).unwrap();
                    assert_eq!(ours, theirs, "{}", String::from_utf8_lossy(bytes));
                }
            }
        }
    }
}
