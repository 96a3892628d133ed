//! Watch streams: the backlog after the client's version, then live changes,
//! bookmarks now and then, and an end after `timeoutSeconds` (or a fault).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use serde_json::json;
use tokio::sync::{broadcast, mpsc};

use super::cluster::{Change, Kind};
use super::selectors::{FieldSelector, LabelSelector};
use super::shared::Shared;

/// Which objects a list or watch wants.
#[derive(Debug, Clone)]
pub struct Filter {
    pub namespace: Option<String>,
    pub labels: LabelSelector,
    pub fields: FieldSelector,
}

impl Filter {
    pub fn matches(&self, change: &Change) -> bool {
        self.matches_with(change, &change.labels)
    }

    fn matches_with(&self, change: &Change, labels: &BTreeMap<String, String>) -> bool {
        self.matches_object(&change.namespace, &change.name, labels)
    }

    /// Whether a LIST or a watch of this selection holds the object.
    pub fn matches_object(
        &self,
        namespace: &str,
        name: &str,
        labels: &BTreeMap<String, String>,
    ) -> bool {
        self.namespace.as_ref().is_none_or(|ns| ns == namespace)
            && self.labels.matches(labels)
            && self.fields.matches(namespace, name)
    }

    /// The event this watch sends for a change, if any: a modification that
    /// takes an object out of the selection is `DELETED` for this watch, one
    /// that brings it in is `ADDED`, as the API server does.
    pub fn event_for(&self, change: &Change) -> Option<&'static str> {
        let now = self.matches(change);
        let before = change
            .previous_labels
            .as_ref()
            .map(|labels| self.matches_with(change, labels));
        match (before, now) {
            (Some(false), true) => Some("ADDED"),
            (Some(true), false) => Some("DELETED"),
            (_, true) => Some(change.event),
            (_, false) => None,
        }
    }
}

pub struct WatchRequest {
    pub kind: Kind,
    pub filter: Filter,
    pub since: Option<u64>,
    pub timeout: Duration,
    pub bookmarks: bool,
    /// A client that asked for the initial state by watching (streaming list)
    /// gets a bookmark marking the end of it.
    pub initial_events: bool,
}

fn line(event: &str, object: &[u8]) -> Bytes {
    let mut out = Vec::with_capacity(object.len() + 32);
    out.extend_from_slice(b"{\"type\":\"");
    out.extend_from_slice(event.as_bytes());
    out.extend_from_slice(b"\",\"object\":");
    out.extend_from_slice(object);
    out.extend_from_slice(b"}\n");
    Bytes::from(out)
}

fn bookmark(kind: Kind, rv: u64, initial_end: bool) -> Bytes {
    let mut meta = json!({"resourceVersion": rv.to_string()});
    if initial_end {
        meta["annotations"] = json!({"k8s.io/initial-events-end": "true"});
    }
    let object = json!({"kind": kind.kind(), "apiVersion": kind.api_version(), "metadata": meta});
    line("BOOKMARK", object.to_string().as_bytes())
}

/// Starts a watch; its lines arrive on the returned channel until it ends.
pub fn start(shared: Arc<Shared>, request: WatchRequest) -> mpsc::Receiver<Bytes> {
    let (tx, rx) = mpsc::channel(256);
    let subscription = shared.cluster.subscribe(request.kind, request.since);
    let mut shutdown = shared.shutdown.subscribe();
    let mut drops = shared.faults.drops();
    drops.mark_unchanged();
    tokio::spawn(async move {
        let mut sub = match subscription {
            Ok(sub) => sub,
            Err(expired) => {
                let _ = tx
                    .send(line("ERROR", expired.status_json().to_string().as_bytes()))
                    .await;
                return;
            }
        };
        let mut last_rv = request.since.unwrap_or(0);
        let send = |bytes: Bytes| {
            let tx = tx.clone();
            let delay = shared.faults.watch_delay();
            async move {
                if !delay.is_zero() {
                    tokio::time::sleep(delay).await;
                }
                tx.send(bytes).await.is_ok()
            }
        };
        for change in std::mem::take(&mut sub.backlog) {
            if let Some(event) = request.filter.event_for(&change)
                && !send(line(event, &change.json)).await
            {
                return;
            }
            last_rv = last_rv.max(change.rv);
        }
        last_rv = last_rv.max(sub.rv);
        if request.initial_events && !send(bookmark(request.kind, last_rv, true)).await {
            return;
        }
        let deadline = tokio::time::sleep(request.timeout);
        tokio::pin!(deadline);
        let mut ticker = tokio::time::interval(shared.bookmark_every);
        ticker.tick().await;
        loop {
            tokio::select! {
                biased;
                _ = shutdown.changed() => return,
                () = &mut deadline => return,
                _ = drops.changed() => return,
                _ = ticker.tick(), if request.bookmarks => {
                    if !send(bookmark(request.kind, last_rv, false)).await {
                        return;
                    }
                }
                received = sub.live.recv() => match received {
                    Ok(change) => {
                        if change.kind != request.kind || change.rv <= last_rv {
                            continue;
                        }
                        last_rv = change.rv;
                        if let Some(event) = request.filter.event_for(&change)
                            && !send(line(event, &change.json)).await
                        {
                            return;
                        }
                    }
                    // Fell behind or the store went away: end the stream; the
                    // client resumes from the last version it saw.
                    Err(broadcast::error::RecvError::Lagged(_) | broadcast::error::RecvError::Closed) => return,
                },
            }
        }
    });
    rx
}
