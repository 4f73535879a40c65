//! Prometheus HTTP API v1: instant and range queries and scrape targets, with the context's
//! headers and auth, so it works unchanged against Prometheus-compatible servers (Thanos,
//! Mimir, Cortex, VictoriaMetrics). The terminal chart of `query range` is in [`chart`].

pub mod chart;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use jiff::Timestamp;
use reqwest::Method;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::http_client::{self, HttpError};
use crate::redact::redact;

/// A Prometheus request that failed.
#[derive(Debug, thiserror::Error)]
pub enum PromError {
    /// The HTTP exchange failed or the server answered with an error status.
    #[error("{0}")]
    Http(#[source] HttpError),
    /// A 2xx answer whose envelope says `"status": "error"`.
    #[error("{url}: {error_type}: {message}")]
    Api {
        /// The URL (redacted).
        url: String,
        /// Prometheus' `errorType`.
        error_type: String,
        /// Prometheus' `error`.
        message: String,
    },
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Envelope<T> {
    status: String,
    #[serde(default = "Option::default")]
    data: Option<T>,
    #[serde(default)]
    error_type: String,
    #[serde(default)]
    error: String,
    #[serde(default)]
    warnings: Vec<String>,
}

/// `[unix seconds, "value"]`, as every Prometheus sample is encoded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SamplePair(pub f64, pub String);

impl SamplePair {
    /// The value as a number (`NaN` for text that is not one, e.g. a string result).
    pub fn value(&self) -> f64 {
        match self.1.as_str() {
            "+Inf" | "Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            s => s.parse().unwrap_or(f64::NAN),
        }
    }

    /// The timestamp.
    pub fn time(&self) -> Option<Timestamp> {
        Timestamp::from_millisecond((self.0 * 1000.0).round() as i64).ok()
    }
}

/// One series of an instant vector.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Sample {
    /// Labels, including `__name__` when the series kept its name.
    pub metric: BTreeMap<String, String>,
    /// The sample (absent for native histograms, which ccmon does not draw).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<SamplePair>,
    /// Other fields (`histogram`), passed through.
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// One series of a range result.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Series {
    /// Labels.
    pub metric: BTreeMap<String, String>,
    /// Samples in time order.
    #[serde(default)]
    pub values: Vec<SamplePair>,
    /// Other fields (`histograms`), passed through.
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// The `data` of a query answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "resultType", content = "result", rename_all = "lowercase")]
pub enum QueryData {
    /// Instant vector.
    Vector(Vec<Sample>),
    /// Range vector.
    Matrix(Vec<Series>),
    /// A single number.
    Scalar(SamplePair),
    /// A string.
    String(SamplePair),
}

/// `{job="api", instance="h:9100"}`, with the metric name in front when there is one.
pub fn series_name(metric: &BTreeMap<String, String>) -> String {
    let mut out = metric.get("__name__").cloned().unwrap_or_default();
    let labels: Vec<String> = metric
        .iter()
        .filter(|(k, _)| k.as_str() != "__name__")
        .map(|(k, v)| format!("{k}={}", crate::alertmanager::matcher::quote(v)))
        .collect();
    if !labels.is_empty() || out.is_empty() {
        let _ = write!(out, "{{{}}}", labels.join(", "));
    }
    out
}

/// A scrape target (`/api/v1/targets`, active ones).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Target {
    /// Target labels after relabelling (`job`, `instance`, ...).
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// The scrape pool (job name).
    #[serde(default)]
    pub scrape_pool: String,
    /// URL scraped.
    #[serde(default)]
    pub scrape_url: String,
    /// Error of the last scrape, empty if it succeeded.
    #[serde(default)]
    pub last_error: String,
    /// Time of the last scrape (RFC 3339).
    #[serde(default)]
    pub last_scrape: String,
    /// Seconds the last scrape took.
    #[serde(default)]
    pub last_scrape_duration: f64,
    /// `up`, `down` or `unknown`.
    #[serde(default)]
    pub health: String,
    /// Other fields, passed through.
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct TargetsData {
    #[serde(default)]
    active_targets: Vec<Target>,
}

/// An answer and the warnings Prometheus attached to it.
#[derive(Debug, Clone)]
pub struct Answer<T> {
    /// The data.
    pub data: T,
    /// Warnings (e.g. partial results from a federated store).
    pub warnings: Vec<String>,
}

/// The client for one Prometheus-compatible server.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base: Url,
}

/// Unix seconds with millisecond precision, as the API takes times.
fn unix(t: Timestamp) -> String {
    format!("{:.3}", t.as_millisecond() as f64 / 1000.0)
}

impl Client {
    /// A client for `base` (e.g. `http://localhost:9090` or a path-prefixed proxy URL).
    pub fn new(http: reqwest::Client, base: Url) -> Client {
        Client { http, base }
    }

    async fn get<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        params: &[(&str, String)],
    ) -> Result<Answer<T>, PromError> {
        let mut url = http_client::endpoint(&self.base, path);
        if !params.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (k, v) in params {
                pairs.append_pair(k, v);
            }
        }
        let body = http_client::send(&self.http, Method::GET, url.clone(), None)
            .await
            .map_err(PromError::Http)?;
        let envelope: Envelope<T> = http_client::decode(&body, &url).map_err(PromError::Http)?;
        let shown = || redact(url.as_str()).into_owned();
        if envelope.status != "success" {
            return Err(PromError::Api {
                url: shown(),
                error_type: envelope.error_type,
                message: envelope.error,
            });
        }
        match envelope.data {
            Some(data) => Ok(Answer {
                data,
                warnings: envelope.warnings,
            }),
            None => Err(PromError::Api {
                url: shown(),
                error_type: "no data".into(),
                message: "the answer has no data".into(),
            }),
        }
    }

    /// `GET /api/v1/query`.
    pub async fn query(
        &self,
        expr: &str,
        time: Option<Timestamp>,
    ) -> Result<Answer<QueryData>, PromError> {
        let mut params = vec![("query", expr.to_owned())];
        if let Some(t) = time {
            params.push(("time", unix(t)));
        }
        self.get("/api/v1/query", &params).await
    }

    /// `GET /api/v1/query_range`.
    pub async fn query_range(
        &self,
        expr: &str,
        start: Timestamp,
        end: Timestamp,
        step: Duration,
    ) -> Result<Answer<QueryData>, PromError> {
        let params = [
            ("query", expr.to_owned()),
            ("start", unix(start)),
            ("end", unix(end)),
            ("step", format!("{:.3}", step.as_secs_f64())),
        ];
        self.get("/api/v1/query_range", &params).await
    }

    /// `GET /api/v1/targets?state=active`.
    pub async fn targets(&self) -> Result<Answer<Vec<Target>>, PromError> {
        let answer: Answer<TargetsData> = self
            .get("/api/v1/targets", &[("state", "active".to_owned())])
            .await?;
        Ok(Answer {
            data: answer.data.active_targets,
            warnings: answer.warnings,
        })
    }
}

/// One metadata entry of a metric family (`/api/v1/metadata`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Metadata {
    /// `counter`, `gauge`, `histogram`, `summary`, `unknown`, ...
    #[serde(rename = "type", default)]
    pub kind: String,
    /// The family's help text.
    #[serde(default)]
    pub help: String,
    /// Its unit, often empty.
    #[serde(default)]
    pub unit: String,
}

impl Client {
    /// `GET /api/v1/label/NAME/values`, restricted to the series `matches` selects (all
    /// series when empty) and to the time range when one is given.
    pub async fn label_values(
        &self,
        label: &str,
        matches: &[&str],
        range: Option<(Timestamp, Timestamp)>,
    ) -> Result<Answer<Vec<String>>, PromError> {
        let mut params: Vec<(&str, String)> = matches
            .iter()
            .map(|m| ("match[]", (*m).to_owned()))
            .collect();
        if let Some((start, end)) = range {
            params.push(("start", unix(start)));
            params.push(("end", unix(end)));
        }
        self.get(&format!("/api/v1/label/{label}/values"), &params)
            .await
    }

    /// `GET /api/v1/metadata`: family name to its metadata (one entry per distinct
    /// type/help the targets expose).
    pub async fn metadata(&self) -> Result<Answer<BTreeMap<String, Vec<Metadata>>>, PromError> {
        self.get("/api/v1/metadata", &[]).await
    }
}

/// Orders targets for people: unhealthy first (down, then unknown), then by job and
/// instance.
pub fn sort_targets(targets: &mut [Target]) {
    let rank = |t: &Target| match t.health.as_str() {
        "down" => 0,
        "unknown" => 1,
        "up" => 2,
        _ => 1,
    };
    targets.sort_by(|a, b| {
        rank(a)
            .cmp(&rank(b))
            .then_with(|| job(a).cmp(job(b)))
            .then_with(|| a.labels.get("instance").cmp(&b.labels.get("instance")))
    });
}

/// The job of a target: its `job` label, else its scrape pool.
pub fn job(t: &Target) -> &str {
    t.labels
        .get("job")
        .map_or(t.scrape_pool.as_str(), String::as_str)
}

/// The step that gives about `points` samples between `start` and `end`, in whole seconds
/// (at least one), so a chart has one sample per column.
pub fn auto_step(start: Timestamp, end: Timestamp, points: u32) -> Duration {
    let span = end.duration_since(start).as_secs_f64().max(0.0);
    let step = (span / f64::from(points.max(1))).ceil();
    Duration::from_secs((step as u64).max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_every_result_type() {
        let v: Envelope<QueryData> = serde_json::from_str(
            r#"{"status":"success","data":{"resultType":"vector","result":[
                {"metric":{"__name__":"up","job":"api"},"value":[1767168000.5,"1"]}]}}"#,
        )
        .unwrap();
        let Some(QueryData::Vector(samples)) = v.data else {
            panic!("not a vector")
        };
        assert_eq!(series_name(&samples[0].metric), "up{job=\"api\"}");
        assert_eq!(samples[0].value.as_ref().unwrap().value(), 1.0);
        let m: Envelope<QueryData> = serde_json::from_str(
            r#"{"status":"success","data":{"resultType":"matrix","result":[
                {"metric":{},"values":[[1,"NaN"],[2,"+Inf"]]}]}}"#,
        )
        .unwrap();
        let Some(QueryData::Matrix(series)) = m.data else {
            panic!("not a matrix")
        };
        assert!(series[0].values[0].value().is_nan());
        assert_eq!(series[0].values[1].value(), f64::INFINITY);
        assert_eq!(series_name(&series[0].metric), "{}");
        let s: Envelope<QueryData> = serde_json::from_str(
            r#"{"status":"success","data":{"resultType":"scalar","result":[1,"2.5"]}}"#,
        )
        .unwrap();
        assert!(matches!(s.data, Some(QueryData::Scalar(SamplePair(_, ref v))) if v == "2.5"));
    }

    #[test]
    fn targets_sort_unhealthy_first() {
        let t = |job: &str, inst: &str, health: &str| Target {
            labels: BTreeMap::from([
                ("job".to_owned(), job.to_owned()),
                ("instance".to_owned(), inst.to_owned()),
            ]),
            scrape_pool: job.into(),
            scrape_url: String::new(),
            last_error: String::new(),
            last_scrape: String::new(),
            last_scrape_duration: 0.0,
            health: health.into(),
            extra: BTreeMap::new(),
        };
        let mut ts = vec![
            t("a", "1", "up"),
            t("b", "2", "down"),
            t("a", "0", "unknown"),
        ];
        sort_targets(&mut ts);
        let order: Vec<&str> = ts.iter().map(|t| t.health.as_str()).collect();
        assert_eq!(order, ["down", "unknown", "up"]);
    }

    #[test]
    fn auto_step_fits_the_width() {
        let end: Timestamp = "2026-11-28T03:00:00Z".parse().unwrap();
        let start: Timestamp = "2026-11-28T02:00:00Z".parse().unwrap();
        assert_eq!(auto_step(start, end, 60), Duration::from_secs(60));
        assert_eq!(auto_step(start, start, 60), Duration::from_secs(1));
        assert_eq!(auto_step(start, end, 7), Duration::from_secs(515));
    }
}
