//! Command targets: platforms driven by their own CLI (Render, Coolify, npm
//! scripts, docker-compose). A deploy or a rollback runs the configured
//! commands in order; the version the target runs is what its last
//! successful one set, kept in its ledger, unless its `status` command says.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use crate::domain::playbook::EnvValue;
use crate::domain::rollout::CommandTemplates;

pub mod env;
pub mod ledger;
pub mod run;
pub mod status;
pub mod watch;

/// A `[[target]] kind = "command"`, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandTarget {
    pub name: String,
    /// The playbook deploy steps' environment it serves.
    pub environment: String,
    /// `deploy`, `rollback` and `image`, variables unsubstituted.
    pub templates: CommandTemplates,
    pub status: Option<String>,
    pub status_interval: Duration,
    /// Where the commands run (variables unsubstituted); the config file's
    /// directory when unset, and relative paths are taken from there.
    pub workdir: Option<String>,
    /// The config file's directory.
    pub base: PathBuf,
    pub env: BTreeMap<String, EnvValue>,
    /// For each command; then its process group is killed.
    pub timeout: Duration,
}

impl CommandTarget {
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);
    pub const DEFAULT_STATUS_INTERVAL: Duration = Duration::from_secs(30);

    /// Its `env` with the variables filled into the literals; references
    /// are read as they are, when the command runs. The error names the
    /// variable's entry.
    pub fn env_with(
        &self,
        vars: &crate::domain::vars::Vars,
    ) -> Result<BTreeMap<String, EnvValue>, String> {
        let mut env = self.env.clone();
        for (name, value) in &mut env {
            if let EnvValue::Literal(text) = value {
                *text = crate::domain::vars::substitute(text, vars)
                    .map_err(|e| format!("env `{name}`: {e}"))?;
            }
        }
        Ok(env)
    }

    /// The working directory for these variables.
    pub fn workdir(
        &self,
        vars: &crate::domain::vars::Vars,
    ) -> Result<PathBuf, crate::domain::vars::VarError> {
        match &self.workdir {
            None => Ok(self.base.clone()),
            Some(dir) => Ok(self.base.join(crate::domain::vars::substitute(dir, vars)?)),
        }
    }
}
