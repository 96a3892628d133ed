//! Keeps a target's Deployments current: one paged LIST, then WATCH from its
//! resourceVersion for as long as the API lets us, resuming from the last
//! version seen (bookmarks included) and listing again only on `410 Gone`.
//!
//! kube-runtime's watcher would do the listing and resuming, but it hides
//! bookmarks and reconnects, so it cannot say when data is fresh again after
//! an outage. Here the target stays stale until the reopened watch has
//! delivered an event or a bookmark: proof that we are caught up.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use futures::{Stream, StreamExt};
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use kube::Api;
use kube::api::{ListParams, WatchEvent, WatchParams};
use kube::core::ResourceExt;

use super::client::connect;
use super::errors::describe;
use super::status::deployment_state;
use super::target::KubeTarget;
use crate::domain::rollout::RolloutUpdate;

/// How often a busy target's snapshot is sent at most.
const COALESCE: Duration = Duration::from_millis(100);
/// How long the server may keep one watch open.
const WATCH_TIMEOUT_SECS: u32 = 290;
const PAGE: u32 = 500;

#[derive(Default)]
struct Feeds {
    deployments: BTreeMap<String, Deployment>,
    replicasets: BTreeMap<String, ReplicaSet>,
    deployments_rv: String,
    replicasets_rv: String,
}

enum Item {
    Deployment(kube::Result<WatchEvent<Deployment>>),
    ReplicaSet(kube::Result<WatchEvent<ReplicaSet>>),
    /// One of the two watches closed: both are opened again, or changes to
    /// its kind would go unseen while the other keeps the target "fresh".
    Closed,
}

enum Ended {
    /// The stream closed or broke: watch again from the versions we have.
    Rewatch { delivered: bool },
    /// `410 Gone`: our version is too old; list again.
    Relist,
    /// Nobody listens any more.
    Stop,
}

struct Backoff(Duration);

impl Backoff {
    const FIRST: Duration = Duration::from_millis(250);
    const MAX: Duration = Duration::from_secs(10);

    async fn wait(&mut self) {
        tokio::time::sleep(self.0).await;
        self.0 = (self.0 * 2).min(Self::MAX);
    }

    fn reset(&mut self) {
        self.0 = Self::FIRST;
    }
}

/// Runs until `send` returns false (the cockpit has gone).
pub async fn watch_target(target: KubeTarget, send: impl Fn(RolloutUpdate) -> bool + Send) {
    let mut backoff = Backoff(Backoff::FIRST);
    let stale = |error: String| {
        send(RolloutUpdate::Stale {
            target: target.name.clone(),
            error,
        })
    };
    let (client, namespace) = loop {
        match connect(&target).await {
            Ok(connected) => break connected,
            Err(error) => {
                if !stale(error) {
                    return;
                }
                backoff.wait().await;
            }
        }
    };
    let deployments: Api<Deployment> = Api::namespaced(client.clone(), &namespace);
    let replicasets: Api<ReplicaSet> = Api::namespaced(client, &namespace);
    let mut list_params = ListParams::default().limit(PAGE);
    let mut watch_params = WatchParams::default().timeout(WATCH_TIMEOUT_SECS);
    if let Some(name) = &target.deployment {
        let field = format!("metadata.name={name}");
        list_params = list_params.fields(&field);
        watch_params = watch_params.fields(&field);
    } else if let Some(selector) = &target.selector {
        list_params = list_params.labels(selector);
        watch_params = watch_params.labels(selector);
    }
    let doing = format!("watch deployments in {namespace}");
    loop {
        let mut feeds = match list(&deployments, &replicasets, &list_params).await {
            Ok(feeds) => feeds,
            Err(error) => {
                if !stale(describe(
                    &format!("list deployments in {namespace}"),
                    &error,
                )) {
                    return;
                }
                backoff.wait().await;
                continue;
            }
        };
        backoff.reset();
        if target.deployment.is_some() && feeds.deployments.is_empty() {
            let name = target.deployment.as_deref().unwrap_or_default();
            if !stale(format!("deployment {namespace}/{name} not found")) {
                return;
            }
        } else if !send(snapshot(&target, &feeds)) {
            return;
        }
        let mut fresh = true;
        loop {
            let opened = open(&deployments, &replicasets, &watch_params, &feeds).await;
            let merged = match opened {
                Ok(merged) => merged,
                Err(error) if is_gone(&error) => break,
                Err(error) => {
                    fresh = false;
                    if !stale(describe(&doing, &error)) {
                        return;
                    }
                    backoff.wait().await;
                    continue;
                }
            };
            match follow(merged, &mut feeds, &mut fresh, &target, &send, &doing).await {
                // A watch that delivered something proves the API well; one
                // closed before delivering anything is not retried at once,
                // so a proxy that cuts every watch cannot make us spin.
                Ended::Rewatch { delivered: true } if fresh => backoff.reset(),
                Ended::Rewatch { .. } => backoff.wait().await,
                Ended::Relist => break,
                Ended::Stop => return,
            }
        }
    }
}

fn is_gone(error: &kube::Error) -> bool {
    matches!(error, kube::Error::Api(status) if status.code == 410)
}

async fn list(
    deployments: &Api<Deployment>,
    replicasets: &Api<ReplicaSet>,
    params: &ListParams,
) -> kube::Result<Feeds> {
    let mut feeds = Feeds::default();
    let (objects, rv) = list_all(deployments, params).await?;
    feeds.deployments = objects;
    feeds.deployments_rv = rv;
    let (objects, rv) = list_all(replicasets, &ListParams::default().limit(PAGE)).await?;
    feeds.replicasets = objects;
    feeds.replicasets_rv = rv;
    Ok(feeds)
}

async fn list_all<K>(
    api: &Api<K>,
    params: &ListParams,
) -> kube::Result<(BTreeMap<String, K>, String)>
where
    K: kube::Resource + Clone + serde::de::DeserializeOwned + std::fmt::Debug,
{
    let mut objects = BTreeMap::new();
    let mut params = params.clone();
    loop {
        let page = api.list(&params).await?;
        let rv = page.metadata.resource_version.clone().unwrap_or_default();
        for object in page.items {
            objects.insert(object.name_any(), object);
        }
        match page.metadata.continue_.filter(|c| !c.is_empty()) {
            Some(token) => params = params.continue_token(&token),
            None => return Ok((objects, rv)),
        }
    }
}

async fn open(
    deployments: &Api<Deployment>,
    replicasets: &Api<ReplicaSet>,
    params: &WatchParams,
    feeds: &Feeds,
) -> kube::Result<impl Stream<Item = Item> + Send + use<>> {
    let closed = || futures::stream::once(async { Item::Closed });
    let d = deployments
        .watch(params, &feeds.deployments_rv)
        .await?
        .map(Item::Deployment)
        .chain(closed());
    let rs_params = WatchParams::default().timeout(WATCH_TIMEOUT_SECS);
    let r = replicasets
        .watch(&rs_params, &feeds.replicasets_rv)
        .await?
        .map(Item::ReplicaSet)
        .chain(closed());
    Ok(futures::stream::select(d.boxed(), r.boxed()))
}

/// Applies events until the stream ends; sends a snapshot at most every
/// [`COALESCE`], and only once the data is known to be current.
async fn follow(
    merged: impl Stream<Item = Item> + Send,
    feeds: &mut Feeds,
    fresh: &mut bool,
    target: &KubeTarget,
    send: &(impl Fn(RolloutUpdate) -> bool + Send),
    doing: &str,
) -> Ended {
    let mut merged = std::pin::pin!(merged);
    let mut dirty = false;
    let mut delivered = false;
    let mut tick = tokio::time::interval(COALESCE);
    // After a quiet spell, the next change waits for the next tick instead of
    // a burst of the ticks missed meanwhile.
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            item = merged.next() => {
                let error = match item {
                    Some(Item::Deployment(event)) => apply(&mut feeds.deployments, &mut feeds.deployments_rv, event),
                    Some(Item::ReplicaSet(event)) => apply(&mut feeds.replicasets, &mut feeds.replicasets_rv, event),
                    Some(Item::Closed) | None => {
                        let stop = dirty && *fresh && !send(snapshot(target, feeds));
                        return if stop { Ended::Stop } else { Ended::Rewatch { delivered } };
                    }
                };
                match error {
                    Ok(changed) => {
                        dirty |= changed || !*fresh;
                        *fresh = true;
                        delivered = true;
                    }
                    Err(broken) if broken.code == 410 => return Ended::Relist,
                    Err(Broken { message, .. }) => {
                        *fresh = false;
                        let sent = send(RolloutUpdate::Stale { target: target.name.clone(), error: format!("{doing}: {message}") });
                        return if sent { Ended::Rewatch { delivered } } else { Ended::Stop };
                    }
                }
            }
            _ = tick.tick(), if dirty => {
                dirty = false;
                if !send(snapshot(target, feeds)) {
                    return Ended::Stop;
                }
            }
        }
    }
}

/// Why a watch stream broke: the API's status code (0 for a transport error).
struct Broken {
    code: u16,
    message: String,
}

/// Folds one event into a feed: whether something shown changed, or the error.
fn apply<K: kube::Resource>(
    objects: &mut BTreeMap<String, K>,
    rv: &mut String,
    event: kube::Result<WatchEvent<K>>,
) -> Result<bool, Broken> {
    let mut remember = |object: &K| {
        if let Some(version) = object.meta().resource_version.clone() {
            *rv = version;
        }
    };
    match event {
        Ok(WatchEvent::Added(object) | WatchEvent::Modified(object)) => {
            remember(&object);
            objects.insert(object.meta().name.clone().unwrap_or_default(), object);
            Ok(true)
        }
        Ok(WatchEvent::Deleted(object)) => {
            remember(&object);
            objects.remove(object.meta().name.as_deref().unwrap_or_default());
            Ok(true)
        }
        Ok(WatchEvent::Bookmark(bookmark)) => {
            *rv = bookmark.metadata.resource_version;
            Ok(false)
        }
        Ok(WatchEvent::Error(status)) | Err(kube::Error::Api(status)) => Err(Broken {
            code: status.code,
            message: status.message,
        }),
        Err(error) => Err(Broken {
            code: 0,
            message: error.to_string(),
        }),
    }
}

fn snapshot(target: &KubeTarget, feeds: &Feeds) -> RolloutUpdate {
    let mut by_owner: HashMap<&str, Vec<&ReplicaSet>> = HashMap::new();
    for rs in feeds.replicasets.values() {
        for owner in rs.metadata.owner_references.iter().flatten() {
            if owner.controller == Some(true) {
                by_owner.entry(owner.uid.as_str()).or_default().push(rs);
            }
        }
    }
    let deployments = feeds
        .deployments
        .values()
        .map(|d| {
            let owned = d
                .metadata
                .uid
                .as_deref()
                .and_then(|uid| by_owner.get(uid))
                .map(Vec::as_slice)
                .unwrap_or_default();
            deployment_state(d, owned, target.container.as_deref())
        })
        .collect();
    RolloutUpdate::Snapshot {
        target: target.name.clone(),
        deployments,
    }
}
