//! A client for a Docker engine, chosen as the docker CLI chooses: the
//! target's `host`, else `DOCKER_HOST`, else the local socket; the API
//! version agreed with the engine, so older engines answer too.

use std::time::Duration;

use bollard::Docker;

/// How long one request may take before it counts as unanswered.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The local socket the docker CLI uses when nothing else is said.
/// How long the engine has to say which API version it speaks: a hung
/// engine must not hold a watch, a deploy or a reading.
pub const CONNECT_WITHIN: Duration = Duration::from_secs(6);
pub const DEFAULT_SOCKET: &str = "unix:///var/run/docker.sock";

/// Why no engine could be talked to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineError {
    /// `unix:///var/run/docker.sock`, as it was tried.
    pub host: String,
    pub cause: String,
}

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "docker engine at {}: {}", self.host, self.cause)
    }
}

impl std::error::Error for EngineError {}

/// The host a target talks to: its own, `DOCKER_HOST`, or the local socket.
pub fn host_for(configured: Option<&str>) -> String {
    configured
        .map(str::to_owned)
        .or_else(|| std::env::var("DOCKER_HOST").ok().filter(|h| !h.is_empty()))
        .unwrap_or_else(|| DEFAULT_SOCKET.to_owned())
}

/// A client for `host`, its API version agreed with the engine. Fails when
/// the engine does not answer: a watch reports that as stale.
pub async fn connect(host: &str) -> Result<Docker, EngineError> {
    let error = |cause: String| EngineError {
        host: host.to_owned(),
        cause,
    };
    let timeout = REQUEST_TIMEOUT.as_secs();
    let client = if host.starts_with("unix://") {
        Docker::connect_with_unix(host, timeout, bollard::API_DEFAULT_VERSION)
    } else if host.starts_with("tcp://") || host.starts_with("http://") {
        Docker::connect_with_http(host, timeout, bollard::API_DEFAULT_VERSION)
    } else {
        return Err(error(
            "only unix:// and tcp:// hosts are supported (for TLS or ssh, \
             forward the engine's socket)"
                .to_owned(),
        ));
    }
    .map_err(|e| error(describe(&e)))?;
    match tokio::time::timeout(CONNECT_WITHIN, client.negotiate_version()).await {
        Ok(agreed) => agreed.map_err(|e| error(describe(&e))),
        Err(_) => Err(error(format!("no answer in {}s", CONNECT_WITHIN.as_secs()))),
    }
}

/// The client's error as one line, its innermost cause included: "No such
/// file or directory" says more than "error trying to connect". The engine's
/// (or a registry's) words are stripped of control characters: they go to
/// the screen, the run's log and the journal.
pub fn describe(error: &bollard::errors::Error) -> String {
    crate::adapters::text::clean_line(&describe_raw(error), 600)
}

fn describe_raw(error: &bollard::errors::Error) -> String {
    use bollard::errors::Error as E;
    match error {
        E::DockerResponseServerError {
            status_code,
            message,
        } => format!("{message} ({status_code})"),
        other => {
            let mut text = other.to_string();
            let mut source = std::error::Error::source(other);
            while let Some(cause) = source {
                let cause_text = cause.to_string();
                if !text.contains(&cause_text) {
                    text = format!("{text}: {cause_text}");
                }
                source = cause.source();
            }
            text
        }
    }
}

/// Whether the engine said 404: no such container or image.
pub fn is_not_found(error: &bollard::errors::Error) -> bool {
    matches!(
        error,
        bollard::errors::Error::DockerResponseServerError {
            status_code: 404,
            ..
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_host_wins_over_the_environment() {
        assert_eq!(host_for(Some("tcp://10.0.0.2:2375")), "tcp://10.0.0.2:2375");
    }

    #[tokio::test]
    async fn a_missing_socket_names_the_host_and_the_cause() {
        let error = connect("unix:///nonexistent/docker.sock")
            .await
            .unwrap_err();
        assert_eq!(error.host, "unix:///nonexistent/docker.sock");
        assert!(
            error
                .to_string()
                .contains("docker engine at unix:///nonexistent"),
            "{error}"
        );
        let ssh = connect("ssh://host").await.unwrap_err();
        assert!(ssh.cause.contains("forward the engine's socket"), "{ssh}");
    }
}
