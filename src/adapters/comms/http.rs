//! Posting to a webhook: one client with the channel's timeout, attempts
//! spaced by a backoff, retried only where a retry may pass (a 5xx, 408,
//! 429, no connection, no answer in time). Errors drop the URL.

use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::domain::comms::channel::Channel;

pub struct Request {
    pub url: String,
    pub body: String,
    pub headers: Vec<(String, String)>,
}

/// The first wait between attempts; each doubles it, up to [`MAX_WAIT`].
const FIRST_WAIT: Duration = Duration::from_millis(500);
const MAX_WAIT: Duration = Duration::from_secs(8);
/// A `Retry-After` longer than this is not waited for.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

/// `sha256=<hex>` of HMAC-SHA256(key, body), as GitHub's webhooks sign.
pub fn signature(key: &[u8], body: &[u8]) -> String {
    // HMAC takes a key of any length: this cannot fail.
    let mut mac = match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => return String::new(),
    };
    mac.update(body);
    let bytes = mac.finalize().into_bytes();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

/// What the receiver said (`HTTP 200`), or why not, and how many attempts.
pub async fn post(channel: &Channel, request: &Request) -> (Result<String, String>, u32) {
    let client = match reqwest::Client::builder()
        .timeout(channel.timeout)
        .user_agent(concat!("release-cockpit/", env!("CARGO_PKG_VERSION")))
        .build()
    {
        Ok(client) => client,
        Err(e) => return (Err(format!("HTTP client: {}", e.without_url())), 0),
    };
    let mut wait = FIRST_WAIT;
    let mut attempt = 0;
    loop {
        attempt += 1;
        let (result, retry_after) = once(&client, channel, request).await;
        match result {
            Ok(said) => return (Ok(said), attempt),
            Err(Failure::Final(why)) => return (Err(why), attempt),
            Err(Failure::Transient(why)) if attempt > channel.retries => {
                return (Err(why), attempt);
            }
            Err(Failure::Transient(why)) => {
                tracing::info!(channel = %channel.name, attempt, %why, "retrying a message");
                tokio::time::sleep(retry_after.unwrap_or(wait)).await;
                wait = (wait * 2).min(MAX_WAIT);
            }
        }
    }
}

enum Failure {
    /// A retry may pass.
    Transient(String),
    /// It will not (a 4xx: a wrong URL, a revoked hook, a rejected body).
    Final(String),
}

async fn once(
    client: &reqwest::Client,
    channel: &Channel,
    request: &Request,
) -> (Result<String, Failure>, Option<Duration>) {
    let mut post = client
        .post(&request.url)
        .header("Content-Type", "application/json")
        .body(request.body.clone());
    for (name, value) in &request.headers {
        post = post.header(name, value);
    }
    let response = match post.send().await {
        Ok(response) => response,
        Err(e) if e.is_timeout() => {
            return (
                Err(Failure::Transient(format!(
                    "no answer in {}s",
                    channel.timeout.as_secs_f64()
                ))),
                None,
            );
        }
        Err(e) => {
            let e = e.without_url();
            let why = crate::adapters::scrape::root_cause(&e);
            return (Err(Failure::Transient(format!("cannot post: {why}"))), None);
        }
    };
    let status = response.status();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
        .filter(|d| *d <= MAX_RETRY_AFTER);
    let body = response.text().await.unwrap_or_default();
    let excerpt = crate::adapters::text::clean_line(body.trim(), 200);
    let said = if excerpt.is_empty() {
        format!("HTTP {}", status.as_u16())
    } else {
        format!("HTTP {}: {excerpt}", status.as_u16())
    };
    if status.is_success() {
        (Ok(format!("HTTP {}", status.as_u16())), None)
    } else if status.is_server_error() || matches!(status.as_u16(), 408 | 429) {
        (Err(Failure::Transient(said)), retry_after)
    } else {
        (Err(Failure::Final(said)), None)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_signature_is_hmac_sha256_in_hex() {
        // RFC 4231 test case 2.
        assert_eq!(
            super::signature(b"Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
