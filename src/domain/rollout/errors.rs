//! Why a deploy or a rollback of one Deployment did not happen, free of any
//! client's types: the Kubernetes adapter builds these, the rollback wizard
//! and the journal render them.

use std::fmt;
use std::time::Duration;

/// `deployment production/checkout`, as every message names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeploymentId {
    pub namespace: String,
    pub name: String,
}

impl fmt::Display for DeploymentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "deployment {}/{}", self.namespace, self.name)
    }
}

/// What a call to a cluster's API came back with instead of an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallFailure {
    /// The server answered with an error status: its message and reason.
    Refused { message: String, reason: String },
    /// No connection to the server; the innermost cause.
    Unreachable(String),
    /// No answer within this long.
    NoAnswer(Duration),
    /// Anything else the client said, its causes joined.
    Other(String),
}

/// One API call that failed, with what it was attempting: `patch deployment
/// production/checkout`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallError {
    pub doing: String,
    pub failure: CallFailure,
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let doing = &self.doing;
        match &self.failure {
            CallFailure::Refused { message, reason } if reason.is_empty() => {
                write!(f, "{doing}: {message}")
            }
            CallFailure::Refused { message, reason } => write!(f, "{doing}: {message} ({reason})"),
            CallFailure::Unreachable(cause) => {
                write!(f, "{doing}: the API is unreachable: {cause}")
            }
            CallFailure::NoAnswer(within) => {
                write!(f, "{doing}: no answer in {}s", within.as_secs())
            }
            CallFailure::Other(cause) => write!(f, "{doing}: {cause}"),
        }
    }
}

impl std::error::Error for CallError {}

/// Why no client could be built for a target (as kubectl would build it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectError {
    /// The target's own kubeconfig file cannot be read.
    ReadKubeconfig {
        target: String,
        path: std::path::PathBuf,
        cause: String,
    },
    /// The kubeconfig (the target's, `KUBECONFIG` or `~/.kube/config`) has no
    /// usable context.
    Kubeconfig { target: String, cause: String },
    /// The configuration is read, but no client can be made from it (TLS).
    Client { target: String, cause: String },
}

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ReadKubeconfig {
                target,
                path,
                cause,
            } => write!(
                f,
                "target {target}: cannot read kubeconfig {}: {cause}",
                path.display()
            ),
            Self::Kubeconfig { target, cause } => write!(f, "target {target}: kubeconfig: {cause}"),
            Self::Client { target, cause } => write!(f, "target {target}: {cause}"),
        }
    }
}

impl std::error::Error for ConnectError {}

/// Why `set image` or `rollout undo` on one Deployment did not happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionError {
    /// The plan names a target the configuration does not have (any more).
    UnknownTarget {
        target: String,
    },
    Connect(ConnectError),
    Call(CallError),
    NoSuchContainer {
        deployment: DeploymentId,
        wanted: String,
        containers: Vec<String>,
    },
    NoContainers {
        deployment: DeploymentId,
    },
    /// `kubectl rollout undo` refuses a paused Deployment too.
    Paused {
        deployment: DeploymentId,
    },
    NoHistory {
        deployment: DeploymentId,
    },
    NoSuchRevision {
        deployment: DeploymentId,
        revision: u64,
    },
    NoPreviousRevision {
        deployment: DeploymentId,
    },
    NoPodTemplate {
        deployment: DeploymentId,
        revision: u64,
    },
    /// The revision's template could not be made into a JSON patch.
    Patch {
        deployment: DeploymentId,
        cause: String,
    },
    /// A command target's command failed, timed out or could not start.
    Command {
        target: String,
        action: &'static str,
        summary: String,
    },
    /// A command target's rollback has no commands configured.
    NoRollbackCommands {
        target: String,
    },
    /// A Docker target's container was not moved to the image, or was put
    /// back: the summary says which and why.
    Container {
        target: String,
        container: String,
        action: &'static str,
        summary: String,
    },
    /// An earlier replica of the same service failed: the rest are left as
    /// they are, as a rolling update stops.
    Halted {
        target: String,
        name: String,
    },
}

impl fmt::Display for ActionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownTarget { target } => write!(f, "target `{target}` is not configured"),
            Self::Connect(error) => error.fmt(f),
            Self::Call(error) => error.fmt(f),
            Self::NoSuchContainer {
                deployment,
                wanted,
                containers,
            } => write!(
                f,
                "{deployment} has no container `{wanted}`; it has: {}",
                containers.join(", ")
            ),
            Self::NoContainers { deployment } => write!(f, "{deployment} has no containers"),
            Self::Paused { deployment } => write!(
                f,
                "cannot roll back {deployment}: it is paused; resume it first (kubectl rollout resume deployment/{}) and try again",
                deployment.name
            ),
            Self::NoHistory { deployment } => {
                write!(f, "cannot roll back {deployment}: no rollout history found")
            }
            Self::NoSuchRevision {
                deployment,
                revision,
            } => write!(
                f,
                "cannot roll back {deployment}: unable to find revision {revision} in its history"
            ),
            Self::NoPreviousRevision { deployment } => write!(
                f,
                "cannot roll back {deployment}: no previous revision to roll back to"
            ),
            Self::NoPodTemplate {
                deployment,
                revision,
            } => write!(f, "revision {revision} of {deployment} has no pod template"),
            Self::Patch { deployment, cause } => {
                write!(f, "building the rollback patch for {deployment}: {cause}")
            }
            Self::Command {
                target,
                action,
                summary,
            } => write!(f, "{action} on target `{target}` failed: {summary}"),
            Self::Container {
                target,
                container,
                action,
                summary,
            } => write!(
                f,
                "{action} of container {container} (target `{target}`) failed: {summary}"
            ),
            Self::Halted { target, name } => write!(
                f,
                "{name}: left as it is: an earlier container of target `{target}` failed"
            ),
            Self::NoRollbackCommands { target } => write!(
                f,
                "target `{target}` has no `rollback` commands; add `rollback = \"...\"` to its [[target]]"
            ),
        }
    }
}

impl std::error::Error for ActionError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Connect(error) => Some(error),
            Self::Call(error) => Some(error),
            _ => None,
        }
    }
}

impl From<ConnectError> for ActionError {
    fn from(error: ConnectError) -> Self {
        Self::Connect(error)
    }
}

impl From<CallError> for ActionError {
    fn from(error: CallError) -> Self {
        Self::Call(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checkout() -> DeploymentId {
        DeploymentId {
            namespace: "production".into(),
            name: "checkout".into(),
        }
    }

    #[test]
    fn each_failure_reads_as_the_operator_is_told_it() {
        let call = |failure| CallError {
            doing: "patch deployment production/checkout".into(),
            failure,
        };
        let lines = [
            (
                ActionError::UnknownTarget {
                    target: "eu".into(),
                },
                "target `eu` is not configured",
            ),
            (
                ConnectError::ReadKubeconfig {
                    target: "eu".into(),
                    path: "/k/config".into(),
                    cause: "No such file or directory".into(),
                }
                .into(),
                "target eu: cannot read kubeconfig /k/config: No such file or directory",
            ),
            (
                ConnectError::Kubeconfig {
                    target: "eu".into(),
                    cause: "no context `x`".into(),
                }
                .into(),
                "target eu: kubeconfig: no context `x`",
            ),
            (
                call(CallFailure::Refused {
                    message: "the object has been modified".into(),
                    reason: "Conflict".into(),
                })
                .into(),
                "patch deployment production/checkout: the object has been modified (Conflict)",
            ),
            (
                call(CallFailure::Refused {
                    message: "boom".into(),
                    reason: String::new(),
                })
                .into(),
                "patch deployment production/checkout: boom",
            ),
            (
                call(CallFailure::Unreachable("connection refused".into())).into(),
                "patch deployment production/checkout: the API is unreachable: connection refused",
            ),
            (
                call(CallFailure::NoAnswer(Duration::from_secs(15))).into(),
                "patch deployment production/checkout: no answer in 15s",
            ),
            (
                ActionError::NoSuchContainer {
                    deployment: checkout(),
                    wanted: "web".into(),
                    containers: vec!["app".into(), "proxy".into()],
                },
                "deployment production/checkout has no container `web`; it has: app, proxy",
            ),
            (
                ActionError::Paused {
                    deployment: checkout(),
                },
                "cannot roll back deployment production/checkout: it is paused; resume it first (kubectl rollout resume deployment/checkout) and try again",
            ),
            (
                ActionError::NoSuchRevision {
                    deployment: checkout(),
                    revision: 42,
                },
                "cannot roll back deployment production/checkout: unable to find revision 42 in its history",
            ),
            (
                ActionError::NoPreviousRevision {
                    deployment: checkout(),
                },
                "cannot roll back deployment production/checkout: no previous revision to roll back to",
            ),
            (
                ActionError::NoPodTemplate {
                    deployment: checkout(),
                    revision: 3,
                },
                "revision 3 of deployment production/checkout has no pod template",
            ),
        ];
        for (error, line) in lines {
            assert_eq!(error.to_string(), line);
        }
    }
}
