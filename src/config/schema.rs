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
