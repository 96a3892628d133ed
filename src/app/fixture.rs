//! A fixed, deterministic model for tests, snapshots and benchmarks.

use std::collections::BTreeMap;

use chrono::{Duration, TimeZone, Utc};

use crate::app::keys::keymap::Keymap;
use crate::app::model::{ConfigOrigin, Model, ModelSettings, Operator, Themes};
use crate::app::panes::Pane;
use crate::app::panes::release::ReleaseState;
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
    let operator = Operator {
        name: "alice".to_owned(),
        read_only: false,
        origin: ConfigOrigin::Demo {
            reason: "no config file".to_owned(),
        },
        roles: BTreeMap::new(),
        following: None,
        remote_writer: None,
        viewing: false,
    };
    let themes = Themes {
        names: ["dark", "light", "high-contrast", "terminal"]
            .map(str::to_owned)
            .to_vec(),
        current: 0,
    };
    let calendar = demo_calendar(&themes.names);
    let settings = ModelSettings {
        operator,
        keymap: Keymap::defaults(),
        themes,
        zone: chrono_tz::UTC,
        calendar,
        releases: Vec::new(),
        targets: Vec::new(),
        signals: Vec::new(),
        chart: Duration::hours(1),
        rollback: Default::default(),
        incident: Default::default(),
        repos: Default::default(),
        messages: crate::config::message_templates::load(None).unwrap_or_default(),
        channels: Default::default(),
        alert_routes: Default::default(),
        delivery: Default::default(),
    };
    Model::new(settings, now)
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
        components: Default::default(),
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
    model.release = Some(ReleaseState::new(Checklist::new(
        release,
        entry.playbook.clone(),
        &started,
    )));
    model.focus = Pane::Checklist;
    model
}

/// Records, as `dave`, an override of go/no-go on a step of the open release,
/// as if it had come back durable from the journal.
pub fn override_go_no_go(model: &mut Model, step: &str) {
    let now = model.clock.now;
    if let Some(view) = model.release.as_mut() {
        let seq = view.checklist.last_seq + 1;
        view.checklist.apply(&Recorded {
            seq,
            at: now,
            operator: "dave".to_owned(),
            event: Event::GoNoGoOverridden {
                step: step.to_owned(),
                reason: "hotfix for a customer outage".to_owned(),
            },
        });
    }
}

/// Rollout targets in every state: `shop` live with a complete, a rolling, a
/// failed and a paused Deployment; `edge` stale since 42 s before the clock.
pub fn sample_rollout(
    now: chrono::DateTime<chrono::Utc>,
) -> crate::app::panes::rollout::RolloutState {
    use crate::domain::rollout::{Revision, RolloutPhase, RolloutUpdate, Unit, UnitKind};
    let image = |name: &str, tag: &str| format!("registry.example.com/shop/{name}:{tag}");
    let state = |ns: &str,
                 name: &str,
                 tag: &str,
                 counts: (i32, i32, i32, i32),
                 phase: RolloutPhase,
                 message: &str| {
        let (desired, updated, available, total) = counts;
        Unit {
            kind: UnitKind::Deployment,
            namespace: ns.to_owned(),
            name: name.to_owned(),
            version: tag.to_owned(),
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
                    version: tag.to_owned(),
                    images: vec![image(name, tag)],
                    created: Some(now - Duration::minutes(3)),
                    change_cause: Some(format!("release-cockpit: {tag} by carol")),
                    replicas: updated,
                },
                Revision {
                    number: 3,
                    version: "2.3.1".to_owned(),
                    images: vec![image(name, "2.3.1")],
                    created: Some(now - Duration::days(14)),
                    change_cause: Some("release 2.3.1".to_owned()),
                    replicas: total - updated,
                },
            ],
        }
    };
    let mut view = crate::app::panes::rollout::RolloutState::new([
        crate::app::panes::rollout::TargetSpec::named("shop"),
        crate::app::panes::rollout::TargetSpec::named("edge"),
    ]);
    view.apply(
        RolloutUpdate::Snapshot {
            target: "shop".to_owned(),
            units: vec![
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
            units: vec![state(
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
) -> crate::app::panes::rollout::RolloutState {
    use crate::domain::rollout::{Revision, RolloutPhase, RolloutUpdate, Unit, UnitKind};
    let units = (0..count)
        .map(|i| {
            let image = format!("registry.example.com/bench/svc-{i:04}:1.0.{}", i % 7);
            Unit {
                kind: UnitKind::Deployment,
                namespace: "bench".to_owned(),
                name: format!("svc-{i:04}"),
                version: format!("1.0.{}", i % 7),
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
                    version: format!("1.0.{}", i % 7),
                    images: vec![image],
                    created: Some(now - Duration::minutes(5)),
                    change_cause: None,
                    replicas: 2,
                }],
            }
        })
        .collect();
    let mut view = crate::app::panes::rollout::RolloutState::new([
        crate::app::panes::rollout::TargetSpec::named("bench"),
    ]);
    view.apply(
        RolloutUpdate::Snapshot {
            target: "bench".to_owned(),
            units,
        },
        now,
    );
    view
}

/// Health signals in every state, with an hour of points before `now`: an
/// error rate that climbed past its rule 10 minutes ago and fired, a p99
/// over its warn rule, a calm CPU, a health check up, and one that is stale.
pub fn sample_health(
    now: chrono::DateTime<chrono::Utc>,
    points: usize,
) -> crate::app::panes::health::HealthState {
    use crate::domain::health::{Signal, SignalReading, SignalUpdate, Source, Unit, parse_measure};
    use crate::domain::playbook::HttpCheck;
    use crate::domain::policy::parse_rule;
    let scrape = |measure: &str| Source::Scrape {
        url: "http://127.0.0.1:8080/metrics".to_owned(),
        measure: parse_measure(measure).unwrap_or_else(|e| panic!("{e}")),
    };
    let rule = |text: &str| Some(parse_rule(text).unwrap_or_else(|e| panic!("{e}")));
    let signal = |name: &str, unit, source, warn, critical| Signal {
        name: name.to_owned(),
        unit,
        source,
        interval: Duration::seconds(15),
        warn,
        critical,
        baseline_window: Duration::minutes(30),
    };
    let health = |url: &str| {
        Source::Health(HttpCheck {
            url: url.to_owned(),
            expect_status: 200,
            body_contains: None,
            max_latency: Duration::seconds(5),
        })
    };
    let signals = vec![
        signal(
            "error_rate",
            Unit::Ratio,
            scrape("ratio(req{code=\"5*\"}, req)"),
            rule("error_rate > 1%"),
            rule("error_rate > 5% for 2m"),
        ),
        signal(
            "p99",
            Unit::Seconds,
            scrape("quantile(0.99, latency)"),
            rule("p99 > 500ms"),
            rule("p99 > 2x baseline for 5m"),
        ),
        signal(
            "cpu",
            Unit::Ratio,
            scrape("gauge(cpu)"),
            None,
            rule("cpu > 80% for 5m"),
        ),
        signal(
            "api_health",
            Unit::Health,
            health("http://127.0.0.1:8080/health"),
            None,
            rule("api_health failing for 5m"),
        ),
        signal(
            "queue_depth",
            Unit::Number,
            scrape("gauge(queue)"),
            None,
            rule("queue_depth > 1000"),
        ),
    ];
    let mut view = crate::app::panes::health::HealthState::new(signals, Duration::hours(1));
    let points = points.max(2);
    let step = Duration::hours(1) / i32::try_from(points).unwrap_or(i32::MAX);
    for i in 0..points {
        let at = now - Duration::hours(1) + step * i32::try_from(i).unwrap_or(0);
        let minutes_left = (now - at).num_minutes();
        let wave = ((i % 17) as f64) / 17.0;
        let values = [
            (
                "error_rate",
                if minutes_left < 10 {
                    0.068 + wave * 0.01
                } else {
                    0.002 + wave * 0.001
                },
            ),
            (
                "p99",
                if minutes_left < 10 {
                    0.62 + wave * 0.05
                } else {
                    0.24 + wave * 0.02
                },
            ),
            ("cpu", 0.35 + wave * 0.1),
            ("api_health", 1.0),
            ("queue_depth", 40.0 + wave * 20.0),
        ];
        for (name, value) in values {
            let reading = SignalReading {
                at,
                value: Some(value),
                note: (name == "api_health").then(|| "HTTP 200 in 12 ms".to_owned()),
                history: None,
                points_fetched: 0,
            };
            view.apply(
                SignalUpdate::Reading {
                    signal: name.to_owned(),
                    reading,
                },
                |_| Some(0.25),
                at,
            );
        }
    }
    view.apply(
        SignalUpdate::Failed {
            signal: "queue_depth".to_owned(),
            at: now - Duration::seconds(42),
            error: "GET http://127.0.0.1:8080/metrics: connection refused".to_owned(),
        },
        |_| None,
        now,
    );
    view
}

/// A Docker host's containers as the engine would describe them, made into
/// units by the adapter: healthy, starting (replacing 2.3.1), unhealthy with
/// its failing streak, and one that exited; `backup` stale.
pub fn sample_containers(
    now: chrono::DateTime<chrono::Utc>,
) -> crate::app::panes::rollout::RolloutState {
    use crate::domain::rollout::RolloutUpdate;
    let started = (now - Duration::minutes(3)).to_rfc3339();
    let container = |name: &str, tag: &str, state: serde_json::Value| {
        let inspect = serde_json::json!({
            "Name": format!("/{name}"),
            "Image": "sha256:5f1a9c0b7e2d4c6a8b0e1f2a3b4c5d6e7f8091a2b3c4",
            "RestartCount": if name == "shop-worker-1" { 3 } else { 0 },
            "State": state,
            "Config": {
                "Image": format!("registry.example.com/shop/{tag}"),
                "Labels": {
                    "io.release-cockpit.revision": "2",
                    "io.release-cockpit.previous-image": "registry.example.com/shop/web:2.3.1",
                    "io.release-cockpit.history": "[{\"revision\":1,\"image\":\"registry.example.com/shop/web:2.3.1\",\"version\":\"2.3.1\",\"until\":\"2026-11-20T10:00:00Z\"}]"
                }
            }
        });
        let inspect = serde_json::from_value(inspect).unwrap_or_default();
        crate::adapters::docker::unit::unit("production", &inspect)
    };
    let running = |health: &str, streak: i64| {
        serde_json::json!({"Status": "running", "StartedAt": started,
            "Health": {"Status": health, "FailingStreak": streak,
                "Log": [{"ExitCode": i64::from(streak > 0), "Output": "wget: server returned error: HTTP/1.1 503 Service Unavailable"}]}})
    };
    let mut view = crate::app::panes::rollout::RolloutState::new([
        crate::app::panes::rollout::TargetSpec {
            environment: Some("production".to_owned()),
            ..crate::app::panes::rollout::TargetSpec::named("shop")
        },
        crate::app::panes::rollout::TargetSpec {
            environment: Some("production".to_owned()),
            ..crate::app::panes::rollout::TargetSpec::named("backup")
        },
    ]);
    view.apply(
        RolloutUpdate::Snapshot {
            target: "shop".to_owned(),
            units: vec![
                container("shop-web-1", "web:2.4.0", running("healthy", 0)),
                container("shop-web-2", "web:2.4.0", running("starting", 1)),
                container("shop-api", "api:2.3.1", running("unhealthy", 3)),
                container(
                    "shop-worker-1",
                    "worker:2.3.1",
                    serde_json::json!({"Status": "exited", "ExitCode": 137, "StartedAt": started}),
                ),
            ],
        },
        now - Duration::seconds(5),
    );
    view.apply(
        RolloutUpdate::Snapshot {
            target: "backup".to_owned(),
            units: vec![container("backup", "backup:1.2.0", running("healthy", 0))],
        },
        now - Duration::seconds(60),
    );
    view.apply(
        RolloutUpdate::Stale {
            target: "backup".to_owned(),
            error: "docker engine at tcp://10.0.0.7:2375: no answer in 3s (silent for 5s before)"
                .to_owned(),
        },
        now - Duration::seconds(42),
    );
    view
}
