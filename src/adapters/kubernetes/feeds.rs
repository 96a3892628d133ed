//! What a target's watch knows: the Deployments and ReplicaSets it has seen
//! (only what the panes need of each, `kept.rs`) with each kind's
//! resourceVersion, how one watch event folds in, and the snapshot the
//! cockpit is sent.
//!
//! resourceVersions are compared as numbers, as Kubernetes allows since
//! v1.34 (they are etcd revisions); one that does not parse is never taken
//! as proof that the server's versions went backwards.

use std::collections::{BTreeMap, HashMap};

use kube::api::WatchEvent;
use kube::core::Status;

use super::kept::{KeptDeployment, KeptReplicaSet};
use super::status::deployment_state;
use super::target::KubeTarget;
use crate::domain::rollout::RolloutUpdate;

#[derive(Debug, Default)]
pub(super) struct Feeds {
    /// By name.
    pub deployments: BTreeMap<String, KeptDeployment>,
    pub replicasets: BTreeMap<String, KeptReplicaSet>,
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

/// Folds one event into a feed, keeping what `keep` takes of its object:
/// whether something kept changed (an update to fields no pane reads, or a
/// replay of what we hold, sends no snapshot), or why the stream cannot go on.
pub(super) fn apply<K: kube::Resource, T: PartialEq>(
    objects: &mut BTreeMap<String, T>,
    rv: &mut String,
    event: kube::Result<WatchEvent<K>>,
    keep: impl FnOnce(K) -> T,
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
        Ok(WatchEvent::Added(mut object) | WatchEvent::Modified(mut object)) => {
            advance(object.meta().resource_version.as_ref())?;
            let name = object.meta_mut().name.take().unwrap_or_default();
            let kept = keep(object);
            if objects.get(&name) == Some(&kept) {
                return Ok(false);
            }
            objects.insert(name, kept);
            Ok(true)
        }
        Ok(WatchEvent::Deleted(object)) => {
            advance(object.meta().resource_version.as_ref())?;
            let name = object.meta().name.as_deref().unwrap_or_default();
            Ok(objects.remove(name).is_some())
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
    let mut by_owner: HashMap<&str, Vec<&KeptReplicaSet>> = HashMap::new();
    for rs in feeds.replicasets.values() {
        if let Some(owner) = &rs.controller {
            by_owner.entry(owner.as_str()).or_default().push(rs);
        }
    }
    let units = feeds
        .deployments
        .iter()
        .map(|(name, d)| {
            let owned = d
                .uid
                .as_deref()
                .and_then(|uid| by_owner.get(uid))
                .map(Vec::as_slice)
                .unwrap_or_default();
            deployment_state(name, d, owned, target.container.as_deref())
        })
        .collect();
    RolloutUpdate::Snapshot {
        target: target.name.clone(),
        units,
    }
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::apps::v1::Deployment;
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
        assert_eq!(
            apply(&mut objects, &mut rv, event, KeptDeployment::from),
            Ok(true)
        );
        assert_eq!(rv, "41");
        let event = Ok(WatchEvent::Modified(deployment("checkout", "7")));
        assert_eq!(
            apply(&mut objects, &mut rv, event, KeptDeployment::from),
            Err(Broken::Backwards {
                ours: "41".into(),
                theirs: "7".into()
            })
        );
        assert_eq!(rv, "41", "the older version is not taken");
    }

    #[test]
    fn only_a_change_to_what_is_kept_counts_as_a_change() {
        let mut objects = BTreeMap::new();
        let mut rv = "1".to_owned();
        let mut fold = |d: Deployment| {
            apply(
                &mut objects,
                &mut rv,
                Ok(WatchEvent::Modified(d)),
                KeptDeployment::from,
            )
        };
        assert_eq!(fold(deployment("checkout", "2")), Ok(true), "new");
        let mut relabelled = deployment("checkout", "3");
        relabelled.metadata.labels = Some([("team".into(), "shop".into())].into());
        assert_eq!(fold(relabelled), Ok(false), "no pane reads labels");
        let mut scaled = deployment("checkout", "4");
        scaled.spec = Some(k8s_openapi::api::apps::v1::DeploymentSpec {
            replicas: Some(5),
            ..Default::default()
        });
        assert_eq!(fold(scaled), Ok(true), "the desired count is shown");
        assert_eq!(rv, "4", "the version moves on either way");
        let gone = |name: &str| Ok(WatchEvent::Deleted(deployment(name, "5")));
        let mut delete =
            |name: &str| apply(&mut objects, &mut rv, gone(name), KeptDeployment::from);
        assert_eq!(delete("unknown"), Ok(false));
        assert_eq!(delete("checkout"), Ok(true));
    }

    #[test]
    fn a_bookmark_older_than_ours_means_the_versions_went_backwards() {
        let mut objects: BTreeMap<String, KeptDeployment> = BTreeMap::new();
        let mut rv = "40".to_owned();
        let bookmark = |v: &str| {
            let json = format!(
                r#"{{"apiVersion":"apps/v1","kind":"Deployment","metadata":{{"resourceVersion":"{v}"}}}}"#
            );
            serde_json::from_str::<Bookmark>(&json).expect("a bookmark")
        };
        let same = Ok(WatchEvent::<Deployment>::Bookmark(bookmark("40")));
        assert_eq!(
            apply(&mut objects, &mut rv, same, KeptDeployment::from),
            Ok(false)
        );
        let older = Ok(WatchEvent::<Deployment>::Bookmark(bookmark("3")));
        assert!(matches!(
            apply(&mut objects, &mut rv, older, KeptDeployment::from),
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
