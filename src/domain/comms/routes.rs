//! `[[signal]] notify`: which channel hears of a signal's warn rule and
//! which of its critical rule, each once per firing and once when it clears.

use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Warn,
    Critical,
}

impl Level {
    pub fn name(self) -> &'static str {
        match self {
            Self::Warn => "warn",
            Self::Critical => "critical",
        }
    }
}

/// Signal name -> level -> channel name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlertRoutes {
    pub by_signal: BTreeMap<String, BTreeMap<Level, String>>,
}

impl AlertRoutes {
    pub fn channel(&self, signal: &str, level: Level) -> Option<&str> {
        self.by_signal.get(signal)?.get(&level).map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.by_signal.is_empty()
    }
}

/// What an alert message is about, per signal and level: its key's middle.
pub fn about(signal: &str, level: Level) -> String {
    format!("{}:{signal}", level.name())
}
