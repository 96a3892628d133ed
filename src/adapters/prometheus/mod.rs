//! Prometheus through its HTTP API (`/api/v1/query` and `/api/v1/query_range`):
//! the samples a health pane charts, and errors that say whether Prometheus is
//! down, slow, or the PromQL is wrong.
//!
//! Plain reqwest and serde rather than a Prometheus client crate: two GET
//! endpoints do not justify another dependency, and the crate's one TLS stack
//! (rustls) is reused.

mod decode;
mod error;
mod step;

use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use reqwest::Url;

pub use decode::{InstantSample, RangeSeries};
pub use error::{PromError, PromSetupError};
pub use step::choose_step;

/// A client for one Prometheus server. Cheap to clone (reqwest's client is
/// shared), so each pane's task can hold its own.
#[derive(Debug, Clone)]
pub struct PrometheusClient {
    /// As configured, without a trailing '/': it names the server in errors.
    base: String,
    /// `{base}/api/v1/query`, built once so a request cannot fail to form.
    query_endpoint: Url,
    /// `{base}/api/v1/query_range`.
    range_endpoint: Url,
    http: reqwest::Client,
    timeout: Duration,
}

impl PrometheusClient {
    /// `base_url` is the server's root, optionally under a path prefix
    /// (`http://monitor.internal/prometheus`). Every request (connect,
    /// headers, body) must finish within `timeout`, so a hung server shows as
    /// a timeout in the pane instead of a signal that never refreshes.
    pub fn new(base_url: &str, timeout: Duration) -> Result<Self, PromSetupError> {
        let base = base_url.trim().trim_end_matches('/');
        let given = || base_url.to_owned();
        let url = Url::parse(base).map_err(|cause| PromSetupError::NotAUrl {
            url: given(),
            cause,
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(PromSetupError::Scheme(given()));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(PromSetupError::NoHost(given()));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(PromSetupError::QueryOrFragment(given()));
        }
        if timeout.is_zero() {
            return Err(PromSetupError::ZeroTimeout);
        }
        let endpoint = |path: &'static str| {
            Url::parse(&format!("{base}{path}")).map_err(|cause| PromSetupError::Endpoint {
                url: given(),
                path,
                cause,
            })
        };
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .user_agent(concat!("release-cockpit/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(PromSetupError::Client)?;
        Ok(Self {
            base: base.to_owned(),
            query_endpoint: endpoint("/api/v1/query")?,
            range_endpoint: endpoint("/api/v1/query_range")?,
            http,
            timeout,
        })
    }

    /// The server's root as given to `new`, without a trailing '/'.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// Evaluates `promql` at `at` (Prometheus' "now" when `None`).
    /// An expression matching no series is `Ok(vec![])`; a scalar is one
    /// sample without labels.
    pub async fn query(
        &self,
        promql: &str,
        at: Option<DateTime<Utc>>,
    ) -> Result<Vec<InstantSample>, PromError> {
        let (status, body) = self.get(self.query_url(promql, at)).await?;
        decode::instant(status, &body)
    }

    /// Evaluates `promql` at every `step` from `start` to `end`, both included.
    /// Choose `step` with [`choose_step`] so the answer fits the pane.
    pub async fn query_range(
        &self,
        promql: &str,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        step: Duration,
    ) -> Result<Vec<RangeSeries>, PromError> {
        let (status, body) = self.get(self.range_url(promql, start, end, step)).await?;
        decode::range(status, &body)
    }

    fn query_url(&self, promql: &str, at: Option<DateTime<Utc>>) -> Url {
        let mut url = self.query_endpoint.clone();
        {
            let mut pairs = url.query_pairs_mut();
            pairs.append_pair("query", promql);
            if let Some(at) = at {
                pairs.append_pair("time", &timestamp(at));
            }
        }
        url
    }

    fn range_url(
        &self,
        promql: &str,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        step: Duration,
    ) -> Url {
        let mut url = self.range_endpoint.clone();
        url.query_pairs_mut()
            .append_pair("query", promql)
            .append_pair("start", &timestamp(start))
            .append_pair("end", &timestamp(end))
            // Seconds as a float, which Prometheus takes as well as "15s".
            .append_pair("step", &step.as_secs_f64().to_string());
        url
    }

    /// The status and the whole body: Prometheus' errors come as JSON with a
    /// 4xx/5xx status, so the body is read whatever the status.
    async fn get(&self, url: Url) -> Result<(u16, bytes::Bytes), PromError> {
        let failed = |e: reqwest::Error| error::transport(&self.base, self.timeout, &e);
        let response = self.http.get(url).send().await.map_err(failed)?;
        let status = response.status().as_u16();
        let body = response.bytes().await.map_err(failed)?;
        Ok((status, body))
    }
}

/// RFC 3339 in UTC with milliseconds, Prometheus' resolution (finer parts are
/// dropped); readable in its query log, unlike unix seconds.
fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(base: &str) -> PrometheusClient {
        PrometheusClient::new(base, Duration::from_secs(5)).unwrap()
    }

    #[test]
    fn the_base_url_loses_its_trailing_slash_and_keeps_a_path_prefix() {
        assert_eq!(
            client("http://127.0.0.1:9090/").base_url(),
            "http://127.0.0.1:9090"
        );
        assert_eq!(
            client(" https://monitor.internal/prometheus/ ").base_url(),
            "https://monitor.internal/prometheus"
        );
        let prefixed = client("https://monitor.internal/prometheus/");
        assert_eq!(
            prefixed.query_url("up", None).as_str(),
            "https://monitor.internal/prometheus/api/v1/query?query=up"
        );
    }

    #[test]
    fn only_http_and_https_roots_are_accepted() {
        let five = Duration::from_secs(5);
        for bad in [
            "",
            "127.0.0.1:9090",
            "ftp://host",
            "file:///tmp/x",
            "http://",
            "http://h:9090/?x=1",
            "http://h#top",
        ] {
            assert!(
                PrometheusClient::new(bad, five).is_err(),
                "{bad:?} was accepted"
            );
        }
        assert!(PrometheusClient::new("http://h:9090", Duration::ZERO).is_err());
    }

    #[test]
    fn a_url_that_makes_no_client_says_what_to_write() {
        let five = Duration::from_secs(5);
        let told = |url: &str, timeout| {
            PrometheusClient::new(url, timeout)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default()
        };
        assert_eq!(
            told("127.0.0.1:9090", five),
            "Prometheus URL \"127.0.0.1:9090\" is not a URL: relative URL without a base"
        );
        assert_eq!(
            told("ftp://host", five),
            "Prometheus URL \"ftp://host\" must start with http:// or https://"
        );
        assert_eq!(
            told("http://h#top", five),
            "Prometheus URL \"http://h#top\" must not have a query or fragment: give the server's root, e.g. http://127.0.0.1:9090"
        );
        assert_eq!(
            told("http://h:9090", Duration::ZERO),
            "the Prometheus timeout must be more than zero"
        );
    }

    #[test]
    fn query_parameters_are_form_encoded() {
        let at = DateTime::from_timestamp_millis(1_796_107_418_250).unwrap();
        let url = client("http://h:9090")
            .query_url(r#"sum(rate(x{job="a b",le="+Inf"}[5m])) / 2"#, Some(at));
        let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        assert_eq!(
            pairs,
            vec![
                (
                    "query".to_owned(),
                    r#"sum(rate(x{job="a b",le="+Inf"}[5m])) / 2"#.to_owned()
                ),
                ("time".to_owned(), "2026-12-01T06:43:38.250Z".to_owned()),
            ]
        );
        assert!(
            !url.as_str().contains(' ') && !url.as_str().contains('"'),
            "{url}"
        );
        assert!(url.as_str().contains("%2BInf"), "+ must be escaped: {url}");
    }

    #[test]
    fn a_range_query_sends_start_end_and_step_in_seconds() {
        let end = DateTime::from_timestamp(1_796_107_418, 0).unwrap();
        let start = end - chrono::Duration::seconds(30);
        let url = client("http://h:9090").range_url("up", start, end, Duration::from_millis(2500));
        let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        assert_eq!(url.path(), "/api/v1/query_range");
        assert_eq!(
            pairs,
            vec![
                ("query".to_owned(), "up".to_owned()),
                ("start".to_owned(), "2026-12-01T06:43:08.000Z".to_owned()),
                ("end".to_owned(), "2026-12-01T06:43:38.000Z".to_owned()),
                ("step".to_owned(), "2.5".to_owned()),
            ]
        );
    }
}
