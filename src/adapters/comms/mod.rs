//! Sending a message to a channel: Slack's incoming webhook, a generic
//! (optionally signed) webhook, a file, a command's standard input, or the
//! terminal's clipboard. Secrets are read here, at the last moment, and
//! masked in everything that comes back: what is journaled names the
//! channel and the outcome, never a URL or a key.

mod clipboard;
mod file;
mod http;
mod pipe;

use std::collections::BTreeMap;
use std::time::Instant;

pub use clipboard::osc52;

use crate::adapters::command::env::resolve;
use crate::domain::comms::channel::{Channel, ChannelKind};
use crate::domain::comms::message::{Delivery, Outgoing};
use crate::domain::playbook::{EnvValue, mask};

/// Sends `message`, retrying what may pass on a retry; never fails to
/// answer. A clipboard channel needs the terminal: the caller writes
/// [`osc52`] itself, and this says so.
pub async fn send(channel: &Channel, message: &Outgoing) -> Delivery {
    let started = Instant::now();
    let (result, attempts, secrets) = match &channel.kind {
        ChannelKind::Slack { url } => match single(url, "url") {
            Ok(url) => {
                let body = serde_json::json!({ "text": message.text }).to_string();
                let secrets = url_secrets(&url);
                let request = http::Request {
                    url,
                    body,
                    headers: Vec::new(),
                    keyed: false,
                };
                let (result, attempts) = http::post(channel, &request, &secrets).await;
                (result, attempts, secrets)
            }
            Err(e) => (Err(e), 0, Vec::new()),
        },
        ChannelKind::Webhook {
            url,
            headers,
            signing,
        } => match webhook(url, headers, signing.as_ref(), message) {
            Ok((request, secrets)) => {
                let (result, attempts) = http::post(channel, &request, &secrets).await;
                (result, attempts, secrets)
            }
            Err(e) => (Err(e), 0, Vec::new()),
        },
        ChannelKind::File { path } => (file::append(path, message), 1, Vec::new()),
        ChannelKind::Command { run, workdir, env } => match resolve(env) {
            Ok(env) => (
                pipe::run(channel, run, workdir, &env.vars, message).await,
                1,
                env.secrets,
            ),
            Err(e) => (Err(e.to_string()), 0, Vec::new()),
        },
        ChannelKind::Clipboard => (
            Err("the clipboard is the terminal's: the cockpit writes it".to_owned()),
            0,
            Vec::new(),
        ),
    };
    delivery(channel, result, attempts, &secrets, started)
}

/// The outcome of putting the message on the clipboard (the caller wrote
/// the sequence): the terminal does not say whether it took it.
pub fn copied(channel: &Channel) -> Delivery {
    Delivery {
        ok: true,
        summary: format!(
            "copied for `{}` to the terminal's clipboard (OSC 52; a terminal that does not take it says nothing)",
            channel.name
        ),
        attempts: 1,
        duration_ms: 0,
    }
}

fn delivery(
    channel: &Channel,
    result: Result<String, String>,
    attempts: u32,
    secrets: &[String],
    started: Instant,
) -> Delivery {
    let tries = match attempts {
        0 => String::new(),
        1 => ", 1 attempt".to_owned(),
        n => format!(", {n} attempts"),
    };
    let (ok, summary) = match result {
        Ok(what) => (true, format!("sent to `{}` ({what}{tries})", channel.name)),
        Err(why) => (
            false,
            format!("not sent to `{}`: {why}{tries}", channel.name),
        ),
    };
    Delivery {
        ok,
        summary: crate::adapters::text::clean_line(&mask(&summary, secrets), 600),
        attempts,
        duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    }
}

/// One reference resolved as a command's `env` is.
fn single(value: &EnvValue, name: &str) -> Result<String, String> {
    let table = BTreeMap::from([(name.to_owned(), value.clone())]);
    let mut env = resolve(&table).map_err(|e| e.to_string())?;
    env.vars
        .remove(name)
        .ok_or_else(|| format!("`{name}` has no value"))
}

/// What of a URL must never be shown: all of it, and its path and query
/// on their own (a receiver's error page may echo them), where the token
/// of most webhooks is.
fn url_secrets(url: &str) -> Vec<String> {
    let mut secrets = vec![url.to_owned()];
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    if let Some(at) = after_scheme.find(['/', '?']) {
        let tail = &after_scheme[at..];
        if tail.len() > 1 {
            secrets.push(tail.to_owned());
            secrets.extend(
                tail.split(['/', '?', '&', '='])
                    .filter(|part| part.len() >= 12)
                    .map(str::to_owned),
            );
        }
    }
    secrets
}

/// A webhook's request: the message and what it is about as JSON, its
/// idempotency key, headers and signature, and what to mask.
fn webhook(
    url: &EnvValue,
    headers: &BTreeMap<String, EnvValue>,
    signing: Option<&crate::domain::comms::channel::Signing>,
    message: &Outgoing,
) -> Result<(http::Request, Vec<String>), String> {
    let url = single(url, "url")?;
    let mut secrets = url_secrets(&url);
    let extra = resolve(headers).map_err(|e| e.to_string())?;
    secrets.extend(extra.secrets);
    let body = serde_json::json!({
        "key": message.key,
        "release": message.release,
        "template": message.template,
        "about": message.about,
        "subject": crate::domain::comms::message::subject(&message.text),
        "text": message.text,
    })
    .to_string();
    let mut headers: Vec<(String, String)> = extra.vars.into_iter().collect();
    headers.push(("Idempotency-Key".to_owned(), message.key.clone()));
    if let Some(signing) = signing {
        let key = single(&signing.secret, "secret")?;
        headers.push((
            signing.header.clone(),
            http::signature(key.as_bytes(), body.as_bytes()),
        ));
        secrets.push(key);
    }
    Ok((
        http::Request {
            url,
            body,
            headers,
            keyed: true,
        },
        secrets,
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_urls_path_query_and_long_parts_are_masked_too() {
        let secrets =
            super::url_secrets("https://hooks.slack.com/services/T000/B000/XyZsEcReT42abc");
        assert!(secrets.contains(&"/services/T000/B000/XyZsEcReT42abc".to_owned()));
        assert!(secrets.contains(&"XyZsEcReT42abc".to_owned()));
        let masked = crate::domain::playbook::mask(
            "Cannot POST /services/T000/B000/XyZsEcReT42abc",
            &secrets,
        );
        assert_eq!(masked, "Cannot POST ***");
        assert_eq!(
            super::url_secrets("http://127.0.0.1:9"),
            ["http://127.0.0.1:9"]
        );
    }
}
