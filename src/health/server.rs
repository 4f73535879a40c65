//! The HTTP server: [`router`] maps every health path to a handler over [`AppState`] (kept
//! apart from serving so tests drive it with `oneshot`), and [`serve`] (the loop every ccmon
//! server shares) runs it on a listener with the protections probes need: a header-read
//! timeout, a connection limit at which a new connection evicts the one waiting longest for
//! its request headers, HTTP/1.1 keep-alive, and a graceful drain bounded in time.
//!
//! axum gives routing, HEAD for every GET and 405 for other methods.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::sync::watch;

pub use crate::serve::{ServeError, ServeOptions, bind, serve};

use super::report::{Report, Scope};
use super::runner::Results;
use super::{CheckResult, Level, Status};

/// The IETF draft's media type.
pub const HEALTH_JSON: &str = "application/health+json";

/// Who may see check messages and details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DetailsPolicy {
    /// Nobody.
    Never,
    /// Everybody.
    Always,
    /// Requests with `Authorization: Bearer TOKEN`.
    Token(String),
}

impl DetailsPolicy {
    fn allows(&self, headers: &HeaderMap) -> bool {
        match self {
            DetailsPolicy::Never => false,
            DetailsPolicy::Always => true,
            DetailsPolicy::Token(token) => headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .is_some_and(|given| constant_time_eq(given.trim().as_bytes(), token.as_bytes())),
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Server-wide state: start time and whether it is draining.
#[derive(Debug)]
pub struct Lifecycle {
    started: Instant,
    draining: AtomicBool,
}

impl Lifecycle {
    /// Starts the uptime clock now.
    pub fn new() -> Self {
        Lifecycle {
            started: Instant::now(),
            draining: AtomicBool::new(false),
        }
    }

    /// Readiness fails from now on (SIGTERM).
    pub fn start_draining(&self) {
        self.draining.store(true, Ordering::SeqCst);
    }

    fn draining(&self) -> bool {
        self.draining.load(Ordering::SeqCst)
    }
}

impl Default for Lifecycle {
    fn default() -> Self {
        Self::new()
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The latest check results.
    pub results: Arc<dyn Results>,
    /// The rendered `/metrics` text of the checks.
    pub metrics: watch::Receiver<String>,
    /// The fleet's stream metrics from Redis, when a Redis is configured.
    pub fleet: Option<watch::Receiver<String>>,
    /// Who sees details.
    pub details: Arc<DetailsPolicy>,
    /// Uptime and draining.
    pub lifecycle: Arc<Lifecycle>,
}

/// A request the server refuses; the body never carries internal error text.
#[derive(Debug)]
pub enum ApiError {
    /// `/readyz/NAME` for a check that does not exist.
    NoSuchCheck(String),
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::NoSuchCheck(name) => (
                StatusCode::NOT_FOUND,
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/plain; charset=utf-8"),
                )],
                format!("no check named {name:?}\n"),
            )
                .into_response(),
        }
    }
}

/// Builds the router.
pub fn router(state: AppState) -> Router {
    // Each level answers on its plain path and on Kubernetes' `/<level>z`, whose
    // `/<level>z/<check>` asks one check.
    let levels = [
        ("/health/live", "livez", Level::Liveness),
        ("/health/ready", "readyz", Level::Readiness),
        ("/health/startup", "startupz", Level::Startup),
    ];
    let mut router = Router::new();
    for (plain, kube, level) in levels {
        let scope = Scope::Level(level);
        router = router
            .route(
                plain,
                get(move |s, h, q| probe(s, h, q, Probe::plain(scope))),
            )
            .route(
                &format!("/{kube}"),
                get(move |s, h, q| probe(s, h, q, Probe::kube(scope, kube))),
            )
            .route(
                &format!("/{kube}/{{*name}}"),
                get(move |s, h, q, n| one(s, h, q, n, kube)),
            );
    }
    router
        .route(
            "/health",
            get(|s, h, q| probe(s, h, q, Probe::plain(Scope::All))),
        )
        .route("/metrics", get(metrics))
        .with_state(state)
}

#[derive(Debug, Clone, Copy)]
struct Probe {
    scope: Scope,
    kube_name: Option<&'static str>,
}

impl Probe {
    fn plain(scope: Scope) -> Self {
        Probe {
            scope,
            kube_name: None,
        }
    }
    fn kube(scope: Scope, name: &'static str) -> Self {
        Probe {
            scope,
            kube_name: Some(name),
        }
    }
}

#[derive(Debug, Default)]
struct Options {
    verbose: bool,
    health_json: bool,
    exclude: Vec<String>,
}

fn options(query: Option<&str>, headers: &HeaderMap) -> Options {
    let mut o = Options::default();
    for (key, value) in url::form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        match key.as_ref() {
            "verbose" => o.verbose = true,
            "exclude" => o.exclude.push(value.into_owned()),
            "format" if value == "health+json" || value == HEALTH_JSON => o.health_json = true,
            _ => {}
        }
    }
    if headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains(HEALTH_JSON))
    {
        o.health_json = true;
    }
    o
}

fn draining_result(level: Level) -> Arc<CheckResult> {
    let mut r = CheckResult::unknown("shutdown", level, "component");
    r.status = Status::Unhealthy;
    r.message = Some("draining: the server is shutting down".to_owned());
    r.timestamp = Some(super::timestamp_now());
    Arc::new(r)
}

fn respond(
    state: &AppState,
    headers: &HeaderMap,
    opts: &Options,
    report: Report,
    kube_name: Option<&str>,
    excluded: &[String],
    unmatched: &[String],
) -> Response {
    let show = state.details.allows(headers);
    let code = if report.passes() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let no_cache = (header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let (Some(name), true) = (kube_name, opts.verbose) {
        let text = report.kubernetes_text(name, excluded, unmatched, show);
        return (
            code,
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/plain; charset=utf-8"),
                ),
                no_cache,
            ],
            text,
        )
            .into_response();
    }
    let (body, content_type) = if opts.health_json {
        (report.health_json(show).to_string(), HEALTH_JSON)
    } else {
        let mut report = report;
        if !show {
            report.checks = report
                .checks
                .into_iter()
                .map(|c| Arc::new(Arc::unwrap_or_clone(c).withheld()))
                .collect();
        }
        // Serialized from the struct, so keys keep the documented order.
        match serde_json::to_string(&report) {
            Ok(text) => (text, "application/json"),
            Err(e) => {
                tracing::error!("cannot render the health report: {e}");
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
        }
    };
    // No redaction here: results were redacted when the runner published them.
    let text = body;
    (
        code,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            no_cache,
        ],
        text,
    )
        .into_response()
}

async fn probe(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    probe: Probe,
) -> Response {
    let opts = options(query.as_deref(), &headers);
    let mut checks: Vec<Arc<CheckResult>> = state
        .results
        .latest(&|level, _| probe.scope.includes(level));
    let mut excluded = Vec::new();
    let mut unmatched = Vec::new();
    for name in &opts.exclude {
        let before = checks.len();
        checks.retain(|c| &c.name != name);
        if checks.len() == before {
            unmatched.push(name.clone());
        } else {
            excluded.push(name.clone());
        }
    }
    // Liveness stays as it is while draining: restarting a process that is already
    // shutting down helps nobody.
    if state.lifecycle.draining() && probe.scope != Scope::Level(Level::Liveness) {
        let level = match probe.scope {
            Scope::Level(l) => l,
            Scope::All => Level::Readiness,
        };
        checks.insert(0, draining_result(level));
    }
    let report = Report::new(
        probe.scope,
        checks,
        state.lifecycle.started.elapsed().as_secs_f64(),
    );
    respond(
        &state,
        &headers,
        &opts,
        report,
        probe.kube_name,
        &excluded,
        &unmatched,
    )
}

async fn one(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    Path(name): Path<String>,
    kube_name: &'static str,
) -> Result<Response, ApiError> {
    let opts = options(query.as_deref(), &headers);
    let check = state
        .results
        .latest(&|_, n| n == name)
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::NoSuchCheck(name.clone()))?;
    let scope = if kube_name == "livez" {
        Scope::Level(Level::Liveness)
    } else {
        Scope::Level(Level::Readiness)
    };
    let mut checks = vec![check];
    if state.lifecycle.draining() && kube_name == "readyz" {
        checks.insert(0, draining_result(Level::Readiness));
    }
    let report = Report::new(
        scope,
        checks,
        state.lifecycle.started.elapsed().as_secs_f64(),
    );
    Ok(respond(
        &state,
        &headers,
        &opts,
        report,
        Some(kube_name),
        &[],
        &[],
    ))
}

async fn metrics(State(state): State<AppState>) -> Response {
    let mut text = state.metrics.borrow().clone();
    if let Some(fleet) = &state.fleet {
        text.push_str(&fleet.borrow());
    }
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static(crate::serve::METRICS_CONTENT_TYPE),
        )],
        text,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::runner::Fixed;
    use axum::body::Body;
    use axum::http::{Method, Request};
    use tower::ServiceExt;

    fn result(name: &str, level: Level, status: Status) -> CheckResult {
        let mut r = CheckResult::unknown(name, level, "component");
        r.status = status;
        r.message = Some(format!("{name} at db.internal is {}", status.as_str()));
        r.timestamp = Some(crate::health::timestamp_now());
        r
    }

    fn app(checks: Vec<CheckResult>, details: DetailsPolicy) -> Router {
        let (_tx, rx) = watch::channel("m 1\n".to_owned());
        router(AppState {
            results: Arc::new(Fixed(checks)),
            metrics: rx,
            fleet: None,
            details: Arc::new(details),
            lifecycle: Arc::new(Lifecycle::new()),
        })
    }

    fn sample() -> Vec<CheckResult> {
        vec![
            result("pid_file", Level::Liveness, Status::Healthy),
            result("redis_connection", Level::Readiness, Status::Degraded),
            result("database_schema", Level::Startup, Status::Unhealthy),
        ]
    }

    async fn call(
        app: &Router,
        method: Method,
        uri: &str,
        headers: &[(&str, &str)],
    ) -> (StatusCode, HeaderMap, String) {
        let mut req = Request::builder().method(method).uri(uri);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let resp = app
            .clone()
            .oneshot(req.body(Body::empty()).expect("request"))
            .await
            .expect("infallible");
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
            .await
            .expect("body");
        (
            status,
            headers,
            String::from_utf8_lossy(&bytes).into_owned(),
        )
    }

    #[tokio::test]
    async fn paths_map_levels_to_statuses() {
        let app = app(sample(), DetailsPolicy::Always);
        for (path, code) in [
            ("/health/live", 200),
            ("/livez", 200),
            ("/health/ready", 200),
            ("/readyz", 200),
            ("/health/startup", 503),
            ("/startupz", 503),
            ("/health", 503),
            ("/metrics", 200),
            ("/nope", 404),
        ] {
            let (status, _, _) = call(&app, Method::GET, path, &[]).await;
            assert_eq!(status.as_u16(), code, "{path}");
        }
        let (_, _, body) = call(&app, Method::GET, "/health/ready", &[]).await;
        let v: serde_json::Value = serde_json::from_str(&body).expect("json");
        assert_eq!(v["overall_status"], "degraded");
        assert_eq!(v["level"], "readiness");
        assert_eq!(v["checks"][0]["name"], "redis_connection");
        for key in [
            "name",
            "status",
            "level",
            "message",
            "details",
            "timestamp",
            "duration_seconds",
            "recovery_action",
        ] {
            assert!(v["checks"][0].get(key).is_some(), "missing {key}: {body}");
        }
        assert!(v["uptime_seconds"].is_number());
    }

    #[tokio::test]
    async fn head_is_answered_and_other_methods_get_405() {
        let app = app(sample(), DetailsPolicy::Always);
        let (status, _, body) = call(&app, Method::HEAD, "/livez", &[]).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.is_empty());
        let (status, headers, _) = call(&app, Method::POST, "/livez", &[]).await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
        assert!(headers.get(header::ALLOW).is_some());
    }

    #[tokio::test]
    async fn verbose_exclude_and_single_check() {
        let app = app(sample(), DetailsPolicy::Always);
        let (status, _, body) = call(
            &app,
            Method::GET,
            "/startupz?verbose&exclude=database_schema&exclude=x",
            &[],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(
            body,
            "[+]database_schema excluded: ok\nwarn: some health checks cannot be excluded: no matches for \"x\"\nstartupz check passed\n"
        );
        let (status, _, body) =
            call(&app, Method::GET, "/readyz/redis_connection?verbose", &[]).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.starts_with("[+]redis_connection degraded: "), "{body}");
        let (status, _, _) = call(&app, Method::GET, "/readyz/database_schema", &[]).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        let (status, _, _) = call(&app, Method::GET, "/readyz/none", &[]).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }

    #[tokio::test]
    async fn health_json_on_accept_or_query() {
        let app = app(sample(), DetailsPolicy::Always);
        let (_, headers, body) =
            call(&app, Method::GET, "/health", &[("accept", HEALTH_JSON)]).await;
        assert_eq!(headers[header::CONTENT_TYPE], HEALTH_JSON);
        let v: serde_json::Value = serde_json::from_str(&body).expect("json");
        assert_eq!(v["status"], "fail");
        assert!(v["checks"]["pid_file:status"].is_array());
        let (_, headers, _) = call(&app, Method::GET, "/health?format=health%2Bjson", &[]).await;
        assert_eq!(headers[header::CONTENT_TYPE], HEALTH_JSON);
    }

    #[tokio::test]
    async fn draining_fails_readiness_at_once_but_not_liveness() {
        let (_tx, rx) = watch::channel(String::new());
        let lifecycle = Arc::new(Lifecycle::new());
        let app = router(AppState {
            results: Arc::new(Fixed(sample())),
            metrics: rx,
            fleet: None,
            details: Arc::new(DetailsPolicy::Always),
            lifecycle: lifecycle.clone(),
        });
        assert_eq!(
            call(&app, Method::GET, "/readyz", &[]).await.0,
            StatusCode::OK
        );
        lifecycle.start_draining();
        let (status, _, body) = call(&app, Method::GET, "/readyz?verbose", &[]).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(body.starts_with("[-]shutdown failed: draining"), "{body}");
        assert_eq!(
            call(&app, Method::GET, "/health/ready", &[]).await.0,
            StatusCode::SERVICE_UNAVAILABLE
        );
        assert_eq!(
            call(&app, Method::GET, "/livez", &[]).await.0,
            StatusCode::OK
        );
    }

    #[tokio::test]
    async fn unknown_is_503_and_details_can_be_withheld() {
        let unknown = vec![CheckResult::unknown(
            "pid_file",
            Level::Liveness,
            "component",
        )];
        let (status, _, _) = call(
            &app(unknown, DetailsPolicy::Always),
            Method::GET,
            "/livez",
            &[],
        )
        .await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);

        let hidden = app(sample(), DetailsPolicy::Token("s3cret-token".into()));
        let (_, _, body) = call(&hidden, Method::GET, "/health", &[]).await;
        assert!(!body.contains("db.internal"), "{body}");
        let (_, _, body) = call(
            &hidden,
            Method::GET,
            "/health",
            &[("authorization", "Bearer s3cret-token")],
        )
        .await;
        assert!(body.contains("db.internal"), "{body}");
        let (_, _, body) = call(
            &app(sample(), DetailsPolicy::Never),
            Method::GET,
            "/startupz?verbose",
            &[],
        )
        .await;
        assert!(
            body.contains("[-]database_schema failed: reason withheld"),
            "{body}"
        );
    }
}
