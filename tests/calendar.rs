//! The calendar as a whole: property tests over random trains (every
//! occurrence matches its rule, freezes come before T-0, windows after), the
//! .ics export parsed back, and the `calendar` command on the demo config.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly by design.

use std::process::Command;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use icalendar::{CalendarComponent, CalendarDateTime, Component, DatePerhapsTime};
use proptest::prelude::*;

use release_cockpit::cli;
use release_cockpit::domain::calendar::{
    Blackout, BlackoutPolicy, Cadence, Calendar, Status, Train,
};
use release_cockpit::domain::events::{Event, Recorded};
use release_cockpit::domain::release::ReleaseType;

const ZONES: [chrono_tz::Tz; 4] = [
    chrono_tz::America::Los_Angeles,
    chrono_tz::Europe::Berlin,
    chrono_tz::Australia::Sydney,
    chrono_tz::UTC,
];
const DAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

fn train(zone: chrono_tz::Tz, rule: &str, hour: u32, freeze_days: i64, window_hours: i64) -> Train {
    let start = NaiveDate::from_ymd_opt(2026, 1, 5)
        .unwrap()
        .and_hms_opt(hour, 30, 0)
        .unwrap();
    Train {
        name: "t".into(),
        kind: ReleaseType::Minor,
        playbook: None,
        zone,
        cadence: Cadence::new(rule, start, zone).unwrap(),
        freeze: Some(format!("T-{freeze_days}d").parse().unwrap()),
        announce: Some("T-3d".parse().unwrap()),
        notice: None,
        window: Some(Duration::hours(window_hours)),
        merge_freeze: true,
        on_blackout: BlackoutPolicy::NextWorkingDay,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn occurrences_follow_the_rule_and_dates_sit_around_t0(
        zone in 0..ZONES.len(),
        day in 0..DAYS.len(),
        interval in 1u16..4,
        monthly in any::<bool>(),
        hour in 4u32..20,
        freeze_days in 0i64..15,
        window_hours in 1i64..7,
        start_day in 0i64..700,
        with_blackout in any::<bool>(),
    ) {
        let rule = if monthly {
            format!("FREQ=MONTHLY;INTERVAL={interval};BYDAY=1{}", DAYS[day])
        } else {
            format!("FREQ=WEEKLY;INTERVAL={interval};BYDAY={}", DAYS[day])
        };
        let train = train(ZONES[zone], &rule, hour, freeze_days, window_hours);
        let from = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + Duration::days(start_day);
        let to = from + Duration::days(120);
        let blackouts = if with_blackout {
            let first = (from + Duration::days(30)).date_naive();
            vec![Blackout { name: "b".into(), first, last: first + Duration::days(9), trains: vec![] }]
        } else {
            vec![]
        };
        let calendar = Calendar { trains: vec![train.clone()], blackouts: blackouts.clone(), ..Calendar::default() };
        let found = calendar.occurrences(from, to);
        prop_assert!(!found.is_empty());
        for o in &found {
            prop_assert!(train.cadence.contains(o.scheduled), "{} is not a rule date", o.scheduled);
            prop_assert!((from..to).contains(&o.t0));
            match &o.status {
                Status::Scheduled => prop_assert_eq!(o.t0, o.scheduled),
                Status::MovedOffBlackout { .. } => {
                    prop_assert!(o.t0 > o.scheduled);
                    prop_assert!(!blackouts[0].covers("t", o.t0_local().date_naive()));
                    prop_assert_eq!(o.t0_local().time(), o.scheduled.with_timezone(&o.zone).time());
                }
                other => prop_assert!(false, "unexpected {other:?}"),
            }
            let freeze = o.freeze.unwrap();
            prop_assert!(freeze <= o.t0);
            // Whole days on the train's own clock: same wall-clock time.
            prop_assert_eq!(freeze.with_timezone(&o.zone).time(), o.t0_local().time());
            prop_assert!(o.window_end.unwrap() > o.t0);
            prop_assert_eq!(o.window_end.unwrap() - o.t0, Duration::hours(window_hours));
        }
    }
}

fn demo_like() -> Calendar {
    let modules = train(
        chrono_tz::America::Los_Angeles,
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
        10,
        2,
        1,
    );
    Calendar {
        trains: vec![Train {
            name: "modules".into(),
            ..modules
        }],
        ..Calendar::default()
    }
}

/// uid, summary, start, end, status
type IcsEvent = (String, String, DateTime<Utc>, DateTime<Utc>, String);

fn parse_ics(text: &str) -> Vec<IcsEvent> {
    let parsed: icalendar::Calendar = text.parse().expect("the export parses as iCalendar");
    let utc = |d: Option<DatePerhapsTime>| match d {
        Some(DatePerhapsTime::DateTime(CalendarDateTime::Utc(t))) => t,
        other => panic!("expected a date-time, got {other:?}"),
    };
    parsed
        .components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some((
                e.get_uid().unwrap().to_owned(),
                e.get_summary().unwrap().to_owned(),
                utc(e.get_start()),
                utc(e.get_end()),
                format!("{:?}", e.get_status()),
            )),
            _ => None,
        })
        .collect()
}

#[test]
fn ics_export_parses_back_to_the_same_events_and_a_postponement_keeps_its_uid() {
    let mut calendar = demo_like();
    let from = Utc.with_ymd_and_hms(2026, 11, 20, 0, 0, 0).unwrap();
    let to = Utc.with_ymd_and_hms(2026, 12, 31, 0, 0, 0).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 21, 12, 0, 0).unwrap();
    let occurrences = calendar.occurrences(from, to);
    let events = parse_ics(&cli::calendar::ics(&calendar, &occurrences, now));
    assert_eq!(
        events.len(),
        occurrences.len() * 3,
        "release, freeze, announcement each"
    );
    let release = events
        .iter()
        .find(|e| e.0 == "modules-20261208T1830Z-release@release-cockpit")
        .expect("the 8 Dec release");
    assert_eq!(release.1, "modules minor release");
    assert_eq!(
        release.2,
        Utc.with_ymd_and_hms(2026, 12, 8, 18, 30, 0).unwrap()
    );
    assert_eq!(
        release.3,
        Utc.with_ymd_and_hms(2026, 12, 8, 19, 30, 0).unwrap()
    );
    let freeze = events
        .iter()
        .find(|e| e.0 == "modules-20261208T1830Z-freeze@release-cockpit")
        .unwrap();
    assert_eq!(
        (freeze.2, freeze.3),
        (
            Utc.with_ymd_and_hms(2026, 12, 6, 18, 30, 0).unwrap(),
            release.2
        )
    );

    // Postpone 8 Dec by two days and skip 22 Dec: same UIDs, new times, cancelled.
    let at = |seq, event| Recorded {
        seq,
        at: now,
        operator: "carol".into(),
        event,
    };
    calendar.changes.apply(&at(
        1,
        Event::OccurrencePostponed {
            train: "modules".into(),
            scheduled: release.2,
            to: release.2 + Duration::days(2),
            reason: "fix".into(),
        },
    ));
    calendar.changes.apply(&at(
        2,
        Event::OccurrenceSkipped {
            train: "modules".into(),
            scheduled: Utc.with_ymd_and_hms(2026, 12, 22, 18, 30, 0).unwrap(),
            reason: "holidays".into(),
        },
    ));
    let again = parse_ics(&cli::calendar::ics(
        &calendar,
        &calendar.occurrences(from, to),
        now,
    ));
    let moved = again.iter().find(|e| e.0 == release.0).unwrap();
    assert_eq!(moved.2, release.2 + Duration::days(2));
    // Clients update an event on re-import only for a higher SEQUENCE.
    let sequence = |text: &str, uid: &str| -> Option<u32> {
        let parsed: icalendar::Calendar = text.parse().unwrap();
        parsed.components.iter().find_map(|c| match c {
            CalendarComponent::Event(e) if e.get_uid() == Some(uid) => e.get_sequence(),
            _ => None,
        })
    };
    let before = cli::calendar::ics(&demo_like(), &occurrences, now);
    let after = cli::calendar::ics(&calendar, &calendar.occurrences(from, to), now);
    assert_eq!(sequence(&before, &release.0), Some(0));
    assert_eq!(sequence(&after, &release.0), Some(1));
    let skipped = again
        .iter()
        .find(|e| e.0 == "modules-20261222T1830Z-release@release-cockpit")
        .unwrap();
    assert!(skipped.4.contains("Cancelled"), "{skipped:?}");
}

const BIN: &str = env!("CARGO_BIN_EXE_release-cockpit");

fn calendar_cli(args: &[&str]) -> std::process::Output {
    let home = tempfile::tempdir().unwrap();
    Command::new(BIN)
        .arg("--config")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/assets/demo/config.toml"
        ))
        .arg("calendar")
        .args(args)
        .env("HOME", home.path())
        .env("XDG_STATE_HOME", home.path().join("state"))
        .output()
        .unwrap()
}

#[test]
fn calendar_command_prints_releases_freezes_windows_and_conflicts() {
    let out = calendar_cli(&["--from", "2026-11-20", "--to", "2026-12-12"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("2026-11-24 Tue 10:00 PST  modules"), "{text}");
    assert!(
        text.contains("moved off Thanksgiving (was 2026-11-26)"),
        "{text}"
    );
    assert!(text.contains("window 2h, no merges"), "{text}");
    assert!(
        text.contains("conflict 2026-12-08 18:00 UTC: modules and products windows overlap"),
        "{text}"
    );

    let out = calendar_cli(&["--from", "2026-11-20", "--to", "2026-12-12", "--json"]);
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines.len(),
        text.lines().filter(|l| !l.starts_with("conflict")).count()
    );
    assert!(
        lines
            .iter()
            .all(|l| l["freeze"].as_str() < l["t0"].as_str())
    );

    let out = calendar_cli(&["--from", "2026-11-20", "--ics"]);
    let ics = String::from_utf8(out.stdout).unwrap();
    assert!(!parse_ics(&ics).is_empty());
}

#[test]
fn calendar_command_rejects_bad_dates() {
    let out = calendar_cli(&["--from", "next tuesday"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--from `next tuesday` is not a date"));
}
