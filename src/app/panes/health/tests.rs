use chrono::{DateTime, Duration, Utc};

use super::*;
use crate::domain::health::{Signal, SignalReading, SignalUpdate, Source, Unit, parse_measure};
use crate::domain::policy::parse_rule;

fn at(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap_or_default()
}

fn signal(name: &str, critical: &str) -> Signal {
    Signal {
        name: name.to_owned(),
        unit: Unit::Ratio,
        source: Source::Scrape {
            url: "http://127.0.0.1:1/metrics".to_owned(),
            measure: parse_measure("ratio(req{code=\"5*\"}, req)").unwrap(),
        },
        interval: Duration::seconds(10),
        warn: Some(parse_rule(&format!("{name} > 1%")).unwrap()),
        critical: Some(parse_rule(&format!("{name} {critical}")).unwrap()),
        baseline_window: Duration::minutes(30),
    }
}

fn reading(name: &str, seconds: i64, value: f64) -> SignalUpdate {
    SignalUpdate::Reading {
        signal: name.to_owned(),
        reading: SignalReading {
            at: at(seconds),
            value: Some(value),
            note: None,
            history: None,
            points_fetched: 0,
        },
    }
}

fn no_baseline(_: &str) -> Option<f64> {
    None
}

#[test]
fn a_breach_held_for_its_duration_fires_once_and_clears_after_the_calm() {
    let mut view = HealthState::new(vec![signal("errors", "> 5% for 1m")], Duration::hours(1));
    assert_eq!(
        view.apply(reading("errors", 0, 0.07), no_baseline, at(0)),
        None
    );
    assert_eq!(view.signals[0].level(), 1, "over the warn rule at once");
    assert_eq!(
        view.apply(reading("errors", 30, 0.08), no_baseline, at(30)),
        None
    );
    let fired = view.apply(reading("errors", 60, 0.09), no_baseline, at(60));
    assert_eq!(
        fired,
        Some(RuleChange::Fired(Firing {
            rule: "errors > 5% for 1m".to_owned(),
            signal: "errors".to_owned(),
            value: 0.09,
            since: at(60),
        }))
    );
    assert_eq!(view.firing().len(), 1);
    assert_eq!(
        view.apply(reading("errors", 70, 0.09), no_baseline, at(70)),
        None,
        "fires once"
    );
    for s in [80, 100, 120] {
        assert_eq!(
            view.apply(reading("errors", s, 0.001), no_baseline, at(s)),
            None
        );
    }
    assert_eq!(view.firing().len(), 1, "still shown while clearing");
    assert_eq!(
        view.apply(reading("errors", 140, 0.001), no_baseline, at(140)),
        Some(RuleChange::Cleared {
            rule: "errors > 5% for 1m".to_owned(),
            signal: "errors".to_owned()
        })
    );
    assert!(view.firing().is_empty());
}

#[test]
fn a_failed_poll_keeps_the_last_value_and_marks_it_stale_from_its_first_failure() {
    let mut view = HealthState::new(vec![signal("errors", "> 5%")], Duration::hours(1));
    view.apply(reading("errors", 0, 0.02), no_baseline, at(0));
    let failed = |s: i64| SignalUpdate::Failed {
        signal: "errors".to_owned(),
        at: at(s),
        error: "connection refused".to_owned(),
    };
    view.apply(failed(10), no_baseline, at(10));
    view.apply(failed(20), no_baseline, at(20));
    let s = &view.signals[0];
    assert_eq!(s.value, Some(0.02), "the last good value stays");
    assert_eq!(s.stale.as_ref().map(|st| st.since), Some(at(10)));
    assert!(
        s.is_late(at(31)) && !s.is_late(at(29)),
        "three intervals after the last value"
    );
    assert_eq!(view.next_change(at(5)), Some(at(30)));
    view.apply(reading("errors", 40, 0.02), no_baseline, at(40));
    assert!(view.signals[0].stale.is_none());
}

#[test]
fn a_baseline_rule_waits_for_a_baseline() {
    let mut view = HealthState::new(vec![signal("p99", "> 2x baseline")], Duration::hours(1));
    assert_eq!(view.apply(reading("p99", 0, 0.9), no_baseline, at(0)), None);
    let fired = view.apply(reading("p99", 10, 0.9), |_| Some(0.3), at(10));
    assert!(matches!(fired, Some(RuleChange::Fired(_))));
}

#[test]
fn history_on_the_first_reading_restores_a_breach_that_was_already_holding() {
    let mut view = HealthState::new(vec![signal("errors", "> 5% for 2m")], Duration::hours(1));
    let history: Vec<_> = (0..10)
        .map(|i| (at(i * 15), if i >= 2 { 0.08 } else { 0.01 }))
        .collect();
    let update = SignalUpdate::Reading {
        signal: "errors".to_owned(),
        reading: SignalReading {
            at: at(150),
            value: Some(0.08),
            note: None,
            history: Some(history),
            points_fetched: 10,
        },
    };
    // Breached from 30 s on; 2 minutes later (150 s) the rule fires.
    let fired = view.apply(update, no_baseline, at(150));
    assert!(
        matches!(fired, Some(RuleChange::Fired(Firing { since, .. })) if since == at(150)),
        "{fired:?}"
    );
    assert_eq!(
        view.signals[0].points.len(),
        11,
        "the history's 10 points and the value at 150 s"
    );
    assert_eq!(view.signals[0].points_fetched, 10);
}

#[test]
fn readings_for_unknown_signals_change_nothing() {
    let mut view = HealthState::new(vec![signal("errors", "> 5%")], Duration::hours(1));
    let before = view.clone();
    assert_eq!(
        view.apply(reading("other", 0, 0.9), no_baseline, at(0)),
        None
    );
    assert_eq!(view, before);
}
