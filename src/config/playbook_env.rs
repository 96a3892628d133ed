//! A command step's `env` table: literals for non-secrets, references for
//! secrets (`{ from_env = "NAME" }` or `{ file = "path" }`), checked with the
//! line and a fix. A literal under a secret-looking name is refused, so that no
//! secret is written into the playbook and, from there, into a release's journal.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use toml::{Spanned, Value};

use crate::domain::playbook::{EnvValue, looks_secret};

/// What `env` may hold, as read from the file (values with their spans).
pub(super) type RawEnv = BTreeMap<String, Spanned<Value>>;

/// A problem with its span, wording and fix, as `convert_step` collects them.
pub(super) type EnvProblem = (Range<usize>, String, String);

const REFERENCE_FIX: &str = "write `{ from_env = \"NAME\" }` (a variable of the cockpit's environment) or `{ file = \"path\" }` (relative to the playbook file's directory)";

/// The gate's environment; `base` is the directory of the playbook file, for
/// relative `file` references.
pub(super) fn convert_env(
    raw: &RawEnv,
    base: &Path,
) -> Result<BTreeMap<String, EnvValue>, Vec<EnvProblem>> {
    convert_table("env", raw, base)
}

/// [`convert_env`] for another table of references (`what`: a channel's
/// `headers`).
pub(super) fn convert_table(
    what: &str,
    raw: &RawEnv,
    base: &Path,
) -> Result<BTreeMap<String, EnvValue>, Vec<EnvProblem>> {
    let mut env = BTreeMap::new();
    let mut problems = Vec::new();
    for (name, value) in raw {
        match convert_one(what, name, value, base) {
            Ok(value) => {
                env.insert(name.clone(), value);
            }
            Err((problem, fix)) => problems.push((value.span(), problem, fix)),
        }
    }
    if problems.is_empty() {
        Ok(env)
    } else {
        Err(problems)
    }
}

/// The literal values written under secret-looking names: refused, and kept
/// out of the error that refuses them.
pub(super) fn secret_literals(raw: &RawEnv) -> Vec<String> {
    raw.iter()
        .filter(|(name, _)| looks_secret(name))
        .filter_map(|(_, value)| value.get_ref().as_str().map(str::to_owned))
        .collect()
}

/// One value: a literal (refused under a secret-looking name) or a
/// reference; `what` names where it is in the messages (`env`, `channel`).
pub(super) fn convert_one(
    what: &str,
    name: &str,
    value: &Spanned<Value>,
    base: &Path,
) -> Result<EnvValue, (String, String)> {
    match value.get_ref() {
        // The value is never repeated in the message: it may be the secret.
        Value::String(_) if looks_secret(name) => Err((
            format!(
                "{what} `{name}` has a literal value, and its name looks like a secret's; {}",
                if what == "env" {
                    "a literal would be copied into every release's journal"
                } else {
                    "a literal would sit in the config, which gets shared and committed"
                }
            ),
            format!(
                "use {{ from_env = \"{name}\" }} (or {{ file = \"...\" }}) and keep the value outside the playbook"
            ),
        )),
        Value::String(text) => Ok(EnvValue::Literal(text.clone())),
        Value::Table(table) => {
            let from_env = table.get("from_env");
            let file = table.get("file");
            let unknown: Vec<&str> = table
                .keys()
                .map(String::as_str)
                .filter(|k| *k != "from_env" && *k != "file")
                .collect();
            if !unknown.is_empty() {
                return Err((
                    format!(
                        "{what} `{name}`: unknown key `{}` in the reference",
                        unknown.join("`, `")
                    ),
                    REFERENCE_FIX.to_owned(),
                ));
            }
            match (from_env, file) {
                (Some(Value::String(var)), None) if !var.is_empty() => {
                    Ok(EnvValue::FromEnv(var.clone()))
                }
                (None, Some(Value::String(path))) if !path.is_empty() => {
                    Ok(EnvValue::File(base.join(path)))
                }
                (Some(_), Some(_)) => Err((
                    format!("{what} `{name}` has both `from_env` and `file`"),
                    "keep one of them".to_owned(),
                )),
                _ => Err((
                    format!(
                        "{what} `{name}`: a reference needs a non-empty `from_env` or `file` text"
                    ),
                    REFERENCE_FIX.to_owned(),
                )),
            }
        }
        other => Err((
            format!(
                "{what} `{name}` is not a text or a reference (it is a {} value)",
                other.type_str()
            ),
            format!("write `{name} = \"text\"` for a non-secret, or {REFERENCE_FIX}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use crate::config::parse_playbook;
    use crate::domain::playbook::{EnvValue, StepKind};

    fn playbook(env: &str) -> String {
        format!(
            "name = \"p\"\n\n[[phase]]\nname = \"one\"\n\n[[phase.step]]\nid = \"deploy\"\ntitle = \"Deploy\"\nat = \"T-0\"\nkind = \"command\"\nrun = \"true\"\nenv = {env}\n"
        )
    }

    #[test]
    fn a_literal_under_a_secret_name_is_an_error_with_line_and_fix_without_the_value() {
        let text = playbook("{ RUST_LOG = \"info\", DEPLOY_Token = \"s3cr3t-xyz\" }");
        let errors = parse_playbook("/etc/playbooks/p.toml", &text).unwrap_err();
        let [error] = errors.0.as_slice() else {
            panic!("one error: {errors}")
        };
        assert_eq!(error.location.as_ref().map(|l| l.line), Some(12));
        assert!(
            error
                .problem
                .contains("env `DEPLOY_Token` has a literal value"),
            "{}",
            error.problem
        );
        assert!(
            error.fix.contains("from_env = \"DEPLOY_Token\""),
            "{}",
            error.fix
        );
        let shown = errors.to_string();
        assert!(!shown.contains("s3cr3t-xyz"), "{shown}");
    }

    #[test]
    fn references_and_plain_literals_parse_with_files_relative_to_the_playbook() {
        let text = playbook(
            "{ RUST_LOG = \"info\", TOKEN = { from_env = \"DEPLOY_TOKEN\" }, CERT_KEY = { file = \"secrets/key\" }, CA = { file = \"/abs/ca\" } }",
        );
        let playbook = parse_playbook("/etc/playbooks/p.toml", &text).unwrap();
        let Some((_, step)) = playbook.steps().next() else {
            panic!("a step")
        };
        let StepKind::Command(gate) = &step.kind else {
            panic!("a command")
        };
        assert_eq!(gate.env["RUST_LOG"], EnvValue::Literal("info".into()));
        assert_eq!(gate.env["TOKEN"], EnvValue::FromEnv("DEPLOY_TOKEN".into()));
        assert_eq!(
            gate.env["CERT_KEY"],
            EnvValue::File("/etc/playbooks/secrets/key".into())
        );
        assert_eq!(gate.env["CA"], EnvValue::File("/abs/ca".into()));
    }

    #[test]
    fn a_malformed_reference_is_an_error_naming_the_variable() {
        for (env, wanted) in [
            (
                "{ TOKEN = { from = \"X\" } }",
                "env `TOKEN`: unknown key `from`",
            ),
            (
                "{ TOKEN = { from_env = \"X\", file = \"y\" } }",
                "both `from_env` and `file`",
            ),
            ("{ TOKEN = { from_env = \"\" } }", "needs a non-empty"),
            (
                "{ LEVEL = 3 }",
                "env `LEVEL` is not a text or a reference (it is a integer value)",
            ),
        ] {
            let errors = parse_playbook("p.toml", &playbook(env)).unwrap_err();
            assert!(errors.to_string().contains(wanted), "{env}: {errors}");
        }
    }
}
