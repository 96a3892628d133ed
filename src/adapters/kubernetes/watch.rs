//! Keeps a target's Deployments current: one paged LIST, then WATCH from its
//! resourceVersion for as long as the API lets us, resuming from the last
//! version seen (bookmarks included).
//!
//! kube-runtime's watcher would do the listing and resuming, but it hides
//! bookmarks and reconnects, so it cannot say when data is fresh again after
//! an outage. Here the rule for "fresh" is explicit:
//!
//! 1. A complete (paged) LIST makes the target fresh at the LIST's version,
//!    whatever version we had before: it is what the server holds now.
//! 2. A watch the server ends cleanly (its timeout, a proxy cutting idle
//!    streams) is resumed from our versions and the target stays fresh: the
//!    server replays every change after them, or refuses and we LIST again.
//!    Before the resumed watch opens, the server is asked its current version
//!    (a one-item LIST, bounded); below ours, its versions went backwards (a
//!    new server, a restored store) and we LIST again. A cut connection looks
//!    like a clean end to the client, so this check is what keeps a server
//!    that came back as another from being resumed as if it were the same.
//! 3. Any failure (a watch that cannot be opened or carries an error, a probe
//!    or page with no answer in time) marks the target stale at once, and
//!    only a new LIST (rule 1) makes it fresh again: a server that came back
//!    may not hold the store we watched, and a resumed watch on it cannot
//!    prove that it has caught up. An outage costs one LIST of each kind.
//! 4. A watch that has delivered nothing for [`Liveness::silence`] probes the
//!    server (rule 2's question). No answer within `answer_within` is a
//!    failure (rule 3) whose reason says so; an answer below our version is a
//!    new LIST. At idle that is one small request per target per interval.
//! 5. An event or bookmark older than our version, `410 Gone` and "too large
//!    resource version" each mean a new LIST.
//!
//! While the target is stale the cockpit keeps its last rows, marked stale.

use std::collections::BTreeMap;
use std::time::Duration;

use futures::{Stream, StreamExt};
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use kube::Api;
use kube::api::{ListParams, WatchParams};
use tokio::time::Instant;

use super::clients::Clients;
use super::feeds::{self, Broken, Feeds, refuses_our_version, snapshot};
use super::kept::{KeptDeployment, KeptReplicaSet};
use super::liveness::{Failure, Liveness, bounded, current_version};
use super::target::KubeTarget;
use crate::domain::rollout::RolloutUpdate;

/// How often a busy target's snapshot is sent at most.
const COALESCE: Duration = Duration::from_millis(100);
/// How long the server may keep one watch open.
const WATCH_TIMEOUT_SECS: u32 = 290;
/// How long one page of a LIST may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);
const PAGE: u32 = 500;

enum Item {
    Deployment(kube::Result<kube::api::WatchEvent<Deployment>>),
    ReplicaSet(kube::Result<kube::api::WatchEvent<ReplicaSet>>),
    /// One of the two watches closed: both are opened again, or changes to
    /// its kind would go unseen while the other keeps the target "fresh".
    Closed,
}

/// Why watching from the versions a LIST gave ended.
enum Ended {
    /// The server will not resume from our version: LIST again, still fresh.
    Relist,
    /// The server's versions went backwards: stale, then LIST again.
    Backwards { ours: String, theirs: String },
    /// The server failed or went silent: stale, back off, LIST again.
    Failed(String),
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

/// The two kinds a target reads, and how it asks for them.
struct Apis {
    deployments: Api<Deployment>,
    replicasets: Api<ReplicaSet>,
    list: ListParams,
    watch: WatchParams,
    liveness: Liveness,
    /// What a watch failure says was attempted.
    doing: String,
}

/// How one watch ended.
enum Followed {
    /// The server closed the stream: resume from our versions (rule 2).
    Closed {
        delivered: bool,
    },
    Ended(Ended),
}

/// Runs until `send` returns false (the cockpit has gone), with a client of
/// its own.
pub async fn watch_target(target: KubeTarget, send: impl Fn(RolloutUpdate) -> bool + Send) {
    watch_target_with(&Clients::default(), target, send).await;
}

/// [`watch_target`] with the target's client from `clients`, shared with
/// the deploys and rollbacks that go to it.
pub async fn watch_target_with(
    clients: &Clients,
    target: KubeTarget,
    send: impl Fn(RolloutUpdate) -> bool + Send,
) {
    let mut backoff = Backoff(Backoff::FIRST);
    let stale = |error: String| {
        send(RolloutUpdate::Stale {
            target: target.name.clone(),
            error,
        })
    };
    let (client, namespace) = loop {
        match clients.get(&target).await {
            Ok(connected) => break connected,
            Err(error) => {
                if !stale(error.to_string()) {
                    return;
                }
                backoff.wait().await;
            }
        }
    };
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
    let apis = Apis {
        deployments: Api::namespaced(client.clone(), &namespace),
        replicasets: Api::namespaced(client, &namespace),
        list: list_params,
        watch: watch_params,
        liveness: target.liveness,
        doing: format!("watch deployments in {namespace}"),
    };
    loop {
        // Rule 1: only a LIST makes the target fresh.
        let mut feeds = match list(&apis).await {
            Ok(feeds) => feeds,
            Err(failure) => {
                if !stale(failure.describe(&format!("list deployments in {namespace}"))) {
                    return;
                }
                backoff.wait().await;
                continue;
            }
        };
        if target.deployment.is_some() && feeds.deployments.is_empty() {
            let name = target.deployment.as_deref().unwrap_or_default();
            if !stale(format!("deployment {namespace}/{name} not found")) {
                return;
            }
        } else if !send(snapshot(&target, &feeds)) {
            return;
        }
        match watch_from_list(&apis, &mut feeds, &target, &send, &mut backoff).await {
            Ended::Relist => {}
            Ended::Backwards { ours, theirs } => {
                let why = format!(
                    "{}: the API server's resourceVersion went back from {ours} to {theirs} \
                     (a new or restored server); listing again",
                    apis.doing
                );
                if !stale(why) {
                    return;
                }
            }
            Ended::Failed(why) => {
                if !stale(why) {
                    return;
                }
                backoff.wait().await;
            }
            Ended::Stop => return,
        }
    }
}

/// Watches from the versions a LIST gave, resuming each watch the server
/// closes (rule 2), until the target needs a new LIST or nobody listens.
async fn watch_from_list(
    apis: &Apis,
    feeds: &mut Feeds,
    target: &KubeTarget,
    send: &(impl Fn(RolloutUpdate) -> bool + Send),
    backoff: &mut Backoff,
) -> Ended {
    let mut resuming = false;
    loop {
        if resuming && let Err(ended) = still_ours(apis, feeds).await {
            return ended;
        }
        resuming = true;
        // A server answers a watch's request at once; events come later.
        let merged = match bounded(apis.liveness.answer_within, open(apis, feeds)).await {
            Ok(merged) => merged,
            Err(Failure::Api(kube::Error::Api(status))) if refuses_our_version(&status) => {
                return Ended::Relist;
            }
            Err(failure) => return Ended::Failed(failure.describe(&apis.doing)),
        };
        match follow(merged, feeds, apis, target, send, backoff).await {
            // A watch that delivered something proves the API well; one
            // closed before delivering anything is not retried at once, so a
            // proxy that cuts every watch cannot make us spin.
            Followed::Closed { delivered: true } => {}
            Followed::Closed { delivered: false } => backoff.wait().await,
            Followed::Ended(ended) => return ended,
        }
    }
}

/// Rules 2 and 4: whether the server answers in time, from the store we
/// watch (its current version is not below ours).
async fn still_ours(apis: &Apis, feeds: &Feeds) -> Result<(), Ended> {
    let within = apis.liveness.answer_within;
    match current_version(&apis.deployments, &apis.list, within).await {
        Ok(theirs) if feeds.ahead_of(&theirs) => {
            let ours = feeds.newest().map(|v| v.to_string()).unwrap_or_default();
            Err(Ended::Backwards { ours, theirs })
        }
        Ok(_) => Ok(()),
        Err(failure) => Err(Ended::Failed(failure.describe(&apis.doing))),
    }
}

/// Both kinds, every page, each page bounded. The two are listed side by
/// side: while the server prepares one kind's page the other's is read, and
/// a target's first rows wait for the slower kind, not for both in turn.
async fn list(apis: &Apis) -> Result<Feeds, Failure> {
    let replicasets_params = ListParams::default().limit(PAGE);
    let ((deployments, deployments_rv), (replicasets, replicasets_rv)) = futures::try_join!(
        list_all(&apis.deployments, &apis.list),
        list_all(&apis.replicasets, &replicasets_params),
    )?;
    Ok(Feeds {
        deployments,
        replicasets,
        deployments_rv,
        replicasets_rv,
    })
}

/// Each page's objects are cut down to what is kept as they arrive, so a
/// LIST holds at most one page of full objects.
async fn list_all<K, T>(
    api: &Api<K>,
    params: &ListParams,
) -> Result<(BTreeMap<String, T>, String), Failure>
where
    K: kube::Resource + Clone + serde::de::DeserializeOwned + std::fmt::Debug,
    T: From<K>,
{
    let mut objects = BTreeMap::new();
    let mut params = params.clone();
    loop {
        let page = bounded(REQUEST_TIMEOUT, api.list(&params)).await?;
        let rv = page.metadata.resource_version.clone().unwrap_or_default();
        for mut object in page.items {
            let name = object.meta_mut().name.take().unwrap_or_default();
            objects.insert(name, T::from(object));
        }
        match page.metadata.continue_.filter(|c| !c.is_empty()) {
            Some(token) => params = params.continue_token(&token),
            None => return Ok((objects, rv)),
        }
    }
}

async fn open(apis: &Apis, feeds: &Feeds) -> kube::Result<impl Stream<Item = Item> + Send + use<>> {
    let closed = || futures::stream::once(async { Item::Closed });
    let d = apis
        .deployments
        .watch(&apis.watch, &feeds.deployments_rv)
        .await?
        .map(Item::Deployment)
        .chain(closed());
    let rs_params = WatchParams::default().timeout(WATCH_TIMEOUT_SECS);
    let r = apis
        .replicasets
        .watch(&rs_params, &feeds.replicasets_rv)
        .await?
        .map(Item::ReplicaSet)
        .chain(closed());
    Ok(futures::stream::select(d.boxed(), r.boxed()))
}

/// Applies events until the stream ends; sends a snapshot at most every
/// [`COALESCE`]; probes the server when the watch falls silent (rule 4).
async fn follow(
    merged: impl Stream<Item = Item> + Send,
    feeds: &mut Feeds,
    apis: &Apis,
    target: &KubeTarget,
    send: &(impl Fn(RolloutUpdate) -> bool + Send),
    backoff: &mut Backoff,
) -> Followed {
    let mut merged = std::pin::pin!(merged);
    let mut dirty = false;
    let mut delivered = false;
    let mut tick = tokio::time::interval(COALESCE);
    // After a quiet spell, the next change waits for the next tick instead of
    // a burst of the ticks missed meanwhile.
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let silence = apis.liveness.silence;
    let mut heard = Instant::now();
    loop {
        tokio::select! {
            item = merged.next() => {
                heard = Instant::now();
                let folded = match item {
                    Some(Item::Deployment(event)) => feeds::apply(&mut feeds.deployments, &mut feeds.deployments_rv, event, KeptDeployment::from),
                    Some(Item::ReplicaSet(event)) => feeds::apply(&mut feeds.replicasets, &mut feeds.replicasets_rv, event, KeptReplicaSet::from),
                    Some(Item::Closed) | None => {
                        let stop = dirty && !send(snapshot(target, feeds));
                        return if stop { Followed::Ended(Ended::Stop) } else { Followed::Closed { delivered } };
                    }
                };
                match folded {
                    Ok(changed) => {
                        dirty |= changed;
                        if !delivered {
                            delivered = true;
                            backoff.reset();
                        }
                    }
                    Err(Broken::Relist) => return Followed::Ended(Ended::Relist),
                    Err(Broken::Backwards { ours, theirs }) => return Followed::Ended(Ended::Backwards { ours, theirs }),
                    Err(Broken::Failed(message)) => return Followed::Ended(Ended::Failed(format!("{}: {message}", apis.doing))),
                }
            }
            () = tokio::time::sleep_until(heard + silence) => {
                // Events that arrive meanwhile wait in the connection; the
                // probe is bounded, and nothing is dirty after a silence.
                match still_ours(apis, feeds).await {
                    Ok(()) => heard = Instant::now(),
                    Err(ended) => return Followed::Ended(ended),
                }
            }
            _ = tick.tick(), if dirty => {
                dirty = false;
                if !send(snapshot(target, feeds)) {
                    return Followed::Ended(Ended::Stop);
                }
            }
        }
    }
}
