//! `--metrics-from URL|FILE`: an application's own metric families, read from its
//! `/metrics` or from a saved copy of it, for the catalogue.

use std::time::Duration;

use super::catalog::Entry;
use super::exposition;
use crate::redact::redact;

/// A `/metrics` page larger than this is refused: no real exporter comes close, and the
/// whole page is held in memory.
pub const MAX_BYTES: usize = 64 << 20;
/// How long one fetch may take, connection included.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// Why a `--metrics-from` source could not be read.
#[derive(Debug, thiserror::Error)]
pub enum MetricsFromError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The URL could not be fetched.
    #[error("cannot fetch {url}: {message}")]
    Fetch {
        /// The URL (redacted).
        url: String,
        /// What went wrong (status, connection error, timeout).
        message: String,
    },
    /// More than [`MAX_BYTES`].
    #[error("{what} is larger than {} MiB; is it really a /metrics page?", MAX_BYTES >> 20)]
    TooLarge {
        /// The file or URL.
        what: String,
    },
}

/// Whether `spec` names a URL rather than a file.
pub fn is_url(spec: &str) -> bool {
    spec.starts_with("http://") || spec.starts_with("https://")
}

/// The families `spec` (a URL or a file path) exposes; the catalogue source of each entry
/// is the redacted URL or the path.
pub fn load(spec: &str) -> Result<Vec<Entry>, MetricsFromError> {
    let (text, source) = if is_url(spec) {
        (fetch(spec)?, redact(spec).into_owned())
    } else {
        let bytes = std::fs::read(spec).map_err(|source| MetricsFromError::Read {
            path: spec.to_owned(),
            source,
        })?;
        if bytes.len() > MAX_BYTES {
            return Err(MetricsFromError::TooLarge {
                what: spec.to_owned(),
            });
        }
        (
            String::from_utf8_lossy(&bytes).into_owned(),
            spec.to_owned(),
        )
    };
    Ok(exposition::families(&text, &source))
}

fn fetch(url: &str) -> Result<String, MetricsFromError> {
    let shown = redact(url).into_owned();
    let fail = |message: String| MetricsFromError::Fetch {
        url: shown.clone(),
        message,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| fail(format!("cannot start the HTTP runtime: {e}")))?;
    runtime.block_on(async {
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .build()
            .map_err(|e| fail(e.to_string()))?;
        let mut response = client
            .get(url)
            // The text format: OpenMetrics would work too, but every exporter speaks this.
            .header(
                reqwest::header::ACCEPT,
                "text/plain;version=0.0.4;q=1,*/*;q=0.1",
            )
            .send()
            .await
            .map_err(|e| fail(without_url(e)))?;
        let status = response.status();
        if !status.is_success() {
            return Err(fail(format!("HTTP {status}")));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| fail(without_url(e)))? {
            if body.len() + chunk.len() > MAX_BYTES {
                return Err(MetricsFromError::TooLarge {
                    what: shown.clone(),
                });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(String::from_utf8_lossy(&body).into_owned())
    })
}

/// reqwest's message without the URL it appends (ours, redacted, is in the headline).
fn without_url(err: reqwest::Error) -> String {
    let err = err.without_url();
    let mut message = err.to_string();
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}
