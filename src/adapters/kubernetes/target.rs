//! A `[[target]]` of kind `kubernetes`, as the adapter needs it.

use std::path::PathBuf;

use super::liveness::Liveness;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KubeTarget {
    pub name: String,
    /// A kubeconfig file; `KUBECONFIG` or `~/.kube/config` when unset.
    pub kubeconfig: Option<PathBuf>,
    /// A context in it; its current context when unset.
    pub context: Option<String>,
    /// The context's namespace when unset.
    pub namespace: Option<String>,
    /// One Deployment by name ...
    pub deployment: Option<String>,
    /// ... or every Deployment matching a label selector.
    pub selector: Option<String>,
    /// The container a deploy sets the image of; the first when unset.
    pub container: Option<String>,
    /// The image to deploy, with `{version}` for the release's version; when
    /// unset, the current image's repository with the version as its tag.
    pub image: Option<String>,
    /// Which playbook deploy steps this target serves (`environment =` of a
    /// `deploy` step); its namespace when unset.
    pub environment: Option<String>,
    /// When its watch probes a silent server, and how long the server may take.
    pub liveness: Liveness,
}

impl KubeTarget {
    /// The image deploying `version` sets, given the current one.
    pub fn image_for(&self, current: &str, version: &str) -> String {
        match &self.image {
            Some(template) => template.replace("{version}", version),
            None => crate::domain::rollout::with_tag(current, version),
        }
    }
}
