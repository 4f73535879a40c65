//! `tcp`: a TCP connection to `host:port` can be opened.

use std::time::Instant;

use super::{Check, Run, millis};
use crate::health::Finding;

/// The check.
#[derive(Debug)]
pub struct Tcp {
    /// `host:port`.
    pub address: String,
}

impl Check for Tcp {
    fn run(&self) -> Run<'_> {
        Box::pin(async move {
            let started = Instant::now();
            match tokio::net::TcpStream::connect(&self.address).await {
                Ok(_) => {
                    let ms = millis(started.elapsed());
                    Finding::healthy(format!("connected to {} in {ms} ms", self.address))
                        .detail("latency_ms", ms)
                        .observe("responseTime", ms, "ms")
                }
                Err(e) => Finding::unhealthy(format!("cannot connect to {}: {e}", self.address)),
            }
        })
    }
}
