//! What a watch keeps of each Deployment and ReplicaSet: only the fields the
//! Rollout pane, its history popup and the rollback read, taken out of the
//! k8s-openapi object as it arrives. A full object (pod template, probes,
//! managedFields, every annotation) is several kilobytes in memory; a target
//! of thousands of Deployments kept them all twice over (each Deployment and
//! its ReplicaSets). Deploys and undos read what they change from the API
//! server at the time (`actions.rs`), never from here.

use chrono::{DateTime, Utc};
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};

use super::history::{CHANGE_CAUSE, REVISION};

/// A container of the pod template: its name and image, in template order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Container {
    pub name: String,
    pub image: Option<String>,
}

/// A Deployment as `kubectl rollout status` reads it. Its name is the key it
/// is kept under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct KeptDeployment {
    pub namespace: String,
    /// What its ReplicaSets name as their controller.
    pub uid: Option<String>,
    pub generation: i64,
    pub observed_generation: i64,
    /// `deployment.kubernetes.io/revision`, 0 when absent or not a number.
    pub revision: u64,
    pub containers: Vec<Container>,
    pub desired: i32,
    pub paused: bool,
    pub updated: i32,
    pub ready: i32,
    pub available: i32,
    pub total: i32,
    /// A Progressing condition says `ProgressDeadlineExceeded`.
    pub deadline_exceeded: bool,
    /// When the (first) Progressing condition last moved.
    pub last_update: Option<DateTime<Utc>>,
}

/// One revision of a Deployment's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct KeptReplicaSet {
    /// The uid of the owner that controls it.
    pub controller: Option<String>,
    pub revision: u64,
    /// The pod template's images, in container order.
    pub images: Vec<String>,
    pub created: Option<DateTime<Utc>>,
    pub change_cause: Option<String>,
    /// Pods it has now.
    pub replicas: i32,
}

impl From<Deployment> for KeptDeployment {
    fn from(d: Deployment) -> Self {
        let spec = d.spec.unwrap_or_default();
        let status = d.status.unwrap_or_default();
        let conditions = status.conditions.unwrap_or_default();
        let progressing = || conditions.iter().filter(|c| c.type_ == "Progressing");
        let containers = fresh(
            spec.template.spec.map(|p| p.containers).unwrap_or_default(),
            |c| {
                Some(Container {
                    name: c.name,
                    image: c.image,
                })
            },
        );
        Self {
            revision: revision_of(&d.metadata),
            generation: d.metadata.generation.unwrap_or(0),
            namespace: d.metadata.namespace.unwrap_or_default(),
            uid: d.metadata.uid,
            observed_generation: status.observed_generation.unwrap_or(0),
            containers,
            desired: spec.replicas.unwrap_or(1),
            paused: spec.paused.unwrap_or(false),
            updated: status.updated_replicas.unwrap_or(0),
            ready: status.ready_replicas.unwrap_or(0),
            available: status.available_replicas.unwrap_or(0),
            total: status.replicas.unwrap_or(0),
            deadline_exceeded: progressing()
                .any(|c| c.reason.as_deref() == Some("ProgressDeadlineExceeded")),
            last_update: progressing()
                .next()
                .and_then(|c| c.last_update_time.as_ref())
                .and_then(whole_seconds),
        }
    }
}

impl From<ReplicaSet> for KeptReplicaSet {
    fn from(rs: ReplicaSet) -> Self {
        let containers = rs
            .spec
            .and_then(|s| s.template)
            .and_then(|t| t.spec)
            .map(|p| p.containers)
            .unwrap_or_default();
        let images = fresh(containers, |c| c.image);
        Self {
            revision: revision_of(&rs.metadata),
            created: rs
                .metadata
                .creation_timestamp
                .as_ref()
                .and_then(whole_seconds),
            controller: rs
                .metadata
                .owner_references
                .unwrap_or_default()
                .into_iter()
                .find(|o| o.controller == Some(true))
                .map(|o| o.uid),
            change_cause: rs
                .metadata
                .annotations
                .and_then(|mut a| a.remove(CHANGE_CAUSE)),
            images,
            replicas: rs.status.map_or(0, |s| s.replicas),
        }
    }
}

/// What `keep` takes of each item, in a vector of its own size. Collecting
/// `into_iter().map(..)` would reuse the source's buffer in place, sized for
/// k8s-openapi's `Container` (about 2 KB each): kept for every object, that
/// was two thirds of the watch's memory.
fn fresh<T, U>(items: Vec<T>, keep: impl FnMut(T) -> Option<U>) -> Vec<U> {
    let mut kept = Vec::with_capacity(items.len());
    kept.extend(items.into_iter().filter_map(keep));
    kept.shrink_to_fit();
    kept
}

fn revision_of(meta: &ObjectMeta) -> u64 {
    meta.annotations
        .as_ref()
        .and_then(|a| a.get(REVISION))
        .and_then(|r| r.parse().ok())
        .unwrap_or(0)
}

fn whole_seconds(time: &Time) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(time.0.as_second(), 0)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// As a real API server sends them, managedFields and all.
    fn deployment() -> Deployment {
        serde_json::from_value(json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {
                "name": "checkout", "namespace": "production", "uid": "d-1",
                "generation": 7, "resourceVersion": "912",
                "annotations": {
                    "deployment.kubernetes.io/revision": "4",
                    "kubectl.kubernetes.io/last-applied-configuration": "{\"a\":\"big blob\"}"
                },
                "managedFields": [{"manager": "kubectl", "operation": "Update",
                                   "fieldsType": "FieldsV1", "fieldsV1": {"f:spec": {}}}]
            },
            "spec": {
                "replicas": 4, "paused": true,
                "selector": {"matchLabels": {"app": "checkout"}},
                "template": {"spec": {"containers": [
                    {"name": "proxy", "image": "envoy:1.30"},
                    {"name": "checkout", "image": "shop/checkout:2.4.0",
                     "readinessProbe": {"httpGet": {"path": "/ready", "port": 8080}}}
                ]}}
            },
            "status": {
                "observedGeneration": 6, "replicas": 5, "updatedReplicas": 2,
                "readyReplicas": 3, "availableReplicas": 3,
                "conditions": [
                    {"type": "Available", "status": "True"},
                    {"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded",
                     "lastUpdateTime": "2026-12-02T10:00:05Z"}
                ]
            }
        }))
        .expect("a Deployment")
    }

    #[test]
    fn a_deployment_keeps_what_rollout_status_reads() {
        let kept = KeptDeployment::from(deployment());
        let container = |name: &str, image: &str| Container {
            name: name.into(),
            image: Some(image.into()),
        };
        assert_eq!(
            kept,
            KeptDeployment {
                namespace: "production".into(),
                uid: Some("d-1".into()),
                generation: 7,
                observed_generation: 6,
                revision: 4,
                containers: vec![
                    container("proxy", "envoy:1.30"),
                    container("checkout", "shop/checkout:2.4.0")
                ],
                desired: 4,
                paused: true,
                updated: 2,
                ready: 3,
                available: 3,
                total: 5,
                deadline_exceeded: true,
                last_update: DateTime::from_timestamp(1_796_205_605, 0),
            }
        );
        assert_eq!(
            kept.containers.capacity(),
            2,
            "not the buffer of the two k8s-openapi containers"
        );
    }

    #[test]
    fn a_deployment_without_spec_or_status_reads_as_the_api_defaults() {
        let kept = KeptDeployment::from(Deployment::default());
        assert_eq!((kept.desired, kept.revision, kept.paused), (1, 0, false));
        assert!(kept.containers.is_empty() && kept.last_update.is_none());
    }

    #[test]
    fn a_replicaset_keeps_its_revision_images_cause_and_controller() {
        let rs: ReplicaSet = serde_json::from_value(json!({
            "apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {
                "name": "checkout-5d8f", "creationTimestamp": "2026-12-01T09:30:00Z",
                "annotations": {
                    "deployment.kubernetes.io/revision": "3",
                    "kubernetes.io/change-cause": "kubectl set image checkout=shop/checkout:2.3.1"
                },
                "ownerReferences": [
                    {"apiVersion": "v1", "kind": "Other", "name": "x", "uid": "o-1"},
                    {"apiVersion": "apps/v1", "kind": "Deployment", "name": "checkout",
                     "uid": "d-1", "controller": true}
                ]
            },
            "spec": {"selector": {}, "template": {"spec": {"containers": [
                {"name": "proxy", "image": "envoy:1.30"},
                {"name": "checkout", "image": "shop/checkout:2.3.1"}
            ]}}},
            "status": {"replicas": 2}
        }))
        .expect("a ReplicaSet");
        assert_eq!(
            KeptReplicaSet::from(rs),
            KeptReplicaSet {
                controller: Some("d-1".into()),
                revision: 3,
                images: vec!["envoy:1.30".into(), "shop/checkout:2.3.1".into()],
                created: DateTime::from_timestamp(1_796_117_400, 0),
                change_cause: Some("kubectl set image checkout=shop/checkout:2.3.1".into()),
                replicas: 2,
            }
        );
    }

    #[test]
    fn a_replicaset_keeps_a_buffer_of_its_own_images_only() {
        let mut rs = ReplicaSet::default();
        let container = |image: Option<&str>| k8s_openapi::api::core::v1::Container {
            image: image.map(str::to_owned),
            ..Default::default()
        };
        rs.spec = Some(k8s_openapi::api::apps::v1::ReplicaSetSpec {
            template: Some(k8s_openapi::api::core::v1::PodTemplateSpec {
                spec: Some(k8s_openapi::api::core::v1::PodSpec {
                    containers: vec![
                        container(Some("a:1")),
                        container(None),
                        container(Some("b:2")),
                    ],
                    ..Default::default()
                }),
                ..Default::default()
            }),
            ..Default::default()
        });
        let kept = KeptReplicaSet::from(rs);
        assert_eq!(kept.images, ["a:1", "b:2"]);
        assert_eq!(kept.images.capacity(), 2);
    }
}
