//! `{name}` variables in a playbook's gates and instructions, checked when the
//! playbook loads: an unknown name is an error at the line it is written on,
//! with the names there are, long before a gate would fail on release day.

use std::ops::Range;

use super::error::{ConfigError, closest};
use crate::domain::playbook::{Step, StepKind, provides};
use crate::domain::vars::{self, NAMES, Vars};

/// One text of a step that may hold variables: its field (`run`,
/// `env.RELEASE`), its value, and the span of the value in the file.
pub(super) struct StepText {
    pub field: String,
    pub value: String,
    pub span: Range<usize>,
}

/// Fields a person reads: a variable without a value is shown as written.
const READ_FIELDS: [&str; 2] = ["title", "instructions"];

/// An error for each unknown name in each text, at the name itself.
pub(super) fn unknown_variables(
    file: &str,
    source: &str,
    step: &str,
    texts: &[StepText],
) -> Vec<ConfigError> {
    let mut errors = Vec::new();
    for text in texts {
        for name in vars::named(&text.value) {
            if NAMES.contains(&name) {
                continue;
            }
            let span = name_span(source, &text.span, name);
            errors.push(
                ConfigError::new(
                    file,
                    format!(
                        "step `{step}`: `{{{name}}}` in `{}` is not a variable",
                        text.field
                    ),
                    format!(
                        "use one of {}; for a brace the text itself needs, write {{{{ and }}}} (`{{{{{name}}}}}` gives `{{{name}}}`)",
                        NAMES.map(|n| format!("{{{n}}}")).join(", ")
                    ),
                )
                .key(format!("phase.step.{}", text.field))
                .suggestion(closest(name, &NAMES).map(|s| format!("did you mean `{{{s}}}`?")))
                .at(source, Some(span)),
            );
        }
    }
    errors
}

/// An error for each variable a gate of this step can never fill in (a
/// command that names `{environment}` but deploys nowhere): the gate would
/// fail every time it ran.
pub(super) fn valueless_variables(
    file: &str,
    source: &str,
    step: &Step,
    texts: &[StepText],
) -> Vec<ConfigError> {
    let mut errors = Vec::new();
    for text in texts
        .iter()
        .filter(|t| !READ_FIELDS.contains(&t.field.as_str()))
    {
        for name in vars::named(&text.value) {
            if !NAMES.contains(&name) || provides(step, name) {
                continue;
            }
            let (why, fix) = match name {
                "environment" if matches!(step.kind, StepKind::Command(_)) => (
                    "the step names no environment",
                    "add `environment = \"production\"` (where the command deploys), or write the value itself",
                ),
                "environment" => (
                    "only a deploying step names an environment",
                    "write the value itself",
                ),
                "target" => (
                    "only a `deploy` step names a target",
                    "write the target's name itself",
                ),
                _ => (
                    "it belongs to a target's deploy, not to a playbook step",
                    "write the value itself",
                ),
            };
            errors.push(
                ConfigError::new(
                    file,
                    format!(
                        "step `{}`: `{{{name}}}` in `{}` never has a value here: {why}, so the gate would fail every time",
                        step.id, text.field
                    ),
                    fix,
                )
                .key(format!("phase.step.{}", text.field))
                .at(source, Some(name_span(source, &text.span, name))),
            );
        }
    }
    errors
}

/// Where `{name}` is written inside the value's span, so that the error
/// points at its line in a multi-line text; the whole value when it is
/// written some other way (an escape).
fn name_span(source: &str, value: &Range<usize>, name: &str) -> Range<usize> {
    let Some(raw) = source.get(value.clone()) else {
        return value.clone();
    };
    let written = format!("{{{name}}}");
    raw.match_indices(&written)
        // `{{name}}` is an escaped brace, not the variable.
        .find(|(at, _)| {
            let escaped = raw[..*at].ends_with('{') && raw[at + written.len()..].starts_with('}');
            !escaped
        })
        .map_or_else(
            || value.clone(),
            |(at, _)| value.start + at..value.start + at + written.len(),
        )
}

/// Every variable with a stand-in value: what a URL with variables looks
/// like when it runs, for checking its shape at load time.
pub(super) fn stand_ins() -> Vars {
    NAMES
        .iter()
        .fold(Vars::new(), |vars, name| vars.set(name, "x"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_name_is_pointed_at_on_its_own_line() {
        let source =
            "instructions = \"\"\"\nfirst {{verison}}\nthen {verison} and {version}\n\"\"\"\n";
        let start = source.find("\"\"\"").unwrap_or(0);
        let texts = [StepText {
            field: "instructions".into(),
            value: "first {{verison}}\nthen {verison} and {version}\n".into(),
            span: start..source.len() - 1,
        }];
        let errors = unknown_variables("p.toml", source, "cut", &texts);
        let [error] = errors.as_slice() else {
            panic!("one error: {errors:?}")
        };
        let location = error.location.as_ref().map(|l| (l.line, l.column, l.width));
        assert_eq!(location, Some((3, 6, 9)));
        assert_eq!(error.key.as_deref(), Some("phase.step.instructions"));
        assert_eq!(
            error.suggestion.as_deref(),
            Some("did you mean `{version}`?")
        );
        assert!(error.fix.contains("{previous_version}"), "{}", error.fix);
    }

    #[test]
    fn known_names_braces_and_shell_variables_pass() {
        let texts = [StepText {
            field: "run".into(),
            value: r#"echo ${HOME} '{"ref": "main"}' {{x}} {version} {image}"#.into(),
            span: 0..0,
        }];
        assert!(unknown_variables("p.toml", "", "s", &texts).is_empty());
    }
}
