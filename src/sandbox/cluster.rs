//! The sandbox's object store: Deployments and ReplicaSets (which the
//! controller rolls), Leases and ConfigMaps (only stored: `stored.rs`), one
//! resourceVersion counter for all, and the change history that watches
//! replay and follow.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use bytes::Bytes;
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use tokio::sync::broadcast;

use super::images::ImagePolicy;
use super::objects::ApiError;
use super::patch::{self, PatchType};
use super::pods::PodSet;

/// How many changes a watch can resume across; older versions get `410 Gone`.
const HISTORY: usize = 20_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Deployment,
    ReplicaSet,
    /// `coordination.k8s.io/v1`: who holds what, and until when.
    Lease,
    ConfigMap,
}

impl Kind {
    pub fn resource(self) -> &'static str {
        match self {
            Self::Deployment => "deployments",
            Self::ReplicaSet => "replicasets",
            Self::Lease => "leases",
            Self::ConfigMap => "configmaps",
        }
    }

    pub fn kind(self) -> &'static str {
        match self {
            Self::Deployment => "Deployment",
            Self::ReplicaSet => "ReplicaSet",
            Self::Lease => "Lease",
            Self::ConfigMap => "ConfigMap",
        }
    }

    pub fn api_version(self) -> &'static str {
        match self {
            Self::Deployment | Self::ReplicaSet => "apps/v1",
            Self::Lease => "coordination.k8s.io/v1",
            Self::ConfigMap => "v1",
        }
    }

    /// Kept as clients send them, with no controller acting on them.
    pub fn is_stored_only(self) -> bool {
        matches!(self, Self::Lease | Self::ConfigMap)
    }
}

pub type Key = (String, String);

/// One stored object with its JSON, serialized once per change.
#[derive(Debug, Clone)]
pub struct Stored<T> {
    pub object: T,
    pub json: Bytes,
}

/// A change as a watch sends it.
#[derive(Debug)]
pub struct Change {
    pub rv: u64,
    pub kind: Kind,
    pub namespace: String,
    pub name: String,
    pub labels: BTreeMap<String, String>,
    /// The labels before a modification: a watch by label selector sends
    /// `DELETED` to an object that stops matching, and `ADDED` to one that starts.
    pub previous_labels: Option<BTreeMap<String, String>>,
    pub event: &'static str,
    pub json: Bytes,
}

pub struct State {
    pub rv: u64,
    next_uid: u64,
    pub deployments: BTreeMap<Key, Stored<Deployment>>,
    pub replicasets: BTreeMap<Key, Stored<ReplicaSet>>,
    pub pods: HashMap<Key, PodSet>,
    /// When each Deployment last made progress, for `progressDeadlineSeconds`.
    pub progress: HashMap<Key, Instant>,
    /// Deployments the controller must look at on its next pass.
    pub active: BTreeSet<Key>,
    pub images: ImagePolicy,
    /// Leases and ConfigMaps, by kind: their JSON is the object.
    pub stored: HashMap<Kind, BTreeMap<Key, Stored<serde_json::Value>>>,
    history: VecDeque<Arc<Change>>,
    /// The newest version no longer in the history.
    compacted_to: u64,
    changes: broadcast::Sender<Arc<Change>>,
}

pub struct Cluster {
    state: Mutex<State>,
    /// Wakes the controller when a Deployment needs it, however it changed.
    wake: tokio::sync::Notify,
}

/// What a watch starts from: the changes after its version, then the live feed.
pub struct Subscription {
    pub backlog: Vec<Arc<Change>>,
    pub live: broadcast::Receiver<Arc<Change>>,
    pub rv: u64,
}

impl Cluster {
    pub fn new(images: ImagePolicy) -> Self {
        let (changes, _) = broadcast::channel(4096);
        Self {
            state: Mutex::new(State {
                rv: 1,
                next_uid: 1,
                deployments: BTreeMap::new(),
                replicasets: BTreeMap::new(),
                pods: HashMap::new(),
                progress: HashMap::new(),
                active: BTreeSet::new(),
                images,
                stored: HashMap::new(),
                history: VecDeque::new(),
                compacted_to: 0,
                changes,
            }),
            wake: tokio::sync::Notify::new(),
        }
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves the store as it was between
        // two changes, which is still consistent.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Resolves once a Deployment has changed since the controller last looked.
    pub async fn changed(&self) {
        self.wake.notified().await;
    }

    /// Marks an image bad from now on (for tests and demos).
    pub fn mark_image_bad(&self, image: &str) {
        self.lock().images.mark_bad(image);
    }

    /// Forgets the whole change history, so that every watch resuming from
    /// an older version gets `410 Gone` and must list again.
    pub fn compact(&self) {
        let mut state = self.lock();
        state.history.clear();
        // The compaction itself takes a version, so every version handed out
        // so far is now too old.
        state.rv += 1;
        state.compacted_to = state.rv;
    }

    pub fn namespaces(&self) -> std::collections::BTreeSet<String> {
        let state = self.lock();
        state
            .deployments
            .keys()
            .chain(state.stored.values().flat_map(BTreeMap::keys))
            .map(|(ns, _)| ns.clone())
            .collect()
    }

    pub fn resource_version(&self) -> u64 {
        self.lock().rv
    }

    pub fn deployment(&self, namespace: &str, name: &str) -> Option<Deployment> {
        let key = (namespace.to_owned(), name.to_owned());
        self.lock().deployments.get(&key).map(|s| s.object.clone())
    }

    pub fn replicasets(&self, namespace: &str) -> Vec<ReplicaSet> {
        self.lock()
            .replicasets
            .iter()
            .filter(|((ns, _), _)| ns == namespace)
            .map(|(_, s)| s.object.clone())
            .collect()
    }

    /// One controller pass over the Deployments that are rolling; returns
    /// whether any is still in motion.
    pub fn reconcile(&self, now: Instant) -> bool {
        let mut state = self.lock();
        let keys: Vec<Key> = state.active.iter().cloned().collect();
        for key in keys {
            if !state.reconcile_deployment(&key, now) {
                state.active.remove(&key);
            }
        }
        !state.active.is_empty()
    }

    pub fn subscribe(&self, kind: Kind, since: Option<u64>) -> Result<Subscription, ApiError> {
        let state = self.lock();
        let live = state.changes.subscribe();
        let backlog = match since {
            Some(since) if since < state.compacted_to => {
                return Err(ApiError::new(
                    410,
                    "Expired",
                    format!(
                        "too old resource version: {since} ({})",
                        state.compacted_to + 1
                    ),
                ));
            }
            Some(since) if since > state.rv => {
                return Err(ApiError::too_large_version(since, state.rv));
            }
            Some(since) => state
                .history
                .iter()
                .filter(|c| c.kind == kind && c.rv > since)
                .cloned()
                .collect(),
            None => state.snapshot(kind),
        };
        Ok(Subscription {
            backlog,
            live,
            rv: state.rv,
        })
    }

    /// The objects of a kind in key order, filtered by namespace, name and
    /// labels, with the list's version. Asked once per page: only the kept
    /// objects' JSON is shared out, nothing is copied per object.
    pub fn list(
        &self,
        kind: Kind,
        keep: impl Fn(&str, &str, &BTreeMap<String, String>) -> bool,
    ) -> (u64, Vec<Bytes>) {
        static NO_LABELS: BTreeMap<String, String> = BTreeMap::new();
        let state = self.lock();
        let kept = |((namespace, name), labels, json): (
            &Key,
            Option<&BTreeMap<String, String>>,
            &Bytes,
        )| {
            keep(namespace, name, labels.unwrap_or(&NO_LABELS)).then(|| json.clone())
        };
        let items = match kind {
            Kind::Deployment => state
                .deployments
                .iter()
                .map(|(k, s)| (k, s.object.metadata.labels.as_ref(), &s.json))
                .filter_map(kept)
                .collect(),
            Kind::ReplicaSet => state
                .replicasets
                .iter()
                .map(|(k, s)| (k, s.object.metadata.labels.as_ref(), &s.json))
                .filter_map(kept)
                .collect(),
            Kind::Lease | Kind::ConfigMap => state
                .stored
                .get(&kind)
                .into_iter()
                .flatten()
                .map(|(k, s)| (k, labels_of(&s.object), &s.json))
                .filter_map(|(k, labels, json)| kept((k, labels.as_ref(), json)))
                .collect(),
        };
        (state.rv, items)
    }

    pub fn get(&self, kind: Kind, namespace: &str, name: &str) -> Result<Bytes, ApiError> {
        let key = (namespace.to_owned(), name.to_owned());
        let state = self.lock();
        let json = match kind {
            Kind::Deployment => state.deployments.get(&key).map(|s| s.json.clone()),
            Kind::ReplicaSet => state.replicasets.get(&key).map(|s| s.json.clone()),
            Kind::Lease | Kind::ConfigMap => state
                .stored
                .get(&kind)
                .and_then(|objects| objects.get(&key))
                .map(|s| s.json.clone()),
        };
        json.ok_or_else(|| ApiError::not_found(kind.resource(), name))
    }

    /// Applies a patch to a Deployment as the API server does: preconditions,
    /// immutable fields, validation, generation; a dry run stores nothing.
    pub fn patch_deployment(
        &self,
        namespace: &str,
        name: &str,
        kind: PatchType,
        body: &[u8],
        dry_run: bool,
    ) -> Result<Bytes, ApiError> {
        let key = (namespace.to_owned(), name.to_owned());
        let mut state = self.lock();
        let current = state
            .deployments
            .get(&key)
            .ok_or_else(|| ApiError::not_found("deployments", name))?
            .object
            .clone();
        let mut doc = serde_json::to_value(&current)
            .map_err(|e| ApiError::new(500, "InternalError", e.to_string()))?;
        patch::apply(&mut doc, kind, body)?;
        let wanted_rv = doc
            .pointer("/metadata/resourceVersion")
            .and_then(|v| v.as_str())
            .map(str::to_owned);
        if wanted_rv.is_some() && wanted_rv != current.metadata.resource_version {
            return Err(ApiError::conflict("deployments", name));
        }
        let mut next: Deployment = serde_json::from_value(doc)
            .map_err(|e| ApiError::invalid("deployments", name, &e.to_string()))?;
        validate(&next)?;
        next.metadata.name.clone_from(&current.metadata.name);
        next.metadata
            .namespace
            .clone_from(&current.metadata.namespace);
        next.metadata.uid.clone_from(&current.metadata.uid);
        next.metadata
            .creation_timestamp
            .clone_from(&current.metadata.creation_timestamp);
        next.metadata
            .resource_version
            .clone_from(&current.metadata.resource_version);
        next.metadata.generation = current.metadata.generation;
        next.status.clone_from(&current.status);
        if next.spec != current.spec {
            next.metadata.generation = Some(current.metadata.generation.unwrap_or(1) + 1);
        }
        if next == current {
            return Ok(state
                .deployments
                .get(&key)
                .map(|s| s.json.clone())
                .unwrap_or_default());
        }
        if dry_run {
            return serde_json::to_vec(&next)
                .map(Bytes::from)
                .map_err(|e| ApiError::new(500, "InternalError", e.to_string()));
        }
        let json = state.store_deployment(next, "MODIFIED");
        state.active.insert(key);
        drop(state);
        self.wake.notify_one();
        Ok(json)
    }

    /// Adds a Deployment as if created by a client; the controller takes it up.
    pub fn create_deployment(&self, mut deployment: Deployment) -> Key {
        let mut state = self.lock();
        let uid = state.next_uid;
        state.next_uid += 1;
        deployment.metadata.uid = Some(format!("00000000-0000-4000-8000-{uid:012}"));
        deployment.metadata.generation = Some(1);
        deployment.metadata.creation_timestamp = Some(super::objects::now_time());
        let key = key_of(&deployment.metadata);
        state.store_deployment(deployment, "ADDED");
        state.active.insert(key.clone());
        drop(state);
        self.wake.notify_one();
        key
    }

    pub(super) fn next_uid(state: &mut State) -> String {
        let uid = state.next_uid;
        state.next_uid += 1;
        format!("00000000-0000-4000-8000-{uid:012}")
    }
}

fn validate(d: &Deployment) -> Result<(), ApiError> {
    let name = d.metadata.name.as_deref().unwrap_or_default();
    let spec = d.spec.as_ref();
    let containers = spec
        .and_then(|s| s.template.spec.as_ref())
        .map(|p| p.containers.as_slice())
        .unwrap_or_default();
    if containers.is_empty() {
        return Err(ApiError::invalid(
            "deployments",
            name,
            "spec.template.spec.containers: Required value",
        ));
    }
    for (i, c) in containers.iter().enumerate() {
        if c.image.as_deref().unwrap_or_default().trim().is_empty() {
            return Err(ApiError::invalid(
                "deployments",
                name,
                &format!("spec.template.spec.containers[{i}].image: Required value"),
            ));
        }
    }
    if spec.and_then(|s| s.replicas).is_some_and(|r| r < 0) {
        return Err(ApiError::invalid(
            "deployments",
            name,
            "spec.replicas: Invalid value: must be greater than or equal to 0",
        ));
    }
    Ok(())
}

/// A stored object's labels, as a watch by label selector compares them.
pub fn labels_of(object: &serde_json::Value) -> Option<BTreeMap<String, String>> {
    object
        .pointer("/metadata/labels")
        .and_then(|labels| serde_json::from_value(labels.clone()).ok())
}

pub fn key_of(meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta) -> Key {
    (
        meta.namespace.clone().unwrap_or_default(),
        meta.name.clone().unwrap_or_default(),
    )
}

impl State {
    fn snapshot(&self, kind: Kind) -> Vec<Arc<Change>> {
        let change = |key: &Key, labels: Option<&BTreeMap<String, String>>, json: &Bytes| {
            Arc::new(Change {
                rv: self.rv,
                kind,
                namespace: key.0.clone(),
                name: key.1.clone(),
                labels: labels.cloned().unwrap_or_default(),
                previous_labels: None,
                event: "ADDED",
                json: json.clone(),
            })
        };
        match kind {
            Kind::Deployment => self
                .deployments
                .iter()
                .map(|(k, s)| change(k, s.object.metadata.labels.as_ref(), &s.json))
                .collect(),
            Kind::ReplicaSet => self
                .replicasets
                .iter()
                .map(|(k, s)| change(k, s.object.metadata.labels.as_ref(), &s.json))
                .collect(),
            Kind::Lease | Kind::ConfigMap => self
                .stored
                .get(&kind)
                .into_iter()
                .flatten()
                .map(|(k, s)| change(k, labels_of(&s.object).as_ref(), &s.json))
                .collect(),
        }
    }

    pub(super) fn record(
        &mut self,
        kind: Kind,
        key: &Key,
        labels: BTreeMap<String, String>,
        event: &'static str,
        json: Bytes,
    ) {
        let previous = match kind {
            Kind::Deployment => self
                .deployments
                .get(key)
                .map(|s| s.object.metadata.labels.clone()),
            Kind::ReplicaSet => self
                .replicasets
                .get(key)
                .map(|s| s.object.metadata.labels.clone()),
            Kind::Lease | Kind::ConfigMap => self
                .stored
                .get(&kind)
                .and_then(|objects| objects.get(key))
                .map(|s| labels_of(&s.object)),
        };
        let change = Arc::new(Change {
            rv: self.rv,
            kind,
            namespace: key.0.clone(),
            name: key.1.clone(),
            labels,
            previous_labels: previous.map(Option::unwrap_or_default),
            event,
            json,
        });
        if self.history.len() >= HISTORY
            && let Some(dropped) = self.history.pop_front()
        {
            self.compacted_to = dropped.rv;
        }
        self.history.push_back(change.clone());
        // Nobody watching is fine.
        let _ = self.changes.send(change);
    }

    pub fn store_deployment(&mut self, mut d: Deployment, event: &'static str) -> Bytes {
        self.rv += 1;
        d.metadata.resource_version = Some(self.rv.to_string());
        let json = Bytes::from(serde_json::to_vec(&d).unwrap_or_default());
        let key = key_of(&d.metadata);
        let labels = d.metadata.labels.clone().unwrap_or_default();
        self.record(Kind::Deployment, &key, labels, event, json.clone());
        self.deployments.insert(
            key,
            Stored {
                object: d,
                json: json.clone(),
            },
        );
        json
    }

    pub fn store_replicaset(&mut self, mut rs: ReplicaSet, event: &'static str) {
        self.rv += 1;
        rs.metadata.resource_version = Some(self.rv.to_string());
        let json = Bytes::from(serde_json::to_vec(&rs).unwrap_or_default());
        let key = key_of(&rs.metadata);
        let labels = rs.metadata.labels.clone().unwrap_or_default();
        self.record(Kind::ReplicaSet, &key, labels, event, json.clone());
        self.replicasets.insert(key, Stored { object: rs, json });
    }
}
