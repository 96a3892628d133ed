//! Every exit code of `status`, from reports as `gather` builds them.

use chrono::{Duration, Utc};

use super::*;
use crate::app::fixture::sample_rollout;
use crate::app::panes::rollout::Stale;
use crate::domain::health::{SignalReading, SignalUpdate};

/// Three signals read just now: `error_rate` (warn > 1%, critical > 5% for
/// 2m), `p99` (warn > 500ms, critical > 2x baseline) and `cpu`; one target
/// with every Deployment complete.
fn report(values: [f64; 3]) -> Report {
    let now = Utc::now();
    let health = crate::app::fixture::sample_health(now, 2);
    let signals: Vec<_> = health
        .signals
        .iter()
        .take(3)
        .map(|s| s.signal.clone())
        .collect();
    let mut health = HealthState::new(signals, Duration::hours(1));
    for (name, value) in ["error_rate", "p99", "cpu"].into_iter().zip(values) {
        health.apply(
            SignalUpdate::Reading {
                signal: name.to_owned(),
                reading: SignalReading {
                    at: now,
                    value: Some(value),
                    note: None,
                    history: None,
                    points_fetched: 0,
                },
            },
            |_| Some(0.25),
            now,
        );
    }
    let mut units = sample_rollout(now).targets[0].units.clone();
    for d in &mut units {
        d.phase = RolloutPhase::Complete;
    }
    Report {
        targets: vec![RolloutUpdate::Snapshot {
            target: "shop".into(),
            units,
        }],
        health,
        baselines: BTreeMap::from([("p99".to_owned(), 0.25)]),
        deployed: true,
    }
}

const CALM: [f64; 3] = [0.001, 0.2, 0.3];

#[test]
fn healthy_is_0() {
    let report = report(CALM);
    assert_eq!(exit_code(&report, true), EXIT_HEALTHY);
    assert!(
        text(&report).contains("error_rate: 0.10% ok"),
        "{}",
        text(&report)
    );
}

#[test]
fn a_value_over_its_warn_rule_is_a_warning_and_3() {
    let report = report([0.02, 0.2, 0.3]);
    assert_eq!(exit_code(&report, true), EXIT_WARNING);
    assert_eq!(
        exit_code(&report, false),
        EXIT_HEALTHY,
        "only --strict counts it"
    );
    assert!(
        text(&report).contains("error_rate: 2.00% warning"),
        "{}",
        text(&report)
    );
}

#[test]
fn a_baseline_rule_with_no_baseline_after_a_deploy_is_a_warning_and_3() {
    let mut report = report(CALM);
    report.baselines.clear();
    assert_eq!(exit_code(&report, true), EXIT_WARNING);
    assert!(
        text(&report).contains("p99: 200 ms no baseline"),
        "{}",
        text(&report)
    );
    report.deployed = false;
    assert_eq!(
        exit_code(&report, true),
        EXIT_HEALTHY,
        "nothing to compare with yet"
    );
}

#[test]
fn a_breached_critical_rule_is_1() {
    let report = report([0.07, 0.2, 0.3]);
    assert_eq!(exit_code(&report, true), EXIT_FIRING);
    assert!(
        text(&report).contains("error_rate: 7.00% breached"),
        "{}",
        text(&report)
    );
}

#[test]
fn a_failed_rollout_is_1() {
    let mut report = report(CALM);
    if let RolloutUpdate::Snapshot { units, .. } = &mut report.targets[0] {
        units[2].phase = RolloutPhase::Failed;
    }
    assert_eq!(exit_code(&report, true), EXIT_FIRING);
}

#[test]
fn an_unreachable_target_is_2() {
    let mut report = report(CALM);
    report.targets.push(RolloutUpdate::Stale {
        target: "edge".into(),
        error: "connection refused".into(),
    });
    assert_eq!(exit_code(&report, true), EXIT_ERROR);
}

#[test]
fn a_signal_with_no_value_or_a_failed_source_is_2() {
    let mut report = report(CALM);
    report.health.signals[2].value = None;
    assert_eq!(
        exit_code(&report, true),
        EXIT_ERROR,
        "unknown is not healthy"
    );
    let mut report = self::report(CALM);
    report.health.signals[2].stale = Some(Stale {
        since: Utc::now(),
        error: "connection refused".into(),
    });
    assert_eq!(exit_code(&report, true), EXIT_ERROR);
    assert!(
        text(&report).contains("cpu: 30.0% error"),
        "{}",
        text(&report)
    );
}

#[test]
fn the_worst_wins_firing_over_unreadable_over_warning() {
    let mut report = report([0.07, 0.2, 0.3]);
    report.targets.push(RolloutUpdate::Stale {
        target: "edge".into(),
        error: "connection refused".into(),
    });
    assert_eq!(exit_code(&report, true), EXIT_FIRING);
    let json: serde_json::Value = serde_json::from_str(&json(&report, true)).unwrap();
    assert_eq!(json["exit_code"], EXIT_FIRING);
    assert_eq!(json["healthy"], false);
}
