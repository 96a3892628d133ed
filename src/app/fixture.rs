//! A fixed, deterministic model for tests, snapshots and benchmarks.

use std::collections::BTreeMap;

use chrono::{Duration, TimeZone, Utc};

use super::calendar_view::CalendarView;
use super::keymap::Keymap;
use super::model::{ConfigOrigin, Model, Pane, Session, Themes};
use super::release_view::ReleaseView;
use crate::config::ConfigSource;
use crate::config::PlaybookLibrary;
use crate::domain::calendar::Calendar;
use crate::domain::checklist::Checklist;
use crate::domain::events::{Event, Recorded};
use crate::domain::release::{Release, ReleaseType};

/// The cockpit as it starts with the built-in demo, at a fixed instant, in UTC,
/// for operator `alice`.
pub fn sample_model() -> Model {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 21, 16, 40, 0)
        .single()
        .unwrap_or_default();
    let session = Session {
        operator: "alice".to_owned(),
        read_only: false,
        origin: ConfigOrigin::Demo {
            reason: "no config file".to_owned(),
        },
        roles: BTreeMap::new(),
        following: None,
    };
    let themes = Themes {
        names: ["dark", "light", "high-contrast", "terminal"]
            .map(str::to_owned)
            .to_vec(),
        current: 0,
    };
    let theme_names = themes.names.clone();
    let mut model = Model::new(session, Keymap::defaults(), themes, now, chrono_tz::UTC);
    model.calendar =
        CalendarView::new(demo_calendar(&theme_names), Vec::new(), now, chrono_tz::UTC);
    model
}

/// The built-in demo's trains and blackouts.
pub fn demo_calendar(theme_names: &[String]) -> Calendar {
    let settings = ConfigSource::Demo {
        reason: "fixture".to_owned(),
    }
    .load()
    .and_then(|loaded| loaded.settings(theme_names))
    .unwrap_or_else(|e| panic!("the demo config: {e}"));
    Calendar {
        trains: settings.trains,
        blackouts: settings.blackouts,
        changes: Default::default(),
    }
}

/// The sample model with the built-in minor playbook's release 2.4.0 open, T-0
/// at 18:00 UTC (1h20m after the sample's clock), started by `carol` a week
/// before, with the Checklist pane focused.
pub fn sample_model_with_release() -> Model {
    let mut model = sample_model();
    let t0 = model.clock.now + Duration::minutes(80);
    let library = PlaybookLibrary::builtin().unwrap_or_else(|e| panic!("built-in playbooks: {e}"));
    let entry = library
        .for_type(ReleaseType::Minor)
        .unwrap_or_else(|| panic!("a minor playbook"));
    let version = semver::Version::new(2, 4, 0);
    let release = Release {
        id: Release::make_id("minor", &version, t0),
        name: "minor".to_owned(),
        kind: ReleaseType::Minor,
        version,
        t0,
        zone: chrono_tz::America::Los_Angeles,
        playbook: entry.playbook.name.clone(),
        targets: Vec::new(),
    };
    let started = Recorded {
        seq: 1,
        at: t0 - Duration::days(8),
        operator: "carol".to_owned(),
        event: Event::ReleaseStarted {
            release: release.clone(),
            playbook_file: entry.file.clone(),
            playbook_text: entry.text.clone(),
        },
    };
    model.release = Some(ReleaseView::new(Checklist::new(
        release,
        entry.playbook.clone(),
        &started,
    )));
    model.focus = Pane::Checklist;
    model
}

/// Rollout targets in every state: `shop` live with a complete, a rolling, a
/// failed and a paused Deployment; `edge` stale since 42 s before the clock.
pub fn sample_rollout(now: chrono::DateTime<chrono::Utc>) -> super::rollout_view::RolloutView {
    use crate::domain::rollout::{DeploymentState, Revision, RolloutPhase, RolloutUpdate};
    let image = |name: &str, tag: &str| format!("registry.example.com/shop/{name}:{tag}");
    let state = |ns: &str,
                 name: &str,
                 tag: &str,
                 counts: (i32, i32, i32, i32),
                 phase: RolloutPhase,
                 message: &str| {
        let (desired, updated, available, total) = counts;
        DeploymentState {
            namespace: ns.to_owned(),
            name: name.to_owned(),
            container: name.to_owned(),
            image: image(name, tag),
            previous_image: (phase == RolloutPhase::Progressing || phase == RolloutPhase::Failed)
                .then(|| image(name, "2.3.1")),
            revision: 4,
            desired,
            updated,
            ready: available,
            available,
            total,
            phase,
            message: message.to_owned(),
            last_update: Some(now - Duration::seconds(40)),
            history: vec![
                Revision {
                    number: 4,
                    images: vec![image(name, tag)],
                    created: Some(now - Duration::minutes(3)),
                    change_cause: Some(format!("release-cockpit: {tag} by carol")),
                    replicas: updated,
                },
                Revision {
                    number: 3,
                    images: vec![image(name, "2.3.1")],
                    created: Some(now - Duration::days(14)),
                    change_cause: Some("release 2.3.1".to_owned()),
                    replicas: total - updated,
                },
            ],
        }
    };
    let mut view = super::rollout_view::RolloutView::new([
        super::rollout_view::TargetSpec::named("shop"),
        super::rollout_view::TargetSpec::named("edge"),
    ]);
    view.apply(
        RolloutUpdate::Snapshot {
            target: "shop".to_owned(),
            deployments: vec![
                state("production", "billing", "2.4.0", (2, 2, 2, 2), RolloutPhase::Complete, "deployment \"billing\" successfully rolled out"),
                state("production", "checkout", "2.4.0", (4, 2, 3, 5), RolloutPhase::Progressing, "Waiting for deployment \"checkout\" rollout to finish: 2 out of 4 new replicas have been updated..."),
                state("production", "search", "2.4.0-bad", (3, 1, 2, 3), RolloutPhase::Failed, "deployment \"search\" exceeded its progress deadline"),
                state("production", "web", "2.3.1", (4, 4, 4, 4), RolloutPhase::Paused, "deployment \"web\" is paused"),
            ],
        },
        now - Duration::seconds(50),
    );
    view.apply(
        RolloutUpdate::Snapshot {
            target: "edge".to_owned(),
            deployments: vec![state(
                "edge",
                "gateway",
                "2.3.1",
                (2, 2, 2, 2),
                RolloutPhase::Complete,
                "deployment \"gateway\" successfully rolled out",
            )],
        },
        now - Duration::seconds(60),
    );
    view.apply(
        RolloutUpdate::Stale {
            target: "edge".to_owned(),
            error: "watch deployments in edge: the API is unreachable: connection refused"
                .to_owned(),
        },
        now - Duration::seconds(42),
    );
    view
}

/// `count` complete Deployments in one target, for the benchmarks.
pub fn many_deployments(
    count: usize,
    now: chrono::DateTime<chrono::Utc>,
) -> super::rollout_view::RolloutView {
    use crate::domain::rollout::{DeploymentState, Revision, RolloutPhase, RolloutUpdate};
    let deployments = (0..count)
        .map(|i| {
            let image = format!("registry.example.com/bench/svc-{i:04}:1.0.{}", i % 7);
            DeploymentState {
                namespace: "bench".to_owned(),
                name: format!("svc-{i:04}"),
                container: format!("svc-{i:04}"),
                image: image.clone(),
                previous_image: None,
                revision: 1,
                desired: 2,
                updated: 2,
                ready: 2,
                available: 2,
                total: 2,
                phase: RolloutPhase::Complete,
                message: format!("deployment \"svc-{i:04}\" successfully rolled out"),
                last_update: Some(now - Duration::minutes(5)),
                history: vec![Revision {
                    number: 1,
                    images: vec![image],
                    created: Some(now - Duration::minutes(5)),
                    change_cause: None,
                    replicas: 2,
                }],
            }
        })
        .collect();
    let mut view =
        super::rollout_view::RolloutView::new([super::rollout_view::TargetSpec::named("bench")]);
    view.apply(
        RolloutUpdate::Snapshot {
            target: "bench".to_owned(),
            deployments,
        },
        now,
    );
    view
}
