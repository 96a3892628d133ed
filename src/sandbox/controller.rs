//! The Deployment controller, as upstream behaves: a template change makes a
//! ReplicaSet with revision max+1 (or takes back an old one whose template
//! matches), scales it up and the old ones down within maxSurge and
//! maxUnavailable, and reports counts and conditions in the status.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use k8s_openapi::api::apps::v1::{
    Deployment, DeploymentCondition, DeploymentStatus, ReplicaSet, ReplicaSetSpec, ReplicaSetStatus,
};
use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::cluster::{Cluster, Key, State};
use super::objects::{
    CHANGE_CAUSE, DESIRED_REPLICAS, LAST_APPLIED, MAX_REPLICAS, REVISION, TEMPLATE_HASH, now_time,
};

/// How the ReplicaSets of one Deployment stand on this pass.
struct Owned {
    new: Option<Key>,
    old: Vec<Key>,
    max_revision: u64,
}

impl State {
    /// Returns whether the Deployment needs another look later.
    pub fn reconcile_deployment(&mut self, key: &Key, now: Instant) -> bool {
        let Some(deployment) = self.deployments.get(key).map(|s| s.object.clone()) else {
            return false;
        };
        let Some(spec) = deployment.spec.clone() else {
            return false;
        };
        let desired = spec.replicas.unwrap_or(1);
        let hash = template_hash(&spec.template);
        let mut owned = self.owned(&deployment, &hash);
        let paused = spec.paused.unwrap_or(false);

        if !paused {
            match &owned.new {
                None => {
                    let created =
                        self.create_replicaset(&deployment, &hash, owned.max_revision + 1, &owned);
                    owned.new = Some(created);
                    owned.max_revision += 1;
                    self.progress.insert(key.clone(), now);
                }
                Some(new_key)
                    if revision_of(&self.replicasets[new_key].object) < owned.max_revision =>
                {
                    // Rolling back to an old template takes its ReplicaSet back.
                    let mut rs = self.replicasets[new_key].object.clone();
                    owned.max_revision += 1;
                    let notes = rs.metadata.annotations.get_or_insert_with(BTreeMap::new);
                    notes.insert(REVISION.to_owned(), owned.max_revision.to_string());
                    copy_change_cause(&deployment, notes);
                    self.store_replicaset(rs, "MODIFIED");
                    self.progress.insert(key.clone(), now);
                }
                Some(_) => {}
            }
            self.scale(&deployment, &owned, desired, now);
        } else {
            // Paused holds the rollout, not the size: with one ReplicaSet
            // serving, a replica change still applies (upstream scales
            // several proportionally; the sandbox leaves that case alone).
            let serving: Vec<Key> = owned
                .old
                .iter()
                .chain(owned.new.iter())
                .filter(|k| spec_replicas(&self.replicasets[*k].object) > 0)
                .cloned()
                .collect();
            if let [only] = serving.as_slice() {
                self.set_replicas(only, desired);
            }
        }
        let in_motion = self.sync_pods(&owned, now);
        let status = self.deployment_status(key, &deployment, &owned, desired, paused, now);
        let revision = owned
            .new
            .as_ref()
            .map(|k| revision_of(&self.replicasets[k].object).to_string());
        let mut next = deployment.clone();
        if let Some(revision) = revision {
            next.metadata
                .annotations
                .get_or_insert_with(BTreeMap::new)
                .insert(REVISION.to_owned(), revision);
        }
        next.status = Some(status);
        let complete = is_complete(&next, desired);
        if next != deployment {
            self.store_deployment(next, "MODIFIED");
        }
        in_motion || (!complete && !paused)
    }

    fn owned(&self, deployment: &Deployment, hash: &str) -> Owned {
        let namespace = deployment.metadata.namespace.clone().unwrap_or_default();
        let uid = deployment.metadata.uid.as_deref();
        let mut owned = Owned {
            new: None,
            old: Vec::new(),
            max_revision: 0,
        };
        let from = (namespace.clone(), String::new());
        for (key, stored) in self.replicasets.range(from..) {
            if key.0 != namespace {
                break;
            }
            let controlled = stored
                .object
                .metadata
                .owner_references
                .iter()
                .flatten()
                .any(|o| o.controller == Some(true) && Some(o.uid.as_str()) == uid);
            if !controlled {
                continue;
            }
            owned.max_revision = owned.max_revision.max(revision_of(&stored.object));
            let rs_hash = stored
                .object
                .metadata
                .labels
                .as_ref()
                .and_then(|l| l.get(TEMPLATE_HASH));
            if rs_hash.map(String::as_str) == Some(hash) {
                owned.new = Some(key.clone());
            } else {
                owned.old.push(key.clone());
            }
        }
        // Oldest revision first: that is the order old ReplicaSets scale down in.
        owned
            .old
            .sort_by_key(|k| revision_of(&self.replicasets[k].object));
        owned
    }

    fn create_replicaset(
        &mut self,
        d: &Deployment,
        hash: &str,
        revision: u64,
        owned: &Owned,
    ) -> Key {
        let namespace = d.metadata.namespace.clone().unwrap_or_default();
        let name = format!("{}-{hash}", d.metadata.name.as_deref().unwrap_or_default());
        let spec = d.spec.clone().unwrap_or_default();
        let mut template = spec.template.clone();
        let meta = template.metadata.get_or_insert_with(ObjectMeta::default);
        meta.labels
            .get_or_insert_with(BTreeMap::new)
            .insert(TEMPLATE_HASH.to_owned(), hash.to_owned());
        let mut selector = spec.selector.clone();
        selector
            .match_labels
            .get_or_insert_with(BTreeMap::new)
            .insert(TEMPLATE_HASH.to_owned(), hash.to_owned());
        let mut annotations: BTreeMap<String, String> = d
            .metadata
            .annotations
            .iter()
            .flatten()
            .filter(|(k, _)| k.as_str() != REVISION && k.as_str() != LAST_APPLIED)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let desired = spec.replicas.unwrap_or(1);
        annotations.insert(REVISION.to_owned(), revision.to_string());
        annotations.insert(DESIRED_REPLICAS.to_owned(), desired.to_string());
        annotations.insert(
            MAX_REPLICAS.to_owned(),
            (desired + max_surge(&spec, desired)).to_string(),
        );
        let first = owned.old.is_empty();
        let uid = Cluster::next_uid(self);
        let rs = ReplicaSet {
            metadata: ObjectMeta {
                name: Some(name.clone()),
                namespace: Some(namespace.clone()),
                uid: Some(uid),
                generation: Some(1),
                creation_timestamp: Some(now_time()),
                labels: meta.labels.clone(),
                annotations: Some(annotations),
                owner_references: Some(vec![OwnerReference {
                    api_version: "apps/v1".to_owned(),
                    kind: "Deployment".to_owned(),
                    name: d.metadata.name.clone().unwrap_or_default(),
                    uid: d.metadata.uid.clone().unwrap_or_default(),
                    controller: Some(true),
                    block_owner_deletion: Some(true),
                }]),
                ..ObjectMeta::default()
            },
            spec: Some(ReplicaSetSpec {
                // A Deployment's first ReplicaSet starts at full size.
                replicas: Some(if first { desired } else { 0 }),
                selector,
                template: Some(template),
                min_ready_seconds: spec.min_ready_seconds,
            }),
            status: Some(ReplicaSetStatus::default()),
        };
        self.store_replicaset(rs, "ADDED");
        (namespace, name)
    }

    fn scale(&mut self, d: &Deployment, owned: &Owned, desired: i32, now: Instant) {
        let Some(new_key) = owned.new.clone() else {
            return;
        };
        let spec = d.spec.clone().unwrap_or_default();
        let replicas = |state: &State, k: &Key| spec_replicas(&state.replicasets[k].object);
        let available = |state: &State, k: &Key| {
            let ready = state.pods.get(k).map_or(0, |p| p.ready(now));
            ready.min(spec_replicas(&state.replicasets[k].object))
        };
        let recreate = spec.strategy.as_ref().and_then(|s| s.type_.as_deref()) == Some("Recreate");
        if recreate {
            for k in &owned.old {
                self.set_replicas(k, 0);
            }
            let old_pods: i32 = owned
                .old
                .iter()
                .map(|k| self.pods.get(k).map_or(0, |p| p.len()))
                .sum();
            if old_pods == 0 {
                self.set_replicas(&new_key, desired);
            }
            return;
        }
        let surge = max_surge(&spec, desired);
        let unavailable = max_unavailable(&spec, desired);
        let all: Vec<Key> = owned.old.iter().chain([&new_key]).cloned().collect();
        let total: i32 = all.iter().map(|k| replicas(self, k)).sum();

        // Scale up the new ReplicaSet as far as the surge allows.
        let new_replicas = replicas(self, &new_key);
        if new_replicas > desired {
            self.set_replicas(&new_key, desired);
        } else if new_replicas < desired {
            let room = (desired + surge - total).max(0);
            let up = room.min(desired - new_replicas);
            if up > 0 {
                self.set_replicas(&new_key, new_replicas + up);
            }
        }

        // Scale the old ones down without going under minAvailable.
        let total: i32 = all.iter().map(|k| replicas(self, k)).sum();
        let min_available = desired - unavailable;
        let new_unavailable = replicas(self, &new_key) - available(self, &new_key);
        let mut budget = total - min_available - new_unavailable;
        // Unhealthy old pods go first: removing them costs no availability.
        for k in &owned.old {
            if budget <= 0 {
                break;
            }
            let unhealthy = replicas(self, k) - available(self, k);
            let cut = unhealthy.min(budget);
            if cut > 0 {
                self.set_replicas(k, replicas(self, k) - cut);
                budget -= cut;
            }
        }
        let available_total: i32 = all.iter().map(|k| available(self, k)).sum();
        let mut budget = available_total - min_available;
        for k in &owned.old {
            if budget <= 0 {
                break;
            }
            let cut = replicas(self, k).min(budget);
            if cut > 0 {
                self.set_replicas(k, replicas(self, k) - cut);
                budget -= cut;
            }
        }
    }

    fn set_replicas(&mut self, key: &Key, replicas: i32) {
        let Some(stored) = self.replicasets.get(key) else {
            return;
        };
        if spec_replicas(&stored.object) == replicas {
            return;
        }
        let mut rs = stored.object.clone();
        if let Some(spec) = rs.spec.as_mut() {
            spec.replicas = Some(replicas);
        }
        rs.metadata.generation = Some(rs.metadata.generation.unwrap_or(1) + 1);
        self.store_replicaset(rs, "MODIFIED");
    }

    /// Brings each ReplicaSet's pods to its size and its status up to date;
    /// returns whether some pod is still on its way to ready.
    fn sync_pods(&mut self, owned: &Owned, now: Instant) -> bool {
        let mut pending = false;
        for key in owned.old.iter().chain(owned.new.iter()) {
            let rs = self.replicasets[key].object.clone();
            let images = crate::adapters::kubernetes::history::images(&rs);
            let ready_after = self.images.ready_after(images.iter().map(String::as_str));
            let pods = self.pods.entry(key.clone()).or_default();
            pods.scale(spec_replicas(&rs), now, ready_after);
            pending |= pods.pending(now);
            let ready = pods.ready(now);
            let status = ReplicaSetStatus {
                replicas: pods.len(),
                fully_labeled_replicas: Some(pods.len()),
                ready_replicas: Some(ready),
                available_replicas: Some(ready),
                observed_generation: rs.metadata.generation,
                ..ReplicaSetStatus::default()
            };
            if rs.status.as_ref() != Some(&status) {
                let mut next = rs;
                next.status = Some(status);
                self.store_replicaset(next, "MODIFIED");
            }
        }
        pending
    }

    fn deployment_status(
        &mut self,
        key: &Key,
        d: &Deployment,
        owned: &Owned,
        desired: i32,
        paused: bool,
        now: Instant,
    ) -> DeploymentStatus {
        let status_of = |k: &Key| {
            self.replicasets[k]
                .object
                .status
                .clone()
                .unwrap_or_default()
        };
        let all: Vec<&Key> = owned.old.iter().chain(owned.new.iter()).collect();
        let replicas: i32 = all.iter().map(|k| status_of(k).replicas).sum();
        let ready: i32 = all
            .iter()
            .map(|k| status_of(k).ready_replicas.unwrap_or(0))
            .sum();
        let available: i32 = all
            .iter()
            .map(|k| status_of(k).available_replicas.unwrap_or(0))
            .sum();
        let updated = owned.new.as_ref().map_or(0, |k| status_of(k).replicas);
        let new_name = owned.new.as_ref().map(|k| k.1.clone()).unwrap_or_default();
        let previous = d.status.clone().unwrap_or_default();
        let counts_changed = previous.replicas.unwrap_or(0) != replicas
            || previous.updated_replicas.unwrap_or(0) != updated
            || previous.available_replicas.unwrap_or(0) != available
            || previous.ready_replicas.unwrap_or(0) != ready;
        if counts_changed {
            self.progress.insert(key.clone(), now);
        }
        let spec = d.spec.clone().unwrap_or_default();
        let unavailable_allowed = max_unavailable(&spec, desired);
        let complete = updated == desired && replicas == desired && available == desired;
        let deadline = Duration::from_secs(
            u64::try_from(spec.progress_deadline_seconds.unwrap_or(600)).unwrap_or(600),
        );
        let last_progress = *self.progress.entry(key.clone()).or_insert(now);
        let old = |kind: &str| {
            previous
                .conditions
                .iter()
                .flatten()
                .find(|c| c.type_ == kind)
                .cloned()
        };
        let progressing = if paused {
            (
                "Unknown",
                "DeploymentPaused",
                "Deployment is paused".to_owned(),
            )
        } else if complete {
            (
                "True",
                "NewReplicaSetAvailable",
                format!("ReplicaSet \"{new_name}\" has successfully progressed."),
            )
        } else if now.duration_since(last_progress) > deadline {
            (
                "False",
                "ProgressDeadlineExceeded",
                format!("ReplicaSet \"{new_name}\" has timed out progressing."),
            )
        } else {
            (
                "True",
                "ReplicaSetUpdated",
                format!("ReplicaSet \"{new_name}\" is progressing."),
            )
        };
        let minimum = available >= desired - unavailable_allowed;
        let available_cond = if minimum {
            (
                "True",
                "MinimumReplicasAvailable",
                "Deployment has minimum availability.".to_owned(),
            )
        } else {
            (
                "False",
                "MinimumReplicasUnavailable",
                "Deployment does not have minimum availability.".to_owned(),
            )
        };
        let conditions = vec![
            condition(old("Available"), "Available", available_cond, false),
            condition(
                old("Progressing"),
                "Progressing",
                progressing,
                counts_changed,
            ),
        ];
        DeploymentStatus {
            observed_generation: d.metadata.generation,
            replicas: Some(replicas),
            updated_replicas: Some(updated),
            ready_replicas: Some(ready),
            available_replicas: Some(available),
            unavailable_replicas: Some((desired - available).max(0)),
            conditions: Some(conditions),
            ..DeploymentStatus::default()
        }
    }
}

/// Keeps a condition's times unless its status, reason or message changed
/// (or, for Progressing, the rollout moved).
fn condition(
    old: Option<DeploymentCondition>,
    kind: &str,
    (status, reason, message): (&str, &str, String),
    touched: bool,
) -> DeploymentCondition {
    let same = |c: &DeploymentCondition| {
        c.status == status
            && c.reason.as_deref() == Some(reason)
            && c.message.as_deref() == Some(message.as_str())
    };
    match old {
        Some(c) if same(&c) && !touched => c,
        Some(c) if c.status == status => DeploymentCondition {
            last_update_time: Some(now_time()),
            reason: Some(reason.to_owned()),
            message: Some(message),
            ..c
        },
        _ => DeploymentCondition {
            type_: kind.to_owned(),
            status: status.to_owned(),
            reason: Some(reason.to_owned()),
            message: Some(message),
            last_update_time: Some(now_time()),
            last_transition_time: Some(now_time()),
        },
    }
}

fn is_complete(d: &Deployment, desired: i32) -> bool {
    let s = d.status.clone().unwrap_or_default();
    s.updated_replicas == Some(desired)
        && s.replicas == Some(desired)
        && s.available_replicas == Some(desired)
}

fn copy_change_cause(d: &Deployment, notes: &mut BTreeMap<String, String>) {
    if let Some(cause) = d
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(CHANGE_CAUSE))
    {
        notes.insert(CHANGE_CAUSE.to_owned(), cause.clone());
    }
}

pub use crate::adapters::kubernetes::history::revision_number as revision_of;

fn spec_replicas(rs: &ReplicaSet) -> i32 {
    rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(0)
}

fn resolve(value: Option<&IntOrString>, desired: i32, round_up: bool, default_percent: i32) -> i32 {
    let percent = |p: i32| {
        let scaled = i64::from(desired) * i64::from(p);
        let v = if round_up {
            (scaled + 99) / 100
        } else {
            scaled / 100
        };
        i32::try_from(v).unwrap_or(0)
    };
    match value {
        Some(IntOrString::Int(n)) => *n,
        Some(IntOrString::String(s)) => s
            .strip_suffix('%')
            .and_then(|p| p.parse().ok())
            .map_or(0, percent),
        None => percent(default_percent),
    }
}

fn rolling(
    spec: &k8s_openapi::api::apps::v1::DeploymentSpec,
) -> Option<&k8s_openapi::api::apps::v1::RollingUpdateDeployment> {
    spec.strategy
        .as_ref()
        .and_then(|s| s.rolling_update.as_ref())
}

fn max_surge(spec: &k8s_openapi::api::apps::v1::DeploymentSpec, desired: i32) -> i32 {
    resolve(
        rolling(spec).and_then(|r| r.max_surge.as_ref()),
        desired,
        true,
        25,
    )
}

fn max_unavailable(spec: &k8s_openapi::api::apps::v1::DeploymentSpec, desired: i32) -> i32 {
    let surge = max_surge(spec, desired);
    let unavailable = resolve(
        rolling(spec).and_then(|r| r.max_unavailable.as_ref()),
        desired,
        false,
        25,
    );
    // Both zero would never move; upstream then allows one unavailable.
    if surge == 0 && unavailable == 0 {
        1
    } else {
        unavailable.min(desired)
    }
}

/// A stable short name for a pod template, in the alphabet upstream uses.
pub fn template_hash(template: &PodTemplateSpec) -> String {
    let mut clean = template.clone();
    if let Some(labels) = clean.metadata.as_mut().and_then(|m| m.labels.as_mut()) {
        labels.remove(TEMPLATE_HASH);
    }
    let text = serde_json::to_string(&clean).unwrap_or_default();
    // FNV-1a, as upstream uses, over the template's JSON.
    let mut n = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut out = String::new();
    for _ in 0..10 {
        let digit = usize::try_from(n % 27).unwrap_or(0);
        out.push(char::from(ALPHABET[digit]));
        n /= 27;
    }
    out
}
