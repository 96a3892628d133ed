//! Config errors that say where, what was expected, and how to fix it.

use std::fmt;
use std::ops::Range;

use super::locate::{Location, locate};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The file, or a description such as "built-in demo config".
    pub file: String,
    pub location: Option<Location>,
    pub key: Option<String>,
    /// The playbook step the error is about.
    pub step: Option<String>,
    pub problem: String,
    pub expected: Option<String>,
    pub suggestion: Option<String>,
    pub fix: String,
}

/// All the problems found in one pass, so that a user fixes them in one go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl ConfigError {
    pub fn new(file: &str, problem: impl Into<String>, fix: impl Into<String>) -> Self {
        Self {
            file: file.to_owned(),
            location: None,
            key: None,
            step: None,
            problem: problem.into(),
            expected: None,
            suggestion: None,
            fix: fix.into(),
        }
    }

    /// Points the error at a span of the config text; the key comes from the line
    /// unless one was set already.
    pub fn at(mut self, source: &str, span: Option<Range<usize>>) -> Self {
        if let Some(span) = span {
            let location = locate(source, span);
            if self.key.is_none() {
                self.key.clone_from(&location.key);
            }
            self.location = Some(location);
        }
        self
    }

    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }

    pub fn expected(mut self, expected: impl Into<String>) -> Self {
        self.expected = Some(expected.into());
        self
    }

    pub fn suggestion(mut self, suggestion: Option<String>) -> Self {
        self.suggestion = suggestion;
        self
    }

    /// Builds an error from the TOML parser's or serde's complaint.
    pub fn from_toml(file: &str, source: &str, error: &toml::de::Error) -> Self {
        let message = error.message().trim();
        let base = Self::new(file, message, "correct the value at the marked place");
        let mut this = base.at(source, error.span());
        if let Some((unknown, expected)) = parse_unknown_field(message) {
            let section = this
                .key
                .as_deref()
                .and_then(|k| k.rsplit_once('.').map(|(s, _)| s.to_owned()));
            this.key = Some(match &section {
                Some(section) => format!("{section}.{unknown}"),
                None => unknown.clone(),
            });
            this.problem = format!("unknown key `{unknown}`");
            this.suggestion = closest(&unknown, &expected).map(|s| format!("did you mean `{s}`?"));
            this.fix = match &this.suggestion {
                Some(_) => "rename the key as suggested, or remove it".to_owned(),
                None => "remove the key; `release-cockpit check-config` lists what is allowed in config.example.toml".to_owned(),
            };
            if !expected.is_empty() {
                this.expected = Some(match expected.as_slice() {
                    [only] => only.clone(),
                    _ => format!("one of {}", expected.join(", ")),
                });
            }
        } else if let Some((_, expected)) = message.split_once(", expected ") {
            this.expected = Some(expected.to_owned());
            this.fix = format!("write {expected} here");
        }
        this
    }
}

/// serde's wording: "unknown field `x`, expected one of `a`, `b`" (or "expected `a`").
fn parse_unknown_field(message: &str) -> Option<(String, Vec<String>)> {
    let rest = message.strip_prefix("unknown field `")?;
    let (name, rest) = rest.split_once('`')?;
    let expected = rest
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect();
    Some((name.to_owned(), expected))
}

/// The candidate closest to `word`, when it is plausibly a typo of it.
pub fn closest<S: AsRef<str>>(word: &str, candidates: &[S]) -> Option<String> {
    candidates
        .iter()
        .map(|c| {
            (
                strsim::jaro_winkler(&word.to_lowercase(), &c.as_ref().to_lowercase()),
                c,
            )
        })
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c.as_ref().to_owned())
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}", self.file)?;
        if let Some(loc) = &self.location {
            write!(f, ", line {}, column {}", loc.line, loc.column)?;
        }
        if let Some(step) = &self.step {
            write!(f, ", step `{step}`")?;
        } else if let Some(key) = &self.key {
            write!(f, ", key `{key}`")?;
        }
        writeln!(f)?;
        writeln!(f, "  problem:  {}", self.problem)?;
        if let Some(expected) = &self.expected {
            writeln!(f, "  expected: {expected}")?;
        }
        if let Some(suggestion) = &self.suggestion {
            writeln!(f, "  {suggestion}")?;
        }
        if let Some(loc) = &self.location {
            let gutter = loc.line.to_string().len();
            writeln!(f, "  {:gutter$} |", "")?;
            writeln!(f, "  {} | {}", loc.line, loc.line_text)?;
            writeln!(
                f,
                "  {:gutter$} | {}{}",
                "",
                " ".repeat(loc.column - 1),
                "^".repeat(loc.width)
            )?;
        }
        write!(f, "  fix:      {}", self.fix)
    }
}

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
                writeln!(f)?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_serde_unknown_field_wording() {
        assert_eq!(
            parse_unknown_field("unknown field `themee`, expected `theme`"),
            Some(("themee".into(), vec!["theme".into()]))
        );
        assert_eq!(
            parse_unknown_field("unknown field `x`, expected one of `a`, `b`"),
            Some(("x".into(), vec!["a".into(), "b".into()]))
        );
        assert_eq!(parse_unknown_field("invalid type"), None);
    }

    #[test]
    fn closest_only_suggests_plausible_typos() {
        assert_eq!(closest("themee", &["theme", "keys"]), Some("theme".into()));
        assert_eq!(closest("zzz", &["theme", "keys"]), None);
    }
}
