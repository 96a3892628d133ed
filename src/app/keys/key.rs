//! Key presses as the core sees them, independent of the terminal library, and the
//! text notation used in config files (`"q"`, `"shift-tab"`, `"ctrl-z"`).

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyCode {
    /// A printable character; shift is already folded in (`'Q'`, `'?'`).
    Char(char),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Delete,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
    F(u8),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl Key {
    pub const fn plain(code: KeyCode) -> Self {
        Self {
            code,
            ctrl: false,
            alt: false,
        }
    }

    pub const fn char(c: char) -> Self {
        Self::plain(KeyCode::Char(c))
    }

    pub const fn ctrl(c: char) -> Self {
        Self {
            code: KeyCode::Char(c),
            ctrl: true,
            alt: false,
        }
    }

    /// The character this key types into a text field, if it types one.
    pub fn typed_char(&self) -> Option<char> {
        match self.code {
            KeyCode::Char(c) if !self.ctrl && !self.alt => Some(c),
            _ => None,
        }
    }
}

const NAMED: &[(&str, KeyCode)] = &[
    ("enter", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("shift-tab", KeyCode::BackTab),
    ("backspace", KeyCode::Backspace),
    ("delete", KeyCode::Delete),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("pageup", KeyCode::PageUp),
    ("pagedown", KeyCode::PageDown),
    ("space", KeyCode::Char(' ')),
];

/// Extra spellings people type; they parse but are never printed.
const ALIASES: &[(&str, KeyCode)] = &[
    ("return", KeyCode::Enter),
    ("escape", KeyCode::Esc),
    ("backtab", KeyCode::BackTab),
    ("del", KeyCode::Delete),
    ("pgup", KeyCode::PageUp),
    ("pgdown", KeyCode::PageDown),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyParseError {
    pub input: String,
    pub reason: String,
}

impl fmt::Display for KeyParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not a key: {}", self.input, self.reason)
    }
}

impl std::error::Error for KeyParseError {}

impl FromStr for Key {
    type Err = KeyParseError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let fail = |reason: &str| KeyParseError {
            input: input.to_owned(),
            reason: reason.to_owned(),
        };
        if input.is_empty() {
            return Err(fail("it is empty"));
        }
        let mut rest = input;
        let mut key = Key::plain(KeyCode::Esc);
        // Modifiers are prefixes; a lone "-" is the minus key, not a separator.
        loop {
            let lower = rest.to_ascii_lowercase();
            if let Some(tail) = lower.strip_prefix("ctrl-").filter(|t| !t.is_empty()) {
                key.ctrl = true;
                rest = &rest[rest.len() - tail.len()..];
            } else if let Some(tail) = lower.strip_prefix("alt-").filter(|t| !t.is_empty()) {
                key.alt = true;
                rest = &rest[rest.len() - tail.len()..];
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        if let (Some(c), None) = (chars.next(), chars.next()) {
            // Ctrl combinations arrive lower-case from terminals.
            key.code = KeyCode::Char(if key.ctrl { c.to_ascii_lowercase() } else { c });
            return Ok(key);
        }
        let lower = rest.to_ascii_lowercase();
        if let Some((_, code)) = NAMED.iter().chain(ALIASES).find(|(name, _)| *name == lower) {
            key.code = *code;
            return Ok(key);
        }
        if let Some(n) = lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok())
            && (1..=12).contains(&n)
        {
            key.code = KeyCode::F(n);
            return Ok(key);
        }
        Err(fail(
            "use one character (`q`, `?`, `Q`), a name (enter, esc, tab, shift-tab, space, up, down, \
             left, right, home, end, pageup, pagedown, backspace, delete, f1-f12), \
             optionally after `ctrl-` or `alt-`",
        ))
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("ctrl-")?;
        }
        if self.alt {
            f.write_str("alt-")?;
        }
        match self.code {
            KeyCode::F(n) => write!(f, "f{n}"),
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            code => {
                let name = NAMED
                    .iter()
                    .find(|(_, c)| *c == code)
                    .map_or("?", |(name, _)| name);
                f.write_str(name)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_round_trip() {
        for text in [
            "q",
            "Q",
            "?",
            ":",
            "1",
            "tab",
            "shift-tab",
            "ctrl-z",
            "alt-x",
            "space",
            "enter",
            "f5",
            "-",
            "ctrl--",
            "pagedown",
        ] {
            let key: Key = text.parse().unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(key.to_string(), text, "round trip of {text}");
        }
    }

    #[test]
    fn aliases_and_case_fold_to_one_key() {
        assert_eq!("Escape".parse::<Key>(), "esc".parse::<Key>());
        assert_eq!("CTRL-Z".parse::<Key>(), Ok(Key::ctrl('z')));
        assert_eq!("backtab".parse::<Key>(), Ok(Key::plain(KeyCode::BackTab)));
    }

    #[test]
    fn rejects_nonsense_with_a_reason() {
        for bad in ["", "ctrl-", "foo", "f13", "shift"] {
            let err = bad.parse::<Key>().expect_err(bad);
            assert!(err.to_string().contains("is not a key"), "{err}");
        }
    }
}
