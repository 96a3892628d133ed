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
    /// Nothing says: a command target with no `status` and no deploy on record.
    Unknown,
}

impl RolloutPhase {
    pub fn label(self) -> &'static str {
        match self {
            Self::Progressing => "progressing",
            Self::Complete => "complete",
            Self::Failed => "failed",
            Self::Paused => "paused",
            Self::Unknown => "unknown",
        }
    }
}

/// One entry of a unit's history: a Deployment's ReplicaSet, or a version a
/// command target's deploy or rollback set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub number: u64,
    /// The version it ran: the tag of its (first) image, or what a command set.
    pub version: String,
    pub images: Vec<String>,
    pub created: Option<DateTime<Utc>>,
    pub change_cause: Option<String>,
    /// Pods the ReplicaSet has now.
    pub replicas: i32,
}

/// What a unit of a target is: the kind decides the words the screen uses
/// and how a deploy or a rollback is carried out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    #[default]
    Deployment,
    /// A service behind a command target's `deploy` / `rollback` commands.
    Command,
    /// A Docker container (one replica of a compose service), replaced by a
    /// new one on deploy.
    Container,
}

impl UnitKind {
    /// Whether its version is its image's tag (a Deployment, a container),
    /// not what a command set.
    pub fn runs_images(self) -> bool {
        self != Self::Command
    }
}

/// One thing a target runs and deploys: a Deployment, or a command target's
/// service. `namespace` is where it runs (a Kubernetes namespace, or the
/// command target's environment).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub kind: UnitKind,
    pub namespace: String,
    pub name: String,
    /// The version it runs or rolls to: its image's tag, or what a command
    /// target's last deploy or rollback set (or its `status` says).
    pub version: String,
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
    /// What `kubectl rollout status` would print; a container's starts with
    /// its health (`healthy · up 3h · 0 restarts · sha256:…`), which the
    /// Rollout pane shows in its own column.
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

    /// While rolling, the version the old pods still run (or, for a command
    /// target, the version its running deploy replaces).
    pub fn previous_version(&self) -> Option<&str> {
        let previous = self.previous_image.as_deref()?;
        Some(if self.kind.runs_images() {
            image_tag(previous)
        } else {
            previous
        })
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

/// One unit a deploy changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployItem {
    pub target: String,
    pub kind: UnitKind,
    /// The environment it serves: its target's, or its namespace.
    pub environment: String,
    pub namespace: String,
    pub name: String,
    pub container: String,
    /// The image (a Deployment) or version (a command target) it runs now.
    pub from: String,
    pub to: String,
    /// A command target's deploy commands, after substitution: what the
    /// dialog shows, the journal records and what runs.
    pub commands: Vec<String>,
}

/// A Deployment's container set to an image, as a deploy journals it:
/// `production/checkout checkout=registry/app:2.4.0`. The watch compares what
/// it sees with these lines to tell this cockpit's deploys from others'.
pub fn deployed_line(namespace: &str, name: &str, container: &str, image: &str) -> String {
    format!("{namespace}/{name} {container}={image}")
}

impl DeployItem {
    /// As journaled: see [`deployed_line`]; a command target's
    /// `production/web 2.4.0: npm run deploy -- 2.4.0`.
    pub fn describe(&self) -> String {
        match self.kind {
            UnitKind::Deployment | UnitKind::Container => {
                deployed_line(&self.namespace, &self.name, &self.container, &self.to)
            }
            UnitKind::Command => format!(
                "{}/{} {}: {}",
                self.namespace,
                self.name,
                self.to,
                self.commands.join(" && ")
            ),
        }
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

/// A command target's `deploy` and `rollback` as configured, variables
/// unsubstituted, with what fills them in: the pure side renders them for
/// the confirmation, and exactly the rendered commands run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommandTemplates {
    pub deploy: Vec<String>,
    pub rollback: Vec<String>,
    /// `image = "registry/app:{version}"`: what `{image}` is.
    pub image: Option<String>,
    /// The `[[component]]` that runs on the target: what `{component}` is.
    pub component: Option<String>,
}

impl CommandTemplates {
    /// The variables of a deploy or rollback of `target` in `environment`
    /// from `previous` (unknown before the first) to `version`.
    pub fn vars(
        &self,
        release: &str,
        target: &str,
        environment: &str,
        version: &str,
        previous: Option<&str>,
    ) -> crate::domain::vars::Vars {
        let mut vars = crate::domain::vars::Vars::new()
            .set("release", release)
            .set("target", target)
            .set("environment", environment)
            .set("version", version);
        if let Some(previous) = previous.filter(|p| !p.is_empty() && *p != UNKNOWN_VERSION) {
            vars = vars.set("previous_version", previous);
        }
        if let Some(image) = &self.image {
            vars = vars.set("image", image.replace("{version}", version));
        }
        if let Some(component) = &self.component {
            vars = vars.set("component", component);
        }
        vars
    }

    pub fn render(
        commands: &[String],
        vars: &crate::domain::vars::Vars,
    ) -> Result<Vec<String>, crate::domain::vars::VarError> {
        commands
            .iter()
            .map(|c| crate::domain::vars::substitute(c, vars))
            .collect()
    }
}

/// `Deployment(s)` or `container(s)` when every unit is one, else
/// `unit(s)`: how a dialog counts what it changes.
pub fn units_word(kinds: impl IntoIterator<Item = UnitKind>) -> &'static str {
    let mut kinds = kinds.into_iter();
    let Some(first) = kinds.next() else {
        return "Deployment(s)";
    };
    match (first, kinds.all(|k| k == first)) {
        (UnitKind::Deployment, true) => "Deployment(s)",
        (UnitKind::Container, true) => "container(s)",
        _ => "unit(s)",
    }
}

/// The version of a command target nothing has deployed to yet.
pub const UNKNOWN_VERSION: &str = "unknown";

/// What a command target's run reports as it goes, for its log view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunOutput {
    Started {
        target: String,
        /// `deploy 2.4.0`, `rollback to 2.3.1`.
        title: String,
        /// The log file kept in the state directory.
        log: std::path::PathBuf,
    },
    /// One line, secrets masked and control characters stripped.
    Line {
        target: String,
        line: String,
    },
    Finished {
        target: String,
        ok: bool,
    },
}
