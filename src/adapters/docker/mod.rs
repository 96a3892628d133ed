//! Docker targets through the engine's API (bollard): a container by name,
//! or a compose service by its labels. Status comes from the engine's event
//! stream; a deploy replaces the container with one made from its own
//! configuration and the new image, and puts the old one back by itself if
//! the new one never becomes healthy.

use std::time::Duration;

pub mod connect;
pub mod find;
pub mod labels;
pub mod recreate;
pub mod replace;
pub mod stats;
pub mod unit;
pub mod watch;

/// Which containers a Docker target is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    /// `container = "web"`: one container by name.
    Container(String),
    /// `compose_project` + `compose_service`: every container of the
    /// service (its replicas), by the labels compose puts on them.
    Compose { project: String, service: String },
}

/// A `[[target]] kind = "docker"`, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DockerTarget {
    pub name: String,
    /// The playbook deploy steps' environment it serves.
    pub environment: String,
    pub selector: Selector,
    /// `repo/app:{version}`; unset: the running image's repository with the
    /// version as its tag.
    pub image: Option<String>,
    /// `unix:///…` or `tcp://…`; unset: `DOCKER_HOST`, else the local socket,
    /// as the docker CLI chooses.
    pub host: Option<String>,
    /// How long a new container has to become healthy before the previous
    /// one is put back.
    pub deadline: Duration,
}

impl DockerTarget {
    pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(120);
}
