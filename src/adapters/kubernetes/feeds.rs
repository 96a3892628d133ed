//! What a target's watch knows: the Deployments and ReplicaSets it has seen
//! with each kind's resourceVersion, how one watch event folds in, and the
//! snapshot the cockpit is sent.
//!
//! resourceVersions are compared as numbers, as Kubernetes allows since
//! v1.34 (they are etcd revisions); one that does not parse is never taken
//! as proof that the server's versions went backwards.

use std::collections::{BTreeMap, HashMap};

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use kube::api::WatchEvent;
use kube::core::Status;

use super::status::deployment_state;
use super::target::KubeTarget;
use crate::domain::rollout::RolloutUpdate;

#[derive(Debug, Default)]
pub(super) struct Feeds {
    pub deployments: BTreeMap<String, Deployment>,
    pub replicasets: BTreeMap<String, ReplicaSet>,
    pub deployments_rv: String,
    pub replicasets_rv: String,
}

impl Feeds {
    /// The newest version we have seen, if any parses: the server's store
    /// has one counter for every kind.
    pub fn newest(&self) -> Option<u64> {
        number(&self.deployments_rv).max(number(&self.replicasets_rv))
    }

    /// Whether the server's current version is below one we have seen: its
    /// store started again (a new server, a restored backup), and what we
    /// hold cannot be resumed, only listed again.
    pub fn ahead_of(&self, current: &str) -> bool {
        matches!((self.newest(), number(current)), (Some(ours), Some(theirs)) if theirs < ours)
    }
}

fn number(version: &str) -> Option<u64> {
    version.parse().ok()
}

/// Why a watch stream cannot go on.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Broken {
    /// The server will not resume from our version: list again.
    Relist,
    /// An event or bookmark older than what we have: the server's versions
    /// went backwards.
    Backwards { ours: String, theirs: String },
    /// The stream carried an error.
    Failed(String),
}

/// Whether the server refuses to resume from our version: `410 Gone` (too
/// old, compacted away) or `ResourceVersionTooLarge` (newer than anything it
/// has, so it is not the store we watched). Either way, list again.
pub(super) fn refuses_our_version(status: &Status) -> bool {
    let too_large = status
        .details
        .iter()
        .flat_map(|d| &d.causes)
        .any(|c| c.reason == "ResourceVersionTooLarge")
        || status.message.starts_with("Too large resource version");
    status.code == 410 || too_large
}

/// Folds one event into a feed: whether something shown changed, or why the
/// stream cannot go on.
pub(super) fn apply<K: kube::Resource>(
    objects: &mut BTreeMap<String, K>,
    rv: &mut String,
    event: kube::Result<WatchEvent<K>>,
) -> Result<bool, Broken> {
    let mut advance = |version: Option<&String>| match version {
        Some(theirs) if matches!((number(rv), number(theirs)), (Some(ours), Some(t)) if t < ours) => {
            Err(Broken::Backwards {
                ours: rv.clone(),
                theirs: theirs.clone(),
            })
        }
        Some(theirs) => {
            rv.clone_from(theirs);
            Ok(())
        }
        None => Ok(()),
    };
    match event {
        Ok(WatchEvent::Added(object) | WatchEvent::Modified(object)) => {
            advance(object.meta().resource_version.as_ref())?;
            objects.insert(object.meta().name.clone().unwrap_or_default(), object);
            Ok(true)
        }
        Ok(WatchEvent::Deleted(object)) => {
            advance(object.meta().resource_version.as_ref())?;
            objects.remove(object.meta().name.as_deref().unwrap_or_default());
            Ok(true)
        }
        Ok(WatchEvent::Bookmark(bookmark)) => {
            advance(Some(&bookmark.metadata.resource_version))?;
            Ok(false)
        }
        Ok(WatchEvent::Error(status)) => Err(broken_by(&status)),
        Err(kube::Error::Api(status)) => Err(broken_by(&status)),
        Err(error) => Err(Broken::Failed(error.to_string())),
    }
}

fn broken_by(status: &Status) -> Broken {
    if refuses_our_version(status) {
        Broken::Relist
    } else {
        Broken::Failed(status.message.clone())
    }
}

pub(super) fn snapshot(target: &KubeTarget, feeds: &Feeds) -> RolloutUpdate {
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
        units: deployments,
    }
}

#[cfg(test)]
mod tests {
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
    use kube::core::watch::Bookmark;

    use super::*;

    fn deployment(name: &str, rv: &str) -> Deployment {
        Deployment {
            metadata: ObjectMeta {
                name: Some(name.into()),
                resource_version: Some(rv.into()),
                ..ObjectMeta::default()
            },
            ..Deployment::default()
        }
    }

    #[test]
    fn an_event_older_than_ours_means_the_versions_went_backwards() {
        let mut objects = BTreeMap::new();
        let mut rv = "40".to_owned();
        let event = Ok(WatchEvent::Modified(deployment("checkout", "41")));
        assert_eq!(apply(&mut objects, &mut rv, event), Ok(true));
        assert_eq!(rv, "41");
        let event = Ok(WatchEvent::Modified(deployment("checkout", "7")));
        assert_eq!(
            apply(&mut objects, &mut rv, event),
            Err(Broken::Backwards {
                ours: "41".into(),
                theirs: "7".into()
            })
        );
        assert_eq!(rv, "41", "the older version is not taken");
    }

    #[test]
    fn a_bookmark_older_than_ours_means_the_versions_went_backwards() {
        let mut objects: BTreeMap<String, Deployment> = BTreeMap::new();
        let mut rv = "40".to_owned();
        let bookmark = |v: &str| {
            let json = format!(
                r#"{{"apiVersion":"apps/v1","kind":"Deployment","metadata":{{"resourceVersion":"{v}"}}}}"#
            );
            serde_json::from_str::<Bookmark>(&json).expect("a bookmark")
        };
        let same = Ok(WatchEvent::Bookmark(bookmark("40")));
        assert_eq!(apply(&mut objects, &mut rv, same), Ok(false));
        let older = Ok(WatchEvent::Bookmark(bookmark("3")));
        assert!(matches!(
            apply(&mut objects, &mut rv, older),
            Err(Broken::Backwards { .. })
        ));
    }

    #[test]
    fn a_server_below_our_newest_version_is_behind_us_and_opaque_versions_never_are() {
        let feeds = Feeds {
            deployments_rv: "40".into(),
            replicasets_rv: "52".into(),
            ..Feeds::default()
        };
        assert!(feeds.ahead_of("45"), "below the ReplicaSets' 52");
        assert!(!feeds.ahead_of("52"));
        assert!(!feeds.ahead_of("60"));
        assert!(!feeds.ahead_of("opaque"));
        assert!(!Feeds::default().ahead_of("1"));
    }

    #[test]
    fn gone_and_too_large_versions_ask_for_a_new_list() {
        let gone = Status {
            code: 410,
            message: "too old resource version: 3 (9)".into(),
            ..Status::default()
        };
        // As the API server answers a watch from a version it has not reached.
        let too_large: Status = serde_json::from_str(
            r#"{"kind":"Status","apiVersion":"v1","status":"Failure","code":504,"reason":"Timeout",
                "message":"Too large resource version: 90, current: 12",
                "details":{"causes":[{"reason":"ResourceVersionTooLarge","message":"Too large resource version"}],"retryAfterSeconds":1}}"#,
        )
        .expect("a Status");
        let forbidden = Status {
            code: 403,
            message: "forbidden".into(),
            ..Status::default()
        };
        assert!(refuses_our_version(&gone));
        assert!(refuses_our_version(&too_large));
        assert!(!refuses_our_version(&forbidden));
    }
}
