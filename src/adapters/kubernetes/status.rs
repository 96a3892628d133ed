//! A Deployment's rollout state, decided in the order `kubectl rollout status`
//! uses: observedGeneration first, then ProgressDeadlineExceeded, then the
//! updated, total and available counts.

use super::kept::{KeptDeployment, KeptReplicaSet};
use crate::domain::rollout::{Revision, RolloutPhase, Unit, UnitKind, image_tag};

/// `owned` are the ReplicaSets the Deployment `name` controls.
pub(super) fn deployment_state(
    name: &str,
    d: &KeptDeployment,
    owned: &[&KeptReplicaSet],
    container: Option<&str>,
) -> Unit {
    let chosen = container
        .and_then(|wanted| d.containers.iter().find(|c| c.name == wanted))
        .or_else(|| d.containers.first());
    let image = chosen.and_then(|c| c.image.clone()).unwrap_or_default();
    let container_name = chosen.map_or_else(
        || container.unwrap_or_default().to_owned(),
        |c| c.name.clone(),
    );
    let (phase, message) = phase_and_message(name, d);
    // The image the old pods still run: the newest ReplicaSet with pods on
    // another image. Not "another revision": until the controller has seen a
    // new template, the old pods' ReplicaSet still carries the current revision.
    let index = d
        .containers
        .iter()
        .position(|c| c.name == container_name)
        .unwrap_or(0);
    let previous_image = owned
        .iter()
        .filter(|rs| rs.replicas > 0)
        .filter_map(|rs| rs.images.get(index).map(|i| (rs.revision, i)))
        .filter(|(_, old)| **old != image)
        .max_by_key(|(revision, _)| *revision)
        .map(|(_, old)| old.clone());
    Unit {
        kind: UnitKind::Deployment,
        namespace: d.namespace.clone(),
        name: name.to_owned(),
        version: image_tag(&image).to_owned(),
        container: container_name,
        image,
        previous_image,
        revision: d.revision,
        desired: d.desired,
        updated: d.updated,
        ready: d.ready,
        available: d.available,
        total: d.total,
        phase,
        message,
        last_update: d.last_update,
        history: revisions(owned),
    }
}

/// The ReplicaSets' revisions, newest first.
fn revisions(owned: &[&KeptReplicaSet]) -> Vec<Revision> {
    let mut revisions: Vec<Revision> = owned
        .iter()
        .map(|rs| Revision {
            number: rs.revision,
            version: rs.images.first().map_or("", |i| image_tag(i)).to_owned(),
            images: rs.images.clone(),
            created: rs.created,
            change_cause: rs.change_cause.clone(),
            replicas: rs.replicas,
        })
        .collect();
    revisions.sort_by_key(|r| std::cmp::Reverse(r.number));
    revisions
}

fn phase_and_message(name: &str, d: &KeptDeployment) -> (RolloutPhase, String) {
    if d.generation > d.observed_generation {
        return (
            RolloutPhase::Progressing,
            "Waiting for deployment spec update to be observed...".to_owned(),
        );
    }
    if d.deadline_exceeded {
        return (
            RolloutPhase::Failed,
            format!("deployment \"{name}\" exceeded its progress deadline"),
        );
    }
    let (desired, updated, total, available) = (d.desired, d.updated, d.total, d.available);
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
    match waiting {
        Some(message) if d.paused => (
            RolloutPhase::Paused,
            format!("deployment \"{name}\" is paused: {message}"),
        ),
        Some(message) => (RolloutPhase::Progressing, message),
        None if d.paused => (
            RolloutPhase::Paused,
            format!("deployment \"{name}\" is paused"),
        ),
        None => (
            RolloutPhase::Complete,
            format!("deployment \"{name}\" successfully rolled out"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::kubernetes::kept::Container;

    fn rolling() -> KeptDeployment {
        let container = |name: &str, image: &str| Container {
            name: name.into(),
            image: Some(image.into()),
        };
        KeptDeployment {
            namespace: "production".into(),
            uid: Some("d-1".into()),
            generation: 3,
            observed_generation: 3,
            revision: 3,
            containers: vec![
                container("proxy", "envoy:1.30"),
                container("checkout", "shop/checkout:2.4.0"),
            ],
            desired: 4,
            paused: false,
            updated: 1,
            ready: 4,
            available: 4,
            total: 5,
            deadline_exceeded: false,
            last_update: None,
        }
    }

    fn revision(number: u64, checkout: &str, replicas: i32) -> KeptReplicaSet {
        KeptReplicaSet {
            controller: Some("d-1".into()),
            revision: number,
            images: vec!["envoy:1.30".into(), checkout.into()],
            created: None,
            change_cause: None,
            replicas,
        }
    }

    #[test]
    fn a_rolling_deployment_names_the_image_its_old_pods_run_and_its_history_newest_first() {
        let (one, two, three) = (
            revision(1, "shop/checkout:2.2.0", 0),
            revision(2, "shop/checkout:2.3.1", 4),
            revision(3, "shop/checkout:2.4.0", 1),
        );
        let unit = deployment_state(
            "checkout",
            &rolling(),
            &[&two, &three, &one],
            Some("checkout"),
        );
        assert_eq!(unit.image, "shop/checkout:2.4.0");
        assert_eq!(unit.previous_image.as_deref(), Some("shop/checkout:2.3.1"));
        assert_eq!(unit.phase, RolloutPhase::Progressing);
        assert_eq!(
            unit.message,
            "Waiting for deployment \"checkout\" rollout to finish: 1 out of 4 new replicas have been updated..."
        );
        let numbers: Vec<u64> = unit.history.iter().map(|r| r.number).collect();
        assert_eq!(numbers, [3, 2, 1]);
        let first = deployment_state("checkout", &rolling(), &[&two, &three], None);
        assert_eq!(
            (first.container.as_str(), first.previous_image),
            ("proxy", None),
            "without a container named, the first; its image did not change"
        );
    }
}
