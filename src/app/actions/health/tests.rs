use chrono::{DateTime, Duration, Utc};

use super::*;
use crate::app::fixture::{sample_health, sample_model_with_release};
use crate::app::{Msg, update};
use crate::domain::health::SignalReading;

fn firing_reading(at: DateTime<Utc>) -> Msg {
    Msg::Signal(SignalUpdate::Reading {
        signal: "error_rate".to_owned(),
        reading: SignalReading {
            at,
            value: Some(0.09),
            note: None,
            history: None,
            points_fetched: 0,
        },
    })
}

fn recorded(model: &Model, seq: u64, event: Event) -> Recorded {
    Recorded {
        seq,
        at: model.clock.now,
        operator: "alice".to_owned(),
        event,
    }
}

/// The sample release with the sample signals; error_rate pending (breached
/// for a minute, not yet the rule's two).
fn model() -> Model {
    let mut model = sample_model_with_release();
    let now = model.clock.now;
    model.health = crate::app::panes::health::HealthState::new(
        sample_health(now, 60)
            .signals
            .into_iter()
            .map(|s| s.signal)
            .collect(),
        Duration::hours(1),
    );
    update(&mut model, firing_reading(now - Duration::minutes(1)));
    model
}

#[test]
fn a_trigger_firing_rings_the_bell_and_is_journaled_once() {
    let mut model = model();
    let now = model.clock.now;
    let effects = update(&mut model, firing_reading(now + Duration::seconds(65)));
    let fired = effects
        .iter()
        .find_map(|e| match e {
            Effect::Record(event @ Event::TriggerFired { .. }) => Some(event.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no TriggerFired in {effects:?}"));
    assert_eq!(effects.first(), Some(&Effect::Bell));
    assert!(matches!(&fired, Event::TriggerFired { rule, .. } if rule == "error_rate > 5% for 2m"));
    assert_eq!(
        model.health.firing().len(),
        1,
        "the banner shows before the journal answers"
    );
    // Once durable, the same rule firing again (a restart) is not journaled again.
    let seq = model.release.as_ref().map_or(0, |r| r.checklist.last_seq) + 1;
    {
        let msg = Msg::Recorded(recorded(&model, seq, fired));
        update(&mut model, msg)
    };
    model.health = crate::app::panes::health::HealthState::new(
        model
            .health
            .signals
            .iter()
            .map(|s| s.signal.clone())
            .collect(),
        Duration::hours(1),
    );
    update(&mut model, firing_reading(now + Duration::seconds(70)));
    let again = update(&mut model, firing_reading(now + Duration::seconds(200)));
    assert_eq!(again, vec![Effect::Bell]);
}

#[test]
fn a_follower_sees_the_trigger_but_leaves_the_journal_to_the_writer() {
    let mut model = model();
    model.operator.following = Some("host/42".to_owned());
    let now = model.clock.now;
    let effects = update(&mut model, firing_reading(now + Duration::seconds(65)));
    assert_eq!(effects, vec![Effect::Bell]);
}

#[test]
fn a_deploy_takes_each_signals_baseline_from_the_window_before_it() {
    let mut model = sample_model_with_release();
    let now = model.clock.now;
    model.health = sample_health(now, 120);
    let requested = Event::DeployRequested {
        version: "2.4.0".to_owned(),
        targets: vec!["production/checkout".to_owned()],
        dry_run: false,
        step: None,
    };
    let effects = {
        let msg = Msg::Recorded(recorded(&model, 2, requested));
        update(&mut model, msg)
    };
    let baselines: Vec<_> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Record(Event::BaselineCaptured {
                signal,
                value,
                points,
                from,
                to,
            }) => Some((signal.clone(), *value, *points, *to - *from)),
            _ => None,
        })
        .collect();
    assert_eq!(baselines.len(), 5, "{effects:?}");
    let (name, value, points, window) = &baselines[2];
    assert_eq!(name, "cpu");
    assert_eq!(*window, Duration::minutes(30));
    assert!(*points >= 59, "half the hour's 120 points: {points}");
    let mean = value.map(|n| n.0).unwrap_or_default();
    assert!((0.35..0.45).contains(&mean), "{mean}");
    // A dry run takes none.
    let dry = Event::DeployRequested {
        version: "2.4.0".to_owned(),
        targets: Vec::new(),
        dry_run: true,
        step: None,
    };
    let effects = {
        let msg = Msg::Recorded(recorded(&model, 3, dry));
        update(&mut model, msg)
    };
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::Record(Event::BaselineCaptured { .. })))
    );
}

#[test]
fn a_journaled_baseline_is_what_the_rules_compare_with() {
    let mut model = sample_model_with_release();
    let now = model.clock.now;
    model.health = crate::app::panes::health::HealthState::new(
        sample_health(now, 10)
            .signals
            .into_iter()
            .map(|s| s.signal)
            .collect(),
        Duration::hours(1),
    );
    let baseline = Event::BaselineCaptured {
        signal: "p99".to_owned(),
        value: Some(Number(0.2)),
        from: now - Duration::minutes(30),
        to: now,
        points: 120,
    };
    {
        let msg = Msg::Recorded(recorded(&model, 2, baseline));
        update(&mut model, msg)
    };
    let p99 = |at: DateTime<Utc>, value: f64| {
        Msg::Signal(SignalUpdate::Reading {
            signal: "p99".to_owned(),
            reading: SignalReading {
                at,
                value: Some(value),
                note: None,
                history: None,
                points_fetched: 0,
            },
        })
    };
    update(&mut model, p99(now, 0.5));
    let effects = update(&mut model, p99(now + Duration::minutes(5), 0.5));
    assert!(
        effects.iter().any(|e| matches!(e, Effect::Record(Event::TriggerFired { rule, .. }) if rule == "p99 > 2x baseline for 5m")),
        "0.5 s is over twice the journaled 0.2 s: {effects:?}"
    );
}

mod external_rollouts {
    use super::*;
    use crate::app::fixture::sample_rollout;
    use crate::domain::rollout::RolloutUpdate;

    /// The sample release watching the sample rollout, with an hour of
    /// signal points held, and a snapshot whose `web` moved to `image`.
    fn moved(image: &str) -> (Model, Msg) {
        let mut model = sample_model_with_release();
        let now = model.clock.now;
        model.health = sample_health(now, 240);
        model.rollout = sample_rollout(now);
        let mut units = model.rollout.targets[0].units.clone();
        units[3].image = image.to_owned();
        let msg = Msg::Rollout(RolloutUpdate::Snapshot {
            target: "shop".to_owned(),
            units,
        });
        (model, msg)
    }

    #[test]
    fn a_rollout_the_journal_does_not_hold_is_journaled_with_baselines_from_the_held_series() {
        let (mut model, msg) = moved("registry.example.com/shop/web:2.4.1-hotfix");
        let effects = update(&mut model, msg);
        let Some(Effect::Record(Event::ExternalRolloutSeen { changes })) = effects.first() else {
            panic!("{effects:?}");
        };
        assert_eq!(
            changes,
            &[
                "production/web registry.example.com/shop/web:2.3.1 -> registry.example.com/shop/web:2.4.1-hotfix"
            ]
        );
        let error_rate = effects.iter().find_map(|e| match e {
            Effect::Record(Event::BaselineCaptured {
                signal,
                value,
                points,
                ..
            }) if signal == "error_rate" => Some((*value, *points)),
            _ => None,
        });
        let (value, points) = error_rate.unwrap_or_else(|| panic!("no baseline: {effects:?}"));
        assert!(points > 0, "taken from the points held before the rollout");
        assert!(
            value.is_some_and(|v| v.0 > 0.0 && v.0 < 0.1),
            "the level before: {value:?}"
        );
    }

    #[test]
    fn the_cockpits_own_deploy_is_not_taken_for_someone_elses() {
        let (mut model, msg) = moved("registry.example.com/shop/web:2.4.0");
        let now = model.clock.now;
        if let Some(view) = model.release.as_mut() {
            view.checklist.apply(&Recorded {
                seq: 2,
                at: now,
                operator: "alice".to_owned(),
                event: Event::DeployRequested {
                    version: "2.4.0".to_owned(),
                    targets: vec![
                        "production/web web=registry.example.com/shop/web:2.4.0".to_owned(),
                    ],
                    dry_run: false,
                    step: None,
                },
            });
            view.checklist.apply(&Recorded {
                seq: 3,
                at: now,
                operator: "alice".to_owned(),
                event: Event::DeployFinished {
                    ok: true,
                    results: Vec::new(),
                },
            });
        }
        let effects = update(&mut model, msg);
        assert!(
            !effects
                .iter()
                .any(|e| matches!(e, Effect::Record(Event::ExternalRolloutSeen { .. }))),
            "{effects:?}"
        );
    }

    #[test]
    fn a_follower_journals_nothing() {
        let (mut model, msg) = moved("registry.example.com/shop/web:2.4.1-hotfix");
        model.operator.following = Some("host/1".to_owned());
        assert!(update(&mut model, msg).is_empty());
    }

    #[test]
    fn a_rollout_already_under_way_at_start_up_is_seen_on_the_first_snapshot() {
        let mut model = sample_model_with_release();
        let now = model.clock.now;
        model.health = sample_health(now, 240);
        let units = sample_rollout(now).targets[0].units.clone();
        model.rollout = crate::app::panes::rollout::RolloutState::new([
            crate::app::panes::rollout::TargetSpec::named("shop"),
        ]);
        let effects = update(
            &mut model,
            Msg::Rollout(RolloutUpdate::Snapshot {
                target: "shop".to_owned(),
                units,
            }),
        );
        let Some(Effect::Record(Event::ExternalRolloutSeen { changes })) = effects.first() else {
            panic!("{effects:?}");
        };
        // checkout is rolling from 2.3.1; the others are done, failed or paused.
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert!(changes[0].starts_with("production/checkout"), "{changes:?}");
    }
}

fn reading(at: DateTime<Utc>, value: f64) -> Msg {
    Msg::Signal(SignalUpdate::Reading {
        signal: "error_rate".to_owned(),
        reading: SignalReading {
            at,
            value: Some(value),
            note: None,
            history: None,
            points_fetched: 0,
        },
    })
}

/// Journals each `Record` as the runtime would; returns the rest.
fn journal(model: &mut Model, effects: Vec<Effect>) -> Vec<Effect> {
    let mut rest = Vec::new();
    for effect in effects {
        match effect {
            Effect::Record(event) => {
                let seq = model.release.as_ref().map_or(0, |r| r.checklist.last_seq) + 1;
                let msg = Msg::Recorded(recorded(model, seq, event));
                let more = update(model, msg);
                rest.extend(journal(model, more));
            }
            other => rest.push(other),
        }
    }
    rest
}

fn sending(effects: &[Effect]) -> Vec<(String, String, String)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::SendMessage {
                step: None,
                channel,
                message,
                ..
            } => Some((
                message.about.clone(),
                channel.name.clone(),
                message.text.clone(),
            )),
            _ => None,
        })
        .collect()
}

/// Each message sent as the runtime would, with `ok` as its outcome,
/// journaled; returns what was sent.
fn deliver(model: &mut Model, effects: Vec<Effect>, ok: bool) -> Vec<(String, String, String)> {
    let rest = journal(model, effects);
    let sent = sending(&rest);
    for effect in rest {
        if let Effect::SendMessage {
            step: None,
            channel,
            message,
            ..
        } = effect
        {
            let outcome = Event::MessageSent {
                key: message.key.clone(),
                channel: channel.name.clone(),
                ok,
                summary: if ok { "sent" } else { "not sent: 503" }.to_owned(),
            };
            journal(model, vec![Effect::Record(outcome)]);
        }
    }
    sent
}

fn routed_model() -> Model {
    use crate::domain::comms::channel::{Channel, ChannelKind, Channels};
    use crate::domain::comms::routes::{AlertRoutes, Level};
    let mut model = sample_model_with_release();
    let now = model.clock.now;
    model.health = crate::app::panes::health::HealthState::new(
        sample_health(now, 60)
            .signals
            .into_iter()
            .map(|s| s.signal)
            .collect(),
        Duration::hours(1),
    );
    let channel = |name: &str| Channel {
        name: name.into(),
        kind: ChannelKind::Clipboard,
        timeout: std::time::Duration::from_secs(10),
        retries: 0,
    };
    model.channels = Channels {
        list: vec![channel("ops"), channel("pager")],
        default: None,
    };
    let mut routes = AlertRoutes::default();
    let levels = routes.by_signal.entry("error_rate".into()).or_default();
    levels.insert(Level::Warn, "ops".into());
    levels.insert(Level::Critical, "pager".into());
    model.alert_routes = routes;
    model
}

/// A restart: the pane's rules start afresh and are restored from the
/// journal, as when the release opens.
fn restart(model: &mut Model) {
    model.health = crate::app::panes::health::HealthState::new(
        model
            .health
            .signals
            .iter()
            .map(|s| s.signal.clone())
            .collect(),
        Duration::hours(1),
    );
    if let Some(view) = model.release.as_mut() {
        view.pending_messages.clear();
    }
    crate::app::actions::rollback::release_opened(model);
}

#[test]
fn a_warning_and_a_firing_go_to_their_channels_once_each_and_the_clearing_after() {
    let mut model = routed_model();
    let now = model.clock.now;

    let effects = update(&mut model, reading(now - Duration::minutes(1), 0.09));
    let sent = deliver(&mut model, effects, true);
    assert_eq!(sent.len(), 1, "{sent:?}");
    let (about, channel, text) = &sent[0];
    assert_eq!(
        (about.as_str(), channel.as_str()),
        ("warn:error_rate", "ops")
    );
    assert!(
        text.starts_with("**Warning: error_rate** during minor 2.4.0"),
        "{text}"
    );
    assert!(text.contains("error_rate > 1%: 9.00% now"), "{text}");

    // Still over the warn rule: nothing more to say; the critical one fires.
    let effects = update(&mut model, reading(now + Duration::seconds(65), 0.09));
    let sent = deliver(&mut model, effects, true);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(
        (sent[0].0.as_str(), sent[0].1.as_str()),
        ("critical:error_rate", "pager")
    );
    assert!(
        sent[0].2.starts_with("**Critical: error_rate**"),
        "{}",
        sent[0].2
    );

    // A restart replays the breach: the journal has both said already.
    restart(&mut model);
    let effects = update(&mut model, reading(now + Duration::seconds(70), 0.09));
    assert!(deliver(&mut model, effects, true).is_empty());

    // Back under both for long enough: each says it cleared, once.
    let mut cleared = Vec::new();
    for s in (80..2000).step_by(30) {
        let effects = update(&mut model, reading(now + Duration::seconds(s), 0.001));
        cleared.extend(deliver(&mut model, effects, true));
    }
    let abouts: Vec<&str> = cleared.iter().map(|(a, _, _)| a.as_str()).collect();
    assert_eq!(abouts.len(), 2, "{cleared:?}");
    assert!(abouts.contains(&"warn:error_rate") && abouts.contains(&"critical:error_rate"));
    assert!(
        cleared
            .iter()
            .all(|(_, _, t)| t.starts_with("**Cleared: error_rate**"))
    );
}

#[test]
fn a_warning_that_cleared_while_the_cockpit_was_down_is_said_cleared_after_the_restart() {
    let mut model = routed_model();
    let now = model.clock.now;
    let effects = update(&mut model, reading(now, 0.02));
    assert_eq!(deliver(&mut model, effects, true).len(), 1);

    restart(&mut model);
    // Within limits when it comes back: the restored rule clears through
    // its hysteresis, so not on the first reading.
    let effects = update(&mut model, reading(now + Duration::seconds(30), 0.001));
    assert!(deliver(&mut model, effects, true).is_empty());
    let mut cleared = Vec::new();
    for s in (60..1200).step_by(30) {
        let effects = update(&mut model, reading(now + Duration::seconds(s), 0.001));
        cleared.extend(deliver(&mut model, effects, true));
    }
    assert_eq!(cleared.len(), 1, "{cleared:?}");
    assert!(cleared[0].2.starts_with("**Cleared"), "{cleared:?}");

    // The next warning is a warning again, not a clearing.
    let effects = update(&mut model, reading(now + Duration::seconds(1300), 0.02));
    let again = deliver(&mut model, effects, true);
    assert_eq!(again.len(), 1, "{again:?}");
    assert!(again[0].2.starts_with("**Warning"), "{again:?}");
}

#[test]
fn a_warning_that_failed_is_tried_again_under_its_key_a_few_times_and_never_said_cleared() {
    let mut model = routed_model();
    let now = model.clock.now;
    let keys = |model: &Model| -> Vec<String> {
        model
            .release
            .as_ref()
            .unwrap()
            .checklist
            .messages
            .iter()
            .map(|m| m.key.clone())
            .collect()
    };
    let effects = update(&mut model, reading(now, 0.02));
    assert_eq!(deliver(&mut model, effects, false).len(), 1);
    // Within a minute: not yet.
    let effects = update(&mut model, reading(now + Duration::seconds(30), 0.02));
    assert!(deliver(&mut model, effects, false).is_empty());
    let mut tries = 1;
    for s in (90..1000).step_by(60) {
        let effects = update(&mut model, reading(now + Duration::seconds(s), 0.02));
        tries += deliver(&mut model, effects, false).len();
    }
    assert_eq!(tries, 5, "tried five times in all");
    let keys = keys(&model);
    assert!(keys.windows(2).all(|k| k[0] == k[1]), "one key: {keys:?}");

    // It clears: nothing was said, so nothing is said cleared.
    for s in (1000..3000).step_by(30) {
        let effects = update(&mut model, reading(now + Duration::seconds(s), 0.001));
        assert!(deliver(&mut model, effects, true).is_empty());
    }
}
