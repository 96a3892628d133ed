//! A command's environment (a gate's, a command target's) resolved when it runs: references read
//! from the cockpit's environment or a file, at the last moment, so that secrets
//! live only in the gate's process and in memory long enough to mask its output.

use std::collections::BTreeMap;

use crate::domain::playbook::EnvValue;

/// The variables to set, and the values that must not be seen in the output.
#[derive(Debug, Default)]
pub struct ResolvedEnv {
    pub vars: BTreeMap<String, String>,
    /// Every value that came from a reference.
    pub secrets: Vec<String>,
}

/// Why a reference of a gate's `env` has no value. It names the variable and
/// where it was looked for, never a value.
#[derive(Debug)]
pub enum EnvError {
    NotSet {
        name: String,
        var: String,
    },
    NotUnicode {
        name: String,
        var: String,
    },
    Unreadable {
        name: String,
        path: std::path::PathBuf,
        error: std::io::Error,
    },
}

impl std::fmt::Display for EnvError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotSet { name, var } => write!(
                f,
                "env `{name}`: the environment variable `{var}` is not set in the cockpit's environment"
            ),
            Self::NotUnicode { name, var } => write!(
                f,
                "env `{name}`: the environment variable `{var}` is not valid UTF-8"
            ),
            Self::Unreadable { name, path, error } => {
                write!(f, "env `{name}`: cannot read {}: {error}", path.display())
            }
        }
    }
}

impl std::error::Error for EnvError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Unreadable { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// Resolves every reference; the first that cannot be resolved is the reason
/// the gate fails. The reason names the variable and where it was looked for,
/// never a value.
pub fn resolve(env: &BTreeMap<String, EnvValue>) -> Result<ResolvedEnv, EnvError> {
    let mut resolved = ResolvedEnv::default();
    for (name, value) in env {
        let text = match value {
            EnvValue::Literal(text) => {
                resolved.vars.insert(name.clone(), text.clone());
                continue;
            }
            EnvValue::FromEnv(var) => match std::env::var(var) {
                Ok(text) => text,
                Err(std::env::VarError::NotPresent) => {
                    return Err(EnvError::NotSet {
                        name: name.clone(),
                        var: var.clone(),
                    });
                }
                Err(std::env::VarError::NotUnicode(_)) => {
                    return Err(EnvError::NotUnicode {
                        name: name.clone(),
                        var: var.clone(),
                    });
                }
            },
            EnvValue::File(path) => match std::fs::read_to_string(path) {
                // One trailing newline is the file's, not the secret's.
                Ok(text) => text
                    .strip_suffix('\n')
                    .map(|t| t.strip_suffix('\r').unwrap_or(t))
                    .unwrap_or(&text)
                    .to_owned(),
                Err(error) => {
                    return Err(EnvError::Unreadable {
                        name: name.clone(),
                        path: path.clone(),
                        error,
                    });
                }
            },
        };
        resolved.secrets.push(text.clone());
        resolved.vars.insert(name.clone(), text);
    }
    Ok(resolved)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unresolved_reference_names_the_variable_and_where_it_looked() {
        let env = |value| BTreeMap::from([("TOKEN".to_owned(), value)]);
        let told = |value| {
            resolve(&env(value))
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default()
        };
        assert_eq!(
            told(EnvValue::FromEnv("RELEASE_COCKPIT_TEST_UNSET_VAR".into())),
            "env `TOKEN`: the environment variable `RELEASE_COCKPIT_TEST_UNSET_VAR` is not set in the cockpit's environment"
        );
        let missing = std::path::PathBuf::from("/nonexistent/release-cockpit/token");
        assert_eq!(
            told(EnvValue::File(missing)),
            "env `TOKEN`: cannot read /nonexistent/release-cockpit/token: No such file or directory (os error 2)"
        );
    }
}
