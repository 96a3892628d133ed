//! What the cockpit knows about a rollout target, free of any client's types:
//! the adapter fills it in, the Rollout pane and the rollback draw on it.

use chrono::{DateTime, Utc};

mod errors;
pub use errors::{ActionError, CallError, CallFailure, ConnectError, DeploymentId};

/// Where a Deployment's rollout stands, decided as `kubectl rollout status` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RolloutPhase {
    /// The controller has not yet seen the latest spec, or pods are moving.
    Progressing,
    Complete,
    /// `ProgressDeadlineExceeded`: the rollout will not finish by itself.
    Failed,
    Paused,
}

impl RolloutPhase {
    pub fn label(self) -> &'static str {
        match self {
            Self::Progressing => "progressing",
            Self::Complete => "complete",
            Self::Failed => "failed",
            Self::Paused => "paused",
        }
    }
}

/// One entry of a Deployment's revision history (one ReplicaSet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub number: u64,
    pub images: Vec<String>,
    pub created: Option<DateTime<Utc>>,
    pub change_cause: Option<String>,
    /// Pods the ReplicaSet has now.
    pub replicas: i32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub namespace: String,
    pub name: String,
    /// The container a deploy sets the image of.
    pub container: String,
    /// That container's image in the Deployment's spec: what it rolls to.
    pub image: String,
    /// While rolling, the image the old pods still run.
    pub previous_image: Option<String>,
    pub revision: u64,
    pub desired: i32,
    pub updated: i32,
    pub ready: i32,
    pub available: i32,
    /// Pods of every revision together.
    pub total: i32,
    pub phase: RolloutPhase,
    /// What `kubectl rollout status` would print.
    pub message: String,
    /// When the Progressing condition last moved.
    pub last_update: Option<DateTime<Utc>>,
    /// Newest first.
    pub history: Vec<Revision>,
}

impl Unit {
    pub fn key(&self) -> (&str, &str) {
        (&self.namespace, &self.name)
    }
}

/// What a target's watch tells the cockpit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RolloutUpdate {
    /// The target's Deployments as the API has them now.
    Snapshot { target: String, units: Vec<Unit> },
    /// The API cannot be read; what was shown last is kept, marked stale.
    Stale { target: String, error: String },
}

/// The tag of an image reference: `registry:5000/app:1.2` -> `1.2`; an
/// untagged image is `latest`, a digest is shortened.
pub fn image_tag(image: &str) -> &str {
    if let Some((_, digest)) = image.split_once('@') {
        return digest.get(..19).unwrap_or(digest);
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    last.split_once(':').map_or("latest", |(_, tag)| tag)
}

/// The image with its tag replaced: what deploying `version` means when the
/// target names no image template.
pub fn with_tag(image: &str, tag: &str) -> String {
    let repository = image.split_once('@').map_or(image, |(repo, _)| repo);
    let slash = repository.rfind('/').map_or(0, |i| i + 1);
    let repository = match repository[slash..].find(':') {
        Some(colon) => &repository[..slash + colon],
        None => repository,
    };
    format!("{repository}:{tag}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_read_and_replaced_past_a_registry_port() {
        assert_eq!(image_tag("registry:5000/shop/app:2.3.1"), "2.3.1");
        assert_eq!(image_tag("app"), "latest");
        assert_eq!(
            with_tag("registry:5000/shop/app:2.3.1", "2.4.0"),
            "registry:5000/shop/app:2.4.0"
        );
        assert_eq!(with_tag("app", "1.0.0"), "app:1.0.0");
        assert_eq!(with_tag("app@sha256:abc", "1.0.0"), "app:1.0.0");
    }
}

/// One Deployment a deploy changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployItem {
    pub target: String,
    /// The environment it serves: its target's, or its namespace.
    pub environment: String,
    pub namespace: String,
    pub name: String,
    pub container: String,
    pub from: String,
    pub to: String,
}

/// A Deployment's container set to an image, as a deploy journals it:
/// `production/checkout checkout=registry/app:2.4.0`. The watch compares what
/// it sees with these lines to tell this cockpit's deploys from others'.
pub fn deployed_line(namespace: &str, name: &str, container: &str, image: &str) -> String {
    format!("{namespace}/{name} {container}={image}")
}

impl DeployItem {
    /// As journaled: see [`deployed_line`].
    pub fn describe(&self) -> String {
        deployed_line(&self.namespace, &self.name, &self.container, &self.to)
    }
}

/// What the runner reports of a deploy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployOutcome {
    pub ok: bool,
    /// One line per Deployment.
    pub results: Vec<String>,
    /// The playbook step it was for.
    pub step: Option<String>,
    pub dry_run: bool,
}

/// A deploy of the release's version, shown for confirmation before it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployPlan {
    pub version: String,
    pub release_id: String,
    pub items: Vec<DeployItem>,
    /// The server validates and answers, and stores nothing.
    pub dry_run: bool,
    /// The playbook `deploy` step this carries out, if any.
    pub step: Option<String>,
    /// Environments left out because go/no-go holds them, each with why.
    pub held_back: Vec<HeldBack>,
}

/// An environment a deploy leaves out: go/no-go on `step` holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldBack {
    pub environment: String,
    pub step: String,
    /// `production waits for go/no-go on deploy-production: …`
    pub why: String,
}
