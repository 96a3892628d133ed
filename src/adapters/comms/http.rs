//! Posting to a webhook: one client with the channel's timeout and no
//! redirects (a redirected POST loses its body), attempts spaced by a
//! backoff. What is retried depends on whether the receiver can tell a
//! retry from a new message: a webhook gets an `Idempotency-Key`, so a 5xx,
//! 408, 429 or no answer in time is retried; Slack gets none, so only what
//! it surely did not take is (no connection, 429, 503). Errors drop the
//! URL; what is logged is masked.

use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::domain::comms::channel::Channel;
use crate::domain::comms::message::MAY_HAVE_GONE;
use crate::domain::playbook::mask;

pub struct Request {
    pub url: String,
    pub body: String,
    pub headers: Vec<(String, String)>,
    /// The receiver keeps one message per `Idempotency-Key`: a retry of
    /// an attempt that may have been taken is safe.
    pub keyed: bool,
}

/// The first wait between attempts; each doubles it, up to [`MAX_WAIT`].
const FIRST_WAIT: Duration = Duration::from_millis(500);
const MAX_WAIT: Duration = Duration::from_secs(8);
/// A `Retry-After` longer than this is not waited for: the send fails.
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

/// What the receiver said (`HTTP 200`), or why not, and how many attempts;
/// `secrets` are masked in what is logged.
pub async fn post(
    channel: &Channel,
    request: &Request,
    secrets: &[String],
) -> (Result<String, String>, u32) {
    let client = match reqwest::Client::builder()
        .timeout(channel.timeout)
        .redirect(reqwest::redirect::Policy::none())
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
        let failure = match once(&client, channel, request).await {
            Ok(said) => return (Ok(said), attempt),
            Err(failure) => failure,
        };
        let retry = match &failure {
            Failure::Final(_) => None,
            Failure::NotTaken(_, after) => Some(*after),
            Failure::MaybeTaken(_, after) if request.keyed => Some(*after),
            Failure::MaybeTaken(..) => None,
        };
        let why = failure.describe();
        match retry {
            Some(after) if attempt <= channel.retries => {
                let pause = match after {
                    After::Backoff => wait,
                    After::Asked(pause) if pause <= MAX_RETRY_AFTER => pause,
                    After::Asked(pause) => {
                        return (
                            Err(format!(
                                "{why}; it asks to wait {}s, longer than the cockpit waits",
                                pause.as_secs()
                            )),
                            attempt,
                        );
                    }
                };
                tracing::info!(
                    channel = %channel.name,
                    attempt,
                    why = %mask(&why, secrets),
                    "retrying a message"
                );
                tokio::time::sleep(pause).await;
                wait = (wait * 2).min(MAX_WAIT);
            }
            _ => return (Err(why), attempt),
        }
    }
}

/// When to try again.
#[derive(Clone, Copy)]
enum After {
    Backoff,
    /// `Retry-After`.
    Asked(Duration),
}

enum Failure {
    /// It surely did not take the message (no connection, 429, 503).
    NotTaken(String, After),
    /// It may have (no answer in time, another 5xx, a dropped connection).
    MaybeTaken(String, After),
    /// A retry will not pass (a 4xx, a redirect, a request that cannot be made).
    Final(String),
}

impl Failure {
    fn describe(&self) -> String {
        match self {
            Self::NotTaken(why, _) | Self::Final(why) => why.clone(),
            Self::MaybeTaken(why, _) => format!("{why} {MAY_HAVE_GONE}"),
        }
    }
}

async fn once(
    client: &reqwest::Client,
    channel: &Channel,
    request: &Request,
) -> Result<String, Failure> {
    let mut post = client
        .post(&request.url)
        .header("Content-Type", "application/json")
        .body(request.body.clone());
    for (name, value) in &request.headers {
        post = post.header(name, value);
    }
    let response = match post.send().await {
        Ok(response) => response,
        Err(e) if e.is_builder() => {
            let e = e.without_url();
            return Err(Failure::Final(format!(
                "the request cannot be made: {}",
                crate::adapters::scrape::root_cause(&e)
            )));
        }
        Err(e) if e.is_timeout() => {
            return Err(Failure::MaybeTaken(
                format!("no answer in {}s", channel.timeout.as_secs_f64()),
                After::Backoff,
            ));
        }
        Err(e) if e.is_connect() => {
            let e = e.without_url();
            let why = crate::adapters::scrape::root_cause(&e);
            return Err(Failure::NotTaken(
                format!("cannot post: {why}"),
                After::Backoff,
            ));
        }
        Err(e) => {
            let e = e.without_url();
            let why = crate::adapters::scrape::root_cause(&e);
            return Err(Failure::MaybeTaken(
                format!("cannot post: {why}"),
                After::Backoff,
            ));
        }
    };
    let status = response.status();
    let after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map_or(After::Backoff, |s| After::Asked(Duration::from_secs(s)));
    let body = response.text().await.unwrap_or_default();
    let excerpt = crate::adapters::text::clean_line(body.trim(), 200);
    let code = status.as_u16();
    let said = if excerpt.is_empty() {
        format!("HTTP {code}")
    } else {
        format!("HTTP {code}: {excerpt}")
    };
    match code {
        200..=299 => Ok(format!("HTTP {code}")),
        300..=399 => Err(Failure::Final(format!(
            "{said}: a redirect, not followed (it would drop the message); give the URL it points to"
        ))),
        429 | 503 => Err(Failure::NotTaken(said, after)),
        408 | 500..=599 => Err(Failure::MaybeTaken(said, after)),
        _ => Err(Failure::Final(said)),
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
