//! A service's own `/metrics`, fetched and read as the Prometheus text format,
//! for teams without a Prometheus server.

use std::time::Duration;

use crate::domain::metrics::Exposition;
use crate::domain::metrics::exposition::parse;

/// The most a scrape may be: a service exporting more is misconfigured.
const MAX_BYTES: usize = 8 << 20;

/// GETs `url` within `timeout` and parses what comes back.
pub async fn scrape(
    client: &reqwest::Client,
    url: &str,
    timeout: Duration,
) -> Result<Exposition, String> {
    let response = client
        .get(url)
        .header(reqwest::header::ACCEPT, "text/plain; version=0.0.4")
        .timeout(timeout)
        .send()
        .await
        .map_err(|e| {
            if e.is_timeout() {
                format!("GET {url}: no answer within {} s", timeout.as_secs_f32())
            } else {
                format!("GET {url}: {}", root_cause(&e))
            }
        })?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("GET {url}: HTTP {}", status.as_u16()));
    }
    let body = response
        .bytes()
        .await
        .map_err(|e| format!("GET {url}: reading the body: {}", root_cause(&e)))?;
    if body.len() > MAX_BYTES {
        return Err(format!(
            "GET {url}: {} bytes is more than a metrics page should be",
            body.len()
        ));
    }
    let text = String::from_utf8_lossy(&body);
    parse(&text).map_err(|e| format!("{url} is not in the Prometheus text format: {e}"))
}

/// reqwest's outer error says only "error sending request"; the cause
/// (connection refused, DNS) is what the operator needs.
pub fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}
