//! `[[target]]` tables turned into the targets a release deploys to.

use std::path::{Path, PathBuf};

use super::error::{ConfigError, closest};
use super::schema::TargetConfig;
use super::source::LoadedConfig;
use crate::adapters::command::CommandTarget;
use crate::adapters::docker::DockerTarget;
use crate::adapters::kubernetes::{KubeTarget, Liveness};

const KINDS: [&str; 3] = ["kubernetes", "command", "docker"];

/// Every configured target, by kind.
#[derive(Debug, Clone, Default)]
pub struct Targets {
    pub kubernetes: Vec<KubeTarget>,
    pub command: Vec<CommandTarget>,
    pub docker: Vec<DockerTarget>,
}

impl Targets {
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.kubernetes
            .iter()
            .map(|t| t.name.as_str())
            .chain(self.command.iter().map(|t| t.name.as_str()))
            .chain(self.docker.iter().map(|t| t.name.as_str()))
    }
}

impl LoadedConfig {
    pub(super) fn targets(&self) -> Result<Targets, Vec<ConfigError>> {
        let mut errors = Vec::new();
        let mut targets = Targets::default();
        for (i, table) in self.config.targets.iter().enumerate() {
            let name = table.name.get_ref();
            if targets.names().any(|t| t == name) {
                errors.push(
                    self.error_at(
                        &table.name,
                        format!("two targets are named `{name}`"),
                        "give each [[target]] its own name",
                    )
                    .key(format!("target[{i}].name")),
                );
                continue;
            }
            if let Err(error) = self.target_name(i, table) {
                errors.push(*error);
                continue;
            }
            if table.kind.get_ref() == "command" {
                match self.command_target(i, table) {
                    Ok(target) => targets.command.push(target),
                    Err(problems) => errors.extend(problems),
                }
                continue;
            }
            if table.kind.get_ref() == "docker" {
                match self.docker_target(i, table) {
                    Ok(target) => targets.docker.push(target),
                    Err(problems) => errors.extend(problems),
                }
                continue;
            }
            match self.target(i, table) {
                Ok(target) => targets.kubernetes.push(target),
                Err(error) => errors.push(*error),
            }
        }
        if errors.is_empty() {
            Ok(targets)
        } else {
            Err(errors)
        }
    }

    fn target(&self, i: usize, t: &TargetConfig) -> Result<KubeTarget, Box<ConfigError>> {
        let key = |field: &str| format!("target[{i}].{field}");
        let kind = t.kind.get_ref();
        if !KINDS.contains(&kind.as_str()) {
            return Err(Box::new(
                self.error_at(
                    &t.kind,
                    format!("unknown target kind `{kind}`"),
                    "set `kind = \"kubernetes\"`, `kind = \"command\"` or `kind = \"docker\"`",
                )
                .key(key("kind"))
                .expected(KINDS.join(", "))
                .suggestion(closest(kind, &KINDS).map(|s| format!("did you mean `{s}`?"))),
            ));
        }
        if let Some(error) = self.command_fields_on_kubernetes(i, t) {
            return Err(error);
        }
        if let (Some(_), Some(selector)) = (&t.deployment, &t.selector) {
            return Err(Box::new(
                self.error_at(
                    selector,
                    "a target names one `deployment` or matches a `selector`, not both",
                    "keep `deployment` for one Deployment, or `selector` for every match",
                )
                .key(key("selector")),
            ));
        }
        if let Some(image) = &t.image
            && !image.get_ref().contains("{version}")
        {
            return Err(Box::new(
                self.error_at(
                    image,
                    format!("`{}` does not say where the version goes", image.get_ref()),
                    "write the tag as {version}, e.g. registry.example.com/shop/checkout:{version}",
                )
                .key(key("image")),
            ));
        }
        Ok(KubeTarget {
            name: t.name.get_ref().clone(),
            kubeconfig: t.kubeconfig.as_ref().map(|p| self.path_beside(p.get_ref())),
            context: t.context.clone(),
            namespace: t.namespace.clone(),
            deployment: t.deployment.as_ref().map(|d| d.get_ref().clone()),
            selector: t.selector.as_ref().map(|s| s.get_ref().clone()),
            container: t.container.clone(),
            image: t.image.as_ref().map(|s| s.get_ref().clone()),
            environment: t.environment.clone().or_else(|| t.namespace.clone()),
            liveness: Liveness::default(),
        })
    }

    /// A name is a file name in the state directory (the command ledger):
    /// letters, digits, `.`, `_` and `-`, never a path.
    fn target_name(&self, i: usize, t: &TargetConfig) -> Result<(), Box<ConfigError>> {
        let name = t.name.get_ref();
        let fine = !name.is_empty()
            && !name.starts_with('.')
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if fine {
            return Ok(());
        }
        Err(Box::new(
            self.error_at(
                &t.name,
                format!("`{name}` is not a target name"),
                "use letters, digits, `.`, `_` and `-`, e.g. \"web-production\"",
            )
            .key(format!("target[{i}].name")),
        ))
    }

    /// `~/` is the home directory; a relative path is beside the config file.
    pub(super) fn path_beside(&self, text: &str) -> PathBuf {
        if let Some(rest) = text.strip_prefix("~/")
            && let Some(home) = std::env::var_os("HOME")
        {
            return PathBuf::from(home).join(rest);
        }
        let path = Path::new(text);
        match Path::new(&self.file).parent() {
            Some(dir) if path.is_relative() => dir.join(path),
            _ => path.to_path_buf(),
        }
    }
}
