//! A message template: Markdown with `{{name}}` placeholders and
//! `{{#name}}...{{/name}}` sections of text (kept when `name` has a value),
//! filled in one pass so that text coming in with a value is never filled
//! in again. An unknown name is a config error at its line
//! (`config/message_templates.rs`).

use std::collections::BTreeMap;
use std::ops::Range;

use crate::domain::template_sections::resolve;

/// The built-in templates, by name (`assets/templates/NAME.md`).
pub const NAMES: [&str; 7] = [
    "notice",
    "announce",
    "in-progress",
    "complete",
    "postponed",
    "alert",
    "alert-cleared",
];

/// Every name a template may use, with what it is.
pub const VARIABLES: [(&str, &str); 22] = [
    ("release", "the release's name and version: `modules 2.4.0`"),
    ("name", "the train or product name"),
    ("version", "the release's version"),
    ("type", "patch, minor, major, hotfix or emergency"),
    ("playbook", "the playbook's name"),
    ("t0", "T-0 in the operator's zone"),
    ("t0_utc", "T-0 in UTC"),
    ("t0_local", "T-0 in the release's own zone"),
    (
        "window",
        "how long the deployment window is open, if the train says",
    ),
    (
        "components",
        "a release of components: each one's name and version",
    ),
    (
        "features",
        "the features, from the notes when a [[repo]] is configured",
    ),
    (
        "fixes",
        "the fixes, from the notes when a [[repo]] is configured",
    ),
    ("summary", "the notes' one-line summary"),
    ("current_step", "the first required step not finished yet"),
    ("progress", "steps finished of all: `12/20`"),
    ("eta", "when the last step of the current phase is due"),
    ("signal", "alert and alert-cleared: the signal's name"),
    ("level", "alert and alert-cleared: warning or critical"),
    (
        "rule",
        "alert and alert-cleared: the rule, `error_rate > 5% for 2m`",
    ),
    ("value", "alert and alert-cleared: the signal's value"),
    ("since", "alert: since when the rule has held"),
    (
        "new_t0",
        "postponed: the new T-0 in the operator's zone, and in UTC",
    ),
];

/// The templates in use, by name, each with where it came from (a team's
/// file, or built in); `config/message_templates.rs` loads and checks them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Templates {
    by_name: BTreeMap<String, (String, String)>,
}

impl Templates {
    pub fn insert(&mut self, name: &str, text: String, origin: String) {
        self.by_name.insert(name.to_owned(), (text, origin));
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.by_name.get(name).map(|(text, _)| text.as_str())
    }

    /// Where `name`'s text came from: a file, or `built-in NAME.md`.
    pub fn origin(&self, name: &str) -> Option<&str> {
        self.by_name.get(name).map(|(_, origin)| origin.as_str())
    }

    /// Each template's name, text and origin.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str, &str)> {
        self.by_name
            .iter()
            .map(|(name, (text, origin))| (name.as_str(), text.as_str(), origin.as_str()))
    }
}

/// The `{{name}}`s of `text` that are not variables, with where they are.
pub fn unknown_names(text: &str) -> Vec<(Range<usize>, String)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find("{{").map(|i| from + i) {
        let Some(end) = text[at..].find("}}").map(|i| at + i) else {
            break;
        };
        let inner = text[at + 2..end].trim();
        let name = inner.trim_start_matches(['#', '^', '/']);
        if !VARIABLES.iter().any(|(known, _)| *known == name) {
            found.push((at..end + 2, name.to_owned()));
        }
        from = end + 2;
    }
    found
}

/// `template` filled with `values`; a name without a value is left empty
/// (and its sections dropped), an unknown one as written.
pub fn render(template: &str, values: &BTreeMap<&'static str, String>) -> String {
    let mut text = template.to_owned();
    for (name, _) in VARIABLES {
        let holds = values.get(name).is_some_and(|v| !v.is_empty());
        text = resolve(&text, name, holds);
    }
    let mut out = String::with_capacity(text.len() * 2);
    let mut rest = text.as_str();
    while let Some(at) = rest.find("{{") {
        out.push_str(&rest[..at]);
        let token = &rest[at..];
        let known = token.find("}}").and_then(|end| {
            let name = token[2..end].trim();
            VARIABLES
                .iter()
                .any(|(known, _)| *known == name)
                .then(|| (values.get(name).cloned().unwrap_or_default(), end))
        });
        match known {
            Some((value, end)) => {
                out.push_str(&value);
                rest = &token[end + 2..];
            }
            None => {
                out.push_str("{{");
                rest = &token[2..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_are_no_variable_are_found_with_where_they_are() {
        let text = "{{release}} at {{t0}}{{#features}}\n{{features}}{{/features}} {{nope}} {{#oops}}x{{/oops}}";
        let unknown = unknown_names(text);
        let names: Vec<&str> = unknown.iter().map(|(_, n)| n.as_str()).collect();
        assert_eq!(names, ["nope", "oops", "oops"]);
        assert_eq!(&text[unknown[0].0.clone()], "{{nope}}");
    }

    #[test]
    fn a_template_is_filled_once_and_empty_values_drop_their_sections() {
        let values: BTreeMap<&'static str, String> = [
            ("release", "modules 2.4.0".to_owned()),
            ("features", "- search as you type {{version}}".to_owned()),
            ("fixes", String::new()),
        ]
        .into_iter()
        .collect();
        let out = render(
            "{{release}}\n{{#features}}\nNew:\n{{features}}\n{{/features}}\n{{#fixes}}\nFixed:\n{{fixes}}\n{{/fixes}}\n{{^fixes}}\nNo fixes.\n{{/fixes}}\n{{version}}|{{unknown}}",
            &values,
        );
        assert_eq!(
            out,
            "modules 2.4.0\nNew:\n- search as you type {{version}}\nNo fixes.\n|{{unknown}}"
        );
    }
}
