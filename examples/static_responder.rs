//! The benchmark anchor for `ccmon health serve`: a static `200 ok` responder built from the
//! same HTTP stack (axum routing on ccmon's own hyper accept loop, same runtime), so
//! `scripts/bench-health.sh` can print ccmon's probe throughput as a ratio of what this
//! machine and stack can do at all. Usage: `static_responder 127.0.0.1:PORT`.

use std::time::Duration;

use axum::Router;
use axum::routing::get;
use ccmon::health::server::{ServeOptions, bind, serve};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8081".to_owned());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = bind(&addr).await?;
        let app = Router::new().fallback(get(|| async { "ok" }));
        let options = ServeOptions {
            max_connections: 1024,
            header_read_timeout: Duration::from_secs(5),
            drain_timeout: Duration::from_secs(1),
        };
        serve(listener, app, options, std::future::pending()).await;
        Ok::<_, Box<dyn std::error::Error>>(())
    })
}
