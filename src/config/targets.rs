//! `[[target]]` tables turned into the targets a release deploys to.

use std::path::{Path, PathBuf};

use super::error::{ConfigError, closest};
use super::schema::TargetConfig;
use super::source::LoadedConfig;
use crate::adapters::kubernetes::{KubeTarget, Liveness};

const KINDS: [&str; 1] = ["kubernetes"];

impl LoadedConfig {
    pub(super) fn targets(&self) -> Result<Vec<KubeTarget>, Vec<ConfigError>> {
        let mut errors = Vec::new();
        let mut targets: Vec<KubeTarget> = Vec::new();
        for (i, table) in self.config.targets.iter().enumerate() {
            let name = table.name.get_ref();
            if targets.iter().any(|t| &t.name == name) {
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
            match self.target(i, table) {
                Ok(target) => targets.push(target),
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
                    "set `kind = \"kubernetes\"`; Docker and command targets are not built yet",
                )
                .key(key("kind"))
                .expected(KINDS.join(", "))
                .suggestion(closest(kind, &KINDS).map(|s| format!("did you mean `{s}`?"))),
            ));
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
