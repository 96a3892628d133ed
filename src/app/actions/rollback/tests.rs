use chrono::Duration;

use super::*;
use crate::app::fixture::{sample_health, sample_model_with_release};
use crate::app::panes::rollout::{RolloutState, TargetSpec};
use crate::app::{Key, Msg, update};
use crate::domain::rollout::{Revision, RolloutPhase, RolloutUpdate, Unit, UnitKind};

fn checkout(tag: &str, revision: u64) -> RolloutUpdate {
    let image = |tag: &str| format!("registry.example.com/shop/checkout:{tag}");
    let history = vec![
        Revision {
            number: revision,
            version: tag.into(),
            images: vec![image(tag)],
            created: None,
            change_cause: None,
            replicas: 3,
        },
        Revision {
            number: 4,
            version: "2.4.0".into(),
            images: vec![image("2.4.0")],
            created: None,
            change_cause: None,
            replicas: 0,
        },
        Revision {
            number: 3,
            version: "2.3.1".into(),
            images: vec![image("2.3.1")],
            created: None,
            change_cause: Some("release 2.3.1".into()),
            replicas: 0,
        },
    ];
    RolloutUpdate::Snapshot {
        target: "shop".into(),
        units: vec![Unit {
            kind: UnitKind::Deployment,
            version: tag.into(),
            namespace: "production".into(),
            name: "checkout".into(),
            container: "checkout".into(),
            image: image(tag),
            previous_image: None,
            revision,
            desired: 3,
            updated: 3,
            ready: 3,
            available: 3,
            total: 3,
            phase: RolloutPhase::Complete,
            message: String::new(),
            last_update: None,
            history: history
                .into_iter()
                .filter(|r| r.number <= revision)
                .collect(),
        }],
    }
}

/// The sample release, checkout on 2.4.0, the sample signals firing.
fn release_model() -> Model {
    let mut model = sample_model_with_release();
    let now = model.clock.now;
    model.rollout = RolloutState::new([TargetSpec::named("shop")]);
    update(&mut model, Msg::Rollout(checkout("2.4.0", 4)));
    model.health = sample_health(now, 120);
    model.rollback_settings.verify = Duration::minutes(5);
    model
}

fn press(model: &mut Model, keys: &str) -> Vec<Effect> {
    keys.split_whitespace()
        .flat_map(|k| {
            let key: Key = k.parse().unwrap_or_else(|e| panic!("{k}: {e}"));
            update(model, Msg::Key(key))
        })
        .collect()
}

fn typed(model: &mut Model, text: &str) {
    for c in text.chars() {
        update(model, Msg::Key(Key::char(c)));
    }
}

fn record(model: &mut Model, effect: &Effect) -> Vec<Effect> {
    let Effect::Record(event) = effect else {
        panic!("not a journal line: {effect:?}")
    };
    let seq = model.release.as_ref().map_or(0, |r| r.checklist.last_seq) + 1;
    let recorded = Recorded {
        seq,
        at: model.clock.now,
        operator: "alice".into(),
        event: event.clone(),
    };
    update(model, Msg::Recorded(recorded))
}

fn tick(model: &mut Model, seconds: i64) -> Vec<Effect> {
    let now = model.clock.now + Duration::seconds(seconds);
    update(model, Msg::Tick(now))
}

#[test]
fn r_needs_a_release_and_targets_and_shows_the_running_wizard_again() {
    let mut model = sample_model_with_release();
    press(&mut model, "R");
    assert!(model.rollback.is_none());
    assert!(
        model
            .notice
            .as_deref()
            .is_some_and(|n| n.contains("nothing to roll back"))
    );
    let mut model = model_with_wizard();
    press(&mut model, "esc");
    assert!(model.rollback.is_none(), "Esc at the first step closes it");
    press(&mut model, "R enter enter");
    press(&mut model, "esc esc");
    assert_eq!(
        model.rollback.as_ref().map(|w| w.stage),
        Some(Stage::Assess)
    );
}

fn model_with_wizard() -> Model {
    let mut model = release_model();
    press(&mut model, "R");
    let wizard = model
        .rollback
        .as_ref()
        .unwrap_or_else(|| panic!("no wizard: {:?}", model.notice));
    assert_eq!(model.overlay, Some(Overlay::Rollback));
    assert!(
        wizard.trigger.is_some(),
        "prefilled from the firing trigger"
    );
    model
}

#[test]
fn the_whole_rollback_from_r_to_the_post_mortem_step() {
    let mut model = model_with_wizard();
    let assessed = press(&mut model, "enter");
    assert!(matches!(
        &assessed[..],
        [Effect::Record(Event::SeverityAssessed { .. })]
    ));
    press(&mut model, "enter");
    typed(&mut model, "2.4.0");
    let started = press(&mut model, "tab enter");
    assert!(
        matches!(&started[..], [Effect::Record(Event::RollbackStarted { items, .. })] if items.len() == 1)
    );
    // Write-ahead: nothing is touched before the line is durable.
    let effects = record(&mut model, &started[0]);
    let (request, plan) = effects
        .iter()
        .find_map(|e| match e {
            Effect::Rollback { request, plan } => Some((request.clone(), plan.clone())),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no rollback: {effects:?}"));
    assert_eq!(plan.items[0].to_revision, 3);
    let done = update(
        &mut model,
        Msg::Done {
            request,
            result: crate::app::requests::TaskResult::RollbackItem {
                item: "production/checkout".into(),
                result: Ok(crate::domain::rollback::UndoOutcome::RolledBack { to: 3 }),
            },
        },
    );
    assert!(matches!(
        &done[..],
        [Effect::Record(Event::RollbackItemFinished { ok: true, .. })]
    ));
    assert_eq!(
        model.rollback.as_ref().map(|w| w.stage),
        Some(Stage::Verify)
    );
    // The cluster is back on 2.3.1 (a new revision 5) and the signals calm.
    update(&mut model, Msg::Rollout(checkout("2.3.1", 5)));
    model.health = crate::app::panes::health::HealthState::new(
        model
            .health
            .signals
            .iter()
            .map(|s| s.signal.clone())
            .collect(),
        Duration::hours(1),
    );
    let calm = |model: &mut Model, name: &str, value: f64| {
        let reading = crate::domain::health::SignalReading {
            at: model.clock.now,
            value: Some(value),
            note: None,
            history: None,
            points_fetched: 0,
        };
        update(
            model,
            Msg::Signal(crate::domain::health::SignalUpdate::Reading {
                signal: name.into(),
                reading,
            }),
        )
    };
    // Readings every 10 s (fresher than three poll intervals) for six minutes.
    for _ in 0..36 {
        let mut effects = tick(&mut model, 10);
        for (name, value) in [
            ("error_rate", 0.002),
            ("p99", 0.2),
            ("cpu", 0.3),
            ("api_health", 1.0),
            ("queue_depth", 10.0),
        ] {
            effects.extend(calm(&mut model, name, value));
            if let Some(verdict) = effects
                .iter()
                .find(|e| matches!(e, Effect::Record(Event::RollbackVerified { .. })))
            {
                assert!(matches!(
                    verdict,
                    Effect::Record(Event::RollbackVerified { ok: true, .. })
                ));
                let write = record(&mut model, verdict);
                let Some(Effect::WriteIncident { request, draft }) = write
                    .iter()
                    .find(|e| matches!(e, Effect::WriteIncident { .. }))
                else {
                    panic!("no incident report asked for: {write:?}");
                };
                assert!(draft.verified);
                assert_eq!(draft.items.len(), 1);
                let written = update(
                    &mut model,
                    Msg::Done {
                        request: request.clone(),
                        result: crate::app::requests::TaskResult::Incident(Ok(
                            crate::domain::incident::IncidentWritten {
                                path: "/tmp/x/INCIDENT-0001.md".into(),
                                notice: "notice".into(),
                                rolled_back: draft.rolled_back,
                                report_due: draft.report_due,
                                follow_ups: draft.follow_ups.clone(),
                            },
                        )),
                    },
                );
                // The report line, the report's own step, the post-mortem.
                assert_eq!(written.len(), 3, "{written:?}");
                for effect in &written {
                    record(&mut model, effect);
                }
                let verdict_at = model
                    .rollback
                    .as_ref()
                    .and_then(|w| w.verdict.as_ref())
                    .map(|v| v.at)
                    .unwrap_or_else(|| panic!("no verdict"));
                let checklist = &model
                    .release
                    .as_ref()
                    .unwrap_or_else(|| panic!("release"))
                    .checklist;
                let step = checklist
                    .playbook
                    .step("post-mortem")
                    .unwrap_or_else(|| panic!("no post-mortem step"));
                assert_eq!(step.title, "Post-mortem of INCIDENT-0001");
                assert_eq!(
                    checklist.due_at(step),
                    Some(verdict_at + Duration::hours(24)),
                    "the post-mortem is due a day after the verdict, as before"
                );
                let report = checklist
                    .playbook
                    .step("incident-report")
                    .unwrap_or_else(|| panic!("no report step"));
                assert_eq!(report.title, "Incident report of INCIDENT-0001");
                assert_eq!(
                    checklist.due_at(report),
                    Some(verdict_at + Duration::hours(1))
                );
                assert_eq!(
                    checklist.rollback.as_ref().and_then(|r| r.verified),
                    Some(true)
                );
                send_the_notice(&mut model);
                return;
            }
        }
    }
    panic!(
        "never verified: {:?}",
        model.rollback.as_ref().map(|w| (
            &w.waiting_for,
            w.stage,
            w.healthy_since,
            model.clock.now,
            &w.verdict
        ))
    );
}

#[test]
fn read_only_refuses_at_the_confirmation() {
    let mut model = model_with_wizard();
    model.operator.read_only = true;
    press(&mut model, "enter enter");
    typed(&mut model, "2.4.0");
    let effects = press(&mut model, "tab enter");
    assert!(effects.is_empty(), "{effects:?}");
    assert!(
        model
            .rollback
            .as_ref()
            .and_then(|w| w.message.clone())
            .is_some_and(|m| m.starts_with("read-only"))
    );
}

#[test]
fn auto_mode_counts_down_then_rolls_back_and_any_key_cancels() {
    let fire = |model: &mut Model| {
        let now = model.clock.now;
        for s in [0, 130] {
            let reading = crate::domain::health::SignalReading {
                at: now + Duration::seconds(s),
                value: Some(0.09),
                note: None,
                history: None,
                points_fetched: 0,
            };
            update(
                model,
                Msg::Signal(crate::domain::health::SignalUpdate::Reading {
                    signal: "error_rate".into(),
                    reading,
                }),
            );
        }
    };
    let auto = |model: &mut Model| {
        model.rollback_settings.on_trigger = OnTrigger::Auto;
        model.rollback_settings.auto_countdown = Duration::seconds(30);
        model.health = crate::app::panes::health::HealthState::new(
            model
                .health
                .signals
                .iter()
                .map(|s| s.signal.clone())
                .collect(),
            Duration::hours(1),
        );
    };
    let mut model = release_model();
    auto(&mut model);
    fire(&mut model);
    assert!(model.countdown.is_some(), "armed");
    assert_eq!(countdown_left(&model), Some(Duration::seconds(30)));
    let cancelled = press(&mut model, "x");
    assert!(matches!(
        &cancelled[..],
        [Effect::Record(Event::AutoRollbackCancelled { .. })]
    ));
    assert!(model.countdown.is_none() && model.rollback.is_none());

    let mut model = release_model();
    auto(&mut model);
    fire(&mut model);
    assert!(
        tick(&mut model, 10)
            .iter()
            .all(|e| !matches!(e, Effect::Record(_)))
    );
    let started = tick(&mut model, 31);
    assert!(
        started.iter().any(|e| matches!(
            e,
            Effect::Record(Event::RollbackStarted {
                automatic: true,
                ..
            })
        )),
        "{started:?}"
    );
    assert_eq!(model.overlay, Some(Overlay::Rollback));

    // Read-only never arms it.
    let mut model = release_model();
    auto(&mut model);
    model.operator.read_only = true;
    fire(&mut model);
    assert!(model.countdown.is_none());
}

#[test]
fn a_components_target_counts_as_changed_by_the_components_version() {
    use crate::domain::versioning::repos::{Component, Repos};
    let mut model = release_model();
    // The release is 2026.12.0; its checkout component ships 2.4.0.
    model.repos = Repos {
        repos: Vec::new(),
        components: vec![Component {
            name: "checkout".into(),
            repo: 0,
            path: None,
            tag_format: "{component}-v{version}".into(),
            targets: vec!["shop".into()],
        }],
        templates: Default::default(),
    };
    let repos = model.repos.clone();
    model.rollout.group_by_components(&repos);
    let release = &mut model.release.as_mut().unwrap().checklist.release;
    release.version = semver::Version::new(2026, 12, 0);
    release
        .components
        .insert("checkout".into(), semver::Version::new(2, 4, 0));
    let wizard = new_wizard(&model).unwrap_or_else(|_| panic!("a wizard"));
    assert!(
        wizard.choices.iter().all(|c| c.candidate.changed),
        "checkout runs the release's 2.4.0: {:?}",
        wizard.choices
    );
}

/// The wizard's last stage: `s` shows the notice and where it goes, `y`
/// journals it as sending, and only then is it sent.
fn send_the_notice(model: &mut Model) {
    use crate::app::dialogs::confirm::{Action, Confirm};
    use crate::domain::comms::channel::{Channel, ChannelKind, Channels};
    model.channels = Channels {
        list: vec![Channel {
            name: "stakeholders".into(),
            kind: ChannelKind::Clipboard,
            timeout: std::time::Duration::from_secs(10),
            retries: 0,
        }],
        default: Some("stakeholders".into()),
    };
    assert!(press(model, "s").is_empty(), "it asks first");
    assert!(press(model, "n").is_empty(), "cancelled");
    assert_eq!(model.overlay, Some(Overlay::Rollback), "cancel: the wizard");
    assert!(press(model, "s").is_empty(), "it asks again");
    let Some(Overlay::Confirm(Confirm {
        action: Action::Notify(plan),
        ..
    })) = &model.overlay
    else {
        panic!("{:?} {:?}", model.overlay, model.notice)
    };
    assert_eq!(
        (plan.step.as_ref(), plan.message.about.as_str()),
        (None, "rollback")
    );
    assert_eq!(plan.message.text, "notice");
    let sending = press(model, "y");
    assert!(
        matches!(&sending[..], [Effect::Record(Event::MessageSending { about, channel, .. })] if about == "rollback" && channel == "stakeholders"),
        "{sending:?}"
    );
    assert_eq!(model.overlay, Some(Overlay::Rollback), "back to the wizard");
    let send = record(model, &sending[0]);
    assert!(
        matches!(&send[..], [Effect::SendMessage { step: None, message, .. }] if message.text == "notice"),
        "{send:?}"
    );
}
