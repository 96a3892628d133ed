//! `[[target]] kind = "docker"`: a container by name or a compose service by
//! its labels, the image a deploy sets, the engine, and how long a new
//! container has to become healthy.

use toml::Spanned;

use super::error::ConfigError;
use super::schema::TargetConfig;
use super::signals::docker::is_docker_name;
use super::source::LoadedConfig;
use crate::adapters::docker::{DockerTarget, Selector};

impl LoadedConfig {
    pub(super) fn docker_target(
        &self,
        i: usize,
        t: &TargetConfig,
    ) -> Result<DockerTarget, Vec<ConfigError>> {
        let key = |field: &str| format!("target[{i}].{field}");
        let mut errors = Vec::new();
        let not_docker = [
            ("kubeconfig", t.kubeconfig.is_some(), "Kubernetes"),
            ("context", t.context.is_some(), "Kubernetes"),
            ("namespace", t.namespace.is_some(), "Kubernetes"),
            ("deployment", t.deployment.is_some(), "Kubernetes"),
            ("selector", t.selector.is_some(), "Kubernetes"),
            ("deploy", t.deploy.is_some(), "command"),
            ("rollback", t.rollback.is_some(), "command"),
            ("status", t.status.is_some(), "command"),
            ("status_interval", t.status_interval.is_some(), "command"),
            ("workdir", t.workdir.is_some(), "command"),
            ("env", !t.env.is_empty(), "command"),
            ("timeout", t.timeout.is_some(), "command"),
        ];
        for (field, _, kind) in not_docker.iter().filter(|(_, present, _)| *present) {
            errors.push(
                self.error_at(
                    &t.kind,
                    format!("`{field}` is for {kind} targets; this one is a Docker target"),
                    "remove it: a Docker target names a `container`, or a `compose_project` and `compose_service`",
                )
                .key(key(field)),
            );
        }
        let text = |s: &Option<Spanned<String>>| s.as_ref().map(|s| s.get_ref().clone());
        let selector = match (
            &t.container,
            text(&t.compose_project),
            text(&t.compose_service),
        ) {
            (Some(name), None, None) => Some(Selector::Container(name.clone())),
            (None, Some(project), Some(service)) => Some(Selector::Compose { project, service }),
            (Some(_), _, _) => {
                errors.push(
                    self.error_at(
                        &t.name,
                        "a Docker target names one `container` or a compose service, not both",
                        "keep `container = \"web\"`, or `compose_project` with `compose_service`",
                    )
                    .key(key("container")),
                );
                None
            }
            (None, project, service) => {
                let (missing, fix) = match (project, service) {
                    (Some(_), None) => (
                        "compose_service",
                        "add `compose_service = \"web\"`: the service's name in the compose file",
                    ),
                    (None, Some(_)) => (
                        "compose_project",
                        "add `compose_project = \"shop\"`: the compose project's name (its directory's, unless set)",
                    ),
                    _ => (
                        "container",
                        "add `container = \"web\"`, or `compose_project` and `compose_service` for a compose service",
                    ),
                };
                errors.push(
                    self.error_at(&t.name, format!("a Docker target needs `{missing}`"), fix)
                        .key(key(missing)),
                );
                None
            }
        };
        // A name goes into the engine's request paths and the run log's file
        // name as it is: only what the engine allows in a name.
        let named = match &selector {
            Some(Selector::Container(name)) => vec![("container", name.as_str())],
            Some(Selector::Compose { project, service }) => vec![
                ("compose_project", project.as_str()),
                ("compose_service", service.as_str()),
            ],
            None => Vec::new(),
        };
        for (field, name) in named {
            if !is_docker_name(name) {
                let at = match field {
                    "compose_project" => t.compose_project.as_ref(),
                    "compose_service" => t.compose_service.as_ref(),
                    _ => None,
                };
                let problem = format!("`{name}` is not a {}", field.replace('_', " "));
                let fix = format!(
                    "write the {field} as `docker ps` or compose names it: letters, digits, `_`, `.` and `-`, e.g. web"
                );
                let error = match at {
                    Some(span) => self.error_at(span, problem, fix),
                    None => self.error_at(&t.name, problem, fix),
                };
                errors.push(error.key(key(field)));
            }
        }
        if let Some(image) = &t.image
            && !image.get_ref().contains("{version}")
        {
            errors.push(
                self.error_at(
                    image,
                    format!("`{}` does not say where the version goes", image.get_ref()),
                    "write the tag as {version}, e.g. registry.example.com/shop/web:{version}",
                )
                .key(key("image")),
            );
        }
        if let Some(host) = &t.host
            && !["unix://", "tcp://", "http://"]
                .iter()
                .any(|scheme| host.get_ref().starts_with(scheme))
        {
            errors.push(
                self.error_at(
                    host,
                    format!("`{}` is not an engine address the cockpit can use", host.get_ref()),
                    "write unix:///var/run/docker.sock or tcp://host:2375; for TLS or ssh, forward the engine's socket",
                )
                .key(key("host")),
            );
        }
        let deadline = match &t.deadline {
            None => DockerTarget::DEFAULT_DEADLINE,
            Some(value) => match self.duration_at(value, &key("deadline")) {
                Ok(d) => d.to_std().unwrap_or(DockerTarget::DEFAULT_DEADLINE),
                Err(e) => {
                    errors.push(*e);
                    DockerTarget::DEFAULT_DEADLINE
                }
            },
        };
        let Some(environment) = t.environment.clone() else {
            errors.push(
                self.error_at(
                    &t.name,
                    "a Docker target needs `environment`",
                    "add `environment = \"production\"`: the deploy steps' environment it serves",
                )
                .key(key("environment")),
            );
            return Err(errors);
        };
        match selector {
            Some(selector) if errors.is_empty() => Ok(DockerTarget {
                name: t.name.get_ref().clone(),
                environment,
                selector,
                image: text(&t.image),
                host: text(&t.host),
                deadline,
            }),
            _ => Err(errors),
        }
    }

    /// The Docker targets' own fields on another kind of target, by name.
    pub(super) fn docker_fields_elsewhere(
        &self,
        i: usize,
        t: &TargetConfig,
        kind: &str,
        kind_name: &str,
    ) -> Option<Box<ConfigError>> {
        let (field, spanned) = [
            ("compose_project", &t.compose_project),
            ("compose_service", &t.compose_service),
            ("host", &t.host),
            ("deadline", &t.deadline),
        ]
        .into_iter()
        .find_map(|(field, value)| value.as_ref().map(|v| (field, v)))?;
        Some(Box::new(
            self.error_at(
                spanned,
                format!("`{field}` is for Docker targets; this one is {kind} target"),
                format!("remove it, or set `kind = \"docker\"` (it is `{kind_name}` now)"),
            )
            .key(format!("target[{i}].{field}")),
        ))
    }
}
