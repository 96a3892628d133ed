//! A Deployment's rollout state, decided in the order `kubectl rollout status`
//! uses: observedGeneration first, then ProgressDeadlineExceeded, then the
//! updated, total and available counts.

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};

use super::history::{self, revision_number};
use crate::domain::rollout::{RolloutPhase, Unit, UnitKind, image_tag};

/// `owned` are the ReplicaSets the Deployment controls.
pub fn deployment_state(d: &Deployment, owned: &[&ReplicaSet], container: Option<&str>) -> Unit {
    let name = d.metadata.name.clone().unwrap_or_default();
    let spec = d.spec.clone().unwrap_or_default();
    let status = d.status.clone().unwrap_or_default();
    let containers = spec
        .template
        .spec
        .as_ref()
        .map(|p| p.containers.as_slice())
        .unwrap_or_default();
    let chosen = container
        .and_then(|wanted| containers.iter().find(|c| c.name == wanted))
        .or_else(|| containers.first());
    let image = chosen.and_then(|c| c.image.clone()).unwrap_or_default();
    let container_name = chosen.map_or_else(
        || container.unwrap_or_default().to_owned(),
        |c| c.name.clone(),
    );
    let desired = spec.replicas.unwrap_or(1);
    let updated = status.updated_replicas.unwrap_or(0);
    let total = status.replicas.unwrap_or(0);
    let available = status.available_replicas.unwrap_or(0);
    let progressing = status
        .conditions
        .iter()
        .flatten()
        .find(|c| c.type_ == "Progressing");
    let (phase, message) = phase_and_message(d, &name, desired, updated, total, available);
    let revision = d
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(history::REVISION))
        .and_then(|r| r.parse().ok())
        .unwrap_or(0);
    // The image the old pods still run: the newest older ReplicaSet with pods.
    let previous_image = owned
        .iter()
        .filter(|rs| {
            revision_number(rs) != revision && rs.status.as_ref().is_some_and(|s| s.replicas > 0)
        })
        .max_by_key(|rs| revision_number(rs))
        .and_then(|rs| {
            let images = history::images(rs);
            let index = containers
                .iter()
                .position(|c| c.name == container_name)
                .unwrap_or(0);
            images.get(index).cloned()
        })
        .filter(|old| *old != image);
    Unit {
        kind: UnitKind::Deployment,
        namespace: d.metadata.namespace.clone().unwrap_or_default(),
        name,
        version: image_tag(&image).to_owned(),
        container: container_name,
        image,
        previous_image,
        revision,
        desired,
        updated,
        ready: status.ready_replicas.unwrap_or(0),
        available,
        total,
        phase,
        message,
        last_update: progressing
            .and_then(|c| c.last_update_time.as_ref())
            .and_then(|t| chrono::DateTime::from_timestamp(t.0.as_second(), 0)),
        history: history::revisions(owned.iter().copied()),
    }
}

fn phase_and_message(
    d: &Deployment,
    name: &str,
    desired: i32,
    updated: i32,
    total: i32,
    available: i32,
) -> (RolloutPhase, String) {
    let spec = d.spec.clone().unwrap_or_default();
    let status = d.status.clone().unwrap_or_default();
    let observed = status.observed_generation.unwrap_or(0);
    if d.metadata.generation.unwrap_or(0) > observed {
        return (
            RolloutPhase::Progressing,
            "Waiting for deployment spec update to be observed...".to_owned(),
        );
    }
    let timed_out = status.conditions.iter().flatten().any(|c| {
        c.type_ == "Progressing" && c.reason.as_deref() == Some("ProgressDeadlineExceeded")
    });
    if timed_out {
        return (
            RolloutPhase::Failed,
            format!("deployment \"{name}\" exceeded its progress deadline"),
        );
    }
    let waiting = if updated < desired {
        Some(format!(
            "Waiting for deployment \"{name}\" rollout to finish: {updated} out of {desired} new replicas have been updated..."
        ))
    } else if total > updated {
        Some(format!(
            "Waiting for deployment \"{name}\" rollout to finish: {} old replicas are pending termination...",
            total - updated
        ))
    } else if available < updated {
        Some(format!(
            "Waiting for deployment \"{name}\" rollout to finish: {available} of {updated} updated replicas are available..."
        ))
    } else {
        None
    };
    let paused = spec.paused.unwrap_or(false);
    match waiting {
        Some(message) if paused => (
            RolloutPhase::Paused,
            format!("deployment \"{name}\" is paused: {message}"),
        ),
        Some(message) => (RolloutPhase::Progressing, message),
        None if paused => (
            RolloutPhase::Paused,
            format!("deployment \"{name}\" is paused"),
        ),
        None => (
            RolloutPhase::Complete,
            format!("deployment \"{name}\" successfully rolled out"),
        ),
    }
}
