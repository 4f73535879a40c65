//! `http`: a GET answers with the expected status (any 2xx or 3xx by default), optionally
//! within a latency budget. Redirects are not followed: a probe judges the answer it gets.

use std::time::{Duration, Instant};

use super::{Check, Run, millis};
use crate::health::{Finding, Status};

/// The check.
#[derive(Debug)]
pub struct Http {
    url: url::Url,
    expect_status: Option<u16>,
    degraded_latency: Option<Duration>,
    client: Option<reqwest::Client>,
}

impl Http {
    /// A check of `url`.
    pub fn new(
        url: url::Url,
        expect_status: Option<u16>,
        degraded_latency: Option<Duration>,
    ) -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .ok();
        Http {
            url,
            expect_status,
            degraded_latency,
            client,
        }
    }
}

impl Check for Http {
    fn run(&self) -> Run<'_> {
        Box::pin(async move {
            let Some(client) = &self.client else {
                return Finding::unhealthy("cannot build an HTTP client");
            };
            let started = Instant::now();
            let response = match client.get(self.url.clone()).send().await {
                Ok(r) => r,
                Err(e) => {
                    return Finding::unhealthy(format!("GET {} failed: {e}", self.url));
                }
            };
            let elapsed = started.elapsed();
            let ms = millis(elapsed);
            let code = response.status().as_u16();
            let ok = match self.expect_status {
                Some(expected) => code == expected,
                None => (200..400).contains(&code),
            };
            let status = if !ok {
                Status::Unhealthy
            } else if self.degraded_latency.is_some_and(|d| elapsed > d) {
                Status::Degraded
            } else {
                Status::Healthy
            };
            Finding::new(
                status,
                format!("GET {} answered {code} in {ms} ms", self.url),
            )
            .detail("status_code", code)
            .detail("latency_ms", ms)
            .observe("responseTime", ms, "ms")
        })
    }
}
