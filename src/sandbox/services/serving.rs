//! What the cluster serves right now: per Deployment, its ReplicaSets' images
//! and when each of their ready pods became ready. The services' traffic is
//! made of this and nothing else, so a rollout or a rollback moves it.

use std::collections::HashMap;
use std::time::Instant;

use crate::adapters::kubernetes::history;

use super::super::cluster::{Cluster, Key};

/// One ReplicaSet with pods ready by the time asked about.
#[derive(Debug, Clone, PartialEq)]
pub struct Served {
    /// Its pods' images, one per container.
    pub images: Vec<String>,
    /// When each ready pod became ready.
    pub ready_since: Vec<Instant>,
}

/// One Deployment as a service.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceView {
    pub key: Key,
    /// The images the Deployment asks for (its pod template).
    pub desired: Vec<String>,
    /// Its ReplicaSets with ready pods, oldest revision first.
    pub sets: Vec<Served>,
}

impl Cluster {
    /// Every Deployment (or only `only`) in key order, with what serves it at `now`.
    pub(in crate::sandbox) fn serving(&self, now: Instant, only: Option<&Key>) -> Vec<ServiceView> {
        let state = self.lock();
        let mut views: Vec<ServiceView> = Vec::new();
        let mut by_uid: HashMap<&str, usize> = HashMap::new();
        for (key, stored) in &state.deployments {
            if only.is_some_and(|k| k != key) {
                continue;
            }
            let desired = stored
                .object
                .spec
                .as_ref()
                .and_then(|s| s.template.spec.as_ref())
                .map(|p| {
                    p.containers
                        .iter()
                        .filter_map(|c| c.image.clone())
                        .collect()
                })
                .unwrap_or_default();
            if let Some(uid) = stored.object.metadata.uid.as_deref() {
                by_uid.insert(uid, views.len());
            }
            views.push(ServiceView {
                key: key.clone(),
                desired,
                sets: Vec::new(),
            });
        }
        let mut sets: Vec<(usize, u64, Served)> = Vec::new();
        for (key, stored) in &state.replicasets {
            let rs = &stored.object;
            let owner = rs
                .metadata
                .owner_references
                .iter()
                .flatten()
                .filter(|o| o.controller == Some(true))
                .find_map(|o| by_uid.get(o.uid.as_str()));
            let (Some(&index), Some(pods)) = (owner, state.pods.get(key)) else {
                continue;
            };
            let ready_since: Vec<Instant> = pods.ready_since(now).collect();
            if ready_since.is_empty() {
                continue;
            }
            let served = Served {
                images: history::images(rs),
                ready_since,
            };
            sets.push((index, history::revision_number(rs), served));
        }
        sets.sort_by_key(|(index, revision, _)| (*index, *revision));
        for (index, _, served) in sets {
            if let Some(view) = views.get_mut(index) {
                view.sets.push(served);
            }
        }
        views
    }
}
