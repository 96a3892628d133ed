//! What a config file may contain. Unknown keys are errors, never ignored.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use toml::Spanned;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub operator: OperatorConfig,
    pub ui: UiConfig,
    /// Command name -> keys; replaces that command's default keys.
    pub keys: BTreeMap<Spanned<String>, Spanned<KeyList>>,
    pub log: LogConfig,
    /// Role name -> the operators in it; approval steps accept only members of
    /// their role when the role is listed here.
    pub roles: BTreeMap<String, Vec<String>>,
    /// `[[train]]`: release trains on the calendar.
    #[serde(rename = "train")]
    pub trains: Vec<TrainConfig>,
    /// `[[blackout]]`: days no train releases on.
    #[serde(rename = "blackout")]
    pub blackouts: Vec<BlackoutConfig>,
    /// `[[target]]`: what a release deploys to.
    #[serde(rename = "target")]
    pub targets: Vec<TargetConfig>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetConfig {
    pub name: Spanned<String>,
    /// Only `kubernetes` for now.
    pub kind: Spanned<String>,
    /// A kubeconfig file, relative to the config file; `KUBECONFIG` or
    /// `~/.kube/config` when unset.
    pub kubeconfig: Option<Spanned<String>>,
    pub context: Option<String>,
    pub namespace: Option<String>,
    pub deployment: Option<Spanned<String>>,
    pub selector: Option<Spanned<String>>,
    pub container: Option<String>,
    /// The image to deploy, with `{version}` standing for the release version.
    pub image: Option<Spanned<String>>,
    /// The playbook deploy steps' `environment` this target serves; its
    /// namespace when unset.
    pub environment: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainConfig {
    pub name: Spanned<String>,
    /// Release type: patch, minor, major, hotfix, emergency.
    #[serde(rename = "type")]
    pub kind: Spanned<String>,
    pub playbook: Option<Spanned<String>>,
    /// IANA zone the cadence is kept in.
    pub timezone: Spanned<String>,
    /// The first release, `YYYY-MM-DD HH:MM` in `timezone`; anchors the rule.
    pub start: Spanned<String>,
    /// RFC 5545 recurrence rule: `FREQ=WEEKLY;INTERVAL=2;BYDAY=TU`.
    pub rrule: Spanned<String>,
    pub freeze: Option<Spanned<String>>,
    pub announce: Option<Spanned<String>>,
    pub notice: Option<Spanned<String>>,
    pub window: Option<Spanned<String>>,
    #[serde(default)]
    pub merge_freeze: bool,
    pub on_blackout: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlackoutConfig {
    pub name: Spanned<String>,
    /// One day, or use `from` and `to` (inclusive).
    pub date: Option<Spanned<String>>,
    pub from: Option<Spanned<String>>,
    pub to: Option<Spanned<String>>,
    /// Only these trains; every train when empty.
    #[serde(default)]
    pub trains: Vec<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OperatorConfig {
    /// Who is at the keyboard; `$USER` when unset.
    pub name: Option<String>,
    /// IANA zone for times on screen; the system zone when unset.
    pub timezone: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UiConfig {
    pub theme: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    pub level: Option<Spanned<String>>,
}

/// One key (`"q"`) or several (`["q", "ctrl-c"]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyList(pub Vec<String>);

impl<'de> Deserialize<'de> for KeyList {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyListVisitor;

        impl<'de> Visitor<'de> for KeyListVisitor {
            type Value = KeyList;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key like \"q\" or a list of keys like [\"q\", \"ctrl-c\"]")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<KeyList, E> {
                Ok(KeyList(vec![v.to_owned()]))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<KeyList, A::Error> {
                let mut keys = Vec::new();
                while let Some(key) = seq.next_element::<String>()? {
                    keys.push(key);
                }
                Ok(KeyList(keys))
            }
        }

        deserializer.deserialize_any(KeyListVisitor)
    }
}

pub const LOG_LEVELS: &[&str] = &["error", "warn", "info", "debug", "trace"];
