//! The message templates: the built-in ones (`assets/templates/NAME.md`),
//! each replaced by the team's `templates/NAME.md` beside the config when
//! there is one. Every `{{name}}` must be a variable: one that is not is an
//! error at its file and line, with the names there are.

use std::path::Path;

use super::error::{ConfigError, ConfigErrors, closest};
use crate::domain::comms::template::{NAMES, Templates, VARIABLES, unknown_names};

const BUILT_IN: [(&str, &str); 7] = [
    ("notice", include_str!("../../assets/templates/notice.md")),
    (
        "announce",
        include_str!("../../assets/templates/announce.md"),
    ),
    (
        "in-progress",
        include_str!("../../assets/templates/in-progress.md"),
    ),
    (
        "complete",
        include_str!("../../assets/templates/complete.md"),
    ),
    (
        "postponed",
        include_str!("../../assets/templates/postponed.md"),
    ),
    ("alert", include_str!("../../assets/templates/alert.md")),
    (
        "alert-cleared",
        include_str!("../../assets/templates/alert-cleared.md"),
    ),
];

/// The built-in templates, with the team's from `dir` (its `templates/`
/// folder) in their place; every one checked.
pub fn load(dir: Option<&Path>) -> Result<Templates, ConfigErrors> {
    let mut templates = Templates::default();
    let mut errors = Vec::new();
    for (name, text) in BUILT_IN {
        templates.insert(name, text.to_owned(), format!("built-in {name}.md"));
    }
    for name in NAMES {
        let Some(path) = dir.map(|d| d.join(format!("{name}.md"))) else {
            continue;
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => templates.insert(name, text, path.display().to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => errors.push(ConfigError::new(
                &path.display().to_string(),
                format!("cannot read the message template: {e}"),
                "make it readable, or remove it to use the built-in one",
            )),
        }
    }
    for (_, text, origin) in templates.iter() {
        errors.extend(check(origin, text));
    }
    if errors.is_empty() {
        Ok(templates)
    } else {
        Err(ConfigErrors(errors))
    }
}

/// Each unknown `{{name}}` of a template, at its line.
fn check(file: &str, text: &str) -> Vec<ConfigError> {
    let known: Vec<&str> = VARIABLES.iter().map(|(name, _)| *name).collect();
    unknown_names(text)
        .into_iter()
        .map(|(span, name)| {
            ConfigError::new(
                file,
                format!("`{{{{{name}}}}}` is not a variable of a message"),
                format!("use one of {}", known.join(", ")),
            )
            .at(text, Some(span))
            .key(name.clone())
            .suggestion(closest(&name, &known).map(|s| format!("did you mean `{s}`?")))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_templates_use_only_variables() {
        let loaded = load(None).unwrap();
        for name in NAMES {
            assert!(loaded.get(name).is_some(), "{name}");
        }
    }

    #[test]
    fn a_teams_template_replaces_the_built_in_and_an_unknown_name_is_told_at_its_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("announce.md"),
            "Release {{version}}\nat {{t0_utc}}\n",
        )
        .unwrap();
        let loaded = load(Some(dir.path())).unwrap();
        assert_eq!(
            loaded.get("announce"),
            Some("Release {{version}}\nat {{t0_utc}}\n")
        );
        std::fs::write(
            dir.path().join("complete.md"),
            "Done.\n\n{{relase}} is out {{#fixes}}{{fixes}}{{/fixes}}\n",
        )
        .unwrap();
        let error = load(Some(dir.path())).unwrap_err().to_string();
        assert!(error.contains("complete.md, line 3"), "{error}");
        assert!(
            error.contains("`{{relase}}` is not a variable of a message"),
            "{error}"
        );
        assert!(error.contains("did you mean `release`?"), "{error}");
    }
}
