//! `[[channel]]`: where messages go. A channel holds references to its
//! secrets (a webhook URL, a signing key), never the secrets: they are read
//! when a message is sent (`adapters/comms`), so that the journal, which
//! records the channel's name and the outcome, never holds one.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use crate::domain::playbook::EnvValue;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Channel {
    pub name: String,
    pub kind: ChannelKind,
    /// How long one attempt may take (10s).
    pub timeout: Duration,
    /// Further attempts after a failure that may pass on a retry (a 5xx, a
    /// 429, a refused connection, a timeout); 3 unless set.
    pub retries: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChannelKind {
    /// A Slack incoming webhook: `{"text": ...}`. The URL is the secret.
    Slack { url: EnvValue },
    /// A JSON POST of the message and what it is about, optionally signed.
    Webhook {
        url: EnvValue,
        headers: BTreeMap<String, EnvValue>,
        signing: Option<Signing>,
    },
    /// Appended to a file, one message after another.
    File { path: PathBuf },
    /// Piped to a command's standard input (`sendmail -t`).
    Command {
        run: String,
        /// Where it runs: the config file's directory.
        workdir: PathBuf,
        env: BTreeMap<String, EnvValue>,
    },
    /// Put on the terminal's clipboard (OSC 52), for pasting by hand.
    Clipboard,
}

/// A webhook's signature: HMAC-SHA256 of the body with the key, as
/// `sha256=<hex>` in `header`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signing {
    pub secret: EnvValue,
    pub header: String,
}

pub const KIND_NAMES: [&str; 5] = ["slack", "webhook", "file", "command", "clipboard"];

/// The header a signature goes in unless the channel says.
pub const SIGNATURE_HEADER: &str = "X-Signature-256";

impl ChannelKind {
    pub fn name(&self) -> &'static str {
        match self {
            Self::Slack { .. } => "slack",
            Self::Webhook { .. } => "webhook",
            Self::File { .. } => "file",
            Self::Command { .. } => "command",
            Self::Clipboard => "clipboard",
        }
    }
}

/// The configured channels, and the one a step without `channel` uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Channels {
    pub list: Vec<Channel>,
    /// `default = true`, or the only channel.
    pub default: Option<String>,
}

impl Channels {
    pub fn get(&self, name: &str) -> Option<&Channel> {
        self.list.iter().find(|c| c.name == name)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.list.iter().map(|c| c.name.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Where a message naming `wanted` (or none) goes; `Err` says why there
    /// is nowhere.
    pub fn resolve(&self, wanted: Option<&str>) -> Result<&Channel, NoChannel> {
        if self.list.is_empty() {
            return Err(NoChannel::NoneConfigured);
        }
        match wanted.or(self.default.as_deref()) {
            Some(name) => self
                .get(name)
                .ok_or_else(|| NoChannel::Unknown(name.to_owned())),
            None => Err(NoChannel::NoDefault),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoChannel {
    NoneConfigured,
    Unknown(String),
    /// Several channels, none `default`, and the message names none.
    NoDefault,
}

impl std::fmt::Display for NoChannel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NoneConfigured => write!(f, "no [[channel]] in the config"),
            Self::Unknown(name) => write!(f, "no [[channel]] named `{name}`"),
            Self::NoDefault => write!(
                f,
                "it names no channel and no [[channel]] has `default = true`"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn channel(name: &str) -> Channel {
        Channel {
            name: name.into(),
            kind: ChannelKind::Clipboard,
            timeout: Duration::from_secs(10),
            retries: 3,
        }
    }

    #[test]
    fn a_message_goes_to_the_channel_it_names_else_the_default() {
        let channels = Channels {
            list: vec![channel("ops"), channel("customers")],
            default: Some("ops".into()),
        };
        assert_eq!(
            channels.resolve(Some("customers")).map(|c| &c.name),
            Ok(&"customers".into())
        );
        assert_eq!(channels.resolve(None).map(|c| &c.name), Ok(&"ops".into()));
        assert_eq!(
            channels.resolve(Some("pager")),
            Err(NoChannel::Unknown("pager".into()))
        );
        let no_default = Channels {
            default: None,
            ..channels
        };
        assert_eq!(no_default.resolve(None), Err(NoChannel::NoDefault));
        assert_eq!(
            Channels::default().resolve(Some("ops")),
            Err(NoChannel::NoneConfigured)
        );
    }
}
