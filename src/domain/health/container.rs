//! A signal read from a Docker engine's stats: which containers, and whether
//! their CPU or their memory is the value.

/// Which containers a `source = "docker"` signal reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Containers {
    /// `container = "web"`: one container by name (or id).
    Named(String),
    /// `compose_project` + `compose_service`: every running replica of the
    /// service; the value is the highest of them.
    Compose { project: String, service: String },
}

impl std::fmt::Display for Containers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Named(name) => write!(f, "container {name}"),
            Self::Compose { project, service } => {
                write!(f, "compose service {service} of project {project}")
            }
        }
    }
}

/// What of a container's stats is the value, as `docker stats` shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContainerMeasure {
    /// CPU time used over the engine's sampling second, in CPUs: 1.0 (100%)
    /// is one CPU fully busy, so a container on four CPUs can read 400%.
    Cpu,
    /// Memory in use (page cache that can be dropped left out) over the
    /// container's limit, or over the host's memory when it has none.
    Memory,
}

impl ContainerMeasure {
    pub const NAMES: [&'static str; 2] = ["cpu", "memory"];

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "cpu" => Some(Self::Cpu),
            "memory" => Some(Self::Memory),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Cpu => "cpu",
            Self::Memory => "memory",
        }
    }
}

/// A `source = "docker"` signal's source, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerStats {
    /// `unix:///…` or `tcp://…`; unset: `DOCKER_HOST`, else the local socket.
    pub host: Option<String>,
    pub containers: Containers,
    pub measure: ContainerMeasure,
}

impl ContainerStats {
    /// `docker container web: cpu`, for the pane and `status`.
    pub fn describe(&self) -> String {
        let host = self
            .host
            .as_deref()
            .map(|h| format!(" at {h}"))
            .unwrap_or_default();
        format!("docker{host} {}: {}", self.containers, self.measure.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_source_describes_its_containers_and_measure() {
        let named = ContainerStats {
            host: None,
            containers: Containers::Named("web".into()),
            measure: ContainerMeasure::Cpu,
        };
        assert_eq!(named.describe(), "docker container web: cpu");
        let compose = ContainerStats {
            host: Some("tcp://10.0.0.2:2375".into()),
            containers: Containers::Compose {
                project: "shop".into(),
                service: "api".into(),
            },
            measure: ContainerMeasure::Memory,
        };
        assert_eq!(
            compose.describe(),
            "docker at tcp://10.0.0.2:2375 compose service api of project shop: memory"
        );
        assert_eq!(
            ContainerMeasure::parse("memory"),
            Some(ContainerMeasure::Memory)
        );
        assert_eq!(ContainerMeasure::parse("mem"), None);
    }
}
