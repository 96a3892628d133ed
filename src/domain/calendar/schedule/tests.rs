use chrono::{NaiveDate, TimeZone};
use chrono_tz::America::Los_Angeles;

use super::*;
use crate::domain::calendar::{Cadence, ConflictKind, MilestoneKind, agenda, conflicts};
use crate::domain::events::{Event, Recorded};
use crate::domain::release::ReleaseType;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

fn train(name: &str, rule: &str, start: NaiveDate, hour: u32, zone: Tz) -> Train {
    Train {
        name: name.to_owned(),
        kind: ReleaseType::Minor,
        playbook: None,
        zone,
        cadence: Cadence::new(rule, start.and_hms_opt(hour, 0, 0).unwrap(), zone).unwrap(),
        freeze: Some("T-2d".parse().unwrap()),
        announce: Some("T-3d".parse().unwrap()),
        notice: None,
        window: Some(Duration::hours(2)),
        merge_freeze: true,
        on_blackout: BlackoutPolicy::NextWorkingDay,
    }
}

fn modules() -> Train {
    train(
        "modules",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
        day(2026, 1, 6),
        10,
        Los_Angeles,
    )
}

fn production() -> Train {
    train(
        "production",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH",
        day(2026, 1, 8),
        10,
        chrono_tz::UTC,
    )
}

fn winter_break() -> Blackout {
    Blackout {
        name: "Winter break".into(),
        first: day(2026, 12, 21),
        last: day(2026, 12, 25),
        trains: vec![],
    }
}

fn record(seq: u64, event: Event) -> Recorded {
    Recorded {
        seq,
        at: utc(2026, 11, 20, 9, 0),
        operator: "carol".into(),
        event,
    }
}

fn dates(occurrences: &[Occurrence]) -> Vec<String> {
    occurrences
        .iter()
        .map(|o| o.t0_local().format("%m-%d %H:%M").to_string())
        .collect()
}

#[test]
fn freeze_and_announcement_are_wall_clock_days_before_and_the_window_after() {
    let calendar = Calendar {
        trains: vec![modules()],
        ..Calendar::default()
    };
    let occ = &calendar.occurrences(utc(2026, 3, 9, 0, 0), utc(2026, 3, 20, 0, 0))[0];
    assert_eq!(occ.t0_local().to_rfc3339(), "2026-03-17T10:00:00-07:00");
    // Sunday 15 March 10:00 local, although the clocks changed on the 8th... and
    // the freeze two days before lands on the same wall-clock time.
    let freeze = occ.freeze.unwrap().with_timezone(&Los_Angeles);
    assert_eq!(freeze.to_rfc3339(), "2026-03-15T10:00:00-07:00");
    assert_eq!(occ.window_end.unwrap(), occ.t0 + Duration::hours(2));
    assert!(occ.merge_freeze);
}

#[test]
fn a_release_on_a_blackout_moves_to_the_next_working_day() {
    let calendar = Calendar {
        trains: vec![modules()],
        blackouts: vec![winter_break()],
        ..Calendar::default()
    };
    // The rule says Tue 22 Dec; the break ends Fri 25; the weekend follows.
    let occ = calendar.occurrences(utc(2026, 12, 15, 0, 0), utc(2027, 1, 1, 0, 0));
    assert_eq!(dates(&occ), ["12-28 10:00"]);
    assert_eq!(
        occ[0].status,
        Status::MovedOffBlackout {
            blackout: "Winter break".into()
        }
    );
    assert_eq!(occ[0].scheduled, utc(2026, 12, 22, 18, 0));
    assert_eq!(occ[0].on_blackout, None);
}

#[test]
fn blackout_policies_flag_skip_or_move_back() {
    let with_policy = |policy| {
        let mut t = modules();
        t.on_blackout = policy;
        Calendar {
            trains: vec![t],
            blackouts: vec![winter_break()],
            ..Calendar::default()
        }
        .occurrences(utc(2026, 12, 15, 0, 0), utc(2027, 1, 1, 0, 0))
    };
    let flagged = with_policy(BlackoutPolicy::Flag);
    assert_eq!(dates(&flagged), ["12-22 10:00"]);
    assert_eq!(flagged[0].on_blackout.as_deref(), Some("Winter break"));
    let skipped = with_policy(BlackoutPolicy::Skip);
    assert!(skipped[0].is_skipped());
    let earlier = with_policy(BlackoutPolicy::PreviousWorkingDay);
    assert_eq!(dates(&earlier), ["12-18 10:00"]);
}

#[test]
fn a_blackout_for_one_train_leaves_the_others_alone() {
    let mut offsite = winter_break();
    offsite.trains = vec!["production".into()];
    let calendar = Calendar {
        trains: vec![modules(), production()],
        blackouts: vec![offsite],
        ..Calendar::default()
    };
    let occ = calendar.occurrences(utc(2026, 12, 20, 0, 0), utc(2026, 12, 27, 0, 0));
    let by_train: Vec<(&str, String)> = occ
        .iter()
        .map(|o| (o.train.as_str(), o.t0_local().format("%m-%d").to_string()))
        .collect();
    // Production's Thu 24 Dec moves to Mon 28 (outside the range); modules stays.
    assert_eq!(by_train, [("modules", "12-22".to_owned())]);
}

#[test]
fn postponing_moves_that_occurrence_only_and_restore_takes_it_back() {
    let scheduled = utc(2026, 12, 8, 18, 0);
    let to = utc(2026, 12, 15, 18, 0);
    let mut calendar = Calendar {
        trains: vec![modules()],
        ..Calendar::default()
    };
    calendar.changes.apply(&record(
        1,
        Event::OccurrencePostponed {
            train: "modules".into(),
            scheduled,
            to,
            reason: "critical bug in staging".into(),
        },
    ));
    let occ = calendar.occurrences(utc(2026, 11, 30, 0, 0), utc(2027, 1, 1, 0, 0));
    assert_eq!(dates(&occ), ["12-15 10:00", "12-22 10:00"]);
    assert!(matches!(&occ[0].status, Status::Postponed { operator, .. } if operator == "carol"));
    assert_eq!(occ[0].scheduled, scheduled);
    assert_eq!(
        occ[0].freeze,
        Some(utc(2026, 12, 13, 18, 0)),
        "freeze moves along"
    );

    calendar.changes.apply(&record(
        2,
        Event::OccurrenceRestored {
            train: "modules".into(),
            scheduled,
        },
    ));
    let occ = calendar.occurrences(utc(2026, 11, 30, 0, 0), utc(2027, 1, 1, 0, 0));
    assert_eq!(dates(&occ), ["12-08 10:00", "12-22 10:00"]);
    assert_eq!(calendar.changes.history().len(), 2);
}

#[test]
fn a_far_postponement_is_found_in_its_new_month() {
    let scheduled = utc(2026, 1, 6, 18, 0);
    let mut calendar = Calendar {
        trains: vec![modules()],
        ..Calendar::default()
    };
    calendar.changes.apply(&record(
        1,
        Event::OccurrencePostponed {
            train: "modules".into(),
            scheduled,
            to: utc(2026, 12, 10, 18, 0),
            reason: "held for the big launch".into(),
        },
    ));
    let occ = calendar.occurrences(utc(2026, 12, 9, 0, 0), utc(2026, 12, 11, 0, 0));
    assert_eq!(occ.len(), 1);
    assert_eq!(occ[0].scheduled, scheduled);
}

#[test]
fn skipped_occurrences_stay_visible_but_take_no_part() {
    let mut calendar = Calendar {
        trains: vec![modules(), production()],
        ..Calendar::default()
    };
    calendar.changes.apply(&record(
        1,
        Event::OccurrenceSkipped {
            train: "modules".into(),
            scheduled: utc(2026, 12, 8, 18, 0),
            reason: "nothing merged".into(),
        },
    ));
    let occ = calendar.occurrences(utc(2026, 12, 7, 0, 0), utc(2026, 12, 9, 0, 0));
    assert!(occ[0].is_skipped());
    assert!(super::super::milestones(&occ).is_empty());
}

#[test]
fn overlapping_windows_and_a_freeze_during_a_window_are_conflicts() {
    // Products: second Tuesday 10:00 Pacific, the same slot as modules on 8 Dec.
    let products = train(
        "products",
        "FREQ=MONTHLY;BYDAY=2TU",
        day(2026, 1, 13),
        10,
        Los_Angeles,
    );
    // A train whose freeze (T-2d) starts Tue 8 Dec 19:00 UTC: inside the
    // Tuesday windows (18:00-20:00 UTC).
    let mut late = train(
        "mobile",
        "FREQ=WEEKLY;BYDAY=TH",
        day(2026, 1, 1),
        19,
        chrono_tz::UTC,
    );
    late.window = None;
    let calendar = Calendar {
        trains: vec![modules(), products, late],
        ..Calendar::default()
    };
    let occ = calendar.occurrences(utc(2026, 12, 7, 0, 0), utc(2026, 12, 11, 0, 0));
    let found: Vec<(ConflictKind, &str, &str)> = conflicts(&occ)
        .iter()
        .map(|c| {
            (
                c.kind,
                occ[c.first].train.as_str(),
                occ[c.second].train.as_str(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (ConflictKind::WindowsOverlap, "modules", "products"),
            (ConflictKind::FreezeDuringWindow, "mobile", "modules"),
            (ConflictKind::FreezeDuringWindow, "mobile", "products"),
        ]
    );
}

#[test]
fn milestones_at_the_same_moment_share_an_agenda_line() {
    let mut t = production();
    t.freeze = Some("T-3d".parse().unwrap());
    let calendar = Calendar {
        trains: vec![t],
        ..Calendar::default()
    };
    let occ = calendar.touching(utc(2026, 12, 1, 0, 0), utc(2027, 1, 1, 0, 0));
    let items = agenda(&occ, utc(2026, 12, 6, 0, 0), chrono_tz::UTC, 2);
    let texts: Vec<&str> = items.iter().map(|i| i.text.as_str()).collect();
    assert_eq!(
        texts,
        ["announcement + code freeze in 1d 10h", "release in 4d 10h"]
    );
    assert_eq!(items[0].kind, MilestoneKind::CodeFreeze);
}

#[test]
fn agenda_counts_down_and_says_what_is_open_now() {
    let calendar = Calendar {
        trains: vec![production()],
        ..Calendar::default()
    };
    let occ = calendar.touching(utc(2026, 11, 1, 0, 0), utc(2027, 1, 1, 0, 0));
    // Thu 10 Dec 10:00 UTC release; freeze Tue 8 Dec 10:00.
    let now = utc(2026, 12, 7, 6, 0);
    let items = agenda(&occ, now, chrono_tz::UTC, 3);
    let texts: Vec<&str> = items.iter().map(|i| i.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "announcement in 4h",
            "code freeze in 1d 4h",
            "release in 3d 4h"
        ]
    );
    let during = agenda(&occ, utc(2026, 12, 10, 10, 13), Los_Angeles, 1);
    assert_eq!(during[0].text, "window open, closes 04:00; no merges");
    assert!(during[0].ongoing);
    assert_eq!(during.len(), 2, "the window closing is not listed again");
    assert_eq!(during[1].kind, MilestoneKind::Announcement);
    let frozen = agenda(&occ, utc(2026, 12, 9, 10, 0), chrono_tz::UTC, 0);
    assert_eq!(frozen[0].text, "code freeze on, release in 1d");
}

#[test]
fn a_trains_notice_and_announce_offsets_time_the_notify_steps_that_send_them() {
    use crate::domain::playbook::{StepKind, When};
    let mut train = modules();
    train.notice = Some("T-14d".parse().unwrap());
    let library = crate::config::PlaybookLibrary::builtin().unwrap();
    let mut playbook = library.get("minor").unwrap().playbook.clone();
    train.time_messages(&mut playbook);
    let when = |id: &str| playbook.step(id).unwrap().when.clone();
    // `announce` sends the notice template; `release-complete` is no offset's.
    assert_eq!(when("announce"), When::At("T-14d".parse().unwrap()));
    assert_eq!(
        when("release-complete"),
        When::At("T+1h30m".parse().unwrap())
    );
    let sends_notice = playbook
        .steps()
        .filter(
            |(_, s)| matches!(&s.kind, StepKind::Notify { template: Some(t), .. } if t == "notice"),
        )
        .count();
    assert_eq!(sends_notice, 1);
}
