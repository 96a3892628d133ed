//! `[[channel]]`: where messages go, checked field by field with the line
//! and a fix. Secrets are references (`{ from_env = "..." }`, `{ file =
//! "..." }`), as a command step's `env` is; a Slack webhook's URL is one.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use toml::{Spanned, Value};

use super::error::{ConfigError, closest};
use super::playbook_env::{convert_one, convert_table, secret_literals};
use super::schema::ChannelConfig;
use super::source::LoadedConfig;
use crate::domain::comms::channel::{
    Channel, ChannelKind, Channels, KIND_NAMES, SIGNATURE_HEADER, Signing,
};
use crate::domain::comms::routes::{AlertRoutes, Level};
use crate::domain::playbook::{EnvValue, mask};

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_RETRIES: u32 = 3;
/// More would hold a step for minutes on a receiver that is down.
const MAX_RETRIES: u32 = 10;

impl LoadedConfig {
    pub(super) fn channels(&self) -> Result<Channels, Vec<ConfigError>> {
        let mut errors = Vec::new();
        let mut channels = Channels::default();
        let mut defaults = Vec::new();
        for (i, raw) in self.config.channels.iter().enumerate() {
            let name = raw.name.get_ref();
            if !super::repos::is_name(name) {
                errors.push(
                    self.error_at(
                        &raw.name,
                        format!("`{name}` is not a channel name"),
                        "letters, digits, `_`, `.` and `-`, e.g. releases or slack-ops",
                    )
                    .key(format!("channel[{i}].name")),
                );
            }
            if channels.get(name).is_some() {
                errors.push(
                    self.error_at(
                        &raw.name,
                        format!("a second channel named `{name}`"),
                        "give each [[channel]] its own `name`",
                    )
                    .key(format!("channel[{i}].name")),
                );
            }
            if raw.default.as_ref().is_some_and(|d| *d.get_ref()) {
                defaults.push(raw);
            }
            match self.channel(i, raw) {
                Ok(channel) => channels.list.push(channel),
                // A refused secret is not echoed back in the error's line.
                Err(e) => errors.extend(e.into_iter().map(|mut error| {
                    if let Some(location) = &mut error.location {
                        location.line_text = mask(&location.line_text, &written_secrets(raw));
                    }
                    error
                })),
            }
        }
        if let [_, second, ..] = defaults.as_slice()
            && let Some(at) = &second.default
        {
            errors.push(
                self.error_at(
                    at,
                    format!(
                        "channels `{}` and `{}` are both `default`",
                        defaults[0].name.get_ref(),
                        second.name.get_ref()
                    ),
                    "keep `default = true` on one channel",
                )
                .key("channel.default"),
            );
        }
        channels.default = match (defaults.first(), channels.list.as_slice()) {
            (Some(raw), _) => Some(raw.name.get_ref().clone()),
            (None, [only]) => Some(only.name.clone()),
            _ => None,
        };
        if errors.is_empty() {
            Ok(channels)
        } else {
            Err(errors)
        }
    }

    /// `[[signal]] notify`: each level names a channel the config has.
    pub(super) fn alert_routes(
        &self,
        channels: &Channels,
    ) -> Result<AlertRoutes, Vec<ConfigError>> {
        let mut routes = AlertRoutes::default();
        let mut errors = Vec::new();
        let names: Vec<&str> = channels.names().collect();
        for (i, signal) in self.config.signals.iter().enumerate() {
            let Some(notify) = &signal.notify else {
                continue;
            };
            for (level, name) in [
                (Level::Warn, &notify.warn),
                (Level::Critical, &notify.critical),
            ] {
                let Some(name) = name else { continue };
                if channels.get(name.get_ref()).is_none() {
                    let fix = if names.is_empty() {
                        "add a [[channel]] with this name".to_owned()
                    } else {
                        format!("name one of the config's channels: {}", names.join(", "))
                    };
                    errors.push(
                        self.error_at(
                            name,
                            format!("no [[channel]] named `{}`", name.get_ref()),
                            fix,
                        )
                        .key(format!("signal[{i}].notify.{}", level.name()))
                        .suggestion(
                            closest(name.get_ref(), &names).map(|s| format!("did you mean `{s}`?")),
                        ),
                    );
                    continue;
                }
                routes
                    .by_signal
                    .entry(signal.name.get_ref().clone())
                    .or_default()
                    .insert(level, name.get_ref().clone());
            }
        }
        if let Some(name) = &self.config.rollback.notify
            && channels.get(name.get_ref()).is_none()
        {
            errors.push(
                self.error_at(
                    name,
                    format!("no [[channel]] named `{}`", name.get_ref()),
                    "name a channel the config has",
                )
                .key("rollback.notify")
                .suggestion(
                    closest(name.get_ref(), &names).map(|s| format!("did you mean `{s}`?")),
                ),
            );
        }
        if errors.is_empty() {
            Ok(routes)
        } else {
            Err(errors)
        }
    }

    fn channel(&self, i: usize, raw: &ChannelConfig) -> Result<Channel, Vec<ConfigError>> {
        let key = |field: &str| format!("channel[{i}].{field}");
        let mut errors = Vec::new();
        let base = self.config_dir();
        let kind_name = raw.kind.get_ref().as_str();
        let allowed: &[&str] = match kind_name {
            "slack" => &["url"],
            "webhook" => &["url", "secret", "signature_header", "headers"],
            "file" => &["path"],
            "command" => &["run", "env"],
            "clipboard" => &[],
            unknown => {
                let suggestion = closest(unknown, &KIND_NAMES)
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                return Err(vec![
                    self.error_at(
                        &raw.kind,
                        format!("unknown channel kind `{unknown}`{suggestion}"),
                        format!("use one of {}", KIND_NAMES.join(", ")),
                    )
                    .key(key("kind")),
                ]);
            }
        };
        // A field of another kind is a typo or a wrong kind: never ignored.
        let given: [(&str, Option<std::ops::Range<usize>>); 7] = [
            ("url", raw.url.as_ref().map(Spanned::span)),
            ("secret", raw.secret.as_ref().map(Spanned::span)),
            (
                "signature_header",
                raw.signature_header.as_ref().map(Spanned::span),
            ),
            ("headers", raw.headers.values().next().map(Spanned::span)),
            ("path", raw.path.as_ref().map(Spanned::span)),
            ("run", raw.run.as_ref().map(Spanned::span)),
            ("env", raw.env.values().next().map(Spanned::span)),
        ];
        for (field, span) in given {
            if let Some(span) = span
                && !allowed.contains(&field)
            {
                errors.push(
                    ConfigError::new(
                        &self.file,
                        format!("`{field}` is not a field of a {kind_name} channel"),
                        match allowed {
                            [] => format!("a {kind_name} channel takes no fields but name, kind and default: remove `{field}`"),
                            fields => format!("remove it; a {kind_name} channel takes {}", fields.join(", ")),
                        },
                    )
                    .at(&self.text, Some(span))
                    .key(key(field)),
                );
            }
        }
        let reference = |field: &str, value: &Spanned<Value>, secret: bool| {
            match convert_one("channel", field, value, &base) {
                Ok(EnvValue::Literal(_)) if secret => Err(Box::new(self
                    .error_at(
                        value,
                        format!(
                            "a {kind_name} channel's `{field}` is a secret (whoever has it can post), and here it is written out"
                        ),
                        format!(
                            "write `{field} = {{ from_env = \"NAME\" }}` (a variable of the cockpit's environment) or `{{ file = \"path\" }}`"
                        ),
                    )
                    .key(key(field)))),
                Ok(v) => Ok(v),
                Err((problem, fix)) => Err(Box::new(self.error_at(value, problem, fix).key(key(field)))),
            }
        };
        let needed = |field: &str, example: &str| {
            self.error_at(
                &raw.kind,
                format!("a {kind_name} channel needs `{field}`"),
                format!("add `{field} = {example}`"),
            )
            .key(key(field))
        };
        let kind = match kind_name {
            "slack" => match &raw.url {
                Some(url) => reference("url", url, true)
                    .map_err(|e| errors.push(*e))
                    .ok()
                    .map(|url| ChannelKind::Slack { url }),
                None => {
                    errors.push(needed("url", "{ from_env = \"SLACK_WEBHOOK_URL\" }"));
                    None
                }
            },
            "webhook" => {
                let url = match &raw.url {
                    Some(url) => reference("url", url, false)
                        .map_err(|e| errors.push(*e))
                        .ok()
                        .filter(|value| match value {
                            EnvValue::Literal(text) if !is_http_url(text) => {
                                errors.push(
                                    self.error_at(
                                        url,
                                        format!("`{text}` is not an http:// or https:// URL"),
                                        "write the full URL, e.g. https://hooks.example.com/releases",
                                    )
                                    .key(key("url")),
                                );
                                false
                            }
                            _ => true,
                        }),
                    None => {
                        errors.push(needed("url", "\"https://hooks.example.com/releases\""));
                        None
                    }
                };
                let signing = raw.secret.as_ref().and_then(|secret| {
                    reference("secret", secret, true)
                        .map_err(|e| errors.push(*e))
                        .ok()
                        .map(|secret| Signing {
                            secret,
                            header: raw.signature_header.as_ref().map_or_else(
                                || SIGNATURE_HEADER.to_owned(),
                                |h| h.get_ref().clone(),
                            ),
                        })
                });
                let headers = self.references(&raw.headers, &base, &key("headers"), &mut errors);
                url.map(|url| ChannelKind::Webhook {
                    url,
                    headers,
                    signing,
                })
            }
            "file" => match &raw.path {
                Some(path) if !path.get_ref().is_empty() => Some(ChannelKind::File {
                    path: base.join(path.get_ref()),
                }),
                _ => {
                    errors.push(needed("path", "\"release-messages.md\""));
                    None
                }
            },
            "command" => match &raw.run {
                Some(run) if !run.get_ref().trim().is_empty() => {
                    let env = self.references(&raw.env, &base, &key("env"), &mut errors);
                    Some(ChannelKind::Command {
                        run: run.get_ref().clone(),
                        workdir: base.clone(),
                        env,
                    })
                }
                _ => {
                    errors.push(needed("run", "\"sendmail -t\""));
                    None
                }
            },
            _ => Some(ChannelKind::Clipboard),
        };
        if let Some(at) = &raw.signature_header
            && raw.secret.is_none()
            && kind_name == "webhook"
        {
            errors.push(
                self.error_at(
                    at,
                    "`signature_header` without `secret`: nothing would sign the body",
                    "add `secret = { from_env = \"...\" }`, or remove `signature_header`",
                )
                .key(key("signature_header")),
            );
        }
        let timeout = match &raw.timeout {
            None => DEFAULT_TIMEOUT,
            Some(value) => match self.duration_at(value, &key("timeout")) {
                Ok(d) => d.to_std().unwrap_or(DEFAULT_TIMEOUT),
                Err(e) => {
                    errors.push(*e);
                    DEFAULT_TIMEOUT
                }
            },
        };
        let retries = match &raw.retries {
            Some(n) if *n.get_ref() > MAX_RETRIES => {
                errors.push(
                    self.error_at(
                        n,
                        format!("{} retries would hold a step for minutes", n.get_ref()),
                        format!("give at most {MAX_RETRIES}"),
                    )
                    .key(key("retries")),
                );
                DEFAULT_RETRIES
            }
            Some(n) => *n.get_ref(),
            None => DEFAULT_RETRIES,
        };
        match kind {
            Some(kind) if errors.is_empty() => Ok(Channel {
                name: raw.name.get_ref().clone(),
                kind,
                timeout,
                retries,
            }),
            _ => Err(errors),
        }
    }

    /// A table of headers or variables: literals for what does not look
    /// secret, references for the rest.
    fn references(
        &self,
        raw: &BTreeMap<String, Spanned<Value>>,
        base: &Path,
        key: &str,
        errors: &mut Vec<ConfigError>,
    ) -> BTreeMap<String, EnvValue> {
        let what = key.rsplit('.').next().unwrap_or(key);
        convert_table(what, raw, base).unwrap_or_else(|problems| {
            errors.extend(problems.into_iter().map(|(span, problem, fix)| {
                ConfigError::new(&self.file, problem, fix)
                    .at(&self.text, Some(span))
                    .key(key)
            }));
            BTreeMap::new()
        })
    }
}

/// `http://host...` or `https://host...`.
fn is_http_url(text: &str) -> bool {
    text.strip_prefix("http://")
        .or_else(|| text.strip_prefix("https://"))
        .is_some_and(|rest| !rest.is_empty() && !rest.starts_with(['/', ':', '?']))
}

/// The literal texts a channel holds where a secret goes: a Slack URL, a
/// signing key, secret-looking headers and variables.
fn written_secrets(raw: &ChannelConfig) -> Vec<String> {
    let literal = |v: &Option<Spanned<Value>>| {
        v.as_ref()
            .and_then(|v| v.get_ref().as_str().map(str::to_owned))
    };
    let mut secrets = Vec::new();
    if raw.kind.get_ref() == "slack" {
        secrets.extend(literal(&raw.url));
    }
    secrets.extend(literal(&raw.secret));
    secrets.extend(secret_literals(&raw.headers));
    secrets.extend(secret_literals(&raw.env));
    secrets
}

#[cfg(test)]
mod tests;
