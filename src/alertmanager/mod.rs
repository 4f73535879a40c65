//! Alertmanager API v2: the client (one or several peers of an HA cluster), the API's
//! objects, matchers, and the silence logic behind `ccmon alerts`. Reads go to the first
//! peer that answers; writes go to one peer that reports healthy, because silences
//! replicate through the cluster's gossip and writing twice would create duplicates.

pub mod import;
pub mod matcher;
pub mod mute;
pub mod route;
pub mod silence;
pub mod status;

use std::collections::BTreeMap;

use reqwest::Method;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::http_client::{self, HttpError};
use crate::redact::redact;
use matcher::{ApiMatcher, Matcher};

/// An Alertmanager request that failed.
#[derive(Debug, thiserror::Error)]
pub enum AmError {
    /// The one peer tried failed.
    #[error("{0}")]
    Http(#[source] HttpError),
    /// Every peer of the cluster was tried and none answered.
    #[error("no Alertmanager answered (tried {tried})")]
    NoPeer {
        /// The base URLs tried, redacted, comma-separated.
        tried: String,
        /// Why the last one failed.
        #[source]
        last: HttpError,
    },
    /// A silence ID that is not a UUID-like token (it would be put into a URL path).
    #[error("invalid silence ID {0:?}: expected a UUID such as 5f0e2c1a-…")]
    BadId(String),
}

impl AmError {
    /// The HTTP status the server answered with, if it answered.
    pub fn status(&self) -> Option<reqwest::StatusCode> {
        match self {
            AmError::Http(e) => e.status(),
            _ => None,
        }
    }

    /// A hint for the user, when ccmon knows one.
    pub fn hint(&self) -> Option<String> {
        match self {
            AmError::Http(e) => e.hint(),
            AmError::NoPeer { .. } => Some(
                "check --alertmanager-url / CCMON_ALERTMANAGER_URL (`ccmon context show`)".into(),
            ),
            AmError::BadId(_) => None,
        }
    }
}

/// A silence as the API returns it (`gettableSilence`). Unknown fields are kept, so that
/// `silence ls -o json` prints what the server sent, as amtool does.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Silence {
    /// UUID.
    pub id: String,
    /// `active`, `pending` or `expired`.
    pub status: SilenceStatus,
    /// Last change.
    #[serde(default)]
    pub updated_at: String,
    /// The matchers (all must match).
    pub matchers: Vec<ApiMatcher>,
    /// Start (RFC 3339).
    pub starts_at: String,
    /// End (RFC 3339).
    pub ends_at: String,
    /// Author.
    #[serde(default)]
    pub created_by: String,
    /// Why.
    #[serde(default)]
    pub comment: String,
    /// The context it was read from, set by ccmon when merging several (not an API field).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// Fields of newer servers (e.g. `annotations`), passed through.
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// The state of a silence.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SilenceStatus {
    /// `active`, `pending` or `expired`.
    pub state: String,
}

impl Silence {
    /// The matchers in `{a="b", c=~"d"}` form.
    pub fn matchers_text(&self) -> String {
        let parts: Vec<String> = self
            .matchers
            .iter()
            .map(|m| match Matcher::from_api(m) {
                Ok(m) => m.to_string(),
                // A regex this build's engine rejects: show it as the server has it.
                Err(_) => format!(
                    "{}{}{}",
                    m.name,
                    matcher::Op::from_flags(m.is_regex, m.is_equal).as_str(),
                    matcher::quote(&m.value)
                ),
            })
            .collect();
        parts.join(" ")
    }
}

/// A silence to create or update (`postableSilence`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PostableSilence {
    /// Present to update an existing silence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The matchers.
    pub matchers: Vec<ApiMatcher>,
    /// Start (RFC 3339).
    pub starts_at: String,
    /// End (RFC 3339).
    pub ends_at: String,
    /// Author.
    pub created_by: String,
    /// Why.
    pub comment: String,
}

impl From<&Silence> for PostableSilence {
    fn from(s: &Silence) -> Self {
        PostableSilence {
            id: Some(s.id.clone()),
            matchers: s.matchers.clone(),
            starts_at: s.starts_at.clone(),
            ends_at: s.ends_at.clone(),
            created_by: s.created_by.clone(),
            comment: s.comment.clone(),
        }
    }
}

/// An alert as the API returns it (`gettableAlert`), unknown fields kept.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Alert {
    /// Labels, including `alertname`.
    pub labels: BTreeMap<String, String>,
    /// Annotations (`summary`, `description`, ...).
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    /// Identity of the label set.
    #[serde(default)]
    pub fingerprint: String,
    /// When it started firing.
    #[serde(default)]
    pub starts_at: String,
    /// When it resolves unless renewed.
    #[serde(default)]
    pub ends_at: String,
    /// Last update.
    #[serde(default)]
    pub updated_at: String,
    /// Link to the expression in Prometheus.
    #[serde(default, rename = "generatorURL")]
    pub generator_url: String,
    /// Receivers it is routed to.
    #[serde(default)]
    pub receivers: Vec<Receiver>,
    /// State and what silences or inhibits it.
    pub status: AlertStatus,
    /// The context it was read from, set by ccmon when merging several (not an API field).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// Fields of newer servers, passed through.
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// A receiver reference.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Receiver {
    /// Receiver name.
    pub name: String,
}

/// Alert state.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertStatus {
    /// `unprocessed`, `active` or `suppressed`.
    pub state: String,
    /// IDs of the silences that mute it.
    #[serde(default)]
    pub silenced_by: Vec<String>,
    /// Fingerprints of the alerts that inhibit it.
    #[serde(default)]
    pub inhibited_by: Vec<String>,
    /// Fields of newer servers (`mutedBy`), passed through.
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

impl Alert {
    /// What an operator calls the state: `active`, `silenced`, `inhibited` or `unprocessed`.
    pub fn state(&self) -> &str {
        if !self.status.silenced_by.is_empty() {
            "silenced"
        } else if !self.status.inhibited_by.is_empty() {
            "inhibited"
        } else {
            &self.status.state
        }
    }
}

/// A group of alerts as Alertmanager routes them (`/alerts/groups`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertGroup {
    /// The group's `group_by` labels.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// The receiver of the route.
    pub receiver: Receiver,
    /// The alerts.
    #[serde(default)]
    pub alerts: Vec<Alert>,
}

/// `/api/v2/status`, with the parts ccmon shows typed and the rest kept.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    /// Cluster state.
    pub cluster: ClusterStatus,
    /// Build information.
    #[serde(default)]
    pub version_info: BTreeMap<String, String>,
    /// The loaded configuration.
    #[serde(default)]
    pub config: ConfigText,
    /// Start time of the process (RFC 3339).
    #[serde(default)]
    pub uptime: String,
    /// Anything else.
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// Cluster membership.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClusterStatus {
    /// The member's own name.
    #[serde(default)]
    pub name: Option<String>,
    /// `ready`, `settling` or `disabled`.
    pub status: String,
    /// Peers, including itself.
    #[serde(default)]
    pub peers: Vec<Peer>,
}

/// A cluster peer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Peer {
    /// Peer name.
    pub name: String,
    /// Gossip address.
    pub address: String,
}

/// The original config text.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ConfigText {
    /// YAML as loaded.
    #[serde(default)]
    pub original: String,
}

/// Which alerts `alerts ls` asks for (the API's state parameters, as amtool sets them).
#[derive(Debug, Clone, Default)]
pub struct AlertQuery {
    /// Alerts that are neither silenced nor inhibited.
    pub active: bool,
    /// Silenced alerts.
    pub silenced: bool,
    /// Inhibited alerts.
    pub inhibited: bool,
    /// Not yet processed.
    pub unprocessed: bool,
    /// Label matchers.
    pub filter: Vec<Matcher>,
    /// Receiver regex.
    pub receiver: Option<String>,
}

impl AlertQuery {
    /// Every alert, whatever its state: what a silence may mute.
    pub fn all() -> AlertQuery {
        AlertQuery {
            active: true,
            silenced: true,
            inhibited: true,
            unprocessed: true,
            ..AlertQuery::default()
        }
    }
}

/// The client: one HTTP client and the peers of the cluster in the order given.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    peers: Vec<Url>,
}

/// One peer chosen for a sequence of requests (all writes of a command go to it).
#[derive(Debug, Clone)]
pub struct PeerClient {
    http: reqwest::Client,
    base: Url,
}

/// Silence IDs are UUIDs; anything else would be put into a URL path unchecked.
fn check_id(id: &str) -> Result<(), AmError> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(AmError::BadId(id.to_owned()))
    }
}

impl Client {
    /// A client for `peers` (at least one).
    pub fn new(http: reqwest::Client, peers: Vec<Url>) -> Client {
        Client { http, peers }
    }

    /// The base URLs.
    pub fn peers(&self) -> &[Url] {
        &self.peers
    }

    fn tried(&self) -> String {
        self.peers
            .iter()
            .map(|u| redact(u.as_str()).into_owned())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Runs `f` on each peer in turn until one answers (any HTTP answer counts, including an
    /// error status: the server is up and has spoken).
    async fn first_answer<T, F, Fut>(&self, f: F) -> Result<T, AmError>
    where
        F: Fn(PeerClient) -> Fut,
        Fut: std::future::Future<Output = Result<T, HttpError>>,
    {
        let mut last = None;
        for base in &self.peers {
            let peer = PeerClient {
                http: self.http.clone(),
                base: base.clone(),
            };
            match f(peer).await {
                Ok(v) => {
                    tracing::debug!("read from Alertmanager {}", redact(base.as_str()));
                    return Ok(v);
                }
                Err(e) if e.is_unreachable() => {
                    tracing::debug!("{}: {e}", redact(base.as_str()));
                    last = Some(e);
                }
                Err(e) => return Err(AmError::Http(e)),
            }
        }
        Err(self.exhausted(last))
    }

    /// The first peer that reports healthy, for writes. The probe is `/api/v2/status`
    /// rather than `/-/healthy` because multi-tenant servers (Mimir, Cortex) serve the v2
    /// API under the base URL but not the process endpoints.
    /// A peer answering 5xx is skipped like an unreachable one (it is up but not well);
    /// a 4xx is returned at once, since wrong credentials are wrong on every peer.
    pub async fn writer(&self) -> Result<PeerClient, AmError> {
        let mut last = None;
        for base in &self.peers {
            let peer = PeerClient {
                http: self.http.clone(),
                base: base.clone(),
            };
            let url = http_client::endpoint(base, "/api/v2/status");
            match http_client::send(&self.http, Method::GET, url, None).await {
                Ok(_) => {
                    tracing::debug!("writing to Alertmanager {}", redact(base.as_str()));
                    return Ok(peer);
                }
                Err(e) if e.is_unreachable() || e.status().is_some_and(|s| s.is_server_error()) => {
                    tracing::debug!("{}: {e}", redact(base.as_str()));
                    last = Some(e);
                }
                Err(e) => return Err(AmError::Http(e)),
            }
        }
        Err(self.exhausted(last))
    }

    /// The error once every peer failed: the peer's own error when there is one peer, else
    /// the list tried and the last error.
    fn exhausted(&self, last: Option<HttpError>) -> AmError {
        match last {
            Some(e) if self.peers.len() == 1 => AmError::Http(e),
            Some(last) => AmError::NoPeer {
                tried: self.tried(),
                last,
            },
            // No peers at all; config guarantees at least one, but do not panic.
            None => AmError::Http(HttpError::Setup {
                what: "no Alertmanager URL configured".into(),
                source: None,
            }),
        }
    }

    /// `GET /api/v2/alerts`.
    pub async fn alerts(&self, query: &AlertQuery) -> Result<Vec<Alert>, AmError> {
        self.first_answer(
            |p| async move { p.get(&alert_url(&p.base, "/api/v2/alerts", query)).await },
        )
        .await
    }

    /// `GET /api/v2/alerts/groups`.
    pub async fn alert_groups(&self, query: &AlertQuery) -> Result<Vec<AlertGroup>, AmError> {
        self.first_answer(|p| async move {
            p.get(&alert_url(&p.base, "/api/v2/alerts/groups", query))
                .await
        })
        .await
    }

    /// `GET /api/v2/silences` with server-side matcher filters (a silence is returned when
    /// it has each filter matcher literally).
    pub async fn silences(&self, filter: &[Matcher]) -> Result<Vec<Silence>, AmError> {
        self.first_answer(|p| async move { p.silences(filter).await })
            .await
    }

    /// `GET /api/v2/status`.
    pub async fn status(&self) -> Result<Status, AmError> {
        self.first_answer(|p| async move {
            p.get(&http_client::endpoint(&p.base, "/api/v2/status"))
                .await
        })
        .await
    }
}

fn alert_url(base: &Url, path: &str, q: &AlertQuery) -> Url {
    let mut url = http_client::endpoint(base, path);
    {
        let mut pairs = url.query_pairs_mut();
        pairs
            .append_pair("active", bool_str(q.active))
            .append_pair("silenced", bool_str(q.silenced))
            .append_pair("inhibited", bool_str(q.inhibited))
            .append_pair("unprocessed", bool_str(q.unprocessed));
        for m in &q.filter {
            pairs.append_pair("filter", &m.to_string());
        }
        if let Some(r) = &q.receiver {
            pairs.append_pair("receiver", r);
        }
    }
    url
}

fn bool_str(b: bool) -> &'static str {
    if b { "true" } else { "false" }
}

impl PeerClient {
    /// This peer's base URL.
    pub fn base(&self) -> &Url {
        &self.base
    }

    async fn get<T: serde::de::DeserializeOwned>(&self, url: &Url) -> Result<T, HttpError> {
        let body = http_client::send(&self.http, Method::GET, url.clone(), None).await?;
        http_client::decode(&body, url)
    }

    /// `GET /api/v2/silences` on this peer.
    pub async fn silences(&self, filter: &[Matcher]) -> Result<Vec<Silence>, HttpError> {
        let mut url = http_client::endpoint(&self.base, "/api/v2/silences");
        if !filter.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for m in filter {
                pairs.append_pair("filter", &m.to_string());
            }
        }
        self.get(&url).await
    }

    /// `GET /api/v2/alerts` on this peer.
    pub async fn alerts(&self, query: &AlertQuery) -> Result<Vec<Alert>, HttpError> {
        self.get(&alert_url(&self.base, "/api/v2/alerts", query))
            .await
    }

    /// `GET /api/v2/silence/{id}`.
    pub async fn silence(&self, id: &str) -> Result<Silence, AmError> {
        check_id(id)?;
        let url = self.silence_url(id);
        self.get(&url).await.map_err(AmError::Http)
    }

    fn silence_url(&self, id: &str) -> Url {
        let mut url = http_client::endpoint(&self.base, "/api/v2/silence");
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.push(id);
        }
        url
    }

    /// `POST /api/v2/silences`: creates (no ID) or updates a silence; returns the ID the
    /// server chose, which differs from the one sent when the update had to replace it.
    pub async fn post_silence(&self, silence: &PostableSilence) -> Result<String, AmError> {
        if let Some(id) = &silence.id {
            check_id(id)?;
        }
        #[derive(Deserialize)]
        struct Created {
            #[serde(rename = "silenceID")]
            silence_id: String,
        }
        let url = http_client::endpoint(&self.base, "/api/v2/silences");
        let body = serde_json::to_vec(silence).map_err(|source| {
            AmError::Http(HttpError::Decode {
                url: redact(url.as_str()).into_owned(),
                source,
            })
        })?;
        let answer = http_client::send(&self.http, Method::POST, url.clone(), Some(body))
            .await
            .map_err(AmError::Http)?;
        let created: Created = http_client::decode(&answer, &url).map_err(AmError::Http)?;
        Ok(created.silence_id)
    }

    /// `DELETE /api/v2/silence/{id}`: expires the silence.
    pub async fn expire(&self, id: &str) -> Result<(), AmError> {
        check_id(id)?;
        let url = self.silence_url(id);
        http_client::send(&self.http, Method::DELETE, url, None)
            .await
            .map_err(AmError::Http)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn silence_json_round_trips_with_unknown_fields() {
        let text = r#"{"id":"a-1","status":{"state":"active"},"updatedAt":"2026-01-01T00:00:00Z",
            "matchers":[{"name":"alertname","value":"X","isRegex":false}],
            "startsAt":"2026-01-01T00:00:00Z","endsAt":"2026-01-02T00:00:00Z",
            "createdBy":"me","comment":"c","annotations":{"k":"v"}}"#;
        let s: Silence = serde_json::from_str(text).unwrap();
        assert!(s.matchers[0].is_equal, "isEqual defaults to true");
        let back = serde_json::to_value(&s).unwrap();
        assert_eq!(back["annotations"]["k"], "v");
        assert_eq!(back["matchers"][0]["isEqual"], true);
        assert_eq!(s.matchers_text(), r#"alertname="X""#);
    }

    #[test]
    fn ids_are_checked_before_they_reach_a_path() {
        assert!(check_id("5f0e2c1a-0b1c-4d2e-8f3a-1234567890ab").is_ok());
        assert!(check_id("../status").is_err());
        assert!(check_id("").is_err());
        assert!(check_id("a b").is_err());
    }

    #[test]
    fn alert_url_carries_states_filters_and_receiver() {
        let base: Url = "http://h:9093/prefix".parse().unwrap();
        let q = AlertQuery {
            active: true,
            filter: vec![matcher::parse("severity=~\"P0|P1\"").unwrap()],
            receiver: Some("pager".into()),
            ..AlertQuery::default()
        };
        let url = alert_url(&base, "/api/v2/alerts", &q);
        let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        assert_eq!(url.path(), "/prefix/api/v2/alerts");
        assert!(pairs.contains(&("active".into(), "true".into())));
        assert!(pairs.contains(&("silenced".into(), "false".into())));
        assert!(pairs.contains(&("filter".into(), "severity=~\"P0|P1\"".into())));
        assert!(pairs.contains(&("receiver".into(), "pager".into())));
    }
}
