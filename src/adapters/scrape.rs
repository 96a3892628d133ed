//! A service's own `/metrics`, fetched and read as the Prometheus text format,
//! for teams without a Prometheus server.

use std::time::Duration;

use crate::domain::metrics::Exposition;
use crate::domain::metrics::ParseError;
use crate::domain::metrics::exposition::parse;

/// The most a scrape may be: a service exporting more is misconfigured.
const MAX_BYTES: usize = 8 << 20;

/// GETs `url` within `timeout` and parses what comes back.
pub async fn scrape(
    client: &reqwest::Client,
    url: &str,
    timeout: Duration,
) -> Result<Exposition, ScrapeError> {
    let at = || url.to_owned();
    let response = client
        .get(url)
        .header(reqwest::header::ACCEPT, "text/plain; version=0.0.4")
        .timeout(timeout)
        .send()
        .await
        .map_err(|e| {
            if e.is_timeout() {
                ScrapeError::Timeout { url: at(), timeout }
            } else {
                ScrapeError::Unreachable {
                    url: at(),
                    cause: root_cause(&e),
                }
            }
        })?;
    let status = response.status();
    if !status.is_success() {
        return Err(ScrapeError::Status {
            url: at(),
            status: status.as_u16(),
        });
    }
    let body = response.bytes().await.map_err(|e| ScrapeError::Body {
        url: at(),
        cause: root_cause(&e),
    })?;
    if body.len() > MAX_BYTES {
        return Err(ScrapeError::TooLarge {
            url: at(),
            bytes: body.len(),
        });
    }
    let text = String::from_utf8_lossy(&body);
    parse(&text).map_err(|error| ScrapeError::Format { url: at(), error })
}

/// Why a scrape gave no exposition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScrapeError {
    Timeout {
        url: String,
        timeout: Duration,
    },
    /// No HTTP answer: the innermost cause (connection refused, DNS).
    Unreachable {
        url: String,
        cause: String,
    },
    Status {
        url: String,
        status: u16,
    },
    Body {
        url: String,
        cause: String,
    },
    TooLarge {
        url: String,
        bytes: usize,
    },
    Format {
        url: String,
        error: ParseError,
    },
}

impl std::fmt::Display for ScrapeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Timeout { url, timeout } => {
                write!(f, "GET {url}: no answer within {} s", timeout.as_secs_f32())
            }
            Self::Unreachable { url, cause } => write!(f, "GET {url}: {cause}"),
            Self::Status { url, status } => write!(f, "GET {url}: HTTP {status}"),
            Self::Body { url, cause } => write!(f, "GET {url}: reading the body: {cause}"),
            Self::TooLarge { url, bytes } => write!(
                f,
                "GET {url}: {bytes} bytes is more than a metrics page should be"
            ),
            Self::Format { url, error } => {
                write!(f, "{url} is not in the Prometheus text format: {error}")
            }
        }
    }
}

impl std::error::Error for ScrapeError {}

/// reqwest's outer error says only "error sending request"; the cause
/// (connection refused, DNS) is what the operator needs.
pub fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_failure_names_the_url_and_what_went_wrong() {
        let url = || "http://svc:8080/metrics".to_owned();
        let lines = [
            (
                ScrapeError::Timeout {
                    url: url(),
                    timeout: Duration::from_millis(2500),
                },
                "GET http://svc:8080/metrics: no answer within 2.5 s",
            ),
            (
                ScrapeError::Unreachable {
                    url: url(),
                    cause: "Connection refused (os error 111)".into(),
                },
                "GET http://svc:8080/metrics: Connection refused (os error 111)",
            ),
            (
                ScrapeError::Status {
                    url: url(),
                    status: 503,
                },
                "GET http://svc:8080/metrics: HTTP 503",
            ),
            (
                ScrapeError::TooLarge {
                    url: url(),
                    bytes: 9_000_000,
                },
                "GET http://svc:8080/metrics: 9000000 bytes is more than a metrics page should be",
            ),
            (
                ScrapeError::Format {
                    url: url(),
                    error: parse("x one").unwrap_err(),
                },
                "http://svc:8080/metrics is not in the Prometheus text format: line 1: `one` is not a number",
            ),
        ];
        for (error, line) in lines {
            assert_eq!(error.to_string(), line);
        }
    }
}
