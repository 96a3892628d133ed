//! Deploy and rollback with kubectl's semantics: `set image` as a strategic
//! merge patch, `rollout undo` as a JSON patch of the template and annotations.

use std::collections::BTreeMap;
use std::time::Duration;

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use kube::Api;
use kube::api::{ListParams, Patch, PatchParams};
use serde_json::json;

use super::errors::call_error;
use super::history::{CHANGE_CAUSE, REVISION, controls, revision_number};
pub use crate::domain::rollback::UndoOutcome;
use crate::domain::rollout::{ActionError, CallError, CallFailure, DeploymentId};

/// Every call to the API gives up after this long.
const CALL_TIMEOUT: Duration = Duration::from_secs(15);

/// A `set image` on one Deployment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deploy {
    pub namespace: String,
    pub name: String,
    /// The container to set; the first when `None`.
    pub container: Option<String>,
    pub image: String,
    /// Recorded as `kubernetes.io/change-cause`.
    pub change_cause: String,
    /// Ask the server to validate and answer without storing anything.
    pub dry_run: bool,
}

async fn bounded<T>(
    doing: &str,
    call: impl Future<Output = kube::Result<T>>,
) -> Result<T, CallError> {
    match tokio::time::timeout(CALL_TIMEOUT, call).await {
        Ok(result) => result.map_err(|e| call_error(doing, &e)),
        Err(_) => Err(CallError {
            doing: doing.to_owned(),
            failure: CallFailure::NoAnswer(CALL_TIMEOUT),
        }),
    }
}

/// Sets the image; returns the Deployment's new generation.
pub async fn set_image(client: kube::Client, deploy: &Deploy) -> Result<i64, ActionError> {
    let api: Api<Deployment> = Api::namespaced(client, &deploy.namespace);
    let deployment = DeploymentId {
        namespace: deploy.namespace.clone(),
        name: deploy.name.clone(),
    };
    let target = deployment.to_string();
    let current = bounded(&format!("get {target}"), api.get(&deploy.name)).await?;
    let containers: Vec<String> = current
        .spec
        .as_ref()
        .and_then(|s| s.template.spec.as_ref())
        .map(|p| p.containers.iter().map(|c| c.name.clone()).collect())
        .unwrap_or_default();
    let container = match &deploy.container {
        Some(wanted) if containers.contains(wanted) => wanted.clone(),
        Some(wanted) => {
            return Err(ActionError::NoSuchContainer {
                deployment,
                wanted: wanted.clone(),
                containers,
            });
        }
        None => containers
            .first()
            .cloned()
            .ok_or(ActionError::NoContainers { deployment })?,
    };
    let patch = json!({
        "metadata": {"annotations": {CHANGE_CAUSE: deploy.change_cause}},
        "spec": {"template": {"spec": {"containers": [{"name": container, "image": deploy.image}]}}}
    });
    let params = PatchParams {
        dry_run: deploy.dry_run,
        field_manager: Some("release-cockpit".to_owned()),
        ..PatchParams::default()
    };
    let patched = bounded(
        &format!("patch {target}"),
        api.patch(&deploy.name, &params, &Patch::Strategic(&patch)),
    )
    .await?;
    Ok(patched.metadata.generation.unwrap_or(0))
}

/// Annotations a rollback keeps from the Deployment instead of the revision.
const KEEP_FROM_DEPLOYMENT: [&str; 6] = [
    "kubectl.kubernetes.io/last-applied-configuration",
    REVISION,
    "deployment.kubernetes.io/revision-history",
    "deployment.kubernetes.io/desired-replicas",
    "deployment.kubernetes.io/max-replicas",
    "deprecated.deployment.rollback.to",
];

/// `kubectl rollout undo`: to the previous revision, or to `to_revision`.
pub async fn undo(
    client: kube::Client,
    namespace: &str,
    name: &str,
    to_revision: Option<u64>,
    dry_run: bool,
) -> Result<UndoOutcome, ActionError> {
    let deployments: Api<Deployment> = Api::namespaced(client.clone(), namespace);
    let replicasets: Api<ReplicaSet> = Api::namespaced(client, namespace);
    let id = DeploymentId {
        namespace: namespace.to_owned(),
        name: name.to_owned(),
    };
    let target = id.to_string();
    let deployment = bounded(&format!("get {target}"), deployments.get(name)).await?;
    let spec = deployment.spec.clone().unwrap_or_default();
    if spec.paused.unwrap_or(false) {
        return Err(ActionError::Paused { deployment: id });
    }
    let selector = spec
        .selector
        .match_labels
        .iter()
        .flatten()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",");
    let list = bounded(
        &format!("list replicasets of {target}"),
        replicasets.list(&ListParams::default().labels(&selector)),
    )
    .await?;
    let owned: Vec<&ReplicaSet> = list
        .items
        .iter()
        .filter(|rs| controls(&deployment, rs))
        .collect();
    let chosen = pick_revision(&owned, to_revision, &id)?;
    let revision = revision_number(chosen);
    let mut template = chosen
        .spec
        .as_ref()
        .and_then(|s| s.template.clone())
        .ok_or_else(|| ActionError::NoPodTemplate {
            deployment: id.clone(),
            revision,
        })?;
    if let Some(labels) = template.metadata.as_mut().and_then(|m| m.labels.as_mut()) {
        labels.remove("pod-template-hash");
    }
    if template == spec.template {
        return Ok(UndoOutcome::Skipped { revision });
    }
    let mut annotations: BTreeMap<String, String> = BTreeMap::new();
    for key in KEEP_FROM_DEPLOYMENT {
        if let Some(value) = deployment
            .metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(key))
        {
            annotations.insert(key.to_owned(), value.clone());
        }
    }
    for (key, value) in chosen.metadata.annotations.iter().flatten() {
        if !KEEP_FROM_DEPLOYMENT.contains(&key.as_str()) {
            annotations.insert(key.clone(), value.clone());
        }
    }
    let patch: json_patch::Patch = serde_json::from_value(json!([
        {"op": "replace", "path": "/spec/template", "value": template},
        {"op": "replace", "path": "/metadata/annotations", "value": annotations},
    ]))
    .map_err(|e| ActionError::Patch {
        deployment: id.clone(),
        cause: e.to_string(),
    })?;
    let params = PatchParams {
        dry_run,
        field_manager: Some("release-cockpit".to_owned()),
        ..PatchParams::default()
    };
    bounded(
        &format!("patch {target}"),
        deployments.patch(name, &params, &Patch::<()>::Json(patch)),
    )
    .await?;
    Ok(UndoOutcome::RolledBack { to: revision })
}

/// The revision to go back to: the one asked for, or the newest but one.
fn pick_revision<'a>(
    owned: &[&'a ReplicaSet],
    wanted: Option<u64>,
    deployment: &DeploymentId,
) -> Result<&'a ReplicaSet, ActionError> {
    let deployment = deployment.clone();
    if owned.is_empty() {
        return Err(ActionError::NoHistory { deployment });
    }
    match wanted {
        Some(revision) => owned
            .iter()
            .find(|rs| revision_number(rs) == revision)
            .copied()
            .ok_or(ActionError::NoSuchRevision {
                deployment,
                revision,
            }),
        None => {
            let mut sorted: Vec<&ReplicaSet> = owned.to_vec();
            sorted.sort_by_key(|rs| std::cmp::Reverse(revision_number(rs)));
            sorted
                .get(1)
                .copied()
                .ok_or(ActionError::NoPreviousRevision { deployment })
        }
    }
}
