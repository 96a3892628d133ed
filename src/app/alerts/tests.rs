use chrono::{Duration, TimeZone, Utc};

use super::*;
use crate::app::fixture::{sample_health, sample_rollout};
use crate::app::panes::rollout::Stale;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 16, 40, 0).unwrap()
}

/// The sample's five signals, all read just now and calm: each test then
/// puts the ones it is about into the state it is about.
fn calm() -> HealthState {
    let now = now();
    let mut health = sample_health(now, 2);
    for s in &mut health.signals {
        s.stale = None;
        s.received = Some(now);
        s.value = Some(0.1);
        for t in [&mut s.warn, &mut s.critical].into_iter().flatten() {
            t.state = TriggerState::Ok;
        }
    }
    health
}

fn set(health: &mut HealthState, name: &str, f: impl FnOnce(&mut SignalState)) {
    let s = health.signals.iter_mut().find(|s| s.signal.name == name);
    f(s.unwrap_or_else(|| panic!("no signal {name}")));
}

fn state(t: &mut Option<Trigger>, state: TriggerState) {
    if let Some(t) = t.as_mut() {
        t.state = state;
    }
}

fn count(health: &HealthState, rollout: &RolloutState) -> Alerts {
    Alerts::count(health, rollout, |_| Some(0.25), true, now())
}

#[test]
fn two_breached_signals_are_two_breaches_not_one_warning() {
    let mut health = calm();
    let since = now() - Duration::seconds(30);
    set(&mut health, "cpu", |s| {
        state(&mut s.critical, TriggerState::Pending { since })
    });
    set(&mut health, "queue_depth", |s| {
        state(&mut s.critical, TriggerState::Pending { since })
    });
    let alerts = count(&health, &RolloutState::default());
    assert_eq!(alerts.breached, 2);
    assert_eq!(
        alerts.parts(),
        [("2 BREACHED".to_owned(), Severity::Critical)]
    );
}

#[test]
fn every_source_stale_is_never_no_alerts() {
    let mut health = calm();
    for s in &mut health.signals {
        s.stale = Some(Stale {
            since: now(),
            error: "timed out".into(),
        });
    }
    let alerts = count(&health, &RolloutState::default());
    assert_eq!(alerts.stale, 5);
    assert_eq!(alerts.parts(), [("5 STALE".to_owned(), Severity::Stale)]);
}

#[test]
fn silence_is_stale_a_value_older_than_three_intervals() {
    let mut health = calm();
    set(&mut health, "cpu", |s| {
        s.received = Some(now() - Duration::seconds(46))
    });
    assert_eq!(count(&health, &RolloutState::default()).stale, 1);
}

#[test]
fn a_firing_rule_on_a_stale_signal_counts_as_both() {
    let mut health = calm();
    set(&mut health, "error_rate", |s| {
        state(
            &mut s.critical,
            TriggerState::Firing {
                since: now(),
                value: 0.07,
            },
        );
        s.stale = Some(Stale {
            since: now(),
            error: "timed out".into(),
        });
    });
    let alerts = count(&health, &RolloutState::default());
    assert_eq!((alerts.firing, alerts.stale), (1, 1));
}

#[test]
fn failed_rollouts_and_stale_targets_are_counted() {
    let rollout = sample_rollout(now());
    let alerts = count(&calm(), &rollout);
    assert_eq!(alerts.failed_rollouts, 1, "search exceeded its deadline");
    assert_eq!(alerts.stale, 1, "the edge target");
}

#[test]
fn a_value_over_its_warn_rule_is_a_warning_and_a_baseline_rule_without_one_is_too() {
    let mut health = calm();
    set(&mut health, "p99", |s| {
        state(&mut s.warn, TriggerState::Pending { since: now() })
    });
    let p99 = |h: &HealthState| h.signals.iter().find(|s| s.signal.name == "p99").cloned();
    let shown = p99(&health).unwrap();
    assert_eq!(shown.condition(Some(0.25), true, now()), Condition::Warning);
    assert_eq!(count(&health, &RolloutState::default()).warnings, 1);

    set(&mut health, "p99", |s| state(&mut s.warn, TriggerState::Ok));
    let shown = p99(&health).unwrap();
    assert_eq!(
        shown.condition(None, true, now()),
        Condition::NoBaseline,
        "after a deploy with no baseline the rule cannot say ok"
    );
    assert_eq!(
        shown.condition(None, false, now()),
        Condition::Ok,
        "before any deploy there is nothing to compare with"
    );
    assert_eq!(
        Alerts::count(&health, &RolloutState::default(), |_| None, true, now()).warnings,
        1
    );
}

#[test]
fn a_source_with_no_number_is_counted_as_status_counts_it() {
    let mut health = calm();
    set(&mut health, "cpu", |s| s.value = None);
    let alerts = count(&health, &RolloutState::default());
    assert_eq!(alerts.parts(), [("1 NO VALUE".to_owned(), Severity::Stale)]);
}
