//! The controller against upstream's rules, with time in the test's hands.

use std::time::{Duration, Instant};

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};

use super::controller::revision_of;
use super::patch::PatchType;
use super::server::seed;
use super::{Cluster, ImagePolicy, World, WorldDeployment};

const SECOND: Duration = Duration::from_secs(1);

fn cluster(deployment: WorldDeployment) -> Cluster {
    let world = World {
        deployments: vec![deployment],
        images: ImagePolicy::new(SECOND),
    };
    let cluster = Cluster::new(world.images.clone());
    seed(&cluster, &world);
    cluster
}

fn set_image(cluster: &Cluster, name: &str, image: &str) {
    let patch = format!(
        r#"{{"spec":{{"template":{{"spec":{{"containers":[{{"name":"{name}","image":"{image}"}}]}}}}}}}}"#
    );
    cluster
        .patch_deployment("prod", name, PatchType::Strategic, patch.as_bytes(), false)
        .unwrap();
}

fn replicas(rs: &ReplicaSet) -> (i32, i32) {
    let status = rs.status.clone().unwrap_or_default();
    (status.replicas, status.available_replicas.unwrap_or(0))
}

fn condition(d: &Deployment, kind: &str) -> (String, String) {
    let c = d
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .and_then(|cs| cs.iter().find(|c| c.type_ == kind))
        .unwrap();
    (c.status.clone(), c.reason.clone().unwrap_or_default())
}

#[test]
fn a_rolling_update_stays_within_max_surge_and_max_unavailable() {
    let cluster = cluster(WorldDeployment::new("prod", "web", &["web:1"]).replicas(4));
    set_image(&cluster, "web", "web:2");
    let start = Instant::now();
    let mut now = start;
    for _ in 0..40 {
        cluster.reconcile(now);
        let sets = cluster.replicasets("prod");
        let pods: i32 = sets.iter().map(|rs| replicas(rs).0).sum();
        let available: i32 = sets.iter().map(|rs| replicas(rs).1).sum();
        // 25% of 4: one pod over, one pod short at most.
        assert!(pods <= 5, "{pods} pods exceed desired + maxSurge");
        assert!(
            available >= 3,
            "{available} available is under desired - maxUnavailable"
        );
        now += Duration::from_millis(250);
    }
    let sets = cluster.replicasets("prod");
    let by_revision = |r: u64| sets.iter().find(|rs| revision_of(rs) == r).map(replicas);
    assert_eq!(
        by_revision(2),
        Some((4, 4)),
        "the new ReplicaSet is complete"
    );
    assert_eq!(
        by_revision(1),
        Some((0, 0)),
        "the old one is scaled to zero, not deleted"
    );
    let d = cluster.deployment("prod", "web").unwrap();
    assert_eq!(condition(&d, "Progressing").1, "NewReplicaSetAvailable");
    assert_eq!(d.status.as_ref().unwrap().observed_generation, Some(2));
}

#[test]
fn going_back_to_an_old_template_takes_its_replicaset_back_with_a_new_revision() {
    let cluster = cluster(WorldDeployment::new("prod", "web", &["web:1", "web:2"]).replicas(2));
    let before: Vec<String> = cluster
        .replicasets("prod")
        .iter()
        .map(|rs| rs.metadata.name.clone().unwrap())
        .collect();
    set_image(&cluster, "web", "web:1");
    cluster.reconcile(Instant::now());
    let sets = cluster.replicasets("prod");
    assert_eq!(sets.len(), 2, "no third ReplicaSet: {before:?}");
    let reused = sets.iter().find(|rs| revision_of(rs) == 3).unwrap();
    let image = reused
        .spec
        .as_ref()
        .unwrap()
        .template
        .as_ref()
        .unwrap()
        .spec
        .as_ref()
        .unwrap()
        .containers[0]
        .image
        .clone();
    assert_eq!(image.as_deref(), Some("web:1"));
}

#[test]
fn a_paused_deployment_does_not_roll_but_still_scales() {
    let cluster = cluster(WorldDeployment::new("prod", "web", &["web:1"]).paused());
    set_image(&cluster, "web", "web:2");
    let now = Instant::now();
    cluster.reconcile(now);
    cluster.reconcile(now + 10 * SECOND);
    assert_eq!(cluster.replicasets("prod").len(), 1);
    let d = cluster.deployment("prod", "web").unwrap();
    assert_eq!(condition(&d, "Progressing").1, "DeploymentPaused");

    cluster
        .patch_deployment(
            "prod",
            "web",
            PatchType::Merge,
            br#"{"spec":{"replicas":5}}"#,
            false,
        )
        .unwrap();
    cluster.reconcile(now + 11 * SECOND);
    cluster.reconcile(now + 20 * SECOND);
    let sets = cluster.replicasets("prod");
    assert_eq!(replicas(&sets[0]), (5, 5));
}

#[test]
fn a_bad_image_times_out_after_the_progress_deadline() {
    let cluster = cluster(
        WorldDeployment::new("prod", "web", &["web:1"])
            .replicas(2)
            .progress_deadline(5),
    );
    set_image(&cluster, "web", "web:2-bad");
    let start = Instant::now();
    cluster.reconcile(start);
    cluster.reconcile(start + 3 * SECOND);
    let d = cluster.deployment("prod", "web").unwrap();
    assert_eq!(
        condition(&d, "Progressing"),
        ("True".to_owned(), "ReplicaSetUpdated".to_owned())
    );
    cluster.reconcile(start + 6 * SECOND);
    let d = cluster.deployment("prod", "web").unwrap();
    assert_eq!(
        condition(&d, "Progressing"),
        ("False".to_owned(), "ProgressDeadlineExceeded".to_owned())
    );
    assert_eq!(
        condition(&d, "Available").0,
        "True",
        "the old pods still serve"
    );
}

#[test]
fn a_stale_resource_version_is_a_conflict_and_a_dry_run_stores_nothing() {
    let cluster = cluster(WorldDeployment::new("prod", "web", &["web:1"]));
    let stale = r#"{"metadata":{"resourceVersion":"1"},"spec":{"replicas":5}}"#;
    let error = cluster
        .patch_deployment("prod", "web", PatchType::Merge, stale.as_bytes(), false)
        .unwrap_err();
    assert_eq!(error.code, 409);
    let rv = cluster.resource_version();
    cluster
        .patch_deployment(
            "prod",
            "web",
            PatchType::Merge,
            br#"{"spec":{"replicas":5}}"#,
            true,
        )
        .unwrap();
    assert_eq!(cluster.resource_version(), rv);
    assert_eq!(
        cluster
            .deployment("prod", "web")
            .unwrap()
            .spec
            .unwrap()
            .replicas,
        Some(3)
    );
}

#[test]
fn watches_resume_from_a_version_until_it_is_compacted() {
    let cluster = cluster(WorldDeployment::new("prod", "web", &["web:1"]));
    let rv = cluster.resource_version();
    set_image(&cluster, "web", "web:2");
    let sub = cluster
        .subscribe(super::Kind::Deployment, Some(rv))
        .unwrap();
    assert_eq!(sub.backlog.len(), 1, "the change after {rv}");
    cluster.compact();
    let error = cluster
        .subscribe(super::Kind::Deployment, Some(rv))
        .err()
        .unwrap();
    assert_eq!((error.code, error.reason), (410, "Expired"));
}

#[test]
fn a_watch_from_a_version_the_store_never_reached_is_refused_as_too_large() {
    let cluster = cluster(WorldDeployment::new("prod", "web", &["web:1"]));
    let ahead = cluster.resource_version() + 50;
    let error = cluster
        .subscribe(super::Kind::Deployment, Some(ahead))
        .err()
        .unwrap();
    assert_eq!((error.code, error.reason), (504, "Timeout"));
    let status = error.status_json();
    assert_eq!(
        status["details"]["causes"][0]["reason"],
        "ResourceVersionTooLarge"
    );
    assert!(
        cluster
            .subscribe(super::Kind::Deployment, Some(ahead - 50))
            .is_ok(),
        "the current version itself resumes"
    );
}

#[test]
fn a_label_change_leaves_or_enters_a_selectors_watch() {
    use super::selectors::{FieldSelector, LabelSelector};
    use super::watch::Filter;
    let cluster = cluster(WorldDeployment::new("prod", "web", &["web:1"]).label("tier", "front"));
    let filter = Filter {
        namespace: Some("prod".into()),
        labels: LabelSelector::parse("tier=front").unwrap(),
        fields: FieldSelector::default(),
    };
    let rv = cluster.resource_version();
    let relabel = |tier: &str| {
        let patch = format!(r#"{{"metadata":{{"labels":{{"tier":"{tier}"}}}}}}"#);
        cluster
            .patch_deployment("prod", "web", PatchType::Merge, patch.as_bytes(), false)
            .unwrap();
    };
    relabel("back");
    relabel("front");
    let sub = cluster
        .subscribe(super::Kind::Deployment, Some(rv))
        .unwrap();
    let events: Vec<_> = sub
        .backlog
        .iter()
        .filter_map(|c| filter.event_for(c))
        .collect();
    assert_eq!(events, ["DELETED", "ADDED"]);
}
