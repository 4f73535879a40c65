//! The HTTP client shared by the Prometheus and Alertmanager APIs: one reqwest client built
//! from the effective settings (bearer token or basic auth, CA bundle, client certificate,
//! skip-verify, extra headers, per-request timeout), and one request function whose errors
//! always name the (redacted) URL, the HTTP status and the server's own message.

use std::time::Duration;

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};
use url::Url;

use crate::config::{ConfigError, Settings};
use crate::redact::redact;

/// How much of an error body is quoted: enough for any API message, bounded for HTML pages.
const MAX_ERROR_BODY: usize = 512;

/// The TCP connect timeout is capped so a dead peer of an HA pair costs seconds, not the
/// whole request timeout, before the next peer is tried.
const MAX_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The largest answer read from a server: far above what Prometheus or Alertmanager send
/// for a real question (a big server's metric names are tens of MiB), small enough that a
/// misbehaving or hostile endpoint cannot exhaust memory.
pub const MAX_BODY_BYTES: usize = 256 << 20;

/// A request that failed; each variant names the URL it was for.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// The client could not be configured (bad CA file, key, header).
    #[error("cannot set up the HTTP client: {what}")]
    Setup {
        /// What was being set up, naming the file at fault.
        what: String,
        /// The underlying error, if any.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    /// A secret file could not be read.
    #[error("cannot load the credentials for the HTTP client")]
    Secret(#[source] ConfigError),
    /// No connection could be made, or the server did not answer within the timeout.
    #[error("cannot reach {url}")]
    Unreachable {
        /// The URL tried (redacted).
        url: String,
        /// The transport error.
        #[source]
        source: reqwest::Error,
    },
    /// The request failed after connecting (reset connection, bad TLS, bad body).
    #[error("request to {url} failed")]
    Request {
        /// The URL (redacted).
        url: String,
        /// The transport error.
        #[source]
        source: reqwest::Error,
    },
    /// The server answered with an error status.
    #[error("{method} {url}: HTTP {status}: {message}")]
    Status {
        /// Request method.
        method: Method,
        /// The URL (redacted).
        url: String,
        /// The HTTP status.
        status: StatusCode,
        /// The server's message (from its JSON error body when it has one).
        message: String,
    },
    /// The server's answer was larger than [`MAX_BODY_BYTES`].
    #[error("the answer of {url} is larger than {} MiB; is this the right server?", MAX_BODY_BYTES >> 20)]
    TooLarge {
        /// The URL (redacted).
        url: String,
    },
    /// The server answered 2xx with a body that is not what the API documents.
    #[error("unexpected response from {url}")]
    Decode {
        /// The URL (redacted).
        url: String,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
}

impl HttpError {
    /// Whether the server could not be reached at all (as opposed to answering badly): the
    /// case in which an HA client tries the next peer.
    pub fn is_unreachable(&self) -> bool {
        matches!(self, HttpError::Unreachable { .. })
    }

    /// Whether the TLS handshake failed on the server's certificate.
    fn is_certificate_error(&self) -> bool {
        let source = match self {
            HttpError::Unreachable { source, .. } | HttpError::Request { source, .. } => source,
            _ => return false,
        };
        let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(source);
        while let Some(e) = cause {
            if e.to_string().contains("certificate") {
                return true;
            }
            cause = e.source();
        }
        false
    }

    /// The HTTP status, when the server answered with an error.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            HttpError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// What the user can do about it, when that is known.
    pub fn hint(&self) -> Option<String> {
        if self.is_certificate_error() {
            return Some(
                "the server's certificate is not trusted: set tls.ca_file in the context to the \
                 CA that signed it (or, for a lab, tls.insecure_skip_verify)"
                    .into(),
            );
        }
        // A server that wants a client certificate drops the connection right after the
        // handshake, which reaches us as a bare "connection error".
        if let HttpError::Request { url, .. } = self
            && url.starts_with("https://")
        {
            return Some(
                "the connection broke during or right after the TLS handshake; if the server \
                 requires client certificates (mutual TLS), set tls.cert_file and tls.key_file \
                 in the context (`ccmon context show`)"
                    .into(),
            );
        }
        if self.is_unreachable() {
            return Some(
                "check that the server is running and the URL is right (`ccmon context show`); \
                 --timeout sets how long to wait"
                    .into(),
            );
        }
        match self.status()? {
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => Some(
                "check the credentials: bearer_token_file / CCMON_BEARER_TOKEN_FILE or \
                 basic_auth of the context (`ccmon context show`)"
                    .into(),
            ),
            StatusCode::NOT_FOUND => {
                Some("check the base URL, including any path prefix (`ccmon context show`)".into())
            }
            _ => None,
        }
    }
}

/// Builds the client for Prometheus and Alertmanager from the effective settings.
pub fn build(settings: &Settings) -> Result<reqwest::Client, HttpError> {
    let setup = |what: String| {
        move |e: Box<dyn std::error::Error + Send + Sync>| HttpError::Setup {
            what,
            source: Some(e),
        }
    };
    let mut headers = HeaderMap::new();
    for (name, value) in &settings.headers.value {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|e| setup(format!("header {name:?}"))(Box::new(e)))?;
        let value = HeaderValue::from_str(value)
            .map_err(|e| setup(format!("value of header {name}"))(Box::new(e)))?;
        headers.insert(name, value);
    }
    if let Some(token) = &settings.bearer_token {
        let token = token.value.load().map_err(HttpError::Secret)?;
        let mut value =
            HeaderValue::from_str(&format!("Bearer {}", token.expose())).map_err(|e| {
                setup("the bearer token (not a valid header value)".into())(Box::new(e))
            })?;
        value.set_sensitive(true);
        headers.insert(AUTHORIZATION, value);
    } else if let Some(auth) = &settings.basic_auth {
        use base64::Engine as _;
        let password = match &auth.value.password {
            Some(p) => Some(p.load().map_err(HttpError::Secret)?),
            None => None,
        };
        let pair = format!(
            "{}:{}",
            auth.value.username,
            password.as_ref().map_or("", |p| p.expose())
        );
        let encoded = base64::engine::general_purpose::STANDARD.encode(pair);
        // The encoded form is what would leak into a debug log; mask it too.
        crate::redact::register_secret(&encoded);
        let mut value = HeaderValue::from_str(&format!("Basic {encoded}"))
            .map_err(|e| setup("basic auth (not a valid header value)".into())(Box::new(e)))?;
        value.set_sensitive(true);
        headers.insert(AUTHORIZATION, value);
    }

    let timeout = settings.timeout.value;
    let mut builder = reqwest::Client::builder()
        .user_agent(concat!("ccmon/", env!("CARGO_PKG_VERSION")))
        .default_headers(headers)
        .timeout(timeout)
        .connect_timeout(timeout.min(MAX_CONNECT_TIMEOUT));

    let tls = &settings.tls.value;
    if let Some(ca) = &tls.ca_file {
        let pem = std::fs::read(ca)
            .map_err(|e| setup(format!("cannot read CA file {}", ca.display()))(Box::new(e)))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
            setup(format!("CA file {} is not a PEM bundle", ca.display()))(Box::new(e))
        })?;
        builder = builder.tls_certs_merge(certs);
    }
    if let (Some(cert), Some(key)) = (&tls.cert_file, &tls.key_file) {
        let mut pem = std::fs::read(cert).map_err(|e| {
            setup(format!("cannot read client certificate {}", cert.display()))(Box::new(e))
        })?;
        pem.push(b'\n');
        pem.extend(std::fs::read(key).map_err(|e| {
            setup(format!("cannot read client key {}", key.display()))(Box::new(e))
        })?);
        let identity = reqwest::Identity::from_pem(&pem).map_err(|e| {
            setup(format!(
                "client certificate {} / key {} are not valid PEM",
                cert.display(),
                key.display()
            ))(Box::new(e))
        })?;
        builder = builder.identity(identity);
    }
    if tls.insecure_skip_verify {
        builder = builder.tls_danger_accept_invalid_certs(true);
    }
    builder.build().map_err(|e| HttpError::Setup {
        what: "TLS backend".into(),
        source: Some(Box::new(e)),
    })
}

/// `base` with `path` appended to its own path, so a path prefix (`https://host/am`)
/// survives: `Url::join` would drop it.
pub fn endpoint(base: &Url, path: &str) -> Url {
    let mut url = base.clone();
    let joined = format!("{}{}", base.path().trim_end_matches('/'), path);
    url.set_path(&joined);
    url.set_query(None);
    url
}

/// Sends one request and returns the body of a 2xx answer.
pub async fn send(
    client: &reqwest::Client,
    method: Method,
    url: Url,
    json_body: Option<Vec<u8>>,
) -> Result<Vec<u8>, HttpError> {
    let shown = redact(url.as_str()).into_owned();
    tracing::debug!("{method} {shown}");
    let mut request = client.request(method.clone(), url);
    if let Some(body) = json_body {
        request = request
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body);
    }
    let transport = |source: reqwest::Error, url: &str| {
        if source.is_connect() || source.is_timeout() {
            HttpError::Unreachable {
                url: url.to_owned(),
                source,
            }
        } else {
            HttpError::Request {
                url: url.to_owned(),
                source,
            }
        }
    };
    let response = request.send().await.map_err(|e| transport(e, &shown))?;
    let status = response.status();
    let mut response = response;
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| transport(e, &shown))? {
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(HttpError::TooLarge { url: shown });
        }
        body.extend_from_slice(&chunk);
    }
    if status.is_success() {
        return Ok(body);
    }
    Err(HttpError::Status {
        method,
        url: shown,
        status,
        message: server_message(&body),
    })
}

/// Decodes a JSON body, naming the URL when it does not fit.
pub fn decode<T: serde::de::DeserializeOwned>(body: &[u8], url: &Url) -> Result<T, HttpError> {
    serde_json::from_slice(body).map_err(|source| HttpError::Decode {
        url: redact(url.as_str()).into_owned(),
        source,
    })
}

/// The human part of an error body: Prometheus' `error`, Alertmanager's `message` or its
/// bare JSON string, or else the text itself, on one bounded line.
fn server_message(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let from_json = match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(serde_json::Value::String(s)) => Some(s),
        Ok(serde_json::Value::Object(map)) => ["error", "message"]
            .iter()
            .find_map(|k| map.get(*k).and_then(|v| v.as_str()).map(str::to_owned)),
        _ => None,
    };
    let message = from_json.unwrap_or_else(|| text.into_owned());
    let mut line: String = message
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    if line.is_empty() {
        return "(empty body)".into();
    }
    if line.len() > MAX_ERROR_BODY {
        let mut cut = MAX_ERROR_BODY;
        while !line.is_char_boundary(cut) {
            cut -= 1;
        }
        line.truncate(cut);
        line.push('…');
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_keeps_a_path_prefix() {
        let base: Url = "https://h.example/am/".parse().unwrap();
        assert_eq!(
            endpoint(&base, "/api/v2/status").as_str(),
            "https://h.example/am/api/v2/status"
        );
        let base: Url = "http://h:9093".parse().unwrap();
        assert_eq!(
            endpoint(&base, "/api/v2/alerts").as_str(),
            "http://h:9093/api/v2/alerts"
        );
    }

    #[test]
    fn server_messages_come_from_json_or_text() {
        assert_eq!(
            server_message(br#"{"status":"error","errorType":"bad_data","error":"parse error"}"#),
            "parse error"
        );
        assert_eq!(
            server_message(br#"{"code":400,"message":"bad matcher"}"#),
            "bad matcher"
        );
        assert_eq!(
            server_message(b"\"silence not found\"\n"),
            "silence not found"
        );
        assert_eq!(
            server_message(b"404 page\nnot found\n"),
            "404 page not found"
        );
        assert_eq!(server_message(b""), "(empty body)");
        let long = "x".repeat(2000);
        assert!(server_message(long.as_bytes()).chars().count() <= MAX_ERROR_BODY + 1);
    }
}
