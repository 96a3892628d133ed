//! Revision history: the ReplicaSets a Deployment controls, as the API
//! server has them (an undo reads them at the time; a watch keeps
//! `kept::KeptReplicaSet`).

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};

/// The annotations the Deployment controller and kubectl write; the sandbox
/// writes them too.
pub const REVISION: &str = "deployment.kubernetes.io/revision";
pub const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";

pub fn revision_number(rs: &ReplicaSet) -> u64 {
    rs.metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(REVISION))
        .and_then(|r| r.parse().ok())
        .unwrap_or(0)
}

/// Whether the Deployment is this ReplicaSet's controller.
pub fn controls(deployment: &Deployment, rs: &ReplicaSet) -> bool {
    let Some(uid) = deployment.metadata.uid.as_deref() else {
        return false;
    };
    rs.metadata
        .owner_references
        .iter()
        .flatten()
        .any(|o| o.controller == Some(true) && o.uid == uid)
}

pub fn images(rs: &ReplicaSet) -> Vec<String> {
    rs.spec
        .as_ref()
        .and_then(|s| s.template.as_ref())
        .and_then(|t| t.spec.as_ref())
        .map(|p| {
            p.containers
                .iter()
                .filter_map(|c| c.image.clone())
                .collect()
        })
        .unwrap_or_default()
}
