//! The fleet's view on `/metrics`: what the stream watchers wrote to Redis, read through
//! the stream's own reader ([`crate::stream::fleet::fleet_metrics`], so the layout is known
//! in one place) by a poller on its own interval and timeout, and rendered to text that the
//! server appends to its own metrics. A slow or dead Redis yields `stream_fleet_up 0` and
//! never delays a scrape. The watchers' spool backlog is not in the Redis layout, so it is
//! not reported here.

use std::time::Duration;

use tokio::sync::watch;

use crate::metrics::{Kind, Registry};
use crate::stream::fleet::fleet_metrics;
use crate::stream::redis::{RedisConfig, RedisSink};

/// The text when Redis could not be read.
fn down() -> String {
    let mut r = Registry::default();
    describe_up(&mut r);
    r.set("stream_fleet_up", &[], 0.0);
    r.render()
}

fn describe_up(r: &mut Registry) {
    r.describe(
        "stream_fleet_up",
        Kind::Gauge,
        "1 when the last read of the fleet from Redis worked.",
    );
}

/// Polls the fleet every `interval` (each read bounded by `timeout`) and publishes the text.
pub async fn poll(
    url: url::Url,
    interval: Duration,
    timeout: Duration,
    out: watch::Sender<String>,
) {
    let mut cfg = RedisConfig::new(url);
    cfg.timeout = timeout;
    let mut sink = match RedisSink::new(cfg) {
        Ok(sink) => sink,
        Err(e) => {
            tracing::warn!("cannot read the fleet: {e}");
            out.send_replace(down());
            return;
        }
    };
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let mut r = Registry::default();
        describe_up(&mut r);
        let read = fleet_metrics(&mut sink, &mut r, crate::clock::now());
        // Each round trip has the timeout; the whole read gets a few more.
        let text = match tokio::time::timeout(timeout * 4, read).await {
            Ok(Ok(())) => {
                r.set("stream_fleet_up", &[], 1.0);
                r.render()
            }
            Ok(Err(e)) => {
                tracing::warn!("cannot read the fleet: {e}");
                down()
            }
            Err(_) => {
                tracing::warn!("reading the fleet from Redis timed out");
                down()
            }
        };
        out.send_replace(text);
    }
}
