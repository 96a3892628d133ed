use chrono::{Duration, TimeZone, Utc};

use super::*;
use crate::domain::checklist::Outcome;
use crate::domain::release::ReleaseType;

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
}

fn release(id: &str, kind: ReleaseType, deployed: Option<DateTime<Utc>>) -> ReleaseFacts {
    ReleaseFacts {
        id: id.into(),
        kind,
        version: "2.4.0".into(),
        t0: deployed.unwrap_or_else(|| at(30, 10)),
        duration: None,
        incidents: 0,
        outcome: match deployed {
            Some(at) => Outcome::Released { at },
            None => Outcome::Upcoming,
        },
        deployed,
        lead_times: Vec::new(),
        rolled_back: None,
        time_to_restore: None,
        deploy_durations: Vec::new(),
    }
}

fn target(at_most: bool, value: f64, text: &str) -> Option<Target> {
    Some(Target {
        at_most,
        value,
        text: text.into(),
    })
}

#[test]
fn four_weeks_of_releases_one_rolled_back_and_one_hotfixed() {
    let mut a = release("a", ReleaseType::Minor, Some(at(2, 10)));
    a.lead_times = vec![
        Duration::hours(10),
        Duration::hours(30),
        Duration::hours(50),
    ];
    a.deploy_durations = vec![Duration::minutes(6)];
    let mut b = release("b", ReleaseType::Minor, Some(at(9, 10)));
    b.outcome = Outcome::RolledBack { at: at(9, 11) };
    b.rolled_back = Some(at(9, 11));
    b.time_to_restore = Some(Duration::minutes(18));
    b.lead_times = vec![Duration::hours(20)];
    let c = release("c", ReleaseType::Minor, Some(at(16, 10)));
    // c is fixed two days later; d, a week after that, is not c's fix.
    let fix = release("c-fix", ReleaseType::Hotfix, Some(at(18, 9)));
    let late = release("late-fix", ReleaseType::Hotfix, Some(at(27, 9)));
    let upcoming = release("next", ReleaseType::Minor, None);
    let settings = DeliverySettings {
        lead_time: target(true, 24.0, "24h"),
        change_failure_rate: target(true, 5.0, "5%"),
        time_to_restore: target(true, 60.0, "1h"),
        deployment_frequency: target(false, 1.0, "1/week"),
        ..DeliverySettings::default()
    };
    let all = [a, b, c, fix, late, upcoming];
    let f = figures(&all, &settings, at(2, 0), at(30, 0));

    assert_eq!(f.deployment_frequency.value, Some(1.25), "5 in 4 weeks");
    assert_eq!(f.deployment_frequency.met, Some(true));
    assert_eq!(
        f.deployment_frequency.releases,
        ["a", "b", "c", "c-fix", "late-fix"]
    );
    assert_eq!(
        f.lead_time.value,
        Some(20.0),
        "the lower middle of 10, 20, 30, 50"
    );
    assert_eq!(f.lead_time.met, Some(true));
    assert_eq!(f.change_failure_rate.releases, ["b", "c"]);
    assert_eq!(f.change_failure_rate.value, Some(40.0));
    assert_eq!(f.change_failure_rate.met, Some(false));
    assert_eq!(f.time_to_restore.value, Some(18.0));
    assert_eq!(f.time_to_restore.releases, ["b"]);
    assert_eq!(f.rollback_rate.value, Some(20.0));
    assert_eq!(f.deployment_duration.value, Some(6.0));
    assert_eq!(
        f.release_frequency.releases,
        ["a", "c", "c-fix", "late-fix"]
    );
    assert_eq!(f.frequency_by_type.get("hotfix"), Some(&0.5));
    assert_eq!(f.weeks.len(), 4);
    assert_eq!(
        f.weeks
            .iter()
            .map(|w| (w.deploys, w.failures))
            .collect::<Vec<_>>(),
        [(1, 0), (1, 1), (2, 1), (1, 0)]
    );
}

#[test]
fn an_empty_window_measures_nothing_and_meets_nothing() {
    let f = figures(&[], &DeliverySettings::default(), at(1, 0), at(29, 0));
    assert_eq!(f.deployment_frequency.value, Some(0.0));
    assert_eq!(f.lead_time.value, None);
    assert_eq!(f.change_failure_rate.value, None);
    assert_eq!(f.change_failure_rate.met, None);
}
