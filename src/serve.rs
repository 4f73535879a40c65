//! Serving HTTP: [`serve`], the one connection loop every ccmon server runs on (`health
//! serve` and `stream watch --metrics-listen`), and [`metrics`], the small `/metrics`
//! endpoint of a watcher.
//!
//! The loop gives probes what they need on a hostile network: a header-read timeout, a
//! connection limit, HTTP/1.1 keep-alive and a drain bounded in time. At the limit a new
//! connection is not refused: it takes the place of the connection that has waited longest
//! for its request headers (a slow or idle client), so thousands of slow clients cannot
//! starve a probe that arrives on a fresh connection. A connection inside a request (its
//! headers read, its response not yet written) is never evicted; when every connection is
//! inside a request, the new one is closed at once rather than queued. Running out of file
//! descriptors before the limit is handled the same way.
//!
//! axum gives routing; hyper's own connection builder serves, because `axum::serve` has no
//! header-read timeout, connection limit or eviction.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use axum::routing::get;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;

/// The Prometheus text format's content type.
pub const METRICS_CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// How [`serve`] protects itself.
#[derive(Debug, Clone, Copy)]
pub struct ServeOptions {
    /// Most open connections; at the limit a new one evicts the connection that has waited
    /// longest for its request headers, or is closed when all are inside a request.
    pub max_connections: usize,
    /// A client must send its request headers within this time.
    pub header_read_timeout: Duration,
    /// Longest wait for in-flight requests after shutdown begins.
    pub drain_timeout: Duration,
}

/// Where a connection is, as the eviction policy sees it.
const WAITING: u8 = 0;
const IN_REQUEST: u8 = 1;
const EVICTED: u8 = 2;

/// One open connection as the accept loop and its own task share it.
#[derive(Debug)]
struct Slot {
    state: AtomicU8,
    /// Nanoseconds after the loop's start at which the connection last began waiting for
    /// request headers (its accept, or the end of its previous response).
    waiting_since: AtomicU64,
    evict: Notify,
}

impl Slot {
    fn new(now: u64) -> Slot {
        Slot {
            state: AtomicU8::new(WAITING),
            waiting_since: AtomicU64::new(now),
            evict: Notify::new(),
        }
    }

    fn waiting(&self) -> bool {
        self.state.load(Ordering::Acquire) == WAITING
    }

    /// Claims the connection for eviction; fails when its headers arrived meanwhile.
    fn try_evict(&self) -> bool {
        self.state
            .compare_exchange(WAITING, EVICTED, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }
}

/// Held from the moment a request's headers are read until its response body is dropped
/// (written out or abandoned): while it lives, the connection cannot be evicted.
#[derive(Debug)]
struct InRequest {
    slot: Arc<Slot>,
    clock: Instant,
}

impl InRequest {
    fn enter(slot: &Arc<Slot>, clock: Instant) -> Option<InRequest> {
        slot.state
            .compare_exchange(WAITING, IN_REQUEST, Ordering::AcqRel, Ordering::Acquire)
            .ok()
            .map(|_| InRequest {
                slot: slot.clone(),
                clock,
            })
    }
}

impl Drop for InRequest {
    fn drop(&mut self) {
        self.slot
            .waiting_since
            .store(nanos_since(self.clock), Ordering::Release);
        let _ = self.slot.state.compare_exchange(
            IN_REQUEST,
            WAITING,
            Ordering::AcqRel,
            Ordering::Acquire,
        );
    }
}

fn nanos_since(clock: Instant) -> u64 {
    u64::try_from(clock.elapsed().as_nanos()).unwrap_or(u64::MAX)
}

/// A response body that keeps its connection marked as inside a request until hyper has
/// written it (and dropped it). Size hint and end-of-stream pass through, so responses keep
/// their `Content-Length`.
struct Tracked {
    inner: Body,
    _in_request: Option<InRequest>,
}

impl hyper::body::Body for Tracked {
    type Data = axum::body::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<hyper::body::Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.inner.size_hint()
    }
}

/// The open connections by task, and the choice of whom to evict.
struct Slots {
    by_task: HashMap<tokio::task::Id, Arc<Slot>>,
}

impl Slots {
    /// Evicts the connection that has waited longest for its request headers; false when
    /// every connection is inside a request.
    fn evict_slowest(&mut self) -> bool {
        loop {
            let Some((&task, slot)) = self
                .by_task
                .iter()
                .filter(|(_, s)| s.waiting())
                .min_by_key(|(_, s)| s.waiting_since.load(Ordering::Acquire))
            else {
                return false;
            };
            let slot = slot.clone();
            self.by_task.remove(&task);
            // Lost the race against its own headers: it is inside a request now and
            // uncounted; count it again and look for another.
            if slot.try_evict() {
                slot.evict.notify_one();
                return true;
            }
            self.by_task.insert(task, slot);
        }
    }
}

/// Serves `app` on `listener` until `shutdown` resolves, then stops accepting, lets open
/// connections finish their in-flight request (idle keep-alive connections close at once),
/// and returns when they are done or `drain_timeout` has passed.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    options: ServeOptions,
    shutdown: impl Future<Output = ()>,
) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;

    let clock = Instant::now();
    let max = options.max_connections.max(1);
    let (close_tx, close_rx) = watch::channel(false);
    let mut connections = JoinSet::new();
    let mut slots = Slots {
        by_task: HashMap::new(),
    };
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            Some(done) = connections.join_next_with_id(), if !connections.is_empty() => {
                let task = match done {
                    Ok((task, ())) => task,
                    Err(e) => e.id(),
                };
                slots.by_task.remove(&task);
            }
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    // Out of file descriptors below the connection limit (a soft limit of
                    // 1,024 is common): the slowest client gives its descriptor to the
                    // connection waiting in the kernel's queue, which may be a probe.
                    Err(e)
                        if matches!(e.raw_os_error(), Some(libc::EMFILE | libc::ENFILE))
                            && slots.evict_slowest() =>
                    {
                        tracing::debug!("accept failed ({e}); evicted the slowest connection");
                        // Let the evicted connection's task close its socket first.
                        tokio::time::sleep(Duration::from_millis(1)).await;
                        continue;
                    }
                    Err(e) => {
                        // Nothing to evict, or another failure: back off instead of spinning.
                        tracing::warn!("accept failed: {e}");
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        continue;
                    }
                };
                if slots.by_task.len() >= max && !slots.evict_slowest() {
                    tracing::debug!(
                        "connection limit reached and every connection is inside a request; \
                         closing a new connection"
                    );
                    continue;
                }
                let _ = stream.set_nodelay(true);
                let slot = Arc::new(Slot::new(nanos_since(clock)));
                let inner = TowerToHyperService::new(app.clone());
                let for_requests = slot.clone();
                let service = hyper::service::service_fn(move |req| {
                    let in_request = InRequest::enter(&for_requests, clock);
                    let response = hyper::service::Service::call(&inner, req);
                    async move {
                        let response = response.await?;
                        Ok::<_, std::convert::Infallible>(response.map(|inner| Tracked {
                            inner,
                            _in_request: in_request,
                        }))
                    }
                });
                let mut close = close_rx.clone();
                let task_slot = slot.clone();
                let handle = connections.spawn(async move {
                    let mut builder = hyper::server::conn::http1::Builder::new();
                    builder
                        .timer(TokioTimer::new())
                        .header_read_timeout(options.header_read_timeout)
                        .keep_alive(true);
                    let conn = builder.serve_connection(TokioIo::new(stream), service);
                    tokio::pin!(conn);
                    // The guard `wait_for` returns must not live across an await.
                    let closing = async move {
                        let _ = close.wait_for(|closing| *closing).await.map(|_| ());
                    };
                    tokio::select! {
                        _ = conn.as_mut() => {}
                        // Dropping the connection closes the socket.
                        () = task_slot.evict.notified() => {}
                        () = closing => {
                            conn.as_mut().graceful_shutdown();
                            let _ = conn.await;
                        }
                    }
                });
                slots.by_task.insert(handle.id(), slot);
            }
        }
    }
    drop(listener);
    let _ = close_tx.send(true);
    let drained = tokio::time::timeout(options.drain_timeout, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            "{} connection(s) still open after the drain timeout; closing them",
            connections.len()
        );
    }
}

/// The protections of the watcher's `/metrics` endpoint: one Prometheus and a few curious
/// operators, never thousands of clients.
const METRICS_OPTIONS: ServeOptions = ServeOptions {
    max_connections: 64,
    header_read_timeout: Duration::from_secs(5),
    drain_timeout: Duration::from_secs(1),
};

/// A server running in the background; dropping it stops it.
#[derive(Debug)]
pub struct Server {
    addr: std::net::SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> std::net::SocketAddr {
        self.addr
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The address could not be bound.
    #[error("cannot listen on {addr}")]
    Bind {
        /// The address asked for.
        addr: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// Binds `addr` (`host:port`), naming it in the error.
pub async fn bind(addr: &str) -> Result<tokio::net::TcpListener, ServeError> {
    tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Bind {
            addr: addr.to_owned(),
            source,
        })
}

/// Serves `GET /metrics` with the latest text of `metrics` on `addr`.
pub async fn metrics(addr: &str, metrics: watch::Receiver<String>) -> Result<Server, ServeError> {
    let listener = bind(addr).await?;
    let local = listener.local_addr().map_err(|source| ServeError::Bind {
        addr: addr.to_owned(),
        source,
    })?;
    let app = Router::new().route(
        "/metrics",
        get(move || {
            let text = metrics.borrow().clone();
            async move {
                (
                    [(
                        header::CONTENT_TYPE,
                        HeaderValue::from_static(METRICS_CONTENT_TYPE),
                    )],
                    text,
                )
                    .into_response()
            }
        }),
    );
    // Stopped by dropping the [`Server`], which aborts the task and its connections.
    let task = tokio::spawn(serve(
        listener,
        app,
        METRICS_OPTIONS,
        std::future::pending(),
    ));
    tracing::info!("serving metrics on http://{local}/metrics");
    Ok(Server { addr: local, task })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;

    /// A server with `/fast` and a `/slow` that answers only when `release` is notified.
    async fn start(max: usize) -> (std::net::SocketAddr, Arc<Notify>) {
        let release = Arc::new(Notify::new());
        let held = release.clone();
        let app = Router::new()
            .route("/fast", get(|| async { "fast" }))
            .route(
                "/slow",
                get(move || {
                    let held = held.clone();
                    async move {
                        held.notified().await;
                        "slow"
                    }
                }),
            );
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(serve(
            listener,
            app,
            ServeOptions {
                max_connections: max,
                header_read_timeout: Duration::from_secs(30),
                drain_timeout: Duration::from_secs(1),
            },
            std::future::pending(),
        ));
        (addr, release)
    }

    async fn request(addr: std::net::SocketAddr, path: &str) -> std::io::Result<String> {
        let mut s = TcpStream::connect(addr).await?;
        s.write_all(
            format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes(),
        )
        .await?;
        let mut out = String::new();
        tokio::time::timeout(Duration::from_secs(10), s.read_to_string(&mut out))
            .await
            .map_err(|_| std::io::Error::other("no answer in 10 s"))??;
        Ok(out)
    }

    /// Reads until the peer closes; the bytes it sent before.
    async fn read_until_closed(s: &mut TcpStream) -> Vec<u8> {
        let mut out = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut out)).await;
        assert!(read.is_ok(), "the connection was not closed");
        out
    }

    #[tokio::test]
    async fn a_new_connection_evicts_the_one_waiting_longest_for_headers() {
        let (addr, _) = start(2).await;
        let mut oldest = TcpStream::connect(addr).await.expect("connect");
        oldest
            .write_all(b"GET /fast HTTP/1.1\r\n")
            .await
            .expect("write");
        tokio::time::sleep(Duration::from_millis(50)).await;
        let mut newer = TcpStream::connect(addr).await.expect("connect");
        tokio::time::sleep(Duration::from_millis(50)).await;
        let answer = request(addr, "/fast").await.expect("a probe is served");
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert!(read_until_closed(&mut oldest).await.is_empty());
        // The newer slow client still holds its place: it is answered once it finishes.
        newer
            .write_all(b"GET /fast HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await
            .expect("write");
        let answer = read_until_closed(&mut newer).await;
        assert!(answer.starts_with(b"HTTP/1.1 200"), "{answer:?}");
    }

    #[tokio::test]
    async fn a_connection_inside_a_request_is_never_evicted() {
        let (addr, release) = start(1).await;
        let mut busy = TcpStream::connect(addr).await.expect("connect");
        busy.write_all(b"GET /slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await
            .expect("write");
        tokio::time::sleep(Duration::from_millis(100)).await;
        // No connection may be evicted: the new one is closed unanswered.
        let refused = request(addr, "/fast").await;
        assert!(
            refused.as_deref().map_or(true, str::is_empty),
            "{refused:?}"
        );
        release.notify_one();
        let answer = read_until_closed(&mut busy).await;
        assert!(answer.starts_with(b"HTTP/1.1 200"), "{answer:?}");
        let answer = request(addr, "/fast").await.expect("served again");
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    }
}
