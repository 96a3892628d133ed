//! `{name}` variables in commands, `env` values, working directories, gates
//! and step instructions: `npm run deploy -- --tag v{version}`.
//!
//! Only `{identifier}` is a variable, so a shell's `${HOME}` and JSON such as
//! `'{"ref": "main"}'` pass through untouched; `{{` and `}}` write a brace
//! (`}}` only after a `{{`, so nested JSON such as `{"a":{"b":1}}` is kept).

use std::collections::BTreeMap;
use std::fmt;

/// Every variable a text may name.
pub const NAMES: [&str; 7] = [
    "version",
    "previous_version",
    "release",
    "target",
    "environment",
    "component",
    "image",
];

/// The values at hand where a text is used; a known name without a value
/// here cannot be substituted (a target with no `image`, say).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vars {
    values: BTreeMap<&'static str, String>,
}

impl Vars {
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `name` (one of [`NAMES`]); an unknown name is ignored, as no text
    /// that passed [`check`] can use it.
    pub fn set(mut self, name: &str, value: impl Into<String>) -> Self {
        if let Some(known) = NAMES.iter().find(|n| **n == name) {
            self.values.insert(known, value.into());
        }
        self
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }
}

/// A `{name}` that is no variable, or that has no value where it is used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VarError {
    Unknown {
        name: String,
        /// Byte offset of the `{` in the text.
        offset: usize,
    },
    NoValue {
        name: String,
        offset: usize,
    },
}

impl VarError {
    pub fn offset(&self) -> usize {
        match self {
            Self::Unknown { offset, .. } | Self::NoValue { offset, .. } => *offset,
        }
    }

    pub fn name(&self) -> &str {
        match self {
            Self::Unknown { name, .. } | Self::NoValue { name, .. } => name,
        }
    }
}

impl fmt::Display for VarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unknown { name, .. } => write!(
                f,
                "`{{{name}}}` is not a variable: use one of {}, or write {{{{ and }}}} for braces",
                NAMES.map(|n| format!("{{{n}}}")).join(", ")
            ),
            Self::NoValue { name, .. } => write!(f, "`{{{name}}}` has no value here"),
        }
    }
}

impl std::error::Error for VarError {}

/// One piece of a text: as written, or a variable.
enum Piece<'a> {
    Text(&'a str),
    Var { name: &'a str, offset: usize },
}

/// Splits a text into literal runs and `{identifier}` variables.
fn pieces(text: &str) -> Vec<Piece<'_>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    // `{{` escapes still waiting for their `}}`.
    let mut open = 0usize;
    while i < bytes.len() {
        match bytes[i] {
            b'{' if bytes.get(i + 1) == Some(&b'{') => {
                out.push(Piece::Text(&text[start..=i]));
                open += 1;
                i += 2;
                start = i;
            }
            b'}' if bytes.get(i + 1) == Some(&b'}') && open > 0 => {
                out.push(Piece::Text(&text[start..=i]));
                open -= 1;
                i += 2;
                start = i;
            }
            b'{' if i == 0 || bytes[i - 1] != b'$' => {
                let rest = &text[i + 1..];
                let len = rest
                    .bytes()
                    .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
                    .count();
                let is_name = len > 0
                    && rest.as_bytes().get(len) == Some(&b'}')
                    && !rest.as_bytes()[0].is_ascii_digit();
                if is_name {
                    out.push(Piece::Text(&text[start..i]));
                    out.push(Piece::Var {
                        name: &rest[..len],
                        offset: i,
                    });
                    i += len + 2;
                    start = i;
                } else {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    out.push(Piece::Text(&text[start..]));
    out
}

/// Every variable the text names is one of [`NAMES`].
pub fn check(text: &str) -> Result<(), VarError> {
    for piece in pieces(text) {
        if let Piece::Var { name, offset } = piece
            && !NAMES.contains(&name)
        {
            return Err(VarError::Unknown {
                name: name.to_owned(),
                offset,
            });
        }
    }
    Ok(())
}

/// The variables the text names, in order, each once.
pub fn named(text: &str) -> Vec<&str> {
    let mut names = Vec::new();
    for piece in pieces(text) {
        if let Piece::Var { name, .. } = piece
            && !names.contains(&name)
        {
            names.push(name);
        }
    }
    names
}

/// The text with every variable replaced by its value.
pub fn substitute(text: &str, vars: &Vars) -> Result<String, VarError> {
    let mut out = String::with_capacity(text.len());
    for piece in pieces(text) {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Var { name, offset } => {
                if !NAMES.contains(&name) {
                    return Err(VarError::Unknown {
                        name: name.to_owned(),
                        offset,
                    });
                }
                let value = vars.get(name).ok_or_else(|| VarError::NoValue {
                    name: name.to_owned(),
                    offset,
                })?;
                out.push_str(value);
            }
        }
    }
    Ok(out)
}

/// As [`substitute`], leaving a variable without a value as written: for text
/// a person reads (step instructions), where a gap is better than nothing.
pub fn substitute_known(text: &str, vars: &Vars) -> String {
    let mut out = String::with_capacity(text.len());
    for piece in pieces(text) {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Var { name, .. } => match vars.get(name) {
                Some(value) => out.push_str(value),
                None => {
                    out.push('{');
                    out.push_str(name);
                    out.push('}');
                }
            },
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> Vars {
        Vars::new()
            .set("version", "2.4.0")
            .set("previous_version", "2.3.1")
            .set("target", "web")
    }

    #[test]
    fn variables_are_replaced_and_everything_else_is_kept() {
        let text = r#"deploy --tag v{version} --from {previous_version} '{"svc": "{target}"}' ${HOME} {{x}}"#;
        assert_eq!(
            substitute(text, &vars()).as_deref(),
            Ok(r#"deploy --tag v2.4.0 --from 2.3.1 '{"svc": "web"}' ${HOME} {x}"#)
        );
        assert_eq!(named(text), ["version", "previous_version", "target"]);
    }

    #[test]
    fn an_unknown_name_is_an_error_at_its_brace() {
        let error = check("npm run deploy -- {verison}").unwrap_err();
        assert_eq!(error.offset(), 18);
        assert!(error.to_string().contains("`{verison}` is not a variable"));
        assert!(error.to_string().contains("{previous_version}"));
        assert!(check("{1} {a-b} { version } $ {}").is_ok(), "not names");
    }

    #[test]
    fn a_known_name_without_a_value_is_refused_or_kept() {
        assert_eq!(
            substitute("push {image}", &vars()),
            Err(VarError::NoValue {
                name: "image".into(),
                offset: 5
            })
        );
        assert_eq!(
            substitute_known("cut release/v{version} for {image}", &vars()),
            "cut release/v2.4.0 for {image}"
        );
    }

    #[test]
    fn nested_json_keeps_its_closing_braces() {
        assert_eq!(
            substitute(
                r#"curl -d '{"svc":{"tag":"{version}"}}' {{literal}}"#,
                &vars()
            )
            .as_deref(),
            Ok(r#"curl -d '{"svc":{"tag":"2.4.0"}}' {literal}"#)
        );
    }

    #[test]
    fn text_with_multibyte_characters_is_split_on_boundaries() {
        assert_eq!(
            substitute("→ {version} ✓ {{", &vars()).as_deref(),
            Ok("→ 2.4.0 ✓ {")
        );
    }
}
