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

use crate::adapters::command::env::{EnvError, ResolvedEnv, resolve};
use crate::domain::comms::channel::{Channel, ChannelKind};
use crate::domain::comms::message::{Delivery, Outgoing};
use crate::domain::playbook::{EnvValue, mask};

/// Sends `message`, retrying what may pass on a retry; never fails to
/// answer. A clipboard channel needs the terminal: the caller writes
/// [`osc52`] itself, and this says so.
pub async fn send(channel: &Channel, message: &Outgoing) -> Delivery {
    let started = Instant::now();
    let (result, attempts, secrets) = match &channel.kind {
        ChannelKind::Slack { url } => match references(&[("url", url)]) {
            Ok(env) => {
                let body = serde_json::json!({ "text": message.text }).to_string();
                let request = http::Request {
                    url: env.vars["url"].clone(),
                    body,
                    headers: Vec::new(),
                };
                let (result, attempts) = http::post(channel, &request).await;
                (result, attempts, env.secrets)
            }
            Err(e) => (Err(e.to_string()), 0, Vec::new()),
        },
        ChannelKind::Webhook {
            url,
            headers,
            signing,
        } => match webhook(url, headers, signing.as_ref(), message) {
            Ok((request, secrets)) => {
                let (result, attempts) = http::post(channel, &request).await;
                (result, attempts, secrets)
            }
            Err(e) => (Err(e.to_string()), 0, Vec::new()),
        },
        ChannelKind::File { path } => (file::append(path, message), 1, Vec::new()),
        ChannelKind::Command { run, env } => match resolve(env) {
            Ok(env) => (
                pipe::run(channel, run, &env.vars, message).await,
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

/// Single references resolved as a command's `env` is.
fn references(values: &[(&str, &EnvValue)]) -> Result<ResolvedEnv, EnvError> {
    let table: BTreeMap<String, EnvValue> = values
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).clone()))
        .collect();
    resolve(&table)
}

/// A webhook's request: the message and what it is about as JSON, its
/// idempotency key, headers and signature.
fn webhook(
    url: &EnvValue,
    headers: &BTreeMap<String, EnvValue>,
    signing: Option<&crate::domain::comms::channel::Signing>,
    message: &Outgoing,
) -> Result<(http::Request, Vec<String>), EnvError> {
    let mut secrets = Vec::new();
    let url = references(&[("url", url)])?;
    secrets.extend(url.secrets);
    let extra = resolve(headers)?;
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
        let key = references(&[("secret", &signing.secret)])?;
        secrets.extend(key.secrets);
        headers.push((
            signing.header.clone(),
            http::signature(key.vars["secret"].as_bytes(), body.as_bytes()),
        ));
    }
    Ok((
        http::Request {
            url: url.vars["url"].clone(),
            body,
            headers,
        },
        secrets,
    ))
}
