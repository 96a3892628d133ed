//! `source = "docker"`: which containers (one by name, or a compose
//! service's replicas), which engine, and `measure = "cpu"` or `"memory"`.

use toml::Spanned;

use super::super::error::{ConfigError, closest};
use super::super::schema::SignalConfig;
use super::super::source::LoadedConfig;
use crate::domain::health::{ContainerMeasure, ContainerStats, Containers};

/// The fields only a docker signal takes, and whether `t` sets each.
pub(super) fn fields(t: &SignalConfig) -> [(&'static str, bool); 4] {
    [
        ("container", t.container.is_some()),
        ("compose_project", t.compose_project.is_some()),
        ("compose_service", t.compose_service.is_some()),
        ("host", t.host.is_some()),
    ]
}

/// A name as the engine allows one: `[a-zA-Z0-9][a-zA-Z0-9_.-]*` (so it
/// also goes into a request path as it is).
pub(in crate::config) fn is_docker_name(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

impl LoadedConfig {
    pub(super) fn docker_source(
        &self,
        i: usize,
        t: &SignalConfig,
    ) -> Result<ContainerStats, Box<ConfigError>> {
        let key = |field: &str| format!("signal[{i}].{field}");
        for (field, present) in [
            ("url", t.url.is_some()),
            ("query", t.query.is_some()),
            ("expect_status", t.expect_status.is_some()),
            ("body_contains", t.body_contains.is_some()),
            ("max_latency", t.max_latency.is_some()),
        ] {
            self.stray_field(i, t, field, present)?;
        }
        let missing = |field: &str, fix: &str| {
            Box::new(
                self.error_at(
                    &t.name,
                    format!(
                        "signal `{}` has `source = \"docker\"` but no `{field}`",
                        t.name.get_ref()
                    ),
                    fix,
                )
                .key(key(field)),
            )
        };
        let measure_text = t.measure.as_ref().ok_or_else(|| {
            missing(
                "measure",
                "say what to read: measure = \"cpu\" or measure = \"memory\"",
            )
        })?;
        let measure = ContainerMeasure::parse(measure_text.get_ref()).ok_or_else(|| {
            Box::new(
                self.error_at(
                    measure_text,
                    format!("`{}` is not a docker measure", measure_text.get_ref()),
                    "set `measure` to cpu or memory",
                )
                .key(key("measure"))
                .expected(ContainerMeasure::NAMES.join(", "))
                .suggestion(
                    closest(measure_text.get_ref(), &ContainerMeasure::NAMES)
                        .map(|s| format!("did you mean `{s}`?")),
                ),
            )
        })?;
        let word = |value: &Spanned<String>, field: &str| -> Result<String, Box<ConfigError>> {
            let text = value.get_ref().trim();
            if !is_docker_name(text) {
                return Err(Box::new(
                    self.error_at(
                        value,
                        format!("`{text}` is not a {}", field.replace('_', " ")),
                        format!("write the {field} as `docker ps` or compose names it: letters, digits, `_`, `.` and `-`, e.g. web"),
                    )
                    .key(key(field)),
                ));
            }
            Ok(text.to_owned())
        };
        let containers = match (&t.container, &t.compose_project, &t.compose_service) {
            (Some(container), None, None) => Containers::Named(word(container, "container")?),
            (None, Some(project), Some(service)) => Containers::Compose {
                project: word(project, "compose_project")?,
                service: word(service, "compose_service")?,
            },
            (Some(container), _, _) => {
                return Err(Box::new(
                    self.error_at(
                        container,
                        "`container` and `compose_project`/`compose_service` both say which containers",
                        "keep `container` for one container, or the two compose fields for a service's replicas",
                    )
                    .key(key("container")),
                ));
            }
            (None, Some(_), None) => {
                return Err(missing(
                    "compose_service",
                    "add the service's name as in the compose file, e.g. compose_service = \"web\"",
                ));
            }
            (None, None, Some(_)) => {
                return Err(missing(
                    "compose_project",
                    "add the project's name (`docker compose ls` lists them), e.g. compose_project = \"shop\"",
                ));
            }
            (None, None, None) => {
                return Err(missing(
                    "container",
                    "name the container, e.g. container = \"web\", or a compose service with compose_project and compose_service",
                ));
            }
        };
        let host = match &t.host {
            Some(host) => Some(self.engine_host(host, &key("host"))?),
            None => None,
        };
        Ok(ContainerStats {
            host,
            containers,
            measure,
        })
    }

    /// The engine hosts the client can reach: a socket or plain TCP.
    fn engine_host(&self, value: &Spanned<String>, key: &str) -> Result<String, Box<ConfigError>> {
        let host = value.get_ref().trim();
        let rest = ["unix://", "tcp://"]
            .iter()
            .find_map(|scheme| host.strip_prefix(scheme));
        match rest {
            Some(rest) if !rest.is_empty() => Ok(host.to_owned()),
            _ => Err(Box::new(
                self.error_at(
                    value,
                    format!("`{host}` is not a docker engine address"),
                    "write unix:///var/run/docker.sock or tcp://HOST:2375 (for TLS or ssh, forward the engine's socket)",
                )
                .key(key),
            )),
        }
    }
}
