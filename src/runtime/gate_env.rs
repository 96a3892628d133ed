//! A command gate's environment resolved when the gate runs: references read
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

/// Resolves every reference; the first that cannot be resolved is the reason
/// the gate fails. The reason names the variable and where it was looked for,
/// never a value.
pub fn resolve(env: &BTreeMap<String, EnvValue>) -> Result<ResolvedEnv, String> {
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
                    return Err(format!(
                        "env `{name}`: the environment variable `{var}` is not set in the cockpit's environment"
                    ));
                }
                Err(std::env::VarError::NotUnicode(_)) => {
                    return Err(format!(
                        "env `{name}`: the environment variable `{var}` is not valid UTF-8"
                    ));
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
                    return Err(format!(
                        "env `{name}`: cannot read {}: {}",
                        path.display(),
                        error
                    ));
                }
            },
        };
        resolved.secrets.push(text.clone());
        resolved.vars.insert(name.clone(), text);
    }
    Ok(resolved)
}
